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

#endif /* SW_DECODE_INT_H */
