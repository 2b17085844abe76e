// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness for sw_decode() and, behind it, the flow accounting.
 *
 * Input: one selector byte, then frames. The selector's low 3 bits pick the
 * link type; its high 5 bits add (n * 97) bytes to each frame's wire
 * length, to drive the snap-length paths; the same bits also set the
 * tunnel configuration (bit 3: decode.mpls_pseudowire, bits 4-5: depth
 * 1..4, bit 6: tunnel_key vni; every tunnel on). Each frame is a 16-bit
 * big-endian length and that many bytes; the last frame takes whatever is
 * left. Each frame is copied to a buffer of exactly its length, so
 * AddressSanitizer sees any read past the capture.
 *
 * Decoded TCP and UDP packets go through sw_acct_update() in a 64-entry
 * direct-mapped flow array that lives for one input, so every run is
 * deterministic. Broken invariants trap.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "scrapewatch/flow_acct.h"

#define FLOW_SLOTS 64
#define FRAME_GAP_NS 137000000ULL /* crosses the UDP turn gap now and then */

static const int linktypes[8] = {
	SW_LINKTYPE_ETHERNET, SW_LINKTYPE_LINUX_SLL, SW_LINKTYPE_LINUX_SLL2,
	SW_LINKTYPE_RAW,      SW_LINKTYPE_IPV4,	     SW_LINKTYPE_IPV6,
	SW_LINKTYPE_NULL,     SW_LINKTYPE_LOOP,
};

static const struct sw_acct_cfg acct_cfg = {
	.udp_turn_gap_ns = SW_ACCT_DEFAULT_UDP_TURN_GAP_NS,
};

struct flow_slot {
	struct sw_flow_key key;
	struct sw_flow_acct acct;
	int used;
};

#define CHECK(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

static uint32_t key_hash(const struct sw_flow_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* Which key endpoint is the client, decided from the packet that starts
 * the flow, as the flow table does. */
static void flow_start(struct flow_slot *s, const struct sw_packet *pkt,
		       int src_is_b)
{
	uint8_t fl = pkt->tcp_flags & (SW_TCP_SYN | SW_TCP_ACK);
	uint8_t client_is_b, origin;

	if (pkt->proto == SW_IPPROTO_TCP && fl == SW_TCP_SYN) {
		client_is_b = (uint8_t)src_is_b;
		origin = SW_ORIGIN_SYN;
	} else if (pkt->proto == SW_IPPROTO_TCP &&
		   fl == (SW_TCP_SYN | SW_TCP_ACK)) {
		client_is_b = (uint8_t)!src_is_b;
		origin = SW_ORIGIN_SYNACK;
	} else {
		/* The lower port is the service. */
		client_is_b = (uint8_t)(pkt->sport < pkt->dport ? !src_is_b :
								  src_is_b);
		origin = SW_ORIGIN_PORT;
	}
	sw_acct_init(&s->acct, pkt->ts_ns, client_is_b, origin);
	s->used = 1;
}

static void account(struct flow_slot *flows, const struct sw_packet *pkt)
{
	struct sw_acct_pkt ap = { 0 };
	struct sw_flow_key key;
	struct flow_slot *s;
	uint64_t up, down;
	int src_is_b;

	src_is_b = sw_flow_key_from_packet(pkt, &key);
	s = &flows[key_hash(&key) % FLOW_SLOTS];
	if (!s->used || memcmp(&s->key, &key, sizeof(key)) != 0) {
		s->key = key;
		flow_start(s, pkt, src_is_b);
	}

	ap.ts_ns = pkt->ts_ns;
	ap.seq = pkt->seq;
	ap.ack = pkt->ack;
	ap.payload_len = pkt->payload_len;
	ap.dir = src_is_b == s->acct.client_is_b ? SW_DIR_C2S : SW_DIR_S2C;
	ap.proto = pkt->proto;
	if (pkt->proto == SW_IPPROTO_TCP)
		ap.tcp_flags = pkt->tcp_flags;

	if (ap.proto == SW_IPPROTO_TCP && ap.dir == SW_DIR_C2S &&
	    (ap.tcp_flags & (SW_TCP_SYN | SW_TCP_ACK)) == SW_TCP_SYN &&
	    sw_acct_syn_starts_new(&s->acct, &ap))
		flow_start(s, pkt, src_is_b);

	sw_acct_update(&s->acct, &ap, &acct_cfg);
	up = sw_acct_bytes(&s->acct, SW_DIR_C2S);
	down = sw_acct_bytes(&s->acct, SW_DIR_S2C);

	CHECK(up >= sw_acct_get40(s->acct.dir[SW_DIR_C2S].data_lo,
				  s->acct.dir[SW_DIR_C2S].data_hi));
	CHECK(down >= sw_acct_get40(s->acct.dir[SW_DIR_S2C].data_lo,
				    s->acct.dir[SW_DIR_S2C].data_hi));
	CHECK(s->acct.state <= SW_STATE_CLOSED);
	CHECK(s->acct.close_reason < SW_CLOSE_MAX);
	/* A turn needs a client packet. */
	CHECK(s->acct.turns <= s->acct.dir[SW_DIR_C2S].packets);
}

static void check_packet(const struct sw_packet *pkt, const uint8_t *buf,
			 uint32_t len)
{
	volatile uint8_t sink = 0;
	uint32_t i;

	CHECK(pkt->proto == SW_IPPROTO_TCP || pkt->proto == SW_IPPROTO_UDP);
	CHECK(pkt->family == SW_FAMILY_IPV4 || pkt->family == SW_FAMILY_IPV6);
	CHECK(pkt->vlan_count <= SW_MAX_VLAN_TAGS);
	CHECK(pkt->tcpopt.layout_len <= SW_TCPOPT_LAYOUT_MAX);
	CHECK(pkt->payload_caplen <= pkt->payload_len);
	CHECK(pkt->payload >= buf && pkt->payload <= buf + len);
	CHECK(pkt->payload_caplen <= (uint32_t)(buf + len - pkt->payload));
	CHECK(pkt->tunnel.type < SW_TUN_MAX);
	if (pkt->tunnel.type)
		CHECK(pkt->tunnel.depth >= 1 &&
		      pkt->tunnel.depth <= sw_decode_config()->max_depth);
	if (pkt->proto == SW_IPPROTO_TCP)
		CHECK(pkt->tcp_doff >= 20 &&
		      (uint32_t)(pkt->payload - buf) >= pkt->tcp_doff);
	/* Touch every payload byte said to be captured. */
	for (i = 0; i < pkt->payload_caplen; i++)
		sink ^= pkt->payload[i];
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct flow_slot flows[FLOW_SLOTS];
	struct sw_decode_cfg dc;
	uint32_t wire_extra;
	size_t off = 1;
	uint64_t n = 0;
	int linktype;

	if (size < 1)
		return 0;
	linktype = linktypes[data[0] & 7];
	wire_extra = (uint32_t)(data[0] >> 3) * 97;
	memset(flows, 0, sizeof(flows));
	sw_decode_default_cfg(&dc);
	dc.mpls_pw = (data[0] >> 3) & 1;
	dc.max_depth = (uint8_t)(1 + ((data[0] >> 4) & 3));
	dc.tunnel_key_vni = (data[0] >> 6) & 1;
	sw_decode_configure(&dc);

	while (off < size) {
		struct sw_packet pkt;
		uint32_t len;
		uint8_t *buf;
		int ret;

		if (size - off < 2) {
			len = (uint32_t)(size - off);
		} else {
			len = (uint32_t)data[off] << 8 | data[off + 1];
			off += 2;
			if (len > size - off)
				len = (uint32_t)(size - off);
		}
		buf = malloc(len ? len : 1);
		if (!buf)
			return 0;
		memcpy(buf, data + off, len);
		off += len;

		memset(&pkt, 0, sizeof(pkt));
		pkt.ts_ns = 1700000000000000000ULL + n++ * FRAME_GAP_NS;
		ret = sw_decode(linktype, buf, len, len + wire_extra, &pkt);
		CHECK(ret >= 0 && ret < SW_DR_MAX);
		CHECK(sw_decode_reason_name(ret) != NULL);
		CHECK(sw_decode_reason_is_error(ret) ==
		      (ret >= SW_DR_TRUNC_LINK && ret != SW_DR_TUNNEL_UNKNOWN &&
		       ret != SW_DR_TUNNEL_TOO_DEEP));
		CHECK(pkt.anomaly < SW_DR_MAX);
		if (ret == SW_DR_OK) {
			check_packet(&pkt, buf, len);
			account(flows, &pkt);
		}
		free(buf);
	}
	return 0;
}
