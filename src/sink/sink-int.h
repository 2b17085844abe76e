/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The generic sink layer's private state (see sink.c for the design),
 * shared by its parts: the record arena (sink-arena.c), the spool
 * (sink-spool.c), the writer and spooler threads (sink-writer.c) and the
 * set (sink.c). Backends never see it.
 */
#ifndef SW_SINK_INT_H
#define SW_SINK_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "sink/sink-backend.h"
#include "sink/sink.h"

#define SW_SINKS_MAX 16
#define SW_QUEUE_MAX_DEFAULT 65536
#define SW_QUEUE_BYTES_DEFAULT (64ull << 20)
#define SW_SPOOL_MAX_DEFAULT (256ull << 20)
#define SW_SPOOL_SEG_MIN (64u << 10)
#define SW_SPOOL_WBUF 65536
#define SW_SPOOL_RCHUNK (1u << 20)
#define SW_BACKOFF_MIN_NS (100ull * 1000000)
#define SW_BACKOFF_MAX_NS (30ull * 1000000000)
#define SW_IDLE_WAIT_NS (5ull * 1000000)
/* An idle writer sleeps longer and longer, up to this; the first record
 * then wakes it. A sleeping writer costs nothing on the packet path. */
#define SW_IDLE_MAX_NS (250ull * 1000000)
#define SW_BUSY_WAIT_NS (5ull * 1000000)
/* Queues' worth of records the hand-off may hold (memory bound). */
#define SW_HANDOFF_QUEUES 2

/* What the writer waits for: only a writer waiting for records is woken
 * by the producer. */
enum writer_wait {
	WAIT_NONE,
	WAIT_RECORDS, /* woken by a half batch */
	WAIT_IDLE, /* long sleep: woken by the first record */
	WAIT_OTHER, /* the peer, backoff, the spooler */
};

/* 2 MB aligned chunks; records are carved one after another, and a
 * chunk goes back (kept as a spare, or unmapped) when its last record is
 * freed. Records are freed about in the order they were made. */
#define SW_ARENA_CHUNK (2ul << 20)
#define SW_ARENA_REC_MAX (SW_ARENA_CHUNK / 16) /* larger: malloc */
#define SW_ARENA_SPARES 2

struct arena;

struct arena_chunk {
	struct arena *a;
	struct arena_chunk *next; /* spare list */
	uint64_t live; /* records in it, +1 while allocated from (atomic) */
	size_t used;
};

#define SW_ARENA_HDR ((sizeof(struct arena_chunk) + 63) & ~(size_t)63)

struct arena {
	pthread_mutex_t lock;
	struct arena_chunk *cur, *spare;
	int nspare;
	/* A chunk whose pages the spooler thread has already touched, so the
	 * packet path takes no page faults when it moves on; want_ready
	 * asks for the next one (atomic). */
	struct arena_chunk *ready;
	int want_ready;
};

struct spool_seg {
	struct spool_seg *next;
	unsigned seq;
	int fd;
	uint64_t bytes; /* written to the file */
	uint64_t records;
	uint64_t read_off;
	uint64_t read_records;
};

struct spool {
	pthread_mutex_t lock;
	char *parent; /* where the private directory goes */
	char *dir; /* created on first use */
	uint64_t max_bytes, seg_bytes;
	struct spool_seg *head, *tail;
	unsigned next_seq;
	uint64_t disk_bytes; /* sum of segment sizes */
	uint64_t pending; /* records written, not yet read back */
	char *wbuf; /* tail segment's write buffer */
	size_t wlen;
	int error_logged;
};

struct sw_sink_counters {
	uint64_t enqueued, delivered, resent, spooled, errors, reconnects;
	uint64_t queue_depth_max, spool_bytes_max;
	uint64_t dropped[SW_DROP_MAX];
};

struct sw_sink_state {
	struct sw_sink *sink;
	struct sw_uri uri;
	pthread_t thread;
	int started;
	pthread_mutex_t lock;
	pthread_cond_t cond; /* work for the writer */
	pthread_cond_t space; /* room in the queue (block mode) */
	int writer_waiting; /* enum writer_wait */
	int producer_waiting;
	struct sw_rec *qhead, *qtail;
	uint64_t qlen, qbytes, queue_max, queue_max_bytes;
	/* Handed off, oldest first, waiting for the spooler; then what the
	 * spooler is writing now (counted, not linked here). */
	struct sw_rec *hhead, *htail;
	uint64_t hlen, hbytes, slen, sbytes;
	pthread_cond_t spool_cond; /* work for the spooler */
	pthread_t spooler;
	int spooler_started, spooler_stop, spool_abort;
	int use_spool;
	struct spool spool;
	struct arena arena;
	/* Written by the writer only; up, fatal and ilen are also read by
	 * other threads, through atomics (set_up, sink_failed). */
	struct sw_rec *ihead, *itail, *unsent;
	uint64_t ilen, ibytes;
	int up, fatal, fatal_err;
	uint64_t backoff_ns, backoff_min_ns, backoff_max_ns, next_try_ns;
	uint64_t down_since_ns;
	uint64_t idle_ns; /* the writer's next idle sleep */
	int stop;
	uint64_t deadline_ns;
	int reopen_seen;
	struct sw_sink_counters c;
	char errbuf[SW_SINK_ERRBUF];
};

/* Counters: read by the stats while the threads move them. */
static inline void add_ctr(uint64_t *c, uint64_t v)
{
	__atomic_fetch_add(c, v, __ATOMIC_RELAXED);
}

static inline uint64_t get_ctr(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static inline void max_ctr(uint64_t *c, uint64_t v)
{
	if (v > get_ctr(c))
		__atomic_store_n(c, v, __ATOMIC_RELAXED);
}

/*
 * The writer's link state, read by other threads (the producer, drain,
 * the stats): written with atomic stores by the writer (or by close once
 * the writer is joined), read with atomic loads elsewhere.
 */
static inline void set_up(struct sw_sink_state *st, int up)
{
	__atomic_store_n(&st->up, up, __ATOMIC_RELAXED);
}

/* Failed for good? Then fatal_err is set (stored before fatal). */
static inline int sink_failed(const struct sw_sink_state *st)
{
	return __atomic_load_n(&st->fatal, __ATOMIC_ACQUIRE);
}

/* ---- record memory (sink-arena.c) ---- */

/* A record for line and its metadata, from the arena (or malloc). */
struct sw_rec *sw_rec_new(struct sw_sink_state *st, const char *line,
			  size_t len, const struct sw_rec_meta *m);
void sw_rec_free(struct sw_rec *r);
void sw_rec_free_chain(struct sw_rec *r);
void sw_arena_prepare(struct arena *a);
void sw_arena_destroy(struct arena *a);

/* Does the arena want the spooler to ready its next chunk? */
static inline int sw_arena_wants(const struct arena *a)
{
	return __atomic_load_n(&a->want_ready, __ATOMIC_RELAXED);
}

/* ---- the spool (sink-spool.c) ---- */

void sw_spool_chain(struct sw_sink_state *st, struct sw_rec *r);
struct sw_rec *sw_spool_read(struct sw_sink_state *st, size_t max,
			     size_t max_bytes);
uint64_t sw_spool_pending(struct spool *sp);
uint64_t sw_spool_discard(struct spool *sp);
void sw_spool_destroy(struct spool *sp);

/* ---- the threads (sink-writer.c) ---- */

void *sw_sink_writer_main(void *arg);
void *sw_sink_spooler_main(void *arg);
void sw_sink_spooler_join(struct sw_sink_state *st);
int sw_sink_handoff_locked(struct sw_sink_state *st);
int sw_sink_nothing_pending(struct sw_sink_state *st);
int sw_sink_reader_gone(const struct sw_sink_state *st, int err);
void sw_sink_drop_all(struct sw_sink_state *st, enum sw_sink_drop why);

#endif /* SW_SINK_INT_H */
