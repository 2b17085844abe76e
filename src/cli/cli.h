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
/* The sinks: --output URIs replace the config file's outputs; neither
 * means stdout. NULL: said. */
struct sw_sinks *sw_cli_open_sinks(const struct sw_config *cfg,
				   const char *const *outputs, int noutputs);
/* The metrics endpoint when --metrics or metrics.listen asks for one
 * (the flag wins). 0 (*out NULL when off), or -1: said. */
int sw_cli_start_metrics(const struct sw_config *cfg, const char *flag,
			 struct sw_sinks *sinks, struct sw_metrics **out);

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
