// SPDX-License-Identifier: BSD-2-Clause
/*
 * `flows` and `replay`: capture files through the pipeline (files.c), or
 * with --capture dpdk|afxdp a DPDK port or AF_XDP sockets through the
 * engine, until the port's input ends or SIGINT/SIGTERM.
 */
#include <getopt.h>
#include <string.h>

#include "base/log.h"
#include "cli/cli.h"
#include "cli/files.h"
#include "engine/engine.h"

/* --capture for files: dpdk or afxdp. 0, or EXIT_USAGE: said. */
static int pick_capture(const char *name, const struct sw_capture_ops **ops)
{
	if (strcmp(name, "dpdk") == 0) {
		*ops = &sw_capture_dpdk_ops;
	} else if (strcmp(name, "afxdp") == 0) {
		*ops = &sw_capture_afxdp_ops;
	} else if (strcmp(name, "xdp") == 0) {
		sw_log(SW_LOG_ERROR,
		       "--capture xdp belongs to 'scrapewatch live --interface "
		       "IF'; for files, --through-xdp runs them through the "
		       "XDP program");
		return EXIT_USAGE;
	} else if (strcmp(name, "pcap") == 0) {
		sw_log(SW_LOG_ERROR,
		       "--capture pcap is not available in this build. Use "
		       "--capture dpdk with a net_pcap iface= device, or "
		       "afxdp.");
		return EXIT_USAGE;
	} else {
		sw_log(SW_LOG_ERROR,
		       "--capture %s: expected xdp, afxdp, dpdk or pcap", name);
		return EXIT_USAGE;
	}
	return 0;
}

/* The arguments that do not go together, before anything is set up. */
static int check_args(char **argv, struct sw_cli_args *a,
		      const struct sw_capture_ops **ops, int nfiles)
{
	if (a->capture && pick_capture(a->capture, ops))
		return EXIT_USAGE;
	if (!nfiles && !*ops) {
		sw_log_as(SW_LOG_ERROR, argv[0],
			  "no capture file given. Try 'scrapewatch %s "
			  "FILE.pcap', or '-' for stdin.",
			  argv[0]);
		return EXIT_USAGE;
	}
	if (!*ops && a->cc.ring_file) {
		sw_log(SW_LOG_ERROR,
		       "--dpdk-ring-file goes with --capture dpdk");
		return EXIT_USAGE;
	}
	if (*ops && a->through_xdp) {
		sw_log(SW_LOG_ERROR, "--through-xdp reads capture files; it "
				     "does not go with --capture");
		return EXIT_USAGE;
	}
	if (*ops)
		return sw_cli_check_queues(*ops, a, nfiles);
	return 0;
}

/* A DPDK port or AF_XDP sockets, to the end of their input. */
static int run_queues(const struct sw_capture_ops *ops, struct sw_cli_args *a,
		      const struct sw_config *cfg, struct sw_sinks **out,
		      struct sw_metrics *metrics, unsigned emit)
{
	struct sw_source src;
	struct sw_engine_opts eo = {
		.src = &src,
		.flows = cfg->flows,
		.detect = (emit & SW_EMIT_FLOWS) ? NULL : &cfg->detect,
		.emit = emit,
		.no_stats = !!(emit & SW_EMIT_FLOWS),
		.flush_timeout_ms = a->flush_timeout_ms,
		.out = out,
		.metrics = metrics,
	};

	a->cc.stop = &sw_cli_stop;
	sw_source_queues(&src, ops, &a->cc,
			 ops == &sw_capture_dpdk_ops ? a->cc.dpdk_args :
						       a->cc.interface);
	return sw_engine_run(&eo);
}

int sw_cmd_read(int argc, char **argv, unsigned cmd)
{
	const struct sw_capture_ops *ops = NULL;
	unsigned emit = cmd == SW_CMD_FLOWS ? SW_EMIT_FLOWS : SW_EMIT_NONE;
	struct sw_cli_run r = { 0 };
	struct sw_cli_args a;
	int rc;

	rc = sw_cli_parse(cmd, argc, argv, &a);
	if (rc >= 0)
		return rc;
	rc = check_args(argv, &a, &ops, argc - optind);
	if (rc || (rc = sw_cli_setup(&a, &r)) != 0)
		return rc;
	if (a.no_heads)
		emit |= SW_NO_HEADS;
	if (ops) {
		rc = run_queues(ops, &a, r.cfg, &r.out, r.metrics, emit);
	} else {
		struct sw_files_opts fo = {
			.emit = emit,
			.quiet = a.quiet,
			.cfg = r.cfg,
			.flush_timeout_ms = a.flush_timeout_ms,
			.out = r.out,
			.detect = !(emit & SW_EMIT_FLOWS),
			.through_xdp = a.through_xdp,
			.ack_sample = a.ack_sample,
			.metrics = r.metrics,
		};

		rc = sw_cli_run_files(&fo, argv + optind, argc - optind);
	}
	sw_cli_teardown(&r);
	return rc;
}
