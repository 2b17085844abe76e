// SPDX-License-Identifier: BSD-2-Clause
/*
 * Prometheus metrics endpoint (see metrics.h). Names follow the Prometheus
 * conventions: counters end in _total, units are in the name (_bytes,
 * _seconds). Sinks are labelled by position and type, never by URI: a URI
 * may hold a token.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "daemon/metrics.h"
#include "decode/decode.h"

#define SW_METRICS_PERIOD_NS 1000000000ull

struct metrics_snap {
	char source[16];
	struct sw_stats st;
	int has_xdp;
	struct sw_xdp_stats xdp;
	struct sw_flow_table_stats flows;
	uint32_t flow_capacity;
	int has_det;
	struct sw_detect_stats det;
	struct sw_rule_count alerts[SW_PIPELINE_RULE_SLOTS];
	struct sw_rule_count reasons[SW_PIPELINE_RULE_SLOTS];
	int n_ifaces;
	struct sw_capture_iface_stats ifaces[SW_METRICS_IFACES_MAX];
	uint64_t published; /* snapshots so far */
	double published_at; /* unix seconds */
};

struct sw_metrics {
	struct MHD_Daemon *mhd;
	pthread_mutex_t lock; /* snap */
	struct metrics_snap snap;
	pthread_mutex_t sinks_lock; /* sinks */
	struct sw_sinks *sinks;
	uint64_t next_ns; /* packet thread only */
};

static uint64_t coarse_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int sw_metrics_due(struct sw_metrics *m)
{
	uint64_t now;

	if (!m)
		return 0;
	now = coarse_ns();
	if (now < m->next_ns)
		return 0;
	m->next_ns = now + SW_METRICS_PERIOD_NS;
	return 1;
}

void sw_metrics_publish(struct sw_metrics *m, const struct sw_pipeline *pl,
			const char *source,
			const struct sw_capture_iface_stats *ifs, int n)
{
	if (!m)
		return;
	sw_metrics_publish_parts(
		m, pl, &pl->stats, sw_flow_table_stats(pl->flows),
		sw_flow_table_capacity(pl->flows), source, ifs, n);
}

void sw_metrics_publish_parts(struct sw_metrics *m,
			      const struct sw_pipeline *det_pl,
			      const struct sw_stats *st,
			      const struct sw_flow_table_stats *flows,
			      uint32_t flow_capacity, const char *source,
			      const struct sw_capture_iface_stats *ifs, int n)
{
	struct metrics_snap *s;
	struct timespec now;

	if (!m)
		return;
	if (n > SW_METRICS_IFACES_MAX)
		n = SW_METRICS_IFACES_MAX;
	clock_gettime(CLOCK_REALTIME, &now);
	pthread_mutex_lock(&m->lock);
	s = &m->snap;
	snprintf(s->source, sizeof(s->source), "%s", source);
	s->st = *st;
	s->has_xdp = st->xdp != NULL;
	if (s->has_xdp)
		s->xdp = *st->xdp;
	s->st.xdp = NULL;
	s->flows = *flows;
	s->flow_capacity = flow_capacity;
	s->has_det = det_pl->det != NULL;
	if (det_pl->det)
		s->det = *sw_detect_stats(det_pl->det);
	memcpy(s->alerts, det_pl->alerts, sizeof(s->alerts));
	memcpy(s->reasons, det_pl->reasons, sizeof(s->reasons));
	s->n_ifaces = n;
	if (n)
		memcpy(s->ifaces, ifs, (size_t)n * sizeof(*ifs));
	s->published++;
	s->published_at = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
	pthread_mutex_unlock(&m->lock);
}

void sw_metrics_set_sinks(struct sw_metrics *m, struct sw_sinks *sinks)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->sinks_lock);
	m->sinks = sinks;
	pthread_mutex_unlock(&m->sinks_lock);
}

static void head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void one(FILE *f, const char *name, const char *type, const char *help,
		double v)
{
	head(f, name, type, help);
	fprintf(f, "%s %.15g\n", name, v);
}

static void render_capture(FILE *f, const struct metrics_snap *s)
{
	int i, r;

	fprintf(f,
		"# HELP scrapewatch_info The build and capture mode.\n"
		"# TYPE scrapewatch_info gauge\n"
		"scrapewatch_info{capture=\"%s\"} 1\n",
		s->source);
	one(f, "scrapewatch_snapshots_total", "counter",
	    "Counter snapshots published by the packet thread.",
	    (double)s->published);
	one(f, "scrapewatch_snapshot_timestamp_seconds", "gauge",
	    "When the counters served were taken.", s->published_at);
	head(f, "scrapewatch_packets_total", "counter",
	     "Packets received, by interface (\"all\": summed by the capture).");
	head(f, "scrapewatch_bytes_total", "counter",
	     "Bytes on the wire received, by interface.");
	head(f, "scrapewatch_drops_total", "counter",
	     "Packets lost before scrapewatch saw them, by interface and where "
	     "(kernel buffer, interface, XDP flow map full).");
	if (s->n_ifaces) {
		for (i = 0; i < s->n_ifaces; i++) {
			const struct sw_capture_iface_stats *x = &s->ifaces[i];

			fprintf(f,
				"scrapewatch_packets_total{interface=\"%s\"} "
				"%llu\n"
				"scrapewatch_bytes_total{interface=\"%s\"} "
				"%llu\n"
				"scrapewatch_drops_total{interface=\"%s\","
				"where=\"kernel\"} %llu\n"
				"scrapewatch_drops_total{interface=\"%s\","
				"where=\"interface\"} %llu\n",
				x->name, (unsigned long long)x->packets,
				x->name, (unsigned long long)x->bytes, x->name,
				(unsigned long long)x->drops, x->name,
				(unsigned long long)x->if_drops);
		}
	} else {
		fprintf(f,
			"scrapewatch_packets_total{interface=\"all\"} %llu\n"
			"scrapewatch_bytes_total{interface=\"all\"} %llu\n",
			(unsigned long long)s->st.packets,
			(unsigned long long)s->st.bytes);
	}
	if (s->has_xdp)
		fprintf(f,
			"scrapewatch_drops_total{interface=\"all\","
			"where=\"flow_map_full\"} %llu\n",
			(unsigned long long)s->xdp.flow_map_full);
	one(f, "scrapewatch_decoded_packets_total", "counter",
	    "Packets that reached TCP or UDP.", (double)s->st.decoded);
	head(f, "scrapewatch_decode_errors_total", "counter",
	     "Packets not decoded because they were malformed, by reason.");
	for (r = 1; r < SW_DR_MAX; r++)
		if (sw_decode_reason_is_error(r))
			fprintf(f,
				"scrapewatch_decode_errors_total{reason=\"%s\"}"
				" %llu\n",
				sw_decode_reason_name(r),
				(unsigned long long)s->st.reasons[r]);
	head(f, "scrapewatch_decode_skipped_total", "counter",
	     "Packets not analysed by design (other protocols), by reason.");
	for (r = 1; r < SW_DR_MAX; r++)
		if (!sw_decode_reason_is_error(r))
			fprintf(f,
				"scrapewatch_decode_skipped_total{reason=\"%s\""
				"} %llu\n",
				sw_decode_reason_name(r),
				(unsigned long long)s->st.reasons[r]);
	one(f, "scrapewatch_read_errors_total", "counter",
	    "Inputs that stopped early.", (double)s->st.read_errors);
}

static void render_xdp(FILE *f, const struct metrics_snap *s)
{
	const struct sw_xdp_stats *x = &s->xdp;
	uint64_t heads = x->heads_sampled + x->heads_skipped;

	if (!s->has_xdp)
		return;
	one(f, "scrapewatch_xdp_ringbuf_lost_total", "counter",
	    "Records the XDP program lost: its ring buffer was full.",
	    (double)x->ringbuf_full);
	one(f, "scrapewatch_xdp_heads_sampled_total", "counter",
	    "Request heads the XDP program sent.", (double)x->heads_sampled);
	one(f, "scrapewatch_xdp_heads_skipped_total", "counter",
	    "Request heads left out by sampling.", (double)x->heads_skipped);
	one(f, "scrapewatch_xdp_heads_sample_ratio", "gauge",
	    "Share of request heads sent (1: no sampling so far).",
	    heads ? (double)x->heads_sampled / (double)heads : 1.0);
	one(f, "scrapewatch_xdp_turns_over_mark_total", "counter",
	    "Request turns seen while the ring buffer was past its mark.",
	    (double)x->turns_over_mark);
	one(f, "scrapewatch_xdp_accounted_packets_total", "counter",
	    "TCP or UDP packets the XDP program accounted.",
	    (double)x->accounted);
}

static void render_flows(FILE *f, const struct metrics_snap *s)
{
	uint64_t created = s->flows.created, ended = s->flows.ended;
	uint64_t evicted = s->flows.evicted, active = s->flows.active;

	if (s->has_xdp) {
		/* The kernel's flow map holds live flows. */
		created = s->xdp.flows_created;
		ended = s->xdp.flow_ends;
		evicted = s->st.xdp_evicted;
		active = created > ended + evicted ? created - ended - evicted :
						     0;
	}
	one(f, "scrapewatch_flows_active", "gauge", "Flows held now.",
	    (double)active);
	one(f, "scrapewatch_flows_created_total", "counter", "Flows created.",
	    (double)created);
	one(f, "scrapewatch_flows_ended_total", "counter",
	    "Flows ended (FIN/RST, idle or end of input).", (double)ended);
	one(f, "scrapewatch_flows_evicted_total", "counter",
	    "Flows evicted because the table was full.", (double)evicted);
	if (!s->has_xdp)
		one(f, "scrapewatch_flows_capacity", "gauge",
		    "Flows the table holds at most.", (double)s->flow_capacity);
}

/* A detector counter with a series (detect/detect-counters.h). */
#define ONE_DETECT_COUNTER(field, ctype, key, metric, type, help) \
	if (metric[0])                                            \
		one(f, metric, type, help, (double)d->field);

static void render_detect(FILE *f, const struct metrics_snap *s)
{
	const struct sw_detect_stats *d = &s->det;
	static const char *const act[] = { "start", "update", "end" };
	int i, a;

	if (!s->has_det)
		return;
	SW_DETECT_COUNTERS(ONE_DETECT_COUNTER)
	head(f, "scrapewatch_alerts_total", "counter",
	     "Alert events by rule and action.");
	for (i = 0; i < SW_PIPELINE_RULE_SLOTS && s->alerts[i].id; i++) {
		const uint64_t v[] = { s->alerts[i].started,
				       s->alerts[i].updated,
				       s->alerts[i].ended };

		for (a = 0; a < 3; a++)
			fprintf(f,
				"scrapewatch_alerts_total{rule=\"%s\","
				"action=\"%s\"} %llu\n",
				s->alerts[i].id, act[a],
				(unsigned long long)v[a]);
	}
	head(f, "scrapewatch_alert_reasons_total", "counter",
	     "Rules that contributed to alerts when they started.");
	for (i = 0; i < SW_PIPELINE_RULE_SLOTS && s->reasons[i].id; i++)
		fprintf(f,
			"scrapewatch_alert_reasons_total{rule=\"%s\"} %llu\n",
			s->reasons[i].id,
			(unsigned long long)s->reasons[i].started);
}

/* Counts are raw items (sw_json_add_count): decimal text. */
static double raw_num(const cJSON *v)
{
	if (cJSON_IsNumber(v))
		return v->valuedouble;
	if (cJSON_IsRaw(v) && v->valuestring)
		return strtod(v->valuestring, NULL);
	return 0;
}

static double num(const cJSON *o, const char *k)
{
	return raw_num(cJSON_GetObjectItemCaseSensitive(o, k));
}

static void render_sinks(FILE *f, struct sw_metrics *m)
{
	static const struct {
		const char *name, *type, *key, *help;
	} g[] = {
		{ "scrapewatch_sink_queue_depth", "gauge", "queue_depth",
		  "Records queued in memory." },
		{ "scrapewatch_sink_spool_bytes", "gauge", "spool_bytes",
		  "Bytes spooled to disk while the peer is down." },
		{ "scrapewatch_sink_delivered_total", "counter", "delivered",
		  "Records delivered." },
		{ "scrapewatch_sink_errors_total", "counter", "errors",
		  "Delivery errors." },
		{ "scrapewatch_sink_enqueued_total", "counter", "enqueued",
		  "Records enqueued." },
	};
	cJSON *root = cJSON_CreateObject(), *arr, *e, *d, *r;
	size_t i;
	int n;

	if (!root)
		return;
	pthread_mutex_lock(&m->sinks_lock);
	if (m->sinks)
		sw_sinks_add_stats(m->sinks, root);
	pthread_mutex_unlock(&m->sinks_lock);
	arr = cJSON_GetObjectItemCaseSensitive(root, "sinks");
	for (i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		head(f, g[i].name, g[i].type, g[i].help);
		n = 0;
		cJSON_ArrayForEach(e, arr)
		{
			const cJSON *t =
				cJSON_GetObjectItemCaseSensitive(e, "type");

			fprintf(f, "%s{sink=\"%d\",type=\"%s\"} %.15g\n",
				g[i].name, n++,
				cJSON_IsString(t) ? t->valuestring : "",
				num(e, g[i].key));
		}
	}
	head(f, "scrapewatch_sink_dropped_total", "counter",
	     "Records a sink lost, by reason.");
	n = 0;
	cJSON_ArrayForEach(e, arr)
	{
		d = cJSON_GetObjectItemCaseSensitive(e, "dropped");
		cJSON_ArrayForEach(r, d)
			fprintf(f,
				"scrapewatch_sink_dropped_total{sink=\"%d\","
				"reason=\"%s\"} %.15g\n",
				n, r->string, raw_num(r));
		n++;
	}
	cJSON_Delete(root);
}

static void render_process(FILE *f)
{
	unsigned long long ut = 0, st = 0;
	long pages = 0, rss = 0;
	char buf[1024], *p;
	FILE *in;
	size_t len;

	in = fopen("/proc/self/stat", "r");
	if (in) {
		len = fread(buf, 1, sizeof(buf) - 1, in);
		buf[len] = 0;
		fclose(in);
		/* Fields after the command name, which may hold spaces. */
		p = strrchr(buf, ')');
		if (p)
			sscanf(p + 2,
			       "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			       "%llu %llu",
			       &ut, &st);
	}
	in = fopen("/proc/self/statm", "r");
	if (in) {
		if (fscanf(in, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
		fclose(in);
	}
	one(f, "process_cpu_seconds_total", "counter",
	    "User and system CPU time spent.",
	    (double)(ut + st) / (double)sysconf(_SC_CLK_TCK));
	one(f, "process_resident_memory_bytes", "gauge",
	    "Resident memory size.",
	    (double)rss * (double)sysconf(_SC_PAGESIZE));
}

static char *render(struct sw_metrics *m, size_t *len)
{
	struct metrics_snap *s = malloc(sizeof(*s));
	char *out = NULL;
	FILE *f;

	if (!s)
		return NULL;
	pthread_mutex_lock(&m->lock);
	*s = m->snap;
	pthread_mutex_unlock(&m->lock);
	f = open_memstream(&out, len);
	if (!f) {
		free(s);
		return NULL;
	}
	render_capture(f, s);
	render_xdp(f, s);
	render_flows(f, s);
	render_detect(f, s);
	render_sinks(f, m);
	render_process(f);
	free(s);
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	return out;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_len, void **req)
{
	static const char not_found[] = "not found: try /metrics\n";
	struct sw_metrics *m = cls;
	struct MHD_Response *r;
	enum MHD_Result ret;
	unsigned code = MHD_HTTP_OK;
	size_t len = 0;
	char *body;

	(void)version;
	(void)upload;
	(void)upload_len;
	(void)req;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return MHD_NO;
	if (strcmp(url, "/metrics") == 0 && (body = render(m, &len))) {
		r = MHD_create_response_from_buffer(len, body,
						    MHD_RESPMEM_MUST_FREE);
		if (r)
			MHD_add_response_header(
				r, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/plain; version=0.0.4; charset=utf-8");
	} else {
		code = strcmp(url, "/metrics") ? MHD_HTTP_NOT_FOUND :
						 MHD_HTTP_INTERNAL_SERVER_ERROR;
		r = MHD_create_response_from_buffer(sizeof(not_found) - 1,
						    (void *)not_found,
						    MHD_RESPMEM_PERSISTENT);
	}
	if (!r)
		return MHD_NO;
	ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

/* "HOST:PORT" or "[V6]:PORT", numeric. 0 or -EINVAL. */
static int parse_listen(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	char host[64];
	const char *colon, *h = s;
	size_t hl;
	char *end;
	unsigned long port;

	memset(ss, 0, sizeof(*ss));
	colon = strrchr(s, ':');
	if (!colon)
		return -EINVAL;
	hl = (size_t)(colon - s);
	if (*s == '[') {
		if (hl < 2 || s[hl - 1] != ']')
			return -EINVAL;
		h = s + 1;
		hl -= 2;
	}
	if (hl == 0 || hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, h, hl);
	host[hl] = 0;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || colon[1] == 0 || port == 0 || port > 65535)
		return -EINVAL;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		return 0;
	}
	return -EINVAL;
}

struct sw_metrics *sw_metrics_start(const char *listen, char *errbuf)
{
	struct sockaddr_storage ss;
	struct sw_metrics *m;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;

	if (parse_listen(listen, &ss)) {
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "metrics listen address '%.64s': expected "
			 "ADDRESS:PORT or [IPV6]:PORT, numeric",
			 listen);
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "metrics: %s",
			 strerror(errno));
		return NULL;
	}
	pthread_mutex_init(&m->lock, NULL);
	pthread_mutex_init(&m->sinks_lock, NULL);
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	m->mhd = MHD_start_daemon(
		flags, 0, NULL, NULL, answer, m, MHD_OPTION_SOCK_ADDR,
		(struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT, 16u,
		MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
	if (!m->mhd) {
		int err = errno ? errno : EADDRINUSE;

		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "metrics: cannot listen on %.64s: %s", listen,
			 strerror(err));
		pthread_mutex_destroy(&m->lock);
		pthread_mutex_destroy(&m->sinks_lock);
		free(m);
		errno = err;
		return NULL;
	}
	return m;
}

void sw_metrics_stop(struct sw_metrics *m)
{
	if (!m)
		return;
	MHD_stop_daemon(m->mhd);
	pthread_mutex_destroy(&m->lock);
	pthread_mutex_destroy(&m->sinks_lock);
	free(m);
}
