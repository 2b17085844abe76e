// SPDX-License-Identifier: BSD-2-Clause
/*
 * Walk of pcap and pcapng records in memory, in place (see pcap-walk.h).
 * The checks, their order and the values handed out follow libpcap 1.10's
 * savefile readers, so a file reads the same frames either way and stops
 * at the same record; the reasons keep libpcap's wording where a test or a
 * user may know it ("truncated dump file; ..."). Every length is checked
 * against what is left of the memory before it is used: the input may be
 * any bytes at all (tests/fuzz/fuzz_pcap_walk.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap-walk.h"

#define PCAP_HDR_LEN 24
#define PCAP_REC_HDR 16
#define NG_SHB 0x0a0d0d0aU
#define NG_IDB 1
#define NG_PB 2 /* obsolete packet block */
#define NG_SPB 3
#define NG_EPB 6
#define NG_BOM 0x1a2b3c4dU
#define NG_BLOCK_MAX (16U * 1024 * 1024) /* libpcap's limit for a block */
#define NG_SHB_MAX (1024U * 1024) /* and for the first section header */
#define NSEC 1000000000ULL

enum sw_ts_scale { SW_TS_PASS, SW_TS_MUL, SW_TS_DIV, SW_TS_BIN };

/* The largest frame libpcap accepts for a link type (max_snaplen_for_dlt);
 * a snap length of 0 or above it means this. */
static uint32_t snap_max(int linktype)
{
	switch (linktype) {
	case 231: /* D-Bus */
		return 128U * 1024 * 1024;
	case 279: /* EBHSCR */
		return 8U * 1024 * 1024;
	case 249: /* USBPcap */
		return 1024U * 1024;
	default:
		return 262144;
	}
}

static uint32_t snap_adjust(int linktype, uint32_t snaplen)
{
	uint32_t max = snap_max(linktype);

	return snaplen == 0 || snaplen > max ? max : snaplen;
}

/*
 * A file's LINKTYPE_ value as libpcap hands it to us, and the capture
 * source turns it back (source-pcap-file.c): the few values below 104
 * that libpcap maps to other DLT_ numbers, and 12, which libpcap takes for
 * Linux's DLT_RAW, read as raw IP.
 */
static int linktype_of(uint32_t lt)
{
	switch (lt) {
	case 100:
		return 11;
	case 12:
	case 101:
		return 101;
	case 102:
		return 15;
	case 103:
		return 16;
	default:
		return (int)lt;
	}
}

static inline uint32_t get32(const uint8_t *p, int big)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return big ? v : __builtin_bswap32(v);
#else
	return big ? __builtin_bswap32(v) : v;
#endif
}

static inline uint16_t get16(const uint8_t *p, int big)
{
	return big ? (uint16_t)(p[0] << 8 | p[1]) :
		     (uint16_t)(p[1] << 8 | p[0]);
}

static inline int host_big(void)
{
	return __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
}

__attribute__((format(printf, 3, 4))) static int
fail(struct sw_pcap_walk *w, uint64_t at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->reason, sizeof(w->reason), fmt, ap);
	va_end(ap);
	w->err_off = w->file_off + at;
	w->off = w->size; /* the walk is over */
	w->eof = 1;
	return -1;
}

/* The window ends before what is needed from w->off: more of the file
 * must be read first (never at the end of the file). */
static int more(struct sw_pcap_walk *w, uint64_t need)
{
	w->need = need;
	return SW_PCAP_WALK_MORE;
}

/* ---- classic pcap ---- */

static int pcap_open(struct sw_pcap_walk *w)
{
	const uint8_t *h = w->base;
	uint32_t magic, lt;

	if (w->size < PCAP_HDR_LEN)
		return 0;
	memcpy(&magic, h, 4);
	if (host_big())
		magic = __builtin_bswap32(magic);
	/* The magic as little-endian: written by a little-endian machine. */
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		w->big = 0;
	else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		w->big = 1;
	else
		return 0;
	w->nsec = magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
	/* Versions before 2.4 may have caplen and len swapped. */
	if (get16(h + 4, w->big) != 2 || get16(h + 6, w->big) != 4)
		return 0;
	lt = get32(h + 20, w->big);
	/* Upper bits: FCS length and the like, left to libpcap. USB and
	 * NFLOG pseudo-headers, and (in a file of the other byte order)
	 * Linux cooked CAN headers, are rewritten in place by libpcap. */
	if (lt >> 16 || lt == 189 || lt == 220 || lt == 239 ||
	    (w->big != host_big() && (lt == 113 || lt == 276)))
		return 0;
	w->linktype = linktype_of(lt);
	w->snap = snap_adjust(w->linktype, get32(h + 16, w->big));
	w->off = PCAP_HDR_LEN;
	return 1;
}

/* A record longer than the snap length: cut to it, as libpcap does, unless
 * it is longer than any frame can be or the file ends inside it. */
static int pcap_long_record(struct sw_pcap_walk *w, uint32_t caplen,
			    uint64_t avail)
{
	if (caplen > snap_max(w->linktype))
		return fail(w, w->off,
			    "invalid packet capture length %u, bigger than "
			    "snaplen of %u",
			    caplen, w->snap);
	if (avail < w->snap)
		return fail(w, w->off,
			    "truncated dump file; tried to read %u captured "
			    "bytes, only got %llu",
			    w->snap, (unsigned long long)avail);
	if (avail < caplen)
		return fail(w, w->off,
			    "truncated dump file; tried to read %u captured "
			    "bytes, only got %llu",
			    caplen, (unsigned long long)avail);
	return 0;
}

static int pcap_next_rec(struct sw_pcap_walk *w, struct sw_frame *f)
{
	uint64_t left = w->size - w->off;
	const uint8_t *h = w->base + w->off;
	uint32_t caplen, frac;

	if (left < PCAP_REC_HDR) {
		if (!w->eof)
			return more(w, PCAP_REC_HDR);
		if (!left)
			return 0;
		return fail(w, w->off,
			    "truncated dump file; tried to read %u header "
			    "bytes, only got %llu",
			    PCAP_REC_HDR, (unsigned long long)left);
	}
	caplen = get32(h + 8, w->big);
	if (caplen > left - PCAP_REC_HDR && !w->eof &&
	    caplen <= snap_max(w->linktype))
		return more(w, PCAP_REC_HDR + (uint64_t)caplen);
	if (caplen > w->snap) {
		if (pcap_long_record(w, caplen, left - PCAP_REC_HDR))
			return -1;
		f->caplen = w->snap;
	} else {
		if (caplen > left - PCAP_REC_HDR)
			return fail(w, w->off,
				    "truncated dump file; tried to read %u "
				    "captured bytes, only got %llu",
				    caplen,
				    (unsigned long long)(left - PCAP_REC_HDR));
		f->caplen = caplen;
	}
	frac = get32(h + 4, w->big);
	f->data = h + PCAP_REC_HDR;
	f->wirelen = get32(h + 12, w->big);
	/* libpcap reads the fraction as a signed 32-bit field. */
	f->ts_ns = (uint64_t)get32(h, w->big) * NSEC +
		   (uint64_t)((int64_t)(int32_t)frac * (w->nsec ? 1 : 1000));
	f->linktype = w->linktype;
	w->off += PCAP_REC_HDR + (uint64_t)caplen;
	return 1;
}

/* ---- pcapng ---- */

struct ng_block {
	const uint8_t *body; /* after type and length */
	uint32_t type, len, body_len; /* body_len: before the trailer */
};

/* The block at w->off, its lengths checked. 1, 0 at the end, or -1. */
static int ng_block(struct sw_pcap_walk *w, struct ng_block *b)
{
	uint64_t left = w->size - w->off;
	const uint8_t *h = w->base + w->off;
	uint32_t trailer;

	if (left < 12 && !w->eof)
		return more(w, 12);
	if (left < 8) {
		if (!left)
			return 0;
		return fail(w, w->off,
			    "truncated pcapng dump file; tried to read 8 "
			    "bytes, only got %llu",
			    (unsigned long long)left);
	}
	b->type = get32(h, w->big);
	/* A section header says its own byte order (libpcap insists every
	 * section keeps the first one's). */
	if (b->type == NG_SHB && left >= 12) {
		if (get32(h + 8, 0) == NG_BOM)
			w->big = 0;
		else if (get32(h + 8, 1) == NG_BOM)
			w->big = 1;
		else
			return fail(w, w->off,
				    "the file has a section with a bad byte "
				    "order magic field");
	}
	b->len = get32(h + 4, w->big);
	if (b->len < 12)
		return fail(w, w->off,
			    "block in pcapng dump file has a length of %u < 12",
			    b->len);
	if (b->len % 4)
		return fail(w, w->off,
			    "block in pcapng dump file has a length of %u that "
			    "is not a multiple of 4",
			    b->len);
	if (b->len > NG_BLOCK_MAX)
		return fail(w, w->off, "pcapng block size %u > maximum %u",
			    b->len, NG_BLOCK_MAX);
	if (b->len > left && !w->eof)
		return more(w, b->len);
	if (b->len > left)
		return fail(w, w->off,
			    "truncated pcapng dump file; tried to read %u "
			    "bytes, only got %llu",
			    b->len - 8, (unsigned long long)(left - 8));
	trailer = get32(h + b->len - 4, w->big);
	if (trailer != b->len)
		return fail(w, w->off,
			    "block total length in header %u and trailer %u "
			    "don't match",
			    b->len, trailer);
	b->body = h + 8;
	b->body_len = b->len - 12;
	return 1;
}

static int too_short(struct sw_pcap_walk *w, uint32_t type)
{
	return fail(w, w->off,
		    "block of type %u in pcapng dump file is too short", type);
}

/* if_tsresol and if_tsoffset of an interface's options. 0 or -1. */
static int ng_if_options(struct sw_pcap_walk *w, const uint8_t *o,
			 uint32_t left, struct sw_pcapng_if *ifc, int *binary)
{
	int seen_res = 0, seen_off = 0;
	uint32_t code, olen, padded, i;
	uint8_t v;

	while (left) {
		if (left < 4)
			return too_short(w, NG_IDB);
		code = get16(o, w->big);
		olen = get16(o + 2, w->big);
		padded = (olen + 3) & ~3U;
		if (left - 4 < padded)
			return too_short(w, NG_IDB);
		if (code == 0) { /* opt_endofopt */
			if (olen)
				return fail(w, w->off,
					    "Interface Description Block has "
					    "opt_endofopt option with length "
					    "%u != 0",
					    olen);
			break;
		} else if (code == 9) { /* if_tsresol */
			if (olen != 1 || seen_res++)
				return fail(w, w->off,
					    "Interface Description Block has a "
					    "bad if_tsresol option");
			v = o[4];
			if ((v & 0x80) && (v & 0x7f) > 63)
				return fail(
					w, w->off,
					"Interface Description Block "
					"if_tsresol option resolution 2^-%u "
					"is too high",
					v & 0x7f);
			if (!(v & 0x80) && v > 19)
				return fail(
					w, w->off,
					"Interface Description Block "
					"if_tsresol option resolution 10^-%u "
					"is too high",
					v);
			*binary = !!(v & 0x80);
			ifc->tsresol = 1;
			if (*binary)
				ifc->tsresol <<= v & 0x7f;
			else
				for (i = 0; i < v; i++)
					ifc->tsresol *= 10;
		} else if (code == 14) { /* if_tsoffset */
			if (olen != 8 || seen_off++)
				return fail(w, w->off,
					    "Interface Description Block has a "
					    "bad if_tsoffset option");
			ifc->tsoffset = (int64_t)((uint64_t)get32(o + 4, w->big)
							  << (w->big ? 32 : 0) |
						  (uint64_t)get32(o + 8, w->big)
							  << (w->big ? 0 : 32));
		}
		o += 4 + padded;
		left -= 4 + padded;
	}
	return 0;
}

/* An Interface Description Block: one more interface in this section. */
static int ng_add_if(struct sw_pcap_walk *w, const struct ng_block *b)
{
	struct sw_pcapng_if ifc = { .tsresol = 1000000 };
	int binary = 0;

	if (b->body_len < 8)
		return too_short(w, NG_IDB);
	ifc.linktype = linktype_of(get16(b->body, w->big));
	ifc.snap = snap_adjust(ifc.linktype, get32(b->body + 4, w->big));
	if (ng_if_options(w, b->body + 8, b->body_len - 8, &ifc, &binary))
		return -1;
	if (ifc.tsresol == NSEC) {
		ifc.scale = SW_TS_PASS;
	} else if (binary) {
		ifc.scale = SW_TS_BIN;
	} else if (ifc.tsresol > NSEC) {
		ifc.scale = SW_TS_DIV;
		ifc.factor = ifc.tsresol / NSEC;
	} else {
		ifc.scale = SW_TS_MUL;
		ifc.factor = NSEC / ifc.tsresol;
	}
	if (w->nifs == w->ifs_cap) {
		uint32_t cap = w->ifs_cap ? w->ifs_cap * 2 : 4;
		struct sw_pcapng_if *n = realloc(w->ifs, cap * sizeof(*n));

		if (!n || cap < w->ifs_cap)
			return fail(w, w->off,
				    "out of memory for per-interface "
				    "information (%u interfaces)",
				    w->nifs + 1);
		w->ifs = n;
		w->ifs_cap = cap;
	}
	w->ifs[w->nifs++] = ifc;
	return 0;
}

/* A later Section Header Block: a new set of interfaces follows. */
static int ng_section(struct sw_pcap_walk *w, const struct ng_block *b)
{
	uint32_t major;

	if (b->body_len < 16)
		return too_short(w, NG_SHB);
	major = get16(b->body + 4, w->big);
	if (major != 1)
		return fail(w, w->off,
			    "unknown pcapng savefile major version number %u",
			    major);
	w->nifs = 0;
	return 0;
}

/* Nanoseconds since the epoch of a time stamp t in an interface's units,
 * with libpcap's arithmetic (its overflows included). */
static uint64_t ng_ts(const struct sw_pcapng_if *ifc, uint64_t t)
{
	uint64_t sec, frac;

	if (ifc->tsresol ==
	    1000000) { /* the default: a division by a constant */
		sec = t / 1000000;
		frac = t % 1000000 * 1000;
	} else {
		sec = t / ifc->tsresol;
		frac = t % ifc->tsresol;
		if (ifc->scale == SW_TS_MUL)
			frac *= ifc->factor;
		else if (ifc->scale == SW_TS_DIV)
			frac /= ifc->factor;
		else if (ifc->scale == SW_TS_BIN)
			frac = frac * NSEC / ifc->tsresol;
	}
	sec += (uint64_t)ifc->tsoffset;
	/* libpcap keeps the fraction in an int. */
	return sec * NSEC + (uint64_t)(int64_t)(int32_t)(uint32_t)frac;
}

/* An enhanced, simple or obsolete packet block into f. 1 or -1. */
static int ng_packet(struct sw_pcap_walk *w, const struct ng_block *b,
		     struct sw_frame *f)
{
	uint32_t ifid = 0, caplen, wirelen, hdr = 4;
	const struct sw_pcapng_if *ifc;
	uint64_t t = 0;

	if (b->type == NG_SPB) {
		if (b->body_len < 4)
			return too_short(w, b->type);
		wirelen = caplen = get32(b->body, w->big);
	} else {
		if (b->body_len < 20)
			return too_short(w, b->type);
		ifid = b->type == NG_EPB ? get32(b->body, w->big) :
					   get16(b->body, w->big);
		t = (uint64_t)get32(b->body + 4, w->big) << 32 |
		    get32(b->body + 8, w->big);
		caplen = get32(b->body + 12, w->big);
		wirelen = get32(b->body + 16, w->big);
		hdr = 20;
	}
	if (ifid >= w->nifs)
		return fail(w, w->off,
			    "a packet arrived on interface %u, but there's no "
			    "Interface Description Block for that interface",
			    ifid);
	ifc = &w->ifs[ifid];
	/* A simple packet block holds the frame up to the snap length. */
	if (b->type == NG_SPB && caplen > ifc->snap)
		caplen = ifc->snap;
	if (caplen > ifc->snap)
		return fail(w, w->off,
			    "invalid packet capture length %u, bigger than "
			    "snaplen of %u",
			    caplen, ifc->snap);
	if (caplen > b->body_len - hdr)
		return too_short(w, b->type);
	f->data = b->body + hdr;
	f->caplen = caplen;
	f->wirelen = wirelen;
	f->ts_ns = ng_ts(ifc, t);
	f->linktype = ifc->linktype;
	return 1;
}

static int ng_next(struct sw_pcap_walk *w, struct sw_frame *f)
{
	struct ng_block b;
	int rc;

	for (;;) {
		rc = ng_block(w, &b);
		if (rc != 1)
			return rc;
		switch (b.type) {
		case NG_EPB:
		case NG_SPB:
		case NG_PB:
			if (ng_packet(w, &b, f) < 0)
				return -1;
			w->off += b.len;
			return 1;
		case NG_IDB:
			if (ng_add_if(w, &b))
				return -1;
			break;
		case NG_SHB:
			if (ng_section(w, &b))
				return -1;
			break;
		default: /* name resolution, statistics, custom...: skipped */
			break;
		}
		w->off += b.len;
	}
}

/*
 * The first section header and the blocks up to the first interface, as
 * libpcap reads them when it opens the file; anything it would refuse
 * there (or read differently) is left to it, for its own message.
 */
static int ng_open(struct sw_pcap_walk *w)
{
	const uint8_t *h = w->base;
	struct ng_block b;
	uint32_t len;

	if (w->size < 28 || get32(h, 0) != NG_SHB)
		return 0;
	if (get32(h + 8, 0) == NG_BOM)
		w->big = 0;
	else if (get32(h + 8, 1) == NG_BOM)
		w->big = 1;
	else
		return 0;
	len = get32(h + 4, w->big);
	/* libpcap reads the first header without its trailer or alignment
	 * checks: only a plain one is taken here. */
	if (len < 28 || len > NG_SHB_MAX || len % 4 || len > w->size ||
	    get16(h + 12, w->big) != 1 ||
	    (get16(h + 14, w->big) != 0 && get16(h + 14, w->big) != 2))
		return 0;
	w->off = len;
	for (;;) {
		if (ng_block(w, &b) != 1)
			return 0;
		if (b.type == NG_IDB) {
			if (ng_add_if(w, &b))
				return 0;
			w->off += b.len;
			return 1;
		}
		if (b.type == NG_EPB || b.type == NG_SPB || b.type == NG_PB ||
		    b.type == NG_SHB)
			return 0;
		w->off += b.len;
	}
}

int sw_pcap_walk_open(struct sw_pcap_walk *w, const uint8_t *base,
		      uint64_t size, int eof)
{
	memset(w, 0, sizeof(*w));
	w->base = base;
	w->size = size;
	w->eof = eof;
	if (size >= 4 && base[0] == 0x0a && base[1] == 0x0d) {
		w->pcapng = 1;
		if (ng_open(w))
			return 1;
	} else if (pcap_open(w)) {
		return 1;
	}
	sw_pcap_walk_close(w);
	return 0;
}

int sw_pcap_walk_next(struct sw_pcap_walk *w, struct sw_frame *f)
{
	return w->pcapng ? ng_next(w, f) : pcap_next_rec(w, f);
}

void sw_pcap_walk_refill(struct sw_pcap_walk *w, const uint8_t *base,
			 uint64_t size, int eof)
{
	w->file_off += w->off;
	w->base = base;
	w->size = size;
	w->off = 0;
	w->eof = eof;
}

void sw_pcap_walk_close(struct sw_pcap_walk *w)
{
	free(w->ifs);
	w->ifs = NULL;
	w->nifs = w->ifs_cap = 0;
}
