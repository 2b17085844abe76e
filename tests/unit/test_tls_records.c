// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of the TLS record walk (include/scrapewatch/tls_records.h)
 * and of the request estimate built on it (sw_flow_requests()).
 *
 * A case is a client stream of TLS records, built from (content type,
 * length) pairs with filler bytes, sent after a SYN in segments of a given
 * size; the server answers each segment with an ACK that moves, so every
 * client segment is a turn. The counts must not depend on where segments
 * cut the stream.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "scrapewatch/tls_records.h"
#include "track/flow_table.h"

#define T0_NS (1700000000ULL * 1000000000ULL)
#define STREAM_MAX 65536

struct rec {
	uint8_t type;
	uint16_t len;
};

/* A client stream and its flow. */
struct tc {
	struct sw_flow f;
	uint8_t buf[STREAM_MAX];
	uint32_t len;
	uint32_t isn; /* client ISN */
	uint32_t sack; /* server's next sequence, relative */
	uint64_t now;
};

static const struct sw_acct_cfg cfg = {
	.udp_turn_gap_ns = SW_ACCT_DEFAULT_UDP_TURN_GAP_NS,
};

static void build(struct tc *t, const struct rec *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t *p = t->buf + t->len;

		assert_true(t->len + 5u + r[i].len <= STREAM_MAX);
		p[0] = r[i].type;
		p[1] = 3;
		p[2] = 3;
		p[3] = (uint8_t)(r[i].len >> 8);
		p[4] = (uint8_t)r[i].len;
		memset(p + 5, 0xa5, r[i].len);
		t->len += 5u + r[i].len;
	}
}

static void pkt(struct tc *t, int dir, uint8_t flags, uint32_t seq,
		uint32_t ack, const uint8_t *payload, uint32_t len,
		uint32_t caplen)
{
	struct sw_acct_pkt p = {
		.ts_ns = t->now,
		.seq = seq,
		.ack = ack,
		.payload_len = len,
		.dir = (uint8_t)dir,
		.tcp_flags = flags,
		.proto = SW_IPPROTO_TCP,
	};

	t->now += 1000000;
	if (dir == SW_DIR_C2S && len > 0)
		sw_tls_walk(&t->f.acct, &p, payload, caplen);
	sw_acct_update(&t->f.acct, &p, &cfg);
}

static void start(struct tc *t, uint32_t isn, int h2)
{
	memset(t, 0, sizeof(*t));
	t->isn = isn;
	t->now = T0_NS;
	t->f.key.proto = SW_IPPROTO_TCP;
	t->f.key.family = SW_FAMILY_IPV4;
	sw_acct_init(&t->f.acct, t->now, 0, SW_ORIGIN_SYN);
	if (h2)
		t->f.acct.user_flags |= SW_UF_ALPN_H2;
	pkt(t, SW_DIR_C2S, SW_TCP_SYN, isn, 0, NULL, 0, 0);
	pkt(t, SW_DIR_S2C, SW_TCP_SYN | SW_TCP_ACK, 7000, isn + 1, NULL, 0, 0);
	t->sack = 1;
}

/* Client bytes [off, off + n) of the stream, then the server's answer. */
static void send_seg(struct tc *t, uint32_t off, uint32_t n)
{
	pkt(t, SW_DIR_C2S, SW_TCP_ACK | SW_TCP_PSH, t->isn + 1 + off,
	    7000 + t->sack, t->buf + off, n, n);
	pkt(t, SW_DIR_S2C, SW_TCP_ACK | SW_TCP_PSH, 7000 + t->sack,
	    t->isn + 1 + off + n, NULL, 100, 0);
	t->sack += 100;
}

/* The whole stream in segments of seg bytes. */
static void send_all(struct tc *t, uint32_t seg)
{
	uint32_t off;

	for (off = 0; off < t->len; off += seg)
		send_seg(t, off, t->len - off < seg ? t->len - off : seg);
}

static uint32_t requests(const struct tc *t, int *by)
{
	return sw_flow_requests(&t->f, 0, by);
}

/* TLS 1.3 handshake as curl sends it: ClientHello, CCS, Finished. */
static const struct rec hs13[] = { { 22, 512 }, { 20, 1 }, { 23, 69 } };
/* TLS 1.2 (AES-GCM): ClientHello, ClientKeyExchange, CCS, Finished. */
static const struct rec hs12[] = { { 22, 512 },
				   { 22, 37 },
				   { 20, 1 },
				   { 22, 40 } };

/* curl --http2 over TLS 1.3: preface, then a HEADERS record a request,
 * a SETTINGS ACK and two WINDOW_UPDATEs that must not count. */
static const struct rec curl_h2[] = {
	{ 23, 81 }, { 23, 60 }, { 23, 26 }, { 23, 40 }, { 23, 40 }, { 23, 43 },
	{ 23, 40 }, { 23, 39 }, { 23, 30 }, { 23, 34 }, { 23, 19 },
};

static void curl_stream(struct tc *t, uint32_t isn)
{
	start(t, isn, 1);
	build(t, hs13, 3);
	build(t, curl_h2, sizeof(curl_h2) / sizeof(curl_h2[0]));
}

/* Requests in curl_h2: the HEADERS records of 60, 40 x 3 and 39 bytes. */
#define CURL_H2_REQS 5

static void test_h2_one_record_a_segment(void **state)
{
	static struct tc t;
	int by;

	(void)state;
	curl_stream(&t, 1000);
	/* Each record its own segment. */
	{
		uint32_t off = 0;
		const uint8_t *p = t.buf;

		while (off < t.len) {
			uint32_t n =
				5u + ((uint32_t)p[off + 3] << 8 | p[off + 4]);
			send_seg(&t, off, n);
			off += n;
		}
	}
	assert_int_equal(requests(&t, &by), CURL_H2_REQS);
	assert_int_equal(by, SW_REQ_BY_TLS);
	assert_int_equal(t.f.acct.tls_state, SW_TLS_APP);
	/* Turns count the handshake, the preface and the control. */
	assert_true(t.f.acct.turns > CURL_H2_REQS);
}

/* Every segment size, 1 byte up: headers cut anywhere, several records
 * in one segment; the counts never change. */
static void test_split_anywhere(void **state)
{
	static struct tc t;
	uint32_t seg;
	int by;

	(void)state;
	for (seg = 1; seg <= 1500; seg += seg < 64 ? 1 : 37) {
		curl_stream(&t, 0x7fff0000u + seg);
		send_all(&t, seg);
		assert_int_equal(requests(&t, &by), CURL_H2_REQS);
		assert_int_equal(by, SW_REQ_BY_TLS);
	}
}

static void test_sequence_wrap(void **state)
{
	static struct tc t;
	int by;

	(void)state;
	/* The stream crosses 2^32 in its middle. */
	curl_stream(&t, 0xffffffffu - 700);
	send_all(&t, 100);
	assert_int_equal(requests(&t, &by), CURL_H2_REQS);
	assert_int_equal(by, SW_REQ_BY_TLS);
}

static void test_retransmissions(void **state)
{
	static struct tc t;
	int by;

	(void)state;
	curl_stream(&t, 5000);
	send_seg(&t, 0, 300);
	send_seg(&t, 0, 300); /* whole again */
	send_seg(&t, 200, 300); /* half old, half new */
	send_seg(&t, 500, 1);
	send_seg(&t, 400, 50); /* old only */
	send_seg(&t, 501, t.len - 501);
	send_seg(&t, 501, t.len - 501);
	assert_int_equal(requests(&t, &by), CURL_H2_REQS);
	assert_int_equal(by, SW_REQ_BY_TLS);
}

static void test_out_of_order_loses_step(void **state)
{
	static struct tc t;
	uint32_t before, turns;
	int by;

	(void)state;
	curl_stream(&t, 9000);
	/* Through the first request (handshake 597 + 86 + 65 bytes). */
	send_seg(&t, 0, 748);
	before = requests(&t, &by);
	assert_int_equal(before, 1);
	assert_int_equal(by, SW_REQ_BY_TLS);
	/* A hole: the next segment comes first. */
	send_seg(&t, 800, 100);
	assert_int_equal(t.f.acct.tls_state, SW_TLS_LOST);
	turns = t.f.acct.tls_next; /* the turns at the loss */
	send_seg(&t, 748, 52);
	send_seg(&t, 900, t.len - 900);
	assert_int_equal(requests(&t, &by), before + (t.f.acct.turns - turns));
	assert_int_equal(by, SW_REQ_BY_TLS_LOST);
}

static void test_control_only(void **state)
{
	static struct tc t;
	/* SETTINGS ACK, WINDOW_UPDATE, PING, two WINDOW_UPDATEs,
	 * close_notify (TLS 1.3): none is a request. */
	static const struct rec ctl[] = {
		{ 23, 82 }, { 23, 26 }, { 23, 30 }, { 23, 34 },
		{ 23, 43 }, { 23, 30 }, { 23, 19 }, { 21, 2 },
	};
	int by;

	(void)state;
	start(&t, 1, 1);
	build(&t, hs13, 3);
	build(&t, ctl, sizeof(ctl) / sizeof(ctl[0]));
	send_all(&t, 1448);
	assert_int_equal(requests(&t, &by), 0);
	assert_int_equal(by, SW_REQ_BY_TLS);
	/* As HTTP/1.x, only the first record (taken for a request). */
	t.f.acct.user_flags = 0;
	assert_int_equal(requests(&t, &by), 1);
}

static void test_tls12_http1(void **state)
{
	static struct tc t;
	/* Four GETs and a close_notify alert, AES-GCM (24 bytes). */
	static const struct rec app[] = {
		{ 23, 110 }, { 23, 110 }, { 23, 111 }, { 23, 110 }, { 21, 26 },
	};
	int by;

	(void)state;
	start(&t, 77, 0);
	build(&t, hs12, 4);
	build(&t, app, sizeof(app) / sizeof(app[0]));
	send_all(&t, 1448);
	assert_int_equal(t.f.acct.tls_ovh, 24);
	assert_int_equal(requests(&t, &by), 4);
	assert_int_equal(by, SW_REQ_BY_TLS);
}

/* h2load -m 10 over TLS 1.2: HEADERS packed ten to a record. */
static void test_h2_packed_requests(void **state)
{
	static struct tc t;
	/* The preface (64 bytes of plaintext) with the first ten requests
	 * (the first 40, nine of 21), ten more, then one alone, which gives
	 * the unit, then ten more. */
	static const struct rec app[] = {
		{ 23, 24 + 64 + 40 + 9 * 21 },
		{ 23, 24 + 10 * 21 },
		{ 23, 24 + 9 },
		{ 23, 24 + 21 },
		{ 23, 24 + 10 * 21 },
		{ 23, 24 + 17 },
	};
	int by;

	(void)state;
	start(&t, 123, 1);
	build(&t, hs12, 4);
	build(&t, app, sizeof(app) / sizeof(app[0]));
	send_all(&t, 1448);
	assert_int_equal(t.f.acct.tls_unit, 21);
	/* 31 exactly would need the preface's true size: 82 are assumed. */
	assert_in_range(requests(&t, &by), 29, 31);
	assert_int_equal(by, SW_REQ_BY_TLS);
}

/* Clients that write a request a record, over TLS 1.3: whatever the
 * sizes of their HEADERS, one request each, two where a record holds two
 * of the client's smallest. */
static void one_a_record(const struct rec *app, size_t n, uint32_t want)
{
	static struct tc t;
	int by;

	start(&t, 555, 1);
	build(&t, hs13, 3);
	build(&t, app, n);
	send_all(&t, 1448);
	assert_int_equal(requests(&t, &by), want);
	assert_int_equal(by, SW_REQ_BY_TLS);
}

static void test_h2_a_request_a_record(void **state)
{
	/* Java's HttpClient: later HEADERS larger than the first. */
	static const struct rec java[] = {
		{ 23, 17 + 69 }, { 23, 17 + 13 }, { 23, 17 + 47 },
		{ 23, 17 + 9 },	 { 23, 17 + 56 }, { 23, 17 + 51 },
		{ 23, 17 + 62 }, { 23, 17 + 57 }, { 23, 17 + 64 },
	};
	/* Chromium: a large first request, then 40 to 120 bytes. */
	static const struct rec chromium[] = {
		{ 23, 17 + 70 },  { 23, 17 + 453 }, { 23, 17 + 9 },
		{ 23, 17 + 113 }, { 23, 17 + 52 },  { 23, 17 + 109 },
		{ 23, 17 + 46 },
	};
	/* python3-httpx: sometimes two requests a record. */
	static const struct rec httpx[] = {
		{ 23, 17 + 82 }, { 23, 17 + 63 }, { 23, 17 + 36 },
		{ 23, 17 + 72 }, { 23, 17 + 37 }, { 23, 17 + 74 },
	};

	(void)state;
	one_a_record(java, sizeof(java) / sizeof(java[0]), 6);
	one_a_record(chromium, sizeof(chromium) / sizeof(chromium[0]), 5);
	one_a_record(httpx, sizeof(httpx) / sizeof(httpx[0]), 7);
}

static void test_cleartext_is_off(void **state)
{
	static struct tc t;
	static const char get[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
	int by;

	(void)state;
	start(&t, 42, 0);
	memcpy(t.buf, get, sizeof(get) - 1);
	t.len = sizeof(get) - 1;
	send_all(&t, t.len);
	send_all(&t, t.len); /* a retransmission: no new turn */
	assert_int_equal(t.f.acct.tls_state, SW_TLS_OFF);
	assert_int_equal(requests(&t, &by), 1);
	assert_int_equal(by, SW_REQ_BY_TURNS);
	assert_int_equal(sw_flow_requests(&t.f, 3, &by), 3);
	assert_int_equal(by, SW_REQ_BY_PARSED);
}

static void test_midstream_is_off(void **state)
{
	static struct tc t;
	int by;

	(void)state;
	memset(&t, 0, sizeof(t));
	t.now = T0_NS;
	t.f.key.proto = SW_IPPROTO_TCP;
	sw_acct_init(&t.f.acct, t.now, 0, SW_ORIGIN_PORT);
	build(&t, curl_h2, 3);
	pkt(&t, SW_DIR_C2S, SW_TCP_ACK, 5, 9, t.buf, t.len, t.len);
	assert_int_equal(t.f.acct.tls_state, SW_TLS_OFF);
	assert_int_equal(requests(&t, &by), 1);
	assert_int_equal(by, SW_REQ_BY_TURNS);
}

static void test_cut_capture_loses_step(void **state)
{
	static struct tc t;
	int by;

	(void)state;
	curl_stream(&t, 31);
	/* The capture kept only 100 bytes of a 1000-byte segment whose
	 * record headers lie past them. */
	pkt(&t, SW_DIR_C2S, SW_TCP_ACK, t.isn + 1, 7001, t.buf, 1000, 100);
	assert_int_equal(t.f.acct.tls_state, SW_TLS_LOST);
	(void)requests(&t, &by);
	assert_int_equal(by, SW_REQ_BY_TLS_LOST);
}

static void test_too_many_records_loses_step(void **state)
{
	static struct tc t;
	struct rec app[SW_TLS_MAX_RECS + 2];
	size_t i;
	int by;

	(void)state;
	start(&t, 3, 0);
	build(&t, hs13, 3);
	send_all(&t, t.len);
	for (i = 0; i < sizeof(app) / sizeof(app[0]); i++)
		app[i] = (struct rec){ 23, 40 };
	{
		uint32_t off = t.len;

		build(&t, app, sizeof(app) / sizeof(app[0]));
		send_seg(&t, off, t.len - off);
	}
	assert_int_equal(t.f.acct.tls_state, SW_TLS_LOST);
	(void)requests(&t, &by);
	assert_int_equal(by, SW_REQ_BY_TLS_LOST);
}

static void test_not_tls_after_hello_loses_step(void **state)
{
	static struct tc t;
	static const struct rec bad[] = { { 22, 100 }, { 99, 10 } };

	(void)state;
	start(&t, 3, 0);
	build(&t, bad, 2);
	send_all(&t, 1448);
	assert_int_equal(t.f.acct.tls_state, SW_TLS_LOST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_h2_one_record_a_segment),
		cmocka_unit_test(test_split_anywhere),
		cmocka_unit_test(test_sequence_wrap),
		cmocka_unit_test(test_retransmissions),
		cmocka_unit_test(test_out_of_order_loses_step),
		cmocka_unit_test(test_control_only),
		cmocka_unit_test(test_tls12_http1),
		cmocka_unit_test(test_h2_packed_requests),
		cmocka_unit_test(test_h2_a_request_a_record),
		cmocka_unit_test(test_cleartext_is_off),
		cmocka_unit_test(test_midstream_is_off),
		cmocka_unit_test(test_cut_capture_loses_step),
		cmocka_unit_test(test_too_many_records_loses_step),
		cmocka_unit_test(test_not_tls_after_hello_loses_step),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
