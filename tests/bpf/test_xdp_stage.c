// SPDX-License-Identifier: BSD-2-Clause
/*
 * Per-CPU staging of ring-buffer records (docs/xdp.md, Staging). Loads the
 * XDP program on the replay clock, pinned to one CPU, and runs packets
 * through BPF_PROG_TEST_RUN while reading the ring between steps:
 *  1. a SYN's head is staged, not in the ring, until sw_xdp_flush runs;
 *  2. a packet 25 ms of packet time later sends what is staged (the age
 *     limit is 20 ms), and stages its own head;
 *  3. 300 SYNs 10 us apart arrive whole and in order, in more than one
 *     batch, none over SW_XDP_STAGE_BYTES;
 *  4. with the stage marked busy (a flush from userspace interrupted), a
 *     head goes straight to the ring as a record of its own;
 *  5. a FIN's flow-end record follows the heads staged before it.
 * Skips (77) where the machine can't load BPF programs.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skel_load.h"
#include "scrapewatch/flow_acct.h"
#include "scrapewatch/xdp_kern_user.h"

#define MANY 300

/* What the ring delivered since the last reset. */
struct seen {
	unsigned batches, singles, heads, ends, bad;
	unsigned max_batch; /* bytes of the largest batch */
	unsigned ports[MANY + 16]; /* client port of each head, in order */
	unsigned end_port; /* client port of the latest flow-end record */
	int end_after_heads; /* heads before that end record */
};

static struct seen seen;

static unsigned client_port(const struct sw_flow_key *k)
{
	return k->port_a == 80 ? k->port_b : k->port_a;
}

static void one(const struct sw_xdp_rec_hdr *h)
{
	if (h->type == SW_XREC_HEAD) {
		const struct sw_xdp_head_rec *r = (const void *)h;

		if (seen.heads < sizeof(seen.ports) / sizeof(seen.ports[0]))
			seen.ports[seen.heads] = client_port(&r->key);
		seen.heads++;
	} else if (h->type == SW_XREC_FLOW_END) {
		const struct sw_xdp_end_rec *e = (const void *)h;

		seen.ends++;
		seen.end_port = client_port(&e->key);
		seen.end_after_heads = (int)seen.heads;
	} else {
		seen.bad++;
	}
}

static int on_rec(void *ctx, void *data, size_t size)
{
	const struct sw_xdp_rec_hdr *h = data;
	__u64 off = sizeof(*h);

	(void)ctx;
	if (h->type != SW_XREC_BATCH) {
		seen.singles++;
		one(h);
		return 0;
	}
	seen.batches++;
	if (size > seen.max_batch)
		seen.max_batch = (unsigned)size;
	while ((h = sw_xdp_batch_next(data, size, &off)))
		one(h);
	if (off < size)
		seen.bad++;
	return 0;
}

static int run(struct scrapewatch_bpf *skel, int prog_fd, unsigned sport,
	       unsigned flags, uint64_t step_ns)
{
	struct test_frame f;
	LIBBPF_OPTS(bpf_test_run_opts, to, .data_in = f.b, .repeat = 1);

	test_frame_build(&f, sport, flags, 1000, 0, NULL);
	to.data_size_in = f.len;
	skel->bss->sw_replay_ns += step_ns;
	return bpf_prog_test_run_opts(prog_fd, &to);
}

static int flush(struct scrapewatch_bpf *skel)
{
	unsigned char pkt[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, to, .data_in = pkt,
		    .data_size_in = sizeof(pkt), .repeat = 1);

	return bpf_prog_test_run_opts(bpf_program__fd(skel->progs.sw_xdp_flush),
				      &to);
}

/* Set every CPU's stage busy flag. */
static int set_busy(struct scrapewatch_bpf *skel, int ncpu, uint32_t busy)
{
	struct sw_xdp_stage *v = calloc((size_t)ncpu, sizeof(*v));
	int fd = bpf_map__fd(skel->maps.sw_stage), i, err;
	uint32_t zero = 0;

	if (!v)
		return -ENOMEM;
	err = bpf_map_lookup_elem(fd, &zero, v);
	for (i = 0; !err && i < ncpu; i++)
		v[i].busy = busy;
	if (!err)
		err = bpf_map_update_elem(fd, &zero, v, BPF_ANY);
	free(v);
	return err ? -errno : 0;
}

static void no_set_up(struct scrapewatch_bpf *skel)
{
	(void)skel;
}

int main(void)
{
	struct scrapewatch_bpf *skel;
	struct ring_buffer *rb = NULL;
	int ncpu = libbpf_num_possible_cpus(), prog_fd, rc = 1, i, c;
	cpu_set_t one_cpu;

	/* One CPU: the stage is per CPU, and sw_xdp_flush sends this one's. */
	c = sched_getcpu();
	CPU_ZERO(&one_cpu);
	CPU_SET(c < 0 ? 0 : c, &one_cpu);
	if (sched_setaffinity(0, sizeof(one_cpu), &one_cpu)) {
		fprintf(stderr, "FAIL: pinning to one CPU: %s\n",
			strerror(errno));
		return 1;
	}
	skel = skel_load(no_set_up, &rc);
	if (!skel)
		return rc;
	rc = 1;
	skel->bss->sw_replay_on = 1;
	skel->bss->sw_replay_ns = 1700000000ull * 1000000000ull;
	prog_fd = bpf_program__fd(skel->progs.sw_xdp_main);
	rb = ring_buffer__new(bpf_map__fd(skel->maps.sw_ring), on_rec, NULL,
			      NULL);
	CHECK(rb && ncpu > 0, "ring buffer: %s", strerror(errno));

	/* 1. Staged until flushed. */
	memset(&seen, 0, sizeof(seen));
	CHECK(run(skel, prog_fd, 40001, SW_TCP_SYN, 1000) == 0, "test run");
	ring_buffer__consume(rb);
	CHECK(seen.heads == 0,
	      "staged SYN: heads in the ring actual %u "
	      "expected 0 before the flush",
	      seen.heads);
	CHECK(flush(skel) == 0, "flush: %s", strerror(errno));
	ring_buffer__consume(rb);
	CHECK(seen.batches == 1 && seen.heads == 1 && seen.ports[0] == 40001,
	      "after the flush: batches %u heads %u port %u, expected 1 1 40001",
	      seen.batches, seen.heads, seen.ports[0]);
	printf("PASS a SYN's head waits in the stage until sw_xdp_flush\n");

	/* 2. The age limit: the next packet 25 ms later sends it. */
	memset(&seen, 0, sizeof(seen));
	CHECK(run(skel, prog_fd, 40002, SW_TCP_SYN, 1000) == 0, "test run");
	CHECK(run(skel, prog_fd, 40003, SW_TCP_SYN, 25000000) == 0, "test run");
	ring_buffer__consume(rb);
	CHECK(seen.heads == 1 && seen.ports[0] == 40002,
	      "25 ms later: heads %u (port %u), expected the older one only",
	      seen.heads, seen.ports[0]);
	CHECK(flush(skel) == 0, "flush");
	ring_buffer__consume(rb);
	CHECK(seen.heads == 2 && seen.ports[1] == 40003,
	      "then the flush: heads %u, expected 2", seen.heads);
	printf("PASS a staged head goes out with the next packet past 20 ms\n");

	/* 3. Many, in order, in batches of at most the stage size. */
	memset(&seen, 0, sizeof(seen));
	for (i = 0; i < MANY; i++)
		CHECK(run(skel, prog_fd, 41000 + (unsigned)i, SW_TCP_SYN,
			  10000) == 0,
		      "test run %d", i);
	CHECK(flush(skel) == 0, "flush");
	ring_buffer__consume(rb);
	CHECK(seen.heads == MANY && !seen.bad,
	      "%d SYNs: heads %u bad %u, expected %d 0", MANY, seen.heads,
	      seen.bad, MANY);
	for (i = 0; i < MANY; i++)
		CHECK(seen.ports[i] == 41000 + (unsigned)i,
		      "head %d: port %u, expected %u (order)", i, seen.ports[i],
		      41000 + (unsigned)i);
	CHECK(seen.batches > 1 && seen.max_batch <= SW_XDP_STAGE_BYTES,
	      "batches %u (largest %u bytes), expected > 1, at most %d",
	      seen.batches, seen.max_batch, SW_XDP_STAGE_BYTES);
	printf("PASS %d heads in order, %u batches of at most %u bytes\n", MANY,
	       seen.batches, seen.max_batch);

	/* 4. Busy stage: straight to the ring. */
	memset(&seen, 0, sizeof(seen));
	CHECK(set_busy(skel, ncpu, 1) == 0, "busy: %s", strerror(errno));
	CHECK(run(skel, prog_fd, 42001, SW_TCP_SYN, 1000) == 0, "test run");
	ring_buffer__consume(rb);
	CHECK(seen.singles == 1 && seen.heads == 1 && seen.batches == 0,
	      "busy stage: singles %u heads %u batches %u, expected 1 1 0",
	      seen.singles, seen.heads, seen.batches);
	CHECK(set_busy(skel, ncpu, 0) == 0, "busy off");
	printf("PASS a busy stage sends the head as a record of its own\n");

	/* 5. A FIN's flow end after the heads staged before it. */
	memset(&seen, 0, sizeof(seen));
	CHECK(run(skel, prog_fd, 43001, SW_TCP_SYN, 1000) == 0, "test run");
	CHECK(run(skel, prog_fd, 43002, SW_TCP_SYN, 1000) == 0, "test run");
	CHECK(run(skel, prog_fd, 43001, SW_TCP_FIN | SW_TCP_ACK, 1000) == 0,
	      "test run");
	CHECK(flush(skel) == 0, "flush");
	ring_buffer__consume(rb);
	CHECK(seen.ends == 1 && seen.end_port == 43001 &&
		      seen.end_after_heads == 2,
	      "FIN: ends %u port %u after %d heads, expected 1 43001 2",
	      seen.ends, seen.end_port, seen.end_after_heads);
	printf("PASS a flow-end record keeps its place after the heads\n");
	rc = 0;
cleanup:
	ring_buffer__free(rb);
	scrapewatch_bpf__destroy(skel);
	return rc;
}
