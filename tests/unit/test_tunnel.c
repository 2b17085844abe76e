// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of tunnel decapsulation (src/decode/decode-tunnel.c): each
 * encapsulation reaches the inner TCP packet and records its tunnel, each
 * tunnel reason (trunc_tunnel, tunnel_unknown, tunnel_too_deep,
 * mpls_too_deep) has a frame that produces it, the depth bound and the
 * configuration (tunnels off, mpls_pseudowire, tunnel_key vni) hold, and a
 * frame cut by a snap length inside the inner packet still accounts.
 * Frames are copied into a buffer of exactly the captured length, so
 * AddressSanitizer catches a read past the capture.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "decode/decode.h"

struct buf {
	uint8_t b[2048];
	uint32_t n;
};

static void put(struct buf *f, const void *p, uint32_t n)
{
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void put16(struct buf *f, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put(f, x, 2);
}

static void put32(struct buf *f, uint32_t v)
{
	put16(f, (uint16_t)(v >> 16));
	put16(f, (uint16_t)v);
}

static void eth(struct buf *f, uint16_t type)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };

	put(f, macs, 12);
	put16(f, type);
}

/* An IPv4 header for plen bytes of payload, addresses 10.0.0.a > .b. */
static void ipv4(struct buf *f, uint8_t proto, uint32_t plen, uint8_t a,
		 uint8_t b)
{
	uint8_t h[20] = { 0x45, 0, 0,  0, 0, 1, 0x40, 0, 64, proto,
			  0,	0, 10, 0, 0, a, 10,   0, 0,  b };

	h[2] = (uint8_t)((20 + plen) >> 8);
	h[3] = (uint8_t)(20 + plen);
	put(f, h, 20);
}

static void ipv6(struct buf *f, uint8_t next, uint32_t plen)
{
	uint8_t h[40] = { 0x60, 0, 0, 0, 0, 0, next, 64 };

	h[4] = (uint8_t)(plen >> 8);
	h[5] = (uint8_t)plen;
	h[8] = 0xfd;
	h[23] = 1;
	h[24] = 0xfd;
	h[39] = 2;
	put(f, h, 40);
}

/* The inner packet: 10.0.0.1:40000 > 10.0.0.2:80, TCP with 10 bytes. */
#define INNER_IP_LEN (20 + 20 + 10)
static void inner_ip(struct buf *f)
{
	uint8_t tcp[20] = { 0x9c, 0x40, 0, 80, 0,    0,	   0,	 1,
			    0,	  0,	0, 0,  0x50, 0x18, 0xff, 0xff };
	uint8_t pay[10] = "GET / HTTP";

	ipv4(f, 6, 30, 1, 2);
	put(f, tcp, 20);
	put(f, pay, 10);
}

#define INNER_ETH_LEN (14 + INNER_IP_LEN)
static void inner_eth(struct buf *f)
{
	eth(f, 0x0800);
	inner_ip(f);
}

static void vxlan_hdr(struct buf *f, uint32_t vni, uint32_t plen)
{
	eth(f, 0x0800);
	ipv4(f, 17, 8 + 8 + plen, 100, 200);
	put16(f, 50000);
	put16(f, 4789);
	put16(f, (uint16_t)(16 + plen));
	put16(f, 0);
	put32(f, 0x08000000);
	put32(f, vni << 8);
}

static uint8_t *cap_buf;

static int decode(const struct buf *f, uint32_t caplen, struct sw_packet *p)
{
	free(cap_buf);
	cap_buf = malloc(caplen ? caplen : 1);
	assert_non_null(cap_buf);
	memcpy(cap_buf, f->b, caplen);
	memset(p, 0, sizeof(*p));
	return sw_decode(SW_LINKTYPE_ETHERNET, cap_buf, caplen, f->n, p);
}

static int teardown(void **state)
{
	struct sw_decode_cfg c;

	(void)state;
	free(cap_buf);
	cap_buf = NULL;
	sw_decode_default_cfg(&c);
	sw_decode_configure(&c);
	return 0;
}

static void expect_inner(const struct sw_packet *p, int type, uint32_t id,
			 int depth)
{
	static const uint8_t a[4] = { 10, 0, 0, 1 }, b[4] = { 10, 0, 0, 2 };

	assert_int_equal(p->family, SW_FAMILY_IPV4);
	assert_memory_equal(p->saddr, a, 4);
	assert_memory_equal(p->daddr, b, 4);
	assert_int_equal(p->sport, 40000);
	assert_int_equal(p->dport, 80);
	assert_int_equal(p->payload_len, 10);
	assert_int_equal(p->tunnel.type, type);
	assert_int_equal(p->tunnel.depth, depth);
	assert_int_equal(p->tunnel.id, id);
}

static void test_vxlan(void **state)
{
	struct sw_packet p;
	struct buf f = { .n = 0 };

	(void)state;
	vxlan_hdr(&f, 5001, INNER_ETH_LEN);
	inner_eth(&f);
	assert_int_equal(decode(&f, f.n, &p), SW_DR_OK);
	expect_inner(&p, SW_TUN_VXLAN, 5001, 1);
	assert_int_equal(p.tunnel.family, SW_FAMILY_IPV4);
	assert_int_equal(p.tunnel.saddr[3], 100);
	assert_int_equal(p.tunnel.daddr[3], 200);
	/* Cut by a snap length inside the inner payload: still accounted,
	 * by the inner IP length. */
	assert_int_equal(decode(&f, f.n - 4, &p), SW_DR_OK);
	assert_int_equal(p.payload_len, 10);
	assert_int_equal(p.payload_caplen, 6);
	/* Cut inside the VXLAN header. */
	assert_int_equal(decode(&f, 14 + 20 + 8 + 4, &p), SW_DR_TRUNC_TUNNEL);
	/* I flag clear. */
	f.b[14 + 20 + 8] = 0;
	assert_int_equal(decode(&f, f.n, &p), SW_DR_TUNNEL_UNKNOWN);
}

static void test_vxlan_off(void **state)
{
	struct sw_decode_cfg c;
	struct sw_packet p;
	struct buf f = { .n = 0 };

	(void)state;
	sw_decode_default_cfg(&c);
	c.tunnels = 0;
	sw_decode_configure(&c);
	vxlan_hdr(&f, 5001, INNER_ETH_LEN);
	inner_eth(&f);
	assert_int_equal(decode(&f, f.n, &p), SW_DR_OK);
	assert_int_equal(p.dport, 4789);
	assert_int_equal(p.tunnel.type, SW_TUN_NONE);
}

static void test_geneve(void **state)
{
	struct sw_packet p;
	struct buf f = { .n = 0 };

	(void)state;
	eth(&f, 0x86dd);
	ipv6(&f, 17, 8 + 16 + INNER_IP_LEN);
	put16(&f, 50000);
	put16(&f, 6081);
	put16(&f, 8 + 16 + INNER_IP_LEN);
	put16(&f, 0);
	put16(&f, 0x0200); /* version 0, 2 words of options */
	put16(&f, 0x0800); /* IPv4 straight after */
	put32(&f, 7001 << 8);
	put32(&f, 0x01038001);
	put32(&f, 0xdeadbeef);
	inner_ip(&f);
	assert_int_equal(decode(&f, f.n, &p), SW_DR_OK);
	expect_inner(&p, SW_TUN_GENEVE, 7001, 1);
	assert_int_equal(p.tunnel.family, SW_FAMILY_IPV6);
	f.b[14 + 40 + 8] |= 0x40; /* version 1 */
	assert_int_equal(decode(&f, f.n, &p), SW_DR_TUNNEL_UNKNOWN);
	f.b[14 + 40 + 8] &= 0x3f;
	/* Options run past the capture. */
	assert_int_equal(decode(&f, 14 + 40 + 8 + 12, &p), SW_DR_TRUNC_TUNNEL);
}

static void gre_frame(struct buf *f, uint16_t flags, uint16_t type,
		      uint32_t plen)
{
	uint32_t hlen = 4 + 4 * (!!(flags & 0x8000) + !!(flags & 0x2000) +
				 !!(flags & 0x1000));

	eth(f, 0x0800);
	ipv4(f, 47, hlen + plen, 100, 200);
	put16(f, flags);
	put16(f, type);
	if (flags & 0x8000)
		put32(f, 0);
	if (flags & 0x2000)
		put32(f, 1234);
	if (flags & 0x1000)
		put32(f, 9);
}

static void test_gre(void **state)
{
	struct sw_packet p;
	struct buf f = { .n = 0 };

	(void)state;
	gre_frame(&f, 0xb000, 0x0800, INNER_IP_LEN);
	inner_ip(&f);
	assert_int_equal(decode(&f, f.n, &p), SW_DR_OK);
	expect_inner(&p, SW_TUN_GRE, 1234, 1);
	assert_int_equal(p.tunnel.has_id, 1);
	assert_int_equal(decode(&f, 14 + 20 + 10, &p), SW_DR_TRUNC_TUNNEL);
	f.b[14 + 20 + 1] = 1; /* version 1 (PPTP) */
	assert_int_equal(decode(&f, f.n, &p), SW_DR_TUNNEL_UNKNOWN);

	f.n = 0; /* Ethernet over GRE, no key */
	gre_frame(&f, 0x0000, 0x6558, INNER_ETH_LEN);
	inner_eth(&f);
	assert_int_equal(decode(&f, f.n, &p), SW_DR_OK);
	expect_inner(&p, SW_TUN_GRE, 0, 1);
	assert_int_equal(p.tunnel.has_id, 0);

	f.n = 0; /* a payload type GRE does not carry here */
	gre_frame(&f, 0x0000, 0x0806, INNER_ETH_LEN);
	inner_eth(&f);
	assert_int_equal(decode(&f, f.n, &p), SW_DR_TUNNEL_UNKNOWN);
}

static void test_erspan(void **state)
{
	struct sw_packet p;
	struct buf f = { .n = 0 };

	(void)state;
	gre_frame(&f, 0x1000, 0x88be, 8 + INNER_ETH_LEN);
	put32(&f, 0x10000000 | 42); /* version 1, session 42 */
	put32(&f, 0);
	inner_eth(&f);
	assert_int_equal(decode(&f, f.n, &p), SW_DR_OK);
	expect_inner(&p, SW_TUN_ERSPAN2, 42, 1);

	f.n = 0; /* type III with the platform sub-header (O bit) */
	gre_frame(&f, 0x1000, 0x22eb, 20 + INNER_ETH_LEN);
	put32(&f, 0x20000000 | 43);
	put32(&f, 12345);
	put32(&f, 0x00000001);
	put32(&f, 0x0c000000);
	put32(&f, 0);
	inner_eth(&f);
	assert_int_equal(decode(&f, f.n, &p), SW_DR_OK);
	expect_inner(&p, SW_TUN_ERSPAN3, 43, 1);
	assert_int_equal(decode(&f, f.n - INNER_ETH_LEN - 4, &p),
			 SW_DR_TRUNC_TUNNEL);
	f.b[14 + 20 + 8 + 10] = 0x14; /* frame type 5 */
	assert_int_equal(decode(&f, f.n, &p), SW_DR_TUNNEL_UNKNOWN);
}

static void mpls_frame(struct buf *f, unsigned labels, int pw)
{
	unsigned i;

	eth(f, 0x8847);
	for (i = 0; i < labels; i++)
		put32(f, (100 + i) << 12 | (i + 1 == labels ? 0x100 : 0) | 64);
	if (pw) {
		put32(f, 0);
		inner_eth(f);
	} else {
		inner_ip(f);
	}
}

static void test_mpls(void **state)
{
	struct sw_decode_cfg c;
	struct sw_packet p;
	struct buf f = { .n = 0 };

	(void)state;
	mpls_frame(&f, 2, 0);
	assert_int_equal(decode(&f, f.n, &p), SW_DR_OK);
	expect_inner(&p, SW_TUN_MPLS, 101, 1);
	assert_int_equal(p.tunnel.family, 0);
	assert_int_equal(decode(&f, 14 + 6, &p), SW_DR_TRUNC_TUNNEL);

	f.n = 0;
	mpls_frame(&f, SW_MAX_MPLS_LABELS + 1, 0);
	assert_int_equal(decode(&f, f.n, &p), SW_DR_MPLS_TOO_DEEP);

	f.n = 0; /* a pseudowire: Ethernet after a control word */
	mpls_frame(&f, 1, 1);
	assert_int_equal(decode(&f, f.n, &p), SW_DR_TUNNEL_UNKNOWN);
	sw_decode_default_cfg(&c);
	c.mpls_pw = 1;
	sw_decode_configure(&c);
	assert_int_equal(decode(&f, f.n, &p), SW_DR_OK);
	expect_inner(&p, SW_TUN_MPLS, 100, 1);
}

static void test_ipip(void **state)
{
	struct sw_packet p;
	struct buf f = { .n = 0 };

	(void)state;
	eth(&f, 0x86dd);
	ipv6(&f, 4, INNER_IP_LEN);
	inner_ip(&f);
	assert_int_equal(decode(&f, f.n, &p), SW_DR_OK);
	expect_inner(&p, SW_TUN_IPIP, 0, 1);
	assert_int_equal(p.tunnel.family, SW_FAMILY_IPV6);
}

/* VXLAN in VXLAN in VXLAN: three levels. */
static void test_depth(void **state)
{
	struct sw_decode_cfg c;
	struct sw_packet p;
	struct buf f = { .n = 0 };
	uint32_t l1 = 50 + INNER_ETH_LEN, l0 = 50 + l1;

	(void)state;
	vxlan_hdr(&f, 1, l0);
	vxlan_hdr(&f, 2, l1);
	vxlan_hdr(&f, 3, INNER_ETH_LEN);
	inner_eth(&f);
	assert_int_equal(decode(&f, f.n, &p), SW_DR_TUNNEL_TOO_DEEP);
	sw_decode_default_cfg(&c);
	c.max_depth = 3;
	sw_decode_configure(&c);
	assert_int_equal(decode(&f, f.n, &p), SW_DR_OK);
	/* The outermost tunnel is the one recorded. */
	expect_inner(&p, SW_TUN_VXLAN, 1, 3);
}

/* decode.tunnel_key: vni keeps tenants with the same inner tuple apart. */
static void test_tunnel_key(void **state)
{
	struct sw_flow_key k1, k2;
	struct sw_decode_cfg c;
	struct sw_packet p;
	struct buf f = { .n = 0 }, g = { .n = 0 };

	(void)state;
	vxlan_hdr(&f, 1, INNER_ETH_LEN);
	inner_eth(&f);
	vxlan_hdr(&g, 2, INNER_ETH_LEN);
	inner_eth(&g);
	assert_int_equal(decode(&f, f.n, &p), SW_DR_OK);
	sw_flow_key_from_packet(&p, &k1);
	assert_int_equal(decode(&g, g.n, &p), SW_DR_OK);
	sw_flow_key_from_packet(&p, &k2);
	assert_memory_equal(&k1, &k2, sizeof(k1));

	sw_decode_default_cfg(&c);
	c.tunnel_key_vni = 1;
	sw_decode_configure(&c);
	assert_int_equal(decode(&f, f.n, &p), SW_DR_OK);
	sw_flow_key_from_packet(&p, &k1);
	assert_int_equal(decode(&g, g.n, &p), SW_DR_OK);
	sw_flow_key_from_packet(&p, &k2);
	assert_int_equal(k1.zone, 1);
	assert_int_equal(k2.zone, 2);
	assert_memory_not_equal(&k1, &k2, sizeof(k1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_vxlan, teardown),
		cmocka_unit_test_teardown(test_vxlan_off, teardown),
		cmocka_unit_test_teardown(test_geneve, teardown),
		cmocka_unit_test_teardown(test_gre, teardown),
		cmocka_unit_test_teardown(test_erspan, teardown),
		cmocka_unit_test_teardown(test_mpls, teardown),
		cmocka_unit_test_teardown(test_ipip, teardown),
		cmocka_unit_test_teardown(test_depth, teardown),
		cmocka_unit_test_teardown(test_tunnel_key, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
