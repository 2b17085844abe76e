// SPDX-License-Identifier: BSD-2-Clause
/*
 * Campaigns: groups of clients that share an address prefix (/24, /48 by
 * default) or a fingerprint tuple (JA4, SYN signature, User-Agent). A group
 * keeps breadth bitmaps over its members, adds up its participants' last
 * minute of request bins when it is scored, and remembers members for cfg->campaign_history_s after they go quiet,
 * so addresses used one after the other (rotation) still add up. A group
 * alerts when its members show automation (SW-C003, a gate) and together
 * reach the alert score: the reasons give the aggregate next to the
 * largest single member's value, which is what none of them did alone.
 */
#include <stdio.h>
#include <string.h>

#include "detect-int.h"

static uint64_t group_hash(int kind, const struct sw_det_addr *prefix,
			   uint8_t plen, const char *key)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)kind;
	size_t i;

	if (kind == GROUP_PREFIX) {
		h ^= sw_det_addr_hash(prefix) + plen;
		h *= 0x100000001b3ULL;
		return h;
	}
	for (i = 0; key[i]; i++) {
		h ^= (uint8_t)key[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void mask_prefix(struct sw_det_addr *a, uint8_t plen)
{
	uint32_t i;

	for (i = 0; i < 16; i++) {
		if (plen >= 8) {
			plen = (uint8_t)(plen - 8);
			continue;
		}
		a->a[i] &= (uint8_t)(0xff << (8 - plen));
		plen = 0;
	}
}

/* The tuple as text: "ja4|syn signature|user agent", printable only. */
static void fp_key(const struct det_client *c, char *out, size_t cap)
{
	size_t o = 0, i;
	int n;

	n = snprintf(out, cap, "%s|%s|", c->ja4[0] ? c->ja4 : "-",
		     c->syn_sig[0] ? c->syn_sig : "-");
	o = n > 0 && (size_t)n < cap ? (size_t)n : cap - 1;
	if (!c->ua_len && o + 1 < cap)
		out[o++] = '-';
	for (i = 0; i < c->ua_len && o + 1 < cap; i++)
		out[o++] = c->ua[i] >= 0x20 && c->ua[i] < 0x7f ?
				   (char)c->ua[i] :
				   '?';
	out[o] = '\0';
}

static uint32_t group_victim(struct sw_detect *d)
{
	uint32_t best = NIL, i;

	for (i = 0; i < 8; i++) {
		uint32_t gi = d->group_hand;

		d->group_hand = (d->group_hand + 1) % d->n_groups;
		if (d->groups[gi].alert.open)
			continue;
		if (best == NIL ||
		    d->groups[gi].last_ns < d->groups[best].last_ns)
			best = gi;
	}
	return best;
}

static void group_unhash(struct sw_detect *d, uint32_t gi)
{
	uint32_t *pp = &d->group_hash[d->groups[gi].key_hash & d->group_hmask];

	while (*pp != NIL && *pp != gi)
		pp = &d->groups[*pp].hnext;
	if (*pp == gi)
		*pp = d->groups[gi].hnext;
}

void det_group_join(struct sw_detect *d, struct det_client *c, uint32_t ci,
		    int kind)
{
	struct sw_det_addr prefix = c->addr;
	uint8_t plen = 0;
	char key[sizeof(((struct det_group *)0)->key)] = "";
	uint64_t h, now = c->last_ns;
	uint32_t gi, i, stalest = 0;
	struct det_group *g;

	if (kind == GROUP_PREFIX) {
		plen = c->addr.family == SW_FAMILY_IPV4 ?
			       d->cfg.campaign_prefix4 :
			       d->cfg.campaign_prefix6;
		mask_prefix(&prefix, plen);
	} else {
		fp_key(c, key, sizeof(key));
		c->fp_grouped = 1;
	}
	h = group_hash(kind, &prefix, plen, key);
	for (gi = d->group_hash[h & d->group_hmask]; gi != NIL;
	     gi = d->groups[gi].hnext) {
		g = &d->groups[gi];
		if (g->key_hash == h && g->kind == kind &&
		    (kind == GROUP_FP ? strcmp(g->key, key) == 0 :
					(g->prefix_len == plen &&
					 memcmp(&g->prefix, &prefix,
						sizeof(prefix)) == 0)))
			break;
	}
	if (gi == NIL) {
		gi = d->group_free;
		if (gi != NIL) {
			d->group_free = d->groups[gi].hnext;
		} else if (d->groups_used < d->n_groups) {
			gi = d->groups_used++;
		} else {
			gi = group_victim(d);
			if (gi == NIL)
				return;
			group_unhash(d, gi);
		}
		g = &d->groups[gi];
		memset(g, 0, sizeof(*g));
		g->used = 1;
		g->kind = (uint8_t)kind;
		g->key_hash = h;
		g->prefix = prefix;
		g->prefix_len = plen;
		memcpy(g->key, key, sizeof(g->key));
		g->first_ns = g->last_ns = now;
		g->ep_idx[0] = now / EPOCH_NS;
		g->alert.next_open = g->alert.prev_open = NIL;
		g->hnext = d->group_hash[h & d->group_hmask];
		d->group_hash[h & d->group_hmask] = gi;
	}
	g = &d->groups[gi];
	c->groups[kind == GROUP_PREFIX ? 0 : 1] = gi;
	for (i = 0; i < g->n_members; i++) {
		if (memcmp(&g->m[i].addr, &c->addr, sizeof(c->addr)) == 0)
			break;
		if (g->m[i].last_ns < g->m[stalest].last_ns)
			stalest = i;
	}
	if (i == g->n_members) {
		if (g->n_members < GROUP_MEMBERS_MAX)
			g->n_members++;
		else
			i = stalest;
		g->m[i].addr = c->addr;
		g->m[i].first_ns = now;
		g->m[i].participant = 0;
		g->m[i].reported = 0;
	}
	g->m[i].client = ci;
	g->m[i].gen = c->gen;
	g->m[i].last_ns = now;
}

/* This client's member entry in group slot k, or NULL (group reused). */
static struct det_member *member_of(struct sw_detect *d, struct det_client *c,
				    int k)
{
	struct det_group *g;
	uint32_t i;

	if (c->groups[k] == NIL)
		return NULL;
	g = &d->groups[c->groups[k]];
	for (i = 0; i < g->n_members; i++)
		if (memcmp(&g->m[i].addr, &c->addr, sizeof(c->addr)) == 0)
			return &g->m[i];
	c->groups[k] = NIL;
	return NULL;
}

static void group_epoch_roll(struct det_group *g, uint64_t now)
{
	uint64_t e = now / EPOCH_NS;

	if (e == g->ep_idx[0])
		return;
	if (e == g->ep_idx[0] + 1) {
		memcpy(g->paths[1], g->paths[0], sizeof(g->paths[0]));
		g->ep_idx[1] = g->ep_idx[0];
	} else {
		memset(g->paths[1], 0, sizeof(g->paths[1]));
		g->ep_idx[1] = 0;
	}
	memset(g->paths[0], 0, sizeof(g->paths[0]));
	g->ep_idx[0] = e;
}

/* Member k of client c was active at now: its group, or NULL. */
static struct det_group *group_touch(struct sw_detect *d, struct det_client *c,
				     int k, uint64_t now)
{
	struct det_member *m = member_of(d, c, k);
	struct det_group *g;

	if (!m)
		return NULL;
	g = &d->groups[c->groups[k]];
	m->last_ns = now;
	if (now > g->last_ns)
		g->last_ns = now;
	return g;
}

void det_group_turns(struct sw_detect *d, struct det_client *c, uint64_t now)
{
	int k;

	for (k = 0; k < 2; k++)
		group_touch(d, c, k, now);
}

void det_group_path(struct sw_detect *d, struct det_client *c, uint64_t h,
		    uint64_t now)
{
	uint32_t bit = (uint32_t)(h % (BITMAP_WORDS * 32));
	int k;

	for (k = 0; k < 2; k++) {
		struct det_group *g = group_touch(d, c, k, now);

		if (!g)
			continue;
		group_epoch_roll(g, g->last_ns);
		g->paths[0][bit / 32] |= 1u << (bit % 32);
	}
}

/* What makes a member a participant (see group_view). */
#define MEMBER_MIN_DISTINCT 10
/* Hit-and-run members (member_hit_and_run): a brief one's whole session
 * so far is no longer than MEMBER_BRIEF_NS, with at least
 * MEMBER_BRIEF_MIN_TURNS requests at most MEMBER_BRIEF_GAP_NS apart on
 * average; a sparse one made at most MEMBER_SPARSE_MAX_TURNS requests in
 * all. They take part only where at least HIT_AND_RUN_MIN of them were
 * active in the last HIT_AND_RUN_WINDOW_NS. */
#define MEMBER_BRIEF_NS (60 * NS_PER_S)
#define MEMBER_BRIEF_MIN_TURNS 3
#define MEMBER_BRIEF_GAP_NS (10 * NS_PER_S)
#define MEMBER_SPARSE_MAX_TURNS 8
#define HIT_AND_RUN_MIN 5
#define HIT_AND_RUN_WINDOW_NS (600 * NS_PER_S)
#define MEMBER_MIN_BUSY_MIN 4 /* of the 12 bins of the last minute */
#define WIN_BINS 12 /* 60 s */

struct group_view {
	uint32_t n_hist, n_part, n_active, n_auto, shared_fp;
	uint32_t n_unreported; /* participants no alert event listed yet */
	uint16_t part[GROUP_MEMBERS_MAX]; /* their member indices */
	uint32_t turns60, busy60, member_turns_max, member_busy_max;
	uint32_t distinct, member_distinct_max, member_distinct_sum;
	struct sw_det_addr related[GROUP_MEMBERS_MAX];
	struct sw_alert_counters sum;
};

/* Add a client's last minute of request bins to the group's. */
static void add_bins(const struct det_client *c, uint64_t now, uint32_t *turns,
		     uint32_t *busy_out)
{
	uint64_t nb = now / BIN_NS;
	uint32_t i, busy = 0;

	for (i = 0; i < WIN_BINS && i <= nb; i++) {
		uint64_t b = nb - i;
		uint32_t v;

		if (b > c->bin_last || b + NBINS <= c->bin_last)
			continue;
		v = c->bins[b % NBINS].turns;
		turns[i] += v;
		busy += v != 0;
	}
	*busy_out = busy;
}

/*
 * Does this member harvest? Automation (its fingerprint or behaviour)
 * alone is not enough, a media player or a poller is a library too: it
 * must also behave like a harvester, by a client rule of rate, pause or
 * breadth, or by 10 distinct targets. When its requests are hidden (TLS),
 * fetching document-sized responses in at least a third of the last
 * minute's 5 s bins stands in for breadth: no reading pause, too slow to
 * alert alone. A player's segments are larger than documents; a poller
 * seen in clear text asks for the same few targets; a slow poller or one
 * download is idle most of the minute.
 */
static int member_harvests(const struct det_client *c, uint64_t now,
			   uint32_t busy60, uint32_t dist)
{
	uint64_t med;
	uint32_t requests;

	if (!(c->last_mask & AUTOMATION_MASK))
		return 0;
	if ((c->last_mask & HARVEST_MASK) || dist >= MEMBER_MIN_DISTINCT)
		return 1;
	if (busy60 < MEMBER_MIN_BUSY_MIN)
		return 0;
	det_client_shape(c, now, &med, &requests);
	return !requests && med && med <= DOCUMENT_BYTES_MAX;
}

/*
 * Rotation: an address that a program uses for a handful of document-sized
 * fetches and no more, the next address taking over (a residential proxy
 * network, a /64 or a /48 walked address by address). Brief: a few
 * requests seconds apart within a minute. Sparse: a few requests in all,
 * whenever. Alone such a member is nothing, and one or two of them in a
 * group are people's one-off scripts; many in one group are the harvest
 * (HIT_AND_RUN_MIN). Unlike member_harvests() this is no lasting mark: a
 * poller or a script that goes on is brief and sparse no more.
 */
static int member_hit_and_run(const struct det_client *c, uint64_t now)
{
	uint64_t med, span = c->last_ns - c->session_ns;
	uint32_t requests;
	int brief, sparse;

	if (!(c->last_mask & AUTOMATION_MASK) || !c->turns)
		return 0;
	brief = c->turns >= MEMBER_BRIEF_MIN_TURNS && span <= MEMBER_BRIEF_NS &&
		span <= (c->turns - 1) * MEMBER_BRIEF_GAP_NS;
	sparse = c->turns <= MEMBER_SPARSE_MAX_TURNS;
	if (!brief && !sparse)
		return 0;
	det_client_shape(c, now, &med, &requests);
	return med && med <= DOCUMENT_BYTES_MAX;
}

static void group_view(struct sw_detect *d, struct det_group *g, uint64_t now,
		       struct group_view *v)
{
	uint64_t hist = (uint64_t)d->cfg.campaign_history_s * NS_PER_S;
	uint32_t fpg[GROUP_MEMBERS_MAX], fpn[GROUP_MEMBERS_MAX], nfp = 0, i, j;
	uint32_t bins[WIN_BINS] = { 0 };
	const uint32_t *p0 = NULL, *p1 = NULL;
	uint8_t hit[GROUP_MEMBERS_MAX] = { 0 };
	uint32_t n_hit = 0;

	memset(v, 0, sizeof(*v));
	/* Hit-and-run members count only where there are many. */
	for (i = 0; i < g->n_members; i++) {
		struct det_member *m = &g->m[i];
		struct det_client *c = &d->clients[m->client];

		if (m->participant ||
		    m->last_ns + HIT_AND_RUN_WINDOW_NS < now || !c->used ||
		    c->gen != m->gen)
			continue;
		hit[i] = (uint8_t)member_hit_and_run(c, now);
		n_hit += hit[i];
	}
	if (n_hit < HIT_AND_RUN_MIN)
		memset(hit, 0, sizeof(hit));
	for (i = 0; i < g->n_members; i++) {
		struct det_member *m = &g->m[i];
		struct det_client *c;
		struct sw_alert_counters cc;
		uint32_t t, busy, dist, mine[WIN_BINS] = { 0 };

		if (m->last_ns + hist < now)
			continue;
		v->n_hist++;
		c = &d->clients[m->client];
		if (c->used && c->gen == m->gen) {
			add_bins(c, now, mine, &busy);
			dist = det_client_distinct(c, now);
			if (member_harvests(c, now, busy, dist))
				m->participant = 1;
		} else {
			c = NULL; /* state evicted; what it did stays known */
			busy = dist = 0;
		}
		if (!m->participant && !hit[i])
			continue;
		v->n_unreported += !m->reported;
		v->part[v->n_part] = (uint16_t)i;
		v->related[v->n_part++] = m->addr;
		v->n_auto++;
		if (m->last_ns + EPOCH_NS >= now)
			v->n_active++;
		if (!c)
			continue;
		/* The group's minute is its participants' minutes added. */
		for (t = 0, j = 0; j < WIN_BINS; j++) {
			bins[j] += mine[j];
			t += mine[j];
		}
		if (t > v->member_turns_max)
			v->member_turns_max = t;
		if (busy > v->member_busy_max)
			v->member_busy_max = busy;
		v->member_distinct_sum += dist;
		if (dist > v->member_distinct_max)
			v->member_distinct_max = dist;
		det_client_counters(c, now, &cc);
		v->sum.turns += cc.turns;
		v->sum.connections += cc.connections;
		v->sum.down_bytes += cc.down_bytes;
		v->sum.up_bytes += cc.up_bytes;
		v->sum.http_requests += cc.http_requests;
		v->sum.documents += cc.documents;
		v->sum.assets += cc.assets;
		if (cc.session_s > v->sum.session_s)
			v->sum.session_s = cc.session_s;
		/* Participants sharing one fingerprint group. */
		if (c->groups[1] != NIL) {
			for (j = 0; j < nfp && fpg[j] != c->groups[1]; j++)
				;
			if (j == nfp) {
				fpg[nfp] = c->groups[1];
				fpn[nfp++] = 0;
			}
			if (++fpn[j] > v->shared_fp)
				v->shared_fp = fpn[j];
		}
	}
	for (j = 0; j < WIN_BINS; j++) {
		v->turns60 += bins[j];
		v->busy60 += bins[j] != 0;
	}
	if (g->kind == GROUP_FP)
		v->shared_fp = v->n_part;
	if (g->ep_idx[0] + 1 >= now / EPOCH_NS)
		p0 = g->paths[0];
	if (g->ep_idx[1] && g->ep_idx[1] + 1 >= now / EPOCH_NS)
		p1 = g->paths[1];
	if (p0 || p1)
		v->distinct = (uint32_t)(det_bitmap_estimate(p0 ? p0 : p1,
							     p0 ? p1 : NULL) +
					 0.5);
	v->sum.distinct_paths = v->distinct;
	v->sum.turns_per_min = v->turns60;
}

static void reason(struct sw_detect *d, int r, double observed,
		   double member_max, int has_max, struct sw_reason *out,
		   uint32_t *n, double *score)
{
	struct sw_reason *x = &out[(*n)++];

	memset(x, 0, sizeof(*x));
	x->id = det_rule_id(r);
	x->name = det_rule_name(r);
	x->observed = observed;
	x->threshold = d->rules[r].threshold;
	x->window_s = det_rule_window(r);
	x->points = d->rules[r].points;
	x->member_max = member_max;
	x->has_member_max = (uint8_t)has_max;
	*score += d->rules[r].points;
}

/* Score a group; 0 unless its members show automation (the gate). */
static uint32_t group_score(struct sw_detect *d, const struct group_view *v,
			    struct sw_reason *out, uint32_t *n)
{
	const struct det_rule *R = d->rules;
	double score = 0, overlap;

	*n = 0;
	if (v->n_part < d->cfg.campaign_min_members ||
	    !R[C_AUTOMATION].enabled || v->n_auto < R[C_AUTOMATION].threshold)
		return 0;
	reason(d, C_AUTOMATION, v->n_auto, 0, 0, out, n, &score);
	if (R[C_RATE].enabled && v->turns60 >= R[C_RATE].threshold &&
	    v->busy60 >= 10)
		reason(d, C_RATE, v->turns60, v->member_turns_max, 1, out, n,
		       &score);
	/* Disjoint slices: the union nearly equals the sum. Visitors of a
	 * popular site overlap on its popular pages. */
	overlap = v->member_distinct_sum ?
			  1.0 - (double)v->distinct / v->member_distinct_sum :
			  1.0;
	if (R[C_BREADTH].enabled && v->distinct >= R[C_BREADTH].threshold &&
	    overlap <= 0.25)
		reason(d, C_BREADTH, v->distinct, v->member_distinct_max, 1,
		       out, n, &score);
	if (R[C_SHARED_FP].enabled && v->shared_fp >= R[C_SHARED_FP].threshold)
		reason(d, C_SHARED_FP, v->shared_fp, 0, 0, out, n, &score);
	/* Together they leave no 5 s bin of the minute without a request,
	 * which none of them does alone: no think time across the group. */
	if (R[C_NO_PAUSE].enabled &&
	    (double)v->busy60 / WIN_BINS >= R[C_NO_PAUSE].threshold)
		reason(d, C_NO_PAUSE, (double)v->busy60 / WIN_BINS,
		       (double)v->member_busy_max / WIN_BINS, 1, out, n,
		       &score);
	if (score > 100)
		score = 100;
	return (uint32_t)(score + 0.5);
}

static void group_emit(struct sw_detect *d, uint32_t gi, int action,
		       uint64_t ts, const char *why)
{
	struct det_group *g = &d->groups[gi];
	struct sw_reason reasons[SW_REASONS_MAX];
	struct group_view v;
	struct sw_alert a;
	uint32_t n;
	uint64_t at = action == SW_ACTION_END ? g->last_ns : ts;

	group_view(d, g, at, &v);
	memset(&a, 0, sizeof(a));
	a.kind = g->kind == GROUP_PREFIX ? SW_ALERT_CAMPAIGN_PREFIX :
					   SW_ALERT_CAMPAIGN_FP;
	a.action = (uint8_t)action;
	a.ts_ns = ts;
	a.start_ns = g->alert.start_ns;
	a.alert_seq = g->alert.seq;
	a.score = group_score(d, &v, reasons, &n);
	if (a.score < g->alert.max_score &&
	    (action == SW_ACTION_END || a.score < d->cfg.alert_score))
		a.score = g->alert.max_score;
	if (g->kind == GROUP_PREFIX) {
		a.rule_id = "SW-S002";
		a.rule_name = "scraping campaign from one address prefix";
		a.prefix = g->prefix;
		a.prefix_len = g->prefix_len;
	} else {
		a.rule_id = "SW-S003";
		a.rule_name = "scraping campaign sharing one fingerprint";
		a.group_key = g->key;
	}
	a.n_related = v.n_part;
	a.members_seen = v.n_hist;
	a.related = v.related;
	a.members_active = v.n_active;
	a.n_reasons = n;
	a.reasons = reasons;
	a.counters = v.sum;
	a.end_reason = why;
	if (d->emit)
		d->emit(&a, d->ctx);
	for (n = 0; n < v.n_part; n++)
		g->m[v.part[n]].reported = 1;
	g->alert.last_emit_ns = ts;
	g->alert.emitted_score = a.score;
	g->alert.active_since_emit = 0;
}

void det_group_end(struct sw_detect *d, uint32_t gi, uint64_t now,
		   const char *why)
{
	struct det_group *g = &d->groups[gi];

	if (!g->alert.open)
		return;
	group_emit(d, gi, SW_ACTION_END, now, why);
	det_alert_close(d, &g->alert);
}

void det_group_eval(struct sw_detect *d, uint32_t gi, uint64_t now)
{
	struct det_group *g = &d->groups[gi];
	struct sw_reason reasons[SW_REASONS_MAX];
	struct det_alert *a = &g->alert;
	struct group_view v;
	uint32_t n, score;

	if (g->last_eval_ns && now < g->last_eval_ns + GROUP_EVAL_NS)
		return;
	g->last_eval_ns = now;
	group_view(d, g, now, &v);
	score = group_score(d, &v, reasons, &n);
	g->last_score = score;
	if (!a->open) {
		if (score >= d->cfg.alert_score) {
			det_alert_open(d, gi | GROUP_BIT, a, now, score);
			d->stats.campaigns_started++;
			group_emit(d, gi, SW_ACTION_START, now, NULL);
		}
		return;
	}
	if (score > a->max_score)
		a->max_score = score;
	/* Every update_interval; sooner when members joined that no event
	 * listed yet, so that rotating addresses are told as they come. */
	if (now - a->last_emit_ns >=
		    (uint64_t)d->cfg.update_interval_s * NS_PER_S ||
	    (v.n_unreported && now - a->last_emit_ns >= MEMBER_UPDATE_NS)) {
		d->stats.alert_updates++;
		group_emit(d, gi, SW_ACTION_UPDATE, now, NULL);
	}
}
