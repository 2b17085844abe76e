/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A one-line progress report on stderr for long replays: bytes, packets,
 * packets per second and ETA. It stays silent unless stderr is a terminal,
 * and when the user asked for quiet.
 */
#ifndef SW_PROGRESS_H
#define SW_PROGRESS_H

#include <stdint.h>

struct sw_progress {
	int enabled;
	uint64_t bytes_total; /* 0: unknown */
	uint64_t start_ns; /* monotonic */
	uint64_t last_draw_ns;
	uint64_t next_check_pkts;
};

void sw_progress_init(struct sw_progress *p, int quiet, uint64_t bytes_total);
/* Cheap to call per packet: looks at the clock every few thousand. */
void sw_progress_update(struct sw_progress *p, uint64_t bytes_done,
			uint64_t packets);
/* Erase the line. */
void sw_progress_done(struct sw_progress *p);

#endif /* SW_PROGRESS_H */
