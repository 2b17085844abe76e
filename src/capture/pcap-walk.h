/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The records of a pcap or pcapng capture held whole in memory (a file
 * mapping), walked in place: a frame's data points into the memory, never
 * copied. It gives what libpcap gives for the same file (caplen, wirelen,
 * nanosecond time, link type), with two differences on purpose: a pcapng
 * file may mix link types, snap lengths and byte orders between its
 * interfaces and sections (libpcap refuses those), and no link-layer
 * pseudo-header is rewritten in place (see sw_pcap_walk_open).
 */
#ifndef SW_PCAP_WALK_H
#define SW_PCAP_WALK_H

#include <stdint.h>

#include "capture/capture.h"

/* One pcapng interface (IDB) of the current section. */
struct sw_pcapng_if {
	int linktype; /* LINKTYPE_ numbering, as struct sw_frame has it */
	uint32_t snap; /* snap length, 0 and too large made the maximum */
	uint64_t tsresol; /* time stamp units per second */
	int64_t tsoffset; /* seconds added to every time stamp */
	uint64_t factor; /* SW_TS_MUL / SW_TS_DIV: the scale */
	int scale; /* enum sw_ts_scale: how units become nanoseconds */
};

struct sw_pcap_walk {
	const uint8_t *base;
	uint64_t size;
	uint64_t off; /* where the next record or block starts */
	int pcapng;
	int big; /* multi-byte fields are big-endian (this section) */
	/* Classic pcap. */
	int nsec; /* fractions are nanoseconds, not microseconds */
	int linktype;
	uint32_t snap;
	/* pcapng: the interfaces of the current section. */
	struct sw_pcapng_if *ifs;
	uint32_t nifs, ifs_cap;
	/* After an error: where the bad record or block starts, and why. */
	uint64_t err_off;
	char reason[192];
};

/*
 * Start walking the capture in base[0..size). 1: ready at the first record;
 * 0: a file this walker leaves to libpcap (reason says which case: a bad
 * or unusual file header, an old pcap version, a pcap link type whose
 * pseudo-header libpcap rewrites), nothing to free.
 */
int sw_pcap_walk_open(struct sw_pcap_walk *w, const uint8_t *base,
		      uint64_t size);
/* 1: a frame in f; 0: end of the capture; -1: a bad record or block, at
 * err_off for reason; the walk is over. */
int sw_pcap_walk_next(struct sw_pcap_walk *w, struct sw_frame *f);
void sw_pcap_walk_close(struct sw_pcap_walk *w);

#endif /* SW_PCAP_WALK_H */
