/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Capture files through one pipeline, in order, as one timeline: flows,
 * replay and eval (files.c).
 */
#ifndef SW_CLI_FILES_H
#define SW_CLI_FILES_H

#include "config/config.h"
#include "daemon/metrics.h"
#include "pipeline/pipeline.h"

struct sw_files_opts {
	unsigned emit; /* enum sw_pipeline_emit */
	int quiet;
	const struct sw_config *cfg;
	unsigned flush_timeout_ms;
	struct sw_sinks *out; /* not started yet; closed on return */
	int detect; /* run the detector */
	int no_stats; /* no final stats record */
	/* eval: alerts and new flows go here instead of the output */
	sw_alert_fn on_alert;
	void (*on_flow_start)(void *ctx, const struct sw_flow *f);
	/* eval: the detector at the end of input, before it is freed */
	void (*on_detect_done)(void *ctx, const struct sw_detect *d);
	void *hook_ctx;
	int through_xdp; /* account through the XDP program (test runs) */
	uint32_t ack_sample; /* XDP: 1 pure ACK in N accounted */
	struct sw_metrics *metrics; /* NULL: no --metrics */
};

/* Read every file through the pipeline. Returns an exit code. */
int sw_cli_run_files(const struct sw_files_opts *o, char **files, int nfiles);

#endif /* SW_CLI_FILES_H */
