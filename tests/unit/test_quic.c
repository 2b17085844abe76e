// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of QUIC client Initial decryption (src/decode/decode-quic.c).
 *
 * The known answers are the sample packets of RFC 9001 appendix A (QUIC
 * version 1) and RFC 9369 appendix A (version 2). Other cases are built
 * here by a small packet protector written against libcrypto; it is first
 * checked to rebuild the RFC 9001 sample byte for byte, so the packets it
 * makes are known to be what a client would send.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <pcap/pcap.h>

#include "decode/decode.h"
#include "decode/quic.h"

#define EXPECT_EQ(what, actual, expected)                                      \
	do {                                                                   \
		uint64_t got_ = (uint64_t)(actual);                            \
		uint64_t want_ = (uint64_t)(expected);                         \
		if (got_ != want_)                                             \
			fail_msg("%s: got %" PRIu64 ", want %" PRIu64, (what), \
				 got_, want_);                                 \
	} while (0)

/* Compare verdicts by name, which reads better in a failure. */
#define EXPECT_REASON(what, actual, expected)                   \
	do {                                                    \
		int got_ = (actual), want_ = (expected);        \
		if (got_ != want_)                              \
			fail_msg("%s: got %s, want %s", (what), \
				 sw_quic_reason_name(got_),     \
				 sw_quic_reason_name(want_));   \
	} while (0)

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))
#define PKT_MAX 4096

/* RFC 9001 appendix A and RFC 9369 appendix A share these inputs. */
static const char dcid_hex[] = "8394c8f03e515708";

/* The CRYPTO frame of both client Initial samples: ClientHello of 241. */
static const char crypto_frame_hex[] =
	"060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868"
	"04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578"
	"616d706c652e636f6dff01000100000a00080006001d00170018001000070005"
	"04616c706e000500050100000000003300260024001d00209370b2c9caa47fba"
	"baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400"
	"0d0010000e0403050306030203080408050806002d00020101001c0002400100"
	"3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000"
	"75300901100f088394c8f03e51570806048000ffff";

static const char v1_packet_hex[] =
	"c000000001088394c8f03e5157080000449e7b9aec34d1b1c98dd7689fb8ec11"
	"d242b123dc9bd8bab936b47d92ec356c0bab7df5976d27cd449f63300099f399"
	"1c260ec4c60d17b31f8429157bb35a1282a643a8d2262cad67500cadb8e7378c"
	"8eb7539ec4d4905fed1bee1fc8aafba17c750e2c7ace01e6005f80fcb7df6212"
	"30c83711b39343fa028cea7f7fb5ff89eac2308249a02252155e2347b63d58c5"
	"457afd84d05dfffdb20392844ae812154682e9cf012f9021a6f0be17ddd0c208"
	"4dce25ff9b06cde535d0f920a2db1bf362c23e596d11a4f5a6cf3948838a3aec"
	"4e15daf8500a6ef69ec4e3feb6b1d98e610ac8b7ec3faf6ad760b7bad1db4ba3"
	"485e8a94dc250ae3fdb41ed15fb6a8e5eba0fc3dd60bc8e30c5c4287e53805db"
	"059ae0648db2f64264ed5e39be2e20d82df566da8dd5998ccabdae053060ae6c"
	"7b4378e846d29f37ed7b4ea9ec5d82e7961b7f25a9323851f681d582363aa5f8"
	"9937f5a67258bf63ad6f1a0b1d96dbd4faddfcefc5266ba6611722395c906556"
	"be52afe3f565636ad1b17d508b73d8743eeb524be22b3dcbc2c7468d54119c74"
	"68449a13d8e3b95811a198f3491de3e7fe942b330407abf82a4ed7c1b311663a"
	"c69890f4157015853d91e923037c227a33cdd5ec281ca3f79c44546b9d90ca00"
	"f064c99e3dd97911d39fe9c5d0b23a229a234cb36186c4819e8b9c5927726632"
	"291d6a418211cc2962e20fe47feb3edf330f2c603a9d48c0fcb5699dbfe58964"
	"25c5bac4aee82e57a85aaf4e2513e4f05796b07ba2ee47d80506f8d2c25e50fd"
	"14de71e6c418559302f939b0e1abd576f279c4b2e0feb85c1f28ff18f58891ff"
	"ef132eef2fa09346aee33c28eb130ff28f5b766953334113211996d20011a198"
	"e3fc433f9f2541010ae17c1bf202580f6047472fb36857fe843b19f5984009dd"
	"c324044e847a4f4a0ab34f719595de37252d6235365e9b84392b061085349d73"
	"203a4a13e96f5432ec0fd4a1ee65accdd5e3904df54c1da510b0ff20dcc0c77f"
	"cb2c0e0eb605cb0504db87632cf3d8b4dae6e705769d1de354270123cb11450e"
	"fc60ac47683d7b8d0f811365565fd98c4c8eb936bcab8d069fc33bd801b03ade"
	"a2e1fbc5aa463d08ca19896d2bf59a071b851e6c239052172f296bfb5e724047"
	"90a2181014f3b94a4e97d117b438130368cc39dbb2d198065ae3986547926cd2"
	"162f40a29f0c3c8745c0f50fba3852e566d44575c29d39a03f0cda721984b6f4"
	"40591f355e12d439ff150aab7613499dbd49adabc8676eef023b15b65bfc5ca0"
	"6948109f23f350db82123535eb8a7433bdabcb909271a6ecbcb58b936a88cd4e"
	"8f2e6ff5800175f113253d8fa9ca8885c2f552e657dc603f252e1a8e308f76f0"
	"be79e2fb8f5d5fbbe2e30ecadd220723c8c0aea8078cdfcb3868263ff8f09400"
	"54da48781893a7e49ad5aff4af300cd804a6b6279ab3ff3afb64491c85194aab"
	"760d58a606654f9f4400e8b38591356fbf6425aca26dc85244259ff2b19c41b9"
	"f96f3ca9ec1dde434da7d2d392b905ddf3d1f9af93d1af5950bd493f5aa731b4"
	"056df31bd267b6b90a079831aaf579be0a39013137aac6d404f518cfd4684064"
	"7e78bfe706ca4cf5e9c5453e9f7cfd2b8b4c8d169a44e55c88d4a9a7f9474241"
	"e221af44860018ab0856972e194cd934";

static const char v2_packet_hex[] =
	"d76b3343cf088394c8f03e5157080000449ea0c95e82ffe67b6abcdb4298b485"
	"dd04de806071bf03dceebfa162e75d6c96058bdbfb127cdfcbf903388e99ad04"
	"9f9a3dd4425ae4d0992cfff18ecf0fdb5a842d09747052f17ac2053d21f57c5d"
	"250f2c4f0e0202b70785b7946e992e58a59ac52dea6774d4f03b55545243cf1a"
	"12834e3f249a78d395e0d18f4d766004f1a2674802a747eaa901c3f10cda5500"
	"cb9122faa9f1df66c392079a1b40f0de1c6054196a11cbea40afb6ef5253cd68"
	"18f6625efce3b6def6ba7e4b37a40f7732e093daa7d52190935b8da58976ff33"
	"12ae50b187c1433c0f028edcc4c2838b6a9bfc226ca4b4530e7a4ccee1bfa2a3"
	"d396ae5a3fb512384b2fdd851f784a65e03f2c4fbe11a53c7777c023462239dd"
	"6f7521a3f6c7d5dd3ec9b3f233773d4b46d23cc375eb198c63301c21801f6520"
	"bcfb7966fc49b393f0061d974a2706df8c4a9449f11d7f3d2dcbb90c6b877045"
	"636e7c0c0fe4eb0f697545460c806910d2c355f1d253bc9d2452aaa549e27a1f"
	"ac7cf4ed77f322e8fa894b6a83810a34b361901751a6f5eb65a0326e07de7c12"
	"16ccce2d0193f958bb3850a833f7ae432b65bc5a53975c155aa4bcb4f7b2c4e5"
	"4df16efaf6ddea94e2c50b4cd1dfe06017e0e9d02900cffe1935e0491d77ffb4"
	"fdf85290fdd893d577b1131a610ef6a5c32b2ee0293617a37cbb08b847741c3b"
	"8017c25ca9052ca1079d8b78aebd47876d330a30f6a8c6d61dd1ab5589329de7"
	"14d19d61370f8149748c72f132f0fc99f34d766c6938597040d8f9e2bb522ff9"
	"9c63a344d6a2ae8aa8e51b7b90a4a806105fcbca31506c446151adfeceb51b91"
	"abfe43960977c87471cf9ad4074d30e10d6a7f03c63bd5d4317f68ff325ba3bd"
	"80bf4dc8b52a0ba031758022eb025cdd770b44d6d6cf0670f4e990b22347a7db"
	"848265e3e5eb72dfe8299ad7481a408322cac55786e52f633b2fb6b614eaed18"
	"d703dd84045a274ae8bfa73379661388d6991fe39b0d93debb41700b41f90a15"
	"c4d526250235ddcd6776fc77bc97e7a417ebcb31600d01e57f32162a8560cacc"
	"7e27a096d37a1a86952ec71bd89a3e9a30a2a26162984d7740f81193e8238e61"
	"f6b5b984d4d3dfa033c1bb7e4f0037febf406d91c0dccf32acf423cfa1e70710"
	"10d3f270121b493ce85054ef58bada42310138fe081adb04e2bd901f2f13458b"
	"3d6758158197107c14ebb193230cd1157380aa79cae1374a7c1e5bbcb80ee23e"
	"06ebfde206bfb0fcbc0edc4ebec309661bdd908d532eb0c6adc38b7ca7331dce"
	"8dfce39ab71e7c32d318d136b6100671a1ae6a6600e3899f31f0eed19e3417d1"
	"34b90c9058f8632c798d4490da4987307cba922d61c39805d072b589bd52fdf1"
	"e86215c2d54e6670e07383a27bbffb5addf47d66aa85a0c6f9f32e59d85a44dd"
	"5d3b22dc2be80919b490437ae4f36a0ae55edf1d0b5cb4e9a3ecabee93dfc6e3"
	"8d209d0fa6536d27a5d6fbb17641cde27525d61093f1b28072d111b2b4ae5f89"
	"d5974ee12e5cf7d5da4d6a31123041f33e61407e76cffcdcfd7e19ba58cf4b53"
	"6f4c4938ae79324dc402894b44faf8afbab35282ab659d13c93f70412e85cb19"
	"9a37ddec600545473cfb5a05e08d0b209973b2172b4d21fb69745a262ccde96b"
	"a18b2faa745b6fe189cf772a9f84cbfc";

static size_t unhex(const char *s, uint8_t *out, size_t size)
{
	size_t n = strlen(s) / 2, i;
	unsigned int b;

	if (n > size)
		fail_msg("unhex: %zu bytes do not fit in %zu", n, size);
	for (i = 0; i < n; i++) {
		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			fail_msg("unhex: bad digit at %zu", 2 * i);
		out[i] = (uint8_t)b;
	}
	return n;
}

static void expect_bytes(const char *what, const uint8_t *got,
			 const uint8_t *want, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (got[i] != want[i])
			fail_msg("%s: byte %zu: got %02x, want %02x", what, i,
				 got[i], want[i]);
}

static void expect_hex(const char *what, const uint8_t *got, const char *hex)
{
	uint8_t want[PKT_MAX];
	size_t n = unhex(hex, want, sizeof(want));

	expect_bytes(what, got, want, n);
}

/* The ClientHello of the samples: the CRYPTO frame minus 06 00 40f1. */
static size_t sample_client_hello(uint8_t *out, size_t size)
{
	uint8_t frame[512];
	size_t n = unhex(crypto_frame_hex, frame, sizeof(frame));

	/* CRYPTO, offset 0, length 0x0f1 on 2 bytes: 241 bytes follow. */
	if (n != 4 + 241 || size < 241)
		fail_msg("sample_client_hello: %zu bytes, buffer of %zu", n,
			 size);
	memcpy(out, frame + 4, 241);
	return 241;
}

static size_t put_varint(uint8_t *p, uint64_t v)
{
	if (v < 0x40) {
		p[0] = (uint8_t)v;
		return 1;
	}
	if (v < 0x4000) {
		p[0] = (uint8_t)(0x40 | (v >> 8));
		p[1] = (uint8_t)v;
		return 2;
	}
	p[0] = (uint8_t)(0x80 | (v >> 24));
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return 4;
}

/* What the test protector puts in a client Initial. */
struct initial_spec {
	uint32_t version;
	const uint8_t *dcid;
	uint8_t dcid_len;
	const uint8_t *scid;
	uint8_t scid_len;
	uint32_t pn;
	uint8_t pn_len; /* 1..4 */
	uint8_t reserved; /* reserved header bits, normally 0 */
	const uint8_t *frames;
	size_t frames_len;
};

/*
 * Protect a client Initial as RFC 9001 section 5 says a sender does:
 * encrypt the payload with the header as AAD, then mask the header.
 * Returns the packet length.
 */
static size_t protect_initial(const struct initial_spec *s, uint8_t *out)
{
	struct sw_quic_keys k;
	uint8_t nonce[12], mask[5], type_bits;
	size_t n = 0, pn_off, i;
	EVP_CIPHER_CTX *ctx;
	int outl;

	EXPECT_REASON(
		"protect: keys",
		sw_quic_initial_keys(s->version, s->dcid, s->dcid_len, &k),
		SW_QUIC_OK);
	type_bits = s->version == SW_QUIC_VERSION_2 ? 1 : 0;
	out[n++] = (uint8_t)(0xc0 | (type_bits << 4) | (s->reserved << 2) |
			     (s->pn_len - 1));
	out[n++] = (uint8_t)(s->version >> 24);
	out[n++] = (uint8_t)(s->version >> 16);
	out[n++] = (uint8_t)(s->version >> 8);
	out[n++] = (uint8_t)s->version;
	out[n++] = s->dcid_len;
	memcpy(out + n, s->dcid, s->dcid_len);
	n += s->dcid_len;
	out[n++] = s->scid_len;
	if (s->scid_len) /* scid may be NULL */
		memcpy(out + n, s->scid, s->scid_len);
	n += s->scid_len;
	out[n++] = 0; /* token length */
	/* Length, always on 2 bytes as the samples have it. */
	i = s->pn_len + s->frames_len + 16;
	out[n++] = (uint8_t)(0x40 | (i >> 8));
	out[n++] = (uint8_t)i;
	pn_off = n;
	for (i = 0; i < s->pn_len; i++)
		out[n++] = (uint8_t)(s->pn >> (8 * (s->pn_len - 1 - i)));

	memcpy(nonce, k.iv, sizeof(nonce));
	for (i = 0; i < 4; i++)
		nonce[11 - i] ^= (uint8_t)(s->pn >> (8 * i));
	ctx = EVP_CIPHER_CTX_new();
	assert_non_null(ctx);
	assert_int_equal(
		EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, k.key, nonce),
		1);
	assert_int_equal(EVP_EncryptUpdate(ctx, NULL, &outl, out, (int)n), 1);
	if (s->frames_len)
		assert_int_equal(EVP_EncryptUpdate(ctx, out + n, &outl,
						   s->frames,
						   (int)s->frames_len),
				 1);
	n += s->frames_len;
	assert_int_equal(EVP_EncryptFinal_ex(ctx, out + n, &outl), 1);
	assert_int_equal(
		EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out + n), 1);
	n += 16;
	EVP_CIPHER_CTX_free(ctx);

	EXPECT_REASON("protect: mask",
		      sw_quic_hp_mask(k.hp, out + pn_off + 4, mask),
		      SW_QUIC_OK);
	out[0] ^= mask[0] & 0x0f;
	for (i = 0; i < s->pn_len; i++)
		out[pn_off + i] ^= mask[1 + i];
	return n;
}

static void test_v1_keys(void **state)
{
	struct sw_quic_keys k;
	uint8_t dcid[8], mask[5], sample[16];

	(void)state;
	unhex(dcid_hex, dcid, sizeof(dcid));
	EXPECT_REASON("derive",
		      sw_quic_initial_keys(SW_QUIC_VERSION_1, dcid, 8, &k),
		      SW_QUIC_OK);
	expect_hex("client_initial_secret", k.secret,
		   "c00cf151ca5be075ed0ebfb5c80323c4"
		   "2d6b7db67881289af4008f1f6c357aea");
	expect_hex("key", k.key, "1f369613dd76d5467730efcbe3b1a22d");
	expect_hex("iv", k.iv, "fa044b2f42a3fd3b46fb255c");
	expect_hex("hp", k.hp, "9f50449e04a0e810283a1e9933adedd2");

	unhex("d1b1c98dd7689fb8ec11d242b123dc9b", sample, sizeof(sample));
	EXPECT_REASON("mask", sw_quic_hp_mask(k.hp, sample, mask), SW_QUIC_OK);
	expect_hex("mask", mask, "437b9aec36");
}

static void test_v2_keys(void **state)
{
	struct sw_quic_keys k;
	uint8_t dcid[8], mask[5], sample[16];

	(void)state;
	unhex(dcid_hex, dcid, sizeof(dcid));
	EXPECT_REASON("derive",
		      sw_quic_initial_keys(SW_QUIC_VERSION_2, dcid, 8, &k),
		      SW_QUIC_OK);
	expect_hex("client_initial_secret", k.secret,
		   "14ec9d6eb9fd7af83bf5a668bc17a7e2"
		   "83766aade7ecd0891f70f9ff7f4bf47b");
	expect_hex("key", k.key, "8b1a0bc121284290a29e0971b5cd045d");
	expect_hex("iv", k.iv, "91f73e2351d8fa91660e909f");
	expect_hex("hp", k.hp, "45b95e15235d6f45a6b19cbcb0294ba9");

	unhex("ffe67b6abcdb4298b485dd04de806071", sample, sizeof(sample));
	EXPECT_REASON("mask", sw_quic_hp_mask(k.hp, sample, mask), SW_QUIC_OK);
	expect_hex("mask", mask, "94a0c95e80");
}

static void check_sample_packet(const char *packet_hex, uint32_t version)
{
	static struct sw_quic_crypto c;
	uint8_t pkt[PKT_MAX], dcid[8], hello[512];
	size_t len = unhex(packet_hex, pkt, sizeof(pkt));
	size_t hello_len = sample_client_hello(hello, sizeof(hello));

	EXPECT_EQ("sample length", len, 1200);
	EXPECT_EQ("is_initial", sw_quic_is_initial(pkt, (uint32_t)len), 1);
	sw_quic_crypto_init(&c);
	EXPECT_REASON("parse", sw_quic_parse_initial(pkt, (uint32_t)len, &c),
		      SW_QUIC_OK);
	EXPECT_EQ("version", c.version, version);
	EXPECT_EQ("initials", c.initials, 1);
	EXPECT_EQ("dcid_len", c.dcid_len, 8);
	unhex(dcid_hex, dcid, sizeof(dcid));
	expect_bytes("dcid", c.dcid, dcid, 8);
	EXPECT_EQ("scid_len", c.scid_len, 0);
	EXPECT_EQ("contiguous", c.contiguous, hello_len);
	EXPECT_EQ("received", c.received, hello_len);
	EXPECT_EQ("next packet number", c.pn_expected, 3);
	/* A ClientHello (type 1) of 0xed bytes, then legacy_version 3,3. */
	expect_hex("handshake header", c.data, "010000ed0303");
	expect_bytes("ClientHello", c.data, hello, hello_len);
	if (!memmem(c.data, c.contiguous, "example.com", 11))
		fail_msg("SNI example.com not in the CRYPTO stream");
}

static void test_v1_sample_packet(void **state)
{
	(void)state;
	check_sample_packet(v1_packet_hex, SW_QUIC_VERSION_1);
}

static void test_v2_sample_packet(void **state)
{
	(void)state;
	check_sample_packet(v2_packet_hex, SW_QUIC_VERSION_2);
}

/* The test protector must rebuild RFC 9001 A.2 from its plaintext. */
static void test_protector_matches_rfc(void **state)
{
	static const struct {
		const char *hex;
		uint32_t version;
	} cases[] = {
		{ v1_packet_hex, SW_QUIC_VERSION_1 },
		{ v2_packet_hex, SW_QUIC_VERSION_2 },
	};
	uint8_t want[PKT_MAX], got[PKT_MAX], frames[1162] = { 0 }, dcid[8];
	struct initial_spec s = {
		.dcid = dcid,
		.dcid_len = 8,
		.pn = 2,
		.pn_len = 4,
		.frames = frames,
		.frames_len = sizeof(frames),
	};
	size_t i, n;

	(void)state;
	unhex(dcid_hex, dcid, sizeof(dcid));
	unhex(crypto_frame_hex, frames, sizeof(frames));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		s.version = cases[i].version;
		n = protect_initial(&s, got);
		EXPECT_EQ("protected length", n, 1200);
		unhex(cases[i].hex, want, sizeof(want));
		expect_bytes("protected packet", got, want, n);
	}
}

static size_t crypto_frame(uint8_t *p, uint64_t off, const uint8_t *d,
			   size_t len)
{
	size_t n = 0;

	p[n++] = 0x06;
	n += put_varint(p + n, off);
	n += put_varint(p + n, len);
	memcpy(p + n, d, len);
	return n + len;
}

/* The ClientHello split over two Initials that arrive out of order. */
static void test_split_out_of_order(void **state)
{
	static const uint8_t dcid2[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const uint8_t scid[] = { 0xaa, 0xbb, 0xcc, 0xdd };
	static struct sw_quic_crypto c;
	uint8_t hello[512], f1[1200] = { 0 }, f2[1200] = { 0 };
	uint8_t pkt1[PKT_MAX], pkt2[PKT_MAX], dcid[8];
	size_t hello_len = sample_client_hello(hello, sizeof(hello));
	size_t n1 = 0, n2 = 0, l1, l2;
	struct initial_spec s = {
		.version = SW_QUIC_VERSION_1,
		.dcid = dcid,
		.dcid_len = 8,
		.scid = scid,
		.scid_len = sizeof(scid),
		.pn_len = 1,
	};

	(void)state;
	unhex(dcid_hex, dcid, sizeof(dcid));
	/* Packet 0: bytes 0..99, and 90..129 again in an overlapping frame.
	 * Packet 1: bytes 100.., a PING and an ACK before them. */
	n1 += crypto_frame(f1 + n1, 90, hello + 90, 40);
	n1 += crypto_frame(f1 + n1, 0, hello, 100);
	f2[n2++] = 0x01; /* PING */
	memcpy(f2 + n2, "\x02\x00\x00\x00\x00", 5); /* ACK of packet 0 */
	n2 += 5;
	n2 += crypto_frame(f2 + n2, 100, hello + 100, hello_len - 100);

	s.pn = 0;
	s.frames = f1;
	s.frames_len = 1100; /* padded with zeros */
	l1 = protect_initial(&s, pkt1);
	s.pn = 1;
	s.frames = f2;
	s.frames_len = 1100;
	l2 = protect_initial(&s, pkt2);

	sw_quic_crypto_init(&c);
	EXPECT_REASON("second packet first",
		      sw_quic_parse_initial(pkt2, (uint32_t)l2, &c),
		      SW_QUIC_OK);
	EXPECT_EQ("contiguous after the tail", c.contiguous, 0);
	EXPECT_EQ("received after the tail", c.received, hello_len - 100);
	EXPECT_REASON("first packet second",
		      sw_quic_parse_initial(pkt1, (uint32_t)l1, &c),
		      SW_QUIC_OK);
	EXPECT_EQ("contiguous", c.contiguous, hello_len);
	EXPECT_EQ("received", c.received, hello_len);
	EXPECT_EQ("initials", c.initials, 2);
	EXPECT_EQ("next packet number", c.pn_expected, 2);
	EXPECT_EQ("scid_len", c.scid_len, sizeof(scid));
	expect_bytes("scid", c.scid, scid, sizeof(scid));
	expect_bytes("reassembled", c.data, hello, hello_len);

	/* A later Initial under another DCID (as after a Retry) decrypts
	 * with its own keys, and the original DCID is kept. */
	s.dcid = dcid2;
	s.dcid_len = sizeof(dcid2);
	s.pn = 2;
	s.frames = f1;
	l1 = protect_initial(&s, pkt1);
	EXPECT_REASON("after retry",
		      sw_quic_parse_initial(pkt1, (uint32_t)l1, &c),
		      SW_QUIC_OK);
	EXPECT_EQ("dcid_len kept", c.dcid_len, 8);
	expect_bytes("dcid kept", c.dcid, dcid, 8);
	EXPECT_EQ("initials", c.initials, 3);
	expect_bytes("data unchanged", c.data, hello, hello_len);
}

/* Two Initials, a 0-RTT packet, an Initial of another DCID, and padding. */
static void test_coalesced(void **state)
{
	static const uint8_t other[] = { 9, 9, 9, 9, 9, 9, 9, 9 };
	static struct sw_quic_crypto c;
	uint8_t hello[512], f1[300] = { 0 }, f2[300] = { 0 }, dcid[8];
	uint8_t dgram[PKT_MAX];
	size_t hello_len = sample_client_hello(hello, sizeof(hello));
	size_t n = 0, zero_rtt;
	struct initial_spec s = {
		.version = SW_QUIC_VERSION_2,
		.dcid = dcid,
		.dcid_len = 8,
		.pn_len = 2,
		.frames_len = 300,
	};

	(void)state;
	unhex(dcid_hex, dcid, sizeof(dcid));
	crypto_frame(f1, 120, hello + 120, hello_len - 120);
	crypto_frame(f2, 0, hello, 120);
	s.frames = f1;
	s.pn = 0;
	n += protect_initial(&s, dgram + n);
	s.frames = f2;
	s.pn = 1;
	n += protect_initial(&s, dgram + n);
	/* A 0-RTT packet of version 2 (type bits 10): header then junk. */
	zero_rtt = n;
	dgram[n++] = 0xe0;
	memcpy(dgram + n, "\x6b\x33\x43\xcf\x08", 5);
	n += 5;
	memcpy(dgram + n, dcid, 8);
	n += 8;
	dgram[n++] = 0; /* SCID length */
	dgram[n++] = 30; /* Length */
	memset(dgram + n, 0x5a, 30);
	n += 30;
	/* An Initial of another connection: to be ignored, not decrypted
	 * (its payload is not even valid). */
	s.dcid = other;
	s.frames = f1;
	s.pn = 7;
	n += protect_initial(&s, dgram + n);
	dgram[n - 1] ^= 1;
	memset(dgram + n, 0, 200); /* datagram padding */
	n += 200;

	sw_quic_crypto_init(&c);
	EXPECT_REASON("coalesced",
		      sw_quic_parse_initial(dgram, (uint32_t)n, &c),
		      SW_QUIC_OK);
	EXPECT_EQ("initials", c.initials, 2);
	EXPECT_EQ("contiguous", c.contiguous, hello_len);
	expect_bytes("reassembled", c.data, hello, hello_len);

	/* A datagram whose only packet is 0-RTT has no Initial. */
	sw_quic_crypto_init(&c);
	EXPECT_REASON("0-RTT alone",
		      sw_quic_parse_initial(dgram + zero_rtt, 46, &c),
		      SW_QUIC_NOT_INITIAL);
	EXPECT_EQ("is_initial of 0-RTT",
		  sw_quic_is_initial(dgram + zero_rtt, 46), 0);
}

static void test_truncated_everywhere(void **state)
{
	static uint8_t huge[SW_QUIC_DATAGRAM_MAX + 1];
	static struct sw_quic_crypto c;
	uint8_t pkt[PKT_MAX];
	size_t len = unhex(v1_packet_hex, pkt, sizeof(pkt));
	char what[64];
	uint32_t n;

	(void)state;
	sw_quic_crypto_init(&c);
	EXPECT_REASON("empty", sw_quic_parse_initial(pkt, 0, &c),
		      SW_QUIC_NOT_QUIC);
	memcpy(huge, pkt, len);
	EXPECT_REASON("longer than UDP allows",
		      sw_quic_parse_initial(huge, sizeof(huge), &c),
		      SW_QUIC_NOT_QUIC);
	for (n = 1; n < len; n++) {
		snprintf(what, sizeof(what), "cut at %u", n);
		EXPECT_REASON(what, sw_quic_parse_initial(pkt, n, &c),
			      SW_QUIC_TRUNCATED);
		EXPECT_EQ(what, c.contiguous, 0);
		EXPECT_EQ(what, c.version, 0);
	}
}

static void test_tampered(void **state)
{
	static const struct {
		uint32_t off;
		uint8_t xor ;
	} flips[] = {
		{ 1199, 0x80 }, /* last byte of the tag */
		{ 1184, 0x01 }, /* first byte of the tag */
		{ 500, 0x01 }, /* ciphertext */
		{ 22,
		  0x01 }, /* sample: the mask, so the packet number, change */
		{ 0, 0x01 }, /* protected packet number length */
		{ 19, 0x01 }, /* protected packet number */
		{ 7, 0x01 }, /* DCID: other keys */
		{ 17, 0x02 }, /* Length 0x449e to 0x449c: tag moves */
	};
	static struct sw_quic_crypto c;
	uint8_t pkt[PKT_MAX];
	size_t len = unhex(v1_packet_hex, pkt, sizeof(pkt)), i;
	char what[64];

	(void)state;
	for (i = 0; i < ARRAY_SIZE(flips); i++) {
		sw_quic_crypto_init(&c);
		unhex(v1_packet_hex, pkt, sizeof(pkt));
		pkt[flips[i].off] ^= flips[i].xor ;
		snprintf(what, sizeof(what), "byte %u flipped", flips[i].off);
		EXPECT_REASON(what,
			      sw_quic_parse_initial(pkt, (uint32_t)len, &c),
			      SW_QUIC_DECRYPT_FAILED);
		EXPECT_EQ(what, c.contiguous, 0);
		EXPECT_EQ(what, c.received, 0);
		EXPECT_EQ(what, c.version, 0);
	}
}

/* Header faults that need no decryption. */
static void test_bad_headers(void **state)
{
	static struct sw_quic_crypto c;
	static const struct {
		const char *name;
		const char *hex;
		int want;
		int is_initial; /* what the cheap check says */
	} cases[] = {
		{ "short header", "4000000001", SW_QUIC_NOT_QUIC, 0 },
		{ "zero padding", "0000000000000000", SW_QUIC_NOT_QUIC, 0 },
		{ "version negotiation", "c00000000008",
		  SW_QUIC_UNSUPPORTED_VERSION, 0 },
		{ "draft-29", "c0ff00001d08", SW_QUIC_UNSUPPORTED_VERSION, 0 },
		{ "DCID of 21", "c00000000115", SW_QUIC_BAD_HEADER, 1 },
		{ "SCID of 21", "c0000000010015", SW_QUIC_BAD_HEADER, 1 },
		{ "Length under 20",
		  "c000000001000000130000000000000000000000000000000000000000",
		  SW_QUIC_BAD_HEADER, 1 },
		{ "token past the end", "c000000001000044", SW_QUIC_TRUNCATED,
		  1 },
		{ "DCID past the end", "c00000000108aabb", SW_QUIC_TRUNCATED,
		  1 },
		{ "Retry first", "f0000000010000", SW_QUIC_NOT_INITIAL, 0 },
		/* Type bits 00 are Retry in version 2. */
		{ "v2 Retry", "c06b3343cf0000", SW_QUIC_NOT_INITIAL, 0 },
	};
	uint8_t pkt[PKT_MAX];
	size_t i, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		sw_quic_crypto_init(&c);
		n = unhex(cases[i].hex, pkt, sizeof(pkt));
		EXPECT_REASON(cases[i].name,
			      sw_quic_parse_initial(pkt, (uint32_t)n, &c),
			      cases[i].want);
		EXPECT_EQ(cases[i].name, sw_quic_is_initial(pkt, (uint32_t)n),
			  cases[i].is_initial);
	}
}

/* Frame faults, inside packets that decrypt. */
static void test_frames(void **state)
{
	static struct sw_quic_crypto c;
	static const struct {
		const char *name;
		const char *hex;
		size_t len; /* 0: strlen/2, no padding */
		int want;
	} cases[] = {
		{ "no frames", "", 0, SW_QUIC_BAD_FRAME },
		{ "STREAM", "0800", 0, SW_QUIC_UNEXPECTED_FRAME },
		{ "HANDSHAKE_DONE", "1e", 0, SW_QUIC_UNEXPECTED_FRAME },
		{ "application CONNECTION_CLOSE", "1d000000", 0,
		  SW_QUIC_UNEXPECTED_FRAME },
		{ "CRYPTO past the payload", "06000a0102", 0,
		  SW_QUIC_BAD_FRAME },
		{ "CRYPTO without length", "0600", 0, SW_QUIC_BAD_FRAME },
		{ "CRYPTO past 2^62", "06ffffffffffffffff01aa", 0,
		  SW_QUIC_BAD_FRAME },
		{ "ACK with a missing range", "0205000105", 0,
		  SW_QUIC_BAD_FRAME },
		{ "ACK_ECN, PING, CONNECTION_CLOSE, CRYPTO",
		  "03050001030101"
		  "010203"
		  "01"
		  "1c0a06026869"
		  "060003616263",
		  0, SW_QUIC_OK },
		/* 16 bytes at 8190, of which 2 fit; then 2 at offset 0. */
		{ "CRYPTO overflow",
		  "065ffe1000112233445566778899aabbccddeeff0600024142", 0,
		  SW_QUIC_CRYPTO_OVERFLOW },
	};
	static const uint8_t dcid[8] = { 0x10, 0x20, 0x30, 0x40,
					 0x50, 0x60, 0x70, 0x80 };
	uint8_t frames[256], pkt[PKT_MAX];
	struct initial_spec s = {
		.version = SW_QUIC_VERSION_1,
		.dcid = dcid,
		.dcid_len = 8,
		.pn_len = 4, /* so that an empty payload still has a sample */
		.frames = frames,
	};
	size_t i, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		s.frames_len = unhex(cases[i].hex, frames, sizeof(frames));
		n = protect_initial(&s, pkt);
		sw_quic_crypto_init(&c);
		EXPECT_REASON(cases[i].name,
			      sw_quic_parse_initial(pkt, (uint32_t)n, &c),
			      cases[i].want);
	}
	/* The last case left data: check what it kept. */
	EXPECT_EQ("overflow: bytes kept", c.received, 2 + 2);
	EXPECT_EQ("overflow: contiguous", c.contiguous, 2);
	EXPECT_EQ("overflow: byte 0", c.data[0], 'A');
	EXPECT_EQ("overflow: last byte", c.data[SW_QUIC_CRYPTO_MAX - 1], 0x11);
}

static void test_reserved_bits(void **state)
{
	static const uint8_t dcid[8] = { 1, 1, 2, 3, 5, 8, 13, 21 };
	static struct sw_quic_crypto c;
	uint8_t pkt[PKT_MAX], frames[64] = { 0x01 };
	struct initial_spec s = {
		.version = SW_QUIC_VERSION_1,
		.dcid = dcid,
		.dcid_len = 8,
		.pn_len = 2,
		.reserved = 2,
		.frames = frames,
		.frames_len = sizeof(frames),
	};
	size_t n = protect_initial(&s, pkt);

	(void)state;
	sw_quic_crypto_init(&c);
	EXPECT_REASON("reserved bits",
		      sw_quic_parse_initial(pkt, (uint32_t)n, &c),
		      SW_QUIC_BAD_HEADER);
}

/* Random bytes, and random bytes behind a valid Initial prefix. */
static void test_garbage(void **state)
{
	static struct sw_quic_crypto c;
	uint8_t pkt[PKT_MAX], sample[PKT_MAX];
	size_t sample_len = unhex(v1_packet_hex, sample, sizeof(sample));
	uint32_t x = 2463534242u, i, j, len, keep;
	int r;

	(void)state;
	for (i = 0; i < 20000; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		len = x % 1400;
		keep = (i & 1) ? x % 60 : 0;
		memcpy(pkt, sample, keep < sample_len ? keep : sample_len);
		for (j = keep; j < len; j++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			pkt[j] = (uint8_t)x;
		}
		sw_quic_crypto_init(&c);
		r = sw_quic_parse_initial(pkt, len, &c);
		if (r == SW_QUIC_OK || r < 0 || r >= SW_QUIC_REASON_MAX)
			fail_msg("garbage %u: reason %d", i, r);
		if (c.contiguous || c.version)
			fail_msg("garbage %u: state changed", i);
	}
}

/*
 * Two client Initials of ngtcp2's gtlsclient (Debian 12, QUIC version 1)
 * to localhost, the second a retransmission of the first. tshark 4.0
 * decrypts them to the same ClientHello: a 369-byte CRYPTO frame at offset
 * 0, handshake length 365, SNI "localhost".
 */
#define NGTCP2_PCAP "tests/fixtures/quic/ngtcp2-v1.pcap"

static void test_real_ngtcp2(void **state)
{
	static const uint8_t dcid[] = { 0xb9, 0x34, 0xc0, 0xd7, 0x4d, 0x92,
					0x82, 0x73, 0x67, 0xb8, 0xa5, 0x8c,
					0x1a, 0x08, 0xef, 0x8f, 0xa9, 0x46 };
	static struct sw_quic_crypto c;
	char errbuf[PCAP_ERRBUF_SIZE], what[64];
	struct pcap_pkthdr *hdr;
	const uint8_t *data;
	struct sw_packet pkt;
	unsigned int n = 0;
	pcap_t *pc;

	(void)state;
	pc = pcap_open_offline(NGTCP2_PCAP, errbuf);
	if (!pc)
		fail_msg("%s: %s", NGTCP2_PCAP, errbuf);
	sw_quic_crypto_init(&c);
	while (pcap_next_ex(pc, &hdr, &data) == 1) {
		snprintf(what, sizeof(what), "datagram %u", ++n);
		memset(&pkt, 0, sizeof(pkt));
		EXPECT_EQ(what,
			  sw_decode(pcap_datalink(pc), data, hdr->caplen,
				    hdr->len, &pkt),
			  SW_DR_OK);
		EXPECT_EQ(what, pkt.dport, 4433);
		EXPECT_EQ(what,
			  sw_quic_is_initial(pkt.payload, pkt.payload_caplen),
			  1);
		EXPECT_REASON(what,
			      sw_quic_parse_initial(pkt.payload,
						    pkt.payload_caplen, &c),
			      SW_QUIC_OK);
	}
	pcap_close(pc);
	EXPECT_EQ("datagrams", n, 2);
	EXPECT_EQ("initials", c.initials, 2);
	EXPECT_EQ("version", c.version, SW_QUIC_VERSION_1);
	EXPECT_EQ("dcid_len", c.dcid_len, sizeof(dcid));
	expect_bytes("dcid", c.dcid, dcid, sizeof(dcid));
	EXPECT_EQ("scid_len", c.scid_len, 17);
	EXPECT_EQ("contiguous", c.contiguous, 369);
	EXPECT_EQ("received", c.received, 369);
	expect_hex("ClientHello, 365 bytes", c.data, "0100016d0303");
	if (!memmem(c.data, c.contiguous, "\x00\x00\x09localhost", 12))
		fail_msg("server_name localhost not in the CRYPTO stream");
}

static void test_reason_names(void **state)
{
	int r;

	(void)state;
	for (r = 0; r < SW_QUIC_REASON_MAX; r++)
		if (!strcmp(sw_quic_reason_name(r), "unknown"))
			fail_msg("reason %d has no name", r);
	assert_string_equal(sw_quic_reason_name(SW_QUIC_DECRYPT_FAILED),
			    "decrypt_failed");
	assert_string_equal(sw_quic_reason_name(-1), "unknown");
	assert_string_equal(sw_quic_reason_name(SW_QUIC_REASON_MAX), "unknown");
	/* Stable numbers: these are exported and never renumbered. */
	EXPECT_EQ("NOT_QUIC", SW_QUIC_NOT_QUIC, 1);
	EXPECT_EQ("DECRYPT_FAILED", SW_QUIC_DECRYPT_FAILED, 5);
	EXPECT_EQ("CRYPTO_OVERFLOW", SW_QUIC_CRYPTO_OVERFLOW, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_keys),
		cmocka_unit_test(test_v2_keys),
		cmocka_unit_test(test_v1_sample_packet),
		cmocka_unit_test(test_v2_sample_packet),
		cmocka_unit_test(test_protector_matches_rfc),
		cmocka_unit_test(test_split_out_of_order),
		cmocka_unit_test(test_coalesced),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_frames),
		cmocka_unit_test(test_reserved_bits),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_real_ngtcp2),
		cmocka_unit_test(test_reason_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
