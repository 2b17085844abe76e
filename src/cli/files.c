// SPDX-License-Identifier: BSD-2-Clause
/*
 * flows, replay and eval over capture files (files.h): every file probed
 * before anything runs, then read in order through one pipeline (or
 * through the XDP program with --through-xdp), with the progress line,
 * the metrics, and the final stats record.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "base/log.h"
#include "cli/cli.h"
#include "cli/files.h"
#include "engine/progress.h"
#include "output/output.h"
#include "xdp/xdp.h"

/* One run over the files. */
struct files_run {
	const struct sw_files_opts *o;
	struct sw_pipeline pl;
	struct sw_xdp *xdp;
	struct sw_progress prog;
	uint64_t done_before; /* bytes of the files before this one */
	int status;
	int reader_gone; /* stdout closed (| head) and no other sink */
};

static uint64_t file_size(const char *path)
{
	struct stat st;

	if (strcmp(path, "-") == 0 || stat(path, &st) != 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	return (uint64_t)st.st_size;
}

/* Every file readable, stdin at most once; *total their bytes. */
static int probe_files(char **files, int nfiles, uint64_t *total)
{
	char errbuf[SW_ERRBUF_SIZE];
	int i, stdin_seen = 0;

	*total = 0;
	for (i = 0; i < nfiles; i++) {
		if (strcmp(files[i], "-") == 0 && stdin_seen++) {
			sw_log(SW_LOG_ERROR, "'-' (stdin) given twice");
			return -1;
		}
		if (sw_capture_pcap_file_probe(files[i], errbuf) != 0) {
			sw_log(SW_LOG_ERROR, "%s", errbuf);
			return -1;
		}
		*total += file_size(files[i]);
	}
	return 0;
}

static struct sw_xdp *xdp_open_replay(const struct sw_files_opts *o,
				      struct sw_pipeline *pl, char *errbuf)
{
	struct sw_xdp_opts xo;

	sw_xdp_default_opts(&xo);
	/* Pure ACKs sampled as live unless asked (1: every one, exact
	 * packet counts). */
	if (o->ack_sample)
		xo.ack_sample_n = o->ack_sample;
	xo.table = o->cfg->flows;
	xo.max_flows = o->cfg->flows.max_flows;
	xo.replay = 1;
	xo.heads = !(o->emit & SW_NO_HEADS);
	sw_xdp_decode_configure(&o->cfg->decode);
	return sw_xdp_open(&xo, pl, errbuf);
}

/* The pipeline, the sinks started, the detector, the XDP program. */
static int setup(struct files_run *r)
{
	const struct sw_files_opts *o = r->o;
	char errbuf[SW_ERRBUF_SIZE], derr[256];
	int rc;

	rc = sw_pipeline_init(&r->pl, &o->cfg->flows, o->out, o->emit);
	if (rc) {
		sw_log(SW_LOG_ERROR, "flow table of %u flows: %s",
		       o->cfg->flows.max_flows, strerror(-rc));
		return -1;
	}
	if (sw_sinks_start(o->out))
		goto fail;
	if (o->detect &&
	    sw_pipeline_enable_detect(&r->pl, &o->cfg->detect, o->on_alert,
				      o->hook_ctx, derr, sizeof(derr))) {
		sw_log(SW_LOG_ERROR, "%s", derr);
		goto fail;
	}
	if (o->through_xdp) {
		r->xdp = xdp_open_replay(o, &r->pl, errbuf);
		if (!r->xdp) {
			sw_log(SW_LOG_ERROR, "--through-xdp: %s", errbuf);
			goto fail;
		}
	}
	r->pl.on_flow_start = o->on_flow_start;
	r->pl.flow_start_ctx = o->hook_ctx;
	return 0;
fail:
	sw_pipeline_destroy(&r->pl);
	return -1;
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
		sw_log(SW_LOG_INFO,
		       "%s: %llu frames of link type %d, which scrapewatch "
		       "does not decode (Ethernet, raw IP, Linux cooked, "
		       "NULL/loopback), were skipped; see scrapewatch.stats "
		       "skipped.unknown_linktype",
		       file, (unsigned long long)unknown, linktype);
	if (cut)
		sw_log(SW_LOG_INFO,
		       "%s: %llu frames were captured shorter than on the "
		       "wire (the snap length): accounting holds, but TLS, "
		       "QUIC and HTTP fields past the cut are lost; see "
		       "scrapewatch.stats frames_cut",
		       file, (unsigned long long)cut);
}

/* One frame in; the metrics and the progress line now and then. 0, or
 * 1: stop reading (no one reads the records any more). */
static int frame(struct files_run *r, struct sw_capture *cap,
		 const struct sw_frame *fr)
{
	struct sw_pipeline *pl = &r->pl;
	struct sw_capture_progress cp;

	if (fr->caplen < fr->wirelen)
		pl->stats.frames_cut++;
	if (r->xdp) {
		/* Through the kernel program; the input counters stay here. */
		if (!pl->stats.first_ns)
			pl->stats.first_ns = fr->ts_ns;
		if (fr->ts_ns > pl->stats.last_ns)
			pl->stats.last_ns = fr->ts_ns;
		sw_xdp_replay_frame(r->xdp, fr);
	} else {
		sw_pipeline_frame(pl, fr);
	}
	if (sw_metrics_due(r->o->metrics)) {
		if (r->xdp)
			sw_xdp_fill_stats(r->xdp, &pl->stats);
		sw_metrics_publish(r->o->metrics, pl, "pcap-file", NULL, 0);
	}
	if (r->prog.enabled) {
		cap->ops->progress_op(cap, &cp);
		sw_progress_update(&r->prog, r->done_before + cp.bytes_done,
				   pl->stats.packets);
	}
	if (!(pl->stats.packets & 1023) && sw_sinks_reader_gone(r->o->out)) {
		r->reader_gone = 1;
		return 1;
	}
	return 0;
}

/* One file through. 0, or -1: it could not be opened (said). */
static int read_file(struct files_run *r, const char *file)
{
	struct sw_capture cap = { .ops = &sw_capture_pcap_file_ops };
	struct sw_capture_progress cp = { 0 };
	struct sw_frame fr = { 0 };
	char errbuf[SW_ERRBUF_SIZE];
	uint64_t unknown_before, cut_before;
	int rc;

	rc = cap.ops->open_op(&cap, file, errbuf);
	if (rc) {
		sw_progress_done(&r->prog);
		sw_log(SW_LOG_ERROR, "%s", errbuf);
		r->status = EXIT_USAGE;
		return -1;
	}
	r->pl.stats.files++;
	unknown_before = r->pl.stats.reasons[SW_DR_UNKNOWN_LINKTYPE];
	cut_before = r->pl.stats.frames_cut;
	while (!sw_cli_stop && (rc = cap.ops->read_op(&cap, &fr, errbuf)) == 1)
		if (frame(r, &cap, &fr))
			break;
	if (rc < 0) {
		sw_progress_done(&r->prog);
		sw_log(SW_LOG_ERROR, "%s", errbuf);
		r->pl.stats.read_errors++;
		if (r->status == EXIT_OK)
			r->status = EXIT_PARTIAL;
	}
	warn_dropped(file, &r->pl.stats, unknown_before, cut_before,
		     fr.linktype);
	cap.ops->progress_op(&cap, &cp);
	r->done_before += cp.bytes_done;
	cap.ops->cleanup_op(&cap);
	return 0;
}

/* The final stats record carries the sinks' counters as they are once
 * everything before it was delivered (or the flush timeout ran out). */
static void emit_stats(const struct sw_files_opts *o, struct sw_pipeline *pl)
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

/* The end of input: open flows out, the stats record, the sinks closed. */
static void finish(struct files_run *r)
{
	const struct sw_files_opts *o = r->o;
	struct sw_pipeline *pl = &r->pl;

	if (r->xdp) {
		sw_xdp_finish(r->xdp);
		sw_xdp_fill_stats(r->xdp, &pl->stats);
	}
	sw_pipeline_finish(pl);
	if (o->on_detect_done && pl->det)
		o->on_detect_done(o->hook_ctx, pl->det);
	sw_metrics_publish(o->metrics, pl, "pcap-file", NULL, 0);
	/* No stats record when no input could be opened: nothing was read,
	 * as when the probe refuses a file before anything starts. */
	if (!(o->emit & SW_EMIT_FLOWS) && !o->no_stats && pl->stats.files)
		emit_stats(o, pl);
	if (sw_sinks_close(o->out, o->flush_timeout_ms) &&
	    sw_sinks_fatal_error(o->out) != -EPIPE && r->status == EXIT_OK)
		r->status = EXIT_PARTIAL;
	if (pl->write_error) {
		sw_log(SW_LOG_ERROR, "writing records: %s",
		       strerror(-pl->write_error));
		r->status = EXIT_USAGE;
	}
}

int sw_cli_run_files(const struct sw_files_opts *o, char **files, int nfiles)
{
	struct files_run r = { .o = o, .status = EXIT_OK };
	uint64_t total;
	int i;

	if (probe_files(files, nfiles, &total) || setup(&r))
		return EXIT_USAGE;
	sw_progress_init(&r.prog, o->quiet, total);
	for (i = 0; i < nfiles && !sw_cli_stop && !r.reader_gone; i++)
		if (read_file(&r, files[i]))
			break;
	sw_progress_done(&r.prog);
	if (sw_cli_stop)
		sw_log(SW_LOG_INFO, "interrupted; flushing open flows");
	finish(&r);
	sw_xdp_close(r.xdp);
	sw_pipeline_destroy(&r.pl);
	return r.status;
}
