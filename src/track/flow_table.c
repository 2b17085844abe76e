// SPDX-License-Identifier: BSD-2-Clause
/*
 * Flow table: open addressing with linear probing over a power-of-two slot
 * array kept at most 3/4 full, backward-shift deletion (no tombstones).
 * Expiry follows the work, not the clock: every flow sits on the list of
 * its timeout class (UDP, and each TCP state), ordered by its last packet,
 * and moves to the tail when a packet touches it; as packet time passes,
 * the heads whose timeout has run out end. So a flow expires exactly at
 * its timeout, in time order, at O(1) per packet, and an idle table costs
 * nothing. The slot array starts small and doubles up to the size its
 * capacity needs, so a capture of a few clients touches little memory.
 * When max_flows are held, the stalest flow near the new key's home slot
 * is evicted and emitted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flow_table.h"
#include "scrapewatch/flow_key.h"
#include "scrapewatch/tls_records.h"

#define EVICT_WINDOW 16 /* slots examined to choose a victim */
#define START_SLOTS 1024 /* first size of the slot array */
#define NCLASS 5 /* timeout classes: UDP, then TCP by state */

/*
 * A slot's place on its class list. Indices past the slot array are the
 * lists' heads (nslots + class), so a list is a ring and unlinking needs
 * no class.
 */
struct link {
	uint32_t prev;
	uint32_t next;
};

struct sw_flow_table {
	struct sw_flow *slots;
	struct link *links; /* nslots + NCLASS entries */
	uint32_t mask;
	uint32_t max_mask; /* the mask the capacity needs */
	uint32_t count;
	uint32_t max_flows;
	uint64_t now_ns;
	uint64_t next_due; /* no flow is due before this */
	uint64_t timeout[NCLASS];
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

/* The timeout class of a flow: what sw_flow_timeout() depends on. */
static unsigned int flow_class(const struct sw_flow *f)
{
	if (f->key.proto != SW_IPPROTO_TCP)
		return 0;
	return 1 + (f->acct.state & 3);
}

/*
 * Slot and link arrays of nslots, lists empty, in one allocation (links
 * after the slots): from the first size on it is large enough for its own
 * mapping, so growing leaves no holes in the heap. 0, or -1 out of memory.
 */
static int arrays_new(struct sw_flow **slots, struct link **links,
		      uint32_t nslots)
{
	uint32_t c;

	*slots = calloc(1, (size_t)nslots * sizeof(**slots) +
				   ((size_t)nslots + NCLASS) * sizeof(**links));
	if (!*slots)
		return -1;
	*links = (struct link *)(*slots + nslots);
	for (c = 0; c < NCLASS; c++) {
		(*links)[nslots + c].prev = nslots + c;
		(*links)[nslots + c].next = nslots + c;
	}
	return 0;
}

struct sw_flow_table *sw_flow_table_new(const struct sw_flow_table_cfg *cfg,
					sw_flow_end_fn on_end, void *ctx)
{
	struct sw_flow_table *t;
	struct sw_flow probe;
	uint64_t want, nslots = 16;
	unsigned int c;

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
	t->max_mask = (uint32_t)(nslots - 1);
	if (nslots > START_SLOTS)
		nslots = START_SLOTS;
	if (arrays_new(&t->slots, &t->links, (uint32_t)nslots)) {
		free(t);
		return NULL;
	}
	t->mask = (uint32_t)(nslots - 1);
	t->next_due = UINT64_MAX;
	t->max_flows = cfg->max_flows;
	t->cfg = *cfg;
	t->on_end = on_end;
	t->ctx = ctx;
	/* Each class's timeout, as sw_flow_timeout() gives it. */
	memset(&probe, 0, sizeof(probe));
	for (c = 0; c < NCLASS; c++) {
		probe.key.proto = c ? SW_IPPROTO_TCP : SW_IPPROTO_UDP;
		probe.acct.state = (uint8_t)(c ? c - 1 : 0);
		t->timeout[c] = sw_flow_timeout(cfg, &probe);
	}
	return t;
}

void sw_flow_table_free(struct sw_flow_table *t)
{
	if (!t)
		return;
	free(t->slots); /* the links with them */
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

static uint32_t list_head(const struct sw_flow_table *t, unsigned int c)
{
	return t->mask + 1 + c;
}

static inline void list_unlink(struct sw_flow_table *t, uint32_t i)
{
	struct link *l = &t->links[i];

	t->links[l->prev].next = l->next;
	t->links[l->next].prev = l->prev;
}

/* Put slot i on list c, after the last flow whose last packet is not
 * later than its own: the tail, unless packet time stepped back. */
static inline void list_insert(struct sw_flow_table *t, uint32_t i,
			       unsigned int c)
{
	uint32_t h = list_head(t, c), at = t->links[h].prev;
	uint64_t last = t->slots[i].acct.last_ns;

	if (last + t->timeout[c] < t->next_due)
		t->next_due = last + t->timeout[c];
	while (at != h && t->slots[at].acct.last_ns > last)
		at = t->links[at].prev;
	t->links[i].prev = at;
	t->links[i].next = t->links[at].next;
	t->links[t->links[at].next].prev = i;
	t->links[at].next = i;
}

/* Slot j's flow now lives in slot i: its neighbours follow it. */
static void slot_move(struct sw_flow_table *t, uint32_t i, uint32_t j)
{
	t->slots[i] = t->slots[j];
	t->links[i] = t->links[j];
	t->links[t->links[i].prev].next = i;
	t->links[t->links[i].next].prev = i;
}

/* Remove slot i, shifting later members of its probe run back into it. */
static void slot_delete(struct sw_flow_table *t, uint32_t i)
{
	uint32_t j = i;

	list_unlink(t, i);
	for (;;) {
		uint32_t home;

		j = (j + 1) & t->mask;
		if (!slot_used(&t->slots[j]))
			break;
		home = (uint32_t)sw_flow_key_hash(&t->slots[j].key) & t->mask;
		/* Entry j may move to i only if its home is not in (i, j]. */
		if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
			slot_move(t, i, j);
			i = j;
		}
	}
	memset(&t->slots[i], 0, sizeof(t->slots[i]));
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
	return t->timeout[flow_class(f)];
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

/*
 * End the flows idle at t->now_ns, earliest deadline first across the
 * classes: each list is in last-packet order, so only its head can be due.
 */
static void expire(struct sw_flow_table *t)
{
	t->next_due = UINT64_MAX;
	while (t->count) {
		uint64_t best = UINT64_MAX;
		uint32_t victim = 0;
		unsigned int c;

		for (c = 0; c < NCLASS; c++) {
			uint32_t h = t->links[list_head(t, c)].next;
			uint64_t due;

			if (h > t->mask)
				continue;
			due = t->slots[h].acct.last_ns + t->timeout[c];
			if (due < best) {
				best = due;
				victim = h;
			}
		}
		if (best > t->now_ns) {
			t->next_due = best;
			return;
		}
		flow_end(t, victim,
			 sw_flow_end_reason(&t->slots[victim], SW_CLOSE_IDLE));
	}
}

static void advance_time(struct sw_flow_table *t, uint64_t ts)
{
	if (ts <= t->now_ns)
		return;
	t->now_ns = ts;
	if (ts >= t->next_due)
		expire(t);
}

/*
 * Double the slot array (up to what the capacity needs) once it is 1/4
 * full. Flows keep their order on their lists. 0, or -1 out of memory:
 * the table then stays as it is, and evicts sooner.
 */
static int grow(struct sw_flow_table *t)
{
	uint32_t nslots = (t->mask + 1) * 2, nmask = nslots - 1, c;
	struct sw_flow *slots;
	struct link *links;

	if (arrays_new(&slots, &links, nslots))
		return -1;
	for (c = 0; c < NCLASS; c++) {
		uint32_t h = list_head(t, c), i;

		for (i = t->links[h].next; i != h; i = t->links[i].next) {
			uint32_t j =
				(uint32_t)sw_flow_key_hash(&t->slots[i].key) &
				nmask;

			while (slot_used(&slots[j]))
				j = (j + 1) & nmask;
			slots[j] = t->slots[i];
			links[j].prev = links[nslots + c].prev;
			links[j].next = nslots + c;
			links[links[nslots + c].prev].next = j;
			links[nslots + c].prev = j;
		}
	}
	free(t->slots);
	t->slots = slots;
	t->links = links;
	t->mask = nmask;
	return 0;
}

/* Make room: end the stalest flow among those near slot home. */
static void evict_near(struct sw_flow_table *t, uint32_t home)
{
	uint32_t i, victim = UINT32_MAX, n;
	uint64_t oldest = UINT64_MAX;
	unsigned int c;

	for (n = 0, i = home; n < EVICT_WINDOW; n++, i = (i + 1) & t->mask) {
		if (slot_used(&t->slots[i]) &&
		    t->slots[i].acct.last_ns < oldest) {
			oldest = t->slots[i].acct.last_ns;
			victim = i;
		}
	}
	/* Nothing near home (a sparse spot): the stalest at a list head. */
	for (c = 0; victim == UINT32_MAX && c < NCLASS; c++) {
		uint32_t h = t->links[list_head(t, c)].next;

		if (h <= t->mask)
			victim = h;
	}
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

/* The slot of key, or the empty slot where it would go. */
static inline uint32_t find(const struct sw_flow_table *t,
			    const struct sw_flow_key *key)
{
	uint32_t i = (uint32_t)sw_flow_key_hash(key) & t->mask;

	while (slot_used(&t->slots[i]) && !key_eq(&t->slots[i].key, key))
		i = (i + 1) & t->mask;
	return i;
}

/* An empty slot for a new flow of key: room made first if need be. */
static uint32_t place_new(struct sw_flow_table *t,
			  const struct sw_flow_key *key, uint32_t i)
{
	if (t->count >= t->max_flows) {
		evict_near(t, (uint32_t)sw_flow_key_hash(key) & t->mask);
		return find(t, key);
	}
	/* Below its full size the array is kept at most 1/4 full: probe
	 * runs as short as in the full-size array of a light load. */
	if (t->mask < t->max_mask &&
	    (uint64_t)(t->count + 1) * 4 > (uint64_t)(t->mask + 1) && !grow(t))
		return find(t, key);
	return i;
}

/* The flow of slot i was touched: keep it in last-packet order on the
 * list of its class (cls before the packet). Usually already the tail. */
static inline void requeue(struct sw_flow_table *t, uint32_t i,
			   unsigned int cls)
{
	unsigned int c = flow_class(&t->slots[i]);

	if (c == cls && t->links[i].next == list_head(t, c))
		return;
	list_unlink(t, i);
	list_insert(t, i, c);
}

struct sw_flow *sw_flow_table_packet(struct sw_flow_table *t,
				     const struct sw_packet *pkt, int *dir)
{
	struct sw_flow_key key;
	struct sw_acct_pkt ap;
	struct sw_flow *f;
	uint32_t i;
	unsigned int cls;
	int src_is_b = sw_flow_key_from_packet(pkt, &key);

	advance_time(t, pkt->ts_ns);
	i = find(t, &key);
	f = &t->slots[i];

	ap.ts_ns = pkt->ts_ns;
	ap.seq = pkt->seq;
	ap.ack = pkt->ack;
	ap.payload_len = pkt->payload_len;
	ap.tcp_flags = pkt->proto == SW_IPPROTO_TCP ? pkt->tcp_flags : 0;
	ap.proto = pkt->proto;
	ap.pad = 0;

	if (slot_used(f)) {
		cls = flow_class(f);
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
			cls = NCLASS; /* requeue it whatever its class */
		}
	} else {
		i = place_new(t, &key, i);
		f = &t->slots[i];
		flow_start(f, &key, pkt, src_is_b);
		list_insert(t, i, flow_class(f));
		cls = flow_class(f);
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
	requeue(t, i, cls);
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
 * A flow already idle past its timeout when the input ends ended idle:
 * the last packet moved the clock, but expiry ran before it, so a flow
 * due at exactly that time is still here.
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
	uint32_t i, n = 0, c;

	if (!t->count)
		return;
	order = malloc((size_t)t->count * sizeof(*order));
	if (order) {
		for (c = 0; c < NCLASS; c++) {
			uint32_t h = list_head(t, c);

			for (i = t->links[h].next; i != h; i = t->links[i].next)
				order[n++] = &t->slots[i];
		}
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
		for (i = 0; i < n; i++)
			memset(order[i], 0, sizeof(*order[i]));
		for (c = 0; c < NCLASS; c++) {
			t->links[list_head(t, c)].next = list_head(t, c);
			t->links[list_head(t, c)].prev = list_head(t, c);
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
	return sizeof(*t) + ((size_t)t->mask + 1) * sizeof(*t->slots) +
	       ((size_t)t->mask + 1 + NCLASS) * sizeof(*t->links);
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
