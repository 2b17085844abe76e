// SPDX-License-Identifier: BSD-2-Clause
/*
 * The detector's events (see detect.h) and the tables they update: the
 * tracked clients and their flows. A Space-Saving sketch stands in front
 * of the client table: a client gets full state only once the sketch has
 * certainly counted cfg->admit_events events from it, so floods of
 * one-packet sources never displace real clients. The tables and the event
 * handlers share this file so that the per-packet path stays within one
 * unit; the alert lifecycle is in detect-alert.c, creation in
 * detect-setup.c.
 */
#include <errno.h>
#include <string.h>

#include "decode/http.h"
#include "detect-int.h"
#include "detect-ops.h"
#include "scrapewatch/flow_acct.h"

/* ---- addresses and config matching ------------------------------------- */

static void key_client(const struct sw_flow_key *k, int client_is_b,
		       struct sw_det_addr *a)
{
	a->family = k->family;
	memcpy(a->a, client_is_b ? k->addr_b : k->addr_a, 16);
}

static const uint8_t *key_server(const struct sw_flow_key *k, int client_is_b,
				 uint16_t *port)
{
	*port = client_is_b ? k->port_a : k->port_b;
	return client_is_b ? k->addr_a : k->addr_b;
}

static int cidr_match(const struct sw_cidr *n, uint8_t family,
		      const uint8_t *addr)
{
	uint32_t bits = n->prefix_len, full = bits / 8, rest = bits % 8;

	if (n->family != family)
		return 0;
	if (bits > (family == SW_FAMILY_IPV4 ? 32u : 128u))
		return 0;
	if (memcmp(n->addr, addr, full) != 0)
		return 0;
	if (rest) {
		uint8_t m = (uint8_t)(0xff << (8 - rest));

		return (n->addr[full] & m) == (addr[full] & m);
	}
	return 1;
}

/* enum flow_watch for a flow's server, before SNI or Host is known. */
static int service_watch(const struct sw_detect *d, const struct sw_flow_key *k,
			 int client_is_b)
{
	const uint8_t *srv;
	uint16_t port;
	size_t i;

	if (!d->cfg.n_services && !d->cfg.n_snis)
		return WATCH_YES;
	srv = key_server(k, client_is_b, &port);
	for (i = 0; i < d->cfg.n_services; i++)
		if (cidr_match(&d->services[i].net, k->family, srv) &&
		    (!d->services[i].port || d->services[i].port == port))
			return WATCH_YES;
	return d->cfg.n_snis ? WATCH_UNKNOWN : WATCH_NO;
}

static int name_listed(const struct sw_detect *d, const uint8_t *name,
		       uint32_t len)
{
	size_t i;
	uint32_t j;

	/* A Host header may carry a port. */
	for (j = 0; j < len && name[j] != ':'; j++)
		;
	len = j;
	for (i = 0; i < d->cfg.n_snis; i++) {
		const char *s = d->snis[i];

		if (strlen(s) != len)
			continue;
		for (j = 0; j < len; j++) {
			uint8_t c = name[j];

			if (c >= 'A' && c <= 'Z')
				c = (uint8_t)(c | 0x20);
			if ((char)c != s[j])
				break;
		}
		if (j == len)
			return 1;
	}
	return 0;
}

static int fp_exempt(const struct sw_detect *d, uint8_t kind, const char *v,
		     size_t len)
{
	size_t i;

	for (i = 0; i < d->cfg.n_exempt_fps; i++) {
		const struct sw_fp_pattern *p = &d->exempt_fps[i];
		size_t pl;

		if (p->kind != kind || !v || !len)
			continue;
		pl = strnlen(p->value, sizeof(p->value));
		if (kind == SW_FP_USER_AGENT) {
			size_t j;

			for (j = 0; pl && j + pl <= len; j++)
				if (memcmp(v + j, p->value, pl) == 0)
					return 1;
		} else if (pl == len && memcmp(v, p->value, len) == 0) {
			return 1;
		}
	}
	return 0;
}

/* ---- clients ------------------------------------------------------------ */

static uint32_t client_find(const struct sw_detect *d,
			    const struct sw_det_addr *a)
{
	uint32_t i = d->client_hash[sw_det_addr_hash(a) & d->client_hmask];

	while (i != NIL && (d->clients[i].addr.family != a->family ||
			    memcmp(d->clients[i].addr.a, a->a, 16) != 0))
		i = d->clients[i].hnext;
	return i;
}

int sw_detect_client_peaks(const struct sw_detect *d,
			   const struct sw_det_addr *a, double out[SW_PEAKS])
{
	uint32_t ci = client_find(d, a);
	int i;

	if (ci == NIL)
		return -ENOENT;
	for (i = 0; i < SW_PEAKS; i++)
		out[i] = d->clients[ci].peak[i];
	return 0;
}

static void client_unhash(struct sw_detect *d, uint32_t ci)
{
	uint32_t *pp = &d->client_hash[sw_det_addr_hash(&d->clients[ci].addr) &
				       d->client_hmask];

	while (*pp != NIL && *pp != ci)
		pp = &d->clients[*pp].hnext;
	if (*pp == ci)
		*pp = d->clients[ci].hnext;
}

/* Least recently active of a few slots, never one with an open alert. */
static uint32_t client_victim(struct sw_detect *d)
{
	uint32_t best = NIL, i;

	for (i = 0; i < 16; i++) {
		uint32_t ci = d->client_hand;
		struct det_client *c = &d->clients[ci];

		d->client_hand = (d->client_hand + 1) % d->n_clients;
		if (c->alert.open)
			continue;
		if (best == NIL || c->last_ns < d->clients[best].last_ns)
			best = ci;
	}
	return best;
}

static void epoch_roll(struct det_epoch *ep, uint64_t now)
{
	uint64_t e = now / EPOCH_NS;

	if (e == ep[0].idx)
		return;
	if (e == ep[0].idx + 1)
		ep[1] = ep[0];
	else
		memset(&ep[1], 0, sizeof(ep[1]));
	memset(&ep[0], 0, sizeof(ep[0]));
	ep[0].idx = e;
}

static void client_touch(struct sw_detect *d, struct det_client *c, uint64_t ts)
{
	if (ts < c->last_ns)
		ts = c->last_ns; /* a reordered event counts in the newest bin */
	if (ts - c->last_ns >= (uint64_t)d->cfg.end_after_s * NS_PER_S)
		c->session_ns = ts;
	c->last_ns = ts;
	det_bins_advance(c->bins, &c->bin_last, ts);
	epoch_roll(c->ep, ts);
}

int det_client_exempt_net(const struct sw_detect *d,
			  const struct sw_det_addr *a)
{
	size_t i;

	for (i = 0; i < d->cfg.n_exempt_nets; i++)
		if (cidr_match(&d->exempt_nets[i], a->family, a->a))
			return 1;
	return 0;
}

/*
 * The client's slot, or NIL. An untracked client is counted in the sketch
 * and admitted once its guaranteed count reaches admit_events.
 */
static uint32_t client_get(struct sw_detect *d, const struct sw_det_addr *a,
			   uint64_t ts, int count)
{
	uint32_t ci = client_find(d, a), h;
	uint64_t guaranteed;
	struct det_client *c;

	if (ci != NIL || !count)
		return ci;
	sw_sketch_add(d->sketch, a, &guaranteed);
	if (guaranteed < d->cfg.admit_events)
		return NIL;
	ci = d->client_free;
	if (ci == NIL && d->clients_used < d->n_clients) {
		ci = d->clients_used++;
	} else if (ci == NIL) {
		ci = client_victim(d);
		if (ci == NIL) {
			d->stats.admissions_refused++;
			return NIL;
		}
		client_unhash(d, ci);
		d->stats.clients_evicted++;
		d->stats.clients_active--;
	} else {
		d->client_free = d->clients[ci].hnext;
	}
	c = &d->clients[ci];
	h = c->gen + 1;
	memset(c, 0, sizeof(*c));
	c->gen = h;
	c->used = 1;
	c->addr = *a;
	c->first_ns = c->last_ns = c->session_ns = ts;
	c->bin_last = ts / BIN_NS;
	c->ep[0].idx = ts / EPOCH_NS;
	c->groups[0] = c->groups[1] = NIL;
	c->alert.next_open = c->alert.prev_open = NIL;
	c->exempt = (uint8_t)det_client_exempt_net(d, a);
	if (c->exempt)
		d->stats.clients_exempt++;
	h = (uint32_t)(sw_det_addr_hash(a) & d->client_hmask);
	c->hnext = d->client_hash[h];
	d->client_hash[h] = ci;
	d->stats.clients_admitted++;
	if (++d->stats.clients_active > d->stats.clients_max)
		d->stats.clients_max = d->stats.clients_active;
	if (!c->exempt)
		det_group_join(d, c, ci, GROUP_PREFIX);
	return ci;
}

/* ---- flows of tracked clients ------------------------------------------- */

static uint32_t flow_bucket(const struct sw_detect *d,
			    const struct sw_flow_key *k)
{
	uint64_t x = 0xcbf29ce484222325ULL;
	const uint8_t *p = (const uint8_t *)k;
	size_t i;

	for (i = 0; i < sizeof(*k); i++) {
		x ^= p[i];
		x *= 0x100000001b3ULL;
	}
	return (uint32_t)(x ^ (x >> 29)) & d->flow_hmask;
}

static void flow_unhash(struct sw_detect *d, uint32_t fi)
{
	uint32_t *pp = &d->flow_hash[flow_bucket(d, &d->flows[fi].key)];

	while (*pp != NIL && *pp != fi)
		pp = &d->flows[*pp].hnext;
	if (*pp == fi)
		*pp = d->flows[fi].hnext;
}

static void flow_del(struct sw_detect *d, uint32_t fi)
{
	flow_unhash(d, fi);
	d->flows[fi].used = 0;
	d->flows[fi].hnext = d->flow_free;
	d->flow_free = fi;
}

static struct det_flow *flow_get(struct sw_detect *d,
				 const struct sw_flow_key *k, uint32_t ci,
				 int client_is_b, int create)
{
	uint32_t b = flow_bucket(d, k), fi = d->flow_hash[b], i;
	struct det_flow *f;

	for (; fi != NIL; fi = d->flows[fi].hnext) {
		f = &d->flows[fi];
		if (memcmp(&f->key, k, sizeof(*k)) != 0)
			continue;
		if (f->client == ci && f->gen == d->clients[ci].gen)
			return f;
		/* The client slot changed hands: start over. */
		break;
	}
	if (!create)
		return NULL;
	if (fi == NIL) {
		fi = d->flow_free;
		if (fi == NIL && d->flows_used < d->n_flows) {
			fi = d->flows_used++;
		} else if (fi == NIL) {
			/* Full: recycle the stalest of a few. */
			uint32_t best = d->flow_hand;

			for (i = 0; i < 8; i++) {
				uint32_t j = (d->flow_hand + i) % d->n_flows;

				if (d->flows[j].last_ns <
				    d->flows[best].last_ns)
					best = j;
			}
			d->flow_hand = (d->flow_hand + 8) % d->n_flows;
			flow_unhash(d, best);
			d->stats.flows_dropped++;
			fi = best;
		} else {
			d->flow_free = d->flows[fi].hnext;
		}
		f = &d->flows[fi];
		memset(f, 0, sizeof(*f));
		f->key = *k;
		f->hnext = d->flow_hash[b];
		d->flow_hash[b] = fi;
	} else {
		uint32_t keep = d->flows[fi].hnext;

		f = &d->flows[fi];
		memset(f, 0, sizeof(*f));
		f->key = *k;
		f->hnext = keep;
	}
	f->used = 1;
	f->client = ci;
	f->gen = d->clients[ci].gen;
	f->watch = (uint8_t)service_watch(d, k, client_is_b);
	d->stats.flows_tracked++;
	return f;
}

/* ---- events ------------------------------------------------------------- */

static void maybe_eval(struct sw_detect *d, uint32_t ci, uint64_t ts)
{
	if (ts >= d->clients[ci].last_eval_ns + EVAL_NS)
		det_client_eval(d, ci, ts);
}

/* Client and flow of an event: NULL when not tracked or not watched. */
static struct det_flow *event_flow(struct sw_detect *d,
				   const struct sw_flow_key *k, int client_is_b,
				   uint64_t ts, int count, uint32_t *ci_out)
{
	struct sw_det_addr a;
	uint32_t ci;

	d->stats.events++;
	sw_detect_advance(d, ts);
	if (service_watch(d, k, client_is_b) == WATCH_NO) {
		d->stats.events_unwatched++;
		return NULL;
	}
	key_client(k, client_is_b, &a);
	ci = client_get(d, &a, ts, count);
	if (ci == NIL || d->clients[ci].exempt)
		return NULL;
	*ci_out = ci;
	return flow_get(d, k, ci, client_is_b, 1);
}

static void count_conn(struct sw_detect *d, uint32_t ci,
		       const struct sw_flow_key *k, int client_is_b,
		       uint64_t ts)
{
	struct det_client *c = &d->clients[ci];
	const uint8_t *srv;

	client_touch(d, c, ts);
	c->bins[c->bin_last % NBINS].conns++;
	c->conns++;
	srv = key_server(k, client_is_b, &c->dest_port);
	memcpy(c->dest, srv, 16);
	c->dest_family = k->family;
	c->transport = k->proto;
}

void sw_detect_flow_start(struct sw_detect *d, const struct sw_flow_key *k,
			  int client_is_b, uint64_t ts)
{
	uint32_t ci;
	struct det_flow *f = event_flow(d, k, client_is_b, ts, 1, &ci);

	if (!f)
		return;
	f->last_ns = ts;
	if (f->watch != WATCH_YES)
		return;
	f->conn_counted = 1;
	count_conn(d, ci, k, client_is_b, ts);
	maybe_eval(d, ci, ts);
}

void sw_detect_flow_syn(struct sw_detect *d, const struct sw_flow_key *k,
			int client_is_b, uint64_t ts)
{
	struct sw_det_addr a, srv;
	struct det_client *c;
	uint16_t sport, dport;
	uint32_t ci;
	uint8_t before;

	sw_detect_flow_start(d, k, client_is_b, ts);
	key_client(k, client_is_b, &a);
	ci = client_find(d, &a);
	if (ci == NIL)
		return;
	c = &d->clients[ci];
	sport = client_is_b ? k->port_b : k->port_a;
	srv.family = k->family;
	memcpy(srv.a, key_server(k, client_is_b, &dport), 16);
	before = c->hosts;
	det_hosts_syn(c, sport,
		      (uint32_t)(sw_det_addr_hash(&srv) ^ dport * 0x9e3779b1u),
		      ts);
	if (before < 2 && c->hosts >= 2)
		d->stats.shared_addresses++;
}

/* A response of this size ended on flow fi at ts. */
static void record_size(struct det_client *c, uint64_t bytes, uint32_t fi,
			uint64_t ts)
{
	int b = bytes ? 63 - __builtin_clzll(bytes) : 0;
	uint32_t i, old = 0;

	if (bytes >= BULK_RESPONSE_BYTES) {
		for (i = 0; i < 8 && c->bulk[i].flow != fi + 1; i++)
			if (c->bulk[i].ts < c->bulk[old].ts)
				old = i;
		if (i == 8)
			i = old;
		c->bulk[i].flow = fi + 1;
		c->bulk[i].ts = ts;
	}

	if (b >= SIZE_BUCKETS)
		b = SIZE_BUCKETS - 1;
	if (c->ep[0].sizes[b] < UINT16_MAX)
		c->ep[0].sizes[b]++;
}

static void record_interval(struct det_client *c, double s)
{
	struct det_epoch *e = &c->ep[0];
	double delta;

	e->n_int++;
	delta = s - e->int_mean;
	e->int_mean += delta / e->n_int;
	e->int_m2 += delta * (s - e->int_mean);
}

/*
 * A snapshot of flow f. final: the flow has ended, so every request it
 * made has had its response; a snapshot that brings requests and their
 * bytes at once (the XDP path's map sweeps, a short connection seen only
 * when it ends) still gives their sizes.
 */
static void progress(struct sw_detect *d, uint32_t ci, struct det_flow *f,
		     const struct sw_flow_key *k, int client_is_b,
		     const struct sw_detect_snap *s, int final)
{
	struct det_client *c = &d->clients[ci];
	uint32_t turns, counted, skipped, i, fi = (uint32_t)(f - d->flows);
	uint64_t ts = s->ts_ns, resp_down;
	int awaiting;

	if (!f->conn_counted) {
		/* Seen first mid-flow, or the client was admitted later, or
		 * the flow was held for its name: a connection all the
		 * same. */
		f->conn_counted = 1;
		count_conn(d, ci, k, client_is_b, ts);
	}
	client_touch(d, c, ts);
	if (s->turns < f->last_turns || s->down_bytes < f->last_down) {
		f->last_turns = s->turns; /* a new flow on the same key */
		f->last_down = f->turn_down = s->down_bytes;
		f->last_up = s->up_bytes;
		f->has_resp = f->sized = 0;
		f->counted = 0;
	}
	c->down += s->down_bytes - f->last_down;
	c->up += s->up_bytes - f->last_up;
	turns = s->turns - f->last_turns;
	skipped = turns < f->skip ? turns : f->skip;
	f->skip = (uint8_t)(f->skip - skipped);
	counted = turns - skipped;
	if (skipped && !counted)
		f->turn_down = s->down_bytes; /* the handshake is no response */
	resp_down = f->turn_down;
	awaiting = f->has_resp;
	if (counted) {
		struct det_bin *bin = &c->bins[c->bin_last % NBINS];

		/* The bytes since the last counted turn are the responses
		 * that finished meanwhile, one per new turn. */
		if (!f->counted)
			f->base_down = f->turn_down;
		f->counted += counted;
		if (!final && f->has_resp && s->down_bytes > f->turn_down) {
			for (i = 0; i < counted && i < 64; i++)
				record_size(c,
					    (s->down_bytes - f->turn_down) /
						    counted,
					    fi, ts);
			f->sized = 1;
		}
		f->turn_down = s->down_bytes;
		f->has_resp = 1;
		bin->turns = (uint16_t)(bin->turns + counted);
		c->turns += counted;
		if (c->last_turn_ns && ts > c->last_turn_ns)
			for (i = 0; i < counted && i < 64; i++)
				record_interval(c,
						(double)(ts - c->last_turn_ns) /
							1e9 / counted);
		c->last_turn_ns = ts;
		det_group_turns(d, c, ts);
	}
	if (final) {
		/* Every request awaiting a response, and every new one, has
		 * had it: the bytes since the last counted turn before this
		 * snapshot, shared out. */
		uint32_t n = counted + (uint32_t)awaiting;

		if (n && s->down_bytes > resp_down) {
			for (i = 0; i < n && i < 64; i++)
				record_size(c, (s->down_bytes - resp_down) / n,
					    fi, ts);
			f->sized = 1;
		}
		/* Requests and their responses came in the same snapshot
		 * (a sweep): each response is the flow's average. */
		if (!f->sized && f->counted && s->down_bytes > f->base_down)
			for (i = 0; i < f->counted && i < 64; i++)
				record_size(c,
					    (s->down_bytes - f->base_down) /
						    f->counted,
					    fi, ts);
		f->has_resp = 0;
		f->turn_down = s->down_bytes;
	}
	f->last_turns = s->turns;
	f->last_down = s->down_bytes;
	f->last_up = s->up_bytes;
	f->last_ns = ts;
}

void sw_detect_flow_progress(struct sw_detect *d, const struct sw_flow_key *k,
			     int client_is_b, const struct sw_detect_snap *s)
{
	uint32_t ci;
	struct det_flow *f = event_flow(d, k, client_is_b, s->ts_ns, 1, &ci);

	if (!f)
		return;
	if (f->last_turns == 0 && f->last_down == 0 && s->turns <= 1 &&
	    s->tls_hint)
		f->skip = (uint8_t)(k->proto == SW_IPPROTO_UDP ? 1 : 2);
	if (f->watch != WATCH_YES)
		return; /* held until SNI or Host decides */
	progress(d, ci, f, k, client_is_b, s, 0);
	maybe_eval(d, ci, s->ts_ns);
}

void sw_detect_flow_end(struct sw_detect *d, const struct sw_flow_key *k,
			int client_is_b, const struct sw_detect_snap *s)
{
	struct sw_det_addr a;
	struct det_flow *f;
	uint32_t ci, fi;

	d->stats.events++;
	key_client(k, client_is_b, &a);
	ci = client_find(d, &a);
	if (ci == NIL)
		return;
	f = flow_get(d, k, ci, client_is_b, 0);
	if (!f)
		return;
	fi = (uint32_t)(f - d->flows);
	if (f->watch == WATCH_YES && !d->clients[ci].exempt)
		progress(d, ci, f, k, client_is_b, s, 1);
	flow_del(d, fi);
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strnlen(src, cap - 1) : 0;

	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

void sw_detect_flow_fp(struct sw_detect *d, const struct sw_flow_key *k,
		       int client_is_b, uint64_t ts,
		       const struct sw_detect_fp *fp)
{
	struct det_client *c;
	struct det_flow *f;
	uint32_t ci;
	int new_sig;

	f = event_flow(d, k, client_is_b, ts, 0, &ci);
	if (!f)
		return;
	c = &d->clients[ci];
	if (fp->has_tls && f->watch == WATCH_UNKNOWN) {
		f->watch = (uint8_t)(fp->sni_len && name_listed(d, fp->sni,
								fp->sni_len) ?
					     WATCH_YES :
					     WATCH_NO);
		if (f->watch == WATCH_NO)
			return;
	}
	if (f->watch != WATCH_YES)
		return;
	new_sig = fp->syn_sig && fp->syn_sig[0] && !c->syn_sig[0];
	if (fp->has_tls) {
		if (det_is_library_tls(fp)) {
			if (c->tls_lib < UINT8_MAX)
				c->tls_lib++;
		} else if (c->tls_browser < UINT8_MAX) {
			c->tls_browser++;
		}
		copy_str((char *)c->ja3, sizeof(c->ja3), fp->ja3);
		copy_str(c->ja4, sizeof(c->ja4), fp->ja4);
		c->sni_len = (uint8_t)(fp->sni_len < sizeof(c->sni) ?
					       fp->sni_len :
					       sizeof(c->sni));
		if (fp->sni)
			memcpy(c->sni, fp->sni, c->sni_len);
		if (fp_exempt(d, SW_FP_JA4, fp->ja4,
			      fp->ja4 ? strlen(fp->ja4) : 0) ||
		    fp_exempt(d, SW_FP_JA3, fp->ja3,
			      fp->ja3 ? strlen(fp->ja3) : 0))
			c->exempt = 1;
	}
	if (fp->syn_sig && fp->syn_sig[0]) {
		copy_str(c->syn_sig, sizeof(c->syn_sig), fp->syn_sig);
		copy_str(c->os_class, sizeof(c->os_class), fp->os_class);
		if (fp_exempt(d, SW_FP_TCP_SIG, fp->syn_sig,
			      strlen(fp->syn_sig)))
			c->exempt = 1;
	}
	if (c->exempt) {
		d->stats.clients_exempt++;
		det_client_end(d, ci, ts, "exempt");
		return;
	}
	if (!c->fp_grouped && (c->ja4[0] || c->ua_len))
		det_group_join(d, c, ci, GROUP_FP);
	/* The first hello of its kind changes what the client is: score it
	 * now. A short connection (an address of a rotating scraper) may
	 * bring no other event for long. Heads come in packet order, so
	 * every capture mode scores at the same moments. */
	if ((fp->has_tls && c->tls_lib + c->tls_browser == 1) || new_sig)
		det_client_eval(d, ci, ts);
}

void sw_detect_http(struct sw_detect *d, const struct sw_flow_key *k,
		    int client_is_b, uint64_t ts,
		    const struct sw_detect_http *r)
{
	struct det_client *c;
	struct det_flow *f;
	struct det_epoch *e;
	uint32_t ci, bit;

	f = event_flow(d, k, client_is_b, ts, 0, &ci);
	if (!f)
		return;
	c = &d->clients[ci];
	if (f->watch == WATCH_UNKNOWN)
		f->watch = (uint8_t)(r->host_len && name_listed(d, r->host,
								r->host_len) ?
					     WATCH_YES :
					     WATCH_NO);
	if (f->watch != WATCH_YES)
		return;
	client_touch(d, c, ts);
	e = &c->ep[0];
	e->requests++;
	c->requests++;
	if (r->kind == SW_HTTP_DOCUMENT) {
		e->documents++;
		c->documents++;
	} else if (r->kind == SW_HTTP_ASSET) {
		e->assets++;
		c->assets++;
	}
	if (r->kind != SW_HTTP_ASSET) {
		bit = (uint32_t)(r->path_hash % (BITMAP_WORDS * 32));
		e->paths[bit / 32] |= 1u << (bit % 32);
		det_group_path(d, c, r->path_hash, ts);
	}
	if (r->ua && r->ua_len) {
		det_classify_ua(c, r->ua, r->ua_len);
		if (fp_exempt(d, SW_FP_USER_AGENT, (const char *)r->ua,
			      r->ua_len)) {
			c->exempt = 1;
			d->stats.clients_exempt++;
			det_client_end(d, ci, ts, "exempt");
			return;
		}
		if (!c->fp_grouped)
			det_group_join(d, c, ci, GROUP_FP);
	}
	maybe_eval(d, ci, ts);
}

/* ---- the events as an operations table ---------------------------------- */

/* Each entry passes its event on with the context as the detector: the
 * compiler makes these jumps. */
#define DIRECT_OP(name, kind, shape)                                   \
	static void direct_##name(void *ctx, SW_DETECT_PARAMS_##shape) \
	{                                                              \
		sw_detect_##name(ctx, SW_DETECT_ARGS_##shape);         \
	}
SW_DETECT_EVENTS(DIRECT_OP)
#undef DIRECT_OP

const struct sw_detect_ops sw_detect_direct_ops = {
#define DIRECT_ENTRY(name, kind, shape) .name = direct_##name,
	SW_DETECT_EVENTS(DIRECT_ENTRY)
#undef DIRECT_ENTRY
};
