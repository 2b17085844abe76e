// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of the L2-L4 decoders in src/decode/: every link type, VLAN
 * stacks, IPv4 options and fragments, the IPv6 extension-header chain, TCP
 * options, UDP, snap-length captures, one case for each reason a frame is
 * refused, and the normalised flow key.
 *
 * Frames are assembled byte by byte with a small builder, then copied into
 * a buffer of exactly the captured length, so AddressSanitizer catches any
 * read past the capture.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "decode/decode.h"

#define EXPECT_EQ(ctx, what, actual, expected)                             \
	do {                                                               \
		uint64_t got_ = (uint64_t)(actual);                        \
		uint64_t want_ = (uint64_t)(expected);                     \
		if (got_ != want_)                                         \
			fail_msg("%s: %s: got %" PRIu64 ", want %" PRIu64, \
				 (ctx), (what), got_, want_);              \
	} while (0)

/* Like EXPECT_EQ, for decode verdicts: prints the reason names. */
#define EXPECT_REASON(ctx, what, actual, expected)                           \
	do {                                                                 \
		int got_ = (actual);                                         \
		int want_ = (expected);                                      \
		if (got_ != want_)                                           \
			fail_msg("%s: %s: got %s (%d), want %s (%d)", (ctx), \
				 (what), sw_decode_reason_name(got_), got_,  \
				 sw_decode_reason_name(want_), want_);       \
	} while (0)

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))
#define ETH SW_LINKTYPE_ETHERNET

#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ICMP_ 1
#define IPPROTO_ICMPV6_ 58
#define IP6_HOPOPT 0
#define IP6_ROUTING 43
#define IP6_FRAGMENT 44
#define IP6_ESP 50
#define IP6_AH 51
#define IP6_NONE 59
#define IP6_DSTOPTS 60

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_PSH 0x08
#define TH_ACK 0x10

static const uint8_t cli4[4] = { 10, 0, 0, 1 };
static const uint8_t srv4[4] = { 192, 0, 2, 80 };
static const uint8_t cli6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const uint8_t srv6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x80 };

/* A frame under construction, and where its headers start. */
struct frame {
	uint8_t b[1600];
	uint32_t len;
	int l3; /* IP header offset, -1 if none */
	int ip6; /* 1 if l3 is IPv6 */
	int l4; /* TCP or UDP header offset, -1 if none */
	int udp;
};

static void fr_init(struct frame *f)
{
	memset(f, 0, sizeof(*f));
	f->l3 = -1;
	f->l4 = -1;
}

static void put(struct frame *f, const void *p, uint32_t n)
{
	assert_true(f->len + n <= sizeof(f->b));
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void put8(struct frame *f, uint8_t v)
{
	put(f, &v, 1);
}

static void put16(struct frame *f, uint16_t v)
{
	put8(f, v >> 8);
	put8(f, v & 0xff);
}

static void put32(struct frame *f, uint32_t v)
{
	put16(f, v >> 16);
	put16(f, v & 0xffff);
}

static void set16(struct frame *f, uint32_t off, uint16_t v)
{
	f->b[off] = v >> 8;
	f->b[off + 1] = v & 0xff;
}

static void eth(struct frame *f, uint16_t type)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };

	put(f, macs, sizeof(macs));
	put16(f, type);
}

/* The rest of an 802.1Q/802.1ad tag; tci may carry PCP and DEI bits. */
static void vlan(struct frame *f, uint16_t tci, uint16_t next_type)
{
	put16(f, tci);
	put16(f, next_type);
}

/* IPv4 header; the total length is set by finish(). */
static void ipv4(struct frame *f, uint8_t proto, uint16_t frag,
		 const uint8_t *opt, uint8_t optlen, int reverse)
{
	f->l3 = (int)f->len;
	f->ip6 = 0;
	put8(f, 0x40 | (uint8_t)((20 + optlen) / 4));
	put8(f, 0x28); /* DSCP AF11, ECT(0) */
	put16(f, 0);
	put16(f, 0x1234);
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	put(f, reverse ? srv4 : cli4, 4);
	put(f, reverse ? cli4 : srv4, 4);
	if (optlen)
		put(f, opt, optlen);
}

/* IPv6 header; the payload length is set by finish(). */
static void ipv6(struct frame *f, uint8_t next, int reverse)
{
	f->l3 = (int)f->len;
	f->ip6 = 1;
	put32(f, 0x6b812345); /* class 0xb8, flow label 0x12345 */
	put16(f, 0);
	put8(f, next);
	put8(f, 57);
	put(f, reverse ? srv6 : cli6, 16);
	put(f, reverse ? cli6 : srv6, 16);
}

/* A hop-by-hop, routing or destination options header of 8 * (1 + n8). */
static void ext6(struct frame *f, uint8_t next, uint8_t n8)
{
	uint32_t i;

	put8(f, next);
	put8(f, n8);
	put8(f, 1); /* PadN */
	put8(f, (uint8_t)(4 + 8 * n8));
	for (i = 4; i < 8u * (1 + n8); i++)
		put8(f, 0);
}

static void frag6(struct frame *f, uint8_t next, uint16_t off8, int more)
{
	put8(f, next);
	put8(f, 0);
	put16(f, (uint16_t)(off8 << 3 | (more ? 1 : 0)));
	put32(f, 0xcafef00d);
}

static void tcp(struct frame *f, uint16_t sport, uint16_t dport, uint32_t seq,
		uint32_t ack, uint8_t flags, const uint8_t *opt, uint8_t optlen)
{
	f->l4 = (int)f->len;
	f->udp = 0;
	put16(f, sport);
	put16(f, dport);
	put32(f, seq);
	put32(f, ack);
	put8(f, (uint8_t)(((20 + optlen) / 4) << 4));
	put8(f, flags);
	put16(f, 64240);
	put16(f, 0); /* checksum */
	put16(f, 0);
	if (optlen)
		put(f, opt, optlen);
}

static void udp(struct frame *f, uint16_t sport, uint16_t dport)
{
	f->l4 = (int)f->len;
	f->udp = 1;
	put16(f, sport);
	put16(f, dport);
	put16(f, 0);
	put16(f, 0);
}

static void data(struct frame *f, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		put8(f, (uint8_t)('a' + i % 26));
}

/* Fill in the IP and UDP lengths. */
static void finish(struct frame *f)
{
	if (f->l3 >= 0 && !f->ip6)
		set16(f, (uint32_t)f->l3 + 2, (uint16_t)(f->len - f->l3));
	if (f->l3 >= 0 && f->ip6)
		set16(f, (uint32_t)f->l3 + 4, (uint16_t)(f->len - f->l3 - 40));
	if (f->l4 >= 0 && f->udp)
		set16(f, (uint32_t)f->l4 + 4, (uint16_t)(f->len - f->l4));
}

/* The captured copy of the last frame decoded; freed by the next call. */
static uint8_t *cap_buf;

static int decode_cap(int linktype, const uint8_t *bytes, uint32_t caplen,
		      uint32_t wirelen, struct sw_packet *pkt)
{
	free(cap_buf);
	cap_buf = malloc(caplen ? caplen : 1);
	assert_non_null(cap_buf);
	memcpy(cap_buf, bytes, caplen);
	memset(pkt, 0xa5, sizeof(*pkt)); /* the decoder must clear it */
	pkt->ts_ns = 1700000000123456789ULL;
	return sw_decode(linktype, cap_buf, caplen, wirelen, pkt);
}

/* The whole frame, captured in full. */
static int decode_frame(int linktype, const struct frame *f,
			struct sw_packet *pkt)
{
	return decode_cap(linktype, f->b, f->len, f->len, pkt);
}

static int teardown(void **state)
{
	(void)state;
	free(cap_buf);
	cap_buf = NULL;
	return 0;
}

/* Linux SYN options: MSS, SACK-permitted, timestamps, NOP, window scale. */
static const uint8_t linux_syn_opts[20] = {
	0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x01,
	0xe2, 0x40, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
};

static void build_v4_tcp(struct frame *f, uint32_t payload)
{
	fr_init(f);
	eth(f, 0x0800);
	ipv4(f, IPPROTO_TCP_, 0x4000, NULL, 0, 0);
	tcp(f, 40000, 443, 0x11223344, 0x55667788, TH_PSH | TH_ACK, NULL, 0);
	data(f, payload);
	finish(f);
}

static void build_v6_tcp(struct frame *f, uint32_t payload)
{
	fr_init(f);
	eth(f, 0x86dd);
	ipv6(f, IPPROTO_TCP_, 0);
	tcp(f, 40000, 443, 0x11223344, 0x55667788, TH_PSH | TH_ACK, NULL, 0);
	data(f, payload);
	finish(f);
}

static void build_v4_udp(struct frame *f, uint32_t payload)
{
	fr_init(f);
	eth(f, 0x0800);
	ipv4(f, IPPROTO_UDP_, 0, NULL, 0, 0);
	udp(f, 5353, 53);
	data(f, payload);
	finish(f);
}

/* Checks the 40000 -> 443 TCP packet the builders above make. */
static void expect_tcp_4tuple(const char *ctx, const struct sw_packet *p,
			      int family)
{
	EXPECT_EQ(ctx, "family", p->family, family);
	EXPECT_EQ(ctx, "proto", p->proto, IPPROTO_TCP_);
	EXPECT_EQ(ctx, "sport", p->sport, 40000);
	EXPECT_EQ(ctx, "dport", p->dport, 443);
	EXPECT_EQ(ctx, "seq", p->seq, 0x11223344);
	EXPECT_EQ(ctx, "ack", p->ack, 0x55667788);
	if (family == SW_FAMILY_IPV4) {
		EXPECT_EQ(ctx, "saddr", memcmp(p->saddr, cli4, 4), 0);
		EXPECT_EQ(ctx, "daddr", memcmp(p->daddr, srv4, 4), 0);
	} else {
		EXPECT_EQ(ctx, "saddr", memcmp(p->saddr, cli6, 16), 0);
		EXPECT_EQ(ctx, "daddr", memcmp(p->daddr, srv6, 16), 0);
	}
}

static void test_ether_ipv4_tcp_syn(void **state)
{
	struct sw_packet p;
	struct frame f;
	static const uint8_t layout[] = { 2, 4, 8, 1, 3 };

	(void)state;
	fr_init(&f);
	eth(&f, 0x0800);
	ipv4(&f, IPPROTO_TCP_, 0x4000, NULL, 0, 0);
	tcp(&f, 40000, 443, 0x11223344, 0x55667788, TH_SYN, linux_syn_opts,
	    sizeof(linux_syn_opts));
	f.b[f.l4 + 12] |= 0x01; /* a reserved bit: a p0f quirk */
	set16(&f, f.l4 + 18, 7); /* urgent pointer without URG */
	finish(&f);

	EXPECT_REASON("SYN", "verdict",
		      decode_frame(SW_LINKTYPE_ETHERNET, &f, &p), SW_DR_OK);
	expect_tcp_4tuple("SYN", &p, SW_FAMILY_IPV4);
	EXPECT_EQ("SYN", "ts_ns kept", p.ts_ns, 1700000000123456789ULL);
	EXPECT_EQ("SYN", "caplen", p.caplen, 74);
	EXPECT_EQ("SYN", "wirelen", p.wirelen, 74);
	EXPECT_EQ("SYN", "frame", p.frame == cap_buf, 1);
	EXPECT_EQ("SYN", "ttl", p.ttl, 64);
	EXPECT_EQ("SYN", "tos", p.tos, 0x28);
	EXPECT_EQ("SYN", "ip_id", p.ip_id, 0x1234);
	EXPECT_EQ("SYN", "ip_df", p.ip_df, 1);
	EXPECT_EQ("SYN", "ip_opt_len", p.ip_opt_len, 0);
	EXPECT_EQ("SYN", "fragment", p.fragment, 0);
	EXPECT_EQ("SYN", "vlan_count", p.vlan_count, 0);
	EXPECT_EQ("SYN", "saddr tail zero", p.saddr[4] | p.saddr[15], 0);
	EXPECT_EQ("SYN", "tcp_flags", p.tcp_flags, TH_SYN);
	EXPECT_EQ("SYN", "tcp_doff", p.tcp_doff, 40);
	EXPECT_EQ("SYN", "tcp_res", p.tcp_res, 1);
	EXPECT_EQ("SYN", "tcp_window", p.tcp_window, 64240);
	EXPECT_EQ("SYN", "tcp_urg", p.tcp_urg, 7);
	EXPECT_EQ("SYN", "payload_len", p.payload_len, 0);
	EXPECT_EQ("SYN", "payload_caplen", p.payload_caplen, 0);
	EXPECT_EQ("SYN", "payload at end", p.payload == cap_buf + 74, 1);
	EXPECT_EQ("SYN", "anomaly", p.anomaly, SW_DR_OK);
	EXPECT_EQ("SYN", "mss", p.tcpopt.mss, 1460);
	EXPECT_EQ("SYN", "wscale", p.tcpopt.wscale, 7);
	EXPECT_EQ("SYN", "ts_val", p.tcpopt.ts_val, 123456);
	EXPECT_EQ("SYN", "ts_ecr", p.tcpopt.ts_ecr, 0);
	EXPECT_EQ("SYN", "present", p.tcpopt.present,
		  SW_TCPOPT_HAS_MSS | SW_TCPOPT_HAS_SACK_PERM |
			  SW_TCPOPT_HAS_TS | SW_TCPOPT_HAS_WSCALE);
	EXPECT_EQ("SYN", "layout_len", p.tcpopt.layout_len, sizeof(layout));
	EXPECT_EQ("SYN", "layout",
		  memcmp(p.tcpopt.layout, layout, sizeof(layout)), 0);
	EXPECT_EQ("SYN", "eol_pad", p.tcpopt.eol_pad, 0);
}

static void test_ether_ipv4_tcp_payload(void **state)
{
	struct sw_packet p;
	struct frame f;

	(void)state;
	build_v4_tcp(&f, 100);
	EXPECT_REASON("data", "verdict",
		      decode_frame(SW_LINKTYPE_ETHERNET, &f, &p), SW_DR_OK);
	expect_tcp_4tuple("data", &p, SW_FAMILY_IPV4);
	EXPECT_EQ("data", "tcp_flags", p.tcp_flags, TH_PSH | TH_ACK);
	EXPECT_EQ("data", "tcp_doff", p.tcp_doff, 20);
	EXPECT_EQ("data", "payload offset", p.payload - cap_buf, 54);
	EXPECT_EQ("data", "payload_len", p.payload_len, 100);
	EXPECT_EQ("data", "payload_caplen", p.payload_caplen, 100);
	EXPECT_EQ("data", "payload bytes", memcmp(p.payload, "abcdef", 6), 0);
	EXPECT_EQ("data", "tcpopt.present", p.tcpopt.present, 0);
	EXPECT_EQ("data", "tcpopt.layout_len", p.tcpopt.layout_len, 0);

	/* A minimum-size Ethernet frame: the trailer is not payload. */
	build_v4_tcp(&f, 0);
	data(&f, 6);
	EXPECT_REASON("padded", "verdict",
		      decode_frame(SW_LINKTYPE_ETHERNET, &f, &p), SW_DR_OK);
	EXPECT_EQ("padded", "payload_len", p.payload_len, 0);
	EXPECT_EQ("padded", "payload_caplen", p.payload_caplen, 0);
}

static void test_vlan(void **state)
{
	static const struct {
		const char *name;
		uint16_t tpid[SW_MAX_VLAN_TAGS + 1];
		uint16_t tci[SW_MAX_VLAN_TAGS + 1];
		int ntags;
		int want;
		/* clang-format off */
	} rows[] = {
		{ "802.1Q", { 0x8100 }, { 0xa064 }, 1, SW_DR_OK },
		{ "QinQ 802.1ad", { 0x88a8, 0x8100 }, { 0x000a, 0x3014 }, 2,
		  SW_DR_OK },
		{ "QinQ 0x9100", { 0x9100, 0x8100 }, { 0x0fff, 0x0001 }, 2,
		  SW_DR_OK },
		{ "four tags", { 0x88a8, 0x8100, 0x8100, 0x8100 },
		  { 1, 2, 3, 4 }, 4, SW_DR_OK },
		{ "five tags", { 0x88a8, 0x8100, 0x8100, 0x8100, 0x8100 },
		  { 1, 2, 3, 4, 5 }, 5, SW_DR_VLAN_TOO_DEEP },
	};
	/* clang-format on */
	struct sw_packet p;
	struct frame f;
	size_t i;
	int t, v6;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		for (v6 = 0; v6 <= 1; v6++) {
			char ctx[64];

			snprintf(ctx, sizeof(ctx), "%s, IPv%d", rows[i].name,
				 v6 ? 6 : 4);
			fr_init(&f);
			eth(&f, rows[i].tpid[0]);
			for (t = 0; t < rows[i].ntags; t++)
				vlan(&f, rows[i].tci[t],
				     t + 1 < rows[i].ntags ?
					     rows[i].tpid[t + 1] :
				     v6 ? 0x86dd :
					  0x0800);
			if (v6)
				ipv6(&f, IPPROTO_TCP_, 0);
			else
				ipv4(&f, IPPROTO_TCP_, 0, NULL, 0, 0);
			tcp(&f, 40000, 443, 0x11223344, 0x55667788, TH_ACK,
			    NULL, 0);
			data(&f, 10);
			finish(&f);
			EXPECT_REASON(
				ctx, "verdict",
				decode_frame(SW_LINKTYPE_ETHERNET, &f, &p),
				rows[i].want);
			if (rows[i].want != SW_DR_OK)
				continue;
			expect_tcp_4tuple(ctx, &p,
					  v6 ? SW_FAMILY_IPV6 : SW_FAMILY_IPV4);
			EXPECT_EQ(ctx, "payload_len", p.payload_len, 10);
			EXPECT_EQ(ctx, "vlan_count", p.vlan_count,
				  rows[i].ntags);
			for (t = 0; t < rows[i].ntags; t++)
				EXPECT_EQ(ctx, "vlan id", p.vlan[t],
					  rows[i].tci[t] & 0x0fff);
		}
	}
}

static void test_ipv4_options(void **state)
{
	/* Router alert, a timestamp option, NOPs, EOL. */
	static const uint8_t opt[16] = {
		0x94, 0x04, 0x00, 0x00, 0x44, 0x08, 0x05, 0x00,
		0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00, 0x00,
	};
	struct sw_packet p;
	struct frame f;
	uint8_t n;

	(void)state;
	for (n = 4; n <= sizeof(opt); n += 12) {
		char ctx[32];

		snprintf(ctx, sizeof(ctx), "IPv4 options, %u bytes", n);
		fr_init(&f);
		eth(&f, 0x0800);
		ipv4(&f, IPPROTO_TCP_, 0, opt, n, 0);
		tcp(&f, 40000, 443, 0x11223344, 0x55667788, TH_ACK, NULL, 0);
		data(&f, 33);
		finish(&f);
		EXPECT_REASON(ctx, "verdict",
			      decode_frame(SW_LINKTYPE_ETHERNET, &f, &p),
			      SW_DR_OK);
		expect_tcp_4tuple(ctx, &p, SW_FAMILY_IPV4);
		EXPECT_EQ(ctx, "ip_opt_len", p.ip_opt_len, n);
		EXPECT_EQ(ctx, "payload offset", p.payload - cap_buf,
			  14 + 20 + n + 20);
		EXPECT_EQ(ctx, "payload_len", p.payload_len, 33);
	}

	/* The largest header: IHL 15, 40 bytes of options (all NOP). */
	fr_init(&f);
	eth(&f, 0x0800);
	ipv4(&f, IPPROTO_UDP_, 0, (const uint8_t[40]){ [0 ... 39] = 1 }, 40, 0);
	udp(&f, 1000, 2000);
	data(&f, 3);
	finish(&f);
	EXPECT_REASON("IHL 15", "verdict",
		      decode_frame(SW_LINKTYPE_ETHERNET, &f, &p), SW_DR_OK);
	EXPECT_EQ("IHL 15", "ip_opt_len", p.ip_opt_len, 40);
	EXPECT_EQ("IHL 15", "dport", p.dport, 2000);
	EXPECT_EQ("IHL 15", "payload_len", p.payload_len, 3);
}

static void test_ipv4_fragments(void **state)
{
	static const struct {
		const char *name;
		uint16_t frag;
		int want;
		uint8_t fragment;
		uint8_t df;
		/* clang-format off */
	} rows[] = {
		{ "first fragment", 0x2000, SW_DR_OK, 1, 0 },
		{ "middle fragment", 0x2000 | 185, SW_DR_IPV4_FRAGMENT, 0, 0 },
		{ "last fragment", 370, SW_DR_IPV4_FRAGMENT, 0, 0 },
		{ "offset 8 bytes", 1, SW_DR_IPV4_FRAGMENT, 0, 0 },
		{ "offset 32 KiB", 0x1000, SW_DR_IPV4_FRAGMENT, 0, 0 },
		{ "unfragmented, DF", 0x4000, SW_DR_OK, 0, 1 },
		{ "unfragmented", 0, SW_DR_OK, 0, 0 },
	};
	/* clang-format on */
	struct sw_packet p;
	struct frame f;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		const char *ctx = rows[i].name;

		fr_init(&f);
		eth(&f, 0x0800);
		ipv4(&f, IPPROTO_TCP_, rows[i].frag, NULL, 0, 0);
		tcp(&f, 40000, 443, 0x11223344, 0x55667788, TH_ACK, NULL, 0);
		data(&f, 1460);
		finish(&f);
		EXPECT_REASON(ctx, "verdict",
			      decode_frame(SW_LINKTYPE_ETHERNET, &f, &p),
			      rows[i].want);
		EXPECT_EQ(ctx, "family", p.family, SW_FAMILY_IPV4);
		EXPECT_EQ(ctx, "proto", p.proto, IPPROTO_TCP_);
		EXPECT_EQ(ctx, "saddr", memcmp(p.saddr, cli4, 4), 0);
		EXPECT_EQ(ctx, "ip_df", p.ip_df, rows[i].df);
		EXPECT_EQ(ctx, "fragment", p.fragment, rows[i].fragment);
		if (rows[i].want != SW_DR_OK) {
			EXPECT_EQ(ctx, "no ports from a later fragment",
				  p.sport | p.dport, 0);
			continue;
		}
		expect_tcp_4tuple(ctx, &p, SW_FAMILY_IPV4);
		EXPECT_EQ(ctx, "payload_len (this fragment's)", p.payload_len,
			  1460);
	}
}

static void test_ipv6_ext_chain(void **state)
{
	struct sw_packet p;
	struct frame f;

	(void)state;
	/* hop-by-hop -> routing -> destination options -> fragment -> TCP */
	fr_init(&f);
	eth(&f, 0x86dd);
	ipv6(&f, IP6_HOPOPT, 0);
	ext6(&f, IP6_ROUTING, 0);
	ext6(&f, IP6_DSTOPTS, 2);
	ext6(&f, IP6_FRAGMENT, 1);
	frag6(&f, IPPROTO_TCP_, 0, 1);
	tcp(&f, 40000, 443, 0x11223344, 0x55667788, TH_ACK, NULL, 0);
	data(&f, 77);
	finish(&f);
	EXPECT_REASON("chain", "verdict",
		      decode_frame(SW_LINKTYPE_ETHERNET, &f, &p), SW_DR_OK);
	expect_tcp_4tuple("chain", &p, SW_FAMILY_IPV6);
	EXPECT_EQ("chain", "fragment", p.fragment, 1);
	EXPECT_EQ("chain", "ttl", p.ttl, 57);
	EXPECT_EQ("chain", "tos", p.tos, 0xb8);
	EXPECT_EQ("chain", "ip6_flow", p.ip6_flow, 0x12345);
	EXPECT_EQ("chain", "payload offset", p.payload - cap_buf,
		  14 + 40 + 8 + 24 + 16 + 8 + 20);
	EXPECT_EQ("chain", "payload_len", p.payload_len, 77);

	/* An atomic fragment (offset 0, M clear) is no fragment at all. */
	fr_init(&f);
	eth(&f, 0x86dd);
	ipv6(&f, IP6_FRAGMENT, 0);
	frag6(&f, IPPROTO_UDP_, 0, 0);
	udp(&f, 443, 50000);
	data(&f, 1200);
	finish(&f);
	EXPECT_REASON("atomic fragment", "verdict",
		      decode_frame(SW_LINKTYPE_ETHERNET, &f, &p), SW_DR_OK);
	EXPECT_EQ("atomic fragment", "fragment", p.fragment, 0);
	EXPECT_EQ("atomic fragment", "payload_len", p.payload_len, 1200);

	/* A later fragment: L4 is not decoded, but the protocol is known. */
	fr_init(&f);
	eth(&f, 0x86dd);
	ipv6(&f, IP6_HOPOPT, 0);
	ext6(&f, IP6_FRAGMENT, 0);
	frag6(&f, IPPROTO_TCP_, 181, 1);
	data(&f, 1448);
	finish(&f);
	EXPECT_REASON("later fragment", "verdict",
		      decode_frame(SW_LINKTYPE_ETHERNET, &f, &p),
		      SW_DR_IPV6_FRAGMENT);
	EXPECT_EQ("later fragment", "proto", p.proto, IPPROTO_TCP_);
	EXPECT_EQ("later fragment", "family", p.family, SW_FAMILY_IPV6);

	/* AH (RFC 4302 length: 4-byte units minus 2), then TCP. */
	fr_init(&f);
	eth(&f, 0x86dd);
	ipv6(&f, IP6_AH, 0);
	put8(&f, IPPROTO_TCP_);
	put8(&f, 4); /* (4 + 2) * 4 = 24 bytes */
	put16(&f, 0);
	put32(&f, 0x100); /* SPI */
	put32(&f, 1); /* sequence */
	put32(&f, 0); /* ICV: 12 bytes */
	put32(&f, 0);
	put32(&f, 0);
	tcp(&f, 40000, 443, 0x11223344, 0x55667788, TH_ACK, NULL, 0);
	finish(&f);
	EXPECT_REASON("AH", "verdict",
		      decode_frame(SW_LINKTYPE_ETHERNET, &f, &p), SW_DR_OK);
	expect_tcp_4tuple("AH", &p, SW_FAMILY_IPV6);
	EXPECT_REASON("AH cut", "verdict",
		      decode_cap(ETH, f.b, 14 + 40 + 1, f.len, &p),
		      SW_DR_IPV6_TRUNC_EXTHDR);

	/* No next header, ESP and ICMPv6 are not accounted. */
	fr_init(&f);
	eth(&f, 0x86dd);
	ipv6(&f, IP6_DSTOPTS, 0);
	ext6(&f, IP6_NONE, 0);
	finish(&f);
	EXPECT_REASON("no next header", "verdict",
		      decode_frame(SW_LINKTYPE_ETHERNET, &f, &p),
		      SW_DR_OTHER_L4);
	EXPECT_EQ("no next header", "proto", p.proto, IP6_NONE);

	fr_init(&f);
	eth(&f, 0x86dd);
	ipv6(&f, IP6_ESP, 0);
	data(&f, 64);
	finish(&f);
	EXPECT_REASON("ESP", "verdict",
		      decode_frame(SW_LINKTYPE_ETHERNET, &f, &p),
		      SW_DR_OTHER_L4);

	fr_init(&f);
	eth(&f, 0x86dd);
	ipv6(&f, IPPROTO_ICMPV6_, 0);
	data(&f, 8);
	finish(&f);
	EXPECT_REASON("ICMPv6", "verdict",
		      decode_frame(SW_LINKTYPE_ETHERNET, &f, &p),
		      SW_DR_OTHER_L4);
	EXPECT_EQ("ICMPv6", "proto", p.proto, IPPROTO_ICMPV6_);
}

static void build_v6_dstopts(struct frame *f, int n)
{
	int i;

	fr_init(f);
	eth(f, 0x86dd);
	ipv6(f, IP6_DSTOPTS, 0);
	for (i = 0; i < n; i++)
		ext6(f, i + 1 < n ? IP6_DSTOPTS : IPPROTO_TCP_, 0);
	tcp(f, 40000, 443, 0x11223344, 0x55667788, TH_ACK, NULL, 0);
	finish(f);
}

static void test_ipv6_too_many_exthdrs(void **state)
{
	static const struct {
		const char *name;
		int n; /* destination options headers */
		int want;
	} rows[] = {
		{ "at the limit", SW_MAX_IPV6_EXTHDRS, SW_DR_OK },
		{ "one past the limit", SW_MAX_IPV6_EXTHDRS + 1,
		  SW_DR_IPV6_TOO_MANY_EXTHDR },
		{ "a hundred", 100, SW_DR_IPV6_TOO_MANY_EXTHDR },
	};
	struct sw_packet p;
	struct frame f;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		build_v6_dstopts(&f, rows[i].n);
		EXPECT_REASON(rows[i].name, "verdict",
			      decode_frame(SW_LINKTYPE_ETHERNET, &f, &p),
			      rows[i].want);
		if (rows[i].want == SW_DR_OK)
			expect_tcp_4tuple(rows[i].name, &p, SW_FAMILY_IPV6);
	}
}

/*
 * Each refused frame is a base frame, an optional patch of one or two
 * bytes, and a capture length. The test then checks that every reason in
 * enum sw_decode_reason was produced by some row.
 */
enum base {
	B_V4_TCP, /* Ethernet, IPv4, TCP, 10 bytes */
	B_V4_TCP_OPTS, /* Ethernet, IPv4, TCP with 20 bytes of options */
	B_V4_OPTS_TCP, /* Ethernet, IPv4 with 12 bytes of options, TCP */
	B_V6_TCP, /* Ethernet, IPv6, TCP, 10 bytes */
	B_V6_HOP_TCP, /* Ethernet, IPv6, hop-by-hop (16 bytes), TCP */
	B_V6_FRAG_TCP, /* Ethernet, IPv6, fragment header, TCP */
	B_V4_UDP, /* Ethernet, IPv4, UDP, 10 bytes */
	B_VLAN5, /* five VLAN tags */
	B_V6_9EXT, /* nine destination options headers */
	B_VLAN_V4_TCP, /* one VLAN tag, IPv4, TCP */
	B_SLL, /* Linux cooked v1, IPv4, TCP */
	B_SLL2, /* Linux cooked v2, IPv4, TCP */
	B_NULL, /* BSD NULL (little-endian AF_INET), IPv4, TCP */
	B_ARP,
	B_V4_ICMP,
};

static void build_base(struct frame *f, enum base b)
{
	static const uint8_t ipopt[12] = { 0x94, 0x04, 0, 0, 1, 1,
					   1,	 1,    1, 1, 1, 0 };
	struct frame ip;
	int i;

	switch (b) {
	case B_V4_TCP:
		build_v4_tcp(f, 10);
		break;
	case B_V4_TCP_OPTS:
		fr_init(f);
		eth(f, 0x0800);
		ipv4(f, IPPROTO_TCP_, 0, NULL, 0, 0);
		tcp(f, 40000, 443, 1, 0, TH_SYN, linux_syn_opts,
		    sizeof(linux_syn_opts));
		finish(f);
		break;
	case B_V4_OPTS_TCP:
		fr_init(f);
		eth(f, 0x0800);
		ipv4(f, IPPROTO_TCP_, 0, ipopt, sizeof(ipopt), 0);
		tcp(f, 40000, 443, 1, 0, TH_ACK, NULL, 0);
		finish(f);
		break;
	case B_V6_TCP:
		build_v6_tcp(f, 10);
		break;
	case B_V6_HOP_TCP:
		fr_init(f);
		eth(f, 0x86dd);
		ipv6(f, IP6_HOPOPT, 0);
		ext6(f, IPPROTO_TCP_, 1);
		tcp(f, 40000, 443, 1, 0, TH_ACK, NULL, 0);
		finish(f);
		break;
	case B_V6_FRAG_TCP:
		fr_init(f);
		eth(f, 0x86dd);
		ipv6(f, IP6_FRAGMENT, 0);
		frag6(f, IPPROTO_TCP_, 0, 1);
		tcp(f, 40000, 443, 1, 0, TH_ACK, NULL, 0);
		finish(f);
		break;
	case B_V4_UDP:
		build_v4_udp(f, 10);
		break;
	case B_VLAN5:
		fr_init(f);
		eth(f, 0x8100);
		for (i = 0; i < 5; i++)
			vlan(f, (uint16_t)(i + 1), i < 4 ? 0x8100 : 0x0800);
		ipv4(f, IPPROTO_TCP_, 0, NULL, 0, 0);
		tcp(f, 40000, 443, 1, 0, TH_ACK, NULL, 0);
		finish(f);
		break;
	case B_V6_9EXT:
		build_v6_dstopts(f, 9);
		break;
	case B_VLAN_V4_TCP:
		fr_init(f);
		eth(f, 0x8100);
		vlan(f, 42, 0x0800);
		ipv4(f, IPPROTO_TCP_, 0, NULL, 0, 0);
		tcp(f, 40000, 443, 1, 0, TH_ACK, NULL, 0);
		finish(f);
		break;
	case B_SLL:
	case B_SLL2:
	case B_NULL:
		fr_init(&ip);
		ipv4(&ip, IPPROTO_TCP_, 0, NULL, 0, 0);
		tcp(&ip, 40000, 443, 1, 0, TH_ACK, NULL, 0);
		finish(&ip);
		fr_init(f);
		if (b == B_SLL) {
			put16(f, 0); /* to us */
			put16(f, 1); /* ARPHRD_ETHER */
			put16(f, 6);
			put(f, "\x02\0\0\0\0\x01\0\0", 8);
			put16(f, 0x0800);
		} else if (b == B_SLL2) {
			put16(f, 0x0800);
			put16(f, 0);
			put32(f, 3); /* ifindex */
			put16(f, 1);
			put8(f, 0);
			put8(f, 6);
			put(f, "\x02\0\0\0\0\x01\0\0", 8);
		} else {
			put(f, "\x02\0\0\0", 4);
		}
		put(f, ip.b, ip.len);
		break;
	case B_ARP:
		fr_init(f);
		eth(f, 0x0806);
		data(f, 28);
		break;
	case B_V4_ICMP:
		fr_init(f);
		eth(f, 0x0800);
		ipv4(f, IPPROTO_ICMP_, 0, NULL, 0, 0);
		data(f, 8);
		finish(f);
		break;
	}
}

#define FULL UINT32_MAX

struct refuse_row {
	const char *name;
	int linktype;
	enum base base;
	int32_t patch_off; /* -1: no patch */
	uint8_t patch_len; /* 1 or 2 */
	uint16_t patch; /* value, big-endian if 2 bytes */
	uint32_t caplen; /* FULL: the whole frame */
	int32_t wire_extra; /* wirelen = caplen + this */
	int want;
	int want_anomaly;
};

#define NOPATCH -1, 0, 0
#define P8(off, v) (off), 1, (v)
#define P16(off, v) (off), 2, (v)

/* clang-format off */
static const struct refuse_row refuse_rows[] = {
	{ "Ethernet header cut", ETH, B_V4_TCP, NOPATCH, 13, 0,
	  SW_DR_TRUNC_LINK, 0 },
	{ "empty frame", ETH, B_V4_TCP, NOPATCH, 0, 0, SW_DR_TRUNC_LINK, 0 },
	{ "SLL header cut", SW_LINKTYPE_LINUX_SLL, B_SLL, NOPATCH, 15, 0,
	  SW_DR_TRUNC_LINK, 0 },
	{ "SLL2 header cut", SW_LINKTYPE_LINUX_SLL2, B_SLL2, NOPATCH, 19, 0,
	  SW_DR_TRUNC_LINK, 0 },
	{ "NULL header cut", SW_LINKTYPE_NULL, B_NULL, NOPATCH, 3, 0,
	  SW_DR_TRUNC_LINK, 0 },
	{ "LOOP header cut", SW_LINKTYPE_LOOP, B_NULL, NOPATCH, 2, 0,
	  SW_DR_TRUNC_LINK, 0 },
	{ "VLAN tag cut", ETH, B_VLAN_V4_TCP, NOPATCH, 17, 0,
	  SW_DR_TRUNC_VLAN, 0 },
	{ "five VLAN tags", ETH, B_VLAN5, NOPATCH, FULL, 0,
	  SW_DR_VLAN_TOO_DEEP, 0 },
	{ "IPv4 header cut", ETH, B_V4_TCP, NOPATCH, 14 + 19, 0,
	  SW_DR_TRUNC_IPV4, 0 },
	{ "IPv4 options cut", ETH, B_V4_OPTS_TCP, NOPATCH, 14 + 31, 100,
	  SW_DR_TRUNC_IPV4, 0 },
	{ "raw, empty", SW_LINKTYPE_RAW, B_V4_TCP, NOPATCH, 0, 0,
	  SW_DR_TRUNC_IPV4, 0 },
	{ "IPv4 version 5", ETH, B_V4_TCP, P8(14, 0x55), FULL, 0,
	  SW_DR_IPV4_BAD_VERSION, 0 },
	{ "IPv4 IHL 4", ETH, B_V4_TCP, P8(14, 0x44), FULL, 0,
	  SW_DR_IPV4_BAD_IHL, 0 },
	{ "IPv4 IHL 0", ETH, B_V4_TCP, P8(14, 0x40), FULL, 0,
	  SW_DR_IPV4_BAD_IHL, 0 },
	{ "IPv4 length below header", ETH, B_V4_TCP, P16(16, 19), FULL, 0,
	  SW_DR_IPV4_BAD_LEN, 0 },
	{ "IPv4 length below options", ETH, B_V4_OPTS_TCP, P16(16, 28),
	  FULL, 0, SW_DR_IPV4_BAD_LEN, 0 },
	{ "IPv4 length past frame", ETH, B_V4_TCP, P16(16, 51), FULL, 0,
	  SW_DR_IPV4_BAD_LEN, 0 },
	{ "IPv4 length past wire", ETH, B_V4_TCP, P16(16, 1000), 64, 100,
	  SW_DR_IPV4_BAD_LEN, 0 },
	{ "IPv6 header cut", ETH, B_V6_TCP, NOPATCH, 14 + 39, 0,
	  SW_DR_TRUNC_IPV6, 0 },
	{ "IPv6 version 4", ETH, B_V6_TCP, P8(14, 0x4b), FULL, 0,
	  SW_DR_IPV6_BAD_VERSION, 0 },
	{ "IPv6 length past frame", ETH, B_V6_TCP, P16(18, 31), FULL, 0,
	  SW_DR_IPV6_BAD_LEN, 0 },
	{ "IPv6 length past wire", ETH, B_V6_TCP, P16(18, 0xffff), 80, 40,
	  SW_DR_IPV6_BAD_LEN, 0 },
	{ "ext header: no length byte", ETH, B_V6_HOP_TCP, NOPATCH,
	  14 + 40 + 1, 100, SW_DR_IPV6_TRUNC_EXTHDR, 0 },
	{ "ext header cut", ETH, B_V6_HOP_TCP, NOPATCH, 14 + 40 + 15, 100,
	  SW_DR_IPV6_TRUNC_EXTHDR, 0 },
	{ "ext header past payload", ETH, B_V6_HOP_TCP, P8(55, 10), FULL, 0,
	  SW_DR_IPV6_TRUNC_EXTHDR, 0 },
	{ "ext header past payload length", ETH, B_V6_HOP_TCP, P16(18, 2),
	  FULL, 0, SW_DR_IPV6_TRUNC_EXTHDR, 0 },
	{ "fragment header cut", ETH, B_V6_FRAG_TCP, NOPATCH, 14 + 40 + 7,
	  100, SW_DR_IPV6_TRUNC_EXTHDR, 0 },
	{ "fragment header past payload length", ETH, B_V6_FRAG_TCP,
	  P16(18, 7), FULL, 0, SW_DR_IPV6_TRUNC_EXTHDR, 0 },
	{ "nine ext headers", ETH, B_V6_9EXT, NOPATCH, FULL, 0,
	  SW_DR_IPV6_TOO_MANY_EXTHDR, 0 },
	{ "TCP header cut", ETH, B_V4_TCP, NOPATCH, 14 + 20 + 19, 11,
	  SW_DR_TRUNC_TCP, 0 },
	{ "TCP options cut", ETH, B_V4_TCP_OPTS, NOPATCH, 14 + 20 + 39, 1,
	  SW_DR_TRUNC_TCP, 0 },
	{ "IPv6 TCP header cut", ETH, B_V6_TCP, NOPATCH, 14 + 40 + 12, 18,
	  SW_DR_TRUNC_TCP, 0 },
	{ "TCP data offset 4", ETH, B_V4_TCP, P8(46, 0x40), FULL, 0,
	  SW_DR_TCP_BAD_DOFF, 0 },
	{ "TCP data offset 0", ETH, B_V4_TCP, P8(46, 0x00), FULL, 0,
	  SW_DR_TCP_BAD_DOFF, 0 },
	{ "TCP data offset past IP payload", ETH, B_V4_TCP, P8(46, 0x80),
	  FULL, 0, SW_DR_TCP_BAD_DOFF, 0 },
	{ "IP payload shorter than TCP header", ETH, B_V4_TCP, P16(16, 39),
	  FULL, 0, SW_DR_TCP_BAD_DOFF, 0 },
	{ "UDP header cut", ETH, B_V4_UDP, NOPATCH, 14 + 20 + 7, 11,
	  SW_DR_TRUNC_UDP, 0 },
	{ "IP payload shorter than UDP header", ETH, B_V4_UDP, P16(16, 27),
	  FULL, 0, SW_DR_TRUNC_UDP, 0 },
	{ "UDP length too long", ETH, B_V4_UDP, P16(38, 19), FULL, 0,
	  SW_DR_OK, SW_DR_UDP_BAD_LEN },
	{ "UDP length too short", ETH, B_V4_UDP, P16(38, 8), FULL, 0,
	  SW_DR_OK, SW_DR_UDP_BAD_LEN },
	{ "UDP length 0 on IPv4", ETH, B_V4_UDP, P16(38, 0), FULL, 0,
	  SW_DR_OK, SW_DR_UDP_BAD_LEN },
	{ "TCP option past header", ETH, B_V4_TCP_OPTS, P8(72, 0x04), FULL,
	  0, SW_DR_OK, SW_DR_TCP_BAD_OPTION },
	{ "caplen above wirelen", ETH, B_V4_TCP, NOPATCH, FULL, -1,
	  SW_DR_BAD_CAPLEN, 0 },
	{ "NULL family 7", SW_LINKTYPE_NULL, B_NULL, P8(0, 7), FULL, 0,
	  SW_DR_NULL_FAMILY, 0 },
	{ "NULL family 0", SW_LINKTYPE_NULL, B_NULL, P8(0, 0), FULL, 0,
	  SW_DR_NULL_FAMILY, 0 },
	{ "LOOP in host order", SW_LINKTYPE_LOOP, B_NULL, NOPATCH, FULL, 0,
	  SW_DR_NULL_FAMILY, 0 },
	{ "unknown link type", 147, B_V4_TCP, NOPATCH, FULL, 0,
	  SW_DR_UNKNOWN_LINKTYPE, 0 },
	{ "ARP", ETH, B_ARP, NOPATCH, FULL, 0, SW_DR_NON_IP, 0 },
	{ "SLL, not IP", SW_LINKTYPE_LINUX_SLL, B_SLL, P16(14, 0x0004),
	  FULL, 0, SW_DR_NON_IP, 0 },
	{ "ICMP", ETH, B_V4_ICMP, NOPATCH, FULL, 0, SW_DR_OTHER_L4, 0 },
	{ "later IPv4 fragment", ETH, B_V4_TCP, P16(20, 0x00b9), FULL, 0,
	  SW_DR_IPV4_FRAGMENT, 0 },
	{ "later IPv6 fragment", ETH, B_V6_FRAG_TCP, P16(56, 0x0009), FULL,
	  0, SW_DR_IPV6_FRAGMENT, 0 },
	{ "IPv6 link type, IPv4 packet", SW_LINKTYPE_IPV6, B_V4_TCP,
	  NOPATCH, FULL, 0, SW_DR_IPV6_BAD_VERSION, 0 },
};
/* clang-format on */

static void test_refused_frames(void **state)
{
	uint32_t seen = 0;
	struct sw_packet p;
	struct frame f;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(refuse_rows); i++) {
		const struct refuse_row *row = &refuse_rows[i];
		uint32_t caplen, wirelen;
		const uint8_t *start;
		int got;

		build_base(&f, row->base);
		if (row->patch_len == 1)
			f.b[row->patch_off] = (uint8_t)row->patch;
		else if (row->patch_len == 2)
			set16(&f, (uint32_t)row->patch_off, row->patch);
		start = f.b;
		caplen = row->caplen == FULL ? f.len : row->caplen;
		/* Link types without an Ethernet header: skip it. */
		if (row->base < B_SLL && row->linktype != ETH) {
			start += 14;
			if (row->caplen == FULL)
				caplen -= 14;
		}
		wirelen = caplen + (uint32_t)row->wire_extra;
		assert_true(caplen <= f.len);
		got = decode_cap(row->linktype, start, caplen, wirelen, &p);
		EXPECT_REASON(row->name, "verdict", got, row->want);
		EXPECT_REASON(row->name, "anomaly", p.anomaly,
			      row->want_anomaly);
		EXPECT_EQ(row->name, "reason is an error",
			  sw_decode_reason_is_error(got),
			  got >= SW_DR_TRUNC_LINK);
		seen |= 1u << got | 1u << p.anomaly;
		if (got == SW_DR_OK)
			EXPECT_EQ(row->name, "payload within capture",
				  p.payload + p.payload_caplen <=
					  cap_buf + caplen,
				  1);
	}
	/* The tunnel reasons have their rows in test_tunnel.c. */
	for (r = 0; r < SW_DR_TRUNC_TUNNEL; r++)
		if (!(seen & (1u << r)))
			fail_msg("no row produces reason %s (%d)",
				 sw_decode_reason_name(r), r);
}

static void test_reason_names(void **state)
{
	const char *names[SW_DR_MAX];
	int r, s;

	(void)state;
	for (r = 0; r < SW_DR_MAX; r++) {
		names[r] = sw_decode_reason_name(r);
		if (strcmp(names[r], "unknown") == 0)
			fail_msg("reason %d has no name", r);
		for (s = 0; s < r; s++)
			if (strcmp(names[r], names[s]) == 0)
				fail_msg("reasons %d and %d share name %s", s,
					 r, names[r]);
		/* Tunnels not understood or too deep are skipped traffic. */
		EXPECT_EQ(names[r], "is_error", sw_decode_reason_is_error(r),
			  r >= SW_DR_TRUNC_LINK && r != SW_DR_TUNNEL_UNKNOWN &&
				  r != SW_DR_TUNNEL_TOO_DEEP);
	}
	assert_string_equal(sw_decode_reason_name(SW_DR_OK), "ok");
	assert_string_equal(sw_decode_reason_name(SW_DR_TRUNC_TCP),
			    "trunc_tcp");
	assert_string_equal(sw_decode_reason_name(SW_DR_MAX), "unknown");
	assert_string_equal(sw_decode_reason_name(-1), "unknown");
	EXPECT_EQ("SW_DR_MAX", "is_error", sw_decode_reason_is_error(SW_DR_MAX),
		  0);
	EXPECT_EQ("-1", "is_error", sw_decode_reason_is_error(-1), 0);
}

/*
 * Cut by the snap length after the L4 header: lengths come from IP. With
 * TSO on the sending host the IP length is 0 and the wire length counts.
 */
enum snap_build { SNAP_V4_TCP, SNAP_V6_TCP, SNAP_V4_UDP };

static const struct {
	const char *name;
	enum snap_build build;
	uint32_t payload; /* bytes in the frame built */
	uint32_t zero_len_at; /* IP length field set to 0, or 0 */
	uint32_t caplen, wirelen; /* wirelen 0: the frame's length */
	uint32_t payload_len, payload_caplen;
	int tuple; /* also check the 4-tuple */
	int anomaly; /* also check there is no anomaly */
} snap_rows[] = {
	{ "IPv4 snap 64", SNAP_V4_TCP, 1400, 0, 64, 0, 1400, 10, 1, 0 },
	{ "IPv4 snap at payload", SNAP_V4_TCP, 1400, 0, 54, 0, 1400, 0, 0, 0 },
	{ "IPv6 snap 96", SNAP_V6_TCP, 1400, 0, 96, 0, 1400, 22, 1, 0 },
	{ "UDP snap 50", SNAP_V4_UDP, 1200, 0, 50, 0, 1200, 8, 0, 1 },
	{ "IPv4 TSO", SNAP_V4_TCP, 128 - 54, 16, 128, 30000, 30000 - 54,
	  128 - 54, 0, 0 },
	{ "IPv6 TSO", SNAP_V6_TCP, 128 - 74, 18, 128, 30000, 30000 - 74,
	  128 - 74, 0, 0 },
};

static void test_snaplen_keeps_lengths(void **state)
{
	struct sw_packet p;
	struct frame f;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(snap_rows); i++) {
		const char *ctx = snap_rows[i].name;

		if (snap_rows[i].build == SNAP_V4_TCP)
			build_v4_tcp(&f, snap_rows[i].payload);
		else if (snap_rows[i].build == SNAP_V6_TCP)
			build_v6_tcp(&f, snap_rows[i].payload);
		else
			build_v4_udp(&f, snap_rows[i].payload);
		if (snap_rows[i].zero_len_at)
			set16(&f, snap_rows[i].zero_len_at, 0);
		EXPECT_REASON(ctx, "verdict",
			      decode_cap(ETH, f.b, snap_rows[i].caplen,
					 snap_rows[i].wirelen ?
						 snap_rows[i].wirelen :
						 f.len,
					 &p),
			      SW_DR_OK);
		if (snap_rows[i].tuple)
			expect_tcp_4tuple(ctx, &p,
					  snap_rows[i].build == SNAP_V6_TCP ?
						  SW_FAMILY_IPV6 :
						  SW_FAMILY_IPV4);
		EXPECT_EQ(ctx, "payload_len", p.payload_len,
			  snap_rows[i].payload_len);
		EXPECT_EQ(ctx, "payload_caplen", p.payload_caplen,
			  snap_rows[i].payload_caplen);
		if (snap_rows[i].anomaly)
			EXPECT_EQ(ctx, "anomaly", p.anomaly, SW_DR_OK);
	}
}

static void opts_parse(const char *ctx, const uint8_t *opt, uint32_t len,
		       struct sw_tcp_opts *o, int want)
{
	uint8_t *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	if (len)
		memcpy(copy, opt, len);
	memset(o, 0, sizeof(*o));
	EXPECT_REASON(ctx, "verdict", sw_decode_tcp_options(copy, len, o),
		      want);
	free(copy);
}

static void expect_layout(const char *ctx, const struct sw_tcp_opts *o,
			  const uint8_t *layout, uint8_t n)
{
	uint8_t i;

	EXPECT_EQ(ctx, "layout_len", o->layout_len, n);
	for (i = 0; i < n && i < o->layout_len; i++)
		EXPECT_EQ(ctx, "layout kind", o->layout[i], layout[i]);
}

/* Which fields of struct sw_tcp_opts a row of opt_rows checks. */
enum {
	O_MSS = 1 << 0,
	O_WSCALE = 1 << 1,
	O_PRESENT = 1 << 2,
	O_TS = 1 << 3, /* ts_val and ts_ecr */
	O_EOL_PAD = 1 << 4,
	O_EOL_NONZERO = 1 << 5,
};

/* Windows 10: MSS, NOP, WS 8, NOP, NOP, SACK-permitted. */
static const uint8_t opt_win[] = { 2, 4, 5, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2 };
/* clang-format off */
/* macOS: MSS, NOP, WS, NOP, NOP, TS, SACK-perm, EOL, EOL. */
static const uint8_t opt_mac[] = {
	2, 4, 0x05, 0xb4,
	1, 3, 3, 6,
	1, 1, 8, 10, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0,
	4, 2,
	0, 0,
};
/* A SACK with one block, after two NOPs. */
static const uint8_t opt_sack[] = { 1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 9 };
/* Nonzero bytes after EOL: a p0f quirk. */
static const uint8_t opt_eol_junk[] = { 2, 4, 5, 0xb4, 0, 1, 0, 7 };
/* Wrong-length MSS and WS are skipped; an unknown kind is kept. */
static const uint8_t opt_odd[] = {
	2, 3, 5,
	3, 4, 9, 0,
	30, 4, 0x10, 0x01,
	4, 2,
};
/* clang-format on */

/* Well-formed option lists: the layout, and the fields named in check. */
static const struct {
	const char *name;
	const uint8_t *opt;
	uint32_t len;
	uint8_t layout[8];
	uint8_t layout_len;
	unsigned int check;
	uint16_t mss;
	uint8_t wscale;
	uint32_t present;
	uint32_t ts_val, ts_ecr;
	uint8_t eol_pad, eol_pad_nonzero;
} opt_rows[] = {
	{ .name = "Linux",
	  .opt = linux_syn_opts,
	  .len = sizeof(linux_syn_opts),
	  .layout = { 2, 4, 8, 1, 3 },
	  .layout_len = 5,
	  .check = O_MSS | O_WSCALE,
	  .mss = 1460,
	  .wscale = 7 },
	{ .name = "Windows",
	  .opt = opt_win,
	  .len = sizeof(opt_win),
	  .layout = { 2, 1, 3, 1, 1, 4 },
	  .layout_len = 6,
	  .check = O_PRESENT | O_WSCALE | O_EOL_PAD,
	  .present = SW_TCPOPT_HAS_MSS | SW_TCPOPT_HAS_WSCALE |
		     SW_TCPOPT_HAS_SACK_PERM,
	  .wscale = 8,
	  .eol_pad = 0 },
	{ .name = "macOS",
	  .opt = opt_mac,
	  .len = sizeof(opt_mac),
	  .layout = { 2, 1, 3, 1, 1, 8, 4, 0 },
	  .layout_len = 8,
	  .check = O_TS | O_EOL_PAD | O_EOL_NONZERO | O_PRESENT,
	  .ts_val = 0x12345678,
	  .ts_ecr = 0,
	  .eol_pad = 1,
	  .eol_pad_nonzero = 0,
	  .present = SW_TCPOPT_HAS_MSS | SW_TCPOPT_HAS_WSCALE |
		     SW_TCPOPT_HAS_TS | SW_TCPOPT_HAS_SACK_PERM },
	{ .name = "SACK",
	  .opt = opt_sack,
	  .len = sizeof(opt_sack),
	  .layout = { 1, 1, 5 },
	  .layout_len = 3,
	  .check = O_PRESENT,
	  .present = SW_TCPOPT_HAS_SACK },
	{ .name = "EOL junk",
	  .opt = opt_eol_junk,
	  .len = sizeof(opt_eol_junk),
	  .layout = { 2, 0 },
	  .layout_len = 2,
	  .check = O_EOL_PAD | O_EOL_NONZERO,
	  .eol_pad = 3,
	  .eol_pad_nonzero = 1 },
	{ .name = "odd lengths",
	  .opt = opt_odd,
	  .len = sizeof(opt_odd),
	  .layout = { 2, 3, 30, 4 },
	  .layout_len = 4,
	  .check = O_PRESENT | O_MSS,
	  .present = SW_TCPOPT_HAS_SACK_PERM,
	  .mss = 0 },
	{ .name = "none", .opt = NULL, .len = 0, .layout_len = 0 },
};

static void test_tcp_options(void **state)
{
	struct sw_tcp_opts o;
	uint8_t nops[48];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(opt_rows); i++) {
		const char *ctx = opt_rows[i].name;
		unsigned int c = opt_rows[i].check;

		opts_parse(ctx, opt_rows[i].opt, opt_rows[i].len, &o, SW_DR_OK);
		expect_layout(ctx, &o, opt_rows[i].layout,
			      opt_rows[i].layout_len);
		if (c & O_PRESENT)
			EXPECT_EQ(ctx, "present", o.present,
				  opt_rows[i].present);
		if (c & O_MSS)
			EXPECT_EQ(ctx, "mss", o.mss, opt_rows[i].mss);
		if (c & O_WSCALE)
			EXPECT_EQ(ctx, "wscale", o.wscale, opt_rows[i].wscale);
		if (c & O_TS) {
			EXPECT_EQ(ctx, "ts_val", o.ts_val, opt_rows[i].ts_val);
			EXPECT_EQ(ctx, "ts_ecr", o.ts_ecr, opt_rows[i].ts_ecr);
		}
		if (c & O_EOL_PAD)
			EXPECT_EQ(ctx, "eol_pad", o.eol_pad,
				  opt_rows[i].eol_pad);
		if (c & O_EOL_NONZERO)
			EXPECT_EQ(ctx, "eol_pad_nonzero", o.eol_pad_nonzero,
				  opt_rows[i].eol_pad_nonzero);
	}

	/* The layout keeps at most SW_TCPOPT_LAYOUT_MAX kinds. */
	memset(nops, SW_TCPOPT_NOP, sizeof(nops));
	opts_parse("48 NOPs", nops, sizeof(nops), &o, SW_DR_OK);
	EXPECT_EQ("48 NOPs", "layout_len", o.layout_len, SW_TCPOPT_LAYOUT_MAX);
}

static void test_tcp_options_malformed(void **state)
{
	static const struct {
		const char *name;
		uint8_t opt[12];
		uint8_t len;
		uint8_t layout_len;
		uint16_t mss;
		/* clang-format off */
	} rows[] = {
		{ "length past end", { 2, 4, 5, 0xb4, 3, 5, 7 }, 7, 2, 1460 },
		{ "length 1", { 1, 3, 1, 0 }, 4, 2, 0 },
		{ "length 0", { 2, 4, 1, 0x40, 8, 0, 1, 1 }, 8, 2, 320 },
		{ "kind without length", { 1, 1, 1, 3 }, 4, 4, 0 },
		{ "TS cut", { 1, 1, 8, 10, 0, 0, 0, 1 }, 8, 3, 0 },
	};
	/* clang-format on */
	struct sw_tcp_opts o;
	struct sw_packet p;
	struct frame f;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		opts_parse(rows[i].name, rows[i].opt, rows[i].len, &o,
			   SW_DR_TCP_BAD_OPTION);
		EXPECT_EQ(rows[i].name, "layout_len", o.layout_len,
			  rows[i].layout_len);
		EXPECT_EQ(rows[i].name, "mss before the bad option", o.mss,
			  rows[i].mss);
	}

	/* In a packet: an anomaly, but the packet still decodes. */
	fr_init(&f);
	eth(&f, 0x0800);
	ipv4(&f, IPPROTO_TCP_, 0, NULL, 0, 0);
	tcp(&f, 40000, 443, 0x11223344, 0x55667788, TH_ACK,
	    (const uint8_t[]){ 2, 4, 5, 0xb4, 1, 1, 8, 10 }, 8);
	data(&f, 5);
	finish(&f);
	EXPECT_REASON("bad option in packet", "verdict",
		      decode_frame(ETH, &f, &p), SW_DR_OK);
	EXPECT_REASON("bad option in packet", "anomaly", p.anomaly,
		      SW_DR_TCP_BAD_OPTION);
	expect_tcp_4tuple("bad option in packet", &p, SW_FAMILY_IPV4);
	EXPECT_EQ("bad option in packet", "mss", p.tcpopt.mss, 1460);
	EXPECT_EQ("bad option in packet", "payload_len", p.payload_len, 5);
}

static void test_udp(void **state)
{
	struct sw_packet p;
	struct frame f;

	(void)state;
	build_v4_udp(&f, 42);
	EXPECT_REASON("IPv4 UDP", "verdict", decode_frame(ETH, &f, &p),
		      SW_DR_OK);
	EXPECT_EQ("IPv4 UDP", "proto", p.proto, IPPROTO_UDP_);
	EXPECT_EQ("IPv4 UDP", "sport", p.sport, 5353);
	EXPECT_EQ("IPv4 UDP", "dport", p.dport, 53);
	EXPECT_EQ("IPv4 UDP", "payload_len", p.payload_len, 42);
	EXPECT_EQ("IPv4 UDP", "payload offset", p.payload - cap_buf, 42);
	EXPECT_EQ("IPv4 UDP", "anomaly", p.anomaly, SW_DR_OK);

	/* QUIC Initial over IPv6. */
	fr_init(&f);
	eth(&f, 0x86dd);
	ipv6(&f, IPPROTO_UDP_, 0);
	udp(&f, 50000, 443);
	data(&f, 1200);
	finish(&f);
	EXPECT_REASON("IPv6 UDP", "verdict", decode_frame(ETH, &f, &p),
		      SW_DR_OK);
	EXPECT_EQ("IPv6 UDP", "family", p.family, SW_FAMILY_IPV6);
	EXPECT_EQ("IPv6 UDP", "dport", p.dport, 443);
	EXPECT_EQ("IPv6 UDP", "payload_len", p.payload_len, 1200);
	EXPECT_EQ("IPv6 UDP", "anomaly", p.anomaly, SW_DR_OK);

	/* UDP length 0 is legal over IPv6 (RFC 2675 jumbograms). */
	set16(&f, 14 + 40 + 4, 0);
	EXPECT_REASON("IPv6 UDP length 0", "verdict", decode_frame(ETH, &f, &p),
		      SW_DR_OK);
	EXPECT_EQ("IPv6 UDP length 0", "anomaly", p.anomaly, SW_DR_OK);
	EXPECT_EQ("IPv6 UDP length 0", "payload_len", p.payload_len, 1200);

	/* Called directly, without a frame: the capture is the wire. */
	build_v4_udp(&f, 10);
	memset(&p, 0, sizeof(p));
	EXPECT_REASON("sw_decode_ip", "verdict",
		      sw_decode_ip(f.b + 14, f.len - 14, &p), SW_DR_OK);
	EXPECT_EQ("sw_decode_ip", "payload_len", p.payload_len, 10);
	set16(&f, 16, 0);
	memset(&p, 0, sizeof(p));
	EXPECT_REASON("sw_decode_ip, length 0", "verdict",
		      sw_decode_ip(f.b + 14, f.len - 14, &p), SW_DR_OK);
	EXPECT_EQ("sw_decode_ip, length 0", "payload_len", p.payload_len, 10);

	/* Called directly, the capture is clamped to the L4 length. */
	build_v4_udp(&f, 10);
	memset(&p, 0, sizeof(p));
	p.proto = IPPROTO_UDP_;
	p.family = SW_FAMILY_IPV4;
	EXPECT_REASON("sw_decode_l4", "verdict",
		      sw_decode_l4(f.b + 34, f.len - 34, 12, &p), SW_DR_OK);
	EXPECT_EQ("sw_decode_l4", "payload_len", p.payload_len, 4);
	EXPECT_EQ("sw_decode_l4", "payload_caplen", p.payload_caplen, 4);
	EXPECT_EQ("sw_decode_l4", "anomaly", p.anomaly, SW_DR_UDP_BAD_LEN);

	/* An empty datagram. */
	build_v4_udp(&f, 0);
	EXPECT_REASON("empty UDP", "verdict", decode_frame(ETH, &f, &p),
		      SW_DR_OK);
	EXPECT_EQ("empty UDP", "payload_len", p.payload_len, 0);
	EXPECT_EQ("empty UDP", "payload_caplen", p.payload_caplen, 0);
}

/* The same TCP packet behind every link header the decoder knows. */
static void test_link_types(void **state)
{
	static const struct {
		const char *name;
		int linktype;
		uint8_t hdr[20];
		uint8_t hdr_len;
		int v6;
		/* clang-format off */
	} rows[] = {
		{ "Ethernet", SW_LINKTYPE_ETHERNET,
		  { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00 }, 14, 0 },
		{ "SLL", SW_LINKTYPE_LINUX_SLL,
		  { 0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00 }, 16,
		  0 },
		{ "SLL IPv6", SW_LINKTYPE_LINUX_SLL,
		  { 0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x86, 0xdd }, 16,
		  1 },
		{ "SLL2", SW_LINKTYPE_LINUX_SLL2,
		  { 0x08, 0x00, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 2, 0, 0, 0, 0,
		    1, 0, 0 }, 20, 0 },
		{ "SLL2 IPv6", SW_LINKTYPE_LINUX_SLL2,
		  { 0x86, 0xdd, 0, 0, 0, 0, 0, 3, 0, 1, 4, 6, 2, 0, 0, 0, 0,
		    1, 0, 0 }, 20, 1 },
		{ "SLL2 with VLAN", SW_LINKTYPE_LINUX_SLL2,
		  { 0x81, 0x00, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 2, 0, 0, 0, 0,
		    1, 0, 0 }, 20, 0 },
		{ "RAW IPv4", SW_LINKTYPE_RAW, { 0 }, 0, 0 },
		{ "RAW IPv6", SW_LINKTYPE_RAW, { 0 }, 0, 1 },
		{ "IPV4", SW_LINKTYPE_IPV4, { 0 }, 0, 0 },
		{ "IPV6", SW_LINKTYPE_IPV6, { 0 }, 0, 1 },
		{ "NULL AF_INET, little-endian", SW_LINKTYPE_NULL,
		  { 2, 0, 0, 0 }, 4, 0 },
		{ "NULL AF_INET, big-endian", SW_LINKTYPE_NULL,
		  { 0, 0, 0, 2 }, 4, 0 },
		{ "NULL AF_INET6 Linux", SW_LINKTYPE_NULL, { 10, 0, 0, 0 }, 4,
		  1 },
		{ "NULL AF_INET6 BSD", SW_LINKTYPE_NULL, { 24, 0, 0, 0 }, 4,
		  1 },
		{ "NULL AF_INET6 FreeBSD", SW_LINKTYPE_NULL, { 28, 0, 0, 0 },
		  4, 1 },
		{ "NULL AF_INET6 macOS", SW_LINKTYPE_NULL, { 30, 0, 0, 0 }, 4,
		  1 },
		{ "NULL AF_INET6 macOS, big-endian", SW_LINKTYPE_NULL,
		  { 0, 0, 0, 30 }, 4, 1 },
		{ "LOOP AF_INET", SW_LINKTYPE_LOOP, { 0, 0, 0, 2 }, 4, 0 },
		{ "LOOP AF_INET6", SW_LINKTYPE_LOOP, { 0, 0, 0, 24 }, 4, 1 },
	};
	/* clang-format on */
	struct sw_packet p;
	struct frame ip, f;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		const char *ctx = rows[i].name;
		int vlan_tag = rows[i].hdr[0] == 0x81;

		fr_init(&ip);
		if (vlan_tag)
			vlan(&ip, 7, 0x0800);
		if (rows[i].v6)
			ipv6(&ip, IPPROTO_TCP_, 0);
		else
			ipv4(&ip, IPPROTO_TCP_, 0, NULL, 0, 0);
		tcp(&ip, 40000, 443, 0x11223344, 0x55667788, TH_ACK, NULL, 0);
		data(&ip, 3);
		finish(&ip);
		fr_init(&f);
		put(&f, rows[i].hdr, rows[i].hdr_len);
		put(&f, ip.b, ip.len);

		EXPECT_REASON(ctx, "verdict",
			      decode_frame(rows[i].linktype, &f, &p), SW_DR_OK);
		expect_tcp_4tuple(ctx, &p,
				  rows[i].v6 ? SW_FAMILY_IPV6 : SW_FAMILY_IPV4);
		EXPECT_EQ(ctx, "payload_len", p.payload_len, 3);
		EXPECT_EQ(ctx, "payload offset", p.payload - cap_buf,
			  f.len - 3);
		EXPECT_EQ(ctx, "vlan_count", p.vlan_count, vlan_tag);
	}
}

static void test_flow_key_normalised(void **state)
{
	struct sw_flow_key k1, k2;
	struct sw_packet p;
	struct frame f;
	int b1, b2, v6;

	(void)state;
	for (v6 = 0; v6 <= 1; v6++) {
		const char *ctx = v6 ? "IPv6" : "IPv4";
		const uint8_t *lo = v6 ? cli6 : cli4;
		const uint8_t *hi = v6 ? srv6 : srv4;
		size_t alen = v6 ? 16 : 4;

		fr_init(&f);
		eth(&f, v6 ? 0x86dd : 0x0800);
		if (v6)
			ipv6(&f, IPPROTO_TCP_, 0);
		else
			ipv4(&f, IPPROTO_TCP_, 0, NULL, 0, 0);
		tcp(&f, 40000, 443, 1, 0, TH_SYN, NULL, 0);
		finish(&f);
		assert_int_equal(decode_frame(ETH, &f, &p), SW_DR_OK);
		b1 = sw_flow_key_from_packet(&p, &k1);

		fr_init(&f);
		eth(&f, v6 ? 0x86dd : 0x0800);
		if (v6)
			ipv6(&f, IPPROTO_TCP_, 1);
		else
			ipv4(&f, IPPROTO_TCP_, 0, NULL, 0, 1);
		tcp(&f, 443, 40000, 9, 2, TH_SYN | TH_ACK, NULL, 0);
		finish(&f);
		assert_int_equal(decode_frame(ETH, &f, &p), SW_DR_OK);
		b2 = sw_flow_key_from_packet(&p, &k2);

		EXPECT_EQ(ctx, "same key both ways",
			  memcmp(&k1, &k2, sizeof(k1)), 0);
		EXPECT_EQ(ctx, "client is endpoint a", b1, 0);
		EXPECT_EQ(ctx, "server is endpoint b", b2, 1);
		EXPECT_EQ(ctx, "addr_a", memcmp(k1.addr_a, lo, alen), 0);
		EXPECT_EQ(ctx, "addr_b", memcmp(k1.addr_b, hi, alen), 0);
		EXPECT_EQ(ctx, "port_a", k1.port_a, 40000);
		EXPECT_EQ(ctx, "port_b", k1.port_b, 443);
		EXPECT_EQ(ctx, "proto", k1.proto, IPPROTO_TCP_);
		EXPECT_EQ(ctx, "family", k1.family,
			  v6 ? SW_FAMILY_IPV6 : SW_FAMILY_IPV4);
		EXPECT_EQ(ctx, "zone", k1.zone, 0);
	}

	/* The IPv4 key ignores whatever sits past the 4 address bytes. */
	memset(&p, 0, sizeof(p));
	p.family = SW_FAMILY_IPV4;
	p.proto = IPPROTO_UDP_;
	memset(p.saddr, 0xee, sizeof(p.saddr));
	memset(p.daddr, 0xee, sizeof(p.daddr));
	memcpy(p.saddr, srv4, 4);
	memcpy(p.daddr, cli4, 4);
	p.sport = 53;
	p.dport = 5353;
	EXPECT_EQ("IPv4 junk", "source is b", sw_flow_key_from_packet(&p, &k1),
		  1);
	EXPECT_EQ("IPv4 junk", "addr_a", memcmp(k1.addr_a, cli4, 4), 0);
	EXPECT_EQ("IPv4 junk", "addr_a tail", k1.addr_a[4] | k1.addr_a[15], 0);
	EXPECT_EQ("IPv4 junk", "addr_b tail", k1.addr_b[4] | k1.addr_b[15], 0);
	EXPECT_EQ("IPv4 junk", "port_a", k1.port_a, 5353);

	/* Same address both ends (loopback): ports decide. */
	memcpy(p.saddr, cli4, 4);
	p.sport = 8080;
	p.dport = 50000;
	b1 = sw_flow_key_from_packet(&p, &k1);
	p.sport = 50000;
	p.dport = 8080;
	b2 = sw_flow_key_from_packet(&p, &k2);
	EXPECT_EQ("loopback", "same key both ways",
		  memcmp(&k1, &k2, sizeof(k1)), 0);
	EXPECT_EQ("loopback", "lower port is a", k1.port_a, 8080);
	EXPECT_EQ("loopback", "sides differ", b1 != b2, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_ether_ipv4_tcp_syn, teardown),
		cmocka_unit_test_teardown(test_ether_ipv4_tcp_payload,
					  teardown),
		cmocka_unit_test_teardown(test_vlan, teardown),
		cmocka_unit_test_teardown(test_ipv4_options, teardown),
		cmocka_unit_test_teardown(test_ipv4_fragments, teardown),
		cmocka_unit_test_teardown(test_ipv6_ext_chain, teardown),
		cmocka_unit_test_teardown(test_ipv6_too_many_exthdrs, teardown),
		cmocka_unit_test_teardown(test_refused_frames, teardown),
		cmocka_unit_test(test_reason_names),
		cmocka_unit_test_teardown(test_snaplen_keeps_lengths, teardown),
		cmocka_unit_test(test_tcp_options),
		cmocka_unit_test_teardown(test_tcp_options_malformed, teardown),
		cmocka_unit_test_teardown(test_udp, teardown),
		cmocka_unit_test_teardown(test_link_types, teardown),
		cmocka_unit_test_teardown(test_flow_key_normalised, teardown),
	};

	return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
