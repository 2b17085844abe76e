// SPDX-License-Identifier: BSD-2-Clause
/*
 * Tests for the p0f-format TCP SYN signatures (src/decode/tcp-sig.c).
 *
 * The fixture test reads every capture in tests/fixtures/tcpsig, signs each
 * SYN and SYN+ACK, and compares with NAME.p0f.txt, which holds what p0f
 * 3.09b logged for the same capture (scripts/record-tcpsig-fixtures.sh).
 * Like p0f, only the first SYN and the first SYN+ACK of a connection count.
 * The other tests build single packets to pin down the API: errors, the
 * info fields and the OS class.
 *
 * "test_tcp_sig --dump FILE.pcap..." prints the signatures in p0f's log
 * layout instead; tests/oracle/test_tcpsig_oracle.sh compares that output
 * with p0f run at test time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <errno.h>
#include <glob.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "decode/tcp-sig.h"
#include "scrapewatch/flow_acct.h"

#define FIXTURE_DIR "tests/fixtures/tcpsig"
#define LINE_MAX_LEN 512
#define CONN_MAX 4096

/* ---- signing a capture, in p0f's log layout ---- */

struct conn_mss {
	struct sw_flow_key key;
	uint16_t syn_mss;
};

struct sig_lines {
	char **line;
	size_t n;
	size_t cap;
	struct conn_mss conn[CONN_MAX];
	size_t nconn;
};

/* p0f writes IPv6 addresses as eight unpadded hex groups. */
static void addr_str(const struct sw_packet *pkt, const uint8_t *a, char *out,
		     size_t len)
{
	if (pkt->family == SW_FAMILY_IPV4) {
		snprintf(out, len, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		return;
	}
	snprintf(out, len, "%x:%x:%x:%x:%x:%x:%x:%x", a[0] << 8 | a[1],
		 a[2] << 8 | a[3], a[4] << 8 | a[5], a[6] << 8 | a[7],
		 a[8] << 8 | a[9], a[10] << 8 | a[11], a[12] << 8 | a[13],
		 a[14] << 8 | a[15]);
}

static struct conn_mss *conn_find(struct sig_lines *s,
				  const struct sw_flow_key *k)
{
	size_t i;

	for (i = 0; i < s->nconn; i++)
		if (!memcmp(&s->conn[i].key, k, sizeof(*k)))
			return &s->conn[i];
	return NULL;
}

static void lines_add(struct sig_lines *s, const char *line)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->line = realloc(s->line, s->cap * sizeof(*s->line));
		if (!s->line)
			abort();
	}
	s->line[s->n] = strdup(line);
	if (!s->line[s->n])
		abort();
	s->n++;
}

static void lines_free(struct sig_lines *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->line[i]);
	free(s->line);
	memset(s, 0, sizeof(*s));
}

static int sign_one(struct sig_lines *s, const struct sw_packet *pkt)
{
	char sig[SW_TCP_SIG_MAX], sa[64], da[64], line[LINE_MAX_LEN];
	struct sw_flow_key key;
	struct conn_mss *c;
	int server = (pkt->tcp_flags & 0x10) != 0;
	uint16_t syn_mss = 0;
	int rc;

	sw_flow_key_from_packet(pkt, &key);
	c = conn_find(s, &key);
	if (server) {
		syn_mss = c ? c->syn_mss : 0;
	} else if (!c && s->nconn < CONN_MAX) {
		s->conn[s->nconn].key = key;
		s->conn[s->nconn++].syn_mss = sw_tcp_sig_mss(pkt);
	}
	rc = sw_tcp_sig_format_reply(pkt, syn_mss, sig, sizeof(sig), NULL);
	if (rc)
		return rc;
	addr_str(pkt, pkt->saddr, sa, sizeof(sa));
	addr_str(pkt, pkt->daddr, da, sizeof(da));
	if (server)
		snprintf(line, sizeof(line),
			 "mod=syn+ack|cli=%s/%u|srv=%s/%u|raw_sig=%s", da,
			 pkt->dport, sa, pkt->sport, sig);
	else
		snprintf(line, sizeof(line),
			 "mod=syn|cli=%s/%u|srv=%s/%u|raw_sig=%s", sa,
			 pkt->sport, da, pkt->dport, sig);
	lines_add(s, line);
	return 0;
}

static int linktype_of(pcap_t *p)
{
	int dlt = pcap_datalink(p);

	return dlt == DLT_RAW ? SW_LINKTYPE_RAW : dlt;
}

/* Sign every SYN and SYN+ACK of a capture. Returns -errno on failure. */
static int sign_pcap(const char *path, struct sig_lines *s)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	int lt, rc;

	p = pcap_open_offline(path, err);
	if (!p) {
		fprintf(stderr, "%s: %s\n", path, err);
		return -ENOENT;
	}
	lt = linktype_of(p);
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		struct sw_packet pkt;

		if (sw_decode(lt, data, h->caplen, h->len, &pkt) != SW_DR_OK)
			continue;
		if (pkt.proto != SW_IPPROTO_TCP || !(pkt.tcp_flags & 0x02))
			continue;
		sign_one(s, &pkt);
	}
	pcap_close(p);
	return 0;
}

/* The part of a log line before "|raw_sig=": direction and endpoints. */
static size_t key_len(const char *line)
{
	const char *r = strstr(line, "|raw_sig=");

	return r ? (size_t)(r - line) : strlen(line);
}

static const char *first_with_key(const struct sig_lines *s, const char *want)
{
	size_t i, n = key_len(want);

	for (i = 0; i < s->n; i++)
		if (key_len(s->line[i]) == n && !strncmp(s->line[i], want, n))
			return s->line[i];
	return NULL;
}

/* ---- fixtures against p0f's recorded view ---- */

static void test_fixtures_match_p0f(void **state)
{
	size_t i, total = 0, matched = 0;
	glob_t g;

	(void)state;
	if (glob(FIXTURE_DIR "/*.pcap", 0, NULL, &g)) {
		fail_msg("no captures in %s (run from the repository root)",
			 FIXTURE_DIR);
		return;
	}
	for (i = 0; i < g.gl_pathc; i++) {
		char want_path[1024], line[LINE_MAX_LEN];
		struct sig_lines s = { 0 };
		size_t n = strlen(g.gl_pathv[i]) - strlen(".pcap");
		FILE *f;

		snprintf(want_path, sizeof(want_path), "%.*s.p0f.txt", (int)n,
			 g.gl_pathv[i]);
		f = fopen(want_path, "r");
		if (!f)
			fail_msg("%s: %s", want_path, strerror(errno));
		assert_int_equal(sign_pcap(g.gl_pathv[i], &s), 0);
		while (fgets(line, sizeof(line), f)) {
			const char *got;

			line[strcspn(line, "\n")] = '\0';
			if (!line[0])
				continue;
			total++;
			got = first_with_key(&s, line);
			if (got && !strcmp(got, line)) {
				matched++;
				continue;
			}
			print_error("%s:\n  p0f:  %s\n  ours: %s\n",
				    g.gl_pathv[i], line, got ? got : "(none)");
		}
		fclose(f);
		lines_free(&s);
	}
	globfree(&g);
	print_message("tcp-sig: %zu of %zu p0f signatures matched\n", matched,
		      total);
	assert_true(total > 0);
	assert_int_equal(matched, total);
}

/* ---- single packets ---- */

struct frame_spec {
	int v6;
	uint8_t ttl;
	uint8_t df;
	uint16_t ip_id;
	uint8_t flags;
	uint32_t seq;
	uint32_t ack;
	uint16_t win;
	const uint8_t *opt;
	size_t opt_len; /* a multiple of 4 */
	size_t payload_len;
};

/* An Ethernet frame for spec; checksums are left zero. */
static size_t frame_build(const struct frame_spec *f, uint8_t *buf)
{
	size_t ip_len = f->v6 ? 40 : 20, tcp_len = 20 + f->opt_len;
	size_t l4 = tcp_len + f->payload_len;
	uint8_t *ip = buf + 14, *tcp = ip + ip_len;

	memset(buf, 0, 14 + ip_len + l4);
	buf[12] = f->v6 ? 0x86 : 0x08;
	buf[13] = f->v6 ? 0xdd : 0x00;
	if (f->v6) {
		ip[0] = 0x60;
		ip[4] = (uint8_t)(l4 >> 8);
		ip[5] = (uint8_t)l4;
		ip[6] = 6;
		ip[7] = f->ttl;
		ip[8] = 0x20, ip[9] = 0x01, ip[10] = 0x0d, ip[11] = 0xb8;
		ip[23] = 1;
		ip[24] = 0x20, ip[25] = 0x01, ip[26] = 0x0d, ip[27] = 0xb8;
		ip[39] = 2;
	} else {
		ip[0] = 0x45;
		ip[2] = (uint8_t)((20 + l4) >> 8);
		ip[3] = (uint8_t)(20 + l4);
		ip[4] = (uint8_t)(f->ip_id >> 8);
		ip[5] = (uint8_t)f->ip_id;
		ip[6] = f->df ? 0x40 : 0;
		ip[8] = f->ttl;
		ip[9] = 6;
		ip[12] = 198, ip[13] = 18, ip[14] = 0, ip[15] = 1;
		ip[16] = 198, ip[17] = 18, ip[18] = 0, ip[19] = 2;
	}
	tcp[0] = 0xc3, tcp[1] = 0x50; /* 50000 */
	tcp[3] = 80;
	tcp[4] = (uint8_t)(f->seq >> 24), tcp[5] = (uint8_t)(f->seq >> 16);
	tcp[6] = (uint8_t)(f->seq >> 8), tcp[7] = (uint8_t)f->seq;
	tcp[8] = (uint8_t)(f->ack >> 24), tcp[9] = (uint8_t)(f->ack >> 16);
	tcp[10] = (uint8_t)(f->ack >> 8), tcp[11] = (uint8_t)f->ack;
	tcp[12] = (uint8_t)((tcp_len / 4) << 4);
	tcp[13] = f->flags;
	tcp[14] = (uint8_t)(f->win >> 8), tcp[15] = (uint8_t)f->win;
	if (f->opt_len)
		memcpy(tcp + 20, f->opt, f->opt_len);
	return 14 + ip_len + l4;
}

static void decode_spec(const struct frame_spec *f, uint8_t *buf,
			struct sw_packet *pkt)
{
	size_t n = frame_build(f, buf);

	assert_int_equal(sw_decode(SW_LINKTYPE_ETHERNET, buf, (uint32_t)n,
				   (uint32_t)n, pkt),
			 SW_DR_OK);
}

/* Linux 5.x+: MSS, SACK-permitted + timestamps, NOP + window scale 7. */
static const uint8_t opt_linux[] = { 2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0,
				     0, 1, 0, 0,    0, 0, 1, 3,	 3, 7 };
/* Windows 10/11: MSS, NOP, WS 8, NOP, NOP, SACK-permitted. */
static const uint8_t opt_windows[] = { 2, 4, 5, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2 };
/* macOS/iOS: MSS, NOP, WS 6, NOP, NOP, TS, SACK-permitted, EOL, pad. */
static const uint8_t opt_darwin[] = { 2, 4, 5, 0xb4, 1, 3, 3, 6, 1, 1, 8, 10,
				      0, 0, 0, 1,    0, 0, 0, 0, 4, 2, 0, 0 };

/* One SYN and what its signature must be. */
struct syn_case {
	const char *name;
	struct frame_spec f;
	const char *sig;
	int ittl;
	int distance;
	const char *os_class;
	/* Also check server, mss, wscale and quirks (the first case pins
	 * down every info field once). */
	int detail;
	uint16_t mss;
	uint8_t wscale;
	uint32_t quirks;
};

static const struct syn_case syn_cases[] = {
	{ .name = "test_linux_syn",
	  .f = { .ttl = 64,
		 .df = 1,
		 .ip_id = 7,
		 .flags = 0x02,
		 .seq = 1,
		 .win = 64240,
		 .opt = opt_linux,
		 .opt_len = sizeof(opt_linux) },
	  .sig = "4:64+0:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0",
	  .ittl = 64,
	  .distance = 0,
	  .os_class = "linux",
	  .detail = 1,
	  .mss = 1460,
	  .wscale = 7,
	  .quirks = SW_TCP_Q_DF | SW_TCP_Q_NZ_ID },
	{ .name = "test_windows_syn",
	  .f = { .ttl = 113,
		 .df = 1,
		 .ip_id = 0x1234,
		 .flags = 0x02,
		 .seq = 9,
		 .win = 64240,
		 .opt = opt_windows,
		 .opt_len = sizeof(opt_windows) },
	  .sig = "4:113+15:0:1460:mss*44,8:mss,nop,ws,nop,nop,sok:df,id+:0",
	  .ittl = 128,
	  .distance = 15,
	  .os_class = "windows" },
	{ .name = "test_darwin_syn_v6",
	  .f = { .v6 = 1,
		 .ttl = 57,
		 .flags = 0x02,
		 .seq = 3,
		 .win = 65535,
		 .opt = opt_darwin,
		 .opt_len = sizeof(opt_darwin) },
	  .sig = "6:57+7:0:1460:65535,6:mss,nop,ws,nop,nop,ts,sok,eol+1::0",
	  .ittl = 64,
	  .distance = 7,
	  .os_class = "macos/ios" },
	/* More than 35 hops from any initial TTL: p0f prints "ttl+?". */
	{ .name = "test_ttl_unknown",
	  .f = { .ttl = 90,
		 .df = 0,
		 .ip_id = 0,
		 .flags = 0x02,
		 .seq = 0,
		 .win = 1024 },
	  .sig = "4:90+?:0:0:1024,0::id-,seq-:0",
	  .ittl = 0,
	  .distance = -1,
	  .os_class = "other" },
};

static void test_syn_case(void **state)
{
	const struct syn_case *c = *state;
	struct sw_tcp_sig_info info;
	char sig[SW_TCP_SIG_MAX];
	struct sw_packet pkt;
	uint8_t buf[160];

	decode_spec(&c->f, buf, &pkt);
	assert_int_equal(sw_tcp_sig_format(&pkt, sig, sizeof(sig), &info), 0);
	assert_string_equal(sig, c->sig);
	assert_int_equal(info.ittl, c->ittl);
	assert_int_equal(info.distance, c->distance);
	if (c->detail) {
		assert_int_equal(info.server, 0);
		assert_int_equal(info.mss, c->mss);
		assert_int_equal(info.wscale, c->wscale);
		assert_int_equal(info.quirks, c->quirks);
	}
	assert_string_equal(info.os_class, c->os_class);
}

/* p0f 3.09b's "ack+" looks at bit 24 of the ack number only. */
static void test_ack_quirk_bit(void **state)
{
	struct frame_spec f = {
		.ttl = 64, .flags = 0x02, .seq = 1, .win = 1024, .ip_id = 1
	};
	struct sw_tcp_sig_info info;
	char sig[SW_TCP_SIG_MAX];
	struct sw_packet pkt;
	uint8_t buf[128];

	(void)state;
	f.ack = 77;
	decode_spec(&f, buf, &pkt);
	assert_int_equal(sw_tcp_sig_format(&pkt, sig, sizeof(sig), &info), 0);
	assert_false(info.quirks & SW_TCP_Q_NZ_ACK);
	f.ack = 0x01000000;
	decode_spec(&f, buf, &pkt);
	assert_int_equal(sw_tcp_sig_format(&pkt, sig, sizeof(sig), &info), 0);
	assert_string_equal(sig, "4:64+0:0:0:1024,0::ack+:0");
}

/* A SYN+ACK window may be a multiple of the client's MSS. */
static void test_synack_client_mss(void **state)
{
	struct frame_spec f = { .ttl = 64,
				.df = 1,
				.flags = 0x12,
				.seq = 5,
				.ack = 1001,
				.win = 8400,
				.opt = opt_linux,
				.opt_len = sizeof(opt_linux) };
	struct sw_tcp_sig_info info;
	char sig[SW_TCP_SIG_MAX];
	struct sw_packet pkt;
	uint8_t buf[128];

	(void)state;
	decode_spec(&f, buf, &pkt);
	assert_int_equal(sw_tcp_sig_format(&pkt, sig, sizeof(sig), &info), 0);
	assert_string_equal(sig, "4:64+0:0:1460:8400,7:mss,sok,ts,nop,ws:df:0");
	assert_int_equal(info.server, 1);
	assert_int_equal(
		sw_tcp_sig_format_reply(&pkt, 1200, sig, sizeof(sig), NULL), 0);
	assert_string_equal(sig,
			    "4:64+0:0:1460:mss*7,7:mss,sok,ts,nop,ws:df:0");
}

/* Segments that are not a signable SYN: the flags, and what comes back. */
static const struct {
	uint8_t flags;
	int rc;
} reject_cases[] = {
	{ 0x10, -EINVAL }, /* a plain ACK */
	{ 0x06, -EINVAL }, /* SYN+RST: p0f drops it too */
	{ 0x03, -EINVAL }, /* SYN+FIN */
};

static void test_rejects(void **state)
{
	struct frame_spec f = {
		.ttl = 64, .flags = 0x10, .seq = 1, .win = 1024
	};
	char sig[SW_TCP_SIG_MAX];
	struct sw_packet pkt;
	uint8_t buf[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(reject_cases) / sizeof(reject_cases[0]); i++) {
		f.flags = reject_cases[i].flags;
		decode_spec(&f, buf, &pkt);
		assert_int_equal(
			sw_tcp_sig_format(&pkt, sig, sizeof(sig), NULL),
			reject_cases[i].rc);
	}
	/* A SYN, but no room for its signature. */
	f.flags = 0x02;
	decode_spec(&f, buf, &pkt);
	assert_int_equal(sw_tcp_sig_format(&pkt, sig, 10, NULL), -ENOSPC);
	assert_string_equal(sig, "");
	assert_int_equal(sw_tcp_sig_format(&pkt, sig, 0, NULL), -EINVAL);
}

static int dump(int argc, char **argv)
{
	int i, j, rc = 0;

	for (i = 2; i < argc; i++) {
		struct sig_lines s = { 0 };

		if (sign_pcap(argv[i], &s)) {
			rc = 1;
			continue;
		}
		for (j = 0; j < (int)s.n; j++)
			printf("%s\n", s.line[j]);
		lines_free(&s);
	}
	return rc;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_fixtures_match_p0f),
		cmocka_unit_test(test_ack_quirk_bit),
		cmocka_unit_test(test_synack_client_mss),
		cmocka_unit_test(test_rejects),
	};
	enum { N_SYN = sizeof(syn_cases) / sizeof(syn_cases[0]) };
	enum { N_FIXED = sizeof(fixed) / sizeof(fixed[0]) };
	struct CMUnitTest tests[N_FIXED + N_SYN];
	size_t i;

	if (argc > 1 && !strcmp(argv[1], "--dump"))
		return dump(argc, argv);
	/* The fixture test first, then one named test per SYN case. */
	tests[0] = fixed[0];
	for (i = 0; i < N_SYN; i++)
		tests[1 + i] = (struct CMUnitTest){
			.name = syn_cases[i].name,
			.test_func = test_syn_case,
			.initial_state = (void *)&syn_cases[i],
		};
	for (i = 1; i < N_FIXED; i++)
		tests[N_SYN + i] = fixed[i];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
