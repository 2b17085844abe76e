// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness for the walk of capture file records (pcap-walk.c):
 * the input is a whole file, pcap or pcapng. Whatever its bytes, the walk
 * must hand out only frames that lie inside the input (every byte is
 * read here, so ASan sees a frame that reaches past it), stop at the end
 * or at one error whose offset is inside the input, and always move
 * forward. Then the same input is walked again through a small window
 * slid along it, as the file reader does (its size from the first byte):
 * the frames, the end and the error offset must be the same.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/pcap-walk.h"

#define FRAMES_MAX 4096

struct seen {
	uint64_t at; /* offset of the data in the input */
	uint32_t caplen, wirelen;
	uint64_t ts_ns;
	int linktype;
};

static struct seen seen[FRAMES_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input through a window of win bytes; compares with seen[0..n). */
static void windowed(const uint8_t *data, size_t size, size_t win, int n,
		     int whole_rc, uint64_t whole_err)
{
	size_t cap = win, have = size < win ? size : win, keep;
	uint8_t *buf = malloc(cap);
	struct sw_pcap_walk w;
	struct sw_frame f;
	uint64_t pos;
	int rc, i = 0;

	if (!buf)
		return;
	memcpy(buf, data, have);
	if (!sw_pcap_walk_open(&w, buf, have, have == size)) {
		free(buf); /* left to libpcap: nothing to compare */
		return;
	}
	for (;;) {
		rc = sw_pcap_walk_next(&w, &f);
		if (rc == SW_PCAP_WALK_MORE) {
			keep = (size_t)(w.size - w.off);
			pos = w.file_off + w.size;
			memmove(buf, buf + w.off, keep);
			if (w.need > cap) {
				cap = (size_t)w.need;
				buf = realloc(buf, cap);
				if (!buf)
					abort();
			}
			have = size - pos < cap - keep ? size - pos :
							 cap - keep;
			memcpy(buf + keep, data + pos, have);
			sw_pcap_walk_refill(&w, buf, keep + have,
					    pos + have == size);
			continue;
		}
		if (rc != 1)
			break;
		if (i >= n || f.caplen != seen[i].caplen ||
		    f.wirelen != seen[i].wirelen || f.ts_ns != seen[i].ts_ns ||
		    f.linktype != seen[i].linktype ||
		    memcmp(f.data, data + seen[i].at, f.caplen))
			abort();
		i++;
	}
	if (i != n || rc != whole_rc || (rc < 0 && w.err_off != whole_err))
		abort();
	sw_pcap_walk_close(&w);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw_pcap_walk w;
	struct sw_frame f;
	volatile uint8_t sink = 0;
	uint64_t before;
	uint32_t i;
	int rc, n = 0;

	if (!sw_pcap_walk_open(&w, data, size, 1))
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
		if (n < FRAMES_MAX)
			seen[n] = (struct seen){ (uint64_t)(f.data - data),
						 f.caplen, f.wirelen, f.ts_ns,
						 f.linktype };
		n++;
	}
	if (rc < 0 && w.err_off > size)
		abort();
	sw_pcap_walk_close(&w);
	(void)sink;
	if (n <= FRAMES_MAX && size)
		windowed(data, size, 16 + data[size - 1] % 240, n, rc,
			 w.err_off);
	return 0;
}
