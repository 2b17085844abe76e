/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HTTP/1.x request-head parsing for the cleartext fingerprint: method, path,
 * Host, User-Agent, a hash of the header-name order, and a guess at what
 * kind of resource was asked for. Input is untrusted wire bytes: the parser
 * is pure and bounded, copies strings raw into capped buffers (never
 * NUL-terminated, the JSON layer escapes them), and names every way a head
 * can be malformed in enum sw_http_reason.
 */
#ifndef SW_HTTP_H
#define SW_HTTP_H

#include <stdint.h>

#define SW_HTTP_HEAD_MAX 16384 /* bytes, request line to blank line */
#define SW_HTTP_METHOD_MAX 16 /* longer tokens are not HTTP */
#define SW_HTTP_PATH_MAX 256
#define SW_HTTP_HOST_MAX 255
#define SW_HTTP_UA_MAX 512
#define SW_HTTP_ACCEPT_LANGUAGE_MAX 64
#define SW_HTTP_ACCEPT_MAX 128
#define SW_HTTP_HDR_HASH_LEN 12 /* hex chars of SHA-256 kept */

/*
 * Parse verdicts. The numbers are stable: they are counted and reported,
 * so a retired reason keeps its number and new ones go at the end.
 */
enum sw_http_reason {
	SW_HTTP_OK = 0,
	SW_HTTP_MORE = 1, /* a plausible head, not finished yet */
	SW_HTTP_NOT_HTTP = 2, /* no method token: some other protocol */
	SW_HTTP_BAD_REQUEST_LINE = 3,
	SW_HTTP_BAD_VERSION = 4, /* HTTP/x.y other than 1.0 and 1.1 */
	SW_HTTP_BAD_HEADER = 5, /* incl. obs-fold (RFC 9112 5.2) */
	SW_HTTP_NUL_BYTE = 6,
	SW_HTTP_TOO_LONG = 7, /* no end of head in SW_HTTP_HEAD_MAX */
	SW_HTTP_BAD_CONTENT_LENGTH = 8,
	SW_HTTP_BAD_TRANSFER_ENCODING = 9, /* final coding not chunked */
	SW_HTTP_H2_PREFACE = 10, /* HTTP/2 with prior knowledge */
	SW_HTTP_REASON_MAX
};

enum sw_http_method {
	SW_HTTP_METHOD_OTHER = 0, /* see method_raw */
	SW_HTTP_METHOD_GET,
	SW_HTTP_METHOD_HEAD,
	SW_HTTP_METHOD_POST,
	SW_HTTP_METHOD_PUT,
	SW_HTTP_METHOD_DELETE,
	SW_HTTP_METHOD_CONNECT,
	SW_HTTP_METHOD_OPTIONS,
	SW_HTTP_METHOD_TRACE,
	SW_HTTP_METHOD_PATCH,
};

/* What the request asked for, for the document : asset share. */
enum sw_http_kind {
	SW_HTTP_UNKNOWN = 0,
	SW_HTTP_DOCUMENT,
	SW_HTTP_ASSET,
	SW_HTTP_API,
};

/* Bits of sw_http_req.present. */
enum sw_http_present {
	SW_HTTP_HAS_HOST = 1 << 0,
	SW_HTTP_HAS_UA = 1 << 1,
	SW_HTTP_HAS_ACCEPT_LANGUAGE = 1 << 2,
	SW_HTTP_HAS_ACCEPT = 1 << 3,
};

/* Bits of sw_http_req.flags: legal but telling. */
enum sw_http_flag {
	SW_HTTP_F_LF_ONLY = 1 << 0, /* some line ended in a bare LF */
	SW_HTTP_F_LEADING_CRLF = 1 << 1, /* empty lines before the request */
	SW_HTTP_F_ABSOLUTE_FORM = 1 << 2, /* target is scheme://authority... */
	SW_HTTP_F_DUP_HOST = 1 << 3, /* the first Host is kept */
	SW_HTTP_F_CL_AND_TE = 1 << 4, /* Content-Length ignored (9112 6.3) */
};

/*
 * One request head. String fields hold the raw bytes from the wire, cut at
 * their cap; *_len counts the bytes held, *_truncated says some were cut.
 * When a header repeats, the first one is kept.
 */
struct sw_http_req {
	uint8_t method; /* enum sw_http_method */
	uint8_t method_len;
	uint8_t version; /* 10 or 11 */
	uint8_t kind; /* enum sw_http_kind */
	uint8_t present; /* enum sw_http_present */
	uint8_t flags; /* enum sw_http_flag */
	uint8_t chunked; /* final transfer coding is chunked */
	uint8_t path_truncated;
	uint8_t host_truncated;
	uint8_t ua_truncated;
	uint8_t accept_language_truncated;
	uint8_t accept_truncated;
	uint16_t header_count; /* field lines, repeats included */
	uint16_t path_len;
	uint32_t path_full_len; /* bytes of the request-target on the wire */
	uint16_t host_len;
	uint16_t ua_len;
	uint16_t accept_language_len;
	uint16_t accept_len;
	int64_t content_length; /* -1 if absent or if chunked */
	char method_raw[SW_HTTP_METHOD_MAX];
	char path[SW_HTTP_PATH_MAX]; /* request-target, query included */
	char host[SW_HTTP_HOST_MAX];
	char ua[SW_HTTP_UA_MAX];
	char accept_language[SW_HTTP_ACCEPT_LANGUAGE_MAX];
	char accept[SW_HTTP_ACCEPT_MAX];
	/* First hex chars of SHA-256 over the lowercased field names joined
	 * with ',' in wire order; NUL-terminated, empty if libcrypto failed. */
	char hdr_order_hash[SW_HTTP_HDR_HASH_LEN + 1];
};

/*
 * Parse the request head at the start of p. On SW_HTTP_OK, *head_len is the
 * bytes of the head including the blank line: a body, if any, follows
 * (content_length or chunked), then the next pipelined request. On
 * SW_HTTP_MORE, try again with more bytes. Any other value names why p is
 * not, or is a malformed, HTTP/1.x request; r is then partly filled.
 */
int sw_http_parse_request(const uint8_t *p, uint32_t len, struct sw_http_req *r,
			  uint32_t *head_len);

/*
 * Cheap first look at a client stream: 1 if p starts, or could start, with
 * a method token and a space; 0 if it cannot be an HTTP/1.x request (or is
 * empty). Where this says 0, sw_http_parse_request says SW_HTTP_NOT_HTTP.
 */
int sw_http_looks_like_request(const uint8_t *p, uint32_t len);

/* Stable short names, e.g. "bad_header", "document". */
const char *sw_http_reason_name(int reason);
const char *sw_http_kind_name(int kind);

#endif /* SW_HTTP_H */
