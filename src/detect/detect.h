/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The scraper detector: per-client behaviour over sliding windows driven by
 * packet time, rules with stable IDs whose contributions add up to a 0-100
 * score, campaigns over address prefixes and fingerprint tuples, and the
 * alert lifecycle (start, update, end). docs/detection.md explains every
 * rule and feature.
 *
 * Inputs are events, so every capture mode can feed the same detector:
 *
 *  - sw_detect_flow_start(): the first packet of a flow.
 *  - sw_detect_flow_syn(): the same when that packet is the client's SYN:
 *    the source ports of SYNs count the hosts behind a shared address.
 *  - sw_detect_flow_progress(): a running snapshot of a flow's accounting
 *    (request turns, bytes each way, packet time). The detector keeps the
 *    previous snapshot of each flow of a tracked client and works out the
 *    deltas itself: new turns, and the bytes the client received between
 *    turns, which is the size of the previous response. The userspace
 *    pipeline calls it on every client packet with payload (the only
 *    packets that can start a turn); the XDP path can call it from its
 *    periodic map sweeps with the running totals, and turns that arrive
 *    several at once are spread over the interval.
 *  - sw_detect_flow_end(): the final snapshot, when the flow leaves the
 *    table.
 *  - sw_detect_flow_fp(): what the heads said about a flow (TLS ClientHello
 *    facts, SYN signature and OS class).
 *  - sw_detect_http(): one parsed cleartext HTTP request head.
 *  - sw_detect_advance(): packet time moved; ends quiet alerts. Every other
 *    entry point advances time as well.
 *  - sw_detect_finish(): end of input; every open alert ends.
 *
 * Flows are named by their sw_flow_key and which endpoint is the client,
 * as in the kernel contract, so records from the XDP maps and ring buffer
 * need no translation. Events must come in packet-time order, give or take
 * the reordering of one capture.
 *
 * Alerts leave through a callback as struct sw_alert, valid only during the
 * call; output-json-alert.c turns them into ECS records.
 */
#ifndef SW_DETECT_H
#define SW_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "detect/detect-counters.h"
#include "detect/detect_cfg.h"
#include "detect/sketch.h"
#include "scrapewatch/flow_kern_user.h"

/* A running snapshot of one flow's accounting. */
struct sw_detect_snap {
	uint64_t ts_ns; /* packet time of the snapshot */
	uint32_t turns; /* request turns so far */
	uint64_t up_bytes; /* unique payload client -> server so far */
	uint64_t down_bytes; /* unique payload server -> client so far */
	uint8_t tls_hint; /* the client's stream opens with a TLS handshake
			   * record (first payload byte 22) or a QUIC
			   * Initial: its first turns are the handshake */
};

/* What the heads said about a flow; empty strings when not seen. */
struct sw_detect_fp {
	uint8_t has_tls; /* a ClientHello was read */
	uint8_t tls_grease; /* its cipher list carried GREASE */
	uint8_t tls_alpn_h2; /* its first ALPN value is "h2" */
	uint8_t quic; /* the ClientHello came over QUIC */
	const char *ja3; /* 32 hex */
	const char *ja4;
	const uint8_t *sni; /* raw wire bytes */
	uint32_t sni_len;
	const char *syn_sig; /* p0f raw signature of the client's SYN */
	const char *os_class; /* OS class of that SYN */
};

/* One cleartext HTTP request head; strings are raw wire bytes. */
struct sw_detect_http {
	uint64_t path_hash; /* hash of the path without the query */
	uint8_t kind; /* enum sw_http_kind */
	const uint8_t *ua; /* NULL if no User-Agent */
	uint32_t ua_len;
	const uint8_t *host; /* Host header, for the protected names */
	uint32_t host_len;
};

/* One contribution to a score. */
struct sw_reason {
	const char *id; /* stable rule ID, e.g. "SW-R001" */
	const char *name; /* short description */
	double observed;
	double threshold;
	uint32_t window_s; /* 0: the whole session */
	double points;
	double member_max; /* campaigns: largest single member's value */
	uint8_t has_member_max;
};

#define SW_REASONS_MAX 24
#define SW_UA_KEEP 160 /* bytes of a User-Agent kept per client */

enum sw_alert_kind {
	SW_ALERT_CLIENT = 1,
	SW_ALERT_CAMPAIGN_PREFIX = 2,
	SW_ALERT_CAMPAIGN_FP = 3,
};

enum sw_alert_action {
	SW_ACTION_START = 1,
	SW_ACTION_UPDATE = 2,
	SW_ACTION_END = 3,
};

/* Counters of a client (or the sum over a campaign's members). */
struct sw_alert_counters {
	uint64_t turns; /* request turns in the session */
	uint64_t connections;
	uint64_t down_bytes;
	uint64_t up_bytes;
	uint64_t http_requests, documents, assets;
	uint32_t distinct_paths; /* estimate, last 10 minutes */
	double session_s;
	double turns_per_min; /* last minute */
	double interval_mean_s, interval_cv;
	uint64_t response_median_bytes, response_p90_bytes;
};

/* An alert event, valid during the callback only. */
struct sw_alert {
	uint8_t kind; /* enum sw_alert_kind */
	uint8_t action; /* enum sw_alert_action */
	uint64_t ts_ns; /* packet time that caused the event */
	uint64_t start_ns; /* when the alert started */
	uint64_t alert_seq; /* per run, identifies the alert across events */
	uint32_t score; /* 0-100 */
	const char *rule_id, *rule_name;
	struct sw_det_addr source; /* client alerts */
	uint8_t hosts; /* most hosts seen at once behind the address (0, 1:
			* one, or none told apart) */
	uint32_t n_related;
	const struct sw_det_addr *related; /* client, or every member */
	/* The service most used (client alerts). */
	struct sw_det_addr dest;
	uint16_t dest_port;
	uint8_t transport; /* SW_IPPROTO_TCP / _UDP, 0 unknown */
	const char *ja3, *ja4; /* NULL or empty when unknown */
	const uint8_t *sni;
	uint32_t sni_len;
	const uint8_t *ua;
	uint32_t ua_len;
	const char *syn_sig, *os_class;
	uint32_t n_reasons;
	const struct sw_reason *reasons;
	struct sw_alert_counters counters;
	/* Campaigns. */
	struct sw_det_addr prefix; /* network address */
	uint8_t prefix_len;
	const char *group_key; /* fingerprint campaigns: the tuple */
	uint32_t members_active; /* participants active in the last 5 min */
	uint32_t members_seen; /* every address of the group in history */
	const char *end_reason; /* "quiet", "end_of_input", "evicted" */
};

typedef void (*sw_alert_fn)(const struct sw_alert *a, void *ctx);

/* The detector's counters: the fields are those of SW_DETECT_COUNTERS
 * (detect-counters.h), which documents each. */
struct sw_detect_stats {
#define SW_DETECT_COUNTER_FIELD(field, ctype, key, metric, type, help) \
	ctype field;
	SW_DETECT_COUNTERS(SW_DETECT_COUNTER_FIELD)
#undef SW_DETECT_COUNTER_FIELD
};

struct sw_detect;

/*
 * Validate cfg (unknown rule IDs, bad values) and allocate every table up
 * front, sized to fit cfg->memory_cap_bytes. NULL with errno set; err
 * (errlen bytes) then says why, naming the key or rule.
 */
struct sw_detect *sw_detect_new(const struct sw_detect_cfg *cfg,
				sw_alert_fn emit, void *ctx, char *err,
				size_t errlen);
void sw_detect_free(struct sw_detect *d);

/*
 * What sw_detect_new() allocates whatever the traffic: the sketch of that
 * many counters and the tables of the smallest client set it shrinks to.
 * A memory cap below this is refused (the config loader checks it).
 */
size_t sw_detect_fixed_bytes(uint32_t sketch_capacity);

/*
 * Swap in new thresholds, points, rule switches, alert timing, exemptions
 * and watched services (SIGHUP) without dropping any client, flow, group
 * or open alert. Sizes fixed at creation (client_capacity,
 * sketch_capacity, memory_cap_bytes, campaign prefix lengths) keep their
 * old values: 1 when cfg asked to change one of them (err then names
 * them), else 0. -EINVAL (bad rule settings) or -ENOMEM with err set, and
 * nothing changed. Prefix exemptions are re-applied to the clients
 * tracked now: a newly exempt client stops scoring and its open alert
 * ends by quiet; campaign membership of tracked clients is left as is.
 */
int sw_detect_reconfigure(struct sw_detect *d, const struct sw_detect_cfg *cfg,
			  char *err, size_t errlen);

/*
 * Check the rule settings of cfg without building a detector: 0, or
 * -EINVAL with err naming the rule. The config loader may call it.
 */
int sw_detect_check_cfg(const struct sw_detect_cfg *cfg, char *err,
			size_t errlen);

void sw_detect_flow_start(struct sw_detect *d, const struct sw_flow_key *key,
			  int client_is_b, uint64_t ts_ns);
void sw_detect_flow_syn(struct sw_detect *d, const struct sw_flow_key *key,
			int client_is_b, uint64_t ts_ns);
void sw_detect_flow_progress(struct sw_detect *d, const struct sw_flow_key *key,
			     int client_is_b, const struct sw_detect_snap *s);
void sw_detect_flow_end(struct sw_detect *d, const struct sw_flow_key *key,
			int client_is_b, const struct sw_detect_snap *s);
void sw_detect_flow_fp(struct sw_detect *d, const struct sw_flow_key *key,
		       int client_is_b, uint64_t ts_ns,
		       const struct sw_detect_fp *fp);
void sw_detect_http(struct sw_detect *d, const struct sw_flow_key *key,
		    int client_is_b, uint64_t ts_ns,
		    const struct sw_detect_http *req);
void sw_detect_advance(struct sw_detect *d, uint64_t ts_ns);
void sw_detect_finish(struct sw_detect *d);

const struct sw_detect_stats *sw_detect_stats(const struct sw_detect *d);

/*
 * The largest value each behaviour feature reached for one client over the
 * run, sampled at every evaluation. Thresholds are derived from the peaks
 * of benign clients (scripts/eval/derive.py; docs/detection.md, "Where
 * the thresholds come from"). Intensity at a scale is the requests in that
 * window beyond its busiest third of 5 s bins (at least two), so page loads
 * with reading between them are left out wherever they fall.
 */
enum sw_peak {
	SW_PEAK_INTENSITY_15 = 0,
	SW_PEAK_INTENSITY_60,
	SW_PEAK_INTENSITY_180,
	SW_PEAK_INTENSITY_600,
	SW_PEAK_TURNS_60, /* requests in 60 s */
	SW_PEAK_BUSY_60, /* share of the 12 bins of 60 s with requests */
	SW_PEAK_BUSY_180, /* share of the 36 bins of 180 s */
	SW_PEAK_CONNS_60, /* new connections in 60 s */
	SW_PEAKS,
};

/* The names of the peaks in reports ("intensity_15", ...). */
extern const char *const sw_peak_names[SW_PEAKS];

/* Copy a tracked client's peaks into out: 0, or -ENOENT if the detector
 * does not track that address (never admitted, or evicted). */
int sw_detect_client_peaks(const struct sw_detect *d,
			   const struct sw_det_addr *a, double out[SW_PEAKS]);

/* Rule catalogue, for docs and tests. */
struct sw_rule_info {
	const char *id;
	const char *name;
	double threshold; /* default */
	double points; /* default */
	uint32_t window_s;
	const char *unit;
};
size_t sw_detect_rules(const struct sw_rule_info **rules);

/* FNV-1a over a path up to '?' or '#': the key of distinct-path counts. */
uint64_t sw_detect_path_hash(const uint8_t *path, size_t len);

#endif /* SW_DETECT_H */
