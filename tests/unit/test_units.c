// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of the one size, duration and count grammar (src/base/units.c)
 * shared by the config file, the command line and the sink URIs: a fixture
 * table of inputs, whether each is accepted, and its value. It holds what
 * either grammar took before they were merged ("64m" from the sink URIs,
 * "64MiB" and "64 MB" from the config), so neither may break.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "base/units.h"

#define KIB 1024ULL
#define MIB (1024ULL * KIB)
#define GIB (1024ULL * MIB)
#define TIB (1024ULL * GIB)
#define MS 1000000ULL
#define SEC 1000000000ULL

enum kind { SIZE, DURATION, COUNT };

struct fixture {
	enum kind kind;
	const char *in;
	int ok;
	uint64_t want;
	uint64_t max; /* COUNT only */
};

static const struct fixture fixtures[] = {
	/* Sizes: bare numbers and bytes. */
	{ SIZE, "0", 1, 0, 0 },
	{ SIZE, "4096", 1, 4096, 0 },
	{ SIZE, "10B", 1, 10, 0 },
	{ SIZE, "10 B", 1, 10, 0 },
	/* One letter, either case, powers of 1024 (the sink URIs' form;
	 * the config refused "64M" before). */
	{ SIZE, "64k", 1, 64 * KIB, 0 },
	{ SIZE, "64K", 1, 64 * KIB, 0 },
	{ SIZE, "64m", 1, 64 * MIB, 0 },
	{ SIZE, "64M", 1, 64 * MIB, 0 },
	{ SIZE, "2g", 1, 2 * GIB, 0 },
	{ SIZE, "2G", 1, 2 * GIB, 0 },
	{ SIZE, "1t", 1, TIB, 0 },
	{ SIZE, "1T", 1, TIB, 0 },
	{ SIZE, "256 m", 1, 256 * MIB, 0 },
	/* IEC names, powers of 1024, exact spelling (the config's form). */
	{ SIZE, "2KiB", 1, 2 * KIB, 0 },
	{ SIZE, "64MiB", 1, 64 * MIB, 0 },
	{ SIZE, "256 MiB", 1, 256 * MIB, 0 },
	{ SIZE, "3GiB", 1, 3 * GIB, 0 },
	{ SIZE, "1TiB", 1, TIB, 0 },
	/* SI names, powers of 1000, exact spelling. */
	{ SIZE, "5kB", 1, 5000, 0 },
	{ SIZE, "5MB", 1, 5000000, 0 },
	{ SIZE, "5 MB", 1, 5000000, 0 },
	{ SIZE, "5GB", 1, 5000000000ULL, 0 },
	{ SIZE, "2TB", 1, 2000000000000ULL, 0 },
	/* What strtoull let through in sink URIs: blanks and '+'. */
	{ SIZE, "+64m", 1, 64 * MIB, 0 },
	{ SIZE, " 64m", 1, 64 * MIB, 0 },
	/* Ambiguous or malformed: refused. */
	{ SIZE, "256mb", 0, 0, 0 },
	{ SIZE, "256Mb", 0, 0, 0 },
	{ SIZE, "256mib", 0, 0, 0 },
	{ SIZE, "256KB", 0, 0, 0 },
	{ SIZE, "1.5GiB", 0, 0, 0 },
	{ SIZE, "1.5g", 0, 0, 0 },
	{ SIZE, "-1", 0, 0, 0 },
	{ SIZE, " -1", 0, 0, 0 },
	{ SIZE, "MiB", 0, 0, 0 },
	{ SIZE, "m", 0, 0, 0 },
	{ SIZE, "", 0, 0, 0 },
	{ SIZE, "64mm", 0, 0, 0 },
	{ SIZE, "64  m", 0, 0, 0 },
	{ SIZE, "64x", 0, 0, 0 },
	{ SIZE, "0x10", 0, 0, 0 },
	/* Overflow: of the digits, and of the multiplier. */
	{ SIZE, "99999999999999999999", 0, 0, 0 },
	{ SIZE, "18446744073709551615", 1, UINT64_MAX, 0 },
	{ SIZE, "20000000TiB", 0, 0, 0 },
	{ SIZE, "17179869184g", 0, 0, 0 },
	{ SIZE, "17179869183g", 1, 17179869183ULL * GIB, 0 },

	/* Durations: a bare number is seconds. */
	{ DURATION, "30", 1, 30 * SEC, 0 },
	{ DURATION, "0", 1, 0, 0 },
	{ DURATION, "30s", 1, 30 * SEC, 0 },
	{ DURATION, "500ms", 1, 500 * MS, 0 },
	{ DURATION, "5m", 1, 300 * SEC, 0 },
	{ DURATION, "2h", 1, 7200 * SEC, 0 },
	{ DURATION, "1d", 1, 86400 * SEC, 0 },
	{ DURATION, "1.5s", 0, 0, 0 },
	{ DURATION, "5 s", 0, 0, 0 },
	{ DURATION, "5S", 0, 0, 0 },
	{ DURATION, "5sec", 0, 0, 0 },
	{ DURATION, "s", 0, 0, 0 },
	{ DURATION, "-5", 0, 0, 0 },
	{ DURATION, "", 0, 0, 0 },
	{ DURATION, "213503982335d", 0, 0, 0 },

	/* Counts (sink options such as timeout_ms=, facility=). */
	{ COUNT, "0", 1, 0, 23 },
	{ COUNT, "23", 1, 23, 23 },
	{ COUNT, "24", 0, 0, 23 },
	{ COUNT, "+7", 1, 7, 23 },
	{ COUNT, "-1", 0, 0, 23 },
	{ COUNT, "5000", 1, 5000, 3600000 },
	{ COUNT, "5s", 0, 0, 3600000 },
	{ COUNT, "", 0, 0, 3600000 },
	{ COUNT, "99999999999999999999", 0, 0, UINT64_MAX },
};

static const char *const kind_names[] = { "size", "duration", "count" };

static void test_fixtures(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		const struct fixture *f = &fixtures[i];
		uint64_t v = 0xdeadbeef;
		int rc;

		switch (f->kind) {
		case SIZE:
			rc = sw_parse_size(f->in, &v);
			break;
		case DURATION:
			rc = sw_parse_duration(f->in, &v);
			break;
		default:
			rc = sw_parse_uint(f->in, f->max, &v);
			break;
		}
		if ((rc == 0) != f->ok)
			fail_msg("%s \"%s\": %s, want %s", kind_names[f->kind],
				 f->in, rc == 0 ? "accepted" : "refused",
				 f->ok ? "accepted" : "refused");
		if (!f->ok && rc != -EINVAL)
			fail_msg("%s \"%s\": returned %d, want -EINVAL",
				 kind_names[f->kind], f->in, rc);
		if (f->ok && v != f->want)
			fail_msg("%s \"%s\": got %" PRIu64 ", want %" PRIu64,
				 kind_names[f->kind], f->in, v, f->want);
	}
}

static void test_null(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(sw_parse_size(NULL, &v), -EINVAL);
	assert_int_equal(sw_parse_duration(NULL, &v), -EINVAL);
	assert_int_equal(sw_parse_uint(NULL, 10, &v), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
