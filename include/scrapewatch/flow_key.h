/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Flow key normalisation and the choice of client, shared by the XDP
 * program and userspace so both sides put a packet in the same flow and
 * name the same endpoint the client. Like flow_acct.h it is compiled twice:
 * no libc, no BPF helpers, loops with constant bounds only.
 */
#ifndef SCRAPEWATCH_FLOW_KEY_H
#define SCRAPEWATCH_FLOW_KEY_H

#include "flow_acct.h"

/*
 * Whether a port is a well-known service port: below 1024, or one of the
 * registered ports busy servers listen on. Written as a switch so the BPF
 * build needs no array in memory.
 */
static inline int sw_key_service_port(__u16 port)
{
	if (port < 1024)
		return 1;
	switch (port) {
	case 1080:
	case 1194:
	case 1433:
	case 1521:
	case 1883:
	case 2049:
	case 3000:
	case 3128:
	case 3306:
	case 3389:
	case 4443:
	case 5000:
	case 5060:
	case 5222:
	case 5432:
	case 5601:
	case 5672:
	case 6379:
	case 6443:
	case 8000:
	case 8008:
	case 8080:
	case 8081:
	case 8088:
	case 8443:
	case 8888:
	case 9000:
	case 9090:
	case 9092:
	case 9200:
	case 9443:
	case 11211:
	case 27017:
		return 1;
	default:
		return 0;
	}
}

/*
 * Decide whether the packet's source is the client of a new flow, and how
 * (enum sw_client_origin). The SYN sender is; without a handshake, the side
 * on a service port is the server, then the lower port; a tie makes the
 * sender the client.
 */
static inline int sw_key_src_is_client(__u8 proto, __u8 tcp_flags, __u16 sport,
				       __u16 dport, __u8 *origin)
{
	int s_svc, d_svc;

	if (proto == SW_IPPROTO_TCP && (tcp_flags & SW_TCP_SYN)) {
		*origin = (tcp_flags & SW_TCP_ACK) ? SW_ORIGIN_SYNACK :
						     SW_ORIGIN_SYN;
		return !(tcp_flags & SW_TCP_ACK);
	}
	*origin = SW_ORIGIN_PORT;
	s_svc = sw_key_service_port(sport);
	d_svc = sw_key_service_port(dport);
	if (s_svc != d_svc)
		return d_svc;
	if (sport != dport)
		return sport > dport;
	return 1;
}

/* A 32-bit word read from network-order memory, in host order. */
static inline __u32 sw_key_be32(__u32 raw)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap32(raw);
#else
	return raw;
#endif
}

/*
 * Fill a normalised key from a packet's addresses and ports (host order).
 * saddr and daddr are 4 words each, as read from the packet (network
 * order); an IPv4 address fills word 0 and leaves the rest zero. Endpoint a
 * sorts lower, by address bytes then port. Returns 1 if the source is
 * endpoint b. Words, not bytes: the XDP program runs this on every packet.
 */
static inline int sw_key_fill(struct sw_flow_key *key, __u8 family,
			      const __u32 *saddr, const __u32 *daddr,
			      __u16 sport, __u16 dport, __u8 proto)
{
	int c = 0, src_is_b;
	__u32 i;

	for (i = 0; i < 4; i++) {
		if (c == 0 && saddr[i] != daddr[i])
			c = sw_key_be32(saddr[i]) < sw_key_be32(daddr[i]) ? -1 :
									    1;
	}
	src_is_b = c > 0 || (c == 0 && sport > dport);
	if (src_is_b) {
		__builtin_memcpy(key->addr_a, daddr, 16);
		__builtin_memcpy(key->addr_b, saddr, 16);
		key->port_a = dport;
		key->port_b = sport;
	} else {
		__builtin_memcpy(key->addr_a, saddr, 16);
		__builtin_memcpy(key->addr_b, daddr, 16);
		key->port_a = sport;
		key->port_b = dport;
	}
	key->proto = proto;
	key->family = family;
	key->zone = 0;
	return src_is_b;
}

#endif /* SCRAPEWATCH_FLOW_KEY_H */
