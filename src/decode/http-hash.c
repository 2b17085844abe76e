// SPDX-License-Identifier: BSD-2-Clause
/*
 * The header-order hash of an HTTP/1.x request head: SHA-256 of its field
 * names, lowercased and comma-separated, as hex. A per-thread cache keeps
 * the hashes of the name lists seen last, since a site sees few of them.
 */
#include <string.h>

#include <openssl/evp.h>

#include "crypto.h"
#include "http-int.h"

struct http_hasher {
	EVP_MD_CTX *ctx;
	uint32_t n;
	int ok;
	uint8_t buf[256];
};

static void http_hash_byte(struct http_hasher *h, uint8_t c)
{
	if (h->n == sizeof(h->buf)) {
		h->ok = h->ok && EVP_DigestUpdate(h->ctx, h->buf, h->n);
		h->n = 0;
	}
	h->buf[h->n++] = c;
}

static void http_hash_hex(const unsigned char *md, char *out)
{
	static const char hex[] = "0123456789abcdef";
	uint32_t i;

	for (i = 0; i < SW_HTTP_HDR_HASH_LEN / 2; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[SW_HTTP_HDR_HASH_LEN] = '\0';
}

/*
 * Hash the field names of a head already validated: every line from off
 * up to the blank line holds a ':'. Names go through a small buffer so a
 * typical head costs one digest update. For heads whose names did not fit
 * in the parser's name buffer.
 */
void sw_http_hash_names(const uint8_t *p, uint32_t off, uint32_t end,
			struct sw_http_req *r)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	struct http_hasher h = { .ctx = EVP_MD_CTX_new() };

	h.ok = h.ctx && EVP_DigestInit_ex(h.ctx, sw_crypto_sha256(), NULL);
	while (off < end && p[off] != '\r' && p[off] != '\n') {
		for (; off < end && p[off] != ':'; off++)
			http_hash_byte(&h, http_lower(p[off]));
		while (off < end && p[off] != '\n')
			off++;
		off++;
		if (off < end && p[off] != '\r' && p[off] != '\n')
			http_hash_byte(&h, ',');
	}
	h.ok = h.ok && EVP_DigestUpdate(h.ctx, h.buf, h.n) &&
	       EVP_DigestFinal_ex(h.ctx, md, &md_len) &&
	       md_len * 2 >= SW_HTTP_HDR_HASH_LEN;
	EVP_MD_CTX_free(h.ctx);
	if (h.ok)
		http_hash_hex(md, r->hdr_order_hash);
}

/*
 * The last hashes computed, by name list. A site sees few distinct header
 * orders (one per client build) over and over, and the SHA-256 of a short
 * list costs more than the rest of the head; a hit costs a compare. Kept
 * per thread, so parsing stays free of locks; it only ever holds results
 * of the pure function below, so it changes no output.
 */
#define HTTP_HASH_CACHE_SLOTS 64 /* a power of two */
#define HTTP_HASH_CACHE_NAMES 200 /* longer lists are not kept */

struct http_hash_cache_slot {
	uint16_t n; /* 0: empty (the empty list is never kept) */
	char hash[SW_HTTP_HDR_HASH_LEN + 1];
	uint8_t names[HTTP_HASH_CACHE_NAMES];
};

static __thread struct http_hash_cache_slot
	http_hash_cache[HTTP_HASH_CACHE_SLOTS];

/* A cheap mix of the name list, for the slot index only. */
static uint32_t http_names_slot(const uint8_t *b, uint32_t n)
{
	uint64_t h = n, w;
	uint32_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, b + i, sizeof(w));
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	}
	for (; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	h ^= h >> 29;
	return (uint32_t)h & (HTTP_HASH_CACHE_SLOTS - 1);
}

void sw_http_hash_list(const uint8_t *names, uint32_t n, struct sw_http_req *r)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	struct http_hash_cache_slot *slot = NULL;

	if (n && n <= HTTP_HASH_CACHE_NAMES) {
		slot = &http_hash_cache[http_names_slot(names, n)];
		if (slot->n == n && !memcmp(slot->names, names, n)) {
			memcpy(r->hdr_order_hash, slot->hash,
			       sizeof(r->hdr_order_hash));
			return;
		}
	}
	if (!EVP_Digest(names, n, md, &md_len, sw_crypto_sha256(), NULL) ||
	    md_len * 2 < SW_HTTP_HDR_HASH_LEN)
		return;
	http_hash_hex(md, r->hdr_order_hash);
	if (slot) {
		slot->n = (uint16_t)n;
		memcpy(slot->names, names, n);
		memcpy(slot->hash, r->hdr_order_hash, sizeof(slot->hash));
	}
}
