/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The scrapewatch configuration: one YAML file (docs/config.md, annotated
 * example in etc/scrapewatch.yaml) turned into one struct sw_config.
 *
 * Loading is all or nothing: sw_config_load() returns a new, fully
 * validated struct or NULL with the first error in errbuf, written as
 * "FILE:LINE: KEY: expected ..., got ...". It never touches a config that
 * is already in use, so a reload (SIGHUP) loads into a fresh struct and
 * swaps the pointer only on success; a bad file leaves the old one in force.
 */
#ifndef SW_CONFIG_H
#define SW_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "base/log.h" /* enum sw_log_level */
#include "detect/detect_cfg.h"
#include "track/flow_table.h"

#define SW_CONFIG_ERRBUF_SIZE 512
#define SW_CONFIG_FILE_MAX (1u << 20) /* bytes; a config is small */
#define SW_CONFIG_LIST_MAX 4096 /* entries in any one list */
#define SW_CONFIG_IFNAME_MAX 16 /* IFNAMSIZ, NUL included */
#define SW_CONFIG_USER_MAX 33 /* login name, NUL included */
#define SW_CONFIG_ADDR_MAX 64 /* "[v6addr]:port", NUL included */

enum sw_capture_kind {
	SW_CAPTURE_XDP = 0,
	SW_CAPTURE_AFXDP = 1,
	SW_CAPTURE_DPDK = 2,
	SW_CAPTURE_PCAP = 3,
};

enum sw_config_xdp_mode {
	SW_CONFIG_XDP_NATIVE =
		0, /* driver mode; attaching fails if unsupported */
	SW_CONFIG_XDP_GENERIC = 1, /* skb mode, any interface, slower */
};

struct sw_config {
	/* general: */
	uint8_t log_level; /* enum sw_log_level (live) */
	char run_as[SW_CONFIG_USER_MAX]; /* "": keep the starting user */

	/* outputs: sink URIs; none given means stdout. */
	size_t n_outputs;
	char **outputs; /* malloc'd strings */

	/* live: what to capture on, and how (flags override). */
	size_t n_interfaces;
	char (*interfaces)[SW_CONFIG_IFNAME_MAX]; /* malloc'd */
	uint8_t capture; /* enum sw_capture_kind */
	uint8_t xdp_mode; /* enum sw_config_xdp_mode */
	char pcap_filter[1024]; /* pcap: BPF filter, "" none */
	uint32_t pcap_buffer_bytes; /* pcap: kernel buffer, 0 default */

	/* metrics: "" is off. */
	char metrics_listen[SW_CONFIG_ADDR_MAX]; /* "127.0.0.1:9909" */

	/* decode: tunnels (docs/config.md). decode_tunnels_set: the file
	 * listed decode.tunnels, so no capture mode's default applies. */
	struct sw_decode_cfg decode;
	uint8_t decode_tunnels_set;

	/* flows: the userspace flow table. */
	struct sw_flow_table_cfg flows;

	/*
	 * detect: the detector. Every rules[] entry names a rule the
	 * detector knows; a threshold or points not set in the file holds
	 * the rule's own default (from sw_detect_rules()).
	 */
	struct sw_detect_cfg detect;

	/* Where it came from: the path given, or "" for the defaults. */
	char source[256];
	/*
	 * Keys set in the file that no command of this build reads yet,
	 * comma-separated ("" if none): check-config says so rather than
	 * accepting them silently.
	 */
	char unread[128];
};

/* Fill cfg with the defaults that work with no file at all. */
void sw_config_default(struct sw_config *cfg);

/*
 * Load and validate a YAML config file. Returns a new config (free with
 * sw_config_free()), or NULL with errno set and the reason in errbuf
 * (SW_CONFIG_ERRBUF_SIZE bytes). Keys not in the file keep their defaults.
 */
struct sw_config *sw_config_load(const char *path, char *errbuf);

/*
 * --force: let detect.memory_cap be above the machine's RAM. Without it
 * the loader refuses such a file (the detector's tables may grow to the
 * cap). Process-wide, so that a reload keeps what the command line said.
 */
void sw_config_set_force(int force);

/* The same from memory; name is what error messages call the input. */
struct sw_config *sw_config_load_data(const char *name, const void *data,
				      size_t len, char *errbuf);

/* Free a config from sw_config_load*(); NULL is fine. */
void sw_config_free(struct sw_config *cfg);

/* Release what a config holds without freeing the struct itself. */
void sw_config_release(struct sw_config *cfg);

/* Names for the enums, as written in the file. */
const char *sw_config_capture_name(unsigned capture);
const char *sw_config_log_level_name(unsigned level);
const char *sw_config_xdp_mode_name(unsigned mode);

/*
 * Value parsers, exposed for the command line (flags use the same syntax
 * as the file) and tests. Each returns 0 or -EINVAL.
 */
int sw_config_parse_size(const char *s, uint64_t *bytes);
int sw_config_parse_duration(const char *s, uint64_t *ns);
int sw_config_parse_cidr(const char *s, struct sw_cidr *out);
int sw_config_parse_service(const char *s, struct sw_service *out);

#endif /* SW_CONFIG_H */
