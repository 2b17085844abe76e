// SPDX-License-Identifier: BSD-2-Clause
/*
 * The engine's one loop (see engine.h for the design): shards, one per
 * queue of the source, each with its pipeline; the loop every worker runs
 * (shard_main); the chores of the detector's owner (owner_tick); and the
 * end of a run, the same for every backend. No lock on the packet path:
 * the workers meet only in the sinks' queues and, with several shards and
 * detection, in the merge's single-producer queues.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/log.h"
#include "daemon/notify.h"
#include "daemon/privdrop.h"
#include "daemon/reload.h"
#include "engine/engine.h"

/* Frames between a worker's copies of its counters for the metrics, and
 * between the owner's looks at SIGHUP and the metrics' clock. */
#define SHARD_SNAP_FRAMES 1024
#define SHARD_TICK_FRAMES SW_ENGINE_BATCH

struct engine;

struct shard {
	struct engine *e;
	unsigned queue;
	int owner; /* this worker runs the owner's chores (owner_tick) */
	unsigned since_snap, since_tick;
	/* This worker's counters as of its last copy, for the metrics: the
	 * worker only tries the lock (never waits), the owner takes it. */
	pthread_mutex_t snap_lock;
	int snap_lock_ready;
	struct sw_stats snap_st;
	struct sw_flow_table_stats snap_flows;
	uint32_t snap_cap;
	struct sw_pipeline pl;
	int pl_ready;
	int rc; /* of the last pump: 0 end, <0 error */
	double cpu_s; /* this worker thread's CPU time */
	uint64_t end_ns; /* the end of input, of all shards */
	struct sw_detq *detq; /* merged detection: this shard's queue */
	int finished;
	char errbuf[SW_ERRBUF_SIZE];
};

struct engine {
	const struct sw_engine_opts *o;
	struct sw_source *src;
	struct shard *sh;
	unsigned n;
	int live; /* the owner's chores run (reload, metrics) */
	/* Several shards with detection: one detector, fed by the merge. */
	struct sw_pipeline dpl;
	int dpl_ready;
	struct sw_detect_merge *merge;
	struct sw_pipeline *owner; /* the one whose detector it is */
	struct sw_sinks *out; /* in force (a reload may swap them) */
	int started; /* the sinks */
	double wall0, cpu0;
	void *args[SW_CAPTURE_QUEUES_MAX];
	struct sw_pipeline *pls[SW_CAPTURE_QUEUES_MAX];
	struct sw_detq *qs[SW_CAPTURE_QUEUES_MAX];
};

/* On the worker's thread: copy its counters for the metrics, unless the
 * owner is reading them right now (then next time). */
static void shard_snap(struct shard *sh)
{
	sh->since_snap = 0;
	if (pthread_mutex_trylock(&sh->snap_lock))
		return;
	sh->snap_st = sh->pl.stats;
	sh->snap_flows = *sw_flow_table_stats(sh->pl.flows);
	sh->snap_cap = sw_flow_table_capacity(sh->pl.flows);
	pthread_mutex_unlock(&sh->snap_lock);
}

/* The metrics: one pipeline as it is (with the source's own counters),
 * or the shards' last copies summed, with the owner's detector. */
static void publish_metrics(struct engine *e)
{
	struct sw_source *src = e->src;
	struct sw_flow_table_stats fs = { 0 };
	struct sw_stats st;
	uint32_t cap = 0;
	unsigned i;

	if (e->n == 1) {
		if (src->ops->publish)
			src->ops->publish(src, e->o->metrics, &e->sh[0].pl);
		else
			sw_metrics_publish(e->o->metrics, &e->sh[0].pl,
					   src->name, NULL, 0);
		return;
	}
	memset(&st, 0, sizeof(st));
	for (i = 0; i < e->n; i++) {
		struct shard *sh = &e->sh[i];

		pthread_mutex_lock(&sh->snap_lock);
		sw_engine_stats_add(&st, &sh->snap_st);
		fs.created += sh->snap_flows.created;
		fs.ended += sh->snap_flows.ended;
		fs.evicted += sh->snap_flows.evicted;
		fs.reused += sh->snap_flows.reused;
		fs.active += sh->snap_flows.active;
		fs.active_max += sh->snap_flows.active_max;
		cap += sh->snap_cap;
		pthread_mutex_unlock(&sh->snap_lock);
	}
	sw_metrics_publish_parts(e->o->metrics, e->owner, &st, &fs, cap,
				 src->name, NULL, 0);
}

/*
 * On the detector's owner's thread, between records: systemd's watchdog,
 * a SIGHUP's reload (sw_reload: the file loaded and checked, then the
 * detector takes it in place; the outputs are rebuilt only where one
 * thread writes to them), and the metrics.
 */
static void owner_tick(void *arg)
{
	struct engine *e = arg;
	const struct sw_engine_opts *o = e->o;

	if (o->reload)
		sw_notify_watchdog();
	if (o->reload &&
	    atomic_load_explicit(o->reload, memory_order_relaxed) &&
	    atomic_exchange(o->reload, 0)) {
		struct sw_reload_ctx rl = {
			.path = o->config_path,
			.outputs_from_flags = o->outputs_from_flags ||
					      !e->src->ops->reload_outputs,
			.flush_timeout_ms = o->flush_timeout_ms,
			.cfg = o->cfgp,
			.pl = e->owner,
			.metrics = o->metrics,
		};

		sw_notify_reloading();
		if (o->cfgp)
			sw_reload(&rl);
		sw_notify_ready();
	}
	if (sw_metrics_due(o->metrics))
		publish_metrics(e);
}

/* The loop, on each worker's thread: a batch of frames into the shard's
 * pipeline, then, now and then, the chores. */
static int shard_main(void *arg)
{
	struct shard *sh = arg;
	struct engine *e = sh->e;
	struct sw_source *src = e->src;
	struct timespec t0, t1;
	unsigned got = 0;
	int rc, snap = e->live && e->o->metrics && e->n > 1;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	while ((rc = src->ops->pump(src, sh->queue, &sh->pl, sh->detq, &got,
				    sh->errbuf)) > 0) {
		if (!e->live)
			continue;
		/* A short batch: the queue ran dry, a good time for both. */
		sh->since_snap += got;
		sh->since_tick += got;
		if (snap && (got < SHARD_TICK_FRAMES ||
			     sh->since_snap >= SHARD_SNAP_FRAMES))
			shard_snap(sh);
		if (sh->owner && (got < SHARD_TICK_FRAMES ||
				  sh->since_tick >= SHARD_TICK_FRAMES)) {
			sh->since_tick = 0;
			owner_tick(e);
		}
	}
	sh->rc = rc;
	/* No more packets here: the merge need not wait for this shard's
	 * clock (the flush at the end comes after every packet). */
	if (sh->detq)
		sw_detq_idle(sh->detq, SW_DETQ_NEVER);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
	sh->cpu_s = (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (rc < 0)
		sh->pl.stats.read_errors++;
	return 0;
}

/* The end of input for one shard, on its worker's thread: the detector
 * moved to the latest packet time of all shards, every open flow out.
 * Shards finish side by side, as they ran. */
static int shard_finish(void *arg)
{
	struct shard *sh = arg;

	if (sh->finished)
		return 0;
	if (sh->pl.det && sh->end_ns)
		sw_detect_advance(sh->pl.det, sh->end_ns);
	sw_pipeline_finish(&sh->pl);
	if (sh->detq)
		sw_detq_close(sh->detq);
	sh->finished = 1;
	return 0;
}

/* Wall and CPU (every thread of the process) seconds, for the pipeline
 * time that --dpdk-ring-file reports. */
static void times_now(double *wall, double *cpu)
{
	struct timespec ts;
	struct rusage ru;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	*wall = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	*cpu = 0;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		*cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) /
			       1e6;
}

/* Several shards with detection: the one detector and its merge. */
static int setup_merge(struct engine *e)
{
	const struct sw_engine_opts *o = e->o;
	char derr[256];

	sw_pipeline_init(&e->dpl, NULL, e->out, o->emit);
	e->dpl_ready = 1;
	if (sw_pipeline_enable_detect(&e->dpl, o->detect, NULL, NULL, derr,
				      sizeof(derr))) {
		sw_log(SW_LOG_ERROR, "%s", derr);
		return -1;
	}
	e->merge = sw_detect_merge_new(e->dpl.det, e->n, SW_DETQ_BYTES_DEFAULT,
				       e->src->finite, e->src->stop);
	if (!e->merge) {
		sw_log(SW_LOG_ERROR,
		       "queues of the detector's events (%u of %u bytes): %s",
		       e->n, SW_DETQ_BYTES_DEFAULT, strerror(errno));
		return -1;
	}
	return 0;
}

/* The shards: the source open, a pipeline per queue. 0, or -1: said. */
static int setup_shards(struct engine *e)
{
	const struct sw_engine_opts *o = e->o;
	struct sw_flow_table_cfg fcfg = o->flows;
	char errbuf[SW_ERRBUF_SIZE] = "", derr[256];
	unsigned i;
	int rc;

	if (e->src->ops->open(e->src, errbuf)) {
		sw_log(SW_LOG_ERROR, "%s", errbuf);
		return -1;
	}
	e->n = e->src->nqueues ? e->src->nqueues : 1;
	e->sh = calloc(e->n, sizeof(*e->sh));
	if (!e->sh) {
		sw_log(SW_LOG_ERROR, "%u shards: %s", e->n, strerror(errno));
		return -1;
	}
	for (i = 0; i < e->n; i++) {
		if (pthread_mutex_init(&e->sh[i].snap_lock, NULL) == 0)
			e->sh[i].snap_lock_ready = 1;
		else
			e->live = 0;
	}
	/* The flow capacity is for the whole process: each shard holds its
	 * part (a table is allocated, and scanned at the end, whole). */
	fcfg.max_flows = (fcfg.max_flows + e->n - 1) / e->n;
	if (o->detect && e->n > 1 && setup_merge(e))
		return -1;
	for (i = 0; i < e->n; i++) {
		struct shard *sh = &e->sh[i];

		sh->e = e;
		sh->queue = i;
		rc = sw_pipeline_init(&sh->pl, &fcfg, e->out, o->emit);
		if (rc) {
			sw_log(SW_LOG_ERROR, "flow table of %u flows: %s",
			       fcfg.max_flows, strerror(-rc));
			return -1;
		}
		sh->pl_ready = 1;
		e->pls[i] = &sh->pl;
		e->args[i] = sh;
		if (e->merge) {
			sh->detq = sw_detect_merge_queue(e->merge, i);
			e->qs[i] = sh->detq;
			sw_pipeline_detect_queue(&sh->pl, sh->detq);
		} else if (o->detect && sw_pipeline_enable_detect(
						&sh->pl, o->detect, NULL, NULL,
						derr, sizeof(derr))) {
			sw_log(SW_LOG_ERROR, "%s", derr);
			return -1;
		}
	}
	if (e->src->ops->bind &&
	    e->src->ops->bind(e->src, &e->sh[0].pl, o, errbuf)) {
		sw_log(SW_LOG_ERROR, "%s", errbuf);
		return -1;
	}
	return 0;
}

/* Sinks and merge started, privileges dropped. 0, or -1: said. */
static int start(struct engine *e)
{
	const struct sw_engine_opts *o = e->o;
	const struct sw_source_ops *ops = e->src->ops;
	char errbuf[SW_ERRBUF_SIZE];
	int rc;

	if (e->live) {
		e->owner = e->merge ? &e->dpl : &e->sh[0].pl;
		if (e->merge)
			sw_detect_merge_set_tick(e->merge, owner_tick, e);
		else
			e->sh[0].owner = 1;
	}
	if (sw_sinks_start(e->out))
		return -1;
	e->started = 1;
	if (e->merge) {
		rc = sw_detect_merge_start(e->merge);
		if (rc) {
			sw_log(SW_LOG_ERROR, "the detector's merge thread: %s",
			       strerror(-rc));
			return -1;
		}
	}
	if (o->run_as && ops->priv < 0) {
		sw_log(SW_LOG_WARNING,
		       "general.run_as: not applied with --capture %s",
		       e->src->name);
	} else if (o->run_as) {
		if (sw_drop_privileges(o->run_as, ops->priv, errbuf)) {
			sw_log(SW_LOG_ERROR, "%s", errbuf);
			return -1;
		}
		sw_log(SW_LOG_INFO,
		       "running as %s with only the %s capabilities", o->run_as,
		       ops->priv_what);
	}
	return 0;
}

/* Run the workers until the input ends or a signal stops them. */
static int run(struct engine *e)
{
	char errbuf[SW_ERRBUF_SIZE] = "";
	int rc;

	if (e->src->what[0])
		sw_log(SW_LOG_INFO,
		       "capturing from %s with %u worker(s); SIGINT or "
		       "SIGTERM stops",
		       e->src->what, e->n);
	times_now(&e->wall0, &e->cpu0);
	if (e->o->reload) {
		atomic_store(e->o->reload, 0);
		sw_notify_ready();
	}
	rc = e->src->ops->run(e->src, shard_main, e->args, errbuf);
	if (e->o->reload)
		sw_notify_stopping();
	if (rc)
		sw_log(SW_LOG_ERROR, "%s", errbuf);
	return rc;
}

/* Pre-filled rings: the pipeline's time, from the workers' start to the
 * last record written, the frames being in memory before it starts, as a
 * NIC's would be. */
static void report_ring_time(struct engine *e, uint64_t npkts)
{
	char each[SW_CAPTURE_QUEUES_MAX * 16] = "";
	double wall1, cpu1;
	unsigned i;

	/* Every record written, as in the libpcap path's run. */
	sw_sinks_drain(e->out, e->o->flush_timeout_ms);
	times_now(&wall1, &cpu1);
	for (i = 0; i < e->n; i++)
		snprintf(each + strlen(each), sizeof(each) - strlen(each),
			 " %.6f", e->sh[i].cpu_s);
	if (e->merge) {
		struct sw_detect_merge_stats ms;

		sw_detect_merge_stats(e->merge, &ms);
		snprintf(each + strlen(each), sizeof(each) - strlen(each),
			 "; merge CPU: %.6f", ms.cpu_s);
	}
	sw_log(SW_LOG_INFO,
	       "pipeline: %llu packets, %u worker(s), %.6f s wall, %.6f s "
	       "CPU; workers' CPU:%s",
	       (unsigned long long)npkts, e->n, wall1 - e->wall0,
	       e->cpu0 > cpu1 ? 0 : cpu1 - e->cpu0, each);
}

/* The end of input: every shard finished, the detector's last events
 * handed over, errors said. Returns the exit status so far. */
static int finish(struct engine *e, int run_rc)
{
	struct sw_source *src = e->src;
	char errbuf[SW_ERRBUF_SIZE] = "";
	uint64_t end_ns = 0, npkts = 0;
	unsigned i;
	int status = run_rc ? 2 : 0;

	/* Each shard's clock moved with its own packets only: the end of
	 * input is the latest packet time of all, as with one pipeline. */
	for (i = 0; i < e->n; i++)
		if (e->sh[i].pl.stats.last_ns > end_ns)
			end_ns = e->sh[i].pl.stats.last_ns;
	for (i = 0; e->n > 1 && i < e->n; i++)
		e->sh[i].end_ns = end_ns;
	if (src->ops->finish)
		src->ops->finish(src, &e->sh[0].pl);
	if (e->n > 1 && run_rc == 0 &&
	    src->ops->run(src, shard_finish, e->args, errbuf) != 0)
		sw_log(SW_LOG_ERROR, "%s; finishing on one thread", errbuf);
	for (i = 0; i < e->n; i++) {
		shard_finish(&e->sh[i]);
		npkts += e->sh[i].pl.stats.packets;
	}
	/* Every shard's events handed over: the detector is ours again. */
	if (e->merge) {
		sw_detect_merge_join(e->merge);
		sw_pipeline_finish(&e->dpl);
	}
	/* A reload may have replaced the outputs of the one pipeline. */
	if (src->ops->reload_outputs)
		e->out = e->sh[0].pl.out;
	if (src->capcfg.ring_file)
		report_ring_time(e, npkts);
	for (i = 0; i < e->n; i++) {
		if (e->sh[i].rc < 0) {
			sw_log(SW_LOG_ERROR, "%s", e->sh[i].errbuf);
			if (!status)
				status = 1;
		}
	}
	if (src->stop && *src->stop)
		sw_log(SW_LOG_INFO, "interrupted; open flows were flushed");
	return status;
}

/* The final stats record: the sinks' counters as they are once
 * everything before it was delivered (or the flush timeout ran out). */
static void emit_stats(struct engine *e)
{
	cJSON *rec, *st;

	rec = sw_engine_stats_record(e->pls, e->n, e->src, e->dpl.det, e->merge,
				     e->qs);
	sw_sinks_drain(e->out, e->o->flush_timeout_ms);
	st = sw_engine_stats_path(rec);
	if (st)
		sw_sinks_add_stats(e->out, st);
	sw_output_record(e->out, rec);
}

static int write_error(struct sw_pipeline *pl, int status)
{
	if (pl->write_error && status != 2) {
		sw_log(SW_LOG_ERROR, "writing records: %s",
		       strerror(-pl->write_error));
		status = 2;
	}
	return status;
}

static int cleanup(struct engine *e, int status)
{
	unsigned i;

	if (e->src->ops->close)
		e->src->ops->close(e->src);
	if (e->started && sw_sinks_close(e->out, e->o->flush_timeout_ms) &&
	    sw_sinks_fatal_error(e->out) != -EPIPE && status == 0)
		status = 1;
	for (i = 0; e->sh && i < e->n; i++) {
		if (!e->sh[i].pl_ready)
			continue;
		status = write_error(&e->sh[i].pl, status);
		sw_pipeline_destroy(&e->sh[i].pl);
	}
	for (i = 0; e->sh && i < e->n; i++)
		if (e->sh[i].snap_lock_ready)
			pthread_mutex_destroy(&e->sh[i].snap_lock);
	free(e->sh);
	if (e->dpl_ready) {
		status = write_error(&e->dpl, status);
		sw_pipeline_destroy(&e->dpl);
	}
	sw_detect_merge_free(e->merge);
	*e->o->out = e->out;
	return status;
}

int sw_engine_run(const struct sw_engine_opts *o)
{
	struct engine e = {
		.o = o,
		.src = o->src,
		.out = *o->out,
		.live = o->reload || o->metrics,
	};
	int status, rc;

	if (setup_shards(&e) || start(&e))
		return cleanup(&e, 2);
	rc = run(&e);
	status = finish(&e, rc);
	if (!o->no_stats)
		emit_stats(&e);
	return cleanup(&e, status);
}
