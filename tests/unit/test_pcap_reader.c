// SPDX-License-Identifier: BSD-2-Clause
/*
 * The two readers of capture files give the same frames: every pcap and
 * pcapng file under tests/fixtures, cut short at several places and with
 * bytes changed at random, is read through the mapped walk (the default)
 * and through libpcap (SW_PCAP_READER=libpcap), and each frame's data,
 * caplen, wirelen, time and link type must agree, and so must the end:
 * clean, or an error at the same offset. pcapng files built here cover
 * what the fixtures do not: big-endian sections, if_tsresol and
 * if_tsoffset, simple and obsolete packet blocks, several sections, and
 * (walk only, since libpcap refuses them) link types and byte orders that
 * change between interfaces and sections.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "capture/capture.h"
#include "capture/pcap-walk.h"

#define VARIANT_MAX_SIZE (8u << 20) /* mutate files up to this size */

static char tmpdir[64];
static unsigned files_compared, frames_compared, walked;

struct src {
	struct sw_capture cap;
	char err[SW_ERRBUF_SIZE];
};

static int open_src(struct src *s, const char *path, int libpcap)
{
	if (libpcap)
		setenv("SW_PCAP_READER", "libpcap", 1);
	else
		unsetenv("SW_PCAP_READER");
	memset(s, 0, sizeof(*s));
	s->cap.ops = &sw_capture_pcap_file_ops;
	return s->cap.ops->open_op(&s->cap, path, s->err);
}

static long long err_offset(const char *err)
{
	const char *p = strstr(err, ": offset ");

	return p ? atoll(p + 9) : -1;
}

/* libpcap stops where a pcapng file changes what it can hold in one
 * pcap_t; the walk reads on. */
static int libpcap_refuses_mix(const char *err)
{
	return strstr(err, "different from the type of the first") ||
	       strstr(err, "different from the snapshot length") ||
	       strstr(err, "sections with different byte orders");
}

static void same_frame(const char *path, unsigned n, const struct sw_frame *a,
		       const struct sw_frame *b)
{
	if (a->caplen != b->caplen || a->wirelen != b->wirelen ||
	    a->ts_ns != b->ts_ns || a->linktype != b->linktype ||
	    memcmp(a->data, b->data, a->caplen) != 0)
		fail_msg("%s: frame %u differs: walk %u/%u %llu lt %d, "
			 "libpcap %u/%u %llu lt %d",
			 path, n, a->caplen, a->wirelen,
			 (unsigned long long)a->ts_ns, a->linktype, b->caplen,
			 b->wirelen, (unsigned long long)b->ts_ns, b->linktype);
}

/* Read path both ways and compare. Returns the frames the walk read. */
static unsigned compare_file(const char *path)
{
	struct src a, b;
	struct sw_frame fa, fb;
	struct sw_capture_progress pr;
	unsigned n = 0;
	int ra, rb, mix = 0;

	ra = open_src(&a, path, 0);
	rb = open_src(&b, path, 1);
	if ((ra == 0) != (rb == 0))
		fail_msg("%s: open: walk %d (%s), libpcap %d (%s)", path, ra,
			 a.err, rb, b.err);
	if (ra) {
		assert_string_equal(a.err, b.err);
		return 0;
	}
	for (;; n++) {
		ra = a.cap.ops->read_op(&a.cap, &fa, a.err);
		rb = b.cap.ops->read_op(&b.cap, &fb, b.err);
		if (rb < 0 && libpcap_refuses_mix(b.err)) {
			mix = 1;
			while (ra == 1) {
				n++;
				ra = a.cap.ops->read_op(&a.cap, &fa, a.err);
			}
			break;
		}
		if (ra != rb)
			fail_msg("%s: after %u frames: walk %d (%s), libpcap "
				 "%d (%s)",
				 path, n, ra, ra < 0 ? a.err : "", rb,
				 rb < 0 ? b.err : "");
		if (ra != 1)
			break;
		same_frame(path, n, &fa, &fb);
		frames_compared++;
	}
	if (!mix && ra < 0 && err_offset(a.err) != err_offset(b.err))
		fail_msg("%s: error offsets differ: walk '%s', libpcap '%s'",
			 path, a.err, b.err);
	if (ra == 0) {
		struct stat st;

		a.cap.ops->progress_op(&a.cap, &pr);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(pr.bytes_done, (uint64_t)st.st_size);
		assert_int_equal(pr.bytes_total, (uint64_t)st.st_size);
	}
	a.cap.ops->cleanup_op(&a.cap);
	b.cap.ops->cleanup_op(&b.cap);
	files_compared++;
	return n;
}

static int walker_takes(const uint8_t *d, size_t len)
{
	struct sw_pcap_walk w;
	int ok = sw_pcap_walk_open(&w, d, len, 1);

	if (ok)
		sw_pcap_walk_close(&w);
	return ok;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *d;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	d = malloc((size_t)n + 1);
	assert_non_null(d);
	assert_int_equal(fread(d, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return d;
}

static void compare_bytes(const uint8_t *d, size_t len, const char *tag)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, tag);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(d, 1, len, fp), len);
	fclose(fp);
	compare_file(path);
	unlink(path);
}

/* The file as it is, cut at eight places, and with 24 single bytes
 * changed (a fixed seed: the same variants every run). */
static void compare_variants(const char *path)
{
	size_t len, i, at;
	uint8_t *d = slurp(path, &len), saved;
	unsigned seed = 1;

	compare_file(path);
	if (walker_takes(d, len))
		walked++;
	if (len > VARIANT_MAX_SIZE || len < 28) {
		free(d);
		return;
	}
	for (i = 1; i < 8; i++)
		compare_bytes(d, len * i / 8, "cut");
	compare_bytes(d, 30, "cut");
	for (i = 0; i < 24; i++) {
		seed = seed * 1103515245 + 12345;
		at = 24 + (seed >> 8) % (len - 24);
		saved = d[at];
		d[at] ^= (uint8_t)(1 + (seed >> 3) % 255);
		compare_bytes(d, len, "flip");
		d[at] = saved;
	}
	free(d);
}

static void walk_dir(const char *dir)
{
	struct dirent **ents;
	char path[1024];
	int n, i;

	n = scandir(dir, &ents, NULL, alphasort);
	for (i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		size_t l = strlen(name);
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (name[0] != '.' && stat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				walk_dir(path);
			else if ((l > 5 && !strcmp(name + l - 5, ".pcap")) ||
				 (l > 7 && !strcmp(name + l - 7, ".pcapng")))
				compare_variants(path);
		}
		free(ents[i]);
	}
	free(n >= 0 ? ents : NULL);
}

static void test_fixtures_read_alike(void **state)
{
	(void)state;
	walk_dir("tests/fixtures");
	/* Every fixture was compared, and the walk read nearly all. */
	assert_true(files_compared > 1000);
	assert_true(walked >= 35);
	assert_true(frames_compared > 100000);
}

/* ---- pcapng files built here ---- */

struct ng {
	uint8_t b[4u << 20];
	size_t n;
	int big;
};

static struct ng gb; /* one built file at a time */

static void put16(struct ng *g, uint32_t v)
{
	g->b[g->n++] = (uint8_t)(g->big ? v >> 8 : v);
	g->b[g->n++] = (uint8_t)(g->big ? v : v >> 8);
}

static void put32(struct ng *g, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		g->b[g->n++] = (uint8_t)(v >> (g->big ? 24 - 8 * i : 8 * i));
}

static size_t begin(struct ng *g, uint32_t type)
{
	size_t at = g->n;

	put32(g, type);
	put32(g, 0); /* length, set by end() */
	return at;
}

static void end(struct ng *g, size_t at)
{
	size_t n;

	while (g->n % 4)
		g->b[g->n++] = 0;
	put32(g, (uint32_t)(g->n - at + 4));
	n = g->n;
	g->n = at + 4;
	put32(g, (uint32_t)(n - at));
	g->n = n;
}

static void shb(struct ng *g, int big)
{
	size_t at;

	g->big = big;
	at = begin(g, 0x0a0d0d0a);
	put32(g, 0x1a2b3c4d);
	put16(g, 1);
	put16(g, 0);
	put32(g, 0xffffffff);
	put32(g, 0xffffffff); /* section length unknown */
	end(g, at);
}

/* An IDB; tsresol 0 means none, tsoffset 0 means none. */
static void idb(struct ng *g, uint32_t linktype, uint32_t snap, uint8_t tsresol,
		int64_t tsoffset)
{
	size_t at = begin(g, 1);

	put16(g, linktype);
	put16(g, 0);
	put32(g, snap);
	if (tsresol) {
		put16(g, 9);
		put16(g, 1);
		put32(g, g->big ? (uint32_t)tsresol << 24 : tsresol);
	}
	if (tsoffset) {
		put16(g, 14);
		put16(g, 8);
		put32(g, (uint32_t)((uint64_t)tsoffset >> (g->big ? 32 : 0)));
		put32(g, (uint32_t)((uint64_t)tsoffset >> (g->big ? 0 : 32)));
	}
	put16(g, 0);
	put16(g, 0);
	end(g, at);
}

/* An IPv4/UDP frame body of len bytes (only its first bytes matter). */
static void frame(struct ng *g, uint32_t len, uint8_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		g->b[g->n++] = (uint8_t)(seed + i);
}

static void epb(struct ng *g, uint32_t ifid, uint64_t ts, uint32_t caplen,
		uint32_t wirelen)
{
	size_t at = begin(g, 6);

	put32(g, ifid);
	put32(g, (uint32_t)(ts >> 32));
	put32(g, (uint32_t)ts);
	put32(g, caplen);
	put32(g, wirelen);
	frame(g, caplen, (uint8_t)ts);
	end(g, at);
}

static void spb(struct ng *g, uint32_t wirelen, uint32_t stored)
{
	size_t at = begin(g, 3);

	put32(g, wirelen);
	frame(g, stored, 7);
	end(g, at);
}

static void opb(struct ng *g, uint16_t ifid, uint64_t ts, uint32_t caplen)
{
	size_t at = begin(g, 2);

	put16(g, ifid);
	put16(g, 0);
	put32(g, (uint32_t)(ts >> 32));
	put32(g, (uint32_t)ts);
	put32(g, caplen);
	put32(g, caplen + 10);
	frame(g, caplen, 3);
	end(g, at);
}

static void other(struct ng *g, uint32_t type)
{
	size_t at = begin(g, type);

	put32(g, 0x12345678);
	end(g, at);
}

/* One interface set, as libpcap reads it too. */
static void one_kind(struct ng *g, int big, uint8_t tsresol, int64_t off)
{
	shb(g, big);
	other(g, 4); /* name resolution: skipped */
	idb(g, 1, 96, tsresol, off);
	idb(g, 1, 96, tsresol, off);
	epb(g, 0, 1767225600123456789ULL, 60, 60);
	other(g, 5); /* interface statistics */
	epb(g, 1, 0x0123456789abcdefULL, 96, 1500);
	spb(g, 80, 80);
	spb(g, 200, 96); /* cut to the snap length */
	opb(g, 1, 1767225600999999ULL, 40);
	other(g, 0x40000bad); /* custom */
}

static void test_built_pcapng_read_alike(void **state)
{
	static const uint8_t res[] = { 0, 6, 9, 3, 12, 0x80 | 20, 0x80 | 30 };
	static const int64_t offs[] = { 0, 3600, -86400 };
	size_t r, o;
	int big;

	(void)state;
	for (big = 0; big < 2; big++) {
		for (r = 0; r < sizeof(res); r++) {
			for (o = 0; o < sizeof(offs) / sizeof(offs[0]); o++) {
				memset(&gb, 0, sizeof(gb));
				one_kind(&gb, big, res[r], offs[o]);
				/* A second section, its own interfaces. */
				one_kind(&gb, big, res[r], offs[o]);
				assert_true(walker_takes(gb.b, gb.n));
				compare_bytes(gb.b, gb.n, "built.pcapng");
			}
		}
	}
}

static void expect_frame(struct sw_pcap_walk *w, int linktype, uint32_t caplen,
			 uint64_t ts_ns)
{
	struct sw_frame f;

	assert_int_equal(sw_pcap_walk_next(w, &f), 1);
	assert_int_equal(f.linktype, linktype);
	assert_int_equal(f.caplen, caplen);
	assert_int_equal(f.ts_ns, ts_ns);
}

/* What libpcap cannot read: the walk reads each frame with its own
 * interface's link type, and sections of either byte order. */
/* Larger than the reader's window (256 KiB): blocks of every size end
 * up cut by the window's end, in both byte orders. */
static void test_big_pcapng_across_windows(void **state)
{
	uint32_t i, len;
	int big;

	(void)state;
	for (big = 0; big < 2; big++) {
		memset(&gb, 0, sizeof(gb));
		shb(&gb, big);
		idb(&gb, 1, 0, 9, 0);
		for (i = 0; gb.n < (3u << 20) - 70000; i++) {
			len = 14 + (i * 7919) % 1500;
			if (i % 97 == 0)
				len = 65000; /* larger than most windows' rest */
			epb(&gb, 0, 1767225600000000000ULL + i, len, len);
			if (i % 13 == 0)
				other(&gb, 4);
		}
		compare_bytes(gb.b, gb.n, "big.pcapng");
	}
}

static void test_mixed_interfaces_and_sections(void **state)
{
	struct sw_pcap_walk w;
	struct sw_frame f;

	(void)state;
	memset(&gb, 0, sizeof(gb));
	shb(&gb, 0);
	idb(&gb, 1, 0, 9, 0); /* Ethernet, ns */
	idb(&gb, 113, 128, 0, 0); /* Linux cooked, us */
	epb(&gb, 1, 5000001, 50, 50);
	epb(&gb, 0, 7000000001ULL, 60, 60);
	shb(&gb, 1); /* big-endian from here */
	idb(&gb, 101, 0, 3, 10); /* raw IP, ms, +10 s */
	epb(&gb, 0, 1500, 40, 40);
	assert_int_equal(sw_pcap_walk_open(&w, gb.b, gb.n, 1), 1);
	expect_frame(&w, 113, 50, 5000001000ULL);
	expect_frame(&w, 1, 60, 7000000001ULL);
	expect_frame(&w, 101, 40, 11500000000ULL);
	assert_int_equal(sw_pcap_walk_next(&w, &f), 0);
	sw_pcap_walk_close(&w);
}

/* A bad block is reported where it starts, with the reason. */
static void test_bad_block_offset(void **state)
{
	struct sw_pcap_walk w;
	struct sw_frame f;
	size_t bad;

	(void)state;
	memset(&gb, 0, sizeof(gb));
	shb(&gb, 0);
	idb(&gb, 1, 0, 0, 0);
	epb(&gb, 0, 1, 60, 60);
	bad = gb.n;
	epb(&gb, 3, 2, 60, 60); /* no such interface */
	assert_int_equal(sw_pcap_walk_open(&w, gb.b, gb.n, 1), 1);
	assert_int_equal(sw_pcap_walk_next(&w, &f), 1);
	assert_int_equal(sw_pcap_walk_next(&w, &f), -1);
	assert_int_equal(w.err_off, bad);
	assert_non_null(strstr(w.reason, "interface 3"));
	sw_pcap_walk_close(&w);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sw-pcap-reader.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	unsetenv("SW_PCAP_READER");
	return rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_read_alike),
		cmocka_unit_test(test_built_pcapng_read_alike),
		cmocka_unit_test(test_big_pcapng_across_windows),
		cmocka_unit_test(test_mixed_interfaces_and_sections),
		cmocka_unit_test(test_bad_block_offset),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
