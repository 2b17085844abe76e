// SPDX-License-Identifier: BSD-2-Clause
/*
 * scrapewatch command line: the signals, and the dispatch to the commands
 * (one file each: cmd-read.c for flows and replay, cmd-eval.c, cmd-live.c,
 * cmd-check-config.c). Options and help come from one table (options.c).
 * A hidden command, `scrapewatch help-man`, prints the man page's OPTIONS
 * section in roff from that table: `make man` writes it into
 * docs/scrapewatch.8 and tests/cli/test_manpage.sh checks it is current.
 * Exit codes: 0 success, 1 partial (input cut short, everything readable
 * processed; or records a sink could not deliver), 2 bad usage, bad
 * config or unreadable input.
 */
#include <signal.h>
#include <string.h>

#include "base/log.h"
#include "cli/cli.h"

#define SW_VERSION "0.1.0"

atomic_int sw_cli_stop;
atomic_int sw_cli_reload;

static void on_signal(int sig)
{
	if (sig == SIGHUP) {
		sw_sinks_request_reopen();
		atomic_store(&sw_cli_reload, 1);
		return;
	}
	atomic_store(&sw_cli_stop, 1);
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		sw_cli_usage(stderr, 0);
		return EXIT_USAGE;
	}
	install_signals();
	cmd = argv[1];
	if (strcmp(cmd, "flows") == 0)
		return sw_cmd_read(argc - 1, argv + 1, SW_CMD_FLOWS);
	if (strcmp(cmd, "replay") == 0)
		return sw_cmd_read(argc - 1, argv + 1, SW_CMD_REPLAY);
	if (strcmp(cmd, "live") == 0)
		return sw_cmd_live(argc - 1, argv + 1);
	if (strcmp(cmd, "eval") == 0)
		return sw_cmd_eval(argc - 1, argv + 1);
	if (strcmp(cmd, "check-config") == 0)
		return sw_cmd_check_config(argc - 1, argv + 1);
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "-h") == 0) {
		sw_cli_usage(stdout, 0);
		return EXIT_OK;
	}
	if (strcmp(cmd, "help-man") == 0) {
		sw_cli_man_options(stdout);
		return EXIT_OK;
	}
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("scrapewatch %s\n", SW_VERSION);
		return EXIT_OK;
	}
	sw_log(SW_LOG_ERROR, "unknown command '%s'. Try 'scrapewatch --help'.",
	       cmd);
	return EXIT_USAGE;
}
