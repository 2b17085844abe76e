// SPDX-License-Identifier: BSD-2-Clause
/*
 * The statistics record (event.dataset scrapewatch.stats): packets, bytes,
 * frames skipped and malformed by named reason, and the flow table's
 * counters and memory.
 */
#include "output.h"
#include "pipeline.h"

static void add_reasons(cJSON *parent, const char *name, const uint64_t *v,
			int errors)
{
	cJSON *o = cJSON_AddObjectToObject(parent, name);
	int r;

	for (r = 1; r < SW_DR_MAX; r++)
		if (v[r] && sw_decode_reason_is_error(r) == errors)
			cJSON_AddNumberToObject(o, sw_decode_reason_name(r),
						(double)v[r]);
}

cJSON *sw_json_stats(const struct sw_stats *st,
		     const struct sw_flow_table *flows)
{
	const struct sw_flow_table_stats *fs = sw_flow_table_stats(flows);
	cJSON *rec, *o, *s, *fo;
	char ts[40];

	rec = cJSON_CreateObject();
	if (!rec)
		return NULL;
	sw_format_time(st->last_ns, ts, sizeof(ts));
	cJSON_AddStringToObject(rec, "@timestamp", ts);
	o = cJSON_AddObjectToObject(rec, "event");
	cJSON_AddStringToObject(o, "kind", "event");
	cJSON_AddStringToObject(o, "dataset", "scrapewatch.stats");

	s = cJSON_AddObjectToObject(cJSON_AddObjectToObject(rec, "scrapewatch"),
				    "stats");
	cJSON_AddNumberToObject(s, "files", (double)st->files);
	cJSON_AddNumberToObject(s, "read_errors", (double)st->read_errors);
	cJSON_AddNumberToObject(s, "packets", (double)st->packets);
	cJSON_AddNumberToObject(s, "bytes", (double)st->bytes);
	cJSON_AddNumberToObject(s, "decoded", (double)st->decoded);
	cJSON_AddNumberToObject(s, "fragments", (double)st->fragments);
	add_reasons(s, "skipped", st->reasons, 0);
	add_reasons(s, "decode_errors", st->reasons, 1);
	add_reasons(s, "anomalies", st->anomalies, 1);

	fo = cJSON_AddObjectToObject(s, "flows");
	cJSON_AddNumberToObject(fo, "created", (double)fs->created);
	cJSON_AddNumberToObject(fo, "ended", (double)fs->ended);
	cJSON_AddNumberToObject(fo, "evicted", (double)fs->evicted);
	cJSON_AddNumberToObject(fo, "reused", (double)fs->reused);
	cJSON_AddNumberToObject(fo, "active", (double)fs->active);
	cJSON_AddNumberToObject(fo, "active_max", (double)fs->active_max);
	cJSON_AddNumberToObject(fo, "capacity", sw_flow_table_capacity(flows));
	cJSON_AddNumberToObject(fo, "entry_bytes", sizeof(struct sw_flow));
	cJSON_AddNumberToObject(fo, "table_bytes",
				(double)sw_flow_table_bytes(flows));
	return rec;
}
