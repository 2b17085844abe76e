// SPDX-License-Identifier: BSD-2-Clause
/* The replay progress line (see progress.h). */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "engine/progress.h"

#define DRAW_EVERY_NS 250000000ULL
#define CHECK_EVERY_PKTS 8192

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void sw_progress_init(struct sw_progress *p, int quiet, uint64_t bytes_total)
{
	p->enabled = !quiet && isatty(STDERR_FILENO);
	p->bytes_total = bytes_total;
	p->start_ns = mono_ns();
	p->last_draw_ns = p->start_ns;
	p->next_check_pkts = CHECK_EVERY_PKTS;
}

void sw_progress_update(struct sw_progress *p, uint64_t bytes_done,
			uint64_t packets)
{
	uint64_t now;
	double secs, pps;

	if (!p->enabled || packets < p->next_check_pkts)
		return;
	p->next_check_pkts = packets + CHECK_EVERY_PKTS;
	now = mono_ns();
	if (now - p->last_draw_ns < DRAW_EVERY_NS)
		return;
	p->last_draw_ns = now;
	secs = (double)(now - p->start_ns) / 1e9;
	pps = secs > 0 ? (double)packets / secs : 0;
	if (p->bytes_total && bytes_done) {
		double frac = (double)bytes_done / (double)p->bytes_total;
		double eta = frac > 0 ? secs / frac - secs : 0;

		fprintf(stderr,
			"\r\033[Kreplay: %.1f / %.1f MB (%.0f%%)  %.2f Mpkt  %.2f Mpps  ETA %d:%02d",
			(double)bytes_done / 1e6, (double)p->bytes_total / 1e6,
			frac * 100, (double)packets / 1e6, pps / 1e6,
			(int)eta / 60, (int)eta % 60);
	} else {
		fprintf(stderr, "\r\033[Kreplay: %.1f MB  %.2f Mpkt  %.2f Mpps",
			(double)bytes_done / 1e6, (double)packets / 1e6,
			pps / 1e6);
	}
	fflush(stderr);
}

void sw_progress_done(struct sw_progress *p)
{
	if (p->enabled && p->last_draw_ns != p->start_ns)
		fprintf(stderr, "\r\033[K");
}
