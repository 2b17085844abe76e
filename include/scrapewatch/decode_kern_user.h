/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Why a packet could not be (fully) decoded. Shared by the XDP program's
 * per-CPU statistics and the userspace decoders, so a reason has one number
 * everywhere. Numbers are stable: add new reasons at the end, never reuse
 * one. Names for output live in src/decode/decode-l4.c.
 */
#ifndef SCRAPEWATCH_DECODE_KERN_USER_H
#define SCRAPEWATCH_DECODE_KERN_USER_H

enum sw_decode_reason {
	SW_DR_OK = 0,
	/* Skipped, not malformed: traffic scrapewatch does not account. */
	SW_DR_NON_IP = 1, /* ARP, LLDP, ... */
	SW_DR_OTHER_L4 = 2, /* ICMP, SCTP, ESP, ... */
	SW_DR_IPV4_FRAGMENT = 3, /* non-first IPv4 fragment */
	SW_DR_IPV6_FRAGMENT = 4, /* non-first IPv6 fragment */
	SW_DR_UNKNOWN_LINKTYPE = 5,
	/* Malformed or truncated. */
	SW_DR_TRUNC_LINK = 6, /* link-layer header cut short */
	SW_DR_TRUNC_VLAN = 7,
	SW_DR_VLAN_TOO_DEEP = 8, /* more than SW_MAX_VLAN_TAGS tags */
	SW_DR_TRUNC_IPV4 = 9,
	SW_DR_IPV4_BAD_VERSION = 10,
	SW_DR_IPV4_BAD_IHL = 11,
	SW_DR_IPV4_BAD_LEN = 12, /* total length below header or past frame */
	SW_DR_TRUNC_IPV6 = 13,
	SW_DR_IPV6_BAD_VERSION = 14,
	SW_DR_IPV6_BAD_LEN = 15, /* payload length past frame */
	SW_DR_IPV6_TRUNC_EXTHDR = 16,
	SW_DR_IPV6_TOO_MANY_EXTHDR = 17,
	SW_DR_TRUNC_TCP = 18,
	SW_DR_TCP_BAD_DOFF = 19, /* data offset below 5 or past IP payload */
	SW_DR_TCP_BAD_OPTION = 20, /* option runs past header: packet kept */
	SW_DR_TRUNC_UDP = 21,
	SW_DR_UDP_BAD_LEN = 22, /* length field disagrees with IP: kept */
	SW_DR_BAD_CAPLEN = 23, /* captured length above wire length */
	SW_DR_NULL_FAMILY = 24, /* NULL/LOOP header names no IP family */
	/* Tunnels (VXLAN, GENEVE, GRE, ERSPAN, MPLS, IP in IP). */
	SW_DR_TRUNC_TUNNEL = 25, /* an encapsulation header cut short */
	SW_DR_TUNNEL_UNKNOWN = 26, /* skipped: a tunnel's payload, version
				    * or flags not understood */
	SW_DR_TUNNEL_TOO_DEEP = 27, /* skipped: more than the configured
				     * nesting of tunnels */
	SW_DR_MPLS_TOO_DEEP = 28, /* more than SW_MAX_MPLS_LABELS labels */
	SW_DR_MAX,
};

/* Which encapsulation a packet came in (the outermost one). Stable. */
enum sw_tunnel_type {
	SW_TUN_NONE = 0,
	SW_TUN_VXLAN = 1,
	SW_TUN_GENEVE = 2,
	SW_TUN_GRE = 3, /* IP or Ethernet (0x6558) in GRE */
	SW_TUN_ERSPAN2 = 4,
	SW_TUN_ERSPAN3 = 5,
	SW_TUN_MPLS = 6,
	SW_TUN_IPIP = 7, /* IPv4/IPv6 in IPv4/IPv6 */
	SW_TUN_MAX,
};

#define SW_MAX_VLAN_TAGS 4
#define SW_MAX_IPV6_EXTHDRS 8
#define SW_MAX_MPLS_LABELS 8
/* Nesting of tunnels followed at most, whatever the configuration says. */
#define SW_MAX_TUNNEL_DEPTH 4
#define SW_TUNNEL_DEFAULT_DEPTH 2

#endif /* SCRAPEWATCH_DECODE_KERN_USER_H */
