// SPDX-License-Identifier: BSD-2-Clause
/*
 * The engine's final statistics record: the shards' counters summed
 * member by member, the merge of their detector events, and what the
 * capture backend counted (engine.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

void sw_engine_stats_add(struct sw_stats *d, const struct sw_stats *s)
{
	unsigned i;

	d->packets += s->packets;
	d->bytes += s->bytes;
	d->decoded += s->decoded;
	for (i = 0; i < SW_DR_MAX; i++) {
		d->reasons[i] += s->reasons[i];
		d->anomalies[i] += s->anomalies[i];
	}
	d->fragments += s->fragments;
	d->files += s->files;
	d->read_errors += s->read_errors;
	if (s->first_ns && (!d->first_ns || s->first_ns < d->first_ns))
		d->first_ns = s->first_ns;
	if (s->last_ns > d->last_ns)
		d->last_ns = s->last_ns;
}

static int json_count(const cJSON *it, uint64_t *v)
{
	char *end;

	if (cJSON_IsRaw(it) && it->valuestring) {
		errno = 0;
		*v = strtoull(it->valuestring, &end, 10);
		return errno == 0 && *end == '\0' && end != it->valuestring;
	}
	if (cJSON_IsNumber(it) && it->valuedouble >= 0) {
		*v = (uint64_t)it->valuedouble;
		return 1;
	}
	return 0;
}

/* Add every count of src into dst, member by member: the shards' flow
 * table and heads counters summed (capacities add up; "_max" figures
 * become an upper bound). */
static void json_sum(cJSON *dst, const cJSON *src)
{
	const cJSON *s;
	uint64_t a, b;

	cJSON_ArrayForEach(s, src)
	{
		cJSON *d;

		/* A per-entry size is the same in every shard. */
		if (!s->string || !strcmp(s->string, "entry_bytes"))
			continue;
		d = cJSON_GetObjectItemCaseSensitive(dst, s->string);
		if (!d) {
			cJSON_AddItemToObject(dst, s->string,
					      cJSON_Duplicate(s, 1));
		} else if (cJSON_IsObject(d) && cJSON_IsObject(s)) {
			json_sum(d, s);
		} else if (json_count(d, &a) && json_count(s, &b)) {
			/* Replaced in place, so the record keeps its order. */
			cJSON *tmp = cJSON_CreateObject(), *sum;

			if (!tmp)
				continue;
			sw_json_add_count(tmp, s->string, a + b);
			sum = cJSON_DetachItemFromObjectCaseSensitive(
				tmp, s->string);
			if (sum)
				cJSON_ReplaceItemViaPointer(dst, d, sum);
			cJSON_Delete(tmp);
		}
	}
}

cJSON *sw_engine_stats_path(cJSON *rec)
{
	return cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(rec, "scrapewatch"), "stats");
}

static cJSON *capture_json(const struct sw_capture_stats *cs)
{
	cJSON *o = cJSON_CreateObject(), *qs, *q, *port;
	unsigned i;

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "backend", cs->backend ? cs->backend : "");
	cJSON_AddStringToObject(o, "sharding",
				cs->sharding ? cs->sharding : "none");
	sw_json_add_count(o, "workers", cs->nqueues);
	port = cJSON_AddObjectToObject(o, "port");
	if (port) {
		sw_json_add_count(port, "packets", cs->port_packets);
		sw_json_add_count(port, "missed", cs->port_missed);
		sw_json_add_count(port, "errors", cs->port_errors);
		sw_json_add_count(port, "nombuf", cs->nombuf);
	}
	qs = cJSON_AddArrayToObject(o, "queues");
	for (i = 0; qs && i < cs->nqueues && i < SW_CAPTURE_QUEUES_MAX; i++) {
		const struct sw_capture_queue_stats *s = &cs->q[i];

		q = cJSON_CreateObject();
		if (!q)
			break;
		sw_json_add_count(q, "queue", i);
		sw_json_add_count(q, "packets", s->packets);
		sw_json_add_count(q, "bytes", s->bytes);
		sw_json_add_count(q, "missed", s->missed);
		sw_json_add_count(q, "errors", s->errors);
		sw_json_add_count(q, "ring_full", s->ring_full);
		sw_json_add_count(q, "fill_empty", s->fill_empty);
		sw_json_add_count(q, "invalid", s->invalid);
		cJSON_AddItemToArray(qs, q);
	}
	return o;
}

/* The merge of the shards' detector events: detect.merge. */
static void merge_json(cJSON *detect, const struct sw_detect_merge *m,
		       struct sw_detq *const *qs, unsigned n)
{
	struct sw_detect_merge_stats ms;
	struct sw_detq_stats dq;
	uint64_t dropped = 0, waits = 0;
	cJSON *o, *d;
	unsigned i;

	if (!detect)
		return;
	sw_detect_merge_stats(m, &ms);
	for (i = 0; i < n; i++) {
		sw_detq_stats(qs[i], &dq);
		dropped += dq.dropped;
		waits += dq.waits;
	}
	o = cJSON_AddObjectToObject(detect, "merge");
	if (!o)
		return;
	sw_json_add_count(o, "workers", ms.queues);
	sw_json_add_count(o, "queue_bytes", ms.queue_bytes);
	sw_json_add_count(o, "records", ms.records);
	sw_json_add_count(o, "stalls", ms.stalls);
	sw_json_add_count(o, "waits", waits);
	d = cJSON_AddObjectToObject(o, "dropped");
	if (d)
		sw_json_add_count(d, "queue_full", dropped);
}

void sw_engine_stats_sum(struct sw_stats *d, struct sw_pipeline *const *pls,
			 unsigned n)
{
	unsigned i;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < n; i++)
		sw_engine_stats_add(d, &pls[i]->stats);
}

/* Add the flow table, heads and detector counters of the other shards
 * into the first's. */
static void parts_sum(cJSON *st, struct sw_pipeline *const *pls, unsigned n)
{
	static const char *const parts[] = { "flows", "heads", "detect" };
	cJSON *part;
	unsigned i, k;

	for (i = 1; i < n; i++) {
		part = sw_json_stats(&pls[i]->stats, pls[i]->flows,
				     pls[i]->heads, pls[i]->det);
		if (!part)
			continue;
		for (k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
			cJSON *d =
				cJSON_GetObjectItemCaseSensitive(st, parts[k]);
			cJSON *s = cJSON_GetObjectItemCaseSensitive(
				sw_engine_stats_path(part), parts[k]);

			if (d && s)
				json_sum(d, s);
		}
		cJSON_Delete(part);
	}
}

cJSON *sw_engine_stats_record(struct sw_pipeline *const *pls, unsigned n,
			      struct sw_source *src,
			      const struct sw_detect *det,
			      const struct sw_detect_merge *m,
			      struct sw_detq *const *qs)
{
	struct sw_capture_stats cs;
	struct sw_stats all;
	cJSON *rec, *st;

	/* One shard: its counters as they are (the XDP program's too). */
	if (n == 1)
		all = pls[0]->stats;
	else
		sw_engine_stats_sum(&all, pls, n);
	rec = sw_json_stats(&all, pls[0]->flows, pls[0]->heads,
			    det ? det : pls[0]->det);
	st = sw_engine_stats_path(rec);
	if (st)
		parts_sum(st, pls, n);
	if (st && m)
		merge_json(cJSON_GetObjectItemCaseSensitive(st, "detect"), m,
			   qs, n);
	if (st && src->ops->stats) {
		memset(&cs, 0, sizeof(cs));
		src->ops->stats(src, &cs);
		cJSON_AddItemToObject(st, "capture", capture_json(&cs));
	}
	return rec;
}
