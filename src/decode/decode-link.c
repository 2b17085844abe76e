// SPDX-License-Identifier: BSD-2-Clause
/*
 * Link-layer decoding: Ethernet with 802.1Q / 802.1ad (QinQ) tags, Linux
 * cooked capture (SLL and SLL2), raw IP, and BSD NULL/LOOP. Each strips its
 * header and hands the rest to the IP decoder.
 */
#include <stddef.h>
#include <string.h>

#include "decode.h"
#include "decode-int.h"

/* Hand an Ethernet-typed payload on, unwrapping VLAN tags first. MPLS
 * runs to the frame's end on the wire (UINT32_MAX). */
static int decode_ethertype(uint16_t type, const uint8_t *p, uint32_t len,
			    struct sw_packet *pkt)
{
	while (type == SW_ETH_P_8021Q || type == SW_ETH_P_8021AD ||
	       type == SW_ETH_P_QINQ_OLD) {
		if (len < 4)
			return SW_DR_TRUNC_VLAN;
		if (pkt->vlan_count >= SW_MAX_VLAN_TAGS)
			return SW_DR_VLAN_TOO_DEEP;
		pkt->vlan[pkt->vlan_count++] = sw_rd16(p) & 0x0fff;
		type = sw_rd16(p + 2);
		p += 4;
		len -= 4;
	}
	if (type == SW_ETH_P_IPV4)
		return sw_decode_ipv4(p, len, pkt);
	if (type == SW_ETH_P_IPV6)
		return sw_decode_ipv6(p, len, pkt);
	if ((type == SW_ETH_P_MPLS_UC || type == SW_ETH_P_MPLS_MC) &&
	    (sw_decode_g.tunnels & SW_TUNB_MPLS))
		return sw_tun_mpls(p, len, UINT32_MAX, 0, pkt);
	return SW_DR_NON_IP;
}

int sw_decode_ether(const uint8_t *data, uint32_t len, struct sw_packet *pkt)
{
	if (len < 14)
		return SW_DR_TRUNC_LINK;
	return decode_ethertype(sw_rd16(data + 12), data + 14, len - 14, pkt);
}

/* Linux cooked v1: the protocol sits at offset 14 of a 16-byte header. */
static int decode_sll(const uint8_t *data, uint32_t len, struct sw_packet *pkt)
{
	if (len < 16)
		return SW_DR_TRUNC_LINK;
	return decode_ethertype(sw_rd16(data + 14), data + 16, len - 16, pkt);
}

/* Linux cooked v2: the protocol leads a 20-byte header. */
static int decode_sll2(const uint8_t *data, uint32_t len, struct sw_packet *pkt)
{
	if (len < 20)
		return SW_DR_TRUNC_LINK;
	return decode_ethertype(sw_rd16(data), data + 20, len - 20, pkt);
}

/*
 * NULL carries the capturing host's AF_ value in its own byte order, LOOP
 * in network order. AF_INET is 2 everywhere; AF_INET6 is 10, 24, 28 or 30
 * depending on the OS that wrote the file.
 */
static int decode_null(const uint8_t *data, uint32_t len, int network_order,
		       struct sw_packet *pkt)
{
	uint32_t fam;

	if (len < 4)
		return SW_DR_TRUNC_LINK;
	fam = sw_rd32(data);
	if (!network_order && (fam & 0xffff) == 0)
		fam = (uint32_t)data[0] | ((uint32_t)data[1] << 8);
	switch (fam) {
	case 2:
		return sw_decode_ipv4(data + 4, len - 4, pkt);
	case 10:
	case 24:
	case 28:
	case 30:
		return sw_decode_ipv6(data + 4, len - 4, pkt);
	default:
		return SW_DR_NULL_FAMILY;
	}
}

int sw_decode(int linktype, const uint8_t *data, uint32_t caplen,
	      uint32_t wirelen, struct sw_packet *pkt)
{
	uint64_t ts = pkt->ts_ns;

	memset(pkt, 0, offsetof(struct sw_packet, tunnel));
	pkt->tunnel.type = SW_TUN_NONE;
	pkt->ts_ns = ts;
	pkt->frame = data;
	pkt->caplen = caplen;
	pkt->wirelen = wirelen;
	if (caplen > wirelen)
		return SW_DR_BAD_CAPLEN;

	switch (linktype) {
	case SW_LINKTYPE_ETHERNET:
		return sw_decode_ether(data, caplen, pkt);
	case SW_LINKTYPE_LINUX_SLL:
		return decode_sll(data, caplen, pkt);
	case SW_LINKTYPE_LINUX_SLL2:
		return decode_sll2(data, caplen, pkt);
	case SW_LINKTYPE_RAW:
		return sw_decode_ip(data, caplen, pkt);
	case SW_LINKTYPE_IPV4:
		return sw_decode_ipv4(data, caplen, pkt);
	case SW_LINKTYPE_IPV6:
		return sw_decode_ipv6(data, caplen, pkt);
	case SW_LINKTYPE_NULL:
		return decode_null(data, caplen, 0, pkt);
	case SW_LINKTYPE_LOOP:
		return decode_null(data, caplen, 1, pkt);
	default:
		return SW_DR_UNKNOWN_LINKTYPE;
	}
}
