// SPDX-License-Identifier: BSD-2-Clause
/* Sizes, durations and counts as people write them (see units.h). */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "base/units.h"

#define NS_PER_MS 1000000ULL
#define NS_PER_S 1000000000ULL

struct unit {
	const char *name;
	uint64_t mult;
};

/* Digits (after optional blanks and a '+', as strtoull took them in sink
 * URIs): the value, and where the digits end. */
static int parse_digits(const char *s, const char **end, uint64_t *out)
{
	uint64_t v = 0;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '+')
		s++;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*s); s++) {
		uint64_t d = (uint64_t)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*end = s;
	*out = v;
	return 0;
}

static int scale(uint64_t v, uint64_t mult, uint64_t *out)
{
	if (v > UINT64_MAX / mult)
		return -EINVAL;
	*out = v * mult;
	return 0;
}

/* unit_name matches one of units (exactly, or ignoring case where fold). */
static int find_unit(const struct unit *units, size_t n, const char *name,
		     int fold, uint64_t *mult)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (fold ? strcasecmp(name, units[i].name) :
			   strcmp(name, units[i].name))
			continue;
		*mult = units[i].mult;
		return 1;
	}
	return 0;
}

int sw_parse_size(const char *s, uint64_t *bytes)
{
	/* One letter: either case, binary (what the sink URIs always took). */
	static const struct unit letters[] = {
		{ "k", 1ULL << 10 },
		{ "m", 1ULL << 20 },
		{ "g", 1ULL << 30 },
		{ "t", 1ULL << 40 },
	};
	/* Spelled out: exact, IEC binary or SI decimal. */
	static const struct unit names[] = {
		{ "", 1 },
		{ "B", 1 },
		{ "KiB", 1ULL << 10 },
		{ "MiB", 1ULL << 20 },
		{ "GiB", 1ULL << 30 },
		{ "TiB", 1ULL << 40 },
		{ "kB", 1000ULL },
		{ "MB", 1000000ULL },
		{ "GB", 1000000000ULL },
		{ "TB", 1000000000000ULL },
	};
	const char *u;
	uint64_t v, mult;

	if (!s || parse_digits(s, &u, &v))
		return -EINVAL;
	if (*u == ' ')
		u++;
	if (!find_unit(names, sizeof(names) / sizeof(names[0]), u, 0, &mult) &&
	    !find_unit(letters, sizeof(letters) / sizeof(letters[0]), u, 1,
		       &mult))
		return -EINVAL;
	return scale(v, mult, bytes);
}

int sw_parse_duration(const char *s, uint64_t *ns)
{
	static const struct unit units[] = {
		{ "", NS_PER_S }, /* a bare number is seconds */
		{ "ms", NS_PER_MS },	   { "s", NS_PER_S },
		{ "m", 60 * NS_PER_S },	   { "h", 3600 * NS_PER_S },
		{ "d", 86400 * NS_PER_S },
	};
	const char *u;
	uint64_t v, mult;

	if (!s || parse_digits(s, &u, &v))
		return -EINVAL;
	if (!find_unit(units, sizeof(units) / sizeof(units[0]), u, 0, &mult))
		return -EINVAL;
	return scale(v, mult, ns);
}

int sw_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	const char *end;
	uint64_t v;

	if (!s || parse_digits(s, &end, &v) || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}
