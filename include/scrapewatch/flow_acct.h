/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Exact flow accounting from cumulative TCP numbers (docs/accounting.md).
 *
 * A TCP acknowledgement is cumulative: the client's highest ACK minus its
 * first one is what it has received. So the client-to-server packets alone,
 * all that XDP on an ingress port sees, give the download volume, and a
 * sampled ACK loses nothing because every later ACK restates the total. The
 * client's own SEQ numbers give the upload the same way. When the server's
 * packets are visible too, its SEQ numbers confirm the figure.
 *
 * A request turn is a client segment with new payload whose ACK moved since
 * the client's previous payload segment: the server spoke in between.
 *
 * This header is compiled twice, into the XDP program and into userspace, so
 * it uses no libc and no BPF helpers, only fixed-width types and arithmetic
 * without loops. All sequence comparisons are serial-number arithmetic
 * (RFC 1982), so wrap-around at 2^32 is harmless.
 */
#ifndef SCRAPEWATCH_FLOW_ACCT_H
#define SCRAPEWATCH_FLOW_ACCT_H

#include "flow_kern_user.h"

/* TCP header flag bits, as on the wire (RFC 9293 section 3.1). */
#define SW_TCP_FIN 0x01
#define SW_TCP_SYN 0x02
#define SW_TCP_RST 0x04
#define SW_TCP_PSH 0x08
#define SW_TCP_ACK 0x10

#define SW_IPPROTO_TCP 6
#define SW_IPPROTO_UDP 17

/*
 * Largest believable forward move of SEQ or ACK in one step. A TCP window
 * can't exceed 2^30 bytes (RFC 7323 section 2.3), so a bigger jump is a
 * stray or forged segment and is ignored rather than counted.
 */
#define SW_ACCT_MAX_ADVANCE (1u << 30)

/* One packet, as the accounting needs it. Not stored anywhere. */
struct sw_acct_pkt {
	__u64 ts_ns; /* ns since the Unix epoch */
	__u32 seq; /* host order (TCP) */
	__u32 ack; /* host order (TCP) */
	__u32 payload_len; /* bytes of L4 payload, from the IP length */
	__u8 dir; /* enum sw_dir */
	__u8 tcp_flags; /* SW_TCP_* bits; 0 for UDP */
	__u8 proto; /* SW_IPPROTO_TCP or SW_IPPROTO_UDP */
	__u8 pad;
};

/* Tunables of the accounting. */
struct sw_acct_cfg {
	__u64 udp_turn_gap_ns; /* a client UDP packet after this gap is a turn */
};

#define SW_ACCT_DEFAULT_UDP_TURN_GAP_NS 500000000ULL

static inline int sw_serial_gt(__u32 a, __u32 b)
{
	return (__s32)(a - b) > 0;
}

static inline __u64 sw_acct_get40(__u32 lo, __u8 hi)
{
	return ((__u64)hi << 32) | lo;
}

static inline void sw_acct_add40(__u32 *lo, __u8 *hi, __u32 delta)
{
	__u32 old = *lo;

	*lo = old + delta;
	if (*lo < old)
		*hi = (__u8)(*hi + 1);
}

/* Start a flow record. client_is_b: 1 if key endpoint b is the client. */
static inline void sw_acct_init(struct sw_flow_acct *a, __u64 ts_ns,
				__u8 client_is_b, __u8 origin)
{
	__u8 *p = (__u8 *)a;
	__u32 i;

	/* No memset: this must build without libc, and clang unrolls it. */
	for (i = 0; i < sizeof(*a); i++)
		p[i] = 0;
	a->first_ns = ts_ns;
	a->last_ns = ts_ns;
	a->client_is_b = client_is_b;
	a->origin = origin;
	a->state = SW_STATE_NEW;
}

/*
 * Whether SW_DIR d's FIN is counted in the peer's acknowledged total, which
 * must then be reduced by the one sequence number a FIN consumes.
 */
static inline int sw_acct_fin_in_acked(const struct sw_flow_acct *a, int d)
{
	const struct sw_acct_dir *me = &a->dir[d & 1];
	const struct sw_acct_dir *peer = &a->dir[(d & 1) ^ 1];

	if (me->flags & SW_DIRF_SEEN)
		return (me->flags & SW_DIRF_FIN) &&
		       (peer->flags & SW_DIRF_ACK_VALID) &&
		       sw_serial_gt(peer->ack_hi, me->fin_seq);

	/*
	 * Only the peer is visible. If its ACK moved after its own FIN, our
	 * FIN came later (the peer closed first). If the peer's FIN was
	 * neither repeated nor followed by RST, it answered our FIN (we
	 * closed first), which its FIN or an earlier ACK acknowledged.
	 */
	if (peer->flags & SW_DIRF_ACK_AFTER_FIN)
		return 1;
	return (peer->flags & SW_DIRF_FIN) &&
	       !(peer->flags & (SW_DIRF_FIN_RETX | SW_DIRF_RST));
}

/* Unique payload bytes sent by SW_DIR d: SYN, FIN and retransmits excluded. */
static inline __u64 sw_acct_bytes(const struct sw_flow_acct *a, int d)
{
	const struct sw_acct_dir *me = &a->dir[d & 1];
	const struct sw_acct_dir *peer = &a->dir[(d & 1) ^ 1];
	__u64 sent = sw_acct_get40(me->data_lo, me->data_hi);
	__u64 acked = sw_acct_get40(peer->acked_lo, peer->acked_hi);

	if (acked > 0 && sw_acct_fin_in_acked(a, d))
		acked--;
	return sent > acked ? sent : acked;
}

/*
 * Whether a SYN without ACK from the client means a new connection on the
 * same 5-tuple rather than a retransmitted SYN. The caller then ends this
 * flow (SW_CLOSE_REUSED) and starts another.
 */
static inline int sw_acct_syn_starts_new(const struct sw_flow_acct *a,
					 const struct sw_acct_pkt *p)
{
	const struct sw_acct_dir *c = &a->dir[SW_DIR_C2S];

	if (p->dir != SW_DIR_C2S || a->state >= SW_STATE_CLOSING)
		return 1;
	if (!(c->flags & SW_DIRF_SYN))
		return (c->flags & SW_DIRF_SEQ_VALID) != 0;
	/* seq_hi - data is the ISN + 1 (mod 2^32): the same ISN is a
	 * retransmitted SYN, with or without TCP Fast Open data. */
	return c->seq_hi - c->data_lo != p->seq + 1;
}

static inline void sw_acct_update_udp(struct sw_flow_acct *a,
				      const struct sw_acct_pkt *p,
				      const struct sw_acct_cfg *cfg)
{
	struct sw_acct_dir *me = &a->dir[p->dir & 1];
	__u32 now_ms = 0;

	sw_acct_add40(&me->data_lo, &me->data_hi, p->payload_len);
	if (p->ts_ns > a->first_ns)
		now_ms = (__u32)((p->ts_ns - a->first_ns) / 1000000);
	if ((p->dir & 1) == SW_DIR_C2S) {
		/* Captures merged from several queues can step back a
		 * little: a packet older than the client's last one follows
		 * no gap, and must not pull the mark back. */
		__s32 since_ms = (__s32)(now_ms - a->turn_mark);

		if (a->turns == 0) {
			a->turns = 1;
			a->turn_mark = now_ms;
		} else if (since_ms >= 0) {
			if ((__u64)since_ms * 1000000 >= cfg->udp_turn_gap_ns)
				a->turns++;
			a->turn_mark = now_ms;
		}
	}
	if (a->state == SW_STATE_NEW &&
	    (a->dir[SW_DIR_S2C].flags & SW_DIRF_SEEN))
		a->state = SW_STATE_ESTABLISHED;
}

/* Whether SW_DIR d's FIN has been acknowledged by a visible peer. */
static inline int sw_acct_fin_done(const struct sw_flow_acct *a, int d)
{
	const struct sw_acct_dir *me = &a->dir[d & 1];
	const struct sw_acct_dir *peer = &a->dir[(d & 1) ^ 1];

	return (me->flags & SW_DIRF_FIN) && (peer->flags & SW_DIRF_ACK_VALID) &&
	       sw_serial_gt(peer->ack_hi, me->fin_seq);
}

static inline void sw_acct_update_state(struct sw_flow_acct *a)
{
	const struct sw_acct_dir *c = &a->dir[SW_DIR_C2S];
	const struct sw_acct_dir *s = &a->dir[SW_DIR_S2C];
	__u8 fin = (c->flags | s->flags) & SW_DIRF_FIN;
	int done;

	if (a->state == SW_STATE_CLOSED)
		return;
	if ((c->flags | s->flags) & SW_DIRF_RST) {
		a->state = SW_STATE_CLOSED;
		a->close_reason = SW_CLOSE_RST;
		return;
	}
	if (!fin)
		return;
	/* Both sides visible: both FINs acknowledged. One side visible: it
	 * acknowledged something after its own FIN, the peer's FIN. */
	if ((c->flags & SW_DIRF_SEEN) && (s->flags & SW_DIRF_SEEN))
		done = sw_acct_fin_done(a, SW_DIR_C2S) &&
		       sw_acct_fin_done(a, SW_DIR_S2C);
	else
		done = ((c->flags | s->flags) & SW_DIRF_ACK_AFTER_FIN) != 0;
	if (done) {
		a->state = SW_STATE_CLOSED;
		a->close_reason = SW_CLOSE_FIN;
	} else {
		a->state = SW_STATE_CLOSING;
	}
}

static inline void sw_acct_update_tcp(struct sw_flow_acct *a,
				      const struct sw_acct_pkt *p)
{
	struct sw_acct_dir *me = &a->dir[p->dir & 1];
	struct sw_acct_dir *peer = &a->dir[(p->dir & 1) ^ 1];
	__u8 fl = p->tcp_flags;
	__u32 start = p->seq;
	__u32 end, adv;

	if (fl & SW_TCP_SYN) {
		me->flags |= SW_DIRF_SYN;
		start = p->seq + 1; /* SYN occupies one sequence number */
		if (!(me->flags & SW_DIRF_SEQ_VALID)) {
			me->seq_hi = start;
			me->flags |= SW_DIRF_SEQ_VALID;
		}
		/* The peer's first ACK will be ISN + 1: set its base now so
		 * a lost handshake ACK loses nothing. */
		if (!(peer->flags & SW_DIRF_ACK_VALID)) {
			peer->ack_hi = start;
			peer->flags |= SW_DIRF_ACK_VALID;
		}
	}
	end = start + p->payload_len;

	if (p->payload_len > 0) {
		int new_data;

		if (!(me->flags & SW_DIRF_SEQ_VALID)) {
			me->seq_hi = start; /* first seen mid-stream */
			me->flags |= SW_DIRF_SEQ_VALID;
		}
		adv = end - me->seq_hi;
		new_data = sw_serial_gt(end, me->seq_hi) &&
			   adv <= SW_ACCT_MAX_ADVANCE;
		if (new_data) {
			sw_acct_add40(&me->data_lo, &me->data_hi, adv);
			me->seq_hi = end;
		}
		/* Retransmits, keep-alives and zero-window probes carry no
		 * new data, so they are never turns. */
		if (new_data && (p->dir & 1) == SW_DIR_C2S) {
			if (a->turns == 0 ||
			    ((fl & SW_TCP_ACK) &&
			     sw_serial_gt(p->ack, a->turn_mark)))
				a->turns++;
			if (fl & SW_TCP_ACK)
				a->turn_mark = p->ack;
		}
	}

	if (fl & SW_TCP_ACK) {
		if (!(me->flags & SW_DIRF_ACK_VALID)) {
			me->ack_hi = p->ack;
			me->flags |= SW_DIRF_ACK_VALID;
		} else if (sw_serial_gt(p->ack, me->ack_hi) &&
			   p->ack - me->ack_hi <= SW_ACCT_MAX_ADVANCE) {
			sw_acct_add40(&me->acked_lo, &me->acked_hi,
				      p->ack - me->ack_hi);
			me->ack_hi = p->ack;
			if (me->flags & SW_DIRF_FIN)
				me->flags |= SW_DIRF_ACK_AFTER_FIN;
		}
	}

	if (fl & SW_TCP_FIN) {
		if (!(me->flags & SW_DIRF_FIN)) {
			me->flags |= SW_DIRF_FIN;
			me->fin_seq = end;
		} else if (me->fin_seq == end) {
			me->flags |= SW_DIRF_FIN_RETX;
		}
	}
	if (fl & SW_TCP_RST)
		me->flags |= SW_DIRF_RST;

	if (a->state == SW_STATE_NEW &&
	    (p->payload_len > 0 || !(fl & (SW_TCP_SYN | SW_TCP_RST))))
		a->state = SW_STATE_ESTABLISHED;
	sw_acct_update_state(a);
}

/* Account one packet of a flow. */
static inline void sw_acct_update(struct sw_flow_acct *a,
				  const struct sw_acct_pkt *p,
				  const struct sw_acct_cfg *cfg)
{
	struct sw_acct_dir *me = &a->dir[p->dir & 1];

	me->packets++;
	me->flags |= SW_DIRF_SEEN;
	if (p->ts_ns > a->last_ns)
		a->last_ns = p->ts_ns;
	if (p->proto == SW_IPPROTO_TCP)
		sw_acct_update_tcp(a, p);
	else
		sw_acct_update_udp(a, p, cfg);
}

#endif /* SCRAPEWATCH_FLOW_ACCT_H */
