/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The analysis pipeline behind every capture mode: frames in, decode,
 * flow table and accounting, records out. Capture backends feed it frames;
 * it never knows where they came from.
 */
#ifndef SW_PIPELINE_H
#define SW_PIPELINE_H

#include <stdint.h>
#include <stdio.h>

#include "base/stats.h"
#include "capture/capture.h"
#include "scrapewatch/xdp_kern_user.h"
#include "decode/decode.h"
#include "sink/sink.h"
#include "detect/detect.h"
#include "detect/detect-merge.h"
#include "detect/detect-ops.h"
#include "track/flow_table.h"
#include "track/heads.h"

struct sw_tunnel_map;

enum sw_pipeline_emit {
	SW_EMIT_NONE = 0,
	SW_EMIT_FLOWS = 1 << 0, /* a record per ended flow */
	SW_NO_HEADS = 1 << 1, /* skip the heads stage (no fingerprints) */
};

/* Alert events by rule ID (SW-S00x), and the reasons (SW-Rxxx, SW-Cxxx)
 * behind the alerts that started, for the metrics. */
#define SW_PIPELINE_RULE_SLOTS 32
struct sw_rule_count {
	const char *id; /* static string from the detector, NULL: free */
	uint64_t started, updated, ended; /* alert events; reasons: started */
};

struct sw_pipeline {
	struct sw_flow_table *flows;
	struct sw_heads *heads;
	/* The tunnel of each flow that came in one (made at the first). */
	struct sw_tunnel_map *tunnels;
	struct sw_detect *det; /* NULL: no detector of its own */
	/* Where the detector's events go, NULL: no detection. The
	 * pipeline's own detector (sw_detect_direct_ops, dctx = det), or in
	 * a shard of several its queue (sw_detq_ops, dctx the struct
	 * sw_detq), merged into one detector (detect/detect-merge.h). */
	const struct sw_detect_ops *dops;
	void *dctx;
	/* Optional: told of every new flow (eval notes first packets). */
	void (*on_flow_start)(void *ctx, const struct sw_flow *f);
	void *flow_start_ctx;
	struct sw_stats stats;
	struct sw_sinks *out;
	unsigned emit; /* enum sw_pipeline_emit */
	int write_error; /* -errno of the first failed write */
	struct sw_rule_count alerts[SW_PIPELINE_RULE_SLOTS];
	struct sw_rule_count reasons[SW_PIPELINE_RULE_SLOTS];
};

/* cfg NULL: no flow table and no heads, a pipeline whose detector is fed
 * from elsewhere (the merge of several shards) and only writes alerts. */
int sw_pipeline_init(struct sw_pipeline *p, const struct sw_flow_table_cfg *cfg,
		     struct sw_sinks *out, unsigned emit);
/*
 * Run the detector on this pipeline's events. Alerts go to fn, or as NDJSON
 * records to the pipeline's output when fn is NULL. 0, or -errno with err
 * saying why (bad rule settings, memory).
 */
int sw_pipeline_enable_detect(struct sw_pipeline *p,
			      const struct sw_detect_cfg *cfg, sw_alert_fn fn,
			      void *ctx, char *err, size_t errlen);
/* Detection through q instead of a detector of its own: this pipeline is
 * one shard of several whose events are merged. */
void sw_pipeline_detect_queue(struct sw_pipeline *p, struct sw_detq *q);
/* The alert callback of sw_pipeline_enable_detect() with fn NULL (ctx: the
 * pipeline): counts the alert for the metrics and writes its record. */
void sw_pipeline_alert(const struct sw_alert *a, void *ctx);
void sw_pipeline_frame(struct sw_pipeline *p, const struct sw_frame *f);
/*
 * For sources that account elsewhere (the XDP program): a flow first seen
 * (f->acct.first_ns is its start; client_syn: seen by the client's SYN, so
 * its source port counts the hosts behind the address), and a running
 * snapshot of its totals at packet time ts_ns; tls_hint: its client stream
 * opens with a TLS record or QUIC Initial. Both feed the detector (and the
 * flow-start hook).
 */
void sw_pipeline_flow_seen(struct sw_pipeline *p, const struct sw_flow *f,
			   int client_syn);
void sw_pipeline_flow_progress(struct sw_pipeline *p, const struct sw_flow *f,
			       uint64_t ts_ns, int tls_hint);
/* End of all input: flush open flows, end open alerts (those of a merged
 * detector are ended by its owner). */
void sw_pipeline_finish(struct sw_pipeline *p);
void sw_pipeline_destroy(struct sw_pipeline *p);

/*
 * Entry points for flows accounted outside the flow table (the XDP
 * program): a flow that ended, and a head of a flow, go through the same
 * stages as the table's own.
 */
void sw_pipeline_flow_end(struct sw_pipeline *p, const struct sw_flow *f);
void sw_pipeline_head(struct sw_pipeline *p, struct sw_flow *f, int dir,
		      const struct sw_packet *pkt);

#endif /* SW_PIPELINE_H */
