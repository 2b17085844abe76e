// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness for the TLS ClientHello parser. Each input is parsed
 * both as a TCP record stream and as raw handshake bytes; whenever a
 * ClientHello comes out, JA3 and JA4 are computed, into full-size and into
 * cut-short buffers, and their strings must be terminated and in bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/tls.h"

static void fingerprint(const struct sw_tls_hello *h, char transport)
{
	char ja3[SW_TLS_JA3_STR_MAX], md5[33], small[7];
	char ja4[SW_TLS_JA4_LEN], ja4_r[SW_TLS_JA4_R_MAX];

	sw_tls_ja3(h, ja3, sizeof(ja3), md5);
	if (strlen(ja3) >= sizeof(ja3) - 1 || strlen(md5) > 32)
		abort();
	sw_tls_ja3(h, small, sizeof(small), md5);
	sw_tls_ja4(h, transport, ja4, ja4_r, sizeof(ja4_r));
	/* "t13d1516h2_" plus two 12-digit hashes and an underscore. */
	if (strlen(ja4) != 36 || strlen(ja4_r) >= sizeof(ja4_r) - 1)
		abort();
	sw_tls_ja4(h, transport, ja4, small, sizeof(small));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw_tls_hello h;
	uint32_t len = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
	int rc;

	rc = sw_tls_parse_records(data, len, &h);
	if (rc < 0 || rc >= SW_TLS_REASON_MAX)
		abort();
	if (rc == SW_TLS_OK)
		fingerprint(&h, 't');
	rc = sw_tls_parse_handshake(data, len, &h);
	if (rc < 0 || rc >= SW_TLS_REASON_MAX)
		abort();
	if (rc == SW_TLS_OK)
		fingerprint(&h, 'q');
	return 0;
}
