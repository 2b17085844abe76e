// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * scrapewatch XDP program: in-kernel flow accounting and head sampling on
 * the ingress of the internet-facing port (docs/xdp.md, docs/accounting.md).
 *
 * Every TCP/UDP packet is parsed (parsing.h) and accounted in an LRU hash
 * of flows by the shared functions of flow_acct.h, the very code userspace
 * runs. Pure ACKs, most of a download's client packets, only touch a
 * per-CPU stash slot; it is written to the flow map every ack_flush_every
 * ACKs and before the flow's next other packet, and userspace merges it at
 * flow end, so totals stay exact while a pure ACK costs no hash lookup.
 * Heads (SYNs, the start of the client stream, cleartext request turns,
 * QUIC Initials) and flow ends go to userspace over a ring buffer.
 *
 * The program always returns XDP_PASS: it observes, it never drops.
 * docs/xdp.md describes the maps, records and knobs.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "parsing.h"
#include "scrapewatch/flow_acct.h"
#include "scrapewatch/flow_key.h"
#include "scrapewatch/tls_records.h"
#include "scrapewatch/xdp_kern_user.h"
#include "scrapewatch/xdp_stash.h"

/* Knobs fixed at load (skel->rodata). */
const volatile __u32 sw_head_snap = 1600; /* frame bytes per head record */
const volatile __u32 sw_head_stream_bytes = 16384; /* client stream per head */
const volatile __u32 sw_ack_flush_every = 16; /* stash: 1-in-N flow update */
/* Pure ACKs: only those whose per-CPU count has these bits clear are
 * accounted (a power of two minus one; 0: all of them). */
const volatile __u32 sw_ack_sample_mask = 0;
/* How long, in units of 2^30 ns (about 1.07 s), a flow past a FIN keeps
 * its pure ACKs from being sampled out after its latest accounted packet:
 * userspace sets it past its closing and closed timeouts plus a sweep. */
const volatile __u32 sw_fin_hold_epochs = 12;
const volatile __u32 sw_udp_heads_max = 8; /* datagrams sent per UDP flow */
const volatile __u8 sw_heads_on = 1; /* 0: accounting only */
/* Size of sw_ring, as userspace set it at load: one helper call less
 * per record than asking the ring. */
const volatile __u32 sw_ring_bytes = 4 << 20;
/* Records are staged per CPU and sent in batches of up to this many bytes
 * (at most SW_XDP_STAGE_BYTES; 0: each record on its own), and sent at the
 * next packet once the oldest is sw_stage_age_ns old (packet time).
 * Userspace sends what idle CPUs hold with sw_xdp_flush (docs/xdp.md). */
const volatile __u32 sw_stage_bytes = SW_XDP_STAGE_BYTES;
const volatile __u64 sw_stage_age_ns = 20000000;

/*
 * The clock. Live, packet time is the monotonic clock plus the offset to
 * the Unix epoch that userspace writes at start. A replay through
 * BPF_PROG_TEST_RUN writes each packet's capture time (and its length on
 * the wire, when the capture cut it) before each run: bpf_ktime is not the
 * packet's time, and the accounting must use packet time.
 */
__u64 sw_clock_offset_ns;
volatile __u32 sw_replay_on; /* 1: use sw_replay_ns, not the clock */
volatile __u32 sw_replay_wire_len;
volatile __u64 sw_replay_ns;

/*
 * Flows past a FIN, for ACK sampling. A pure ACK that could complete a
 * close must be accounted: sampled out, the close logic would take the
 * client's FIN for the answer to the server's and subtract a byte
 * (sw_acct_fin_in_acked). The sampled-out path has no flow key, so it
 * looks here, by a hash symmetric in the two endpoints of the raw
 * addresses and ports (sw_fin_slot): a slot holds the epoch (packet time
 * >> 30) until which pure ACKs of the flows hashing to it are accounted,
 * 0 none; an odd epoch keeps one ACK only, a handshake's (sw_fin_hold). A collision only costs another flow its sampling for a while.
 * An array map, not a global array: a helper's key needs no bounds that
 * the verifier would track back through the hash into the flow key.
 */
#define SW_FIN_SLOT_BITS 14
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << SW_FIN_SLOT_BITS);
	__type(key, __u32);
	__type(value, __u32);
} sw_fin_marks SEC(".maps");

/* The latest packet epoch the non-ACK path saw (it only moves forward):
 * it lags the clock only towards keeping ACKs, and spares the sampled-out
 * path a clock read. */
volatile __u32 sw_epoch;

/* Per-CPU counters, one slot; summed by userspace. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sw_xdp_stats);
} sw_stats SEC(".maps");

/* Flow accounting by normalised 5-tuple; size set by userspace at load. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 196608);
	__type(key, struct sw_flow_key);
	__type(value, struct sw_xdp_flow);
} sw_flows SEC(".maps");

/* Pending pure ACKs per CPU, direct-mapped by sw_xdp_stash_slot(). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SW_XDP_ACK_STASH_SLOTS);
	__type(key, __u32);
	__type(value, struct sw_xdp_ack_stash);
} sw_ack_stash SEC(".maps");

/* Heads and flow-end records to userspace; size set at load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} sw_ring SEC(".maps");

/* Records staged on this CPU before they go to sw_ring as one batch. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sw_xdp_stage);
} sw_stage SEC(".maps");

/* Runtime settings, one slot, written by userspace. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sw_xdp_cfg);
} sw_cfg SEC(".maps");

/* Per-CPU room to build a new flow entry off the (small) BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sw_xdp_flow);
} sw_newflow SEC(".maps");

static __always_inline __u64 sw_now_ns(void)
{
	if (sw_replay_on)
		return sw_replay_ns;
	return bpf_ktime_get_ns() + sw_clock_offset_ns;
}

/*
 * The time of a pure ACK. Live, the coarse clock: bpf_ktime_get_ns costs
 * about 30 ns on a virtual machine's clock source, more than the rest of a
 * pure ACK's work. An ACK only sets when a flow was last seen, and the
 * coarse clock is at most one scheduler tick behind (docs/xdp.md).
 */
static __always_inline __u64 sw_now_coarse_ns(void)
{
	if (sw_replay_on)
		return sw_replay_ns;
	return bpf_ktime_get_coarse_ns() + sw_clock_offset_ns;
}

/*
 * Wake the consumer rarely: a wake-up is an irq_work, and on a virtual
 * machine its self-IPI costs about 6 us, twenty records' worth. A record
 * wakes the consumer only if the ring holds more than an eighth of its size
 * and the record's end crossed a sixteenth-of-the-ring boundary of the
 * producer position: while the ring fills, one wake-up per 1/16 of it,
 * whichever CPU wrote the record. Records of other CPUs between the reserve
 * and this query can hide a crossing; the next one, or the consumer's own
 * poll timer, reads the ring then.
 */
static __always_inline __u64 sw_ring_wake(__u64 prod, __u64 avail, __u32 len)
{
	__u64 step = sw_ring_bytes / 16;

	if (avail <= sw_ring_bytes / 8 || !step)
		return BPF_RB_NO_WAKEUP;
	/* +8: the ring's own record header. */
	return prod / step != (prod - len - 8) / step ? BPF_RB_FORCE_WAKEUP :
							BPF_RB_NO_WAKEUP;
}

/* The flags to submit a reserved record of len bytes with. */
static __always_inline __u64 sw_ring_flags(__u32 len)
{
	return sw_ring_wake(bpf_ringbuf_query(&sw_ring, BPF_RB_PROD_POS),
			    bpf_ringbuf_query(&sw_ring, BPF_RB_AVAIL_DATA),
			    len);
}

/*
 * Send this CPU's staged records as one batch. A full ring loses the
 * batch: each record in it counts in ringbuf_full.
 */
static __noinline int sw_stage_flush(struct sw_xdp_stage *sg,
				     struct sw_xdp_stats *st)
{
	struct sw_xdp_rec_hdr *h = (void *)sg->buf;
	__u64 prod, avail;
	__u32 used = sg->used;

	if (!sg->count)
		return 0;
	if (used > SW_XDP_STAGE_BYTES || used < sizeof(*h)) {
		/* Cannot happen; never send a batch past the buffer. */
		used = sizeof(*h);
		sg->count = 0;
	}
	h->version = SW_XDP_REC_VERSION;
	h->type = SW_XREC_BATCH;
	h->pad = 0;
	h->len = used;
	prod = bpf_ringbuf_query(&sw_ring, BPF_RB_PROD_POS) + used + 8;
	avail = bpf_ringbuf_query(&sw_ring, BPF_RB_AVAIL_DATA) + used + 8;
	if (bpf_ringbuf_output(&sw_ring, sg->buf, used,
			       sw_ring_wake(prod, avail, used)))
		st->ringbuf_full += sg->count;
	sg->used = sizeof(*h);
	sg->count = 0;
	return 0;
}

/*
 * Room for a record of len bytes (a multiple of 8) in this CPU's stage,
 * sending what it holds first if the record would not fit. Returns the
 * record's offset in buf, bounded for the verifier, or -1: no staging
 * (off, or a flush from userspace under way that a packet interrupted),
 * and the caller writes the record to the ring itself.
 */
static __always_inline int sw_stage_room(struct sw_xdp_stage *sg, __u32 len,
					 __u64 now, struct sw_xdp_stats *st)
{
	if (!sw_stage_bytes || !sg || *(volatile __u32 *)&sg->busy)
		return -1;
	if (sg->used < sizeof(struct sw_xdp_rec_hdr))
		sg->used = sizeof(struct sw_xdp_rec_hdr);
	/* A batch stays within a sixteenth of the ring, so that a small
	 * ring still takes whole batches. */
	if (sg->used + len > sw_stage_bytes ||
	    sg->used + len > sw_ring_bytes / 16 ||
	    sg->used + len > SW_XDP_STAGE_BYTES)
		sw_stage_flush(sg, st);
	if (!sg->count)
		sg->first_ns = now;
	return (int)(sg->used & (SW_XDP_STAGE_BYTES - 1));
}

/* The accounting's settings, from the runtime config map. */
static __always_inline void sw_acct_cfg_get(struct sw_acct_cfg *acfg)
{
	__u32 zero = 0;
	struct sw_xdp_cfg *cfg = bpf_map_lookup_elem(&sw_cfg, &zero);

	acfg->udp_turn_gap_ns = cfg && cfg->udp_turn_gap_ns ?
					cfg->udp_turn_gap_ns :
					SW_ACCT_DEFAULT_UDP_TURN_GAP_NS;
}

/* The sw_fin_marks slot of a flow, from either direction's addresses
 * (words 0 and 3, network order) and ports. */
static __always_inline __u32 sw_fin_slot(__u32 a0, __u32 a3, __u32 b0, __u32 b3,
					 __u16 pa, __u16 pb)
{
	__u32 h = a0 ^ a3 ^ b0 ^ b3 ^ ((__u32)pa ^ pb) << 16 ^ pa ^ pb;

	return (h * 0x9e3779b1u) >> (32 - SW_FIN_SLOT_BITS);
}

/*
 * After a flow's update: move sw_epoch on, and keep the flow's pure ACKs
 * out of sampling for sw_fin_hold_epochs if it has a FIN in either
 * direction (an even mark). A TCP flow still in its handshake gets an odd
 * mark instead, good for one pure ACK, the handshake's: it establishes
 * the flow, and so sets its idle timeout as userspace's does; sampled out,
 * a handshake-only flow would idle out at the new-flow timeout. An odd
 * mark never replaces a FIN's that still holds. A function of its own:
 * inlined, its branches multiply the verifier's paths through the heads
 * code after it past the 1M limit.
 */
static __noinline int sw_fin_hold(const struct sw_flow_key *key,
				  const struct sw_flow_acct *a, __u64 now)
{
	__u32 w[10], slot, e = (__u32)(now >> 30), *m;
	int fin = ((a->dir[0].flags | a->dir[1].flags) & SW_DIRF_FIN) != 0;

	if (!sw_ack_sample_mask)
		return 0;
	if (!sw_epoch || (__s32)(e - sw_epoch) > 0)
		sw_epoch = e;
	if (!fin && (key->proto != SW_IPPROTO_TCP || a->state != SW_STATE_NEW))
		return 0;
	__builtin_memcpy(w, key, sizeof(w));
	slot = sw_fin_slot(w[0], w[3], w[4], w[7], key->port_a, key->port_b);
	m = bpf_map_lookup_elem(&sw_fin_marks, &slot);
	if (!m)
		return 0;
	if (fin)
		*m = (e + sw_fin_hold_epochs + 1) & ~1u;
	else if (!*m || (*m & 1) || (__s32)(*m - e) < 0)
		*m = (e + 2) | 1;
	return 0;
}

static __always_inline int sw_key_eq(const struct sw_flow_key *a,
				     const struct sw_flow_key *b)
{
	__u64 x[5], y[5];

	__builtin_memcpy(x, a, sizeof(x));
	__builtin_memcpy(y, b, sizeof(y));
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) |
		(x[4] ^ y[4])) == 0;
}

static __always_inline void sw_fill_end(struct sw_xdp_end_rec *r,
					const struct sw_flow_key *key,
					const struct sw_flow_acct *a,
					__u8 event, __u8 reason)
{
	r->hdr.version = SW_XDP_REC_VERSION;
	r->hdr.type = SW_XREC_FLOW_END;
	r->hdr.pad = 0;
	r->hdr.len = sizeof(*r);
	__builtin_memcpy(&r->key, key, sizeof(r->key));
	__builtin_memcpy(&r->acct, a, sizeof(r->acct));
	r->acct.close_reason = reason;
	r->event = event;
	__builtin_memset(r->pad, 0, sizeof(r->pad));
}

/* A flow-end record: staged, or straight into the ring. */
static __noinline int sw_emit_end(const struct sw_flow_key *key,
				  const struct sw_flow_acct *a, __u8 event,
				  __u8 reason, struct sw_xdp_stats *st)
{
	struct sw_xdp_stage *sg;
	struct sw_xdp_end_rec *r;
	__u32 zero = 0;
	int off;

	sg = bpf_map_lookup_elem(&sw_stage, &zero);
	off = sw_stage_room(sg, sizeof(*r), a->last_ns, st);
	if (sg && off >= 0) {
		r = (void *)(sg->buf + off);
		sw_fill_end(r, key, a, event, reason);
		sg->used = (__u32)off + sizeof(*r);
		sg->count++;
		st->flow_ends++;
		return 0;
	}
	r = bpf_ringbuf_reserve(&sw_ring, sizeof(*r), 0);
	if (!r) {
		st->ringbuf_full++;
		return 0;
	}
	sw_fill_end(r, key, a, event, reason);
	bpf_ringbuf_submit(r, sw_ring_flags(sizeof(*r)));
	st->flow_ends++;
	return 0;
}

/*
 * The flow of key, created if new. NULL if the map refused it. A function
 * of its own: the verifier checks it once, not at every caller.
 */
static __noinline struct sw_xdp_flow *sw_flow_get(const struct sw_flow_key *key,
						  int src_is_b, __u8 tcp_flags,
						  __u64 now,
						  struct sw_xdp_stats *st)
{
	struct sw_xdp_flow *f, *nv;
	__u16 sport, dport;
	__u32 zero = 0;
	__u8 origin;
	int client_is_src;

	f = bpf_map_lookup_elem(&sw_flows, key);
	if (f || !st)
		return f;
	nv = bpf_map_lookup_elem(&sw_newflow, &zero);
	if (!nv)
		return NULL;
	__builtin_memset(nv, 0, sizeof(*nv));
	sport = src_is_b ? key->port_b : key->port_a;
	dport = src_is_b ? key->port_a : key->port_b;
	client_is_src = sw_key_src_is_client(key->proto, tcp_flags, sport,
					     dport, &origin);
	sw_acct_init(&nv->acct, now,
		     (__u8)(client_is_src ? src_is_b : !src_is_b), origin);
	if (bpf_map_update_elem(&sw_flows, key, nv, BPF_NOEXIST) == 0)
		st->flows_created++;
	f = bpf_map_lookup_elem(&sw_flows, key);
	if (!f)
		st->flow_map_full++;
	return f;
}

/*
 * Walk the TLS record headers that start in a client segment
 * (tls_records.h), reading each with bpf_xdp_load_bytes (fragments
 * included): the very code userspace runs, so records match. A function
 * of its own: the verifier checks its loop once.
 */
static __noinline int sw_tls_walk_xdp(struct xdp_md *ctx,
				      struct sw_flow_acct *a,
				      const struct sw_acct_pkt *p,
				      __u32 payload_off)
{
	__u8 h[SW_TLS_HDR];
	__s32 off = sw_tls_first(a, p);
	__u64 n;
	__u32 i;

	for (i = 0; i < SW_TLS_MAX_RECS; i++) {
		if (off < 0)
			return 0;
		n = p->payload_len - (__u32)off;
		if (n > SW_TLS_HDR)
			n = SW_TLS_HDR;
		/* Verifier: check the bound on the very register passed on,
		 * which clang would otherwise recompute from a copy. */
		asm volatile("" : "+r"(n));
		if (n < 1 || n > SW_TLS_HDR || (__u32)off > 0xffff ||
		    bpf_xdp_load_bytes(ctx, payload_off + (__u32)off, h, n))
			break;
		off = sw_tls_step(a, p, (__u32)off, h, (__u32)n);
	}
	if (off >= 0)
		sw_tls_lose(a);
	return 0;
}

/* Write a stash slot's pending ACKs to its flow and empty the slot. */
static __noinline int sw_stash_flush(struct sw_xdp_ack_stash *s,
				     struct sw_xdp_stats *st,
				     const struct sw_acct_cfg *acfg)
{
	struct sw_flow_key key;
	struct sw_xdp_flow *f;
	__u8 state0;
	int b;

	if (!s->count)
		return 0;
	__builtin_memcpy(&key, &s->key, sizeof(key));
	st->ack_flushes++;
	b = sw_stash_first_side(s);
	f = sw_flow_get(&key, b, SW_TCP_ACK, s->side[b & 1].first_ns, st);
	if (f) {
		state0 = f->acct.state;
		sw_stash_apply(&f->acct, s, acfg);
		if (state0 < SW_STATE_CLOSING &&
		    f->acct.state >= SW_STATE_CLOSING)
			sw_emit_end(&key, &f->acct, SW_XEND_CLOSING,
				    f->acct.close_reason, st);
		sw_fin_hold(&key, &f->acct, f->acct.last_ns);
	}
	s->count = 0;
	s->side[0].count = 0;
	s->side[1].count = 0;
	return 0;
}

/*
 * Reserve a head record for cap frame bytes in the ring: the frame is then
 * read straight into the ring, one copy, not two through a scratch buffer.
 * bpf_ringbuf_reserve takes a constant size, so records come in a few size
 * classes; cap_len says how much of data[] is the frame.
 */
#define SW_HEAD_CLASS(n)                                                       \
	if (!r && cap <= (n)) {                                                \
		r = bpf_ringbuf_reserve(&sw_ring, SW_XDP_HEAD_REC_FIXED + (n), \
					0);                                    \
		if (r) {                                                       \
			rlen = SW_XDP_HEAD_REC_FIXED + (n);                    \
			err = bpf_xdp_load_bytes(ctx, 0, r->data, cap);        \
		}                                                              \
		tried = 1;                                                     \
	}

/*
 * A head record's fields after its frame bytes are in. meta packs the
 * flow's turns (bits 0-31), client_is_b (32), dir (40-47) and kind
 * (48-55); lens the wire length (0-31) and the captured length (32-47):
 * a subprogram takes five arguments at most.
 */
static __always_inline void sw_fill_head(struct sw_xdp_head_rec *r, __u32 rlen,
					 const struct sw_flow_key *key,
					 __u64 now, __u64 meta, __u64 lens)
{
	r->hdr.version = SW_XDP_REC_VERSION;
	r->hdr.type = SW_XREC_HEAD;
	r->hdr.pad = 0;
	r->hdr.len = rlen;
	r->ts_ns = now;
	__builtin_memcpy(&r->key, key, sizeof(r->key));
	r->turns = (__u32)meta;
	r->wire_len = (__u32)lens;
	r->cap_len = (__u16)(lens >> 32);
	r->client_is_b = (__u8)((meta >> 32) & 1);
	r->dir = (__u8)(meta >> 40);
	r->kind = (__u8)(meta >> 48);
	r->pad[0] = r->pad[1] = r->pad[2] = 0;
}

/*
 * Stage a head record of cap frame bytes. Returns 0 when done (staged, or
 * lost to a failed read), -1 when staging is off or busy: the caller then
 * writes the record to the ring itself.
 */
static __noinline int sw_stage_head(struct xdp_md *ctx,
				    const struct sw_flow_key *key, __u64 now,
				    __u64 meta, __u64 lens)
{
	struct sw_xdp_stats *st;
	struct sw_xdp_stage *sg;
	struct sw_xdp_head_rec *r;
	__u64 cap = (lens >> 32) & 0xffff;
	__u32 zero = 0, rlen;
	int off;

	st = bpf_map_lookup_elem(&sw_stats, &zero);
	sg = bpf_map_lookup_elem(&sw_stage, &zero);
	if (!st || !sg)
		return -1;
	asm volatile("" : "+r"(cap));
	if (cap < 14 || cap > SW_XDP_HEAD_SNAP_MAX)
		return 0;
	rlen = (__u32)(SW_XDP_HEAD_REC_FIXED + cap + 7) & ~7u;
	off = sw_stage_room(sg, rlen, now, st);
	if (off < 0)
		return -1;
	r = (void *)(sg->buf + off);
	asm volatile("" : "+r"(cap));
	if (cap < 14 || cap > SW_XDP_HEAD_SNAP_MAX ||
	    bpf_xdp_load_bytes(ctx, 0, r->data, cap))
		return 0;
	sw_fill_head(r, rlen, key, now, meta, lens);
	sg->used = (__u32)off + rlen;
	sg->count++;
	st->heads_sampled++;
	return 0;
}

static __always_inline void sw_emit_head(struct xdp_md *ctx,
					 const struct sw_flow_key *key,
					 const struct sw_xdp_flow *f, __u8 dir,
					 __u8 kind, __u64 now, __u32 wire_len,
					 struct sw_xdp_stats *st)
{
	__u64 len = bpf_xdp_get_buff_len(ctx), cap, meta, lens;
	struct sw_xdp_head_rec *r = NULL;
	__u32 rlen = 0;
	int err = 0, tried = 0;

	cap = len < sw_head_snap ? len : sw_head_snap;
	if (cap > SW_XDP_HEAD_SNAP_MAX)
		cap = SW_XDP_HEAD_SNAP_MAX;
	if (cap < len)
		st->heads_truncated++;
	/* Verifier: check the bound on the very register passed on, which
	 * clang would otherwise recompute from an unchecked copy. */
	asm volatile("" : "+r"(cap));
	if (cap < 14 || cap > SW_XDP_HEAD_SNAP_MAX)
		return;
	meta = f->acct.turns | (__u64)(f->acct.client_is_b & 1) << 32 |
	       (__u64)dir << 40 | (__u64)kind << 48;
	lens = wire_len | cap << 32;
	if (sw_stage_head(ctx, key, now, meta, lens) == 0)
		return;
	SW_HEAD_CLASS(192)
	SW_HEAD_CLASS(640)
	SW_HEAD_CLASS(1024)
	SW_HEAD_CLASS(1600)
	SW_HEAD_CLASS(SW_XDP_HEAD_SNAP_MAX)
	if (!r) {
		if (tried)
			st->ringbuf_full++;
		return;
	}
	if (err) {
		bpf_ringbuf_discard(r, BPF_RB_NO_WAKEUP);
		return;
	}
	sw_fill_head(r, rlen, key, now, meta, lens);
	bpf_ringbuf_submit(r, sw_ring_flags(rlen));
	st->heads_sampled++;
}

/* Past the ring's mark: keep one request-turn head in N. */
static __always_inline int sw_turn_sampled_out(const struct sw_xdp_cfg *cfg,
					       struct sw_xdp_stats *st)
{
	__u64 avail = bpf_ringbuf_query(&sw_ring, BPF_RB_AVAIL_DATA);

	if (!cfg || avail * 100 <= (__u64)sw_ring_bytes * cfg->ring_mark_pct)
		return 0;
	st->turns_over_mark++;
	if (cfg->turn_sample_n > 1 &&
	    bpf_get_prandom_u32() % cfg->turn_sample_n == 0)
		return 0;
	st->heads_skipped++;
	return 1;
}

/* Choose and send the heads of a TCP packet after its accounting. */
static __always_inline void
sw_tcp_heads(struct xdp_md *ctx, void *data, void *end, const struct sw_xpkt *x,
	     const struct sw_flow_key *key, struct sw_xdp_flow *f, __u8 dir,
	     const struct sw_xdp_cfg *cfg, __u64 now, __u32 wire_len,
	     struct sw_xdp_stats *st)
{
	__u32 start = x->seq, off;
	__u8 *pb;
	__u8 kind = SW_XHK_STREAM;

	if (x->tcp_flags & SW_TCP_SYN) {
		start = x->seq + 1;
		if (dir == SW_DIR_C2S && !(x->tcp_flags & SW_TCP_ACK)) {
			f->head_seq = start;
			f->head_flags |= SW_XHF_BASE;
		}
		sw_emit_head(ctx, key, f, dir, SW_XHK_SYN, now, wire_len, st);
	}
	if (dir != SW_DIR_C2S || x->payload_len == 0 ||
	    f->head_mode == SW_XHM_DONE)
		return;
	if (f->head_mode == SW_XHM_NEW) {
		if (!(f->head_flags & SW_XHF_BASE))
			f->head_seq = start;
		f->head_turn = f->acct.turns;
		f->head_mode = SW_XHM_STREAM;
	}
	if (f->head_mode == SW_XHM_HTTP && f->acct.turns != f->head_turn) {
		/* A new request turn: a new window from here. */
		f->head_seq = start;
		f->head_turn = f->acct.turns;
		f->head_flags &= ~SW_XHF_SKIP_TURN;
		if (sw_turn_sampled_out(cfg, st))
			f->head_flags |= SW_XHF_SKIP_TURN;
	}
	off = start - f->head_seq;
	if (off >= sw_head_stream_bytes) {
		/* Beyond the window (ahead of it, not a late retransmit of
		 * its start): the stream head has passed. */
		if (f->head_mode == SW_XHM_STREAM && off < (1u << 31))
			f->head_mode = SW_XHM_DONE;
		return;
	}
	if (f->head_mode == SW_XHM_STREAM && off == 0 &&
	    x->payload_off < SW_PARSE_MAX_OFF) {
		pb = data + x->payload_off;
		if ((void *)(pb + 1) <= end) {
			__u8 c = pb[0] | 0x20;

			/* A TLS record stays a stream head; a method
			 * token makes an HTTP flow, sent turn by turn;
			 * anything else is read once. */
			if (pb[0] == 0x16)
				;
			else if (c >= 'a' && c <= 'z')
				f->head_mode = SW_XHM_HTTP;
			else
				f->head_mode = SW_XHM_DONE;
		}
	}
	if (f->head_flags & SW_XHF_SKIP_TURN)
		return;
	if (f->head_mode == SW_XHM_HTTP && f->acct.turns > 1)
		kind = SW_XHK_TURN;
	sw_emit_head(ctx, key, f, dir, kind, now, wire_len, st);
}

static __always_inline void
sw_udp_heads(struct xdp_md *ctx, void *data, void *end, const struct sw_xpkt *x,
	     const struct sw_flow_key *key, struct sw_xdp_flow *f, __u8 dir,
	     __u64 now, __u32 wire_len, struct sw_xdp_stats *st)
{
	__u8 *pb, first = 0;

	if (dir != SW_DIR_C2S || x->payload_len == 0 ||
	    f->head_mode == SW_XHM_DONE)
		return;
	if (x->payload_off < SW_PARSE_MAX_OFF) {
		pb = data + x->payload_off;
		if ((void *)(pb + 1) <= end)
			first = pb[0];
	}
	/* The first datagram says whether this is QUIC; after it, only
	 * long-header packets (Initials among them) can carry a
	 * ClientHello. */
	if (f->udp_heads > 0 && !(first & 0x80))
		return;
	sw_emit_head(ctx, key, f, dir, SW_XHK_UDP, now, wire_len, st);
	f->udp_heads++;
	if (!(first & 0x80) || f->udp_heads >= sw_udp_heads_max)
		f->head_mode = SW_XHM_DONE;
}

/*
 * Send this CPU's staged records once the oldest is sw_stage_age_ns old:
 * a busy CPU delivers within that much packet time. (A packet time
 * before the oldest, out of order in a replay, sends them too.)
 */
static __always_inline void sw_stage_age(__u64 now, struct sw_xdp_stats *st)
{
	struct sw_xdp_stage *sg;
	__u32 zero = 0;

	sg = bpf_map_lookup_elem(&sw_stage, &zero);
	if (sg && sg->count && now - sg->first_ns >= sw_stage_age_ns &&
	    !*(volatile __u32 *)&sg->busy)
		sw_stage_flush(sg, st);
}

SEC("xdp.frags")
int sw_xdp_main(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 zero = 0, wire_len, idx;
	struct sw_xdp_stats *st = bpf_map_lookup_elem(&sw_stats, &zero);
	struct sw_xdp_ack_stash *s;
	struct sw_xdp_cfg *cfg;
	struct sw_acct_cfg acfg;
	struct sw_acct_pkt ap;
	struct sw_flow_key key __attribute__((aligned(8)));
	struct sw_xpkt x = {};
	struct sw_xdp_flow *f;
	__u64 now;
	__u8 state0;
	int rc, src_is_b;

	if (!st)
		return XDP_PASS;
	wire_len = bpf_xdp_get_buff_len(ctx);
	if (sw_replay_wire_len > wire_len)
		wire_len = sw_replay_wire_len;
	st->packets++;
	st->bytes += wire_len;
	rc = sw_parse(ctx, data, end, wire_len, &x);
	if (rc != SW_DR_OK) {
		if (rc > 0 && rc < SW_DR_MAX)
			st->reasons[rc]++;
		return XDP_PASS;
	}
	st->accounted++;
	if (x.proto == SW_IPPROTO_TCP && x.payload_len == 0 &&
	    (x.tcp_flags & (SW_TCP_SYN | SW_TCP_FIN | SW_TCP_RST |
			    SW_TCP_ACK)) == SW_TCP_ACK) {
		/* A pure ACK: sampled, then the stash only (see the top of
		 * this file). One left out costs a counter: no key, no
		 * clock, no map. */
		struct sw_xdp_ack_side *sd;

		if (++st->pure_acks & sw_ack_sample_mask) {
			__u32 *m;

			idx = sw_fin_slot(x.saddr[0], x.saddr[3], x.daddr[0],
					  x.daddr[3], x.sport, x.dport);
			m = bpf_map_lookup_elem(&sw_fin_marks, &idx);
			if (!m || !*m || (__s32)(*m - sw_epoch) < 0) {
				st->acks_sampled_out++;
				return XDP_PASS;
			}
			if (*m & 1)
				*m = 0; /* the handshake's ACK: one only */
			else
				st->acks_after_fin++;
		}
		src_is_b = sw_key_fill(&key, x.family, x.saddr, x.daddr,
				       x.sport, x.dport, x.proto);
		idx = sw_xdp_stash_slot(&key);
		s = bpf_map_lookup_elem(&sw_ack_stash, &idx);
		if (!s)
			return XDP_PASS;
		now = sw_now_coarse_ns();
		if (s->count && !sw_key_eq(&s->key, &key)) {
			sw_acct_cfg_get(&acfg);
			sw_stash_flush(s, st, &acfg);
		}
		if (!s->count)
			__builtin_memcpy(&s->key, &key, sizeof(key));
		/* Each side's ACK numbers count a different stream. */
		sd = &s->side[src_is_b & 1];
		if (sd->count) {
			sd->last_ns = now;
			if (sw_serial_gt(x.ack, sd->ack_max))
				sd->ack_max = x.ack;
		} else {
			sd->first_ns = now;
			sd->last_ns = now;
			sd->ack_first = x.ack;
			sd->ack_max = x.ack;
		}
		sd->count++;
		s->count++;
		if (s->count >= sw_ack_flush_every) {
			sw_acct_cfg_get(&acfg);
			sw_stash_flush(s, st, &acfg);
		}
		return XDP_PASS;
	}

	src_is_b = sw_key_fill(&key, x.family, x.saddr, x.daddr, x.sport,
			       x.dport, x.proto);
	idx = sw_xdp_stash_slot(&key);
	s = bpf_map_lookup_elem(&sw_ack_stash, &idx);
	if (!s)
		return XDP_PASS;
	now = sw_now_ns();
	cfg = bpf_map_lookup_elem(&sw_cfg, &zero);
	sw_acct_cfg_get(&acfg);

	/*
	 * This sender's pending ACKs came first: apply them first (its
	 * payload's ACK would otherwise set the base past them). The peer's
	 * pending ACKs touch only the peer's counters, so they can wait,
	 * unless this packet changes the state (SYN, FIN, RST).
	 */
	if (s->count && sw_key_eq(&s->key, &key) &&
	    (s->side[src_is_b & 1].count ||
	     (x.tcp_flags & (SW_TCP_SYN | SW_TCP_FIN | SW_TCP_RST))))
		sw_stash_flush(s, st, &acfg);
	f = sw_flow_get(&key, src_is_b, x.tcp_flags, now, st);
	if (!f)
		return XDP_PASS;

	ap.ts_ns = now;
	ap.seq = x.seq;
	ap.ack = x.ack;
	ap.payload_len = x.payload_len;
	ap.tcp_flags = x.proto == SW_IPPROTO_TCP ? x.tcp_flags : 0;
	ap.proto = x.proto;
	ap.pad = 0;
	ap.dir = (__u8)(src_is_b == f->acct.client_is_b ? SW_DIR_C2S :
							  SW_DIR_S2C);
	if (x.proto == SW_IPPROTO_TCP &&
	    (x.tcp_flags & (SW_TCP_SYN | SW_TCP_ACK)) == SW_TCP_SYN &&
	    sw_acct_syn_starts_new(&f->acct, &ap)) {
		/* A new connection on the same 5-tuple: hand the old one
		 * over whole, start again in the same entry. */
		sw_emit_end(&key, &f->acct, SW_XEND_REUSED,
			    f->acct.state == SW_STATE_CLOSED ?
				    f->acct.close_reason :
				    SW_CLOSE_REUSED,
			    st);
		st->flows_reused++;
		sw_acct_init(&f->acct, now, (__u8)src_is_b, SW_ORIGIN_SYN);
		f->head_seq = 0;
		f->head_turn = 0;
		f->head_mode = SW_XHM_NEW;
		f->head_flags = 0;
		f->udp_heads = 0;
		ap.dir = SW_DIR_C2S;
	}
	state0 = f->acct.state;
	if (x.proto == SW_IPPROTO_TCP && ap.dir == SW_DIR_C2S &&
	    x.payload_len > 0 && f->acct.tls_state < SW_TLS_OFF)
		sw_tls_walk_xdp(ctx, &f->acct, &ap, x.payload_off);
	sw_acct_update(&f->acct, &ap, &acfg);
	if (state0 < SW_STATE_CLOSING && f->acct.state >= SW_STATE_CLOSING)
		sw_emit_end(&key, &f->acct, SW_XEND_CLOSING,
			    f->acct.close_reason, st);
	sw_fin_hold(&key, &f->acct, now);
	sw_stage_age(now, st);
	if (!sw_heads_on)
		return XDP_PASS;
	if (x.proto == SW_IPPROTO_TCP)
		sw_tcp_heads(ctx, data, end, &x, &key, f, ap.dir, cfg, now,
			     wire_len, st);
	else
		sw_udp_heads(ctx, data, end, &x, &key, f, ap.dir, now, wire_len,
			     st);
	return XDP_PASS;
}

/*
 * Run by userspace through BPF_PROG_TEST_RUN, pinned to each CPU in turn
 * (the sweeper, the end of input): sends what this CPU has staged, so an
 * idle CPU's records do not wait for its next packet. The XDP program of
 * a packet that interrupts it on this CPU sees busy and writes straight
 * to the ring.
 */
SEC("xdp")
int sw_xdp_flush(struct xdp_md *ctx)
{
	struct sw_xdp_stats *st;
	struct sw_xdp_stage *sg;
	__u32 zero = 0;

	(void)ctx;
	st = bpf_map_lookup_elem(&sw_stats, &zero);
	sg = bpf_map_lookup_elem(&sw_stage, &zero);
	if (!st || !sg || *(volatile __u32 *)&sg->busy)
		return XDP_PASS;
	*(volatile __u32 *)&sg->busy = 1;
	sw_stage_flush(sg, st);
	*(volatile __u32 *)&sg->busy = 0;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
