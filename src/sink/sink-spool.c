// SPDX-License-Identifier: BSD-2-Clause
/*
 * The spool: a chain of segment files under a private directory, written
 * by the spooler thread with the queues handed off while the peer is down
 * or slow, read back by the writer (oldest first). At its cap the oldest
 * segment is deleted and its records are counted as spool_full. Its lock
 * is held across disk I/O; the sink's lock is taken first when both are.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "sink/sink-int.h"

static int spool_mkdir(struct spool *sp, const char *name)
{
	char tmpl[4096];

	snprintf(tmpl, sizeof(tmpl), "%s/scrapewatch-spool-XXXXXX", sp->parent);
	if (!mkdtemp(tmpl)) {
		int err = -errno;

		if (!sp->error_logged++)
			sw_log(SW_LOG_ERROR,
			       "sink %s: spool directory in %s: %s", name,
			       sp->parent, strerror(-err));
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
	/* O_APPEND: sw_spool_read truncates an emptied tail segment to reuse
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
void sw_spool_chain(struct sw_sink_state *st, struct sw_rec *r)
{
	struct spool *sp = &st->spool;
	struct sw_rec *next;
	int rc;

	pthread_mutex_lock(&sp->lock);
	for (; r; r = next) {
		next = r->next;
		if (__atomic_load_n(&st->spool_abort, __ATOMIC_RELAXED)) {
			add_ctr(&st->c.dropped[SW_DROP_SHUTDOWN], 1);
			sw_rec_free(r);
			continue;
		}
		rc = spool_append(st, r);
		if (rc) {
			if (!sp->error_logged++)
				sw_log(SW_LOG_ERROR,
				       "sink %s: spool %s: %s; records are dropped",
				       st->sink->name,
				       sp->dir ? sp->dir : sp->parent,
				       strerror(-rc));
			add_ctr(&st->c.dropped[SW_DROP_SPOOL_ERROR], 1);
		} else {
			add_ctr(&st->c.spooled, 1);
		}
		sw_rec_free(r);
	}
	pthread_mutex_unlock(&sp->lock);
}

/* Read up to max records back from the spool, in order. */
struct sw_rec *sw_spool_read(struct sw_sink_state *st, size_t max,
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

			/* The on-disk header spans len to ts. */
			memcpy((unsigned char *)&hdr +
				       offsetof(struct sw_rec, len),
			       buf + off, SW_REC_DISK_HDR);
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

uint64_t sw_spool_pending(struct spool *sp)
{
	uint64_t n;

	pthread_mutex_lock(&sp->lock);
	n = sp->pending;
	pthread_mutex_unlock(&sp->lock);
	return n;
}

/* Delete everything spooled; returns how many records it held. */
uint64_t sw_spool_discard(struct spool *sp)
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

void sw_spool_destroy(struct spool *sp)
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
