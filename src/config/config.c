// SPDX-License-Identifier: BSD-2-Clause
/*
 * Loads the YAML config file into a struct sw_config, in three steps:
 *
 * 1. libyaml builds the document tree, which config-walk.c checks against
 *    the libcyaml schema below, recording the line of every key.
 * 2. libcyaml loads the same bytes against that schema into a raw struct
 *    of strings (every leaf is a string so that the messages about values
 *    are ours, with a line and what was expected).
 * 3. Each raw string is parsed and range-checked into struct sw_config
 *    (syntaxes in config-values.c).
 *
 * Any error stops the load and nothing is returned but the message, so a
 * caller never sees a half-applied config.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config-int.h"
#include "detect/detect.h"

/* ---- The schema: every leaf a string, parsed in step 3. ---- */

#define OPT CYAML_FLAG_OPTIONAL
#define STR(key, st, m) \
	CYAML_FIELD_STRING_PTR(key, OPT, st, m, 0, CYAML_UNLIMITED)
#define LIST(key, st, m)                                                       \
	CYAML_FIELD_SEQUENCE(key, OPT | CYAML_FLAG_POINTER, st, m, &str_entry, \
			     0, SW_CONFIG_LIST_MAX)

static const cyaml_schema_value_t str_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED),
};

static const cyaml_schema_field_t general_fields[] = {
	STR("log_level", struct raw_general, log_level),
	STR("run_as", struct raw_general, run_as),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t live_fields[] = {
	LIST("interfaces", struct raw_live, interfaces),
	STR("capture", struct raw_live, capture),
	STR("xdp_mode", struct raw_live, xdp_mode),
	STR("pcap_filter", struct raw_live, pcap_filter),
	STR("pcap_buffer", struct raw_live, pcap_buffer),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t metrics_fields[] = {
	STR("listen", struct raw_metrics, listen),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t timeouts_fields[] = {
	STR("tcp_new", struct raw_timeouts, tcp_new),
	STR("tcp_established", struct raw_timeouts, tcp_established),
	STR("tcp_closing", struct raw_timeouts, tcp_closing),
	STR("tcp_closed", struct raw_timeouts, tcp_closed),
	STR("udp", struct raw_timeouts, udp),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t flows_fields[] = {
	STR("max_flows", struct raw_flows, max_flows),
	CYAML_FIELD_MAPPING("timeouts", OPT, struct raw_flows, timeouts,
			    timeouts_fields),
	STR("udp_turn_gap", struct raw_flows, udp_turn_gap),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t campaign_fields[] = {
	STR("prefix4", struct raw_campaign, prefix4),
	STR("prefix6", struct raw_campaign, prefix6),
	STR("min_members", struct raw_campaign, min_members),
	STR("history", struct raw_campaign, history),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t exempt_fields[] = {
	LIST("cidrs", struct raw_exempt, cidrs),
	LIST("ja4", struct raw_exempt, ja4),
	LIST("ja3", struct raw_exempt, ja3),
	LIST("tcp_signatures", struct raw_exempt, tcp_signatures),
	LIST("user_agents", struct raw_exempt, user_agents),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t services_fields[] = {
	LIST("servers", struct raw_services, servers),
	LIST("sni", struct raw_services, sni),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t detect_fields[] = {
	STR("client_capacity", struct raw_detect, client_capacity),
	STR("sketch_capacity", struct raw_detect, sketch_capacity),
	STR("memory_cap", struct raw_detect, memory_cap),
	STR("alert_score", struct raw_detect, alert_score),
	STR("update_interval", struct raw_detect, update_interval),
	STR("end_after", struct raw_detect, end_after),
	STR("admit_events", struct raw_detect, admit_events),
	STR("per_host_volume", struct raw_detect, per_host_volume),
	CYAML_FIELD_MAPPING("campaign", OPT, struct raw_detect, campaign,
			    campaign_fields),
	/* Keyed by rule ID: read by the tree walk (walk_rules). */
	CYAML_FIELD_IGNORE("rules", OPT),
	CYAML_FIELD_MAPPING("exempt", OPT, struct raw_detect, exempt,
			    exempt_fields),
	CYAML_FIELD_MAPPING("services", OPT, struct raw_detect, services,
			    services_fields),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t decode_fields[] = {
	LIST("tunnels", struct raw_decode, tunnels),
	LIST("vxlan_ports", struct raw_decode, vxlan_ports),
	LIST("geneve_ports", struct raw_decode, geneve_ports),
	STR("max_depth", struct raw_decode, max_depth),
	STR("tunnel_key", struct raw_decode, tunnel_key),
	STR("mpls_pseudowire", struct raw_decode, mpls_pseudowire),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t top_fields[] = {
	CYAML_FIELD_MAPPING("general", OPT, struct raw_top, general,
			    general_fields),
	LIST("outputs", struct raw_top, outputs),
	CYAML_FIELD_MAPPING("live", OPT, struct raw_top, live, live_fields),
	CYAML_FIELD_MAPPING("metrics", OPT, struct raw_top, metrics,
			    metrics_fields),
	CYAML_FIELD_MAPPING("flows", OPT, struct raw_top, flows, flows_fields),
	CYAML_FIELD_MAPPING("decode", OPT, struct raw_top, decode,
			    decode_fields),
	CYAML_FIELD_MAPPING("detect", OPT, struct raw_top, detect,
			    detect_fields),
	CYAML_FIELD_END,
};

static const cyaml_schema_value_t top_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct raw_top, top_fields),
};

/* Keys that no command of this build reads yet. */

/* ---- Step 3: values (the converters are in config-conv.c) ---- */

static const char *const log_level_names[] = { "error", "warning", "info",
					       "debug" };
static const char *const capture_names[] = { "xdp", "afxdp", "dpdk", "pcap" };
static const char *const xdp_mode_names[] = { "native", "generic" };

const char *sw_config_capture_name(unsigned capture)
{
	return capture < 4 ? capture_names[capture] : "?";
}

const char *sw_config_log_level_name(unsigned level)
{
	return level < 4 ? log_level_names[level] : "?";
}

const char *sw_config_xdp_mode_name(unsigned mode)
{
	return mode < 2 ? xdp_mode_names[mode] : "?";
}

static int conv_outputs(struct loader *ld, const struct raw_top *raw)
{
	struct sw_config *c = ld->cfg;
	char path[PATH_MAX_LEN];
	unsigned i;

	if (!raw->outputs_count)
		return 0;
	c->outputs = calloc(raw->outputs_count, sizeof(*c->outputs));
	if (!c->outputs)
		return -ENOMEM;
	for (i = 0; i < raw->outputs_count; i++) {
		const char *v;

		snprintf(path, sizeof(path), "outputs[%u]", i);
		v = sw_cfg_value_of(ld, path, raw->outputs[i]);
		if (!*v || !sw_cfg_output_ok(v))
			return sw_cfg_bad_value(
				ld, path, *v ? v : NULL,
				"a sink URI: -, file:///path, "
				"syslog+udp|tcp|tls://host:port, "
				"http(s)://..., kafka://brokers/topic, "
				"every port 1..65535");
		c->outputs[i] = strdup(v);
		if (!c->outputs[i])
			return -ENOMEM;
		c->n_outputs++;
	}
	return 0;
}

static int conv_live(struct loader *ld, const struct raw_live *raw)
{
	struct sw_config *c = ld->cfg;
	char path[PATH_MAX_LEN];
	const char *v;
	unsigned i, j;
	int rc;

	if (raw->interfaces_count) {
		c->interfaces =
			calloc(raw->interfaces_count, sizeof(*c->interfaces));
		if (!c->interfaces)
			return -ENOMEM;
	}
	for (i = 0; i < raw->interfaces_count; i++) {
		snprintf(path, sizeof(path), "live.interfaces[%u]", i);
		v = sw_cfg_value_of(ld, path, raw->interfaces[i]);
		if (!*v || !sw_cfg_ifname_ok(v))
			return sw_cfg_bad_value(ld, path, *v ? v : NULL,
						"an interface name of 1..15 "
						"characters");
		for (j = 0; j < i; j++)
			if (!strcmp(c->interfaces[j], v))
				return sw_cfg_bad_value(ld, path, v,
							"each interface once");
		snprintf(c->interfaces[i], sizeof(c->interfaces[i]), "%s", v);
		c->n_interfaces++;
	}
	rc = sw_cfg_conv_enum(ld, "live.capture", raw->capture, capture_names,
			      4, &c->capture);
	if (!rc)
		rc = sw_cfg_conv_enum(ld, "live.xdp_mode", raw->xdp_mode,
				      xdp_mode_names, 2, &c->xdp_mode);
	v = rc ? NULL :
		 sw_cfg_value_of(ld, "live.pcap_filter", raw->pcap_filter);
	if (v) {
		if (strlen(v) >= sizeof(c->pcap_filter))
			return sw_cfg_bad_value(ld, "live.pcap_filter", NULL,
						"a BPF filter expression of at "
						"most 1023 characters");
		snprintf(c->pcap_filter, sizeof(c->pcap_filter), "%s", v);
	}
	v = rc ? NULL :
		 sw_cfg_value_of(ld, "live.pcap_buffer", raw->pcap_buffer);
	if (v) {
		uint64_t bytes;

		if (!*v || sw_config_parse_size(v, &bytes) ||
		    bytes < (64u << 10) || bytes > (1ULL << 31))
			return sw_cfg_bad_value(
				ld, "live.pcap_buffer", *v ? v : NULL,
				"a size 64KiB..2GiB like 32MiB");
		c->pcap_buffer_bytes = (uint32_t)bytes;
	}
	return rc;
}

static int conv_flows(struct loader *ld, const struct raw_flows *raw)
{
	struct sw_flow_table_cfg *f = &ld->cfg->flows;
	const struct raw_timeouts *t = &raw->timeouts;
	const uint64_t lo = NS_PER_MS, hi = 7 * 86400 * NS_PER_S;
	uint64_t gap;
	int rc;

	rc = sw_cfg_conv_u32(ld, "flows.max_flows", raw->max_flows, 1, 1u << 30,
			     &f->max_flows);
	if (!rc)
		rc = sw_cfg_conv_duration(ld, "flows.timeouts.tcp_new",
					  t->tcp_new, lo, hi, 0,
					  &f->tcp_new_timeout_ns);
	if (!rc)
		rc = sw_cfg_conv_duration(ld, "flows.timeouts.tcp_established",
					  t->tcp_established, lo, hi, 0,
					  &f->tcp_established_timeout_ns);
	if (!rc)
		rc = sw_cfg_conv_duration(ld, "flows.timeouts.tcp_closing",
					  t->tcp_closing, lo, hi, 0,
					  &f->tcp_closing_timeout_ns);
	if (!rc)
		rc = sw_cfg_conv_duration(ld, "flows.timeouts.tcp_closed",
					  t->tcp_closed, lo, hi, 0,
					  &f->tcp_closed_timeout_ns);
	if (!rc)
		rc = sw_cfg_conv_duration(ld, "flows.timeouts.udp", t->udp, lo,
					  hi, 0, &f->udp_timeout_ns);
	gap = f->acct.udp_turn_gap_ns;
	if (!rc)
		rc = sw_cfg_conv_duration(ld, "flows.udp_turn_gap",
					  raw->udp_turn_gap, lo,
					  3600 * NS_PER_S, 0, &gap);
	f->acct.udp_turn_gap_ns = gap;
	return rc;
}

static int add_fps(struct loader *ld, const char *key, char **list, unsigned n,
		   uint8_t kind, int (*ok)(const char *), const char *want)
{
	struct sw_detect_cfg *d = &ld->cfg->detect;
	char path[PATH_MAX_LEN];
	unsigned i;

	for (i = 0; i < n; i++) {
		struct sw_fp_pattern *fp = &d->exempt_fps[d->n_exempt_fps];
		const char *v;
		size_t k;

		snprintf(path, sizeof(path), "detect.exempt.%s[%u]", key, i);
		v = sw_cfg_value_of(ld, path, list[i]);
		if (!*v || strlen(v) >= SW_CFG_FP_MAX || !ok(v))
			return sw_cfg_bad_value(ld, path, *v ? v : NULL, want);
		fp->kind = kind;
		snprintf(fp->value, sizeof(fp->value), "%s", v);
		/* Fingerprints are lowercase hex where hex; match exactly. */
		if (kind == SW_FP_JA3 || kind == SW_FP_JA4)
			for (k = 0; fp->value[k]; k++)
				fp->value[k] = (char)tolower(
					(unsigned char)fp->value[k]);
		d->n_exempt_fps++;
	}
	return 0;
}

static int conv_exempt(struct loader *ld, const struct raw_exempt *raw)
{
	struct sw_detect_cfg *d = &ld->cfg->detect;
	char path[PATH_MAX_LEN], hint[64], want[160];
	size_t nfp;
	unsigned i;
	int rc;

	if (raw->cidrs_count) {
		d->exempt_nets =
			calloc(raw->cidrs_count, sizeof(*d->exempt_nets));
		if (!d->exempt_nets)
			return -ENOMEM;
	}
	for (i = 0; i < raw->cidrs_count; i++) {
		const char *v, *why;

		snprintf(path, sizeof(path), "detect.exempt.cidrs[%u]", i);
		v = sw_cfg_value_of(ld, path, raw->cidrs[i]);
		why = *v ? sw_cfg_cidr_parse(v, &d->exempt_nets[i], hint,
					     sizeof(hint)) :
			   "syntax";
		if (why && !strcmp(why, "host bits")) {
			snprintf(want, sizeof(want),
				 "a network address (host bits clear), "
				 "e.g. %s",
				 hint);
			return sw_cfg_bad_value(ld, path, v, want);
		}
		if (why)
			return sw_cfg_bad_value(
				ld, path, *v ? v : NULL,
				"an address or prefix like "
				"198.18.0.0/24 or 2001:db8::/32");
		d->n_exempt_nets++;
	}

	nfp = (size_t)raw->ja4_count + raw->ja3_count +
	      raw->tcp_signatures_count + raw->user_agents_count;
	if (nfp) {
		d->exempt_fps = calloc(nfp, sizeof(*d->exempt_fps));
		if (!d->exempt_fps)
			return -ENOMEM;
	}
	rc = add_fps(
		ld, "ja4", raw->ja4, raw->ja4_count, SW_FP_JA4, sw_cfg_ja4_ok,
		"a JA4 fingerprint like t13d1516h2_8daaf6152771_02713d6af862");
	if (!rc)
		rc = add_fps(ld, "ja3", raw->ja3, raw->ja3_count, SW_FP_JA3,
			     sw_cfg_ja3_ok, "a JA3 hash: 32 hex digits");
	if (!rc)
		rc = add_fps(ld, "tcp_signatures", raw->tcp_signatures,
			     raw->tcp_signatures_count, SW_FP_TCP_SIG,
			     sw_cfg_tcp_sig_ok,
			     "a p0f raw signature "
			     "ver:ittl:olen:mss:wsize,scale:olayout:quirks:"
			     "pclass");
	if (!rc)
		rc = add_fps(ld, "user_agents", raw->user_agents,
			     raw->user_agents_count, SW_FP_USER_AGENT,
			     sw_cfg_ua_ok,
			     "User-Agent text of 1..127 printable ASCII "
			     "characters");
	return rc;
}

static int conv_services(struct loader *ld, const struct raw_services *raw)
{
	struct sw_detect_cfg *d = &ld->cfg->detect;
	char path[PATH_MAX_LEN], hint[64], want[160];
	unsigned i, j;

	if (raw->servers_count) {
		d->services = calloc(raw->servers_count, sizeof(*d->services));
		if (!d->services)
			return -ENOMEM;
	}
	for (i = 0; i < raw->servers_count; i++) {
		const char *v, *why;

		snprintf(path, sizeof(path), "detect.services.servers[%u]", i);
		v = sw_cfg_value_of(ld, path, raw->servers[i]);
		why = *v ? sw_cfg_service_parse(v, &d->services[i], hint,
						sizeof(hint)) :
			   "syntax";
		if (why && !strcmp(why, "host bits")) {
			snprintf(want, sizeof(want),
				 "a network address (host bits clear), "
				 "e.g. %s",
				 hint);
			return sw_cfg_bad_value(ld, path, v, want);
		}
		if (why && !strcmp(why, "port"))
			return sw_cfg_bad_value(ld, path, v, "a port 1..65535");
		if (why)
			return sw_cfg_bad_value(
				ld, path, *v ? v : NULL,
				"a server like 198.18.0.10:443, "
				"[2001:db8::1]:80 or 198.18.0.0/24");
		d->n_services++;
	}
	if (raw->sni_count) {
		d->snis = calloc(raw->sni_count, sizeof(*d->snis));
		if (!d->snis)
			return -ENOMEM;
	}
	for (i = 0; i < raw->sni_count; i++) {
		const char *v;
		size_t k;

		snprintf(path, sizeof(path), "detect.services.sni[%u]", i);
		v = sw_cfg_value_of(ld, path, raw->sni[i]);
		if (!*v || !sw_cfg_sni_ok(v))
			return sw_cfg_bad_value(
				ld, path, *v ? v : NULL,
				"an exact server name like "
				"www.example.com (no wildcards)");
		for (k = 0; v[k]; k++)
			d->snis[i][k] = (char)tolower((unsigned char)v[k]);
		for (j = 0; j < i; j++)
			if (!strcmp(d->snis[j], d->snis[i]))
				return sw_cfg_bad_value(ld, path, v,
							"each name once");
		d->n_snis++;
	}
	return 0;
}

/* --force: detect.memory_cap may be above this machine's RAM. */
static int force_memory_cap;

void sw_config_set_force(int force)
{
	force_memory_cap = force;
}

/*
 * The detector's sizes together: its fixed allocation within memory_cap,
 * and memory_cap within the machine's RAM (unless --force). The line is
 * memory_cap's, or sketch_capacity's when the file sets only that.
 */
static int check_detect_memory(struct loader *ld)
{
	const struct sw_detect_cfg *d = &ld->cfg->detect;
	const struct key_line *kl = sw_cfg_find_line(ld, "detect.memory_cap");
	const char *path = "detect.memory_cap";
	uint64_t fixed = sw_detect_fixed_bytes(d->sketch_capacity), ram;
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);

	if (fixed > d->memory_cap_bytes) {
		if (!kl) {
			kl = sw_cfg_find_line(ld, "detect.sketch_capacity");
			path = "detect.sketch_capacity";
		}
		return sw_cfg_fail(
			ld, kl ? kl->line : 0, path,
			"detect.sketch_capacity %u with the smallest client "
			"tables takes %llu bytes, more than detect.memory_cap "
			"(%llu bytes); raise detect.memory_cap to at least "
			"%llu MiB or lower detect.sketch_capacity",
			d->sketch_capacity, (unsigned long long)fixed,
			(unsigned long long)d->memory_cap_bytes,
			(unsigned long long)((fixed + (1u << 20) - 1) >> 20));
	}
	if (force_memory_cap || pages <= 0 || psize <= 0)
		return 0;
	ram = (uint64_t)pages * (uint64_t)psize;
	if (d->memory_cap_bytes > ram)
		return sw_cfg_fail(
			ld, kl ? kl->line : 0, "detect.memory_cap",
			"%llu MiB is more than this machine's RAM (%llu MiB), "
			"and the detector's tables (detect.client_capacity, "
			"detect.sketch_capacity) may grow to it; lower "
			"detect.memory_cap, or pass --force to start anyway",
			(unsigned long long)(d->memory_cap_bytes >> 20),
			(unsigned long long)(ram >> 20));
	return 0;
}

static int conv_detect(struct loader *ld, const struct raw_detect *raw)
{
	struct sw_detect_cfg *d = &ld->cfg->detect;
	const struct raw_campaign *cp = &raw->campaign;
	char want[96];
	uint64_t bytes;
	const char *v;
	int rc;

	rc = sw_cfg_conv_u32(ld, "detect.client_capacity", raw->client_capacity,
			     1, 1u << 28, &d->client_capacity);
	if (!rc)
		rc = sw_cfg_conv_u32(ld, "detect.sketch_capacity",
				     raw->sketch_capacity, 1, 1u << 28,
				     &d->sketch_capacity);
	v = rc ? NULL :
		 sw_cfg_value_of(ld, "detect.memory_cap", raw->memory_cap);
	if (v) {
		snprintf(want, sizeof(want),
			 "a size 1MiB..1TiB like 256MiB (units: B, KiB, MiB, "
			 "GiB, TiB, kB, MB, GB, TB)");
		if (!*v || sw_config_parse_size(v, &bytes) ||
		    bytes < (1ULL << 20) || bytes > (1ULL << 40))
			return sw_cfg_bad_value(ld, "detect.memory_cap",
						*v ? v : NULL, want);
		d->memory_cap_bytes = bytes;
	}
	if (!rc)
		rc = sw_cfg_conv_u32(ld, "detect.alert_score", raw->alert_score,
				     0, 100, &d->alert_score);
	if (!rc)
		rc = sw_cfg_conv_seconds(ld, "detect.update_interval",
					 raw->update_interval, 1, 86400,
					 &d->update_interval_s);
	if (!rc)
		rc = sw_cfg_conv_seconds(ld, "detect.end_after", raw->end_after,
					 1, 7 * 86400, &d->end_after_s);
	if (!rc)
		rc = sw_cfg_conv_u32(ld, "detect.admit_events",
				     raw->admit_events, 1, 65536,
				     &d->admit_events);
	if (!rc)
		rc = sw_cfg_conv_bool(ld, "detect.per_host_volume",
				      raw->per_host_volume,
				      &d->per_host_volume);
	if (!rc)
		rc = sw_cfg_conv_u8(ld, "detect.campaign.prefix4", cp->prefix4,
				    8, 32, &d->campaign_prefix4);
	if (!rc)
		rc = sw_cfg_conv_u8(ld, "detect.campaign.prefix6", cp->prefix6,
				    16, 128, &d->campaign_prefix6);
	if (!rc)
		rc = sw_cfg_conv_u32(ld, "detect.campaign.min_members",
				     cp->min_members, 2, 65536,
				     &d->campaign_min_members);
	if (!rc)
		rc = sw_cfg_conv_seconds(ld, "detect.campaign.history",
					 cp->history, 1, 7 * 86400,
					 &d->campaign_history_s);
	if (!rc)
		rc = conv_exempt(ld, &raw->exempt);
	if (!rc)
		rc = conv_services(ld, &raw->services);
	return rc;
}

static int conv_general(struct loader *ld, const struct raw_general *raw)
{
	struct sw_config *c = ld->cfg;
	const char *v;
	int rc;

	rc = sw_cfg_conv_enum(ld, "general.log_level", raw->log_level,
			      log_level_names, 4, &c->log_level);
	v = rc ? NULL : sw_cfg_value_of(ld, "general.run_as", raw->run_as);
	if (v) {
		/* "" is meaningful here: stay as the starting user. */
		if (!sw_cfg_user_ok(v))
			return sw_cfg_bad_value(
				ld, "general.run_as", v,
				"a user name (letters, digits, _ - .) "
				"or \"\" to keep the starting user");
		snprintf(c->run_as, sizeof(c->run_as), "%s", v);
	}
	return rc;
}

static int convert(struct loader *ld, const struct raw_top *raw)
{
	const char *v;
	int rc;

	rc = conv_general(ld, &raw->general);
	if (!rc)
		rc = conv_outputs(ld, raw);
	if (!rc)
		rc = conv_live(ld, &raw->live);
	v = rc ? NULL :
		 sw_cfg_value_of(ld, "metrics.listen", raw->metrics.listen);
	if (v) {
		if (*v && !sw_cfg_listen_ok(v))
			return sw_cfg_bad_value(
				ld, "metrics.listen", v,
				"ADDRESS:PORT like 127.0.0.1:9909 or "
				"[::1]:9909, or \"\" for off");
		snprintf(ld->cfg->metrics_listen,
			 sizeof(ld->cfg->metrics_listen), "%s", v);
	}
	if (!rc)
		rc = sw_cfg_conv_decode(ld, &raw->decode);
	if (!rc)
		rc = conv_flows(ld, &raw->flows);
	if (!rc)
		rc = conv_detect(ld, &raw->detect);
	if (!rc)
		rc = check_detect_memory(ld);
	return rc;
}

/* ---- Step 2 and the public face ---- */

static void cyaml_capture(cyaml_log_t level, void *ctx, const char *fmt,
			  va_list args)
{
	struct loader *ld = ctx;
	size_t n;

	if (level < CYAML_LOG_ERROR || ld->cyaml_msg[0])
		return;
	vsnprintf(ld->cyaml_msg, sizeof(ld->cyaml_msg), fmt, args);
	n = strlen(ld->cyaml_msg);
	while (n && ld->cyaml_msg[n - 1] == '\n')
		ld->cyaml_msg[--n] = '\0';
}

void sw_config_default(struct sw_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->log_level = SW_LOG_INFO;
	cfg->capture = SW_CAPTURE_XDP;
	cfg->xdp_mode = SW_CONFIG_XDP_NATIVE;
	sw_flow_table_default_cfg(&cfg->flows);
	sw_decode_default_cfg(&cfg->decode);
	sw_detect_default_cfg(&cfg->detect);
}

void sw_config_release(struct sw_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->n_outputs; i++)
		free(cfg->outputs[i]);
	free(cfg->outputs);
	free(cfg->interfaces);
	sw_detect_cfg_release(&cfg->detect);
	cfg->outputs = NULL;
	cfg->interfaces = NULL;
	cfg->n_outputs = cfg->n_interfaces = 0;
}

void sw_config_free(struct sw_config *cfg)
{
	sw_config_release(cfg);
	free(cfg);
}

struct sw_config *sw_config_load_data(const char *name, const void *data,
				      size_t len, char *errbuf)
{
	struct loader ld = { .name = name, .errbuf = errbuf };
	const cyaml_config_t cy = {
		.log_fn = cyaml_capture,
		.log_ctx = &ld,
		.mem_fn = cyaml_mem,
		.log_level = CYAML_LOG_ERROR,
		.flags = CYAML_CFG_NO_ALIAS,
	};
	struct raw_top *raw = NULL;
	cyaml_err_t cerr;
	int rc;

	ld.cfg = calloc(1, sizeof(*ld.cfg));
	if (!ld.cfg) {
		rc = -ENOMEM;
		goto cleanup;
	}
	sw_config_default(ld.cfg);
	snprintf(ld.cfg->source, sizeof(ld.cfg->source), "%s", name);
	if (len > SW_CONFIG_FILE_MAX) {
		rc = sw_cfg_fail(
			&ld, 0, NULL,
			"expected a config of at most %u bytes, got %zu",
			SW_CONFIG_FILE_MAX, len);
		goto cleanup;
	}

	rc = sw_cfg_walk(&ld, data, len, &top_schema);
	if (rc <= 0)
		goto cleanup;

	ld.cyaml_msg[0] = '\0';
	cerr = cyaml_load_data(data, len, &cy, &top_schema,
			       (cyaml_data_t **)&raw, NULL);
	if (cerr != CYAML_OK || !raw) {
		/* The walk checked the shape, so this is not expected. */
		rc = sw_cfg_fail(&ld, 0, NULL, "libcyaml: %s%s%s",
				 cyaml_strerror(cerr),
				 ld.cyaml_msg[0] ? ": " : "", ld.cyaml_msg);
		if (cerr == CYAML_ERR_OOM)
			rc = -ENOMEM;
		goto cleanup;
	}
	rc = convert(&ld, raw);
	if (rc)
		goto cleanup;
	ld.cfg->detect.rules = ld.rules;
	ld.cfg->detect.n_rules = ld.n_rules;
	ld.rules = NULL;

cleanup:
	if (raw)
		cyaml_free(&cy, &top_schema, raw, 0);
	if (ld.seen || ld.doc.nodes.start)
		yaml_document_delete(&ld.doc);
	free(ld.seen);
	free(ld.lines);
	free(ld.rules);
	if (rc < 0) {
		if (rc == -ENOMEM)
			snprintf(errbuf, SW_CONFIG_ERRBUF_SIZE,
				 "%s: out of memory", name);
		sw_config_free(ld.cfg);
		errno = -rc;
		return NULL;
	}
	return ld.cfg;
}

struct sw_config *sw_config_load(const char *path, char *errbuf)
{
	struct sw_config *cfg = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int err = 0;

	fp = fopen(path, "rb");
	if (!fp) {
		err = errno;
		snprintf(errbuf, SW_CONFIG_ERRBUF_SIZE, "%s: %s", path,
			 strerror(err));
		goto cleanup;
	}
	buf = malloc(SW_CONFIG_FILE_MAX + 1);
	if (!buf) {
		err = ENOMEM;
		snprintf(errbuf, SW_CONFIG_ERRBUF_SIZE, "%s: %s", path,
			 strerror(err));
		goto cleanup;
	}
	len = fread(buf, 1, SW_CONFIG_FILE_MAX + 1, fp);
	if (ferror(fp)) {
		err = errno ? errno : EIO;
		snprintf(errbuf, SW_CONFIG_ERRBUF_SIZE, "%s: %s", path,
			 strerror(err));
		goto cleanup;
	}
	cfg = sw_config_load_data(path, buf, len, errbuf);
	if (!cfg)
		err = errno;

cleanup:
	if (fp)
		fclose(fp);
	free(buf);
	errno = err;
	return cfg;
}
