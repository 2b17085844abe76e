// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness for the QUIC Initial decoder (src/decode/decode-quic.c).
 *
 * Mutated ciphertext almost never passes the AEAD tag, so a raw datagram
 * alone would leave the frame walk and the CRYPTO reassembly unfuzzed. The
 * first input byte picks a mode:
 *   bit 0 clear: the rest is one UDP datagram, parsed as is;
 *   bit 0 set:   the rest is plaintext frames, which the harness splits
 *                into 1 to 4 client Initials, protects as a client would
 *                (bit 1: version 2; bits 2-3: packet number length - 1;
 *                bits 4-5: packets - 1), and parses last packet first.
 * After each call the reassembly state must be consistent.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "decode/quic.h"

#define FUZZ_FRAMES_MAX 4096

static const uint8_t fuzz_dcid[8] = { 0x83, 0x94, 0xc8, 0xf0,
				      0x3e, 0x51, 0x57, 0x08 };

static void fuzz_check(const struct sw_quic_crypto *c, int reason)
{
	uint32_t i, have = 0;

	if (reason < 0 || reason >= SW_QUIC_REASON_MAX)
		__builtin_trap();
	if (c->contiguous > c->received || c->received > SW_QUIC_CRYPTO_MAX ||
	    c->dcid_len > SW_QUIC_CID_MAX || c->scid_len > SW_QUIC_CID_MAX)
		__builtin_trap();
	for (i = 0; i < SW_QUIC_CRYPTO_MAX; i++)
		if (c->have[i / 8] & (1u << (i % 8)))
			have++;
		else if (i < c->contiguous)
			__builtin_trap();
	if (have != c->received)
		__builtin_trap();
}

/* Protect frames as a client Initial; returns its length, 0 on failure. */
static size_t fuzz_protect(uint32_t version, uint32_t pn, uint32_t pn_len,
			   const uint8_t *frames, size_t frames_len,
			   uint8_t *out)
{
	struct sw_quic_keys k;
	uint8_t nonce[12], mask[5];
	size_t n = 0, pn_off, body, i;
	EVP_CIPHER_CTX *ctx;
	int outl, ok;

	if (sw_quic_initial_keys(version, fuzz_dcid, sizeof(fuzz_dcid), &k))
		return 0;
	out[n++] = (uint8_t)(0xc0 | ((version == SW_QUIC_VERSION_2) << 4) |
			     (pn_len - 1));
	for (i = 0; i < 4; i++)
		out[n++] = (uint8_t)(version >> (24 - 8 * i));
	out[n++] = sizeof(fuzz_dcid);
	memcpy(out + n, fuzz_dcid, sizeof(fuzz_dcid));
	n += sizeof(fuzz_dcid);
	out[n++] = 0; /* SCID length */
	out[n++] = 0; /* token length */
	body = pn_len + frames_len + 16;
	out[n++] = (uint8_t)(0x40 | (body >> 8));
	out[n++] = (uint8_t)body;
	pn_off = n;
	for (i = 0; i < pn_len; i++)
		out[n++] = (uint8_t)(pn >> (8 * (pn_len - 1 - i)));
	memcpy(nonce, k.iv, sizeof(nonce));
	for (i = 0; i < 4; i++)
		nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));

	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return 0;
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, k.key, nonce) ==
		     1 &&
	     EVP_EncryptUpdate(ctx, NULL, &outl, out, (int)n) == 1 &&
	     (!frames_len || EVP_EncryptUpdate(ctx, out + n, &outl, frames,
					       (int)frames_len) == 1) &&
	     EVP_EncryptFinal_ex(ctx, out + n + frames_len, &outl) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16,
				 out + n + frames_len) == 1;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok)
		return 0;
	n += frames_len + 16;
	if (sw_quic_hp_mask(k.hp, out + pn_off + 4, mask))
		return 0;
	out[0] ^= mask[0] & 0x0f;
	for (i = 0; i < pn_len; i++)
		out[pn_off + i] ^= mask[1 + i];
	return n;
}

static void fuzz_protected(uint8_t mode, const uint8_t *frames, size_t len)
{
	static uint8_t padded[FUZZ_FRAMES_MAX + 16];
	static uint8_t pkt[4][FUZZ_FRAMES_MAX + 128];
	static struct sw_quic_crypto c;
	uint32_t version = (mode & 2) ? SW_QUIC_VERSION_2 : SW_QUIC_VERSION_1;
	uint32_t pn_len = ((mode >> 2) & 3) + 1, npkt = ((mode >> 4) & 3) + 1;
	size_t plen[4], part, off = 0, flen, i;

	if (len > FUZZ_FRAMES_MAX)
		len = FUZZ_FRAMES_MAX;
	part = len / npkt;
	for (i = 0; i < npkt; i++) {
		flen = i == npkt - 1 ? len - off : part;
		/* Zero bytes are PADDING: make room for the sample. */
		memset(padded, 0, 4);
		memcpy(padded, frames + off, flen);
		if (flen < 4)
			flen = 4;
		plen[i] = fuzz_protect(version, (uint32_t)i, pn_len, padded,
				       flen, pkt[i]);
		if (!plen[i])
			__builtin_trap();
		off += part;
	}
	sw_quic_crypto_init(&c);
	for (i = npkt; i-- > 0;)
		fuzz_check(&c, sw_quic_parse_initial(pkt[i], (uint32_t)plen[i],
						     &c));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sw_quic_crypto c;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		fuzz_protected(data[0], data + 1, size - 1);
		return 0;
	}
	if (size - 1 > 65535)
		return 0;
	sw_quic_crypto_init(&c);
	sw_quic_is_initial(data + 1, (uint32_t)(size - 1));
	fuzz_check(&c,
		   sw_quic_parse_initial(data + 1, (uint32_t)(size - 1), &c));
	return 0;
}
