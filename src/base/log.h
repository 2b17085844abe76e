/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Daemon log lines with levels (general.log_level): one line each on
 * stderr, "scrapewatch: ..." as elsewhere. Under systemd (JOURNAL_STREAM
 * set) each line carries a <N> syslog priority prefix, which journald
 * turns into the entry's level. Never called per packet.
 */
#ifndef SW_LOG_H
#define SW_LOG_H

enum sw_log_level {
	SW_LOG_ERROR = 0,
	SW_LOG_WARNING = 1,
	SW_LOG_INFO = 2,
	SW_LOG_DEBUG = 3,
};

void sw_log_set_level(int level);
void sw_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same for one command's own messages: "scrapewatch WHO: ..." */
void sw_log_as(int level, const char *who, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* SW_LOG_H */
