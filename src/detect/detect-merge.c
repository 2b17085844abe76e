// SPDX-License-Identifier: BSD-2-Clause
/*
 * Shards' detector events through single-producer, single-consumer rings
 * (detect-queue.h; written by detect-queue.c), merged in packet-time order
 * into one detector (see detect-merge.h): the reader side, the merge
 * thread and the set-up.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "detect/detect-queue.h"

/* Bytes the reader consumes before it hands them back to the producer. */
#define DETQ_RELEASE_BYTES (16u << 10)
/* Records handed over between checks for the end. */
#define MERGE_BATCH 4096

struct sw_detect_merge {
	struct sw_detect *det;
	unsigned n;
	struct sw_detq *q; /* n of them, cache-line aligned */
	pthread_t thread;
	int started;
	uint64_t records, stalls; /* the merge thread's own */
	double cpu_s; /* the merge thread's CPU time, once it ended */
	uint64_t queue_bytes;
	void (*tick)(void *ctx); /* on the merge thread, between hand-overs */
	void *tick_ctx;
};

/* ---- reader -------------------------------------------------------------- */

/* The merge with nothing to hand over: a short spin, then sleeps of 20 us
 * doubling to MERGE_SLEEP_MAX_US. The queues hold milliseconds of
 * packets, so sleeping costs no loss, only alert latency; yielding
 * instead would take CPU from the workers whenever they are slower. */
static void merge_backoff(unsigned n)
{
	unsigned us;

	if (n < 32) {
		cpu_relax();
		return;
	}
	us = 20u << (n - 32 < 6 ? n - 32 : 6);
	usleep(us < MERGE_SLEEP_MAX_US ? us : MERGE_SLEEP_MAX_US);
}

/* The producer's clock, then its head: every record written before that
 * clock was published is then in view. */
static void refresh(struct sw_detq *q)
{
	q->r_mark = atomic_load_explicit(&q->pub_mark, memory_order_acquire);
	q->r_head = atomic_load_explicit(&q->pub_head, memory_order_acquire);
}

static void release(struct sw_detq *q)
{
	if (q->r_released != q->r_tail) {
		atomic_store_explicit(&q->pub_tail, q->r_tail,
				      memory_order_release);
		q->r_released = q->r_tail;
	}
}

/* The next record in view, or NULL. */
static const struct detq_hdr *peek(struct sw_detq *q)
{
	const struct detq_hdr *h;

	while (q->r_tail != q->r_head) {
		h = (const struct detq_hdr *)(q->r_buf +
					      (q->r_tail & q->r_mask));
		if (h->type != REC_WRAP)
			return h;
		q->r_tail += q->r_size - (q->r_tail & q->r_mask);
	}
	return NULL;
}

/*
 * Unpacking, one function per shape: the event's arguments back from its
 * record, passed to fn, the detector's entry point for that event.
 */
static void unpack_time(struct sw_detect *d, const struct detq_hdr *h,
			void (*fn)(struct sw_detect *, SW_DETECT_PARAMS_time))
{
	fn(d, h->ts_ns);
}

static void unpack_flow(struct sw_detect *d, const struct detq_hdr *h,
			void (*fn)(struct sw_detect *, SW_DETECT_PARAMS_flow))
{
	const struct detq_flow *r = (const void *)h;

	fn(d, &r->key, h->client_is_b, h->ts_ns);
}

static void unpack_snap(struct sw_detect *d, const struct detq_hdr *h,
			void (*fn)(struct sw_detect *, SW_DETECT_PARAMS_snap))
{
	const struct detq_snap *r = (const void *)h;
	struct sw_detect_snap snap;

	snap.ts_ns = h->ts_ns;
	snap.turns = r->turns;
	snap.up_bytes = r->up_bytes;
	snap.down_bytes = r->down_bytes;
	snap.tls_hint = r->tls_hint;
	fn(d, &r->key, h->client_is_b, &snap);
}

static void unpack_fp(struct sw_detect *d, const struct detq_hdr *h,
		      void (*fn)(struct sw_detect *, SW_DETECT_PARAMS_fp))
{
	const struct detq_fp *r = (const void *)h;
	struct sw_detect_fp fp;
	const char *p = r->data;

	memset(&fp, 0, sizeof(fp));
	fp.has_tls = r->has_tls;
	fp.tls_grease = r->tls_grease;
	fp.tls_alpn_h2 = r->tls_alpn_h2;
	fp.quic = r->quic;
	fp.ja3 = r->present & HAS_JA3 ? p : NULL;
	p += r->ja3_len + 1;
	fp.ja4 = r->present & HAS_JA4 ? p : NULL;
	p += r->ja4_len + 1;
	fp.sni = r->present & HAS_SNI ? (const uint8_t *)p : NULL;
	fp.sni_len = r->sni_len;
	p += r->sni_len;
	fp.syn_sig = r->present & HAS_SIG ? p : NULL;
	p += r->sig_len + 1;
	fp.os_class = r->present & HAS_OS ? p : NULL;
	fn(d, &r->key, h->client_is_b, h->ts_ns, &fp);
}

static void unpack_http(struct sw_detect *d, const struct detq_hdr *h,
			void (*fn)(struct sw_detect *, SW_DETECT_PARAMS_http))
{
	const struct detq_http *r = (const void *)h;
	struct sw_detect_http req;

	memset(&req, 0, sizeof(req));
	req.path_hash = r->path_hash;
	req.kind = r->kind;
	req.ua = r->present & HAS_UA ? r->data : NULL;
	req.ua_len = r->ua_len;
	req.host = r->present & HAS_HOST ? r->data + r->ua_len : NULL;
	req.host_len = r->host_len;
	fn(d, &r->key, h->client_is_b, h->ts_ns, &req);
}

/* Each record type back to its event, by its shape. */
#define DETQ_TAKE(name, kind, shape)                                           \
	static void take_##name(struct sw_detect *d, const struct detq_hdr *h) \
	{                                                                      \
		unpack_##shape(d, h, sw_detect_##name);                        \
	}
SW_DETECT_EVENTS(DETQ_TAKE)
#undef DETQ_TAKE

static void (*const take[REC_MAX])(struct sw_detect *,
				   const struct detq_hdr *) = {
#define DETQ_TAKE_ENTRY(name, kind, shape) [REC_##kind] = take_##name,
	SW_DETECT_EVENTS(DETQ_TAKE_ENTRY)
#undef DETQ_TAKE_ENTRY
};

static void dispatch(struct sw_detect *d, const struct detq_hdr *h)
{
	if (h->type < REC_MAX && take[h->type])
		take[h->type](d, h);
}

/*
 * The queue whose record comes next, or -1: nothing in view, or (with
 * *stalled set) a queue with nothing in view whose clock is behind the
 * earliest record in view, which that queue may yet precede. *limit: the
 * records of that queue before it follow without looking again (no other
 * queue has, or can still bring, one as early).
 */
static int next_queue(struct sw_detect_merge *m, int *stalled, uint64_t *limit)
{
	const struct detq_hdr *h;
	uint64_t best_key = 0;
	unsigned i;
	int best, again;

	*stalled = 0;
	do {
		best = -1;
		again = 0;
		for (i = 0; i < m->n; i++) {
			struct sw_detq *q = &m->q[i];

			h = peek(q);
			if (!h) {
				/* Hand back what was read before looking
				 * further: the producer may be waiting. */
				release(q);
				refresh(q);
				h = peek(q);
			}
			if (h && (best < 0 || h->key_ns < best_key)) {
				best = (int)i;
				best_key = h->key_ns;
			}
		}
		if (best < 0)
			return -1;
		/* Ties go to the lower queue, in the order looked at. */
		for (i = 0; i < m->n; i++) {
			struct sw_detq *q = &m->q[i];

			if ((int)i == best || peek(q) || q->r_mark >= best_key)
				continue;
			refresh(q);
			h = peek(q);
			if (h) {
				/* Something came: compare again. */
				again = 1;
				break;
			}
			if (q->r_mark < best_key) {
				*stalled = 1;
				return -1;
			}
		}
	} while (again);
	*limit = UINT64_MAX;
	for (i = 0; i < m->n; i++) {
		uint64_t b;

		if ((int)i == best)
			continue;
		h = peek(&m->q[i]);
		b = h ? h->key_ns : m->q[i].r_mark;
		if (b < *limit)
			*limit = b;
	}
	return best;
}

size_t sw_detect_merge_poll(struct sw_detect_merge *m)
{
	const struct detq_hdr *h;
	size_t done = 0;
	uint64_t limit;
	unsigned i;
	int qi, stalled = 0;

	while (done < MERGE_BATCH &&
	       (qi = next_queue(m, &stalled, &limit)) >= 0) {
		struct sw_detq *q = &m->q[qi];

		/* The first is due; the next ones while no other queue may
		 * come first. */
		h = peek(q);
		do {
			/* Records ahead come from another core's cache. */
			__builtin_prefetch(q->r_buf +
					   ((q->r_tail + 512) & q->r_mask));
			dispatch(m->det, h);
			q->r_tail += h->len;
			q->r_records++;
			done++;
			if (q->r_tail - q->r_released >= DETQ_RELEASE_BYTES)
				release(q);
		} while (done < MERGE_BATCH && (h = peek(q)) &&
			 h->key_ns < limit);
	}
	if (stalled)
		m->stalls++;
	for (i = 0; i < m->n; i++)
		release(&m->q[i]);
	m->records += done;
	return done;
}

/* Every queue closed and read to its end. */
static int all_done(struct sw_detect_merge *m)
{
	unsigned i;

	for (i = 0; i < m->n; i++) {
		struct sw_detq *q = &m->q[i];

		if (!atomic_load_explicit(&q->closed, memory_order_acquire))
			return 0;
		refresh(q);
		if (peek(q))
			return 0;
	}
	return 1;
}

/* Merge until every queue is closed and read to its end. */
static void merge_until_done(struct sw_detect_merge *m)
{
	unsigned idle = 0;

	for (;;) {
		if (m->tick)
			m->tick(m->tick_ctx);
		if (sw_detect_merge_poll(m)) {
			idle = 0;
			continue;
		}
		if (all_done(m))
			break;
		merge_backoff(idle++);
	}
}

static void *merge_main(void *arg)
{
	struct sw_detect_merge *m = arg;
	struct timespec ts;

	merge_until_done(m);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	m->cpu_s = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	return NULL;
}

/* ---- set-up ------------------------------------------------------------- */

struct sw_detect_merge *sw_detect_merge_new(struct sw_detect *det, unsigned n,
					    size_t queue_bytes,
					    int wait_when_full,
					    const atomic_int *stop)
{
	struct sw_detect_merge *m;
	uint64_t size = SW_DETQ_BYTES_MIN;
	unsigned i;

	if (!det || n == 0) {
		errno = EINVAL;
		return NULL;
	}
	while (size < queue_bytes && size < (1ull << 40))
		size <<= 1;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->det = det;
	m->n = n;
	m->queue_bytes = size;
	m->q = aligned_alloc(64, ((n * sizeof(*m->q)) + 63) & ~(size_t)63);
	if (!m->q)
		goto fail;
	memset(m->q, 0, n * sizeof(*m->q));
	for (i = 0; i < n; i++) {
		struct sw_detq *q = &m->q[i];

		q->buf = malloc(size);
		if (!q->buf)
			goto fail;
		q->size = size;
		q->mask = size - 1;
		q->wait = wait_when_full;
		q->stop = stop;
		q->r_buf = q->buf;
		q->r_size = size;
		q->r_mask = size - 1;
	}
	return m;
fail:
	sw_detect_merge_free(m);
	errno = ENOMEM;
	return NULL;
}

void sw_detect_merge_set_tick(struct sw_detect_merge *m, void (*fn)(void *),
			      void *ctx)
{
	m->tick = fn;
	m->tick_ctx = ctx;
}

void sw_detect_merge_free(struct sw_detect_merge *m)
{
	unsigned i;

	if (!m)
		return;
	if (m->started)
		sw_detect_merge_join(m);
	for (i = 0; m->q && i < m->n; i++)
		free(m->q[i].buf);
	free(m->q);
	free(m);
}

struct sw_detq *sw_detect_merge_queue(struct sw_detect_merge *m, unsigned i)
{
	return i < m->n ? &m->q[i] : NULL;
}

int sw_detect_merge_start(struct sw_detect_merge *m)
{
	int rc = pthread_create(&m->thread, NULL, merge_main, m);

	if (rc)
		return -rc;
	pthread_setname_np(m->thread, "sw-merge");
	m->started = 1;
	return 0;
}

void sw_detect_merge_join(struct sw_detect_merge *m)
{
	if (m->started) {
		pthread_join(m->thread, NULL);
		m->started = 0;
		return;
	}
	merge_until_done(m);
}

void sw_detect_merge_stats(const struct sw_detect_merge *m,
			   struct sw_detect_merge_stats *st)
{
	st->records = m->records;
	st->stalls = m->stalls;
	st->queues = m->n;
	st->queue_bytes = m->queue_bytes;
	st->cpu_s = m->cpu_s;
}
