// SPDX-License-Identifier: BSD-2-Clause
/*
 * Client stream head reassembly (see stream_head.h). A byte bitmap marks
 * what has arrived, so any order of retransmits, overlaps and reordering
 * gives the same bytes; the first copy of a byte wins, as in most stacks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stream_head.h"

int sw_stream_head_reset(struct sw_stream_head *h, uint32_t base_seq)
{
	if (!h->buf) {
		h->buf = malloc(SW_HEAD_INITIAL);
		h->have = calloc(1, SW_HEAD_INITIAL / 8);
		if (!h->buf || !h->have) {
			sw_stream_head_free(h);
			return -ENOMEM;
		}
		h->cap = SW_HEAD_INITIAL;
	} else {
		memset(h->have, 0, h->cap / 8);
	}
	h->base_seq = base_seq;
	h->contiguous = 0;
	h->high = 0;
	return 0;
}

/* Make room for bytes up to end (at most SW_HEAD_MAX). 0 or -ENOMEM. */
static int grow(struct sw_stream_head *h, uint32_t end)
{
	uint32_t cap = h->cap;
	uint8_t *buf, *have;

	while (cap < end)
		cap *= 2;
	if (cap > SW_HEAD_MAX)
		cap = SW_HEAD_MAX;
	buf = realloc(h->buf, cap);
	if (!buf)
		return -ENOMEM;
	h->buf = buf;
	have = realloc(h->have, cap / 8);
	if (!have)
		return -ENOMEM;
	memset(have + h->cap / 8, 0, (cap - h->cap) / 8);
	h->have = have;
	h->cap = cap;
	return 0;
}

/* Set or clear bits [from, to) of a bitmap, whole bytes at a time. */
static void bits_fill(uint8_t *bm, uint32_t from, uint32_t to, int set)
{
	for (; from < to && (from & 7); from++)
		bm[from >> 3] =
			set ? bm[from >> 3] | (uint8_t)(1u << (from & 7)) :
			      bm[from >> 3] & (uint8_t) ~(1u << (from & 7));
	if (to - from >= 8 && from < to) {
		memset(bm + (from >> 3), set ? 0xff : 0, (to - from) >> 3);
		from += (to - from) & ~7u;
	}
	for (; from < to; from++)
		bm[from >> 3] =
			set ? bm[from >> 3] | (uint8_t)(1u << (from & 7)) :
			      bm[from >> 3] & (uint8_t) ~(1u << (from & 7));
}

static void bits_set(uint8_t *bm, uint32_t from, uint32_t to)
{
	bits_fill(bm, from, to, 1);
}

static void bits_clear(uint8_t *bm, uint32_t from, uint32_t to)
{
	bits_fill(bm, from, to, 0);
}

static int bit_get(const uint8_t *bm, uint32_t i)
{
	return (bm[i >> 3] >> (i & 7)) & 1;
}

uint32_t sw_stream_head_add(struct sw_stream_head *h, uint32_t seq,
			    const uint8_t *data, uint32_t len)
{
	int32_t rel = (int32_t)(seq - h->base_seq);
	uint32_t start, end, i, before = h->contiguous;

	if (!h->buf || len == 0)
		return 0;
	/* Trim what lies before the base (already consumed or earlier). */
	if (rel < 0) {
		if ((uint32_t)-rel >= len)
			return 0;
		data += (uint32_t)-rel;
		len -= (uint32_t)-rel;
		rel = 0;
	}
	start = (uint32_t)rel;
	if (start >= SW_HEAD_MAX)
		return 0;
	end = start + len;
	if (end > SW_HEAD_MAX || end < start)
		end = SW_HEAD_MAX;
	if (end > h->cap && grow(h, end))
		end = h->cap; /* keep what fits; the head may stop short */
	if (start == h->contiguous && h->high <= h->contiguous) {
		/* In order with nothing buffered beyond: the common case. */
		memcpy(h->buf + start, data, end - start);
		bits_set(h->have, start, end);
		h->contiguous = h->high = end;
		return end - before;
	}
	for (i = start; i < end; i++) {
		if (!bit_get(h->have, i)) {
			h->buf[i] = data[i - start];
			h->have[i >> 3] |= (uint8_t)(1u << (i & 7));
		}
	}
	if (end > h->high)
		h->high = end;
	while (h->contiguous < h->high && bit_get(h->have, h->contiguous))
		h->contiguous++;
	return h->contiguous - before;
}

void sw_stream_head_consume(struct sw_stream_head *h, uint32_t n)
{
	uint32_t i, keep;

	if (!h->buf)
		return;
	if (n > h->contiguous)
		n = h->contiguous;
	keep = h->high - n;
	if (keep == 0) {
		/* Everything read: the common case between requests. */
		bits_clear(h->have, 0, h->high);
		h->base_seq += n;
		h->contiguous = h->high = 0;
		return;
	}
	memmove(h->buf, h->buf + n, keep);
	/* Shift the bitmap bit by bit: heads are small and this is rare. */
	for (i = 0; i < keep; i++) {
		uint32_t from = i + n;

		if (bit_get(h->have, from))
			h->have[i >> 3] |= (uint8_t)(1u << (i & 7));
		else
			h->have[i >> 3] &= (uint8_t) ~(1u << (i & 7));
	}
	for (; i < h->high; i++)
		h->have[i >> 3] &= (uint8_t) ~(1u << (i & 7));
	h->base_seq += n;
	h->contiguous -= n;
	h->high = keep;
}

void sw_stream_head_free(struct sw_stream_head *h)
{
	free(h->buf);
	free(h->have);
	h->buf = NULL;
	h->have = NULL;
	h->contiguous = 0;
	h->high = 0;
	h->cap = 0;
}
