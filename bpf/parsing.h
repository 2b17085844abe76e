/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Bounds-checked cursor parsing of Ethernet, 802.1Q/802.1ad (QinQ), IPv4,
 * IPv6 with its extension headers (to SW_MAX_IPV6_EXTHDRS) and TCP/UDP, for
 * the XDP program. It returns the same verdicts, in the same order, as the
 * userspace decoders in src/decode/, so both paths account the same packets;
 * the equivalence test (tests/bpf/test_xdp_equiv.sh) holds them to it.
 *
 * "Captured" here is the linear frame data (data..data_end); the wire length
 * is the whole buffer, or the length a replay says the frame had on the
 * wire when its capture was cut by a snap length.
 */
#ifndef SW_BPF_PARSING_H
#define SW_BPF_PARSING_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "scrapewatch/decode_kern_user.h"
#include "scrapewatch/flow_acct.h"
#include "scrapewatch/flow_kern_user.h"

#define SW_ETH_P_QINQ_OLD 0x9100
#define SW_ETH_P_TEB 0x6558
/* Offsets past this are beyond any linear frame data: truncated. */
#define SW_PARSE_MAX_OFF 4096
/* A global function's argument is any scalar to the verifier: bound an
 * offset where the compiler cannot keep the bound on another copy. */
#define SW_BOUND_OFF(o) asm volatile("%[v] &= 0x1fff" : [v] "+r"(o))
/* Tunnels nested at most in the kernel, whatever decode.max_depth says:
 * each level is one more pass of the whole parser for the verifier. */
#define SW_XDP_TUNNEL_DEPTH 2

/*
 * Tunnels the XDP program follows (docs/capture.md, Tunnels): VXLAN and
 * GENEVE, one UDP port each (0: off), nested at most sw_tun_max_depth.
 * Set by userspace before load from the config's decode: section.
 */
const volatile __u16 sw_tun_vxlan_port = 4789;
const volatile __u16 sw_tun_geneve_port = 6081;
const volatile __u8 sw_tun_max_depth = SW_TUNNEL_DEFAULT_DEPTH;

/* What the accounting needs of one packet, from the parser. */
struct sw_xpkt {
	__u32 saddr[4]; /* network order; IPv4 in word 0, rest zero */
	__u32 daddr[4]; /* network order */
	__u32 seq; /* host order (TCP) */
	__u32 ack; /* host order (TCP) */
	__u32 payload_len; /* L4 payload bytes, from the IP length */
	__u32 payload_off; /* offset of the L4 payload from data */
	__u16 sport; /* host order */
	__u16 dport; /* host order */
	__u8 family; /* enum sw_family */
	__u8 proto; /* SW_IPPROTO_TCP or SW_IPPROTO_UDP */
	__u8 tcp_flags;
	__u8 first_frag; /* a first fragment: its tunnel payload is partial */
};

struct sw_vlan {
	__be16 tci;
	__be16 proto;
};

static __always_inline int sw_parse_l4(void *end, void *l4, __u32 l4off,
				       __u32 l4len, struct sw_xpkt *x)
{
	__u8 *b = l4;
	__u32 doff;

	if (x->proto == SW_IPPROTO_TCP) {
		if (l4 + 20 > end || l4len < 20)
			return l4len < 20 ? SW_DR_TCP_BAD_DOFF :
					    SW_DR_TRUNC_TCP;
		doff = (__u32)(b[12] >> 4) * 4;
		if (doff < 20 || doff > l4len)
			return SW_DR_TCP_BAD_DOFF;
		if (l4 + doff > end)
			return SW_DR_TRUNC_TCP;
		x->sport = bpf_ntohs(*(__be16 *)b);
		x->dport = bpf_ntohs(*(__be16 *)(b + 2));
		x->seq = bpf_ntohl(*(__be32 *)(b + 4));
		x->ack = bpf_ntohl(*(__be32 *)(b + 8));
		x->tcp_flags = b[13];
		x->payload_len = l4len - doff;
		x->payload_off = l4off + doff;
		return SW_DR_OK;
	}
	if (x->proto == SW_IPPROTO_UDP) {
		if (l4 + 8 > end || l4len < 8)
			return SW_DR_TRUNC_UDP;
		x->sport = bpf_ntohs(*(__be16 *)b);
		x->dport = bpf_ntohs(*(__be16 *)(b + 2));
		x->payload_len = l4len - 8;
		x->payload_off = l4off + 8;
		return SW_DR_OK;
	}
	return SW_DR_OTHER_L4;
}

static __always_inline int sw_parse_ipv4(void *end, void *p, __u32 off,
					 __u32 wire_len, struct sw_xpkt *x)
{
	__u8 *b = p;
	__u32 ihl, total, frag, wire_left;

	if (p + 20 > end)
		return SW_DR_TRUNC_IPV4;
	if ((b[0] >> 4) != 4)
		return SW_DR_IPV4_BAD_VERSION;
	ihl = (__u32)(b[0] & 0x0f) * 4;
	if (ihl < 20)
		return SW_DR_IPV4_BAD_IHL;
	if (p + ihl > end)
		return SW_DR_TRUNC_IPV4;
	wire_left = wire_len > off ? wire_len - off : 0;
	total = bpf_ntohs(*(__be16 *)(b + 2));
	/* TSO captures on the sending host show total length 0. */
	if (total == 0)
		total = wire_left;
	if (total < ihl || total > wire_left)
		return SW_DR_IPV4_BAD_LEN;
	x->family = SW_FAMILY_IPV4;
	x->proto = b[9];
	x->saddr[0] = *(__u32 *)(b + 12);
	x->daddr[0] = *(__u32 *)(b + 16);
	frag = bpf_ntohs(*(__be16 *)(b + 6));
	if (frag & 0x1fff)
		return SW_DR_IPV4_FRAGMENT;
	x->first_frag = (frag & 0x2000) != 0;
	return sw_parse_l4(end, p + ihl, off + ihl, total - ihl, x);
}

static __always_inline int sw_parse_ipv6(void *end, void *p, __u32 ipoff,
					 __u32 wire_len, struct sw_xpkt *x)
{
	__u8 *b = p, *h;
	__u32 plen, off = 40, iend, n, hlen;
	__u32 wire_left;
	__u8 next;

	if (p + 40 > end)
		return SW_DR_TRUNC_IPV6;
	if ((b[0] >> 4) != 6)
		return SW_DR_IPV6_BAD_VERSION;
	wire_left = wire_len > ipoff ? wire_len - ipoff : 0;
	plen = bpf_ntohs(*(__be16 *)(b + 4));
	/* Jumbograms (payload length 0, RFC 2675) and TSO: use the frame. */
	if (plen == 0)
		plen = wire_left >= 40 ? wire_left - 40 : 0;
	if (40 + plen > wire_left)
		return SW_DR_IPV6_BAD_LEN;
	iend = 40 + plen;
	x->family = SW_FAMILY_IPV6;
	__builtin_memcpy(x->saddr, b + 8, 16);
	__builtin_memcpy(x->daddr, b + 24, 16);
	next = b[6];

	for (n = 0; n <= SW_MAX_IPV6_EXTHDRS; n++) {
		if (off > SW_PARSE_MAX_OFF)
			return SW_DR_IPV6_TRUNC_EXTHDR;
		h = p + off;
		switch (next) {
		case 0: /* hop-by-hop options */
		case 43: /* routing */
		case 60: /* destination options */
		case 135: /* mobility */
			if ((void *)(h + 2) > end || off + 2 > iend)
				return SW_DR_IPV6_TRUNC_EXTHDR;
			hlen = ((__u32)h[1] + 1) * 8;
			break;
		case 51: /* AH, RFC 4302: length in 4-byte units, minus 2 */
			if ((void *)(h + 2) > end || off + 2 > iend)
				return SW_DR_IPV6_TRUNC_EXTHDR;
			hlen = ((__u32)h[1] + 2) * 4;
			break;
		case 44: /* fragment */
			if ((void *)(h + 8) > end || off + 8 > iend)
				return SW_DR_IPV6_TRUNC_EXTHDR;
			hlen = 8;
			if (bpf_ntohs(*(__be16 *)(h + 2)) & 0xfff8)
				return SW_DR_IPV6_FRAGMENT;
			if (bpf_ntohs(*(__be16 *)(h + 2)) & 1)
				x->first_frag = 1;
			break;
		case 59: /* no next header */
		case 50: /* ESP */
			return SW_DR_OTHER_L4;
		default:
			x->proto = next;
			return sw_parse_l4(end, p + off, ipoff + off,
					   iend - off, x);
		}
		if (n >= SW_MAX_IPV6_EXTHDRS)
			return SW_DR_IPV6_TOO_MANY_EXTHDR;
		if ((void *)(h + hlen) > end || off + hlen > iend)
			return SW_DR_IPV6_TRUNC_EXTHDR;
		next = h[0];
		off += hlen;
	}
	return SW_DR_IPV6_TOO_MANY_EXTHDR;
}

/*
 * Parse from offset off to L4: an Ethernet frame when type is
 * SW_ETH_P_TEB, else the payload the EtherType type names. Returns SW_DR_*.
 */
static __always_inline int sw_parse_at(void *data, void *end, __u32 off,
				       __u16 type, __u32 wire_len,
				       struct sw_xpkt *x)
{
	void *p;
	__u32 i;

	if (off > SW_PARSE_MAX_OFF)
		return SW_DR_TRUNC_LINK;
	SW_BOUND_OFF(off);
	p = data + off;
	if (type == SW_ETH_P_TEB) {
		struct ethhdr *eth = p;

		if ((void *)(eth + 1) > end)
			return SW_DR_TRUNC_LINK;
		type = bpf_ntohs(eth->h_proto);
		p = eth + 1;
		off += sizeof(*eth);
	}
	for (i = 0; i <= SW_MAX_VLAN_TAGS; i++) {
		struct sw_vlan *v = p;

		if (type != ETH_P_8021Q && type != ETH_P_8021AD &&
		    type != SW_ETH_P_QINQ_OLD)
			break;
		if ((void *)(v + 1) > end)
			return SW_DR_TRUNC_VLAN;
		if (i >= SW_MAX_VLAN_TAGS)
			return SW_DR_VLAN_TOO_DEEP;
		type = bpf_ntohs(v->proto);
		p = v + 1;
		off += sizeof(*v);
	}
	if (type == ETH_P_IP)
		return sw_parse_ipv4(end, p, off, wire_len, x);
	if (type == ETH_P_IPV6)
		return sw_parse_ipv6(end, p, off, wire_len, x);
	return SW_DR_NON_IP;
}

/*
 * The payload of a UDP packet to a VXLAN or GENEVE port: where the inner
 * packet starts (*off) and what it is (*type), as the userspace decoder
 * (src/decode/decode-tunnel.c) reads them, reasons in the same order.
 */
static __always_inline int sw_parse_udp_tunnel(void *data, void *end,
					       struct sw_xpkt *x, __u32 *off,
					       __u16 *type, __u32 depth)
{
	__u32 o = x->payload_off, hlen = 8;
	__u8 *b;

	if (o > SW_PARSE_MAX_OFF)
		return SW_DR_TRUNC_TUNNEL;
	SW_BOUND_OFF(o);
	b = data + o;
	if ((void *)(b + 8) > end || x->payload_len < 8)
		return SW_DR_TRUNC_TUNNEL;
	if (x->dport == sw_tun_vxlan_port) {
		if (!(b[0] & 0x08))
			return SW_DR_TUNNEL_UNKNOWN;
		*type = SW_ETH_P_TEB;
	} else {
		if (b[0] >> 6)
			return SW_DR_TUNNEL_UNKNOWN;
		hlen += (__u32)(b[0] & 0x3f) * 4;
		if ((void *)(b + hlen) > end || x->payload_len < hlen)
			return SW_DR_TRUNC_TUNNEL;
		*type = bpf_ntohs(*(__be16 *)(b + 2));
	}
	if (depth >= sw_tun_max_depth || depth >= SW_XDP_TUNNEL_DEPTH)
		return SW_DR_TUNNEL_TOO_DEEP;
	if (*type != SW_ETH_P_TEB && *type != ETH_P_IP && *type != ETH_P_IPV6)
		return SW_DR_TUNNEL_UNKNOWN;
	*off = o + hlen;
	return SW_DR_OK;
}

/*
 * The packet inside a tunnel: global functions, so the verifier checks
 * each once for every offset rather than once more for each path that
 * reaches a tunnel (the plain path stays inline, verified as before), and
 * split by family, which keeps each one's states within its limits.
 */
__noinline int sw_parse_inner4(struct xdp_md *ctx, __u32 off, __u32 wire_len,
			       struct sw_xpkt *x)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	if (!x)
		return SW_DR_TRUNC_IPV4;
	if (off > SW_PARSE_MAX_OFF)
		return SW_DR_TRUNC_IPV4;
	SW_BOUND_OFF(off);
	return sw_parse_ipv4(end, data + off, off, wire_len, x);
}

__noinline int sw_parse_inner6(struct xdp_md *ctx, __u32 off, __u32 wire_len,
			       struct sw_xpkt *x)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	if (!x)
		return SW_DR_TRUNC_IPV6;
	if (off > SW_PARSE_MAX_OFF)
		return SW_DR_TRUNC_IPV6;
	SW_BOUND_OFF(off);
	return sw_parse_ipv6(end, data + off, off, wire_len, x);
}

/* From offset off (type as sw_parse_at()): the link layer here, then the
 * family's function. */
__noinline int sw_parse_inner(struct xdp_md *ctx, __u32 off, __u32 type,
			      __u32 wire_len, struct sw_xpkt *x)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u8 *p;
	__u32 i;

	if (!x)
		return SW_DR_TRUNC_LINK;
	__builtin_memset(x, 0, sizeof(*x));
	if (off > SW_PARSE_MAX_OFF)
		return SW_DR_TRUNC_LINK;
	SW_BOUND_OFF(off);
	p = data + off;
	if (type == SW_ETH_P_TEB) {
		if ((void *)(p + 14) > end)
			return SW_DR_TRUNC_LINK;
		type = bpf_ntohs(*(__be16 *)(p + 12));
		off += 14;
	}
	for (i = 0; i <= SW_MAX_VLAN_TAGS; i++) {
		if (type != ETH_P_8021Q && type != ETH_P_8021AD &&
		    type != SW_ETH_P_QINQ_OLD)
			break;
		if (off > SW_PARSE_MAX_OFF)
			return SW_DR_TRUNC_VLAN;
		SW_BOUND_OFF(off);
		p = data + off;
		if ((void *)(p + 4) > end)
			return SW_DR_TRUNC_VLAN;
		if (i >= SW_MAX_VLAN_TAGS)
			return SW_DR_VLAN_TOO_DEEP;
		type = bpf_ntohs(*(__be16 *)(p + 2));
		off += 4;
	}
	if (type == ETH_P_IP)
		return sw_parse_inner4(ctx, off, wire_len, x);
	if (type == ETH_P_IPV6)
		return sw_parse_inner6(ctx, off, wire_len, x);
	return SW_DR_NON_IP;
}

/* Parse a frame from its Ethernet header to L4, through VXLAN and GENEVE
 * to the innermost packet. Returns SW_DR_*. */
static __always_inline int sw_parse(struct xdp_md *ctx, void *data, void *end,
				    __u32 wire_len, struct sw_xpkt *x)
{
	__u32 off = 0, depth, tend;
	__u64 r;
	__u16 type = SW_ETH_P_TEB;
	int rc;

	rc = sw_parse_at(data, end, 0, SW_ETH_P_TEB, wire_len, x);
	for (depth = 0; depth < SW_XDP_TUNNEL_DEPTH + 1; depth++) {
		if (rc != SW_DR_OK || x->proto != SW_IPPROTO_UDP ||
		    x->first_frag || !x->dport ||
		    (x->dport != sw_tun_vxlan_port &&
		     x->dport != sw_tun_geneve_port))
			return rc;
		rc = sw_parse_udp_tunnel(data, end, x, &off, &type, depth);
		if (rc != SW_DR_OK)
			return rc;
		/* The inner packet ends where the tunnel's payload does. */
		tend = x->payload_off + x->payload_len;
		if (tend < wire_len)
			wire_len = tend;
		/* A global function's result is any scalar to the
		 * verifier, and the caller indexes by it: bound it where
		 * the compiler cannot bound a copy and index by another. */
		r = (__u64)(__u32)sw_parse_inner(ctx, off, type, wire_len, x);
		asm volatile(
			"if %[r] < %[max] goto +1\n\t"
			"%[r] = %[bad]"
			: [r] "+r"(r)
			: [max] "i"(SW_DR_MAX), [bad] "i"(SW_DR_TRUNC_LINK));
		rc = (int)r;
	}
	return SW_DR_TUNNEL_TOO_DEEP;
}

#endif /* SW_BPF_PARSING_H */
