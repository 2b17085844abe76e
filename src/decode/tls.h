/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TLS ClientHello parsing and the JA3 and JA4 client fingerprints. The
 * parsers are pure and bounded: they read a client byte stream (TLS records
 * over TCP) or raw handshake messages (a QUIC CRYPTO stream), never past the
 * given length, and fill a fixed-size struct sw_tls_hello. A ClientHello may
 * span several records; no copy of it is made. Lists are kept in wire order
 * up to a cap; what lies beyond is counted and sets `truncated`.
 *
 * Only JA4 (BSD-3-Clause, FoxIO) is implemented here: the other JA4+ members
 * are under the FoxIO License and stay out of this codebase.
 */
#ifndef SW_TLS_H
#define SW_TLS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Why a byte stream did not yield a ClientHello. Numbers are stable: add new
 * reasons at the end, never reuse one.
 */
enum sw_tls_reason {
	SW_TLS_OK = 0,
	SW_TLS_MORE = 1, /* a plausible ClientHello so far: need more bytes */
	SW_TLS_NOT_TLS = 2, /* first record is not a TLS handshake record */
	SW_TLS_BAD_RECORD = 3, /* bad record header or non-handshake record */
	SW_TLS_BAD_HANDSHAKE = 4, /* ClientHello body lengths inconsistent */
	SW_TLS_NOT_CLIENT_HELLO =
		5, /* first handshake message of another type */
	SW_TLS_BAD_EXTENSION = 6, /* an extension's inner lengths are wrong */
	SW_TLS_TOO_LONG = 7, /* handshake length above SW_TLS_HELLO_MAX_LEN */
	SW_TLS_SSLV2 = 8, /* SSL 2.0-format ClientHello, not fingerprinted */
	SW_TLS_REASON_MAX,
};

/* Largest ClientHello message accepted (OpenSSL's own limit is 128 KiB). */
#define SW_TLS_HELLO_MAX_LEN (1u << 17)
/* RFC 8446 5.1: a record fragment is at most 2^14 bytes. */
#define SW_TLS_RECORD_MAX_LEN (1u << 14)

#define SW_TLS_CIPHERS_MAX 128
#define SW_TLS_EXTS_MAX 64
#define SW_TLS_SNI_MAX 255
#define SW_TLS_ALPN_MAX 32
#define SW_TLS_VERSIONS_MAX 16
#define SW_TLS_SIGALGS_MAX 64
#define SW_TLS_GROUPS_MAX 64
#define SW_TLS_POINT_FORMATS_MAX 16

/* Extension types (IANA registry) that the parser looks into. */
enum sw_tls_ext_type {
	SW_TLS_EXT_SERVER_NAME = 0x0000,
	SW_TLS_EXT_SUPPORTED_GROUPS = 0x000a,
	SW_TLS_EXT_EC_POINT_FORMATS = 0x000b,
	SW_TLS_EXT_SIGNATURE_ALGORITHMS = 0x000d,
	SW_TLS_EXT_ALPN = 0x0010,
	SW_TLS_EXT_SUPPORTED_VERSIONS = 0x002b,
};

/*
 * A parsed ClientHello, in host byte order. Each list keeps its values in
 * wire order, GREASE included; *_over counts values beyond the cap. Only the
 * first occurrence of each extension is looked into. Byte strings (SNI,
 * ALPN) are raw wire bytes, not NUL-terminated: escaping is the output's
 * job.
 */
struct sw_tls_hello {
	uint16_t record_version; /* of the first record; 0 without records */
	uint16_t legacy_version; /* ClientHello.legacy_version */
	uint32_t hello_len; /* handshake message body length */

	uint16_t ciphers[SW_TLS_CIPHERS_MAX];
	uint16_t n_ciphers;
	uint16_t ciphers_over;

	uint16_t exts[SW_TLS_EXTS_MAX]; /* extension types */
	uint16_t n_exts;
	uint16_t exts_over;

	uint8_t has_sni; /* server_name extension present */
	uint8_t sni_len; /* bytes in sni; first host_name entry */
	uint8_t sni[SW_TLS_SNI_MAX];

	uint8_t has_alpn; /* ALPN extension present */
	uint16_t alpn_count; /* protocol names in the list */
	uint8_t alpn_first_len; /* wire length; min(len, MAX) bytes are kept */
	uint8_t alpn_first_end; /* last byte of the first name, even if cut */
	uint8_t alpn_first[SW_TLS_ALPN_MAX];
	uint8_t alpn_last_len;
	uint8_t alpn_last[SW_TLS_ALPN_MAX];

	uint8_t has_supported_versions;
	uint16_t versions[SW_TLS_VERSIONS_MAX];
	uint16_t n_versions;
	uint16_t versions_over;

	uint16_t sigalgs[SW_TLS_SIGALGS_MAX];
	uint16_t n_sigalgs;
	uint16_t sigalgs_over;

	uint16_t groups[SW_TLS_GROUPS_MAX];
	uint16_t n_groups;
	uint16_t groups_over;

	uint8_t point_formats[SW_TLS_POINT_FORMATS_MAX];
	uint8_t n_point_formats;
	uint8_t point_formats_over;

	uint8_t truncated; /* a list or the SNI exceeded its cap */
};

/*
 * Parse the ClientHello at the start of a TCP client byte stream (TLS
 * records of content type 22). Returns SW_TLS_OK with h filled,
 * SW_TLS_MORE when the bytes so far are a plausible ClientHello prefix, or
 * another enum sw_tls_reason. Bytes after the ClientHello are ignored.
 */
int sw_tls_parse_records(const uint8_t *p, uint32_t len,
			 struct sw_tls_hello *h);

/* The same on raw handshake messages, e.g. a QUIC CRYPTO stream. */
int sw_tls_parse_handshake(const uint8_t *p, uint32_t len,
			   struct sw_tls_hello *h);

/* The highest version offered: supported_versions without GREASE, else
 * the legacy version (what JA4 reports). */
uint16_t sw_tls_hello_version(const struct sw_tls_hello *h);

/* Stable short name of a reason, e.g. "bad_record". */
const char *sw_tls_reason_name(int reason);

/* RFC 8701 GREASE value: 0x?a?a with both bytes equal. */
static inline int sw_tls_is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

#define SW_TLS_JA3_STR_MAX 2048
#define SW_TLS_JA4_LEN 40
#define SW_TLS_JA4_R_MAX 1536

/*
 * JA3 as tshark 4.0 computes it (tls.handshake.ja3_full / .ja3): decimal
 * "legacy_version,ciphers,extensions,groups,point_formats", values joined
 * by '-', GREASE left out. str gets the string (cut to str_len, always
 * terminated; SW_TLS_JA3_STR_MAX is always enough), md5_hex the MD5 of the
 * whole string.
 */
void sw_tls_ja3(const struct sw_tls_hello *h, char *str, size_t str_len,
		char md5_hex[33]);

/*
 * JA4 (FoxIO JA4 spec, technical_details/JA4.md). transport is 't' (TCP)
 * or 'q' (QUIC). ja4 gets e.g. "t13d1516h2_8daaf6152771_e5627efa2ab1";
 * ja4_r, if not NULL, the raw form with the sorted lists unhashed (cut to
 * ja4_r_len, always terminated; SW_TLS_JA4_R_MAX is always enough).
 */
void sw_tls_ja4(const struct sw_tls_hello *h, char transport,
		char ja4[SW_TLS_JA4_LEN], char *ja4_r, size_t ja4_r_len);

#endif /* SW_TLS_H */
