// SPDX-License-Identifier: BSD-2-Clause
/*
 * Flow records: one NDJSON object per flow as it leaves the table, with
 * ECS names (source is the client, destination the server) and the
 * scrapewatch.flow extras. docs/flow-record.md describes every field.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "output.h"

void sw_format_time(uint64_t ts_ns, char *buf, size_t len)
{
	time_t sec = (time_t)(ts_ns / 1000000000ULL);
	unsigned usec = (unsigned)(ts_ns % 1000000000ULL / 1000);
	struct tm tm;

	gmtime_r(&sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, usec);
}

void sw_format_addr(int family, const uint8_t *addr, char *buf, size_t len)
{
	if (!inet_ntop(family == SW_FAMILY_IPV4 ? AF_INET : AF_INET6, addr, buf,
		       (socklen_t)len))
		snprintf(buf, len, "?");
}

static const char *const close_names[SW_CLOSE_MAX] = {
	[SW_CLOSE_NONE] = "open",
	[SW_CLOSE_FIN] = "fin",
	[SW_CLOSE_RST] = "rst",
	[SW_CLOSE_IDLE] = "idle",
	[SW_CLOSE_EVICTED] = "evicted",
	[SW_CLOSE_END_OF_INPUT] = "end_of_input",
	[SW_CLOSE_REUSED] = "reused",
};

static const char *origin_name(uint8_t origin)
{
	switch (origin) {
	case SW_ORIGIN_SYN:
		return "syn";
	case SW_ORIGIN_SYNACK:
		return "synack";
	default:
		return "port";
	}
}

static void add_endpoint(cJSON *obj, int family, const uint8_t *addr,
			 uint16_t port, uint64_t bytes, uint32_t packets)
{
	char ip[INET6_ADDRSTRLEN];

	sw_format_addr(family, addr, ip, sizeof(ip));
	cJSON_AddStringToObject(obj, "ip", ip);
	cJSON_AddNumberToObject(obj, "port", port);
	cJSON_AddNumberToObject(obj, "bytes", (double)bytes);
	cJSON_AddNumberToObject(obj, "packets", packets);
}

cJSON *sw_json_flow(const struct sw_flow *f)
{
	const struct sw_flow_acct *a = &f->acct;
	uint8_t cflags = a->dir[SW_DIR_C2S].flags;
	uint8_t sflags = a->dir[SW_DIR_S2C].flags;
	uint64_t up = sw_acct_bytes(a, SW_DIR_C2S);
	uint64_t down = sw_acct_bytes(a, SW_DIR_S2C);
	const uint8_t *caddr, *saddr;
	uint16_t cport, sport;
	char ts[40];
	const char *dirs;
	cJSON *rec, *o, *sw;

	rec = cJSON_CreateObject();
	if (!rec)
		return NULL;
	sw_flow_client(f, &caddr, &cport);
	sw_flow_server(f, &saddr, &sport);

	sw_format_time(a->last_ns, ts, sizeof(ts));
	cJSON_AddStringToObject(rec, "@timestamp", ts);

	o = cJSON_AddObjectToObject(rec, "event");
	cJSON_AddStringToObject(o, "kind", "event");
	cJSON_AddStringToObject(o, "category", "network");
	cJSON_AddStringToObject(o, "type", "connection");
	cJSON_AddStringToObject(o, "dataset", "scrapewatch.flow");
	sw_format_time(a->first_ns, ts, sizeof(ts));
	cJSON_AddStringToObject(o, "start", ts);
	sw_format_time(a->last_ns, ts, sizeof(ts));
	cJSON_AddStringToObject(o, "end", ts);
	cJSON_AddNumberToObject(o, "duration",
				(double)(a->last_ns - a->first_ns));

	o = cJSON_AddObjectToObject(rec, "source");
	add_endpoint(o, f->key.family, caddr, cport, up,
		     a->dir[SW_DIR_C2S].packets);
	o = cJSON_AddObjectToObject(rec, "destination");
	add_endpoint(o, f->key.family, saddr, sport, down,
		     a->dir[SW_DIR_S2C].packets);

	o = cJSON_AddObjectToObject(rec, "network");
	cJSON_AddStringToObject(o, "transport",
				f->key.proto == SW_IPPROTO_TCP ? "tcp" : "udp");
	cJSON_AddStringToObject(
		o, "type", f->key.family == SW_FAMILY_IPV4 ? "ipv4" : "ipv6");
	cJSON_AddNumberToObject(o, "bytes", (double)(up + down));
	cJSON_AddNumberToObject(o, "packets",
				(double)a->dir[0].packets + a->dir[1].packets);

	if ((cflags & SW_DIRF_SEEN) && (sflags & SW_DIRF_SEEN))
		dirs = "both";
	else if (cflags & SW_DIRF_SEEN)
		dirs = "client";
	else
		dirs = "server";
	sw = cJSON_AddObjectToObject(rec, "scrapewatch");
	o = cJSON_AddObjectToObject(sw, "flow");
	cJSON_AddNumberToObject(o, "turns", a->turns);
	cJSON_AddStringToObject(o, "directions", dirs);
	cJSON_AddStringToObject(o, "close_reason",
				a->close_reason < SW_CLOSE_MAX ?
					close_names[a->close_reason] :
					"unknown");
	cJSON_AddStringToObject(o, "client_by", origin_name(a->origin));
	if (f->key.proto == SW_IPPROTO_TCP)
		cJSON_AddBoolToObject(o, "syn_seen",
				      (cflags & SW_DIRF_SYN) != 0);
	return rec;
}

int sw_output_record(FILE *out, cJSON *rec)
{
	char *line;
	int rc = 0;

	if (!rec)
		return -ENOMEM;
	line = cJSON_PrintUnformatted(rec);
	cJSON_Delete(rec);
	if (!line)
		return -ENOMEM;
	if (fputs(line, out) == EOF || fputc('\n', out) == EOF)
		rc = -EIO;
	cJSON_free(line);
	return rc;
}
