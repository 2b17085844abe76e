// SPDX-License-Identifier: BSD-2-Clause
/*
 * TLS ClientHello parsing (RFC 8446 4.1.2, RFC 5246 7.4.1.2) and the JA3
 * and JA4 fingerprints computed from it.
 *
 * The parser reads through a cursor that steps over record headers, so a
 * ClientHello split across records (Chromium's, once post-quantum key
 * shares push it past one segment) is parsed in place. Every declared
 * length is checked against its enclosing length before any byte under it
 * is read: a length that cannot fit is a named failure at once, and running
 * out of input is SW_TLS_MORE only when the stream so far is a consistent
 * ClientHello prefix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "decode-int.h"
#include "crypto.h"
#include "tls.h"

#define TLS_CT_HANDSHAKE 22
#define TLS_HS_CLIENT_HELLO 1
#define TLS_RANDOM_LEN 32
#define TLS_SESSION_ID_MAX 32
#define TLS_RECORD_HDR_LEN 5

struct tls_cur {
	const uint8_t *p;
	uint32_t len;
	uint32_t pos; /* next unread byte of p */
	uint32_t frag_left; /* handshake bytes left in the current record */
	uint8_t records; /* the stream has a record layer */
	uint16_t record_version; /* of the first record */
};

/* Step over the next record header, checking what of it has arrived. */
static int cur_next_record(struct tls_cur *c)
{
	const uint8_t *r = c->p + c->pos;
	uint32_t have = c->len - c->pos;
	int first = c->pos == 0;
	int bad = first ? SW_TLS_NOT_TLS : SW_TLS_BAD_RECORD;
	uint32_t rlen;

	if (!c->records || have == 0)
		return SW_TLS_MORE;
	if (first && (r[0] & 0x80) && (have < 3 || r[2] == TLS_HS_CLIENT_HELLO))
		return SW_TLS_SSLV2;
	if (r[0] != TLS_CT_HANDSHAKE)
		return bad;
	/* legacy_record_version: 0x0300 to 0x0304 are seen in the wild. */
	if (have >= 2 && r[1] != 3)
		return bad;
	if (have >= 3 && r[2] > 4)
		return bad;
	if (have < TLS_RECORD_HDR_LEN)
		return SW_TLS_MORE;
	rlen = sw_rd16(r + 3);
	/* RFC 8446 5.1: no zero-length handshake fragments, none above 2^14. */
	if (rlen == 0 || rlen > SW_TLS_RECORD_MAX_LEN)
		return SW_TLS_BAD_RECORD;
	if (first)
		c->record_version = sw_rd16(r + 1);
	c->pos += TLS_RECORD_HDR_LEN;
	c->frag_left = rlen;
	return SW_TLS_OK;
}

/* Read n handshake bytes into dst, or skip them if dst is NULL. */
static int cur_read(struct tls_cur *c, uint8_t *dst, uint32_t n)
{
	while (n) {
		uint32_t take = n;
		int rc;

		if (c->frag_left == 0) {
			rc = cur_next_record(c);
			if (rc != SW_TLS_OK)
				return rc;
		}
		if (take > c->frag_left)
			take = c->frag_left;
		if (take > c->len - c->pos)
			take = c->len - c->pos;
		if (take == 0)
			return SW_TLS_MORE;
		if (dst) {
			memcpy(dst, c->p + c->pos, take);
			dst += take;
		}
		c->pos += take;
		c->frag_left -= take;
		n -= take;
	}
	return SW_TLS_OK;
}

/*
 * Take n bytes from a block with *left bytes remaining. A block too short
 * for n is the caller's reason bad, before any byte is read.
 */
static int take(struct tls_cur *c, uint32_t *left, uint8_t *dst, uint32_t n,
		int bad)
{
	if (n > *left)
		return bad;
	*left -= n;
	return cur_read(c, dst, n);
}

static int take8(struct tls_cur *c, uint32_t *left, uint32_t *v, int bad)
{
	uint8_t b;
	int rc = take(c, left, &b, 1, bad);

	*v = b;
	return rc;
}

static int take16(struct tls_cur *c, uint32_t *left, uint32_t *v, int bad)
{
	uint8_t b[2];
	int rc = take(c, left, b, 2, bad);

	*v = rc == SW_TLS_OK ? sw_rd16(b) : 0;
	return rc;
}

/*
 * Take a byte string of n bytes, keeping the first min(n, cap) in dst and
 * its last byte in *end.
 */
static int take_str(struct tls_cur *c, uint32_t *left, uint8_t *dst,
		    uint32_t cap, uint32_t n, uint8_t *end, int bad)
{
	uint32_t kept = n < cap ? n : cap;
	int rc;

	if (n > *left)
		return bad;
	rc = take(c, left, dst, kept, bad);
	if (rc != SW_TLS_OK)
		return rc;
	*end = kept ? dst[kept - 1] : 0;
	if (n > kept) {
		rc = take(c, left, NULL, n - kept - 1, bad);
		if (rc == SW_TLS_OK)
			rc = take(c, left, end, 1, bad);
	}
	return rc;
}

/*
 * A vector of 16-bit values behind a length prefix of len_bytes, filling
 * exactly the extension body (*left bytes). Values past cap are counted.
 */
static int take_u16_list(struct tls_cur *c, uint32_t *left, int len_bytes,
			 uint16_t *vals, uint16_t cap, uint16_t *n,
			 uint16_t *over)
{
	uint32_t vlen, v;
	int rc;

	rc = len_bytes == 1 ? take8(c, left, &vlen, SW_TLS_BAD_EXTENSION) :
			      take16(c, left, &vlen, SW_TLS_BAD_EXTENSION);
	if (rc != SW_TLS_OK)
		return rc;
	if (vlen != *left || vlen % 2)
		return SW_TLS_BAD_EXTENSION;
	while (*left) {
		rc = take16(c, left, &v, SW_TLS_BAD_EXTENSION);
		if (rc != SW_TLS_OK)
			return rc;
		if (*n < cap)
			vals[(*n)++] = (uint16_t)v;
		else if (*over < UINT16_MAX)
			(*over)++;
	}
	return SW_TLS_OK;
}

/* RFC 6066 3: keep the first host_name entry. */
static int parse_sni(struct tls_cur *c, uint32_t *left, struct sw_tls_hello *h)
{
	uint32_t list_len, type, nlen;
	uint8_t end;
	int got = 0, rc;

	h->has_sni = 1;
	if (*left == 0) /* the empty form, legal in a ServerHello only */
		return SW_TLS_OK;
	rc = take16(c, left, &list_len, SW_TLS_BAD_EXTENSION);
	if (rc != SW_TLS_OK)
		return rc;
	if (list_len != *left)
		return SW_TLS_BAD_EXTENSION;
	while (*left) {
		rc = take8(c, left, &type, SW_TLS_BAD_EXTENSION);
		if (rc == SW_TLS_OK)
			rc = take16(c, left, &nlen, SW_TLS_BAD_EXTENSION);
		if (rc != SW_TLS_OK)
			return rc;
		if (type == 0 && !got) {
			rc = take_str(c, left, h->sni, SW_TLS_SNI_MAX, nlen,
				      &end, SW_TLS_BAD_EXTENSION);
			h->sni_len = (uint8_t)(nlen < SW_TLS_SNI_MAX ?
						       nlen :
						       SW_TLS_SNI_MAX);
			if (nlen > SW_TLS_SNI_MAX)
				h->truncated = 1;
			got = 1;
		} else {
			rc = take(c, left, NULL, nlen, SW_TLS_BAD_EXTENSION);
		}
		if (rc != SW_TLS_OK)
			return rc;
	}
	return SW_TLS_OK;
}

/* RFC 7301 3.1: keep the first and last protocol names, count them all. */
static int parse_alpn(struct tls_cur *c, uint32_t *left, struct sw_tls_hello *h)
{
	uint32_t list_len, nlen;
	uint8_t end;
	int rc;

	h->has_alpn = 1;
	rc = take16(c, left, &list_len, SW_TLS_BAD_EXTENSION);
	if (rc != SW_TLS_OK)
		return rc;
	if (list_len != *left)
		return SW_TLS_BAD_EXTENSION;
	while (*left) {
		rc = take8(c, left, &nlen, SW_TLS_BAD_EXTENSION);
		if (rc == SW_TLS_OK)
			rc = take_str(c, left, h->alpn_last, SW_TLS_ALPN_MAX,
				      nlen, &end, SW_TLS_BAD_EXTENSION);
		if (rc != SW_TLS_OK)
			return rc;
		h->alpn_last_len = (uint8_t)nlen;
		if (h->alpn_count == 0) {
			memcpy(h->alpn_first, h->alpn_last, SW_TLS_ALPN_MAX);
			h->alpn_first_len = (uint8_t)nlen;
			h->alpn_first_end = end;
		}
		if (h->alpn_count < UINT16_MAX)
			h->alpn_count++;
	}
	return SW_TLS_OK;
}

static int parse_point_formats(struct tls_cur *c, uint32_t *left,
			       struct sw_tls_hello *h)
{
	uint32_t n, v;
	int rc;

	rc = take8(c, left, &n, SW_TLS_BAD_EXTENSION);
	if (rc != SW_TLS_OK)
		return rc;
	if (n != *left)
		return SW_TLS_BAD_EXTENSION;
	while (*left) {
		rc = take8(c, left, &v, SW_TLS_BAD_EXTENSION);
		if (rc != SW_TLS_OK)
			return rc;
		if (h->n_point_formats < SW_TLS_POINT_FORMATS_MAX)
			h->point_formats[h->n_point_formats++] = (uint8_t)v;
		else if (h->point_formats_over < UINT8_MAX)
			h->point_formats_over++;
	}
	return SW_TLS_OK;
}

enum ext_seen_bit {
	SEEN_SNI = 1 << 0,
	SEEN_ALPN = 1 << 1,
	SEEN_VERSIONS = 1 << 2,
	SEEN_SIGALGS = 1 << 3,
	SEEN_GROUPS = 1 << 4,
	SEEN_POINT_FORMATS = 1 << 5,
};

static int parse_extension(struct tls_cur *c, uint32_t type, uint32_t *left,
			   struct sw_tls_hello *h, unsigned int *seen)
{
	unsigned int bit;
	int rc;

	switch (type) {
	case SW_TLS_EXT_SERVER_NAME:
		bit = SEEN_SNI;
		break;
	case SW_TLS_EXT_ALPN:
		bit = SEEN_ALPN;
		break;
	case SW_TLS_EXT_SUPPORTED_VERSIONS:
		bit = SEEN_VERSIONS;
		break;
	case SW_TLS_EXT_SIGNATURE_ALGORITHMS:
		bit = SEEN_SIGALGS;
		break;
	case SW_TLS_EXT_SUPPORTED_GROUPS:
		bit = SEEN_GROUPS;
		break;
	case SW_TLS_EXT_EC_POINT_FORMATS:
		bit = SEEN_POINT_FORMATS;
		break;
	default:
		bit = 0;
		break;
	}
	/* Duplicates are illegal (RFC 8446 4.2); only the first counts. */
	if (!bit || (*seen & bit))
		return take(c, left, NULL, *left, SW_TLS_BAD_EXTENSION);
	*seen |= bit;

	switch (type) {
	case SW_TLS_EXT_SERVER_NAME:
		rc = parse_sni(c, left, h);
		break;
	case SW_TLS_EXT_ALPN:
		rc = parse_alpn(c, left, h);
		break;
	case SW_TLS_EXT_SUPPORTED_VERSIONS:
		h->has_supported_versions = 1;
		rc = take_u16_list(c, left, 1, h->versions, SW_TLS_VERSIONS_MAX,
				   &h->n_versions, &h->versions_over);
		break;
	case SW_TLS_EXT_SIGNATURE_ALGORITHMS:
		rc = take_u16_list(c, left, 2, h->sigalgs, SW_TLS_SIGALGS_MAX,
				   &h->n_sigalgs, &h->sigalgs_over);
		break;
	case SW_TLS_EXT_SUPPORTED_GROUPS:
		rc = take_u16_list(c, left, 2, h->groups, SW_TLS_GROUPS_MAX,
				   &h->n_groups, &h->groups_over);
		break;
	default:
		rc = parse_point_formats(c, left, h);
		break;
	}
	return rc;
}

static int parse_extensions(struct tls_cur *c, uint32_t *left,
			    struct sw_tls_hello *h)
{
	unsigned int seen = 0;
	uint32_t ext_len, type, elen;
	int rc;

	rc = take16(c, left, &ext_len, SW_TLS_BAD_HANDSHAKE);
	if (rc != SW_TLS_OK)
		return rc;
	/* The extensions block ends the message exactly. */
	if (ext_len != *left)
		return SW_TLS_BAD_HANDSHAKE;
	while (*left) {
		rc = take16(c, left, &type, SW_TLS_BAD_EXTENSION);
		if (rc == SW_TLS_OK)
			rc = take16(c, left, &elen, SW_TLS_BAD_EXTENSION);
		if (rc != SW_TLS_OK)
			return rc;
		if (elen > *left)
			return SW_TLS_BAD_EXTENSION;
		*left -= elen;
		if (h->n_exts < SW_TLS_EXTS_MAX)
			h->exts[h->n_exts++] = (uint16_t)type;
		else if (h->exts_over < UINT16_MAX)
			h->exts_over++;
		rc = parse_extension(c, type, &elen, h, &seen);
		if (rc != SW_TLS_OK)
			return rc;
		if (elen) /* an inner parser left bytes over */
			return SW_TLS_BAD_EXTENSION;
	}
	return SW_TLS_OK;
}

static int parse_client_hello(struct tls_cur *c, struct sw_tls_hello *h)
{
	uint32_t whole = 4, left, v, n;
	uint8_t hdr[3];
	int rc;

	memset(h, 0, sizeof(*h));
	rc = take8(c, &whole, &v, SW_TLS_BAD_HANDSHAKE);
	if (rc != SW_TLS_OK)
		return rc;
	if (v != TLS_HS_CLIENT_HELLO)
		return SW_TLS_NOT_CLIENT_HELLO;
	rc = take(c, &whole, hdr, 3, SW_TLS_BAD_HANDSHAKE);
	if (rc != SW_TLS_OK)
		return rc;
	left = ((uint32_t)hdr[0] << 16) | ((uint32_t)hdr[1] << 8) | hdr[2];
	if (left > SW_TLS_HELLO_MAX_LEN)
		return SW_TLS_TOO_LONG;
	h->hello_len = left;

	rc = take16(c, &left, &v, SW_TLS_BAD_HANDSHAKE);
	if (rc != SW_TLS_OK)
		return rc;
	h->legacy_version = (uint16_t)v;
	rc = take(c, &left, NULL, TLS_RANDOM_LEN, SW_TLS_BAD_HANDSHAKE);
	if (rc == SW_TLS_OK)
		rc = take8(c, &left, &n, SW_TLS_BAD_HANDSHAKE);
	if (rc != SW_TLS_OK)
		return rc;
	if (n > TLS_SESSION_ID_MAX)
		return SW_TLS_BAD_HANDSHAKE;
	rc = take(c, &left, NULL, n, SW_TLS_BAD_HANDSHAKE);
	if (rc == SW_TLS_OK)
		rc = take16(c, &left, &n, SW_TLS_BAD_HANDSHAKE);
	if (rc != SW_TLS_OK)
		return rc;
	if (n % 2 || n > left)
		return SW_TLS_BAD_HANDSHAKE;
	for (; n; n -= 2) {
		rc = take16(c, &left, &v, SW_TLS_BAD_HANDSHAKE);
		if (rc != SW_TLS_OK)
			return rc;
		if (h->n_ciphers < SW_TLS_CIPHERS_MAX)
			h->ciphers[h->n_ciphers++] = (uint16_t)v;
		else
			h->ciphers_over++;
	}
	/* At least the null compression method (RFC 5246 7.4.1.2). */
	rc = take8(c, &left, &n, SW_TLS_BAD_HANDSHAKE);
	if (rc != SW_TLS_OK)
		return rc;
	if (n == 0 || n > left)
		return SW_TLS_BAD_HANDSHAKE;
	rc = take(c, &left, NULL, n, SW_TLS_BAD_HANDSHAKE);
	if (rc != SW_TLS_OK)
		return rc;
	/* A ClientHello without extensions ends here (pre-TLS 1.2 clients). */
	if (left)
		rc = parse_extensions(c, &left, h);
	h->truncated = h->truncated || h->ciphers_over || h->exts_over ||
		       h->versions_over || h->sigalgs_over || h->groups_over ||
		       h->point_formats_over;
	return rc;
}

int sw_tls_parse_records(const uint8_t *p, uint32_t len, struct sw_tls_hello *h)
{
	struct tls_cur c = { .p = p, .len = len, .records = 1 };
	int rc = parse_client_hello(&c, h);

	h->record_version = c.record_version;
	return rc;
}

int sw_tls_parse_handshake(const uint8_t *p, uint32_t len,
			   struct sw_tls_hello *h)
{
	struct tls_cur c = { .p = p, .len = len, .frag_left = UINT32_MAX };

	return parse_client_hello(&c, h);
}

static const char *const reason_names[SW_TLS_REASON_MAX] = {
	[SW_TLS_OK] = "ok",
	[SW_TLS_MORE] = "more",
	[SW_TLS_NOT_TLS] = "not_tls",
	[SW_TLS_BAD_RECORD] = "bad_record",
	[SW_TLS_BAD_HANDSHAKE] = "bad_handshake",
	[SW_TLS_NOT_CLIENT_HELLO] = "not_client_hello",
	[SW_TLS_BAD_EXTENSION] = "bad_extension",
	[SW_TLS_TOO_LONG] = "too_long",
	[SW_TLS_SSLV2] = "sslv2",
};

const char *sw_tls_reason_name(int reason)
{
	if (reason < 0 || reason >= SW_TLS_REASON_MAX || !reason_names[reason])
		return "unknown";
	return reason_names[reason];
}

/* A bounded string builder: output past cap is dropped, never written. */
struct sbuf {
	char *s;
	size_t cap;
	size_t len;
};

static const char hex_digits[] = "0123456789abcdef";

/* Appenders for the fingerprint strings: snprintf per value cost more
 * than all the rest of JA3 and JA4 together. Output is cut at cap - 1. */
static void sb_char(struct sbuf *b, char c)
{
	if (b->len + 1 >= b->cap)
		return;
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

static void sb_dec(struct sbuf *b, unsigned int v)
{
	char t[10];
	int n = 0;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		sb_char(b, t[--n]);
}

static void sb_hex4(struct sbuf *b, unsigned int v)
{
	int i;

	for (i = 3; i >= 0; i--)
		sb_char(b, hex_digits[(v >> (4 * i)) & 0xf]);
}

/* Append the values of list, GREASE left out, in decimal or as 4 hex
 * digits, separated by sep. */
static void sb_list(struct sbuf *b, const uint16_t *v, unsigned int n, int hex,
		    char sep)
{
	unsigned int i, out = 0;

	for (i = 0; i < n; i++) {
		if (sw_tls_is_grease(v[i]))
			continue;
		if (out++)
			sb_char(b, sep);
		if (hex)
			sb_hex4(b, v[i]);
		else
			sb_dec(b, v[i]);
	}
}

static void copy_out(char *dst, size_t dst_len, const char *src)
{
	size_t n;

	if (!dst || !dst_len)
		return;
	n = strlen(src);
	if (n >= dst_len)
		n = dst_len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void sw_tls_ja3(const struct sw_tls_hello *h, char *str, size_t str_len,
		char md5_hex[33])
{
	char buf[SW_TLS_JA3_STR_MAX];
	struct sbuf b = { .s = buf, .cap = sizeof(buf) };
	unsigned int i;

	buf[0] = '\0';
	sb_dec(&b, h->legacy_version);
	sb_char(&b, ',');
	sb_list(&b, h->ciphers, h->n_ciphers, 0, '-');
	sb_char(&b, ',');
	sb_list(&b, h->exts, h->n_exts, 0, '-');
	sb_char(&b, ',');
	sb_list(&b, h->groups, h->n_groups, 0, '-');
	sb_char(&b, ',');
	for (i = 0; i < h->n_point_formats; i++) {
		if (i)
			sb_char(&b, '-');
		sb_dec(&b, h->point_formats[i]);
	}
	copy_out(str, str_len, buf);
	sw_crypto_digest_hex(sw_crypto_md5(), buf, b.len, md5_hex, 32);
}

uint16_t sw_tls_hello_version(const struct sw_tls_hello *h)
{
	unsigned int i;
	uint16_t v = 0;

	/* The highest non-GREASE supported_versions entry wins. */
	for (i = 0; i < h->n_versions; i++)
		if (!sw_tls_is_grease(h->versions[i]) && h->versions[i] > v)
			v = h->versions[i];
	return v ? v : h->legacy_version;
}

static const char *ja4_version(const struct sw_tls_hello *h)
{
	switch (sw_tls_hello_version(h)) {
	case 0x0304:
		return "13";
	case 0x0303:
		return "12";
	case 0x0302:
		return "11";
	case 0x0301:
		return "10";
	case 0x0300:
		return "s3";
	case 0x0002:
		return "s2";
	case 0xfeff:
		return "d1";
	case 0xfefd:
		return "d2";
	case 0xfefc:
		return "d3";
	default:
		return "00";
	}
}

static int is_alnum(uint8_t ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= 'a' && ch <= 'z');
}

/*
 * First and last character of the first ALPN name; when either byte is not
 * alphanumeric, the first and last hex digit of the name instead.
 */
static void ja4_alpn(const struct sw_tls_hello *h, char out[2])
{
	uint8_t first = h->alpn_first[0], last = h->alpn_first_end;

	if (!h->alpn_count || !h->alpn_first_len) {
		out[0] = out[1] = '0';
	} else if (is_alnum(first) && is_alnum(last)) {
		out[0] = (char)first;
		out[1] = (char)last;
	} else {
		out[0] = hex_digits[first >> 4];
		out[1] = hex_digits[last & 0xf];
	}
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* Non-GREASE values of v, less SNI and ALPN if no_sni_alpn, sorted. */
static unsigned int sorted_copy(uint16_t *dst, const uint16_t *v,
				unsigned int n, int no_sni_alpn)
{
	unsigned int i, out = 0;

	for (i = 0; i < n; i++) {
		if (sw_tls_is_grease(v[i]))
			continue;
		if (no_sni_alpn &&
		    (v[i] == SW_TLS_EXT_SERVER_NAME || v[i] == SW_TLS_EXT_ALPN))
			continue;
		dst[out++] = v[i];
	}
	qsort(dst, out, sizeof(*dst), cmp_u16);
	return out;
}

static unsigned int count_non_grease(const uint16_t *v, unsigned int n,
				     unsigned int over)
{
	unsigned int i, c = over;

	for (i = 0; i < n; i++)
		c += !sw_tls_is_grease(v[i]);
	return c > 99 ? 99 : c;
}

void sw_tls_ja4(const struct sw_tls_hello *h, char transport,
		char ja4[SW_TLS_JA4_LEN], char *ja4_r, size_t ja4_r_len)
{
	uint16_t ciphers[SW_TLS_CIPHERS_MAX], exts[SW_TLS_EXTS_MAX];
	unsigned int n_ciphers, n_exts, sigalgs_out;
	char a[11], alpn[2], cipher_hash[13], ext_hash[13];
	char cbuf[SW_TLS_CIPHERS_MAX * 5 + 1];
	char ebuf[(SW_TLS_EXTS_MAX + SW_TLS_SIGALGS_MAX) * 5 + 2];
	char rbuf[SW_TLS_JA4_R_MAX];
	struct sbuf cb = { .s = cbuf, .cap = sizeof(cbuf) };
	struct sbuf eb = { .s = ebuf, .cap = sizeof(ebuf) };
	size_t ext_only_len;

	cbuf[0] = ebuf[0] = '\0';
	ja4_alpn(h, alpn);
	snprintf(a, sizeof(a), "%c%s%c%02u%02u%c%c", transport, ja4_version(h),
		 h->has_sni ? 'd' : 'i',
		 count_non_grease(h->ciphers, h->n_ciphers, h->ciphers_over),
		 count_non_grease(h->exts, h->n_exts, h->exts_over), alpn[0],
		 alpn[1]);

	n_ciphers = sorted_copy(ciphers, h->ciphers, h->n_ciphers, 0);
	sb_list(&cb, ciphers, n_ciphers, 1, ',');
	n_exts = sorted_copy(exts, h->exts, h->n_exts, 1);
	sb_list(&eb, exts, n_exts, 1, ',');
	ext_only_len = eb.len;
	/* The signature algorithms follow in wire order, if there are any. */
	sigalgs_out = count_non_grease(h->sigalgs, h->n_sigalgs, 0);
	if (sigalgs_out) {
		sb_char(&eb, '_');
		sb_list(&eb, h->sigalgs, h->n_sigalgs, 1, ',');
	}

	/* Empty lists hash to twelve zeros, not to SHA-256 of nothing. */
	if (n_ciphers)
		sw_crypto_digest_hex(sw_crypto_sha256(), cbuf, cb.len,
				     cipher_hash, 12);
	else
		strcpy(cipher_hash, "000000000000");
	if (ext_only_len)
		sw_crypto_digest_hex(sw_crypto_sha256(), ebuf, eb.len, ext_hash,
				     12);
	else
		strcpy(ext_hash, "000000000000");
	snprintf(ja4, SW_TLS_JA4_LEN, "%s_%s_%s", a, cipher_hash, ext_hash);

	if (ja4_r) {
		snprintf(rbuf, sizeof(rbuf), "%s_%s_%s", a, cbuf, ebuf);
		copy_out(ja4_r, ja4_r_len, rbuf);
	}
}
