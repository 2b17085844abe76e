/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to src/config/: the loader's state shared by the document walk
 * (config-walk.c), the value parsers (config-values.c) and the conversion
 * into struct sw_config (config.c).
 */
#ifndef SW_CONFIG_INT_H
#define SW_CONFIG_INT_H

#include <stddef.h>
#include <stdint.h>

#include <cyaml/cyaml.h>
#include <yaml.h>

#include "config/config.h"

#define NS_PER_MS 1000000ULL
#define NS_PER_S 1000000000ULL
#define PATH_MAX_LEN 128
#define RULES_MAX 256

/* The decode: section as libcyaml reads it: every leaf a string. */
struct raw_decode {
	char **tunnels;
	unsigned tunnels_count;
	char **vxlan_ports;
	unsigned vxlan_ports_count;
	char **geneve_ports;
	unsigned geneve_ports_count;
	char *max_depth;
	char *tunnel_key;
	char *mpls_pseudowire;
};

struct key_line {
	char path[PATH_MAX_LEN];
	unsigned line; /* 1-based */
	int null; /* a plain empty, ~ or null scalar */
};

struct loader {
	const char *name;
	char *errbuf;
	yaml_document_t doc;
	unsigned char *seen; /* per node: reached once already */
	size_t n_nodes;
	struct key_line *lines;
	size_t n_lines, cap_lines;
	struct sw_rule_cfg *rules;
	size_t n_rules;
	struct sw_config *cfg;
	char cyaml_msg[256]; /* libcyaml's first error line */
};

/* Messages: each returns -EINVAL after writing ld->errbuf. */
__attribute__((format(printf, 4, 5))) int sw_cfg_fail(struct loader *ld,
						      unsigned line,
						      const char *path,
						      const char *fmt, ...);
/* "FILE:LINE: PATH: expected X, got "RAW"" (raw NULL: "got nothing"). */
int sw_cfg_bad_value(struct loader *ld, const char *path, const char *raw,
		     const char *expected);
const struct key_line *sw_cfg_find_line(const struct loader *ld,
					const char *path);

/*
 * Walk the document against the schema, recording lines and reading
 * detect.rules. 1: a mapping to load; 0: an empty document; <0: error.
 */
int sw_cfg_walk(struct loader *ld, const void *data, size_t len,
		const cyaml_schema_value_t *top_schema);

/* config-decode.c: the decode: section into ld->cfg. */
int sw_cfg_conv_decode(struct loader *ld, const struct raw_decode *raw);

/* Value syntaxes: 0 or -EINVAL unless said otherwise. */
int sw_cfg_parse_u64(const char *s, const char **end, uint64_t *out);
int sw_cfg_parse_bool(const char *s, int *out);
int sw_cfg_parse_real(const char *s, double lo, double hi, double *out);
/* NULL if fine, else why: "syntax", "host bits" (hint: the network) or
 * "port". */
const char *sw_cfg_cidr_parse(const char *s, struct sw_cidr *out, char *hint,
			      size_t hintlen);
const char *sw_cfg_service_parse(const char *s, struct sw_service *out,
				 char *hint, size_t hintlen);
/* Predicates: 1 if the text is acceptable. */
int sw_cfg_rule_id_ok(const char *s, size_t len);
int sw_cfg_ja4_ok(const char *s);
int sw_cfg_ja3_ok(const char *s);
int sw_cfg_tcp_sig_ok(const char *s);
int sw_cfg_ua_ok(const char *s);
int sw_cfg_sni_ok(const char *s);
int sw_cfg_ifname_ok(const char *s);
int sw_cfg_user_ok(const char *s);
int sw_cfg_listen_ok(const char *s);
int sw_cfg_output_ok(const char *s);

/* The raw config as libcyaml loads it (config.c): every leaf a string,
 * converted in step 3. */
struct raw_general {
	char *log_level;
	char *run_as;
};

struct raw_live {
	char **interfaces;
	unsigned interfaces_count;
	char *capture;
	char *xdp_mode;
	char *pcap_filter;
	char *pcap_buffer;
};

struct raw_metrics {
	char *listen;
};

struct raw_timeouts {
	char *tcp_new;
	char *tcp_established;
	char *tcp_closing;
	char *tcp_closed;
	char *udp;
};

struct raw_flows {
	char *max_flows;
	struct raw_timeouts timeouts;
	char *udp_turn_gap;
};

struct raw_campaign {
	char *prefix4;
	char *prefix6;
	char *min_members;
	char *history;
};

struct raw_exempt {
	char **cidrs;
	unsigned cidrs_count;
	char **ja4;
	unsigned ja4_count;
	char **ja3;
	unsigned ja3_count;
	char **tcp_signatures;
	unsigned tcp_signatures_count;
	char **user_agents;
	unsigned user_agents_count;
};

struct raw_services {
	char **servers;
	unsigned servers_count;
	char **sni;
	unsigned sni_count;
};

struct raw_detect {
	char *client_capacity;
	char *sketch_capacity;
	char *memory_cap;
	char *alert_score;
	char *update_interval;
	char *end_after;
	char *admit_events;
	char *per_host_volume;
	struct raw_campaign campaign;
	struct raw_exempt exempt;
	struct raw_services services;
};

struct raw_top {
	struct raw_general general;
	char **outputs;
	unsigned outputs_count;
	struct raw_live live;
	struct raw_metrics metrics;
	struct raw_flows flows;
	struct raw_detect detect;
	struct raw_decode decode;
};

/* config-conv.c: raw strings into values (step 3). */
/* A plain ~ / null / empty scalar with its key present reads as "". */
const char *sw_cfg_value_of(struct loader *ld, const char *path,
			    const char *raw);
int sw_cfg_conv_uint(struct loader *ld, const char *path, const char *raw,
		     uint64_t lo, uint64_t hi, uint64_t *out);
int sw_cfg_conv_u32(struct loader *ld, const char *path, const char *raw,
		    uint32_t lo, uint32_t hi, uint32_t *out);
int sw_cfg_conv_u8(struct loader *ld, const char *path, const char *raw,
		   uint8_t lo, uint8_t hi, uint8_t *out);
int sw_cfg_conv_bool(struct loader *ld, const char *path, const char *raw,
		     int *out);
void sw_cfg_fmt_duration(uint64_t ns, char *buf, size_t len);
int sw_cfg_conv_duration(struct loader *ld, const char *path, const char *raw,
			 uint64_t lo_ns, uint64_t hi_ns, int whole_s,
			 uint64_t *out_ns);
int sw_cfg_conv_seconds(struct loader *ld, const char *path, const char *raw,
			uint32_t lo_s, uint32_t hi_s, uint32_t *out_s);
int sw_cfg_conv_enum(struct loader *ld, const char *path, const char *raw,
		     const char *const *names, unsigned n, uint8_t *out);

#endif /* SW_CONFIG_INT_H */
