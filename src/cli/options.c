// SPDX-License-Identifier: BSD-2-Clause
/*
 * The option table (see options.h) and the parser built from it. Help
 * text is kept as lines already wrapped for --help: the first goes beside
 * the option, the others under it; a line starting with two spaces is an
 * indented list item (the man page breaks the line before it).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "cli/options-int.h"
#include "config/config.h"

#define F SW_CMD_FLOWS
#define R SW_CMD_REPLAY
#define E SW_CMD_EVAL
#define L SW_CMD_LIVE

/* clang-format off */
const struct sw_option sw_options[] = {
	{ "output", 'o', 'o', "URI", F | R | E | L,
	  "where records go; repeatable, each sink gets every\n"
	  "record (default '-', stdout):\n"
	  "  - | stdout\n"
	  "  file:///path (appended, reopened on SIGHUP)\n"
	  "  syslog+udp://HOST:PORT, syslog+tcp://HOST:PORT\n"
	  "  syslog+tls://HOST:PORT?ca=FILE[&cert=F&key=F]\n"
	  "  http(s)://HOST/PATH?format=hec&token=T (Splunk)\n"
	  "  http(s)://HOST/_bulk?format=bulk&index=I\n"
	  "  kafka://BROKER[,BROKER]/TOPIC\n"
	  "each sink queues, spools to disk while its peer\n"
	  "is down and retries with backoff; options and\n"
	  "delivery rules: docs/sinks.md; replaces the\n"
	  "config file's outputs" },
	{ "flush-timeout", 0, OPT_FLUSH_TIMEOUT, "S", F | R | E | L,
	  "at the end (or SIGTERM), wait at most S seconds\n"
	  "for sinks to deliver (default 5); what is left is\n"
	  "reported on stderr and in the stats record" },
	{ "quiet", 'q', 'q', NULL, F | R | E | L,
	  "no progress line (it shows only on a terminal)" },
	{ "no-fingerprints", 0, OPT_NO_FINGERPRINTS, NULL, F | R | E | L,
	  "skip the heads stage: no JA3/JA4, HTTP or SYN\n"
	  "fingerprints, accounting only (the detector then\n"
	  "sees behaviour only)" },
	{ "max-flows", 0, OPT_MAX_FLOWS, "N", F | R | E | L,
	  "flows held at once (default 196608, or the config's\n"
	  "flows.max_flows); more evict the stalest, which is\n"
	  "emitted with close_reason \"evicted\"" },
	{ "config", 0, OPT_CONFIG, "FILE", F | R | E | L,
	  "YAML config (docs/config.md, etc/scrapewatch.yaml);\n"
	  "without it the defaults apply; flags given on the\n"
	  "command line override the file" },
	{ "force", 0, OPT_FORCE, NULL, F | R | E | L,
	  "accept a detect.memory_cap above this machine's\n"
	  "RAM (also: check-config --force FILE)" },
	{ "through-xdp", 0, OPT_THROUGH_XDP, NULL, F | R | E,
	  "run every packet through the XDP program\n"
	  "(BPF_PROG_TEST_RUN, packet time) and take the\n"
	  "accounting from its maps and ring buffer;\n"
	  "needs root or CAP_BPF" },
	{ "capture", 0, OPT_CAPTURE, "xdp|pcap|dpdk|afxdp", F | R | L,
	  "the capture backend. live: xdp (the XDP program\n"
	  "accounts in the kernel on each --interface), pcap\n"
	  "(libpcap live capture), dpdk (a DPDK port) or afxdp\n"
	  "(AF_XDP sockets); overrides live.capture of the\n"
	  "--config file (default xdp). flows, replay: dpdk or\n"
	  "afxdp read a port instead of files (docs/capture.md)" },
	{ "dpdk-args", 0, OPT_DPDK_ARGS, "\"ARGS\"", F | R | L,
	  "DPDK EAL arguments, e.g. \"--no-huge --no-pci\n"
	  "--vdev net_pcap0,rx_pcap=FILE\" (a file device\n"
	  "stops at its end); --in-memory is added unless\n"
	  "--no-huge or a --file-prefix is given" },
	{ "workers", 0, OPT_WORKERS, "N", F | R | L,
	  "dpdk, afxdp: shards, one thread and flow table each\n"
	  "(1-16, default 1); RSS queues where the port has\n"
	  "them, else a hash of the client address in software" },
	{ "mbufs", 0, OPT_MBUFS, "N", F | R | L,
	  "DPDK mbuf pool (default 4095 + 2048 per extra\n"
	  "worker)" },
	{ "dpdk-ring-file", 0, OPT_RING_FILE, "FILE", F | R,
	  "for benchmarks, load FILE into mbufs on one ring\n"
	  "per worker (spread by the symmetric RSS hash, as a\n"
	  "NIC would) before the workers start; read them\n"
	  "through a net_ring port and report the pipeline's\n"
	  "time on stderr" },
	{ "interface", 'i', 'i', "IF", F | R | L,
	  "live --capture xdp|pcap: attach here (repeatable, up\n"
	  "to 16); afxdp: the interface (its frames go to\n"
	  "scrapewatch, not to the kernel: for mirror ports)" },
	{ "queue", 0, OPT_QUEUE, "N", F | R | L,
	  "AF_XDP: first RX queue (default 0)" },
	{ "umem-frames", 0, OPT_UMEM_FRAMES, "N", F | R | L,
	  "AF_XDP: 4 KiB UMEM frames per queue, a power of two\n"
	  "(default 4096)" },
	{ "xdp-ack-sample", 0, OPT_ACK_SAMPLE, "N", F | R | E | L,
	  "live --capture xdp, or --through-xdp:\n"
	  "account 1 pure ACK in N (a power of two; default\n"
	  "16; 1: all); packet counts are then a lower bound,\n"
	  "bytes and closes exact (docs/xdp.md)" },
	{ "labels", 0, OPT_LABELS, "FILE", E,
	  "eval: the labels CSV" },
	{ "json", 0, OPT_JSON, NULL, E,
	  "eval: the report as one JSON object" },
	{ "metrics", 0, OPT_METRICS, "ADDR:PORT", F | R | E | L,
	  "serve Prometheus metrics at\n"
	  "http://ADDR:PORT/metrics (numeric address,\n"
	  "[v6]:PORT for IPv6); overrides metrics.listen" },
	{ "pcap-filter", 0, OPT_PCAP_FILTER, "EXPR", L,
	  "pcap: a BPF filter (tcpdump syntax)" },
	{ "pcap-buffer", 0, OPT_PCAP_BUFFER, "SIZE", L,
	  "pcap: kernel buffer (default 32MiB); drops\n"
	  "are reported per interface at exit and in\n"
	  "the metrics" },
	{ "xdp-mode", 0, OPT_XDP_MODE, "native|generic", L,
	  "attach mode; default native, falling\n"
	  "back to generic with a warning" },
	{ "flows", 0, OPT_FLOWS, NULL, L,
	  "also write a flow record per flow" },
	{ "user", 0, OPT_USER, "USER", L,
	  "after setup, run as USER keeping only the\n"
	  "capabilities the capture needs (xdp:\n"
	  "CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN; pcap:\n"
	  "CAP_NET_RAW); overrides general.run_as" },
	{ "help", 'h', 'h', NULL, F | R | E | L,
	  "this text" },
	{ NULL, 0, 0, NULL, 0, NULL },
};
/* clang-format on */

/*
 * The number in ARG for option OPT, from LO to HI, and (POW2) a power of
 * two. 0, or -EINVAL said with WANT, what the option expects.
 */
static int parse_num(const char *opt, const char *arg, unsigned long lo,
		     unsigned long hi, int pow2, const char *want,
		     unsigned long *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || *arg == '-' || v < lo || v > hi ||
	    (pow2 && (v & (v - 1)))) {
		sw_log(SW_LOG_ERROR, "%s %s: expected %s", opt, arg, want);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* The numbers, each with its range; the value goes to *u32 or *u. */
static int parse_number(int id, const char *arg, struct sw_cli_args *a)
{
	static const struct {
		int id;
		const char *opt;
		unsigned long lo, hi;
		int pow2;
		const char *want;
	} nums[] = {
		{ OPT_MAX_FLOWS, "--max-flows", 1, 1ul << 30, 0,
		  "a number from 1 to 1073741824" },
		{ OPT_FLUSH_TIMEOUT, "--flush-timeout", 0, 3600, 0,
		  "seconds, 0 to 3600" },
		{ OPT_ACK_SAMPLE, "--xdp-ack-sample", 1, 65536, 1,
		  "a power of two from 1 (every pure ACK) to 65536" },
		{ OPT_WORKERS, "--workers", 1, SW_CAPTURE_QUEUES_MAX, 0,
		  "a number from 1 to 16" },
		{ OPT_QUEUE, "--queue", 0, 255, 0, "a number from 0 to 255" },
		{ OPT_MBUFS, "--mbufs", 1, 1ul << 24, 0,
		  "a number from 1 to 16777216" },
		{ OPT_UMEM_FRAMES, "--umem-frames", 1, 1ul << 24, 0,
		  "a number from 1 to 16777216" },
	};
	unsigned long v;
	size_t i;

	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		if (nums[i].id == id)
			break;
	if (i == sizeof(nums) / sizeof(nums[0]))
		return 1;
	if (parse_num(nums[i].opt, arg, nums[i].lo, nums[i].hi, nums[i].pow2,
		      nums[i].want, &v))
		return -1;
	switch (id) {
	case OPT_MAX_FLOWS:
		a->max_flows = (uint32_t)v;
		break;
	case OPT_FLUSH_TIMEOUT:
		a->flush_timeout_ms = (unsigned)v * 1000;
		break;
	case OPT_ACK_SAMPLE:
		a->ack_sample = (uint32_t)v;
		break;
	case OPT_WORKERS:
		a->cc.workers = (unsigned)v;
		break;
	case OPT_QUEUE:
		a->cc.first_queue = (unsigned)v;
		break;
	case OPT_MBUFS:
		a->cc.pool_mbufs = (unsigned)v;
		break;
	default:
		a->cc.umem_frames = (unsigned)v;
		break;
	}
	return 0;
}

/* A repeatable option into its list of at most max. */
static int add_to(const char **list, int *n, int max, const char *arg,
		  const char *what)
{
	if (*n == max) {
		sw_log(SW_LOG_ERROR, "at most %d %s", max, what);
		return -1;
	}
	list[(*n)++] = arg;
	return 0;
}

/* --pcap-buffer SIZE: 64 KiB to 2 GiB. */
static int parse_pcap_buffer(const char *arg, struct sw_cli_args *a)
{
	uint64_t size;

	if (sw_config_parse_size(arg, &size) || size < 65536 ||
	    size > (1ull << 31)) {
		sw_log(SW_LOG_ERROR,
		       "--pcap-buffer %s: expected a size from 64KiB to 2GiB",
		       arg);
		return -1;
	}
	a->po.buffer_bytes = (uint32_t)size;
	return 0;
}

/* The options that only keep their argument (or a flag). */
static int take_plain(int id, const char *arg, struct sw_cli_args *a)
{
	switch (id) {
	case OPT_CONFIG:
		a->config_path = arg;
		return 0;
	case OPT_CAPTURE:
		a->capture = arg;
		return 0;
	case OPT_DPDK_ARGS:
		a->cc.dpdk_args = arg;
		return 0;
	case OPT_RING_FILE:
		a->cc.ring_file = arg;
		return 0;
	case OPT_LABELS:
		a->labels = arg;
		return 0;
	case OPT_METRICS:
		a->metrics_listen = arg;
		return 0;
	case OPT_PCAP_FILTER:
		a->po.filter = arg;
		return 0;
	case OPT_USER:
		a->run_as = arg;
		return 0;
	case 'q':
		a->quiet = 1;
		return 0;
	case OPT_NO_FINGERPRINTS:
		a->no_heads = 1;
		return 0;
	case OPT_THROUGH_XDP:
		a->through_xdp = 1;
		return 0;
	case OPT_JSON:
		a->json = 1;
		return 0;
	case OPT_FLOWS:
		a->flows = 1;
		return 0;
	case OPT_FORCE:
		sw_config_set_force(1);
		return 0;
	}
	return 1;
}

/* One option. 0 taken, -1 refused (said). */
static int take(int id, const char *arg, struct sw_cli_args *a)
{
	int rc = take_plain(id, arg, a);

	if (rc <= 0)
		return rc;
	rc = parse_number(id, arg, a);
	if (rc <= 0)
		return rc;
	switch (id) {
	case 'o':
		return add_to(a->outputs, &a->noutputs, SW_CLI_OUTPUTS_MAX, arg,
			      "--output sinks");
	case 'i':
		return add_to(a->ifaces, &a->nif, SW_CLI_IFACES_MAX, arg,
			      "--interface");
	case OPT_PCAP_BUFFER:
		return parse_pcap_buffer(arg, a);
	case OPT_XDP_MODE:
		if (strcmp(arg, "native") && strcmp(arg, "generic")) {
			sw_log(SW_LOG_ERROR,
			       "--xdp-mode %s: expected native or generic",
			       arg);
			return -1;
		}
		a->xdp_mode = arg;
		return 0;
	}
	return -1;
}

/* getopt's tables for cmd, from sw_options. */
static void getopt_tables(unsigned cmd, struct option *lo, char *shortopts)
{
	const struct sw_option *o;
	size_t n = 0, k = 0;

	for (o = sw_options; o->name; o++) {
		if (!(o->cmds & cmd))
			continue;
		lo[n].name = o->name;
		lo[n].has_arg = o->arg ? required_argument : no_argument;
		lo[n].flag = NULL;
		lo[n].val = o->id;
		n++;
		if (o->letter) {
			shortopts[k++] = (char)o->letter;
			if (o->arg)
				shortopts[k++] = ':';
		}
	}
	memset(&lo[n], 0, sizeof(lo[n]));
	shortopts[k] = '\0';
}

int sw_cli_parse(unsigned cmd, int argc, char **argv, struct sw_cli_args *a)
{
	struct option lo[sizeof(sw_options) / sizeof(sw_options[0])];
	char shortopts[2 * sizeof(sw_options) / sizeof(sw_options[0]) + 1];
	int c;

	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	a->flush_timeout_ms = SW_FLUSH_TIMEOUT_MS_DEFAULT;
	a->po.promisc = 1;
	getopt_tables(cmd, lo, shortopts);
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		if (c == 'h') {
			sw_cli_usage(stdout, cmd);
			return 0;
		}
		if (c == '?' || c == ':') {
			fprintf(stderr, "Try 'scrapewatch --help'.\n");
			return 2;
		}
		if (take(c, optarg, a))
			return 2;
	}
	return -1;
}
