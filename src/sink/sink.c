// SPDX-License-Identifier: BSD-2-Clause
/*
 * The generic sink layer. Each sink is one FIFO made of four parts, in
 * delivery order: records in flight (sent, not yet confirmed), the spool
 * on disk, the hand-off (queues on their way to the spool), and the
 * in-memory queue.
 *
 * The packet path only appends to the queue, under a lock that nobody
 * holds across I/O. When the queue is full it hands the whole queue off
 * (one pointer swap) and starts a new one; it never touches the disk and
 * never waits on a peer. A spooler thread per sink writes handed-off
 * queues to the spool. The hand-off holds at most SW_HANDOFF_QUEUES
 * queues' worth: past that (the disk does not keep up) new records are
 * dropped and counted as queue_full, so memory stays bounded.
 *
 * One writer thread per sink takes batches from the spool first, then,
 * once the spooler has nothing left in hand, from the queue; it hands them
 * to the backend and keeps them in flight until confirmed. When the peer
 * fails, the writer disconnects, leaves the queue to fill (and be handed
 * off) while it is down, reconnects with exponential backoff, and sends
 * the records in flight again first: delivery is at least once, and the
 * duplicates are counted as resent. A backend never blocks the writer for
 * long (it answers "busy" instead), so the writer also honours the flush
 * deadline at shutdown.
 *
 * Records live in a per-sink arena of 2 MB chunks (transparent huge pages
 * where the kernel gives them), freed chunk by chunk as their records go:
 * a stalled sink's queue does not fragment the process heap, and does not
 * cost a page fault per 4 KB, which on a virtual machine is what made a
 * blocked sink slow the packet path down.
 *
 * The spool is a chain of segment files under a private directory. At its
 * cap the oldest segment is deleted and its records are counted as
 * dropped (spool_full). Lock order: the sink's lock, then the spool's;
 * the spool's lock is held across disk I/O, the sink's never is.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "output/output.h"
#include "sink/sink-backend.h"
#include "sink/sink.h"

/*
 * ASan knows nothing of records carved out of an arena chunk: without
 * help, a record used after rec_free reads live memory and goes
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

static const char *const drop_names[SW_DROP_MAX] = {
	[SW_DROP_QUEUE_FULL] = "queue_full",
	[SW_DROP_SPOOL_FULL] = "spool_full",
	[SW_DROP_SPOOL_ERROR] = "spool_error",
	[SW_DROP_OVERSIZE] = "oversize",
	[SW_DROP_REJECTED] = "rejected",
	[SW_DROP_CLOSED] = "closed",
	[SW_DROP_SHUTDOWN] = "shutdown",
};

static atomic_int reopen_generation; /* bumped by the signal handler */

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
	/* writer only, read by stats under lock */
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

struct sw_sinks {
	struct sw_sink *sinks[SW_SINKS_MAX];
	int n;
	int started;
};

uint64_t sw_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void add_ctr(uint64_t *c, uint64_t v)
{
	__atomic_fetch_add(c, v, __ATOMIC_RELAXED);
}

static uint64_t get_ctr(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static void max_ctr(uint64_t *c, uint64_t v)
{
	if (v > get_ctr(c))
		__atomic_store_n(c, v, __ATOMIC_RELAXED);
}

void sw_sink_drop(struct sw_sink *s, struct sw_rec *r, enum sw_sink_drop why)
{
	if (r->dropped)
		return; /* sent again after a reconnect: counted once */
	r->dropped = 1;
	add_ctr(&s->st->c.dropped[why], 1);
}

int sw_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int sw_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	case '\0':
		break;
	default:
		return -EINVAL;
	}
	if (*end && end[1])
		return -EINVAL;
	if (v > (~0ull >> shift))
		return -EINVAL;
	*out = v << shift;
	return 0;
}

/* ---- URIs (parsed in sink-uri.c) ---- */

/* The URI with the values of secret options replaced by "***". */
static char *masked_name(const char *uri)
{
	static const char *const secret[] = { "token=", "password=",
					      "sasl.password=" };
	char *s = strdup(uri), *p;
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; i < sizeof(secret) / sizeof(secret[0]); i++) {
		for (p = strstr(s, secret[i]); p;
		     p = strstr(p + 1, secret[i])) {
			char *v = p + strlen(secret[i]);
			size_t n = strcspn(v, "&");

			if (p[-1] != '?' && p[-1] != '&')
				continue;
			if (n >= 3) {
				memcpy(v, "***", 3);
				memmove(v + 3, v + n, strlen(v + n) + 1);
			}
		}
	}
	return s;
}

/* ---- record memory ---- */

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

static void rec_free(struct sw_rec *r)
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
static void arena_prepare(struct arena *a)
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

static int arena_wants(const struct arena *a)
{
	return __atomic_load_n(&a->want_ready, __ATOMIC_RELAXED);
}

/* Once every record is freed. */
static void arena_destroy(struct arena *a)
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

/* ---- spool ---- */

static int spool_mkdir(struct spool *sp, const char *name)
{
	char tmpl[4096];

	snprintf(tmpl, sizeof(tmpl), "%s/scrapewatch-spool-XXXXXX", sp->parent);
	if (!mkdtemp(tmpl)) {
		int err = -errno;

		if (!sp->error_logged++)
			fprintf(stderr,
				"scrapewatch: sink %s: spool directory in "
				"%s: %s\n",
				name, sp->parent, strerror(-err));
		return err;
	}
	sp->dir = strdup(tmpl);
	return sp->dir ? 0 : -ENOMEM;
}

static void seg_path(const struct spool *sp, unsigned seq, char *buf,
		     size_t len)
{
	snprintf(buf, len, "%s/seg-%08u", sp->dir, seq);
}

static void seg_remove(struct spool *sp, struct spool_seg *g)
{
	char path[4200];

	close(g->fd);
	seg_path(sp, g->seq, path, sizeof(path));
	unlink(path);
	sp->disk_bytes -= g->bytes;
	sp->pending -= g->records - g->read_records;
	free(g);
}

static int spool_flush_wbuf(struct spool *sp)
{
	size_t off = 0;

	while (off < sp->wlen) {
		ssize_t w = write(sp->tail->fd, sp->wbuf + off, sp->wlen - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += (size_t)w;
	}
	sp->wlen = 0;
	return 0;
}

static int spool_new_seg(struct spool *sp)
{
	struct spool_seg *g;
	char path[4200];
	int rc;

	if (sp->tail && (rc = spool_flush_wbuf(sp)) != 0)
		return rc;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->seq = sp->next_seq++;
	seg_path(sp, g->seq, path, sizeof(path));
	/* O_APPEND: spool_read truncates an emptied tail segment to reuse
	 * it, and ftruncate leaves the file offset where it was; without
	 * it the next records would land past a hole of zeros that reads
	 * back as empty records. */
	g->fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
		     0600);
	if (g->fd < 0) {
		rc = -errno;
		free(g);
		return rc;
	}
	if (sp->tail)
		sp->tail->next = g;
	else
		sp->head = g;
	sp->tail = g;
	return 0;
}

/* Append one record. Caller holds sp->lock. */
static int spool_append(struct sw_sink_state *st, const struct sw_rec *r)
{
	struct spool *sp = &st->spool;
	size_t n = SW_REC_DISK_HDR + r->len + r->keylen;
	const char *src = (const char *)&r->len;
	int rc;

	if (!sp->dir && (rc = spool_mkdir(sp, st->sink->name)) != 0)
		return rc;
	if (!sp->wbuf && !(sp->wbuf = malloc(SW_SPOOL_WBUF)))
		return -ENOMEM;
	if (!sp->tail || sp->tail->bytes >= sp->seg_bytes) {
		rc = spool_new_seg(sp);
		if (rc)
			return rc;
	}
	while (n) {
		size_t k = SW_SPOOL_WBUF - sp->wlen;

		if (k > n)
			k = n;
		memcpy(sp->wbuf + sp->wlen, src, k);
		sp->wlen += k;
		src += k;
		n -= k;
		if (sp->wlen == SW_SPOOL_WBUF && (rc = spool_flush_wbuf(sp)))
			return rc;
	}
	n = SW_REC_DISK_HDR + r->len + r->keylen;
	sp->tail->bytes += n;
	sp->tail->records++;
	sp->disk_bytes += n;
	sp->pending++;
	/* At the cap the oldest segment goes, counted. */
	while (sp->disk_bytes > sp->max_bytes && sp->head != sp->tail) {
		struct spool_seg *g = sp->head;

		add_ctr(&st->c.dropped[SW_DROP_SPOOL_FULL],
			g->records - g->read_records);
		sp->head = g->next;
		seg_remove(sp, g);
	}
	max_ctr(&st->c.spool_bytes_max, sp->disk_bytes);
	return 0;
}

/* Move a chain of records to the spool and free them. Runs on the
 * spooler without st->lock; takes sp->lock. At shutdown (spool_abort) the
 * rest is counted as dropped at shutdown instead. */
static void spool_chain(struct sw_sink_state *st, struct sw_rec *r)
{
	struct spool *sp = &st->spool;
	struct sw_rec *next;
	int rc;

	pthread_mutex_lock(&sp->lock);
	for (; r; r = next) {
		next = r->next;
		if (__atomic_load_n(&st->spool_abort, __ATOMIC_RELAXED)) {
			add_ctr(&st->c.dropped[SW_DROP_SHUTDOWN], 1);
			rec_free(r);
			continue;
		}
		rc = spool_append(st, r);
		if (rc) {
			if (!sp->error_logged++)
				fprintf(stderr,
					"scrapewatch: sink %s: spool %s: %s; "
					"records are dropped\n",
					st->sink->name,
					sp->dir ? sp->dir : sp->parent,
					strerror(-rc));
			add_ctr(&st->c.dropped[SW_DROP_SPOOL_ERROR], 1);
		} else {
			add_ctr(&st->c.spooled, 1);
		}
		rec_free(r);
	}
	pthread_mutex_unlock(&sp->lock);
}

/* Read up to max records back from the spool, in order. */
static struct sw_rec *spool_read(struct sw_sink_state *st, size_t max,
				 size_t max_bytes)
{
	struct spool *sp = &st->spool;
	struct sw_rec *head = NULL, **tailp = &head;
	size_t got = 0, bytes = 0;
	char *buf = NULL;

	pthread_mutex_lock(&sp->lock);
	while (sp->head && got < max && bytes < max_bytes) {
		struct spool_seg *g = sp->head;
		uint64_t avail;
		size_t want, off = 0;
		ssize_t rd;

		if (g == sp->tail && sp->wlen && spool_flush_wbuf(sp))
			break;
		avail = g->bytes - g->read_off;
		if (!avail) {
			if (g == sp->tail) {
				/* Empty: reuse the file from the start.
				 * Segments are O_APPEND, so the next write
				 * lands at the new end, not past a hole of
				 * zeros that would read back as empty
				 * records; the rewind only keeps the offset
				 * true for anyone reading it. */
				if (ftruncate(g->fd, 0) == 0 &&
				    lseek(g->fd, 0, SEEK_SET) == 0) {
					sp->disk_bytes -= g->bytes;
					g->bytes = g->read_off = 0;
					g->records = g->read_records = 0;
				}
				break;
			}
			sp->head = g->next;
			seg_remove(sp, g);
			continue;
		}
		want = avail < SW_SPOOL_RCHUNK ? (size_t)avail :
						 SW_SPOOL_RCHUNK;
		if (!buf && !(buf = malloc(SW_SPOOL_RCHUNK)))
			break;
		rd = pread(g->fd, buf, want, (off_t)g->read_off);
		if (rd <= 0)
			break;
		while (off + SW_REC_DISK_HDR <= (size_t)rd && got < max &&
		       bytes < max_bytes) {
			struct sw_rec hdr, *r;
			size_t n;

			memcpy(&hdr.len, buf + off, SW_REC_DISK_HDR);
			n = SW_REC_DISK_HDR + hdr.len + hdr.keylen;
			if (n > SW_SPOOL_RCHUNK) {
				/* Cannot happen with records we wrote:
				 * the rest of the segment is unreadable. */
				g->read_off = g->bytes;
				add_ctr(&st->c.dropped[SW_DROP_SPOOL_ERROR],
					g->records - g->read_records);
				sp->pending -= g->records - g->read_records;
				g->read_records = g->records;
				break;
			}
			if (off + n > (size_t)rd)
				break;
			r = malloc(sizeof(*r) + hdr.len + hdr.keylen);
			if (!r)
				break;
			memset(r, 0, offsetof(struct sw_rec, len));
			memcpy(&r->len, buf + off, n);
			*tailp = r;
			tailp = &r->next;
			off += n;
			got++;
			bytes += hdr.len;
			g->read_records++;
			sp->pending--;
		}
		g->read_off += off;
		if (!off)
			break;
	}
	pthread_mutex_unlock(&sp->lock);
	free(buf);
	*tailp = NULL;
	return head;
}

static uint64_t spool_pending(struct spool *sp)
{
	uint64_t n;

	pthread_mutex_lock(&sp->lock);
	n = sp->pending;
	pthread_mutex_unlock(&sp->lock);
	return n;
}

/* Delete everything spooled; returns how many records it held. */
static uint64_t spool_discard(struct spool *sp)
{
	uint64_t n;

	pthread_mutex_lock(&sp->lock);
	n = sp->pending;
	while (sp->head) {
		struct spool_seg *g = sp->head;

		sp->head = g->next;
		seg_remove(sp, g);
	}
	sp->tail = NULL;
	sp->wlen = 0;
	sp->pending = 0;
	sp->disk_bytes = 0;
	pthread_mutex_unlock(&sp->lock);
	return n;
}

static void spool_destroy(struct spool *sp)
{
	while (sp->head) {
		struct spool_seg *g = sp->head;

		sp->head = g->next;
		seg_remove(sp, g);
	}
	sp->tail = NULL;
	if (sp->dir)
		rmdir(sp->dir);
	free(sp->dir);
	free(sp->parent);
	free(sp->wbuf);
	pthread_mutex_destroy(&sp->lock);
}

/* ---- the writer ---- */

static void free_chain(struct sw_rec *r)
{
	struct sw_rec *next;

	for (; r; r = next) {
		next = r->next;
		rec_free(r);
	}
}

/* Has close asked the writer to finish? Then deadline_ns is set. */
static int stopping(const struct sw_sink_state *st)
{
	return __atomic_load_n(&st->stop, __ATOMIC_ACQUIRE);
}

uint64_t sw_sink_deadline_ns(const struct sw_sink *s)
{
	const struct sw_sink_state *st = s->st;

	if (!stopping(st))
		return UINT64_MAX;
	return __atomic_load_n(&st->deadline_ns, __ATOMIC_RELAXED);
}

/* Sleep up to ns; new records wake the writer early unless it waits for
 * something else (WAIT_OTHER: the peer, backoff, the spooler). */
static void wait_ns(struct sw_sink_state *st, uint64_t ns, enum writer_wait why)
{
	struct timespec ts;

	if (stopping(st)) {
		/* Closing: sleep no later than the deadline. */
		uint64_t now = sw_now_ns();

		if (now >= st->deadline_ns)
			return;
		if (ns > st->deadline_ns - now)
			ns = st->deadline_ns - now;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)(ns / 1000000000ull);
	ts.tv_nsec += (long)(ns % 1000000000ull);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&st->lock);
	if (why == WAIT_OTHER || !st->qhead) {
		st->writer_waiting = why;
		pthread_cond_timedwait(&st->cond, &st->lock, &ts);
		st->writer_waiting = WAIT_NONE;
	}
	pthread_mutex_unlock(&st->lock);
}

/* Pop confirmed records off the head of the in-flight list. */
static void confirm(struct sw_sink_state *st, uint64_t now)
{
	struct sw_sink *s = st->sink;
	struct sw_rec *r;
	uint64_t delivered = 0;

	while ((r = st->ihead) && r != st->unsent) {
		if (!r->dropped && !r->failed) {
			/* A stalled link is not a live one: nothing
			 * it holds counts as delivered meanwhile. */
			if (s->tune.confirm == SW_CONFIRM_HOLD &&
			    (s->tune.stalled ||
			     r->sent_ns + s->tune.hold_ns > now))
				break;
			if (s->tune.confirm == SW_CONFIRM_ASYNC && !r->done)
				break;
			delivered++;
		} else if (r->failed) {
			add_ctr(&st->c.dropped[SW_DROP_REJECTED], 1);
		}
		st->ihead = r->next;
		st->ilen--;
		st->ibytes -= r->len;
		rec_free(r);
	}
	if (!st->ihead)
		st->itail = NULL;
	if (!delivered)
		return;
	add_ctr(&st->c.delivered, delivered);
	/* Back once the peer confirmed records, not at connect (HTTP
	 * connects lazily) nor when a new connection's buffer took bytes (a
	 * peer that never reads would reset the backoff every time). */
	st->backoff_ns = 0;
	if (st->down_since_ns) {
		add_ctr(&st->c.reconnects, 1);
		fprintf(stderr,
			"scrapewatch: sink %s: delivering again after %.1f s\n",
			s->name, (now - st->down_since_ns) / 1e9);
		st->down_since_ns = 0;
	}
}

/* stdout's reader went away (| head): not an error, nothing to say. */
static int reader_gone(const struct sw_sink_state *st, int err)
{
	return st->sink->ops == &sw_sink_stdout_ops && err == -EPIPE;
}

static void go_down(struct sw_sink_state *st, int err, uint64_t now)
{
	struct sw_sink *s = st->sink;
	uint64_t wait;

	if (st->up) {
		s->ops->disconnect_op(s);
		st->up = 0;
	}
	s->tune.stalled = 0;
	if (!st->down_since_ns) {
		st->down_since_ns = now;
		if (!(s->tune.fatal && reader_gone(st, err)))
			fprintf(stderr,
				"scrapewatch: sink %s: %s; queueing and spooling, "
				"retrying with backoff\n",
				s->name,
				st->errbuf[0] ? st->errbuf : strerror(-err));
	}
	add_ctr(&st->c.errors, 1);
	st->unsent = st->ihead; /* everything in flight goes again */
	st->backoff_ns =
		st->backoff_ns ? st->backoff_ns * 2 : st->backoff_min_ns;
	if (st->backoff_ns > st->backoff_max_ns)
		st->backoff_ns = st->backoff_max_ns;
	wait = st->backoff_ns;
	if (s->tune.retry_after_ns > wait)
		wait = s->tune.retry_after_ns;
	s->tune.retry_after_ns = 0;
	st->next_try_ns = now + wait;
	if (s->tune.fatal) {
		st->fatal = 1;
		st->fatal_err = err;
	}
}

/* Drop everything held: the sink is closed for good. */
static void drop_all(struct sw_sink_state *st, enum sw_sink_drop why)
{
	struct sw_rec *q, *r;
	uint64_t n = 0;

	pthread_mutex_lock(&st->lock);
	q = st->qhead;
	n += st->qlen;
	st->qhead = st->qtail = NULL;
	st->qlen = st->qbytes = 0;
	r = st->hhead;
	n += st->hlen;
	st->hhead = st->htail = NULL;
	st->hlen = st->hbytes = 0;
	if (st->producer_waiting)
		pthread_cond_broadcast(&st->space);
	pthread_mutex_unlock(&st->lock);
	free_chain(q);
	free_chain(r);
	/* What the spooler is writing now is counted once it is spooled:
	 * the fatal path calls this again, close stops the spooler first. */
	n += spool_discard(&st->spool);
	for (r = st->ihead; r; r = r->next)
		if (!r->dropped)
			n++;
	free_chain(st->ihead);
	st->ihead = st->itail = st->unsent = NULL;
	st->ilen = st->ibytes = 0;
	add_ctr(&st->c.dropped[why], n);
}

/*
 * Next batch: the spool first (it is older), then the queue, but only once
 * the spooler has nothing in hand: handed-off records are older than the
 * queue. *behind says the writer has to wait for the spooler.
 */
static struct sw_rec *take_batch(struct sw_sink_state *st, size_t *n,
				 int *behind)
{
	struct sw_sink *s = st->sink;
	struct sw_rec *head, *r, *last = NULL;
	size_t bytes = 0;
	int unreadable = 0;

	*n = 0;
	*behind = 0;
again:
	if (st->use_spool && !unreadable && spool_pending(&st->spool)) {
		head = spool_read(st, s->tune.batch_max, s->tune.batch_bytes);
		for (r = head; r; r = r->next)
			(*n)++;
		if (head)
			return head;
		unreadable = 1; /* a read error: go on with the queue */
	}
	pthread_mutex_lock(&st->lock);
	if (st->hhead || st->slen) {
		*behind = 1;
		pthread_mutex_unlock(&st->lock);
		return NULL;
	}
	/* The spooler may have finished a queue since the look above. */
	if (st->use_spool && !unreadable && spool_pending(&st->spool)) {
		pthread_mutex_unlock(&st->lock);
		goto again;
	}
	head = st->qhead;
	for (r = head;
	     r && *n < s->tune.batch_max && bytes < s->tune.batch_bytes;
	     r = r->next) {
		bytes += r->len;
		(*n)++;
		last = r;
		st->qbytes -= r->len;
	}
	if (last) {
		st->qhead = last->next;
		last->next = NULL;
		if (!st->qhead)
			st->qtail = NULL;
		st->qlen -= *n;
	}
	if (st->producer_waiting)
		pthread_cond_broadcast(&st->space);
	pthread_mutex_unlock(&st->lock);
	return head;
}

/* Send from st->unsent on. 0, 1 if the backend took fewer than offered,
 * or -errno (the link is down). */
static int send_unsent(struct sw_sink_state *st, uint64_t now)
{
	struct sw_sink *s = st->sink;
	struct sw_rec *r;
	size_t n = 0, bytes = 0, i;
	long sent;

	for (r = st->unsent;
	     r && n < s->tune.batch_max && bytes < s->tune.batch_bytes;
	     r = r->next) {
		n++;
		bytes += r->len;
	}
	st->errbuf[0] = '\0';
	sent = s->ops->send_op(s, st->unsent, n, st->errbuf);
	if (sent == -EPERM) {
		/* Refused for good; dropped, and not retried. */
		for (r = st->unsent, i = 0; i < n; i++, r = r->next)
			if (!r->dropped)
				sw_sink_drop(s, r, SW_DROP_REJECTED);
		st->unsent = r;
		return 0;
	}
	if (sent < 0)
		return (int)sent;
	for (r = st->unsent, i = 0; i < (size_t)sent; i++, r = r->next) {
		if (r->sent_ns)
			add_ctr(&st->c.resent, 1);
		r->sent_ns = now;
	}
	st->unsent = r;
	return (size_t)sent < n;
}

/* Every record enqueued ends delivered or dropped exactly once, so this
 * holds no matter where the writer is moving records at the moment. */
static int nothing_pending(struct sw_sink_state *st)
{
	uint64_t done = get_ctr(&st->c.delivered);
	int r;

	for (r = 0; r < SW_DROP_MAX; r++)
		done += get_ctr(&st->c.dropped[r]);
	return done == get_ctr(&st->c.enqueued);
}

/*
 * Hand the whole queue to the spooler, behind what it already holds: one
 * pointer swap. 0 (and nothing moved) when the hand-off is at its cap:
 * the spool does not keep up. Caller holds st->lock.
 */
static int handoff_locked(struct sw_sink_state *st)
{
	if (!st->use_spool || !st->qhead ||
	    st->hlen + st->slen + st->qlen >
		    SW_HANDOFF_QUEUES * st->queue_max ||
	    st->hbytes + st->sbytes + st->qbytes >
		    SW_HANDOFF_QUEUES * st->queue_max_bytes)
		return 0;
	if (st->htail)
		st->htail->next = st->qhead;
	else
		st->hhead = st->qhead;
	st->htail = st->qtail;
	st->hlen += st->qlen;
	st->hbytes += st->qbytes;
	st->qhead = st->qtail = NULL;
	st->qlen = st->qbytes = 0;
	pthread_cond_signal(&st->spool_cond);
	return 1;
}

/* At shutdown, a writer that would wait gives up at the deadline. */
static int past_deadline(struct sw_sink_state *st)
{
	return stopping(st) && sw_now_ns() >= st->deadline_ns;
}

static void *writer_main(void *arg)
{
	struct sw_sink_state *st = arg;
	struct sw_sink *s = st->sink;

	for (;;) {
		uint64_t now = sw_now_ns();
		int rc, gen = reopen_generation;

		if (gen != st->reopen_seen) {
			st->reopen_seen = gen;
			if (s->ops->reopen_op && st->up)
				s->ops->reopen_op(s);
		}
		if (st->fatal) {
			drop_all(st, SW_DROP_CLOSED);
			if (stopping(st))
				break;
			wait_ns(st, SW_IDLE_WAIT_NS, WAIT_OTHER);
			continue;
		}
		if (!st->up) {
			if (stopping(st) &&
			    (now >= st->deadline_ns || nothing_pending(st)))
				break;
			if (now >= st->next_try_ns) {
				st->errbuf[0] = '\0';
				rc = s->ops->connect_op(s, st->errbuf);
				if (rc == 0) {
					st->up = 1;
					st->unsent = st->ihead;
				} else {
					go_down(st, rc, now);
				}
			}
			if (!st->up) {
				/* The queue goes to the spool (by the
				 * spooler) while the peer is down. */
				pthread_mutex_lock(&st->lock);
				handoff_locked(st);
				if (st->producer_waiting)
					pthread_cond_broadcast(&st->space);
				pthread_mutex_unlock(&st->lock);
				wait_ns(st,
					st->next_try_ns > now ?
						st->next_try_ns - now :
						0,
					WAIT_OTHER);
				continue;
			}
		}
		if (s->ops->poll_op && (rc = s->ops->poll_op(s, st->errbuf))) {
			go_down(st, rc, now);
			continue;
		}
		confirm(st, now);
		if (st->unsent) {
			rc = send_unsent(st, now);
			if (rc < 0) {
				go_down(st, rc, now);
			} else if (rc > 0) {
				/* The backend's own queue is full, or the
				 * peer is not reading: a stalled peer
				 * holds shutdown no longer than the
				 * deadline. */
				if (past_deadline(st))
					break;
				wait_ns(st, SW_BUSY_WAIT_NS, WAIT_OTHER);
			}
			continue;
		}
		if (st->ibytes >= s->tune.inflight_max_bytes) {
			if (past_deadline(st))
				break;
			wait_ns(st, SW_BUSY_WAIT_NS, WAIT_OTHER);
			continue;
		}
		{
			size_t n;
			int behind;
			struct sw_rec *b = take_batch(st, &n, &behind), *r;

			if (b) {
				if (st->itail)
					st->itail->next = b;
				else
					st->ihead = b;
				for (r = b; r->next; r = r->next)
					st->ibytes += r->len;
				st->ibytes += r->len;
				st->itail = r;
				st->ilen += n;
				st->unsent = b;
				st->idle_ns = SW_IDLE_WAIT_NS;
				continue;
			}
			if (behind) {
				/* The spooler signals when it is done. */
				if (past_deadline(st))
					break;
				wait_ns(st, SW_BUSY_WAIT_NS, WAIT_OTHER);
				continue;
			}
		}
		if (stopping(st) && !st->ihead)
			break;
		if (past_deadline(st))
			break; /* in flight, unconfirmed: counted at close */
		if (st->ihead) {
			/* Until the oldest is held long enough, or a half
			 * batch comes. */
			uint64_t ns = SW_BUSY_WAIT_NS;

			if (s->tune.confirm == SW_CONFIRM_HOLD &&
			    !s->tune.stalled && st->ihead->sent_ns) {
				uint64_t due =
					st->ihead->sent_ns + s->tune.hold_ns;

				ns = due > now ? due - now : 0;
				if (ns > SW_IDLE_MAX_NS)
					ns = SW_IDLE_MAX_NS;
			}
			wait_ns(st, ns, WAIT_RECORDS);
		} else {
			wait_ns(st, st->idle_ns,
				st->idle_ns > SW_IDLE_WAIT_NS ? WAIT_IDLE :
								WAIT_RECORDS);
			st->idle_ns = st->idle_ns * 2 < SW_IDLE_MAX_NS ?
					      st->idle_ns * 2 :
					      SW_IDLE_MAX_NS;
		}
	}
	return NULL;
}

/* Writes handed-off queues to the spool, oldest first. */
static void *spooler_main(void *arg)
{
	struct sw_sink_state *st = arg;
	struct sw_rec *chain;

	pthread_mutex_lock(&st->lock);
	for (;;) {
		while (!st->hhead && !st->spooler_stop &&
		       !arena_wants(&st->arena))
			pthread_cond_wait(&st->spool_cond, &st->lock);
		if (!st->hhead && st->spooler_stop)
			break;
		if (!st->hhead) {
			pthread_mutex_unlock(&st->lock);
			arena_prepare(&st->arena);
			pthread_mutex_lock(&st->lock);
			continue;
		}
		chain = st->hhead;
		st->slen = st->hlen;
		st->sbytes = st->hbytes;
		st->hhead = st->htail = NULL;
		st->hlen = st->hbytes = 0;
		pthread_mutex_unlock(&st->lock);
		spool_chain(st, chain);
		pthread_mutex_lock(&st->lock);
		st->slen = st->sbytes = 0;
		if (st->writer_waiting)
			pthread_cond_signal(&st->cond);
	}
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

/* Stop the spooler: what it has not written yet is dropped at shutdown
 * (counted by spool_chain or by drop_all). */
static void spooler_join(struct sw_sink_state *st)
{
	if (!st->spooler_started)
		return;
	__atomic_store_n(&st->spool_abort, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&st->lock);
	st->spooler_stop = 1;
	pthread_cond_signal(&st->spool_cond);
	pthread_mutex_unlock(&st->lock);
	pthread_join(st->spooler, NULL);
	st->spooler_started = 0;
}

/* ---- the set ---- */

static const struct sw_sink_ops *const backends[] = {
	&sw_sink_file_ops,	 &sw_sink_syslog_udp_ops,
	&sw_sink_syslog_tcp_ops, &sw_sink_syslog_tls_ops,
	&sw_sink_http_ops,	 &sw_sink_kafka_ops,
};

struct sw_sinks *sw_sinks_new(void)
{
	return calloc(1, sizeof(struct sw_sinks));
}

int sw_sinks_count(const struct sw_sinks *set)
{
	return set->n;
}

static void sink_free(struct sw_sink *s)
{
	struct sw_sink_state *st;

	if (!s)
		return;
	st = s->st;
	if (s->ops && s->priv)
		s->ops->cleanup_op(s);
	if (st) {
		spooler_join(st);
		free_chain(st->qhead);
		free_chain(st->hhead);
		free_chain(st->ihead);
		spool_destroy(&st->spool);
		arena_destroy(&st->arena);
		pthread_mutex_destroy(&st->lock);
		pthread_cond_destroy(&st->cond);
		pthread_cond_destroy(&st->space);
		pthread_cond_destroy(&st->spool_cond);
		sw_uri_free(&st->uri);
		free(st);
	}
	free(s->name);
	free(s);
}

static int generic_opts(struct sw_sink_state *st, const char *uri, char *errbuf)
{
	struct sw_uri *u = &st->uri;
	const char *v;
	uint64_t x;

#define GET_SIZE(opt, field)                                               \
	do {                                                               \
		if ((v = sw_uri_opt(u, opt, NULL))) {                      \
			if (sw_parse_size(v, &x) || !x) {                  \
				snprintf(errbuf, SW_SINK_ERRBUF,           \
					 "--output %s: %s=%s: expected a " \
					 "positive size (k, m, g)",        \
					 uri, opt, v);                     \
				return -EINVAL;                            \
			}                                                  \
			field = x;                                         \
		}                                                          \
	} while (0)
#define GET_MS(opt, field)                                               \
	do {                                                             \
		if ((v = sw_uri_opt(u, opt, NULL))) {                    \
			if (sw_parse_uint(v, 86400000, &x)) {            \
				snprintf(errbuf, SW_SINK_ERRBUF,         \
					 "--output %s: %s=%s: expected " \
					 "milliseconds",                 \
					 uri, opt, v);                   \
				return -EINVAL;                          \
			}                                                \
			field = x * 1000000ull;                          \
		}                                                        \
	} while (0)
	GET_SIZE("queue", st->queue_max);
	GET_SIZE("queue_bytes", st->queue_max_bytes);
	GET_SIZE("spool_max", st->spool.max_bytes);
	GET_SIZE("batch", st->sink->tune.batch_max);
	GET_SIZE("inflight_bytes", st->sink->tune.inflight_max_bytes);
	GET_MS("backoff_min_ms", st->backoff_min_ns);
	GET_MS("backoff_max_ms", st->backoff_max_ns);
	GET_MS("hold_ms", st->sink->tune.hold_ns);
#undef GET_SIZE
#undef GET_MS
	if ((v = sw_uri_opt(u, "spool", NULL))) {
		if (strcmp(v, "off") == 0) {
			st->use_spool = 0;
		} else {
			free(st->spool.parent);
			st->spool.parent = strdup(v);
			if (!st->spool.parent)
				return -ENOMEM;
		}
	}
	if ((v = sw_uri_opt(u, "full", NULL))) {
		if (strcmp(v, "block") == 0) {
			st->sink->tune.block = 1;
		} else if (strcmp(v, "spool") == 0) {
			st->sink->tune.block = 0;
		} else {
			snprintf(errbuf, SW_SINK_ERRBUF,
				 "--output %s: full=%s: expected spool or "
				 "block",
				 uri, v);
			return -EINVAL;
		}
	}
	if (st->backoff_max_ns < st->backoff_min_ns)
		st->backoff_max_ns = st->backoff_min_ns;
	st->spool.seg_bytes = st->spool.max_bytes / 8;
	if (st->spool.seg_bytes < SW_SPOOL_SEG_MIN)
		st->spool.seg_bytes = SW_SPOOL_SEG_MIN;
	return 0;
}

int sw_sinks_add(struct sw_sinks *set, const char *uri, char *errbuf)
{
	const struct sw_sink_ops *ops = NULL;
	struct sw_sink_state *st;
	struct sw_sink *s;
	const char *tmp;
	size_t i;
	int rc, is_stdout = 0;

	if (set->n == SW_SINKS_MAX) {
		snprintf(errbuf, SW_SINK_ERRBUF,
			 "--output %s: at most %d sinks", uri, SW_SINKS_MAX);
		return -E2BIG;
	}
	s = calloc(1, sizeof(*s));
	st = calloc(1, sizeof(*st));
	if (!s || !st) {
		free(s);
		free(st);
		snprintf(errbuf, SW_SINK_ERRBUF, "--output %s: %s", uri,
			 strerror(ENOMEM));
		return -ENOMEM;
	}
	s->st = st;
	st->sink = s;
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->cond, NULL);
	pthread_cond_init(&st->space, NULL);
	pthread_cond_init(&st->spool_cond, NULL);
	pthread_mutex_init(&st->spool.lock, NULL);
	pthread_mutex_init(&st->arena.lock, NULL);
	tmp = getenv("TMPDIR");
	st->spool.parent = strdup(tmp && *tmp ? tmp : "/var/tmp");
	st->spool.max_bytes = SW_SPOOL_MAX_DEFAULT;
	st->queue_max = SW_QUEUE_MAX_DEFAULT;
	st->queue_max_bytes = SW_QUEUE_BYTES_DEFAULT;
	st->backoff_min_ns = SW_BACKOFF_MIN_NS;
	st->backoff_max_ns = SW_BACKOFF_MAX_NS;
	st->idle_ns = SW_IDLE_WAIT_NS;
	st->use_spool = 1;
	s->tune.confirm = SW_CONFIRM_SENT;
	s->tune.batch_max = 512;
	s->tune.batch_bytes = 1u << 20;
	s->tune.inflight_max_bytes = 64u << 20;
	s->tune.hold_ns = 1000000000ull;
	s->name = masked_name(uri);
	if (!s->name || !st->spool.parent) {
		rc = -ENOMEM;
		snprintf(errbuf, SW_SINK_ERRBUF, "--output %s: %s", uri,
			 strerror(ENOMEM));
		goto fail;
	}

	if (strcmp(uri, "-") == 0 || strcmp(uri, "stdout") == 0) {
		is_stdout = 1;
		ops = &sw_sink_stdout_ops;
		rc = sw_uri_parse("stdout://", "stdout", &st->uri, errbuf);
	} else {
		rc = sw_uri_parse(uri, s->name, &st->uri, errbuf);
		if (rc == 0 && strcmp(st->uri.scheme, "stdout") == 0)
			ops = &sw_sink_stdout_ops;
		for (i = 0; rc == 0 && !ops &&
			    i < sizeof(backends) / sizeof(backends[0]);
		     i++) {
			const char *sch = backends[i]->scheme;
			size_t len = strlen(sch);

			/* "http" also answers for "https" */
			if (strcmp(st->uri.scheme, sch) == 0 ||
			    (backends[i] == &sw_sink_http_ops &&
			     strcmp(st->uri.scheme, "https") == 0))
				ops = backends[i];
			(void)len;
		}
	}
	if (rc)
		goto fail;
	if (!ops) {
		snprintf(errbuf, SW_SINK_ERRBUF,
			 "--output %s: unknown scheme '%s'; expected '-', "
			 "file://, syslog+udp://, syslog+tcp://, "
			 "syslog+tls://, http://, https:// or kafka://",
			 s->name, st->uri.scheme);
		rc = -EINVAL;
		goto fail;
	}
	s->ops = ops;
	if (is_stdout || ops == &sw_sink_stdout_ops) {
		/* stdout feeds a local reader: backpressure, no spool. */
		s->tune.block = 1;
		st->use_spool = 0;
	}
	rc = generic_opts(st, s->name, errbuf);
	if (rc)
		goto fail;
	rc = ops->open_op(s, &st->uri, errbuf);
	if (rc)
		goto fail;
	for (i = 0; i < (size_t)st->uri.nopts; i++)
		if (!st->uri.opts[i].used) {
			snprintf(errbuf, SW_SINK_ERRBUF,
				 "--output %s: unknown option '%s' for %s "
				 "(see docs/sinks.md)",
				 s->name, st->uri.opts[i].name, ops->scheme);
			rc = -EINVAL;
			goto fail;
		}
	set->sinks[set->n++] = s;
	return 0;
fail:
	sink_free(s);
	return rc;
}

int sw_sinks_start(struct sw_sinks *set)
{
	int i, rc;

	for (i = 0; i < set->n; i++) {
		struct sw_sink_state *st = set->sinks[i]->st;

		if (st->use_spool) {
			rc = pthread_create(&st->spooler, NULL, spooler_main,
					    st);
			if (rc) {
				fprintf(stderr,
					"scrapewatch: sink %s: spooler thread: "
					"%s\n",
					set->sinks[i]->name, strerror(rc));
				return -rc;
			}
			st->spooler_started = 1;
		}
		rc = pthread_create(&st->thread, NULL, writer_main, st);
		if (rc) {
			fprintf(stderr,
				"scrapewatch: sink %s: writer thread: %s\n",
				set->sinks[i]->name, strerror(rc));
			return -rc;
		}
		st->started = 1;
	}
	set->started = 1;
	return 0;
}

static struct sw_rec *rec_new(struct sw_sink_state *st, const char *line,
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

static int sink_enqueue(struct sw_sink *s, struct sw_rec *r)
{
	struct sw_sink_state *st = s->st;

	pthread_mutex_lock(&st->lock);
	add_ctr(&st->c.enqueued, 1);
	while (s->tune.block && !st->fatal &&
	       (st->qlen >= st->queue_max ||
		st->qbytes + r->len > st->queue_max_bytes) &&
	       st->qhead) {
		st->producer_waiting = 1;
		pthread_cond_signal(&st->cond);
		pthread_cond_wait(&st->space, &st->lock);
		st->producer_waiting = 0;
	}
	if (st->fatal) {
		add_ctr(&st->c.dropped[SW_DROP_CLOSED], 1);
		rec_free(r);
		r = NULL;
	} else if (st->qhead && (st->qlen >= st->queue_max ||
				 st->qbytes + r->len > st->queue_max_bytes)) {
		/* This record starts a new queue behind the old one:
		 * order is kept, nothing is written here. */
		if (!handoff_locked(st)) {
			/* No spool, or the spool does not keep up. */
			add_ctr(&st->c.dropped[SW_DROP_QUEUE_FULL], 1);
			rec_free(r);
			r = NULL;
		}
	}
	/* The arena moved to a new chunk: the spooler readies the next. */
	if (st->spooler_started && arena_wants(&st->arena))
		pthread_cond_signal(&st->spool_cond);
	if (r) {
		if (st->qtail)
			st->qtail->next = r;
		else
			st->qhead = r;
		st->qtail = r;
		st->qlen++;
		st->qbytes += r->len;
		max_ctr(&st->c.queue_depth_max, st->qlen);
	}
	/* Wake a busy writer for a batch, not for each record (it looks
	 * again every SW_IDLE_WAIT_NS anyway); a sleeping one at once. */
	if (st->writer_waiting == WAIT_IDLE ||
	    (st->writer_waiting == WAIT_RECORDS &&
	     st->qlen >= s->tune.batch_max / 2)) {
		st->writer_waiting = WAIT_NONE;
		pthread_cond_signal(&st->cond);
	}
	pthread_mutex_unlock(&st->lock);
	return 0;
}

int sw_sinks_emit(struct sw_sinks *set, const char *line, size_t len,
		  const struct sw_rec_meta *m)
{
	int i, rc = 0;

	for (i = 0; i < set->n; i++) {
		struct sw_rec *r = rec_new(set->sinks[i]->st, line, len, m);

		if (!r) {
			rc = -ENOMEM;
			continue;
		}
		sink_enqueue(set->sinks[i], r);
	}
	return rc;
}

void sw_sinks_drain(struct sw_sinks *set, unsigned timeout_ms)
{
	uint64_t deadline = sw_now_ns() + timeout_ms * 1000000ull;
	int i;

	if (!set->started)
		return;
	for (i = 0; i < set->n; i++) {
		struct sw_sink_state *st = set->sinks[i]->st;

		while (!st->fatal && !nothing_pending(st) &&
		       sw_now_ns() < deadline) {
			pthread_mutex_lock(&st->lock);
			if (st->writer_waiting == WAIT_RECORDS ||
			    st->writer_waiting == WAIT_IDLE)
				pthread_cond_signal(&st->cond);
			pthread_mutex_unlock(&st->lock);
			usleep(2000);
		}
	}
}

uint64_t sw_sinks_close(struct sw_sinks *set, unsigned timeout_ms)
{
	uint64_t deadline = sw_now_ns() + timeout_ms * 1000000ull;
	uint64_t lost_all = 0;
	int i;

	for (i = 0; i < set->n; i++) {
		struct sw_sink_state *st = set->sinks[i]->st;

		pthread_mutex_lock(&st->lock);
		__atomic_store_n(&st->deadline_ns, deadline, __ATOMIC_RELAXED);
		__atomic_store_n(&st->stop, 1, __ATOMIC_RELEASE);
		pthread_cond_signal(&st->cond);
		pthread_mutex_unlock(&st->lock);
	}
	for (i = 0; i < set->n; i++) {
		struct sw_sink *s = set->sinks[i];
		struct sw_sink_state *st = s->st;
		uint64_t before, lost;
		int r;

		if (st->started) {
			pthread_join(st->thread, NULL);
			st->started = 0;
		}
		spooler_join(st);
		before = 0;
		for (r = 0; r < SW_DROP_MAX; r++)
			before += get_ctr(&st->c.dropped[r]);
		/* Disconnect first: a backend may still point at records. */
		if (st->up) {
			s->ops->disconnect_op(s);
			st->up = 0;
		}
		drop_all(st, SW_DROP_SHUTDOWN);
		lost = 0;
		for (r = 0; r < SW_DROP_MAX; r++)
			lost += get_ctr(&st->c.dropped[r]);
		/* Counted as closed in the stats record, but not said. */
		if (lost && !(st->fatal && reader_gone(st, st->fatal_err)))
			fprintf(stderr,
				"scrapewatch: sink %s: %llu records not "
				"delivered (%llu at shutdown); see "
				"scrapewatch.stats sinks[].dropped\n",
				s->name, (unsigned long long)lost,
				(unsigned long long)(lost - before));
		lost_all += lost;
	}
	set->started = 0;
	return lost_all;
}

int sw_sinks_fatal_error(struct sw_sinks *set)
{
	int i;

	for (i = 0; i < set->n; i++)
		if (set->sinks[i]->st->fatal)
			return set->sinks[i]->st->fatal_err;
	return 0;
}

int sw_sinks_reader_gone(struct sw_sinks *set)
{
	int i;

	for (i = 0; i < set->n; i++) {
		struct sw_sink_state *st = set->sinks[i]->st;

		if (!(__atomic_load_n(&st->fatal, __ATOMIC_RELAXED) &&
		      reader_gone(st, st->fatal_err)))
			return 0;
	}
	return set->n > 0;
}

void sw_sinks_add_stats(struct sw_sinks *set, cJSON *obj)
{
	cJSON *arr = cJSON_AddArrayToObject(obj, "sinks");
	int i, r;

	if (!arr)
		return;
	for (i = 0; i < set->n; i++) {
		struct sw_sink *s = set->sinks[i];
		struct sw_sink_state *st = s->st;
		cJSON *o = cJSON_CreateObject(), *d;
		uint64_t qlen, spool_bytes, spool_recs;

		if (!o)
			return;
		cJSON_AddItemToArray(arr, o);
		pthread_mutex_lock(&st->lock);
		qlen = st->qlen + st->hlen + st->slen;
		pthread_mutex_unlock(&st->lock);
		pthread_mutex_lock(&st->spool.lock);
		spool_bytes = st->spool.disk_bytes;
		spool_recs = st->spool.pending;
		pthread_mutex_unlock(&st->spool.lock);
		cJSON_AddStringToObject(o, "uri", s->name);
		cJSON_AddStringToObject(o, "type", s->ops->scheme);
		cJSON_AddStringToObject(o, "state",
					st->fatal ? "failed" :
					st->up	  ? "up" :
						    "down");
		sw_json_add_count(o, "enqueued", get_ctr(&st->c.enqueued));
		sw_json_add_count(o, "delivered", get_ctr(&st->c.delivered));
		sw_json_add_count(o, "resent", get_ctr(&st->c.resent));
		sw_json_add_count(o, "spooled", get_ctr(&st->c.spooled));
		sw_json_add_count(o, "errors", get_ctr(&st->c.errors));
		sw_json_add_count(o, "reconnects", get_ctr(&st->c.reconnects));
		sw_json_add_count(o, "queue_depth", qlen);
		sw_json_add_count(o, "queue_depth_max",
				  get_ctr(&st->c.queue_depth_max));
		sw_json_add_count(o, "in_flight", st->ilen);
		sw_json_add_count(o, "spool_records", spool_recs);
		sw_json_add_count(o, "spool_bytes", spool_bytes);
		sw_json_add_count(o, "spool_bytes_max",
				  get_ctr(&st->c.spool_bytes_max));
		d = cJSON_AddObjectToObject(o, "dropped");
		for (r = 0; r < SW_DROP_MAX; r++)
			sw_json_add_count(d, drop_names[r],
					  get_ctr(&st->c.dropped[r]));
	}
}

void sw_sinks_free(struct sw_sinks *set)
{
	int i;

	if (!set)
		return;
	if (set->started)
		sw_sinks_close(set, 0);
	for (i = 0; i < set->n; i++)
		sink_free(set->sinks[i]);
	free(set);
}

void sw_sinks_request_reopen(void)
{
	reopen_generation++;
}
