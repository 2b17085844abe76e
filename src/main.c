// SPDX-License-Identifier: BSD-2-Clause
/*
 * scrapewatch command line: `flows` and `replay` read captures offline
 * through the shared pipeline; the other subcommands of the CLI contract
 * answer with what is missing from this build. Exit codes: 0 success,
 * 1 partial (input cut short, everything readable processed), 2 bad usage
 * or unreadable input.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture/capture.h"
#include "capture/source-xdp.h"
#include "output/output.h"
#include "pipeline.h"
#include "progress.h"

#define SW_VERSION "0.1.0"

enum { EXIT_OK = 0, EXIT_PARTIAL = 1, EXIT_USAGE = 2 };

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: scrapewatch COMMAND [OPTIONS] [FILE...]\n"
		"\n"
		"Catch bulk scrapers from their traffic. Captures are pcap or pcapng\n"
		"files, read in order as one timeline; '-' reads standard input.\n"
		"\n"
		"Commands:\n"
		"  flows FILE...         write one NDJSON flow record per flow (ECS fields:\n"
		"                        client as source, server as destination, unique\n"
		"                        payload bytes each way, request turns, and the\n"
		"                        fingerprints seen: JA3/JA4 of TLS and QUIC\n"
		"                        ClientHellos, HTTP/1.x request fields, p0f-format\n"
		"                        SYN signatures)\n"
		"  replay FILE...        run the detection pipeline over captures; writes\n"
		"                        NDJSON records and a final scrapewatch.stats record\n"
		"  live --interface IF --capture xdp\n"
		"                        account in the kernel with the XDP program on\n"
		"                        each interface (--interface repeatable, up to\n"
		"                        16); writes flow records until SIGINT/SIGTERM\n"
		"  eval                  score detection against labels (not in this build yet)\n"
		"  check-config FILE     validate a config file (not in this build yet)\n"
		"  help                  this text\n"
		"  version               print the version\n"
		"\n"
		"Options for flows and replay:\n"
		"  -o, --output URI      where records go: '-' or 'stdout' (default), or\n"
		"                        file:///path (appended); one per run in this build\n"
		"  -q, --quiet           no progress line (it shows only on a terminal)\n"
		"      --no-fingerprints  skip the heads stage: no JA3/JA4, HTTP or SYN\n"
		"                        fingerprints, accounting only\n"
		"      --max-flows N     flows held at once (default 196608); more evict\n"
		"                        the stalest, which is emitted with close_reason\n"
		"                        \"evicted\"\n"
		"      --config FILE     config file (not in this build yet)\n"
		"      --through-xdp     run every packet through the XDP program\n"
		"                        (BPF_PROG_TEST_RUN, packet time) and take the\n"
		"                        accounting from its maps and ring buffer;\n"
		"                        needs root or CAP_BPF\n"
		"  -h, --help            this text\n"
		"\n"
		"Options for live:\n"
		"  -i, --interface IF    attach here (repeatable)\n"
		"      --capture xdp     the capture mode (afxdp, dpdk, pcap: not in\n"
		"                        this build yet)\n"
		"      --xdp-mode native|generic  attach mode; default native, falling\n"
		"                        back to generic with a warning\n"
		"  -o, --output URI, --max-flows N, --no-fingerprints as above\n"
		"\n"
		"Exit status: 0 success; 1 an input was cut short or corrupt (everything\n"
		"readable was processed, the file and offset are on stderr); 2 bad usage\n"
		"or unreadable input.\n"
		"\n"
		"Examples:\n"
		"  scrapewatch flows capture.pcap | jq .destination.bytes\n"
		"  tcpdump -i eth0 -w - | scrapewatch flows -\n"
		"  scrapewatch replay day1.pcapng day2.pcapng\n"
		"\n"
		"Documentation: README.md and docs/ in the source tree.\n");
}

struct run_opts {
	unsigned emit;
	int quiet;
	int through_xdp; /* account through the XDP program (test runs) */
	uint32_t max_flows;
	FILE *out;
};

static int not_in_build(const char *what, const char *next)
{
	fprintf(stderr, "scrapewatch: %s is not available in this build. %s\n",
		what, next);
	return EXIT_USAGE;
}

static FILE *open_output(const char *uri)
{
	FILE *fp;

	if (strcmp(uri, "-") == 0 || strcmp(uri, "stdout") == 0)
		return stdout;
	if (strncmp(uri, "file://", 7) == 0) {
		fp = fopen(uri + 7, "a");
		if (!fp)
			fprintf(stderr, "scrapewatch: --output %s: %s\n", uri,
				strerror(errno));
		return fp;
	}
	fprintf(stderr,
		"scrapewatch: --output %s: this build writes only to '-' "
		"(stdout) or file:///path; syslog, HTTP and Kafka sinks are "
		"not in this build yet\n",
		uri);
	return NULL;
}

static uint64_t file_size(const char *path)
{
	struct stat st;

	if (strcmp(path, "-") == 0 || stat(path, &st) != 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	return (uint64_t)st.st_size;
}

static struct sw_xdp *xdp_open_replay(struct sw_pipeline *pl,
				      const struct sw_flow_table_cfg *cfg,
				      unsigned emit, char *errbuf)
{
	struct sw_xdp_opts xo;

	sw_xdp_default_opts(&xo);
	xo.table = *cfg;
	xo.max_flows = cfg->max_flows;
	xo.replay = 1;
	xo.heads = !(emit & SW_NO_HEADS);
	return sw_xdp_open(&xo, pl, errbuf);
}

/* One frame through the kernel program; the input counters stay here. */
static void xdp_replay_frame(struct sw_xdp *xdp, struct sw_pipeline *pl,
			     const struct sw_frame *fr)
{
	if (!pl->stats.first_ns)
		pl->stats.first_ns = fr->ts_ns;
	if (fr->ts_ns > pl->stats.last_ns)
		pl->stats.last_ns = fr->ts_ns;
	sw_xdp_replay_frame(xdp, fr);
}

/* Read every input through the pipeline. Returns an exit code. */
static int run_files(const struct run_opts *o, char **files, int nfiles)
{
	struct sw_flow_table_cfg cfg;
	struct sw_pipeline pl;
	struct sw_progress prog;
	char errbuf[SW_ERRBUF_SIZE];
	uint64_t total = 0, done_before = 0;
	struct sw_xdp *xdp = NULL;
	int i, rc, status = EXIT_OK, stdin_seen = 0;

	for (i = 0; i < nfiles; i++) {
		if (strcmp(files[i], "-") == 0 && stdin_seen++) {
			fprintf(stderr,
				"scrapewatch: '-' (stdin) given twice\n");
			return EXIT_USAGE;
		}
		if (sw_capture_pcap_file_probe(files[i], errbuf) != 0) {
			fprintf(stderr, "scrapewatch: %s\n", errbuf);
			return EXIT_USAGE;
		}
		total += file_size(files[i]);
	}

	sw_flow_table_default_cfg(&cfg);
	if (o->max_flows)
		cfg.max_flows = o->max_flows;
	rc = sw_pipeline_init(&pl, &cfg, o->out, o->emit);
	if (rc) {
		fprintf(stderr, "scrapewatch: flow table of %u flows: %s\n",
			cfg.max_flows, strerror(-rc));
		return EXIT_USAGE;
	}
	if (o->through_xdp) {
		xdp = xdp_open_replay(&pl, &cfg, o->emit, errbuf);
		if (!xdp) {
			fprintf(stderr, "scrapewatch: --through-xdp: %s\n",
				errbuf);
			sw_pipeline_destroy(&pl);
			return EXIT_USAGE;
		}
	}
	sw_progress_init(&prog, o->quiet, total);

	for (i = 0; i < nfiles && !stop_requested; i++) {
		struct sw_capture cap = { .ops = &sw_capture_pcap_file_ops };
		struct sw_capture_progress cp = { 0 };
		struct sw_frame fr;

		rc = cap.ops->open_op(&cap, files[i], errbuf);
		if (rc) {
			sw_progress_done(&prog);
			fprintf(stderr, "scrapewatch: %s\n", errbuf);
			status = EXIT_USAGE;
			break;
		}
		pl.stats.files++;
		while (!stop_requested &&
		       (rc = cap.ops->read_op(&cap, &fr, errbuf)) == 1) {
			if (xdp)
				xdp_replay_frame(xdp, &pl, &fr);
			else
				sw_pipeline_frame(&pl, &fr);
			if (prog.enabled) {
				cap.ops->progress_op(&cap, &cp);
				sw_progress_update(&prog,
						   done_before + cp.bytes_done,
						   pl.stats.packets);
			}
		}
		if (rc < 0) {
			sw_progress_done(&prog);
			fprintf(stderr, "scrapewatch: %s\n", errbuf);
			pl.stats.read_errors++;
			if (status == EXIT_OK)
				status = EXIT_PARTIAL;
		}
		cap.ops->progress_op(&cap, &cp);
		done_before += cp.bytes_done;
		cap.ops->cleanup_op(&cap);
	}
	sw_progress_done(&prog);
	if (stop_requested)
		fprintf(stderr,
			"scrapewatch: interrupted; flushing open flows\n");

	if (xdp) {
		sw_xdp_finish(xdp);
		sw_xdp_fill_stats(xdp, &pl.stats);
	} else {
		sw_pipeline_finish(&pl);
	}
	if (!(o->emit & SW_EMIT_FLOWS))
		sw_output_record(o->out,
				 sw_json_stats(&pl.stats, pl.flows, pl.heads));
	if (fflush(o->out) != 0 && !pl.write_error)
		pl.write_error = -errno;
	/* A reader that went away (| head) is not an error worth a word. */
	if (pl.write_error && pl.write_error != -EPIPE) {
		fprintf(stderr, "scrapewatch: writing records: %s\n",
			strerror(-pl.write_error));
		status = EXIT_USAGE;
	}
	sw_xdp_close(xdp);
	sw_pipeline_destroy(&pl);
	return status;
}

static int cmd_offline(int argc, char **argv, unsigned emit)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "max-flows", required_argument, NULL, 'm' },
		{ "config", required_argument, NULL, 'c' },
		{ "through-xdp", no_argument, NULL, 'x' },
		{ "no-fingerprints", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_opts o = { .emit = emit, .out = stdout };
	const char *output = NULL;
	char *end;
	unsigned long v;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (output) {
				fprintf(stderr,
					"scrapewatch: several --output sinks "
					"are not in this build yet; give one\n");
				return EXIT_USAGE;
			}
			output = optarg;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'n':
			o.emit |= SW_NO_HEADS;
			break;
		case 'm':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || v == 0 || v > (1ul << 30)) {
				fprintf(stderr,
					"scrapewatch: --max-flows %s: expected "
					"a number from 1 to 1073741824\n",
					optarg);
				return EXIT_USAGE;
			}
			o.max_flows = (uint32_t)v;
			break;
		case 'c':
			return not_in_build("--config",
					    "Run without it: the defaults "
					    "apply.");
		case 'x':
			o.through_xdp = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			fprintf(stderr, "Try 'scrapewatch --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr,
			"scrapewatch %s: no capture file given. "
			"Try 'scrapewatch %s FILE.pcap', or '-' for "
			"stdin.\n",
			argv[0], argv[0]);
		return EXIT_USAGE;
	}
	if (output) {
		o.out = open_output(output);
		if (!o.out)
			return EXIT_USAGE;
	}
	rc = run_files(&o, argv + optind, argc - optind);
	if (o.out != stdout)
		fclose(o.out);
	return rc;
}

/*
 * live --capture xdp: the XDP program accounts on each interface; records
 * come from its ring buffer and the idle sweep until SIGINT or SIGTERM.
 */
static int cmd_live(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "capture", required_argument, NULL, 'C' },
		{ "xdp-mode", required_argument, NULL, 'M' },
		{ "output", required_argument, NULL, 'o' },
		{ "max-flows", required_argument, NULL, 'm' },
		{ "config", required_argument, NULL, 'c' },
		{ "no-fingerprints", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ifaces[SW_XDP_MAX_IFACES], *capture = NULL;
	const char *output = NULL;
	char errbuf[SW_ERRBUF_SIZE];
	struct sw_flow_table_cfg cfg;
	struct sw_xdp_opts xo;
	struct sw_pipeline pl;
	struct sw_xdp *xdp = NULL;
	int c, i, nif = 0, mode = SW_XDP_MODE_AUTO, status = EXIT_USAGE;
	unsigned emit = SW_EMIT_FLOWS;
	unsigned long v;
	char *end;
	FILE *out = stdout;

	sw_flow_table_default_cfg(&cfg);
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (nif == SW_XDP_MAX_IFACES) {
				fprintf(stderr,
					"scrapewatch: at most %d --interface\n",
					SW_XDP_MAX_IFACES);
				return EXIT_USAGE;
			}
			ifaces[nif++] = optarg;
			break;
		case 'C':
			capture = optarg;
			break;
		case 'M':
			if (strcmp(optarg, "native") == 0) {
				mode = SW_XDP_MODE_NATIVE;
			} else if (strcmp(optarg, "generic") == 0) {
				mode = SW_XDP_MODE_GENERIC;
			} else {
				fprintf(stderr,
					"scrapewatch: --xdp-mode %s: expected "
					"native or generic\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'o':
			output = optarg;
			break;
		case 'm':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || v == 0 || v > (1ul << 30)) {
				fprintf(stderr,
					"scrapewatch: --max-flows %s: expected "
					"a number from 1 to 1073741824\n",
					optarg);
				return EXIT_USAGE;
			}
			cfg.max_flows = (uint32_t)v;
			break;
		case 'c':
			return not_in_build("--config",
					    "Run without it: the defaults "
					    "apply.");
		case 'n':
			emit |= SW_NO_HEADS;
			break;
		case 'q':
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			fprintf(stderr, "Try 'scrapewatch --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (!nif || !capture) {
		fprintf(stderr, "scrapewatch live: give --interface IF and "
				"--capture xdp\n");
		return EXIT_USAGE;
	}
	if (strcmp(capture, "xdp") != 0) {
		if (strcmp(capture, "afxdp") == 0 ||
		    strcmp(capture, "dpdk") == 0 ||
		    strcmp(capture, "pcap") == 0)
			return not_in_build("--capture", "Use --capture xdp.");
		fprintf(stderr,
			"scrapewatch: --capture %s: expected xdp, afxdp, dpdk "
			"or pcap\n",
			capture);
		return EXIT_USAGE;
	}
	if (output) {
		out = open_output(output);
		if (!out)
			return EXIT_USAGE;
	}
	if (sw_pipeline_init(&pl, &cfg, out, emit)) {
		fprintf(stderr, "scrapewatch: flow table of %u flows: %s\n",
			cfg.max_flows, strerror(errno));
		goto close_out;
	}
	sw_xdp_default_opts(&xo);
	xo.table = cfg;
	xo.max_flows = cfg.max_flows;
	xo.heads = !(emit & SW_NO_HEADS);
	xdp = sw_xdp_open(&xo, &pl, errbuf);
	if (!xdp) {
		fprintf(stderr, "scrapewatch: %s\n", errbuf);
		goto destroy;
	}
	for (i = 0; i < nif; i++) {
		if (sw_xdp_attach(xdp, ifaces[i], mode, errbuf)) {
			fprintf(stderr, "scrapewatch: %s\n", errbuf);
			goto destroy;
		}
	}
	fprintf(stderr, "scrapewatch: XDP attached on %d interface(s)\n", nif);
	status = EXIT_OK;
	/* HOOK: alerts join here once the detector takes flows and heads
	 * from sw_pipeline_flow_end() and sw_pipeline_head(). */
	while (!stop_requested) {
		if (sw_xdp_poll(xdp, 200) < 0) {
			fprintf(stderr, "scrapewatch: XDP ring buffer: %s\n",
				strerror(errno));
			status = EXIT_PARTIAL;
			break;
		}
		fflush(out);
	}
	sw_xdp_finish(xdp);
	fflush(out);
destroy:
	sw_xdp_close(xdp);
	sw_pipeline_destroy(&pl);
close_out:
	if (out != stdout)
		fclose(out);
	return status;
}

int main(int argc, char **argv)
{
	const char *cmd;
	struct sigaction sa;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	cmd = argv[1];
	if (strcmp(cmd, "flows") == 0)
		return cmd_offline(argc - 1, argv + 1, SW_EMIT_FLOWS);
	if (strcmp(cmd, "replay") == 0)
		return cmd_offline(argc - 1, argv + 1, SW_EMIT_NONE);
	if (strcmp(cmd, "live") == 0)
		return cmd_live(argc - 1, argv + 1);
	if (strcmp(cmd, "eval") == 0)
		return not_in_build("eval", "It arrives with the detector.");
	if (strcmp(cmd, "check-config") == 0)
		return not_in_build("check-config",
				    "No config file is needed: defaults "
				    "apply.");
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("scrapewatch %s\n", SW_VERSION);
		return EXIT_OK;
	}
	fprintf(stderr,
		"scrapewatch: unknown command '%s'. Try 'scrapewatch "
		"--help'.\n",
		cmd);
	return EXIT_USAGE;
}
