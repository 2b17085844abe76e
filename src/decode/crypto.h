/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * OpenSSL algorithms fetched once per process. In OpenSSL 3, EVP_sha256()
 * and friends fetch the implementation from the provider on every use,
 * behind a lock, which cost more than the JA3/JA4 work itself (about 10 us
 * per ClientHello). The decoders take their algorithms from here instead.
 * Each getter returns NULL if the algorithm is unavailable.
 */
#ifndef SW_CRYPTO_H
#define SW_CRYPTO_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

const EVP_MD *sw_crypto_md5(void);
const EVP_MD *sw_crypto_sha256(void);
const EVP_CIPHER *sw_crypto_aes128_ecb(void);
const EVP_CIPHER *sw_crypto_aes128_gcm(void);
/*
 * A new HMAC context with SHA-256 set and no key yet, copied from one made
 * once (the digest fetch again). EVP_MAC_init() with a key starts a MAC;
 * EVP_MAC_init() with a NULL key starts another under the same key without
 * hashing the key pads again. Free it with EVP_MAC_CTX_free().
 */
EVP_MAC_CTX *sw_crypto_hmac_sha256(void);

/*
 * Hash len bytes and write the first hex_len lowercase hex characters of
 * the digest, NUL-terminated, to out (hex_len + 1 bytes). On failure out
 * is the empty string.
 */
void sw_crypto_digest_hex(const EVP_MD *md, const void *data, size_t len,
			  char *out, size_t hex_len);

#endif /* SW_CRYPTO_H */
