// SPDX-License-Identifier: BSD-2-Clause
/*
 * Pipeline glue: decode each frame, count what could not be decoded by
 * reason, and account TCP/UDP packets in the flow table. Flows that end are
 * written as records when the caller asked for them. With detection on,
 * the flow table's and the heads' events feed the detector in packet-time
 * order: a flow's first packet, every client packet with payload (the only
 * ones that can start a request turn) as a running snapshot, the heads
 * read (ClientHello, HTTP request heads, with the SYN signature), and the
 * flow's end. They go through an operations table (detect/detect-ops.h):
 * to the pipeline's own detector, or, in a shard of several, into its
 * queue (detect/detect-merge.h) for the one detector that merges them.
 */
#include <errno.h>
#include <string.h>

#include "decode/http.h"
#include "output/output.h"
#include "pipeline/pipeline.h"
#include "pipeline/tunnel-map.h"

/* The detector's events go through p->dops: to the pipeline's own detector
 * (sw_detect_direct_ops) or into its shard's queue (sw_detq_ops). */
static int detecting(const struct sw_pipeline *p)
{
	return p->dops != NULL;
}

/* The requests come from the TLS records, which leave the handshake out. */
static int req_by_tls(int by)
{
	return by == SW_REQ_BY_TLS || by == SW_REQ_BY_TLS_LOST;
}

/*
 * The detector's view of a flow. Its `turns` field carries the flow's
 * request estimate (sw_flow_requests(), the scrapewatch.flow.requests of
 * flow records, docs/requests.md), not the raw turns: on TLS flows the
 * requests counted from the client's records, handshake excluded, so
 * tls_hint stays 0 there and the detector skips nothing; elsewhere the
 * turns, with tls_hint as the caller found it. Parsed HTTP/1.x heads are
 * not consulted here: on cleartext HTTP/1.x the turns are those requests.
 * Returns the flow's sw_req_by.
 */
static int snapshot(const struct sw_flow *f, uint64_t ts,
		    struct sw_detect_snap *s)
{
	int by;

	s->ts_ns = ts;
	s->turns = sw_flow_requests(f, 0, &by);
	s->up_bytes = sw_acct_bytes(&f->acct, SW_DIR_C2S);
	s->down_bytes = sw_acct_bytes(&f->acct, SW_DIR_S2C);
	s->tls_hint = 0;
	return by;
}

/*
 * A flow ends: its record, then its heads side record is released. The
 * XDP path (xdp/xdp.c) ends the flows the kernel accounted
 * through here too, so everything after this point is shared.
 */
void sw_pipeline_flow_end(struct sw_pipeline *p, const struct sw_flow *f)
{
	struct sw_tunnel tun;
	int rc, has_tun;

	has_tun = sw_tunnel_map_count(p->tunnels) &&
		  sw_tunnel_map_take(p->tunnels, &f->key, &tun);
	if (p->emit & SW_EMIT_FLOWS) {
		cJSON *rec = sw_json_flow(f, sw_heads_find(p->heads, f));

		if (rec && has_tun)
			sw_json_flow_tunnel(rec, &tun);
		rc = sw_output_record(p->out, rec);
		if (rc && !p->write_error)
			p->write_error = rc;
	}
	if (detecting(p)) {
		struct sw_detect_snap s;

		snapshot(f, f->acct.last_ns, &s);
		p->dops->flow_end(p->dctx, &f->key, f->acct.client_is_b, &s);
	}
	sw_heads_release(p->heads, f);
}

/*
 * The XDP path (xdp/xdp.c) has no per-packet events: it tells
 * of a flow when it first sees it (a head, or a map sweep) and of its
 * running totals at each sweep. Same hooks as sw_pipeline_frame().
 */
void sw_pipeline_flow_seen(struct sw_pipeline *p, const struct sw_flow *f,
			   int client_syn)
{
	if (p->on_flow_start)
		p->on_flow_start(p->flow_start_ctx, f);
	if (detecting(p) && client_syn)
		p->dops->flow_syn(p->dctx, &f->key, f->acct.client_is_b,
				  f->acct.first_ns);
	else if (detecting(p))
		p->dops->flow_start(p->dctx, &f->key, f->acct.client_is_b,
				    f->acct.first_ns);
}

void sw_pipeline_flow_progress(struct sw_pipeline *p, const struct sw_flow *f,
			       uint64_t ts_ns, int tls_hint)
{
	struct sw_detect_snap s;

	if (!detecting(p))
		return;
	if (!req_by_tls(snapshot(f, ts_ns, &s)))
		s.tls_hint = (uint8_t)(tls_hint != 0);
	p->dops->flow_progress(p->dctx, &f->key, f->acct.client_is_b, &s);
}

static void syn_facts(const struct sw_flow_fp *fp, struct sw_detect_fp *x)
{
	x->syn_sig = fp->syn_sig;
	x->os_class = fp->os_class;
}

static void on_hello(void *ctx, const struct sw_flow *f,
		     const struct sw_flow_fp *fp)
{
	struct sw_pipeline *p = ctx;
	const struct sw_flow_tls *t = fp->tls;
	struct sw_detect_fp x;

	memset(&x, 0, sizeof(x));
	x.has_tls = 1;
	x.tls_grease = t->grease;
	x.tls_alpn_h2 = t->alpn_len == 2 && memcmp(t->alpn, "h2", 2) == 0;
	x.quic = t->transport == 'q';
	x.ja3 = t->ja3;
	x.ja4 = t->ja4;
	x.sni = t->sni;
	x.sni_len = t->sni_len;
	syn_facts(fp, &x);
	p->dops->flow_fp(p->dctx, &f->key, f->acct.client_is_b, f->acct.last_ns,
			 &x);
}

static void on_request(void *ctx, const struct sw_flow *f,
		       const struct sw_flow_fp *fp, const struct sw_http_req *r)
{
	struct sw_pipeline *p = ctx;
	struct sw_detect_http x;

	if (fp->requests == 1 && fp->syn_sig[0]) {
		struct sw_detect_fp y;

		memset(&y, 0, sizeof(y));
		syn_facts(fp, &y);
		p->dops->flow_fp(p->dctx, &f->key, f->acct.client_is_b,
				 f->acct.last_ns, &y);
	}
	memset(&x, 0, sizeof(x));
	x.path_hash =
		sw_detect_path_hash((const uint8_t *)r->path, r->path_len);
	x.kind = r->kind;
	if (r->present & SW_HTTP_HAS_UA) {
		x.ua = (const uint8_t *)r->ua;
		x.ua_len = r->ua_len;
	}
	if (r->present & SW_HTTP_HAS_HOST) {
		x.host = (const uint8_t *)r->host;
		x.host_len = r->host_len;
	}
	p->dops->http(p->dctx, &f->key, f->acct.client_is_b, f->acct.last_ns,
		      &x);
}

static struct sw_rule_count *rule_slot(struct sw_rule_count *t, const char *id)
{
	int i;

	for (i = 0; i < SW_PIPELINE_RULE_SLOTS; i++) {
		if (!t[i].id)
			t[i].id = id;
		if (strcmp(t[i].id, id) == 0)
			return &t[i];
	}
	return NULL;
}

static void count_alert(struct sw_pipeline *p, const struct sw_alert *a)
{
	struct sw_rule_count *c =
		a->rule_id ? rule_slot(p->alerts, a->rule_id) : NULL;
	uint32_t i;

	if (c)
		*(a->action == SW_ACTION_START	? &c->started :
		  a->action == SW_ACTION_UPDATE ? &c->updated :
						  &c->ended) += 1;
	if (a->action != SW_ACTION_START)
		return;
	for (i = 0; i < a->n_reasons; i++) {
		c = a->reasons[i].id ? rule_slot(p->reasons, a->reasons[i].id) :
				       NULL;
		if (c)
			c->started++;
	}
}

void sw_pipeline_alert(const struct sw_alert *a, void *ctx)
{
	struct sw_pipeline *p = ctx;
	int rc;

	count_alert(p, a);
	rc = sw_output_record(p->out, sw_json_alert(a));

	if (rc && !p->write_error)
		p->write_error = rc;
}

static void on_flow_end(const struct sw_flow *f, void *ctx)
{
	sw_pipeline_flow_end(ctx, f);
}

/* A head the XDP program sent: the same heads stage as a decoded frame. */
void sw_pipeline_head(struct sw_pipeline *p, struct sw_flow *f, int dir,
		      const struct sw_packet *pkt)
{
	if (!(p->emit & SW_NO_HEADS))
		sw_heads_packet(p->heads, f, dir, pkt);
}

int sw_pipeline_init(struct sw_pipeline *p, const struct sw_flow_table_cfg *cfg,
		     struct sw_sinks *out, unsigned emit)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->emit = emit;
	if (!cfg)
		return 0;
	p->heads = sw_heads_new();
	if (!p->heads)
		return -errno;
	p->flows = sw_flow_table_new(cfg, on_flow_end, p);
	if (!p->flows) {
		int err = -errno;

		sw_heads_free(p->heads);
		p->heads = NULL;
		return err;
	}
	return 0;
}

int sw_pipeline_enable_detect(struct sw_pipeline *p,
			      const struct sw_detect_cfg *cfg, sw_alert_fn fn,
			      void *ctx, char *err, size_t errlen)
{
	struct sw_heads_observer obs = {
		.hello = on_hello,
		.request = on_request,
		.ctx = p,
	};

	p->det = sw_detect_new(cfg, fn ? fn : sw_pipeline_alert, fn ? ctx : p,
			       err, errlen);
	if (!p->det)
		return -errno;
	p->dops = &sw_detect_direct_ops;
	p->dctx = p->det;
	if (p->heads)
		sw_heads_set_observer(p->heads, &obs);
	return 0;
}

void sw_pipeline_detect_queue(struct sw_pipeline *p, struct sw_detq *q)
{
	struct sw_heads_observer obs = {
		.hello = on_hello,
		.request = on_request,
		.ctx = p,
	};

	p->dops = &sw_detq_ops;
	p->dctx = q;
	sw_heads_set_observer(p->heads, &obs);
}

static void detect_packet(struct sw_pipeline *p, const struct sw_flow *flow,
			  int dir, const struct sw_packet *pkt)
{
	const struct sw_flow_acct *a = &flow->acct;
	struct sw_detect_snap s;

	if (a->dir[SW_DIR_C2S].packets + a->dir[SW_DIR_S2C].packets != 1) {
		p->dops->advance(p->dctx, pkt->ts_ns);
	} else if (dir == SW_DIR_C2S && pkt->proto == SW_IPPROTO_TCP &&
		   (pkt->tcp_flags & (SW_TCP_SYN | SW_TCP_ACK)) == SW_TCP_SYN) {
		/* Its source port counts the hosts behind an address. */
		p->dops->flow_syn(p->dctx, &flow->key, a->client_is_b,
				  pkt->ts_ns);
	} else {
		p->dops->flow_start(p->dctx, &flow->key, a->client_is_b,
				    pkt->ts_ns);
	}
	if (dir != SW_DIR_C2S || pkt->payload_len == 0)
		return;
	/* A TLS handshake record (22), or a QUIC long header: the first
	 * turns are the handshake, not requests, unless the requests come
	 * from the TLS records, which leave the handshake out. */
	if (!req_by_tls(snapshot(flow, pkt->ts_ns, &s)) && a->turns <= 1 &&
	    pkt->payload_caplen > 0)
		s.tls_hint = pkt->proto == SW_IPPROTO_TCP ?
				     pkt->payload[0] == 22 :
				     (pkt->payload[0] & 0x80) != 0;
	p->dops->flow_progress(p->dctx, &flow->key, a->client_is_b, &s);
}

/* A flow's first packet came in a tunnel: keep the tunnel for its
 * record. Without memory the record just goes without it. */
static void note_tunnel(struct sw_pipeline *p, const struct sw_flow *flow,
			const struct sw_tunnel *t)
{
	if (!p->tunnels)
		p->tunnels = sw_tunnel_map_new();
	if (p->tunnels)
		sw_tunnel_map_put(p->tunnels, &flow->key, t);
}

void sw_pipeline_frame(struct sw_pipeline *p, const struct sw_frame *f)
{
	struct sw_packet pkt;
	struct sw_flow *flow;
	int rc, dir;

	/* A shard's records carry its packet clock, the merge's order. */
	if (p->dops && p->dops->clock)
		p->dops->clock(p->dctx, f->ts_ns);
	p->stats.packets++;
	p->stats.bytes += f->wirelen;
	if (!p->stats.first_ns)
		p->stats.first_ns = f->ts_ns;
	if (f->ts_ns > p->stats.last_ns)
		p->stats.last_ns = f->ts_ns;

	pkt.ts_ns = f->ts_ns;
	rc = sw_decode(f->linktype, f->data, f->caplen, f->wirelen, &pkt);
	if (pkt.fragment || rc == SW_DR_IPV4_FRAGMENT ||
	    rc == SW_DR_IPV6_FRAGMENT)
		p->stats.fragments++;
	if (rc != SW_DR_OK) {
		p->stats.reasons[rc < SW_DR_MAX ? rc : 0]++;
		return;
	}
	p->stats.decoded++;
	if (pkt.anomaly)
		p->stats.anomalies[pkt.anomaly]++;
	flow = sw_flow_table_packet(p->flows, &pkt, &dir);
	if (pkt.tunnel.type &&
	    flow->acct.dir[SW_DIR_C2S].packets +
			    flow->acct.dir[SW_DIR_S2C].packets ==
		    1)
		note_tunnel(p, flow, &pkt.tunnel);
	if (p->on_flow_start &&
	    flow->acct.dir[SW_DIR_C2S].packets +
			    flow->acct.dir[SW_DIR_S2C].packets ==
		    1)
		p->on_flow_start(p->flow_start_ctx, flow);
	if (detecting(p))
		detect_packet(p, flow, dir, &pkt);
	if (!(p->emit & SW_NO_HEADS))
		sw_heads_packet(p->heads, flow, dir, &pkt);
}

void sw_pipeline_finish(struct sw_pipeline *p)
{
	if (p->flows)
		sw_flow_table_flush(p->flows, SW_CLOSE_END_OF_INPUT);
	if (p->det)
		sw_detect_finish(p->det);
}

void sw_pipeline_destroy(struct sw_pipeline *p)
{
	sw_flow_table_free(p->flows);
	p->flows = NULL;
	sw_heads_free(p->heads);
	p->heads = NULL;
	sw_tunnel_map_free(p->tunnels);
	p->tunnels = NULL;
	sw_detect_free(p->det);
	p->det = NULL;
	p->dops = NULL;
	p->dctx = NULL;
}
