// SPDX-License-Identifier: BSD-2-Clause
/*
 * Shards: one pipeline per capture queue, run on the threads the backend
 * picks (DPDK lcores, pthreads for AF_XDP). Each shard owns its flow table
 * and heads. With several shards and detection on, there is one detector,
 * on a thread of its own: each shard writes its detector events into its
 * own single-producer queue, and the merge hands them to the detector in
 * packet-time order (detect/detect-merge.h), so a client or a campaign
 * spread over workers is seen whole. No lock on the packet path; the
 * other meeting point is the sinks' queues. In `live`, the detector's
 * owner also takes SIGHUP reloads and publishes the metrics (owner_tick).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "daemon/notify.h"
#include "daemon/reload.h"
#include "output/output.h"
#include "pipeline/pipeline.h"
#include "engine/shards.h"

/* Frames between a worker's copies of its counters for the metrics, and
 * between the owner's looks at SIGHUP and the metrics' clock. */
#define SHARD_SNAP_FRAMES 1024
#define SHARD_TICK_FRAMES 64

struct shards_ctl;

struct shard {
	struct sw_capture *cap;
	struct shards_ctl *ctl; /* NULL: no reload, no metrics */
	int owner; /* this worker runs the owner's chores (owner_tick) */
	unsigned since_snap, since_tick;
	/* This worker's counters as of its last copy, for the metrics: the
	 * worker only tries the lock (never waits), the owner takes it. */
	pthread_mutex_t snap_lock;
	int snap_lock_ready;
	struct sw_stats snap_st;
	struct sw_flow_table_stats snap_flows;
	uint32_t snap_cap;
	unsigned queue;
	struct sw_pipeline pl;
	int pl_ready;
	int rc; /* of the last read: 0 end, <0 error */
	double cpu_s; /* this worker thread's CPU time */
	uint64_t end_ns; /* the end of input, of all shards */
	struct sw_detq *detq; /* merged detection: this shard's queue */
	int finished;
	char errbuf[SW_ERRBUF_SIZE];
};

/* The owner's chores for a live run: which thread runs them, and what
 * they need. */
struct shards_ctl {
	const struct sw_shards_opts *o;
	struct shard *sh;
	unsigned n;
	struct sw_pipeline *owner; /* the one whose detector it is */
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

/* The shards' last copies summed, with the owner's detector numbers. */
static void stats_sum(struct sw_stats *d, const struct sw_stats *s);

static void publish_metrics(struct shards_ctl *c)
{
	struct sw_flow_table_stats fs = { 0 };
	struct sw_stats st;
	uint32_t cap = 0;
	unsigned i;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < c->n; i++) {
		struct shard *sh = &c->sh[i];

		pthread_mutex_lock(&sh->snap_lock);
		stats_sum(&st, &sh->snap_st);
		fs.created += sh->snap_flows.created;
		fs.ended += sh->snap_flows.ended;
		fs.evicted += sh->snap_flows.evicted;
		fs.reused += sh->snap_flows.reused;
		fs.active += sh->snap_flows.active;
		fs.active_max += sh->snap_flows.active_max;
		cap += sh->snap_cap;
		pthread_mutex_unlock(&sh->snap_lock);
	}
	sw_metrics_publish_parts(c->o->metrics, c->owner, &st, &fs, cap,
				 c->o->ops->name, NULL, 0);
}

/*
 * On the detector's owner's thread, between records: a SIGHUP's reload
 * (sw_reload: the file loaded and checked, then the detector takes it in
 * place; outputs stay, the workers write to them), and the metrics.
 */
static void owner_tick(void *arg)
{
	struct shards_ctl *c = arg;
	const struct sw_shards_opts *o = c->o;

	/* live: systemd's watchdog sees the owner going round. */
	if (o->reload)
		sw_notify_watchdog();
	if (o->reload &&
	    atomic_load_explicit(o->reload, memory_order_relaxed) &&
	    atomic_exchange(o->reload, 0)) {
		struct sw_reload_ctx rl = {
			.path = o->config_path,
			.outputs_from_flags = 1,
			.flush_timeout_ms = o->flush_timeout_ms,
			.cfg = o->cfgp,
			.pl = c->owner,
			.metrics = o->metrics,
		};

		sw_notify_reloading();
		if (o->cfgp)
			sw_reload(&rl);
		sw_notify_ready();
	}
	if (sw_metrics_due(o->metrics))
		publish_metrics(c);
}

static int shard_main(void *arg)
{
	struct shard *sh = arg;
	const struct sw_capture_ops *ops = sh->cap->ops;
	struct timespec t0, t1;
	struct sw_frame fr;
	int rc;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	while ((rc = ops->read_queue_op(sh->cap, sh->queue, &fr, sh->errbuf)) >
	       0) {
		if (rc == 1)
			sw_pipeline_frame(&sh->pl, &fr);
		else if (sh->detq)
			sw_detq_idle(sh->detq, fr.ts_ns);
		if (!sh->ctl)
			continue;
		if (sh->ctl->o->metrics &&
		    (rc != 1 || ++sh->since_snap >= SHARD_SNAP_FRAMES))
			shard_snap(sh);
		if (sh->owner &&
		    (rc != 1 || ++sh->since_tick >= SHARD_TICK_FRAMES)) {
			sh->since_tick = 0;
			owner_tick(sh->ctl);
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

static void stats_sum(struct sw_stats *d, const struct sw_stats *s)
{
	unsigned i;

	d->packets += s->packets;
	d->bytes += s->bytes;
	d->decoded += s->decoded;
	for (i = 0; i < SW_DR_MAX; i++) {
		d->reasons[i] += s->reasons[i];
		d->anomalies[i] += s->anomalies[i];
	}
	d->fragments += s->fragments;
	d->files += s->files;
	d->read_errors += s->read_errors;
	if (s->first_ns && (!d->first_ns || s->first_ns < d->first_ns))
		d->first_ns = s->first_ns;
	if (s->last_ns > d->last_ns)
		d->last_ns = s->last_ns;
}

static int json_count(const cJSON *it, uint64_t *v)
{
	char *end;

	if (cJSON_IsRaw(it) && it->valuestring) {
		errno = 0;
		*v = strtoull(it->valuestring, &end, 10);
		return errno == 0 && *end == '\0' && end != it->valuestring;
	}
	if (cJSON_IsNumber(it) && it->valuedouble >= 0) {
		*v = (uint64_t)it->valuedouble;
		return 1;
	}
	return 0;
}

/* Add every count of src into dst, member by member: the shards' flow
 * table and heads counters summed (capacities add up; "_max" figures
 * become an upper bound). */
static void json_sum(cJSON *dst, const cJSON *src)
{
	const cJSON *s;
	uint64_t a, b;

	cJSON_ArrayForEach(s, src)
	{
		cJSON *d;

		/* A per-entry size is the same in every shard. */
		if (!s->string || !strcmp(s->string, "entry_bytes"))
			continue;
		d = cJSON_GetObjectItemCaseSensitive(dst, s->string);
		if (!d) {
			cJSON_AddItemToObject(dst, s->string,
					      cJSON_Duplicate(s, 1));
		} else if (cJSON_IsObject(d) && cJSON_IsObject(s)) {
			json_sum(d, s);
		} else if (json_count(d, &a) && json_count(s, &b)) {
			/* Replaced in place, so the record keeps its order. */
			cJSON *tmp = cJSON_CreateObject(), *sum;

			if (!tmp)
				continue;
			sw_json_add_count(tmp, s->string, a + b);
			sum = cJSON_DetachItemFromObjectCaseSensitive(
				tmp, s->string);
			if (sum)
				cJSON_ReplaceItemViaPointer(dst, d, sum);
			cJSON_Delete(tmp);
		}
	}
}

static cJSON *stats_path(cJSON *rec)
{
	return cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(rec, "scrapewatch"), "stats");
}

static cJSON *capture_json(const struct sw_capture_stats *cs)
{
	cJSON *o = cJSON_CreateObject(), *qs, *q, *port;
	unsigned i;

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "backend", cs->backend ? cs->backend : "");
	cJSON_AddStringToObject(o, "sharding",
				cs->sharding ? cs->sharding : "none");
	sw_json_add_count(o, "workers", cs->nqueues);
	port = cJSON_AddObjectToObject(o, "port");
	if (port) {
		sw_json_add_count(port, "packets", cs->port_packets);
		sw_json_add_count(port, "missed", cs->port_missed);
		sw_json_add_count(port, "errors", cs->port_errors);
		sw_json_add_count(port, "nombuf", cs->nombuf);
	}
	qs = cJSON_AddArrayToObject(o, "queues");
	for (i = 0; qs && i < cs->nqueues && i < SW_CAPTURE_QUEUES_MAX; i++) {
		const struct sw_capture_queue_stats *s = &cs->q[i];

		q = cJSON_CreateObject();
		if (!q)
			break;
		sw_json_add_count(q, "queue", i);
		sw_json_add_count(q, "packets", s->packets);
		sw_json_add_count(q, "bytes", s->bytes);
		sw_json_add_count(q, "missed", s->missed);
		sw_json_add_count(q, "errors", s->errors);
		sw_json_add_count(q, "ring_full", s->ring_full);
		sw_json_add_count(q, "fill_empty", s->fill_empty);
		sw_json_add_count(q, "invalid", s->invalid);
		cJSON_AddItemToArray(qs, q);
	}
	return o;
}

/* The merge of the shards' detector events: detect.merge. */
static void merge_json(cJSON *detect, const struct sw_detect_merge *m,
		       struct shard *sh, unsigned n)
{
	struct sw_detect_merge_stats ms;
	struct sw_detq_stats qs;
	uint64_t dropped = 0, waits = 0;
	cJSON *o, *d;
	unsigned i;

	if (!detect)
		return;
	sw_detect_merge_stats(m, &ms);
	for (i = 0; i < n; i++) {
		sw_detq_stats(sh[i].detq, &qs);
		dropped += qs.dropped;
		waits += qs.waits;
	}
	o = cJSON_AddObjectToObject(detect, "merge");
	if (!o)
		return;
	sw_json_add_count(o, "workers", ms.queues);
	sw_json_add_count(o, "queue_bytes", ms.queue_bytes);
	sw_json_add_count(o, "records", ms.records);
	sw_json_add_count(o, "stalls", ms.stalls);
	sw_json_add_count(o, "waits", waits);
	d = cJSON_AddObjectToObject(o, "dropped");
	if (d)
		sw_json_add_count(d, "queue_full", dropped);
}

/* The statistics record of all shards together, with the capture's; det
 * and m: the merged detector and its merge (else NULL). */
static cJSON *shards_stats_record(struct shard *sh, unsigned n,
				  struct sw_capture *cap,
				  const struct sw_detect *det,
				  const struct sw_detect_merge *m)
{
	struct sw_capture_stats cs;
	struct sw_stats all;
	cJSON *rec, *st, *part;
	unsigned i;

	memset(&all, 0, sizeof(all));
	for (i = 0; i < n; i++)
		stats_sum(&all, &sh[i].pl.stats);
	rec = sw_json_stats(&all, sh[0].pl.flows, sh[0].pl.heads,
			    det ? det : sh[0].pl.det);
	st = stats_path(rec);
	for (i = 1; st && i < n; i++) {
		static const char *const parts[] = { "flows", "heads",
						     "detect" };
		unsigned k;

		part = sw_json_stats(&sh[i].pl.stats, sh[i].pl.flows,
				     sh[i].pl.heads, sh[i].pl.det);
		if (!part)
			continue;
		for (k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
			cJSON *d =
				cJSON_GetObjectItemCaseSensitive(st, parts[k]);
			cJSON *s = cJSON_GetObjectItemCaseSensitive(
				stats_path(part), parts[k]);

			if (d && s)
				json_sum(d, s);
		}
		cJSON_Delete(part);
	}
	if (st && m)
		merge_json(cJSON_GetObjectItemCaseSensitive(st, "detect"), m,
			   sh, n);
	if (st && cap->ops->stats_op) {
		cap->ops->stats_op(cap, &cs);
		cJSON_AddItemToObject(st, "capture", capture_json(&cs));
	}
	return rec;
}

int sw_shards_run(const struct sw_shards_opts *o)
{
	struct sw_capture cap = { .ops = o->ops, .cfg = &o->cfg };
	struct sw_flow_table_cfg fcfg = o->flows;
	struct shard *sh = NULL;
	/* Several shards with detection: one detector, fed by the merge. */
	struct sw_pipeline dpl = { 0 };
	struct sw_detect_merge *merge = NULL;
	struct shards_ctl ctl = { .o = o };
	int dpl_ready = 0, live = o->reload || o->metrics;
	void *args[SW_CAPTURE_QUEUES_MAX];
	char errbuf[SW_ERRBUF_SIZE] = "", derr[256];
	unsigned i, n = 0;
	int rc, status = 0, started = 0;
	uint64_t end_ns = 0, npkts = 0;
	double wall0, cpu0, wall1, cpu1;
	cJSON *rec, *st;

	rc = cap.ops->open_op(&cap, o->spec, errbuf);
	if (rc) {
		fprintf(stderr, "scrapewatch: %s\n", errbuf);
		status = 2;
		goto cleanup;
	}
	n = cap.nqueues ? cap.nqueues : 1;
	sh = calloc(n, sizeof(*sh));
	if (!sh) {
		fprintf(stderr, "scrapewatch: %u shards: %s\n", n,
			strerror(errno));
		status = 2;
		goto cleanup;
	}
	for (i = 0; i < n; i++) {
		if (pthread_mutex_init(&sh[i].snap_lock, NULL) == 0)
			sh[i].snap_lock_ready = 1;
		else
			live = 0;
	}
	/* The flow capacity is for the whole process: each shard holds its
	 * part (a table is allocated, and scanned at the end, whole). */
	fcfg.max_flows = (fcfg.max_flows + n - 1) / n;
	if (o->detect && n > 1) {
		sw_pipeline_init(&dpl, NULL, o->out, o->emit);
		dpl_ready = 1;
		rc = sw_pipeline_enable_detect(&dpl, o->detect, NULL, NULL,
					       derr, sizeof(derr));
		if (rc) {
			fprintf(stderr, "scrapewatch: %s\n", derr);
			status = 2;
			goto cleanup;
		}
		merge = sw_detect_merge_new(dpl.det, n, SW_DETQ_BYTES_DEFAULT,
					    cap.finite, o->cfg.stop);
		if (!merge) {
			fprintf(stderr,
				"scrapewatch: queues of the detector's "
				"events (%u of %u bytes): %s\n",
				n, SW_DETQ_BYTES_DEFAULT, strerror(errno));
			status = 2;
			goto cleanup;
		}
	}
	for (i = 0; i < n; i++) {
		sh[i].cap = &cap;
		sh[i].queue = i;
		rc = sw_pipeline_init(&sh[i].pl, &fcfg, o->out, o->emit);
		if (rc) {
			fprintf(stderr,
				"scrapewatch: flow table of %u flows: %s\n",
				fcfg.max_flows, strerror(-rc));
			status = 2;
			goto cleanup;
		}
		sh[i].pl_ready = 1;
		if (merge) {
			sh[i].detq = sw_detect_merge_queue(merge, i);
			sw_pipeline_detect_queue(&sh[i].pl, sh[i].detq);
		} else if (o->detect) {
			rc = sw_pipeline_enable_detect(&sh[i].pl, o->detect,
						       NULL, NULL, derr,
						       sizeof(derr));
			if (rc) {
				fprintf(stderr, "scrapewatch: %s\n", derr);
				status = 2;
				goto cleanup;
			}
		}
		args[i] = &sh[i];
	}
	if (live) {
		ctl.sh = sh;
		ctl.n = n;
		ctl.owner = merge ? &dpl : &sh[0].pl;
		for (i = 0; i < n; i++)
			sh[i].ctl = &ctl;
		if (merge)
			sw_detect_merge_set_tick(merge, owner_tick, &ctl);
		else
			sh[0].owner = 1;
	}
	if (sw_sinks_start(o->out)) {
		status = 2;
		goto cleanup;
	}
	started = 1;
	if (merge) {
		rc = sw_detect_merge_start(merge);
		if (rc) {
			fprintf(stderr,
				"scrapewatch: the detector's merge thread: "
				"%s\n",
				strerror(-rc));
			status = 2;
			goto cleanup;
		}
	}

	if (cap.what[0])
		fprintf(stderr,
			"scrapewatch: capturing from %s with %u worker(s); "
			"SIGINT or SIGTERM stops\n",
			cap.what, n);
	times_now(&wall0, &cpu0);
	if (o->reload)
		sw_notify_ready();
	rc = cap.ops->run_workers_op(&cap, shard_main, args, errbuf);
	if (o->reload)
		sw_notify_stopping();
	if (rc) {
		fprintf(stderr, "scrapewatch: %s\n", errbuf);
		status = 2;
	}
	/* Each shard's clock moved with its own packets only: the end of
	 * input is the latest packet time of all, as with one pipeline. */
	for (i = 0; i < n; i++)
		if (sh[i].pl.stats.last_ns > end_ns)
			end_ns = sh[i].pl.stats.last_ns;
	for (i = 0; i < n; i++)
		sh[i].end_ns = end_ns;
	if (n > 1 && rc == 0 &&
	    cap.ops->run_workers_op(&cap, shard_finish, args, errbuf) != 0) {
		fprintf(stderr, "scrapewatch: %s; finishing on one thread\n",
			errbuf);
	}
	for (i = 0; i < n; i++) {
		shard_finish(&sh[i]);
		npkts += sh[i].pl.stats.packets;
	}
	/* Every shard's events handed over: the detector is ours again. */
	if (merge) {
		sw_detect_merge_join(merge);
		sw_pipeline_finish(&dpl);
	}
	/* Pre-filled rings: the pipeline's time, from the workers' start to
	 * the last record written, the frames being in memory before it
	 * starts, as a NIC's would be. */
	if (o->cfg.ring_file) {
		char each[SW_CAPTURE_QUEUES_MAX * 16] = "";

		/* Every record written, as in the libpcap path's run. */
		sw_sinks_drain(o->out, o->flush_timeout_ms);
		times_now(&wall1, &cpu1);
		for (i = 0; i < n; i++)
			snprintf(each + strlen(each),
				 sizeof(each) - strlen(each), " %.6f",
				 sh[i].cpu_s);
		if (merge) {
			struct sw_detect_merge_stats ms;

			sw_detect_merge_stats(merge, &ms);
			snprintf(each + strlen(each),
				 sizeof(each) - strlen(each),
				 "; merge CPU: %.6f", ms.cpu_s);
		}
		fprintf(stderr,
			"scrapewatch: pipeline: %llu packets, %u worker(s), "
			"%.6f s wall, %.6f s CPU; workers' CPU:%s\n",
			(unsigned long long)npkts, n, wall1 - wall0,
			cpu1 - cpu0, each);
	}
	for (i = 0; i < n; i++) {
		if (sh[i].rc < 0) {
			fprintf(stderr, "scrapewatch: %s\n", sh[i].errbuf);
			if (!status)
				status = 1;
		}
	}
	if (o->cfg.stop && *o->cfg.stop)
		fprintf(stderr, "scrapewatch: interrupted; open flows were "
				"flushed\n");
	if (!(o->emit & SW_EMIT_FLOWS) && !o->no_stats) {
		rec = shards_stats_record(sh, n, &cap, dpl.det, merge);
		/* The sinks' counters as they are once everything before
		 * this record was delivered. */
		sw_sinks_drain(o->out, o->flush_timeout_ms);
		st = stats_path(rec);
		if (st)
			sw_sinks_add_stats(o->out, st);
		sw_output_record(o->out, rec);
	}

cleanup:
	if (started && sw_sinks_close(o->out, o->flush_timeout_ms) &&
	    sw_sinks_fatal_error(o->out) != -EPIPE && status == 0)
		status = 1;
	for (i = 0; sh && i < n; i++) {
		if (!sh[i].pl_ready)
			continue;
		if (sh[i].pl.write_error && status != 2) {
			fprintf(stderr, "scrapewatch: writing records: %s\n",
				strerror(-sh[i].pl.write_error));
			status = 2;
		}
		sw_pipeline_destroy(&sh[i].pl);
	}
	for (i = 0; sh && i < n; i++)
		if (sh[i].snap_lock_ready)
			pthread_mutex_destroy(&sh[i].snap_lock);
	free(sh);
	if (dpl_ready) {
		if (dpl.write_error && status != 2) {
			fprintf(stderr, "scrapewatch: writing records: %s\n",
				strerror(-dpl.write_error));
			status = 2;
		}
		sw_pipeline_destroy(&dpl);
	}
	sw_detect_merge_free(merge);
	if (cap.ops->cleanup_op && cap.priv)
		cap.ops->cleanup_op(&cap);
	return status;
}
