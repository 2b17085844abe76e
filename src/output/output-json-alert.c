// SPDX-License-Identifier: BSD-2-Clause
/*
 * Alert records (event.kind alert, event.dataset scrapewatch.alert): one
 * NDJSON object per lifecycle event of a client or campaign alert, with
 * ECS names and every score contribution in scrapewatch.reasons.
 * docs/detection.md describes the fields; docs/schema/alert.schema.json
 * checks them.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "output.h"
#include "scrapewatch/flow_acct.h"

static const char *action_name(int a)
{
	switch (a) {
	case SW_ACTION_START:
		return "start";
	case SW_ACTION_UPDATE:
		return "update";
	default:
		return "end";
	}
}

/* Three decimals are plenty for rates and ratios, and stable in tests. */
static void add_real(cJSON *o, const char *name, double v)
{
	cJSON_AddNumberToObject(o, name, round(v * 1000.0) / 1000.0);
}

static void add_ip(cJSON *o, const char *name, const struct sw_det_addr *a)
{
	char ip[64];

	sw_format_addr(a->family, a->a, ip, sizeof(ip));
	cJSON_AddStringToObject(o, name, ip);
}

static void add_reasons(cJSON *sw, const struct sw_alert *a)
{
	cJSON *arr = cJSON_AddArrayToObject(sw, "reasons");
	uint32_t i;

	for (i = 0; i < a->n_reasons; i++) {
		const struct sw_reason *r = &a->reasons[i];
		cJSON *o = cJSON_CreateObject();

		if (!o)
			return;
		cJSON_AddStringToObject(o, "id", r->id);
		cJSON_AddStringToObject(o, "name", r->name);
		add_real(o, "observed", r->observed);
		add_real(o, "threshold", r->threshold);
		sw_json_add_count(o, "window_s", r->window_s);
		add_real(o, "points", r->points);
		if (r->has_member_max)
			add_real(o, "member_max", r->member_max);
		cJSON_AddItemToArray(arr, o);
	}
}

static void add_counters(cJSON *o, const struct sw_alert_counters *c)
{
	sw_json_add_count(o, "turns", c->turns);
	sw_json_add_count(o, "connections", c->connections);
	sw_json_add_count(o, "download_bytes", c->down_bytes);
	sw_json_add_count(o, "upload_bytes", c->up_bytes);
	add_real(o, "download_upload_ratio",
		 c->up_bytes ? (double)c->down_bytes / c->up_bytes : 0);
	sw_json_add_count(o, "http_requests", c->http_requests);
	sw_json_add_count(o, "documents", c->documents);
	sw_json_add_count(o, "assets", c->assets);
	sw_json_add_count(o, "distinct_paths", c->distinct_paths);
	add_real(o, "session_s", c->session_s);
	add_real(o, "turns_per_min", c->turns_per_min);
	add_real(o, "interval_mean_s", c->interval_mean_s);
	add_real(o, "interval_cv", c->interval_cv);
	sw_json_add_count(o, "response_median_bytes", c->response_median_bytes);
	sw_json_add_count(o, "response_p90_bytes", c->response_p90_bytes);
}

cJSON *sw_json_alert(const struct sw_alert *a)
{
	cJSON *rec, *o, *sw, *arr;
	char ts[40];
	uint32_t i;

	rec = cJSON_CreateObject();
	if (!rec)
		return NULL;
	sw_format_time(a->ts_ns, ts, sizeof(ts));
	cJSON_AddStringToObject(rec, "@timestamp", ts);

	o = cJSON_AddObjectToObject(rec, "event");
	cJSON_AddStringToObject(o, "kind", "alert");
	cJSON_AddStringToObject(o, "category", "network");
	cJSON_AddStringToObject(o, "dataset", "scrapewatch.alert");
	cJSON_AddStringToObject(o, "action", action_name(a->action));
	sw_json_add_count(o, "risk_score", a->score);
	sw_format_time(a->start_ns, ts, sizeof(ts));
	cJSON_AddStringToObject(o, "start", ts);
	if (a->action == SW_ACTION_END) {
		sw_format_time(a->ts_ns, ts, sizeof(ts));
		cJSON_AddStringToObject(o, "end", ts);
	}

	o = cJSON_AddObjectToObject(rec, "rule");
	cJSON_AddStringToObject(o, "id", a->rule_id);
	cJSON_AddStringToObject(o, "name", a->rule_name);

	if (a->kind == SW_ALERT_CLIENT)
		add_ip(cJSON_AddObjectToObject(rec, "source"), "ip",
		       &a->source);
	arr = cJSON_AddArrayToObject(cJSON_AddObjectToObject(rec, "related"),
				     "ip");
	for (i = 0; i < a->n_related; i++) {
		char ip[64];

		sw_format_addr(a->related[i].family, a->related[i].a, ip,
			       sizeof(ip));
		cJSON_AddItemToArray(arr, cJSON_CreateString(ip));
	}
	if (a->dest.family) {
		o = cJSON_AddObjectToObject(rec, "destination");
		add_ip(o, "ip", &a->dest);
		sw_json_add_count(o, "port", a->dest_port);
	}
	if (a->transport)
		cJSON_AddStringToObject(
			cJSON_AddObjectToObject(rec, "network"), "transport",
			a->transport == SW_IPPROTO_TCP ? "tcp" : "udp");
	if ((a->ja3 && a->ja3[0]) || (a->ja4 && a->ja4[0]) || a->sni_len) {
		o = cJSON_AddObjectToObject(cJSON_AddObjectToObject(rec, "tls"),
					    "client");
		if (a->ja3 && a->ja3[0])
			sw_json_add_wire(o, "ja3", (const uint8_t *)a->ja3,
					 strlen(a->ja3));
		if (a->ja4 && a->ja4[0])
			sw_json_add_wire(o, "ja4", (const uint8_t *)a->ja4,
					 strlen(a->ja4));
		if (a->sni_len)
			sw_json_add_wire(o, "server_name", a->sni, a->sni_len);
	}
	if (a->ua_len)
		sw_json_add_wire(cJSON_AddObjectToObject(rec, "user_agent"),
				 "original", a->ua, a->ua_len);

	sw = cJSON_AddObjectToObject(rec, "scrapewatch");
	o = cJSON_AddObjectToObject(sw, "alert");
	sw_json_add_count(o, "id", a->alert_seq);
	cJSON_AddStringToObject(
		o, "scope", a->kind == SW_ALERT_CLIENT ? "client" : "campaign");
	if (a->end_reason)
		cJSON_AddStringToObject(o, "end_reason", a->end_reason);
	add_reasons(sw, a);
	if (a->kind == SW_ALERT_CLIENT) {
		add_counters(cJSON_AddObjectToObject(sw, "client"),
			     &a->counters);
		sw_json_add_count(cJSON_AddObjectToObject(sw, "hosts"), "seen",
				  a->hosts ? a->hosts : 1);
		if (a->syn_sig && a->syn_sig[0]) {
			o = cJSON_AddObjectToObject(sw, "tcp");
			sw_json_add_wire(o, "signature",
					 (const uint8_t *)a->syn_sig,
					 strlen(a->syn_sig));
			if (a->os_class && a->os_class[0])
				cJSON_AddStringToObject(o, "os_class",
							a->os_class);
		}
	} else {
		o = cJSON_AddObjectToObject(sw, "campaign");
		if (a->kind == SW_ALERT_CAMPAIGN_PREFIX) {
			char ip[64], pfx[80];

			cJSON_AddStringToObject(o, "by", "prefix");
			sw_format_addr(a->prefix.family, a->prefix.a, ip,
				       sizeof(ip));
			snprintf(pfx, sizeof(pfx), "%s/%u", ip, a->prefix_len);
			cJSON_AddStringToObject(o, "prefix", pfx);
		} else {
			cJSON_AddStringToObject(o, "by", "fingerprint");
			sw_json_add_wire(o, "fingerprint",
					 (const uint8_t *)a->group_key,
					 strlen(a->group_key));
		}
		sw_json_add_count(o, "members", a->n_related);
		sw_json_add_count(o, "members_active", a->members_active);
		sw_json_add_count(o, "addresses_seen", a->members_seen);
		add_counters(cJSON_AddObjectToObject(o, "totals"),
			     &a->counters);
	}
	return rec;
}
