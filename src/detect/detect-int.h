/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The detector's private state, shared by detect-setup.c (creation and
 * reconfiguration), detect.c (events and the tables they update),
 * detect-alert.c (the lifecycle of client alerts), detect-rules.c (features
 * and rules), detect-campaign.c (groups of clients) and detect-hosts.c.
 * Every table is preallocated at a fixed capacity.
 *
 * Calls between these files run one way only: setup -> events -> alert ->
 * campaign -> rules, hosts (and the inline open-alert list below).
 */
#ifndef SW_DETECT_INT_H
#define SW_DETECT_INT_H

#include <string.h>

#include "detect.h"
#include "sketch.h"

#define NIL UINT32_MAX
#define NS_PER_S 1000000000ULL

/* Time bins: 5 s each, 120 of them (ten minutes of history, the longest
 * intensity scale). */
#define BIN_NS (5 * NS_PER_S)
#define NBINS 120
/* Epochs of breadth, timing and response sizes: the current and the
 * previous one make a window of 5 to 10 minutes. */
#define EPOCH_NS (300 * NS_PER_S)
#define BREADTH_WINDOW_S 600
#define BITMAP_WORDS 32 /* 1024-bit linear-counting bitmaps */
#define SIZE_BUCKETS 32 /* log2 histogram of response sizes */

#define EVAL_NS (1 * NS_PER_S) /* a client is scored at most this often */
#define GROUP_EVAL_NS (5 * NS_PER_S)
/* An open campaign that gains members tells of them this soon, rather
 * than at its next update_interval (docs/detection.md, lifecycle). */
#define MEMBER_UPDATE_NS (10 * NS_PER_S)
#define SWEEP_NS (1 * NS_PER_S)
#define GROUP_MEMBERS_MAX 256
#define FLOWS_PER_CLIENT 4 /* flow table of tracked clients, per slot */
#define BULK_RESPONSE_BYTES (1ull << 20)

struct det_bin {
	uint16_t turns;
	uint16_t conns;
	uint16_t bulk; /* unused */
	uint16_t pad;
};

struct det_epoch {
	uint64_t idx; /* ts / EPOCH_NS */
	uint32_t paths[BITMAP_WORDS]; /* distinct non-asset request targets */
	uint32_t requests, documents, assets;
	uint32_t n_int; /* inter-request intervals */
	double int_mean, int_m2; /* Welford, seconds */
	uint16_t sizes[SIZE_BUCKETS];
};

/* An open alert's lifecycle. */
struct det_alert {
	uint8_t open;
	uint8_t active_since_emit;
	uint32_t score, emitted_score, max_score;
	uint32_t mask, emitted_mask; /* bits of fired rules */
	uint64_t seq, start_ns, last_emit_ns;
	uint32_t next_open, prev_open; /* list of open alerts */
};

enum ua_class {
	UA_NONE = 0,
	UA_BROWSER = 1,
	UA_SCRIPT = 2, /* library, crawler or automation */
};

enum ua_os {
	OS_UNKNOWN = 0,
	OS_WINDOWS,
	OS_APPLE,
	OS_LINUX,
	OS_ANDROID,
};

/* A sequence of SYN source ports from one address to one server, the
 * mark of one host (detect-hosts.c). */
struct det_portseq {
	uint16_t port; /* the newest */
	uint16_t syns;
	uint32_t dest; /* hash of the server address and port */
	uint64_t first_ns, last_ns;
};

#define HOST_SEQS 12 /* port sequences followed per client */

struct det_client {
	struct sw_det_addr addr;
	uint8_t hosts; /* most hosts seen at once behind the address */
	uint8_t used;
	uint8_t exempt;
	uint8_t ua_class; /* enum ua_class: the most telling seen */
	uint8_t ua_os; /* OS the browser User-Agent claims */
	uint8_t tls_lib, tls_browser; /* hellos of each kind seen */
	uint8_t transport;
	uint8_t fp_grouped;
	uint32_t hnext;
	uint32_t gen; /* bumped on reuse: flows of an old owner are stale */
	uint32_t groups[2]; /* prefix group, fingerprint group */
	uint64_t first_ns, last_ns, session_ns, last_turn_ns, last_eval_ns;
	uint64_t bin_last; /* bin number of the latest bin written */
	struct det_bin bins[NBINS];
	struct det_epoch ep[2]; /* [0] current, [1] previous */
	uint64_t turns, conns, down, up, requests, documents, assets;
	uint32_t last_score, last_mask; /* latest evaluation */
	float peak[SW_PEAKS]; /* largest feature values seen (sw_peak) */
	uint8_t dest[16];
	uint16_t dest_port;
	uint8_t dest_family;
	uint8_t ja3[33];
	char ja4[40];
	uint8_t sni_len;
	uint8_t sni[64];
	uint16_t ua_len;
	uint8_t ua[SW_UA_KEEP];
	char syn_sig[96];
	char os_class[16];
	struct det_alert alert;
	struct det_portseq seqs[HOST_SEQS];
	/* Connections that delivered a large response lately. */
	struct {
		uint32_t flow;
		uint64_t ts;
	} bulk[8];
};

struct det_flow {
	struct sw_flow_key key;
	uint32_t client, gen;
	uint32_t hnext;
	uint32_t last_turns;
	uint8_t used;
	uint8_t skip; /* handshake turns still to skip */
	uint8_t watch; /* enum flow_watch */
	uint8_t conn_counted; /* counted as a connection of its client */
	uint8_t has_resp; /* a counted turn awaits its response's size */
	uint8_t sized; /* a response size of this flow was recorded */
	uint32_t counted; /* turns counted on this flow */
	uint64_t last_down, last_up, last_ns;
	uint64_t turn_down; /* download at the latest counted turn */
	uint64_t base_down; /* download before the first counted turn */
};

enum flow_watch {
	WATCH_YES = 0,
	WATCH_UNKNOWN = 1, /* waiting for SNI or Host */
	WATCH_NO = 2,
};

enum group_kind {
	GROUP_PREFIX = 1,
	GROUP_FP = 2,
};

struct det_member {
	struct sw_det_addr addr;
	uint32_t client, gen;
	uint8_t participant; /* once seen harvesting with automation */
	uint8_t reported; /* listed in an alert event of the group */
	uint64_t first_ns, last_ns;
};

struct det_group {
	uint8_t used;
	uint8_t kind;
	uint8_t prefix_len;
	uint32_t hnext;
	uint64_t key_hash;
	struct sw_det_addr prefix;
	char key[200]; /* fingerprint tuple, printable */
	uint64_t first_ns, last_ns, last_eval_ns;
	uint64_t ep_idx[2];
	uint32_t paths[2][BITMAP_WORDS];
	uint32_t n_members;
	struct det_member m[GROUP_MEMBERS_MAX];
	uint32_t last_score;
	struct det_alert alert;
};

struct det_rule {
	int enabled;
	double threshold;
	double points;
};

/* Rule indices; IDs and defaults are in detect-rules.c. */
enum rule_idx {
	R_RATE = 0, /* SW-R001 */
	R_RATE_HIGH, /* SW-R002 */
	R_CONN_CHURN, /* SW-R003 */
	R_NO_PAUSE, /* SW-R004 */
	R_BREADTH, /* SW-R005 */
	R_NO_ASSETS, /* SW-R006 */
	R_SCRIPT_UA, /* SW-R007 */
	R_LIB_TLS, /* SW-R008 */
	R_MISMATCH, /* SW-R009 */
	R_REGULAR, /* SW-R010 */
	R_PARALLEL_BULK, /* SW-R011 */
	R_PROGRAM_NO_PAUSE, /* SW-R012 */
	R_INTENSITY_15, /* SW-R013 */
	R_INTENSITY_60, /* SW-R014 */
	R_INTENSITY_180, /* SW-R015 */
	R_INTENSITY_600, /* SW-R016 */
	C_RATE, /* SW-C001 */
	C_BREADTH, /* SW-C002 */
	C_AUTOMATION, /* SW-C003 */
	C_SHARED_FP, /* SW-C004 */
	C_NO_PAUSE, /* SW-C005 */
	R_COUNT,
};

/* Rules that say "a program, not a person" on their own evidence: the
 * members of a campaign must show them (SW-C003). Regular timing is not
 * one: media players are regular too. */
#define AUTOMATION_MASK                                                     \
	((1u << R_CONN_CHURN) | (1u << R_NO_ASSETS) | (1u << R_SCRIPT_UA) | \
	 (1u << R_LIB_TLS) | (1u << R_MISMATCH) | (1u << R_NO_PAUSE) |      \
	 (1u << R_PROGRAM_NO_PAUSE))
/* The client's own fingerprint or connection habit names a program:
 * SW-R012 needs one of these next to its minute without a pause. */
#define PROGRAM_MASK                                                      \
	((1u << R_CONN_CHURN) | (1u << R_SCRIPT_UA) | (1u << R_LIB_TLS) | \
	 (1u << R_MISMATCH))
/* Client rules that show harvesting behaviour on their own: sustained
 * requests, no pause, breadth, documents without assets. */
#define INTENSITY_MASK                                     \
	((1u << R_INTENSITY_15) | (1u << R_INTENSITY_60) | \
	 (1u << R_INTENSITY_180) | (1u << R_INTENSITY_600))
#define HARVEST_MASK                                               \
	((1u << R_RATE) | (1u << R_NO_PAUSE) | (1u << R_BREADTH) | \
	 (1u << R_NO_ASSETS) | (1u << R_PROGRAM_NO_PAUSE) | INTENSITY_MASK)
/* A response this size or smaller is a document (an HTML page, a JSON
 * page), not a media segment: a segment carries bitrate x duration, and
 * 32 KiB is 64 kbit/s audio for 4 s, the smallest usual HLS/DASH one. */
#define DOCUMENT_BYTES_MAX (32u << 10)

struct sw_detect {
	struct sw_detect_cfg cfg; /* arrays not owned: see exempt_* below */
	struct det_rule rules[R_COUNT];
	sw_alert_fn emit;
	void *ctx;
	struct sw_sketch *sketch;

	uint32_t n_clients, client_hmask, client_hand;
	struct det_client *clients;
	uint32_t *client_hash;
	uint32_t client_free; /* free list through hnext */
	uint32_t clients_used, flows_used, groups_used; /* slots handed out */

	uint32_t n_flows, flow_hmask, flow_hand;
	struct det_flow *flows;
	uint32_t *flow_hash;
	uint32_t flow_free;

	uint32_t n_groups, group_hmask, group_hand;
	struct det_group *groups;
	uint32_t *group_hash;
	uint32_t group_free;

	/* Open alerts: clients (index) and groups (index | GROUP_BIT). */
	uint32_t open_head;

	uint64_t now_ns, last_sweep_ns;
	uint64_t alert_seq;
	struct sw_detect_stats stats;

	/* Copies of the config's arrays, owned here. */
	struct sw_cidr *exempt_nets;
	struct sw_fp_pattern *exempt_fps;
	struct sw_service *services;
	char (*snis)[256];
};

#define GROUP_BIT 0x80000000u

/* detect-rules.c */
int det_rules_init(struct sw_detect *d, const struct sw_detect_cfg *cfg,
		   char *err, size_t errlen);
const char *det_rule_id(int r);
const char *det_rule_name(int r);
uint32_t det_rule_window(int r);
/* Score a client at time now: fills reasons, returns the score and sets
 * *mask to the fired rules. */
uint32_t det_client_score(struct sw_detect *d, struct det_client *c,
			  uint64_t now, struct sw_reason *reasons,
			  uint32_t *n_reasons, uint32_t *mask);
void det_client_counters(const struct det_client *c, uint64_t now,
			 struct sw_alert_counters *out);
/* Over the breadth window: median response size (0: none seen) and the
 * number of HTTP request heads seen (0 on TLS). */
void det_client_shape(const struct det_client *c, uint64_t now,
		      uint64_t *size_median, uint32_t *requests);
void det_classify_ua(struct det_client *c, const uint8_t *ua, uint32_t len);
int det_is_library_tls(const struct sw_detect_fp *fp);

/* Window helpers shared with campaigns. */
void det_bins_advance(struct det_bin *bins, uint64_t *bin_last, uint64_t now);
uint32_t det_bins_sum(const struct det_bin *bins, uint64_t bin_last,
		      uint64_t now, uint32_t nbins, int field, uint32_t *busy);
double det_bitmap_estimate(const uint32_t *a, const uint32_t *b);
uint32_t det_client_distinct(const struct det_client *c, uint64_t now);

/* detect-campaign.c */
void det_group_join(struct sw_detect *d, struct det_client *c, uint32_t ci,
		    int kind);
/* A member requested something at now: it and its groups are active. */
void det_group_turns(struct sw_detect *d, struct det_client *c, uint64_t now);
void det_group_path(struct sw_detect *d, struct det_client *c, uint64_t h,
		    uint64_t now);
void det_group_eval(struct sw_detect *d, uint32_t gi, uint64_t now);
void det_group_end(struct sw_detect *d, uint32_t gi, uint64_t now,
		   const char *why);

/* detect-hosts.c: a SYN from c's address with this source port went to the
 * server hashed as dest at now; updates c->hosts. */
void det_hosts_syn(struct det_client *c, uint16_t port, uint32_t dest,
		   uint64_t now);

/*
 * The list of open alerts, shared by the lifecycle of client alerts
 * (detect-alert.c) and of campaigns (detect-campaign.c). Inline here, below
 * both, so that neither file calls back into the other.
 */
static inline struct det_alert *det_open_alert(struct sw_detect *d, uint32_t id)
{
	if (id & GROUP_BIT)
		return &d->groups[id & ~GROUP_BIT].alert;
	return &d->clients[id].alert;
}

static inline void det_open_add(struct sw_detect *d, uint32_t id,
				struct det_alert *a)
{
	a->prev_open = NIL;
	a->next_open = d->open_head;
	if (d->open_head != NIL)
		det_open_alert(d, d->open_head)->prev_open = id;
	d->open_head = id;
}

static inline void det_open_del(struct sw_detect *d, struct det_alert *a)
{
	if (a->prev_open != NIL)
		det_open_alert(d, a->prev_open)->next_open = a->next_open;
	else
		d->open_head = a->next_open;
	if (a->next_open != NIL)
		det_open_alert(d, a->next_open)->prev_open = a->prev_open;
	a->prev_open = a->next_open = NIL;
}

/* Open alert a (id as in the list) at now with its first score. */
static inline void det_alert_open(struct sw_detect *d, uint32_t id,
				  struct det_alert *a, uint64_t now,
				  uint32_t score)
{
	memset(a, 0, sizeof(*a));
	a->open = 1;
	a->seq = ++d->alert_seq;
	a->start_ns = now;
	a->max_score = score;
	det_open_add(d, id, a);
	d->stats.alerts_started++;
}

/* Close alert a, once its end has been emitted. */
static inline void det_alert_close(struct sw_detect *d, struct det_alert *a)
{
	det_open_del(d, a);
	a->open = 0;
	d->stats.alerts_ended++;
}

/* detect-alert.c: the lifecycle of a client's alert. Score client ci at
 * now, and start, update or keep its alert (and evaluate its groups). */
void det_client_eval(struct sw_detect *d, uint32_t ci, uint64_t now);
/* End client ci's open alert, if any, for the reason why. */
void det_client_end(struct sw_detect *d, uint32_t ci, uint64_t ts,
		    const char *why);

/* detect.c: an address inside one of the exempt networks. */
int det_client_exempt_net(const struct sw_detect *d,
			  const struct sw_det_addr *a);

#endif /* SW_DETECT_INT_H */
