/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Maps and records of the XDP program that userspace reads. One definition
 * for both sides; see flow_kern_user.h for the rules such structs follow.
 */
#ifndef SCRAPEWATCH_XDP_KERN_USER_H
#define SCRAPEWATCH_XDP_KERN_USER_H

#include <linux/types.h>

/* Value of the per-CPU sw_stats map (one slot per CPU, summed by users). */
struct sw_xdp_stats {
	__u64 packets; /* packets seen */
	__u64 bytes; /* bytes of frame data seen */
};
_Static_assert(sizeof(struct sw_xdp_stats) == 16, "sw_xdp_stats size");

#endif /* SCRAPEWATCH_XDP_KERN_USER_H */
