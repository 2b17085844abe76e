// SPDX-License-Identifier: BSD-2-Clause
/*
 * The BPF build chain end to end: open the generated skeleton, turn every
 * option of the XDP program on at its largest (heads, the largest snap
 * length, an ACK stash flush on every ACK, the most UDP heads), load it
 * through this kernel's verifier, run a frame through it with
 * BPF_PROG_TEST_RUN, and check it passed the frame (fail open) and counted
 * it, and why it could not be accounted, in the per-CPU stats map.
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

#include "skel_load.h"
#include "scrapewatch/xdp_kern_user.h"

/* Every option on: the verifier must still pass. */
static void all_options_on(struct scrapewatch_bpf *skel)
{
	skel->rodata->sw_heads_on = 1;
	skel->rodata->sw_head_snap = SW_XDP_HEAD_SNAP_MAX;
	skel->rodata->sw_head_stream_bytes = 65536;
	skel->rodata->sw_ack_flush_every = 1;
	skel->rodata->sw_udp_heads_max = 255;
}

int main(void)
{
	struct scrapewatch_bpf *skel = NULL;
	unsigned char frame[64];
	int ncpu, i, rc = 1, err;
	struct sw_xdp_stats *vals = NULL, sum = { 0 };
	__u32 zero = 0, info_len;
	struct bpf_prog_info info;
	LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = frame,
		    .data_size_in = sizeof(frame), .repeat = 3);

	memset(frame, 0, sizeof(frame));
	frame[12] = 0x08; /* IPv4 ethertype; contents don't matter yet */
	skel = skel_load(all_options_on, &rc);
	if (!skel)
		return rc;
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
		sum.reasons[SW_DR_IPV4_BAD_VERSION] +=
			vals[i].reasons[SW_DR_IPV4_BAD_VERSION];
	}
	CHECK(sum.packets == 3, "packets actual %llu expected 3",
	      (unsigned long long)sum.packets);
	CHECK(sum.bytes == 3 * sizeof(frame), "bytes actual %llu expected %zu",
	      (unsigned long long)sum.bytes, 3 * sizeof(frame));
	/* The frame is an IPv4 ethertype over zeros: version 0. */
	CHECK(sum.reasons[SW_DR_IPV4_BAD_VERSION] == 3,
	      "ipv4_bad_version actual %llu expected 3",
	      (unsigned long long)sum.reasons[SW_DR_IPV4_BAD_VERSION]);
	info_len = sizeof(info);
	memset(&info, 0, sizeof(info));
	err = bpf_obj_get_info_by_fd(bpf_program__fd(skel->progs.sw_xdp_main),
				     &info, &info_len);
	CHECK(err == 0, "prog info: %s", strerror(errno));
	printf("PASS xdp program: verified with every option on "
	       "(%u instructions, %u verified), XDP_PASS, counted %llu "
	       "packets and their reason\n",
	       info.xlated_prog_len / 8, info.verified_insns,
	       (unsigned long long)sum.packets);
	rc = 0;
cleanup:
	free(vals);
	scrapewatch_bpf__destroy(skel);
	return rc;
}
