// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of the userspace flow table's expiry (src/track/flow_table.c):
 * a flow ends exactly at its class's timeout, in deadline order, one FIN
 * holds a flow for the half-close timeout, and the slot array grows from
 * its first size to its capacity without losing or reordering flows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "track/flow_table.h"

#define SEC 1000000000ULL
#define T0 (1700000000ULL * SEC)
#define MAX_ENDS 4096

struct ends {
	int n;
	uint16_t sport[MAX_ENDS];
	uint8_t reason[MAX_ENDS];
	uint64_t now[MAX_ENDS];
	uint64_t clock; /* time of the packet being fed */
};

static void on_end(const struct sw_flow *f, void *ctx)
{
	struct ends *e = ctx;

	if (e->n == MAX_ENDS)
		return;
	e->sport[e->n] = f->acct.client_is_b ? f->key.port_b : f->key.port_a;
	e->reason[e->n] = f->acct.close_reason;
	e->now[e->n] = e->clock;
	e->n++;
}

/* One TCP packet from client port cport (or its server) at ts. */
static void feed(struct sw_flow_table *t, struct ends *e, uint64_t ts,
		 uint16_t cport, int from_server, uint8_t flags,
		 uint32_t paylen)
{
	struct sw_packet p;
	int dir;

	memset(&p, 0, sizeof(p));
	p.ts_ns = ts;
	p.family = SW_FAMILY_IPV4;
	p.proto = SW_IPPROTO_TCP;
	p.saddr[0] = from_server ? 10 : 192;
	p.daddr[0] = from_server ? 192 : 10;
	p.sport = from_server ? 443 : cport;
	p.dport = from_server ? cport : 443;
	p.tcp_flags = flags;
	p.seq = 1000 + (from_server ? 0 : paylen);
	p.ack = 1;
	p.payload_len = paylen;
	e->clock = ts;
	sw_flow_table_packet(t, &p, &dir);
}

static struct sw_flow_table *table(struct ends *e, uint32_t max_flows)
{
	struct sw_flow_table_cfg cfg;
	struct sw_flow_table *t;

	sw_flow_table_default_cfg(&cfg);
	cfg.max_flows = max_flows;
	memset(e, 0, sizeof(*e));
	t = sw_flow_table_new(&cfg, on_end, e);
	assert_non_null(t);
	return t;
}

/* An established flow ends at the first packet at or past last + 300 s,
 * not a nanosecond before. */
static void test_exact_timeout(void **state)
{
	struct ends e;
	struct sw_flow_table *t = table(&e, 1000);

	(void)state;
	feed(t, &e, T0, 40000, 0, SW_TCP_ACK | SW_TCP_PSH, 10);
	feed(t, &e, T0 + 300 * SEC - 1, 50000, 0, SW_TCP_SYN, 0);
	assert_int_equal(e.n, 0);
	feed(t, &e, T0 + 300 * SEC, 50001, 0, SW_TCP_SYN, 0);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.sport[0], 40000);
	assert_int_equal(e.reason[0], SW_CLOSE_IDLE);
	sw_flow_table_free(t);
}

/* Flows of different classes end in deadline order: a SYN-only flow
 * (30 s) before an older established one (300 s). */
static void test_deadline_order(void **state)
{
	struct ends e;
	struct sw_flow_table *t = table(&e, 1000);

	(void)state;
	feed(t, &e, T0, 40000, 0, SW_TCP_ACK | SW_TCP_PSH, 10);
	feed(t, &e, T0 + 10 * SEC, 40001, 0, SW_TCP_SYN, 0);
	feed(t, &e, T0 + 400 * SEC, 50000, 0, SW_TCP_SYN, 0);
	assert_int_equal(e.n, 2);
	assert_int_equal(e.sport[0], 40001);
	assert_int_equal(e.sport[1], 40000);
	sw_flow_table_free(t);
}

/* One FIN: the flow stays for the half-close timeout and takes the
 * client's late data; it then ends as fin. */
static void test_half_close(void **state)
{
	struct ends e;
	struct sw_flow_table *t = table(&e, 1000);

	(void)state;
	feed(t, &e, T0, 40000, 0, SW_TCP_ACK | SW_TCP_PSH, 10);
	feed(t, &e, T0 + SEC, 40000, 1, SW_TCP_ACK | SW_TCP_FIN, 0);
	feed(t, &e, T0 + 290 * SEC, 40000, 0, SW_TCP_ACK | SW_TCP_PSH, 24);
	assert_int_equal(e.n, 0);
	feed(t, &e, T0 + 590 * SEC, 50000, 0, SW_TCP_SYN, 0);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.reason[0], SW_CLOSE_FIN);
	sw_flow_table_free(t);
}

/* Thousands of flows through a table that starts small: none lost, each
 * ends at its own deadline, in the order they went quiet. */
static void test_grow(void **state)
{
	struct ends e;
	struct sw_flow_table *t = table(&e, 3000);
	size_t small;
	int i;

	(void)state;
	small = sw_flow_table_bytes(t);
	for (i = 0; i < 3000; i++)
		feed(t, &e, T0 + (uint64_t)i * 1000, (uint16_t)(20000 + i), 0,
		     SW_TCP_ACK | SW_TCP_PSH, 10);
	assert_int_equal(e.n, 0);
	assert_true(sw_flow_table_bytes(t) > small);
	assert_int_equal(sw_flow_table_stats(t)->active, 3000);
	feed(t, &e, T0 + 301 * SEC, 60000, 0, SW_TCP_SYN, 0);
	assert_int_equal(e.n, 3000);
	for (i = 0; i < 3000; i++)
		assert_int_equal(e.sport[i], 20000 + i);
	sw_flow_table_flush(t, SW_CLOSE_END_OF_INPUT);
	assert_int_equal(e.n, 3001);
	sw_flow_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_timeout),
		cmocka_unit_test(test_deadline_order),
		cmocka_unit_test(test_half_close),
		cmocka_unit_test(test_grow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
