// SPDX-License-Identifier: BSD-2-Clause
/*
 * Flow table: open addressing with linear probing over a power-of-two slot
 * array kept at most 3/4 full, backward-shift deletion (no tombstones), and
 * an incremental sweep driven by packet time that visits every slot once
 * per SWEEP_PASS_NS, so expiry costs O(1) per packet and replays expire
 * flows exactly as live capture would. When max_flows are held, the
 * stalest flow near the new key's home slot is evicted and emitted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flow_table.h"
#include "scrapewatch/flow_key.h"
#include "scrapewatch/tls_records.h"

#define SWEEP_TICK_NS 100000000ULL /* 100 ms of packet time */
#define SWEEP_PASS_NS 10000000000ULL /* every slot visited each 10 s */
#define EVICT_WINDOW 16 /* slots examined to choose a victim */

struct sw_flow_table {
	struct sw_flow *slots;
	/* One bit a slot, set while it holds a flow: the sweep and the
	 * flush skip empty stretches without touching their entries, so a
	 * table sized for the most costs only the memory it uses. */
	uint64_t *used;
	uint32_t mask;
	uint32_t count;
	uint32_t max_flows;
	uint32_t sweep_cursor;
	uint32_t sweep_per_tick;
	uint64_t now_ns;
	uint64_t next_sweep_ns;
	struct sw_flow_table_cfg cfg;
	struct sw_flow_table_stats stats;
	sw_flow_end_fn on_end;
	void *ctx;
};

void sw_flow_table_default_cfg(struct sw_flow_table_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_flows = 196608;
	cfg->tcp_new_timeout_ns = 30ULL * 1000000000ULL;
	cfg->tcp_established_timeout_ns = 300ULL * 1000000000ULL;
	/* Half-closed (one FIN): the open side may still send for as long
	 * as an established flow may idle (a TLS close_notify minutes after
	 * the server's FIN), so the same 300 s, like Suricata and Zeek. */
	cfg->tcp_closing_timeout_ns = 300ULL * 1000000000ULL;
	cfg->tcp_closed_timeout_ns = 2ULL * 1000000000ULL;
	cfg->udp_timeout_ns = 60ULL * 1000000000ULL;
	cfg->acct.udp_turn_gap_ns = SW_ACCT_DEFAULT_UDP_TURN_GAP_NS;
}

struct sw_flow_table *sw_flow_table_new(const struct sw_flow_table_cfg *cfg,
					sw_flow_end_fn on_end, void *ctx)
{
	struct sw_flow_table *t;
	uint64_t want, nslots = 16;

	if (!cfg->max_flows || cfg->max_flows > (1u << 30)) {
		errno = EINVAL;
		return NULL;
	}
	want = ((uint64_t)cfg->max_flows * 4 + 2) / 3;
	while (nslots < want)
		nslots <<= 1;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->slots = calloc(nslots, sizeof(*t->slots));
	t->used = calloc((nslots + 63) / 64, sizeof(*t->used));
	if (!t->slots || !t->used) {
		free(t->slots);
		free(t->used);
		free(t);
		return NULL;
	}
	t->mask = (uint32_t)(nslots - 1);
	t->max_flows = cfg->max_flows;
	t->cfg = *cfg;
	t->on_end = on_end;
	t->ctx = ctx;
	t->sweep_per_tick =
		(uint32_t)(nslots * SWEEP_TICK_NS / SWEEP_PASS_NS) + 1;
	return t;
}

void sw_flow_table_free(struct sw_flow_table *t)
{
	if (!t)
		return;
	free(t->slots);
	free(t->used);
	free(t);
}

uint64_t sw_flow_key_hash(const struct sw_flow_key *k)
{
	uint64_t w[5], h = 0x243f6a8885a308d3ULL;
	int i;

	memcpy(w, k, sizeof(w));
	for (i = 0; i < 5; i++) {
		h = (h ^ w[i]) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 31;
	}
	return h ^ (h >> 29);
}

static int key_eq(const struct sw_flow_key *a, const struct sw_flow_key *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static int slot_used(const struct sw_flow *f)
{
	return f->key.family != SW_FAMILY_NONE;
}

static void used_set(struct sw_flow_table *t, uint32_t i)
{
	t->used[i / 64] |= 1ULL << (i % 64);
}

static void used_clear(struct sw_flow_table *t, uint32_t i)
{
	t->used[i / 64] &= ~(1ULL << (i % 64));
}

/* The first slot from i on (to the end of the table) that may hold a
 * flow, or mask + 1. */
static uint32_t used_next(const struct sw_flow_table *t, uint32_t i)
{
	uint32_t w = i / 64;
	uint64_t bits = t->used[w] & (~0ULL << (i % 64));

	while (!bits) {
		if (++w > t->mask / 64)
			return t->mask + 1;
		bits = t->used[w];
	}
	return w * 64 + (uint32_t)__builtin_ctzll(bits);
}

/* Remove slot i, shifting later members of its probe run back into it. */
static void slot_delete(struct sw_flow_table *t, uint32_t i)
{
	uint32_t j = i;

	for (;;) {
		uint32_t home;

		j = (j + 1) & t->mask;
		if (!slot_used(&t->slots[j]))
			break;
		home = (uint32_t)sw_flow_key_hash(&t->slots[j].key) & t->mask;
		/* Entry j may move to i only if its home is not in (i, j]. */
		if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
			t->slots[i] = t->slots[j];
			i = j;
		}
	}
	memset(&t->slots[i], 0, sizeof(t->slots[i]));
	used_clear(t, i);
	t->count--;
	t->stats.active = t->count;
}

static void flow_end(struct sw_flow_table *t, uint32_t i, int reason)
{
	struct sw_flow *f = &t->slots[i];

	if (reason != SW_CLOSE_NONE)
		f->acct.close_reason = (uint8_t)reason;
	if (f->acct.close_reason == SW_CLOSE_NONE)
		f->acct.close_reason = SW_CLOSE_IDLE;
	t->stats.ended++;
	if (t->on_end)
		t->on_end(f, t->ctx);
	slot_delete(t, i);
}

uint64_t sw_flow_timeout(const struct sw_flow_table_cfg *cfg,
			 const struct sw_flow *f)
{
	if (f->key.proto != SW_IPPROTO_TCP)
		return cfg->udp_timeout_ns;
	switch (f->acct.state) {
	case SW_STATE_NEW:
		return cfg->tcp_new_timeout_ns;
	case SW_STATE_CLOSING:
		return cfg->tcp_closing_timeout_ns;
	case SW_STATE_CLOSED:
		return cfg->tcp_closed_timeout_ns;
	default:
		return cfg->tcp_established_timeout_ns;
	}
}

static uint64_t flow_timeout(const struct sw_flow_table *t,
			     const struct sw_flow *f)
{
	return sw_flow_timeout(&t->cfg, f);
}

/* Why a flow leaving the table ends: its own close if it closed (a
 * one-sided FIN that timed out still closed), else open_reason. */
int sw_flow_end_reason(const struct sw_flow *f, int open_reason)
{
	if (f->acct.state == SW_STATE_CLOSED)
		return f->acct.close_reason;
	if (f->acct.state == SW_STATE_CLOSING)
		return SW_CLOSE_FIN;
	return open_reason;
}

static void sweep(struct sw_flow_table *t, uint32_t nslots)
{
	uint32_t n;

	for (n = 0; n < nslots && t->count; n++) {
		uint32_t i = t->sweep_cursor, next = used_next(t, i);
		struct sw_flow *f;

		if (next != i) {
			/* Empty slots: count them against the budget and
			 * pass them without a look. */
			n += (next - i) - 1;
			t->sweep_cursor = next & t->mask;
			continue;
		}
		f = &t->slots[i];
		if (slot_used(f) &&
		    f->acct.last_ns + flow_timeout(t, f) <= t->now_ns) {
			/* Deletion may shift another entry into slot i:
			 * look at it again before moving on. */
			flow_end(t, i, sw_flow_end_reason(f, SW_CLOSE_IDLE));
			continue;
		}
		t->sweep_cursor = (i + 1) & t->mask;
	}
}

static void advance_time(struct sw_flow_table *t, uint64_t ts)
{
	uint64_t ticks;

	if (ts <= t->now_ns)
		return;
	t->now_ns = ts;
	if (!t->next_sweep_ns) {
		t->next_sweep_ns = ts + SWEEP_TICK_NS;
		return;
	}
	if (ts < t->next_sweep_ns)
		return;
	ticks = (ts - t->next_sweep_ns) / SWEEP_TICK_NS + 1;
	t->next_sweep_ns += ticks * SWEEP_TICK_NS;
	if (ticks > SWEEP_PASS_NS / SWEEP_TICK_NS)
		ticks = SWEEP_PASS_NS / SWEEP_TICK_NS;
	sweep(t, (uint32_t)(ticks * t->sweep_per_tick));
}

/* Make room: end the stalest flow among those near slot home. */
static void evict_near(struct sw_flow_table *t, uint32_t home)
{
	uint32_t i, victim = UINT32_MAX, n;
	uint64_t oldest = UINT64_MAX;

	for (n = 0, i = home; n < EVICT_WINDOW; n++, i = (i + 1) & t->mask) {
		if (slot_used(&t->slots[i]) &&
		    t->slots[i].acct.last_ns < oldest) {
			oldest = t->slots[i].acct.last_ns;
			victim = i;
		}
	}
	/* Nothing near home (a sparse spot): take the sweep cursor's next. */
	for (i = t->sweep_cursor; victim == UINT32_MAX; i = (i + 1) & t->mask)
		if (slot_used(&t->slots[i]))
			victim = i;
	t->stats.evicted++;
	flow_end(t, victim, SW_CLOSE_EVICTED);
}

static void flow_start(struct sw_flow *f, const struct sw_flow_key *key,
		       const struct sw_packet *pkt, int src_is_b)
{
	uint8_t origin;
	/* The rule lives in flow_key.h, shared with the XDP program. */
	int client_is_src = sw_key_src_is_client(
		pkt->proto, pkt->tcp_flags, pkt->sport, pkt->dport, &origin);
	uint8_t client_is_b = (uint8_t)(client_is_src ? src_is_b : !src_is_b);

	f->key = *key;
	sw_acct_init(&f->acct, pkt->ts_ns, client_is_b, origin);
}

struct sw_flow *sw_flow_table_packet(struct sw_flow_table *t,
				     const struct sw_packet *pkt, int *dir)
{
	struct sw_flow_key key;
	struct sw_acct_pkt ap;
	struct sw_flow *f;
	uint32_t home, i;
	int src_is_b = sw_flow_key_from_packet(pkt, &key);

	advance_time(t, pkt->ts_ns);
	home = (uint32_t)sw_flow_key_hash(&key) & t->mask;
	for (i = home; slot_used(&t->slots[i]); i = (i + 1) & t->mask)
		if (key_eq(&t->slots[i].key, &key))
			break;
	f = &t->slots[i];

	ap.ts_ns = pkt->ts_ns;
	ap.seq = pkt->seq;
	ap.ack = pkt->ack;
	ap.payload_len = pkt->payload_len;
	ap.tcp_flags = pkt->proto == SW_IPPROTO_TCP ? pkt->tcp_flags : 0;
	ap.proto = pkt->proto;
	ap.pad = 0;

	if (slot_used(f)) {
		ap.dir =
			(uint8_t)(src_is_b == f->acct.client_is_b ? SW_DIR_C2S :
								    SW_DIR_S2C);
		if (pkt->proto == SW_IPPROTO_TCP &&
		    (pkt->tcp_flags & (SW_TCP_SYN | SW_TCP_ACK)) ==
			    SW_TCP_SYN &&
		    sw_acct_syn_starts_new(&f->acct, &ap)) {
			/* Emit the old connection, start the new one in the
			 * same slot: the key is the same. */
			f->acct.close_reason =
				f->acct.state == SW_STATE_CLOSED ?
					f->acct.close_reason :
					SW_CLOSE_REUSED;
			t->stats.ended++;
			t->stats.reused++;
			if (t->on_end)
				t->on_end(f, t->ctx);
			flow_start(f, &key, pkt, src_is_b);
			t->stats.created++;
			ap.dir = SW_DIR_C2S;
		}
	} else {
		if (t->count >= t->max_flows) {
			evict_near(t, home);
			for (i = home; slot_used(&t->slots[i]);
			     i = (i + 1) & t->mask)
				;
			f = &t->slots[i];
		}
		flow_start(f, &key, pkt, src_is_b);
		used_set(t, (uint32_t)(f - t->slots));
		t->count++;
		t->stats.created++;
		t->stats.active = t->count;
		if (t->count > t->stats.active_max)
			t->stats.active_max = t->count;
		ap.dir =
			(uint8_t)(src_is_b == f->acct.client_is_b ? SW_DIR_C2S :
								    SW_DIR_S2C);
	}
	/* Only client data, of flows the TLS record walk has not left. */
	if (ap.dir == SW_DIR_C2S && ap.payload_len > 0 &&
	    f->acct.tls_state < SW_TLS_OFF)
		sw_tls_walk(&f->acct, &ap, pkt->payload, pkt->payload_caplen);
	sw_acct_update(&f->acct, &ap, &t->cfg.acct);
	*dir = ap.dir;
	return f;
}

void sw_tls_walk(struct sw_flow_acct *a, const struct sw_acct_pkt *p,
		 const uint8_t *payload, uint32_t caplen)
{
	int32_t off = sw_tls_first(a, p);
	uint32_t i, n;

	for (i = 0; off >= 0 && i < SW_TLS_MAX_RECS; i++) {
		n = p->payload_len - (uint32_t)off;
		if (n > SW_TLS_HDR)
			n = SW_TLS_HDR;
		if ((uint32_t)off + n > caplen) {
			/* The capture cut the header off. */
			sw_tls_lose(a);
			return;
		}
		off = sw_tls_step(a, p, (uint32_t)off, payload + off, n);
	}
	if (off >= 0)
		sw_tls_lose(a);
}

static const char *const req_by_names[] = {
	[SW_REQ_BY_TURNS] = "turns",
	[SW_REQ_BY_PARSED] = "parsed",
	[SW_REQ_BY_TLS] = "tls_records",
	[SW_REQ_BY_TLS_LOST] = "tls_records_then_turns",
};

const char *sw_req_by_name(int by)
{
	return by >= 0 && by < SW_REQ_BY_MAX ? req_by_names[by] : "turns";
}

uint32_t sw_flow_requests(const struct sw_flow *f, uint32_t parsed, int *by)
{
	const struct sw_flow_acct *a = &f->acct;

	uint32_t tls = (a->user_flags & SW_UF_ALPN_H2) ? a->req_h2 : a->req_h1;

	if (f->key.proto == SW_IPPROTO_TCP && sw_tls_walking(a)) {
		*by = SW_REQ_BY_TLS;
		return tls;
	}
	if (f->key.proto == SW_IPPROTO_TCP && a->tls_state == SW_TLS_LOST) {
		/* The records' count up to the loss, then one a turn. */
		*by = SW_REQ_BY_TLS_LOST;
		return tls + (a->turns - a->tls_next);
	}
	if (parsed > 0) {
		*by = SW_REQ_BY_PARSED;
		return parsed;
	}
	*by = SW_REQ_BY_TURNS;
	return a->turns;
}

static int cmp_first_seen(const void *a, const void *b)
{
	const struct sw_flow *fa = *(const struct sw_flow *const *)a;
	const struct sw_flow *fb = *(const struct sw_flow *const *)b;

	if (fa->acct.first_ns != fb->acct.first_ns)
		return fa->acct.first_ns < fb->acct.first_ns ? -1 : 1;
	return memcmp(&fa->key, &fb->key, sizeof(fa->key));
}

/*
 * A flow already idle past its timeout when the input ends ended idle,
 * whether or not the incremental sweep had reached its slot yet: the
 * record must not depend on where the flow happened to sit.
 */
static int flush_reason(const struct sw_flow_table *t, const struct sw_flow *f,
			int reason)
{
	if (f->acct.last_ns + flow_timeout(t, f) <= t->now_ns)
		return SW_CLOSE_IDLE;
	return reason;
}

void sw_flow_table_flush(struct sw_flow_table *t, int reason)
{
	struct sw_flow **order;
	uint32_t i, n = 0;

	if (!t->count)
		return;
	order = malloc((size_t)t->count * sizeof(*order));
	if (order) {
		for (i = used_next(t, 0); i <= t->mask; i = used_next(t, i + 1))
			if (slot_used(&t->slots[i]))
				order[n++] = &t->slots[i];
		qsort(order, n, sizeof(*order), cmp_first_seen);
		for (i = 0; i < n; i++) {
			struct sw_flow *f = order[i];

			f->acct.close_reason = (uint8_t)sw_flow_end_reason(
				f, flush_reason(t, f, reason));
			t->stats.ended++;
			if (t->on_end)
				t->on_end(f, t->ctx);
		}
		/* Clear what was used, not the whole table: at the end of
		 * input that is a few flows in a table sized for the most. */
		for (i = 0; i < n; i++) {
			used_clear(t, (uint32_t)(order[i] - t->slots));
			memset(order[i], 0, sizeof(*order[i]));
		}
		free(order);
		t->count = 0;
		t->stats.active = 0;
		return;
	}
	/* Out of memory: flush in slot order rather than lose flows. */
	for (i = 0; i <= t->mask;)
		if (slot_used(&t->slots[i]))
			flow_end(
				t, i,
				sw_flow_end_reason(
					&t->slots[i],
					flush_reason(t, &t->slots[i], reason)));
		else
			i++;
}

const struct sw_flow_table_stats *
sw_flow_table_stats(const struct sw_flow_table *t)
{
	return &t->stats;
}

size_t sw_flow_table_bytes(const struct sw_flow_table *t)
{
	return sizeof(*t) + ((size_t)t->mask + 1) * sizeof(*t->slots);
}

uint32_t sw_flow_table_capacity(const struct sw_flow_table *t)
{
	return t->max_flows;
}

void sw_flow_client(const struct sw_flow *f, const uint8_t **addr,
		    uint16_t *port)
{
	*addr = f->acct.client_is_b ? f->key.addr_b : f->key.addr_a;
	*port = f->acct.client_is_b ? f->key.port_b : f->key.port_a;
}

void sw_flow_server(const struct sw_flow *f, const uint8_t **addr,
		    uint16_t *port)
{
	*addr = f->acct.client_is_b ? f->key.addr_a : f->key.addr_b;
	*port = f->acct.client_is_b ? f->key.port_a : f->key.port_b;
}
