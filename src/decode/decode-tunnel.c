// SPDX-License-Identifier: BSD-2-Clause
/*
 * Tunnel decapsulation, for mirror and TAP ports that deliver traffic
 * wrapped: VXLAN and GENEVE over UDP, GRE (IP or Ethernet inside), ERSPAN
 * type II and III over GRE, MPLS label stacks (over Ethernet, GRE or IP)
 * and IP in IP. The inner packet is decoded as if it had arrived plain, so
 * it becomes the flow; the outermost tunnel (type, endpoints, identifier)
 * is kept in pkt->tunnel for the flow record. Nesting is bounded by
 * decode.max_depth, and every way a tunnel can stop the decode is a
 * counted reason.
 */
#include <stddef.h>
#include <string.h>

#include "decode.h"
#include "decode-int.h"

enum {
	IPPROTO_IPIP4 = 4,
	IPPROTO_IPIP6 = 41,
	IPPROTO_GRE = 47,
	IPPROTO_MPLS_IN_IP = 137,
	ETH_P_TEB = 0x6558, /* transparent Ethernet bridging */
	ETH_P_ERSPAN2 = 0x88be, /* also type I, without a sequence number */
	ETH_P_ERSPAN3 = 0x22eb,
	ETH_P_MPLS_UC = 0x8847,
	ETH_P_MPLS_MC = 0x8848,
	GRE_F_CSUM = 0x8000,
	GRE_F_ROUTING = 0x4000,
	GRE_F_KEY = 0x2000,
	GRE_F_SEQ = 0x1000,
	GRE_VERSION = 0x0007,
};

struct sw_decode_cfg sw_decode_g = {
	.tunnels = SW_TUNB_ALL,
	.port_lo = 4789,
	.port_span = 6081 - 4789,
	.max_depth = SW_TUNNEL_DEFAULT_DEPTH,
	.n_vxlan_ports = 1,
	.vxlan_ports = { 4789 },
	.n_geneve_ports = 1,
	.geneve_ports = { 6081 },
};

/* The span of UDP ports that may be tunnels, so that most UDP packets are
 * told apart by one comparison (0 alone when none: never a tunnel). */
static void port_range(struct sw_decode_cfg *c)
{
	unsigned lo = 65535, hi = 0, i;

	if (c->tunnels & SW_TUNB_VXLAN)
		for (i = 0; i < c->n_vxlan_ports; i++) {
			lo = c->vxlan_ports[i] < lo ? c->vxlan_ports[i] : lo;
			hi = c->vxlan_ports[i] > hi ? c->vxlan_ports[i] : hi;
		}
	if (c->tunnels & SW_TUNB_GENEVE)
		for (i = 0; i < c->n_geneve_ports; i++) {
			lo = c->geneve_ports[i] < lo ? c->geneve_ports[i] : lo;
			hi = c->geneve_ports[i] > hi ? c->geneve_ports[i] : hi;
		}
	if (lo > hi)
		lo = hi = 0;
	c->port_lo = (uint16_t)lo;
	c->port_span = (uint16_t)(hi - lo);
}

void sw_decode_default_cfg(struct sw_decode_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->tunnels = SW_TUNB_ALL;
	cfg->max_depth = SW_TUNNEL_DEFAULT_DEPTH;
	cfg->n_vxlan_ports = 1;
	cfg->vxlan_ports[0] = 4789;
	cfg->n_geneve_ports = 1;
	cfg->geneve_ports[0] = 6081;
	port_range(cfg);
}

void sw_decode_configure(const struct sw_decode_cfg *cfg)
{
	sw_decode_g = *cfg;
	if (sw_decode_g.max_depth > SW_MAX_TUNNEL_DEPTH)
		sw_decode_g.max_depth = SW_MAX_TUNNEL_DEPTH;
	if (sw_decode_g.n_vxlan_ports > SW_TUNNEL_PORTS_MAX)
		sw_decode_g.n_vxlan_ports = SW_TUNNEL_PORTS_MAX;
	if (sw_decode_g.n_geneve_ports > SW_TUNNEL_PORTS_MAX)
		sw_decode_g.n_geneve_ports = SW_TUNNEL_PORTS_MAX;
	port_range(&sw_decode_g);
}

const struct sw_decode_cfg *sw_decode_config(void)
{
	return &sw_decode_g;
}

static const char *const tunnel_names[SW_TUN_MAX] = {
	[SW_TUN_NONE] = "none",	      [SW_TUN_VXLAN] = "vxlan",
	[SW_TUN_GENEVE] = "geneve",   [SW_TUN_GRE] = "gre",
	[SW_TUN_ERSPAN2] = "erspan2", [SW_TUN_ERSPAN3] = "erspan3",
	[SW_TUN_MPLS] = "mpls",	      [SW_TUN_IPIP] = "ipip",
};

const char *sw_tunnel_name(int type)
{
	return type >= 0 && type < SW_TUN_MAX ? tunnel_names[type] : "unknown";
}

static int port_in(uint16_t port, const uint16_t *list, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (list[i] == port)
			return 1;
	return 0;
}

int sw_tun_udp_port(uint16_t dport)
{
	const struct sw_decode_cfg *c = &sw_decode_g;

	if ((c->tunnels & SW_TUNB_VXLAN) &&
	    port_in(dport, c->vxlan_ports, c->n_vxlan_ports))
		return SW_TUN_VXLAN;
	if ((c->tunnels & SW_TUNB_GENEVE) &&
	    port_in(dport, c->geneve_ports, c->n_geneve_ports))
		return SW_TUN_GENEVE;
	return SW_TUN_NONE;
}

/*
 * Step into a tunnel whose payload starts at p and ends, on the wire, at
 * p + len: note the outermost one, refuse one level too many, and clear
 * what the outer layers set that the inner ones may leave alone, so the
 * inner packet is decoded as if it had arrived plain. (Outer layers are
 * never TCP, so the TCP fields are still clear.)
 */
static int enter(struct sw_packet *pkt, const uint8_t *p, uint32_t len,
		 int type, uint32_t id, int has_id)
{
	struct sw_tunnel *t = &pkt->tunnel;

	if (t->type == SW_TUN_NONE) {
		t->type = (uint8_t)type;
		t->depth = 0;
		t->family = pkt->family;
		t->id = id;
		t->has_id = (uint8_t)has_id;
		memcpy(t->saddr, pkt->saddr, sizeof(t->saddr));
		memcpy(t->daddr, pkt->daddr, sizeof(t->daddr));
	}
	if (t->depth >= sw_decode_g.max_depth)
		return SW_DR_TUNNEL_TOO_DEEP;
	t->depth++;
	memset(pkt->saddr, 0, sizeof(pkt->saddr));
	memset(pkt->daddr, 0, sizeof(pkt->daddr));
	pkt->family = SW_FAMILY_NONE;
	pkt->ip_id = 0;
	pkt->ip_df = 0;
	pkt->ip_opt_len = 0;
	pkt->ip6_flow = 0;
	pkt->fragment = 0;
	pkt->vlan_count = 0;
	pkt->anomaly = SW_DR_OK;
	pkt->sport = pkt->dport = 0;
	pkt->payload = NULL;
	pkt->payload_len = pkt->payload_caplen = 0;
	/* The inner packet ends where the tunnel's payload does. */
	if (pkt->frame && (uint64_t)(p - pkt->frame) + len < pkt->wirelen)
		pkt->wirelen = (uint32_t)(p - pkt->frame) + len;
	return SW_DR_OK;
}

/* An Ethernet frame, or an IP packet named by an EtherType. */
static int inner_by_type(uint16_t type, const uint8_t *p, uint32_t cap,
			 struct sw_packet *pkt)
{
	switch (type) {
	case ETH_P_TEB:
		return sw_decode_ether(p, cap, pkt);
	case SW_ETH_P_IPV4:
		return sw_decode_ipv4(p, cap, pkt);
	case SW_ETH_P_IPV6:
		return sw_decode_ipv6(p, cap, pkt);
	default:
		return SW_DR_TUNNEL_UNKNOWN;
	}
}

/* RFC 7348: flags (I set), 24 reserved bits, VNI, 8 reserved bits. */
static int vxlan(const uint8_t *p, uint32_t cap, uint32_t len,
		 struct sw_packet *pkt)
{
	int rc;

	if (cap < 8 || len < 8)
		return SW_DR_TRUNC_TUNNEL;
	if (!(p[0] & 0x08))
		return SW_DR_TUNNEL_UNKNOWN;
	rc = enter(pkt, p + 8, len - 8, SW_TUN_VXLAN, sw_rd32(p + 4) >> 8, 1);
	return rc ? rc : sw_decode_ether(p + 8, cap - 8, pkt);
}

/* RFC 8926: version 0, options skipped by their length, then the
 * payload named by an EtherType. */
static int geneve(const uint8_t *p, uint32_t cap, uint32_t len,
		  struct sw_packet *pkt)
{
	uint32_t hlen;
	int rc;

	if (cap < 8 || len < 8)
		return SW_DR_TRUNC_TUNNEL;
	if (p[0] >> 6)
		return SW_DR_TUNNEL_UNKNOWN;
	hlen = 8 + (uint32_t)(p[0] & 0x3f) * 4;
	if (cap < hlen || len < hlen)
		return SW_DR_TRUNC_TUNNEL;
	rc = enter(pkt, p + hlen, len - hlen, SW_TUN_GENEVE,
		   sw_rd32(p + 4) >> 8, 1);
	return rc ? rc :
		    inner_by_type(sw_rd16(p + 2), p + hlen, cap - hlen, pkt);
}

/* The UDP payload of a packet to a port in the tunnels' span. */
int sw_tun_udp(struct sw_packet *pkt)
{
	const uint8_t *p = pkt->payload;
	uint32_t cap = pkt->payload_caplen, len = pkt->payload_len;

	/* A first fragment carries only part of the tunnel's payload. */
	if (pkt->fragment)
		return SW_DR_OK;
	switch (sw_tun_udp_port(pkt->dport)) {
	case SW_TUN_VXLAN:
		return vxlan(p, cap, len, pkt);
	case SW_TUN_GENEVE:
		return geneve(p, cap, len, pkt);
	default:
		return SW_DR_OK;
	}
}

/*
 * An MPLS label stack, then IPv4 or IPv6 by the first nibble after the
 * bottom of the stack, or (decode.mpls_pw) Ethernet after a pseudowire
 * control word (first nibble 0). entered: the caller already stepped into
 * a tunnel (GRE, IP) that carries the stack.
 */
int sw_tun_mpls(const uint8_t *p, uint32_t cap, uint32_t len, int entered,
		struct sw_packet *pkt)
{
	uint32_t off = 0, label = 0, n;
	int rc;

	for (n = 0;; n++) {
		if (n >= SW_MAX_MPLS_LABELS)
			return SW_DR_MPLS_TOO_DEEP;
		if (off + 4 > cap || off + 4 > len)
			return SW_DR_TRUNC_TUNNEL;
		label = sw_rd32(p + off) >> 12;
		off += 4;
		if (p[off - 2] & 1) /* bottom of stack */
			break;
	}
	if (off >= cap || off >= len)
		return SW_DR_TRUNC_TUNNEL;
	if (!entered) {
		rc = enter(pkt, p + off, len - off, SW_TUN_MPLS, label, 1);
		if (rc)
			return rc;
	} else if (pkt->tunnel.type == SW_TUN_MPLS && !pkt->tunnel.has_id) {
		/* MPLS in IP: the service label is known only now. */
		pkt->tunnel.id = label;
		pkt->tunnel.has_id = 1;
	}
	switch (p[off] >> 4) {
	case 4:
		return sw_decode_ipv4(p + off, cap - off, pkt);
	case 6:
		return sw_decode_ipv6(p + off, cap - off, pkt);
	case 0:
		if (!sw_decode_g.mpls_pw)
			break;
		if (off + 4 > cap)
			return SW_DR_TRUNC_TUNNEL;
		return sw_decode_ether(p + off + 4, cap - off - 4, pkt);
	default:
		break;
	}
	return SW_DR_TUNNEL_UNKNOWN;
}

/* ERSPAN type II: version 1, session ID in the low 10 bits of word 0. */
static int erspan2(const uint8_t *p, uint32_t cap, uint32_t len,
		   struct sw_packet *pkt)
{
	int rc;

	if (cap < 8 || len < 8)
		return SW_DR_TRUNC_TUNNEL;
	if (p[0] >> 4 != 1)
		return SW_DR_TUNNEL_UNKNOWN;
	rc = enter(pkt, p + 8, len - 8, SW_TUN_ERSPAN2, sw_rd16(p + 2) & 0x3ff,
		   1);
	return rc ? rc : sw_decode_ether(p + 8, cap - 8, pkt);
}

/*
 * ERSPAN type III: version 2, 12 bytes, then an 8-byte platform-specific
 * sub-header when the O bit (last bit of word 2) is set. The frame type
 * (5 bits after the P bit) says Ethernet (0) or IP (2).
 */
static int erspan3(const uint8_t *p, uint32_t cap, uint32_t len,
		   struct sw_packet *pkt)
{
	uint32_t hlen = 12;
	unsigned ft;
	int rc;

	if (cap < 12 || len < 12)
		return SW_DR_TRUNC_TUNNEL;
	if (p[0] >> 4 != 2)
		return SW_DR_TUNNEL_UNKNOWN;
	if (p[11] & 1)
		hlen += 8;
	if (cap < hlen || len < hlen)
		return SW_DR_TRUNC_TUNNEL;
	ft = (sw_rd16(p + 10) >> 10) & 0x1f;
	if (ft != 0 && ft != 2)
		return SW_DR_TUNNEL_UNKNOWN;
	rc = enter(pkt, p + hlen, len - hlen, SW_TUN_ERSPAN3,
		   sw_rd16(p + 2) & 0x3ff, 1);
	if (rc)
		return rc;
	if (ft == 2)
		return sw_decode_ip(p + hlen, cap - hlen, pkt);
	return sw_decode_ether(p + hlen, cap - hlen, pkt);
}

/* RFC 2784/2890: checksum, key and sequence number, each optional. */
static int gre(const uint8_t *p, uint32_t cap, uint32_t len,
	       struct sw_packet *pkt)
{
	uint32_t tun = sw_decode_g.tunnels, hlen = 4, key = 0;
	uint16_t flags, type;
	int rc;

	if (cap < 4 || len < 4)
		return SW_DR_TRUNC_TUNNEL;
	flags = sw_rd16(p);
	type = sw_rd16(p + 2);
	/* Version 1 is PPTP's; source routing (RFC 1701) is obsolete. */
	if (flags & (GRE_VERSION | GRE_F_ROUTING))
		return SW_DR_TUNNEL_UNKNOWN;
	if (flags & GRE_F_CSUM)
		hlen += 4;
	if ((flags & GRE_F_KEY) && cap >= hlen + 4)
		key = sw_rd32(p + hlen);
	if (flags & GRE_F_KEY)
		hlen += 4;
	if (flags & GRE_F_SEQ)
		hlen += 4;
	if (cap < hlen || len < hlen)
		return SW_DR_TRUNC_TUNNEL;
	p += hlen;
	cap -= hlen;
	len -= hlen;
	switch (type) {
	case ETH_P_ERSPAN2:
		if (!(tun & SW_TUNB_ERSPAN))
			return SW_DR_OTHER_L4;
		if (flags & GRE_F_SEQ)
			return erspan2(p, cap, len, pkt);
		/* Type I: no ERSPAN header, the frame follows GRE. */
		rc = enter(pkt, p, len, SW_TUN_ERSPAN2, 0, 0);
		return rc ? rc : sw_decode_ether(p, cap, pkt);
	case ETH_P_ERSPAN3:
		if (!(tun & SW_TUNB_ERSPAN))
			return SW_DR_OTHER_L4;
		return erspan3(p, cap, len, pkt);
	case ETH_P_MPLS_UC:
	case ETH_P_MPLS_MC:
		if (!(tun & SW_TUNB_MPLS) || !(tun & SW_TUNB_GRE))
			return SW_DR_OTHER_L4;
		rc = enter(pkt, p, len, SW_TUN_GRE, key,
			   (flags & GRE_F_KEY) != 0);
		return rc ? rc : sw_tun_mpls(p, cap, len, 1, pkt);
	default:
		if (!(tun & SW_TUNB_GRE))
			return SW_DR_OTHER_L4;
		rc = enter(pkt, p, len, SW_TUN_GRE, key,
			   (flags & GRE_F_KEY) != 0);
		return rc ? rc : inner_by_type(type, p, cap, pkt);
	}
}

/* An IP protocol that is not TCP or UDP: a tunnel, or other L4. */
int sw_tun_ip(const uint8_t *p, uint32_t cap, uint32_t len,
	      struct sw_packet *pkt)
{
	uint32_t tun = sw_decode_g.tunnels;
	int rc;

	if (pkt->fragment)
		return SW_DR_OTHER_L4;
	switch (pkt->proto) {
	case IPPROTO_GRE:
		if (!(tun & (SW_TUNB_GRE | SW_TUNB_ERSPAN)))
			break;
		return gre(p, cap, len, pkt);
	case IPPROTO_IPIP4:
	case IPPROTO_IPIP6:
		if (!(tun & SW_TUNB_IPIP))
			break;
		rc = pkt->proto;
		if (enter(pkt, p, len, SW_TUN_IPIP, 0, 0))
			return SW_DR_TUNNEL_TOO_DEEP;
		return rc == IPPROTO_IPIP4 ? sw_decode_ipv4(p, cap, pkt) :
					     sw_decode_ipv6(p, cap, pkt);
	case IPPROTO_MPLS_IN_IP:
		if (!(tun & SW_TUNB_MPLS))
			break;
		rc = enter(pkt, p, len, SW_TUN_MPLS, 0, 0);
		return rc ? rc : sw_tun_mpls(p, cap, len, 1, pkt);
	default:
		break;
	}
	return SW_DR_OTHER_L4;
}
