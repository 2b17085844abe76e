/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * QUIC client Initial decryption (RFC 9001 section 5, RFC 9369 for QUIC
 * version 2) and reassembly of the Initial CRYPTO stream, which carries the
 * TLS ClientHello that JA4 fingerprints. Initial keys derive from the
 * client's Destination Connection ID and a published salt, so any observer
 * can read these packets; nothing here needs a secret.
 *
 * The decoder is bounded like the others in src/decode: it takes a UDP
 * payload and its length, never reads past it, and returns a verdict from
 * enum sw_quic_reason. It keeps no global state; all state lives in the
 * caller's struct sw_quic_crypto, one per flow.
 */
#ifndef SW_QUIC_H
#define SW_QUIC_H

#include <stdint.h>

#define SW_QUIC_VERSION_1 0x00000001u
#define SW_QUIC_VERSION_2 0x6b3343cfu

#define SW_QUIC_CID_MAX 20 /* bytes, RFC 9000 section 17.2 */
#define SW_QUIC_CRYPTO_MAX 8192 /* bytes of CRYPTO stream kept */
#define SW_QUIC_DATAGRAM_MAX 65527 /* bytes, the largest UDP payload */

/*
 * Stable verdict numbers: they are counted and may be exported, so a number
 * is never reused for another meaning.
 */
enum sw_quic_reason {
	SW_QUIC_OK = 0,
	SW_QUIC_NOT_QUIC = 1, /* no long header, or too long for UDP */
	SW_QUIC_UNSUPPORTED_VERSION = 2, /* neither version 1 nor 2 */
	SW_QUIC_TRUNCATED = 3, /* a field or the packet runs past the end */
	SW_QUIC_BAD_HEADER = 4, /* CID too long, Length too short, ... */
	SW_QUIC_DECRYPT_FAILED = 5, /* AEAD tag did not verify */
	SW_QUIC_BAD_FRAME = 6, /* malformed frame, or no frame at all */
	SW_QUIC_CRYPTO_OVERFLOW = 7, /* CRYPTO data past SW_QUIC_CRYPTO_MAX */
	SW_QUIC_UNEXPECTED_FRAME = 8, /* frame type not allowed in Initial */
	SW_QUIC_NOT_INITIAL = 9, /* QUIC, but no client Initial in it */
	SW_QUIC_LIB_ERROR = 10, /* libcrypto or allocation failure */
	SW_QUIC_REASON_MAX,
};

/*
 * The client's Initial CRYPTO stream, reassembled from CRYPTO frames that
 * may arrive out of order, overlap, and span several Initial packets. Zero
 * it, or call sw_quic_crypto_init (which clears all but data[], read only
 * where have[] marks a byte), before the first datagram of a flow.
 * Where frames overlap, the first bytes received are kept (RFC 9000 section
 * 2.2 says a sender never changes them).
 */
struct sw_quic_crypto {
	uint8_t data[SW_QUIC_CRYPTO_MAX]; /* stream bytes at offset 0.. */
	uint8_t have[SW_QUIC_CRYPTO_MAX / 8]; /* bitmap: byte received */
	uint32_t contiguous; /* bytes received without a hole from 0 */
	uint32_t received; /* distinct bytes received */
	uint32_t version; /* of the first Initial; 0 before it */
	uint32_t initials; /* Initial packets decrypted */
	uint64_t pn_expected; /* largest packet number seen + 1 */
	uint8_t dcid_len;
	uint8_t scid_len;
	uint8_t dcid[SW_QUIC_CID_MAX]; /* original DCID, from the first one */
	uint8_t scid[SW_QUIC_CID_MAX]; /* client's SCID, from the first one */
};

/* Client Initial secrets and keys (RFC 9001 section 5.2). */
struct sw_quic_keys {
	uint8_t secret[32]; /* client_initial_secret */
	uint8_t key[16]; /* AEAD_AES_128_GCM key */
	uint8_t iv[12];
	uint8_t hp[16]; /* header protection key, AES-128 */
};

void sw_quic_crypto_init(struct sw_quic_crypto *c);

/*
 * Cheap check that a UDP payload starts with a client Initial of QUIC
 * version 1 or 2: long header, fixed bit set, and the Initial type of that
 * version. Returns 1 or 0. Decrypts nothing.
 */
int sw_quic_is_initial(const uint8_t *p, uint32_t len);

/*
 * Decrypt the client Initial packets of one UDP datagram and add their
 * CRYPTO data to c. Coalesced packets are walked; those of another type or
 * another DCID are skipped, and a short-header packet or padding ends the
 * walk. Returns SW_QUIC_OK if at least one Initial was decrypted and every
 * packet parsed, else the first reason found. CRYPTO data already added
 * stays in c even when a later packet fails.
 */
int sw_quic_parse_initial(const uint8_t *p, uint32_t len,
			  struct sw_quic_crypto *c);

/* Derive the client Initial keys of a version from the client's DCID. */
int sw_quic_initial_keys(uint32_t version, const uint8_t *dcid,
			 uint32_t dcid_len, struct sw_quic_keys *k);

/* Header protection mask: AES-128-ECB(hp, sample), first 5 bytes. */
int sw_quic_hp_mask(const uint8_t hp[16], const uint8_t sample[16],
		    uint8_t mask[5]);

/* Stable short name of a reason, e.g. "decrypt_failed". */
const char *sw_quic_reason_name(int reason);

#endif /* SW_QUIC_H */
