// SPDX-License-Identifier: BSD-2-Clause
/*
 * Record memory: per-sink arenas of 2 MB chunks (transparent huge pages
 * where the kernel gives them), freed chunk by chunk as their records go,
 * so a stalled sink's queue neither fragments the heap nor costs the
 * packet path a page fault per 4 KB. The spooler thread touches the next
 * chunk before the producer needs it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sink/sink-int.h"

/*
 * ASan knows nothing of records carved out of an arena chunk: without
 * help, a record used after sw_rec_free reads live memory and goes
 * unnoticed. Under ASan a chunk's free space is poisoned, a record is
 * unpoisoned when carved and poisoned again when freed, and each record
 * is followed by a poisoned red zone, so use after free, double free and
 * overruns are reported as they were with malloc.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SW_SINK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SW_SINK_ASAN 1
#endif
#endif
#ifdef SW_SINK_ASAN
#include <sanitizer/asan_interface.h>
#define SW_ARENA_REDZONE 16
#define arena_poison(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define arena_unpoison(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define SW_ARENA_REDZONE 0
#define arena_poison(p, n) ((void)(p), (void)(n))
#define arena_unpoison(p, n) ((void)(p), (void)(n))
#endif

static struct arena_chunk *chunk_new(struct arena *a, int prefault)
{
	char *p = mmap(NULL, 2 * SW_ARENA_CHUNK, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *al;
	struct arena_chunk *c;

	if (p == MAP_FAILED)
		return NULL;
	al = (char *)(((uintptr_t)p + SW_ARENA_CHUNK - 1) &
		      ~(uintptr_t)(SW_ARENA_CHUNK - 1));
	if (al > p)
		munmap(p, (size_t)(al - p));
	munmap(al + SW_ARENA_CHUNK, (size_t)(p + SW_ARENA_CHUNK - al));
	madvise(al, SW_ARENA_CHUNK, MADV_HUGEPAGE); /* a hint */
	if (prefault) {
		size_t off;

		for (off = 0; off < SW_ARENA_CHUNK; off += 4096)
			((volatile char *)al)[off] = 0;
	}
	c = (struct arena_chunk *)al;
	c->a = a;
	arena_poison(al + SW_ARENA_HDR, SW_ARENA_CHUNK - SW_ARENA_HDR);
	return c;
}

/* Unmapped memory must not stay poisoned: the address may come back
 * from any other mmap. */
static void chunk_unmap(struct arena_chunk *c)
{
	arena_unpoison(c, SW_ARENA_CHUNK);
	munmap(c, SW_ARENA_CHUNK);
}

/* What a record of size bytes takes in a chunk. */
static size_t arena_size(size_t size)
{
	return (size + SW_ARENA_REDZONE + 15) & ~(size_t)15;
}

/* Drop one reference; the last one returns the chunk. Any thread. */
static void chunk_unref(struct arena_chunk *c)
{
	struct arena *a = c->a;

	if (__atomic_sub_fetch(&c->live, 1, __ATOMIC_ACQ_REL))
		return;
	pthread_mutex_lock(&a->lock);
	if (a->nspare < SW_ARENA_SPARES) {
		c->next = a->spare;
		a->spare = c;
		a->nspare++;
		c = NULL;
	}
	pthread_mutex_unlock(&a->lock);
	if (c)
		chunk_unmap(c);
}

/* size bytes from the arena, or NULL: the caller uses malloc. */
static void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_chunk *c, *old = NULL;
	size_t want = size;
	char *p;

	size = arena_size(size);
	if (size > SW_ARENA_REC_MAX)
		return NULL;
	pthread_mutex_lock(&a->lock);
	c = a->cur;
	if (!c || c->used + size > SW_ARENA_CHUNK) {
		struct arena_chunk *n = a->ready ? a->ready : a->spare;

		if (n == a->ready && n) {
			a->ready = NULL;
		} else if (n) {
			a->spare = n->next;
			a->nspare--;
		} else if (!(n = chunk_new(a, 0))) {
			pthread_mutex_unlock(&a->lock);
			return NULL;
		}
		if (!a->ready && !a->spare)
			__atomic_store_n(&a->want_ready, 1, __ATOMIC_RELAXED);
		n->live = 1;
		n->used = SW_ARENA_HDR;
		old = c;
		a->cur = c = n;
	}
	p = (char *)c + c->used;
	c->used += size;
	__atomic_add_fetch(&c->live, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&a->lock);
	arena_unpoison(p, want); /* the red zone and padding stay poisoned */
	if (old)
		chunk_unref(old); /* retired: the allocator's reference */
	return p;
}

void sw_rec_free(struct sw_rec *r)
{
	struct arena_chunk *c;

	if (!r->arena) {
		free(r);
		return;
	}
	c = (struct arena_chunk *)((uintptr_t)r &
				   ~(uintptr_t)(SW_ARENA_CHUNK - 1));
	/* Poisoned before the chunk may be reused or unmapped. */
	arena_poison(r, arena_size(sizeof(*r) + r->len + r->keylen));
	chunk_unref(c);
}

/* The spooler thread: map and touch the next chunk before the packet
 * path needs it. */
void sw_arena_prepare(struct arena *a)
{
	struct arena_chunk *c = chunk_new(a, 1);

	pthread_mutex_lock(&a->lock);
	if (c && !a->ready) {
		a->ready = c;
		c = NULL;
	}
	__atomic_store_n(&a->want_ready, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&a->lock);
	if (c)
		chunk_unmap(c);
}

/* Once every record is freed. */
void sw_arena_destroy(struct arena *a)
{
	if (a->cur) {
		chunk_unref(a->cur);
		a->cur = NULL;
	}
	while (a->spare) {
		struct arena_chunk *c = a->spare;

		a->spare = c->next;
		chunk_unmap(c);
	}
	if (a->ready) {
		chunk_unmap(a->ready);
		a->ready = NULL;
	}
	a->nspare = 0;
	pthread_mutex_destroy(&a->lock);
}

struct sw_rec *sw_rec_new(struct sw_sink_state *st, const char *line,
			  size_t len, const struct sw_rec_meta *m)
{
	size_t keylen = m && m->key ? strlen(m->key) : 0;
	struct sw_rec *r;
	int in_arena = 1;

	if (keylen > SW_REC_KEY_MAX)
		keylen = SW_REC_KEY_MAX;
	if (len > UINT32_MAX)
		len = UINT32_MAX;
	r = arena_alloc(&st->arena, sizeof(*r) + len + keylen);
	if (!r) {
		in_arena = 0;
		r = malloc(sizeof(*r) + len + keylen);
	}
	if (!r)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->arena = (uint8_t)in_arena;
	r->len = (uint32_t)len;
	r->keylen = (uint8_t)keylen;
	r->severity = m && m->severity >= 0 && m->severity <= 7 ?
			      (uint8_t)m->severity :
			      6;
	if (m && m->msgid)
		snprintf(r->msgid, sizeof(r->msgid), "%s", m->msgid);
	if (m && m->ts)
		snprintf(r->ts, sizeof(r->ts), "%s", m->ts);
	memcpy(r->data, line, len);
	if (keylen)
		memcpy(r->data + len, m->key, keylen);
	return r;
}

void sw_rec_free_chain(struct sw_rec *r)
{
	struct sw_rec *next;

	for (; r; r = next) {
		next = r->next;
		sw_rec_free(r);
	}
}
