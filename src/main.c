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
#include "output/output.h"
#include "pipeline.h"
#include "progress.h"
#include "shards.h"

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
		"  live                  live capture (not in this build yet)\n"
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
		"      --through-xdp     account through the XDP program (not in this build yet)\n"
		"  -h, --help            this text\n"
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
	uint32_t max_flows;
	FILE *out;
	/* Kernel-bypass capture instead of files (src/shards.c). */
	const struct sw_capture_ops *capture;
	struct sw_capture_cfg capture_cfg;
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

/* Read every input through the pipeline. Returns an exit code. */
static int run_files(const struct run_opts *o, char **files, int nfiles)
{
	struct sw_flow_table_cfg cfg;
	struct sw_pipeline pl;
	struct sw_progress prog;
	char errbuf[SW_ERRBUF_SIZE];
	uint64_t total = 0, done_before = 0;
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

	sw_pipeline_finish(&pl);
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
	sw_pipeline_destroy(&pl);
	return status;
}

/* Capture options of flows, replay and live. Returns 1 when it took c
 * (*rc set nonzero to stop with that exit code). */
static int sw_capture_option(struct run_opts *o, int c, const char *arg,
			     int *rc)
{
	struct sw_capture_cfg *cc = &o->capture_cfg;
	unsigned long v;
	char *end;

	*rc = 0;
	switch (c) {
	case 'C':
		if (strcmp(arg, "dpdk") == 0)
			o->capture = &sw_capture_dpdk_ops;
		else if (strcmp(arg, "afxdp") == 0)
			o->capture = &sw_capture_afxdp_ops;
		else if (strcmp(arg, "xdp") == 0 || strcmp(arg, "pcap") == 0)
			*rc = not_in_build("--capture xdp and --capture pcap",
					   "Use --capture dpdk or afxdp.");
		else {
			fprintf(stderr,
				"scrapewatch: --capture %s: expected xdp, "
				"afxdp, dpdk or pcap\n",
				arg);
			*rc = EXIT_USAGE;
		}
		return 1;
	case 'D':
		cc->dpdk_args = arg;
		return 1;
	case 'i':
		cc->interface = arg;
		return 1;
	case 'W':
	case 'Q':
	case 'M':
	case 'U':
		errno = 0;
		v = strtoul(arg, &end, 10);
		if (errno || *end || *arg == '-' ||
		    v > (c == 'W' ? SW_CAPTURE_QUEUES_MAX :
			 c == 'Q' ? 255ul :
				    (1ul << 24)) ||
		    (v == 0 && c != 'Q')) {
			fprintf(stderr,
				"scrapewatch: %s %s: expected a number from "
				"%d to %lu\n",
				c == 'W' ? "--workers" :
				c == 'Q' ? "--queue" :
				c == 'M' ? "--mbufs" :
					   "--umem-frames",
				arg, c == 'Q' ? 0 : 1,
				c == 'W' ?
					(unsigned long)SW_CAPTURE_QUEUES_MAX :
				c == 'Q' ? 255ul :
					   1ul << 24);
			*rc = EXIT_USAGE;
		} else if (c == 'W') {
			cc->workers = (unsigned)v;
		} else if (c == 'Q') {
			cc->first_queue = (unsigned)v;
		} else if (c == 'M') {
			cc->pool_mbufs = (unsigned)v;
		} else {
			cc->umem_frames = (unsigned)v;
		}
		return 1;
	}
	return 0;
}

/* flows, replay or live from a DPDK port or AF_XDP sockets. */
static int cmd_capture(struct run_opts *o, const char *output, int nfiles)
{
	struct sw_shards_opts so = { 0 };
	int rc;

	if (!o->capture) {
		fprintf(stderr, "scrapewatch live: give --capture dpdk "
				"--dpdk-args \"EAL ARGS\", or --capture afxdp "
				"--interface IF\n");
		return EXIT_USAGE;
	}
	if (nfiles > 0) {
		fprintf(stderr,
			"scrapewatch: --capture %s reads no files; a capture "
			"file goes through DPDK as --dpdk-args \"--vdev "
			"net_pcap0,rx_pcap=FILE\"\n",
			o->capture->name);
		return EXIT_USAGE;
	}
	if (o->capture == &sw_capture_afxdp_ops && !o->capture_cfg.interface) {
		fprintf(stderr,
			"scrapewatch: --capture afxdp needs --interface IF\n");
		return EXIT_USAGE;
	}
	if (output) {
		o->out = open_output(output);
		if (!o->out)
			return EXIT_USAGE;
	}
	so.ops = o->capture;
	so.cfg = o->capture_cfg;
	so.spec = o->capture == &sw_capture_dpdk_ops ? so.cfg.dpdk_args :
						       so.cfg.interface;
	so.max_flows = o->max_flows;
	so.emit = o->emit;
	so.out = o->out;
	rc = sw_shards_run(&so);
	if (o->out != stdout)
		fclose(o->out);
	return rc;
}

static int cmd_offline(int argc, char **argv, unsigned emit, int live)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "max-flows", required_argument, NULL, 'm' },
		{ "config", required_argument, NULL, 'c' },
		{ "through-xdp", no_argument, NULL, 'x' },
		{ "no-fingerprints", no_argument, NULL, 'n' },
		{ "capture", required_argument, NULL, 'C' },
		{ "dpdk-args", required_argument, NULL, 'D' },
		{ "interface", required_argument, NULL, 'i' },
		{ "workers", required_argument, NULL, 'W' },
		{ "queue", required_argument, NULL, 'Q' },
		{ "mbufs", required_argument, NULL, 'M' },
		{ "umem-frames", required_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_opts o = { .emit = emit, .out = stdout };
	const char *output = NULL;
	char *end;
	unsigned long v;
	int c, rc;

	o.capture_cfg.stop = &stop_requested;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:qhi:", longopts, NULL)) != -1) {
		if (sw_capture_option(&o, c, optarg, &rc) && rc)
			return rc;
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
			return not_in_build("--through-xdp",
					    "Run without it to account in "
					    "userspace.");
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'C':
		case 'D':
		case 'i':
		case 'W':
		case 'Q':
		case 'M':
		case 'U':
			break;
		default:
			fprintf(stderr, "Try 'scrapewatch --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (o.capture || live)
		return cmd_capture(&o, output, argc - optind);
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
		return cmd_offline(argc - 1, argv + 1, SW_EMIT_FLOWS, 0);
	if (strcmp(cmd, "replay") == 0)
		return cmd_offline(argc - 1, argv + 1, SW_EMIT_NONE, 0);
	if (strcmp(cmd, "live") == 0)
		return cmd_offline(argc - 1, argv + 1, SW_EMIT_NONE, 1);
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
