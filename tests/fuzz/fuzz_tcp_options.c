// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness for sw_decode_tcp_options(): the whole input is one
 * TCP option area. A real one holds at most 40 bytes, but the parser takes
 * any length, so any length is fed. Broken invariants trap.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode/decode.h"

#define CHECK(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw_tcp_opts o;
	uint32_t len = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
	int ret;

	memset(&o, 0, sizeof(o));
	ret = sw_decode_tcp_options(data, len, &o);
	CHECK(ret == SW_DR_OK || ret == SW_DR_TCP_BAD_OPTION);
	CHECK(o.layout_len <= SW_TCPOPT_LAYOUT_MAX);
	CHECK(o.layout_len <= len);
	CHECK(o.eol_pad_nonzero <= 1);
	CHECK(!(o.present & ~(SW_TCPOPT_HAS_MSS | SW_TCPOPT_HAS_WSCALE |
			      SW_TCPOPT_HAS_SACK_PERM | SW_TCPOPT_HAS_SACK |
			      SW_TCPOPT_HAS_TS)));
	/* The layout is a prefix of the kinds in the input. */
	if (o.layout_len > 0)
		CHECK(o.layout[0] == data[0]);
	return 0;
}
