// SPDX-License-Identifier: BSD-2-Clause
/*
 * Space-Saving over client addresses (see sketch.h). Counters sit in
 * buckets of equal count; buckets form a list in ascending count order, so
 * the minimum is the list head and a unit increment moves a counter to the
 * next bucket or makes one. Everything is preallocated: capacity counters,
 * at most capacity buckets, and a chained hash index of 2 * capacity heads.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sketch.h"

#define NIL UINT32_MAX

struct ss_counter {
	struct sw_det_addr key;
	uint32_t bucket;
	uint32_t prev, next; /* within the bucket */
	uint32_t hnext; /* hash chain */
	uint64_t err;
};

struct ss_bucket {
	uint64_t count;
	uint32_t head; /* first counter */
	uint32_t prev, next; /* bucket list, ascending count */
};

struct sw_sketch {
	uint32_t cap, used;
	uint32_t hmask;
	uint32_t min_bucket; /* bucket list head */
	uint32_t free_bucket; /* free list through next */
	uint64_t events, replacements;
	struct ss_counter *c;
	struct ss_bucket *b;
	uint32_t *hash;
};

uint64_t sw_det_addr_hash(const struct sw_det_addr *a)
{
	uint64_t x, y;

	memcpy(&x, a->a, 8);
	memcpy(&y, a->a + 8, 8);
	x ^= (uint64_t)a->family << 56;
	x = (x ^ (y * 0x9e3779b97f4a7c15ULL)) * 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 31;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 29);
}

static uint32_t hash_slots(uint32_t cap)
{
	uint32_t n = 16;

	while (n < cap * 2u && n < (1u << 31))
		n <<= 1;
	return n;
}

size_t sw_sketch_bytes(uint32_t capacity)
{
	return sizeof(struct sw_sketch) +
	       (size_t)capacity *
		       (sizeof(struct ss_counter) + sizeof(struct ss_bucket)) +
	       (size_t)hash_slots(capacity) * sizeof(uint32_t);
}

struct sw_sketch *sw_sketch_new(uint32_t capacity)
{
	struct sw_sketch *s;
	uint32_t i, n;

	if (capacity == 0) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	n = hash_slots(capacity);
	s->cap = capacity;
	s->hmask = n - 1;
	s->c = calloc(capacity, sizeof(*s->c));
	s->b = calloc(capacity, sizeof(*s->b));
	s->hash = malloc((size_t)n * sizeof(*s->hash));
	if (!s->c || !s->b || !s->hash) {
		sw_sketch_free(s);
		errno = ENOMEM;
		return NULL;
	}
	memset(s->hash, 0xff, (size_t)n * sizeof(*s->hash));
	for (i = 0; i < capacity; i++)
		s->b[i].next = i + 1 < capacity ? i + 1 : NIL;
	s->free_bucket = 0;
	s->min_bucket = NIL;
	return s;
}

void sw_sketch_free(struct sw_sketch *s)
{
	if (!s)
		return;
	free(s->c);
	free(s->b);
	free(s->hash);
	free(s);
}

static int key_eq(const struct sw_det_addr *x, const struct sw_det_addr *y)
{
	return x->family == y->family && memcmp(x->a, y->a, 16) == 0;
}

static uint32_t find(const struct sw_sketch *s, const struct sw_det_addr *k)
{
	uint32_t i = s->hash[sw_det_addr_hash(k) & s->hmask];

	while (i != NIL && !key_eq(&s->c[i].key, k))
		i = s->c[i].hnext;
	return i;
}

static void hash_del(struct sw_sketch *s, uint32_t ci)
{
	uint32_t *pp = &s->hash[sw_det_addr_hash(&s->c[ci].key) & s->hmask];

	while (*pp != NIL && *pp != ci)
		pp = &s->c[*pp].hnext;
	if (*pp == ci)
		*pp = s->c[ci].hnext;
}

static void hash_add(struct sw_sketch *s, uint32_t ci)
{
	uint32_t *h = &s->hash[sw_det_addr_hash(&s->c[ci].key) & s->hmask];

	s->c[ci].hnext = *h;
	*h = ci;
}

/* Take counter ci out of its bucket; free the bucket if it empties. */
static void unlink_counter(struct sw_sketch *s, uint32_t ci)
{
	struct ss_counter *c = &s->c[ci];
	struct ss_bucket *b = &s->b[c->bucket];

	if (c->prev != NIL)
		s->c[c->prev].next = c->next;
	else
		b->head = c->next;
	if (c->next != NIL)
		s->c[c->next].prev = c->prev;
	if (b->head == NIL) {
		uint32_t bi = c->bucket;

		if (b->prev != NIL)
			s->b[b->prev].next = b->next;
		else
			s->min_bucket = b->next;
		if (b->next != NIL)
			s->b[b->next].prev = b->prev;
		b->next = s->free_bucket;
		s->free_bucket = bi;
	}
}

static void link_counter(struct sw_sketch *s, uint32_t ci, uint32_t bi)
{
	struct ss_counter *c = &s->c[ci];
	struct ss_bucket *b = &s->b[bi];

	c->bucket = bi;
	c->prev = NIL;
	c->next = b->head;
	if (b->head != NIL)
		s->c[b->head].prev = ci;
	b->head = ci;
}

/* A new bucket of count after bucket `after` (NIL: at the head). */
static uint32_t new_bucket(struct sw_sketch *s, uint32_t after, uint64_t count)
{
	uint32_t bi = s->free_bucket;
	struct ss_bucket *b = &s->b[bi];

	s->free_bucket = b->next;
	b->count = count;
	b->head = NIL;
	b->prev = after;
	if (after == NIL) {
		b->next = s->min_bucket;
		s->min_bucket = bi;
	} else {
		b->next = s->b[after].next;
		s->b[after].next = bi;
	}
	if (b->next != NIL)
		s->b[b->next].prev = bi;
	return bi;
}

/* Move counter ci from count n to n + 1. */
static void bump(struct sw_sketch *s, uint32_t ci)
{
	uint32_t bi = s->c[ci].bucket, nb = s->b[bi].next;
	uint64_t n = s->b[bi].count;

	if (s->b[bi].head == ci && s->c[ci].next == NIL &&
	    (nb == NIL || s->b[nb].count > n + 1)) {
		s->b[bi].count = n + 1; /* alone in its bucket: relabel */
		return;
	}
	if (nb == NIL || s->b[nb].count != n + 1) {
		/* Allocate before unlinking: a bucket is always free here,
		 * since ci's bucket holds at least one other counter. */
		nb = new_bucket(s, bi, n + 1);
	}
	unlink_counter(s, ci);
	link_counter(s, ci, nb);
}

uint64_t sw_sketch_add(struct sw_sketch *s, const struct sw_det_addr *addr,
		       uint64_t *guaranteed)
{
	uint32_t ci = find(s, addr), bi;

	s->events++;
	if (ci == NIL) {
		if (s->used < s->cap) {
			ci = s->used++;
			s->c[ci].key = *addr;
			s->c[ci].err = 0;
			hash_add(s, ci);
			bi = s->min_bucket;
			if (bi == NIL || s->b[bi].count != 1)
				bi = new_bucket(s, NIL, 1);
			link_counter(s, ci, bi);
			*guaranteed = 1;
			return 1;
		}
		/* Full: the smallest counter changes hands and keeps its
		 * count as the newcomer's error. */
		ci = s->b[s->min_bucket].head;
		hash_del(s, ci);
		s->c[ci].key = *addr;
		s->c[ci].err = s->b[s->min_bucket].count;
		hash_add(s, ci);
		s->replacements++;
	}
	bump(s, ci);
	bi = s->c[ci].bucket;
	*guaranteed = s->b[bi].count - s->c[ci].err;
	return s->b[bi].count;
}

uint64_t sw_sketch_count(const struct sw_sketch *s,
			 const struct sw_det_addr *addr, uint64_t *guaranteed)
{
	uint32_t ci = find(s, addr);

	if (ci == NIL) {
		*guaranteed = 0;
		return 0;
	}
	*guaranteed = s->b[s->c[ci].bucket].count - s->c[ci].err;
	return s->b[s->c[ci].bucket].count;
}

uint64_t sw_sketch_events(const struct sw_sketch *s)
{
	return s->events;
}

uint64_t sw_sketch_replacements(const struct sw_sketch *s)
{
	return s->replacements;
}
