// SPDX-License-Identifier: BSD-2-Clause
/* OpenSSL algorithms fetched once per process (see crypto.h). */
#include <openssl/core_names.h>
#include <pthread.h>

#include "crypto.h"

static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;
static EVP_MD *md5, *sha256;
static EVP_CIPHER *aes128_ecb, *aes128_gcm;
static EVP_MAC_CTX *hmac_sha256; /* digest set, no key: dup'd, never used */

static EVP_MAC_CTX *hmac_template(const char *digest)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 (char *)digest, 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *c = mac ? EVP_MAC_CTX_new(mac) : NULL;

	EVP_MAC_free(mac); /* the context holds its own reference */
	if (c && EVP_MAC_CTX_set_params(c, params) != 1) {
		EVP_MAC_CTX_free(c);
		c = NULL;
	}
	return c;
}

/* Kept for the life of the process: nothing to free at exit. */
static void fetch_all(void)
{
	md5 = EVP_MD_fetch(NULL, "MD5", NULL);
	sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	aes128_ecb = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);
	aes128_gcm = EVP_CIPHER_fetch(NULL, "AES-128-GCM", NULL);
	hmac_sha256 = hmac_template("SHA256");
}

const EVP_MD *sw_crypto_md5(void)
{
	pthread_once(&fetch_once, fetch_all);
	return md5;
}

const EVP_MD *sw_crypto_sha256(void)
{
	pthread_once(&fetch_once, fetch_all);
	return sha256;
}

const EVP_CIPHER *sw_crypto_aes128_ecb(void)
{
	pthread_once(&fetch_once, fetch_all);
	return aes128_ecb;
}

const EVP_CIPHER *sw_crypto_aes128_gcm(void)
{
	pthread_once(&fetch_once, fetch_all);
	return aes128_gcm;
}

EVP_MAC_CTX *sw_crypto_hmac_sha256(void)
{
	pthread_once(&fetch_once, fetch_all);
	return hmac_sha256 ? EVP_MAC_CTX_dup(hmac_sha256) : NULL;
}

void sw_crypto_digest_hex(const EVP_MD *md, const void *data, size_t len,
			  char *out, size_t hex_len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	size_t i;

	if (!md || !EVP_Digest(data, len, d, &dlen, md, NULL) ||
	    dlen * 2 < hex_len) {
		out[0] = '\0';
		return;
	}
	for (i = 0; i < hex_len; i++)
		out[i] = hex[(d[i / 2] >> (i % 2 ? 0 : 4)) & 0xf];
	out[hex_len] = '\0';
}
