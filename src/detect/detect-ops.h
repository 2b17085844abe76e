/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The detector's event interface as one operations table. A pipeline holds
 * a pointer to a table and its context and calls through it, whatever is
 * behind: the detector itself (sw_detect_direct_ops, ctx a struct
 * sw_detect) or the queue of a shard of several (sw_detq_ops in
 * detect-merge.h, ctx a struct sw_detq) whose events one detector merges.
 *
 * The events are listed once, in SW_DETECT_EVENTS: X(name, KIND, shape).
 * name is the entry point after the sw_detect_ / sw_detq_ prefix, KIND the
 * tag of its queued record, and shape the arguments that follow the
 * context, as SW_DETECT_PARAMS_<shape> (declarations) and
 * SW_DETECT_ARGS_<shape> (the same names, to pass them on).
 */
#ifndef SW_DETECT_OPS_H
#define SW_DETECT_OPS_H

#include <stdint.h>

#include "detect/detect.h"

#define SW_DETECT_EVENTS(X)              \
	X(advance, ADVANCE, time)        \
	X(flow_start, START, flow)       \
	X(flow_syn, SYN, flow)           \
	X(flow_progress, PROGRESS, snap) \
	X(flow_end, END, snap)           \
	X(flow_fp, FP, fp)               \
	X(http, HTTP, http)

/* Packet time moved. */
#define SW_DETECT_PARAMS_time uint64_t ts_ns
#define SW_DETECT_ARGS_time ts_ns
/* A flow's first packet (the client's SYN, for flow_syn). */
#define SW_DETECT_PARAMS_flow \
	const struct sw_flow_key *key, int client_is_b, uint64_t ts_ns
#define SW_DETECT_ARGS_flow key, client_is_b, ts_ns
/* A running or final snapshot of a flow's accounting. */
#define SW_DETECT_PARAMS_snap                           \
	const struct sw_flow_key *key, int client_is_b, \
		const struct sw_detect_snap *s
#define SW_DETECT_ARGS_snap key, client_is_b, s
/* What the heads said about a flow. */
#define SW_DETECT_PARAMS_fp                                             \
	const struct sw_flow_key *key, int client_is_b, uint64_t ts_ns, \
		const struct sw_detect_fp *fp
#define SW_DETECT_ARGS_fp key, client_is_b, ts_ns, fp
/* One cleartext HTTP request head. */
#define SW_DETECT_PARAMS_http                                           \
	const struct sw_flow_key *key, int client_is_b, uint64_t ts_ns, \
		const struct sw_detect_http *req
#define SW_DETECT_ARGS_http key, client_is_b, ts_ns, req

struct sw_detect_ops {
#define SW_DETECT_OP(name, kind, shape) \
	void (*name)(void *ctx, SW_DETECT_PARAMS_##shape);
	SW_DETECT_EVENTS(SW_DETECT_OP)
#undef SW_DETECT_OP
	/*
	 * NULL, or told the time of every frame before its events (even a
	 * frame that decodes to none): a queue stamps its records with it,
	 * the order in which the merge hands them on. The detector itself
	 * takes its time from the events.
	 */
	void (*clock)(void *ctx, uint64_t ts_ns);
};

/* The events straight to a detector: ctx is a struct sw_detect. */
extern const struct sw_detect_ops sw_detect_direct_ops;

#endif /* SW_DETECT_OPS_H */
