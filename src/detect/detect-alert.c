// SPDX-License-Identifier: BSD-2-Clause
/*
 * The lifecycle of a client's alert (see detect.h): an evaluation that
 * reaches alert_score starts one, later evaluations update it at most every
 * update_interval_s, and quiet (end_after_s without activity), an exemption
 * or the end of input ends it. Each step leaves as a struct sw_alert
 * through the detector's callback. Packet time drives it: every event
 * advances the clock, and a sweep once a second ends quiet alerts (client
 * and campaign) and updates the active ones.
 */
#include <string.h>

#include "detect-int.h"

/* ---- emitting ----------------------------------------------------------- */

static void client_emit(struct sw_detect *d, uint32_t ci, int action,
			uint64_t ts, const char *why)
{
	struct det_client *c = &d->clients[ci];
	struct sw_reason reasons[SW_REASONS_MAX];
	struct sw_alert a;
	uint32_t n, mask;
	/* An end describes the activity as it last was. */
	uint64_t at = action == SW_ACTION_END ? c->last_ns : ts;

	memset(&a, 0, sizeof(a));
	a.kind = SW_ALERT_CLIENT;
	a.action = (uint8_t)action;
	a.ts_ns = ts;
	a.start_ns = c->alert.start_ns;
	a.alert_seq = c->alert.seq;
	a.score = det_client_score(d, c, at, reasons, &n, &mask);
	if (action == SW_ACTION_END && a.score < c->alert.max_score)
		a.score = c->alert.max_score;
	a.rule_id = "SW-S001";
	a.rule_name = "bulk scraping by one client";
	a.source = c->addr;
	a.hosts = c->hosts;
	a.n_related = 1;
	a.related = &c->addr;
	a.dest.family = c->dest_family;
	memcpy(a.dest.a, c->dest, 16);
	a.dest_port = c->dest_port;
	a.transport = c->transport;
	a.ja3 = (const char *)c->ja3;
	a.ja4 = c->ja4;
	a.sni = c->sni;
	a.sni_len = c->sni_len;
	a.ua = c->ua;
	a.ua_len = c->ua_len;
	a.syn_sig = c->syn_sig;
	a.os_class = c->os_class;
	a.n_reasons = n;
	a.reasons = reasons;
	det_client_counters(c, at, &a.counters);
	a.end_reason = why;
	if (d->emit)
		d->emit(&a, d->ctx);
	c->alert.last_emit_ns = ts;
	c->alert.emitted_score = a.score;
	c->alert.emitted_mask = mask;
	c->alert.active_since_emit = 0;
}

void det_client_end(struct sw_detect *d, uint32_t ci, uint64_t ts,
		    const char *why)
{
	struct det_client *c = &d->clients[ci];

	if (!c->alert.open)
		return;
	client_emit(d, ci, SW_ACTION_END, ts, why);
	det_alert_close(d, &c->alert);
}

void det_client_eval(struct sw_detect *d, uint32_t ci, uint64_t now)
{
	struct det_client *c = &d->clients[ci];
	struct sw_reason reasons[SW_REASONS_MAX];
	struct det_alert *a = &c->alert;
	uint32_t n, mask, score, g;

	if (c->exempt)
		return;
	c->last_eval_ns = now;
	score = det_client_score(d, c, now, reasons, &n, &mask);
	c->last_score = score;
	c->last_mask = mask;
	if (!a->open) {
		if (score >= d->cfg.alert_score) {
			det_alert_open(d, ci, a, now, score);
			client_emit(d, ci, SW_ACTION_START, now, NULL);
		}
	} else {
		a->active_since_emit = 1;
		if (score > a->max_score)
			a->max_score = score;
		if (now - a->last_emit_ns >=
		    (uint64_t)d->cfg.update_interval_s * NS_PER_S) {
			d->stats.alert_updates++;
			client_emit(d, ci, SW_ACTION_UPDATE, now, NULL);
		}
	}
	for (g = 0; g < 2; g++)
		if (c->groups[g] != NIL)
			det_group_eval(d, c->groups[g], now);
}

/* ---- time --------------------------------------------------------------- */

/* Not inlined: sw_detect_advance() runs on every packet and mostly returns
 * at once, without the registers a sweep needs saved. */
static __attribute__((noinline)) void sweep(struct sw_detect *d, uint64_t now)
{
	uint64_t quiet = (uint64_t)d->cfg.end_after_s * NS_PER_S;
	uint32_t id = d->open_head;

	while (id != NIL) {
		struct det_alert *a = det_open_alert(d, id);
		uint32_t next = a->next_open;

		if (id & GROUP_BIT) {
			struct det_group *g = &d->groups[id & ~GROUP_BIT];

			if (now >= g->last_ns + quiet)
				det_group_end(d, id & ~GROUP_BIT, now, "quiet");
		} else {
			struct det_client *c = &d->clients[id];

			if (now >= c->last_ns + quiet)
				det_client_end(d, id, now, "quiet");
			else if (a->active_since_emit &&
				 now - a->last_emit_ns >=
					 (uint64_t)d->cfg.update_interval_s *
						 NS_PER_S &&
				 now - c->last_eval_ns < EVAL_NS * 10)
				det_client_eval(d, id, now);
		}
		id = next;
	}
	d->last_sweep_ns = now;
}

void sw_detect_advance(struct sw_detect *d, uint64_t ts)
{
	if (ts <= d->now_ns)
		return;
	d->now_ns = ts;
	if (ts - d->last_sweep_ns >= SWEEP_NS)
		sweep(d, ts);
}

void sw_detect_finish(struct sw_detect *d)
{
	uint32_t id;

	while ((id = d->open_head) != NIL) {
		if (id & GROUP_BIT)
			det_group_end(d, id & ~GROUP_BIT, d->now_ns,
				      "end_of_input");
		else
			det_client_end(d, id, d->now_ns, "end_of_input");
	}
}
