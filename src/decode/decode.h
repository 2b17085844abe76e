/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Packet decoding, L2 to L4. The decoders are pure and bounded: they take a
 * pointer and the captured length, never read past it, and return a
 * verdict from enum sw_decode_reason. Lengths used for accounting come from
 * the IP header, so a capture cut by its snap length still accounts exactly
 * as long as the TCP or UDP header was captured.
 */
#ifndef SW_DECODE_H
#define SW_DECODE_H

#include <stdint.h>

#include "scrapewatch/decode_kern_user.h"
#include "scrapewatch/flow_kern_user.h"

/* Link types in the numbering of the pcap LINKTYPE_ registry. */
enum sw_linktype {
	SW_LINKTYPE_NULL = 0,
	SW_LINKTYPE_ETHERNET = 1,
	SW_LINKTYPE_RAW = 101,
	SW_LINKTYPE_LOOP = 108,
	SW_LINKTYPE_LINUX_SLL = 113,
	SW_LINKTYPE_IPV4 = 228,
	SW_LINKTYPE_IPV6 = 229,
	SW_LINKTYPE_LINUX_SLL2 = 276,
};

/* TCP option kinds (IANA registry). */
enum sw_tcpopt_kind {
	SW_TCPOPT_EOL = 0,
	SW_TCPOPT_NOP = 1,
	SW_TCPOPT_MSS = 2,
	SW_TCPOPT_WSCALE = 3,
	SW_TCPOPT_SACK_PERM = 4,
	SW_TCPOPT_SACK = 5,
	SW_TCPOPT_TS = 8,
};

/* Bits of sw_tcp_opts.present. */
enum sw_tcpopt_bit {
	SW_TCPOPT_HAS_MSS = 1 << 0,
	SW_TCPOPT_HAS_WSCALE = 1 << 1,
	SW_TCPOPT_HAS_SACK_PERM = 1 << 2,
	SW_TCPOPT_HAS_SACK = 1 << 3,
	SW_TCPOPT_HAS_TS = 1 << 4,
};

#define SW_TCPOPT_LAYOUT_MAX 40

/* Every TCP option, and their order, kept for SYN fingerprints. */
struct sw_tcp_opts {
	uint8_t layout[SW_TCPOPT_LAYOUT_MAX]; /* option kinds, in order */
	uint8_t layout_len;
	uint8_t present; /* enum sw_tcpopt_bit */
	uint8_t wscale;
	uint8_t eol_pad; /* bytes after EOL (p0f "eol+N"); nonzero ones */
	uint8_t eol_pad_nonzero; /* flag a quirk */
	uint16_t mss;
	uint32_t ts_val;
	uint32_t ts_ecr;
};

/*
 * The tunnel a packet came in: the outermost encapsulation, its endpoints
 * and its identifier. Valid only when type is not SW_TUN_NONE.
 */
struct sw_tunnel {
	uint8_t type; /* enum sw_tunnel_type */
	uint8_t depth; /* encapsulations unwrapped */
	uint8_t family; /* enum sw_family of the outer endpoints */
	uint8_t has_id; /* id is meaningful (GRE: a key was present) */
	uint32_t id; /* VNI, GRE key, ERSPAN session or MPLS label */
	uint8_t saddr[16]; /* outer source, network order */
	uint8_t daddr[16]; /* outer destination, network order */
};

/* A decoded packet. Pointers point into the caller's buffer. */
struct sw_packet {
	uint64_t ts_ns; /* ns since the Unix epoch */
	uint32_t caplen; /* bytes captured */
	uint32_t wirelen; /* bytes on the wire */

	uint8_t family; /* enum sw_family */
	uint8_t proto; /* IPPROTO_* of L4 */
	uint8_t ttl; /* IPv4 TTL or IPv6 hop limit */
	uint8_t tos; /* IPv4 TOS or IPv6 traffic class */
	uint8_t saddr[16]; /* network order */
	uint8_t daddr[16]; /* network order */
	uint16_t ip_id; /* IPv4 identification, host order */
	uint8_t ip_df; /* IPv4 don't-fragment bit */
	uint8_t ip_opt_len; /* bytes of IPv4 options */
	uint32_t ip6_flow; /* IPv6 flow label */
	uint8_t fragment; /* 1: first fragment of a fragmented datagram */
	uint8_t vlan_count;
	uint16_t vlan[SW_MAX_VLAN_TAGS]; /* VLAN IDs, outermost first */

	uint16_t sport; /* host order */
	uint16_t dport; /* host order */
	uint8_t tcp_flags; /* including ECE/CWR */
	uint8_t tcp_doff; /* header bytes */
	uint16_t tcp_window; /* raw, unscaled */
	uint16_t tcp_urg; /* urgent pointer */
	uint8_t tcp_res; /* reserved bits, nonzero is a quirk */
	uint32_t seq; /* host order */
	uint32_t ack; /* host order */
	struct sw_tcp_opts tcpopt;

	uint32_t payload_len; /* L4 payload bytes, from the IP length */
	uint32_t payload_caplen; /* of which captured */
	const uint8_t *payload;

	uint8_t anomaly; /* non-fatal enum sw_decode_reason, or SW_DR_OK */
	const uint8_t *frame; /* start of the frame, to find wire offsets */

	/* Last: sw_decode() clears what precedes it and sets only
	 * tunnel.type, so plain packets pay nothing for it. */
	struct sw_tunnel tunnel;
};

/* Bits of sw_decode_cfg.tunnels: the encapsulations followed. */
enum sw_tunnel_bit {
	SW_TUNB_VXLAN = 1 << SW_TUN_VXLAN,
	SW_TUNB_GENEVE = 1 << SW_TUN_GENEVE,
	SW_TUNB_GRE = 1 << SW_TUN_GRE, /* also ERSPAN, MPLS in GRE */
	SW_TUNB_ERSPAN = 1 << SW_TUN_ERSPAN2, /* II and III, over GRE */
	SW_TUNB_MPLS = 1 << SW_TUN_MPLS,
	SW_TUNB_IPIP = 1 << SW_TUN_IPIP,
	SW_TUNB_ALL = SW_TUNB_VXLAN | SW_TUNB_GENEVE | SW_TUNB_GRE |
		      SW_TUNB_ERSPAN | SW_TUNB_MPLS | SW_TUNB_IPIP,
};

#define SW_TUNNEL_PORTS_MAX 8u

/* How tunnels are decoded (the config's decode: section). */
struct sw_decode_cfg {
	uint32_t tunnels; /* enum sw_tunnel_bit */
	uint8_t max_depth; /* 0: no tunnel followed */
	uint8_t tunnel_key_vni; /* the VNI joins the flow key (key.zone) */
	uint8_t mpls_pw; /* an Ethernet frame after a pseudowire control
			  * word follows the MPLS stack (first nibble 0) */
	uint8_t n_vxlan_ports, n_geneve_ports;
	uint16_t vxlan_ports[SW_TUNNEL_PORTS_MAX];
	uint16_t geneve_ports[SW_TUNNEL_PORTS_MAX];
	/* Derived: the ports above span port_lo..port_lo + port_span. */
	uint16_t port_lo, port_span;
};

/* Every encapsulation, VXLAN on 4789, GENEVE on 6081, depth 2, no key. */
void sw_decode_default_cfg(struct sw_decode_cfg *cfg);
/*
 * Set how every later sw_decode() in the process treats tunnels. Call it
 * before the capture threads start: they read it without a lock.
 */
void sw_decode_configure(const struct sw_decode_cfg *cfg);
const struct sw_decode_cfg *sw_decode_config(void);
/* Name of an enum sw_tunnel_type as written in config and records. */
const char *sw_tunnel_name(int type);

/*
 * Decode one frame of the given link type. Returns SW_DR_OK when pkt holds
 * a TCP or UDP packet; any other value says why not. pkt->anomaly may name
 * a non-fatal problem even on SW_DR_OK.
 */
int sw_decode(int linktype, const uint8_t *data, uint32_t caplen,
	      uint32_t wirelen, struct sw_packet *pkt);

/* Decoders for each layer, exposed for tests and other capture paths. */
int sw_decode_ether(const uint8_t *data, uint32_t len, struct sw_packet *pkt);
int sw_decode_ip(const uint8_t *data, uint32_t len, struct sw_packet *pkt);
int sw_decode_ipv4(const uint8_t *data, uint32_t len, struct sw_packet *pkt);
int sw_decode_ipv6(const uint8_t *data, uint32_t len, struct sw_packet *pkt);
int sw_decode_l4(const uint8_t *data, uint32_t caplen, uint32_t l4len,
		 struct sw_packet *pkt);
int sw_decode_tcp_options(const uint8_t *opt, uint32_t len,
			  struct sw_tcp_opts *o);

/* Stable short name of a reason, e.g. "trunc_tcp". */
const char *sw_decode_reason_name(int reason);
/* 1 if the reason means malformed input rather than traffic we skip. */
int sw_decode_reason_is_error(int reason);

/*
 * Build the normalised flow key for a decoded packet. Returns 1 if the
 * packet's source is key endpoint b, 0 if it is endpoint a.
 */
int sw_flow_key_from_packet(const struct sw_packet *pkt,
			    struct sw_flow_key *key);

#endif /* SW_DECODE_H */
