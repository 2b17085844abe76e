// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness for the TLS record walk (tls_records.h): the input is
 * a client stream after a SYN; its first bytes choose the client ISN and
 * how the stream is cut into segments (sizes, retransmissions, holes). The
 * walk must stay within each segment and, as long as it is in step, count
 * exactly what the same stream sent one byte a segment counts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scrapewatch/tls_records.h"

static const struct sw_acct_cfg cfg = {
	.udp_turn_gap_ns = SW_ACCT_DEFAULT_UDP_TURN_GAP_NS,
};

static void seg(struct sw_flow_acct *a, uint32_t isn, const uint8_t *s,
		uint32_t off, uint32_t n)
{
	struct sw_acct_pkt p = {
		.seq = isn + 1 + off,
		.ack = 1,
		.payload_len = n,
		.dir = SW_DIR_C2S,
		.tcp_flags = SW_TCP_ACK,
		.proto = SW_IPPROTO_TCP,
	};
	int32_t o = sw_tls_first(a, &p);
	uint32_t i, k;

	for (i = 0; o >= 0 && i < SW_TLS_MAX_RECS; i++) {
		if ((uint32_t)o >= n)
			abort(); /* a header past the segment */
		k = n - (uint32_t)o < SW_TLS_HDR ? n - (uint32_t)o : SW_TLS_HDR;
		o = sw_tls_step(a, &p, (uint32_t)o, s + off + (uint32_t)o, k);
	}
	if (o >= 0)
		sw_tls_lose(a);
	sw_acct_update(a, &p, &cfg);
}

static void start(struct sw_flow_acct *a, uint32_t isn)
{
	struct sw_acct_pkt syn = {
		.seq = isn,
		.dir = SW_DIR_C2S,
		.tcp_flags = SW_TCP_SYN,
		.proto = SW_IPPROTO_TCP,
	};

	sw_acct_init(a, 1, 0, SW_ORIGIN_SYN);
	sw_acct_update(a, &syn, &cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw_flow_acct one, cut;
	const uint8_t *plan, *s;
	uint32_t isn, n, off, i, np, step, lost = 0;

	if (size < 8)
		return 0;
	memcpy(&isn, data, 4);
	np = data[4] % 32 + 1; /* plan bytes */
	if (size < 5 + np)
		return 0;
	plan = data + 5;
	s = plan + np;
	n = (uint32_t)(size - 5 - np);

	start(&one, isn);
	for (off = 0; off < n; off++)
		seg(&one, isn, s, off, 1);

	start(&cut, isn);
	for (off = 0, i = 0; off < n; i++) {
		uint8_t c = plan[i % np];

		step = (uint32_t)(c & 0x3f) * 7 + 1;
		if (step > n - off)
			step = n - off;
		if ((c & 0xc0) == 0x40 && off > 0) {
			/* Send again what went before with the new bytes. */
			uint32_t back = off < step ? off : step;

			seg(&cut, isn, s, off - back, back + step);
			off += step;
			continue;
		}
		if ((c & 0xc0) == 0x80 && off + step < n) {
			/* A hole: skip ahead, then fill it. */
			seg(&cut, isn, s, off + step, 1);
			lost = 1;
		}
		seg(&cut, isn, s, off, step);
		off += step;
	}
	if (lost && sw_tls_walking(&cut))
		abort(); /* out-of-order data must lose step */
	if (sw_tls_walking(&cut) &&
	    (cut.req_h1 != one.req_h1 || cut.req_h2 != one.req_h2 ||
	     cut.tls_state != one.tls_state))
		abort(); /* in step, the cuts change nothing */
	return 0;
}
