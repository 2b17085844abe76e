// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness for the walk of capture file records (pcap-walk.c):
 * the input is a whole file, pcap or pcapng. Whatever its bytes, the walk
 * must hand out only frames that lie inside the input (every byte is
 * read here, so ASan sees a frame that reaches past it), stop at the end
 * or at one error whose offset is inside the input, and always move
 * forward.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "capture/pcap-walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw_pcap_walk w;
	struct sw_frame f;
	volatile uint8_t sink = 0;
	uint64_t before;
	uint32_t i;
	int rc;

	if (!sw_pcap_walk_open(&w, data, size))
		return 0;
	for (;;) {
		before = w.off;
		rc = sw_pcap_walk_next(&w, &f);
		if (rc != 1)
			break;
		if (f.data < data || f.data + f.caplen > data + size ||
		    w.off <= before || w.off > size)
			abort();
		for (i = 0; i < f.caplen; i++)
			sink ^= f.data[i];
	}
	if (rc < 0 && w.err_off > size)
		abort();
	sw_pcap_walk_close(&w);
	(void)sink;
	return 0;
}
