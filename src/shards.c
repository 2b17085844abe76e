// SPDX-License-Identifier: BSD-2-Clause
/*
 * Shards: one pipeline per capture queue, run on the threads the backend
 * picks (DPDK lcores, pthreads for AF_XDP). Nothing is shared on the
 * packet path: each shard owns its flow table and heads. The only meeting
 * point is the output stream, reached through a per-shard buffer that
 * hands over complete lines under a lock, so records never interleave.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "output/output.h"
#include "pipeline.h"
#include "shards.h"

#define MUX_BUF_BYTES (256 * 1024)

/* A shard's output: whole lines only reach the shared stream. */
struct line_mux {
	FILE *dst;
	pthread_mutex_t *lock;
	char *buf;
	size_t len, cap;
	int error; /* -errno of the first failed write */
};

struct shard {
	struct sw_capture *cap;
	unsigned queue;
	struct sw_pipeline pl;
	int pl_ready;
	FILE *out;
	struct line_mux mux;
	int rc; /* of the last read: 0 end, <0 error */
	char errbuf[SW_ERRBUF_SIZE];
};

static ssize_t mux_write(void *cookie, const char *data, size_t n)
{
	struct line_mux *m = cookie;
	size_t end;
	char *nb;

	if (m->len + n > m->cap) {
		size_t cap = m->cap ? m->cap : 4096;

		while (cap < m->len + n)
			cap *= 2;
		nb = realloc(m->buf, cap);
		if (!nb) {
			m->error = -ENOMEM;
			return -1;
		}
		m->buf = nb;
		m->cap = cap;
	}
	memcpy(m->buf + m->len, data, n);
	m->len += n;
	for (end = m->len; end > 0 && m->buf[end - 1] != '\n'; end--)
		;
	if (end == 0)
		return (ssize_t)n;
	pthread_mutex_lock(m->lock);
	if (fwrite(m->buf, 1, end, m->dst) != end && !m->error)
		m->error = errno ? -errno : -EIO;
	pthread_mutex_unlock(m->lock);
	memmove(m->buf, m->buf + end, m->len - end);
	m->len -= end;
	return (ssize_t)n;
}

static FILE *mux_open(struct line_mux *m, FILE *dst, pthread_mutex_t *lock)
{
	cookie_io_functions_t io = { .write = mux_write };
	FILE *fp;

	memset(m, 0, sizeof(*m));
	m->dst = dst;
	m->lock = lock;
	fp = fopencookie(m, "w", io);
	if (fp)
		setvbuf(fp, NULL, _IOFBF, MUX_BUF_BYTES);
	return fp;
}

static int shard_main(void *arg)
{
	struct shard *sh = arg;
	const struct sw_capture_ops *ops = sh->cap->ops;
	struct sw_frame fr;
	int rc;

	while ((rc = ops->read_queue_op(sh->cap, sh->queue, &fr, sh->errbuf)) ==
	       1)
		sw_pipeline_frame(&sh->pl, &fr);
	sh->rc = rc;
	if (rc < 0)
		sh->pl.stats.read_errors++;
	/* Each shard flushes its own flows, in parallel with the others. */
	sw_pipeline_finish(&sh->pl);
	if (fflush(sh->out) != 0 && !sh->pl.write_error)
		sh->pl.write_error = -errno;
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
			cJSON_DeleteItemFromObjectCaseSensitive(dst, s->string);
			sw_json_add_count(dst, s->string, a + b);
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

/* The statistics record of all shards together, with the capture's. */
static cJSON *shards_stats_record(struct shard *sh, unsigned n,
				  struct sw_capture *cap)
{
	struct sw_capture_stats cs;
	struct sw_stats all;
	cJSON *rec, *st, *part;
	unsigned i;

	memset(&all, 0, sizeof(all));
	for (i = 0; i < n; i++)
		stats_sum(&all, &sh[i].pl.stats);
	rec = sw_json_stats(&all, sh[0].pl.flows, sh[0].pl.heads);
	st = stats_path(rec);
	for (i = 1; st && i < n; i++) {
		part = sw_json_stats(&sh[i].pl.stats, sh[i].pl.flows,
				     sh[i].pl.heads);
		if (!part)
			continue;
		json_sum(cJSON_GetObjectItemCaseSensitive(st, "flows"),
			 cJSON_GetObjectItemCaseSensitive(stats_path(part),
							  "flows"));
		json_sum(cJSON_GetObjectItemCaseSensitive(st, "heads"),
			 cJSON_GetObjectItemCaseSensitive(stats_path(part),
							  "heads"));
		cJSON_Delete(part);
	}
	if (st && cap->ops->stats_op) {
		cap->ops->stats_op(cap, &cs);
		cJSON_AddItemToObject(st, "capture", capture_json(&cs));
	}
	return rec;
}

int sw_shards_run(const struct sw_shards_opts *o)
{
	pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
	struct sw_capture cap = { .ops = o->ops, .cfg = &o->cfg };
	struct sw_flow_table_cfg fcfg;
	struct shard *sh = NULL;
	void *args[SW_CAPTURE_QUEUES_MAX];
	char errbuf[SW_ERRBUF_SIZE] = "";
	unsigned i, n = 0;
	int rc, status = 0;

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
	/* The flow capacity is for the whole process: each shard holds its
	 * part (a table is allocated, and scanned at the end, whole). */
	sw_flow_table_default_cfg(&fcfg);
	if (o->max_flows)
		fcfg.max_flows = o->max_flows;
	fcfg.max_flows = (fcfg.max_flows + n - 1) / n;
	for (i = 0; i < n; i++) {
		sh[i].cap = &cap;
		sh[i].queue = i;
		sh[i].out = n == 1 ? o->out :
				     mux_open(&sh[i].mux, o->out, &out_lock);
		if (!sh[i].out) {
			fprintf(stderr, "scrapewatch: shard %u output: %s\n", i,
				strerror(errno));
			status = 2;
			goto cleanup;
		}
		rc = sw_pipeline_init(&sh[i].pl, &fcfg, sh[i].out, o->emit);
		if (rc) {
			fprintf(stderr,
				"scrapewatch: flow table of %u flows: %s\n",
				fcfg.max_flows, strerror(-rc));
			status = 2;
			goto cleanup;
		}
		sh[i].pl_ready = 1;
		args[i] = &sh[i];
	}

	if (cap.what[0])
		fprintf(stderr,
			"scrapewatch: capturing from %s with %u worker(s); "
			"SIGINT or SIGTERM stops\n",
			cap.what, n);
	rc = cap.ops->run_workers_op(&cap, shard_main, args, errbuf);
	if (rc) {
		fprintf(stderr, "scrapewatch: %s\n", errbuf);
		status = 2;
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
	if (!(o->emit & SW_EMIT_FLOWS))
		sw_output_record(o->out, shards_stats_record(sh, n, &cap));

cleanup:
	for (i = 0; sh && i < n; i++) {
		int werr = 0;

		if (sh[i].out && sh[i].out != o->out) {
			fclose(sh[i].out);
			werr = sh[i].mux.error;
			free(sh[i].mux.buf);
		}
		if (sh[i].pl_ready) {
			if (!werr)
				werr = sh[i].pl.write_error;
			sw_pipeline_destroy(&sh[i].pl);
		}
		if (werr && werr != -EPIPE && status != 2) {
			fprintf(stderr, "scrapewatch: writing records: %s\n",
				strerror(-werr));
			status = 2;
		}
	}
	free(sh);
	if (cap.ops->cleanup_op && cap.priv)
		cap.ops->cleanup_op(&cap);
	if (fflush(o->out) != 0 && errno != EPIPE && status != 2) {
		fprintf(stderr, "scrapewatch: writing records: %s\n",
			strerror(errno));
		status = 2;
	}
	return status;
}
