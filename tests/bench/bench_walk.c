// SPDX-License-Identifier: BSD-2-Clause
/*
 * The floor for reading a capture file: read it in 256 KiB pieces into
 * one buffer and walk its records there with the walker scrapewatch reads
 * files with (src/capture/pcap-walk.c), as source-pcap-file.c does, and
 * nothing else. scripts/bench-peers.sh times this against `flows`: the
 * ratio of the two packet rates says how much of the time is the work
 * itself rather than reading the file.
 *
 *   sw_bench_walk FILE   prints "packets N bytes N" (captured bytes)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/pcap-walk.h"

#define WINDOW (256u << 10)

/* Up to len bytes at pos; *eof when the file ended. */
static size_t fill(int fd, uint8_t *b, size_t len, uint64_t pos, int *eof)
{
	size_t got = 0;
	ssize_t r;

	*eof = 0;
	while (got < len) {
		r = pread(fd, b + got, len - got, (off_t)(pos + got));
		if (r <= 0) {
			*eof = 1;
			break;
		}
		got += (size_t)r;
	}
	return got;
}

int main(int argc, char **argv)
{
	unsigned long long packets = 0, bytes = 0;
	size_t cap = WINDOW, keep, n;
	uint8_t *buf = malloc(cap);
	struct sw_pcap_walk w;
	struct sw_frame f;
	int fd, rc, eof;
	uint64_t pos;

	if (argc != 2 || !buf) {
		fprintf(stderr, "usage: sw_bench_walk FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	n = fill(fd, buf, cap, 0, &eof);
	if (!sw_pcap_walk_open(&w, buf, n, eof)) {
		fprintf(stderr, "%s: not a file the walker reads\n", argv[1]);
		return 2;
	}
	for (;;) {
		rc = sw_pcap_walk_next(&w, &f);
		if (rc == 1) {
			packets++;
			bytes += f.caplen;
			continue;
		}
		if (rc != SW_PCAP_WALK_MORE)
			break;
		keep = (size_t)(w.size - w.off);
		pos = w.file_off + w.size;
		memmove(buf, buf + w.off, keep);
		if (w.need > cap) {
			cap = (size_t)w.need;
			buf = realloc(buf, cap);
			if (!buf)
				return 2;
		}
		n = fill(fd, buf + keep, cap - keep, pos, &eof);
		sw_pcap_walk_refill(&w, buf, keep + n, eof);
	}
	if (rc < 0)
		fprintf(stderr, "%s: offset %llu: %s\n", argv[1],
			(unsigned long long)w.err_off, w.reason);
	printf("packets %llu bytes %llu\n", packets, bytes);
	sw_pcap_walk_close(&w);
	free(buf);
	close(fd);
	return rc < 0;
}
