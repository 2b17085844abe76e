// SPDX-License-Identifier: BSD-2-Clause
/*
 * Shards' detector events through single-producer, single-consumer rings,
 * merged in packet-time order into one detector (see detect-merge.h).
 *
 * A ring is a power-of-two byte buffer with free-running 64-bit head
 * (producer) and tail (consumer) counters. Records are multiples of 8
 * bytes and never straddle the end: where one does not fit, a one-byte
 * wrap marker sends the reader back to the start. The producer publishes
 * its head, then its clock (both release stores) every few records, not
 * every one, so that the cache line they share with the reader moves
 * rarely; it reads the consumer's tail only when the ring looks full.
 * The reader loads the clock before the head (acquire): having seen a
 * clock, it sees every record written before it.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decode/http.h"
#include "decode/tls.h"
#include "detect/detect-merge.h"

/* Records a producer writes before it publishes them. */
#define DETQ_PUBLISH_RECORDS 32
/* Bytes the reader consumes before it hands them back to the producer. */
#define DETQ_RELEASE_BYTES (16u << 10)
/* Records handed over between checks for the end. */
#define MERGE_BATCH 4096
#define MERGE_SLEEP_MAX_US 1000
/* A p0f signature and an OS class are far shorter (track/heads.h). */
#define DETQ_STR_MAX 255

/* Record tags: one per event of SW_DETECT_EVENTS. */
enum detq_type {
	REC_WRAP = 1, /* the rest of the ring is unused: go to its start */
#define DETQ_TYPE(name, kind, shape) REC_##kind,
	SW_DETECT_EVENTS(DETQ_TYPE)
#undef DETQ_TYPE
		REC_MAX,
};

/* A record of each shape (detect-ops.h) starts with this header; a "time"
 * record is the header alone. */
struct detq_hdr {
	uint8_t type; /* enum detq_type */
	uint8_t client_is_b;
	uint16_t len; /* bytes, this header included; a multiple of 8 */
	uint32_t pad;
	uint64_t key_ns; /* the shard's clock when written: merge order */
	uint64_t ts_ns; /* the event's own packet time */
};

struct detq_flow {
	struct detq_hdr h;
	struct sw_flow_key key;
};

struct detq_snap {
	struct detq_hdr h;
	struct sw_flow_key key;
	uint64_t up_bytes, down_bytes;
	uint32_t turns;
	uint8_t tls_hint;
	uint8_t pad[3];
};

/* Which of a record's optional strings were given (not NULL). */
enum {
	HAS_JA3 = 1 << 0,
	HAS_JA4 = 1 << 1,
	HAS_SNI = 1 << 2,
	HAS_SIG = 1 << 3,
	HAS_OS = 1 << 4,
	HAS_UA = 1 << 5,
	HAS_HOST = 1 << 6,
};

/* Followed by ja3, ja4 (each NUL-terminated), the SNI's raw bytes, then
 * the signature and the OS class (NUL-terminated). */
struct detq_fp {
	struct detq_hdr h;
	struct sw_flow_key key;
	uint8_t has_tls, tls_grease, tls_alpn_h2, quic;
	uint8_t present;
	uint8_t ja3_len, ja4_len, sig_len;
	uint16_t sni_len;
	uint8_t os_len;
	uint8_t pad[5];
	char data[];
};

/* Followed by the User-Agent's raw bytes, then the Host's. */
struct detq_http {
	struct detq_hdr h;
	struct sw_flow_key key;
	uint64_t path_hash;
	uint16_t ua_len, host_len;
	uint8_t kind;
	uint8_t present;
	uint8_t pad[2];
	uint8_t data[];
};

_Static_assert(sizeof(struct detq_hdr) == 24, "record header");
_Static_assert(sizeof(struct detq_flow) % 8 == 0, "flow record");
_Static_assert(sizeof(struct detq_snap) % 8 == 0, "snapshot record");
_Static_assert(sizeof(struct detq_fp) % 8 == 0, "fingerprint record");
_Static_assert(sizeof(struct detq_http) % 8 == 0, "HTTP record");

/* Each part on cache lines of its own: the producer writes its line at
 * every record, and a reader touching it (even for fields that never
 * change) would make every one of those writes a miss. */
struct sw_detq {
	/* The producer's own. */
	uint8_t *buf;
	uint64_t size, mask;
	uint64_t head; /* next byte to write */
	uint64_t tail_seen; /* the reader's tail, as last loaded */
	uint64_t clock; /* records' merge key; only moves forward */
	uint64_t mark_published;
	uint32_t unpublished; /* records since the last publish */
	int wait; /* a full ring waits (file) rather than drops (wire) */

	/* The producer's too, rarely touched: written by it alone, read by
	 * any thread. */
	_Alignas(64) const atomic_int *stop;
	_Atomic uint64_t dropped, waits;

	/* Published by the producer. */
	_Alignas(64) _Atomic uint64_t pub_head;
	_Atomic uint64_t pub_mark;
	atomic_int closed;

	/* Published by the reader. */
	_Alignas(64) _Atomic uint64_t pub_tail;

	/* The reader's own (its copy of the ring's place and size). */
	_Alignas(64) const uint8_t *r_buf;
	uint64_t r_size, r_mask;
	uint64_t r_tail, r_head, r_mark, r_released;
	uint64_t r_records;
};

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

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	atomic_signal_fence(memory_order_seq_cst);
#endif
}

/* A producer waiting for room: spin, then yield, then sleep longer and
 * longer: a host with as many busy threads as cores keeps them. */
static void backoff(unsigned n)
{
	unsigned us;

	if (n < 64) {
		cpu_relax();
		return;
	}
	if (n < 96) {
		sched_yield();
		return;
	}
	us = (n - 96) * 8 + 8;
	usleep(us < MERGE_SLEEP_MAX_US ? us : MERGE_SLEEP_MAX_US);
}

/* A counter written by one thread and read by others. */
static void count1(_Atomic uint64_t *c)
{
	atomic_store_explicit(c,
			      atomic_load_explicit(c, memory_order_relaxed) + 1,
			      memory_order_relaxed);
}

/* ---- producer ------------------------------------------------------------ */

static void publish(struct sw_detq *q)
{
	atomic_store_explicit(&q->pub_head, q->head, memory_order_release);
	if (q->clock > q->mark_published) {
		q->mark_published = q->clock;
		atomic_store_explicit(&q->pub_mark, q->clock,
				      memory_order_release);
	}
	q->unpublished = 0;
}

/* Room for need bytes: 1, or 0 when the record is dropped. */
static int room(struct sw_detq *q, uint64_t need)
{
	unsigned spins = 0;

	for (;;) {
		q->tail_seen = atomic_load_explicit(&q->pub_tail,
						    memory_order_acquire);
		if (q->head + need - q->tail_seen <= q->size)
			return 1;
		if (spins == 0) {
			/* What is written must reach the reader, or it
			 * would wait for this shard's clock forever. */
			publish(q);
			if (!q->wait || (q->stop && *q->stop)) {
				count1(&q->dropped);
				return 0;
			}
			count1(&q->waits);
		}
		backoff(spins++);
	}
}

/* Space for a record of len bytes (a multiple of 8), or NULL: dropped. */
static void *reserve(struct sw_detq *q, uint32_t len)
{
	uint64_t pos = q->head & q->mask, to_end = q->size - pos;
	uint64_t need = to_end < len ? to_end + len : len;

	if (q->head + need - q->tail_seen > q->size && !room(q, need))
		return NULL;
	if (to_end < len) {
		q->buf[pos] = REC_WRAP;
		q->head += to_end;
		pos = 0;
	}
	return q->buf + pos;
}

static void commit(struct sw_detq *q, void *rec, uint8_t type, uint32_t len,
		   int client_is_b, uint64_t ts)
{
	struct detq_hdr *h = rec;

	h->type = type;
	h->client_is_b = (uint8_t)(client_is_b != 0);
	h->len = (uint16_t)len;
	h->pad = 0;
	h->key_ns = q->clock;
	h->ts_ns = ts;
	q->head += len;
	if (++q->unpublished >= DETQ_PUBLISH_RECORDS)
		publish(q);
}

static uint32_t round8(size_t n)
{
	return (uint32_t)((n + 7) & ~(size_t)7);
}

void sw_detq_clock(struct sw_detq *q, uint64_t ts_ns)
{
	if (ts_ns > q->clock)
		q->clock = ts_ns;
}

/*
 * Packing, one function per shape of event: the record type says which
 * event it was.
 */
static void put_time(struct sw_detq *q, uint8_t type, uint64_t ts_ns)
{
	struct detq_hdr *h = reserve(q, sizeof(*h));

	if (h)
		commit(q, h, type, sizeof(*h), 0, ts_ns);
}

static void put_flow(struct sw_detq *q, uint8_t type,
		     const struct sw_flow_key *key, int client_is_b,
		     uint64_t ts_ns)
{
	struct detq_flow *r = reserve(q, sizeof(*r));

	if (!r)
		return;
	r->key = *key;
	commit(q, r, type, sizeof(*r), client_is_b, ts_ns);
}

static void put_snap(struct sw_detq *q, uint8_t type,
		     const struct sw_flow_key *key, int client_is_b,
		     const struct sw_detect_snap *s)
{
	struct detq_snap *r = reserve(q, sizeof(*r));

	if (!r)
		return;
	r->key = *key;
	r->up_bytes = s->up_bytes;
	r->down_bytes = s->down_bytes;
	r->turns = s->turns;
	r->tls_hint = s->tls_hint;
	memset(r->pad, 0, sizeof(r->pad));
	commit(q, r, type, sizeof(*r), client_is_b, s->ts_ns);
}

static size_t str_len(const char *s)
{
	return s ? strnlen(s, DETQ_STR_MAX) : 0;
}

/* Copy a string and its NUL; returns the bytes taken. */
static size_t put_str(char *dst, const char *s, size_t len)
{
	if (len)
		memcpy(dst, s, len);
	dst[len] = '\0';
	return len + 1;
}

static void put_fp(struct sw_detq *q, uint8_t type,
		   const struct sw_flow_key *key, int client_is_b,
		   uint64_t ts_ns, const struct sw_detect_fp *fp)
{
	size_t ja3 = str_len(fp->ja3), ja4 = str_len(fp->ja4);
	size_t sig = str_len(fp->syn_sig), os = str_len(fp->os_class);
	size_t sni = fp->sni ? fp->sni_len : 0, off = 0;
	struct detq_fp *r;
	uint32_t len;

	if (sni > SW_TLS_SNI_MAX)
		sni = SW_TLS_SNI_MAX;
	len = round8(sizeof(*r) + ja3 + ja4 + sni + sig + os + 4);
	r = reserve(q, len);
	if (!r)
		return;
	r->key = *key;
	r->has_tls = fp->has_tls;
	r->tls_grease = fp->tls_grease;
	r->tls_alpn_h2 = fp->tls_alpn_h2;
	r->quic = fp->quic;
	r->present =
		(uint8_t)((fp->ja3 ? HAS_JA3 : 0) | (fp->ja4 ? HAS_JA4 : 0) |
			  (fp->sni ? HAS_SNI : 0) |
			  (fp->syn_sig ? HAS_SIG : 0) |
			  (fp->os_class ? HAS_OS : 0));
	r->ja3_len = (uint8_t)ja3;
	r->ja4_len = (uint8_t)ja4;
	r->sni_len = (uint16_t)sni;
	r->sig_len = (uint8_t)sig;
	r->os_len = (uint8_t)os;
	memset(r->pad, 0, sizeof(r->pad));
	off += put_str(r->data + off, fp->ja3, ja3);
	off += put_str(r->data + off, fp->ja4, ja4);
	if (sni)
		memcpy(r->data + off, fp->sni, sni);
	off += sni;
	off += put_str(r->data + off, fp->syn_sig, sig);
	put_str(r->data + off, fp->os_class, os);
	commit(q, r, type, len, client_is_b, ts_ns);
}

static void put_http(struct sw_detq *q, uint8_t type,
		     const struct sw_flow_key *key, int client_is_b,
		     uint64_t ts_ns, const struct sw_detect_http *req)
{
	size_t ua = req->ua ? req->ua_len : 0;
	size_t host = req->host ? req->host_len : 0;
	struct detq_http *r;
	uint32_t len;

	if (ua > SW_HTTP_UA_MAX)
		ua = SW_HTTP_UA_MAX;
	if (host > SW_HTTP_HOST_MAX)
		host = SW_HTTP_HOST_MAX;
	len = round8(sizeof(*r) + ua + host);
	r = reserve(q, len);
	if (!r)
		return;
	r->key = *key;
	r->path_hash = req->path_hash;
	r->ua_len = (uint16_t)ua;
	r->host_len = (uint16_t)host;
	r->kind = req->kind;
	r->present =
		(uint8_t)((req->ua ? HAS_UA : 0) | (req->host ? HAS_HOST : 0));
	memset(r->pad, 0, sizeof(r->pad));
	if (ua)
		memcpy(r->data, req->ua, ua);
	if (host)
		memcpy(r->data + ua, req->host, host);
	commit(q, r, type, len, client_is_b, ts_ns);
}

/* The producer's entry points, each its event's shape under its tag. */
#define DETQ_PUT(name, kind, shape)                                      \
	void sw_detq_##name(struct sw_detq *q, SW_DETECT_PARAMS_##shape) \
	{                                                                \
		put_##shape(q, REC_##kind, SW_DETECT_ARGS_##shape);      \
	}
SW_DETECT_EVENTS(DETQ_PUT)
#undef DETQ_PUT

/* And as an operations table, for a pipeline that is one shard. */
#define DETQ_OP(name, kind, shape)                                      \
	static void detq_op_##name(void *ctx, SW_DETECT_PARAMS_##shape) \
	{                                                               \
		sw_detq_##name(ctx, SW_DETECT_ARGS_##shape);            \
	}
SW_DETECT_EVENTS(DETQ_OP)
#undef DETQ_OP

static void detq_op_clock(void *ctx, uint64_t ts_ns)
{
	sw_detq_clock(ctx, ts_ns);
}

const struct sw_detect_ops sw_detq_ops = {
#define DETQ_ENTRY(name, kind, shape) .name = detq_op_##name,
	SW_DETECT_EVENTS(DETQ_ENTRY)
#undef DETQ_ENTRY
		.clock = detq_op_clock,
};

void sw_detq_idle(struct sw_detq *q, uint64_t bound_ns)
{
	sw_detq_clock(q, bound_ns);
	publish(q);
}

void sw_detq_close(struct sw_detq *q)
{
	sw_detq_idle(q, SW_DETQ_NEVER);
	atomic_store_explicit(&q->closed, 1, memory_order_release);
}

void sw_detq_stats(const struct sw_detq *q, struct sw_detq_stats *st)
{
	st->records = q->r_records;
	st->dropped = atomic_load_explicit(&q->dropped, memory_order_relaxed);
	st->waits = atomic_load_explicit(&q->waits, memory_order_relaxed);
}

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
