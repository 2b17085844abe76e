// SPDX-License-Identifier: BSD-2-Clause
/*
 * make bench, XDP section: the cost per packet of the XDP program, through
 * BPF_PROG_TEST_RUN with a large repeat count, for a pure ACK, a data
 * segment, a SYN and a ClientHello, against a bare XDP_PASS program in the
 * same run, with 1 and with 100k flows in the flow map. Pure ACKs are
 * sampled 1 in 16 as live by default (BENCH_XDP_ACK_SAMPLE=N to change).
 * The program runs on its live clock (bpf_ktime), not the replay clock
 * (BENCH_XDP_REPLAY_CLOCK=1: the replay clock, no clock read).
 * BENCH_XDP_HEADS=0 loads it without heads (accounting only), to tell
 * the cost of a head record from that of the accounting; BENCH_XDP_STAGE=0
 * without per-CPU staging (each record through the ring on its own). A
 * run that lost records to a full ring says so on its line: a lost head
 * costs less than a delivered one. Also heads per second
 * through the ring buffer, with a consumer thread draining it. Prints
 * medians; nothing here passes or fails on speed.
 *
 * Note: BPF_PROG_TEST_RUN repeats one packet, so the flow it hits stays in
 * cache; the 100k figure shows the cost of a fuller map, not of cache
 * misses across a 100k-flow working set.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scrapewatch.skel.h"
#include "scrapewatch/xdp_kern_user.h"

#define RUNS 5
#define NFR 6 /* frames measured */

static int repeat = 1000000;

struct frame {
	const char *name;
	unsigned char data[1600];
	unsigned len;
};

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, unsigned v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* Ethernet + IPv4 + TCP, client 198.18.48.2:40000 -> 198.18.48.1:443. */
static void build(struct frame *f, const char *name, unsigned sport,
		  unsigned flags, unsigned seq, unsigned ack,
		  const unsigned char *opt, unsigned olen,
		  const unsigned char *payload, unsigned plen)
{
	unsigned char *p = f->data;
	unsigned thl = 20 + olen;

	memset(f->data, 0, sizeof(f->data));
	f->name = name;
	put16(p + 12, 0x0800);
	p += 14;
	p[0] = 0x45;
	put16(p + 2, 20 + thl + plen);
	p[6] = 0x40;
	p[8] = 64;
	p[9] = 6;
	put32(p + 12, 0xc6123002);
	put32(p + 16, 0xc6123001);
	p += 20;
	put16(p, sport);
	put16(p + 2, 443);
	put32(p + 4, seq);
	put32(p + 8, ack);
	p[12] = (unsigned char)((thl / 4) << 4);
	p[13] = (unsigned char)flags;
	put16(p + 14, 64240);
	memcpy(p + 20, opt, olen);
	memcpy(p + thl, payload, plen);
	f->len = 14 + 20 + thl + plen;
}

/*
 * src wrapped as a mirror delivers it: Ethernet + IPv4 + UDP to port, then
 * 8 bytes of VXLAN (4789) or GENEVE (6081, Ethernet inside), VNI 5001.
 */
static void wrap_udp(struct frame *f, const char *name, const struct frame *src,
		     unsigned port)
{
	unsigned char *p = f->data;
	unsigned ulen = 8 + 8 + src->len;

	memset(f->data, 0, sizeof(f->data));
	f->name = name;
	put16(p + 12, 0x0800);
	p += 14;
	p[0] = 0x45;
	put16(p + 2, 20 + ulen);
	p[8] = 64;
	p[9] = 17;
	put32(p + 12, 0x0ac80001);
	put32(p + 16, 0x0ac80002);
	p += 20;
	put16(p, 49152);
	put16(p + 2, port);
	put16(p + 4, ulen);
	p += 8;
	if (port == 4789)
		p[0] = 0x08;
	else
		put16(p + 2, 0x6558);
	put32(p + 4, 5001 << 8);
	memcpy(p + 8, src->data, src->len);
	f->len = 14 + 20 + ulen;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median ns per packet over RUNS test runs. */
static double ns_per_pkt(int prog_fd, const struct frame *f)
{
	double v[RUNS];
	int i;

	for (i = 0; i < RUNS; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, to, .data_in = f->data,
			    .data_size_in = f->len, .repeat = repeat);

		if (bpf_prog_test_run_opts(prog_fd, &to)) {
			fprintf(stderr, "bench_xdp: test run: %s\n",
				strerror(errno));
			return -1;
		}
		v[i] = to.duration;
	}
	qsort(v, RUNS, sizeof(v[0]), cmp_double);
	return v[RUNS / 2];
}

static int bare_prog(void)
{
	struct bpf_insn insns[2];

	memset(insns, 0, sizeof(insns));
	insns[0].code = BPF_ALU64 | BPF_MOV | BPF_K; /* r0 = XDP_PASS */
	insns[0].dst_reg = BPF_REG_0;
	insns[0].imm = XDP_PASS;
	insns[1].code = BPF_JMP | BPF_EXIT;
	return bpf_prog_load(BPF_PROG_TYPE_XDP, "sw_bare", "GPL", insns, 2,
			     NULL);
}

static volatile int consuming;
static unsigned long long heads_seen;

/* Counts the head records, those of batches (staged per CPU) included. */
static int on_rec(void *ctx, void *data, size_t size)
{
	const struct sw_xdp_rec_hdr *h = data;
	__u64 off = sizeof(*h);

	(void)ctx;
	if (size < sizeof(*h))
		return 0;
	if (h->type == SW_XREC_HEAD)
		heads_seen++;
	if (h->type != SW_XREC_BATCH)
		return 0;
	while ((h = sw_xdp_batch_next(data, size, &off)))
		heads_seen += h->type == SW_XREC_HEAD;
	return 0;
}

/* Records lost to a full ring so far, all CPUs. */
static unsigned long long ring_lost(struct scrapewatch_bpf *skel)
{
	int n = libbpf_num_possible_cpus(), i;
	unsigned long long sum = 0;
	struct sw_xdp_stats *v;
	unsigned zero = 0;

	v = n > 0 ? calloc((size_t)n, sizeof(*v)) : NULL;
	if (v &&
	    !bpf_map_lookup_elem(bpf_map__fd(skel->maps.sw_stats), &zero, v))
		for (i = 0; i < n; i++)
			sum += v[i].ringbuf_full;
	free(v);
	return sum;
}

/* Send what the bench's CPU has staged (the sweeper's job, live). */
static void flush_stage(struct scrapewatch_bpf *skel)
{
	unsigned char pkt[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, to, .data_in = pkt,
		    .data_size_in = sizeof(pkt), .repeat = 1);

	bpf_prog_test_run_opts(bpf_program__fd(skel->progs.sw_xdp_flush), &to);
}

static void *consumer(void *arg)
{
	struct ring_buffer *rb = arg;
	cpu_set_t all;
	int i;

	/* The main thread is pinned (its CPU's stage is the one flushed);
	 * the consumer may run anywhere. */
	CPU_ZERO(&all);
	for (i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &all);
	pthread_setaffinity_np(pthread_self(), sizeof(all), &all);
	while (consuming)
		ring_buffer__poll(rb, 10);
	ring_buffer__consume(rb);
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Fill the flow map with n flows other than the measured ones. */
static int fill_flows(int fd, unsigned n)
{
	struct sw_xdp_flow v;
	struct sw_flow_key k;
	unsigned i;

	memset(&v, 0, sizeof(v));
	for (i = 0; i < n; i++) {
		memset(&k, 0, sizeof(k));
		k.family = SW_FAMILY_IPV4;
		k.proto = 6;
		k.addr_a[0] = 198;
		k.addr_a[1] = 19;
		k.addr_a[2] = (unsigned char)(i >> 8);
		k.addr_a[3] = (unsigned char)i;
		k.addr_b[0] = 198;
		k.addr_b[1] = 18;
		k.port_a = (unsigned short)(1024 + (i >> 16));
		k.port_b = 443;
		if (bpf_map_update_elem(fd, &k, &v, BPF_ANY))
			return -errno;
	}
	return 0;
}

static const unsigned char syn_opt[20] = {
	2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7
};

int main(int argc, char **argv)
{
	static const unsigned counts[2] = { 1, 100000 };
	struct scrapewatch_bpf *skel = NULL;
	struct ring_buffer *rb = NULL;
	unsigned char hello[517], data[1000];
	struct frame fr[NFR];
	double bare[NFR], t0, t1;
	int bare_fd, prog_fd, i, c, rc = 1;
	pthread_t th;

	if (argc > 1)
		repeat = atoi(argv[1]);
	{
		/* One CPU: records are staged per CPU, and flush_stage sends
		 * this CPU's. */
		cpu_set_t one;

		CPU_ZERO(&one);
		CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
		sched_setaffinity(0, sizeof(one), &one);
	}
	memset(data, 'x', sizeof(data));
	memset(hello, 0, sizeof(hello));
	hello[0] = 0x16; /* a TLS handshake record: a stream head */
	hello[1] = 3;
	hello[2] = 1;
	put16(hello + 3, sizeof(hello) - 5);
	hello[5] = 1; /* ClientHello */

	/* The SYN and ClientHello use their own flow; pure ACK and data
	 * another, established by a SYN and a request beforehand. */
	build(&fr[0], "pure ACK", 40000, 0x10, 1001 + 100, 5001, NULL, 0, NULL,
	      0);
	build(&fr[1], "data segment", 40000, 0x18, 1001 + 100000, 5001, NULL, 0,
	      data, sizeof(data));
	build(&fr[2], "SYN", 40001, 0x02, 7000, 0, syn_opt, sizeof(syn_opt),
	      NULL, 0);
	build(&fr[3], "ClientHello", 40001, 0x18, 7001, 9001, NULL, 0, hello,
	      sizeof(hello));
	/* The data segment again, as VXLAN and GENEVE deliver it: the
	 * difference is what decapsulation adds. */
	wrap_udp(&fr[4], "data in VXLAN", &fr[1], 4789);
	wrap_udp(&fr[5], "data in GENEVE", &fr[1], 6081);

	bare_fd = bare_prog();
	if (bare_fd < 0) {
		fprintf(stderr, "bench_xdp: bare program: %s\n",
			strerror(errno));
		return 77;
	}
	for (i = 0; i < NFR; i++)
		bare[i] = ns_per_pkt(bare_fd, &fr[i]);

	printf("bench xdp: BPF_PROG_TEST_RUN, repeat %d, median of %d runs, "
	       "ns/packet, pure ACKs 1 in %s accounted\n",
	       repeat, RUNS,
	       getenv("BENCH_XDP_ACK_SAMPLE") ? getenv("BENCH_XDP_ACK_SAMPLE") :
						"16");
	printf("  %-14s %8s %8s %8s %12s\n", "packet", "flows", "bare",
	       "program", "above bare");
	for (c = 0; c < 2; c++) {
		struct frame setup[2];

		skel = scrapewatch_bpf__open();
		if (skel) {
			/* Pure ACKs sampled as live does by default (1 in
			 * 16, SW_XDP_ACK_SAMPLE_DEFAULT;
			 * BENCH_XDP_ACK_SAMPLE=1: every one accounted). */
			const char *e = getenv("BENCH_XDP_ACK_SAMPLE");
			const char *h = getenv("BENCH_XDP_HEADS");
			unsigned n = e ? (unsigned)atoi(e) : 16;

			skel->rodata->sw_ack_sample_mask = n > 1 ? n - 1 : 0;
			if (h && atoi(h) == 0)
				skel->rodata->sw_heads_on = 0;
			h = getenv("BENCH_XDP_STAGE");
			if (h && atoi(h) == 0)
				skel->rodata->sw_stage_bytes = 0;
			if (scrapewatch_bpf__load(skel)) {
				scrapewatch_bpf__destroy(skel);
				skel = NULL;
			}
		}
		if (!skel) {
			fprintf(stderr, "bench_xdp: load: %s\n",
				strerror(errno));
			goto cleanup;
		}
		prog_fd = bpf_program__fd(skel->progs.sw_xdp_main);
		if (getenv("BENCH_XDP_REPLAY_CLOCK")) {
			skel->bss->sw_replay_on = 1;
			skel->bss->sw_replay_ns = 1;
		}
		rb = ring_buffer__new(bpf_map__fd(skel->maps.sw_ring), on_rec,
				      NULL, NULL);
		if (!rb || fill_flows(bpf_map__fd(skel->maps.sw_flows),
				      counts[c] - 1)) {
			fprintf(stderr, "bench_xdp: setup: %s\n",
				strerror(errno));
			goto cleanup;
		}
		/* Establish the ACK/data flow: SYN, then a first request. */
		build(&setup[0], "syn", 40000, 0x02, 1000, 0, syn_opt,
		      sizeof(syn_opt), NULL, 0);
		build(&setup[1], "req", 40000, 0x18, 1001, 5001, NULL, 0, data,
		      100);
		for (i = 0; i < 2; i++) {
			LIBBPF_OPTS(bpf_test_run_opts, to,
				    .data_in = setup[i].data,
				    .data_size_in = setup[i].len, .repeat = 1);
			bpf_prog_test_run_opts(prog_fd, &to);
		}
		consuming = 1;
		heads_seen = 0;
		pthread_create(&th, NULL, consumer, rb);
		for (i = 0; i < NFR; i++) {
			unsigned long long lost = ring_lost(skel);
			double ns = ns_per_pkt(prog_fd, &fr[i]);

			lost = ring_lost(skel) - lost;
			printf("  %-14s %8u %8.1f %8.1f %12.1f", fr[i].name,
			       counts[c], bare[i], ns, ns - bare[i]);
			/* A full ring makes a head cheaper: say so. */
			printf(lost ? "   (%llu records lost: ring full)\n" :
				      "\n",
			       lost);
		}
		flush_stage(skel);
		consuming = 0;
		pthread_join(th, NULL);

		if (c == 0) {
			/* Heads per second: ClientHellos, each a head record,
			 * with a consumer draining the ring. */
			unsigned long long before;
			LIBBPF_OPTS(
				bpf_test_run_opts, to, .data_in = fr[3].data,
				.data_size_in = fr[3].len, .repeat = repeat);

			consuming = 1;
			heads_seen = 0;
			pthread_create(&th, NULL, consumer, rb);
			before = heads_seen;
			t0 = now_s();
			bpf_prog_test_run_opts(prog_fd, &to);
			flush_stage(skel);
			consuming = 0;
			pthread_join(th, NULL);
			t1 = now_s();
			printf("  heads through the ring buffer: %.2f M/s "
			       "consumed (%llu of %d ClientHello heads; the "
			       "rest counted as ringbuf_full)\n",
			       (double)(heads_seen - before) / (t1 - t0) / 1e6,
			       heads_seen - before, repeat);
		}
		ring_buffer__free(rb);
		rb = NULL;
		scrapewatch_bpf__destroy(skel);
		skel = NULL;
	}
	rc = 0;
cleanup:
	ring_buffer__free(rb);
	scrapewatch_bpf__destroy(skel);
	return rc;
}
