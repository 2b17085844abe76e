// SPDX-License-Identifier: BSD-2-Clause
/*
 * From a JSON record to the sinks: print it as one NDJSON line, and pick
 * out what the sinks need besides the line: the event time, the dataset
 * (syslog MSGID), the severity (alerts are warnings) and the client
 * prefix that keys Kafka partitions, so one client's records stay in
 * order.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "output.h"

int sw_client_prefix(const char *ip, char *buf, size_t len)
{
	unsigned char a[16];
	char txt[INET6_ADDRSTRLEN];

	if (inet_pton(AF_INET, ip, a) == 1) {
		snprintf(buf, len, "%u.%u.%u.0/24", a[0], a[1], a[2]);
		return 0;
	}
	if (inet_pton(AF_INET6, ip, a) == 1) {
		memset(a + 8, 0, 8);
		inet_ntop(AF_INET6, a, txt, sizeof(txt));
		snprintf(buf, len, "%s/64", txt);
		return 0;
	}
	return -EINVAL;
}

static const char *str_at(const cJSON *o, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, a);

	if (b)
		v = cJSON_GetObjectItemCaseSensitive(v, b);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int sw_output_record(struct sw_sinks *out, cJSON *rec)
{
	struct sw_rec_meta m = { .severity = 6 }; /* informational */
	const char *ds, *kind, *ip;
	char key[64];
	char *line;
	int rc;

	if (!rec)
		return -ENOMEM;
	m.ts = str_at(rec, "@timestamp", NULL);
	ds = str_at(rec, "event", "dataset");
	if (ds)
		m.msgid = strncmp(ds, "scrapewatch.", 12) == 0 ? ds + 12 : ds;
	kind = str_at(rec, "event", "kind");
	if (kind && strcmp(kind, "alert") == 0)
		m.severity = 4; /* warning */
	ip = str_at(rec, "source", "ip");
	if (ip && sw_client_prefix(ip, key, sizeof(key)) == 0)
		m.key = key;
	line = cJSON_PrintUnformatted(rec);
	if (!line) {
		cJSON_Delete(rec);
		return -ENOMEM;
	}
	rc = sw_sinks_emit(out, line, strlen(line), &m);
	cJSON_free(line);
	cJSON_Delete(rec);
	return rc;
}
