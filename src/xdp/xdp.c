// SPDX-License-Identifier: BSD-2-Clause
/*
 * The kernel accounting source (see source-xdp.h and docs/xdp.md). The XDP
 * program keeps each flow's accounting in its flow map, with recent pure
 * ACKs in a per-CPU stash; this side ends flows: a flow closed in the
 * kernel lingers like one in the userspace table, an idle one times out,
 * and at the end of input all are flushed. Ending a flow merges its stashed
 * ACKs with the code the kernel uses (xdp_stash.h), so the record is exact,
 * and goes through sw_pipeline_flow_end(), the same output and hooks as the
 * userspace path. Heads from the ring buffer are decoded with the userspace
 * decoders and fed to the same heads stage.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scrapewatch.skel.h"
#include "scrapewatch/xdp_stash.h"
#include "xdp/xdp.h"

#define ETHER_HLEN 14
#define FRAME_MAX (65535 + ETHER_HLEN)
#define BATCH 1024

/*
 * What the heads stage keeps in a flow entry's user_flags, for the flows
 * it has seen: the kernel's flow entries have no room for it.
 */
struct shadow {
	struct sw_flow_key key;
	struct shadow *next;
	uint64_t sent_up, sent_down; /* last snapshot given to the detector */
	uint32_t sent_turns;
	uint32_t gen; /* the last sweep that found the flow */
	uint8_t user_flags;
	uint8_t seen; /* the pipeline was told of the flow's start */
	uint8_t tls_hint; /* the client stream opens with TLS or QUIC */
};

struct sw_xdp {
	struct scrapewatch_bpf *skel;
	struct ring_buffer *rb;
	struct sw_pipeline *pl;
	struct sw_xdp_opts o;
	struct sw_acct_cfg acfg;
	int prog_fd, flush_fd, flows_fd, stash_fd, stats_fd, stage_fd;
	struct sw_xdp_stage *stage_vals; /* one per possible CPU */
	int ncpu;
	cpu_set_t cpus; /* the thread's CPUs before a replay pinned it */
	int pinned;
	int link_fds[SW_XDP_MAX_IFACES];
	char ifnames[SW_XDP_MAX_IFACES][IF_NAMESIZE];
	int nlinks;
	uint64_t now_ns, next_sweep_ns;
	struct sw_xdp_stats sum; /* kernel counters, summed */
	uint64_t user_reasons[SW_DR_MAX]; /* frames refused before the kernel */
	uint64_t user_packets, user_bytes;
	uint64_t bad_records, head_decode_errors, test_run_errors;
	uint64_t stage_flush_errors; /* CPUs whose staged records stayed */
	uint64_t ended_in_map; /* flows ended from the flow map */
	struct shadow **shadow;
	uint32_t shadow_mask;
	uint64_t nshadow;
	uint32_t gen; /* sweeps so far */
	uint8_t frame[FRAME_MAX];
};

void sw_xdp_default_opts(struct sw_xdp_opts *o)
{
	memset(o, 0, sizeof(*o));
	sw_flow_table_default_cfg(&o->table);
	o->max_flows = o->table.max_flows;
	o->ring_bytes = 8u << 20;
	o->head_snap = 1600;
	o->ack_flush_every = 16;
	o->ack_sample_n = SW_XDP_ACK_SAMPLE_DEFAULT;
	o->heads = 1;
	o->sweep_ns = 1000000000ULL;
}

static struct shadow **shadow_slot(struct sw_xdp *x,
				   const struct sw_flow_key *k)
{
	struct shadow **pp = &x->shadow[sw_flow_key_hash(k) & x->shadow_mask];

	while (*pp && memcmp(&(*pp)->key, k, sizeof(*k)))
		pp = &(*pp)->next;
	return pp;
}

static void shadow_grow(struct sw_xdp *x)
{
	uint32_t i, nmask = x->shadow_mask * 2 + 1;
	struct shadow **nb = calloc((size_t)nmask + 1, sizeof(*nb));

	if (!nb)
		return; /* longer chains, still correct */
	for (i = 0; i <= x->shadow_mask; i++) {
		struct shadow *e = x->shadow[i], *next;

		for (; e; e = next) {
			uint32_t b = sw_flow_key_hash(&e->key) & nmask;

			next = e->next;
			e->next = nb[b];
			nb[b] = e;
		}
	}
	free(x->shadow);
	x->shadow = nb;
	x->shadow_mask = nmask;
}

/* A new entry for key (not in the table). NULL when out of memory. */
static struct shadow *shadow_new(struct sw_xdp *x, const struct sw_flow_key *k)
{
	struct shadow **pp, *e;

	if (x->nshadow > x->shadow_mask)
		shadow_grow(x);
	pp = shadow_slot(x, k);
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL; /* the flow goes untracked; still correct */
	e->key = *k;
	e->gen = x->gen;
	*pp = e;
	x->nshadow++;
	return e;
}

/*
 * Whether the pipeline wants every flow's start and progress (detection,
 * or eval's flow-start hook): then every flow gets a shadow entry.
 */
static int tracking(const struct sw_xdp *x)
{
	return x->pl->det || x->pl->on_flow_start;
}

/* Tell the pipeline of a flow's start once; f->acct.first_ns is it. */
static void flow_seen(struct sw_xdp *x, struct shadow *e,
		      const struct sw_flow *f, int client_syn)
{
	if (e->seen)
		return;
	e->seen = 1;
	sw_pipeline_flow_seen(x->pl, f, client_syn);
}

/* A flow ends: the shared output path, with its heads. */
static void emit(struct sw_xdp *x, const struct sw_flow_key *key,
		 const struct sw_flow_acct *a)
{
	struct shadow **pp = shadow_slot(x, key), *e = *pp;
	struct sw_flow f;

	f.key = *key;
	f.acct = *a;
	f.acct.user_flags = e ? e->user_flags : 0;
	if (x->o.ack_sample_n > 1)
		f.acct.user_flags |= SW_UF_PKTS_SAMPLED;
	/* Shorter than a sweep and without heads: it starts here. */
	if (tracking(x) && (!e || !e->seen))
		sw_pipeline_flow_seen(x->pl, &f, 0);
	sw_pipeline_flow_end(x->pl, &f);
	if (e) {
		*pp = e->next;
		free(e);
		x->nshadow--;
	}
}

static void on_head(struct sw_xdp *x, const struct sw_xdp_head_rec *r,
		    size_t size)
{
	struct sw_packet pkt;
	struct shadow *e;
	struct sw_flow f;
	int rc;

	if (size < SW_XDP_HEAD_REC_FIXED ||
	    r->cap_len > size - SW_XDP_HEAD_REC_FIXED ||
	    r->cap_len > SW_XDP_HEAD_SNAP_MAX || r->dir > SW_DIR_S2C) {
		x->bad_records++;
		return;
	}
	pkt.ts_ns = r->ts_ns;
	rc = sw_decode(SW_LINKTYPE_ETHERNET, r->data, r->cap_len,
		       r->wire_len < r->cap_len ? r->cap_len : r->wire_len,
		       &pkt);
	if (rc != SW_DR_OK) {
		x->head_decode_errors++;
		return;
	}
	memset(&f, 0, sizeof(f));
	f.key = r->key;
	f.acct.turns = r->turns;
	f.acct.client_is_b = r->client_is_b;
	f.acct.first_ns = r->ts_ns;
	e = *shadow_slot(x, &r->key);
	if (!e && tracking(x))
		e = shadow_new(x, &r->key);
	if (e) {
		f.acct.user_flags = e->user_flags;
		flow_seen(x, e, &f,
			  r->kind == SW_XHK_SYN && r->dir == SW_DIR_C2S &&
				  pkt.proto == SW_IPPROTO_TCP &&
				  (pkt.tcp_flags & (SW_TCP_SYN | SW_TCP_ACK)) ==
					  SW_TCP_SYN);
		if (r->dir == SW_DIR_C2S && r->turns <= 1 &&
		    e->sent_turns == 0 && pkt.payload_caplen > 0 &&
		    (r->kind == SW_XHK_STREAM || r->kind == SW_XHK_UDP)) {
			/* The first turn, at its own packet time (sweeps
			 * come later): no response yet, and whether it is a
			 * handshake, which the sweeps cannot tell. */
			e->tls_hint = pkt.proto == SW_IPPROTO_TCP ?
					      pkt.payload[0] == 22 :
					      (pkt.payload[0] & 0x80) != 0;
			e->sent_turns = r->turns;
			/* A ClientHello opening the stream: the kernel walks
			 * the TLS records from here (tls_records.h), and its
			 * request count, none so far, leaves the handshake
			 * out, as userspace's does at this packet. */
			if (pkt.proto == SW_IPPROTO_TCP && e->tls_hint)
				f.acct.tls_state = SW_TLS_HANDSHAKE;
			sw_pipeline_flow_progress(x->pl, &f, r->ts_ns,
						  e->tls_hint);
		}
	}
	sw_pipeline_head(x->pl, &f, r->dir, &pkt);
	if (!e && f.acct.user_flags)
		e = shadow_new(x, &r->key);
	if (e)
		e->user_flags = f.acct.user_flags;
}

static void on_one(struct sw_xdp *x, const void *data, size_t size)
{
	const struct sw_xdp_rec_hdr *h = data;
	const struct sw_xdp_end_rec *e = data;

	switch (h->type) {
	case SW_XREC_HEAD:
		on_head(x, data, size);
		break;
	case SW_XREC_FLOW_END:
		if (size < sizeof(*e)) {
			x->bad_records++;
			break;
		}
		/* A reused 5-tuple: this record is all that is left of the
		 * old flow. A closed flow lingers in the map for its late
		 * packets; the sweeper ends it. HOOK: a detector wanting
		 * prompt ends can take SW_XEND_CLOSING here. */
		if (e->event == SW_XEND_REUSED)
			emit(x, &e->key, &e->acct);
		break;
	default:
		x->bad_records++;
		break;
	}
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct sw_xdp *x = ctx;
	const struct sw_xdp_rec_hdr *h = data, *r;
	__u64 off = sizeof(*h);

	if (size < sizeof(*h) || h->version != SW_XDP_REC_VERSION) {
		x->bad_records++;
		return 0;
	}
	if (h->type != SW_XREC_BATCH) {
		on_one(x, data, size);
		return 0;
	}
	/* A CPU's staged records, in the order it wrote them. */
	while ((r = sw_xdp_batch_next(data, size, &off))) {
		if (r->version != SW_XDP_REC_VERSION ||
		    r->type == SW_XREC_BATCH) {
			x->bad_records++;
			return 0;
		}
		on_one(x, r, r->len);
	}
	if (off < size)
		x->bad_records++;
	return 0;
}

/*
 * Have every CPU that holds staged records send them (sw_xdp_flush, run
 * pinned to that CPU), then read them: before a sweep, so a flow's heads
 * come before its end, and at the end of input. A CPU this thread may not
 * run on keeps its records until its next packets send them (counted in
 * stage_flush_errors).
 */
static void flush_stages(struct sw_xdp *x)
{
	unsigned char pkt[64] = { 0 };
	cpu_set_t mask, one;
	uint32_t zero = 0;
	int c, moved = 0;

	if (!x->stage_vals || sched_getaffinity(0, sizeof(mask), &mask) ||
	    bpf_map_lookup_elem(x->stage_fd, &zero, x->stage_vals))
		goto consume;
	for (c = 0; c < x->ncpu && c < CPU_SETSIZE; c++) {
		LIBBPF_OPTS(bpf_test_run_opts, to, .data_in = pkt,
			    .data_size_in = sizeof(pkt), .repeat = 1);

		if (!x->stage_vals[c].count)
			continue;
		if (!CPU_ISSET(c, &mask)) {
			x->stage_flush_errors++;
			continue;
		}
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		if (CPU_COUNT(&mask) > 1) {
			if (sched_setaffinity(0, sizeof(one), &one)) {
				x->stage_flush_errors++;
				continue;
			}
			moved = 1;
		}
		if (bpf_prog_test_run_opts(x->flush_fd, &to))
			x->stage_flush_errors++;
	}
	if (moved)
		sched_setaffinity(0, sizeof(mask), &mask);
consume:
	ring_buffer__consume(x->rb);
}

static uint64_t realtime_offset_ns(void)
{
	struct timespec rt, mono;

	/* Coarse and fine monotonic clocks share their base. */
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return ((uint64_t)rt.tv_sec - (uint64_t)mono.tv_sec) * 1000000000ULL +
	       (uint64_t)rt.tv_nsec - (uint64_t)mono.tv_nsec;
}

/*
 * How long the kernel keeps the pure ACKs of a flow past a FIN from being
 * sampled out, in its epochs of 2^30 ns: past the longest a closing or
 * closed flow can stay quiet and still be in the map (its timeout, plus a
 * sweep period before the sweeper ends it), plus two: one for rounding
 * down, one for the epoch the mark was set in.
 */
static uint32_t fin_hold_epochs(const struct sw_xdp_opts *o)
{
	uint64_t ns = o->table.tcp_closing_timeout_ns;

	if (o->table.tcp_closed_timeout_ns > ns)
		ns = o->table.tcp_closed_timeout_ns;
	ns += o->sweep_ns;
	ns = (ns >> 30) + 2;
	return ns > (1u << 30) ? 1u << 30 : (uint32_t)ns;
}

static int silent_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_WARN)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

struct sw_xdp *sw_xdp_open(const struct sw_xdp_opts *o, struct sw_pipeline *pl,
			   char *errbuf)
{
	const struct sw_decode_cfg *dc;
	struct sw_xdp_cfg cfg = { 0 };
	struct sw_xdp *x;
	uint32_t zero = 0;
	int err;

	x = calloc(1, sizeof(*x));
	if (!x) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "XDP source: %s",
			 strerror(errno));
		return NULL;
	}
	x->o = *o;
	x->pl = pl;
	x->shadow_mask = 1023;
	x->shadow = calloc((size_t)x->shadow_mask + 1, sizeof(*x->shadow));
	if (!x->shadow) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "XDP source: %s",
			 strerror(errno));
		free(x);
		return NULL;
	}
	x->acfg = o->table.acct;
	x->ncpu = libbpf_num_possible_cpus();
	libbpf_set_print(silent_print);
	x->skel = scrapewatch_bpf__open();
	if (!x->skel || x->ncpu <= 0) {
		err = errno;
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "XDP program: open: %s (root or CAP_BPF needed)",
			 strerror(err));
		goto fail;
	}
	x->skel->rodata->sw_head_snap = o->head_snap;
	x->skel->rodata->sw_ack_flush_every =
		o->ack_flush_every ? o->ack_flush_every : 1;
	x->skel->rodata->sw_heads_on = (uint8_t)(o->heads != 0);
	if (o->ack_sample_n > 1) {
		/* A power of two: the kernel tests bits of a counter. */
		uint32_t n = 1;

		while (n < o->ack_sample_n && n < (1u << 16))
			n <<= 1;
		x->skel->rodata->sw_ack_sample_mask = n - 1;
		x->o.ack_sample_n = n;
	}
	x->skel->rodata->sw_fin_hold_epochs = fin_hold_epochs(o);
	/* Tunnels as decode: says (bpf/parsing.h: one port each). */
	dc = sw_decode_config();
	x->skel->rodata->sw_tun_vxlan_port =
		(dc->tunnels & SW_TUNB_VXLAN) && dc->n_vxlan_ports ?
			dc->vxlan_ports[0] :
			0;
	x->skel->rodata->sw_tun_geneve_port =
		(dc->tunnels & SW_TUNB_GENEVE) && dc->n_geneve_ports ?
			dc->geneve_ports[0] :
			0;
	x->skel->rodata->sw_tun_max_depth = dc->max_depth;
	/* A head's frame carries its tunnel headers too: room for two
	 * levels over IPv6 (70 bytes each) past the plain snap length. */
	if (x->skel->rodata->sw_tun_vxlan_port ||
	    x->skel->rodata->sw_tun_geneve_port)
		x->skel->rodata->sw_head_snap =
			o->head_snap + 140 < SW_XDP_HEAD_SNAP_MAX ?
				o->head_snap + 140 :
				SW_XDP_HEAD_SNAP_MAX;
	bpf_map__set_max_entries(x->skel->maps.sw_flows, o->max_flows);
	bpf_map__set_max_entries(x->skel->maps.sw_ring, o->ring_bytes);
	x->skel->rodata->sw_ring_bytes = o->ring_bytes;
	err = scrapewatch_bpf__load(x->skel);
	if (err) {
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "XDP program: load: %s (the verifier log above says "
			 "why; see docs/xdp.md, troubleshooting)",
			 strerror(-err));
		goto fail;
	}
	x->prog_fd = bpf_program__fd(x->skel->progs.sw_xdp_main);
	x->flush_fd = bpf_program__fd(x->skel->progs.sw_xdp_flush);
	x->stage_fd = bpf_map__fd(x->skel->maps.sw_stage);
	x->stage_vals = calloc((size_t)x->ncpu, sizeof(*x->stage_vals));
	if (!x->stage_vals) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "XDP stage buffers: %s",
			 strerror(errno));
		goto fail;
	}
	x->flows_fd = bpf_map__fd(x->skel->maps.sw_flows);
	x->stash_fd = bpf_map__fd(x->skel->maps.sw_ack_stash);
	x->stats_fd = bpf_map__fd(x->skel->maps.sw_stats);
	cfg.udp_turn_gap_ns = o->table.acct.udp_turn_gap_ns;
	cfg.ring_mark_pct = 50;
	cfg.turn_sample_n = 8;
	if (bpf_map_update_elem(bpf_map__fd(x->skel->maps.sw_cfg), &zero, &cfg,
				BPF_ANY)) {
		err = -errno;
		snprintf(errbuf, SW_ERRBUF_SIZE, "XDP map sw_cfg: %s",
			 strerror(-err));
		goto fail;
	}
	x->skel->bss->sw_clock_offset_ns = realtime_offset_ns();
	x->skel->bss->sw_replay_on = o->replay ? 1 : 0;
	if (o->replay && !sched_getaffinity(0, sizeof(x->cpus), &x->cpus)) {
		/* A replay stays on one CPU: records are staged per CPU, and
		 * one CPU's come out in the order the packets went in. */
		cpu_set_t one;
		int c = sched_getcpu();

		CPU_ZERO(&one);
		CPU_SET(c < 0 ? 0 : c, &one);
		x->pinned = !sched_setaffinity(0, sizeof(one), &one);
	}
	x->rb = ring_buffer__new(bpf_map__fd(x->skel->maps.sw_ring), on_record,
				 x, NULL);
	if (!x->rb) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "XDP ring buffer: %s",
			 strerror(errno));
		goto fail;
	}
	return x;
fail:
	sw_xdp_close(x);
	return NULL;
}

int sw_xdp_attach(struct sw_xdp *x, const char *ifname, int mode, char *errbuf)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo);
	unsigned ifindex = if_nametoindex(ifname);
	int fd, err;

	if (!ifindex) {
		err = -errno;
		snprintf(errbuf, SW_ERRBUF_SIZE, "interface %s: %s", ifname,
			 strerror(-err));
		return err;
	}
	if (x->nlinks >= SW_XDP_MAX_IFACES) {
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "interface %s: at most %d interfaces", ifname,
			 SW_XDP_MAX_IFACES);
		return -E2BIG;
	}
	/* A bpf_link: the program stays attached only while this process
	 * holds the link, so a crashed collector leaves nothing behind. */
	lo.flags = mode == SW_XDP_MODE_GENERIC ? XDP_FLAGS_SKB_MODE :
						 XDP_FLAGS_DRV_MODE;
	fd = bpf_link_create(x->prog_fd, (int)ifindex, BPF_XDP, &lo);
	if (fd < 0 && mode == SW_XDP_MODE_AUTO) {
		fprintf(stderr,
			"scrapewatch: warning: interface %s: native XDP "
			"refused (%s); falling back to generic XDP, which "
			"costs more per packet (--xdp-mode generic silences "
			"this)\n",
			ifname, strerror(errno));
		lo.flags = XDP_FLAGS_SKB_MODE;
		fd = bpf_link_create(x->prog_fd, (int)ifindex, BPF_XDP, &lo);
	}
	if (fd < 0) {
		err = -errno;
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "interface %s: attaching XDP (%s): %s%s", ifname,
			 lo.flags == XDP_FLAGS_SKB_MODE ? "generic" : "native",
			 strerror(-err),
			 err == -EBUSY ? " (another XDP program is attached)" :
					 "");
		return err;
	}
	x->link_fds[x->nlinks] = fd;
	snprintf(x->ifnames[x->nlinks], IF_NAMESIZE, "%s", ifname);
	x->nlinks++;
	return 0;
}

/* --- ending flows ------------------------------------------------------ */

struct xflow {
	struct sw_flow_key key;
	struct sw_flow_acct acct; /* merged with its stashed ACKs */
	int in_map; /* 0: known only from the stash */
};

struct xstash {
	struct sw_xdp_ack_stash s;
	uint32_t slot;
	int cpu;
};

struct sweep {
	struct xflow *flows;
	size_t nflows, cap;
	struct xstash *stash;
	size_t nstash;
	struct sw_xdp_ack_stash *slotbuf; /* ncpu values of one slot */
};

static int key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct sw_flow_key));
}

static int push_flow(struct sweep *w, const struct sw_flow_key *k,
		     const struct sw_flow_acct *a, int in_map)
{
	if (w->nflows == w->cap) {
		size_t ncap = w->cap ? w->cap * 2 : 1024;
		struct xflow *n = realloc(w->flows, ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		w->flows = n;
		w->cap = ncap;
	}
	w->flows[w->nflows].key = *k;
	w->flows[w->nflows].acct = *a;
	w->flows[w->nflows].in_map = in_map;
	w->nflows++;
	return 0;
}

/* Every non-empty stash slot of every CPU. */
static int read_stash(struct sw_xdp *x, struct sweep *w)
{
	size_t vsz = sizeof(struct sw_xdp_ack_stash);
	struct sw_xdp_ack_stash *vals;
	uint32_t slot;
	int cpu;

	vals = calloc((size_t)x->ncpu, vsz);
	w->stash = calloc((size_t)x->ncpu * 64, sizeof(*w->stash));
	if (!vals || !w->stash) {
		free(vals);
		return -ENOMEM;
	}
	size_t cap = (size_t)x->ncpu * 64;

	for (slot = 0; slot < SW_XDP_ACK_STASH_SLOTS; slot++) {
		if (bpf_map_lookup_elem(x->stash_fd, &slot, vals))
			continue;
		for (cpu = 0; cpu < x->ncpu; cpu++) {
			if (!vals[cpu].count)
				continue;
			if (w->nstash == cap) {
				struct xstash *n =
					realloc(w->stash, cap * 2 * sizeof(*n));

				if (!n) {
					free(vals);
					return -ENOMEM;
				}
				w->stash = n;
				cap *= 2;
			}
			w->stash[w->nstash].s = vals[cpu];
			w->stash[w->nstash].slot = slot;
			w->stash[w->nstash].cpu = cpu;
			w->nstash++;
		}
	}
	free(vals);
	return 0;
}

/* Every flow of the flow map. */
static int read_flows(struct sw_xdp *x, struct sweep *w)
{
	struct sw_flow_key *keys = calloc(BATCH, sizeof(*keys));
	struct sw_xdp_flow *vals = calloc(BATCH, sizeof(*vals));
	LIBBPF_OPTS(bpf_map_batch_opts, bo);
	uint32_t in = 0, out = 0, n, i;
	void *inp = NULL;
	int err = 0, rc;

	if (!keys || !vals) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (;;) {
		n = BATCH;
		rc = bpf_map_lookup_batch(x->flows_fd, inp, &out, keys, vals,
					  &n, &bo);
		if (rc && errno != ENOENT) {
			err = -errno;
			break;
		}
		for (i = 0; i < n; i++)
			if (push_flow(w, &keys[i], &vals[i].acct, 1)) {
				err = -ENOMEM;
				goto cleanup;
			}
		if (rc)
			break;
		in = out;
		inp = &in;
	}
cleanup:
	free(keys);
	free(vals);
	return err;
}

/* Merge stashed ACKs into their flows; flows only stashed are added. */
static int merge_stash(struct sw_xdp *x, struct sweep *w)
{
	size_t i, n_map = w->nflows;

	qsort(w->flows, n_map, sizeof(*w->flows), key_cmp);
	for (i = 0; i < w->nstash; i++) {
		const struct sw_xdp_ack_stash *s = &w->stash[i].s;
		struct xflow *f = bsearch(&s->key, w->flows, n_map,
					  sizeof(*w->flows), key_cmp);
		size_t j;

		if (!f) {
			/* Another CPU may have stashed the same new flow. */
			for (j = n_map; j < w->nflows; j++)
				if (!memcmp(&w->flows[j].key, &s->key,
					    sizeof(s->key)))
					break;
			if (j == w->nflows) {
				struct sw_flow_acct a;

				sw_stash_init_flow(&a, s);
				if (push_flow(w, &s->key, &a, 0))
					return -ENOMEM;
			}
			f = &w->flows[j];
		}
		sw_stash_apply(&f->acct, s, &x->acfg);
	}
	return 0;
}

/* Empty the stash slots of an ended flow (only its own CPUs' entries). */
static void clear_stash(struct sw_xdp *x, struct sweep *w,
			const struct sw_flow_key *k)
{
	uint32_t slot = sw_xdp_stash_slot(k);
	int cpu, dirty = 0;

	if (bpf_map_lookup_elem(x->stash_fd, &slot, w->slotbuf))
		return;
	for (cpu = 0; cpu < x->ncpu; cpu++) {
		if (w->slotbuf[cpu].count &&
		    !memcmp(&w->slotbuf[cpu].key, k, sizeof(*k))) {
			memset(&w->slotbuf[cpu], 0, sizeof(w->slotbuf[cpu]));
			dirty = 1;
		}
	}
	if (dirty)
		bpf_map_update_elem(x->stash_fd, &slot, w->slotbuf, BPF_ANY);
}

static int cmp_first_seen(const void *a, const void *b)
{
	const struct xflow *fa = a, *fb = b;

	if (fa->acct.first_ns != fb->acct.first_ns)
		return fa->acct.first_ns < fb->acct.first_ns ? -1 : 1;
	return memcmp(&fa->key, &fb->key, sizeof(fa->key));
}

static int cmp_last_seen(const void *a, const void *b)
{
	const struct xflow *fa = a, *fb = b;

	if (fa->acct.last_ns != fb->acct.last_ns)
		return fa->acct.last_ns < fb->acct.last_ns ? -1 : 1;
	return memcmp(&fa->key, &fb->key, sizeof(fa->key));
}

/*
 * A flow that goes on: tell the pipeline of its start if new, and keep it
 * for a progress event if its totals moved since the last one. 1: keep.
 */
static int flow_moved(struct sw_xdp *x, const struct xflow *xf)
{
	struct shadow *e = *shadow_slot(x, &xf->key);
	struct sw_flow f = { .key = xf->key, .acct = xf->acct };

	if (!e && tracking(x))
		e = shadow_new(x, &xf->key);
	if (!e)
		return 0;
	e->gen = x->gen;
	if (!tracking(x))
		return 0;
	flow_seen(x, e, &f, 0);
	return xf->acct.turns != e->sent_turns ||
	       sw_acct_bytes(&xf->acct, SW_DIR_C2S) != e->sent_up ||
	       sw_acct_bytes(&xf->acct, SW_DIR_S2C) != e->sent_down;
}

/* Running snapshots, oldest first, at each flow's latest packet time. */
static void progress(struct sw_xdp *x, struct xflow *p, size_t n)
{
	size_t i;

	qsort(p, n, sizeof(*p), cmp_last_seen);
	for (i = 0; i < n; i++) {
		struct shadow *e = *shadow_slot(x, &p[i].key);
		struct sw_flow f = { .key = p[i].key, .acct = p[i].acct };

		if (!e)
			continue;
		sw_pipeline_flow_progress(x->pl, &f, f.acct.last_ns,
					  e->tls_hint);
		e->sent_turns = f.acct.turns;
		e->sent_up = sw_acct_bytes(&f.acct, SW_DIR_C2S);
		e->sent_down = sw_acct_bytes(&f.acct, SW_DIR_S2C);
	}
}

/*
 * Entries whose flow this sweep did not find: the LRU map evicted it
 * silently. Their heads and detector state age out on their own.
 */
static void shadow_prune(struct sw_xdp *x)
{
	uint32_t i;

	for (i = 0; i <= x->shadow_mask; i++) {
		struct shadow **pp = &x->shadow[i], *e;

		while ((e = *pp)) {
			if (e->gen == x->gen) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			free(e);
			x->nshadow--;
		}
	}
}

/*
 * End the flows idle at x->now_ns (all of them when final), as the
 * userspace flow table would: same timeouts, same end reasons.
 */
static void sweep(struct sw_xdp *x, int final)
{
	struct sweep w = { 0 };
	struct xflow *moved = NULL;
	size_t i, n = 0, nmoved = 0;

	/* Heads first: a flow's heads are older than its end. */
	flush_stages(x);
	w.slotbuf = calloc((size_t)x->ncpu, sizeof(*w.slotbuf));
	if (!w.slotbuf || read_stash(x, &w) || read_flows(x, &w) ||
	    merge_stash(x, &w)) {
		fprintf(stderr, "scrapewatch: XDP sweep: %s\n",
			strerror(errno ? errno : ENOMEM));
		goto cleanup;
	}
	x->gen++;
	if (!final && tracking(x))
		moved = malloc((w.nflows ? w.nflows : 1) * sizeof(*moved));
	for (i = 0; i < w.nflows; i++) {
		struct sw_flow f = { .key = w.flows[i].key,
				     .acct = w.flows[i].acct };

		int idle = f.acct.last_ns + sw_flow_timeout(&x->o.table, &f) <=
			   x->now_ns;

		if (!final && !idle) {
			if (flow_moved(x, &w.flows[i]) && moved)
				moved[nmoved++] = w.flows[i];
			continue;
		}
		w.flows[i].acct.close_reason = (uint8_t)sw_flow_end_reason(
			&f, idle ? SW_CLOSE_IDLE : SW_CLOSE_END_OF_INPUT);
		if (w.flows[i].acct.close_reason == SW_CLOSE_NONE)
			w.flows[i].acct.close_reason = SW_CLOSE_IDLE;
		w.flows[n++] = w.flows[i];
	}
	qsort(w.flows, n, sizeof(*w.flows), cmp_first_seen);
	for (i = 0; i < n; i++) {
		if (w.flows[i].in_map) {
			bpf_map_delete_elem(x->flows_fd, &w.flows[i].key);
			x->ended_in_map++;
		}
		clear_stash(x, &w, &w.flows[i].key);
		emit(x, &w.flows[i].key, &w.flows[i].acct);
	}
	progress(x, moved, nmoved);
	if (!final)
		shadow_prune(x);
cleanup:
	free(moved);
	free(w.flows);
	free(w.stash);
	free(w.slotbuf);
}

static void advance_time(struct sw_xdp *x, uint64_t ts)
{
	if (ts <= x->now_ns)
		return;
	x->now_ns = ts;
	if (!x->next_sweep_ns) {
		x->next_sweep_ns = ts + x->o.sweep_ns;
		return;
	}
	if (ts < x->next_sweep_ns)
		return;
	x->next_sweep_ns = ts + x->o.sweep_ns;
	sweep(x, 0);
}

/* --- replay -------------------------------------------------------------- */

/*
 * The XDP program sees Ethernet frames: give other link types an Ethernet
 * header carrying the same payload. Returns SW_DR_OK or why not.
 */
static int to_ether(struct sw_xdp *x, const struct sw_frame *f, uint32_t *cap,
		    uint32_t *wire)
{
	const uint8_t *d = f->data;
	uint32_t hl, fam;
	uint16_t type;

	if (f->caplen > f->wirelen)
		return SW_DR_BAD_CAPLEN;
	switch (f->linktype) {
	case SW_LINKTYPE_ETHERNET:
		if (f->caplen < ETHER_HLEN)
			return SW_DR_TRUNC_LINK;
		if (f->caplen > FRAME_MAX)
			return SW_DR_BAD_CAPLEN;
		memcpy(x->frame, d, f->caplen);
		*cap = f->caplen;
		*wire = f->wirelen;
		return SW_DR_OK;
	case SW_LINKTYPE_LINUX_SLL:
		hl = 16;
		if (f->caplen < hl)
			return SW_DR_TRUNC_LINK;
		type = (uint16_t)(d[14] << 8 | d[15]);
		break;
	case SW_LINKTYPE_LINUX_SLL2:
		hl = 20;
		if (f->caplen < hl)
			return SW_DR_TRUNC_LINK;
		type = (uint16_t)(d[0] << 8 | d[1]);
		break;
	case SW_LINKTYPE_RAW:
		hl = 0;
		if (f->caplen < 1)
			return SW_DR_TRUNC_IPV4;
		type = (d[0] >> 4) == 6 ? 0x86dd : 0x0800;
		break;
	case SW_LINKTYPE_IPV4:
		hl = 0;
		type = 0x0800;
		break;
	case SW_LINKTYPE_IPV6:
		hl = 0;
		type = 0x86dd;
		break;
	case SW_LINKTYPE_NULL:
	case SW_LINKTYPE_LOOP:
		hl = 4;
		if (f->caplen < hl)
			return SW_DR_TRUNC_LINK;
		fam = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 |
		      (uint32_t)d[2] << 8 | d[3];
		if (f->linktype == SW_LINKTYPE_NULL && (fam & 0xffff) == 0)
			fam = (uint32_t)d[0] | ((uint32_t)d[1] << 8);
		if (fam == 2)
			type = 0x0800;
		else if (fam == 10 || fam == 24 || fam == 28 || fam == 30)
			type = 0x86dd;
		else
			return SW_DR_NULL_FAMILY;
		break;
	default:
		return SW_DR_UNKNOWN_LINKTYPE;
	}
	if (f->caplen - hl + ETHER_HLEN > FRAME_MAX)
		return SW_DR_BAD_CAPLEN;
	memset(x->frame, 0, 12);
	x->frame[12] = (uint8_t)(type >> 8);
	x->frame[13] = (uint8_t)type;
	memcpy(x->frame + ETHER_HLEN, d + hl, f->caplen - hl);
	*cap = f->caplen - hl + ETHER_HLEN;
	*wire = f->wirelen - hl + ETHER_HLEN;
	return SW_DR_OK;
}

void sw_xdp_replay_frame(struct sw_xdp *x, const struct sw_frame *f)
{
	LIBBPF_OPTS(bpf_test_run_opts, to);
	uint32_t cap = 0, wire = 0;
	int rc = to_ether(x, f, &cap, &wire);

	if (rc != SW_DR_OK) {
		/* Refused before the kernel: counted here, as the userspace
		 * path would count it. */
		x->user_packets++;
		x->user_bytes += f->wirelen;
		x->user_reasons[rc]++;
		return;
	}
	advance_time(x, f->ts_ns);
	x->skel->bss->sw_replay_ns = f->ts_ns;
	x->skel->bss->sw_replay_wire_len = wire;
	to.data_in = x->frame;
	to.data_size_in = cap;
	to.repeat = 1;
	if (bpf_prog_test_run_opts(x->prog_fd, &to)) {
		if (!x->test_run_errors++)
			fprintf(stderr,
				"scrapewatch: BPF_PROG_TEST_RUN of a %u-byte "
				"frame: %s (counted; later ones silent)\n",
				cap, strerror(errno));
	}
	ring_buffer__consume(x->rb);
}

/* --- live ---------------------------------------------------------------- */

int sw_xdp_poll(struct sw_xdp *x, int timeout_ms)
{
	struct timespec ts;
	int rc = ring_buffer__poll(x->rb, timeout_ms);

	if (rc < 0 && rc != -EINTR)
		return rc;
	/* The program wakes us only when the ring fills up (batched
	 * wake-ups): read what arrived in the meantime on every tick. */
	rc = ring_buffer__consume(x->rb);
	if (rc < 0 && rc != -EINTR)
		return rc;
	clock_gettime(CLOCK_REALTIME, &ts);
	advance_time(x, (uint64_t)ts.tv_sec * 1000000000ULL +
				(uint64_t)ts.tv_nsec);
	return 0;
}

void sw_xdp_finish(struct sw_xdp *x)
{
	ring_buffer__consume(x->rb);
	sweep(x, 1);
}

void sw_xdp_fill_stats(struct sw_xdp *x, struct sw_stats *st)
{
	struct sw_xdp_stats *vals = calloc((size_t)x->ncpu, sizeof(*vals));
	uint64_t *sum = (uint64_t *)&x->sum;
	uint32_t zero = 0;
	size_t i, nw = sizeof(x->sum) / sizeof(uint64_t);
	uint64_t live = 0;
	struct sw_flow_key k, nk;
	int cpu, r;

	if (!bpf_map_get_next_key(x->flows_fd, NULL, &k))
		for (live = 1; !bpf_map_get_next_key(x->flows_fd, &k, &nk);
		     live++)
			k = nk;

	memset(&x->sum, 0, sizeof(x->sum));
	if (vals && !bpf_map_lookup_elem(x->stats_fd, &zero, vals))
		for (cpu = 0; cpu < x->ncpu; cpu++)
			for (i = 0; i < nw; i++)
				sum[i] += ((uint64_t *)&vals[cpu])[i];
	free(vals);
	st->packets = x->sum.packets + x->user_packets;
	st->bytes = x->sum.bytes + x->user_bytes;
	st->decoded = x->sum.accounted;
	for (r = 1; r < SW_DR_MAX; r++)
		st->reasons[r] = x->sum.reasons[r] + x->user_reasons[r];
	st->xdp = &x->sum;
	st->xdp_bad_records = x->bad_records;
	st->xdp_stage_flush_errors = x->stage_flush_errors;
	/* An LRU map drops its stalest entry silently when full: what was
	 * created and neither ended here nor still held was evicted. */
	st->xdp_evicted = 0;
	if (x->sum.flows_created > x->ended_in_map + live)
		st->xdp_evicted = x->sum.flows_created - x->ended_in_map - live;
}

void sw_xdp_close(struct sw_xdp *x)
{
	int i;

	if (!x)
		return;
	for (i = 0; i < x->nlinks; i++)
		close(x->link_fds[i]);
	for (i = 0; x->shadow && (uint32_t)i <= x->shadow_mask; i++) {
		struct shadow *e = x->shadow[i], *next;

		for (; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(x->shadow);
	free(x->stage_vals);
	if (x->pinned)
		sched_setaffinity(0, sizeof(x->cpus), &x->cpus);
	ring_buffer__free(x->rb);
	scrapewatch_bpf__destroy(x->skel);
	free(x);
}
