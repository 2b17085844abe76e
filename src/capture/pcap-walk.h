/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The records of a pcap or pcapng capture in memory, walked in place: a
 * frame's data points into the memory, never copied. The memory is the
 * whole file, or a window of it that the reader slides along the file
 * (SW_PCAP_WALK_MORE says when the window must move on). It gives what libpcap gives for the same file (caplen, wirelen,
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

/* sw_pcap_walk_next: the window ends inside the next record or block. */
#define SW_PCAP_WALK_MORE 2

struct sw_pcap_walk {
	const uint8_t *base; /* the window */
	uint64_t size; /* bytes in it */
	uint64_t off; /* where the next record or block starts in it */
	uint64_t file_off; /* where the window starts in the file */
	int eof; /* the window ends where the file does */
	uint64_t need; /* after SW_PCAP_WALK_MORE: bytes wanted from off */
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
 * Start walking the capture whose first size bytes are at base (eof: that
 * is the whole file). 1: ready at the first record;
 * 0: a file this walker leaves to libpcap (reason says which case: a bad
 * or unusual file header, an old pcap version, a pcap link type whose
 * pseudo-header libpcap rewrites), nothing to free.
 */
int sw_pcap_walk_open(struct sw_pcap_walk *w, const uint8_t *base,
		      uint64_t size, int eof);
/* 1: a frame in f; 0: end of the capture; -1: a bad record or block, at
 * err_off (in the file) for reason, and the walk is over;
 * SW_PCAP_WALK_MORE: the window must go on past off + need first. */
int sw_pcap_walk_next(struct sw_pcap_walk *w, struct sw_frame *f);
/* The window moved: the bytes from off on are now at base, size of them
 * (eof: up to the end of the file). */
void sw_pcap_walk_refill(struct sw_pcap_walk *w, const uint8_t *base,
			 uint64_t size, int eof);
void sw_pcap_walk_close(struct sw_pcap_walk *w);

#endif /* SW_PCAP_WALK_H */
