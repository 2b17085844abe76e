// SPDX-License-Identifier: BSD-2-Clause
/*
 * Counting the hosts behind one address (a NAT, a proxy) from the source
 * ports of their SYNs. A stack picks ephemeral ports towards one server as
 * a sequence: Linux from a per-destination offset plus a counter with small
 * random steps (the offset changes every 10 s), Windows from one global
 * counter. A NAT that keeps ports (most do) passes the sequences through.
 * A SYN whose port lies a little above the newest port of a sequence
 * continues it; otherwise it starts a new one. Sequences of one host follow
 * each other in time; those of several hosts interleave. The count is the
 * most sequences open at one moment: a sequence is open from its first SYN
 * to its last, and only sequences of SEQ_SYNS SYNs or more count, so stacks
 * that pick every port at random (and NATs that do) count as one host.
 *
 * What it cannot see, and the TCP timestamp clocks it does not use (this
 * kernel, like the BSDs, offsets them per connection), is in
 * docs/detection.md "Shared addresses".
 */
#include "detect-int.h"

#define PORT_STEP_MAX 32 /* a sequence's largest step between two SYNs */
#define SEQ_SYNS 3 /* SYNs that make a sequence (random ports rarely chain) */
#define SEQ_IDLE_NS \
	(10 * NS_PER_S) /* a sequence this quiet is over: Linux
					     * moves its offsets every 10 s */
#define SEQ_LAG_NS (5 * NS_PER_S) /* the count looks this far back */

/* How far port p lies above l in an ephemeral range that wraps: Linux's
 * default 32768-60999, the IANA 49152-65535, or the widest 1024-65535. */
static uint32_t port_advance(uint16_t l, uint16_t p)
{
	static const uint32_t lo[] = { 32768, 49152, 1024 };
	static const uint32_t hi[] = { 61000, 65536, 65536 };
	uint32_t best = UINT32_MAX;
	size_t i;

	if (p > l)
		return (uint32_t)(p - l);
	for (i = 0; i < 3; i++)
		if (l >= lo[i] && l < hi[i] && p >= lo[i] &&
		    hi[i] - l + (p - lo[i]) < best)
			best = hi[i] - l + (p - lo[i]);
	return best;
}

/* The slot for a new sequence: a free or finished one, else the stalest. */
static struct det_portseq *seq_slot(struct det_client *c, uint64_t now)
{
	struct det_portseq *best = &c->seqs[0];
	int i;

	for (i = 0; i < HOST_SEQS; i++) {
		struct det_portseq *q = &c->seqs[i];

		if (!q->syns || now - q->last_ns >= SEQ_IDLE_NS)
			return q;
		if (q->last_ns < best->last_ns)
			best = q;
	}
	return best;
}

void det_hosts_syn(struct det_client *c, uint16_t port, uint32_t dest,
		   uint64_t now)
{
	struct det_portseq *q = NULL;
	uint32_t adv, best = PORT_STEP_MAX + 1;
	uint64_t at;
	uint8_t open = 0;
	int i;

	for (i = 0; i < HOST_SEQS; i++) {
		struct det_portseq *x = &c->seqs[i];

		if (!x->syns || x->dest != dest ||
		    now - x->last_ns >= SEQ_IDLE_NS)
			continue;
		adv = port_advance(x->port, port);
		if (adv >= 1 && adv < best) {
			best = adv;
			q = x;
		}
	}
	if (!q) {
		q = seq_slot(c, now);
		q->dest = dest;
		q->syns = 0;
		q->first_ns = now;
	}
	q->port = port;
	if (q->syns < UINT16_MAX)
		q->syns++;
	if (now > q->last_ns || q->syns == 1)
		q->last_ns = now;
	/* Sequences open a little while ago: by now each one that was
	 * still going has had its next SYN. */
	if (now < SEQ_LAG_NS)
		return;
	at = now - SEQ_LAG_NS;
	for (i = 0; i < HOST_SEQS; i++) {
		const struct det_portseq *x = &c->seqs[i];

		if (x->syns >= SEQ_SYNS && x->dest == dest &&
		    x->first_ns <= at && x->last_ns >= at)
			open++;
	}
	if (open > c->hosts)
		c->hosts = open;
}
