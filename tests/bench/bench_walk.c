// SPDX-License-Identifier: BSD-2-Clause
/*
 * The floor for reading a capture file: map it and walk its records with
 * the walker scrapewatch reads files with (src/capture/pcap-walk.c), and
 * nothing else. scripts/bench-peers.sh times this against `flows`: the
 * ratio of the two packet rates says how much of the time is the work
 * itself rather than reading the file.
 *
 *   sw_bench_walk FILE   prints "packets N bytes N" (captured bytes)
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/pcap-walk.h"

int main(int argc, char **argv)
{
	unsigned long long packets = 0, bytes = 0;
	struct sw_pcap_walk w;
	struct sw_frame f;
	struct stat st;
	void *map;
	int fd, rc;

	if (argc != 2) {
		fprintf(stderr, "usage: sw_bench_walk FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) || st.st_size == 0) {
		perror(argv[1]);
		return 2;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
	if (!sw_pcap_walk_open(&w, map, (uint64_t)st.st_size)) {
		fprintf(stderr, "%s: not a file the walker reads\n", argv[1]);
		return 2;
	}
	while ((rc = sw_pcap_walk_next(&w, &f)) == 1) {
		packets++;
		bytes += f.caplen;
	}
	if (rc < 0)
		fprintf(stderr, "%s: offset %llu: %s\n", argv[1],
			(unsigned long long)w.err_off, w.reason);
	printf("packets %llu bytes %llu\n", packets, bytes);
	sw_pcap_walk_close(&w);
	munmap(map, (size_t)st.st_size);
	close(fd);
	return rc < 0;
}
