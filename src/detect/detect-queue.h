/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The queue between a shard and the merge (detect-merge.h), shared by its
 * producer side (detect-queue.c) and its reader (detect-merge.c): the ring,
 * the layout of its records, and the constants both sides agree on.
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
#ifndef SW_DETECT_QUEUE_H
#define SW_DETECT_QUEUE_H

#include <stdatomic.h>
#include <stdint.h>

#include "detect/detect-merge.h"

/* The longest sleep of a producer waiting for room, or of the merge
 * waiting for records. */
#define MERGE_SLEEP_MAX_US 1000

/* Record tags: one per event of SW_DETECT_EVENTS. */
enum detq_type {
	REC_WRAP = 1, /* the rest of the ring is unused: go to its start */
#define DETQ_TYPE(name, kind, shape) REC_##kind,
	SW_DETECT_EVENTS(DETQ_TYPE) /* REC_ADVANCE, REC_START, ... */
#undef DETQ_TYPE
	REC_MAX, /* one past the last */
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

/* A short pause in a spin: the other thread is about to write. */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	atomic_signal_fence(memory_order_seq_cst);
#endif
}

#endif /* SW_DETECT_QUEUE_H */
