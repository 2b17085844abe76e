/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Daemon log lines with levels (general.log_level): one line each on
 * stderr, "scrapewatch: ..." as elsewhere. Under systemd (JOURNAL_STREAM
 * set) each line carries a <N> syslog priority prefix, which journald
 * turns into the entry's level. Never called per packet.
 */
#ifndef SW_LOG_H
#define SW_LOG_H

#include "config/config.h" /* enum sw_log_level */

void sw_log_set_level(int level);
void sw_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* SW_LOG_H */
