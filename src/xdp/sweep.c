// SPDX-License-Identifier: BSD-2-Clause
/*
 * The XDP source's sweeper (see internal.h and docs/xdp.md): it ends
 * flows. The XDP program keeps each flow's accounting in its flow map,
 * with recent pure ACKs in a per-CPU stash; a flow closed in the kernel
 * lingers like one in the userspace table, an idle one times out, and at
 * the end of input all are flushed. Ending a flow merges its stashed ACKs
 * with the code the kernel uses (xdp_stash.h), so the record is exact.
 * Flows that go on get running snapshots (progress) for the detector.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "xdp/internal.h"

#define BATCH 1024

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
	struct shadow *e = *xdp_shadow_slot(x, &xf->key);
	struct sw_flow f = { .key = xf->key, .acct = xf->acct };

	if (!e && xdp_tracking(x))
		e = xdp_shadow_new(x, &xf->key);
	if (!e)
		return 0;
	e->gen = x->gen;
	if (!xdp_tracking(x))
		return 0;
	xdp_flow_seen(x, e, &f, 0);
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
		struct shadow *e = *xdp_shadow_slot(x, &p[i].key);
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
void xdp_sweep(struct sw_xdp *x, int final)
{
	struct sweep w = { 0 };
	struct xflow *moved = NULL;
	size_t i, n = 0, nmoved = 0;

	/* Heads first: a flow's heads are older than its end. */
	xdp_flush_stages(x);
	w.slotbuf = calloc((size_t)x->ncpu, sizeof(*w.slotbuf));
	if (!w.slotbuf || read_stash(x, &w) || read_flows(x, &w) ||
	    merge_stash(x, &w)) {
		sw_log(SW_LOG_ERROR, "XDP sweep: %s",
		       strerror(errno ? errno : ENOMEM));
		goto cleanup;
	}
	x->gen++;
	if (!final && xdp_tracking(x))
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
		xdp_emit(x, &w.flows[i].key, &w.flows[i].acct);
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

/* End of input: read what is left, then end every flow. */
void sw_xdp_finish(struct sw_xdp *x)
{
	ring_buffer__consume(x->rb);
	xdp_sweep(x, 1);
}
