/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Running the pipeline over a multi-queue capture backend (DPDK, AF_XDP):
 * one pipeline shard per worker, each with its own flow table, heads and
 * detector, fed by its own queue on its own thread. All shards write to
 * the one set of sinks (whose queues take producers from any thread); the
 * final statistics record sums the shards and adds the backend's counters.
 */
#ifndef SW_SHARDS_H
#define SW_SHARDS_H

#include <stdatomic.h>
#include <stdint.h>

#include "capture/capture.h"
#include "config/config.h"
#include "daemon/metrics.h"
#include "detect/detect_cfg.h"
#include "sink/sink.h"
#include "track/flow_table.h"

struct sw_shards_opts {
	const struct sw_capture_ops *ops;
	struct sw_capture_cfg cfg;
	const char *spec; /* handed to open_op: EAL args, interface */
	struct sw_flow_table_cfg flows; /* for the process; shards split it */
	const struct sw_detect_cfg *detect; /* NULL: no detector */
	unsigned emit; /* enum sw_pipeline_emit */
	int no_stats; /* no final stats record */
	unsigned flush_timeout_ms; /* for the sinks at the end */
	struct sw_sinks *out; /* not started yet; closed on return */
	/*
	 * live: the detector's owner (the merge thread, or the one worker)
	 * reloads the config on SIGHUP and publishes the metrics' snapshot,
	 * between records. All may be NULL.
	 */
	const char *config_path; /* NULL: SIGHUP has nothing to reload */
	struct sw_config **cfgp; /* in force: a reload swaps it */
	atomic_int *reload; /* set by SIGHUP, cleared here */
	struct sw_metrics *metrics;
};

/* Returns an exit status: 0 done, 1 input ended by an error (reported),
 * 2 the capture could not start or records could not be written. */
int sw_shards_run(const struct sw_shards_opts *o);

#endif /* SW_SHARDS_H */
