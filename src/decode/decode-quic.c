// SPDX-License-Identifier: BSD-2-Clause
/*
 * QUIC client Initial packets: long-header parsing (RFC 9000 section 17.2),
 * Initial key derivation, header protection removal and AEAD decryption
 * (RFC 9001 section 5; RFC 9369 section 3 for version 2), a walk over the
 * frames an Initial may carry, and reassembly of its CRYPTO stream. All
 * cryptography is OpenSSL's. Cipher contexts are made per call; the HMAC
 * contexts of key derivation are kept per thread (see struct quic_macs),
 * so concurrent calls on different flows share nothing.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "decode-int.h"
#include "crypto.h"
#include "quic.h"

#define QUIC_TAG_LEN 16 /* AEAD_AES_128_GCM */
#define QUIC_SAMPLE_LEN 16 /* RFC 9001 section 5.4.2 */
#define QUIC_PN_MAX_LEN 4
#define QUIC_VARINT_MAX ((1ULL << 62) - 1)
#define QUIC_SECRET_LEN 32 /* SHA-256 */

/* Long-header packet types, independent of how a version numbers them. */
enum quic_ptype {
	QUIC_PT_INITIAL,
	QUIC_PT_0RTT,
	QUIC_PT_HANDSHAKE,
	QUIC_PT_RETRY,
};

/* Frame types allowed in an Initial packet (RFC 9000 section 12.4). */
enum quic_frame {
	QUIC_FRAME_PADDING = 0x00,
	QUIC_FRAME_PING = 0x01,
	QUIC_FRAME_ACK = 0x02,
	QUIC_FRAME_ACK_ECN = 0x03,
	QUIC_FRAME_CRYPTO = 0x06,
	QUIC_FRAME_CONNECTION_CLOSE = 0x1c, /* 0x1d is 1-RTT only */
};

struct quic_version_params {
	uint32_t version;
	uint8_t salt[20];
	const char *key_label;
	const char *iv_label;
	const char *hp_label;
	uint8_t ptype[4]; /* enum quic_ptype, by the header's type bits */
};

static const struct quic_version_params quic_versions[] = {
	{
		.version = SW_QUIC_VERSION_1,
		/* RFC 9001 section 5.2 */
		.salt = { 0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34,
			  0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8,
			  0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a },
		.key_label = "quic key",
		.iv_label = "quic iv",
		.hp_label = "quic hp",
		.ptype = { QUIC_PT_INITIAL, QUIC_PT_0RTT, QUIC_PT_HANDSHAKE,
			   QUIC_PT_RETRY },
	},
	{
		.version = SW_QUIC_VERSION_2,
		/* RFC 9369 section 3.3.1 */
		.salt = { 0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6,
			  0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26,
			  0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9 },
		.key_label = "quicv2 key",
		.iv_label = "quicv2 iv",
		.hp_label = "quicv2 hp",
		/* RFC 9369 section 3.2: every type is renumbered */
		.ptype = { QUIC_PT_RETRY, QUIC_PT_INITIAL, QUIC_PT_0RTT,
			   QUIC_PT_HANDSHAKE },
	},
};

/* What a long header says, with offsets from the packet's first byte. */
struct quic_hdr {
	const struct quic_version_params *vp;
	uint8_t ptype; /* enum quic_ptype */
	uint8_t dcid_len;
	uint8_t scid_len;
	const uint8_t *dcid;
	const uint8_t *scid;
	uint32_t pn_off; /* where the protected packet number starts */
	uint32_t end; /* packet length, header included */
};

static const struct quic_version_params *quic_version_find(uint32_t version)
{
	size_t i;

	for (i = 0; i < sizeof(quic_versions) / sizeof(quic_versions[0]); i++)
		if (quic_versions[i].version == version)
			return &quic_versions[i];
	return NULL;
}

/* RFC 9000 section 16. Returns 0, or -1 if the integer runs past len. */
static int quic_varint(const uint8_t *p, uint32_t len, uint32_t *off,
		       uint64_t *v)
{
	uint32_t n, i;

	if (*off >= len)
		return -1;
	n = 1u << (p[*off] >> 6);
	if (n > len - *off)
		return -1;
	*v = p[*off] & 0x3f;
	for (i = 1; i < n; i++)
		*v = (*v << 8) | p[*off + i];
	*off += n;
	return 0;
}

void sw_quic_crypto_init(struct sw_quic_crypto *c)
{
	/* data[] is read only where have[] says a byte came: left as is,
	 * it is most of the struct. */
	_Static_assert(offsetof(struct sw_quic_crypto, data) == 0,
		       "data[] comes first");
	memset(c->have, 0, sizeof(*c) - offsetof(struct sw_quic_crypto, have));
}

int sw_quic_is_initial(const uint8_t *p, uint32_t len)
{
	const struct quic_version_params *vp;

	if (len < 5 || (p[0] & 0xc0) != 0xc0)
		return 0;
	vp = quic_version_find(sw_rd32(p + 1));
	return vp && vp->ptype[(p[0] >> 4) & 3] == QUIC_PT_INITIAL;
}

/*
 * Parse a long header up to the packet number. The fixed bit is not
 * checked: RFC 9287 lets a client grease it, and it is not needed to
 * decrypt.
 */
static int quic_parse_long_header(const uint8_t *p, uint32_t len,
				  struct quic_hdr *h)
{
	uint64_t token_len, length;
	uint32_t off;

	if (len < 1)
		return SW_QUIC_TRUNCATED;
	if (!(p[0] & 0x80))
		return SW_QUIC_NOT_QUIC;
	if (len < 6)
		return SW_QUIC_TRUNCATED;
	h->vp = quic_version_find(sw_rd32(p + 1));
	if (!h->vp)
		return SW_QUIC_UNSUPPORTED_VERSION;
	h->ptype = h->vp->ptype[(p[0] >> 4) & 3];

	h->dcid_len = p[5];
	if (h->dcid_len > SW_QUIC_CID_MAX)
		return SW_QUIC_BAD_HEADER;
	off = 6;
	if (len - off < (uint32_t)h->dcid_len + 1)
		return SW_QUIC_TRUNCATED;
	h->dcid = p + off;
	off += h->dcid_len;
	h->scid_len = p[off++];
	if (h->scid_len > SW_QUIC_CID_MAX)
		return SW_QUIC_BAD_HEADER;
	if (len - off < h->scid_len)
		return SW_QUIC_TRUNCATED;
	h->scid = p + off;
	off += h->scid_len;

	/* A Retry has no Length field, so nothing after it can be found. */
	if (h->ptype == QUIC_PT_RETRY) {
		h->pn_off = off;
		h->end = len;
		return SW_QUIC_OK;
	}
	if (h->ptype == QUIC_PT_INITIAL) {
		if (quic_varint(p, len, &off, &token_len))
			return SW_QUIC_TRUNCATED;
		if (token_len > len - off)
			return SW_QUIC_TRUNCATED;
		off += (uint32_t)token_len;
	}
	if (quic_varint(p, len, &off, &length))
		return SW_QUIC_TRUNCATED;
	/* The header protection sample starts 4 bytes after the packet
	 * number, whatever its length (RFC 9001 section 5.4.2). */
	if (h->ptype == QUIC_PT_INITIAL &&
	    length < QUIC_PN_MAX_LEN + QUIC_SAMPLE_LEN)
		return SW_QUIC_BAD_HEADER;
	if (length > len - off)
		return SW_QUIC_TRUNCATED;
	h->pn_off = off;
	h->end = off + (uint32_t)length;
	return SW_QUIC_OK;
}

/*
 * HKDF (RFC 5869) over HMAC-SHA-256. Every output here is at most one hash
 * long, so Expand is a single block, T(1) = HMAC(PRK, info | 0x01). HMAC
 * through EVP_MAC rather than EVP_KDF: the KDF sets up a fresh HMAC (and
 * fetches it again) on every call, several times the cost of the hashing
 * itself, and a derivation takes five of them per Initial.
 */
/* HMAC of data under key; a NULL key keeps c's last key. */
static int quic_hmac(EVP_MAC_CTX *c, const uint8_t *key, size_t key_len,
		     const uint8_t *data, size_t data_len, uint8_t *out,
		     size_t out_len)
{
	uint8_t md[QUIC_SECRET_LEN];
	size_t md_len = 0;

	/* A zero-length DCID is legal after a Retry: no update at all. */
	if (EVP_MAC_init(c, key, key ? key_len : 0, NULL) != 1 ||
	    (data_len && EVP_MAC_update(c, data, data_len) != 1) ||
	    EVP_MAC_final(c, md, &md_len, sizeof(md)) != 1 ||
	    md_len != sizeof(md) || out_len > md_len)
		return -1;
	memcpy(out, md, out_len);
	return 0;
}

/*
 * The HkdfLabel of TLS 1.3 (RFC 8446 section 7.1) with an empty context,
 * followed by HKDF-Expand's block counter 0x01. Returns its length, or 0
 * if it does not fit.
 */
static size_t quic_hkdf_label(uint8_t *info, size_t size, const char *label,
			      size_t out_len)
{
	static const char prefix[] = "tls13 ";
	size_t plen = sizeof(prefix) - 1, llen = strlen(label), n = 0;

	if (plen + llen > 255 || 5 + plen + llen > size || out_len > 0xffff)
		return 0;
	info[n++] = (uint8_t)(out_len >> 8);
	info[n++] = (uint8_t)out_len;
	info[n++] = (uint8_t)(plen + llen);
	memcpy(info + n, prefix, plen);
	n += plen;
	memcpy(info + n, label, llen);
	n += llen;
	info[n++] = 0; /* context length */
	info[n++] = 1; /* T(1) */
	return n;
}

/*
 * HKDF-Expand-Label of secret (RFC 8446 section 7.1), out_len <= 32. A NULL
 * secret means the one c was last keyed with.
 */
static int quic_hkdf_expand_label(EVP_MAC_CTX *c, const uint8_t *secret,
				  const char *label, uint8_t *out,
				  size_t out_len)
{
	uint8_t info[64];
	size_t info_len = quic_hkdf_label(info, sizeof(info), label, out_len);

	if (!info_len)
		return -1;
	return quic_hmac(c, secret, QUIC_SECRET_LEN, info, info_len, out,
			 out_len);
}

/*
 * HMAC contexts kept per thread, as setting one up costs more than the
 * hashing a derivation does: salted[i] is keyed with quic_versions[i]'s
 * salt, so Extract rehashes no key pads; work takes the secrets.
 */
struct quic_macs {
	EVP_MAC_CTX *salted[sizeof(quic_versions) / sizeof(quic_versions[0])];
	EVP_MAC_CTX *work;
};

static pthread_once_t quic_macs_once = PTHREAD_ONCE_INIT;
static pthread_key_t quic_macs_key;
static int quic_macs_key_ok;

static void quic_macs_free(void *arg)
{
	struct quic_macs *m = arg;
	size_t i;

	if (!m)
		return;
	for (i = 0; i < sizeof(m->salted) / sizeof(m->salted[0]); i++)
		EVP_MAC_CTX_free(m->salted[i]);
	EVP_MAC_CTX_free(m->work);
	free(m);
}

static void quic_macs_key_create(void)
{
	quic_macs_key_ok =
		pthread_key_create(&quic_macs_key, quic_macs_free) == 0;
}

/* This thread's contexts, made at its first derivation; NULL on failure. */
static struct quic_macs *quic_macs_get(void)
{
	struct quic_macs *m;
	size_t i;

	pthread_once(&quic_macs_once, quic_macs_key_create);
	if (!quic_macs_key_ok)
		return NULL;
	m = pthread_getspecific(quic_macs_key);
	if (m)
		return m;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->work = sw_crypto_hmac_sha256();
	if (!m->work)
		goto fail;
	for (i = 0; i < sizeof(m->salted) / sizeof(m->salted[0]); i++) {
		m->salted[i] = sw_crypto_hmac_sha256();
		if (!m->salted[i] ||
		    EVP_MAC_init(m->salted[i], quic_versions[i].salt,
				 sizeof(quic_versions[i].salt), NULL) != 1)
			goto fail;
	}
	if (pthread_setspecific(quic_macs_key, m) != 0)
		goto fail;
	return m;
fail:
	quic_macs_free(m);
	return NULL;
}

static int quic_derive(const struct quic_version_params *vp,
		       const uint8_t *dcid, uint32_t dcid_len,
		       struct sw_quic_keys *k)
{
	uint8_t initial_secret[QUIC_SECRET_LEN];
	struct quic_macs *m;
	int ret = SW_QUIC_LIB_ERROR;

	if (dcid_len > SW_QUIC_CID_MAX)
		return SW_QUIC_BAD_HEADER;
	m = quic_macs_get();
	if (!m)
		return SW_QUIC_LIB_ERROR;
	/* HKDF-Extract(salt, DCID) is HMAC keyed with the salt. key, iv and
	 * hp are all expanded from the same secret: its pads once. */
	if (quic_hmac(m->salted[vp - quic_versions], NULL, 0, dcid, dcid_len,
		      initial_secret, sizeof(initial_secret)) ||
	    quic_hkdf_expand_label(m->work, initial_secret, "client in",
				   k->secret, sizeof(k->secret)) ||
	    quic_hkdf_expand_label(m->work, k->secret, vp->key_label, k->key,
				   sizeof(k->key)) ||
	    quic_hkdf_expand_label(m->work, NULL, vp->iv_label, k->iv,
				   sizeof(k->iv)) ||
	    quic_hkdf_expand_label(m->work, NULL, vp->hp_label, k->hp,
				   sizeof(k->hp)))
		goto cleanup;
	ret = SW_QUIC_OK;
cleanup:
	OPENSSL_cleanse(initial_secret, sizeof(initial_secret));
	return ret;
}

int sw_quic_initial_keys(uint32_t version, const uint8_t *dcid,
			 uint32_t dcid_len, struct sw_quic_keys *k)
{
	const struct quic_version_params *vp = quic_version_find(version);

	if (!vp)
		return SW_QUIC_UNSUPPORTED_VERSION;
	return quic_derive(vp, dcid, dcid_len, k);
}

static int quic_hp_mask_ctx(EVP_CIPHER_CTX *cctx, const uint8_t hp[16],
			    const uint8_t sample[QUIC_SAMPLE_LEN],
			    uint8_t mask[5])
{
	uint8_t block[QUIC_SAMPLE_LEN];
	int outl = 0;

	if (EVP_CIPHER_CTX_reset(cctx) != 1 ||
	    EVP_EncryptInit_ex(cctx, sw_crypto_aes128_ecb(), NULL, hp, NULL) !=
		    1 ||
	    EVP_CIPHER_CTX_set_padding(cctx, 0) != 1 ||
	    EVP_EncryptUpdate(cctx, block, &outl, sample, QUIC_SAMPLE_LEN) !=
		    1 ||
	    outl != QUIC_SAMPLE_LEN)
		return SW_QUIC_LIB_ERROR;
	memcpy(mask, block, 5);
	return SW_QUIC_OK;
}

int sw_quic_hp_mask(const uint8_t hp[16], const uint8_t sample[16],
		    uint8_t mask[5])
{
	EVP_CIPHER_CTX *cctx = EVP_CIPHER_CTX_new();
	int ret;

	if (!cctx)
		return SW_QUIC_LIB_ERROR;
	ret = quic_hp_mask_ctx(cctx, hp, sample, mask);
	EVP_CIPHER_CTX_free(cctx);
	return ret;
}

/* Full packet number from its truncated form (RFC 9000 appendix A.3). */
static uint64_t quic_pn_decode(uint64_t expected, uint64_t truncated,
			       unsigned int nbits)
{
	uint64_t win = 1ULL << nbits, hwin = win / 2;
	uint64_t candidate = (expected & ~(win - 1)) | truncated;

	if (candidate + hwin <= expected && candidate < (1ULL << 62) - win)
		return candidate + win;
	if (candidate > expected + hwin && candidate >= win)
		return candidate - win;
	return candidate;
}

/*
 * Remove header protection and decrypt one Initial into out, which holds at
 * least h->end bytes. On success *out_len is the plaintext length and *pn
 * the packet number.
 */
static int quic_decrypt(EVP_CIPHER_CTX *cctx, const struct sw_quic_keys *k,
			const uint8_t *pkt, const struct quic_hdr *h,
			uint64_t pn_expected, uint8_t *out, uint32_t *out_len,
			uint64_t *pn)
{
	uint8_t mask[5], first, pnb[QUIC_PN_MAX_LEN], nonce[12];
	uint32_t pn_len, ct_off, ct_len, i;
	uint64_t truncated = 0;
	int outl = 0, ret;

	ret = quic_hp_mask_ctx(cctx, k->hp, pkt + h->pn_off + QUIC_PN_MAX_LEN,
			       mask);
	if (ret)
		return ret;
	first = pkt[0] ^ (mask[0] & 0x0f); /* long header: 4 bits */
	pn_len = (first & 3) + 1;
	for (i = 0; i < pn_len; i++) {
		pnb[i] = pkt[h->pn_off + i] ^ mask[1 + i];
		truncated = (truncated << 8) | pnb[i];
	}
	*pn = quic_pn_decode(pn_expected, truncated, pn_len * 8);

	/* RFC 9001 section 5.3: nonce = iv XOR the packet number, left
	 * padded to the IV length, in network byte order. */
	memcpy(nonce, k->iv, sizeof(nonce));
	for (i = 0; i < 8; i++)
		nonce[11 - i] ^= (uint8_t)(*pn >> (8 * i));

	ct_off = h->pn_off + pn_len;
	ct_len = h->end - ct_off - QUIC_TAG_LEN; /* end >= pn_off + 20 */

	/* The AAD is the header as sent, without its protection: fed in
	 * three pieces rather than copied, as a token can make it long. */
	if (EVP_CIPHER_CTX_reset(cctx) != 1 ||
	    EVP_DecryptInit_ex(cctx, sw_crypto_aes128_gcm(), NULL, NULL,
			       NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cctx, EVP_CTRL_GCM_SET_IVLEN, sizeof(nonce),
				NULL) != 1 ||
	    EVP_DecryptInit_ex(cctx, NULL, NULL, k->key, nonce) != 1 ||
	    EVP_DecryptUpdate(cctx, NULL, &outl, &first, 1) != 1 ||
	    EVP_DecryptUpdate(cctx, NULL, &outl, pkt + 1, (int)h->pn_off - 1) !=
		    1 ||
	    EVP_DecryptUpdate(cctx, NULL, &outl, pnb, (int)pn_len) != 1)
		return SW_QUIC_LIB_ERROR;
	if (ct_len && (EVP_DecryptUpdate(cctx, out, &outl, pkt + ct_off,
					 (int)ct_len) != 1 ||
		       (uint32_t)outl != ct_len))
		return SW_QUIC_LIB_ERROR;
	if (EVP_CIPHER_CTX_ctrl(cctx, EVP_CTRL_GCM_SET_TAG, QUIC_TAG_LEN,
				(void *)(pkt + h->end - QUIC_TAG_LEN)) != 1)
		return SW_QUIC_LIB_ERROR;
	if (EVP_DecryptFinal_ex(cctx, out + ct_len, &outl) != 1)
		return SW_QUIC_DECRYPT_FAILED;
	/* Reserved bits are checked only once the packet is authentic
	 * (RFC 9000 section 17.2). */
	if (first & 0x0c)
		return SW_QUIC_BAD_HEADER;
	*out_len = ct_len;
	return SW_QUIC_OK;
}

/* Add CRYPTO data at off; the first copy of a byte wins. */
static int quic_crypto_add(struct sw_quic_crypto *c, uint64_t off,
			   const uint8_t *d, uint64_t len)
{
	uint64_t end = off + len, keep, i; /* both < 2^62: no overflow */

	if (off < SW_QUIC_CRYPTO_MAX) {
		keep = (end < SW_QUIC_CRYPTO_MAX ? end : SW_QUIC_CRYPTO_MAX);
		for (i = off; i < keep; i++) {
			if (c->have[i / 8] & (1u << (i % 8)))
				continue;
			c->have[i / 8] |= (uint8_t)(1u << (i % 8));
			c->data[i] = d[i - off];
			c->received++;
		}
		while (c->contiguous < SW_QUIC_CRYPTO_MAX &&
		       (c->have[c->contiguous / 8] &
			(1u << (c->contiguous % 8))))
			c->contiguous++;
	}
	return end > SW_QUIC_CRYPTO_MAX ? SW_QUIC_CRYPTO_OVERFLOW : SW_QUIC_OK;
}

/*
 * Walk the frames of a decrypted Initial (RFC 9000 section 19). Overflow
 * does not stop the walk: a later frame may fill a hole lower down.
 */
static int quic_walk_frames(const uint8_t *f, uint32_t len,
			    struct sw_quic_crypto *c)
{
	uint64_t a, b, count, n;
	uint32_t off = 0;
	int overflow = 0;
	uint8_t type;

	if (len == 0) /* RFC 9000 section 12.4: a packet has a frame */
		return SW_QUIC_BAD_FRAME;
	while (off < len) {
		type = f[off++];
		switch (type) {
		case QUIC_FRAME_PADDING:
		case QUIC_FRAME_PING:
			break;
		case QUIC_FRAME_ACK:
		case QUIC_FRAME_ACK_ECN:
			/* Largest, delay, range count, first range. */
			if (quic_varint(f, len, &off, &a) ||
			    quic_varint(f, len, &off, &a) ||
			    quic_varint(f, len, &off, &count) ||
			    quic_varint(f, len, &off, &a))
				return SW_QUIC_BAD_FRAME;
			/* Each range takes 2 bytes or more: bounded by len. */
			for (n = 0; n < count; n++)
				if (quic_varint(f, len, &off, &a) ||
				    quic_varint(f, len, &off, &b))
					return SW_QUIC_BAD_FRAME;
			if (type == QUIC_FRAME_ACK_ECN &&
			    (quic_varint(f, len, &off, &a) ||
			     quic_varint(f, len, &off, &a) ||
			     quic_varint(f, len, &off, &a)))
				return SW_QUIC_BAD_FRAME;
			break;
		case QUIC_FRAME_CRYPTO:
			if (quic_varint(f, len, &off, &a) ||
			    quic_varint(f, len, &off, &b) || b > len - off ||
			    a + b > QUIC_VARINT_MAX)
				return SW_QUIC_BAD_FRAME;
			if (quic_crypto_add(c, a, f + off, b))
				overflow = 1;
			off += (uint32_t)b;
			break;
		case QUIC_FRAME_CONNECTION_CLOSE:
			/* Error code, frame type, reason phrase. */
			if (quic_varint(f, len, &off, &a) ||
			    quic_varint(f, len, &off, &a) ||
			    quic_varint(f, len, &off, &b) || b > len - off)
				return SW_QUIC_BAD_FRAME;
			off += (uint32_t)b;
			break;
		default:
			return SW_QUIC_UNEXPECTED_FRAME;
		}
	}
	return overflow ? SW_QUIC_CRYPTO_OVERFLOW : SW_QUIC_OK;
}

static int quic_same_dcid(const struct quic_hdr *a, const struct quic_hdr *b)
{
	return a->vp == b->vp && a->dcid_len == b->dcid_len &&
	       !memcmp(a->dcid, b->dcid, a->dcid_len);
}

/* Decrypt one Initial and take in its frames. */
static int quic_take_initial(EVP_CIPHER_CTX *cctx, const struct sw_quic_keys *k,
			     const uint8_t *pkt, const struct quic_hdr *h,
			     struct sw_quic_crypto *c)
{
	uint32_t pt_len = 0;
	uint64_t pn = 0;
	uint8_t *pt;
	int ret;

	pt = malloc(h->end); /* more than the plaintext needs */
	if (!pt)
		return SW_QUIC_LIB_ERROR;
	ret = quic_decrypt(cctx, k, pkt, h, c->pn_expected, pt, &pt_len, &pn);
	if (ret)
		goto cleanup;
	if (!c->version) {
		c->version = h->vp->version;
		c->dcid_len = h->dcid_len;
		memcpy(c->dcid, h->dcid, h->dcid_len);
		c->scid_len = h->scid_len;
		memcpy(c->scid, h->scid, h->scid_len);
	}
	c->initials++;
	if (pn + 1 > c->pn_expected)
		c->pn_expected = pn + 1;
	ret = quic_walk_frames(pt, pt_len, c);
cleanup:
	free(pt);
	return ret;
}

int sw_quic_parse_initial(const uint8_t *p, uint32_t len,
			  struct sw_quic_crypto *c)
{
	EVP_CIPHER_CTX *cctx = NULL;
	struct sw_quic_keys keys;
	struct quic_hdr first = { 0 }, h;
	uint32_t off = 0, initials = 0;
	int ret, overflow = 0;

	/* The bound keeps every offset and length well inside an int, which
	 * is what OpenSSL takes. */
	if (len == 0 || len > SW_QUIC_DATAGRAM_MAX || !(p[0] & 0x80))
		return SW_QUIC_NOT_QUIC;
	/* RFC 9000 section 12.2: coalesced packets follow one another; the
	 * walk ends at a short header or at padding, whose first bit is 0. */
	while (off < len && (p[off] & 0x80)) {
		ret = quic_parse_long_header(p + off, len - off, &h);
		if (ret)
			goto cleanup;
		if (off == 0)
			first = h;
		if (h.ptype == QUIC_PT_RETRY)
			break;
		/* Section 12.2 again: a packet with another DCID is not part
		 * of this connection and is ignored. */
		if (h.ptype == QUIC_PT_INITIAL && quic_same_dcid(&first, &h)) {
			if (!cctx) {
				ret = quic_derive(h.vp, h.dcid, h.dcid_len,
						  &keys);
				if (ret)
					goto cleanup;
				cctx = EVP_CIPHER_CTX_new();
				if (!cctx) {
					ret = SW_QUIC_LIB_ERROR;
					goto cleanup;
				}
			}
			ret = quic_take_initial(cctx, &keys, p + off, &h, c);
			if (ret == SW_QUIC_CRYPTO_OVERFLOW)
				overflow = 1;
			else if (ret)
				goto cleanup;
			initials++;
		}
		off += h.end;
	}
	if (!initials)
		ret = SW_QUIC_NOT_INITIAL;
	else
		ret = overflow ? SW_QUIC_CRYPTO_OVERFLOW : SW_QUIC_OK;
cleanup:
	EVP_CIPHER_CTX_free(cctx);
	return ret;
}

static const char *const quic_reason_names[SW_QUIC_REASON_MAX] = {
	[SW_QUIC_OK] = "ok",
	[SW_QUIC_NOT_QUIC] = "not_quic",
	[SW_QUIC_UNSUPPORTED_VERSION] = "unsupported_version",
	[SW_QUIC_TRUNCATED] = "truncated",
	[SW_QUIC_BAD_HEADER] = "bad_header",
	[SW_QUIC_DECRYPT_FAILED] = "decrypt_failed",
	[SW_QUIC_BAD_FRAME] = "bad_frame",
	[SW_QUIC_CRYPTO_OVERFLOW] = "crypto_overflow",
	[SW_QUIC_UNEXPECTED_FRAME] = "unexpected_frame",
	[SW_QUIC_NOT_INITIAL] = "not_initial",
	[SW_QUIC_LIB_ERROR] = "lib_error",
};

const char *sw_quic_reason_name(int reason)
{
	if (reason < 0 || reason >= SW_QUIC_REASON_MAX ||
	    !quic_reason_names[reason])
		return "unknown";
	return quic_reason_names[reason];
}
