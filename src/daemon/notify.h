/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * systemd service notification (Type=notify): readiness, reloading,
 * stopping, and the watchdog keep-alive, through libsystemd's sd_notify.
 * Compiled to no-ops without libsystemd (SW_HAVE_SYSTEMD unset), and
 * harmless outside systemd (no NOTIFY_SOCKET).
 */
#ifndef SW_NOTIFY_H
#define SW_NOTIFY_H

#include <stdint.h>

void sw_notify_ready(void);
void sw_notify_reloading(void);
void sw_notify_stopping(void);
/* Call from the main loop: pings the watchdog at half its interval. */
void sw_notify_watchdog(void);

#endif /* SW_NOTIFY_H */
