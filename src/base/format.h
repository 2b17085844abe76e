/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Text formatting shared by the records (src/output) and the transport
 * (src/sink): a leaf, so the sinks need not include the record layer.
 */
#ifndef SW_BASE_FORMAT_H
#define SW_BASE_FORMAT_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 3339 UTC with microseconds, e.g. 2026-11-28T19:57:18.123456Z. */
void sw_format_time(uint64_t ts_ns, char *buf, size_t len);
/* Add a non-negative integer, exact to 2^64. */
void sw_json_add_count(cJSON *obj, const char *name, uint64_t v);

#endif /* SW_BASE_FORMAT_H */
