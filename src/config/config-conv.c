// SPDX-License-Identifier: BSD-2-Clause
/*
 * Step 3 of loading a config (config.c): one raw string of the file into
 * a typed value, range-checked, or a message with the key's line and what
 * was expected. Each sw_cfg_conv_* leaves *out alone when the key is
 * absent.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "config/config-int.h"

/* Treat a plain ~ / null / empty scalar as absent-with-a-key: "nothing". */
const char *sw_cfg_value_of(struct loader *ld, const char *path,
			    const char *raw)
{
	const struct key_line *kl;

	if (!raw)
		return NULL;
	if (raw[0] && strcmp(raw, "~") && strcmp(raw, "null") &&
	    strcmp(raw, "Null") && strcmp(raw, "NULL"))
		return raw;
	kl = sw_cfg_find_line(ld, path);
	return kl && kl->null ? "" : raw;
}

/* Each conv_* leaves *out alone when the key is absent. */
int sw_cfg_conv_uint(struct loader *ld, const char *path, const char *raw,
		     uint64_t lo, uint64_t hi, uint64_t *out)
{
	char want[96];
	const char *end;
	uint64_t v;

	raw = sw_cfg_value_of(ld, path, raw);
	if (!raw)
		return 0;
	snprintf(want, sizeof(want), "an integer %llu..%llu",
		 (unsigned long long)lo, (unsigned long long)hi);
	if (!*raw)
		return sw_cfg_bad_value(ld, path, NULL, want);
	if (sw_cfg_parse_u64(raw, &end, &v) || *end || v < lo || v > hi)
		return sw_cfg_bad_value(ld, path, raw, want);
	*out = v;
	return 0;
}

int sw_cfg_conv_u32(struct loader *ld, const char *path, const char *raw,
		    uint32_t lo, uint32_t hi, uint32_t *out)
{
	uint64_t v = *out;
	int rc = sw_cfg_conv_uint(ld, path, raw, lo, hi, &v);

	*out = (uint32_t)v;
	return rc;
}

int sw_cfg_conv_u8(struct loader *ld, const char *path, const char *raw,
		   uint8_t lo, uint8_t hi, uint8_t *out)
{
	uint64_t v = *out;
	int rc = sw_cfg_conv_uint(ld, path, raw, lo, hi, &v);

	*out = (uint8_t)v;
	return rc;
}

int sw_cfg_conv_bool(struct loader *ld, const char *path, const char *raw,
		     int *out)
{
	raw = sw_cfg_value_of(ld, path, raw);
	if (!raw)
		return 0;
	if (!*raw || sw_cfg_parse_bool(raw, out))
		return sw_cfg_bad_value(ld, path, *raw ? raw : NULL,
					"true or false");
	return 0;
}

void sw_cfg_fmt_duration(uint64_t ns, char *buf, size_t len)
{
	if (ns % (86400 * NS_PER_S) == 0)
		snprintf(buf, len, "%llud",
			 (unsigned long long)(ns / (86400 * NS_PER_S)));
	else if (ns % (3600 * NS_PER_S) == 0)
		snprintf(buf, len, "%lluh",
			 (unsigned long long)(ns / (3600 * NS_PER_S)));
	else if (ns % NS_PER_S == 0)
		snprintf(buf, len, "%llus",
			 (unsigned long long)(ns / NS_PER_S));
	else
		snprintf(buf, len, "%llums",
			 (unsigned long long)(ns / NS_PER_MS));
}

int sw_cfg_conv_duration(struct loader *ld, const char *path, const char *raw,
			 uint64_t lo_ns, uint64_t hi_ns, int whole_s,
			 uint64_t *out_ns)
{
	char want[128], lo[24], hi[24];
	uint64_t v;

	raw = sw_cfg_value_of(ld, path, raw);
	if (!raw)
		return 0;
	sw_cfg_fmt_duration(lo_ns, lo, sizeof(lo));
	sw_cfg_fmt_duration(hi_ns, hi, sizeof(hi));
	snprintf(want, sizeof(want),
		 "a duration %s..%s: seconds, or a number with %s", lo, hi,
		 whole_s ? "s, m, h or d" : "ms, s, m, h or d");
	if (!*raw)
		return sw_cfg_bad_value(ld, path, NULL, want);
	if (sw_config_parse_duration(raw, &v) || v < lo_ns || v > hi_ns ||
	    (whole_s && v % NS_PER_S))
		return sw_cfg_bad_value(ld, path, raw, want);
	*out_ns = v;
	return 0;
}

int sw_cfg_conv_seconds(struct loader *ld, const char *path, const char *raw,
			uint32_t lo_s, uint32_t hi_s, uint32_t *out_s)
{
	uint64_t ns = (uint64_t)*out_s * NS_PER_S;
	int rc = sw_cfg_conv_duration(ld, path, raw, lo_s * NS_PER_S,
				      hi_s * NS_PER_S, 1, &ns);

	*out_s = (uint32_t)(ns / NS_PER_S);
	return rc;
}

int sw_cfg_conv_enum(struct loader *ld, const char *path, const char *raw,
		     const char *const *names, unsigned n, uint8_t *out)
{
	char want[128];
	size_t o;
	unsigned i;

	raw = sw_cfg_value_of(ld, path, raw);
	if (!raw)
		return 0;
	for (i = 0; i < n; i++) {
		if (strcmp(raw, names[i]) == 0) {
			*out = (uint8_t)i;
			return 0;
		}
	}
	o = (size_t)snprintf(want, sizeof(want), "one of");
	for (i = 0; i < n && o < sizeof(want); i++)
		o += (size_t)snprintf(want + o, sizeof(want) - o, "%s %s",
				      i ? "," : "", names[i]);
	return sw_cfg_bad_value(ld, path, *raw ? raw : NULL, want);
}
