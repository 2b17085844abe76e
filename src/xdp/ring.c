// SPDX-License-Identifier: BSD-2-Clause
/*
 * The XDP source's ring buffer consumer (see internal.h): records from the
 * kernel, one at a time or in a CPU's staged batch. Heads are decoded with
 * the userspace decoders and fed to the pipeline's heads stage; a flow
 * record of a reused 5-tuple ends the old flow. Also the shadow table the
 * heads stage keeps its per-flow state in, and the ending of a flow
 * through the shared output path (sw_pipeline_flow_end).
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xdp/internal.h"

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
struct shadow *xdp_shadow_new(struct sw_xdp *x, const struct sw_flow_key *k)
{
	struct shadow **pp, *e;

	if (x->nshadow > x->shadow_mask)
		shadow_grow(x);
	pp = xdp_shadow_slot(x, k);
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL; /* the flow goes untracked; still correct */
	e->key = *k;
	e->gen = x->gen;
	*pp = e;
	x->nshadow++;
	return e;
}

void xdp_shadow_free(struct sw_xdp *x)
{
	uint32_t i;

	for (i = 0; x->shadow && i <= x->shadow_mask; i++) {
		struct shadow *e = x->shadow[i], *next;

		for (; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(x->shadow);
	x->shadow = NULL;
}

/* A flow ends: the shared output path, with its heads. */
void xdp_emit(struct sw_xdp *x, const struct sw_flow_key *key,
	      const struct sw_flow_acct *a)
{
	struct shadow **pp = xdp_shadow_slot(x, key), *e = *pp;
	struct sw_flow f;

	f.key = *key;
	f.acct = *a;
	f.acct.user_flags = e ? e->user_flags : 0;
	if (x->o.ack_sample_n > 1)
		f.acct.user_flags |= SW_UF_PKTS_SAMPLED;
	/* Shorter than a sweep and without heads: it starts here. */
	if (xdp_tracking(x) && (!e || !e->seen))
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
	e = *xdp_shadow_slot(x, &r->key);
	if (!e && xdp_tracking(x))
		e = xdp_shadow_new(x, &r->key);
	if (e) {
		f.acct.user_flags = e->user_flags;
		xdp_flow_seen(
			x, e, &f,
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
		e = xdp_shadow_new(x, &r->key);
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
			xdp_emit(x, &e->key, &e->acct);
		break;
	default:
		x->bad_records++;
		break;
	}
}

int xdp_on_record(void *ctx, void *data, size_t size)
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
void xdp_flush_stages(struct sw_xdp *x)
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

/* Live: read what the kernel sent, then sweep when due (wall time). */
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
	xdp_advance_time(x, (uint64_t)ts.tv_sec * 1000000000ULL +
				    (uint64_t)ts.tv_nsec);
	return 0;
}
