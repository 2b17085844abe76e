// SPDX-License-Identifier: BSD-2-Clause
/*
 * The BPF build chain end to end: open and load the generated skeleton, run
 * a frame through the XDP program with BPF_PROG_TEST_RUN, and check it
 * passed the frame (fail open) and counted it in the per-CPU stats map.
 * Skips (77) where the machine can't load BPF programs.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scrapewatch.skel.h"
#include "scrapewatch/xdp_kern_user.h"

#define CHECK(cond, fmt, ...)                                        \
	do {                                                         \
		if (!(cond)) {                                       \
			fprintf(stderr, "FAIL %s: " fmt "\n", #cond, \
				##__VA_ARGS__);                      \
			goto cleanup;                                \
		}                                                    \
	} while (0)

int main(void)
{
	struct scrapewatch_bpf *skel = NULL;
	unsigned char frame[64];
	int ncpu, i, rc = 1, err;
	struct sw_xdp_stats *vals = NULL, sum = { 0 };
	__u32 zero = 0;
	LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = frame,
		    .data_size_in = sizeof(frame), .repeat = 3);

	memset(frame, 0, sizeof(frame));
	frame[12] = 0x08; /* IPv4 ethertype; contents don't matter yet */
	skel = scrapewatch_bpf__open_and_load();
	if (!skel) {
		err = errno;
		if (err == EPERM || err == EACCES || err == ENOSYS) {
			printf("skip: cannot load BPF here: %s\n",
			       strerror(err));
			return 77;
		}
		fprintf(stderr, "FAIL: loading skeleton: %s\n", strerror(err));
		return 1;
	}
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.sw_xdp_main),
				     &topts);
	CHECK(err == 0, "test run: %s", strerror(-err));
	CHECK(topts.retval == XDP_PASS, "retval actual %u expected %u",
	      topts.retval, XDP_PASS);

	ncpu = libbpf_num_possible_cpus();
	CHECK(ncpu > 0, "possible cpus %d", ncpu);
	vals = calloc((size_t)ncpu, sizeof(*vals));
	CHECK(vals, "calloc");
	err = bpf_map_lookup_elem(bpf_map__fd(skel->maps.sw_stats), &zero,
				  vals);
	CHECK(err == 0, "lookup: %s", strerror(errno));
	for (i = 0; i < ncpu; i++) {
		sum.packets += vals[i].packets;
		sum.bytes += vals[i].bytes;
	}
	CHECK(sum.packets == 3, "packets actual %llu expected 3",
	      (unsigned long long)sum.packets);
	CHECK(sum.bytes == 3 * sizeof(frame), "bytes actual %llu expected %zu",
	      (unsigned long long)sum.bytes, 3 * sizeof(frame));
	printf("PASS xdp skeleton: loaded, XDP_PASS, counted %llu packets\n",
	       (unsigned long long)sum.packets);
	rc = 0;
cleanup:
	free(vals);
	scrapewatch_bpf__destroy(skel);
	return rc;
}
