/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Inside the command line's option table: the entries and the ids getopt
 * returns for options without a short letter. Shared by the parser
 * (options.c) and the help and man page writers (help.c).
 */
#ifndef SW_CLI_OPTIONS_INT_H
#define SW_CLI_OPTIONS_INT_H

#include "cli/options.h"

/* getopt values of the long-only options (above any short letter). */
enum sw_opt_id {
	OPT_FLUSH_TIMEOUT = 256,
	OPT_NO_FINGERPRINTS,
	OPT_MAX_FLOWS,
	OPT_CONFIG,
	OPT_FORCE,
	OPT_THROUGH_XDP,
	OPT_CAPTURE,
	OPT_DPDK_ARGS,
	OPT_WORKERS,
	OPT_MBUFS,
	OPT_RING_FILE,
	OPT_QUEUE,
	OPT_UMEM_FRAMES,
	OPT_ACK_SAMPLE,
	OPT_LABELS,
	OPT_JSON,
	OPT_METRICS,
	OPT_PCAP_FILTER,
	OPT_PCAP_BUFFER,
	OPT_XDP_MODE,
	OPT_FLOWS,
	OPT_USER,
};

struct sw_option {
	const char *name; /* the long name, without "--" */
	int letter; /* the short letter, or 0 */
	int id; /* what getopt returns: the letter or an OPT_ id */
	const char *arg; /* the argument's name, or NULL: none */
	unsigned cmds; /* enum sw_cmd: the commands that accept it */
	const char *help; /* lines wrapped for --help */
};

/* The table, ended by an entry with a NULL name. */
extern const struct sw_option sw_options[];

#endif /* SW_CLI_OPTIONS_INT_H */
