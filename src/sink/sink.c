// SPDX-License-Identifier: BSD-2-Clause
/*
 * The generic sink layer. Each sink is one FIFO made of four parts, in
 * delivery order: records in flight (sent, not yet confirmed), the spool
 * on disk, the hand-off (queues on their way to the spool), and the
 * in-memory queue.
 *
 * The packet path only appends to the queue, under a lock that nobody
 * holds across I/O. When the queue is full it hands the whole queue off
 * (one pointer swap) and starts a new one; it never touches the disk and
 * never waits on a peer. A spooler thread per sink writes handed-off
 * queues to the spool. The hand-off holds at most SW_HANDOFF_QUEUES
 * queues' worth: past that (the disk does not keep up) new records are
 * dropped and counted as queue_full, so memory stays bounded.
 *
 * One writer thread per sink takes batches from the spool first, then,
 * once the spooler has nothing left in hand, from the queue; it hands them
 * to the backend and keeps them in flight until confirmed. When the peer
 * fails, the writer disconnects, leaves the queue to fill (and be handed
 * off) while it is down, reconnects with exponential backoff, and sends
 * the records in flight again first: delivery is at least once, and the
 * duplicates are counted as resent. A backend never blocks the writer for
 * long (it answers "busy" instead), so the writer also honours the flush
 * deadline at shutdown.
 *
 * Records live in a per-sink arena of 2 MB chunks (transparent huge pages
 * where the kernel gives them), freed chunk by chunk as their records go:
 * a stalled sink's queue does not fragment the process heap, and does not
 * cost a page fault per 4 KB, which on a virtual machine is what made a
 * blocked sink slow the packet path down.
 *
 * The spool is a chain of segment files under a private directory. At its
 * cap the oldest segment is deleted and its records are counted as
 * dropped (spool_full). Lock order: the sink's lock, then the spool's;
 * the spool's lock is held across disk I/O, the sink's never is.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/format.h"
#include "base/units.h"
#include "sink/sink-int.h"

static const char *const drop_names[SW_DROP_MAX] = {
	[SW_DROP_QUEUE_FULL] = "queue_full",
	[SW_DROP_SPOOL_FULL] = "spool_full",
	[SW_DROP_SPOOL_ERROR] = "spool_error",
	[SW_DROP_OVERSIZE] = "oversize",
	[SW_DROP_REJECTED] = "rejected",
	[SW_DROP_CLOSED] = "closed",
	[SW_DROP_SHUTDOWN] = "shutdown",
};

struct sw_sinks {
	struct sw_sink *sinks[SW_SINKS_MAX];
	int n;
	int started;
};

uint64_t sw_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void sw_sink_drop(struct sw_sink *s, struct sw_rec *r, enum sw_sink_drop why)
{
	if (r->dropped)
		return; /* sent again after a reconnect: counted once */
	r->dropped = 1;
	add_ctr(&s->st->c.dropped[why], 1);
}

/* The URI with the values of secret options replaced by "***". */
static char *masked_name(const char *uri)
{
	static const char *const secret[] = { "token=", "password=",
					      "sasl.password=" };
	char *s = strdup(uri), *p;
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; i < sizeof(secret) / sizeof(secret[0]); i++) {
		for (p = strstr(s, secret[i]); p;
		     p = strstr(p + 1, secret[i])) {
			char *v = p + strlen(secret[i]);
			size_t n = strcspn(v, "&");

			if (p[-1] != '?' && p[-1] != '&')
				continue;
			if (n >= 3) {
				memcpy(v, "***", 3);
				memmove(v + 3, v + n, strlen(v + n) + 1);
			}
		}
	}
	return s;
}

static const struct sw_sink_ops *const backends[] = {
	&sw_sink_file_ops,	 &sw_sink_syslog_udp_ops,
	&sw_sink_syslog_tcp_ops, &sw_sink_syslog_tls_ops,
	&sw_sink_http_ops,	 &sw_sink_kafka_ops,
};

struct sw_sinks *sw_sinks_new(void)
{
	return calloc(1, sizeof(struct sw_sinks));
}

int sw_sinks_count(const struct sw_sinks *set)
{
	return set->n;
}

static void sink_free(struct sw_sink *s)
{
	struct sw_sink_state *st;

	if (!s)
		return;
	st = s->st;
	if (s->ops && s->priv)
		s->ops->cleanup_op(s);
	if (st) {
		sw_sink_spooler_join(st);
		sw_rec_free_chain(st->qhead);
		sw_rec_free_chain(st->hhead);
		sw_rec_free_chain(st->ihead);
		sw_spool_destroy(&st->spool);
		sw_arena_destroy(&st->arena);
		pthread_mutex_destroy(&st->lock);
		pthread_cond_destroy(&st->cond);
		pthread_cond_destroy(&st->space);
		pthread_cond_destroy(&st->spool_cond);
		sw_uri_free(&st->uri);
		free(st);
	}
	free(s->name);
	free(s);
}

static int generic_opts(struct sw_sink_state *st, const char *uri, char *errbuf)
{
	struct sw_uri *u = &st->uri;
	const char *v;
	uint64_t x;

#define GET_SIZE(opt, field)                                               \
	do {                                                               \
		if ((v = sw_uri_opt(u, opt, NULL))) {                      \
			if (sw_parse_size(v, &x) || !x) {                  \
				snprintf(errbuf, SW_SINK_ERRBUF,           \
					 "--output %s: %s=%s: expected a " \
					 "positive size (k, m, g)",        \
					 uri, opt, v);                     \
				return -EINVAL;                            \
			}                                                  \
			field = x;                                         \
		}                                                          \
	} while (0)
#define GET_MS(opt, field)                                               \
	do {                                                             \
		if ((v = sw_uri_opt(u, opt, NULL))) {                    \
			if (sw_parse_uint(v, 86400000, &x)) {            \
				snprintf(errbuf, SW_SINK_ERRBUF,         \
					 "--output %s: %s=%s: expected " \
					 "milliseconds",                 \
					 uri, opt, v);                   \
				return -EINVAL;                          \
			}                                                \
			field = x * 1000000ull;                          \
		}                                                        \
	} while (0)
	GET_SIZE("queue", st->queue_max);
	GET_SIZE("queue_bytes", st->queue_max_bytes);
	GET_SIZE("spool_max", st->spool.max_bytes);
	GET_SIZE("batch", st->sink->tune.batch_max);
	GET_SIZE("inflight_bytes", st->sink->tune.inflight_max_bytes);
	GET_MS("backoff_min_ms", st->backoff_min_ns);
	GET_MS("backoff_max_ms", st->backoff_max_ns);
	GET_MS("hold_ms", st->sink->tune.hold_ns);
#undef GET_SIZE
#undef GET_MS
	if ((v = sw_uri_opt(u, "spool", NULL))) {
		if (strcmp(v, "off") == 0) {
			st->use_spool = 0;
		} else {
			free(st->spool.parent);
			st->spool.parent = strdup(v);
			if (!st->spool.parent)
				return -ENOMEM;
		}
	}
	if ((v = sw_uri_opt(u, "full", NULL))) {
		if (strcmp(v, "block") == 0) {
			st->sink->tune.block = 1;
		} else if (strcmp(v, "spool") == 0) {
			st->sink->tune.block = 0;
		} else {
			snprintf(errbuf, SW_SINK_ERRBUF,
				 "--output %s: full=%s: expected spool or "
				 "block",
				 uri, v);
			return -EINVAL;
		}
	}
	if (st->backoff_max_ns < st->backoff_min_ns)
		st->backoff_max_ns = st->backoff_min_ns;
	st->spool.seg_bytes = st->spool.max_bytes / 8;
	if (st->spool.seg_bytes < SW_SPOOL_SEG_MIN)
		st->spool.seg_bytes = SW_SPOOL_SEG_MIN;
	return 0;
}

int sw_sinks_add(struct sw_sinks *set, const char *uri, char *errbuf)
{
	const struct sw_sink_ops *ops = NULL;
	struct sw_sink_state *st;
	struct sw_sink *s;
	const char *tmp;
	size_t i;
	int rc, is_stdout = 0;

	if (set->n == SW_SINKS_MAX) {
		snprintf(errbuf, SW_SINK_ERRBUF,
			 "--output %s: at most %d sinks", uri, SW_SINKS_MAX);
		return -E2BIG;
	}
	s = calloc(1, sizeof(*s));
	st = calloc(1, sizeof(*st));
	if (!s || !st) {
		free(s);
		free(st);
		snprintf(errbuf, SW_SINK_ERRBUF, "--output %s: %s", uri,
			 strerror(ENOMEM));
		return -ENOMEM;
	}
	s->st = st;
	st->sink = s;
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->cond, NULL);
	pthread_cond_init(&st->space, NULL);
	pthread_cond_init(&st->spool_cond, NULL);
	pthread_mutex_init(&st->spool.lock, NULL);
	pthread_mutex_init(&st->arena.lock, NULL);
	tmp = getenv("TMPDIR");
	st->spool.parent = strdup(tmp && *tmp ? tmp : "/var/tmp");
	st->spool.max_bytes = SW_SPOOL_MAX_DEFAULT;
	st->queue_max = SW_QUEUE_MAX_DEFAULT;
	st->queue_max_bytes = SW_QUEUE_BYTES_DEFAULT;
	st->backoff_min_ns = SW_BACKOFF_MIN_NS;
	st->backoff_max_ns = SW_BACKOFF_MAX_NS;
	st->idle_ns = SW_IDLE_WAIT_NS;
	st->use_spool = 1;
	s->tune.confirm = SW_CONFIRM_SENT;
	s->tune.batch_max = 512;
	s->tune.batch_bytes = 1u << 20;
	s->tune.inflight_max_bytes = 64u << 20;
	s->tune.hold_ns = 1000000000ull;
	s->name = masked_name(uri);
	if (!s->name || !st->spool.parent) {
		rc = -ENOMEM;
		snprintf(errbuf, SW_SINK_ERRBUF, "--output %s: %s", uri,
			 strerror(ENOMEM));
		goto fail;
	}

	if (strcmp(uri, "-") == 0 || strcmp(uri, "stdout") == 0) {
		is_stdout = 1;
		ops = &sw_sink_stdout_ops;
		rc = sw_uri_parse("stdout://", "stdout", &st->uri, errbuf);
	} else {
		rc = sw_uri_parse(uri, s->name, &st->uri, errbuf);
		if (rc == 0 && strcmp(st->uri.scheme, "stdout") == 0)
			ops = &sw_sink_stdout_ops;
		for (i = 0; rc == 0 && !ops &&
			    i < sizeof(backends) / sizeof(backends[0]);
		     i++) {
			const char *sch = backends[i]->scheme;
			size_t len = strlen(sch);

			/* "http" also answers for "https" */
			if (strcmp(st->uri.scheme, sch) == 0 ||
			    (backends[i] == &sw_sink_http_ops &&
			     strcmp(st->uri.scheme, "https") == 0))
				ops = backends[i];
			(void)len;
		}
	}
	if (rc)
		goto fail;
	if (!ops) {
		snprintf(errbuf, SW_SINK_ERRBUF,
			 "--output %s: unknown scheme '%s'; expected '-', "
			 "file://, syslog+udp://, syslog+tcp://, "
			 "syslog+tls://, http://, https:// or kafka://",
			 s->name, st->uri.scheme);
		rc = -EINVAL;
		goto fail;
	}
	s->ops = ops;
	if (is_stdout || ops == &sw_sink_stdout_ops) {
		/* stdout feeds a local reader: backpressure, no spool. */
		s->tune.block = 1;
		st->use_spool = 0;
	}
	rc = generic_opts(st, s->name, errbuf);
	if (rc)
		goto fail;
	rc = ops->open_op(s, &st->uri, errbuf);
	if (rc)
		goto fail;
	for (i = 0; i < (size_t)st->uri.nopts; i++)
		if (!st->uri.opts[i].used) {
			snprintf(errbuf, SW_SINK_ERRBUF,
				 "--output %s: unknown option '%s' for %s "
				 "(see docs/sinks.md)",
				 s->name, st->uri.opts[i].name, ops->scheme);
			rc = -EINVAL;
			goto fail;
		}
	set->sinks[set->n++] = s;
	return 0;
fail:
	sink_free(s);
	return rc;
}

int sw_sinks_start(struct sw_sinks *set)
{
	int i, rc;

	for (i = 0; i < set->n; i++) {
		struct sw_sink_state *st = set->sinks[i]->st;

		if (st->use_spool) {
			rc = pthread_create(&st->spooler, NULL,
					    sw_sink_spooler_main, st);
			if (rc) {
				sw_log(SW_LOG_ERROR,
				       "sink %s: spooler thread: %s",
				       set->sinks[i]->name, strerror(rc));
				return -rc;
			}
			st->spooler_started = 1;
		}
		rc = pthread_create(&st->thread, NULL, sw_sink_writer_main, st);
		if (rc) {
			sw_log(SW_LOG_ERROR, "sink %s: writer thread: %s",
			       set->sinks[i]->name, strerror(rc));
			return -rc;
		}
		st->started = 1;
	}
	set->started = 1;
	return 0;
}

static int sink_enqueue(struct sw_sink *s, struct sw_rec *r)
{
	struct sw_sink_state *st = s->st;

	pthread_mutex_lock(&st->lock);
	add_ctr(&st->c.enqueued, 1);
	while (s->tune.block && !sink_failed(st) &&
	       (st->qlen >= st->queue_max ||
		st->qbytes + r->len > st->queue_max_bytes) &&
	       st->qhead) {
		st->producer_waiting = 1;
		pthread_cond_signal(&st->cond);
		pthread_cond_wait(&st->space, &st->lock);
		st->producer_waiting = 0;
	}
	if (sink_failed(st)) {
		add_ctr(&st->c.dropped[SW_DROP_CLOSED], 1);
		sw_rec_free(r);
		r = NULL;
	} else if (st->qhead && (st->qlen >= st->queue_max ||
				 st->qbytes + r->len > st->queue_max_bytes)) {
		/* This record starts a new queue behind the old one:
		 * order is kept, nothing is written here. */
		if (!sw_sink_handoff_locked(st)) {
			/* No spool, or the spool does not keep up. */
			add_ctr(&st->c.dropped[SW_DROP_QUEUE_FULL], 1);
			sw_rec_free(r);
			r = NULL;
		}
	}
	/* The arena moved to a new chunk: the spooler readies the next. */
	if (st->spooler_started && sw_arena_wants(&st->arena))
		pthread_cond_signal(&st->spool_cond);
	if (r) {
		if (st->qtail)
			st->qtail->next = r;
		else
			st->qhead = r;
		st->qtail = r;
		st->qlen++;
		st->qbytes += r->len;
		max_ctr(&st->c.queue_depth_max, st->qlen);
	}
	/* Wake a busy writer for a batch, not for each record (it looks
	 * again every SW_IDLE_WAIT_NS anyway); a sleeping one at once. */
	if (st->writer_waiting == WAIT_IDLE ||
	    (st->writer_waiting == WAIT_RECORDS &&
	     st->qlen >= s->tune.batch_max / 2)) {
		st->writer_waiting = WAIT_NONE;
		pthread_cond_signal(&st->cond);
	}
	pthread_mutex_unlock(&st->lock);
	return 0;
}

int sw_sinks_emit(struct sw_sinks *set, const char *line, size_t len,
		  const struct sw_rec_meta *m)
{
	int i, rc = 0;

	for (i = 0; i < set->n; i++) {
		struct sw_rec *r = sw_rec_new(set->sinks[i]->st, line, len, m);

		if (!r) {
			rc = -ENOMEM;
			continue;
		}
		sink_enqueue(set->sinks[i], r);
	}
	return rc;
}

void sw_sinks_drain(struct sw_sinks *set, unsigned timeout_ms)
{
	uint64_t deadline = sw_now_ns() + timeout_ms * 1000000ull;
	int i;

	if (!set->started)
		return;
	for (i = 0; i < set->n; i++) {
		struct sw_sink_state *st = set->sinks[i]->st;

		while (!sink_failed(st) && !sw_sink_nothing_pending(st) &&
		       sw_now_ns() < deadline) {
			pthread_mutex_lock(&st->lock);
			if (st->writer_waiting == WAIT_RECORDS ||
			    st->writer_waiting == WAIT_IDLE)
				pthread_cond_signal(&st->cond);
			pthread_mutex_unlock(&st->lock);
			usleep(2000);
		}
	}
}

uint64_t sw_sinks_close(struct sw_sinks *set, unsigned timeout_ms)
{
	uint64_t deadline = sw_now_ns() + timeout_ms * 1000000ull;
	uint64_t lost_all = 0;
	int i;

	for (i = 0; i < set->n; i++) {
		struct sw_sink_state *st = set->sinks[i]->st;

		pthread_mutex_lock(&st->lock);
		__atomic_store_n(&st->deadline_ns, deadline, __ATOMIC_RELAXED);
		__atomic_store_n(&st->stop, 1, __ATOMIC_RELEASE);
		pthread_cond_signal(&st->cond);
		pthread_mutex_unlock(&st->lock);
	}
	for (i = 0; i < set->n; i++) {
		struct sw_sink *s = set->sinks[i];
		struct sw_sink_state *st = s->st;
		uint64_t before, lost;
		int r;

		if (st->started) {
			pthread_join(st->thread, NULL);
			st->started = 0;
		}
		sw_sink_spooler_join(st);
		before = 0;
		for (r = 0; r < SW_DROP_MAX; r++)
			before += get_ctr(&st->c.dropped[r]);
		/* Disconnect first: a backend may still point at records. */
		if (st->up) {
			s->ops->disconnect_op(s);
			set_up(st, 0);
		}
		sw_sink_drop_all(st, SW_DROP_SHUTDOWN);
		lost = 0;
		for (r = 0; r < SW_DROP_MAX; r++)
			lost += get_ctr(&st->c.dropped[r]);
		/* Counted as closed in the stats record, but not said. */
		if (lost && !(sink_failed(st) &&
			      sw_sink_reader_gone(st, st->fatal_err)))
			sw_log(SW_LOG_ERROR,
			       "sink %s: %llu records not "
			       "delivered (%llu at shutdown); see "
			       "scrapewatch.stats sinks[].dropped",
			       s->name, (unsigned long long)lost,
			       (unsigned long long)(lost - before));
		lost_all += lost;
	}
	set->started = 0;
	return lost_all;
}

int sw_sinks_fatal_error(struct sw_sinks *set)
{
	int i;

	for (i = 0; i < set->n; i++)
		if (sink_failed(set->sinks[i]->st))
			return set->sinks[i]->st->fatal_err;
	return 0;
}

int sw_sinks_reader_gone(struct sw_sinks *set)
{
	int i;

	for (i = 0; i < set->n; i++) {
		struct sw_sink_state *st = set->sinks[i]->st;

		if (!(sink_failed(st) &&
		      sw_sink_reader_gone(st, st->fatal_err)))
			return 0;
	}
	return set->n > 0;
}

void sw_sinks_add_stats(struct sw_sinks *set, cJSON *obj)
{
	cJSON *arr = cJSON_AddArrayToObject(obj, "sinks");
	int i, r;

	if (!arr)
		return;
	for (i = 0; i < set->n; i++) {
		struct sw_sink *s = set->sinks[i];
		struct sw_sink_state *st = s->st;
		cJSON *o = cJSON_CreateObject(), *d;
		uint64_t qlen, spool_bytes, spool_recs;

		if (!o)
			return;
		cJSON_AddItemToArray(arr, o);
		pthread_mutex_lock(&st->lock);
		qlen = st->qlen + st->hlen + st->slen;
		pthread_mutex_unlock(&st->lock);
		pthread_mutex_lock(&st->spool.lock);
		spool_bytes = st->spool.disk_bytes;
		spool_recs = st->spool.pending;
		pthread_mutex_unlock(&st->spool.lock);
		cJSON_AddStringToObject(o, "uri", s->name);
		cJSON_AddStringToObject(o, "type", s->ops->scheme);
		cJSON_AddStringToObject(
			o, "state",
			sink_failed(st)				   ? "failed" :
			__atomic_load_n(&st->up, __ATOMIC_RELAXED) ? "up" :
								     "down");
		sw_json_add_count(o, "enqueued", get_ctr(&st->c.enqueued));
		sw_json_add_count(o, "delivered", get_ctr(&st->c.delivered));
		sw_json_add_count(o, "resent", get_ctr(&st->c.resent));
		sw_json_add_count(o, "spooled", get_ctr(&st->c.spooled));
		sw_json_add_count(o, "errors", get_ctr(&st->c.errors));
		sw_json_add_count(o, "reconnects", get_ctr(&st->c.reconnects));
		sw_json_add_count(o, "queue_depth", qlen);
		sw_json_add_count(o, "queue_depth_max",
				  get_ctr(&st->c.queue_depth_max));
		sw_json_add_count(o, "in_flight",
				  __atomic_load_n(&st->ilen, __ATOMIC_RELAXED));
		sw_json_add_count(o, "spool_records", spool_recs);
		sw_json_add_count(o, "spool_bytes", spool_bytes);
		sw_json_add_count(o, "spool_bytes_max",
				  get_ctr(&st->c.spool_bytes_max));
		d = cJSON_AddObjectToObject(o, "dropped");
		for (r = 0; r < SW_DROP_MAX; r++)
			sw_json_add_count(d, drop_names[r],
					  get_ctr(&st->c.dropped[r]));
	}
}

void sw_sinks_free(struct sw_sinks *set)
{
	int i;

	if (!set)
		return;
	if (set->started)
		sw_sinks_close(set, 0);
	for (i = 0; i < set->n; i++)
		sink_free(set->sinks[i]);
	free(set);
}
