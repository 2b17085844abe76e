/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Running the pipeline over a multi-queue capture backend (DPDK, AF_XDP):
 * one pipeline shard per worker, each with its own flow table and heads,
 * fed by its own queue on its own thread. Records of all shards go to one
 * stream a whole line at a time; the final statistics record sums the
 * shards and adds the backend's counters.
 */
#ifndef SW_SHARDS_H
#define SW_SHARDS_H

#include <stdint.h>
#include <stdio.h>

#include "capture/capture.h"

struct sw_shards_opts {
	const struct sw_capture_ops *ops;
	struct sw_capture_cfg cfg;
	const char *spec; /* handed to open_op: EAL args, interface */
	uint32_t max_flows; /* per shard; 0: default */
	unsigned emit; /* enum sw_pipeline_emit */
	FILE *out;
};

/* Returns an exit status: 0 done, 1 input ended by an error (reported),
 * 2 the capture could not start or records could not be written. */
int sw_shards_run(const struct sw_shards_opts *o);

#endif /* SW_SHARDS_H */
