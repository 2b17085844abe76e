/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One detector for several pipeline shards. A shard (a worker thread) does
 * not call the detector: it writes what it would have passed to it (flow
 * starts and SYNs, running snapshots, flow ends, fingerprints, HTTP heads,
 * packet time) into a queue of its own, a bounded single-producer,
 * single-consumer ring of variable-length records; no lock is taken on
 * the packet path. The merge thread reads every queue and hands the
 * records to the one detector in packet-time order, so per-client and
 * campaign state sees every flow of a client whatever worker its packets
 * reached, as one pipeline would.
 *
 * Each record carries its shard's packet clock (the latest packet time it
 * read), and each queue publishes that clock as a watermark: no later
 * record of that queue will carry an earlier time. A record is handed on
 * once no queue can still produce an earlier one: every other queue has a
 * record at hand with a time not earlier, or a watermark not earlier. A
 * shard with nothing to read publishes a lower bound on the time of its
 * next frame (sw_detq_idle: the capture backend knows it), so an idle
 * worker does not hold the merge back; a finished one publishes "never".
 *
 * A full queue makes its shard wait (a file: nothing may be lost) or
 * drops the record and counts it (a wire: the packet path never waits).
 */
#ifndef SW_DETECT_MERGE_H
#define SW_DETECT_MERGE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/detect-ops.h"
#include "detect/detect.h"

#define SW_DETQ_BYTES_DEFAULT (2u << 20) /* per shard */
#define SW_DETQ_BYTES_MIN (64u << 10)
/* A watermark meaning "this shard reads no more packets". */
#define SW_DETQ_NEVER UINT64_MAX

struct sw_detq;
struct sw_detect_merge;

/* One queue's counters (its producer's). */
struct sw_detq_stats {
	uint64_t records; /* written */
	uint64_t dropped; /* queue full on a wire: record lost */
	uint64_t waits; /* queue full on a file: the shard waited */
};

struct sw_detect_merge_stats {
	uint64_t records; /* handed to the detector */
	uint64_t stalls; /* times the merge waited for a shard's clock */
	uint32_t queues;
	uint64_t queue_bytes; /* capacity of each queue */
	double cpu_s; /* the merge thread's CPU time, once joined */
};

/*
 * n queues of queue_bytes each (rounded up to a power of two, at least
 * SW_DETQ_BYTES_MIN) in front of det, which the merge owns from now on
 * until sw_detect_merge_join() returns. wait_when_full: a full queue
 * makes its producer wait rather than drop. stop (may be NULL): once set,
 * a waiting producer drops instead. NULL with errno set.
 */
struct sw_detect_merge *sw_detect_merge_new(struct sw_detect *det, unsigned n,
					    size_t queue_bytes,
					    int wait_when_full,
					    const atomic_int *stop);
void sw_detect_merge_free(struct sw_detect_merge *m);
struct sw_detq *sw_detect_merge_queue(struct sw_detect_merge *m, unsigned i);

/* Before the start: fn(ctx) is called on the merge thread between
 * hand-overs, and while it waits (the owner's chores: a SIGHUP reload of
 * the detector, the metrics' snapshot). */
void sw_detect_merge_set_tick(struct sw_detect_merge *m, void (*fn)(void *),
			      void *ctx);
/* Start the merge thread: 0, or -errno. */
int sw_detect_merge_start(struct sw_detect_merge *m);
/*
 * Wait until every queue is closed (sw_detq_close) and drained, and stop
 * the thread; the caller owns the detector again. Without a thread
 * (never started) the queues are drained here.
 */
void sw_detect_merge_join(struct sw_detect_merge *m);
/* Hand over what may be handed over now; the number of records. For a
 * caller that merges on its own thread (tests). */
size_t sw_detect_merge_poll(struct sw_detect_merge *m);

void sw_detect_merge_stats(const struct sw_detect_merge *m,
			   struct sw_detect_merge_stats *st);
/* A queue's counters; exact once its producer stopped. */
void sw_detq_stats(const struct sw_detq *q, struct sw_detq_stats *st);

/*
 * Producer side, on the shard's thread only. sw_detq_clock() sets the
 * packet time of the records that follow (the shard's clock only moves
 * forward); the rest mirror sw_detect_*() in detect.h, one for each event
 * of SW_DETECT_EVENTS (detect-ops.h), taking the same arguments (strings
 * are copied into the record): sw_detq_advance(), sw_detq_flow_start(),
 * sw_detq_flow_syn(), sw_detq_flow_progress(), sw_detq_flow_end(),
 * sw_detq_flow_fp() and sw_detq_http().
 */
void sw_detq_clock(struct sw_detq *q, uint64_t ts_ns);
#define SW_DETQ_DECLARE(name, kind, shape) \
	void sw_detq_##name(struct sw_detq *q, SW_DETECT_PARAMS_##shape);
SW_DETECT_EVENTS(SW_DETQ_DECLARE)
#undef SW_DETQ_DECLARE
/* The same as an operations table: ctx is a struct sw_detq, and its clock
 * entry is sw_detq_clock(). */
extern const struct sw_detect_ops sw_detq_ops;
/* Nothing to read now, and no frame before bound_ns will follow (0: not
 * known; SW_DETQ_NEVER: the input ended): publishes what was written. */
void sw_detq_idle(struct sw_detq *q, uint64_t bound_ns);
/* No more records from this queue. */
void sw_detq_close(struct sw_detq *q);

#endif /* SW_DETECT_MERGE_H */
