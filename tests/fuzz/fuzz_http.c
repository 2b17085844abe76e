// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness for the HTTP/1.x request-head parser. Besides memory
 * safety it checks the parser's promises: caps hold, a head parsed whole
 * parses the same when cut to head_len, one byte less says SW_HTTP_MORE,
 * and sw_http_looks_like_request never rejects what the parser accepts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/http.h"

#define FUZZ_CHECK(cond)                  \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

static void fuzz_check_ok(const uint8_t *data, const struct sw_http_req *r,
			  uint32_t head_len)
{
	struct sw_http_req again;
	uint32_t again_len;
	uint8_t *copy;

	FUZZ_CHECK(head_len > 0 && head_len <= SW_HTTP_HEAD_MAX);
	FUZZ_CHECK(r->version == 10 || r->version == 11);
	FUZZ_CHECK(r->method_len > 0 && r->method_len <= SW_HTTP_METHOD_MAX);
	FUZZ_CHECK(r->path_len <= SW_HTTP_PATH_MAX);
	FUZZ_CHECK(r->path_truncated == (r->path_full_len > SW_HTTP_PATH_MAX));
	FUZZ_CHECK(r->host_len <= SW_HTTP_HOST_MAX);
	FUZZ_CHECK(r->ua_len <= SW_HTTP_UA_MAX);
	FUZZ_CHECK(r->accept_language_len <= SW_HTTP_ACCEPT_LANGUAGE_MAX);
	FUZZ_CHECK(r->accept_len <= SW_HTTP_ACCEPT_MAX);
	FUZZ_CHECK(r->kind <= SW_HTTP_API);
	FUZZ_CHECK(strlen(r->hdr_order_hash) == SW_HTTP_HDR_HASH_LEN);
	FUZZ_CHECK(!r->chunked || r->content_length == -1);

	/* exact-size copies, so ASan catches a read past head_len */
	copy = malloc(head_len);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, data, head_len);
	FUZZ_CHECK(sw_http_parse_request(copy, head_len, &again, &again_len) ==
		   SW_HTTP_OK);
	FUZZ_CHECK(again_len == head_len);
	FUZZ_CHECK(!memcmp(&again, r, sizeof(again)));
	FUZZ_CHECK(sw_http_parse_request(copy, head_len - 1, &again,
					 &again_len) == SW_HTTP_MORE);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t len = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
	struct sw_http_req r;
	uint32_t head_len = 1;
	int rc;

	rc = sw_http_parse_request(data, len, &r, &head_len);
	FUZZ_CHECK(rc >= 0 && rc < SW_HTTP_REASON_MAX);
	FUZZ_CHECK(strcmp(sw_http_reason_name(rc), "unknown") != 0);
	if (len && !sw_http_looks_like_request(data, len))
		FUZZ_CHECK(rc == SW_HTTP_NOT_HTTP);
	if (rc == SW_HTTP_MORE)
		FUZZ_CHECK(len < SW_HTTP_HEAD_MAX);
	if (rc != SW_HTTP_OK) {
		FUZZ_CHECK(head_len == 0);
		return 0;
	}
	FUZZ_CHECK(head_len <= len);
	fuzz_check_ok(data, &r, head_len);
	return 0;
}
