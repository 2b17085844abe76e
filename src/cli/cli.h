/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the commands share: exit codes, the signal flags (main.c), the
 * config, sinks and metrics as the command line asks for them (common.c),
 * and the commands themselves, one file each.
 */
#ifndef SW_CLI_H
#define SW_CLI_H

#include <stdatomic.h>

#include "cli/options.h"
#include "config/config.h"
#include "daemon/metrics.h"
#include "sink/sink.h"

enum { EXIT_OK = 0, EXIT_PARTIAL = 1, EXIT_USAGE = 2 };

/* SIGINT/SIGTERM: stop reading. Read by the capture threads too: an
 * atomic (lock-free, so fine in a signal handler). */
extern atomic_int sw_cli_stop;
/* SIGHUP in live: reload the config (on the detector owner's thread). */
extern atomic_int sw_cli_reload;

/* The config file, or the defaults when there is none. NULL: said. */
struct sw_config *sw_cli_load_config(const char *path);

/* What a running command sets up from the config file and the flags. */
struct sw_cli_run {
	struct sw_config *cfg; /* --max-flows applied */
	struct sw_sinks *out; /* not started yet */
	struct sw_metrics *metrics; /* NULL: no endpoint */
};

/*
 * The config (loaded unless r->cfg is already), the sinks (--output URIs
 * replace the file's outputs; neither means stdout) and the metrics
 * endpoint (--metrics, else metrics.listen). 0, or EXIT_USAGE: said, and
 * nothing is left open.
 */
int sw_cli_setup(const struct sw_cli_args *a, struct sw_cli_run *r);
/* The metrics stopped, the sinks and the config freed. */
void sw_cli_teardown(struct sw_cli_run *r);

/* --capture dpdk|afxdp: the settings checked against each other and the
 * nfiles files given (it reads none), a->cc.interface set. 0, or
 * EXIT_USAGE: said. */
int sw_cli_check_queues(const struct sw_capture_ops *ops, struct sw_cli_args *a,
			int nfiles);

/* The commands; argv[0] is the command's name. Each returns the exit
 * code. */
int sw_cmd_read(int argc, char **argv, unsigned cmd); /* flows, replay */
int sw_cmd_eval(int argc, char **argv);
int sw_cmd_live(int argc, char **argv);
int sw_cmd_check_config(int argc, char **argv);

#endif /* SW_CLI_H */
