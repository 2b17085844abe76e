// SPDX-License-Identifier: BSD-2-Clause
/*
 * The producer side of a shard's queue (see detect-merge.h and
 * detect-queue.h): each detector event packed into a record of its shape,
 * tagged with its type and stamped with the shard's clock.
 */
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "decode/http.h"
#include "decode/tls.h"
#include "detect/detect-queue.h"

/* Records a producer writes before it publishes them. */
#define DETQ_PUBLISH_RECORDS 32
/* A p0f signature and an OS class are far shorter (track/heads.h). */
#define DETQ_STR_MAX 255

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
	.clock = detq_op_clock, /* stamps the records that follow */
#define DETQ_ENTRY(name, kind, shape) .name = detq_op_##name,
	SW_DETECT_EVENTS(DETQ_ENTRY)
#undef DETQ_ENTRY
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
