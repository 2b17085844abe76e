// SPDX-License-Identifier: BSD-2-Clause
/*
 * Offline capture: pcap and pcapng, micro- and nanosecond timestamps, from
 * a file or "-" for stdin. Timestamps are read at nanosecond precision
 * whatever the file holds. Errors name the file, the byte offset where the
 * bad record (pcap) or block (pcapng) starts, and the reason.
 *
 * A regular file is read in large pieces into one buffer and its records
 * walked in place there (pcap-walk.c): one copy, the kernel's, where
 * stdio and libpcap made two. (Mapping the file was tried first: on a
 * virtual machine the page faults and first touches of a sequential pass
 * cost 4-5 times the CPU of pread into a buffer that stays in cache.)
 * libpcap reads what is not a regular file (stdin, pipes, <(...)), and
 * the files the walker leaves to it (sw_pcap_walk_open says which: bad
 * headers, so the message is libpcap's, old pcap versions, link types
 * whose pseudo-headers libpcap rewrites). SW_PCAP_READER=libpcap in the
 * environment makes libpcap read everything (to compare the two).
 */
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "capture.h"
#include "decode/decode.h"
#include "pcap-walk.h"

struct pcap_file_priv {
	pcap_t *pcap;
	FILE *fp;
	const char *path;
	int linktype;
	uint64_t size; /* 0 for pipes */
	uint64_t good_offset; /* end of the last record read whole */
	int is_pcapng; /* offsets known only where libpcap stopped */
	uint32_t since_tell; /* records read since good_offset was updated */
	/* pcapng: a block boundary (ftello after a record) and the records
	 * read since, from which a failure's block is found again. */
	uint64_t ckpt;
	uint64_t ckpt_records;
	/* A stream that cannot seek back (stdin, a pipe): read through
	 * fopencookie, the magic we peeked replayed ahead of it. */
	FILE *src;
	uint8_t peek[4];
	size_t peek_len;
	size_t peek_pos;
	/* When the walker reads the file: the window it walks. */
	int walking;
	uint8_t *buf;
	size_t cap;
	struct sw_pcap_walk walk;
};

/* The window: small enough to stay in a core's L2 cache, where the
 * pipeline then reads the frames; grown for a larger record or block. */
#define WINDOW (256u << 10)

static const uint32_t known_magic[] = {
	0xa1b2c3d4, 0xd4c3b2a1, /* pcap, microseconds */
	0xa1b23c4d, 0x4d3cb2a1, /* pcap, nanoseconds */
	0x0a0d0d0a, /* pcapng section header (palindromic) */
};

static int magic_known(const uint8_t m[4])
{
	uint32_t v = ((uint32_t)m[0] << 24) | ((uint32_t)m[1] << 16) |
		     ((uint32_t)m[2] << 8) | m[3];
	size_t i;

	for (i = 0; i < sizeof(known_magic) / sizeof(known_magic[0]); i++)
		if (known_magic[i] == v)
			return 1;
	return 0;
}

static void describe_magic(char *errbuf, const char *path, const uint8_t *m,
			   size_t n)
{
	if (n == 0)
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "%s: not a pcap/pcapng file (empty file)", path);
	else if (n < 4)
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "%s: not a pcap/pcapng file (only %zu bytes)", path,
			 n);
	else
		snprintf(
			errbuf, SW_ERRBUF_SIZE,
			"%s: not a pcap/pcapng file (magic 0x%02x%02x%02x%02x)",
			path, m[0], m[1], m[2], m[3]);
}

/*
 * Before anything runs: the file exists and starts with a known magic.
 * A stream (stdin, a named pipe, <(...)) is not opened here, since its
 * bytes can be read only once: the open sniffs it instead.
 */
int sw_capture_pcap_file_probe(const char *path, char *errbuf)
{
	struct stat st;
	uint8_t m[4];
	size_t n;
	FILE *fp;

	if (strcmp(path, "-") == 0)
		return 0;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "%s: is a directory, not a pcap/pcapng file", path);
		return -1;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return 0;
	fp = fopen(path, "rb");
	if (!fp) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "%s: %s", path,
			 strerror(errno));
		return -1;
	}
	n = fread(m, 1, sizeof(m), fp);
	fclose(fp);
	if (n < 4 || !magic_known(m)) {
		describe_magic(errbuf, path, m, n);
		return -1;
	}
	return 0;
}

/*
 * fopencookie hooks for a stream that cannot seek back (stdin, a named
 * pipe, <(...)): the peeked magic first, then the rest of the one open
 * stream.
 */
static ssize_t stream_read(void *cookie, char *buf, size_t size)
{
	struct pcap_file_priv *p = cookie;

	if (p->peek_pos < p->peek_len) {
		size_t n = p->peek_len - p->peek_pos;

		if (n > size)
			n = size;
		memcpy(buf, p->peek + p->peek_pos, n);
		p->peek_pos += n;
		return (ssize_t)n;
	}
	return (ssize_t)fread(buf, 1, size, p->src);
}

static int stream_close(void *cookie)
{
	struct pcap_file_priv *p = cookie;

	if (p->src != stdin)
		fclose(p->src);
	p->src = NULL;
	return 0;
}

/* libpcap hands out DLT_ values; the decoder wants LINKTYPE_ numbers. They
 * differ only for raw IP, whose DLT_RAW is 12 (14 on some BSDs). */
static int linktype_from_dlt(int dlt)
{
	return dlt == DLT_RAW ? SW_LINKTYPE_RAW : dlt;
}

/* len bytes of fd from pos into b, fewer only at the end of the file
 * (*eof set). -1 with errno on a read error. */
static ssize_t fill(int fd, uint8_t *b, size_t len, uint64_t pos, int *eof)
{
	size_t got = 0;
	ssize_t r;

	*eof = 0;
	while (got < len) {
		r = pread(fd, b + got, len - got, (off_t)(pos + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0) {
			*eof = 1;
			break;
		}
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/*
 * Start walking a regular file. 1: the walker reads it; 0: libpcap reads
 * it from fp, as before (fp's position is untouched: pread).
 */
static int try_walk(struct pcap_file_priv *p)
{
	const char *force = getenv("SW_PCAP_READER");
	int fd = fileno(p->fp), eof;
	ssize_t n;

	if (force && strcmp(force, "libpcap") == 0)
		return 0;
	p->cap = WINDOW;
	p->buf = malloc(p->cap);
	if (!p->buf)
		return 0;
	/* Read once, front to back: the kernel reads further ahead. */
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	n = fill(fd, p->buf, p->cap, 0, &eof);
	if (n < 0 || !sw_pcap_walk_open(&p->walk, p->buf, (uint64_t)n, eof)) {
		free(p->buf);
		p->buf = NULL;
		return 0;
	}
	p->walking = 1;
	return 1;
}

/*
 * Move the window on: the bytes from the next record on to the front of
 * the buffer (grown if that record is larger), the rest filled from the
 * file. 0, or -1 with errbuf filled on a read error.
 */
static int slide(struct pcap_file_priv *p, char *errbuf)
{
	struct sw_pcap_walk *w = &p->walk;
	size_t keep = (size_t)(w->size - w->off);
	uint64_t pos = w->file_off + w->size;
	ssize_t n;
	int eof;

	memmove(p->buf, p->buf + w->off, keep);
	if (w->need > p->cap) {
		size_t cap = (size_t)w->need;
		uint8_t *b = realloc(p->buf, cap);

		if (!b) {
			errno = ENOMEM;
			goto fail;
		}
		p->buf = b;
		p->cap = cap;
	}
	n = fill(fileno(p->fp), p->buf + keep, p->cap - keep, pos, &eof);
	if (n < 0)
		goto fail;
	sw_pcap_walk_refill(w, p->buf, keep + (uint64_t)n, eof);
	return 0;
fail:
	snprintf(errbuf, SW_ERRBUF_SIZE,
		 "%s: offset %llu: %s; records before it were processed",
		 p->path, (unsigned long long)(w->file_off + w->off),
		 strerror(errno));
	return -1;
}

static int pcap_file_open(struct sw_capture *c, const char *path, char *errbuf)
{
	char pcap_err[PCAP_ERRBUF_SIZE];
	struct pcap_file_priv *p;
	struct stat st;
	int err;

	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "%s: %s", path,
			 strerror(errno));
		return -ENOMEM;
	}
	p->path = path;
	/* One open of the input: the magic is sniffed from the stream that
	 * is then read, so a pipe gives its bytes once. */
	p->src = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!p->src) {
		err = -errno;
		snprintf(errbuf, SW_ERRBUF_SIZE, "%s: %s", path,
			 strerror(errno));
		goto fail;
	}
	if (fstat(fileno(p->src), &st) == 0 && S_ISREG(st.st_mode))
		p->size = (uint64_t)st.st_size;
	p->peek_len = fread(p->peek, 1, sizeof(p->peek), p->src);
	if (p->peek_len < 4 || !magic_known(p->peek)) {
		describe_magic(errbuf, path, p->peek, p->peek_len);
		err = -EINVAL;
		goto fail_src;
	}
	p->is_pcapng = p->peek[0] == 0x0a && p->peek[1] == 0x0d;
	if (p->src != stdin && p->size && fseeko(p->src, 0, SEEK_SET) == 0) {
		/* A regular file: libpcap reads it directly, and ftello
		 * gives pcapng offsets. */
		p->fp = p->src;
		p->src = NULL;
		if (try_walk(p)) {
			c->priv = p;
			return 0;
		}
	} else {
		cookie_io_functions_t io = { .read = stream_read,
					     .close = stream_close };

		p->size = 0;
		p->fp = fopencookie(p, "r", io);
		if (!p->fp) {
			err = -ENOMEM;
			snprintf(errbuf, SW_ERRBUF_SIZE, "%s: %s", path,
				 strerror(ENOMEM));
			goto fail_src;
		}
	}
	p->pcap = pcap_fopen_offline_with_tstamp_precision(
		p->fp, PCAP_TSTAMP_PRECISION_NANO, pcap_err);
	if (!p->pcap) {
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "%s: not a readable pcap/pcapng file: %s", path,
			 pcap_err);
		fclose(p->fp);
		err = -EINVAL;
		goto fail;
	}
	/* pcap_close() now owns and closes fp. */
	p->linktype = linktype_from_dlt(pcap_datalink(p->pcap));
	/* Classic pcap: a 24-byte file header, then records of 16 + caplen
	 * bytes, so offsets are counted, not asked of the kernel (ftello
	 * costs an lseek per call). */
	p->good_offset = p->is_pcapng ? 0 : 24;
	c->priv = p;
	return 0;
fail_src:
	if (p->src && p->src != stdin)
		fclose(p->src);
fail:
	free(p);
	return err;
}

static uint32_t rd32(const uint8_t *b, int big)
{
	return big ? (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
			       (uint32_t)b[2] << 8 | b[3] :
		     (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 |
			       (uint32_t)b[1] << 8 | b[0];
}

/*
 * Where the pcapng block libpcap failed on starts, as classic pcap reports
 * the start of its bad record: walk the block headers again from the last
 * checkpoint, past the records read since, to the first block that is
 * malformed or reaches where libpcap stopped (stop). Regular files only;
 * stop itself if the file cannot be read again.
 */
static uint64_t pcapng_bad_block(const struct pcap_file_priv *p, uint64_t stop)
{
	uint64_t off = p->ckpt, records = p->ckpt_records;
	uint8_t h[12];
	uint32_t type, len;
	int big = 0;
	FILE *fp = fopen(p->path, "rb");

	if (!fp)
		return stop;
	/* The byte order of the section the checkpoint is in. */
	if (fread(h, 1, 12, fp) == 12)
		big = rd32(h + 8, 0) != 0x1a2b3c4d;
	while (off < p->size) {
		if (fseeko(fp, (off_t)off, SEEK_SET) || fread(h, 1, 12, fp) < 8)
			break;
		type = rd32(h, big);
		if (type == 0x0a0d0d0a) /* a new section: its byte order */
			big = rd32(h + 8, 0) != 0x1a2b3c4d;
		len = rd32(h + 4, big);
		if (len < 12 || len % 4 || len > p->size - off)
			break;
		if (!records && off + len >= stop)
			break;
		/* Enhanced, simple and obsolete packet blocks are records. */
		if (records && (type == 6 || type == 3 || type == 2))
			records--;
		off += len;
	}
	fclose(fp);
	return off;
}

static int pcap_file_read(struct sw_capture *c, struct sw_frame *f,
			  char *errbuf)
{
	struct pcap_file_priv *p = c->priv;
	struct pcap_pkthdr *hdr;
	const u_char *data;
	int rc;

	if (p->walking) {
		while ((rc = sw_pcap_walk_next(&p->walk, f)) ==
		       SW_PCAP_WALK_MORE)
			if (slide(p, errbuf))
				return -EIO;
		if (rc >= 0)
			return rc;
		snprintf(
			errbuf, SW_ERRBUF_SIZE,
			"%s: offset %llu: %s; records before it were processed",
			p->path, (unsigned long long)p->walk.err_off,
			p->walk.reason);
		return -EIO;
	}
	rc = pcap_next_ex(p->pcap, &hdr, &data);
	if (rc == 1) {
		f->data = data;
		f->caplen = hdr->caplen;
		f->wirelen = hdr->len;
		/* Classic pcap's seconds are an unsigned 32-bit field
		 * (good to 2106), which libpcap sign-extends: past
		 * 2038-01-19 that made year 2486. pcapng's 64-bit stamps
		 * come through time_t whole. */
		f->ts_ns = (p->is_pcapng ? (uint64_t)hdr->ts.tv_sec :
					   (uint64_t)(uint32_t)hdr->ts.tv_sec) *
				   1000000000ULL +
			   (uint64_t)hdr->ts.tv_usec;
		f->linktype = p->linktype;
		if (!p->is_pcapng) {
			p->good_offset += 16 + (uint64_t)hdr->caplen;
		} else if (++p->since_tell >= 4096 && p->size) {
			p->since_tell = 0;
			p->good_offset = (uint64_t)ftello(p->fp);
			p->ckpt = p->good_offset;
			p->ckpt_records = 0;
		} else {
			p->ckpt_records++;
		}
		return 1;
	}
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (p->is_pcapng && !p->size) {
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "%s: reading stopped (a stream: no offset): %s; "
			 "records before it were processed",
			 p->path, pcap_geterr(p->pcap));
	} else if (p->is_pcapng) {
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "%s: offset %llu: %s; records before it were "
			 "processed",
			 p->path,
			 (unsigned long long)pcapng_bad_block(
				 p, (uint64_t)ftello(p->fp)),
			 pcap_geterr(p->pcap));
	} else {
		snprintf(
			errbuf, SW_ERRBUF_SIZE,
			"%s: offset %llu: %s; records before it were processed",
			p->path, (unsigned long long)p->good_offset,
			pcap_geterr(p->pcap));
	}
	return -EIO;
}

static void pcap_file_progress(struct sw_capture *c,
			       struct sw_capture_progress *pr)
{
	struct pcap_file_priv *p = c->priv;

	if (p->walking) {
		pr->bytes_done = p->walk.file_off + p->walk.off;
		pr->bytes_total = p->size;
		return;
	}
	if (p->is_pcapng && p->size && p->since_tell)
		p->good_offset = (uint64_t)ftello(p->fp);
	pr->bytes_done = p->good_offset;
	pr->bytes_total = p->size;
}

static void pcap_file_cleanup(struct sw_capture *c)
{
	struct pcap_file_priv *p = c->priv;

	if (!p)
		return;
	if (p->walking) {
		sw_pcap_walk_close(&p->walk);
		free(p->buf);
		fclose(p->fp);
	} else {
		pcap_close(p->pcap);
	}
	free(p);
	c->priv = NULL;
}

const struct sw_capture_ops sw_capture_pcap_file_ops = {
	.name = "pcap-file",
	.open_op = pcap_file_open,
	.read_op = pcap_file_read,
	.progress_op = pcap_file_progress,
	.cleanup_op = pcap_file_cleanup,
};
