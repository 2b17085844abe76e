/* SPDX-License-Identifier: BSD-2-Clause */
/* Byte-order readers private to the decoders. Callers check bounds first. */
#ifndef SW_DECODE_INT_H
#define SW_DECODE_INT_H

#include <stdint.h>

static inline uint16_t sw_rd16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t sw_rd32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

#define SW_ETH_P_IPV4 0x0800
#define SW_ETH_P_IPV6 0x86dd
#define SW_ETH_P_8021Q 0x8100
#define SW_ETH_P_8021AD 0x88a8
#define SW_ETH_P_QINQ_OLD 0x9100
#define SW_ETH_P_MPLS_UC 0x8847
#define SW_ETH_P_MPLS_MC 0x8848

struct sw_packet;
struct sw_decode_cfg;

/* decode-tunnel.c: the configuration in force, read on every packet. */
extern struct sw_decode_cfg sw_decode_g;

/* SW_TUN_VXLAN or SW_TUN_GENEVE if UDP to this port is one, else 0. */
int sw_tun_udp_port(uint16_t dport);
/* Decapsulate the UDP payload of pkt, whose destination port is in the
 * span of tunnel ports; SW_DR_OK and pkt untouched if no tunnel's. */
int sw_tun_udp(struct sw_packet *pkt);
/* An IP payload of protocol pkt->proto other than TCP and UDP. */
int sw_tun_ip(const uint8_t *p, uint32_t cap, uint32_t len,
	      struct sw_packet *pkt);
/* An MPLS label stack; entered: already inside a counted tunnel. */
int sw_tun_mpls(const uint8_t *p, uint32_t cap, uint32_t len, int entered,
		struct sw_packet *pkt);

#endif /* SW_DECODE_INT_H */
