// SPDX-License-Identifier: BSD-2-Clause
/*
 * HTTP/1.x request heads (RFC 9112 sections 2 to 6) from untrusted bytes.
 * The caller tries this on the first bytes of every cleartext TCP client
 * stream, so the method token is checked first and anything binary fails
 * within a few bytes. The head is then read line by line, left to right,
 * never past min(len, SW_HTTP_HEAD_MAX): every prefix of a valid head says
 * SW_HTTP_MORE, and every prefix of a malformed one says SW_HTTP_MORE or the
 * same reason as the whole. Bare LF line ends are accepted, as 9112 2.2
 * allows; obs-fold, bare CR and NUL are rejected.
 */
#include <string.h>

#include "http-int.h"

/* 9112 2.2 asks servers to skip at least one empty line before a request
 * (old clients sent CRLF after a POST body); more is not a client. */
#define HTTP_LEADING_EMPTY_MAX 2
/* Content-Length digits kept below INT64_MAX. */
#define HTTP_CONTENT_LENGTH_DIGITS_MAX 18

enum http_path_class {
	HTTP_PATH_NONE, /* asterisk- or authority-form */
	HTTP_PATH_OTHER, /* an extension we do not know */
	HTTP_PATH_DOCUMENT,
	HTTP_PATH_ASSET,
	HTTP_PATH_API,
};

/* Framing state while the field lines are read. */
struct http_framing {
	uint8_t cl_seen;
	uint8_t te_seen;
	uint8_t te_chunked; /* final coding of the last Transfer-Encoding */
};

static const struct {
	const char *name;
	uint8_t method;
} http_methods[] = {
	{ "GET", SW_HTTP_METHOD_GET },
	{ "HEAD", SW_HTTP_METHOD_HEAD },
	{ "POST", SW_HTTP_METHOD_POST },
	{ "PUT", SW_HTTP_METHOD_PUT },
	{ "DELETE", SW_HTTP_METHOD_DELETE },
	{ "CONNECT", SW_HTTP_METHOD_CONNECT },
	{ "OPTIONS", SW_HTTP_METHOD_OPTIONS },
	{ "TRACE", SW_HTTP_METHOD_TRACE },
	{ "PATCH", SW_HTTP_METHOD_PATCH },
};

static const char *const http_asset_ext[] = {
	"css",	"js",	"mjs", "map", "png",  "jpg",   "jpeg", "gif",  "svg",
	"webp", "avif", "bmp", "ico", "woff", "woff2", "ttf",  "otf",  "eot",
	"mp4",	"webm", "m4s", "m4a", "m4v",  "mp3",   "ts",   "m3u8", "mpd",
};

static const char *const http_document_ext[] = {
	"html", "htm", "xhtml", "shtml", "php", "asp", "aspx", "jsp", "cgi",
};

static const char *const http_api_ext[] = { "json" };

/* Case-insensitive compare of n bytes with a lowercase literal. */
static int http_ieq(const uint8_t *s, uint32_t n, const char *lit)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (!lit[i] || http_lower(s[i]) != (uint8_t)lit[i])
			return 0;
	return lit[n] == '\0';
}

static int http_iprefix(const uint8_t *s, uint32_t n, const char *lit)
{
	uint32_t i;

	for (i = 0; lit[i]; i++)
		if (i >= n || http_lower(s[i]) != (uint8_t)lit[i])
			return 0;
	return 1;
}

static int http_icontains(const uint8_t *s, uint32_t n, const char *lit)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (http_iprefix(s + i, n - i, lit))
			return 1;
	return 0;
}

/* tchar of RFC 9110 5.6.2. */
#define HTTP_TCHAR(c)                                                          \
	(((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') ||           \
	 ((c) >= '0' && (c) <= '9') || (c) == '!' || (c) == '#' ||             \
	 (c) == '$' || (c) == '%' || (c) == '&' || (c) == '\'' ||              \
	 (c) == '*' || (c) == '+' || (c) == '-' || (c) == '.' || (c) == '^' || \
	 (c) == '_' || (c) == '`' || (c) == '|' || (c) == '~')
/* A field-name byte lowercased, or 0 if it is not a tchar. */
#define HTTP_NAME_BYTE(c) \
	(HTTP_TCHAR(c) ? ((c) >= 'A' && (c) <= 'Z' ? (c) | 0x20 : (c)) : 0)
#define HTTP_NB4(c)                                                          \
	HTTP_NAME_BYTE(c), HTTP_NAME_BYTE((c) + 1), HTTP_NAME_BYTE((c) + 2), \
		HTTP_NAME_BYTE((c) + 3)
#define HTTP_NB16(c) \
	HTTP_NB4(c), HTTP_NB4((c) + 4), HTTP_NB4((c) + 8), HTTP_NB4((c) + 12)
#define HTTP_NB64(c)                                            \
	HTTP_NB16(c), HTTP_NB16((c) + 16), HTTP_NB16((c) + 32), \
		HTTP_NB16((c) + 48)

static const uint8_t http_name_byte[256] = {
	HTTP_NB64(0),
	HTTP_NB64(64),
	HTTP_NB64(128),
	HTTP_NB64(192),
};

/*
 * Index of the first byte at or after i that is a control character (CR,
 * LF, NUL and HTAB included) or DEL, else lim. Field values are long and
 * plain: eight bytes are checked at a time, and a word with any such byte
 * (the test is exact, "has a byte below 0x20 or equal to 0x7f") is then
 * walked byte by byte.
 */
static uint32_t http_plain_end(const uint8_t *p, uint32_t i, uint32_t lim)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;

	while (lim - i >= 8) {
		uint64_t w, del;

		memcpy(&w, p + i, sizeof(w));
		del = w ^ (0x7f * ones);
		if (((w - 0x20 * ones) & ~w & highs) ||
		    ((del - ones) & ~del & highs))
			break;
		i += 8;
	}
	while (i < lim && p[i] >= 0x20 && p[i] != 0x7f)
		i++;
	return i;
}

static int http_more(uint32_t len)
{
	return len >= SW_HTTP_HEAD_MAX ? SW_HTTP_TOO_LONG : SW_HTTP_MORE;
}

static uint16_t http_copy(char *dst, uint32_t cap, const uint8_t *src,
			  uint32_t n, uint8_t *truncated)
{
	if (n > cap) {
		n = cap;
		*truncated = 1;
	}
	memcpy(dst, src, n);
	return (uint16_t)n;
}

/*
 * Skip leading empty lines, then the method token and its space. Methods
 * are uppercase in practice (9110 9.1: they are case-sensitive), and the
 * narrow alphabet is what makes TLS, SSH and other binary fail fast.
 */
static int http_scan_method(const uint8_t *p, uint32_t lim, uint32_t *m_off,
			    uint32_t *m_end)
{
	uint32_t off = 0, empty = 0, i;

	for (;;) {
		if (off >= lim)
			return SW_HTTP_MORE;
		if (p[off] == '\n') {
			off++;
		} else if (p[off] == '\r') {
			if (off + 1 >= lim)
				return SW_HTTP_MORE;
			if (p[off + 1] != '\n')
				return SW_HTTP_NOT_HTTP;
			off += 2;
		} else {
			break;
		}
		if (++empty > HTTP_LEADING_EMPTY_MAX)
			return SW_HTTP_NOT_HTTP;
	}
	for (i = off; i < lim; i++) {
		uint8_t c = p[i];

		if (c == ' ' && i > off)
			break;
		if (i - off >= SW_HTTP_METHOD_MAX)
			return SW_HTTP_NOT_HTTP;
		if (!(c >= 'A' && c <= 'Z') &&
		    (i == off || (c != '-' && c != '_')))
			return SW_HTTP_NOT_HTTP;
	}
	if (i >= lim)
		return SW_HTTP_MORE;
	*m_off = off;
	*m_end = i;
	return SW_HTTP_OK;
}

int sw_http_looks_like_request(const uint8_t *p, uint32_t len)
{
	uint32_t m_off, m_end;

	if (len == 0)
		return 0;
	if (len > SW_HTTP_HEAD_MAX)
		len = SW_HTTP_HEAD_MAX;
	return http_scan_method(p, len, &m_off, &m_end) != SW_HTTP_NOT_HTTP;
}

/* Consume CRLF or a bare LF at *off; bad is the reason for anything else. */
static int http_eol(const uint8_t *p, uint32_t lim, uint32_t *off,
		    struct sw_http_req *r, int bad)
{
	uint32_t i = *off;

	if (i >= lim)
		return SW_HTTP_MORE;
	if (p[i] == '\n') {
		r->flags |= SW_HTTP_F_LF_ONLY;
		*off = i + 1;
		return SW_HTTP_OK;
	}
	if (p[i] == '\0')
		return SW_HTTP_NUL_BYTE;
	if (p[i] != '\r')
		return bad;
	if (i + 1 >= lim)
		return SW_HTTP_MORE;
	if (p[i + 1] != '\n')
		return p[i + 1] == '\0' ? SW_HTTP_NUL_BYTE : bad;
	*off = i + 2;
	return SW_HTTP_OK;
}

static int http_ext_in(const uint8_t *ext, uint32_t n, const char *const *tab,
		       uint32_t count)
{
	uint32_t i;

	for (i = 0; i < count; i++)
		if (http_ieq(ext, n, tab[i]))
			return 1;
	return 0;
}

#define HTTP_EXT_IN(ext, n, tab) \
	http_ext_in(ext, n, tab, sizeof(tab) / sizeof((tab)[0]))

/* Classify a request-target by its path: origin- or absolute-form. */
static int http_path_class(const uint8_t *t, uint32_t n, uint8_t *flags)
{
	uint32_t i, end, seg, dot;

	if (t[0] != '/') {
		/* absolute-form: scheme "://" authority path (9112 3.2.2) */
		for (i = 0; i < n && ((t[i] >= 'a' && t[i] <= 'z') ||
				      (t[i] >= 'A' && t[i] <= 'Z'));
		     i++)
			;
		if (i == 0 || !http_iprefix(t + i, n - i, "://"))
			return HTTP_PATH_NONE;
		*flags |= SW_HTTP_F_ABSOLUTE_FORM;
		for (i += 3; i < n && t[i] != '/' && t[i] != '?' && t[i] != '#';
		     i++)
			;
		t += i;
		n -= i;
		if (n == 0 || t[0] != '/')
			return HTTP_PATH_DOCUMENT; /* "http://host" is "/" */
	}
	for (end = 0; end < n && t[end] != '?' && t[end] != '#'; end++)
		;
	if (http_iprefix(t, end, "/api/") || http_ieq(t, end, "/api") ||
	    http_iprefix(t, end, "/graphql"))
		return HTTP_PATH_API;
	seg = 0;
	dot = 0;
	for (i = 0; i < end; i++) {
		if (t[i] == '/') {
			seg = i + 1;
			dot = 0;
		} else if (t[i] == '.') {
			dot = i + 1;
		}
	}
	if (dot == 0 || dot <= seg + 1) /* none, or a dotfile */
		return HTTP_PATH_DOCUMENT;
	if (HTTP_EXT_IN(t + dot, end - dot, http_asset_ext))
		return HTTP_PATH_ASSET;
	if (HTTP_EXT_IN(t + dot, end - dot, http_document_ext))
		return HTTP_PATH_DOCUMENT;
	if (HTTP_EXT_IN(t + dot, end - dot, http_api_ext))
		return HTTP_PATH_API;
	return HTTP_PATH_OTHER;
}

/*
 * What Accept says, if it is specific. Browsers send text/html first for
 * navigations, image/... for images, text/css for style sheets; "* / *"
 * (scripts, fetch, most libraries) says nothing.
 */
static int http_accept_kind(const struct sw_http_req *r)
{
	static const char *const asset_first[] = {
		"image/",
		"video/",
		"audio/",
		"font/",
		"text/css",
		"text/javascript",
		"application/javascript",
	};
	const uint8_t *a = (const uint8_t *)r->accept;
	uint32_t n = r->accept_len, i;

	if (!(r->present & SW_HTTP_HAS_ACCEPT))
		return SW_HTTP_UNKNOWN;
	if (http_icontains(a, n, "text/html") ||
	    http_icontains(a, n, "application/xhtml+xml"))
		return SW_HTTP_DOCUMENT;
	if (http_icontains(a, n, "application/json") ||
	    http_icontains(a, n, "+json"))
		return SW_HTTP_API;
	for (i = 0; i < sizeof(asset_first) / sizeof(asset_first[0]); i++)
		if (http_iprefix(a, n, asset_first[i]))
			return SW_HTTP_ASSET;
	return SW_HTTP_UNKNOWN;
}

static int http_kind(const struct sw_http_req *r, int path_class)
{
	int accept_kind;

	if (path_class == HTTP_PATH_NONE)
		return SW_HTTP_UNKNOWN;
	/* An asset extension is a strong sign; a specific Accept beats the
	 * rest (a .php that serves a tracking pixel is asked for as image). */
	if (path_class == HTTP_PATH_ASSET)
		return SW_HTTP_ASSET;
	accept_kind = http_accept_kind(r);
	if (accept_kind != SW_HTTP_UNKNOWN)
		return accept_kind;
	if (path_class == HTTP_PATH_API)
		return SW_HTTP_API;
	if (path_class == HTTP_PATH_DOCUMENT)
		return SW_HTTP_DOCUMENT;
	return SW_HTTP_UNKNOWN;
}

/* 1*DIGIT (9110 8.6); a repeat must agree (9112 6.3 item 5). */
static int http_content_length(const uint8_t *v, uint32_t n,
			       struct sw_http_req *r, struct http_framing *fr)
{
	int64_t cl = 0;
	uint32_t i;

	if (n == 0 || n > HTTP_CONTENT_LENGTH_DIGITS_MAX)
		return SW_HTTP_BAD_CONTENT_LENGTH;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return SW_HTTP_BAD_CONTENT_LENGTH;
		cl = cl * 10 + (v[i] - '0');
	}
	if (fr->cl_seen && cl != r->content_length)
		return SW_HTTP_BAD_CONTENT_LENGTH;
	fr->cl_seen = 1;
	r->content_length = cl;
	return SW_HTTP_OK;
}

/* Note whether the final coding of this Transfer-Encoding is chunked. */
static void http_transfer_encoding(const uint8_t *v, uint32_t n,
				   struct http_framing *fr)
{
	uint32_t end = n, start;

	while (end > 0 && (v[end - 1] == ' ' || v[end - 1] == '\t'))
		end--;
	start = end;
	while (start > 0 && v[start - 1] != ',')
		start--;
	while (start < end && (v[start] == ' ' || v[start] == '\t'))
		start++;
	fr->te_seen = 1;
	fr->te_chunked = (uint8_t)http_ieq(v + start, end - start, "chunked");
}

/* The fields read, by name; HTTP_F_NONE for the rest. */
enum http_field_name {
	HTTP_F_NONE,
	HTTP_F_HOST,
	HTTP_F_UA,
	HTTP_F_ACCEPT_LANGUAGE,
	HTTP_F_ACCEPT,
	HTTP_F_CONTENT_LENGTH,
	HTTP_F_TRANSFER_ENCODING,
};

/*
 * Which field a name is, from its lowercased copy: by length first, so
 * most names cost one compare.
 */
static int http_field_name(const uint8_t *lc, uint32_t nlen)
{
	static const struct {
		const char *name;
		int which;
	} fields[] = {
		[4] = { "host", HTTP_F_HOST },
		[6] = { "accept", HTTP_F_ACCEPT },
		[10] = { "user-agent", HTTP_F_UA },
		[14] = { "content-length", HTTP_F_CONTENT_LENGTH },
		[15] = { "accept-language", HTTP_F_ACCEPT_LANGUAGE },
		[17] = { "transfer-encoding", HTTP_F_TRANSFER_ENCODING },
	};

	if (nlen >= sizeof(fields) / sizeof(fields[0]) || !fields[nlen].name ||
	    memcmp(lc, fields[nlen].name, nlen))
		return HTTP_F_NONE;
	return fields[nlen].which;
}

static int http_field(const uint8_t *lc, uint32_t nlen, const uint8_t *v,
		      uint32_t vlen, struct sw_http_req *r,
		      struct http_framing *fr)
{
	int which = http_field_name(lc, nlen);

	if (which == HTTP_F_NONE)
		return SW_HTTP_OK;
	if (which == HTTP_F_HOST) {
		if (r->present & SW_HTTP_HAS_HOST) {
			r->flags |= SW_HTTP_F_DUP_HOST;
			return SW_HTTP_OK;
		}
		r->present |= SW_HTTP_HAS_HOST;
		r->host_len = http_copy(r->host, SW_HTTP_HOST_MAX, v, vlen,
					&r->host_truncated);
	} else if (which == HTTP_F_UA) {
		if (r->present & SW_HTTP_HAS_UA)
			return SW_HTTP_OK;
		r->present |= SW_HTTP_HAS_UA;
		r->ua_len = http_copy(r->ua, SW_HTTP_UA_MAX, v, vlen,
				      &r->ua_truncated);
	} else if (which == HTTP_F_ACCEPT_LANGUAGE) {
		if (r->present & SW_HTTP_HAS_ACCEPT_LANGUAGE)
			return SW_HTTP_OK;
		r->present |= SW_HTTP_HAS_ACCEPT_LANGUAGE;
		r->accept_language_len = http_copy(
			r->accept_language, SW_HTTP_ACCEPT_LANGUAGE_MAX, v,
			vlen, &r->accept_language_truncated);
	} else if (which == HTTP_F_ACCEPT) {
		if (r->present & SW_HTTP_HAS_ACCEPT)
			return SW_HTTP_OK;
		r->present |= SW_HTTP_HAS_ACCEPT;
		r->accept_len = http_copy(r->accept, SW_HTTP_ACCEPT_MAX, v,
					  vlen, &r->accept_truncated);
	} else if (which == HTTP_F_CONTENT_LENGTH) {
		return http_content_length(v, vlen, r, fr);
	} else if (which == HTTP_F_TRANSFER_ENCODING) {
		http_transfer_encoding(v, vlen, fr);
	}
	return SW_HTTP_OK;
}

/*
 * The field names as the header-order hash takes them, gathered while the
 * lines are read: lowercased, joined with ','. A head whose names do not
 * fit is hashed from the head itself, after it is read. The lowercased
 * name of the line being read sits at buf + n (+ 1 after the first), and
 * is only taken in once its line is known good.
 */
#define HTTP_NAMES_MAX 512

struct http_names {
	uint32_t n; /* bytes in buf */
	uint8_t over; /* did not fit */
	uint8_t buf[HTTP_NAMES_MAX];
};

/*
 * Read one field line at *off: name ":" OWS value OWS EOL (9112 5). A line
 * that starts with whitespace is obs-fold, which 9112 5.2 lets a server
 * reject; so do we, as a bad header.
 */
static int http_field_line(const uint8_t *p, uint32_t lim, uint32_t *off,
			   struct sw_http_req *r, struct http_framing *fr,
			   struct http_names *nm)
{
	uint32_t i = *off, n_off = *off, n_end, v_off, v_end, nlen;
	uint32_t at = nm->n ? nm->n + 1 : 0; /* where this name goes */
	uint8_t lc_long[32], *lc, c;
	int rc;

	if (p[i] == ' ' || p[i] == '\t')
		return SW_HTTP_BAD_HEADER;
	/* Lowercase the name into place as it is scanned; a name too long
	 * for what is left keeps only what fits, and is compared from the
	 * wire below. */
	lc = nm->buf + at;
	while (i < lim && (c = http_name_byte[p[i]])) {
		if (at + (i - n_off) < HTTP_NAMES_MAX)
			lc[i - n_off] = c;
		i++;
	}
	if (i >= lim)
		return SW_HTTP_MORE;
	if (p[i] == '\0')
		return SW_HTTP_NUL_BYTE;
	/* No whitespace before the colon: 9112 5.1 requires a 400. */
	if (p[i] != ':' || i == n_off)
		return SW_HTTP_BAD_HEADER;
	n_end = i++;
	nlen = n_end - n_off;
	/* The value ends at CR or LF; any other control but HTAB is bad. */
	for (;;) {
		i = http_plain_end(p, i, lim);
		if (i >= lim || p[i] == '\r' || p[i] == '\n')
			break;
		if (p[i] == '\0')
			return SW_HTTP_NUL_BYTE;
		if (p[i] != '\t')
			return SW_HTTP_BAD_HEADER;
		i++;
	}
	v_end = i;
	rc = http_eol(p, lim, &i, r, SW_HTTP_BAD_HEADER);
	if (rc != SW_HTTP_OK)
		return rc;
	v_off = n_end + 1;
	while (v_off < v_end && (p[v_off] == ' ' || p[v_off] == '\t'))
		v_off++;
	while (v_end > v_off && (p[v_end - 1] == ' ' || p[v_end - 1] == '\t'))
		v_end--;
	if (nm->over || at + nlen > HTTP_NAMES_MAX) {
		/* The names are hashed from the head instead. A name longer
		 * than lc_long is none of the fields read: not compared. */
		uint32_t k;

		for (k = 0; k < nlen && k < sizeof(lc_long); k++)
			lc_long[k] = http_name_byte[p[n_off + k]];
		lc = lc_long;
		nm->over = 1;
	}
	rc = http_field(lc, nlen, p + v_off, v_end - v_off, r, fr);
	if (rc != SW_HTTP_OK)
		return rc;
	if (!nm->over) {
		if (at)
			nm->buf[nm->n] = ',';
		nm->n = at + nlen;
	}
	r->header_count++;
	*off = i;
	return SW_HTTP_OK;
}

static void http_method(const uint8_t *m, uint32_t n, struct sw_http_req *r)
{
	uint32_t i;

	memcpy(r->method_raw, m, n);
	r->method_len = (uint8_t)n;
	for (i = 0; i < sizeof(http_methods) / sizeof(http_methods[0]); i++)
		if (strlen(http_methods[i].name) == n &&
		    !memcmp(http_methods[i].name, m, n))
			r->method = http_methods[i].method;
}

/* request-line = method SP request-target SP HTTP-version (9112 3). */
static int http_request_line(const uint8_t *p, uint32_t lim, uint32_t *off,
			     struct sw_http_req *r, int *path_class)
{
	static const char version[] = "HTTP/d.d";
	uint32_t m_off, m_end, t_off, t_end, v_off, k;
	int rc;

	rc = http_scan_method(p, lim, &m_off, &m_end);
	if (rc != SW_HTTP_OK)
		return rc;
	if (m_off)
		r->flags |= SW_HTTP_F_LEADING_CRLF;
	t_off = m_end + 1;
	for (t_end = t_off; t_end < lim && p[t_end] != ' '; t_end++) {
		if (p[t_end] == '\0')
			return SW_HTTP_NUL_BYTE;
		/* CR or LF here is HTTP/0.9 or a broken client. */
		if (p[t_end] < 0x21 || p[t_end] == 0x7f)
			return SW_HTTP_BAD_REQUEST_LINE;
	}
	if (t_end >= lim)
		return SW_HTTP_MORE;
	if (t_end == t_off)
		return SW_HTTP_BAD_REQUEST_LINE;
	v_off = t_end + 1;
	for (k = 0; k < sizeof(version) - 1; k++) {
		uint8_t c;

		if (v_off + k >= lim)
			return SW_HTTP_MORE;
		c = p[v_off + k];
		if (c == '\0')
			return SW_HTTP_NUL_BYTE;
		if (version[k] == 'd' ? c < '0' || c > '9' : c != version[k])
			return SW_HTTP_BAD_REQUEST_LINE;
	}
	if (p[v_off + 5] == '2' && p[v_off + 7] == '0' && m_end - m_off == 3 &&
	    !memcmp(p + m_off, "PRI", 3) && t_end - t_off == 1 &&
	    p[t_off] == '*')
		return SW_HTTP_H2_PREFACE;
	if (p[v_off + 5] != '1' || (p[v_off + 7] != '0' && p[v_off + 7] != '1'))
		return SW_HTTP_BAD_VERSION;
	*off = v_off + k;
	rc = http_eol(p, lim, off, r, SW_HTTP_BAD_REQUEST_LINE);
	if (rc != SW_HTTP_OK)
		return rc;

	http_method(p + m_off, m_end - m_off, r);
	r->version = (uint8_t)(p[v_off + 7] == '1' ? 11 : 10);
	r->path_full_len = t_end - t_off;
	r->path_len = http_copy(r->path, SW_HTTP_PATH_MAX, p + t_off,
				t_end - t_off, &r->path_truncated);
	/* from the wire, not the capped copy: the extension is at the end */
	*path_class = http_path_class(p + t_off, t_end - t_off, &r->flags);
	return SW_HTTP_OK;
}

int sw_http_parse_request(const uint8_t *p, uint32_t len, struct sw_http_req *r,
			  uint32_t *head_len)
{
	uint32_t lim = len < SW_HTTP_HEAD_MAX ? len : SW_HTTP_HEAD_MAX;
	uint32_t off = 0, fields_off;
	struct http_framing fr = { 0 };
	struct http_names nm;
	int path_class = HTTP_PATH_NONE;
	int rc;

	memset(r, 0, sizeof(*r));
	r->content_length = -1;
	*head_len = 0;

	rc = http_request_line(p, lim, &off, r, &path_class);
	if (rc != SW_HTTP_OK)
		return rc == SW_HTTP_MORE ? http_more(len) : rc;
	fields_off = off;
	nm.n = 0;
	nm.over = 0;
	for (;;) {
		if (off >= lim)
			return http_more(len);
		if (p[off] == '\r' || p[off] == '\n')
			break;
		rc = http_field_line(p, lim, &off, r, &fr, &nm);
		if (rc != SW_HTTP_OK)
			return rc == SW_HTTP_MORE ? http_more(len) : rc;
	}
	rc = http_eol(p, lim, &off, r, SW_HTTP_BAD_HEADER);
	if (rc != SW_HTTP_OK)
		return rc == SW_HTTP_MORE ? http_more(len) : rc;

	/* 9112 6.1: a request whose final coding is not chunked has no
	 * knowable length; with chunked, Content-Length is ignored (6.3). */
	if (fr.te_seen) {
		if (!fr.te_chunked)
			return SW_HTTP_BAD_TRANSFER_ENCODING;
		r->chunked = 1;
		if (fr.cl_seen)
			r->flags |= SW_HTTP_F_CL_AND_TE;
		r->content_length = -1;
	}
	r->kind = (uint8_t)http_kind(r, path_class);
	if (nm.over)
		sw_http_hash_names(p, fields_off, off, r);
	else
		sw_http_hash_list(nm.buf, nm.n, r);
	*head_len = off;
	return SW_HTTP_OK;
}

const char *sw_http_reason_name(int reason)
{
	static const char *const names[SW_HTTP_REASON_MAX] = {
		[SW_HTTP_OK] = "ok",
		[SW_HTTP_MORE] = "more",
		[SW_HTTP_NOT_HTTP] = "not_http",
		[SW_HTTP_BAD_REQUEST_LINE] = "bad_request_line",
		[SW_HTTP_BAD_VERSION] = "bad_version",
		[SW_HTTP_BAD_HEADER] = "bad_header",
		[SW_HTTP_NUL_BYTE] = "nul_byte",
		[SW_HTTP_TOO_LONG] = "too_long",
		[SW_HTTP_BAD_CONTENT_LENGTH] = "bad_content_length",
		[SW_HTTP_BAD_TRANSFER_ENCODING] = "bad_transfer_encoding",
		[SW_HTTP_H2_PREFACE] = "h2_preface",
	};

	if (reason < 0 || reason >= SW_HTTP_REASON_MAX || !names[reason])
		return "unknown";
	return names[reason];
}

const char *sw_http_kind_name(int kind)
{
	switch (kind) {
	case SW_HTTP_DOCUMENT:
		return "document";
	case SW_HTTP_ASSET:
		return "asset";
	case SW_HTTP_API:
		return "api";
	default:
		return "unknown";
	}
}
