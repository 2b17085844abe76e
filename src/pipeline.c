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

static void on_flow_end(const struct sw_flow *f, void *ctx)
{
	struct sw_pipeline *p = ctx;
	int rc;

	if (!(p->emit & SW_EMIT_FLOWS))
		return;
	rc = sw_output_record(p->out, sw_json_flow(f));
	if (rc && !p->write_error)
		p->write_error = rc;
}

int sw_pipeline_init(struct sw_pipeline *p, const struct sw_flow_table_cfg *cfg,
		     FILE *out, unsigned emit)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->emit = emit;
	p->flows = sw_flow_table_new(cfg, on_flow_end, p);
	return p->flows ? 0 : -errno;
}

void sw_pipeline_frame(struct sw_pipeline *p, const struct sw_frame *f)
{
	struct sw_packet pkt;
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
	sw_flow_table_packet(p->flows, &pkt, &dir);
}

void sw_pipeline_finish(struct sw_pipeline *p)
{
	sw_flow_table_flush(p->flows, SW_CLOSE_END_OF_INPUT);
}

void sw_pipeline_destroy(struct sw_pipeline *p)
{
	sw_flow_table_free(p->flows);
	p->flows = NULL;
}
