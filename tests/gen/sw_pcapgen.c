// SPDX-License-Identifier: BSD-2-Clause
/*
 * sw_pcapgen: deterministic synthetic captures for scrapewatch's tests.
 *
 * "sw_pcapgen fixtures DIR" writes small edge-case captures (handshakes and
 * both kinds of close, sequence wrap-around, retransmission, reordering,
 * keep-alives and window probes, IPv6 extension headers, VLAN tags, every
 * supported link type, nanosecond pcap, pcapng, malformed frames, broken
 * files) and, next to each, the ground truth its construction implies:
 * NAME.expect.json per flow, NAME.expect-stats.json for skipped or
 * malformed frames, NAME.expect-exit for files that must not exit 0.
 *
 * "sw_pcapgen bench --packets N --out FILE [--seed S]" writes a large
 * capture of interleaved traffic from thousands of clients, for throughput
 * measurements.
 *
 * Only libc is used; pcap and pcapng are written here. The output is
 * byte-for-byte deterministic: fixed timestamps and a private PRNG.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 2026-01-01T00:00:00Z, in ns since the Unix epoch. */
#define T_BASE_NS (1767225600ULL * 1000000000ULL)
#define US(x) ((uint64_t)(x)*1000ULL)
#define MS(x) ((uint64_t)(x)*1000000ULL)

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10
#define F_PA (F_PSH | F_ACK)

#define IPP_TCP 6
#define IPP_UDP 17
#define IPP_ICMP 1
#define IPP_ICMP6 58

#define LT_NULL 0
#define LT_ETHER 1
#define LT_RAW 101
#define LT_LOOP 108
#define LT_SLL 113
#define LT_USER0 147
#define LT_SLL2 276

/* Largest frame we build, and the output buffer size. */
#define FRAME_MAX 9216
#define OBUF_SIZE (8u << 20)

static void die(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("sw_pcapgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory");
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static void be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void le16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static int seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/* splitmix64: small, fast, and ours, so output never depends on libc. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static uint64_t rng_range(uint64_t *s, uint64_t lo, uint64_t hi)
{
	return lo + rng_next(s) % (hi - lo + 1);
}

/* Roughly log-uniform in [lo, hi]: heavy-tailed sizes and times. */
static uint64_t rng_log(uint64_t *s, uint64_t lo, uint64_t hi)
{
	uint64_t v = lo, span;
	int steps = 0;

	while (v < hi / 2 && steps < 63) {
		v *= 2;
		steps++;
	}
	v = lo << rng_range(s, 0, (uint64_t)steps);
	span = v > hi - v ? hi - v : v;
	v += rng_next(s) % (span + 1);
	return v > hi ? hi : v;
}

/* 1 with probability num/den. */
static int rng_chance(uint64_t *s, uint32_t num, uint32_t den)
{
	return rng_next(s) % den < num;
}

/* ------------------------------------------------------------------ */
/* Internet checksum (RFC 1071), summed in host order over memory.    */

static uint64_t csum_add(uint64_t s, const void *data, size_t n)
{
	const uint8_t *p = data;

	while (n >= 8) {
		uint64_t v;

		memcpy(&v, p, 8);
		s += (v & 0xffffffffu) + (v >> 32);
		p += 8;
		n -= 8;
	}
	if (n >= 4) {
		uint32_t v;

		memcpy(&v, p, 4);
		s += v;
		p += 4;
		n -= 4;
	}
	if (n >= 2) {
		uint16_t v;

		memcpy(&v, p, 2);
		s += v;
		p += 2;
		n -= 2;
	}
	if (n) {
		uint16_t v = 0;

		memcpy(&v, p, 1);
		s += v;
	}
	return s;
}

/* Fold and store the complement: host-order sums store as-is. */
static void csum_store(uint8_t *field, uint64_t s, int udp)
{
	uint16_t v;

	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	v = (uint16_t)~s;
	if (udp && v == 0)
		v = 0xffff;
	memcpy(field, &v, 2);
}

/* ------------------------------------------------------------------ */
/* Buffered output and the capture writers.                           */

struct obuf {
	FILE *f;
	char *path;
	uint8_t *buf;
	size_t len;
	int err;
};

static void ob_open(struct obuf *o, const char *path)
{
	memset(o, 0, sizeof(*o));
	o->f = fopen(path, "wb");
	if (!o->f)
		die("%s: %s", path, strerror(errno));
	o->path = strdup(path);
	o->buf = xmalloc(OBUF_SIZE);
}

static void ob_flush(struct obuf *o)
{
	if (o->len && !o->err && fwrite(o->buf, 1, o->len, o->f) != o->len)
		o->err = errno ? errno : EIO;
	o->len = 0;
}

static uint8_t *ob_reserve(struct obuf *o, size_t n)
{
	if (n > OBUF_SIZE)
		die("record too large");
	if (OBUF_SIZE - o->len < n)
		ob_flush(o);
	return o->buf + o->len;
}

static void ob_put(struct obuf *o, const void *p, size_t n)
{
	memcpy(ob_reserve(o, n), p, n);
	o->len += n;
}

static void ob_close(struct obuf *o)
{
	ob_flush(o);
	if (fclose(o->f) != 0 && !o->err)
		o->err = errno ? errno : EIO;
	if (o->err)
		die("%s: %s", o->path, strerror(o->err));
	free(o->buf);
	free(o->path);
}

enum cap_fmt {
	FMT_PCAP_US, /* classic pcap, microseconds */
	FMT_PCAP_NS, /* classic pcap, nanosecond magic */
	FMT_PCAPNG, /* SHB, one IDB with if_tsresol 9, EPBs */
};

struct capw {
	struct obuf o;
	enum cap_fmt fmt;
	uint8_t *rec;
};

static void capw_open(struct capw *w, const char *path, enum cap_fmt fmt,
		      uint32_t linktype, uint32_t snaplen)
{
	uint8_t b[64];

	memset(w, 0, sizeof(*w));
	w->fmt = fmt;
	ob_open(&w->o, path);
	if (fmt != FMT_PCAPNG) {
		le32(b, fmt == FMT_PCAP_NS ? 0xa1b23c4d : 0xa1b2c3d4);
		le16(b + 4, 2);
		le16(b + 6, 4);
		le32(b + 8, 0); /* thiszone */
		le32(b + 12, 0); /* sigfigs */
		le32(b + 16, snaplen);
		le32(b + 20, linktype);
		ob_put(&w->o, b, 24);
		return;
	}
	/* Section Header Block with shb_userappl, section length unknown. */
	memset(b, 0, sizeof(b));
	le32(b, 0x0a0d0d0a);
	le32(b + 4, 48);
	le32(b + 8, 0x1a2b3c4d);
	le16(b + 12, 1);
	le16(b + 14, 0);
	le32(b + 16, 0xffffffff);
	le32(b + 20, 0xffffffff);
	le16(b + 24, 4); /* shb_userappl */
	le16(b + 26, 10);
	memcpy(b + 28, "sw_pcapgen", 10); /* padded to 12 */
	le16(b + 40, 0); /* opt_endofopt */
	le16(b + 42, 0);
	le32(b + 44, 48);
	ob_put(&w->o, b, 48);
	/* Interface Description Block: nanosecond timestamps. */
	memset(b, 0, sizeof(b));
	le32(b, 1);
	le32(b + 4, 32);
	le16(b + 8, linktype);
	le16(b + 10, 0);
	le32(b + 12, snaplen);
	le16(b + 16, 9); /* if_tsresol */
	le16(b + 18, 1);
	b[20] = 9; /* 10^-9 s, padded to 4 */
	le16(b + 24, 0); /* opt_endofopt */
	le16(b + 26, 0);
	le32(b + 28, 32);
	ob_put(&w->o, b, 32);
}

/* Where the next frame goes; capw_commit() writes its record header. */
static uint8_t *capw_frame(struct capw *w)
{
	size_t hdr = w->fmt == FMT_PCAPNG ? 28 : 16;

	w->rec = ob_reserve(&w->o, hdr + FRAME_MAX + 8);
	return w->rec + hdr;
}

static void capw_commit(struct capw *w, uint64_t ts_ns, uint32_t caplen,
			uint32_t wirelen)
{
	uint8_t *r = w->rec;

	if (caplen > FRAME_MAX)
		die("frame too large");
	if (w->fmt == FMT_PCAPNG) {
		uint32_t pad = (4 - caplen % 4) % 4;
		uint32_t total = 28 + caplen + pad + 4;

		le32(r, 6);
		le32(r + 4, total);
		le32(r + 8, 0);
		le32(r + 12, (uint32_t)(ts_ns >> 32));
		le32(r + 16, (uint32_t)ts_ns);
		le32(r + 20, caplen);
		le32(r + 24, wirelen);
		memset(r + 28 + caplen, 0, pad);
		le32(r + 28 + caplen + pad, total);
		w->o.len += total;
		return;
	}
	le32(r, (uint32_t)(ts_ns / 1000000000ULL));
	if (w->fmt == FMT_PCAP_NS)
		le32(r + 4, (uint32_t)(ts_ns % 1000000000ULL));
	else
		le32(r + 4, (uint32_t)(ts_ns % 1000000000ULL / 1000));
	le32(r + 8, caplen);
	le32(r + 12, wirelen);
	w->o.len += 16 + caplen;
}

static void capw_close(struct capw *w)
{
	ob_close(&w->o);
}

/* ------------------------------------------------------------------ */
/* Frames: link layer, IPv4 / IPv6 (with extension headers), TCP, UDP. */

struct ep {
	uint8_t v6;
	uint8_t ip[16]; /* network order; IPv4 in the first 4 bytes */
	uint16_t port;
	uint8_t mac[6];
};

#define MAX_TAGS 6

struct l2tags {
	uint8_t n;
	uint16_t tpid[MAX_TAGS];
	uint16_t tci[MAX_TAGS];
};

/* IPv6 extension headers put on a packet, in RFC 8200 order. */
#define X6_HBH 0x01
#define X6_DST 0x02 /* destination options before the routing header */
#define X6_RT 0x04 /* segment routing header, segments left 0 */

/* Post-build damage, for the malformed-frame fixture. */
enum mut {
	MUT_NONE,
	MUT_UDP_LEN, /* UDP length field 10 bytes too long */
};

/* One packet, before it is given a link layer. */
struct pk {
	uint64_t ts; /* ns since the Unix epoch */
	const struct ep *src, *dst;
	uint8_t dir; /* 0 client to server, 1 server to client */
	uint8_t proto;
	uint8_t flags;
	uint8_t optlen;
	uint8_t ttl;
	uint8_t x6; /* X6_* */
	uint8_t xdst_n; /* extra trailing destination-options headers */
	uint8_t frag; /* 1: written as two IPv6 fragments */
	uint8_t mut; /* enum mut */
	uint16_t win;
	uint16_t ipid;
	uint32_t seq, ack;
	uint8_t opt[40];
	const uint8_t *pay;
	uint32_t paylen;
	uint32_t snap; /* caplen limit for this record, 0 for none */
	struct l2tags l2;
	const char *reason; /* decode reason this packet must be counted as */
	/* Prebuilt Ethernet frame (malformed ones), used as-is. */
	uint8_t *raw;
	uint32_t rawcap, rawwire;
};

/* Offsets within a built frame. */
struct bres {
	uint32_t len; /* whole frame */
	uint32_t ip; /* start of the IP header */
	uint32_t unfrag; /* end of the IPv6 per-fragment headers */
	uint32_t nh; /* the next-header byte that names the L4 protocol */
	uint32_t l4; /* start of the L4 header */
};

static uint32_t put_link(uint8_t *p, int lt, const struct pk *k)
{
	uint16_t et = k->src->v6 ? 0x86dd : 0x0800;
	uint32_t n, i;

	switch (lt) {
	case LT_ETHER:
	case LT_USER0: /* Ethernet frames under a link type nobody knows */
		memcpy(p, k->dst->mac, 6);
		memcpy(p + 6, k->src->mac, 6);
		n = 12;
		for (i = 0; i < k->l2.n; i++) {
			be16(p + n, k->l2.tpid[i]);
			be16(p + n + 2, k->l2.tci[i]);
			n += 4;
		}
		be16(p + n, et);
		return n + 2;
	case LT_SLL: /* seen on the server: inbound is "host", outbound "outgoing" */
		be16(p, k->dir == 0 ? 0 : 4);
		be16(p + 2, 1); /* ARPHRD_ETHER */
		be16(p + 4, 6);
		memcpy(p + 6, k->src->mac, 6);
		p[12] = p[13] = 0;
		be16(p + 14, et);
		return 16;
	case LT_SLL2:
		be16(p, et);
		be16(p + 2, 0);
		be32(p + 4, 2); /* interface index */
		be16(p + 8, 1); /* ARPHRD_ETHER */
		p[10] = k->dir == 0 ? 0 : 4;
		p[11] = 6;
		memcpy(p + 12, k->src->mac, 6);
		p[18] = p[19] = 0;
		return 20;
	case LT_RAW:
		return 0;
	case LT_NULL: /* host order of the writer: this file is little-endian */
		le32(p, k->src->v6 ? 30 : 2); /* AF_INET6 is 30 on macOS */
		return 4;
	case LT_LOOP: /* network order; AF_INET6 is 24 on OpenBSD */
		be32(p, k->src->v6 ? 24 : 2);
		return 4;
	default:
		die("no link layer for type %d", lt);
	}
}

static struct bres build(uint8_t *p, int lt, const struct pk *k)
{
	struct bres r;
	uint8_t *ip, *q, *nhp, *l4, ph[40];
	uint32_t l4len, optlen = k->optlen, i;
	uint64_t s;

	r.ip = put_link(p, lt, k);
	ip = p + r.ip;
	if (k->proto == IPP_TCP)
		l4len = 20 + optlen + k->paylen;
	else if (k->proto == IPP_UDP)
		l4len = 8 + k->paylen;
	else
		l4len = k->paylen; /* ICMP: the payload is the whole message */

	if (!k->src->v6) {
		ip[0] = 0x45;
		ip[1] = 0;
		be16(ip + 2, 20 + l4len);
		be16(ip + 4, k->ipid);
		be16(ip + 6, 0x4000); /* DF */
		ip[8] = k->ttl;
		ip[9] = k->proto;
		ip[10] = ip[11] = 0;
		memcpy(ip + 12, k->src->ip, 4);
		memcpy(ip + 16, k->dst->ip, 4);
		csum_store(ip + 10, csum_add(0, ip, 20), 0);
		r.nh = r.ip + 9;
		r.unfrag = r.l4 = r.ip + 20;
		memcpy(ph, k->src->ip, 4);
		memcpy(ph + 4, k->dst->ip, 4);
		ph[8] = 0;
		ph[9] = k->proto;
		be16(ph + 10, l4len);
		s = csum_add(0, ph, 12);
	} else {
		be32(ip,
		     0x60000000u | ((k->src->port * 2654435761u) & 0xfffffu));
		ip[7] = k->ttl;
		memcpy(ip + 8, k->src->ip, 16);
		memcpy(ip + 24, k->dst->ip, 16);
		nhp = ip + 6;
		q = ip + 40;
		if (k->x6 & X6_HBH) { /* PadN only */
			*nhp = 0;
			nhp = q;
			memcpy(q, "\0\0\x01\x04\0\0\0\0", 8);
			q += 8;
		}
		if (k->x6 & X6_DST) {
			*nhp = 60;
			nhp = q;
			memcpy(q, "\0\0\x01\x04\0\0\0\0", 8);
			q += 8;
		}
		if (k->x6 & X6_RT) { /* SRH listing only the destination */
			*nhp = 43;
			nhp = q;
			q[1] = 2; /* (8 + 16) / 8 - 1 */
			q[2] = 4; /* segment routing */
			q[3] = 0; /* segments left */
			q[4] = 0; /* last entry */
			q[5] = 0;
			q[6] = q[7] = 0;
			memcpy(q + 8, k->dst->ip, 16);
			q += 24;
		}
		for (i = 0; i < k->xdst_n; i++) {
			*nhp = 60;
			nhp = q;
			memcpy(q, "\0\0\x01\x04\0\0\0\0", 8);
			q += 8;
		}
		*nhp = k->proto;
		r.nh = (uint32_t)(nhp - p);
		r.unfrag = r.l4 = (uint32_t)(q - p);
		be16(ip + 4, (uint32_t)(q - ip) - 40 + l4len);
		memcpy(ph, k->src->ip, 16);
		memcpy(ph + 16, k->dst->ip, 16);
		be32(ph + 32, l4len);
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = k->proto;
		s = csum_add(0, ph, 40);
	}

	l4 = p + r.l4;
	if (k->proto == IPP_TCP) {
		uint32_t hl = 20 + optlen;

		be16(l4, k->src->port);
		be16(l4 + 2, k->dst->port);
		be32(l4 + 4, k->seq);
		be32(l4 + 8, k->ack);
		l4[12] = (uint8_t)((hl / 4) << 4);
		l4[13] = k->flags;
		be16(l4 + 14, k->win);
		l4[16] = l4[17] = 0;
		l4[18] = l4[19] = 0;
		memcpy(l4 + 20, k->opt, optlen);
		if (k->paylen)
			memcpy(l4 + hl, k->pay, k->paylen);
		csum_store(l4 + 16, csum_add(s, l4, l4len), 0);
	} else if (k->proto == IPP_UDP) {
		be16(l4, k->src->port);
		be16(l4 + 2, k->dst->port);
		be16(l4 + 4, l4len);
		l4[6] = l4[7] = 0;
		if (k->paylen)
			memcpy(l4 + 8, k->pay, k->paylen);
		csum_store(l4 + 6, csum_add(s, l4, l4len), 1);
		if (k->mut == MUT_UDP_LEN)
			be16(l4 + 4, l4len + 10);
	} else {
		memcpy(l4, k->pay, k->paylen);
		if (k->proto == IPP_ICMP)
			s = 0; /* ICMPv4 has no pseudo-header */
		csum_store(l4 + 2, csum_add(s, l4, l4len), 0);
	}
	r.len = r.l4 + l4len;
	return r;
}

/* ------------------------------------------------------------------ */
/* Decode reasons, as scrapewatch names them.                         */

static const struct {
	const char *name;
	int error; /* 0: skipped traffic, 1: malformed input */
} reasons[] = {
	{ "non_ip", 0 },
	{ "other_l4", 0 },
	{ "ipv4_fragment", 0 },
	{ "ipv6_fragment", 0 },
	{ "unknown_linktype", 0 },
	{ "trunc_link", 1 },
	{ "trunc_vlan", 1 },
	{ "vlan_too_deep", 1 },
	{ "trunc_ipv4", 1 },
	{ "ipv4_bad_version", 1 },
	{ "ipv4_bad_ihl", 1 },
	{ "ipv4_bad_len", 1 },
	{ "trunc_ipv6", 1 },
	{ "ipv6_bad_version", 1 },
	{ "ipv6_bad_len", 1 },
	{ "ipv6_trunc_exthdr", 1 },
	{ "ipv6_too_many_exthdr", 1 },
	{ "trunc_tcp", 1 },
	{ "tcp_bad_doff", 1 },
	{ "tcp_bad_option", 1 },
	{ "trunc_udp", 1 },
	{ "udp_bad_len", 1 },
	{ "bad_caplen", 1 },
};

#define N_REASONS (sizeof(reasons) / sizeof(reasons[0]))

static void count_reason(uint32_t *cnt, const char *name)
{
	size_t i;

	for (i = 0; i < N_REASONS; i++) {
		if (!strcmp(reasons[i].name, name)) {
			cnt[i]++;
			return;
		}
	}
	die("unknown reason %s", name);
}

/* ------------------------------------------------------------------ */
/* Fixture construction: connections whose truth is tracked as built. */

enum { CL = 0, SV = 1 };

#define SRV_TURN US(80) /* server's reaction time, seen at the capture */
#define DELACK MS(40) /* client delayed-ACK timer */
#define UDP_TURN_GAP MS(500) /* a client UDP packet after this gap is a turn */

struct side {
	uint32_t isn;
	uint32_t base; /* sequence number of app[0] */
	uint32_t hi; /* highest data sequence sent, exclusive */
	uint32_t nxt; /* next sequence number, FIN included */
	uint32_t rcv; /* what this side acknowledges of the peer */
	uint8_t *app; /* application bytes this side writes */
	uint32_t applen, appcap;
	uint64_t uniq; /* truth: unique payload bytes sent */
	uint16_t win;
	uint8_t ttl;
	uint16_t ipid;
	uint32_t ts0, tsval; /* TCP timestamp option clock */
};

struct conn {
	struct ep ep[2]; /* CL, SV */
	uint8_t proto;
	uint8_t ts_opt; /* TCP timestamps negotiated */
	uint8_t x6;
	uint8_t srv_spoke; /* server sent new data since the client's last */
	uint8_t frozen; /* stop updating truth: later packets get lost */
	uint32_t turns; /* truth: client request turns */
	uint32_t mss;
	uint32_t snap;
	uint64_t rtt; /* capture point (at the server) to client and back */
	uint64_t last_c; /* UDP: time of the client's last packet */
	struct l2tags l2;
	struct side sd[2];
	/* One-shot extras for the next TCP packet. */
	uint8_t sack_n;
	uint32_t sack[3][2];
	const uint8_t *bad_opt;
	uint8_t bad_optlen;
	const char *reason;
};

#define FX_MAX_CONN 8

struct fx {
	const char *dir;
	uint64_t t0;
	uint64_t last_ts;
	struct pk *pk;
	size_t n, cap;
	struct conn *cn[FX_MAX_CONN];
	int ncn;
};

static void fx_init(struct fx *f, const char *dir, int idx)
{
	memset(f, 0, sizeof(*f));
	f->dir = dir;
	/* Each fixture gets its own minute, so all of them replay in order. */
	f->t0 = T_BASE_NS + (uint64_t)idx * 60 * 1000000000ULL;
	f->last_ts = f->t0;
}

static void fx_free(struct fx *f)
{
	size_t i;
	int c;

	for (i = 0; i < f->n; i++) {
		free((void *)f->pk[i].pay);
		free(f->pk[i].raw);
	}
	free(f->pk);
	for (c = 0; c < f->ncn; c++) {
		free(f->cn[c]->sd[0].app);
		free(f->cn[c]->sd[1].app);
		free(f->cn[c]);
	}
}

static struct pk *fx_add(struct fx *f, uint64_t ts)
{
	struct pk *k;

	if (ts < f->last_ts)
		die("fixture packets out of time order");
	f->last_ts = ts;
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->pk = xrealloc(f->pk, f->cap * sizeof(*f->pk));
	}
	k = &f->pk[f->n++];
	memset(k, 0, sizeof(*k));
	k->ts = ts;
	return k;
}

static void ep_set(struct ep *e, const char *ip, uint16_t port, int srv)
{
	memset(e, 0, sizeof(*e));
	e->v6 = strchr(ip, ':') != NULL;
	if (inet_pton(e->v6 ? AF_INET6 : AF_INET, ip, e->ip) != 1)
		die("bad address %s", ip);
	e->port = port;
	memcpy(e->mac,
	       srv ? "\x02\x00\x00\x00\x00\x02" : "\x02\x00\x00\x00\x00\x01",
	       6);
}

static struct conn *conn_new(struct fx *f, uint8_t proto, const char *cip,
			     uint16_t cport, const char *sip, uint16_t sport,
			     uint32_t cisn, uint32_t sisn)
{
	struct conn *c = xmalloc(sizeof(*c));

	if (f->ncn == FX_MAX_CONN)
		die("too many connections in a fixture");
	memset(c, 0, sizeof(*c));
	f->cn[f->ncn++] = c;
	c->proto = proto;
	ep_set(&c->ep[CL], cip, cport, 0);
	ep_set(&c->ep[SV], sip, sport, 1);
	c->ts_opt = 1;
	c->mss = c->ep[CL].v6 ? 1428 : 1448;
	c->rtt = MS(20);
	c->sd[CL].isn = cisn;
	c->sd[SV].isn = sisn;
	c->sd[CL].base = c->sd[CL].hi = c->sd[CL].nxt = cisn + 1;
	c->sd[SV].base = c->sd[SV].hi = c->sd[SV].nxt = sisn + 1;
	c->sd[CL].nxt = cisn;
	c->sd[SV].nxt = sisn;
	c->sd[CL].win = 502;
	c->sd[SV].win = 509;
	c->sd[CL].ttl = 52;
	c->sd[SV].ttl = 64;
	c->sd[CL].ipid = (uint16_t)(cisn >> 7);
	c->sd[SV].ipid = (uint16_t)(sisn >> 9);
	c->sd[CL].ts0 = 0x10000000u ^ cisn;
	c->sd[SV].ts0 = 0x20000000u ^ sisn;
	return c;
}

/* A connection already running when the capture starts. */
static void conn_midstream(struct conn *c, uint32_t csent, uint32_t ssent)
{
	struct side *cl = &c->sd[CL], *sv = &c->sd[SV];

	cl->hi = cl->nxt = cl->base = cl->isn + 1 + csent;
	sv->hi = sv->nxt = sv->base = sv->isn + 1 + ssent;
	cl->rcv = sv->hi;
	sv->rcv = cl->hi;
}

static void app_put(struct conn *c, int d, const void *data, uint32_t len)
{
	struct side *s = &c->sd[d];

	if (s->applen + len > s->appcap) {
		s->appcap = (s->applen + len) * 2;
		s->app = xrealloc(s->app, s->appcap);
	}
	memcpy(s->app + s->applen, data, len);
	s->applen += len;
}

/* An HTTP/1.1 request of exactly len bytes (padded by a header). */
static void app_http_req(struct conn *c, const char *method, const char *path,
			 uint32_t len)
{
	char head[512], *buf;
	int n;
	uint32_t pad, i;

	n = snprintf(head, sizeof(head),
		     "%s %s HTTP/1.1\r\nHost: shop.example\r\n"
		     "User-Agent: sw-fixture/1.0\r\nAccept: */*\r\n"
		     "X-Pad: ",
		     method, path);
	if (n < 0 || (uint32_t)n + 4 > len)
		die("request too short");
	buf = xmalloc(len);
	memcpy(buf, head, (size_t)n);
	pad = len - (uint32_t)n - 4;
	for (i = 0; i < pad; i++)
		buf[n + i] = (char)('a' + i % 26);
	memcpy(buf + n + pad, "\r\n\r\n", 4);
	app_put(c, CL, buf, len);
	free(buf);
}

/* An HTTP/1.1 response of exactly len bytes, headers included. */
static void app_http_resp(struct conn *c, uint32_t len)
{
	static const char body[] = "<p>scrapewatch synthetic catalogue page, "
				   "item listing and prices.</p>\n";
	char head[256], *buf;
	int n = 0;
	uint32_t blen = len, i;

	/* The header's length depends on the digits of Content-Length. */
	for (i = 0; i < 3; i++) {
		n = snprintf(head, sizeof(head),
			     "HTTP/1.1 200 OK\r\nServer: sw-fixture\r\n"
			     "Content-Type: text/html\r\n"
			     "Content-Length: %" PRIu32 "\r\n\r\n",
			     blen);
		if (n < 0 || (uint32_t)n >= len)
			die("response too short");
		blen = len - (uint32_t)n;
	}
	buf = xmalloc(len);
	memcpy(buf, head, (size_t)n);
	for (i = 0; i < blen; i++)
		buf[n + i] = body[i % (sizeof(body) - 1)];
	app_put(c, SV, buf, len);
	free(buf);
}

/* TLS application-data records totalling len bytes (opaque contents). */
static void app_tls(struct conn *c, int d, uint32_t len, uint64_t *rng)
{
	uint8_t *buf = xmalloc(len);
	uint32_t off = 0;

	while (off < len) {
		uint32_t rec = len - off - 5, i;

		if (len - off < 6)
			die("TLS record too short");
		if (rec > 16384 + 256)
			rec = 16384 + 256;
		buf[off] = 23;
		buf[off + 1] = 3;
		buf[off + 2] = 3;
		be16(buf + off + 3, rec);
		for (i = 0; i < rec; i++)
			buf[off + 5 + i] = (uint8_t)rng_next(rng);
		off += 5 + rec;
		if (len - off > 0 && len - off < 6)
			die("TLS record split badly");
	}
	app_put(c, d, buf, len);
	free(buf);
}

/* Side d has received everything the peer has sent so far. */
static void got(struct conn *c, int d)
{
	c->sd[d].rcv = c->sd[!d].nxt;
}

static uint32_t tcp_tsval(struct fx *f, struct side *s, uint64_t ts)
{
	s->tsval = s->ts0 + (uint32_t)((ts - f->t0) / MS(1));
	return s->tsval;
}

/* Send a TCP segment from side d: seq and len as given, ack = what d has
 * received. Truth counts payload beyond the side's high-water mark once. */
static struct pk *tsend(struct fx *f, struct conn *c, int d, uint64_t ts,
			uint8_t flags, uint32_t seq, uint32_t len)
{
	struct side *me = &c->sd[d], *peer = &c->sd[!d];
	struct pk *k = fx_add(f, ts);
	uint32_t start = seq, end, i, tsv, o = 0;
	uint8_t *pay;

	k->src = &c->ep[d];
	k->dst = &c->ep[!d];
	k->dir = (uint8_t)d;
	k->proto = IPP_TCP;
	k->flags = flags;
	k->seq = seq;
	k->ack = (flags & F_ACK) ? me->rcv : 0;
	k->ttl = me->ttl;
	k->ipid = me->ipid++;
	k->l2 = c->l2;
	k->x6 = c->x6;
	k->snap = c->snap;
	k->reason = c->reason;
	c->reason = NULL;
	tsv = tcp_tsval(f, me, ts);

	if (flags & F_SYN) {
		start = seq + 1;
		k->win = d == CL ? 64240 : 65160;
		k->opt[o++] = 2; /* MSS */
		k->opt[o++] = 4;
		be16(k->opt + o, c->mss + (c->ts_opt ? 12 : 0));
		o += 2;
		k->opt[o++] = 4; /* SACK permitted */
		k->opt[o++] = 2;
		if (c->ts_opt) {
			k->opt[o++] = 8;
			k->opt[o++] = 10;
			be32(k->opt + o, tsv);
			be32(k->opt + o + 4, (flags & F_ACK) ? peer->tsval : 0);
			o += 8;
		} else {
			k->opt[o++] = 1;
			k->opt[o++] = 1;
		}
		k->opt[o++] = 1; /* NOP, window scale 7 */
		k->opt[o++] = 3;
		k->opt[o++] = 3;
		k->opt[o++] = 7;
	} else if (c->bad_opt) {
		memcpy(k->opt, c->bad_opt, c->bad_optlen);
		o = c->bad_optlen;
		c->bad_opt = NULL;
		k->win = me->win;
	} else {
		k->win = me->win;
		if (c->sack_n) {
			k->opt[o++] = 1;
			k->opt[o++] = 1;
			k->opt[o++] = 5;
			k->opt[o++] = (uint8_t)(2 + 8 * c->sack_n);
			for (i = 0; i < c->sack_n; i++) {
				be32(k->opt + o, c->sack[i][0]);
				be32(k->opt + o + 4, c->sack[i][1]);
				o += 8;
			}
			c->sack_n = 0;
		}
		if (c->ts_opt) {
			k->opt[o++] = 1;
			k->opt[o++] = 1;
			k->opt[o++] = 8;
			k->opt[o++] = 10;
			be32(k->opt + o, tsv);
			be32(k->opt + o + 4, peer->tsval);
			o += 8;
		}
	}
	k->optlen = (uint8_t)o;

	if (len) {
		pay = xmalloc(len);
		for (i = 0; i < len; i++) {
			uint32_t off = start + i - me->base;

			pay[i] = off < me->applen ? me->app[off] : 0;
		}
		k->pay = pay;
		k->paylen = len;
	}

	end = start + len;
	if (flags & F_SYN)
		me->hi = start;
	if (len && seq_gt(end, me->hi)) {
		if (!c->frozen) {
			me->uniq += end - me->hi;
			if (d == SV) {
				c->srv_spoke = 1;
			} else if (c->turns == 0 || c->srv_spoke) {
				c->turns++;
				c->srv_spoke = 0;
			}
		}
		me->hi = end;
	}
	if (seq_gt(end, me->nxt) || (flags & F_SYN))
		me->nxt = end;
	if (flags & F_FIN)
		me->nxt = end + 1;
	return k;
}

/* Pure ACK (or FIN, RST) from side d at its next sequence number. */
static struct pk *tctl(struct fx *f, struct conn *c, int d, uint64_t ts,
		       uint8_t flags)
{
	return tsend(f, c, d, ts, flags, c->sd[d].hi, 0);
}

static void sack_set(struct conn *c, uint32_t l, uint32_t r)
{
	c->sack[c->sack_n][0] = l;
	c->sack[c->sack_n][1] = r;
	c->sack_n++;
}

static struct pk *usend(struct fx *f, struct conn *c, int d, uint64_t ts,
			const void *data, uint32_t len)
{
	struct side *me = &c->sd[d];
	struct pk *k = fx_add(f, ts);
	uint8_t *pay = xmalloc(len);

	memcpy(pay, data, len);
	k->src = &c->ep[d];
	k->dst = &c->ep[!d];
	k->dir = (uint8_t)d;
	k->proto = IPP_UDP;
	k->ttl = me->ttl;
	k->ipid = me->ipid++;
	k->l2 = c->l2;
	k->x6 = c->x6;
	k->snap = c->snap;
	k->pay = pay;
	k->paylen = len;
	k->reason = c->reason;
	c->reason = NULL;
	if (c->frozen)
		return k;
	me->uniq += len;
	if (d == CL) {
		if (c->turns == 0 || ts - c->last_c >= UDP_TURN_GAP)
			c->turns++;
		c->last_c = ts;
	}
	return k;
}

/*
 * Lay a QUIC v1 long header over s[0..len): 8-byte connection IDs (left
 * as they are in s), empty token for Initial, and a Length field that
 * covers the rest, so dissectors find well-formed (if undecryptable)
 * packets.
 */
static void quic_long(uint8_t *s, uint8_t hdr, uint32_t len)
{
	uint32_t i = 23, rest;

	s[0] = hdr;
	be32(s + 1, 1);
	s[5] = 8;
	s[14] = 8;
	if ((hdr & 0x30) == 0) /* Initial: token length 0 */
		s[i++] = 0;
	rest = len - i - 2;
	s[i] = (uint8_t)(0x40 | rest >> 8);
	s[i + 1] = (uint8_t)rest;
}

/* Opaque UDP payload of len bytes, first byte hdr (QUIC-like). */
static struct pk *usend_fill(struct fx *f, struct conn *c, int d, uint64_t ts,
			     uint8_t hdr, uint32_t len, uint64_t *rng)
{
	uint8_t buf[1500];
	uint32_t i;

	buf[0] = hdr;
	for (i = 1; i < len; i++)
		buf[i] = (uint8_t)rng_next(rng);
	if (hdr & 0x80)
		quic_long(buf, hdr, len);
	return usend(f, c, d, ts, buf, len);
}

/* Handshake from t: SYN, SYN-ACK, ACK. Returns the time of the last. */
static uint64_t hs(struct fx *f, struct conn *c, uint64_t t)
{
	tsend(f, c, CL, t, F_SYN, c->sd[CL].isn, 0);
	got(c, SV);
	t += SRV_TURN;
	tsend(f, c, SV, t, F_SYN | F_ACK, c->sd[SV].isn, 0);
	got(c, CL);
	t += c->rtt;
	tctl(f, c, CL, t, F_ACK);
	return t;
}

struct segrec {
	uint64_t t;
	uint32_t end;
};

#define MAX_SEGS 64

/* Send side d's unsent application bytes as MSS-sized segments, gap apart,
 * PSH on the last. Returns the number sent. */
static int send_all(struct fx *f, struct conn *c, int d, uint64_t t,
		    uint64_t gap, struct segrec *rec)
{
	struct side *s = &c->sd[d];
	int n = 0;

	for (;;) {
		uint32_t unsent = s->applen - (s->hi - s->base), len;

		if (!unsent)
			break;
		if (n == MAX_SEGS)
			die("message too long");
		len = unsent < c->mss ? unsent : c->mss;
		tsend(f, c, d, t, F_ACK | (len == unsent ? F_PSH : 0), s->hi,
		      len);
		rec[n].t = t;
		rec[n].end = s->hi;
		n++;
		t += gap;
	}
	return n;
}

/* Receiver d acknowledges every second segment as it arrives; an odd last
 * one after the delayed-ACK timer if delack, else the next packet from d
 * carries it. Returns the time of the last ACK sent. */
static uint64_t acks(struct fx *f, struct conn *c, int d,
		     const struct segrec *rec, int n, int delack)
{
	uint64_t lat = d == CL ? c->rtt : SRV_TURN, t = rec[n - 1].t + lat;
	int i;

	for (i = 1; i < n; i += 2) {
		c->sd[d].rcv = rec[i].end;
		t = rec[i].t + lat;
		tctl(f, c, d, t, F_ACK);
	}
	if (n % 2) {
		c->sd[d].rcv = rec[n - 1].end;
		if (delack) {
			t = rec[n - 1].t + lat + DELACK;
			tctl(f, c, d, t, F_ACK);
		}
	}
	return t;
}

/* Client request of len bytes at t, then the server's response of rlen
 * bytes think later. Returns when the client has acknowledged it. */
static uint64_t turn(struct fx *f, struct conn *c, uint64_t t, uint32_t len,
		     const char *path, uint32_t rlen, uint64_t think,
		     int delack)
{
	struct segrec rec[MAX_SEGS];
	int n;

	app_http_req(c, "GET", path, len);
	n = send_all(f, c, CL, t, US(30), rec);
	got(c, SV);
	t = rec[n - 1].t;
	if (think > DELACK) {
		t += DELACK;
		tctl(f, c, SV, t, F_ACK);
		t += think - DELACK;
	} else {
		t += think;
	}
	app_http_resp(c, rlen);
	n = send_all(f, c, SV, t, US(100), rec);
	return acks(f, c, CL, rec, n, delack);
}

/* Orderly close started by side d at t. Returns the time of the last ACK. */
static uint64_t fin_close(struct fx *f, struct conn *c, int d, uint64_t t)
{
	uint64_t lat_other = d == CL ? SRV_TURN : c->rtt;
	uint64_t lat_me = d == CL ? c->rtt : SRV_TURN;

	tctl(f, c, d, t, F_FIN | F_ACK);
	got(c, !d);
	t += lat_other;
	tctl(f, c, !d, t, F_FIN | F_ACK);
	got(c, d);
	t += lat_me;
	tsend(f, c, d, t, F_ACK, c->sd[d].nxt, 0);
	return t;
}

/* ------------------------------------------------------------------ */
/* Writing a fixture: capture, expected flows, expected statistics.   */

static char *path_join(const char *dir, const char *name, const char *ext)
{
	size_t n = strlen(dir) + strlen(name) + strlen(ext) + 2;
	char *p = xmalloc(n);

	snprintf(p, n, "%s/%s%s", dir, name, ext);
	return p;
}

static void write_text(const char *dir, const char *name, const char *ext,
		       const char *text, size_t len)
{
	char *p = path_join(dir, name, ext);
	FILE *fp = fopen(p, "wb");

	if (!fp || fwrite(text, 1, len, fp) != len || fclose(fp) != 0)
		die("%s: %s", p, strerror(errno));
	free(p);
}

static void fmt_ip(const struct ep *e, char *buf, size_t n)
{
	if (!inet_ntop(e->v6 ? AF_INET6 : AF_INET, e->ip, buf, (socklen_t)n))
		die("inet_ntop");
}

static void write_expect(struct fx *f, const char *name)
{
	char *text = xmalloc(512 * (size_t)(f->ncn + 1));
	size_t len = 0;
	int i;

	len += (size_t)sprintf(text + len, "[");
	for (i = 0; i < f->ncn; i++) {
		const struct conn *c = f->cn[i];
		char cip[64], sip[64];

		fmt_ip(&c->ep[CL], cip, sizeof(cip));
		fmt_ip(&c->ep[SV], sip, sizeof(sip));
		len += (size_t)sprintf(
			text + len,
			"%s\n{\"client_ip\":\"%s\",\"client_port\":%u,"
			"\"server_ip\":\"%s\",\"server_port\":%u,"
			"\"transport\":\"%s\",\"source_bytes\":%" PRIu64
			",\"destination_bytes\":%" PRIu64 ",\"turns\":%" PRIu32
			"}",
			i ? "," : "", cip, c->ep[CL].port, sip, c->ep[SV].port,
			c->proto == IPP_TCP ? "tcp" : "udp", c->sd[CL].uniq,
			c->sd[SV].uniq, c->turns);
	}
	len += (size_t)sprintf(text + len, "%s]\n", f->ncn ? "\n" : "");
	write_text(f->dir, name, ".expect.json", text, len);
	free(text);
}

static void write_stats(const char *dir, const char *name, const uint32_t *cnt)
{
	char text[2048];
	size_t len = 0, i;
	int cat, any = 0;

	len += (size_t)sprintf(text + len, "{");
	for (cat = 1; cat >= 0; cat--) {
		int first = 1;

		for (i = 0; i < N_REASONS; i++) {
			if (reasons[i].error != cat || !cnt[i])
				continue;
			if (first)
				len += (size_t)sprintf(text + len, "%s\"%s\":{",
						       any ? "," : "",
						       cat ? "decode_errors" :
							     "decode_skipped");
			len += (size_t)sprintf(text + len, "%s\"%s\":%" PRIu32,
					       first ? "" : ",",
					       reasons[i].name, cnt[i]);
			first = 0;
			any = 1;
		}
		if (!first)
			len += (size_t)sprintf(text + len, "}");
	}
	len += (size_t)sprintf(text + len, "}\n");
	if (any)
		write_text(dir, name, ".expect-stats.json", text, len);
}

/* Split an IPv6 packet built at buf into two fragments and write both. */
static void write_frags(struct capw *w, const uint8_t *buf, struct bres r,
			uint64_t ts, uint32_t id)
{
	uint32_t fpart = r.len - r.unfrag, first = (fpart / 2 + 7) & ~7u;
	uint32_t u = r.unfrag, part, off;
	int i;

	for (i = 0; i < 2; i++) {
		uint8_t *p = capw_frame(w);

		off = i ? first : 0;
		part = i ? fpart - first : first;
		memcpy(p, buf, u);
		p[r.nh] = 44;
		p[u] = buf[r.nh]; /* fragment header: next header */
		p[u + 1] = 0;
		be16(p + u + 2, off | (i ? 0 : 1)); /* offset, M flag */
		be32(p + u + 4, id);
		memcpy(p + u + 8, buf + u + off, part);
		be16(p + r.ip + 4, u - r.ip - 40 + 8 + part);
		capw_commit(w, ts + (uint64_t)i * US(1), u + 8 + part,
			    u + 8 + part);
	}
}

/* Write the capture NAME.EXT (and its expectations) from fixture f. */
static void fx_write_ext(struct fx *f, const char *name, enum cap_fmt fmt,
			 int lt, int c2s_only, int expect)
{
	const char *ext = fmt == FMT_PCAPNG ? ".pcapng" : ".pcap";
	char *path = path_join(f->dir, name, ext);
	uint32_t cnt[N_REASONS];
	struct capw w;
	size_t i;

	memset(cnt, 0, sizeof(cnt));
	capw_open(&w, path, fmt, (uint32_t)lt, 262144);
	for (i = 0; i < f->n; i++) {
		const struct pk *k = &f->pk[i];
		uint8_t *p;
		struct bres r;
		uint32_t cap;

		if (c2s_only && k->dir != 0)
			continue;
		if (k->reason)
			count_reason(cnt, k->reason);
		if (k->raw) {
			p = capw_frame(&w);
			memcpy(p, k->raw, k->rawcap);
			capw_commit(&w, k->ts, k->rawcap, k->rawwire);
			continue;
		}
		if (k->frag) {
			uint8_t tmp[FRAME_MAX];

			r = build(tmp, lt, k);
			write_frags(&w, tmp, r, k->ts,
				    0x5a000000u | k->seq >> 8);
			count_reason(cnt, "ipv6_fragment");
			continue;
		}
		p = capw_frame(&w);
		r = build(p, lt, k);
		cap = r.len;
		if (k->snap && cap > k->snap)
			cap = k->snap;
		capw_commit(&w, k->ts, cap, r.len);
	}
	capw_close(&w);
	free(path);
	if (expect) {
		write_expect(f, name);
		write_stats(f->dir, name, cnt);
	}
}

static void fx_write(struct fx *f, const char *name, int c2s_only)
{
	fx_write_ext(f, name, FMT_PCAP_US, LT_ETHER, c2s_only, 1);
}

/* ------------------------------------------------------------------ */
/* The fixtures.                                                      */

/* Three request/response turns on one connection; the client closes. */
static void fx_http_keepalive(const char *dir)
{
	struct fx f;
	struct conn *c;
	struct segrec rec[MAX_SEGS];
	uint64_t t;
	int n;

	fx_init(&f, dir, 0);
	c = conn_new(&f, IPP_TCP, "198.18.0.1", 40000, "198.18.1.1", 80,
		     0x1a2b3c4d, 0x5e6f7081);
	t = hs(&f, c, f.t0);
	/* 1: three segments, ACK after the second, delayed ACK of the third */
	t = turn(&f, c, t + US(30), 420, "/index.html", 4100, MS(2), 1);
	/* 2: the server's delayed ACK first, five segments, no final ACK: */
	t = turn(&f, c, t + MS(300), 380, "/catalog?page=1", 6500, MS(45), 0);
	/* 3: ... the next request carries it. */
	app_http_req(c, "GET", "/catalog?page=2", 400);
	t += MS(10);
	n = send_all(&f, c, CL, t, US(30), rec);
	got(c, SV);
	app_http_resp(c, 900);
	n = send_all(&f, c, SV, rec[n - 1].t + MS(1), US(100), rec);
	t = acks(&f, c, CL, rec, n, 1);
	fin_close(&f, c, CL, t + MS(1000));
	fx_write(&f, "http_keepalive", 0);
	fx_write(&f, "http_keepalive_c2s", 1);
	fx_free(&f);
}

/* Two turns, then the server closes an idle connection. */
static void fx_passive_close(const char *dir)
{
	struct fx f;
	struct conn *c;
	uint64_t t;

	fx_init(&f, dir, 1);
	c = conn_new(&f, IPP_TCP, "198.18.0.2", 40001, "198.18.1.1", 80,
		     0x0badcafe, 0x7a7a0001);
	t = hs(&f, c, f.t0);
	t = turn(&f, c, t + US(25), 350, "/a", 3000, MS(3), 1);
	t = turn(&f, c, t + MS(500), 360, "/b", 2000, MS(1), 1);
	fin_close(&f, c, SV, t + MS(2000));
	fx_write(&f, "passive_close", 0);
	fx_write(&f, "passive_close_c2s", 1);
	fx_free(&f);
}

/*
 * Handshake only, 44 s of silence, then the client closes: the flow is
 * established by the handshake's ACK, so it idles like any established
 * flow and ends with the FINs (the XDP path once ended it idle).
 */
static void fx_handshake_idle(const char *dir)
{
	struct fx f;
	struct conn *c;
	uint64_t t;

	fx_init(&f, dir, 20);
	c = conn_new(&f, IPP_TCP, "198.18.0.21", 40020, "198.18.1.1", 80,
		     0x2d2d0001, 0x2d2d8001);
	t = hs(&f, c, f.t0);
	fin_close(&f, c, CL, t + MS(44000));
	fx_write(&f, "handshake_idle", 0);
	fx_free(&f);
}

/* One TLS request and response; the client acknowledges. */
static uint64_t tls_turn(struct fx *f, struct conn *c, uint64_t t, uint32_t len,
			 uint32_t rlen, uint64_t *rng)
{
	struct segrec rec[MAX_SEGS];
	int n;

	app_tls(c, CL, len, rng);
	n = send_all(f, c, CL, t, US(30), rec);
	got(c, SV);
	app_tls(c, SV, rlen, rng);
	n = send_all(f, c, SV, rec[n - 1].t + MS(2), US(100), rec);
	return acks(f, c, CL, rec, n, 1);
}

/*
 * The server closes (FIN), the client acknowledges and keeps its half
 * open, and five minutes later sends a 24-byte TLS close_notify alert,
 * which the closed server answers with a RST: one connection, one record.
 */
static void fx_half_close(const char *dir)
{
	struct segrec rec[MAX_SEGS];
	static const uint8_t close_notify[24] = { 21, 3, 3, 0, 19 };
	struct fx f;
	struct conn *c;
	uint64_t t, rng = 0x6861;

	fx_init(&f, dir, 21);
	c = conn_new(&f, IPP_TCP, "198.18.0.22", 40021, "198.18.1.1", 443,
		     0x3e3e0001, 0x3e3e8001);
	t = hs(&f, c, f.t0);
	t = tls_turn(&f, c, t + US(25), 517, 3100, &rng);
	t = tls_turn(&f, c, t + MS(400), 460, 5200, &rng);
	t += MS(2000);
	tctl(&f, c, SV, t, F_FIN | F_ACK);
	got(c, CL);
	t += c->rtt;
	tctl(&f, c, CL, t, F_ACK);
	app_put(c, CL, close_notify, sizeof(close_notify));
	t = f.t0 + MS(300000) + MS(2000);
	send_all(&f, c, CL, t, US(30), rec);
	tctl(&f, c, SV, t + SRV_TURN, F_RST);
	fx_write(&f, "half_close", 0);
	fx_free(&f);
}

/* Both ISNs just below 2^32: SEQ and ACK wrap inside a segment. */
static void fx_wraparound(const char *dir)
{
	struct fx f;
	struct conn *c;
	uint64_t t;

	fx_init(&f, dir, 2);
	/* Client data starts 1000 bytes below 2^32, server data 8192 below. */
	c = conn_new(&f, IPP_TCP, "198.18.0.3", 40002, "198.18.1.1", 80,
		     0xfffffc17u, 0xffffdfffu);
	t = hs(&f, c, f.t0);
	t = turn(&f, c, t + US(30), 700, "/w1", 5000, MS(2), 1);
	t = turn(&f, c, t + MS(200), 700, "/w2", 6000, MS(2), 1);
	t = turn(&f, c, t + MS(200), 500, "/w3", 3000, MS(2), 1);
	fin_close(&f, c, CL, t + MS(500));
	fx_write(&f, "wraparound", 0);
	fx_free(&f);
}

/* Lost-downstream segments: client request RTO, server fast retransmit
 * after three duplicate ACKs, a tail-loss probe answered by a D-SACK, and a
 * client retransmission that carries new bytes too. */
static void fx_retransmit(const char *dir)
{
	struct fx f;
	struct conn *c;
	struct segrec rec[MAX_SEGS];
	uint64_t t, t_req;
	uint32_t req_seq, s3;
	int n, i;

	fx_init(&f, dir, 3);
	c = conn_new(&f, IPP_TCP, "198.18.0.4", 40003, "198.18.1.1", 80,
		     0x31415926, 0x27182818);
	t = hs(&f, c, f.t0);

	/* Request 1 is lost after the capture point; RTO resends it. */
	app_http_req(c, "GET", "/r1", 350);
	req_seq = c->sd[CL].hi;
	t_req = t + US(30);
	tsend(&f, c, CL, t_req, F_PA, req_seq, 350);
	t = t_req + MS(220);
	tsend(&f, c, CL, t, F_PA, req_seq, 350);
	got(c, SV);

	/* Six segments; the third is lost on the way to the client. */
	app_http_resp(c, 8000);
	n = send_all(&f, c, SV, t + MS(1), US(100), rec);
	s3 = rec[1].end;
	c->sd[CL].rcv = rec[1].end;
	tctl(&f, c, CL, rec[1].t + c->rtt, F_ACK);
	for (i = 3; i < n; i++) {
		sack_set(c, rec[2].end, rec[i].end);
		t = rec[i].t + c->rtt;
		tctl(&f, c, CL, t, F_ACK); /* duplicate ACK with SACK */
	}
	/* Fast retransmit; the client then acknowledges everything. */
	t += SRV_TURN;
	tsend(&f, c, SV, t, F_ACK, s3, rec[2].end - s3);
	c->sd[CL].rcv = rec[n - 1].end;
	t += c->rtt;
	tctl(&f, c, CL, t, F_ACK);
	/* That ACK is lost upstream: tail-loss probe of the last segment,
	 * answered by a duplicate ACK with D-SACK. */
	t += MS(20);
	tsend(&f, c, SV, t, F_PA, rec[n - 2].end,
	      rec[n - 1].end - rec[n - 2].end);
	sack_set(c, rec[n - 2].end, rec[n - 1].end);
	t += c->rtt;
	tctl(&f, c, CL, t, F_ACK);

	/* Request 2: 200 bytes, lost; the RTO resends them with 150 more. */
	app_http_req(c, "GET", "/r2", 350);
	req_seq = c->sd[CL].hi;
	t += MS(500);
	tsend(&f, c, CL, t, F_PA, req_seq, 200);
	t += MS(220);
	tsend(&f, c, CL, t, F_PA, req_seq, 350);
	got(c, SV);
	app_http_resp(c, 1000);
	n = send_all(&f, c, SV, t + MS(1), US(100), rec);
	t = acks(&f, c, CL, rec, n, 1);
	fin_close(&f, c, CL, t + MS(300));
	fx_write(&f, "retransmit", 0);
	fx_free(&f);
}

/* A two-segment request captured in reverse order, and server segments
 * 1, 3, 2, 4, 5 answered with a SACKed duplicate ACK. */
static void fx_reorder(const char *dir)
{
	struct fx f;
	struct conn *c;
	struct segrec rec[MAX_SEGS];
	uint64_t t;
	uint32_t a, b, s0, e[5];
	int i, n;
	static const int order[5] = { 0, 2, 1, 3, 4 };

	fx_init(&f, dir, 4);
	c = conn_new(&f, IPP_TCP, "198.18.0.5", 40004, "198.18.1.1", 80,
		     0x600dd00d, 0x0c0ffee0);
	t = hs(&f, c, f.t0);

	app_http_req(c, "POST", "/upload", 2000);
	a = c->sd[CL].hi;
	b = a + c->mss;
	t += US(40);
	tsend(&f, c, CL, t, F_PA, b, 2000 - c->mss);
	/* The server sees the hole: duplicate ACK with SACK. */
	sack_set(c, b, a + 2000);
	tctl(&f, c, SV, t + US(10), F_ACK);
	t += US(30);
	tsend(&f, c, CL, t, F_ACK, a, c->mss);
	got(c, SV);
	tctl(&f, c, SV, t + US(10), F_ACK);

	/* Five segments, captured and delivered as 1, 3, 2, 4, 5. */
	app_http_resp(c, 7000);
	s0 = c->sd[SV].hi;
	for (i = 0; i < 5; i++)
		e[i] = s0 + (uint32_t)(i + 1) * c->mss > s0 + 7000 ?
			       s0 + 7000 :
			       s0 + (uint32_t)(i + 1) * c->mss;
	t += MS(2);
	for (i = 0; i < 5; i++) {
		uint32_t st = order[i] ? e[order[i] - 1] : s0;

		rec[i].t = t;
		tsend(&f, c, SV, t, order[i] == 4 ? F_PA : F_ACK, st,
		      e[order[i]] - st);
		t += US(100);
	}
	/* Client: 3 out of order -> duplicate ACK; 2 fills -> ACK to 3;
	 * 5 -> ACK to 5. */
	c->sd[CL].rcv = e[0];
	sack_set(c, e[1], e[2]);
	tctl(&f, c, CL, rec[1].t + c->rtt, F_ACK);
	c->sd[CL].rcv = e[2];
	tctl(&f, c, CL, rec[2].t + c->rtt, F_ACK);
	c->sd[CL].rcv = e[4];
	t = rec[4].t + c->rtt;
	tctl(&f, c, CL, t, F_ACK);

	app_http_req(c, "GET", "/next", 300);
	n = send_all(&f, c, CL, t + MS(300), US(30), rec);
	got(c, SV);
	app_http_resp(c, 1200);
	n = send_all(&f, c, SV, rec[n - 1].t + MS(1), US(100), rec);
	t = acks(&f, c, CL, rec, n, 1);
	fin_close(&f, c, CL, t + MS(200));
	fx_write(&f, "reorder", 0);
	fx_free(&f);
}

/* The capture starts inside a TLS connection: the first packet is server
 * data, and there is no handshake and no close. */
static void fx_midstream(const char *dir)
{
	struct fx f;
	struct conn *c;
	struct segrec rec[MAX_SEGS];
	uint64_t t, rng = 6;
	int n;

	fx_init(&f, dir, 5);
	c = conn_new(&f, IPP_TCP, "198.18.0.6", 51234, "198.18.1.6", 443,
		     0x3a4b5c6d, 0x11223344);
	conn_midstream(c, 1800, 30000);
	t = f.t0;
	/* The tail of a response whose request was before the capture. */
	app_tls(c, SV, 2 * c->mss + 800, &rng);
	n = send_all(&f, c, SV, t, US(100), rec);
	t = acks(&f, c, CL, rec, n, 1);

	app_tls(c, CL, 600, &rng);
	n = send_all(&f, c, CL, t + MS(500), US(30), rec);
	got(c, SV);
	app_tls(c, SV, 2 * c->mss + 1000, &rng);
	n = send_all(&f, c, SV, rec[n - 1].t + MS(5), US(100), rec);
	t = acks(&f, c, CL, rec, n, 1);

	app_tls(c, CL, 300, &rng);
	n = send_all(&f, c, CL, t + MS(800), US(30), rec);
	got(c, SV);
	app_tls(c, SV, 1200, &rng);
	n = send_all(&f, c, SV, rec[n - 1].t + MS(3), US(100), rec);
	acks(&f, c, CL, rec, n, 1);
	fx_write(&f, "midstream", 0);
	fx_free(&f);
}

/* Keep-alives from both sides, zero-window probes from both sides. */
static void fx_keepalive_probe(const char *dir)
{
	static const char body[] = "field=value&";
	struct fx f;
	struct conn *c;
	struct segrec rec[MAX_SEGS];
	uint64_t t;
	uint32_t s, probe;
	char post[3000];
	int n, i;

	fx_init(&f, dir, 6);
	c = conn_new(&f, IPP_TCP, "198.18.0.7", 40006, "198.18.1.1", 80,
		     0x4b1d4b1d, 0x5eed5eed);
	t = hs(&f, c, f.t0);
	t = turn(&f, c, t + US(30), 300, "/k1", 2000, MS(2), 1);

	/* Linux keep-alive: seq = snd_nxt - 1, no data. */
	t += MS(5000);
	tsend(&f, c, CL, t, F_ACK, c->sd[CL].hi - 1, 0);
	t += SRV_TURN;
	tctl(&f, c, SV, t, F_ACK);
	/* Windows keep-alive: the same with one old byte. */
	t += MS(5000);
	tsend(&f, c, CL, t, F_ACK, c->sd[CL].hi - 1, 1);
	t += SRV_TURN;
	tctl(&f, c, SV, t, F_ACK);
	/* Server keep-alive, answered by the client. */
	t += MS(3000);
	tsend(&f, c, SV, t, F_ACK, c->sd[SV].hi - 1, 0);
	t += c->rtt;
	tctl(&f, c, CL, t, F_ACK);

	/* Request 2: the client's window closes after four segments; the
	 * server probes (Linux style: seq = snd_una - 1, no data). */
	app_http_req(c, "GET", "/k2", 280);
	n = send_all(&f, c, CL, t + MS(1000), US(30), rec);
	got(c, SV);
	app_http_resp(c, 7 * c->mss + 700);
	s = c->sd[SV].hi;
	t = rec[n - 1].t + MS(2);
	for (i = 0; i < 4; i++) {
		tsend(&f, c, SV, t, F_ACK, s + (uint32_t)i * c->mss, c->mss);
		rec[i].t = t;
		rec[i].end = c->sd[SV].hi;
		t += US(100);
	}
	c->sd[CL].rcv = rec[1].end;
	tctl(&f, c, CL, rec[1].t + c->rtt, F_ACK);
	c->sd[CL].rcv = rec[3].end;
	c->sd[CL].win = 0;
	t = rec[3].t + c->rtt;
	tctl(&f, c, CL, t, F_ACK);
	for (i = 0; i < 2; i++) {
		t += MS(200) << i;
		tsend(&f, c, SV, t, F_ACK, c->sd[SV].hi - 1, 0);
		t += c->rtt;
		tctl(&f, c, CL, t, F_ACK);
	}
	c->sd[CL].win = 502; /* window update */
	t += MS(300);
	tctl(&f, c, CL, t, F_ACK);
	n = send_all(&f, c, SV, t + SRV_TURN, US(100), rec);
	t = acks(&f, c, CL, rec, n, 1);

	/* Request 3, an upload: the server's window closes after two
	 * segments; the client probes with one new byte (RFC 9293 style),
	 * which the server drops, then resends it with the rest. */
	for (i = 0; i < (int)sizeof(post); i++)
		post[i] = body[i % (sizeof(body) - 1)];
	memcpy(post, "POST /k3 HTTP/1.1\r\nContent-Length: 2957\r\n\r\n", 43);
	app_put(c, CL, post, sizeof(post));
	t += MS(1000);
	tsend(&f, c, CL, t, F_ACK, c->sd[CL].hi, c->mss);
	t += US(30);
	tsend(&f, c, CL, t, F_ACK, c->sd[CL].hi, c->mss);
	got(c, SV);
	c->sd[SV].win = 0;
	t += SRV_TURN;
	tctl(&f, c, SV, t, F_ACK);
	probe = c->sd[CL].hi;
	for (i = 0; i < 2; i++) {
		t += c->rtt + (MS(200) << i);
		tsend(&f, c, CL, t, F_ACK, probe, 1);
		t += SRV_TURN;
		tctl(&f, c, SV, t, F_ACK); /* byte dropped: ack unchanged */
	}
	c->sd[SV].win = 509;
	t += MS(100);
	tctl(&f, c, SV, t, F_ACK);
	t += c->rtt;
	tsend(&f, c, CL, t, F_PA, probe, 3000 - 2 * c->mss);
	got(c, SV);
	app_http_resp(c, 250);
	n = send_all(&f, c, SV, t + MS(2), US(100), rec);
	t = acks(&f, c, CL, rec, n, 1);
	fin_close(&f, c, CL, t + MS(500));
	fx_write(&f, "keepalive_probe", 0);
	fx_free(&f);
}

/* The client resets the connection in the middle of a download. */
static void fx_rst(const char *dir)
{
	struct fx f;
	struct conn *c;
	struct segrec rec[MAX_SEGS];
	uint64_t t, t0;
	int n = 0, i, j;

	fx_init(&f, dir, 7);
	c = conn_new(&f, IPP_TCP, "198.18.0.8", 40007, "198.18.1.1", 80,
		     0x8badf00d, 0xfeedface);
	t = hs(&f, c, f.t0);
	app_http_req(c, "GET", "/large.bin", 330);
	send_all(&f, c, CL, t + US(30), US(30), rec);
	got(c, SV);
	app_http_resp(c, 30 * c->mss);
	/* Initial window of ten segments. */
	t0 = t + US(30) + MS(1);
	for (i = 0; i < 10; i++) {
		rec[n].t = t0 + (uint64_t)i * US(50);
		tsend(&f, c, SV, rec[n].t, F_ACK, c->sd[SV].hi, c->mss);
		rec[n].end = c->sd[SV].hi;
		n++;
	}
	/* Each ACK of two segments releases three more. */
	for (j = 1; j <= 3; j++) {
		c->sd[CL].rcv = rec[2 * j - 1].end;
		t = rec[2 * j - 1].t + c->rtt;
		tctl(&f, c, CL, t, F_ACK);
		for (i = 0; i < 3; i++) {
			t += US(30);
			tsend(&f, c, SV, t, F_ACK, c->sd[SV].hi, c->mss);
			rec[n].t = t;
			rec[n].end = c->sd[SV].hi;
			n++;
		}
	}
	/* Eight segments in, the client application aborts. */
	c->sd[CL].rcv = rec[7].end;
	tctl(&f, c, CL, rec[7].t + c->rtt, F_RST | F_ACK);
	fx_write(&f, "rst", 0);
	fx_free(&f);
}

/* IPv6 with hop-by-hop, destination-options and routing headers on every
 * packet; one server segment is sent as two fragments. */
static void fx_ipv6_ext(const char *dir)
{
	struct fx f;
	struct conn *c;
	struct segrec rec[MAX_SEGS];
	uint64_t t;
	int n;

	fx_init(&f, dir, 8);
	c = conn_new(&f, IPP_TCP, "2001:db8::9", 40008, "2001:db8:1::1", 80,
		     0x66666666, 0x99999999);
	c->x6 = X6_HBH | X6_DST | X6_RT;
	c->mss = 1360;
	t = hs(&f, c, f.t0);
	app_http_req(c, "GET", "/v6", 320);
	n = send_all(&f, c, CL, t + US(30), US(30), rec);
	got(c, SV);
	app_http_resp(c, 4000);
	n = send_all(&f, c, SV, rec[n - 1].t + MS(2), US(100), rec);
	f.pk[f.n - 2].frag = 1; /* the second of three segments */
	t = acks(&f, c, CL, rec, n, 1);
	t = turn(&f, c, t + MS(300), 300, "/v6b", 900, MS(1), 1);
	fin_close(&f, c, CL, t + MS(200));
	fx_write(&f, "ipv6_ext", 0);
	fx_free(&f);
}

/* 802.1Q, 802.1ad + 802.1Q, and 0x9100 + 802.1Q tagged flows. */
static void fx_vlan_qinq(const char *dir)
{
	struct fx f;
	struct conn *c;
	uint64_t t;

	fx_init(&f, dir, 9);
	c = conn_new(&f, IPP_TCP, "198.18.0.10", 40010, "198.18.1.1", 80,
		     0x10101010, 0x20202020);
	c->l2.n = 1;
	c->l2.tpid[0] = 0x8100;
	c->l2.tci[0] = 100;
	t = hs(&f, c, f.t0);
	t = turn(&f, c, t + US(30), 250, "/q1", 1800, MS(1), 1);
	t = fin_close(&f, c, CL, t + MS(100));

	c = conn_new(&f, IPP_TCP, "198.18.0.11", 40011, "198.18.1.1", 80,
		     0x30303030, 0x40404040);
	c->l2.n = 2;
	c->l2.tpid[0] = 0x88a8;
	c->l2.tci[0] = 200;
	c->l2.tpid[1] = 0x8100;
	c->l2.tci[1] = 300 | (3u << 13); /* priority 3 */
	t = hs(&f, c, t + MS(10));
	t = turn(&f, c, t + US(30), 260, "/q2", 1900, MS(1), 1);
	t = fin_close(&f, c, CL, t + MS(100));

	c = conn_new(&f, IPP_TCP, "2001:db8::11", 40012, "2001:db8:1::1", 80,
		     0x50505050, 0x60606060);
	c->l2.n = 2;
	c->l2.tpid[0] = 0x9100;
	c->l2.tci[0] = 201;
	c->l2.tpid[1] = 0x8100;
	c->l2.tci[1] = 301;
	t = hs(&f, c, t + MS(10));
	t = turn(&f, c, t + US(30), 270, "/q3", 2100, MS(1), 1);
	fin_close(&f, c, CL, t + MS(100));
	fx_write(&f, "vlan_qinq", 0);
	fx_free(&f);
}

/* One IPv4 and one IPv6 flow, each one turn, for link types and formats. */
static void small_flows(struct fx *f, const char *cip4, uint16_t port4,
			const char *cip6, uint16_t port6, int nsec)
{
	struct conn *c;
	uint64_t t;

	c = conn_new(f, IPP_TCP, cip4, port4, "198.18.1.1", 80, 0x01020304,
		     0x05060708);
	if (nsec) /* timestamps that only nanoseconds tell apart */
		c->rtt = MS(20) + 321;
	t = hs(f, c, f->t0 + (nsec ? 987654321 : 0));
	t = turn(f, c, t + US(30), 260, "/lt", 2500, MS(1), 1);
	t = fin_close(f, c, CL, t + MS(100));
	c = conn_new(f, IPP_TCP, cip6, port6, "2001:db8:1::1", 80, 0x0a0b0c0d,
		     0x0e0f1011);
	t = hs(f, c, t + MS(5));
	t = turn(f, c, t + US(30), 270, "/lt6", 1500, MS(1), 1);
	fin_close(f, c, CL, t + MS(100));
}

static void fx_linktypes(const char *dir)
{
	static const struct {
		const char *name;
		int lt;
	} lts[] = {
		{ "linktype_sll", LT_SLL },   { "linktype_sll2", LT_SLL2 },
		{ "linktype_raw", LT_RAW },   { "linktype_null", LT_NULL },
		{ "linktype_loop", LT_LOOP },
	};
	struct fx f;
	size_t i;

	fx_init(&f, dir, 10);
	small_flows(&f, "198.18.0.12", 40013, "2001:db8::12", 40014, 0);
	for (i = 0; i < sizeof(lts) / sizeof(lts[0]); i++)
		fx_write_ext(&f, lts[i].name, FMT_PCAP_US, lts[i].lt, 0, 1);
	fx_free(&f);
}

/* Sub-microsecond timestamps: nanosecond pcap and pcapng. */
static void fx_nsec(const char *dir)
{
	struct fx f;
	struct conn *c;
	struct segrec rec[MAX_SEGS];
	uint64_t t;
	int n;

	fx_init(&f, dir, 11);
	c = conn_new(&f, IPP_TCP, "198.18.0.13", 40015, "198.18.1.1", 80,
		     0x13131313, 0x31313131);
	c->rtt = 20000321; /* ns */
	t = hs(&f, c, f.t0 + 123456789);
	app_http_req(c, "GET", "/ns", 310);
	n = send_all(&f, c, CL, t + 777, 333, rec);
	got(c, SV);
	app_http_resp(c, 3 * c->mss);
	n = send_all(&f, c, SV, rec[n - 1].t + 1234567, 1234,
		     rec); /* 1.234 us */
	t = acks(&f, c, CL, rec, n, 1);
	fin_close(&f, c, CL, t + 987654321);
	fx_write_ext(&f, "pcap_nsec", FMT_PCAP_NS, LT_ETHER, 0, 1);
	fx_free(&f);

	fx_init(&f, dir, 12);
	small_flows(&f, "198.18.0.14", 40016, "2001:db8::14", 40017, 1);
	fx_write_ext(&f, "pcapng", FMT_PCAPNG, LT_ETHER, 0, 1);
	fx_free(&f);
}

/* An Ethernet frame for one TCP or UDP packet between two throwaway
 * endpoints, into buf; returns the offsets. */
static struct bres junk_frame(uint8_t *buf, int i, int v6, uint8_t proto,
			      uint32_t paylen, const struct l2tags *tags,
			      uint8_t x6, uint8_t xdst_n)
{
	static struct ep src, dst;
	static const uint8_t pay[64] = "junk";
	char ip[64];
	struct pk k;

	if (v6)
		snprintf(ip, sizeof(ip), "2001:db8::1:%x", 0x100 + i);
	else
		snprintf(ip, sizeof(ip), "198.18.0.%d", 100 + i);
	ep_set(&src, ip, (uint16_t)(41000 + i), 0);
	ep_set(&dst, v6 ? "2001:db8:1::1" : "198.18.1.1", 80, 1);
	memset(&k, 0, sizeof(k));
	k.src = &src;
	k.dst = &dst;
	k.proto = proto;
	k.flags = F_PA;
	k.seq = 0x1000;
	k.ack = 0x2000;
	k.win = 502;
	k.ttl = 60;
	k.pay = pay;
	k.paylen = paylen;
	k.x6 = x6;
	k.xdst_n = xdst_n;
	if (tags)
		k.l2 = *tags;
	return build(buf, LT_ETHER, &k);
}

static void fx_raw(struct fx *f, uint64_t ts, const uint8_t *frame,
		   uint32_t caplen, uint32_t wirelen, const char *reason)
{
	struct pk *k = fx_add(f, ts);

	k->raw = xmalloc(caplen);
	memcpy(k->raw, frame, caplen);
	k->rawcap = caplen;
	k->rawwire = wirelen;
	k->reason = reason;
}

/* Frames cut short or damaged at each layer, between two kinds of valid
 * flows that must still account exactly: one captured with a small snap
 * length, one with a malformed TCP option and a wrong UDP length. */
static void fx_truncated_frames(const char *dir)
{
	static const uint8_t bad_opt[12] = {
		1, 1, 8, 14, 0, 0, 0, 1, 0, 0, 0, 2
	};
	struct fx f;
	struct conn *c;
	struct l2tags tags;
	struct bres r;
	uint8_t b[FRAME_MAX];
	uint64_t t, rng = 7;
	int i = 0;

	fx_init(&f, dir, 13);
	/* Snap length 96: headers whole, payload cut. */
	c = conn_new(&f, IPP_TCP, "198.18.0.20", 40020, "198.18.1.1", 80,
		     0x20202020, 0x02020202);
	c->snap = 96;
	t = hs(&f, c, f.t0);
	t = turn(&f, c, t + US(30), 400, "/snap", 4000, MS(2), 1);
	t = fin_close(&f, c, CL, t + MS(100));

	t += MS(10);
	r = junk_frame(b, i++, 0, IPP_TCP, 20, NULL, 0, 0);
	fx_raw(&f, t, b, 10, r.len, "trunc_link");
	memset(&tags, 0, sizeof(tags));
	tags.n = 1;
	tags.tpid[0] = 0x8100;
	tags.tci[0] = 7;
	r = junk_frame(b, i++, 0, IPP_TCP, 20, &tags, 0, 0);
	fx_raw(&f, t += MS(1), b, 16, r.len, "trunc_vlan");
	tags.n = 5;
	tags.tpid[0] = 0x88a8;
	tags.tpid[1] = tags.tpid[2] = tags.tpid[3] = tags.tpid[4] = 0x8100;
	tags.tci[1] = 8;
	tags.tci[2] = 9;
	tags.tci[3] = 10;
	tags.tci[4] = 11;
	r = junk_frame(b, i++, 0, IPP_TCP, 20, &tags, 0, 0);
	fx_raw(&f, t += MS(1), b, r.len, r.len, "vlan_too_deep");
	r = junk_frame(b, i++, 0, IPP_TCP, 20, NULL, 0, 0);
	fx_raw(&f, t += MS(1), b, 14 + 12, r.len, "trunc_ipv4");
	r = junk_frame(b, i++, 0, IPP_TCP, 20, NULL, 0, 0);
	b[14] = 0x55;
	fx_raw(&f, t += MS(1), b, r.len, r.len, "ipv4_bad_version");
	r = junk_frame(b, i++, 0, IPP_TCP, 20, NULL, 0, 0);
	b[14] = 0x44;
	fx_raw(&f, t += MS(1), b, r.len, r.len, "ipv4_bad_ihl");
	r = junk_frame(b, i++, 0, IPP_TCP, 20, NULL, 0, 0);
	be16(b + 16, 1000);
	fx_raw(&f, t += MS(1), b, r.len, r.len, "ipv4_bad_len");
	r = junk_frame(b, i++, 1, IPP_TCP, 20, NULL, 0, 0);
	fx_raw(&f, t += MS(1), b, 14 + 30, r.len, "trunc_ipv6");
	r = junk_frame(b, i++, 0, IPP_TCP, 20, NULL, 0, 0);
	be16(b + 12, 0x86dd); /* an IPv4 packet labelled IPv6 */
	fx_raw(&f, t += MS(1), b, r.len, r.len, "ipv6_bad_version");
	r = junk_frame(b, i++, 1, IPP_TCP, 20, NULL, 0, 0);
	be16(b + 18, 2000);
	fx_raw(&f, t += MS(1), b, r.len, r.len, "ipv6_bad_len");
	r = junk_frame(b, i++, 1, IPP_TCP, 0, NULL, X6_HBH, 0);
	b[14 + 40 + 1] = 10; /* hop-by-hop claims 88 bytes */
	fx_raw(&f, t += MS(1), b, r.len, r.len, "ipv6_trunc_exthdr");
	r = junk_frame(b, i++, 1, IPP_TCP, 0, NULL, 0, 9);
	fx_raw(&f, t += MS(1), b, r.len, r.len, "ipv6_too_many_exthdr");
	r = junk_frame(b, i++, 0, IPP_TCP, 20, NULL, 0, 0);
	fx_raw(&f, t += MS(1), b, r.l4 + 12, r.len, "trunc_tcp");
	r = junk_frame(b, i++, 0, IPP_TCP, 20, NULL, 0, 0);
	b[r.l4 + 12] = 0x40; /* data offset 4 */
	fx_raw(&f, t += MS(1), b, r.len, r.len, "tcp_bad_doff");
	r = junk_frame(b, i++, 0, IPP_UDP, 20, NULL, 0, 0);
	fx_raw(&f, t += MS(1), b, r.l4 + 4, r.len, "trunc_udp");
	r = junk_frame(b, i++, 0, IPP_TCP, 20, NULL, 0, 0);
	fx_raw(&f, t += MS(1), b, r.len, r.len - 10, "bad_caplen");

	/* Kept despite a malformed option: accounted. */
	c = conn_new(&f, IPP_TCP, "198.18.0.21", 40021, "198.18.1.1", 80,
		     0x21212121, 0x12121212);
	t = hs(&f, c, t + MS(10));
	app_http_req(c, "GET", "/badopt", 300);
	c->bad_opt = bad_opt;
	c->bad_optlen = sizeof(bad_opt);
	c->reason = "tcp_bad_option";
	tsend(&f, c, CL, t + US(30), F_PA, c->sd[CL].hi, 300);
	got(c, SV);
	{
		struct segrec rec[MAX_SEGS];
		int n;

		app_http_resp(c, 1500);
		n = send_all(&f, c, SV, t + MS(2), US(100), rec);
		t = acks(&f, c, CL, rec, n, 1);
	}
	t = fin_close(&f, c, CL, t + MS(100));

	/* Kept despite a UDP length that disagrees with IP: accounted by the
	 * IP length. */
	c = conn_new(&f, IPP_UDP, "198.18.0.22", 53001, "198.18.1.54", 9999, 0,
		     0);
	c->reason = "udp_bad_len";
	usend_fill(&f, c, CL, t + MS(10), 0x12, 40, &rng);
	f.pk[f.n - 1].mut = MUT_UDP_LEN;
	usend_fill(&f, c, SV, t + MS(11), 0x12, 100, &rng);
	fx_write(&f, "truncated_frames", 0);
	fx_free(&f);
}

/* Traffic scrapewatch skips rather than accounts. */
static void fx_skipped(const char *dir)
{
	static const uint8_t arp[42] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2,	 0,  0, 0,  0,
		1,    0x08, 0x06, 0,	1,    0x08, 0,	 6,  4, 0,  1,
		2,    0,    0,	  0,	0,    1,    198, 18, 0, 50, 0,
		0,    0,    0,	  0,	0,    198,  18,	 1,  1,
	};
	static const uint8_t lldp[33] = {
		0x01, 0x80, 0xc2, 0,	0,    0x0e, 2, 0, 0, 0, 0, 1,
		0x88, 0xcc, 0x02, 0x07, 0x04, 2,    0, 0, 0, 0, 1, /* chassis ID: MAC */
		0x04, 0x02, 0x07, 0x31, /* port ID: "1" */
		0x06, 0x02, 0x00, 0x78, /* TTL 120 s */
		0x00, 0x00, /* end */
	};
	struct fx f;
	struct ep a4, b4, a6, b6;
	struct pk k;
	struct bres r;
	uint8_t b[FRAME_MAX], icmp[64];
	uint64_t t;
	int i;

	fx_init(&f, dir, 14);
	t = f.t0;
	fx_raw(&f, t, arp, sizeof(arp), sizeof(arp), "non_ip");
	fx_raw(&f, t += MS(1), lldp, sizeof(lldp), sizeof(lldp), "non_ip");

	ep_set(&a4, "198.18.0.50", 0, 0);
	ep_set(&b4, "198.18.1.1", 0, 1);
	ep_set(&a6, "2001:db8::50", 0, 0);
	ep_set(&b6, "2001:db8:1::1", 0, 1);
	memset(icmp, 0, sizeof(icmp));
	for (i = 0; i < 2; i++) { /* echo request and reply */
		memset(&k, 0, sizeof(k));
		k.src = i ? &b4 : &a4;
		k.dst = i ? &a4 : &b4;
		k.proto = IPP_ICMP;
		k.ttl = 64;
		icmp[0] = i ? 0 : 8;
		be16(icmp + 4, 0x4242);
		be16(icmp + 6, 1);
		k.pay = icmp;
		k.paylen = 40;
		r = build(b, LT_ETHER, &k);
		fx_raw(&f, t += MS(1), b, r.len, r.len, "other_l4");
	}
	memset(&k, 0, sizeof(k)); /* ICMPv6 echo request */
	k.src = &a6;
	k.dst = &b6;
	k.proto = IPP_ICMP6;
	k.ttl = 64;
	icmp[0] = 128;
	k.pay = icmp;
	k.paylen = 40;
	r = build(b, LT_ETHER, &k);
	fx_raw(&f, t += MS(1), b, r.len, r.len, "other_l4");

	/* A non-first IPv4 fragment of a UDP datagram whose first fragment
	 * was not captured. */
	r = junk_frame(b, 40, 0, IPP_UDP, 64, NULL, 0, 0);
	be16(b + 14 + 6, 185); /* offset 1480 bytes, no flags */
	b[14 + 10] = b[14 + 11] = 0;
	csum_store(b + 14 + 10, csum_add(0, b + 14, 20), 0);
	fx_raw(&f, t += MS(1), b, r.len, r.len, "ipv4_fragment");
	fx_write(&f, "skipped", 0);
	fx_free(&f);
}

/* A DNS-like exchange and a QUIC-like flow with three request bursts. */
static void fx_udp(const char *dir)
{
	static const uint8_t qname[] = "\x04shop\x07"
				       "example";
	struct fx f;
	struct conn *c;
	uint8_t m[200];
	uint64_t t, rng = 17;
	uint32_t n, i, q, burst;

	fx_init(&f, dir, 15);
	c = conn_new(&f, IPP_UDP, "198.18.0.30", 53000, "198.18.1.53", 53, 0,
		     0);
	t = f.t0;
	for (q = 0; q < 2; q++) { /* A then AAAA, back to back: one turn */
		memset(m, 0, sizeof(m));
		be16(m, 0x1234 + q);
		be16(m + 2, 0x0100);
		be16(m + 4, 1);
		memcpy(m + 12, qname, sizeof(qname));
		n = 12 + sizeof(qname);
		be16(m + n, q ? 28 : 1);
		be16(m + n + 2, 1);
		n += 4;
		usend(&f, c, CL, t + US(50) * q, m, n);
	}
	for (q = 0; q < 2; q++) {
		memset(m, 0, sizeof(m));
		be16(m, 0x1234 + q);
		be16(m + 2, 0x8180);
		be16(m + 4, 1);
		be16(m + 6, 1);
		memcpy(m + 12, qname, sizeof(qname));
		n = 12 + sizeof(qname);
		be16(m + n, q ? 28 : 1);
		be16(m + n + 2, 1);
		n += 4;
		be16(m + n, 0xc00c);
		be16(m + n + 2, q ? 28 : 1);
		be16(m + n + 4, 1);
		be32(m + n + 6, 300);
		if (q) {
			be16(m + n + 10, 16);
			inet_pton(AF_INET6, "2001:db8:1::80", m + n + 12);
			n += 28;
		} else {
			be16(m + n + 10, 4);
			inet_pton(AF_INET, "198.18.1.80", m + n + 12);
			n += 16;
		}
		usend(&f, c, SV, t + US(400) + US(50) * q, m, n);
	}

	/* QUIC-like: in-burst client gaps under 100 ms, bursts 1.5 s and
	 * 2.2 s apart. */
	c = conn_new(&f, IPP_UDP, "198.18.0.31", 50123, "198.18.1.1", 443, 0,
		     0);
	c->rtt = MS(30);
	t += MS(100);
	usend_fill(&f, c, CL, t, 0xc3, 1200, &rng); /* Initial */
	usend_fill(&f, c, SV, t += US(300), 0xc3, 1200, &rng);
	usend_fill(&f, c, SV, t += US(20), 0xe3, 1200, &rng); /* Handshake */
	usend_fill(&f, c, SV, t += US(20), 0xe3, 400, &rng);
	usend_fill(&f, c, CL, t += c->rtt, 0xe3, 90, &rng);
	usend_fill(&f, c, CL, t += US(10), 0x43, 150, &rng); /* 1-RTT */
	for (burst = 0; burst < 3; burst++) {
		static const uint32_t resp[3] = { 4, 6, 3 };

		if (burst) {
			t += burst == 1 ? MS(1500) : MS(2200);
			usend_fill(&f, c, CL, t, 0x43, 130 + 10 * burst, &rng);
		}
		t += MS(1);
		for (i = 0; i < resp[burst]; i++) {
			usend_fill(&f, c, SV, t + i * US(50), 0x43,
				   i + 1 == resp[burst] ? 300 : 1250, &rng);
		}
		for (i = 1; i < resp[burst]; i += 2)
			usend_fill(&f, c, CL, t + i * US(50) + c->rtt, 0x43, 40,
				   &rng);
		t += resp[burst] * US(50) + c->rtt + MS(5);
		usend_fill(&f, c, CL, t, 0x43, 40, &rng);
	}
	fx_write(&f, "udp", 0);
	fx_free(&f);
}

/* Broken files: cut records, not a capture, empty, header only. */
static void fx_broken_files(const char *dir)
{
	struct fx f;
	struct conn *c;
	struct segrec rec[MAX_SEGS];
	struct stat st;
	uint64_t t;
	char *p;
	int n, i;
	static const char text[] = "This is not a capture file.\n"
				   "scrapewatch must refuse it with exit 2.\n";

	for (i = 0; i < 2; i++) {
		const char *name = i ? "truncated_hdr" : "truncated_file";

		fx_init(&f, dir, 16 + i);
		c = conn_new(&f, IPP_TCP, i ? "198.18.0.41" : "198.18.0.40",
			     (uint16_t)(40040 + i), "198.18.1.1", 80,
			     0x40404040, 0x04040404);
		t = hs(&f, c, f.t0);
		app_http_req(c, "GET", "/cut", 300);
		n = send_all(&f, c, CL, t + US(30), US(30), rec);
		got(c, SV);
		app_http_resp(c, 3 * c->mss);
		t = rec[n - 1].t + MS(1);
		for (n = 0; n < 2; n++, t += US(100))
			tsend(&f, c, SV, t, F_ACK, c->sd[SV].hi, c->mss);
		c->sd[CL].rcv = c->sd[SV].hi;
		tctl(&f, c, CL, t + c->rtt, F_ACK);
		/* The last record is unreadable: not part of the truth. */
		c->frozen = 1;
		tsend(&f, c, SV, t + c->rtt + US(50), F_PA, c->sd[SV].hi,
		      c->mss);
		fx_write(&f, name, 0);
		fx_free(&f);
		p = path_join(dir, name, ".pcap");
		if (stat(p, &st) != 0)
			die("%s: %s", p, strerror(errno));
		/* Cut the last record's data (1514 bytes) or header (16). */
		if (truncate(p, st.st_size - (i ? 1514 + 9 : 700)) != 0)
			die("%s: %s", p, strerror(errno));
		free(p);
		write_text(dir, name, ".expect-exit", "1\n", 2);
	}

	write_text(dir, "not_a_capture", ".pcap", text, sizeof(text) - 1);
	write_text(dir, "not_a_capture", ".expect-exit", "2\n", 2);
	write_text(dir, "empty", ".pcap", "", 0);
	write_text(dir, "empty", ".expect-exit", "2\n", 2);

	fx_init(&f, dir, 18);
	fx_write(&f, "header_only", 0);
	fx_free(&f);

	/* A link type scrapewatch does not know: every frame skipped. */
	fx_init(&f, dir, 19);
	small_flows(&f, "198.18.0.42", 40042, "2001:db8::42", 40043, 0);
	for (i = 0; i < (int)f.n; i++)
		f.pk[i].reason = "unknown_linktype";
	f.ncn = 0; /* no flows expected; conns freed below */
	fx_write_ext(&f, "unknown_linktype", FMT_PCAP_US, LT_USER0, 0, 0);
	{
		uint32_t cnt[N_REASONS];

		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < (int)f.n; i++)
			count_reason(cnt, "unknown_linktype");
		write_expect(&f, "unknown_linktype");
		write_stats(dir, "unknown_linktype", cnt);
	}
	f.ncn = 2;
	fx_free(&f);
}

static const char readme[] =
	"<!-- SPDX-License-Identifier: BSD-2-Clause -->\n"
	"# Synthetic fixtures\n"
	"\n"
	"Generated by `tests/gen/sw_pcapgen.c` (`sw_pcapgen fixtures DIR`); do "
	"not edit by hand.\nThe generator is deterministic: regenerating gives "
	"identical bytes.\n"
	"\n"
	"For each capture `NAME.pcap` (or `.pcapng`):\n"
	"\n"
	"- `NAME.expect.json`: the ground truth per TCP/UDP flow, from how the "
	"traffic\n  was built: `source_bytes` (client) and "
	"`destination_bytes` (server) count\n  unique payload bytes sent "
	"within the capture (SYN, FIN and retransmitted\n  bytes excluded); "
	"`turns` counts client requests (TCP: new client payload\n  after "
	"server data; UDP: client packets after a gap of 500 ms or more; in-"
	"burst\n  gaps are under 100 ms and bursts over 1 s apart).\n"
	"- `NAME.expect-stats.json`, where frames are not accounted: counts by "
	"decode\n  reason, malformed ones under `decode_errors`, skipped "
	"traffic under\n  `decode_skipped`. `tcp_bad_option` and `udp_bad_len` "
	"packets are still\n  accounted.\n"
	"- `NAME.expect-exit`, for files that must not exit 0.\n"
	"\n"
	"Addresses are from 198.18.0.0/15 and 2001:db8::/32. Clients are "
	"198.18.0.x or\n2001:db8::x; servers 198.18.1.x or 2001:db8:1::x. "
	"Timestamps start at\n2026-01-01T00:00:00Z, one minute per fixture.\n"
	"\n"
	"| capture | what |\n"
	"|---|---|\n"
	"| http_keepalive | handshake, 3 turns, multi-segment responses, "
	"delayed ACKs, client closes |\n"
	"| http_keepalive_c2s | the same, client-to-server packets only |\n"
	"| passive_close, _c2s | 2 turns, server closes, client FIN acks it |\n"
	"| wraparound | both ISNs near 2^32; SEQ and ACK wrap inside segments |\n"
	"| retransmit | request RTO, dup ACKs + SACK, fast retransmit, TLP "
	"with D-SACK, retransmit carrying new bytes |\n"
	"| reorder | request segments captured in reverse, server segments "
	"1,3,2,4,5 |\n"
	"| midstream | starts inside a TLS flow on 443, first packet "
	"server-to-client, no SYN, no close |\n"
	"| keepalive_probe | keep-alives (0 and 1 byte) both ways, zero-window "
	"probes both ways |\n"
	"| rst | client RST+ACK in the middle of a download |\n"
	"| ipv6_ext | hop-by-hop, dest-options, routing headers; one segment "
	"in two fragments |\n"
	"| vlan_qinq | 802.1Q; 802.1ad+802.1Q; 0x9100+802.1Q (IPv6) |\n"
	"| linktype_{sll,sll2,raw,null,loop} | one IPv4 and one IPv6 flow per "
	"link type |\n"
	"| pcap_nsec, pcapng | nanosecond timestamps; pcapng with if_tsresol=9 |\n"
	"| truncated_frames | one damaged frame per decode error, snap length "
	"96 flow, bad TCP option, bad UDP length |\n"
	"| skipped | ARP, LLDP, ICMP, ICMPv6, non-first IPv4 fragment |\n"
	"| udp | DNS-like A+AAAA exchange; QUIC-like flow with 3 bursts |\n"
	"| truncated_file, truncated_hdr | last record cut in its data or its "
	"header: exit 1 |\n"
	"| not_a_capture, empty | exit 2 |\n"
	"| header_only | a valid file with no packets |\n"
	"| handshake_idle | handshake, 44 s idle, then the client closes |\n"
	"| half_close | server FIN, client half open 5 min, then a TLS "
	"close_notify and the server's RST: one flow |\n"
	"| unknown_linktype | link type 147 (USER0): every frame skipped |\n";

static int cmd_fixtures(const char *dir)
{
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		die("%s: %s", dir, strerror(errno));
	fx_http_keepalive(dir);
	fx_passive_close(dir);
	fx_wraparound(dir);
	fx_retransmit(dir);
	fx_reorder(dir);
	fx_midstream(dir);
	fx_keepalive_probe(dir);
	fx_rst(dir);
	fx_ipv6_ext(dir);
	fx_vlan_qinq(dir);
	fx_linktypes(dir);
	fx_nsec(dir);
	fx_truncated_frames(dir);
	fx_skipped(dir);
	fx_udp(dir);
	fx_broken_files(dir);
	fx_handshake_idle(dir);
	fx_half_close(dir);
	write_text(dir, "README", ".md", readme, sizeof(readme) - 1);
	return 0;
}

/* ------------------------------------------------------------------ */
/* bench: a large capture of interleaved, realistic-looking traffic.  */

struct bench_opts {
	uint64_t packets;
	const char *out;
	uint64_t seed;
	uint32_t concurrency;
	uint32_t snaplen;
};

enum bkind {
	BK_HTTP, /* keep-alive HTTP/1.1, several turns */
	BK_DL, /* one long download */
	BK_QUIC, /* QUIC-like UDP on 443, bursts */
	BK_DNS, /* one query, one answer */
};

enum bphase {
	BP_SYN,
	BP_SYNACK,
	BP_HSACK,
	BP_REQ,
	BP_SACK, /* server's delayed ACK of a slow request */
	BP_DATA, /* response segments merged with the client's ACKs */
	BP_FIN1,
	BP_FIN2,
	BP_LASTACK,
	BP_LAST, /* client RST, or QUIC close: the flow's last packet */
	BP_QINIT,
	BP_QSHS, /* server Initial + Handshake packets */
	BP_QCHS,
	BP_DNSQ,
	BP_DNSR,
};

struct bflow {
	uint64_t t; /* next event, ns from the capture start */
	uint64_t id;
	uint64_t rng;
	uint64_t t_seg0; /* first segment of the current response */
	uint64_t t_after; /* next request or close */
	uint64_t t_retx;
	uint32_t cli;
	uint32_t cseq, sseq; /* next sequence number of each side */
	uint32_t crcv; /* client's cumulative ACK */
	uint32_t rtt_us, srv_us;
	uint32_t seg; /* server payload per packet */
	uint32_t resp_len, resp_hdr, resp_seq0, nseg, k, j, retx_k;
	uint32_t gap_ns;
	uint32_t bw_mbps;
	uint16_t cport, sport;
	uint16_t turns_left;
	uint8_t srv; /* server host number */
	uint8_t kind, phase, sub;
	uint8_t v6, linux_stack;
	uint8_t ttl_c;
	uint8_t close_by; /* 0 client FIN, 1 server FIN, 2 client RST */
	uint8_t final_ack; /* odd last segment: 1 delayed ACK due, 2 sent */
	uint8_t retx;
	uint16_t ipid_c, ipid_s;
};

struct bench {
	struct capw w;
	uint64_t rng;
	uint64_t emitted, target;
	uint64_t next_id;
	uint64_t last_t;
	uint32_t snaplen;
	uint32_t n_cli, n_heavy;
	uint16_t *port; /* next ephemeral port per client */
	struct bflow *fl;
	uint32_t *heap;
	uint32_t nheap;
	uint8_t body[8192]; /* response body text, period 4096 */
	uint8_t noise[4096 + 1500]; /* opaque bytes for QUIC */
	uint8_t scratch[2048];
};

static const char *const b_agents[] = {
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	"(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 "
	"(KHTML, like Gecko) Version/18.1 Safari/605.1.15",
	"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 "
	"Firefox/133.0",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) "
	"AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
	"python-requests/2.32.3",
	"curl/8.11.0",
};

#define B_INF UINT64_MAX

static int b_less(const struct bench *b, uint32_t x, uint32_t y)
{
	const struct bflow *fx = &b->fl[x], *fy = &b->fl[y];

	return fx->t < fy->t || (fx->t == fy->t && fx->id < fy->id);
}

static void b_sift_down(struct bench *b, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i, tmp;

		if (l < b->nheap && b_less(b, b->heap[l], b->heap[m]))
			m = l;
		if (r < b->nheap && b_less(b, b->heap[r], b->heap[m]))
			m = r;
		if (m == i)
			return;
		tmp = b->heap[i];
		b->heap[i] = b->heap[m];
		b->heap[m] = tmp;
		i = m;
	}
}

static void b_eps(const struct bflow *f, struct ep *c, struct ep *s)
{
	memset(c, 0, sizeof(*c));
	memset(s, 0, sizeof(*s));
	c->v6 = s->v6 = f->v6;
	if (f->v6) {
		memcpy(c->ip, "\x20\x01\x0d\xb8\x00\x0c", 6);
		be32(c->ip + 12, f->cli + 1);
		memcpy(s->ip, "\x20\x01\x0d\xb8\x00\x05", 6);
		s->ip[15] = f->srv;
	} else {
		uint32_t a = f->cli + 512; /* 198.18.2.0 and up */

		c->ip[0] = 198;
		c->ip[1] = 18;
		c->ip[2] = (uint8_t)(a >> 8);
		c->ip[3] = (uint8_t)a;
		s->ip[0] = 198;
		s->ip[1] = 19;
		s->ip[2] = 0;
		s->ip[3] = f->srv;
	}
	c->port = f->cport;
	s->port = f->sport;
	memcpy(c->mac, "\x02\x00\x00\x00\x00\x01", 6); /* the edge router */
	memcpy(s->mac, "\x02\x00\x00\x01\x00\x00", 6);
	s->mac[5] = f->srv;
}

static uint32_t b_tsval(uint64_t t, uint32_t base)
{
	return base + (uint32_t)(t / 1000000);
}

/* Write one packet of flow f at f->t. */
static void b_emit(struct bench *b, struct bflow *f, int dir, uint8_t flags,
		   uint32_t seq, uint32_t ack, const uint8_t *pay, uint32_t len)
{
	struct ep ce, se;
	struct pk k;
	struct bres r;
	uint8_t *p, *o;
	uint32_t cap, tsc = (uint32_t)f->id * 2654435761u,
		      tss = tsc ^ 0x5a5a5a5a;

	if (f->t < b->last_t)
		die("bench: time went backwards");
	b->last_t = f->t;
	b_eps(f, &ce, &se);
	memset(&k, 0, offsetof(struct pk, opt));
	k.ts = T_BASE_NS + f->t;
	k.src = dir ? &se : &ce;
	k.dst = dir ? &ce : &se;
	k.dir = (uint8_t)dir;
	k.proto = f->kind == BK_QUIC || f->kind == BK_DNS ? IPP_UDP : IPP_TCP;
	k.flags = flags;
	k.seq = seq;
	k.ack = ack;
	k.ttl = dir ? 64 : f->ttl_c;
	k.ipid = dir ? f->ipid_s++ : f->ipid_c++;
	k.pay = pay;
	k.paylen = len;
	k.raw = NULL;
	k.reason = NULL;
	k.snap = 0;
	k.l2.n = 0;
	o = k.opt;
	if (k.proto == IPP_TCP) {
		int ts = f->linux_stack;
		uint32_t mss = f->v6 ? 1440 : 1460;

		k.win = dir ? 509 : (f->linux_stack ? 502 : 1026);
		if (flags & F_SYN) {
			k.win = dir ? 65160 : (f->linux_stack ? 64240 : 65535);
			*o++ = 2;
			*o++ = 4;
			be16(o, mss);
			o += 2;
			if (!dir && !f->linux_stack) { /* Windows */
				memcpy(o, "\x01\x03\x03\x08\x01\x01\x04\x02",
				       8);
				o += 8;
			} else if (ts) {
				*o++ = 4;
				*o++ = 2;
				*o++ = 8;
				*o++ = 10;
				be32(o, b_tsval(f->t, dir ? tss : tsc));
				be32(o + 4, dir ? b_tsval(f->t, tsc) : 0);
				o += 8;
				memcpy(o, "\x01\x03\x03\x07", 4);
				o += 4;
			} else {
				memcpy(o, "\x01\x01\x04\x02\x01\x03\x03\x07",
				       8);
				o += 8;
			}
		} else if (ts) {
			*o++ = 1;
			*o++ = 1;
			*o++ = 8;
			*o++ = 10;
			be32(o, b_tsval(f->t, dir ? tss : tsc));
			be32(o + 4,
			     b_tsval(f->t - f->t % 1000000, dir ? tsc : tss));
			o += 8;
		}
	}
	k.optlen = (uint8_t)(o - k.opt);
	p = capw_frame(&b->w);
	r = build(p, LT_ETHER, &k);
	cap = r.len;
	if (b->snaplen && cap > b->snaplen)
		cap = b->snaplen;
	capw_commit(&b->w, k.ts, cap, r.len);
	b->emitted++;
}

/* Opaque QUIC-like datagram: hdr byte, connection IDs, noise. */
static const uint8_t *b_quic(struct bench *b, struct bflow *f, uint8_t hdr,
			     uint32_t len)
{
	uint8_t *s = b->scratch;
	uint32_t off = (uint32_t)(rng_next(&f->rng) % 4096);

	memcpy(s, b->noise + off, len);
	s[0] = hdr;
	if (hdr & 0x80) {
		be32(s + 6, (uint32_t)f->id);
		be32(s + 10, f->cport);
		quic_long(s, hdr, len);
	} else {
		be32(s + 1, (uint32_t)f->id);
		be32(s + 5, f->cport);
	}
	return s;
}

static uint32_t b_resp_header(struct bench *b, const struct bflow *f,
			      uint32_t body)
{
	int n = snprintf((char *)b->scratch, sizeof(b->scratch),
			 "HTTP/1.1 200 OK\r\nServer: nginx\r\n"
			 "Content-Type: %s\r\nContent-Length: %" PRIu32
			 "\r\nConnection: keep-alive\r\n"
			 "Cache-Control: max-age=60\r\n\r\n",
			 f->kind == BK_DL ? "application/octet-stream" :
					    "text/html; charset=utf-8",
			 body);

	return (uint32_t)n;
}

/* Payload of response segment i (TCP: HTTP head then body text). */
static const uint8_t *b_segment(struct bench *b, struct bflow *f, uint32_t i,
				uint32_t *len)
{
	uint32_t off = i * f->seg, n = f->resp_len - off;

	if (n > f->seg)
		n = f->seg;
	*len = n;
	if (f->kind == BK_QUIC)
		return b_quic(b, f, 0x43, n);
	if (off >= f->resp_hdr)
		return b->body + (off - f->resp_hdr) % 4096;
	/* The head: regenerate it and append body text. */
	b_resp_header(b, f, f->resp_len - f->resp_hdr);
	memcpy(b->scratch + f->resp_hdr, b->body, n - (f->resp_hdr - off));
	return b->scratch + off;
}

static void b_new_flow(struct bench *b, struct bflow *f, uint64_t t)
{
	uint64_t *r = &b->rng;
	uint32_t cli, pick;
	int heavy = rng_chance(r, 1, 4);

	memset(f, 0, sizeof(*f));
	f->id = b->next_id++;
	f->rng = rng_next(r);
	f->t = t;
	cli = (uint32_t)(heavy ? rng_range(r, 0, b->n_heavy - 1) :
				 rng_range(r, 0, b->n_cli - 1));
	f->cli = cli;
	f->v6 = cli % 7 == 3;
	f->linux_stack = cli % 3 != 0;
	f->ttl_c = (uint8_t)((f->linux_stack ? 64 : 128) - 3 - cli % 17);
	f->cport = b->port[cli];
	b->port[cli] = b->port[cli] >= 60999 ? 32768 : b->port[cli] + 1;
	f->srv = (uint8_t)(1 + rng_range(r, 0, f->v6 ? 3 : 15));
	f->rtt_us = (uint32_t)rng_log(r, 5000, 250000);
	f->srv_us = (uint32_t)rng_range(r, 30, 300);
	f->cseq = (uint32_t)rng_next(r) + 1;
	f->sseq = (uint32_t)rng_next(r) + 1;
	f->ipid_c = (uint16_t)rng_next(r);
	f->ipid_s = (uint16_t)rng_next(r);
	f->close_by = (uint8_t)(rng_range(r, 0, 99) < 60 ? 0 :
				rng_range(r, 0, 99) < 75 ? 1 :
							   2);
	f->seg = (f->v6 ? 1440 : 1460) - (f->linux_stack ? 12 : 0);
	f->bw_mbps = (uint32_t)rng_log(r, 5, 500);
	pick = (uint32_t)rng_range(r, 0, 999);
	if (pick < 785) {
		f->kind = BK_HTTP;
		f->turns_left = (uint16_t)rng_log(r, 1, heavy ? 40 : 12);
	} else if (pick < 790) {
		f->kind = BK_DL;
		f->turns_left = 1;
		f->bw_mbps = (uint32_t)rng_log(r, 20, 1000);
	} else if (pick < 920) {
		f->kind = BK_QUIC;
		f->turns_left = (uint16_t)rng_log(r, 1, 10);
		f->seg = 1252;
	} else {
		f->kind = BK_DNS;
		f->srv = 53;
	}
	switch (f->kind) {
	case BK_HTTP:
	case BK_DL:
		f->sport = 80;
		f->phase = BP_SYN;
		break;
	case BK_QUIC:
		f->sport = 443;
		f->phase = BP_QINIT;
		break;
	default:
		f->sport = 53;
		f->phase = BP_DNSQ;
		break;
	}
	f->gap_ns = (uint32_t)((uint64_t)(f->seg + 78) * 8 * 1000 / f->bw_mbps);
}

/* The next event of the data phase: 0 server segment, 1 client ACK. */
static uint64_t b_data_next(const struct bflow *f, int *which)
{
	uint64_t ts = B_INF, ta = B_INF, rtt = f->rtt_us * 1000ULL;
	uint32_t a = 2 * f->j + 1;

	if (f->retx)
		ts = f->t_retx;
	else if (f->k < f->nseg)
		ts = f->t_seg0 + (uint64_t)f->k * f->gap_ns;
	if (a < f->nseg)
		ta = f->t_seg0 + (uint64_t)a * f->gap_ns + rtt;
	else if (f->final_ack == 1)
		ta = f->t_seg0 + (uint64_t)(f->nseg - 1) * f->gap_ns + rtt +
		     DELACK;
	*which = ta < ts;
	return ta < ts ? ta : ts;
}

/* The request has gone out at f->t: plan the response and what follows. */
static void b_plan_response(struct bench *b, struct bflow *f)
{
	uint64_t *r = &f->rng, think_srv, think, rtt = f->rtt_us * 1000ULL;
	uint32_t body;
	int which;

	switch (f->kind) {
	case BK_DL:
		body = (uint32_t)rng_log(r, 1000000, 20000000);
		think_srv = rng_log(r, US(500), MS(20));
		break;
	case BK_QUIC:
		body = (uint32_t)rng_log(r, 400, 150000);
		think_srv = rng_log(r, US(200), MS(60));
		break;
	default:
		body = (uint32_t)rng_log(r, 200, 200000);
		think_srv = rng_log(r, US(200), MS(80));
		break;
	}
	f->resp_hdr = f->kind == BK_QUIC ? 0 : b_resp_header(b, f, body);
	f->resp_len = f->resp_hdr + body;
	f->resp_seq0 = f->sseq;
	f->nseg = (f->resp_len + f->seg - 1) / f->seg;
	f->k = f->j = 0;
	f->retx = 0;
	f->t_seg0 = f->t + think_srv;
	f->turns_left--;
	if (f->turns_left)
		think = rng_log(r, MS(20), MS(5000));
	else if (f->close_by == 1 && f->kind != BK_QUIC)
		think = rng_log(r, MS(500), MS(3000)); /* server idle timeout */
	else
		think = rng_log(r, MS(1), MS(2000));
	f->final_ack = (f->nseg % 2 && think > DELACK) ? 1 : 0;
	f->t_after =
		f->t_seg0 + (uint64_t)(f->nseg - 1) * f->gap_ns + rtt + think;
	if (f->kind != BK_QUIC && think_srv > DELACK) {
		f->phase = BP_SACK;
		f->t += DELACK;
	} else {
		f->phase = BP_DATA;
		f->t = b_data_next(f, &which);
	}
}

static void b_request(struct bench *b, struct bflow *f)
{
	int n;

	if (f->kind == BK_QUIC) {
		n = (int)rng_range(&f->rng, 60, 300);
		b_emit(b, f, 0, 0, 0, 0, b_quic(b, f, 0x43, (uint32_t)n),
		       (uint32_t)n);
		return;
	}
	f->crcv = f->sseq;
	n = snprintf(
		(char *)b->scratch, sizeof(b->scratch),
		"GET /%s/%" PRIu32 "?page=%" PRIu32 " HTTP/1.1\r\n"
		"Host: www.shop%u.example\r\nUser-Agent: %s\r\n"
		"Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\n"
		"Accept-Language: en-US,en;q=0.9\r\n"
		"Accept-Encoding: gzip, deflate\r\n"
		"Cookie: session=%016llx\r\n"
		"Connection: keep-alive\r\n\r\n",
		f->kind == BK_DL ? "download" : "product",
		(uint32_t)rng_range(&f->rng, 1, 999999),
		(uint32_t)rng_range(&f->rng, 1, 50), f->srv,
		b_agents[f->cli % (sizeof(b_agents) / sizeof(b_agents[0]))],
		(unsigned long long)f->cli * 0x9e3779b97f4a7c15ULL);
	b_emit(b, f, 0, F_PA, f->cseq, f->crcv, b->scratch, (uint32_t)n);
	f->cseq += (uint32_t)n;
}

/* After the response, done at now: the next request or the close. */
static void b_after_data(struct bflow *f, uint64_t now)
{
	f->t = f->t_after > now ? f->t_after : now;
	if (f->turns_left)
		f->phase = BP_REQ;
	else if (f->kind == BK_QUIC || f->close_by == 2)
		f->phase = BP_LAST;
	else
		f->phase = BP_FIN1;
}

/* Emit flow f's packet due now and schedule its next one. */
static void b_step(struct bench *b, struct bflow *f)
{
	uint64_t rtt = f->rtt_us * 1000ULL, srv = f->srv_us * 1000ULL, now;
	const uint8_t *pay;
	uint32_t len, ack;
	int which, done = 0;

	switch (f->phase) {
	case BP_SYN:
		b_emit(b, f, 0, F_SYN, f->cseq - 1, 0, NULL, 0);
		f->phase = BP_SYNACK;
		f->t += srv;
		break;
	case BP_SYNACK:
		b_emit(b, f, 1, F_SYN | F_ACK, f->sseq - 1, f->cseq, NULL, 0);
		f->phase = BP_HSACK;
		f->t += rtt;
		break;
	case BP_HSACK:
		f->crcv = f->sseq;
		b_emit(b, f, 0, F_ACK, f->cseq, f->crcv, NULL, 0);
		f->phase = BP_REQ;
		f->t += rng_range(&f->rng, US(10), US(200));
		break;
	case BP_REQ:
		b_request(b, f);
		b_plan_response(b, f);
		break;
	case BP_SACK:
		b_emit(b, f, 1, F_ACK, f->sseq, f->cseq, NULL, 0);
		f->phase = BP_DATA;
		f->t = b_data_next(f, &which);
		break;
	case BP_DATA:
		now = f->t;
		b_data_next(f, &which);
		if (!which) {
			uint32_t i = f->retx ? f->retx_k : f->k;
			uint32_t seq = f->resp_seq0 + i * f->seg;

			pay = b_segment(b, f, i, &len);
			b_emit(b, f, 1, i + 1 == f->nseg ? F_PA : F_ACK, seq,
			       f->cseq, pay, len);
			if (f->retx) {
				f->retx = 0;
			} else {
				f->k++;
				if (f->k >= 3 && f->k < f->nseg &&
				    rng_chance(&f->rng, 1, 1500)) {
					f->retx = 1;
					f->retx_k = f->k - 3;
					f->t_retx = f->t + f->gap_ns / 2;
				}
			}
			if (i + 1 == f->nseg && f->kind != BK_QUIC)
				f->sseq = f->resp_seq0 + f->resp_len;
		} else {
			uint32_t a = 2 * f->j + 1;

			if (a < f->nseg) {
				ack = (a + 1) * f->seg;
				f->j++;
			} else {
				ack = f->resp_len;
				f->final_ack = 2;
			}
			if (ack > f->resp_len)
				ack = f->resp_len;
			if (f->kind == BK_QUIC) {
				b_emit(b, f, 0, 0, 0, 0, b_quic(b, f, 0x43, 40),
				       40);
			} else {
				f->crcv = f->resp_seq0 + ack;
				b_emit(b, f, 0, F_ACK, f->cseq, f->crcv, NULL,
				       0);
			}
		}
		f->t = b_data_next(f, &which);
		if (f->t == B_INF)
			b_after_data(f, now);
		break;
	case BP_FIN1:
		f->crcv = f->sseq;
		if (f->close_by == 0) {
			b_emit(b, f, 0, F_FIN | F_ACK, f->cseq, f->crcv, NULL,
			       0);
			f->cseq++;
			f->t += srv;
		} else {
			b_emit(b, f, 1, F_FIN | F_ACK, f->sseq, f->cseq, NULL,
			       0);
			f->sseq++;
			f->t += rtt;
		}
		f->phase = BP_FIN2;
		break;
	case BP_FIN2:
		if (f->close_by == 0) {
			b_emit(b, f, 1, F_FIN | F_ACK, f->sseq, f->cseq, NULL,
			       0);
			f->sseq++;
			f->t += rtt;
		} else {
			b_emit(b, f, 0, F_FIN | F_ACK, f->cseq, f->sseq, NULL,
			       0);
			f->cseq++;
			f->t += srv;
		}
		f->phase = BP_LASTACK;
		break;
	case BP_LASTACK:
		if (f->close_by == 0)
			b_emit(b, f, 0, F_ACK, f->cseq, f->sseq, NULL, 0);
		else
			b_emit(b, f, 1, F_ACK, f->sseq, f->cseq, NULL, 0);
		done = 1;
		break;
	case BP_LAST:
		if (f->kind == BK_QUIC)
			b_emit(b, f, 0, 0, 0, 0, b_quic(b, f, 0x43, 40), 40);
		else
			b_emit(b, f, 0, F_RST | F_ACK, f->cseq, f->sseq, NULL,
			       0);
		done = 1;
		break;
	case BP_QINIT:
		b_emit(b, f, 0, 0, 0, 0, b_quic(b, f, 0xc3, 1200), 1200);
		f->phase = BP_QSHS;
		f->sub = 0;
		f->t += srv;
		break;
	case BP_QSHS:
		len = f->sub == 2 ? 450 : 1200;
		b_emit(b, f, 1, 0, 0, 0,
		       b_quic(b, f, f->sub ? 0xe3 : 0xc3, len), len);
		if (++f->sub == 3) {
			f->phase = BP_QCHS;
			f->t += rtt;
		} else {
			f->t += US(20);
		}
		break;
	case BP_QCHS:
		b_emit(b, f, 0, 0, 0, 0, b_quic(b, f, 0xe3, 90), 90);
		f->phase = BP_REQ;
		f->t += US(10);
		break;
	case BP_DNSQ:
	case BP_DNSR: {
		uint8_t *m = b->scratch;
		int n;

		memset(m, 0, 12);
		be16(m, (uint16_t)f->id);
		be16(m + 2, f->phase == BP_DNSQ ? 0x0100 : 0x8180);
		be16(m + 4, 1);
		be16(m + 6, f->phase == BP_DNSQ ? 0 : 1);
		n = sprintf((char *)m + 12, "%cwww%cshop%u%cexample", 3,
			    (char)(5 + (f->cli % 1000 >= 100) +
				   (f->cli % 1000 >= 10)),
			    (unsigned)(f->cli % 1000), 7);
		n += 13; /* labels + root */
		be16(m + n, 1);
		be16(m + n + 2, 1);
		n += 4;
		if (f->phase == BP_DNSR) {
			be16(m + n, 0xc00c);
			be16(m + n + 2, 1);
			be16(m + n + 4, 1);
			be32(m + n + 6, 300);
			be16(m + n + 10, 4);
			memcpy(m + n + 12, "\xc6\x13\x00\x01", 4);
			n += 16;
		}
		b_emit(b, f, f->phase == BP_DNSR, 0, 0, 0, m, (uint32_t)n);
		if (f->phase == BP_DNSR) {
			done = 1;
		} else {
			f->phase = BP_DNSR;
			f->t += rng_log(&f->rng, US(200), MS(30));
		}
		break;
	}
	}
	if (done)
		b_new_flow(b, f, f->t + rng_log(&b->rng, US(10), MS(200)));
}

static int cmd_bench(const struct bench_opts *o)
{
	struct bench *b = xmalloc(sizeof(*b));
	uint32_t i;

	memset(b, 0, sizeof(*b));
	b->rng = o->seed * 0x2545f4914f6cdd1dULL + 0x1234567;
	b->target = o->packets;
	b->snaplen = o->snaplen;
	b->n_cli =
		o->concurrency * 2 / 5 < 1000 ? 1000 : o->concurrency * 2 / 5;
	if (b->n_cli > 60000)
		b->n_cli = 60000;
	b->n_heavy = b->n_cli / 100;
	b->port = xmalloc(b->n_cli * sizeof(*b->port));
	for (i = 0; i < b->n_cli; i++)
		b->port[i] = (uint16_t)(32768 + (i * 7919u) % 28000);
	for (i = 0; i < sizeof(b->body); i++) {
		static const char txt[] =
			"<div class=\"product\"><h2>Item</h2><span class=\"price\">"
			"19.99</span><p>In stock. Ships in 2 days.</p></div>\n";

		b->body[i] = (uint8_t)txt[(i % 4096) % (sizeof(txt) - 1)];
	}
	for (i = 0; i < sizeof(b->noise); i++)
		b->noise[i] = (uint8_t)rng_next(&b->rng);

	b->nheap = o->concurrency;
	b->fl = xmalloc(b->nheap * sizeof(*b->fl));
	b->heap = xmalloc(b->nheap * sizeof(*b->heap));
	for (i = 0; i < b->nheap; i++) {
		b_new_flow(b, &b->fl[i], rng_range(&b->rng, 0, MS(2000)));
		b->heap[i] = i;
	}
	for (i = b->nheap / 2 + 1; i-- > 0;)
		b_sift_down(b, i);

	capw_open(&b->w, o->out, FMT_PCAP_US, LT_ETHER,
		  o->snaplen ? o->snaplen : 262144);
	while (b->emitted < b->target) {
		b_step(b, &b->fl[b->heap[0]]);
		b_sift_down(b, 0);
	}
	capw_close(&b->w);
	free(b->port);
	free(b->fl);
	free(b->heap);
	free(b);
	return 0;
}

static void usage(void)
{
	fputs("usage: sw_pcapgen fixtures DIR\n"
	      "       sw_pcapgen bench --packets N --out FILE [--seed S]\n"
	      "                        [--concurrency C] [--snaplen N]\n",
	      stderr);
	exit(2);
}

static uint64_t parse_u64(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-')
		die("bad %s: %s", what, s);
	return v;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "fixtures"))
		return cmd_fixtures(argv[2]);
	if (argc >= 2 && !strcmp(argv[1], "bench")) {
		struct bench_opts o = { 0, NULL, 1, 20000, 0 };
		int i;

		for (i = 2; i + 1 < argc; i += 2) {
			if (!strcmp(argv[i], "--packets"))
				o.packets = parse_u64(argv[i + 1], "--packets");
			else if (!strcmp(argv[i], "--out"))
				o.out = argv[i + 1];
			else if (!strcmp(argv[i], "--seed"))
				o.seed = parse_u64(argv[i + 1], "--seed");
			else if (!strcmp(argv[i], "--concurrency"))
				o.concurrency = (uint32_t)parse_u64(
					argv[i + 1], "--concurrency");
			else if (!strcmp(argv[i], "--snaplen"))
				o.snaplen = (uint32_t)parse_u64(argv[i + 1],
								"--snaplen");
			else
				usage();
		}
		if (i != argc || !o.out || !o.packets || !o.concurrency)
			usage();
		return cmd_bench(&o);
	}
	usage();
}
