// SPDX-License-Identifier: BSD-2-Clause
/* Leveled log lines on stderr (see log.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/log.h"

/* Read by every thread that logs (the sink writers too), set on reload:
 * relaxed atomics, no lock. */
static int log_level = SW_LOG_INFO;

void sw_log_set_level(int level)
{
	__atomic_store_n(&log_level, level, __ATOMIC_RELAXED);
}

static void vlog(int level, const char *who, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void vlog(int level, const char *who, const char *fmt, va_list ap)
{
	/* syslog priorities: err 3, warning 4, info 6, debug 7 */
	static const int prio[] = { 3, 4, 6, 7 };
	static int journal = -1;
	char line[1024];
	int j = __atomic_load_n(&journal, __ATOMIC_RELAXED);

	if (level > __atomic_load_n(&log_level, __ATOMIC_RELAXED) ||
	    level < 0 || level > SW_LOG_DEBUG)
		return;
	if (j < 0) {
		/* Two threads may both look: they find the same answer. */
		j = getenv("JOURNAL_STREAM") != NULL;
		__atomic_store_n(&journal, j, __ATOMIC_RELAXED);
	}
	vsnprintf(line, sizeof(line), fmt, ap);
	if (j)
		fprintf(stderr, "<%d>", prio[level]);
	fprintf(stderr, "scrapewatch%s%s: %s%s\n", who ? " " : "",
		who ? who : "", level == SW_LOG_WARNING ? "warning: " : "",
		line);
}

void sw_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, NULL, fmt, ap);
	va_end(ap);
}

void sw_log_as(int level, const char *who, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, who, fmt, ap);
	va_end(ap);
}
