/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared by the HTTP/1.x head parser and its header-order hash. */
#ifndef SW_HTTP_INT_H
#define SW_HTTP_INT_H

#include <stdint.h>

#include "http.h"

static inline uint8_t http_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c | 0x20) : c;
}

/* The hash of the field names of a validated head, read again from its
 * bytes (off: the first field line, end: the blank line); for heads whose
 * names did not fit the parser's buffer. */
void sw_http_hash_names(const uint8_t *p, uint32_t off, uint32_t end,
			struct sw_http_req *r);
/* The hash of names (n bytes: lowercased, comma-separated), cached. */
void sw_http_hash_list(const uint8_t *names, uint32_t n, struct sw_http_req *r);

#endif /* SW_HTTP_INT_H */
