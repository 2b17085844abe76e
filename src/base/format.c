// SPDX-License-Identifier: BSD-2-Clause
/*
 * Text both the records (src/output) and the transport (src/sink, the
 * syslog header and the per-sink counters) write: event times and exact
 * integer counts in JSON.
 */
#include <time.h>

#include "base/decimal.h"
#include "base/format.h"

/* Write v as exactly n decimal digits, zero-padded, at p. */
static char *put_digits(char *p, unsigned int v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

void sw_format_time(uint64_t ts_ns, char *buf, size_t len)
{
	time_t sec = (time_t)(ts_ns / 1000000000ULL);
	unsigned usec = (unsigned)(ts_ns % 1000000000ULL / 1000);
	struct tm tm;
	char *p = buf;

	/* Three per record: snprintf here cost more than the timestamps
	 * were worth. "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" is 27 bytes + NUL. */
	if (len < 28 || !gmtime_r(&sec, &tm) || tm.tm_year + 1900 > 9999) {
		if (len)
			buf[0] = '\0';
		return;
	}
	p = put_digits(p, (unsigned)(tm.tm_year + 1900), 4);
	*p++ = '-';
	p = put_digits(p, (unsigned)tm.tm_mon + 1, 2);
	*p++ = '-';
	p = put_digits(p, (unsigned)tm.tm_mday, 2);
	*p++ = 'T';
	p = put_digits(p, (unsigned)tm.tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, (unsigned)tm.tm_min, 2);
	*p++ = ':';
	p = put_digits(p, (unsigned)tm.tm_sec, 2);
	*p++ = '.';
	p = put_digits(p, usec, 6);
	*p++ = 'Z';
	*p = '\0';
}

void sw_json_add_count(cJSON *obj, const char *name, uint64_t v)
{
	/* A raw item, formatted here: cJSON prints numbers as doubles with
	 * sprintf and reads them back, which was a third of a flow record's
	 * cost, and loses integers above 2^53. */
	char t[SW_U64_DEC_LEN];

	cJSON_AddRawToObject(obj, name, sw_u64_dec(t, v));
}
