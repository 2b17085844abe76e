/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The command line's one option table (options.c): long name, short
 * letter, argument name, the commands that accept it and its help text.
 * getopt's long options, every command's --help, and the OPTIONS section
 * of docs/scrapewatch.8 (`scrapewatch help-man`, used by `make man` and
 * tests/cli/test_manpage.sh) are all made from it, so they cannot drift
 * apart. sw_cli_parse() fills struct sw_cli_args with what was given.
 */
#ifndef SW_CLI_OPTIONS_H
#define SW_CLI_OPTIONS_H

#include <stdint.h>
#include <stdio.h>

#include "capture/capture.h"
#include "capture/source-pcap-live.h"

/* The commands, as bits of an option's cmds. */
enum sw_cmd {
	SW_CMD_FLOWS = 1u << 0,
	SW_CMD_REPLAY = 1u << 1,
	SW_CMD_EVAL = 1u << 2,
	SW_CMD_LIVE = 1u << 3,
};

#define SW_CLI_OUTPUTS_MAX 16
#define SW_CLI_IFACES_MAX 16
#define SW_FLUSH_TIMEOUT_MS_DEFAULT 5000

/* What the command line said; zero/NULL: not given. */
struct sw_cli_args {
	unsigned cmd; /* enum sw_cmd */
	const char *outputs[SW_CLI_OUTPUTS_MAX];
	int noutputs;
	const char *ifaces[SW_CLI_IFACES_MAX];
	int nif;
	const char *config_path;
	const char *capture; /* --capture NAME */
	const char *labels; /* eval */
	const char *metrics_listen;
	const char *run_as; /* live --user */
	const char *xdp_mode; /* live --xdp-mode */
	int quiet, no_heads, flows, through_xdp, json;
	uint32_t max_flows;
	uint32_t ack_sample;
	unsigned flush_timeout_ms; /* the default unless given */
	struct sw_capture_cfg cc; /* dpdk, afxdp settings */
	struct sw_pcap_live_opts po; /* live --capture pcap */
};

/*
 * Parse argv (argv[0] is the command) for cmd. Returns -1 to go on, or
 * the exit code to return now (0 after --help, 2 after a bad option,
 * said on stderr).
 */
int sw_cli_parse(unsigned cmd, int argc, char **argv, struct sw_cli_args *a);

/* --help: cmd 0 for the whole text (`scrapewatch --help`), else the
 * command's own. */
void sw_cli_usage(FILE *out, unsigned cmd);

/* The body of the man page's OPTIONS section, in roff. */
void sw_cli_man_options(FILE *out);

#endif /* SW_CLI_OPTIONS_H */
