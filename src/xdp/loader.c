// SPDX-License-Identifier: BSD-2-Clause
/*
 * The XDP source's loader (see xdp.h and docs/xdp.md): it sets the
 * program's read-only knobs, loads it through its skeleton, sizes and
 * fills its maps, attaches it to interfaces through bpf_links, sums the
 * kernel's counters, and takes it all down again.
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

#include "base/log.h"
#include "scrapewatch.skel.h"
#include "xdp/internal.h"

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
 * sampled out, in its epochs of 2^30 ns: past the longest a closed flow
 * can stay quiet and still be in the map (its timeout, plus a sweep period
 * before the sweeper ends it) and past the ACK that answers a FIN (at most
 * 10 s of the half-close timeout: a longer hold would mark most slots on a
 * busy link), plus two: one for rounding down, one for the epoch the mark
 * was set in.
 */
static uint32_t fin_hold_epochs(const struct sw_xdp_opts *o)
{
	uint64_t ns = o->table.tcp_closing_timeout_ns;

	if (ns > 10000000000ULL)
		ns = 10000000000ULL;

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

/*
 * The XDP program follows VXLAN and GENEVE only (unless the config lists
 * fewer), one port each, at most 2 deep, and keys by the inner 5-tuple:
 * the heads it sends up are decoded the same way in userspace.
 */
void sw_xdp_decode_configure(const struct sw_decode_cfg *cfg)
{
	struct sw_decode_cfg dc = *cfg;

	dc.tunnels &= SW_TUNB_VXLAN | SW_TUNB_GENEVE;
	dc.n_vxlan_ports = dc.n_vxlan_ports ? 1 : 0;
	dc.n_geneve_ports = dc.n_geneve_ports ? 1 : 0;
	if (dc.max_depth > 2)
		dc.max_depth = 2;
	dc.tunnel_key_vni = 0;
	sw_decode_configure(&dc);
}

/* Tunnels as the decoder follows them (bpf/parsing.h: one port each). */
static void set_tunnel_knobs(struct sw_xdp *x, const struct sw_xdp_opts *o)
{
	const struct sw_decode_cfg *dc = sw_decode_config();

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
}

/* The program's read-only knobs and map sizes, before it is loaded. */
static void set_knobs(struct sw_xdp *x, const struct sw_xdp_opts *o)
{
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
	set_tunnel_knobs(x, o);
	bpf_map__set_max_entries(x->skel->maps.sw_flows, o->max_flows);
	bpf_map__set_max_entries(x->skel->maps.sw_ring, o->ring_bytes);
	x->skel->rodata->sw_ring_bytes = o->ring_bytes;
}

/* A replay stays on one CPU: records are staged per CPU, and one CPU's
 * come out in the order the packets went in. */
static void pin_for_replay(struct sw_xdp *x)
{
	cpu_set_t one;
	int c;

	if (sched_getaffinity(0, sizeof(x->cpus), &x->cpus))
		return;
	c = sched_getcpu();
	CPU_ZERO(&one);
	CPU_SET(c < 0 ? 0 : c, &one);
	x->pinned = !sched_setaffinity(0, sizeof(one), &one);
}

struct sw_xdp *sw_xdp_open(const struct sw_xdp_opts *o, struct sw_pipeline *pl,
			   char *errbuf)
{
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
	set_knobs(x, o);
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
	if (o->replay)
		pin_for_replay(x);
	x->rb = ring_buffer__new(bpf_map__fd(x->skel->maps.sw_ring),
				 xdp_on_record, x, NULL);
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
		sw_log(SW_LOG_WARNING,
		       "interface %s: native XDP "
		       "refused (%s); falling back to generic XDP, which "
		       "costs more per packet (--xdp-mode generic silences "
		       "this)",
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
	xdp_shadow_free(x);
	free(x->stage_vals);
	if (x->pinned)
		sched_setaffinity(0, sizeof(x->cpus), &x->cpus);
	ring_buffer__free(x->rb);
	scrapewatch_bpf__destroy(x->skel);
	free(x);
}
