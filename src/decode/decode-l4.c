// SPDX-License-Identifier: BSD-2-Clause
/*
 * TCP and UDP decoding, TCP options (all of them, with their layout kept for
 * SYN fingerprints), reason names, and the normalised flow key.
 */
#include <string.h>

#include "decode.h"
#include "decode-int.h"
#include "scrapewatch/flow_key.h"

int sw_decode_tcp_options(const uint8_t *opt, uint32_t len,
			  struct sw_tcp_opts *o)
{
	uint32_t i = 0;

	while (i < len) {
		uint8_t kind = opt[i];
		uint32_t olen;

		if (o->layout_len < SW_TCPOPT_LAYOUT_MAX)
			o->layout[o->layout_len++] = kind;
		if (kind == SW_TCPOPT_EOL) {
			/* p0f records how much padding follows EOL. */
			o->eol_pad = (uint8_t)(len - i - 1);
			for (i++; i < len; i++)
				if (opt[i])
					o->eol_pad_nonzero = 1;
			return SW_DR_OK;
		}
		if (kind == SW_TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return SW_DR_TCP_BAD_OPTION;
		olen = opt[i + 1];
		if (olen < 2 || i + olen > len)
			return SW_DR_TCP_BAD_OPTION;
		switch (kind) {
		case SW_TCPOPT_MSS:
			if (olen == 4) {
				o->mss = sw_rd16(opt + i + 2);
				o->present |= SW_TCPOPT_HAS_MSS;
			}
			break;
		case SW_TCPOPT_WSCALE:
			if (olen == 3) {
				o->wscale = opt[i + 2];
				o->present |= SW_TCPOPT_HAS_WSCALE;
			}
			break;
		case SW_TCPOPT_SACK_PERM:
			o->present |= SW_TCPOPT_HAS_SACK_PERM;
			break;
		case SW_TCPOPT_SACK:
			o->present |= SW_TCPOPT_HAS_SACK;
			break;
		case SW_TCPOPT_TS:
			if (olen == 10) {
				o->ts_val = sw_rd32(opt + i + 2);
				o->ts_ecr = sw_rd32(opt + i + 6);
				o->present |= SW_TCPOPT_HAS_TS;
			}
			break;
		default:
			break;
		}
		i += olen;
	}
	return SW_DR_OK;
}

static int decode_tcp(const uint8_t *p, uint32_t caplen, uint32_t l4len,
		      struct sw_packet *pkt)
{
	uint32_t doff;

	if (caplen < 20)
		return l4len < 20 ? SW_DR_TCP_BAD_DOFF : SW_DR_TRUNC_TCP;
	doff = (uint32_t)(p[12] >> 4) * 4;
	if (doff < 20 || doff > l4len)
		return SW_DR_TCP_BAD_DOFF;
	if (doff > caplen)
		return SW_DR_TRUNC_TCP;
	pkt->sport = sw_rd16(p);
	pkt->dport = sw_rd16(p + 2);
	pkt->seq = sw_rd32(p + 4);
	pkt->ack = sw_rd32(p + 8);
	pkt->tcp_res = p[12] & 0x0f;
	pkt->tcp_flags = p[13];
	pkt->tcp_window = sw_rd16(p + 14);
	pkt->tcp_urg = sw_rd16(p + 18);
	pkt->tcp_doff = (uint8_t)doff;
	if (sw_decode_tcp_options(p + 20, doff - 20, &pkt->tcpopt) != SW_DR_OK)
		pkt->anomaly = SW_DR_TCP_BAD_OPTION;
	pkt->payload = p + doff;
	pkt->payload_len = l4len - doff;
	pkt->payload_caplen = caplen - doff;
	return SW_DR_OK;
}

static int decode_udp(const uint8_t *p, uint32_t caplen, uint32_t l4len,
		      struct sw_packet *pkt)
{
	uint32_t ulen;

	if (caplen < 8)
		return SW_DR_TRUNC_UDP;
	pkt->sport = sw_rd16(p);
	pkt->dport = sw_rd16(p + 2);
	ulen = sw_rd16(p + 4);
	/* The IP length is authoritative; a disagreeing UDP length is noted.
	 * (A UDP length of 0 is legal for IPv6 jumbograms.) */
	if (ulen != l4len && !(ulen == 0 && pkt->family == SW_FAMILY_IPV6))
		pkt->anomaly = SW_DR_UDP_BAD_LEN;
	pkt->payload = p + 8;
	pkt->payload_len = l4len >= 8 ? l4len - 8 : 0;
	pkt->payload_caplen = caplen - 8;
	return SW_DR_OK;
}

int sw_decode_l4(const uint8_t *p, uint32_t caplen, uint32_t l4len,
		 struct sw_packet *pkt)
{
	int rc;

	if (caplen > l4len)
		caplen = l4len;
	switch (pkt->proto) {
	case SW_IPPROTO_TCP:
		return decode_tcp(p, caplen, l4len, pkt);
	case SW_IPPROTO_UDP:
		rc = decode_udp(p, caplen, l4len, pkt);
		/* One comparison keeps most UDP off the tunnel path. */
		if (rc == SW_DR_OK &&
		    (uint16_t)(pkt->dport - sw_decode_g.port_lo) <=
			    sw_decode_g.port_span)
			return sw_tun_udp(pkt);
		return rc;
	default:
		return sw_tun_ip(p, caplen, l4len, pkt);
	}
}

static const char *const reason_names[SW_DR_MAX] = {
	[SW_DR_OK] = "ok",
	[SW_DR_NON_IP] = "non_ip",
	[SW_DR_OTHER_L4] = "other_l4",
	[SW_DR_IPV4_FRAGMENT] = "ipv4_fragment",
	[SW_DR_IPV6_FRAGMENT] = "ipv6_fragment",
	[SW_DR_UNKNOWN_LINKTYPE] = "unknown_linktype",
	[SW_DR_TRUNC_LINK] = "trunc_link",
	[SW_DR_TRUNC_VLAN] = "trunc_vlan",
	[SW_DR_VLAN_TOO_DEEP] = "vlan_too_deep",
	[SW_DR_TRUNC_IPV4] = "trunc_ipv4",
	[SW_DR_IPV4_BAD_VERSION] = "ipv4_bad_version",
	[SW_DR_IPV4_BAD_IHL] = "ipv4_bad_ihl",
	[SW_DR_IPV4_BAD_LEN] = "ipv4_bad_len",
	[SW_DR_TRUNC_IPV6] = "trunc_ipv6",
	[SW_DR_IPV6_BAD_VERSION] = "ipv6_bad_version",
	[SW_DR_IPV6_BAD_LEN] = "ipv6_bad_len",
	[SW_DR_IPV6_TRUNC_EXTHDR] = "ipv6_trunc_exthdr",
	[SW_DR_IPV6_TOO_MANY_EXTHDR] = "ipv6_too_many_exthdr",
	[SW_DR_TRUNC_TCP] = "trunc_tcp",
	[SW_DR_TCP_BAD_DOFF] = "tcp_bad_doff",
	[SW_DR_TCP_BAD_OPTION] = "tcp_bad_option",
	[SW_DR_TRUNC_UDP] = "trunc_udp",
	[SW_DR_UDP_BAD_LEN] = "udp_bad_len",
	[SW_DR_BAD_CAPLEN] = "bad_caplen",
	[SW_DR_NULL_FAMILY] = "null_bad_family",
	[SW_DR_TRUNC_TUNNEL] = "trunc_tunnel",
	[SW_DR_TUNNEL_UNKNOWN] = "tunnel_unknown",
	[SW_DR_TUNNEL_TOO_DEEP] = "tunnel_too_deep",
	[SW_DR_MPLS_TOO_DEEP] = "mpls_too_deep",
};

const char *sw_decode_reason_name(int reason)
{
	if (reason < 0 || reason >= SW_DR_MAX || !reason_names[reason])
		return "unknown";
	return reason_names[reason];
}

int sw_decode_reason_is_error(int reason)
{
	/* A tunnel's payload not understood, or nested deeper than asked
	 * for, is traffic skipped, not malformed. */
	if (reason == SW_DR_TUNNEL_UNKNOWN || reason == SW_DR_TUNNEL_TOO_DEEP)
		return 0;
	return reason >= SW_DR_TRUNC_LINK && reason < SW_DR_MAX;
}

int sw_flow_key_from_packet(const struct sw_packet *pkt,
			    struct sw_flow_key *key)
{
	uint32_t s[4] = { 0 }, d[4] = { 0 };
	size_t alen = pkt->family == SW_FAMILY_IPV4 ? 4 : 16;
	int b;

	/* The rule lives in flow_key.h, shared with the XDP program. */
	memcpy(s, pkt->saddr, alen);
	memcpy(d, pkt->daddr, alen);
	b = sw_key_fill(key, pkt->family, s, d, pkt->sport, pkt->dport,
			pkt->proto);
	/* decode.tunnel_key: vni. Folded: VNIs below 65536 stay apart. */
	if (pkt->tunnel.type && sw_decode_g.tunnel_key_vni)
		key->zone = (uint16_t)(pkt->tunnel.id ^ (pkt->tunnel.id >> 16));
	return b;
}
