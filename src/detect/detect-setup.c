// SPDX-License-Identifier: BSD-2-Clause
/*
 * The detector's creation, reconfiguration (SIGHUP) and release (see
 * detect.h). Three fixed tables sized from the config at start: clients
 * with full state, the flows of those clients (for per-flow deltas), and
 * campaign groups, behind a Space-Saving sketch. Nothing is allocated
 * after start, so memory stays what sw_detect_new() accounted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect-int.h"

/* ---- setup -------------------------------------------------------------- */

static uint32_t pow2_at_least(uint64_t n)
{
	uint32_t p = 16;

	while (p < n && p < (1u << 30))
		p <<= 1;
	return p;
}

static size_t plan_bytes(uint32_t clients, uint32_t sketch, uint32_t *groups)
{
	uint64_t flows = (uint64_t)clients * FLOWS_PER_CLIENT;

	*groups = clients / 16 > 64 ? clients / 16 : 64;
	return sizeof(struct sw_detect) + sw_sketch_bytes(sketch) +
	       (size_t)clients * sizeof(struct det_client) +
	       (size_t)pow2_at_least((uint64_t)clients * 2) * sizeof(uint32_t) +
	       (size_t)flows * sizeof(struct det_flow) +
	       (size_t)pow2_at_least(flows * 2) * sizeof(uint32_t) +
	       (size_t)*groups * sizeof(struct det_group) +
	       (size_t)pow2_at_least((uint64_t)*groups * 2) * sizeof(uint32_t);
}

size_t sw_detect_fixed_bytes(uint32_t sketch_capacity)
{
	uint32_t groups;

	return plan_bytes(16, sketch_capacity, &groups);
}

static void *dup_array(const void *p, size_t n, size_t size, int *fail)
{
	void *q;

	if (!n)
		return NULL;
	q = malloc(n * size);
	if (!q) {
		*fail = 1;
		return NULL;
	}
	memcpy(q, p, n * size);
	return q;
}

static uint32_t *new_index(uint32_t slots)
{
	uint32_t *h = malloc((size_t)slots * sizeof(*h));

	if (h)
		memset(h, 0xff, (size_t)slots * sizeof(*h));
	return h;
}

struct sw_detect *sw_detect_new(const struct sw_detect_cfg *cfg,
				sw_alert_fn emit, void *ctx, char *err,
				size_t errlen)
{
	struct sw_detect *d;
	uint32_t clients = cfg->client_capacity, groups;
	size_t need;
	int fail = 0, rc;

	if (!clients || !cfg->sketch_capacity) {
		snprintf(err, errlen,
			 "detect: client_capacity and sketch_capacity must "
			 "be at least 1");
		errno = EINVAL;
		return NULL;
	}
	if (cfg->campaign_prefix4 > 32 || cfg->campaign_prefix6 > 128) {
		snprintf(err, errlen,
			 "detect: campaign prefix lengths must be at most "
			 "32 (IPv4) and 128 (IPv6)");
		errno = EINVAL;
		return NULL;
	}
	/* Fit the cap: fewer clients rather than more memory. */
	need = plan_bytes(clients, cfg->sketch_capacity, &groups);
	while (need > cfg->memory_cap_bytes && clients > 16) {
		clients = clients * 3 / 4;
		need = plan_bytes(clients, cfg->sketch_capacity, &groups);
	}
	if (need > cfg->memory_cap_bytes) {
		snprintf(err, errlen,
			 "detect: memory_cap_bytes %llu is too small for the "
			 "sketch of %u counters and 16 clients (%zu bytes)",
			 (unsigned long long)cfg->memory_cap_bytes,
			 cfg->sketch_capacity, need);
		errno = EINVAL;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		goto nomem;
	rc = det_rules_init(d, cfg, err, errlen);
	if (rc) {
		free(d);
		errno = -rc;
		return NULL;
	}
	d->cfg = *cfg;
	d->cfg.client_capacity = clients;
	if (!d->cfg.admit_events)
		d->cfg.admit_events = 1;
	d->emit = emit;
	d->ctx = ctx;
	d->exempt_nets = dup_array(cfg->exempt_nets, cfg->n_exempt_nets,
				   sizeof(*cfg->exempt_nets), &fail);
	d->exempt_fps = dup_array(cfg->exempt_fps, cfg->n_exempt_fps,
				  sizeof(*cfg->exempt_fps), &fail);
	d->services = dup_array(cfg->services, cfg->n_services,
				sizeof(*cfg->services), &fail);
	d->snis = dup_array(cfg->snis, cfg->n_snis, sizeof(*cfg->snis), &fail);
	d->cfg.rules = NULL;
	d->cfg.n_rules = 0;

	d->sketch = sw_sketch_new(cfg->sketch_capacity);
	d->n_clients = clients;
	d->clients = calloc(clients, sizeof(*d->clients));
	d->client_hmask = pow2_at_least((uint64_t)clients * 2) - 1;
	d->client_hash = new_index(d->client_hmask + 1);
	d->n_flows = clients * FLOWS_PER_CLIENT;
	d->flows = calloc(d->n_flows, sizeof(*d->flows));
	d->flow_hmask = pow2_at_least((uint64_t)d->n_flows * 2) - 1;
	d->flow_hash = new_index(d->flow_hmask + 1);
	d->n_groups = groups;
	d->groups = calloc(groups, sizeof(*d->groups));
	d->group_hmask = pow2_at_least((uint64_t)groups * 2) - 1;
	d->group_hash = new_index(d->group_hmask + 1);
	if (fail || !d->sketch || !d->clients || !d->client_hash || !d->flows ||
	    !d->flow_hash || !d->groups || !d->group_hash) {
		sw_detect_free(d);
		goto nomem;
	}
	/* Slots are handed out in order (n_*_used), then recycled through
	 * the free lists: untouched slots never cost resident memory. */
	d->client_free = d->flow_free = d->group_free = NIL;
	d->open_head = NIL;
	d->stats.client_capacity = clients;
	d->stats.flow_capacity = d->n_flows;
	d->stats.group_capacity = groups;
	d->stats.memory_bytes = need;
	d->stats.memory_cap_bytes = cfg->memory_cap_bytes;
	return d;
nomem:
	snprintf(err, errlen, "detect: allocating %zu bytes of tables: %s",
		 need, strerror(ENOMEM));
	errno = ENOMEM;
	return NULL;
}

int sw_detect_reconfigure(struct sw_detect *d, const struct sw_detect_cfg *cfg,
			  char *err, size_t errlen)
{
	struct sw_detect *tmp = calloc(1, sizeof(*tmp));
	struct sw_detect_cfg keep = d->cfg;
	int fail = 0, rc, kept = 0;
	uint32_t i;

	if (!tmp) {
		snprintf(err, errlen, "detect: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	rc = det_rules_init(tmp, cfg, err, errlen);
	if (rc)
		goto out;
	tmp->exempt_nets = dup_array(cfg->exempt_nets, cfg->n_exempt_nets,
				     sizeof(*cfg->exempt_nets), &fail);
	tmp->exempt_fps = dup_array(cfg->exempt_fps, cfg->n_exempt_fps,
				    sizeof(*cfg->exempt_fps), &fail);
	tmp->services = dup_array(cfg->services, cfg->n_services,
				  sizeof(*cfg->services), &fail);
	tmp->snis =
		dup_array(cfg->snis, cfg->n_snis, sizeof(*cfg->snis), &fail);
	if (fail) {
		snprintf(err, errlen, "detect: %s", strerror(ENOMEM));
		rc = -ENOMEM;
		goto out;
	}
	err[0] = 0;
	/* The sizes of the tables and the grouping hold the state. */
	if (cfg->sketch_capacity != keep.sketch_capacity ||
	    cfg->memory_cap_bytes != d->stats.memory_cap_bytes ||
	    cfg->campaign_prefix4 != keep.campaign_prefix4 ||
	    cfg->campaign_prefix6 != keep.campaign_prefix6 ||
	    (cfg->client_capacity != keep.client_capacity &&
	     cfg->client_capacity != d->n_clients)) {
		snprintf(err, errlen,
			 "detect: client_capacity, sketch_capacity, "
			 "memory_cap_bytes and campaign_prefix4/6 keep their "
			 "values until a restart");
		kept = 1;
	}
	memcpy(d->rules, tmp->rules, sizeof(d->rules));
	d->cfg = *cfg;
	d->cfg.client_capacity = keep.client_capacity;
	d->cfg.sketch_capacity = keep.sketch_capacity;
	d->cfg.memory_cap_bytes = keep.memory_cap_bytes;
	d->cfg.campaign_prefix4 = keep.campaign_prefix4;
	d->cfg.campaign_prefix6 = keep.campaign_prefix6;
	if (!d->cfg.admit_events)
		d->cfg.admit_events = 1;
	d->cfg.rules = NULL;
	d->cfg.n_rules = 0;
#define SWAP_ARRAY(f)                    \
	do {                             \
		void *o_ = (void *)d->f; \
		d->f = tmp->f;           \
		tmp->f = o_;             \
	} while (0)
	SWAP_ARRAY(exempt_nets);
	SWAP_ARRAY(exempt_fps);
	SWAP_ARRAY(services);
	SWAP_ARRAY(snis);
#undef SWAP_ARRAY
	for (i = 0; i < d->clients_used && i < d->n_clients; i++) {
		struct det_client *c = &d->clients[i];
		uint8_t ex;

		if (!c->used)
			continue;
		ex = (uint8_t)det_client_exempt_net(d, &c->addr);
		if (ex && !c->exempt)
			d->stats.clients_exempt++;
		c->exempt = ex;
	}
	rc = kept;
out:
	free(tmp->exempt_nets);
	free(tmp->exempt_fps);
	free(tmp->services);
	free(tmp->snis);
	free(tmp);
	return rc;
}

void sw_detect_free(struct sw_detect *d)
{
	if (!d)
		return;
	sw_sketch_free(d->sketch);
	free(d->clients);
	free(d->client_hash);
	free(d->flows);
	free(d->flow_hash);
	free(d->groups);
	free(d->group_hash);
	free(d->exempt_nets);
	free(d->exempt_fps);
	free(d->services);
	free(d->snis);
	free(d);
}

const struct sw_detect_stats *sw_detect_stats(const struct sw_detect *d)
{
	struct sw_detect_stats *s = (struct sw_detect_stats *)&d->stats;

	s->sketch_events = sw_sketch_events(d->sketch);
	s->sketch_replacements = sw_sketch_replacements(d->sketch);
	return s;
}

uint64_t sw_detect_path_hash(const uint8_t *path, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len && path[i] != '#'; i++) {
		h ^= path[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
