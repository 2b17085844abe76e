// SPDX-License-Identifier: BSD-2-Clause
/* Leveled log lines on stderr (see log.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/log.h"

static int log_level = SW_LOG_INFO;

void sw_log_set_level(int level)
{
	log_level = level;
}

void sw_log(int level, const char *fmt, ...)
{
	/* syslog priorities: err 3, warning 4, info 6, debug 7 */
	static const int prio[] = { 3, 4, 6, 7 };
	static int journal = -1;
	char line[1024];
	va_list ap;

	if (level > log_level || level < 0 || level > SW_LOG_DEBUG)
		return;
	if (journal < 0)
		journal = getenv("JOURNAL_STREAM") != NULL;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (journal)
		fprintf(stderr, "<%d>", prio[level]);
	fprintf(stderr, "scrapewatch: %s%s\n",
		level == SW_LOG_WARNING ? "warning: " : "", line);
}
