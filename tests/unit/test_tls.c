// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests for the TLS ClientHello parser and the JA3/JA4 fingerprints.
 *
 * Reference values come from outside this code: the JA4 spec's worked
 * example (FoxIO ja4, technical_details/JA4.md) and tshark 4.0.17's
 * tls.handshake.ja3 / tls.handshake.ja3_full on captured traffic. The
 * captures were made on loopback only:
 *
 *   openssl s_server -accept 127.0.0.1:14433 -cert c.pem -key k.pem
 *   tcpdump -i lo -U -w s_client.pcap 'tcp port 14433'
 *   openssl s_client -connect 127.0.0.1:14433 \
 *           -servername scrapewatch.example -alpn h2,http/1.1
 *   tshark -r s_client.pcap -Y tls.handshake.type==1 -T fields \
 *           -e tls.handshake.ja3 -e tls.handshake.ja3_full -e tcp.payload
 *
 * (OpenSSL 3.0.19), and the same with two hand-built ClientHellos written
 * to an s_server socket: the spec example with GREASE added to every list
 * and split over two records, and a TLS 1.0 hello without extensions.
 * Other cases are built here with a small ClientHello writer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode/tls.h"

/* Captured ClientHello of openssl s_client 3.0.19 (TCP payload, 1 record). */
static const uint8_t s_client_hello[] = {
	0x16, 0x03, 0x01, 0x01, 0x52, 0x01, 0x00, 0x01, 0x4e, 0x03, 0x03, 0xa7,
	0x47, 0xca, 0x2b, 0x91, 0x0e, 0x8b, 0xc2, 0x80, 0x7a, 0x93, 0xc4, 0x09,
	0x43, 0x51, 0x33, 0x10, 0xd0, 0xfc, 0xe3, 0x49, 0x56, 0x2c, 0x83, 0x2a,
	0x10, 0x78, 0x3b, 0xe5, 0xdd, 0xaa, 0x9d, 0x20, 0xa6, 0x6b, 0x77, 0x6f,
	0x08, 0x22, 0x3b, 0xcf, 0x75, 0xf4, 0x69, 0x76, 0x64, 0xd7, 0xa1, 0x52,
	0x67, 0x83, 0x31, 0x2a, 0xd2, 0x00, 0x3b, 0x91, 0xea, 0x68, 0xfb, 0xeb,
	0xcc, 0x3f, 0xaa, 0x8b, 0x00, 0x3e, 0x13, 0x02, 0x13, 0x03, 0x13, 0x01,
	0xc0, 0x2c, 0xc0, 0x30, 0x00, 0x9f, 0xcc, 0xa9, 0xcc, 0xa8, 0xcc, 0xaa,
	0xc0, 0x2b, 0xc0, 0x2f, 0x00, 0x9e, 0xc0, 0x24, 0xc0, 0x28, 0x00, 0x6b,
	0xc0, 0x23, 0xc0, 0x27, 0x00, 0x67, 0xc0, 0x0a, 0xc0, 0x14, 0x00, 0x39,
	0xc0, 0x09, 0xc0, 0x13, 0x00, 0x33, 0x00, 0x9d, 0x00, 0x9c, 0x00, 0x3d,
	0x00, 0x3c, 0x00, 0x35, 0x00, 0x2f, 0x00, 0xff, 0x01, 0x00, 0x00, 0xc7,
	0x00, 0x00, 0x00, 0x18, 0x00, 0x16, 0x00, 0x00, 0x13, 0x73, 0x63, 0x72,
	0x61, 0x70, 0x65, 0x77, 0x61, 0x74, 0x63, 0x68, 0x2e, 0x65, 0x78, 0x61,
	0x6d, 0x70, 0x6c, 0x65, 0x00, 0x0b, 0x00, 0x04, 0x03, 0x00, 0x01, 0x02,
	0x00, 0x0a, 0x00, 0x16, 0x00, 0x14, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x1e,
	0x00, 0x19, 0x00, 0x18, 0x01, 0x00, 0x01, 0x01, 0x01, 0x02, 0x01, 0x03,
	0x01, 0x04, 0x00, 0x23, 0x00, 0x00, 0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c,
	0x02, 0x68, 0x32, 0x08, 0x68, 0x74, 0x74, 0x70, 0x2f, 0x31, 0x2e, 0x31,
	0x00, 0x16, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x2a,
	0x00, 0x28, 0x04, 0x03, 0x05, 0x03, 0x06, 0x03, 0x08, 0x07, 0x08, 0x08,
	0x08, 0x09, 0x08, 0x0a, 0x08, 0x0b, 0x08, 0x04, 0x08, 0x05, 0x08, 0x06,
	0x04, 0x01, 0x05, 0x01, 0x06, 0x01, 0x03, 0x03, 0x03, 0x01, 0x03, 0x02,
	0x04, 0x02, 0x05, 0x02, 0x06, 0x02, 0x00, 0x2b, 0x00, 0x09, 0x08, 0x03,
	0x04, 0x03, 0x03, 0x03, 0x02, 0x03, 0x01, 0x00, 0x2d, 0x00, 0x02, 0x01,
	0x01, 0x00, 0x33, 0x00, 0x26, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20, 0x28,
	0xec, 0x45, 0xa4, 0xb2, 0xc3, 0xd1, 0xdc, 0xf3, 0xd9, 0x52, 0x54, 0x83,
	0xf1, 0x10, 0x01, 0xca, 0xe2, 0x73, 0xa2, 0x67, 0x32, 0x18, 0xdf, 0x38,
	0x1e, 0x68, 0xc0, 0x5d, 0xcb, 0xc6, 0x6f,
};

/* tshark 4.0.17 on the capture above. */
#define S_CLIENT_JA3 "5a1edc7f170af1014fc65c994878e63c"
#define S_CLIENT_JA3_FULL                                                       \
	"771,4866-4867-4865-49196-49200-159-52393-52392-52394-49195-49199-158-" \
	"49188-49192-107-49187-49191-103-49162-49172-57-49161-49171-51-157-"    \
	"156-61-60-53-47-255,0-11-10-35-16-22-23-13-43-45-51,29-23-30-25-24-"   \
	"256-257-258-259-260,0-1-2"

/*
 * FoxIO's own python/ja4.py (github.com/FoxIO-LLC/ja4 at 0e54bc83, run
 * with tshark 4.0.17: `python3 ja4.py s_client.pcap -J`) on the capture.
 */
#define S_CLIENT_JA4 "t13d3111h2_e8f1e7e78f70_1f22a2ca17c4"

/*
 * The JA4 spec's example ClientHello: its 15 ciphers, 16 extensions in the
 * spec's original order, its 8 signature algorithms, ALPN h2 then
 * http/1.1, SNI example.com; plus GREASE cipher 0x5a5a, GREASE extensions
 * 0x0a0a and 0x9a9a, GREASE group 0x2a2a, GREASE key share and GREASE
 * supported version 0x7a7a. Split into records of 200 and 128 bytes.
 */
static const uint8_t spec_grease_hello[] = {
	0x16, 0x03, 0x01, 0x00, 0xc8, 0x01, 0x00, 0x01, 0x44, 0x03, 0x03, 0x00,
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
	0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
	0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x11, 0x11, 0x11, 0x11,
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x11, 0x11, 0x11, 0x11, 0x00, 0x20, 0x5a, 0x5a, 0x13, 0x01, 0x13, 0x02,
	0x13, 0x03, 0xc0, 0x2b, 0xc0, 0x2f, 0xc0, 0x2c, 0xc0, 0x30, 0xcc, 0xa9,
	0xcc, 0xa8, 0xc0, 0x13, 0xc0, 0x14, 0x00, 0x9c, 0x00, 0x9d, 0x00, 0x2f,
	0x00, 0x35, 0x01, 0x00, 0x00, 0xdb, 0x0a, 0x0a, 0x00, 0x00, 0x00, 0x1b,
	0x00, 0x03, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00, 0x10, 0x00, 0x0e, 0x00,
	0x00, 0x0b, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x63, 0x6f,
	0x6d, 0x00, 0x33, 0x00, 0x2b, 0x00, 0x29, 0x2a, 0x2a, 0x00, 0x01, 0x00,
	0x00, 0x1d, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c, 0x02, 0x68, 0x32, 0x08, 0x68, 0x74,
	0x74, 0x16, 0x03, 0x01, 0x00, 0x80, 0x70, 0x2f, 0x31, 0x2e, 0x31, 0x44,
	0x69, 0x00, 0x05, 0x00, 0x03, 0x02, 0x68, 0x32, 0x00, 0x17, 0x00, 0x00,
	0x00, 0x2d, 0x00, 0x02, 0x01, 0x01, 0x00, 0x0d, 0x00, 0x12, 0x00, 0x10,
	0x04, 0x03, 0x08, 0x04, 0x04, 0x01, 0x05, 0x03, 0x08, 0x05, 0x05, 0x01,
	0x08, 0x06, 0x06, 0x01, 0x9a, 0x9a, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00,
	0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x23, 0x00, 0x00, 0x00, 0x12,
	0x00, 0x00, 0x00, 0x2b, 0x00, 0x07, 0x06, 0x7a, 0x7a, 0x03, 0x04, 0x03,
	0x03, 0xff, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,
	0x00, 0x0a, 0x00, 0x0a, 0x00, 0x08, 0x2a, 0x2a, 0x00, 0x1d, 0x00, 0x17,
	0x00, 0x18, 0x00, 0x15, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00,
};

/* tshark 4.0.17 on the spec example above, sent over loopback. */
#define SPEC_JA3 "c000e2caf3a25423f9de6c8a4b12a975"
#define SPEC_JA3_FULL                                                           \
	"771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-"   \
	"156-157-47-53,27-0-51-16-17513-23-45-13-5-35-18-43-65281-11-10-21,29-" \
	"23-24,0"
/* JA4.md, "Example" and "Raw Output". */
#define SPEC_JA4 "t13d1516h2_8daaf6152771_e5627efa2ab1"
#define SPEC_JA4_R                                                           \
	"t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c," \
	"c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,"  \
	"002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601"

/* A TLS 1.0 ClientHello without extensions: GREASE, AES128, AES256, SCSV. */
static const uint8_t noext_hello[] = {
	0x16, 0x03, 0x01, 0x00, 0x33, 0x01, 0x00, 0x00, 0x2f, 0x03, 0x01, 0x00,
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
	0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
	0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x00, 0x00, 0x08, 0x0a, 0x0a,
	0x00, 0x2f, 0x00, 0x35, 0x00, 0xff, 0x01, 0x00,
};

/* tshark 4.0.17 on the hello above. */
#define NOEXT_JA3 "93794b6c513c5bfeb949030a7f13ca10"
#define NOEXT_JA3_FULL "769,47-53-255,,,"

/* A byte writer for hand-built ClientHellos, with length back-patching. */
struct wbuf {
	uint8_t b[1 << 16];
	uint32_t n;
};

static void put(struct wbuf *w, const void *p, uint32_t n)
{
	assert_true(w->n + n <= sizeof(w->b));
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void put8(struct wbuf *w, uint32_t v)
{
	uint8_t b = (uint8_t)v;

	put(w, &b, 1);
}

static void put16(struct wbuf *w, uint32_t v)
{
	put8(w, v >> 8);
	put8(w, v);
}

/* Open a length field of len_bytes; close_len() fills it in. */
static uint32_t open_len(struct wbuf *w, int len_bytes)
{
	uint32_t at = w->n;
	int i;

	for (i = 0; i < len_bytes; i++)
		put8(w, 0);
	return at;
}

static void close_len(struct wbuf *w, uint32_t at, int len_bytes)
{
	uint32_t len = w->n - at - (uint32_t)len_bytes;
	int i;

	for (i = len_bytes - 1; i >= 0; i--) {
		w->b[at + (uint32_t)i] = (uint8_t)len;
		len >>= 8;
	}
}

static void ext_empty(struct wbuf *e, uint32_t type)
{
	put16(e, type);
	put16(e, 0);
}

static void ext_sni(struct wbuf *e, const char *name)
{
	uint32_t ext, list, nlen;

	put16(e, SW_TLS_EXT_SERVER_NAME);
	ext = open_len(e, 2);
	list = open_len(e, 2);
	put8(e, 0); /* host_name */
	nlen = open_len(e, 2);
	put(e, name, (uint32_t)strlen(name));
	close_len(e, nlen, 2);
	close_len(e, list, 2);
	close_len(e, ext, 2);
}

/* ALPN with one protocol name of n raw bytes, then "http/1.1". */
static void ext_alpn(struct wbuf *e, const uint8_t *first, uint32_t n)
{
	uint32_t ext, list;

	put16(e, SW_TLS_EXT_ALPN);
	ext = open_len(e, 2);
	list = open_len(e, 2);
	put8(e, n);
	put(e, first, n);
	put8(e, 8);
	put(e, "http/1.1", 8);
	close_len(e, list, 2);
	close_len(e, ext, 2);
}

static void ext_point_formats(struct wbuf *e)
{
	put16(e, SW_TLS_EXT_EC_POINT_FORMATS);
	put16(e, 2);
	put8(e, 1);
	put8(e, 0); /* uncompressed */
}

/* A 16-bit list extension; supported_versions has a 1-byte length. */
static void ext_u16s(struct wbuf *e, uint32_t type, const uint16_t *v,
		     unsigned int n)
{
	int lb = type == SW_TLS_EXT_SUPPORTED_VERSIONS ? 1 : 2;
	uint32_t ext, list;
	unsigned int i;

	put16(e, type);
	ext = open_len(e, 2);
	list = open_len(e, lb);
	for (i = 0; i < n; i++)
		put16(e, v[i]);
	close_len(e, list, lb);
	close_len(e, ext, 2);
}

/* A ClientHello handshake message around the extensions block ext. */
static void build_hello(struct wbuf *w, uint32_t version, const uint16_t *cs,
			unsigned int n_cs, const struct wbuf *ext)
{
	uint32_t msg, list;
	unsigned int i;

	w->n = 0;
	put8(w, 1);
	msg = open_len(w, 3);
	put16(w, version);
	for (i = 0; i < 32; i++)
		put8(w, i);
	put8(w, 0); /* empty session id */
	list = open_len(w, 2);
	for (i = 0; i < n_cs; i++)
		put16(w, cs[i]);
	close_len(w, list, 2);
	put8(w, 1);
	put8(w, 0); /* null compression */
	if (ext) {
		list = open_len(w, 2);
		put(w, ext->b, ext->n);
		close_len(w, list, 2);
	}
	close_len(w, msg, 3);
}

/* Wrap a handshake stream into records of at most split bytes each. */
static void to_records(const struct wbuf *hs, uint32_t split, struct wbuf *out)
{
	uint32_t off, n;

	out->n = 0;
	for (off = 0; off < hs->n; off += n) {
		n = hs->n - off < split ? hs->n - off : split;
		put8(out, 22);
		put16(out, 0x0301);
		put16(out, n);
		put(out, hs->b + off, n);
	}
}

/* Strip the record headers of a well-formed record stream. */
static void from_records(const uint8_t *p, uint32_t len, struct wbuf *hs)
{
	uint32_t off = 0, n;

	hs->n = 0;
	while (off + 5 <= len) {
		n = (uint32_t)(p[off + 3] << 8 | p[off + 4]);
		put(hs, p + off + 5, n);
		off += 5 + n;
	}
}

static const uint16_t common_ciphers[] = { 0x1301, 0x1302, 0xc02b };
static const uint16_t tls13_versions[] = { 0x0304, 0x0303 };
static const uint16_t x25519[] = { 0x001d };

static struct wbuf wb_ext, wb_hs, wb_rec;
static struct sw_tls_hello hello;

/* Parse a copy of exactly len bytes, so ASan sees any overread. */
static int parse_exact(const uint8_t *p, uint32_t len, int records,
		       struct sw_tls_hello *h)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, p, len);
	rc = records ? sw_tls_parse_records(copy, len, h) :
		       sw_tls_parse_handshake(copy, len, h);
	free(copy);
	return rc;
}

static void check_ja3(const struct sw_tls_hello *h, const char *full,
		      const char *md5)
{
	char str[SW_TLS_JA3_STR_MAX], hex[33];

	sw_tls_ja3(h, str, sizeof(str), hex);
	assert_string_equal(str, full);
	assert_string_equal(hex, md5);
}

static void ja4_of(const struct sw_tls_hello *h, char t, char ja4[40], char *r,
		   size_t r_len)
{
	sw_tls_ja4(h, t, ja4, r, r_len);
}

static void test_spec_example(void **state)
{
	char ja4[SW_TLS_JA4_LEN], ja4_r[SW_TLS_JA4_R_MAX];

	(void)state;
	assert_int_equal(parse_exact(spec_grease_hello,
				     sizeof(spec_grease_hello), 1, &hello),
			 SW_TLS_OK);
	assert_int_equal(hello.n_ciphers, 16);
	assert_int_equal(hello.n_exts, 18);
	assert_int_equal(hello.has_sni, 1);
	assert_int_equal(hello.sni_len, 11);
	assert_memory_equal(hello.sni, "example.com", 11);
	assert_int_equal(hello.alpn_count, 2);
	assert_int_equal(hello.record_version, 0x0301);
	ja4_of(&hello, 't', ja4, ja4_r, sizeof(ja4_r));
	assert_string_equal(ja4, SPEC_JA4);
	assert_string_equal(ja4_r, SPEC_JA4_R);
	check_ja3(&hello, SPEC_JA3_FULL, SPEC_JA3);
}

/*
 * JA4.md: with no signature algorithms the extension string has no '_'
 * and "0005,...,4469,ff01" hashes to 6d807ffa2a79. An empty
 * signature_algorithms list keeps 000d in the extension list.
 */
static void test_spec_no_sigalgs(void **state)
{
	static const uint16_t order[] = { 0x001b, 0x0000, 0x0033, 0x0010,
					  0x4469, 0x0017, 0x002d, 0x000d,
					  0x0005, 0x0023, 0x0012, 0x002b,
					  0xff01, 0x000b, 0x000a, 0x0015 };
	char ja4[SW_TLS_JA4_LEN], ja4_r[SW_TLS_JA4_R_MAX];
	unsigned int i;

	(void)state;
	wb_ext.n = 0;
	for (i = 0; i < 16; i++) {
		if (order[i] == 0x0000)
			ext_sni(&wb_ext, "example.com");
		else if (order[i] == 0x0010)
			ext_alpn(&wb_ext, (const uint8_t *)"h2", 2);
		else if (order[i] == 0x000d)
			ext_u16s(&wb_ext, 0x000d, NULL, 0);
		else if (order[i] == 0x002b)
			ext_u16s(&wb_ext, 0x002b, tls13_versions, 2);
		else if (order[i] == 0x000a)
			ext_u16s(&wb_ext, 0x000a, x25519, 1);
		else if (order[i] == 0x000b)
			ext_point_formats(&wb_ext);
		else
			ext_empty(&wb_ext, order[i]);
	}
	build_hello(&wb_hs, 0x0303, common_ciphers, 3, &wb_ext);
	to_records(&wb_hs, 16384, &wb_rec);
	assert_int_equal(parse_exact(wb_rec.b, wb_rec.n, 1, &hello), SW_TLS_OK);
	ja4_of(&hello, 't', ja4, ja4_r, sizeof(ja4_r));
	assert_string_equal(ja4_r, "t13d0316h2_1301,1302,c02b_0005,000a,000b,"
				   "000d,0012,0015,0017,001b,0023,002b,002d,"
				   "0033,4469,ff01");
	assert_string_equal(ja4 + 24, "6d807ffa2a79");
}

static void test_s_client_capture(void **state)
{
	char ja4[SW_TLS_JA4_LEN];

	(void)state;
	assert_int_equal(
		parse_exact(s_client_hello, sizeof(s_client_hello), 1, &hello),
		SW_TLS_OK);
	check_ja3(&hello, S_CLIENT_JA3_FULL, S_CLIENT_JA3);
	/* tshark's dissection of the same packet. */
	assert_int_equal(hello.legacy_version, 0x0303);
	assert_int_equal(hello.n_ciphers, 31);
	assert_int_equal(hello.n_sigalgs, 20);
	assert_int_equal(hello.sigalgs[0], 0x0403);
	assert_int_equal(hello.sigalgs[19], 0x0602);
	assert_int_equal(hello.n_groups, 10);
	assert_int_equal(hello.n_versions, 4);
	assert_int_equal(hello.versions[0], 0x0304);
	assert_int_equal(hello.n_point_formats, 3);
	assert_int_equal(hello.sni_len, 19);
	assert_memory_equal(hello.sni, "scrapewatch.example", 19);
	assert_int_equal(hello.alpn_first_len, 2);
	assert_memory_equal(hello.alpn_first, "h2", 2);
	assert_int_equal(hello.alpn_last_len, 8);
	assert_memory_equal(hello.alpn_last, "http/1.1", 8);
	ja4_of(&hello, 't', ja4, NULL, 0);
	assert_string_equal(ja4, S_CLIENT_JA4);
}

static void test_no_extensions(void **state)
{
	char ja4[SW_TLS_JA4_LEN], ja4_r[SW_TLS_JA4_R_MAX];

	(void)state;
	assert_int_equal(
		parse_exact(noext_hello, sizeof(noext_hello), 1, &hello),
		SW_TLS_OK);
	check_ja3(&hello, NOEXT_JA3_FULL, NOEXT_JA3);
	ja4_of(&hello, 't', ja4, ja4_r, sizeof(ja4_r));
	assert_string_equal(ja4_r, "t10i030000_002f,0035,00ff_");
	/* Empty extension list: twelve zeros, not SHA-256 of "". The cipher
	 * hash is from `printf 002f,0035,00ff | sha256sum`. */
	assert_string_equal(ja4 + 11, "03e80547d04c_000000000000");
}

static void test_no_sni_and_ip_sni(void **state)
{
	char ja4[SW_TLS_JA4_LEN];

	(void)state;
	wb_ext.n = 0;
	ext_u16s(&wb_ext, SW_TLS_EXT_SUPPORTED_VERSIONS, tls13_versions, 2);
	build_hello(&wb_hs, 0x0303, common_ciphers, 3, &wb_ext);
	assert_int_equal(parse_exact(wb_hs.b, wb_hs.n, 0, &hello), SW_TLS_OK);
	assert_int_equal(hello.has_sni, 0);
	ja4_of(&hello, 't', ja4, NULL, 0);
	assert_memory_equal(ja4, "t13i030100_", 11);

	/* RFC 6066 forbids IP literals, but JA4 only asks whether the
	 * extension is there: still 'd', and the bytes are kept raw. */
	ext_sni(&wb_ext, "192.0.2.1");
	build_hello(&wb_hs, 0x0303, common_ciphers, 3, &wb_ext);
	assert_int_equal(parse_exact(wb_hs.b, wb_hs.n, 0, &hello), SW_TLS_OK);
	assert_int_equal(hello.has_sni, 1);
	assert_int_equal(hello.sni_len, 9);
	assert_memory_equal(hello.sni, "192.0.2.1", 9);
	ja4_of(&hello, 'q', ja4, NULL, 0);
	assert_memory_equal(ja4, "q13d030200_", 11);
}

static void test_alpn_chars(void **state)
{
	static const struct {
		uint8_t v[40];
		uint32_t n;
		const char *want;
	} cases[] = {
		/* The five examples of JA4.md, "ALPN Extension Value". */
		{ { 0xab }, 1, "ab" },
		{ { 0xab, 0xcd }, 2, "ad" },
		{ { 0x30, 0xab }, 2, "3b" },
		{ { 0x30, 0x31, 0xab, 0xcd }, 4, "3d" },
		{ { 0x30, 0xab, 0xcd, 0x31 }, 4, "01" },
		{ "http/1.1", 8, "h1" },
		{ "h", 1, "hh" },
		{ "", 0, "00" },
		/* Longer than SW_TLS_ALPN_MAX: the real last byte counts. */
		{ "abcdefghijklmnopqrstuvwxyz0123456789ABC!", 40, "61" },
	};
	char ja4[SW_TLS_JA4_LEN];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		wb_ext.n = 0;
		ext_alpn(&wb_ext, cases[i].v, cases[i].n);
		build_hello(&wb_hs, 0x0303, common_ciphers, 3, &wb_ext);
		assert_int_equal(parse_exact(wb_hs.b, wb_hs.n, 0, &hello),
				 SW_TLS_OK);
		ja4_of(&hello, 't', ja4, NULL, 0);
		print_message("alpn case %u: %.2s want %s\n", i, ja4 + 8,
			      cases[i].want);
		assert_memory_equal(ja4 + 8, cases[i].want, 2);
	}
	assert_int_equal(hello.alpn_first_len, 40);
	assert_memory_equal(hello.alpn_first, cases[8].v, SW_TLS_ALPN_MAX);
	assert_int_equal(hello.alpn_count, 2);

	/* No ALPN extension at all. */
	build_hello(&wb_hs, 0x0303, common_ciphers, 3, NULL);
	assert_int_equal(parse_exact(wb_hs.b, wb_hs.n, 0, &hello), SW_TLS_OK);
	ja4_of(&hello, 't', ja4, NULL, 0);
	assert_memory_equal(ja4, "t12i030000_", 11);
}

static void test_grease_versions(void **state)
{
	static const uint16_t only_grease[] = { 0x2a2a };
	static const uint16_t mixed[] = { 0xfafa, 0x0302, 0x0304, 0x0301 };
	char ja4[SW_TLS_JA4_LEN];

	(void)state;
	/* Only GREASE in supported_versions: fall back to legacy_version. */
	wb_ext.n = 0;
	ext_u16s(&wb_ext, SW_TLS_EXT_SUPPORTED_VERSIONS, only_grease, 1);
	build_hello(&wb_hs, 0x0302, common_ciphers, 3, &wb_ext);
	assert_int_equal(parse_exact(wb_hs.b, wb_hs.n, 0, &hello), SW_TLS_OK);
	ja4_of(&hello, 't', ja4, NULL, 0);
	assert_memory_equal(ja4, "t11i030100", 10);
	/* The highest value wins, not the first. */
	wb_ext.n = 0;
	ext_u16s(&wb_ext, SW_TLS_EXT_SUPPORTED_VERSIONS, mixed, 4);
	build_hello(&wb_hs, 0x0303, common_ciphers, 3, &wb_ext);
	assert_int_equal(parse_exact(wb_hs.b, wb_hs.n, 0, &hello), SW_TLS_OK);
	ja4_of(&hello, 't', ja4, NULL, 0);
	assert_memory_equal(ja4, "t13i030100", 10);
	/* Unknown versions map to "00", SSL 3.0 to "s3". */
	build_hello(&wb_hs, 0x0305, common_ciphers, 3, NULL);
	assert_int_equal(parse_exact(wb_hs.b, wb_hs.n, 0, &hello), SW_TLS_OK);
	ja4_of(&hello, 't', ja4, NULL, 0);
	assert_memory_equal(ja4, "t00i", 4);
	build_hello(&wb_hs, 0x0300, common_ciphers, 3, NULL);
	assert_int_equal(parse_exact(wb_hs.b, wb_hs.n, 0, &hello), SW_TLS_OK);
	ja4_of(&hello, 't', ja4, NULL, 0);
	assert_memory_equal(ja4, "ts3i", 4);
}

/* Every record size from 1 byte up gives the same fingerprints. */
static void test_split_records(void **state)
{
	char ja4[SW_TLS_JA4_LEN];
	uint32_t split;

	(void)state;
	from_records(spec_grease_hello, sizeof(spec_grease_hello), &wb_hs);
	assert_int_equal(wb_hs.n, 4 + 0x144);
	for (split = 1; split <= wb_hs.n; split++) {
		to_records(&wb_hs, split, &wb_rec);
		assert_int_equal(parse_exact(wb_rec.b, wb_rec.n, 1, &hello),
				 SW_TLS_OK);
		ja4_of(&hello, 't', ja4, NULL, 0);
		assert_string_equal(ja4, SPEC_JA4);
		check_ja3(&hello, SPEC_JA3_FULL, SPEC_JA3);
	}
	/* Bytes after the ClientHello (an early-data record) are ignored. */
	to_records(&wb_hs, 100, &wb_rec);
	put(&wb_rec, "\x17\x03\x03\x00\x01\x00", 6);
	assert_int_equal(parse_exact(wb_rec.b, wb_rec.n, 1, &hello), SW_TLS_OK);
	/* Raw handshake bytes, as a QUIC CRYPTO stream carries them. */
	assert_int_equal(parse_exact(wb_hs.b, wb_hs.n, 0, &hello), SW_TLS_OK);
	ja4_of(&hello, 'q', ja4, NULL, 0);
	assert_string_equal(ja4 + 1, SPEC_JA4 + 1);
	assert_int_equal(ja4[0], 'q');
}

/* Every proper prefix of a valid ClientHello is a plausible one. */
static void test_truncated_everywhere(void **state)
{
	static const struct {
		const uint8_t *p;
		uint32_t len;
	} samples[] = {
		{ s_client_hello, sizeof(s_client_hello) },
		{ spec_grease_hello, sizeof(spec_grease_hello) },
		{ noext_hello, sizeof(noext_hello) },
	};
	unsigned int i;
	uint32_t cut;

	(void)state;
	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		for (cut = 0; cut < samples[i].len; cut++)
			assert_int_equal(
				parse_exact(samples[i].p, cut, 1, &hello),
				SW_TLS_MORE);
		from_records(samples[i].p, samples[i].len, &wb_hs);
		for (cut = 0; cut < wb_hs.n; cut++)
			assert_int_equal(parse_exact(wb_hs.b, cut, 0, &hello),
					 SW_TLS_MORE);
	}
	/* The same, with one-byte records. */
	to_records(&wb_hs, 1, &wb_rec);
	for (cut = 0; cut < wb_rec.n; cut++)
		assert_int_equal(parse_exact(wb_rec.b, cut, 1, &hello),
				 SW_TLS_MORE);
}

/* Patch one byte of the spec hello (record stream) and parse it. */
static int parse_patched(uint32_t off, uint8_t v)
{
	uint8_t buf[sizeof(spec_grease_hello)];

	memcpy(buf, spec_grease_hello, sizeof(buf));
	buf[off] = v;
	return parse_exact(buf, sizeof(buf), 1, &hello);
}

static void test_bad_lengths(void **state)
{
	static const uint8_t hs_huge[] = { 0x16, 0x03, 0x01, 0x00, 0x04,
					   0x01, 0x02, 0x00, 0x01 };
	static const uint8_t rec_huge[] = { 0x16, 0x03, 0x01, 0x40, 0x01 };
	static const uint8_t rec_zero[] = { 0x16, 0x03, 0x01, 0x00, 0x00 };
	uint32_t ext;

	(void)state;
	/* Record header: length above 2^14, length zero. */
	assert_int_equal(parse_exact(rec_huge, sizeof(rec_huge), 1, &hello),
			 SW_TLS_BAD_RECORD);
	assert_int_equal(parse_exact(rec_zero, sizeof(rec_zero), 1, &hello),
			 SW_TLS_BAD_RECORD);
	/* Handshake length 0x020001 > SW_TLS_HELLO_MAX_LEN. */
	assert_int_equal(parse_exact(hs_huge, sizeof(hs_huge), 1, &hello),
			 SW_TLS_TOO_LONG);
	/* Offsets into spec_grease_hello: 5 record header, 4 handshake
	 * header, version 2, random 32, then session id length at 43. */
	assert_int_equal(parse_patched(43, 33), SW_TLS_BAD_HANDSHAKE);
	/* Cipher suites length (76..77, was 32): odd, then past the end. */
	assert_int_equal(parse_patched(77, 33), SW_TLS_BAD_HANDSHAKE);
	assert_int_equal(parse_patched(76, 0xff), SW_TLS_BAD_HANDSHAKE);
	/* Compression methods count (at 110, was 1): zero. */
	assert_int_equal(spec_grease_hello[110], 1);
	assert_int_equal(parse_patched(110, 0), SW_TLS_BAD_HANDSHAKE);
	/* Extensions length (112..113) disagrees with the message. */
	assert_int_equal(parse_patched(113, spec_grease_hello[113] + 1),
			 SW_TLS_BAD_HANDSHAKE);
	/* First extension (GREASE, at 114..117): length past the block. */
	assert_int_equal(parse_patched(116, 0x7f), SW_TLS_BAD_EXTENSION);
	/* The second record's type and version. */
	assert_int_equal(parse_patched(205, 23), SW_TLS_BAD_RECORD);
	assert_int_equal(parse_patched(206, 2), SW_TLS_BAD_RECORD);

	/* Inner lengths of the extensions the parser looks into. */
	wb_ext.n = 0;
	ext_sni(&wb_ext, "example.com");
	wb_ext.b[5]++; /* server_name_list length */
	build_hello(&wb_hs, 0x0303, common_ciphers, 3, &wb_ext);
	assert_int_equal(parse_exact(wb_hs.b, wb_hs.n, 0, &hello),
			 SW_TLS_BAD_EXTENSION);
	wb_ext.n = 0;
	ext_alpn(&wb_ext, (const uint8_t *)"h2", 2);
	wb_ext.b[6] = 10; /* first protocol name runs past the list */
	build_hello(&wb_hs, 0x0303, common_ciphers, 3, &wb_ext);
	assert_int_equal(parse_exact(wb_hs.b, wb_hs.n, 0, &hello),
			 SW_TLS_BAD_EXTENSION);
	wb_ext.n = 0;
	put16(&wb_ext, SW_TLS_EXT_SUPPORTED_VERSIONS);
	ext = open_len(&wb_ext, 2);
	put(&wb_ext, "\x03\x03\x04\x03", 4); /* odd vector length */
	close_len(&wb_ext, ext, 2);
	build_hello(&wb_hs, 0x0303, common_ciphers, 3, &wb_ext);
	assert_int_equal(parse_exact(wb_hs.b, wb_hs.n, 0, &hello),
			 SW_TLS_BAD_EXTENSION);
	wb_ext.n = 0;
	put16(&wb_ext, SW_TLS_EXT_EC_POINT_FORMATS);
	put16(&wb_ext, 2);
	put(&wb_ext, "\x02\x00", 2); /* count 2, one format */
	build_hello(&wb_hs, 0x0303, common_ciphers, 3, &wb_ext);
	assert_int_equal(parse_exact(wb_hs.b, wb_hs.n, 0, &hello),
			 SW_TLS_BAD_EXTENSION);
	wb_ext.n = 0;
	put16(&wb_ext, SW_TLS_EXT_SIGNATURE_ALGORITHMS);
	put16(&wb_ext, 1); /* too short for its own length field */
	put8(&wb_ext, 0);
	build_hello(&wb_hs, 0x0303, common_ciphers, 3, &wb_ext);
	assert_int_equal(parse_exact(wb_hs.b, wb_hs.n, 0, &hello),
			 SW_TLS_BAD_EXTENSION);
}

static void test_not_client_hello(void **state)
{
	static const char http[] = "GET / HTTP/1.1\r\n";
	static const uint8_t server_hello[] = { 0x16, 0x03, 0x03, 0x00,
						0x04, 0x02, 0x00, 0x00 };
	static const uint8_t sslv2[] = { 0x80, 0x2e, 0x01, 0x00, 0x02 };
	static const uint8_t alert[] = { 0x15, 0x03, 0x01, 0x00, 0x02 };
	static const uint8_t ssh[] = "SSH-2.0-OpenSSH_9.2\r\n";

	(void)state;
	assert_int_equal(parse_exact((const uint8_t *)http, 16, 1, &hello),
			 SW_TLS_NOT_TLS);
	assert_int_equal(parse_exact(ssh, sizeof(ssh) - 1, 1, &hello),
			 SW_TLS_NOT_TLS);
	assert_int_equal(parse_exact(alert, sizeof(alert), 1, &hello),
			 SW_TLS_NOT_TLS);
	assert_int_equal(
		parse_exact(server_hello, sizeof(server_hello), 1, &hello),
		SW_TLS_NOT_CLIENT_HELLO);
	assert_int_equal(parse_exact(server_hello + 5, 3, 0, &hello),
			 SW_TLS_NOT_CLIENT_HELLO);
	assert_int_equal(parse_exact(sslv2, sizeof(sslv2), 1, &hello),
			 SW_TLS_SSLV2);
	/* Record version 0x0205 is not TLS. */
	assert_int_equal(parse_exact((const uint8_t *)"\x16\x02", 2, 1, &hello),
			 SW_TLS_NOT_TLS);
	assert_int_equal(
		parse_exact((const uint8_t *)"\x16\x03\x05", 3, 1, &hello),
		SW_TLS_NOT_TLS);
}

/* Lists beyond their caps are counted; JA4 counts stop at 99. */
static void test_caps(void **state)
{
	uint16_t cs[200];
	char ja4[SW_TLS_JA4_LEN], ja3[SW_TLS_JA3_STR_MAX], md5[33], small[8];
	unsigned int i;

	(void)state;
	for (i = 0; i < 200; i++)
		cs[i] = (uint16_t)(0x1000 + i);
	wb_ext.n = 0;
	for (i = 0; i < 120; i++)
		ext_empty(&wb_ext, 0x5000 + i);
	build_hello(&wb_hs, 0x0303, cs, 200, &wb_ext);
	assert_int_equal(parse_exact(wb_hs.b, wb_hs.n, 0, &hello), SW_TLS_OK);
	assert_int_equal(hello.n_ciphers, SW_TLS_CIPHERS_MAX);
	assert_int_equal(hello.ciphers_over, 200 - SW_TLS_CIPHERS_MAX);
	assert_int_equal(hello.n_exts, SW_TLS_EXTS_MAX);
	assert_int_equal(hello.exts_over, 120 - SW_TLS_EXTS_MAX);
	assert_int_equal(hello.truncated, 1);
	ja4_of(&hello, 't', ja4, NULL, 0);
	assert_memory_equal(ja4, "t12i9999", 8);
	/* A short JA3 buffer is cut and terminated; the MD5 is unchanged. */
	sw_tls_ja3(&hello, ja3, sizeof(ja3), md5);
	assert_true(strlen(ja3) < sizeof(ja3) - 1);
	sw_tls_ja3(&hello, small, sizeof(small), ja3);
	assert_string_equal(small, "771,409");
	assert_string_equal(ja3, md5);
}

static void test_reason_names(void **state)
{
	(void)state;
	/* The numbers are part of the output format: never renumber. */
	assert_int_equal(SW_TLS_OK, 0);
	assert_int_equal(SW_TLS_MORE, 1);
	assert_int_equal(SW_TLS_NOT_TLS, 2);
	assert_int_equal(SW_TLS_BAD_RECORD, 3);
	assert_int_equal(SW_TLS_BAD_HANDSHAKE, 4);
	assert_int_equal(SW_TLS_NOT_CLIENT_HELLO, 5);
	assert_int_equal(SW_TLS_BAD_EXTENSION, 6);
	assert_int_equal(SW_TLS_TOO_LONG, 7);
	assert_int_equal(SW_TLS_SSLV2, 8);
	assert_string_equal(sw_tls_reason_name(SW_TLS_MORE), "more");
	assert_string_equal(sw_tls_reason_name(SW_TLS_BAD_EXTENSION),
			    "bad_extension");
	assert_string_equal(sw_tls_reason_name(SW_TLS_SSLV2), "sslv2");
	assert_string_equal(sw_tls_reason_name(-1), "unknown");
	assert_string_equal(sw_tls_reason_name(SW_TLS_REASON_MAX), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_example),
		cmocka_unit_test(test_spec_no_sigalgs),
		cmocka_unit_test(test_s_client_capture),
		cmocka_unit_test(test_no_extensions),
		cmocka_unit_test(test_no_sni_and_ip_sni),
		cmocka_unit_test(test_alpn_chars),
		cmocka_unit_test(test_grease_versions),
		cmocka_unit_test(test_split_records),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_bad_lengths),
		cmocka_unit_test(test_not_client_hello),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_reason_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
