/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The engine: the one loop that runs a capture through the pipeline, for
 * every capture backend (DPDK, AF_XDP, libpcap live, the XDP program) and
 * for `live` as well as `flows`/`replay --capture`.
 *
 * Design. A source (struct sw_source) says how many queues it has and
 * runs one worker per queue on the threads it picks: DPDK lcores, AF_XDP
 * pthreads, or for the single-queue sources (pcap, xdp) the calling
 * thread. Each worker owns a shard: its pipeline (flow table, heads and,
 * with one shard, the detector). Every worker runs the same loop
 * (engine.c, shard_main): ask the source to pump a batch of frames (or
 * wait a little when none came) into the shard's pipeline, then do the
 * chores that keep a daemon alive. The chores (systemd watchdog, SIGHUP
 * reload, metrics) run on the thread that owns the detector: the one
 * worker, or, with several shards and detection, the merge thread that
 * feeds the one detector in packet-time order (detect/detect-merge.h).
 * Backends differ only in their sw_source_ops; signals, reload, metrics,
 * sd_notify, privilege drop and the final stats record are the engine's
 * and the same for all.
 */
#ifndef SW_ENGINE_H
#define SW_ENGINE_H

#include <stdatomic.h>
#include <stdint.h>

#include "capture/capture.h"
#include "capture/source-pcap-live.h"
#include "config/config.h"
#include "daemon/metrics.h"
#include "output/output.h"
#include "detect/detect-merge.h"
#include "pipeline/pipeline.h"
#include "sink/sink.h"
#include "track/flow_table.h"
#include "xdp/xdp.h"

#define SW_SOURCE_IFACES_MAX SW_XDP_MAX_IFACES
/* Frames a multi-queue source's pump feeds at most before the loop
 * looks at its chores. */
#define SW_ENGINE_BATCH 64

struct sw_source;
struct sw_engine_opts;

/* One backend's part of the loop. NULL members are not needed by it. */
struct sw_source_ops {
	/* Open; set nqueues, finite, what. 0, or -errno with errbuf set. */
	int (*open)(struct sw_source *s, char *errbuf);
	/* Single-queue sources: the shard's pipeline exists (xdp loads its
	 * program into it). 0, or -errno with errbuf set. */
	int (*bind)(struct sw_source *s, struct sw_pipeline *pl,
		    const struct sw_engine_opts *o, char *errbuf);
	/* Run fn(args[q]) per queue and wait for all; 0 or -errno. */
	int (*run)(struct sw_source *s, sw_capture_worker_fn fn,
		   void *const *args, char *errbuf);
	/*
	 * Feed queue q's frames into pl, a bounded batch, or wait a little
	 * when there are none (then tell dq, when given, how far the queue's
	 * clock is known to be). >0: go on (*frames says how many were fed);
	 * 0: end of input or stop; <0: error, errbuf says which.
	 */
	int (*pump)(struct sw_source *s, unsigned q, struct sw_pipeline *pl,
		    struct sw_detq *dq, unsigned *frames, char *errbuf);
	/* Publish a single pipeline's metrics with the source's counters. */
	void (*publish)(struct sw_source *s, struct sw_metrics *m,
			struct sw_pipeline *pl);
	/* End of input, before the pipeline finishes (single queue). */
	void (*finish)(struct sw_source *s, struct sw_pipeline *pl);
	void (*stats)(struct sw_source *s, struct sw_capture_stats *st);
	void (*close)(struct sw_source *s);
	/* live: SIGHUP may rebuild the outputs (one pipeline, this thread
	 * only writes to them); else the outputs given stay. */
	int reload_outputs;
	/* live: the capabilities to keep after the privilege drop
	 * (enum sw_priv_backend), or -1: the backend does not drop them. */
	int priv;
	const char *priv_what; /* the capabilities kept, for the log */
};

struct sw_source {
	const struct sw_source_ops *ops;
	const char *name; /* the backend, for the metrics */
	const atomic_int *stop; /* set by a signal: stop reading */
	/* Set by open: */
	unsigned nqueues;
	int finite; /* a file: nothing may be dropped between threads */
	char what[160]; /* said once when capture starts ("": nothing) */
	/* dpdk, afxdp: a multi-queue frame source. */
	struct sw_capture cap;
	struct sw_capture_cfg capcfg;
	const char *spec;
	/* pcap, xdp: the interfaces. */
	const char *ifaces[SW_SOURCE_IFACES_MAX];
	int nif;
	struct sw_capture pcaps[SW_SOURCE_IFACES_MAX];
	int npcaps;
	struct sw_pcap_live_opts pcap;
	struct sw_xdp *xdp;
	int xdp_mode; /* enum sw_xdp_mode */
	uint32_t ack_sample; /* 0: the default */
};

/* A DPDK or AF_XDP source: ops and cfg as given, spec for its open_op.
 * cfg->stop is the stop flag. */
void sw_source_queues(struct sw_source *s, const struct sw_capture_ops *ops,
		      const struct sw_capture_cfg *cfg, const char *spec);
/* libpcap live capture on nif interfaces (names kept, not copied). */
void sw_source_pcap(struct sw_source *s, const char *const *ifaces, int nif,
		    const struct sw_pcap_live_opts *po, const atomic_int *stop);
/* The XDP program attached on nif interfaces. */
void sw_source_xdp(struct sw_source *s, const char *const *ifaces, int nif,
		   int mode, uint32_t ack_sample, const atomic_int *stop);

struct sw_engine_opts {
	struct sw_source *src;
	struct sw_flow_table_cfg flows; /* for the process; shards split it */
	const struct sw_detect_cfg *detect; /* NULL: no detector */
	unsigned emit; /* enum sw_pipeline_emit */
	int no_stats; /* no final stats record */
	unsigned flush_timeout_ms; /* for the sinks at the end */
	/* Not started yet; closed on return. A reload may replace them:
	 * *out is then the set to free. */
	struct sw_sinks **out;
	/*
	 * live: SIGHUP (*reload set) reloads config_path into *cfgp, on the
	 * detector's owner's thread, between records; systemd hears of
	 * readiness and the watchdog; run_as drops privileges once set up.
	 * reload NULL: not live.
	 */
	atomic_int *reload;
	const char *config_path;
	struct sw_config **cfgp;
	int outputs_from_flags; /* --output given: a reload keeps them */
	const char *run_as; /* NULL: keep the user */
	struct sw_metrics *metrics; /* may be NULL */
};

/* Returns an exit status: 0 done, 1 input ended by an error or records
 * not delivered (reported), 2 the capture could not start or records
 * could not be written. */
int sw_engine_run(const struct sw_engine_opts *o);

/* The statistics record of n shards' pipelines (engine-stats.c): summed,
 * with det (the merged detector, or NULL) and the source's counters. */
cJSON *sw_engine_stats_record(struct sw_pipeline *const *pls, unsigned n,
			      struct sw_source *src,
			      const struct sw_detect *det,
			      const struct sw_detect_merge *m,
			      struct sw_detq *const *qs);
/* The scrapewatch.stats object of a stats record (NULL: none). */
cJSON *sw_engine_stats_path(cJSON *rec);
/* s's counters added into d. */
void sw_engine_stats_add(struct sw_stats *d, const struct sw_stats *s);
/* The n pipelines' counters summed into d (zeroed first). */
void sw_engine_stats_sum(struct sw_stats *d, struct sw_pipeline *const *pls,
			 unsigned n);

#endif /* SW_ENGINE_H */
