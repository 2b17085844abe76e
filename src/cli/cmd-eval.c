// SPDX-License-Identifier: BSD-2-Clause
/*
 * `eval --labels LABELS.csv FILE...`: the detector over capture files,
 * scored against the labels (src/eval); the report goes to stdout, for a
 * person or a script, not to the sinks.
 */
#include <getopt.h>

#include "base/log.h"
#include "cli/cli.h"
#include "cli/files.h"
#include "eval/eval.h"

static int check_args(char **argv, const struct sw_cli_args *a, int nfiles)
{
	if (!nfiles) {
		sw_log_as(SW_LOG_ERROR, argv[0],
			  "no capture file given. Try 'scrapewatch %s "
			  "FILE.pcap', or '-' for stdin.",
			  argv[0]);
		return EXIT_USAGE;
	}
	if (!a->labels) {
		sw_log_as(SW_LOG_ERROR, "eval",
			  "--labels LABELS.csv is required");
		return EXIT_USAGE;
	}
	return 0;
}

/* The files through the pipeline, alerts and new flows to the eval. */
static int run(const struct sw_cli_args *a, const struct sw_config *cfg,
	       struct sw_sinks *out, struct sw_metrics *metrics, char **files,
	       int nfiles)
{
	struct sw_eval *ev = sw_eval_new(a->labels);
	struct sw_files_opts fo = {
		.emit = a->no_heads ? SW_NO_HEADS : SW_EMIT_NONE,
		.quiet = 1,
		.cfg = cfg,
		.flush_timeout_ms = a->flush_timeout_ms,
		.out = out,
		.detect = 1,
		.no_stats = 1,
		.on_alert = sw_eval_alert,
		.on_flow_start = sw_eval_flow_start,
		.on_detect_done = sw_eval_detect_done,
		.through_xdp = a->through_xdp,
		.ack_sample = a->ack_sample,
		.metrics = metrics,
	};
	int rc;

	if (!ev)
		return EXIT_USAGE;
	fo.hook_ctx = ev;
	rc = sw_cli_run_files(&fo, files, nfiles);
	if (rc != EXIT_USAGE)
		sw_eval_report(ev, stdout, a->json);
	sw_eval_free(ev);
	return rc;
}

int sw_cmd_eval(int argc, char **argv)
{
	struct sw_cli_run r = { 0 };
	struct sw_cli_args a;
	int rc;

	rc = sw_cli_parse(SW_CMD_EVAL, argc, argv, &a);
	if (rc >= 0)
		return rc;
	rc = check_args(argv, &a, argc - optind);
	if (rc || (rc = sw_cli_setup(&a, &r)) != 0)
		return rc;
	rc = run(&a, r.cfg, r.out, r.metrics, argv + optind, argc - optind);
	sw_cli_teardown(&r);
	return rc;
}
