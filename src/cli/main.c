// SPDX-License-Identifier: BSD-2-Clause
/*
 * scrapewatch command line: `flows`, `replay` and `eval` read captures
 * offline through the shared pipeline; `check-config` validates a config
 * file; the other subcommands of the CLI contract answer with what is
 * missing from this build. Exit codes: 0 success, 1 partial (input cut
 * short, everything readable processed; or records a sink could not
 * deliver), 2 bad usage, bad config or unreadable input.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture/capture.h"
#include "config/config.h"
#include "daemon/metrics.h"
#include "daemon/reload.h"
#include "engine/live.h"
#include "daemon/privdrop.h"
#include "daemon/notify.h"
#include "base/log.h"
#include "detect/detect_cfg.h"
#include "eval/eval.h"
#include "xdp/xdp.h"
#include "output/output.h"
#include "pipeline/pipeline.h"
#include "engine/progress.h"
#include "engine/shards.h"

#define SW_VERSION "0.1.0"

enum { EXIT_OK = 0, EXIT_PARTIAL = 1, EXIT_USAGE = 2 };

#define SW_OUTPUTS_MAX 16
#define SW_FLUSH_TIMEOUT_MS_DEFAULT 5000

/* Read by the capture threads too: an atomic (lock-free, so fine in a
 * signal handler). */
static atomic_int stop_requested;
/* live only; read by the capture's detector owner thread (src/engine/shards.c),
 * hence an atomic (lock-free, so fine in a signal handler). */
static atomic_int reload_requested;

static void on_signal(int sig)
{
	if (sig == SIGHUP) {
		sw_sinks_request_reopen();
		atomic_store(&reload_requested, 1);
		return;
	}
	atomic_store(&stop_requested, 1);
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
		"  replay FILE...        run the detector over captures; writes one NDJSON\n"
		"                        alert record per alert event (event.action start,\n"
		"                        update, end; scores with their reasons) and a\n"
		"                        final scrapewatch.stats record\n"
		"  eval --labels LABELS.csv FILE...\n"
		"                        score detection against labels (CSV with columns\n"
		"                        client_ip,label[,tool,...]; label scraper or\n"
		"                        benign): per-client verdicts, precision, recall,\n"
		"                        time to detect; --json for the same as JSON\n"
		"  live --interface IF --capture xdp|pcap\n"
		"                        xdp: account in the kernel with the XDP program\n"
		"                        on each interface; pcap: libpcap live capture\n"
		"                        (--interface repeatable, up to 16); runs the\n"
		"                        detector and writes alerts (and with --flows,\n"
		"                        flow records) until SIGINT/SIGTERM; SIGHUP\n"
		"                        reloads the --config file (thresholds, rules,\n"
		"                        exemptions, services, outputs) keeping state;\n"
		"                        a bad file is rejected and the old one stays\n"
		"  live --capture dpdk|afxdp ...\n"
		"                        live capture from a DPDK port or AF_XDP sockets\n"
		"                        (a mirror or TAP port): alerts as for replay,\n"
		"                        until SIGINT/SIGTERM, then the stats record\n"
		"  check-config FILE     validate a YAML config file without running:\n"
		"                        prints \"FILE: OK\" and a summary, or the first\n"
		"                        error as FILE:LINE: KEY: what was expected\n"
		"  help                  this text\n"
		"  version               print the version\n"
		"\n"
		"Options for flows, replay, eval and live:\n"
		"  -o, --output URI      where records go; repeatable, each sink gets every\n"
		"                        record (default '-', stdout):\n"
		"                          - | stdout\n"
		"                          file:///path (appended, reopened on SIGHUP)\n"
		"                          syslog+udp://HOST:PORT, syslog+tcp://HOST:PORT\n"
		"                          syslog+tls://HOST:PORT?ca=FILE[&cert=F&key=F]\n"
		"                          http(s)://HOST/PATH?format=hec&token=T (Splunk)\n"
		"                          http(s)://HOST/_bulk?format=bulk&index=I\n"
		"                          kafka://BROKER[,BROKER]/TOPIC\n"
		"                        each sink queues, spools to disk while its peer\n"
		"                        is down and retries with backoff; options and\n"
		"                        delivery rules: docs/sinks.md; replaces the\n"
		"                        config file's outputs\n"
		"      --flush-timeout S  at the end (or SIGTERM), wait at most S seconds\n"
		"                        for sinks to deliver (default 5); what is left is\n"
		"                        reported on stderr and in the stats record\n"
		"  -q, --quiet           no progress line (it shows only on a terminal)\n"
		"      --no-fingerprints  skip the heads stage: no JA3/JA4, HTTP or SYN\n"
		"                        fingerprints, accounting only (the detector then\n"
		"                        sees behaviour only)\n"
		"      --max-flows N     flows held at once (default 196608, or the config's\n"
		"                        flows.max_flows); more evict the stalest, which is\n"
		"                        emitted with close_reason \"evicted\"\n"
		"      --config FILE     YAML config (docs/config.md, etc/scrapewatch.yaml);\n"
		"                        without it the defaults apply; flags given on the\n"
		"                        command line override the file\n"
		"      --force           accept a detect.memory_cap above this machine's\n"
		"                        RAM (also: check-config --force FILE)\n"
		"      --through-xdp     run every packet through the XDP program\n"
		"                        (BPF_PROG_TEST_RUN, packet time) and take the\n"
		"                        accounting from its maps and ring buffer;\n"
		"                        needs root or CAP_BPF\n"
		"      --capture dpdk|afxdp  read a DPDK port or AF_XDP sockets instead of\n"
		"                        files (flows, replay, live; docs/capture.md);\n"
		"                        (live --capture xdp: above)\n"
		"      --dpdk-args \"ARGS\"  DPDK EAL arguments, e.g. \"--no-huge --no-pci\n"
		"                        --vdev net_pcap0,rx_pcap=FILE\" (a file device\n"
		"                        stops at its end); --in-memory is added unless\n"
		"                        --no-huge or a --file-prefix is given\n"
		"      --workers N       shards, one thread and flow table each (1-16,\n"
		"                        default 1); RSS queues where the port has them,\n"
		"                        else a hash of the client address in software\n"
		"      --mbufs N         DPDK mbuf pool (default 4095 + 2048 per extra\n"
		"                        worker)\n"
		"      --dpdk-ring-file FILE  flows, replay: for benchmarks, load FILE into\n"
		"                        mbufs on one ring per worker (spread by the\n"
		"                        symmetric RSS hash, as a NIC would) before the\n"
		"                        workers start; read them through a net_ring port\n"
		"                        and report the pipeline's time on stderr\n"
		"  -i, --interface IF    AF_XDP: the interface (its frames go to scrapewatch,\n"
		"                        not to the kernel: for mirror ports)\n"
		"      --queue N         AF_XDP: first RX queue (default 0)\n"
		"      --umem-frames N   AF_XDP: 4 KiB UMEM frames per queue, a power of two\n"
		"                        (default 4096)\n"
		"      --xdp-ack-sample N  with --through-xdp: account 1 pure ACK in N\n"
		"                        (a power of two), as live; default 16, 1: all\n"
		"      --labels FILE     eval: the labels CSV\n"
		"      --json            eval: the report as one JSON object\n"
		"      --metrics ADDR:PORT  serve Prometheus metrics at\n"
		"                        http://ADDR:PORT/metrics (numeric address,\n"
		"                        [v6]:PORT for IPv6); overrides metrics.listen\n"
		"  -h, --help            this text\n"
		"\n"
		"Options for live:\n"
		"  -i, --interface IF    attach here (repeatable)\n"
		"      --capture xdp|pcap  the capture mode (afxdp, dpdk: not in this\n"
		"                        build yet)\n"
		"      --pcap-filter EXPR  pcap: a BPF filter (tcpdump syntax)\n"
		"      --pcap-buffer SIZE  pcap: kernel buffer (default 32MiB); drops\n"
		"                        are reported per interface at exit and in\n"
		"                        the metrics\n"
		"      --xdp-mode native|generic  attach mode; default native, falling\n"
		"                        back to generic with a warning\n"
		"      --xdp-ack-sample N  account 1 pure ACK in N (a power of two;\n"
		"                        default 16; 1: all); packet counts are then\n"
		"                        a lower bound, bytes and closes exact\n"
		"                        (docs/xdp.md)\n"
		"      --flows           also write a flow record per flow\n"
		"      --user USER       after setup, run as USER keeping only the\n"
		"                        capabilities the capture needs (xdp:\n"
		"                        CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN; pcap:\n"
		"                        CAP_NET_RAW); overrides general.run_as\n"
		"  -o, --output URI, --config FILE, --max-flows N, --no-fingerprints,\n"
		"  --flush-timeout S, --metrics ADDR:PORT  as above\n"
		"\n"
		"Exit status: 0 success; 1 an input was cut short or corrupt (everything\n"
		"readable was processed, the file and offset are on stderr), or a sink\n"
		"could not deliver every record (stderr says how many, the stats record\n"
		"why; a closed stdout is not counted); 2 bad usage, a bad config,\n"
		"unreadable input or a failed setup.\n"
		"\n"
		"Examples:\n"
		"  scrapewatch flows capture.pcap | jq .destination.bytes\n"
		"  tcpdump -i eth0 -w - | scrapewatch flows -\n"
		"  scrapewatch replay day1.pcapng day2.pcapng\n"
		"  scrapewatch check-config /etc/scrapewatch/scrapewatch.yaml\n"
		"  scrapewatch replay --config site.yaml --max-flows 1000000 day1.pcap\n"
		"  scrapewatch replay capture.pcap | jq 'select(.event.kind==\"alert\")'\n"
		"  scrapewatch eval --labels labels.csv corpus.pcap\n"
		"  scrapewatch flows --capture dpdk --dpdk-args \\\n"
		"      \"--no-huge --no-pci --vdev net_pcap0,rx_pcap=capture.pcap\"\n"
		"  scrapewatch live --capture dpdk --workers 2 --dpdk-args \\\n"
		"      \"--no-huge --no-pci --vdev net_af_packet0,iface=eth1\"\n"
		"  scrapewatch live --capture afxdp --interface eth1\n"
		"\n"
		"Documentation: README.md and docs/ in the source tree.\n");
}

struct run_opts {
	unsigned emit;
	int quiet;
	const struct sw_config *cfg;
	unsigned flush_timeout_ms;
	struct sw_sinks *out;
	int detect; /* run the detector */
	int no_stats; /* no final stats record */
	/* eval: alerts and new flows go here instead of the output */
	sw_alert_fn on_alert;
	void (*on_flow_start)(void *ctx, const struct sw_flow *f);
	/* eval: the detector at the end of input, before it is freed */
	void (*on_detect_done)(void *ctx, const struct sw_detect *d);
	void *hook_ctx;
	/* Kernel-bypass capture instead of files (src/engine/shards.c). */
	const struct sw_capture_ops *capture;
	struct sw_capture_cfg capture_cfg;
	int through_xdp; /* account through the XDP program (test runs) */
	struct sw_metrics *metrics; /* NULL: no --metrics */
	uint32_t ack_sample; /* XDP: 1 pure ACK in N accounted */
	/* live: SIGHUP reloads config_path into *cfgp (the config in force) */
	int live;
	const char *config_path;
	struct sw_config **cfgp;
};

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
		fprintf(stderr, "scrapewatch: %s %s: expected %s\n", opt, arg,
			want);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* --max-flows N: 1 to 2^30. */
static int parse_max_flows(const char *arg, uint32_t *n)
{
	unsigned long v;
	int rc = parse_num("--max-flows", arg, 1, 1ul << 30, 0,
			   "a number from 1 to 1073741824", &v);

	if (!rc)
		*n = (uint32_t)v;
	return rc;
}

/* --flush-timeout S: 0 to 3600 seconds, kept in ms. */
static int parse_flush_timeout(const char *arg, unsigned *ms)
{
	unsigned long v;
	int rc = parse_num("--flush-timeout", arg, 0, 3600, 0,
			   "seconds, 0 to 3600", &v);

	if (!rc)
		*ms = (unsigned)v * 1000;
	return rc;
}

/* --xdp-ack-sample N: a power of two from 1 to 65536. */
static int parse_ack_sample(const char *arg, uint32_t *n)
{
	unsigned long v;
	int rc = parse_num("--xdp-ack-sample", arg, 1, 65536, 1,
			   "a power of two from 1 (every pure ACK) to 65536",
			   &v);

	if (!rc)
		*n = (uint32_t)v;
	return rc;
}

static int not_in_build(const char *what, const char *next)
{
	fprintf(stderr, "scrapewatch: %s is not available in this build. %s\n",
		what, next);
	return EXIT_USAGE;
}

static uint64_t file_size(const char *path)
{
	struct stat st;

	if (strcmp(path, "-") == 0 || stat(path, &st) != 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	return (uint64_t)st.st_size;
}

/* The final stats record carries the sinks' counters as they are once
 * everything before it was delivered (or the flush timeout ran out). */
static void emit_stats(const struct run_opts *o, struct sw_pipeline *pl)
{
	cJSON *rec = sw_json_stats(&pl->stats, pl->flows, pl->heads, pl->det);
	cJSON *st;

	sw_sinks_drain(o->out, o->flush_timeout_ms);
	st = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(rec, "scrapewatch"), "stats");
	if (st)
		sw_sinks_add_stats(o->out, st);
	sw_output_record(o->out, rec);
}

static struct sw_xdp *xdp_open_replay(struct sw_pipeline *pl,
				      const struct sw_flow_table_cfg *cfg,
				      unsigned emit, uint32_t ack_sample,
				      char *errbuf)
{
	struct sw_xdp_opts xo;

	sw_xdp_default_opts(&xo);
	/* Pure ACKs sampled as live unless asked (1: every one, exact
	 * packet counts). */
	if (ack_sample)
		xo.ack_sample_n = ack_sample;
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

/*
 * The XDP program follows VXLAN and GENEVE only (unless the file lists
 * fewer), one port each, at most 2 deep, and keys by the inner 5-tuple:
 * the heads it sends up are decoded the same way.
 */
static void decode_as_xdp(const struct sw_config *cfg)
{
	struct sw_decode_cfg dc = cfg->decode;

	dc.tunnels &= SW_TUNB_VXLAN | SW_TUNB_GENEVE;
	dc.n_vxlan_ports = dc.n_vxlan_ports ? 1 : 0;
	dc.n_geneve_ports = dc.n_geneve_ports ? 1 : 0;
	if (dc.max_depth > 2)
		dc.max_depth = 2;
	dc.tunnel_key_vni = 0;
	sw_decode_configure(&dc);
}

/* The config file, or the defaults when there is none. NULL: reported. */
static struct sw_config *load_config(const char *path)
{
	char errbuf[SW_CONFIG_ERRBUF_SIZE];
	struct sw_config *cfg;

	if (path) {
		cfg = sw_config_load(path, errbuf);
		if (!cfg)
			fprintf(stderr, "%s\n", errbuf);
		else
			sw_decode_configure(&cfg->decode);
		return cfg;
	}
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg) {
		perror("scrapewatch");
		return NULL;
	}
	sw_config_default(cfg);
	sw_decode_configure(&cfg->decode);
	return cfg;
}

/*
 * The sinks: --output URIs replace the config file's outputs; neither
 * means stdout. NULL: reported.
 */
static struct sw_sinks *open_sinks(const struct sw_config *cfg,
				   const char **outputs, int noutputs)
{
	char errbuf[SW_ERRBUF_SIZE];
	const char *def = "-";
	struct sw_sinks *sinks;
	int i;

	if (!noutputs && cfg->n_outputs) {
		outputs = (const char **)cfg->outputs;
		noutputs = cfg->n_outputs < SW_OUTPUTS_MAX ?
				   (int)cfg->n_outputs :
				   SW_OUTPUTS_MAX;
	}
	if (!noutputs) {
		outputs = &def;
		noutputs = 1;
	}
	sinks = sw_sinks_new();
	if (!sinks) {
		fprintf(stderr, "scrapewatch: sinks: %s\n", strerror(errno));
		return NULL;
	}
	for (i = 0; i < noutputs; i++)
		if (sw_sinks_add(sinks, outputs[i], errbuf) != 0) {
			fprintf(stderr, "scrapewatch: %s\n", errbuf);
			sw_sinks_free(sinks);
			return NULL;
		}
	return sinks;
}

/*
 * The metrics endpoint when --metrics or the config's metrics.listen asks
 * for one (the flag wins). 0 (with *out NULL when off), or -1: reported.
 */
static int start_metrics(const struct sw_config *cfg, const char *flag,
			 struct sw_sinks *sinks, struct sw_metrics **out)
{
	const char *listen = flag ? flag : cfg->metrics_listen;
	char errbuf[SW_ERRBUF_SIZE];

	*out = NULL;
	if (!listen[0])
		return 0;
	*out = sw_metrics_start(listen, errbuf);
	if (!*out) {
		fprintf(stderr, "scrapewatch: %s\n", errbuf);
		return -1;
	}
	sw_metrics_set_sinks(*out, sinks);
	return 0;
}

/*
 * Once per file, what was read but cannot be used, with the counts (the
 * stats record has them too): frames of a link type the decoder does not
 * know (802.11, USB, ...), and frames cut shorter than on the wire, whose
 * TLS, QUIC and HTTP fields past the cut are lost.
 */
static void warn_dropped(const char *file, const struct sw_stats *st,
			 uint64_t unknown_before, uint64_t cut_before,
			 int linktype)
{
	uint64_t unknown = st->reasons[SW_DR_UNKNOWN_LINKTYPE] - unknown_before;
	uint64_t cut = st->frames_cut - cut_before;

	if (unknown)
		fprintf(stderr,
			"scrapewatch: %s: %llu frames of link type %d, which "
			"scrapewatch does not decode (Ethernet, raw IP, Linux "
			"cooked, NULL/loopback), were skipped; see "
			"scrapewatch.stats skipped.unknown_linktype\n",
			file, (unsigned long long)unknown, linktype);
	if (cut)
		fprintf(stderr,
			"scrapewatch: %s: %llu frames were captured shorter "
			"than on the wire (the snap length): accounting "
			"holds, but TLS, QUIC and HTTP fields past the cut "
			"are lost; see scrapewatch.stats frames_cut\n",
			file, (unsigned long long)cut);
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
	int i, rc, status = EXIT_OK, stdin_seen = 0, reader_gone = 0;
	uint64_t unknown_before, cut_before;

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

	cfg = o->cfg->flows;
	rc = sw_pipeline_init(&pl, &cfg, o->out, o->emit);
	if (rc) {
		fprintf(stderr, "scrapewatch: flow table of %u flows: %s\n",
			cfg.max_flows, strerror(-rc));
		return EXIT_USAGE;
	}
	if (sw_sinks_start(o->out)) {
		sw_pipeline_destroy(&pl);
		return EXIT_USAGE;
	}
	if (o->detect) {
		char derr[256];

		rc = sw_pipeline_enable_detect(&pl, &o->cfg->detect,
					       o->on_alert, o->hook_ctx, derr,
					       sizeof(derr));
		if (rc) {
			fprintf(stderr, "scrapewatch: %s\n", derr);
			sw_pipeline_destroy(&pl);
			return EXIT_USAGE;
		}
	}
	if (o->through_xdp) {
		decode_as_xdp(o->cfg);
		xdp = xdp_open_replay(&pl, &cfg, o->emit, o->ack_sample,
				      errbuf);
		if (!xdp) {
			fprintf(stderr, "scrapewatch: --through-xdp: %s\n",
				errbuf);
			sw_pipeline_destroy(&pl);
			return EXIT_USAGE;
		}
	}
	pl.on_flow_start = o->on_flow_start;
	pl.flow_start_ctx = o->hook_ctx;
	sw_progress_init(&prog, o->quiet, total);

	for (i = 0; i < nfiles && !stop_requested && !reader_gone; i++) {
		struct sw_capture cap = { .ops = &sw_capture_pcap_file_ops };
		struct sw_capture_progress cp = { 0 };
		struct sw_frame fr = { 0 };

		rc = cap.ops->open_op(&cap, files[i], errbuf);
		if (rc) {
			sw_progress_done(&prog);
			fprintf(stderr, "scrapewatch: %s\n", errbuf);
			status = EXIT_USAGE;
			break;
		}
		pl.stats.files++;
		unknown_before = pl.stats.reasons[SW_DR_UNKNOWN_LINKTYPE];
		cut_before = pl.stats.frames_cut;
		while (!stop_requested &&
		       (rc = cap.ops->read_op(&cap, &fr, errbuf)) == 1) {
			if (fr.caplen < fr.wirelen)
				pl.stats.frames_cut++;
			if (xdp)
				xdp_replay_frame(xdp, &pl, &fr);
			else
				sw_pipeline_frame(&pl, &fr);
			if (sw_metrics_due(o->metrics)) {
				if (xdp)
					sw_xdp_fill_stats(xdp, &pl.stats);
				sw_metrics_publish(o->metrics, &pl, "pcap-file",
						   NULL, 0);
			}
			if (prog.enabled) {
				cap.ops->progress_op(&cap, &cp);
				sw_progress_update(&prog,
						   done_before + cp.bytes_done,
						   pl.stats.packets);
			}
			/* stdout closed (| head) and no other sink: done. */
			if (!(pl.stats.packets & 1023) &&
			    sw_sinks_reader_gone(o->out)) {
				reader_gone = 1;
				break;
			}
		}
		if (rc < 0) {
			sw_progress_done(&prog);
			fprintf(stderr, "scrapewatch: %s\n", errbuf);
			pl.stats.read_errors++;
			if (status == EXIT_OK)
				status = EXIT_PARTIAL;
		}
		warn_dropped(files[i], &pl.stats, unknown_before, cut_before,
			     fr.linktype);
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
	}
	sw_pipeline_finish(&pl);
	if (o->on_detect_done && pl.det)
		o->on_detect_done(o->hook_ctx, pl.det);
	sw_metrics_publish(o->metrics, &pl, "pcap-file", NULL, 0);
	/* No stats record when no input could be opened: nothing was read,
	 * as when the probe refuses a file before anything starts. */
	if (!(o->emit & SW_EMIT_FLOWS) && !o->no_stats && pl.stats.files)
		emit_stats(o, &pl);
	if (sw_sinks_close(o->out, o->flush_timeout_ms) &&
	    sw_sinks_fatal_error(o->out) != -EPIPE && status == EXIT_OK)
		status = EXIT_PARTIAL;
	if (pl.write_error) {
		fprintf(stderr, "scrapewatch: writing records: %s\n",
			strerror(-pl.write_error));
		status = EXIT_USAGE;
	}
	sw_xdp_close(xdp);
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
		else if (strcmp(arg, "xdp") == 0) {
			fprintf(stderr,
				"scrapewatch: --capture xdp belongs to "
				"'scrapewatch live --interface IF'; for files, "
				"--through-xdp runs them through the XDP "
				"program\n");
			*rc = EXIT_USAGE;
		} else if (strcmp(arg, "pcap") == 0)
			*rc = not_in_build("--capture pcap",
					   "Use --capture dpdk with a net_pcap "
					   "iface= device, or afxdp.");
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
	case 'R':
		cc->ring_file = arg;
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
static int run_capture(const struct run_opts *o, int nfiles)
{
	struct sw_shards_opts so = { 0 };

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
	if (o->capture == &sw_capture_dpdk_ops && o->capture_cfg.interface) {
		fprintf(stderr,
			"scrapewatch: --capture dpdk takes its ports from "
			"--dpdk-args, not --interface: e.g. --dpdk-args "
			"\"--no-huge --no-pci --vdev net_af_packet0,iface=%s\"\n",
			o->capture_cfg.interface);
		return EXIT_USAGE;
	}
	if (o->capture != &sw_capture_dpdk_ops && o->capture_cfg.ring_file) {
		fprintf(stderr,
			"scrapewatch: --dpdk-ring-file goes with --capture dpdk\n");
		return EXIT_USAGE;
	}
	if (o->capture == &sw_capture_afxdp_ops && !o->capture_cfg.interface) {
		fprintf(stderr,
			"scrapewatch: --capture afxdp needs --interface IF\n");
		return EXIT_USAGE;
	}
	so.ops = o->capture;
	so.cfg = o->capture_cfg;
	so.spec = o->capture == &sw_capture_dpdk_ops ? so.cfg.dpdk_args :
						       so.cfg.interface;
	so.flows = o->cfg->flows;
	so.detect = o->detect ? &o->cfg->detect : NULL;
	so.emit = o->emit;
	so.no_stats = o->no_stats;
	so.flush_timeout_ms = o->flush_timeout_ms;
	so.out = o->out;
	so.metrics = o->metrics;
	if (o->live) {
		so.config_path = o->config_path;
		so.cfgp = o->cfgp;
		so.reload = &reload_requested;
		atomic_store(&reload_requested, 0);
	}
	return sw_shards_run(&so);
}

enum { MODE_FILES, MODE_EVAL, MODE_LIVE };

static int cmd_offline(int argc, char **argv, unsigned emit, int mode)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "max-flows", required_argument, NULL, 'm' },
		{ "config", required_argument, NULL, 'c' },
		{ "through-xdp", no_argument, NULL, 'x' },
		{ "xdp-ack-sample", required_argument, NULL, 'A' },
		{ "no-fingerprints", no_argument, NULL, 'n' },
		{ "flush-timeout", required_argument, NULL, 'f' },
		{ "capture", required_argument, NULL, 'C' },
		{ "dpdk-args", required_argument, NULL, 'D' },
		{ "dpdk-ring-file", required_argument, NULL, 'R' },
		{ "interface", required_argument, NULL, 'i' },
		{ "workers", required_argument, NULL, 'W' },
		{ "queue", required_argument, NULL, 'Q' },
		{ "mbufs", required_argument, NULL, 'M' },
		{ "umem-frames", required_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ "labels", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "metrics", required_argument, NULL, 'P' },
		{ "force", no_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_opts o = { .emit = emit,
			      .flush_timeout_ms = SW_FLUSH_TIMEOUT_MS_DEFAULT };
	const char *outputs[SW_OUTPUTS_MAX];
	const char *config_path = NULL;
	struct sw_config *cfg = NULL;
	uint32_t max_flows = 0;
	int noutputs = 0;
	const char *labels = NULL, *metrics_listen = NULL;
	int json = 0;
	int c, rc, is_eval = mode == MODE_EVAL;

	o.capture_cfg.stop = &stop_requested;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:qhi:", longopts, NULL)) != -1) {
		if (sw_capture_option(&o, c, optarg, &rc)) {
			if (rc)
				return rc;
			continue;
		}
		switch (c) {
		case 'o':
			if (noutputs == SW_OUTPUTS_MAX) {
				fprintf(stderr,
					"scrapewatch: at most %d --output "
					"sinks\n",
					SW_OUTPUTS_MAX);
				return EXIT_USAGE;
			}
			outputs[noutputs++] = optarg;
			break;
		case 'f':
			if (parse_flush_timeout(optarg, &o.flush_timeout_ms))
				return EXIT_USAGE;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'n':
			o.emit |= SW_NO_HEADS;
			break;
		case 'm':
			if (parse_max_flows(optarg, &max_flows))
				return EXIT_USAGE;
			break;
		case 'c':
			config_path = optarg;
			break;
		case 'x':
			o.through_xdp = 1;
			break;
		case 'A':
			if (parse_ack_sample(optarg, &o.ack_sample))
				return EXIT_USAGE;
			break;
		case 'l':
			labels = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'P':
			metrics_listen = optarg;
			break;
		case 'O':
			sw_config_set_force(1);
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			fprintf(stderr, "Try 'scrapewatch --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (optind >= argc && !o.capture && mode != MODE_LIVE) {
		fprintf(stderr,
			"scrapewatch %s: no capture file given. "
			"Try 'scrapewatch %s FILE.pcap', or '-' for "
			"stdin.\n",
			argv[0], argv[0]);
		return EXIT_USAGE;
	}
	if (!is_eval && (labels || json)) {
		fprintf(stderr,
			"scrapewatch %s: --labels and --json belong to "
			"'scrapewatch eval'\n",
			argv[0]);
		return EXIT_USAGE;
	}
	if (!o.capture && o.capture_cfg.ring_file) {
		fprintf(stderr,
			"scrapewatch: --dpdk-ring-file goes with --capture dpdk\n");
		return EXIT_USAGE;
	}
	if (o.capture && o.through_xdp) {
		fprintf(stderr, "scrapewatch: --through-xdp reads capture "
				"files; it does not go with --capture\n");
		return EXIT_USAGE;
	}
	if (is_eval && o.capture) {
		fprintf(stderr, "scrapewatch eval: reads capture files; "
				"--capture belongs to flows, replay and "
				"live\n");
		return EXIT_USAGE;
	}
	if (is_eval && !labels) {
		fprintf(stderr, "scrapewatch eval: --labels LABELS.csv is "
				"required\n");
		return EXIT_USAGE;
	}
	/* The file first, then the flags given on the command line. */
	cfg = load_config(config_path);
	if (!cfg)
		return EXIT_USAGE;
	if (max_flows)
		cfg->flows.max_flows = max_flows;
	o.out = open_sinks(cfg, outputs, noutputs);
	if (!o.out) {
		sw_config_free(cfg);
		return EXIT_USAGE;
	}
	o.cfg = cfg;
	o.detect = !(emit & SW_EMIT_FLOWS);
	if (start_metrics(cfg, metrics_listen, o.out, &o.metrics)) {
		sw_sinks_free(o.out);
		sw_config_free(cfg);
		return EXIT_USAGE;
	}
	if (is_eval) {
		/* The report is for a person or a script: stdout, not sinks. */
		struct sw_eval *ev = sw_eval_new(labels);

		if (!ev) {
			sw_sinks_free(o.out);
			sw_config_free(cfg);
			return EXIT_USAGE;
		}
		o.no_stats = 1;
		o.quiet = 1;
		o.on_alert = sw_eval_alert;
		o.on_flow_start = sw_eval_flow_start;
		o.on_detect_done = sw_eval_detect_done;
		o.hook_ctx = ev;
		rc = run_files(&o, argv + optind, argc - optind);
		if (rc != EXIT_USAGE)
			sw_eval_report(ev, stdout, json);
		sw_eval_free(ev);
		sw_metrics_stop(o.metrics);
		sw_sinks_free(o.out);
		sw_config_free(cfg);
		return rc;
	}
	if (o.capture || mode == MODE_LIVE) {
		o.live = mode == MODE_LIVE;
		o.config_path = config_path;
		o.cfgp = &cfg;
		rc = run_capture(&o, argc - optind);
		/* A reload swapped the config: o.cfg is gone with the old. */
		o.cfg = cfg;
	} else
		rc = run_files(&o, argv + optind, argc - optind);
	sw_metrics_stop(o.metrics);
	sw_sinks_free(o.out);
	sw_config_free(cfg);
	return rc;
}

static int cmd_check_config(int argc, char **argv)
{
	char errbuf[SW_CONFIG_ERRBUF_SIZE];
	const struct sw_detect_cfg *d;
	struct sw_config *cfg;

	if (argc == 2 &&
	    (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return EXIT_OK;
	}
	if (argc == 3 && strcmp(argv[1], "--force") == 0) {
		sw_config_set_force(1);
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "scrapewatch check-config: give one config "
				"file. Try 'scrapewatch check-config "
				"etc/scrapewatch.yaml'.\n");
		return EXIT_USAGE;
	}
	cfg = sw_config_load(argv[1], errbuf);
	if (!cfg) {
		fprintf(stderr, "%s\n", errbuf);
		return EXIT_USAGE;
	}
	d = &cfg->detect;
	/* What the detector would refuse at start, refused here too. */
	if (sw_detect_check_cfg(d, errbuf, sizeof(errbuf)) != 0) {
		fprintf(stderr, "%s: detect.%s\n", argv[1], errbuf);
		sw_config_free(cfg);
		return EXIT_USAGE;
	}
	printf("%s: OK (flows: max %u; detect: alert score %u, %zu rule "
	       "settings, %zu exempt prefixes, %zu exempt fingerprints, "
	       "%zu services, %zu server names; outputs: %zu)\n",
	       argv[1], cfg->flows.max_flows, d->alert_score, d->n_rules,
	       d->n_exempt_nets, d->n_exempt_fps, d->n_services, d->n_snis,
	       cfg->n_outputs);
	if (cfg->unread[0])
		printf("%s: note: valid, but not read by this build yet: %s\n",
		       argv[1], cfg->unread);
	sw_config_free(cfg);
	return EXIT_OK;
}

/*
 * live --capture xdp: the XDP program accounts on each interface; flows and
 * heads come from its ring buffer and the idle sweep, through the shared
 * pipeline and the detector, until SIGINT or SIGTERM.
 */
static int cmd_live(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "capture", required_argument, NULL, 'C' },
		{ "xdp-mode", required_argument, NULL, 'M' },
		{ "xdp-ack-sample", required_argument, NULL, 'A' },
		{ "output", required_argument, NULL, 'o' },
		{ "max-flows", required_argument, NULL, 'm' },
		{ "config", required_argument, NULL, 'c' },
		{ "no-fingerprints", no_argument, NULL, 'n' },
		{ "flows", no_argument, NULL, 'F' },
		{ "flush-timeout", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "metrics", required_argument, NULL, 'P' },
		{ "pcap-filter", required_argument, NULL, 'B' },
		{ "pcap-buffer", required_argument, NULL, 'S' },
		{ "user", required_argument, NULL, 'U' },
		{ "force", no_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 },
	};
	const char *run_as = NULL;
	char ifnames[SW_XDP_MAX_IFACES][SW_CONFIG_IFNAME_MAX];
	int mode_set = 0;
	struct sw_pcap_live_opts po = { .promisc = 1 };
	struct sw_capture caps[SW_XDP_MAX_IFACES];
	int ncaps = 0, use_pcap = 0;
	uint64_t size;
	const char *metrics_listen = NULL;
	struct sw_metrics *metrics = NULL;
	const char *ifaces[SW_XDP_MAX_IFACES], *capture = NULL;
	const char *outputs[SW_OUTPUTS_MAX], *config_path = NULL;
	char errbuf[SW_ERRBUF_SIZE], derr[256];
	struct sw_config *cfg = NULL;
	struct sw_sinks *sinks = NULL;
	struct sw_xdp_opts xo;
	struct sw_pipeline pl;
	struct sw_xdp *xdp = NULL;
	int c, i, nif = 0, noutputs = 0, mode = SW_XDP_MODE_AUTO;
	int status = EXIT_USAGE;
	unsigned emit = SW_EMIT_NONE;
	unsigned flush_timeout_ms = SW_FLUSH_TIMEOUT_MS_DEFAULT;
	uint32_t max_flows = 0, ack_sample = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "i:o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'A':
			if (parse_ack_sample(optarg, &ack_sample))
				return EXIT_USAGE;
			break;
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
			mode_set = 1;
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
			if (noutputs == SW_OUTPUTS_MAX) {
				fprintf(stderr,
					"scrapewatch: at most %d --output "
					"sinks\n",
					SW_OUTPUTS_MAX);
				return EXIT_USAGE;
			}
			outputs[noutputs++] = optarg;
			break;
		case 'm':
			if (parse_max_flows(optarg, &max_flows))
				return EXIT_USAGE;
			break;
		case 'f':
			if (parse_flush_timeout(optarg, &flush_timeout_ms))
				return EXIT_USAGE;
			break;
		case 'c':
			config_path = optarg;
			break;
		case 'n':
			emit |= SW_NO_HEADS;
			break;
		case 'F':
			emit |= SW_EMIT_FLOWS;
			break;
		case 'P':
			metrics_listen = optarg;
			break;
		case 'B':
			po.filter = optarg;
			break;
		case 'U':
			run_as = optarg;
			break;
		case 'S':
			if (sw_config_parse_size(optarg, &size) ||
			    size < 65536 || size > (1ull << 31)) {
				fprintf(stderr,
					"scrapewatch: --pcap-buffer %s: expected "
					"a size from 64KiB to 2GiB\n",
					optarg);
				return EXIT_USAGE;
			}
			po.buffer_bytes = (uint32_t)size;
			break;
		case 'q':
			break;
		case 'O':
			sw_config_set_force(1);
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			fprintf(stderr, "Try 'scrapewatch --help'.\n");
			return EXIT_USAGE;
		}
	}
	/* The file's live section, then the flags given. */
	cfg = load_config(config_path);
	if (!cfg)
		return EXIT_USAGE;
	sw_log_set_level(cfg->log_level);
	if (!nif) {
		for (; nif < (int)cfg->n_interfaces && nif < SW_XDP_MAX_IFACES;
		     nif++) {
			memcpy(ifnames[nif], cfg->interfaces[nif],
			       SW_CONFIG_IFNAME_MAX);
			ifaces[nif] = ifnames[nif];
		}
	}
	if (!capture && config_path)
		capture = sw_config_capture_name(cfg->capture);
	if (capture && strcmp(capture, "pcap") == 0) {
		/* The file's pcap settings apply to the pcap backend only. */
		if (!po.filter && cfg->pcap_filter[0])
			po.filter = cfg->pcap_filter;
		if (!po.buffer_bytes)
			po.buffer_bytes = cfg->pcap_buffer_bytes;
	}
	if (!mode_set && config_path)
		mode = cfg->xdp_mode == SW_CONFIG_XDP_GENERIC ?
			       SW_XDP_MODE_GENERIC :
			       SW_XDP_MODE_NATIVE;
	if (!nif || !capture) {
		fprintf(stderr, "scrapewatch live: give --interface IF and "
				"--capture xdp|pcap (or live.interfaces in "
				"the --config file)\n");
		goto free_cfg;
	}
	use_pcap = strcmp(capture, "pcap") == 0;
	if (!use_pcap && (po.filter || po.buffer_bytes)) {
		fprintf(stderr, "scrapewatch: --pcap-filter and --pcap-buffer "
				"belong to --capture pcap\n");
		goto free_cfg;
	}
	if (strcmp(capture, "xdp") != 0 && !use_pcap) {
		if (strcmp(capture, "afxdp") == 0 ||
		    strcmp(capture, "dpdk") == 0) {
			fprintf(stderr,
				"scrapewatch: live.capture %s: give --capture "
				"%s on the command line (its options are "
				"flags)\n",
				capture, capture);
			goto free_cfg;
		}
		fprintf(stderr,
			"scrapewatch: --capture %s: expected xdp, afxdp, dpdk "
			"or pcap\n",
			capture);
		goto free_cfg;
	}
	if (max_flows)
		cfg->flows.max_flows = max_flows;
	sinks = open_sinks(cfg, outputs, noutputs);
	if (!sinks)
		goto free_cfg;
	if (sw_pipeline_init(&pl, &cfg->flows, sinks, emit)) {
		fprintf(stderr, "scrapewatch: flow table of %u flows: %s\n",
			cfg->flows.max_flows, strerror(errno));
		goto free_sinks;
	}
	if (sw_sinks_start(sinks))
		goto destroy;
	if (start_metrics(cfg, metrics_listen, sinks, &metrics))
		goto destroy;
	if (sw_pipeline_enable_detect(&pl, &cfg->detect, NULL, NULL, derr,
				      sizeof(derr))) {
		fprintf(stderr, "scrapewatch: %s\n", derr);
		goto destroy;
	}
	if (use_pcap) {
		for (ncaps = 0; ncaps < nif; ncaps++) {
			caps[ncaps].ops = &sw_capture_pcap_live_ops;
			if (sw_pcap_live_open(&caps[ncaps], ifaces[ncaps], &po,
					      errbuf)) {
				fprintf(stderr, "scrapewatch: %s\n", errbuf);
				goto destroy;
			}
		}
		sw_log(SW_LOG_INFO, "pcap capturing on %d interface(s)", nif);
		goto run;
	}
	decode_as_xdp(cfg);
	sw_xdp_default_opts(&xo);
	xo.table = cfg->flows;
	xo.max_flows = cfg->flows.max_flows;
	xo.heads = !(emit & SW_NO_HEADS);
	if (ack_sample)
		xo.ack_sample_n = ack_sample;
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
	sw_log(SW_LOG_INFO, "XDP attached on %d interface(s)", nif);
run:
	if (!run_as && cfg->run_as[0])
		run_as = cfg->run_as;
	if (run_as) {
		if (sw_drop_privileges(run_as,
				       use_pcap ? SW_PRIV_PCAP : SW_PRIV_XDP,
				       errbuf)) {
			fprintf(stderr, "scrapewatch: %s\n", errbuf);
			goto destroy;
		}
		sw_log(SW_LOG_INFO,
		       "running as %s with only the %s capabilities", run_as,
		       use_pcap ? "pcap (CAP_NET_RAW)" :
				  "XDP (CAP_BPF, CAP_PERFMON, "
				  "CAP_NET_ADMIN)");
	}
	status = EXIT_OK;
	atomic_store(&reload_requested, 0);
	sw_notify_ready();
	while (!stop_requested) {
		sw_notify_watchdog();
		if (atomic_exchange(&reload_requested, 0)) {
			struct sw_reload_ctx rl = {
				.path = config_path,
				.outputs_from_flags = noutputs > 0,
				.flush_timeout_ms = flush_timeout_ms,
				.cfg = &cfg,
				.pl = &pl,
				.metrics = metrics,
			};

			sw_notify_reloading();
			sw_reload(&rl);
			sinks = pl.out;
			sw_notify_ready();
		}
		if (use_pcap) {
			if (sw_live_pcap_poll(caps, ncaps, &pl, 200, errbuf)) {
				fprintf(stderr, "scrapewatch: %s\n", errbuf);
				status = EXIT_PARTIAL;
				break;
			}
			if (sw_metrics_due(metrics))
				sw_live_pcap_publish(metrics, caps, ncaps, &pl);
			continue;
		}
		if (sw_xdp_poll(xdp, 200) < 0) {
			fprintf(stderr, "scrapewatch: XDP ring buffer: %s\n",
				strerror(errno));
			status = EXIT_PARTIAL;
			break;
		}
		if (sw_metrics_due(metrics)) {
			sw_xdp_fill_stats(xdp, &pl.stats);
			sw_metrics_publish(metrics, &pl, "xdp", NULL, 0);
		}
	}
	sw_notify_stopping();
	if (xdp) {
		sw_xdp_finish(xdp);
		sw_xdp_fill_stats(xdp, &pl.stats);
	}
	if (use_pcap)
		sw_live_pcap_report(caps, ncaps);
	sw_pipeline_finish(&pl);
	{
		struct run_opts o = { .emit = emit,
				      .flush_timeout_ms = flush_timeout_ms,
				      .out = sinks,
				      .cfg = cfg };

		emit_stats(&o, &pl);
	}
	if (sw_sinks_close(sinks, flush_timeout_ms) &&
	    sw_sinks_fatal_error(sinks) != -EPIPE && status == EXIT_OK)
		status = EXIT_PARTIAL;
destroy:
	sw_metrics_stop(metrics);
	for (i = 0; i < ncaps; i++)
		caps[i].ops->cleanup_op(&caps[i]);
	sw_xdp_close(xdp);
	sw_pipeline_destroy(&pl);
free_sinks:
	sw_sinks_free(sinks);
free_cfg:
	sw_config_free(cfg);
	return status;
}

/* live --capture dpdk|afxdp runs the shards (src/engine/shards.c); other
 * captures are cmd_live's. */
static int live_bypass(int argc, char **argv)
{
	const char *v;
	int i;

	for (i = 1; i < argc; i++) {
		v = NULL;
		if (!strcmp(argv[i], "--capture") && i + 1 < argc)
			v = argv[i + 1];
		else if (!strncmp(argv[i], "--capture=", 10))
			v = argv[i] + 10;
		if (v && (!strcmp(v, "dpdk") || !strcmp(v, "afxdp")))
			return 1;
	}
	return 0;
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
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	cmd = argv[1];
	if (strcmp(cmd, "flows") == 0)
		return cmd_offline(argc - 1, argv + 1, SW_EMIT_FLOWS,
				   MODE_FILES);
	if (strcmp(cmd, "replay") == 0)
		return cmd_offline(argc - 1, argv + 1, SW_EMIT_NONE,
				   MODE_FILES);
	if (strcmp(cmd, "live") == 0)
		return live_bypass(argc - 1, argv + 1) ?
			       cmd_offline(argc - 1, argv + 1, SW_EMIT_NONE,
					   MODE_LIVE) :
			       cmd_live(argc - 1, argv + 1);
	if (strcmp(cmd, "eval") == 0)
		return cmd_offline(argc - 1, argv + 1, SW_EMIT_NONE, MODE_EVAL);
	if (strcmp(cmd, "check-config") == 0)
		return cmd_check_config(argc - 1, argv + 1);
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
