/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Applying a pure-ACK stash slot (struct sw_xdp_ack_stash) to a flow: the
 * XDP program does it when it writes a slot back to its flow map, userspace
 * when it ends a flow whose ACKs are still in the stash. One definition, so
 * both give the same accounting. No libc, no BPF helpers.
 */
#ifndef SCRAPEWATCH_XDP_STASH_H
#define SCRAPEWATCH_XDP_STASH_H

#include "flow_acct.h"
#include "flow_key.h"
#include "xdp_kern_user.h"

/* The side of a slot whose ACKs came first. */
static inline int sw_stash_first_side(const struct sw_xdp_ack_stash *s)
{
	if (!s->side[0].count)
		return 1;
	if (!s->side[1].count)
		return 0;
	return s->side[1].first_ns < s->side[0].first_ns;
}

/* Start the accounting of a flow first seen through its stashed ACKs. */
static inline void sw_stash_init_flow(struct sw_flow_acct *a,
				      const struct sw_xdp_ack_stash *s)
{
	const struct sw_flow_key *k = &s->key;
	int b = sw_stash_first_side(s);
	__u16 sport = b ? k->port_b : k->port_a;
	__u16 dport = b ? k->port_a : k->port_b;
	__u8 origin;
	int client_is_src = sw_key_src_is_client(k->proto, SW_TCP_ACK, sport,
						 dport, &origin);

	sw_acct_init(a, s->side[b].first_ns, (__u8)(client_is_src ? b : !b),
		     origin);
}

/*
 * Account one side's ACKs as the first and the highest of them: the ACK is
 * cumulative, so the ones between add only their count.
 */
static inline void sw_stash_apply_side(struct sw_flow_acct *a,
				       const struct sw_xdp_ack_side *sd,
				       int sender_is_b,
				       const struct sw_acct_cfg *cfg)
{
	struct sw_acct_pkt ap;

	if (!sd->count)
		return;
	ap.seq = 0;
	ap.payload_len = 0;
	ap.pad = 0;
	ap.dir =
		(__u8)(sender_is_b == a->client_is_b ? SW_DIR_C2S : SW_DIR_S2C);
	ap.tcp_flags = SW_TCP_ACK;
	ap.proto = SW_IPPROTO_TCP;
	ap.ts_ns = sd->first_ns;
	ap.ack = sd->ack_first;
	sw_acct_update(a, &ap, cfg);
	if (sd->count > 1) {
		ap.ts_ns = sd->last_ns;
		ap.ack = sd->ack_max;
		sw_acct_update(a, &ap, cfg);
		a->dir[ap.dir & 1].packets += sd->count - 2;
	}
}

/*
 * Account a slot's ACKs, the side that started first first. The two sides
 * touch different counters, so their order changes nothing but which ACK
 * a state change is pinned to.
 */
static inline void sw_stash_apply(struct sw_flow_acct *a,
				  const struct sw_xdp_ack_stash *s,
				  const struct sw_acct_cfg *cfg)
{
	int b = sw_stash_first_side(s);

	sw_stash_apply_side(a, &s->side[b], b, cfg);
	sw_stash_apply_side(a, &s->side[b ^ 1], b ^ 1, cfg);
}

#endif /* SCRAPEWATCH_XDP_STASH_H */
