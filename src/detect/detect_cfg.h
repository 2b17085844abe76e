/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the detector can be told: capacities, alert lifecycle timing, rule
 * thresholds, exemptions and the protected services to watch. This is the
 * contract between the config loader (src/config/) and the detector
 * (src/detect/): the loader fills it from YAML, the detector reads it, and
 * sw_detect_default_cfg() gives values that work with no file at all.
 */
#ifndef SW_DETECT_CFG_H
#define SW_DETECT_CFG_H

#include <stddef.h>
#include <stdint.h>

#define SW_RULE_ID_MAX 16
#define SW_CFG_FP_MAX 128 /* longest fingerprint or User-Agent pattern */

/* An address prefix: 192.0.2.0/24, 2001:db8::/32. */
struct sw_cidr {
	uint8_t family; /* enum sw_family: 4 or 6 */
	uint8_t prefix_len; /* bits */
	uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes */
};

/* A protected service: server prefix and port (0: any port). */
struct sw_service {
	struct sw_cidr net;
	uint16_t port; /* host order; 0 matches every port */
};

/* Per-rule settings, keyed by the rule's stable ID. */
struct sw_rule_cfg {
	char id[SW_RULE_ID_MAX]; /* e.g. "SW-R001" */
	int enabled; /* 0 turns the rule off */
	double threshold; /* unit is the rule's own (see docs/detection.md) */
	double points; /* score added when the rule fires, 0..100 */
};

/* What kind of fingerprint an allowlist entry matches. */
enum sw_fp_kind {
	SW_FP_JA4 = 1, /* exact tls.client.ja4 */
	SW_FP_JA3 = 2, /* exact tls.client.ja3 (MD5 hex) */
	SW_FP_TCP_SIG = 3, /* exact p0f raw signature */
	SW_FP_USER_AGENT = 4, /* substring of user_agent.original */
};

struct sw_fp_pattern {
	uint8_t kind; /* enum sw_fp_kind */
	char value[SW_CFG_FP_MAX];
};

struct sw_detect_cfg {
	/* Bounded state. */
	uint32_t client_capacity; /* clients with full per-client state */
	uint32_t sketch_capacity; /* heavy-hitter (Space-Saving) counters */
	uint64_t memory_cap_bytes; /* detector memory never exceeds this */

	/* Alerts. */
	uint32_t alert_score; /* a client or campaign alerts at this score */
	uint32_t
		update_interval_s; /* at most one update per alert this often */
	uint32_t end_after_s; /* quiet this long: the alert ends */

	/* Campaign grouping. */
	uint8_t campaign_prefix4; /* IPv4 prefix length, default 24 */
	uint8_t campaign_prefix6; /* IPv6 prefix length, default 48 */
	uint32_t campaign_min_members; /* fewer members: no campaign */

	/* Rules; the detector knows the IDs and rejects unknown ones. */
	size_t n_rules;
	struct sw_rule_cfg *rules; /* malloc'd */

	/* Exemptions: these clients are never scored. */
	size_t n_exempt_nets;
	struct sw_cidr *exempt_nets; /* malloc'd */
	size_t n_exempt_fps;
	struct sw_fp_pattern *exempt_fps; /* malloc'd */

	/* Protected services; none listed means every service is watched. */
	size_t n_services;
	struct sw_service *services; /* malloc'd */
	size_t n_snis;
	char (*snis)[256]; /* malloc'd; exact server names, lowercase */

	/* Added with the detector (src/detect/detect.c). */
	uint32_t campaign_history_s; /* members stay this long after going
				      * quiet, so rotated addresses join */
	uint32_t admit_events; /* events a client must certainly have sent
				* (sketch count minus error) for full state */
	int per_host_volume; /* volume rules judge the average host when
			      * several share the client's address */
};

/* Defaults that work with no config file; frees nothing. */
void sw_detect_default_cfg(struct sw_detect_cfg *cfg);
/* Free the arrays of a config filled by the loader or the defaults. */
void sw_detect_cfg_release(struct sw_detect_cfg *cfg);

#endif /* SW_DETECT_CFG_H */
