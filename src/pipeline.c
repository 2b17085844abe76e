// SPDX-License-Identifier: BSD-2-Clause
/*
 * Pipeline glue: decode each frame, count what could not be decoded by
 * reason, and account TCP/UDP packets in the flow table. Flows that end are
 * written as records when the caller asked for them.
 */
#include <errno.h>
#include <string.h>

#include "output/output.h"
#include "pipeline.h"

/*
 * A flow ends: its record, then its heads side record is released. The
 * XDP path (capture/source-xdp.c) ends the flows the kernel accounted
 * through here too, so everything after this point is shared.
 */
void sw_pipeline_flow_end(struct sw_pipeline *p, const struct sw_flow *f)
{
	int rc;

	if (p->emit & SW_EMIT_FLOWS) {
		rc = sw_output_record(
			p->out, sw_json_flow(f, sw_heads_find(p->heads, f)));
		if (rc && !p->write_error)
			p->write_error = rc;
	}
	sw_heads_release(p->heads, f);
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
		     FILE *out, unsigned emit)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->emit = emit;
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

void sw_pipeline_frame(struct sw_pipeline *p, const struct sw_frame *f)
{
	struct sw_packet pkt;
	struct sw_flow *flow;
	int rc, dir;

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
	if (!(p->emit & SW_NO_HEADS))
		sw_heads_packet(p->heads, flow, dir, &pkt);
}

void sw_pipeline_finish(struct sw_pipeline *p)
{
	sw_flow_table_flush(p->flows, SW_CLOSE_END_OF_INPUT);
}

void sw_pipeline_destroy(struct sw_pipeline *p)
{
	sw_flow_table_free(p->flows);
	p->flows = NULL;
	sw_heads_free(p->heads);
	p->heads = NULL;
}
