// SPDX-License-Identifier: BSD-2-Clause
/*
 * Adaptive sampling of request-turn heads (docs/xdp.md, Heads): when a new
 * request turn opens while the ring buffer is fuller than ring_mark_pct,
 * its head is kept 1 in turn_sample_n times. Loads the program with a
 * 16 KiB ring that nobody reads, then runs one cleartext HTTP keep-alive
 * flow (client side only: SYN, ACK, then TURNS requests, each after the
 * server's answer moved the ACK) through BPF_PROG_TEST_RUN with packet
 * time, twice in the same loaded program:
 *  1. ring_mark_pct 100 (never past the mark): no turn is decided past
 *     it and no head is skipped;
 *  2. after setting ring_mark_pct 10 and turn_sample_n 4 in the sw_cfg
 *     map at run time, on a new flow: turns past the mark, heads
 *     skipped, some kept (1 in 4), and the flow still accounted whole in
 *     the flow map (turns, bytes, packets).
 * Skips (77) where the machine can't load BPF programs.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skel_load.h"
#include "scrapewatch/flow_acct.h"
#include "scrapewatch/xdp_kern_user.h"

#define TURNS 200
#define RING_BYTES 16384

static int run(struct scrapewatch_bpf *skel, const struct test_frame *f)
{
	LIBBPF_OPTS(bpf_test_run_opts, to, .data_in = f->b,
		    .data_size_in = f->len, .repeat = 1);

	skel->bss->sw_replay_ns += 1000000; /* 1 ms apart */
	return bpf_prog_test_run_opts(bpf_program__fd(skel->progs.sw_xdp_main),
				      &to);
}

/* One keep-alive flow: TURNS requests, each after a 500-byte answer.
 * Adds the request bytes to *up. 0 or -errno. */
static int flow(struct scrapewatch_bpf *skel, unsigned sport, uint64_t *up)
{
	uint32_t seq = 1000, ack = 5001;
	struct test_frame f;
	char req[64];
	int i, err;

	test_frame_build(&f, sport, SW_TCP_SYN, seq, 0, NULL);
	if ((err = run(skel, &f)))
		return err;
	seq++;
	test_frame_build(&f, sport, SW_TCP_ACK, seq, ack, NULL);
	if ((err = run(skel, &f)))
		return err;
	for (i = 0; i < TURNS; i++) {
		snprintf(req, sizeof(req),
			 "GET /%d HTTP/1.1\r\nHost: s\r\n\r\n", i);
		test_frame_build(&f, sport, SW_TCP_ACK | SW_TCP_PSH, seq, ack,
				 req);
		if ((err = run(skel, &f)))
			return err;
		seq += (uint32_t)strlen(req);
		*up += strlen(req);
		ack += 500; /* the answer, acknowledged with the next one */
	}
	return 0;
}

static int stats(struct scrapewatch_bpf *skel, int ncpu,
		 struct sw_xdp_stats *sum)
{
	struct sw_xdp_stats *v = calloc((size_t)ncpu, sizeof(*v));
	uint32_t zero = 0;
	int i, err;

	if (!v)
		return -ENOMEM;
	err = bpf_map_lookup_elem(bpf_map__fd(skel->maps.sw_stats), &zero, v);
	memset(sum, 0, sizeof(*sum));
	for (i = 0; !err && i < ncpu; i++) {
		sum->heads_sampled += v[i].heads_sampled;
		sum->heads_skipped += v[i].heads_skipped;
		sum->turns_over_mark += v[i].turns_over_mark;
		sum->ringbuf_full += v[i].ringbuf_full;
	}
	free(v);
	return err ? -errno : 0;
}

/* The accounting of the flow whose client port is sport. */
static int find_flow(int fd, unsigned sport, struct sw_xdp_flow *out)
{
	struct sw_flow_key k, next, *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (next.port_a == sport || next.port_b == sport)
			return bpf_map_lookup_elem(fd, &next, out) ? -errno : 0;
		k = next;
		prev = &k;
	}
	return -ENOENT;
}

/* A small ring that nobody reads fills past any mark. */
static void small_ring(struct scrapewatch_bpf *skel)
{
	bpf_map__set_max_entries(skel->maps.sw_ring, RING_BYTES);
	skel->rodata->sw_ring_bytes = RING_BYTES;
}

int main(void)
{
	struct sw_xdp_cfg cfg = { .ring_mark_pct = 100, .turn_sample_n = 4 };
	struct sw_xdp_stats s1, s2;
	struct scrapewatch_bpf *skel;
	struct sw_xdp_flow xf;
	uint64_t up = 0;
	uint32_t zero = 0;
	int ncpu, err, rc = 1, cfg_fd;

	skel = skel_load(small_ring, &rc);
	if (!skel)
		return rc;
	ncpu = libbpf_num_possible_cpus();
	CHECK(ncpu > 0, "possible cpus %d", ncpu);
	skel->bss->sw_replay_on = 1;
	skel->bss->sw_replay_ns = 1767225600ULL * 1000000000ULL;
	cfg_fd = bpf_map__fd(skel->maps.sw_cfg);

	/* 1. The mark at 100 %: the ring fills, no turn is sampled. */
	err = bpf_map_update_elem(cfg_fd, &zero, &cfg, BPF_ANY);
	CHECK(err == 0, "sw_cfg: %s", strerror(errno));
	err = flow(skel, 41001, &up);
	CHECK(err == 0, "test run: %s", strerror(-err));
	err = stats(skel, ncpu, &s1);
	CHECK(err == 0, "sw_stats: %s", strerror(-err));
	CHECK(s1.turns_over_mark == 0,
	      "mark 100%%: turns_over_mark actual %llu expected 0",
	      (unsigned long long)s1.turns_over_mark);
	CHECK(s1.heads_skipped == 0,
	      "mark 100%%: heads_skipped actual %llu expected 0",
	      (unsigned long long)s1.heads_skipped);
	CHECK(s1.ringbuf_full > 0,
	      "mark 100%%: ringbuf_full actual 0 expected > 0 (a %d-byte ring, never read)",
	      RING_BYTES);
	printf("PASS mark 100%%: %llu heads, %llu lost to a full ring, none skipped\n",
	       (unsigned long long)s1.heads_sampled,
	       (unsigned long long)s1.ringbuf_full);

	/* 2. Mark 10 %, 1 turn head in 4, set while loaded. */
	cfg.ring_mark_pct = 10;
	err = bpf_map_update_elem(cfg_fd, &zero, &cfg, BPF_ANY);
	CHECK(err == 0, "sw_cfg: %s", strerror(errno));
	up = 0;
	err = flow(skel, 41002, &up);
	CHECK(err == 0, "test run: %s", strerror(-err));
	err = stats(skel, ncpu, &s2);
	CHECK(err == 0, "sw_stats: %s", strerror(-err));
	/* Every turn after the first opens past the mark: the ring is
	 * full from the first flow. */
	CHECK(s2.turns_over_mark == TURNS - 1,
	      "mark 10%%: turns_over_mark actual %llu expected %d",
	      (unsigned long long)s2.turns_over_mark, TURNS - 1);
	CHECK(s2.heads_skipped > 0 && s2.heads_skipped < s2.turns_over_mark,
	      "mark 10%%, 1 in 4: heads_skipped actual %llu expected between 0 and %llu",
	      (unsigned long long)s2.heads_skipped,
	      (unsigned long long)s2.turns_over_mark);
	err = find_flow(bpf_map__fd(skel->maps.sw_flows), 41002, &xf);
	CHECK(err == 0, "flow 41002 in sw_flows: %s", strerror(-err));
	CHECK(xf.acct.turns == TURNS, "turns actual %u expected %d",
	      xf.acct.turns, TURNS);
	CHECK(sw_acct_bytes(&xf.acct, SW_DIR_C2S) == up,
	      "client bytes actual %llu expected %llu",
	      (unsigned long long)sw_acct_bytes(&xf.acct, SW_DIR_C2S),
	      (unsigned long long)up);
	CHECK(xf.acct.dir[SW_DIR_C2S].packets == TURNS + 2,
	      "client packets actual %u expected %d",
	      xf.acct.dir[SW_DIR_C2S].packets, TURNS + 2);
	CHECK(sw_acct_bytes(&xf.acct, SW_DIR_S2C) == 500ULL * (TURNS - 1),
	      "server bytes (from ACKs) actual %llu expected %llu",
	      (unsigned long long)sw_acct_bytes(&xf.acct, SW_DIR_S2C),
	      500ULL * (TURNS - 1));
	printf("PASS mark 10%%, 1 in 4: %llu of %llu turn heads skipped; flow "
	       "accounted whole: %u turns, %llu bytes up\n",
	       (unsigned long long)s2.heads_skipped,
	       (unsigned long long)s2.turns_over_mark, xf.acct.turns,
	       (unsigned long long)up);
	rc = 0;
cleanup:
	scrapewatch_bpf__destroy(skel);
	return rc;
}
