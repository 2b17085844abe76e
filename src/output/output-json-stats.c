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

static void add_counts(cJSON *parent, const char *name, const uint64_t *v,
		       int n, const char *(*namer)(int))
{
	cJSON *o = cJSON_AddObjectToObject(parent, name);
	int r;

	for (r = 0; r < n; r++)
		if (v[r])
			cJSON_AddNumberToObject(o, namer(r), (double)v[r]);
}

static void add_heads(cJSON *s, const struct sw_heads_stats *hs)
{
	cJSON *o = cJSON_AddObjectToObject(s, "heads");

	add_counts(o, "tls", hs->tls, SW_TLS_REASON_MAX, sw_tls_reason_name);
	add_counts(o, "http", hs->http, SW_HTTP_REASON_MAX,
		   sw_http_reason_name);
	add_counts(o, "quic", hs->quic, SW_QUIC_REASON_MAX,
		   sw_quic_reason_name);
	cJSON_AddNumberToObject(o, "syn_signatures",
				(double)hs->syn_signatures);
	cJSON_AddNumberToObject(o, "records_max", (double)hs->records_max);
	cJSON_AddNumberToObject(o, "alloc_failures",
				(double)hs->alloc_failures);
}

cJSON *sw_json_stats(const struct sw_stats *st,
		     const struct sw_flow_table *flows,
		     const struct sw_heads *heads)
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
	add_heads(s, sw_heads_stats(heads));
	return rec;
}
