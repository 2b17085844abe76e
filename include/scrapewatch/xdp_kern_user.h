/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Maps and records of the XDP program that userspace reads. One definition
 * for both sides; see flow_kern_user.h for the rules such structs follow.
 * docs/xdp.md describes how the maps are used.
 */
#ifndef SCRAPEWATCH_XDP_KERN_USER_H
#define SCRAPEWATCH_XDP_KERN_USER_H

#include <linux/types.h>

#include "decode_kern_user.h"
#include "flow_kern_user.h"

/* Version of every ring-buffer record; bumped on any layout change. */
#define SW_XDP_REC_VERSION 3

/* Largest frame prefix a head record carries (bytes). */
#define SW_XDP_HEAD_SNAP_MAX 2048
/* Slots of the per-CPU pure-ACK stash; a power of two. */
#define SW_XDP_ACK_STASH_SLOTS 4096

/*
 * Value of the per-CPU sw_stats map (one slot per CPU, summed by users).
 * All counts are events since load.
 */
struct sw_xdp_stats {
	__u64 packets; /* packets seen */
	__u64 bytes; /* bytes of frame data seen (wire length) */
	__u64 accounted; /* TCP or UDP packets accounted */
	__u64 pure_acks; /* of which pure ACKs */
	__u64 acks_sampled_out; /* pure ACKs left out by sampling */
	__u64 acks_after_fin; /* kept from sampling: their flow had a FIN */
	__u64 ack_flushes; /* stash entries written to the flow map */
	__u64 flows_created; /* flow map inserts */
	__u64 flow_map_full; /* inserts that failed: packet not accounted */
	__u64 flows_reused; /* a new SYN ended a flow on the same 5-tuple */
	__u64 flow_ends; /* flow-end records written */
	__u64 heads_sampled; /* head records written */
	__u64 heads_skipped; /* request-turn heads left out by sampling */
	__u64 heads_truncated; /* head records cut to the snap length */
	__u64 ringbuf_full; /* records lost: the ring buffer was full */
	__u64 turns_over_mark; /* request turns seen past the ring mark */
	__u64 reasons[SW_DR_MAX]; /* packets not accounted, by reason */
};
_Static_assert(sizeof(struct sw_xdp_stats) == 16 * 8 + SW_DR_MAX * 8,
	       "sw_xdp_stats size");

/* sw_xdp_flow.head_mode: what the kernel still sends of the client stream. */
enum sw_xdp_head_mode {
	SW_XHM_NEW = 0, /* no client payload yet */
	SW_XHM_STREAM = 1, /* send the stream head (TLS, or not yet known) */
	SW_XHM_HTTP = 2, /* cleartext HTTP: send the head of each turn */
	SW_XHM_DONE = 3, /* nothing more */
};

/* Bits of sw_xdp_flow.head_flags. */
enum sw_xdp_head_flag {
	SW_XHF_BASE = 1 << 0, /* head_seq is the client ISN + 1 */
	SW_XHF_SKIP_TURN = 1 << 1, /* this turn's head is sampled out */
};

/*
 * Value of the sw_flows map (key: struct sw_flow_key): the shared
 * accounting plus what the kernel needs to choose heads.
 */
struct sw_xdp_flow {
	struct sw_flow_acct acct;
	__u32 head_seq; /* host order: start of the head window */
	__u32 head_turn; /* acct.turns when the window opened */
	__u8 head_mode; /* enum sw_xdp_head_mode */
	__u8 head_flags; /* enum sw_xdp_head_flag bits */
	__u8 udp_heads; /* UDP: head records sent */
	__u8 pad[5]; /* zero */
};
_Static_assert(sizeof(struct sw_xdp_flow) == 128, "sw_xdp_flow size");

/* Pending pure ACKs sent by one endpoint of a flow. */
struct sw_xdp_ack_side {
	__u64 first_ns; /* ns since the Unix epoch: first stashed ACK */
	__u64 last_ns; /* ns since the Unix epoch: latest stashed ACK */
	__u32 ack_first; /* host order: ACK number of the first */
	__u32 ack_max; /* host order: highest ACK number (RFC 1982) */
	__u32 count; /* pure ACKs stashed */
	__u32 pad; /* zero */
};
_Static_assert(sizeof(struct sw_xdp_ack_side) == 32, "ack side size");

/*
 * One slot of the per-CPU pure-ACK stash (sw_ack_stash). A pure ACK only
 * updates the slot of its flow; the slot is written to the flow map every
 * ack_flush_every ACKs, when another flow needs the slot, or before the
 * flow's next packet that is not a pure ACK. Userspace merges slots into
 * the flows it ends, so records are exact.
 */
struct sw_xdp_ack_stash {
	struct sw_flow_key key; /* valid while count > 0 */
	struct sw_xdp_ack_side side[2]; /* by sender: [0] endpoint a, [1] b */
	__u32 count; /* side[0].count + side[1].count */
	__u32 pad; /* zero */
};
_Static_assert(sizeof(struct sw_xdp_ack_stash) == 112, "ack stash size");

/* Runtime settings (sw_cfg map, one slot), changeable while attached. */
struct sw_xdp_cfg {
	__u64 udp_turn_gap_ns; /* a client UDP packet after this gap is a turn */
	__u32 ring_mark_pct; /* ring fill (%) above which turn heads are sampled */
	__u32 turn_sample_n; /* then keep 1 turn head in N (0 or 1: keep none) */
};
_Static_assert(sizeof(struct sw_xdp_cfg) == 16, "sw_xdp_cfg size");

/* Ring-buffer record types. Stable numbers. */
enum sw_xdp_rec_type {
	SW_XREC_HEAD = 1,
	SW_XREC_FLOW_END = 2,
	/* Records staged on one CPU, sent as one: after this header, head
	 * and flow-end records back to back, each hdr.len bytes, a multiple
	 * of 8. */
	SW_XREC_BATCH = 3,
};

/* Every ring-buffer record starts with this. */
struct sw_xdp_rec_hdr {
	__u16 version; /* SW_XDP_REC_VERSION */
	__u8 type; /* enum sw_xdp_rec_type */
	__u8 pad; /* zero */
	__u32 len; /* bytes of the whole record */
};
_Static_assert(sizeof(struct sw_xdp_rec_hdr) == 8, "rec hdr size");

/* Why a head was sent (sw_xdp_head_rec.kind). */
enum sw_xdp_head_kind {
	SW_XHK_SYN = 1, /* SYN or SYN-ACK, with its options */
	SW_XHK_STREAM = 2, /* start of the client stream */
	SW_XHK_TURN = 3, /* head of a cleartext request turn */
	SW_XHK_UDP = 4, /* client datagram (QUIC Initial, or the first) */
};

/*
 * A head: the start of a frame (Ethernet header on), cut to the snap
 * length, with what userspace needs to run the heads parsers on it.
 */
struct sw_xdp_head_rec {
	struct sw_xdp_rec_hdr hdr;
	__u64 ts_ns; /* ns since the Unix epoch: packet time */
	struct sw_flow_key key;
	__u32 turns; /* acct.turns after this packet */
	__u32 wire_len; /* bytes: frame length on the wire */
	__u16 cap_len; /* bytes of data[] */
	__u8 dir; /* enum sw_dir */
	__u8 client_is_b; /* as in sw_flow_acct */
	__u8 kind; /* enum sw_xdp_head_kind */
	__u8 pad[3]; /* zero */
	__u8 data[SW_XDP_HEAD_SNAP_MAX]; /* frame bytes; only cap_len sent */
};
_Static_assert(sizeof(struct sw_xdp_head_rec) == 72 + SW_XDP_HEAD_SNAP_MAX,
	       "head rec size");
#define SW_XDP_HEAD_REC_FIXED 72 /* bytes before data[] */

/* Bytes of records one CPU stages before it sends them as one batch. */
#define SW_XDP_STAGE_BYTES 16384

/*
 * Per-CPU staging of ring-buffer records (sw_stage map): a record through
 * the ring buffer costs a lock, atomics and cache lines shared with the
 * consumer's CPU, a few hundred ns on a virtual machine; a batch pays it
 * once for about a hundred heads. buf starts with the batch's own header;
 * the slack past SW_XDP_STAGE_BYTES lets the verifier see that a record
 * written at any offset below it stays inside.
 */
struct sw_xdp_stage {
	__u64 first_ns; /* packet time of the oldest staged record */
	__u32 used; /* bytes of buf in use, the batch header included */
	__u32 count; /* records staged */
	__u32 busy; /* a flush from userspace is under way on this CPU */
	__u32 pad; /* zero */
	__u8 buf[SW_XDP_STAGE_BYTES + SW_XDP_HEAD_REC_FIXED +
		 SW_XDP_HEAD_SNAP_MAX + 8];
};
/* A multiple of 8: libbpf reads per-CPU values 8-byte aligned. */
_Static_assert(sizeof(struct sw_xdp_stage) % 8 == 0, "sw_xdp_stage size");

/*
 * Userspace: the record at *off of a SW_XREC_BATCH record of size bytes
 * (start *off past the batch's header), *off moved past it. NULL at the
 * end, or at a record that does not fit the batch (then *off < size).
 */
static inline const struct sw_xdp_rec_hdr *
sw_xdp_batch_next(const void *batch, __u64 size, __u64 *off)
{
	const struct sw_xdp_rec_hdr *r;

	if (*off >= size || size - *off < sizeof(*r))
		return 0;
	r = (const struct sw_xdp_rec_hdr *)((const __u8 *)batch + *off);
	if (r->len < sizeof(*r) || r->len > size - *off || r->len % 8)
		return 0;
	*off += r->len;
	return r;
}

/* Why the kernel wrote a flow-end record (sw_xdp_end_rec.event). */
enum sw_xdp_end_event {
	/* A FIN or RST: the flow is closing or closed. Its entry stays in
	 * the map for the rest of the close and late packets; userspace ends
	 * it when its (closing or closed) timeout expires. */
	SW_XEND_CLOSING = 1,
	/* A new SYN reused the 5-tuple: the entry now holds the new flow,
	 * this record is all that is left of the old one. */
	SW_XEND_REUSED = 2,
};

/* A flow that ended in the kernel: its final (or closing) accounting. */
struct sw_xdp_end_rec {
	struct sw_xdp_rec_hdr hdr;
	struct sw_flow_key key;
	struct sw_flow_acct acct; /* close_reason set */
	__u8 event; /* enum sw_xdp_end_event */
	__u8 pad[7]; /* zero */
};
_Static_assert(sizeof(struct sw_xdp_end_rec) == 168, "end rec size");

/*
 * The stash slot of a flow key: the same on both sides of the boundary, so
 * userspace finds a flow's pending ACKs. Cheap: this runs per pure ACK.
 */
static inline __u32 sw_xdp_stash_slot(const struct sw_flow_key *k)
{
	__u32 w[10], h;

	__builtin_memcpy(w, k, sizeof(w));
	h = w[0] ^ w[1] ^ w[2] ^ w[3] ^ w[4] ^ w[5] ^ w[6] ^ w[7] ^ w[9];
	h = (h ^ w[8]) * 0x9e3779b1u;
	return (h >> 16) & (SW_XDP_ACK_STASH_SLOTS - 1);
}

#endif /* SCRAPEWATCH_XDP_KERN_USER_H */
