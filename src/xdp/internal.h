/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the files of the XDP source share (not for use outside src/xdp/):
 * the source's state, the shadow table that keeps per-flow userspace state
 * the kernel's flow entries have no room for, and the calls between the
 * loader (loader.c), the ring buffer consumer (ring.c), the sweeper that
 * ends flows (sweep.c) and the replayer (replay.c).
 */
#ifndef SW_XDP_INTERNAL_H
#define SW_XDP_INTERNAL_H

#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>

#include "scrapewatch/xdp_stash.h"
#include "xdp/xdp.h"

#define ETHER_HLEN 14
#define FRAME_MAX (65535 + ETHER_HLEN)

struct scrapewatch_bpf;
struct ring_buffer;

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

/* The source: the loaded program, its maps' descriptors, the clock that
 * drives the sweeps, and the counters of what never reached the kernel. */
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

/* The chain of key's shadow entry: *result is it, or NULL. */
static inline struct shadow **xdp_shadow_slot(struct sw_xdp *x,
					      const struct sw_flow_key *k)
{
	struct shadow **pp = &x->shadow[sw_flow_key_hash(k) & x->shadow_mask];

	while (*pp && memcmp(&(*pp)->key, k, sizeof(*k)))
		pp = &(*pp)->next;
	return pp;
}

/*
 * Whether the pipeline wants every flow's start and progress (detection,
 * or eval's flow-start hook): then every flow gets a shadow entry.
 */
static inline int xdp_tracking(const struct sw_xdp *x)
{
	return x->pl->det || x->pl->on_flow_start;
}

/* Tell the pipeline of a flow's start once; f->acct.first_ns is it. */
static inline void xdp_flow_seen(struct sw_xdp *x, struct shadow *e,
				 const struct sw_flow *f, int client_syn)
{
	if (e->seen)
		return;
	e->seen = 1;
	sw_pipeline_flow_seen(x->pl, f, client_syn);
}

/* ring.c */
/* A new entry for key (not in the table). NULL when out of memory. */
struct shadow *xdp_shadow_new(struct sw_xdp *x, const struct sw_flow_key *k);
/* Free every entry and the table. */
void xdp_shadow_free(struct sw_xdp *x);
/* A flow ends: the shared output path, with its heads. */
void xdp_emit(struct sw_xdp *x, const struct sw_flow_key *key,
	      const struct sw_flow_acct *a);
/* The ring buffer's callback (ctx: the struct sw_xdp). */
int xdp_on_record(void *ctx, void *data, size_t size);
/* Have every CPU send its staged records, then read the ring. */
void xdp_flush_stages(struct sw_xdp *x);

/* sweep.c */
/* End the flows idle at x->now_ns (all of them when final). */
void xdp_sweep(struct sw_xdp *x, int final);

/* Move the source's clock to ts (packet or wall time); sweep when due.
 * Inline: the replay calls it for every frame. */
static inline void xdp_advance_time(struct sw_xdp *x, uint64_t ts)
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
	xdp_sweep(x, 0);
}

#endif /* SW_XDP_INTERNAL_H */
