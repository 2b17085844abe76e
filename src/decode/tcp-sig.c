// SPDX-License-Identifier: BSD-2-Clause
/*
 * TCP SYN and SYN+ACK signatures in p0f v3's raw_sig form. The format is
 * the one documented in p0f's README; the finer points (how options are
 * parsed when malformed, which window divisors are tried and in what order,
 * when the TTL distance is unknown) were established by feeding crafted
 * packets to p0f 3.09b and reading its log. Each rule below says what p0f
 * was seen to do; tests/fixtures/tcpsig holds the packets that show it.
 *
 * The options are re-read from the packet rather than taken from
 * struct sw_tcp_opts, because p0f's reading of malformed options (fixed
 * option sizes whatever the length byte says, a 24-option limit) differs
 * from the decoder's.
 */
#include <errno.h>
#include <string.h>

#include "base/decimal.h"
#include "scrapewatch/flow_acct.h"
#include "decode-int.h"
#include "tcp-sig.h"

enum {
	TCP_FLAG_FIN = 0x01,
	TCP_FLAG_SYN = 0x02,
	TCP_FLAG_RST = 0x04,
	TCP_FLAG_PSH = 0x08,
	TCP_FLAG_ACK = 0x10,
	TCP_FLAG_URG = 0x20,
	TCP_FLAG_ECE = 0x40,
	TCP_FLAG_CWR = 0x80,
	TCP_RES_NS = 0x01, /* RFC 3540 nonce sum, low bit of byte 12 */
	IP_ECN_MASK = 0x03,
	IPV4_HDR_MIN = 20,
	IPV6_HDR = 40,
	TCP_HDR_MIN = 20,
};

/* p0f keeps at most this many options; one more makes the options "bad". */
#define TCP_SIG_OPT_MAX 24
/* p0f gives up on the distance, printing "ttl+?", beyond this many hops. */
#define TCP_SIG_DIST_MAX 35
/* Below this MSS p0f does not express the window as a multiple. */
#define TCP_SIG_MSS_MULT_MIN 100
/* Largest window multiplier p0f prints. */
#define TCP_SIG_MULT_MAX 32767
/* Bytes some stacks take off the MSS for the timestamp option. */
#define TCP_SIG_TS_OPT_LEN 12
/* The common Ethernet MTU, and the MSS it gives with bare headers. */
#define TCP_SIG_ETH_MTU 1500

/* SACK blocks: 1 to 4 of 8 bytes each, after kind and length. */
#define TCP_SIG_SACK_LEN_MIN 10
#define TCP_SIG_SACK_LEN_MAX 34

/* Largest window scale shift allowed by RFC 7323. */
#define TCP_SIG_WSCALE_MAX 14

struct tcp_sig_opts {
	uint8_t kind[TCP_SIG_OPT_MAX];
	uint8_t count;
	uint8_t eol_pad; /* bytes after EOL, if the last kind is EOL */
	uint8_t wscale;
	uint8_t has_ts;
	uint16_t mss;
	uint32_t ts1; /* own timestamp of the last timestamp option */
	uint32_t quirks;
};

/* A bounded appender: records overflow rather than truncating silently. */
struct tcp_sig_buf {
	char *p;
	size_t len;
	size_t off;
	int full;
};

/* Typed appenders: vsnprintf per field cost as much as the rest of the
 * signature, and strlen plus memcpy per piece (a signature has about 30)
 * still cost more than writing the bytes. The buffer stays NUL-terminated
 * while nothing overflows; overflow sets full and the caller then drops
 * the whole signature. */
static void sig_char(struct tcp_sig_buf *b, char c)
{
	if (b->full || b->len - b->off < 2) {
		b->full = 1;
		return;
	}
	b->p[b->off++] = c;
	b->p[b->off] = '\0';
}

static void sig_str(struct tcp_sig_buf *b, const char *str)
{
	size_t off = b->off;

	if (b->full)
		return;
	for (; *str; str++) {
		if (b->len - off < 2) {
			b->full = 1;
			return;
		}
		b->p[off++] = *str;
	}
	b->p[off] = '\0';
	b->off = off;
}

static void sig_uint(struct tcp_sig_buf *b, unsigned int v)
{
	char t[SW_U64_DEC_LEN];

	sig_str(b, sw_u64_dec(t, v));
}

/*
 * The TCP header of a decoded packet. sw_decode() leaves payload pointing
 * just past it, inside the caller's frame.
 */
static const uint8_t *tcp_sig_tcp_hdr(const struct sw_packet *pkt)
{
	const uint8_t *tcp;

	if (!pkt->payload || pkt->tcp_doff < TCP_HDR_MIN)
		return NULL;
	tcp = pkt->payload - pkt->tcp_doff;
	if (pkt->frame && tcp < pkt->frame)
		return NULL;
	return tcp;
}

/*
 * The IPv4 reserved ("evil") flag is not kept by the decoder. IPv4 puts the
 * TCP header right after its own, so it is read back from the frame, and
 * only when the header found there agrees with the decoded one.
 */
static int tcp_sig_ipv4_mbz(const struct sw_packet *pkt, const uint8_t *tcp)
{
	uint32_t ihl = IPV4_HDR_MIN + pkt->ip_opt_len;
	const uint8_t *ip;

	if (!pkt->frame || (size_t)(tcp - pkt->frame) < ihl)
		return 0;
	ip = tcp - ihl;
	if (ip[0] != (0x40 | ihl / 4) || ip[8] != pkt->ttl)
		return 0;
	return (ip[6] & 0x80) != 0;
}

/*
 * Options as p0f reads them: MSS, window scale, SACK-permitted and
 * timestamps have fixed sizes (4, 3, 2, 10) and a wrong length byte is
 * flagged "bad" but otherwise ignored; SACK and unknown options are
 * skipped by their length byte (SACK only from 10 to 34). An option that
 * does not fit, or a 25th option, is "bad" and ends the parse. After EOL,
 * every byte but the very last is checked for non-zero data ("opt+"):
 * p0f 3.09b does not look at the final byte.
 */
static void tcp_sig_parse_opts(const uint8_t *o, uint32_t len, int syn_only,
			       struct tcp_sig_opts *t)
{
	static const uint8_t fixed_len[] = {
		[SW_TCPOPT_MSS] = 4,
		[SW_TCPOPT_WSCALE] = 3,
		[SW_TCPOPT_SACK_PERM] = 2,
		[SW_TCPOPT_TS] = 10,
	};
	uint32_t i = 0, need, j;
	uint8_t kind;

	while (i < len) {
		if (t->count == TCP_SIG_OPT_MAX) {
			t->quirks |= SW_TCP_Q_OPT_BAD;
			return;
		}
		kind = o[i];
		t->kind[t->count++] = kind;

		switch (kind) {
		case SW_TCPOPT_EOL:
			t->eol_pad = (uint8_t)(len - i - 1);
			for (j = i + 1; j + 1 < len; j++)
				if (o[j])
					t->quirks |= SW_TCP_Q_OPT_TRAIL;
			return;
		case SW_TCPOPT_NOP:
			i++;
			continue;
		case SW_TCPOPT_MSS:
		case SW_TCPOPT_WSCALE:
		case SW_TCPOPT_SACK_PERM:
		case SW_TCPOPT_TS:
			need = fixed_len[kind];
			if (len - i < need) {
				t->quirks |= SW_TCP_Q_OPT_BAD;
				return;
			}
			if (o[i + 1] != need)
				t->quirks |= SW_TCP_Q_OPT_BAD;
			break;
		case SW_TCPOPT_SACK:
			if (len - i < 2 || o[i + 1] < TCP_SIG_SACK_LEN_MIN ||
			    o[i + 1] > TCP_SIG_SACK_LEN_MAX ||
			    o[i + 1] > len - i) {
				t->quirks |= SW_TCP_Q_OPT_BAD;
				return;
			}
			need = o[i + 1];
			break;
		default:
			if (len - i < 2 || o[i + 1] < 2 || o[i + 1] > len - i) {
				t->quirks |= SW_TCP_Q_OPT_BAD;
				return;
			}
			need = o[i + 1];
			break;
		}

		switch (kind) {
		case SW_TCPOPT_MSS:
			t->mss = sw_rd16(o + i + 2);
			break;
		case SW_TCPOPT_WSCALE:
			t->wscale = o[i + 2];
			if (t->wscale > TCP_SIG_WSCALE_MAX)
				t->quirks |= SW_TCP_Q_EXWS;
			break;
		case SW_TCPOPT_TS:
			t->has_ts = 1;
			t->ts1 = sw_rd32(o + i + 2);
			if (!t->ts1)
				t->quirks |= SW_TCP_Q_TS1_ZERO;
			/* A SYN+ACK echoes the client's clock; a SYN has
			 * nothing to echo. */
			if (syn_only && sw_rd32(o + i + 6))
				t->quirks |= SW_TCP_Q_TS2_NZ;
			break;
		default:
			break;
		}
		i += need;
	}
}

static int tcp_sig_opts_read(const struct sw_packet *pkt,
			     struct tcp_sig_opts *t)
{
	const uint8_t *tcp = tcp_sig_tcp_hdr(pkt);

	memset(t, 0, sizeof(*t));
	if (!tcp)
		return -EINVAL;
	tcp_sig_parse_opts(tcp + TCP_HDR_MIN, pkt->tcp_doff - TCP_HDR_MIN,
			   !(pkt->tcp_flags & TCP_FLAG_ACK), t);
	return 0;
}

uint16_t sw_tcp_sig_mss(const struct sw_packet *pkt)
{
	struct tcp_sig_opts t;

	if (pkt->proto != SW_IPPROTO_TCP || tcp_sig_opts_read(pkt, &t))
		return 0;
	return t.mss;
}

static uint32_t tcp_sig_quirks(const struct sw_packet *pkt)
{
	uint8_t fl = pkt->tcp_flags;
	uint32_t q = 0;

	if (pkt->family == SW_FAMILY_IPV4) {
		if (pkt->ip_df) {
			q |= SW_TCP_Q_DF;
			if (pkt->ip_id)
				q |= SW_TCP_Q_NZ_ID;
		} else if (!pkt->ip_id) {
			q |= SW_TCP_Q_ZERO_ID;
		}
		if (tcp_sig_ipv4_mbz(pkt, tcp_sig_tcp_hdr(pkt)))
			q |= SW_TCP_Q_NZ_MBZ;
	} else if (pkt->ip6_flow) {
		q |= SW_TCP_Q_FLOW;
	}
	if ((pkt->tos & IP_ECN_MASK) || (fl & (TCP_FLAG_ECE | TCP_FLAG_CWR)) ||
	    (pkt->tcp_res & TCP_RES_NS))
		q |= SW_TCP_Q_ECN;

	if (!pkt->seq)
		q |= SW_TCP_Q_ZERO_SEQ;
	if (fl & TCP_FLAG_ACK) {
		if (!pkt->ack)
			q |= SW_TCP_Q_ZERO_ACK;
	} else if (pkt->ack & (1u << 24)) {
		/*
		 * p0f 3.09b means "ack number not zero" but tests one bit of
		 * the number as loaded from the wire: on the little-endian
		 * hosts it runs on, the low bit of the first byte, that is
		 * bit 24. Matching p0f means flagging exactly that.
		 */
		q |= SW_TCP_Q_NZ_ACK;
	}
	if (fl & TCP_FLAG_URG)
		q |= SW_TCP_Q_URG;
	else if (pkt->tcp_urg)
		q |= SW_TCP_Q_NZ_URG;
	if (fl & TCP_FLAG_PSH)
		q |= SW_TCP_Q_PUSH;
	return q;
}

static const char *const tcp_sig_quirk_names[] = {
	"df",	"id+",	"id-",	"ecn",	 "0+",	  "flow",
	"seq-", "ack+", "ack-", "uptr+", "urgf+", "pushf+",
	"ts1-", "ts2+", "opt+", "exws",	 "bad",
};
_Static_assert(sizeof(tcp_sig_quirk_names) / sizeof(*tcp_sig_quirk_names) ==
		       __builtin_ctz(SW_TCP_Q_OPT_BAD) + 1,
	       "a name for every quirk bit");

/*
 * Initial TTL: the smallest of 32, 64, 128 and 255 not below the observed
 * TTL, and the hops in between. p0f calls more than 35 hops unknown.
 */
static void tcp_sig_ttl(uint8_t ttl, uint8_t *ittl, int16_t *dist)
{
	uint8_t guess = ttl <= 32  ? 32 :
			ttl <= 64  ? 64 :
			ttl <= 128 ? 128 :
				     255;

	*dist = (int16_t)(guess - ttl);
	*ittl = guess;
	if (*dist > TCP_SIG_DIST_MAX) {
		*dist = -1;
		*ittl = 0;
	}
}

/*
 * The window as p0f writes it: "mss*N" or "mtu*N" when a divisor below
 * divides it, else the number. Divisors are tried in this order, the first
 * that divides wins, and none at all when the window is zero or the MSS is
 * under 100:
 *   mss; mss - 12 if the own timestamp is non-zero; 1460 and 1448 (the MSS
 *   of a 1500-byte IPv4 MTU, without and with timestamps); for IPv6 also
 *   1440 and 1428: these print as "mss".
 *   mss + 40; mss + the packet's actual IP and TCP header size; for IPv6
 *   mss + 60; 1500: these print as "mtu".
 *   For a SYN+ACK, the client's MSS and that minus 12: "mss".
 * p0f keeps the multiplier in a signed 16-bit value: a first matching
 * divisor giving more than 32767 (only a client MSS of 1 can) leaves the
 * window as a number.
 */
static void tcp_sig_put_window(struct tcp_sig_buf *b,
			       const struct sw_packet *pkt,
			       const struct tcp_sig_opts *t, uint16_t syn_mss)
{
	uint32_t win = pkt->tcp_window, mss = t->mss, hdr;
	uint32_t div[12];
	const char *unit[12];
	size_t n = 0, i;

	if (!win || mss < TCP_SIG_MSS_MULT_MIN) {
		sig_uint(b, win);
		return;
	}
	hdr = (pkt->family == SW_FAMILY_IPV4 ? IPV4_HDR_MIN + pkt->ip_opt_len :
					       IPV6_HDR) +
	      pkt->tcp_doff;

#define TCP_SIG_DIV(d, u)        \
	do {                     \
		div[n] = (d);    \
		unit[n++] = (u); \
	} while (0)
	TCP_SIG_DIV(mss, "mss");
	if (t->has_ts && t->ts1)
		TCP_SIG_DIV(mss - TCP_SIG_TS_OPT_LEN, "mss");
	TCP_SIG_DIV(TCP_SIG_ETH_MTU - IPV4_HDR_MIN - TCP_HDR_MIN, "mss");
	TCP_SIG_DIV(TCP_SIG_ETH_MTU - IPV4_HDR_MIN - TCP_HDR_MIN -
			    TCP_SIG_TS_OPT_LEN,
		    "mss");
	if (pkt->family == SW_FAMILY_IPV6) {
		TCP_SIG_DIV(TCP_SIG_ETH_MTU - IPV6_HDR - TCP_HDR_MIN, "mss");
		TCP_SIG_DIV(TCP_SIG_ETH_MTU - IPV6_HDR - TCP_HDR_MIN -
				    TCP_SIG_TS_OPT_LEN,
			    "mss");
	}
	TCP_SIG_DIV(mss + IPV4_HDR_MIN + TCP_HDR_MIN, "mtu");
	TCP_SIG_DIV(mss + hdr, "mtu");
	if (pkt->family == SW_FAMILY_IPV6)
		TCP_SIG_DIV(mss + IPV6_HDR + TCP_HDR_MIN, "mtu");
	TCP_SIG_DIV(TCP_SIG_ETH_MTU, "mtu");
	if (syn_mss) {
		TCP_SIG_DIV(syn_mss, "mss");
		if (syn_mss > TCP_SIG_TS_OPT_LEN)
			TCP_SIG_DIV(syn_mss - TCP_SIG_TS_OPT_LEN, "mss");
	}
#undef TCP_SIG_DIV

	for (i = 0; i < n; i++) {
		if (win % div[i])
			continue;
		if (win / div[i] <= TCP_SIG_MULT_MAX) {
			sig_str(b, unit[i]);
			sig_char(b, '*');
			sig_uint(b, win / div[i]);
		} else {
			sig_uint(b, win);
		}
		return;
	}
	sig_uint(b, win);
}

static void tcp_sig_put_layout(struct tcp_sig_buf *b,
			       const struct tcp_sig_opts *t)
{
	static const char *const names[] = {
		[SW_TCPOPT_NOP] = "nop",   [SW_TCPOPT_MSS] = "mss",
		[SW_TCPOPT_WSCALE] = "ws", [SW_TCPOPT_SACK_PERM] = "sok",
		[SW_TCPOPT_SACK] = "sack", [SW_TCPOPT_TS] = "ts",
	};
	uint8_t i, k;

	for (i = 0; i < t->count; i++) {
		k = t->kind[i];
		if (i)
			sig_char(b, ',');
		if (k == SW_TCPOPT_EOL) {
			sig_str(b, "eol+");
			sig_uint(b, t->eol_pad);
		} else if (k < sizeof(names) / sizeof(names[0]) && names[k]) {
			sig_str(b, names[k]);
		} else {
			sig_char(b, '?');
			sig_uint(b, k);
		}
	}
}

/* Strip prefix p from *s; 1 if it was there. */
static int tcp_sig_eat(const char **s, const char *p)
{
	size_t n = strlen(p);

	if (strncmp(*s, p, n))
		return 0;
	*s += n;
	return 1;
}

/*
 * A coarse OS class from facts that the stacks document or that are plain
 * in their source, not from a fingerprint database:
 * - Initial TTL: Linux, the BSDs and Apple's systems start at 64 (Linux
 *   net.ipv4.ip_default_ttl, BSD net.inet.ip.ttl); Windows starts at 128
 *   (its DefaultTTL registry value). Network gear and Solaris use 255.
 * - Option order: Linux writes MSS, then SACK-permitted and timestamps
 *   ("sok,ts", or either one after two NOPs), then window scale after one
 *   NOP, and no EOL (tcp_options_write() in net/ipv4/tcp_output.c).
 *   Darwin (macOS, iOS) writes MSS, window scale, timestamps, then
 *   SACK-permitted and ends with EOL (tcp_output.c in Apple's xnu).
 *   FreeBSD writes MSS, window scale, SACK-permitted, timestamps; OpenBSD
 *   MSS, SACK-permitted, window scale, timestamps, each NOP-padded.
 *   Windows writes MSS, window scale and then SACK-permitted.
 * Anything else, including option-less SYNs from packet crafters, is
 * "other". This is a hint for the detection stage, not an identification.
 */
static const char *tcp_sig_os_class(uint8_t ittl, const char *layout)
{
	const char *s = layout;

	if (!tcp_sig_eat(&s, "mss"))
		return "other";
	if (ittl == 128)
		return "windows";
	if (ittl != 64)
		return "other";

	if (!strcmp(s, ",nop,ws,nop,nop,ts,sok,eol+1") ||
	    !strcmp(s, ",nop,ws,sok,eol+1") ||
	    !strcmp(s, ",nop,ws,sok,ts,eol+1"))
		return "macos/ios";
	if (!strcmp(s, ",nop,ws,sok,ts") ||
	    !strcmp(s, ",nop,nop,sok,nop,ws,nop,nop,ts"))
		return "bsd";

	if (!tcp_sig_eat(&s, ",sok,ts"))
		if (!tcp_sig_eat(&s, ",nop,nop,sok"))
			tcp_sig_eat(&s, ",nop,nop,ts");
	tcp_sig_eat(&s, ",nop,ws");
	return *s ? "other" : "linux";
}

int sw_tcp_sig_format_reply(const struct sw_packet *pkt, uint16_t syn_mss,
			    char *buf, size_t len, struct sw_tcp_sig_info *info)
{
	struct tcp_sig_buf b = { .p = buf, .len = len };
	struct tcp_sig_opts t;
	size_t layout_off, i;
	uint8_t ittl;
	int16_t dist;
	uint32_t q;
	int first = 1;

	if (!pkt || !buf || !len)
		return -EINVAL;
	buf[0] = '\0';
	if (pkt->proto != SW_IPPROTO_TCP || !(pkt->tcp_flags & TCP_FLAG_SYN) ||
	    (pkt->tcp_flags & (TCP_FLAG_FIN | TCP_FLAG_RST)))
		return -EINVAL;
	if (pkt->family != SW_FAMILY_IPV4 && pkt->family != SW_FAMILY_IPV6)
		return -EINVAL;
	if (tcp_sig_opts_read(pkt, &t))
		return -EINVAL;
	if (!(pkt->tcp_flags & TCP_FLAG_ACK))
		syn_mss = 0;

	q = tcp_sig_quirks(pkt) | t.quirks;
	tcp_sig_ttl(pkt->ttl, &ittl, &dist);

	sig_str(&b, pkt->family == SW_FAMILY_IPV4 ? "4:" : "6:");
	sig_uint(&b, pkt->ttl);
	sig_char(&b, '+');
	if (dist < 0)
		sig_char(&b, '?');
	else
		sig_uint(&b, (unsigned int)dist);
	/* IPv6 extension headers are not counted: p0f prints 0 for IPv6. */
	sig_char(&b, ':');
	sig_uint(&b, pkt->family == SW_FAMILY_IPV4 ? pkt->ip_opt_len : 0);
	sig_char(&b, ':');
	sig_uint(&b, t.mss);
	sig_char(&b, ':');
	tcp_sig_put_window(&b, pkt, &t, syn_mss);
	sig_char(&b, ',');
	sig_uint(&b, t.wscale);
	sig_char(&b, ':');
	layout_off = b.off;
	tcp_sig_put_layout(&b, &t);
	sig_char(&b, ':');
	for (i = 0;
	     i < sizeof(tcp_sig_quirk_names) / sizeof(*tcp_sig_quirk_names);
	     i++) {
		if (!(q & (1u << i)))
			continue;
		if (!first)
			sig_char(&b, ',');
		sig_str(&b, tcp_sig_quirk_names[i]);
		first = 0;
	}
	sig_str(&b, pkt->payload_len ? ":+" : ":0");
	if (b.full) {
		buf[0] = '\0';
		return -ENOSPC;
	}

	if (info) {
		char layout[SW_TCP_SIG_MAX];
		const char *end = strchr(buf + layout_off, ':');
		size_t n = (size_t)(end - (buf + layout_off));

		memcpy(layout, buf + layout_off, n);
		layout[n] = '\0';
		memset(info, 0, sizeof(*info));
		info->ittl = ittl;
		info->distance = dist;
		info->server = (pkt->tcp_flags & TCP_FLAG_ACK) != 0;
		info->mss = t.mss;
		info->wscale = t.wscale;
		info->olen =
			pkt->family == SW_FAMILY_IPV4 ? pkt->ip_opt_len : 0;
		info->quirks = q;
		info->os_class = tcp_sig_os_class(ittl, layout);
	}
	return 0;
}

int sw_tcp_sig_format(const struct sw_packet *pkt, char *buf, size_t len,
		      struct sw_tcp_sig_info *info)
{
	return sw_tcp_sig_format_reply(pkt, 0, buf, len, info);
}
