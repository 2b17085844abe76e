// SPDX-License-Identifier: BSD-2-Clause
/*
 * The statistics record (event.dataset scrapewatch.stats): packets, bytes,
 * frames skipped and malformed by named reason, and the flow table's
 * counters and memory; with --through-xdp, the XDP program's counters.
 */
#include "output.h"
#include "base/stats.h"
#include "scrapewatch/xdp_kern_user.h"

static void add_reasons(cJSON *parent, const char *name, const uint64_t *v,
			int errors)
{
	cJSON *o = cJSON_AddObjectToObject(parent, name);
	int r;

	for (r = 1; r < SW_DR_MAX; r++)
		if (v[r] && sw_decode_reason_is_error(r) == errors)
			sw_json_add_count(o, sw_decode_reason_name(r), v[r]);
}

static void add_counts(cJSON *parent, const char *name, const uint64_t *v,
		       int n, const char *(*namer)(int))
{
	cJSON *o = cJSON_AddObjectToObject(parent, name);
	int r;

	for (r = 0; r < n; r++)
		if (v[r])
			sw_json_add_count(o, namer(r), v[r]);
}

static void add_heads(cJSON *s, const struct sw_heads_stats *hs)
{
	cJSON *o = cJSON_AddObjectToObject(s, "heads");

	add_counts(o, "tls", hs->tls, SW_TLS_REASON_MAX, sw_tls_reason_name);
	add_counts(o, "http", hs->http, SW_HTTP_REASON_MAX,
		   sw_http_reason_name);
	add_counts(o, "quic", hs->quic, SW_QUIC_REASON_MAX,
		   sw_quic_reason_name);
	sw_json_add_count(o, "syn_signatures", hs->syn_signatures);
	sw_json_add_count(o, "records_max", hs->records_max);
	sw_json_add_count(o, "alloc_failures", hs->alloc_failures);
}

/* A detector counter with a key in the record (detect/detect-counters.h). */
#define ADD_DETECT_COUNTER(field, ctype, key, metric, type, help) \
	if (key[0])                                               \
		sw_json_add_count(o, key, d->field);

/* The detector's counters, in the order of their table. */
static void add_detect(cJSON *s, const struct sw_detect_stats *d)
{
	cJSON *o = cJSON_AddObjectToObject(s, "detect");

	SW_DETECT_COUNTERS(ADD_DETECT_COUNTER)
}

/* The XDP program's own counters, when it did the accounting. */
static void add_xdp(cJSON *s, const struct sw_stats *st)
{
	const struct sw_xdp_stats *x = st->xdp;
	cJSON *o = cJSON_AddObjectToObject(s, "xdp");

	sw_json_add_count(o, "packets", x->packets);
	sw_json_add_count(o, "accounted", x->accounted);
	sw_json_add_count(o, "pure_acks", x->pure_acks);
	sw_json_add_count(o, "acks_sampled_out", x->acks_sampled_out);
	sw_json_add_count(o, "acks_after_fin", x->acks_after_fin);
	sw_json_add_count(o, "ack_flushes", x->ack_flushes);
	sw_json_add_count(o, "flows_created", x->flows_created);
	sw_json_add_count(o, "flows_evicted", st->xdp_evicted);
	sw_json_add_count(o, "flow_map_full", x->flow_map_full);
	sw_json_add_count(o, "flows_reused", x->flows_reused);
	sw_json_add_count(o, "flow_end_records", x->flow_ends);
	sw_json_add_count(o, "heads_sampled", x->heads_sampled);
	sw_json_add_count(o, "heads_skipped", x->heads_skipped);
	sw_json_add_count(o, "heads_truncated", x->heads_truncated);
	sw_json_add_count(o, "ringbuf_full", x->ringbuf_full);
	sw_json_add_count(o, "turns_over_mark", x->turns_over_mark);
	sw_json_add_count(o, "bad_records", st->xdp_bad_records);
	sw_json_add_count(o, "stage_flush_errors", st->xdp_stage_flush_errors);
}

cJSON *sw_json_stats(const struct sw_stats *st,
		     const struct sw_flow_table *flows,
		     const struct sw_heads *heads, const struct sw_detect *det)
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
	sw_json_add_count(s, "files", st->files);
	sw_json_add_count(s, "read_errors", st->read_errors);
	sw_json_add_count(s, "packets", st->packets);
	sw_json_add_count(s, "bytes", st->bytes);
	sw_json_add_count(s, "decoded", st->decoded);
	sw_json_add_count(s, "fragments", st->fragments);
	sw_json_add_count(s, "frames_cut", st->frames_cut);
	add_reasons(s, "skipped", st->reasons, 0);
	add_reasons(s, "decode_errors", st->reasons, 1);
	add_reasons(s, "anomalies", st->anomalies, 1);

	fo = cJSON_AddObjectToObject(s, "flows");
	sw_json_add_count(fo, "created", fs->created);
	sw_json_add_count(fo, "ended", fs->ended);
	sw_json_add_count(fo, "evicted", fs->evicted);
	sw_json_add_count(fo, "reused", fs->reused);
	sw_json_add_count(fo, "active", fs->active);
	sw_json_add_count(fo, "active_max", fs->active_max);
	sw_json_add_count(fo, "capacity", sw_flow_table_capacity(flows));
	sw_json_add_count(fo, "entry_bytes", sizeof(struct sw_flow));
	sw_json_add_count(fo, "table_bytes", sw_flow_table_bytes(flows));
	add_heads(s, sw_heads_stats(heads));
	if (det)
		add_detect(s, sw_detect_stats(det));
	if (st->xdp)
		add_xdp(s, st);
	return rec;
}
