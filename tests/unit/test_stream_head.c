// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of the client stream head reassembly (src/track/stream_head.c):
 * in-order, out-of-order, overlapping and retransmitted segments all give
 * the same bytes; sequence wrap-around; the SW_HEAD_MAX window; consuming
 * a parsed head keeps the rest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "track/stream_head.h"

static const uint8_t msg[] =
	"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\n\r\n";
#define MSG_LEN ((uint32_t)sizeof(msg) - 1)

static void test_in_order(void **state)
{
	struct sw_stream_head h = { 0 };

	(void)state;
	assert_int_equal(sw_stream_head_reset(&h, 1000), 0);
	assert_int_equal(sw_stream_head_add(&h, 1000, msg, 10), 10);
	assert_int_equal(sw_stream_head_add(&h, 1010, msg + 10, MSG_LEN - 10),
			 MSG_LEN - 10);
	assert_int_equal(h.contiguous, MSG_LEN);
	assert_memory_equal(h.buf, msg, MSG_LEN);
	sw_stream_head_free(&h);
}

static void test_out_of_order_and_overlap(void **state)
{
	struct sw_stream_head h = { 0 };

	(void)state;
	assert_int_equal(sw_stream_head_reset(&h, 0xfffffff0u), 0);
	/* The tail first (across the 2^32 wrap), then an overlapping middle,
	 * then a retransmit, then the start. */
	assert_int_equal(sw_stream_head_add(&h, 0xfffffff0u + 20, msg + 20,
					    MSG_LEN - 20),
			 0);
	assert_int_equal(h.contiguous, 0);
	assert_int_equal(sw_stream_head_add(&h, 0xfffffff0u + 5, msg + 5, 20),
			 0);
	assert_int_equal(sw_stream_head_add(&h, 0xfffffff0u + 5, msg + 5, 20),
			 0);
	assert_int_equal(sw_stream_head_add(&h, 0xfffffff0u, msg, 8), MSG_LEN);
	assert_memory_equal(h.buf, msg, MSG_LEN);
	sw_stream_head_free(&h);
}

static void test_before_base_and_window(void **state)
{
	struct sw_stream_head h = { 0 };
	static uint8_t big[SW_HEAD_MAX + 100];

	(void)state;
	memset(big, 'x', sizeof(big));
	assert_int_equal(sw_stream_head_reset(&h, 500), 0);
	/* Bytes before the base are trimmed; wholly old segments ignored. */
	assert_int_equal(sw_stream_head_add(&h, 400, big, 50), 0);
	assert_int_equal(sw_stream_head_add(&h, 490, msg, 20), 10);
	assert_memory_equal(h.buf, msg + 10, 10);
	/* Nothing past SW_HEAD_MAX is kept. */
	assert_int_equal(sw_stream_head_add(&h, 510, big, sizeof(big)),
			 SW_HEAD_MAX - 10);
	assert_int_equal(h.contiguous, SW_HEAD_MAX);
	assert_int_equal(sw_stream_head_add(&h, 500 + SW_HEAD_MAX, big, 10), 0);
	sw_stream_head_free(&h);
}

static void test_consume_keeps_rest(void **state)
{
	struct sw_stream_head h = { 0 };

	(void)state;
	assert_int_equal(sw_stream_head_reset(&h, 7), 0);
	/* A hole at [30, 35): consume 28 bytes, then fill the hole. */
	sw_stream_head_add(&h, 7, msg, 30);
	sw_stream_head_add(&h, 7 + 35, msg + 35, MSG_LEN - 35);
	assert_int_equal(h.contiguous, 30);
	sw_stream_head_consume(&h, 28);
	assert_int_equal(h.base_seq, 35);
	assert_int_equal(h.contiguous, 2);
	assert_memory_equal(h.buf, msg + 28, 2);
	assert_int_equal(sw_stream_head_add(&h, 7 + 30, msg + 30, 5),
			 MSG_LEN - 30);
	assert_int_equal(h.contiguous, MSG_LEN - 28);
	assert_memory_equal(h.buf, msg + 28, MSG_LEN - 28);
	sw_stream_head_free(&h);
}

static void test_consume_all_then_more(void **state)
{
	struct sw_stream_head h = { 0 };

	(void)state;
	assert_int_equal(sw_stream_head_reset(&h, 100), 0);
	/* One request, read whole; the next arrives in two pieces, the
	 * second first, across a bitmap byte boundary. */
	assert_int_equal(sw_stream_head_add(&h, 100, msg, 28), 28);
	sw_stream_head_consume(&h, 28);
	assert_int_equal(h.base_seq, 128);
	assert_int_equal(h.contiguous, 0);
	assert_int_equal(h.high, 0);
	assert_int_equal(
		sw_stream_head_add(&h, 128 + 9, msg + 28 + 9, MSG_LEN - 28 - 9),
		0);
	assert_int_equal(sw_stream_head_add(&h, 128, msg + 28, 9),
			 MSG_LEN - 28);
	assert_memory_equal(h.buf, msg + 28, MSG_LEN - 28);
	sw_stream_head_consume(&h, MSG_LEN - 28);
	/* A retransmit of consumed bytes adds nothing. */
	assert_int_equal(sw_stream_head_add(&h, 100, msg, MSG_LEN), 0);
	assert_int_equal(h.contiguous, 0);
	sw_stream_head_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_out_of_order_and_overlap),
		cmocka_unit_test(test_before_base_and_window),
		cmocka_unit_test(test_consume_keeps_rest),
		cmocka_unit_test(test_consume_all_then_more),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
