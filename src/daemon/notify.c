// SPDX-License-Identifier: BSD-2-Clause
/*
 * sd_notify wrappers (see notify.h). The watchdog interval comes from
 * WATCHDOG_USEC, read once; the loop calls sw_notify_watchdog() every poll
 * (200 ms) and a ping goes out at most every half interval, so a stuck
 * packet loop, not a busy one, is what systemd restarts.
 */
#include <stdint.h>
#include <time.h>

#include "daemon/notify.h"

#ifdef SW_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void sw_notify_ready(void)
{
	sd_notify(0, "READY=1\nSTATUS=capturing");
}

void sw_notify_reloading(void)
{
	sd_notify(0, "RELOADING=1\nSTATUS=reloading the config");
}

void sw_notify_stopping(void)
{
	sd_notify(0, "STOPPING=1\nSTATUS=flushing sinks");
}

void sw_notify_watchdog(void)
{
	static int checked;
	static uint64_t interval_us, next_us;
	uint64_t now;

	if (!checked) {
		checked = 1;
		if (sd_watchdog_enabled(0, &interval_us) <= 0)
			interval_us = 0;
	}
	if (!interval_us)
		return;
	now = now_us();
	if (now < next_us)
		return;
	next_us = now + interval_us / 2;
	sd_notify(0, "WATCHDOG=1");
}
#else
void sw_notify_ready(void)
{
}

void sw_notify_reloading(void)
{
}

void sw_notify_stopping(void)
{
}

void sw_notify_watchdog(void)
{
}
#endif
