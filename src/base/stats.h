/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The packet counters of one pipeline (or the sum over shards): what was
 * read, decoded and refused, by reason. A leaf header, so the stats record
 * and the metrics can use it without the pipeline.
 */
#ifndef SW_BASE_STATS_H
#define SW_BASE_STATS_H

#include <stdint.h>

#include "scrapewatch/decode_kern_user.h" /* SW_DR_MAX */

struct sw_xdp_stats;

struct sw_stats {
	uint64_t packets; /* frames read */
	uint64_t bytes; /* bytes on the wire */
	uint64_t decoded; /* frames that reached TCP or UDP */
	uint64_t reasons[SW_DR_MAX]; /* frames not decoded, by reason */
	uint64_t anomalies[SW_DR_MAX]; /* decoded, with a non-fatal problem */
	uint64_t fragments; /* IPv4/IPv6 fragments, first ones included */
	uint64_t frames_cut; /* read shorter than on the wire (snap length) */
	uint64_t files; /* inputs opened */
	uint64_t read_errors; /* inputs that stopped early */
	uint64_t first_ns; /* packet time of the first frame */
	uint64_t last_ns; /* packet time of the latest frame */
	/* Kernel counters when the XDP program accounted (else NULL). */
	const struct sw_xdp_stats *xdp;
	uint64_t xdp_evicted; /* flows the kernel's LRU map dropped unseen */
	uint64_t xdp_bad_records; /* ring records refused: bad size, type */
	uint64_t
		xdp_stage_flush_errors; /* CPU stages userspace couldn't send */
};

#endif /* SW_BASE_STATS_H */
