/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A Space-Saving heavy-hitter sketch (Metwally, Agrawal and El Abbadi,
 * "Efficient Computation of Frequent and Top-k Elements in Data Streams",
 * 2005) over client addresses, kept as a Stream-Summary so that each unit
 * increment is O(1). With k counters over a stream of N events, every
 * address seen more than N/k times holds a counter, and a counter's count
 * exceeds the address's true count by at most its recorded error. The
 * detector admits a client to full state only when count - error, the
 * events it has certainly sent, reaches a threshold: a flood of
 * single-packet spoofed sources churns the sketch's smallest counters but
 * never earns one of them a guaranteed count above 1.
 */
#ifndef SW_SKETCH_H
#define SW_SKETCH_H

#include <stddef.h>
#include <stdint.h>

/* A client address: family 4 or 6, IPv4 in the first 4 bytes. */
struct sw_det_addr {
	uint8_t family;
	uint8_t a[16];
};

struct sw_sketch;

/* NULL with errno set. capacity >= 1. */
struct sw_sketch *sw_sketch_new(uint32_t capacity);
void sw_sketch_free(struct sw_sketch *s);
/* Bytes a sketch of this capacity allocates. */
size_t sw_sketch_bytes(uint32_t capacity);

/*
 * Count one event of addr. Returns the estimated count and sets *guaranteed
 * to the count certainly due to addr (estimate minus error).
 */
uint64_t sw_sketch_add(struct sw_sketch *s, const struct sw_det_addr *addr,
		       uint64_t *guaranteed);
/* Estimated count of addr, 0 if it holds no counter. */
uint64_t sw_sketch_count(const struct sw_sketch *s,
			 const struct sw_det_addr *addr, uint64_t *guaranteed);
/* Events counted, and counters replaced because the sketch was full. */
uint64_t sw_sketch_events(const struct sw_sketch *s);
uint64_t sw_sketch_replacements(const struct sw_sketch *s);

/* Hash of an address, shared by every detector table keyed by client. */
uint64_t sw_det_addr_hash(const struct sw_det_addr *a);

#endif /* SW_SKETCH_H */
