// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests for the HTTP/1.x request-head parser (src/decode/decode-http.c).
 *
 * The real heads below were captured on loopback: python3 -m http.server
 * 18431 --bind 127.0.0.1 as the server, tcpdump -i lo -w cap.pcap 'tcp port
 * 18431' while running curl 7.88.1 (GET, GET with Accept: application/json,
 * POST -d), wget 1.21.3 and python requests 2.34.2 (get, post json=); the
 * bytes are tshark -e tcp.payload of each request. tshark -Y http.request
 * -T fields -e http.request.method -e http.request.uri -e http.host
 * -e http.user_agent gave the method, URI, Host and User-Agent that each
 * test checks. The expected header-order hashes are from
 * printf 'host,user-agent,accept' | sha256sum | cut -c1-12.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "decode/http.h"

#define CURL_GET                      \
	"GET / HTTP/1.1\r\n"          \
	"Host: 127.0.0.1:18431\r\n"   \
	"User-Agent: curl/7.88.1\r\n" \
	"Accept: */*\r\n"             \
	"\r\n"

#define WGET_GET                           \
	"GET /index.html?x=1 HTTP/1.1\r\n" \
	"Host: 127.0.0.1:18431\r\n"        \
	"User-Agent: Wget/1.21.3\r\n"      \
	"Accept: */*\r\n"                  \
	"Accept-Encoding: identity\r\n"    \
	"Connection: Keep-Alive\r\n"       \
	"\r\n"

#define REQUESTS_GET                             \
	"GET /api/items?page=2 HTTP/1.1\r\n"     \
	"Host: 127.0.0.1:18431\r\n"              \
	"User-Agent: python-requests/2.34.2\r\n" \
	"Accept-Encoding: gzip, deflate\r\n"     \
	"Accept: */*\r\n"                        \
	"Connection: keep-alive\r\n"             \
	"\r\n"

#define CURL_GET_JSON                   \
	"GET /api/v1/data HTTP/1.1\r\n" \
	"Host: 127.0.0.1:18431\r\n"     \
	"User-Agent: curl/7.88.1\r\n"   \
	"Accept: application/json\r\n"  \
	"\r\n"

#define CURL_POST_HEAD                                        \
	"POST /search.php HTTP/1.1\r\n"                       \
	"Host: 127.0.0.1:18431\r\n"                           \
	"User-Agent: curl/7.88.1\r\n"                         \
	"Accept: */*\r\n"                                     \
	"Content-Length: 12\r\n"                              \
	"Content-Type: application/x-www-form-urlencoded\r\n" \
	"\r\n"
#define CURL_POST_BODY "q=scrape&n=1"

/* python requests sent the head and the body in separate segments. */
#define REQUESTS_POST_HEAD                       \
	"POST /api/v2/login HTTP/1.1\r\n"        \
	"Host: 127.0.0.1:18431\r\n"              \
	"User-Agent: python-requests/2.34.2\r\n" \
	"Accept-Encoding: gzip, deflate\r\n"     \
	"Accept: */*\r\n"                        \
	"Connection: keep-alive\r\n"             \
	"Content-Length: 10\r\n"                 \
	"Content-Type: application/json\r\n"     \
	"\r\n"
#define REQUESTS_POST_BODY "{\"u\": \"a\"}"

#define HASH_CURL "042112399351" /* host,user-agent,accept */
#define HASH_WGET "cac2c496544b" /* ...,accept-encoding,connection */
#define HASH_REQUESTS "2d30dc89d981" /* h,ua,accept-encoding,accept,conn */
#define HASH_CURL_POST "9a13ab48ac23" /* h,ua,accept,c-length,c-type */
#define HASH_REQUESTS_POST "7a7c5172e3ad"
#define HASH_EMPTY "e3b0c44298fc" /* no fields at all */

static const uint8_t *u8(const char *s)
{
	return (const uint8_t *)s;
}

static int parse_str(const char *s, struct sw_http_req *r, uint32_t *head_len)
{
	return sw_http_parse_request(u8(s), (uint32_t)strlen(s), r, head_len);
}

/* Raw capped fields are not NUL-terminated: compare length, then bytes. */
static void assert_raw(const char *field, const char *got, uint32_t got_len,
		       const char *want)
{
	if (got_len != strlen(want) || memcmp(got, want, got_len)) {
		print_error("%s: got \"%.*s\" (%u bytes), want \"%s\"\n", field,
			    (int)got_len, got, got_len, want);
		fail();
	}
}

static void assert_reason(int got, int want)
{
	if (got != want) {
		print_error("reason: got %s (%d), want %s (%d)\n",
			    sw_http_reason_name(got), got,
			    sw_http_reason_name(want), want);
		fail();
	}
}

struct want {
	const char *head;
	uint8_t method;
	const char *method_raw;
	const char *path;
	const char *host;
	const char *ua;
	const char *accept;
	uint16_t header_count;
	int64_t content_length;
	uint8_t kind;
	const char *hash;
};

static void check_head(const struct want *w)
{
	struct sw_http_req r;
	uint32_t head_len = 0;

	assert_reason(parse_str(w->head, &r, &head_len), SW_HTTP_OK);
	assert_int_equal(head_len, strlen(w->head));
	assert_int_equal(r.method, w->method);
	assert_raw("method", r.method_raw, r.method_len, w->method_raw);
	assert_raw("path", r.path, r.path_len, w->path);
	assert_int_equal(r.path_full_len, strlen(w->path));
	assert_int_equal(r.path_truncated, 0);
	assert_int_equal(r.version, 11);
	assert_raw("host", r.host, r.host_len, w->host);
	assert_raw("ua", r.ua, r.ua_len, w->ua);
	assert_raw("accept", r.accept, r.accept_len, w->accept);
	assert_int_equal(r.present & SW_HTTP_HAS_ACCEPT_LANGUAGE, 0);
	assert_int_equal(r.header_count, w->header_count);
	assert_int_equal(r.content_length, w->content_length);
	assert_int_equal(r.chunked, 0);
	assert_string_equal(sw_http_kind_name(r.kind),
			    sw_http_kind_name(w->kind));
	assert_string_equal(r.hdr_order_hash, w->hash);
	assert_int_equal(r.flags, 0);
}

static const struct want captured[] = {
	{ CURL_GET, SW_HTTP_METHOD_GET, "GET", "/", "127.0.0.1:18431",
	  "curl/7.88.1", "*/*", 3, -1, SW_HTTP_DOCUMENT, HASH_CURL },
	{ WGET_GET, SW_HTTP_METHOD_GET, "GET", "/index.html?x=1",
	  "127.0.0.1:18431", "Wget/1.21.3", "*/*", 5, -1, SW_HTTP_DOCUMENT,
	  HASH_WGET },
	{ REQUESTS_GET, SW_HTTP_METHOD_GET, "GET", "/api/items?page=2",
	  "127.0.0.1:18431", "python-requests/2.34.2", "*/*", 5, -1,
	  SW_HTTP_API, HASH_REQUESTS },
	{ CURL_GET_JSON, SW_HTTP_METHOD_GET, "GET", "/api/v1/data",
	  "127.0.0.1:18431", "curl/7.88.1", "application/json", 3, -1,
	  SW_HTTP_API, HASH_CURL },
	{ CURL_POST_HEAD, SW_HTTP_METHOD_POST, "POST", "/search.php",
	  "127.0.0.1:18431", "curl/7.88.1", "*/*", 5, 12, SW_HTTP_DOCUMENT,
	  HASH_CURL_POST },
	{ REQUESTS_POST_HEAD, SW_HTTP_METHOD_POST, "POST", "/api/v2/login",
	  "127.0.0.1:18431", "python-requests/2.34.2", "*/*", 7, 10,
	  SW_HTTP_API, HASH_REQUESTS_POST },
};

#define N_CAPTURED (sizeof(captured) / sizeof(captured[0]))

static void test_captured_heads(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N_CAPTURED; i++)
		check_head(&captured[i]);
}

/* A body after the head is not part of it. */
static void test_head_then_body(void **state)
{
	const char *s = CURL_POST_HEAD CURL_POST_BODY;
	struct sw_http_req r;
	uint32_t head_len;

	(void)state;
	assert_reason(parse_str(s, &r, &head_len), SW_HTTP_OK);
	assert_int_equal(head_len, strlen(CURL_POST_HEAD));
	assert_int_equal(r.content_length, strlen(CURL_POST_BODY));
}

/* Walk a pipelined stream as the caller would: head, body, next head. */
static void test_pipelined(void **state)
{
	static const char stream[] =
		CURL_GET WGET_GET CURL_POST_HEAD CURL_POST_BODY
			REQUESTS_POST_HEAD REQUESTS_POST_BODY REQUESTS_GET;
	static const char *const paths[] = { "/", "/index.html?x=1",
					     "/search.php", "/api/v2/login",
					     "/api/items?page=2" };
	uint32_t off = 0, len = sizeof(stream) - 1, n = 0;

	(void)state;
	while (off < len) {
		struct sw_http_req r;
		uint32_t head_len;

		assert_true(n < 5);
		assert_reason(sw_http_parse_request(u8(stream) + off, len - off,
						    &r, &head_len),
			      SW_HTTP_OK);
		assert_raw("path", r.path, r.path_len, paths[n]);
		off += head_len;
		if (r.content_length > 0)
			off += (uint32_t)r.content_length;
		n++;
	}
	assert_int_equal(off, len);
	assert_int_equal(n, 5);
}

/* Every proper prefix says MORE; the whole says the same as in one piece. */
static void check_split(const char *head)
{
	uint32_t len = (uint32_t)strlen(head), k, head_len;
	struct sw_http_req whole, part;
	int rc;

	assert_reason(parse_str(head, &whole, &head_len), SW_HTTP_OK);
	for (k = 0; k < len; k++) {
		/* a copy of exactly k bytes, so ASan sees any over-read */
		uint8_t *buf = malloc(k ? k : 1);

		assert_non_null(buf);
		memcpy(buf, head, k);
		rc = sw_http_parse_request(buf, k, &part, &head_len);
		free(buf);
		if (rc != SW_HTTP_MORE) {
			print_error("prefix of %u/%u bytes\n", k, len);
			assert_reason(rc, SW_HTTP_MORE);
		}
	}
	assert_reason(sw_http_parse_request(u8(head), len, &part, &head_len),
		      SW_HTTP_OK);
	assert_int_equal(head_len, len);
	assert_memory_equal(&part, &whole, sizeof(whole));
}

static void test_split_every_offset(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N_CAPTURED; i++)
		check_split(captured[i].head);
	check_split("\r\nGET /x HTTP/1.0\nHost: a\n\n");
}

/* Replace each CRLF by LF. */
static char *lf_only(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	assert_non_null(out);
	for (; *s; s++)
		if (!(s[0] == '\r' && s[1] == '\n'))
			*o++ = *s;
	*o = '\0';
	return out;
}

static void test_lf_only(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N_CAPTURED; i++) {
		char *s = lf_only(captured[i].head);
		struct sw_http_req crlf, lf;
		uint32_t crlf_len, lf_len;

		assert_reason(parse_str(captured[i].head, &crlf, &crlf_len),
			      SW_HTTP_OK);
		assert_reason(parse_str(s, &lf, &lf_len), SW_HTTP_OK);
		assert_int_equal(lf_len, strlen(s));
		assert_int_equal(lf.flags, SW_HTTP_F_LF_ONLY);
		lf.flags = 0;
		assert_memory_equal(&lf, &crlf, sizeof(lf));
		check_split(s);
		free(s);
	}
}

/* A repeated character as a NUL-terminated string. */
static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_oversized_fields(void **state)
{
	char *seg = repeat('a', 300), *ua = repeat('U', 600);
	char *host = repeat('h', 300), *al = repeat('l', 70);
	char *acc = repeat('t', 130), head[2048];
	struct sw_http_req r;
	uint32_t head_len;

	(void)state;
	snprintf(head, sizeof(head),
		 "GET /%s.png HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n"
		 "Accept-Language: %s\r\nAccept: %s\r\n\r\n",
		 seg, host, ua, al, acc);
	assert_reason(parse_str(head, &r, &head_len), SW_HTTP_OK);
	assert_int_equal(r.path_full_len, 1 + 300 + 4);
	assert_int_equal(r.path_len, SW_HTTP_PATH_MAX);
	assert_int_equal(r.path_truncated, 1);
	assert_memory_equal(r.path, head + 4, SW_HTTP_PATH_MAX);
	assert_int_equal(r.ua_len, SW_HTTP_UA_MAX);
	assert_int_equal(r.ua_truncated, 1);
	assert_memory_equal(r.ua, ua, SW_HTTP_UA_MAX);
	assert_int_equal(r.host_len, SW_HTTP_HOST_MAX);
	assert_int_equal(r.host_truncated, 1);
	assert_int_equal(r.accept_language_len, SW_HTTP_ACCEPT_LANGUAGE_MAX);
	assert_int_equal(r.accept_language_truncated, 1);
	assert_int_equal(r.accept_len, SW_HTTP_ACCEPT_MAX);
	assert_int_equal(r.accept_truncated, 1);
	/* the extension is read from the wire, past the capped copy */
	assert_string_equal(sw_http_kind_name(r.kind), "asset");
	free(seg);
	free(ua);
	free(host);
	free(al);
	free(acc);
}

static void test_fields_at_cap_not_truncated(void **state)
{
	char *ua = repeat('U', SW_HTTP_UA_MAX), head[1024];
	struct sw_http_req r;
	uint32_t head_len;

	(void)state;
	snprintf(head, sizeof(head), "GET / HTTP/1.1\r\nUser-Agent: %s\r\n\r\n",
		 ua);
	assert_reason(parse_str(head, &r, &head_len), SW_HTTP_OK);
	assert_int_equal(r.ua_len, SW_HTTP_UA_MAX);
	assert_int_equal(r.ua_truncated, 0);
	free(ua);
}

static void test_hdr_order_hash(void **state)
{
	struct sw_http_req a, b;
	uint32_t n;

	(void)state;
	/* name case, values and whitespace do not matter, order does */
	assert_reason(parse_str("GET / HTTP/1.1\r\nHOST: x\r\nuser-AGENT: "
				"y\r\nAccept:z  \r\n\r\n",
				&a, &n),
		      SW_HTTP_OK);
	assert_string_equal(a.hdr_order_hash, HASH_CURL);
	assert_reason(parse_str("HEAD /q HTTP/1.0\nHost: other\nUser-Agent: "
				"w\nAccept: */*\n\n",
				&b, &n),
		      SW_HTTP_OK);
	assert_string_equal(b.hdr_order_hash, HASH_CURL);
	assert_reason(parse_str("GET / HTTP/1.1\r\nHost: x\r\nAccept: "
				"z\r\nUser-Agent: y\r\n\r\n",
				&b, &n),
		      SW_HTTP_OK);
	assert_string_equal(b.hdr_order_hash, "c0d7f5f1a627");
	assert_reason(parse_str("GET / HTTP/1.0\r\n\r\n", &b, &n), SW_HTTP_OK);
	assert_string_equal(b.hdr_order_hash, HASH_EMPTY);
	assert_int_equal(b.header_count, 0);
	assert_int_equal(b.version, 10);
}

/*
 * 100 long names, 2999 bytes of hash input: more than the parser's buffer.
 * Expected: the names, lowercased and joined with ',', through sha256sum.
 */
static void test_hdr_order_hash_long(void **state)
{
	char head[8192];
	struct sw_http_req r;
	uint32_t n;
	size_t h;
	int i;

	(void)state;
	h = (size_t)snprintf(head, sizeof(head), "GET / HTTP/1.1\r\n");
	for (i = 0; i < 100; i++)
		h += (size_t)snprintf(head + h, sizeof(head) - h,
				      "X-Long-Header-Name-Number-%03d: v\r\n",
				      i);
	snprintf(head + h, sizeof(head) - h, "\r\n");
	assert_reason(parse_str(head, &r, &n), SW_HTTP_OK);
	assert_int_equal(r.header_count, 100);
	assert_string_equal(r.hdr_order_hash, "3acf43171848");
}

struct bad_case {
	const char *what;
	const char *in;
	uint32_t len;
	int reason;
};

/* sizeof, not strlen: some cases hold a NUL. */
#define BAD(what, in, reason)                              \
	{                                                  \
		what, in, sizeof(in) - 1, SW_HTTP_##reason \
	}

static const struct bad_case bad_cases[] = {
	BAD("TLS ClientHello record",
	    "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03", NOT_HTTP),
	BAD("SSH banner", "SSH-2.0-OpenSSH_9.2p1\r\n", NOT_HTTP),
	BAD("lowercase method", "get / HTTP/1.1\r\n\r\n", NOT_HTTP),
	BAD("method too long", "ABCDEFGHIJKLMNOPQ / HTTP/1.1\r\n\r\n",
	    NOT_HTTP),
	BAD("leading space", " GET / HTTP/1.1\r\n\r\n", NOT_HTTP),
	BAD("three leading empty lines", "\r\n\n\r\nGET / HTTP/1.1\r\n\r\n",
	    NOT_HTTP),
	BAD("bare CR first", "\rGET / HTTP/1.1\r\n\r\n", NOT_HTTP),
	BAD("empty target", "GET  HTTP/1.1\r\n\r\n", BAD_REQUEST_LINE),
	BAD("HTTP/0.9", "GET /\r\n\r\n", BAD_REQUEST_LINE),
	BAD("tab in target", "GET /a\tb HTTP/1.1\r\n\r\n", BAD_REQUEST_LINE),
	BAD("space after version", "GET / HTTP/1.1 \r\n\r\n", BAD_REQUEST_LINE),
	BAD("lowercase version", "GET / http/1.1\r\n\r\n", BAD_REQUEST_LINE),
	BAD("two-digit minor", "GET / HTTP/1.10\r\n\r\n", BAD_REQUEST_LINE),
	BAD("bare CR after version", "GET / HTTP/1.1\rX\n\r\n",
	    BAD_REQUEST_LINE),
	BAD("HTTP/2.0 line", "GET / HTTP/2.0\r\n\r\n", BAD_VERSION),
	BAD("HTTP/1.2", "GET / HTTP/1.2\r\n\r\n", BAD_VERSION),
	BAD("h2c prior knowledge", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
	    H2_PREFACE),
	BAD("space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
	    BAD_HEADER),
	BAD("obs-fold", "GET / HTTP/1.1\r\nX-A: b\r\n folded\r\n\r\n",
	    BAD_HEADER),
	BAD("obs-fold tab first", "GET / HTTP/1.1\r\n\tx: y\r\n\r\n",
	    BAD_HEADER),
	BAD("no colon", "GET / HTTP/1.1\r\nNoColon\r\n\r\n", BAD_HEADER),
	BAD("empty name", "GET / HTTP/1.1\r\n: v\r\n\r\n", BAD_HEADER),
	BAD("bad name char", "GET / HTTP/1.1\r\nX(a): v\r\n\r\n", BAD_HEADER),
	BAD("bare CR in value", "GET / HTTP/1.1\r\nA: b\rc\r\n\r\n",
	    BAD_HEADER),
	BAD("control in value", "GET / HTTP/1.1\r\nA: b\x01\r\n\r\n",
	    BAD_HEADER),
	BAD("DEL in value", "GET / HTTP/1.1\r\nA: b\x7f\r\n\r\n", BAD_HEADER),
	BAD("bare CR in blank line", "GET / HTTP/1.1\r\nA: b\r\n\rX",
	    BAD_HEADER),
	BAD("NUL in target", "GET /a\0b HTTP/1.1\r\n\r\n", NUL_BYTE),
	BAD("NUL in name", "GET / HTTP/1.1\r\nA\0: b\r\n\r\n", NUL_BYTE),
	BAD("NUL in value", "GET / HTTP/1.1\r\nA: b\0\r\n\r\n", NUL_BYTE),
	BAD("NUL after CR", "GET / HTTP/1.1\r\0\r\n\r\n", NUL_BYTE),
	BAD("Content-Length not digits",
	    "POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n",
	    BAD_CONTENT_LENGTH),
	BAD("Content-Length empty",
	    "POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", BAD_CONTENT_LENGTH),
	BAD("Content-Length negative",
	    "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
	    BAD_CONTENT_LENGTH),
	BAD("Content-Length overflow",
	    "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
	    BAD_CONTENT_LENGTH),
	BAD("Content-Length disagrees",
	    "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
	    BAD_CONTENT_LENGTH),
	BAD("Transfer-Encoding not chunked last",
	    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
	    BAD_TRANSFER_ENCODING),
};

#define N_BAD (sizeof(bad_cases) / sizeof(bad_cases[0]))

static void test_malformed_reasons(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N_BAD; i++) {
		const struct bad_case *c = &bad_cases[i];
		uint32_t len = c->len, k;
		struct sw_http_req r;
		uint32_t head_len = 99;
		int rc;

		rc = sw_http_parse_request(u8(c->in), len, &r, &head_len);
		if (rc != c->reason)
			print_error("case: %s\n", c->what);
		assert_reason(rc, c->reason);
		assert_int_equal(head_len, 0);
		/* a prefix never fails for another reason */
		for (k = 0; k < len; k++) {
			rc = sw_http_parse_request(u8(c->in), k, &r, &head_len);
			if (rc != SW_HTTP_MORE && rc != c->reason) {
				print_error("case: %s, prefix %u\n", c->what,
					    k);
				assert_reason(rc, c->reason);
			}
		}
	}
}

static void test_framing(void **state)
{
	struct sw_http_req r;
	uint32_t n;

	(void)state;
	assert_reason(parse_str("POST / HTTP/1.1\r\nContent-Length: 5\r\n"
				"Content-Length: 5\r\n\r\n",
				&r, &n),
		      SW_HTTP_OK);
	assert_int_equal(r.content_length, 5);
	assert_reason(parse_str("POST / HTTP/1.1\r\nContent-Length: 7\r\n"
				"Transfer-Encoding: gzip, CHUNKED \r\n\r\n",
				&r, &n),
		      SW_HTTP_OK);
	assert_int_equal(r.chunked, 1);
	assert_int_equal(r.content_length, -1);
	assert_int_equal(r.flags, SW_HTTP_F_CL_AND_TE);
	assert_reason(parse_str("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
				&r, &n),
		      SW_HTTP_OK);
	assert_int_equal(r.content_length, 0);
}

static void test_flags(void **state)
{
	struct sw_http_req r;
	uint32_t n;

	(void)state;
	assert_reason(parse_str("\r\nGET http://example.com/a.css HTTP/1.1\r\n"
				"Host: a\r\nHost: b\r\n\r\n",
				&r, &n),
		      SW_HTTP_OK);
	assert_int_equal(r.flags, SW_HTTP_F_LEADING_CRLF |
					  SW_HTTP_F_ABSOLUTE_FORM |
					  SW_HTTP_F_DUP_HOST);
	assert_raw("host", r.host, r.host_len, "a");
	assert_int_equal(r.header_count, 2);
	assert_string_equal(sw_http_kind_name(r.kind), "asset");
	assert_reason(parse_str("MKCOL /d/ HTTP/1.1\r\n\r\n", &r, &n),
		      SW_HTTP_OK);
	assert_int_equal(r.method, SW_HTTP_METHOD_OTHER);
	assert_raw("method", r.method_raw, r.method_len, "MKCOL");
	assert_reason(parse_str("BASELINE-CONTROL / HTTP/1.1\r\n\r\n", &r, &n),
		      SW_HTTP_OK);
	assert_int_equal(r.method_len, SW_HTTP_METHOD_MAX);
}

/* "GET / HTTP/1.1\r\nX: aaa...\r\n\r\n", total bytes long. */
static uint8_t *one_field_head(uint32_t total)
{
	static const char start[] = "GET / HTTP/1.1\r\nX: ";
	uint8_t *buf = malloc(total);

	assert_non_null(buf);
	memset(buf, 'a', total);
	memcpy(buf, start, sizeof(start) - 1);
	memcpy(buf + total - 4, "\r\n\r\n", 4);
	return buf;
}

static void test_too_long(void **state)
{
	uint8_t *max = one_field_head(SW_HTTP_HEAD_MAX);
	uint8_t *over = one_field_head(SW_HTTP_HEAD_MAX + 1);
	struct sw_http_req r;
	uint32_t n;

	(void)state;
	assert_reason(sw_http_parse_request(max, SW_HTTP_HEAD_MAX, &r, &n),
		      SW_HTTP_OK);
	assert_int_equal(n, SW_HTTP_HEAD_MAX);
	assert_reason(sw_http_parse_request(over, SW_HTTP_HEAD_MAX - 1, &r, &n),
		      SW_HTTP_MORE);
	assert_reason(sw_http_parse_request(over, SW_HTTP_HEAD_MAX, &r, &n),
		      SW_HTTP_TOO_LONG);
	assert_reason(sw_http_parse_request(over, SW_HTTP_HEAD_MAX + 1, &r, &n),
		      SW_HTTP_TOO_LONG);
	assert_int_equal(n, 0);
	free(max);
	free(over);
}

static void test_looks_like_request(void **state)
{
	(void)state;
	assert_int_equal(sw_http_looks_like_request(u8("GET / HTTP/1.1"), 14),
			 1);
	assert_int_equal(sw_http_looks_like_request(u8("GE"), 2), 1);
	assert_int_equal(sw_http_looks_like_request(u8("POST /x"), 7), 1);
	assert_int_equal(sw_http_looks_like_request(u8("\r\nGET "), 6), 1);
	assert_int_equal(sw_http_looks_like_request(u8(""), 0), 0);
	assert_int_equal(sw_http_looks_like_request(u8("\x16\x03\x01"), 3), 0);
	assert_int_equal(sw_http_looks_like_request(u8("SSH-2.0"), 7), 0);
	assert_int_equal(sw_http_looks_like_request(u8("G3T /"), 5), 0);
	assert_int_equal(sw_http_looks_like_request(u8(" GET"), 4), 0);
}

struct kind_case {
	const char *target;
	const char *accept; /* NULL: no Accept field */
	int kind;
};

static const struct kind_case kind_cases[] = {
	{ "/", NULL, SW_HTTP_DOCUMENT },
	{ "/blog/post-1", "*/*", SW_HTTP_DOCUMENT },
	{ "/a/b.HTML?x=1.css", NULL, SW_HTTP_DOCUMENT },
	{ "/index.aspx", NULL, SW_HTTP_DOCUMENT },
	{ "/static/app.css", "text/css,*/*;q=0.1", SW_HTTP_ASSET },
	{ "/static/app.js?v=3", "*/*", SW_HTTP_ASSET },
	{ "/img/a.webp", "text/html", SW_HTTP_ASSET },
	{ "/f/x.woff2", NULL, SW_HTTP_ASSET },
	{ "/v/seg-1.m4s", NULL, SW_HTTP_ASSET },
	{ "/v/seg-1.ts", NULL, SW_HTTP_ASSET },
	{ "/favicon.ico", NULL, SW_HTTP_ASSET },
	{ "/pixel.php", "image/avif,image/webp,*/*", SW_HTTP_ASSET },
	{ "/items", "application/json, text/plain, */*", SW_HTTP_API },
	{ "/items", "application/vnd.api+json", SW_HTTP_API },
	{ "/api/v1/x", NULL, SW_HTTP_API },
	{ "/data.json", NULL, SW_HTTP_API },
	{ "/api/v1/x",
	  "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
	  SW_HTTP_DOCUMENT },
	{ "/report.pdf", NULL, SW_HTTP_UNKNOWN },
	{ "/report.pdf", "text/html", SW_HTTP_DOCUMENT },
	{ "*", NULL, SW_HTTP_UNKNOWN },
	{ "example.com:443", NULL, SW_HTTP_UNKNOWN },
	{ "http://example.com", NULL, SW_HTTP_DOCUMENT },
	{ "https://example.com/x/y.png", NULL, SW_HTTP_ASSET },
};

static void test_kind(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(kind_cases) / sizeof(kind_cases[0]); i++) {
		const struct kind_case *c = &kind_cases[i];
		struct sw_http_req r;
		char head[512];
		uint32_t n;

		if (c->accept)
			snprintf(head, sizeof(head),
				 "GET %s HTTP/1.1\r\nAccept: %s\r\n\r\n",
				 c->target, c->accept);
		else
			snprintf(head, sizeof(head), "GET %s HTTP/1.1\r\n\r\n",
				 c->target);
		assert_reason(parse_str(head, &r, &n), SW_HTTP_OK);
		if (r.kind != c->kind) {
			print_error("%s with Accept %s: got %s, want %s\n",
				    c->target, c->accept ? c->accept : "-",
				    sw_http_kind_name(r.kind),
				    sw_http_kind_name(c->kind));
			fail();
		}
	}
}

/* The numbers are reported, so they must not move. */
static void test_reason_names(void **state)
{
	(void)state;
	assert_int_equal(SW_HTTP_NOT_HTTP, 2);
	assert_int_equal(SW_HTTP_BAD_HEADER, 5);
	assert_int_equal(SW_HTTP_TOO_LONG, 7);
	assert_int_equal(SW_HTTP_H2_PREFACE, 10);
	assert_string_equal(sw_http_reason_name(SW_HTTP_OK), "ok");
	assert_string_equal(sw_http_reason_name(SW_HTTP_BAD_REQUEST_LINE),
			    "bad_request_line");
	assert_string_equal(sw_http_reason_name(SW_HTTP_NUL_BYTE), "nul_byte");
	assert_string_equal(sw_http_reason_name(SW_HTTP_REASON_MAX), "unknown");
	assert_string_equal(sw_http_reason_name(-1), "unknown");
	for (int i = 0; i < SW_HTTP_REASON_MAX; i++)
		assert_string_not_equal(sw_http_reason_name(i), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captured_heads),
		cmocka_unit_test(test_head_then_body),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_split_every_offset),
		cmocka_unit_test(test_lf_only),
		cmocka_unit_test(test_oversized_fields),
		cmocka_unit_test(test_fields_at_cap_not_truncated),
		cmocka_unit_test(test_hdr_order_hash),
		cmocka_unit_test(test_hdr_order_hash_long),
		cmocka_unit_test(test_malformed_reasons),
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_looks_like_request),
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_reason_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
