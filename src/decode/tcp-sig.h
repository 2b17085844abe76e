/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP SYN and SYN+ACK signatures in the raw form p0f v3 logs as raw_sig,
 * "ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass", with an initial-TTL
 * guess, a hop distance and a coarse operating-system class. The string is
 * byte-for-byte what p0f 3.09b prints for the same packet, so signatures can
 * be compared with p0f logs and its documented format; tests check this
 * against p0f itself (tests/oracle/test_tcpsig_oracle.sh).
 */
#ifndef SW_TCP_SIG_H
#define SW_TCP_SIG_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/* Longest signature: 24 options of up to "eol+39," plus every quirk. */
#define SW_TCP_SIG_MAX 320

/* What a signature says beyond its string. */
struct sw_tcp_sig_info {
	uint8_t ittl; /* initial TTL guess: 32, 64, 128 or 255; 0 if unknown */
	uint8_t server; /* 1: SYN+ACK (server), 0: SYN (client) */
	int16_t distance; /* hops, ittl - observed TTL; -1 if unknown */
	uint16_t mss; /* MSS option, 0 if absent */
	uint8_t wscale; /* window scale option, 0 if absent */
	uint8_t olen; /* IPv4 option bytes */
	uint32_t quirks; /* enum sw_tcp_sig_quirk */
	const char
		*os_class; /* "linux", "windows", "macos/ios", "bsd", "other" */
};

/* Quirk bits, in the order p0f prints them. */
enum sw_tcp_sig_quirk {
	SW_TCP_Q_DF = 1 << 0, /* "df": IPv4 don't-fragment */
	SW_TCP_Q_NZ_ID = 1 << 1, /* "id+": DF set, IP ID not zero */
	SW_TCP_Q_ZERO_ID = 1 << 2, /* "id-": DF clear, IP ID zero */
	SW_TCP_Q_ECN = 1 << 3, /* "ecn": ECN in IP or TCP header */
	SW_TCP_Q_NZ_MBZ = 1 << 4, /* "0+": IPv4 reserved flag set */
	SW_TCP_Q_FLOW = 1 << 5, /* "flow": IPv6 flow label set */
	SW_TCP_Q_ZERO_SEQ = 1 << 6, /* "seq-" */
	SW_TCP_Q_NZ_ACK = 1 << 7, /* "ack+": see tcp-sig.c */
	SW_TCP_Q_ZERO_ACK = 1 << 8, /* "ack-": ACK flag, ack number zero */
	SW_TCP_Q_NZ_URG = 1 << 9, /* "uptr+": urgent pointer without URG */
	SW_TCP_Q_URG = 1 << 10, /* "urgf+" */
	SW_TCP_Q_PUSH = 1 << 11, /* "pushf+" */
	SW_TCP_Q_TS1_ZERO = 1 << 12, /* "ts1-": own timestamp zero */
	SW_TCP_Q_TS2_NZ = 1 << 13, /* "ts2+": peer timestamp on a SYN */
	SW_TCP_Q_OPT_TRAIL = 1 << 14, /* "opt+": data after EOL */
	SW_TCP_Q_EXWS = 1 << 15, /* "exws": window scale above 14 */
	SW_TCP_Q_OPT_BAD = 1 << 16, /* "bad": malformed options */
};

/*
 * Sign a SYN (client) or SYN+ACK (server) decoded by sw_decode(). Writes the
 * NUL-terminated raw signature to buf and, if info is not NULL, fills it.
 * Returns 0, -EINVAL if pkt is not a TCP SYN (p0f also refuses SYN with FIN
 * or RST), or -ENOSPC if len is too small (SW_TCP_SIG_MAX always fits).
 *
 * For a SYN+ACK, p0f also tries the client's MSS as a window divisor; use
 * sw_tcp_sig_format_reply() when the SYN was seen.
 */
int sw_tcp_sig_format(const struct sw_packet *pkt, char *buf, size_t len,
		      struct sw_tcp_sig_info *info);

/* As sw_tcp_sig_format(), given the MSS of the SYN this packet answers. */
int sw_tcp_sig_format_reply(const struct sw_packet *pkt, uint16_t syn_mss,
			    char *buf, size_t len,
			    struct sw_tcp_sig_info *info);

/* The MSS option as p0f reads it (last one wins), 0 if absent. */
uint16_t sw_tcp_sig_mss(const struct sw_packet *pkt);

#endif /* SW_TCP_SIG_H */
