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

/* Start the accounting of a flow first seen through its stashed ACKs. */
static inline void sw_stash_init_flow(struct sw_flow_acct *a,
				      const struct sw_xdp_ack_stash *s)
{
	const struct sw_flow_key *k = &s->key;
	__u16 sport = s->src_is_b ? k->port_b : k->port_a;
	__u16 dport = s->src_is_b ? k->port_a : k->port_b;
	__u8 origin;
	int client_is_src = sw_key_src_is_client(k->proto, SW_TCP_ACK, sport,
						 dport, &origin);

	sw_acct_init(a, s->first_ns,
		     (__u8)(client_is_src ? s->src_is_b : !s->src_is_b),
		     origin);
}

/*
 * Account a slot's ACKs as the first and the highest of them: the ACK is
 * cumulative, so the ones between add only their count.
 */
static inline void sw_stash_apply(struct sw_flow_acct *a,
				  const struct sw_xdp_ack_stash *s,
				  const struct sw_acct_cfg *cfg)
{
	struct sw_acct_pkt ap;

	if (!s->count)
		return;
	ap.seq = 0;
	ap.payload_len = 0;
	ap.pad = 0;
	ap.dir = s->src_is_b == a->client_is_b ? SW_DIR_C2S : SW_DIR_S2C;
	ap.tcp_flags = SW_TCP_ACK;
	ap.proto = SW_IPPROTO_TCP;
	ap.ts_ns = s->first_ns;
	ap.ack = s->ack_first;
	sw_acct_update(a, &ap, cfg);
	if (s->count > 1) {
		ap.ts_ns = s->last_ns;
		ap.ack = s->ack_max;
		sw_acct_update(a, &ap, cfg);
		a->dir[ap.dir & 1].packets += s->count - 2;
	}
}

#endif /* SCRAPEWATCH_XDP_STASH_H */
