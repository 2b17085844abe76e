// SPDX-License-Identifier: BSD-2-Clause
/*
 * IPv4 (with options and fragments) and IPv6 (with its extension-header
 * chain) decoding. L4 is decoded only from the first fragment of a
 * fragmented datagram; later fragments are counted and skipped.
 */
#include <string.h>

#include "decode.h"
#include "decode-int.h"

enum {
	IP6_NEXT_HOPOPT = 0,
	IP6_NEXT_ROUTING = 43,
	IP6_NEXT_FRAGMENT = 44,
	IP6_NEXT_ESP = 50,
	IP6_NEXT_AH = 51,
	IP6_NEXT_NONE = 59,
	IP6_NEXT_DSTOPTS = 60,
	IP6_NEXT_MOBILITY = 135,
};

/* Bytes of the frame on the wire from p on: captured or not. */
static uint32_t wire_left(const struct sw_packet *pkt, const uint8_t *p,
			  uint32_t caplen_left)
{
	uint32_t off;

	if (!pkt->frame)
		return caplen_left;
	off = (uint32_t)(p - pkt->frame);
	return pkt->wirelen > off ? pkt->wirelen - off : 0;
}

int sw_decode_ip(const uint8_t *data, uint32_t len, struct sw_packet *pkt)
{
	if (len < 1)
		return SW_DR_TRUNC_IPV4;
	if ((data[0] >> 4) == 6)
		return sw_decode_ipv6(data, len, pkt);
	return sw_decode_ipv4(data, len, pkt);
}

int sw_decode_ipv4(const uint8_t *p, uint32_t len, struct sw_packet *pkt)
{
	uint32_t ihl, total, frag, cap;

	if (len < 20)
		return SW_DR_TRUNC_IPV4;
	if ((p[0] >> 4) != 4)
		return SW_DR_IPV4_BAD_VERSION;
	ihl = (uint32_t)(p[0] & 0x0f) * 4;
	if (ihl < 20)
		return SW_DR_IPV4_BAD_IHL;
	if (ihl > len)
		return SW_DR_TRUNC_IPV4;
	total = sw_rd16(p + 2);
	/* TSO captures on the sending host show total length 0. */
	if (total == 0)
		total = wire_left(pkt, p, len);
	if (total < ihl || total > wire_left(pkt, p, len))
		return SW_DR_IPV4_BAD_LEN;

	pkt->family = SW_FAMILY_IPV4;
	pkt->tos = p[1];
	pkt->ip_id = sw_rd16(p + 4);
	frag = sw_rd16(p + 6);
	pkt->ip_df = (frag & 0x4000) != 0;
	pkt->ttl = p[8];
	pkt->proto = p[9];
	pkt->ip_opt_len = (uint8_t)(ihl - 20);
	memcpy(pkt->saddr, p + 12, 4);
	memcpy(pkt->daddr, p + 16, 4);

	if (frag & 0x1fff)
		return SW_DR_IPV4_FRAGMENT;
	if (frag & 0x2000)
		pkt->fragment = 1;

	cap = (len < total ? len : total) - ihl;
	return sw_decode_l4(p + ihl, cap, total - ihl, pkt);
}

int sw_decode_ipv6(const uint8_t *p, uint32_t len, struct sw_packet *pkt)
{
	uint32_t plen, off = 40, end, n;
	uint8_t next;

	if (len < 40)
		return SW_DR_TRUNC_IPV6;
	if ((p[0] >> 4) != 6)
		return SW_DR_IPV6_BAD_VERSION;
	plen = sw_rd16(p + 4);
	/* Jumbograms (payload length 0, RFC 2675) and TSO: use the frame. */
	if (plen == 0)
		plen = wire_left(pkt, p, len) >= 40 ?
			       wire_left(pkt, p, len) - 40 :
			       0;
	if (40 + plen > wire_left(pkt, p, len))
		return SW_DR_IPV6_BAD_LEN;
	end = 40 + plen;

	pkt->family = SW_FAMILY_IPV6;
	pkt->tos = (uint8_t)(sw_rd16(p) >> 4);
	pkt->ip6_flow = sw_rd32(p) & 0x000fffff;
	pkt->ttl = p[7];
	memcpy(pkt->saddr, p + 8, 16);
	memcpy(pkt->daddr, p + 24, 16);
	next = p[6];

	for (n = 0;; n++) {
		uint32_t hlen;

		switch (next) {
		case IP6_NEXT_HOPOPT:
		case IP6_NEXT_ROUTING:
		case IP6_NEXT_DSTOPTS:
		case IP6_NEXT_MOBILITY:
			if (off + 2 > len || off + 2 > end)
				return SW_DR_IPV6_TRUNC_EXTHDR;
			hlen = ((uint32_t)p[off + 1] + 1) * 8;
			break;
		case IP6_NEXT_AH: /* RFC 4302: length in 4-byte units, minus 2 */
			if (off + 2 > len || off + 2 > end)
				return SW_DR_IPV6_TRUNC_EXTHDR;
			hlen = ((uint32_t)p[off + 1] + 2) * 4;
			break;
		case IP6_NEXT_FRAGMENT:
			if (off + 8 > len || off + 8 > end)
				return SW_DR_IPV6_TRUNC_EXTHDR;
			hlen = 8;
			if (sw_rd16(p + off + 2) & 0xfff8) {
				pkt->proto = p[off];
				return SW_DR_IPV6_FRAGMENT;
			}
			if (sw_rd16(p + off + 2) & 1)
				pkt->fragment = 1;
			break;
		case IP6_NEXT_NONE:
		case IP6_NEXT_ESP:
			pkt->proto = next;
			return SW_DR_OTHER_L4;
		default:
			goto l4;
		}
		if (n >= SW_MAX_IPV6_EXTHDRS)
			return SW_DR_IPV6_TOO_MANY_EXTHDR;
		if (off + hlen > len || off + hlen > end)
			return SW_DR_IPV6_TRUNC_EXTHDR;
		next = p[off];
		off += hlen;
	}
l4:
	pkt->proto = next;
	return sw_decode_l4(p + off, (len < end ? len : end) - off, end - off,
			    pkt);
}
