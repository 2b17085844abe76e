/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reassembly of the start of a client byte stream ("head"), up to
 * SW_HEAD_MAX bytes from a base sequence number: in order, tolerating
 * retransmits, overlaps and out-of-order segments. Memory grows with what
 * arrives and is released as soon as the caller is done with the head.
 */
#ifndef SW_STREAM_HEAD_H
#define SW_STREAM_HEAD_H

#include <stdint.h>

#define SW_HEAD_MAX 16384
#define SW_HEAD_INITIAL 512 /* most request heads fit; a ClientHello grows it */

struct sw_stream_head {
	uint8_t *buf; /* cap bytes; grows up to SW_HEAD_MAX */
	uint8_t *have; /* bitmap of filled bytes, cap / 8 bytes */
	uint32_t cap; /* bytes allocated */
	uint32_t base_seq; /* host order: sequence number of buf[0] */
	uint32_t contiguous; /* bytes filled from buf[0] without a hole */
	uint32_t high; /* end of the highest byte filled */
};

/* Start (or restart) at sequence number base. 0 or -ENOMEM. */
int sw_stream_head_reset(struct sw_stream_head *h, uint32_t base_seq);
/*
 * Add a segment. Returns the number of new contiguous bytes (0 if it
 * filled a hole beyond the contiguous part, was a retransmit, or lies
 * outside the window).
 */
uint32_t sw_stream_head_add(struct sw_stream_head *h, uint32_t seq,
			    const uint8_t *data, uint32_t len);
/* Drop the first n contiguous bytes, moving the base forward. */
void sw_stream_head_consume(struct sw_stream_head *h, uint32_t n);
/* Release the buffers; base_seq is kept, so a reset can resume there. */
void sw_stream_head_free(struct sw_stream_head *h);

#endif /* SW_STREAM_HEAD_H */
