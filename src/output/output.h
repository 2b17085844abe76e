/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * JSON records (ECS field names) and where they go. Every record is built
 * with cJSON and handed as one line of NDJSON to the sinks (sink.h).
 */
#ifndef SW_OUTPUT_H
#define SW_OUTPUT_H

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>

#include "base/format.h" /* sw_format_time, sw_json_add_count */
#include "sink/sink.h"
#include "detect/detect.h"
#include "track/flow_table.h"
#include "track/heads.h"

/* Longest string taken off the wire that a record carries, escaped. */
#define SW_WIRE_STRING_MAX 1024

struct sw_stats;

/* Textual address of a key address (4 or 16 bytes by family). */
void sw_format_addr(int family, const uint8_t *addr, char *buf, size_t len);

/* An ECS flow record (event.dataset scrapewatch.flow); fp may be NULL. */
cJSON *sw_json_flow(const struct sw_flow *f, const struct sw_flow_fp *fp);
/* Add scrapewatch.tunnel (docs/flow-record.md) to a flow record. */
void sw_json_flow_tunnel(cJSON *rec, const struct sw_tunnel *t);
/* Add an untrusted wire string: escaped, capped, one line. */
void sw_json_add_wire(cJSON *obj, const char *name, const uint8_t *s,
		      size_t len);
/* A statistics record (event.dataset scrapewatch.stats); det may be
 * NULL when detection did not run. */
cJSON *sw_json_stats(const struct sw_stats *st,
		     const struct sw_flow_table *flows,
		     const struct sw_heads *heads, const struct sw_detect *det);
/* An alert record (event.dataset scrapewatch.alert). */
cJSON *sw_json_alert(const struct sw_alert *a);

/*
 * Hand a record to every sink as one NDJSON line and free it. Its event
 * time, dataset (syslog MSGID), kind (alert: syslog severity warning)
 * and client prefix (Kafka key: source.ip as /24 or /64) go along.
 * 0, or -errno.
 */
int sw_output_record(struct sw_sinks *out, cJSON *rec);
/* The client prefix of a textual address: a.b.c.0/24 or x:x:x:x::/64. */
int sw_client_prefix(const char *ip, char *buf, size_t len);

#endif /* SW_OUTPUT_H */
