// SPDX-License-Identifier: BSD-2-Clause
/*
 * HTTP sinks through libcurl: Splunk HTTP Event Collector (format=hec,
 * one {"time":..,"event":RECORD} envelope per record) and Elasticsearch
 * _bulk (format=bulk, an action line {"index":{"_index":..}} before each
 * record). A batch is one POST, gzip-compressed unless gzip=off. 2xx is
 * delivery; 429 and 5xx are retried with backoff, honouring Retry-After;
 * other 4xx answers reject the batch for good (counted as "rejected").
 * For _bulk, items the answer marks failed are counted as rejected, except
 * 429 items, which make the whole batch go again. TLS verification is on
 * unless verify=off.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/units.h"
#include "sink/sink-backend.h"

#ifdef SW_HAVE_CURL
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <zlib.h>

#define SW_HTTP_TIMEOUT_MS 10000
#define SW_HTTP_RESP_MAX (4u << 20)

enum http_format { F_HEC, F_BULK };

struct http_sink {
	CURL *curl;
	struct curl_slist *headers;
	char *url;
	enum http_format format;
	char *index;
	char *ca;
	int verify, gzip;
	unsigned timeout_ms;
	char *body, *gz;
	size_t blen, bcap, gzcap;
	char *resp;
	size_t rlen;
	uint64_t retry_after_s;
};

static int body_put(struct http_sink *h, const char *p, size_t n)
{
	if (h->blen + n > h->bcap) {
		size_t cap = h->bcap ? h->bcap : 65536;
		char *nb;

		while (cap < h->blen + n)
			cap *= 2;
		nb = realloc(h->body, cap);
		if (!nb)
			return -ENOMEM;
		h->body = nb;
		h->bcap = cap;
	}
	memcpy(h->body + h->blen, p, n);
	h->blen += n;
	return 0;
}

static int http_open(struct sw_sink *s, struct sw_uri *u, char *errbuf)
{
	struct http_sink *h;
	const char *fmt = sw_uri_opt(u, "format", NULL);
	const char *token = sw_uri_opt(u, "token", NULL);
	const char *index = sw_uri_opt(u, "index", "scrapewatch");
	const char *verify = sw_uri_opt(u, "verify", "on");
	const char *gzip = sw_uri_opt(u, "gzip", "on");
	const char *tmo = sw_uri_opt(u, "timeout_ms", NULL);
	const char *ca = sw_uri_opt(u, "ca", NULL);
	char hdr[1024];
	uint64_t x;

	if (!fmt || (strcmp(fmt, "hec") && strcmp(fmt, "bulk"))) {
		snprintf(errbuf, SW_SINK_ERRBUF,
			 "--output %s: format=hec (Splunk HEC) or format=bulk "
			 "(Elasticsearch _bulk) is required",
			 s->name);
		return -EINVAL;
	}
	if (strcmp(verify, "on") && strcmp(verify, "off")) {
		snprintf(errbuf, SW_SINK_ERRBUF,
			 "--output %s: verify=%s: expected on or off", s->name,
			 verify);
		return -EINVAL;
	}
	if (strcmp(gzip, "on") && strcmp(gzip, "off")) {
		snprintf(errbuf, SW_SINK_ERRBUF,
			 "--output %s: gzip=%s: expected on or off", s->name,
			 gzip);
		return -EINVAL;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	/* Here, in the main thread, before any writer runs. */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	s->priv = h;
	h->format = strcmp(fmt, "hec") == 0 ? F_HEC : F_BULK;
	h->verify = strcmp(verify, "on") == 0;
	h->gzip = strcmp(gzip, "on") == 0;
	h->timeout_ms = SW_HTTP_TIMEOUT_MS;
	if (tmo) {
		if (sw_parse_uint(tmo, 3600000, &x) || !x) {
			snprintf(errbuf, SW_SINK_ERRBUF,
				 "--output %s: timeout_ms=%s: expected "
				 "1..3600000",
				 s->name, tmo);
			return -EINVAL;
		}
		h->timeout_ms = (unsigned)x;
	}
	h->url = strdup(u->base);
	h->index = strdup(index);
	h->ca = ca ? strdup(ca) : NULL;
	if (!h->url || !h->index || (ca && !h->ca))
		return -ENOMEM;
	h->headers = curl_slist_append(
		NULL, h->format == F_HEC ?
			      "Content-Type: application/json" :
			      "Content-Type: application/x-ndjson");
	if (h->gzip)
		h->headers =
			curl_slist_append(h->headers, "Content-Encoding: gzip");
	if (token) {
		snprintf(hdr, sizeof(hdr), "Authorization: %s %s",
			 h->format == F_HEC ? "Splunk" : "ApiKey", token);
		h->headers = curl_slist_append(h->headers, hdr);
	}
	/* No "Expect: 100-continue" round trip per batch. */
	h->headers = curl_slist_append(h->headers, "Expect:");
	s->tune.confirm = SW_CONFIRM_SENT;
	s->tune.batch_max = 1000;
	s->tune.batch_bytes = 4u << 20;
	return 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct http_sink *h = ctx;
	size_t len = size * n;
	char *nr;

	if (h->rlen + len > SW_HTTP_RESP_MAX)
		return len; /* keep the head only */
	nr = realloc(h->resp, h->rlen + len + 1);
	if (!nr)
		return 0;
	h->resp = nr;
	memcpy(h->resp + h->rlen, p, len);
	h->rlen += len;
	h->resp[h->rlen] = '\0';
	return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct http_sink *h = ctx;
	size_t len = size * n;

	if (len > 12 && strncasecmp(p, "Retry-After:", 12) == 0) {
		unsigned long v = strtoul(p + 12, NULL, 10);

		h->retry_after_s = v > 3600 ? 3600 : v;
	}
	return len;
}

/* A POST under way gives up at the --flush-timeout deadline. */
static int on_progress(void *clientp, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return sw_now_ns() >= sw_sink_deadline_ns(clientp);
}

static int http_connect(struct sw_sink *s, char *errbuf)
{
	struct http_sink *h = s->priv;

	if (h->curl)
		return 0;
	h->curl = curl_easy_init();
	if (!h->curl) {
		snprintf(errbuf, SW_SINK_ERRBUF, "curl_easy_init failed");
		return -ENOMEM;
	}
	curl_easy_setopt(h->curl, CURLOPT_URL, h->url);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, h->headers);
	curl_easy_setopt(h->curl, CURLOPT_POST, 1L);
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT_MS, (long)h->timeout_ms);
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)h->timeout_ms);
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(h->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h->curl, CURLOPT_HEADERDATA, h);
	curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYPEER, (long)h->verify);
	curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYHOST, h->verify ? 2L : 0L);
	if (h->ca)
		curl_easy_setopt(h->curl, CURLOPT_CAINFO, h->ca);
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h->curl, CURLOPT_XFERINFODATA, s);
	curl_easy_setopt(h->curl, CURLOPT_NOPROGRESS, 0L);
	return 0;
}

static void http_disconnect(struct sw_sink *s)
{
	struct http_sink *h = s->priv;

	if (h->curl)
		curl_easy_cleanup(h->curl);
	h->curl = NULL;
}

/* RFC 3339 UTC (as sw_format_time writes it) to "seconds.micros". */
static void hec_time(const char *ts, char *out, size_t len)
{
	struct tm tm = { 0 };
	const char *frac;
	time_t t;

	out[0] = '\0';
	if (!ts[0] || !strptime(ts, "%Y-%m-%dT%H:%M:%S", &tm))
		return;
	t = timegm(&tm);
	frac = strchr(ts, '.');
	snprintf(out, len, "%lld.%.6s", (long long)t,
		 frac && frac[1] >= '0' && frac[1] <= '9' ? frac + 1 : "0");
	/* strip anything after the digits */
	for (char *p = strchr(out, '.') + 1; *p; p++)
		if (*p < '0' || *p > '9') {
			*p = '\0';
			break;
		}
}

static int build_body(struct sw_sink *s, struct sw_rec *r, size_t n)
{
	struct http_sink *h = s->priv;
	char pre[512], tbuf[48];
	size_t i;
	int k, rc = 0;

	h->blen = 0;
	for (i = 0; i < n && !rc; i++, r = r->next) {
		if (h->format == F_HEC) {
			hec_time(r->ts, tbuf, sizeof(tbuf));
			k = snprintf(pre, sizeof(pre),
				     "{%s%s%s\"source\":\"scrapewatch\","
				     "\"sourcetype\":\"_json\",\"event\":",
				     tbuf[0] ? "\"time\":" : "", tbuf,
				     tbuf[0] ? "," : "");
			rc = body_put(h, pre, (size_t)k);
			if (!rc)
				rc = body_put(h, r->data, r->len);
			if (!rc)
				rc = body_put(h, "}\n", 2);
		} else {
			cJSON *a = cJSON_CreateObject();
			char *line;

			cJSON_AddStringToObject(
				cJSON_AddObjectToObject(a, "index"), "_index",
				h->index);
			line = cJSON_PrintUnformatted(a);
			cJSON_Delete(a);
			if (!line)
				return -ENOMEM;
			rc = body_put(h, line, strlen(line));
			cJSON_free(line);
			if (!rc)
				rc = body_put(h, "\n", 1);
			if (!rc)
				rc = body_put(h, r->data, r->len);
			if (!rc)
				rc = body_put(h, "\n", 1);
		}
	}
	return rc;
}

static int gzip_body(struct http_sink *h, size_t *outlen)
{
	z_stream z = { 0 };
	size_t need = compressBound((uLong)h->blen) + 64;
	int rc;

	if (need > h->gzcap) {
		char *ng = realloc(h->gz, need);

		if (!ng)
			return -ENOMEM;
		h->gz = ng;
		h->gzcap = need;
	}
	/* windowBits 15 + 16: a gzip wrapper, as Content-Encoding says. */
	if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return -ENOMEM;
	z.next_in = (Bytef *)h->body;
	z.avail_in = (uInt)h->blen;
	z.next_out = (Bytef *)h->gz;
	z.avail_out = (uInt)h->gzcap;
	rc = deflate(&z, Z_FINISH);
	*outlen = z.total_out;
	deflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -EIO;
}

/* _bulk answered 200 with errors: mark failed items, by position. A 429
 * item makes the batch go again (returns -EAGAIN). */
static int bulk_items(struct sw_sink *s, struct sw_rec *r, size_t n)
{
	struct http_sink *h = s->priv;
	cJSON *doc, *items, *it;
	size_t i = 0;
	int again = 0;

	if (!h->resp || !strstr(h->resp, "\"errors\":true"))
		return 0;
	doc = cJSON_Parse(h->resp);
	items = cJSON_GetObjectItemCaseSensitive(doc, "items");
	cJSON_ArrayForEach(it, items)
	{
		cJSON *act = it->child, *st;

		if (i >= n)
			break;
		st = act ? cJSON_GetObjectItemCaseSensitive(act, "status") :
			   NULL;
		if (cJSON_IsNumber(st) && st->valuedouble == 429)
			again = 1;
		i++;
	}
	if (!again) {
		i = 0;
		cJSON_ArrayForEach(it, items)
		{
			cJSON *act = it->child, *st;

			if (i >= n)
				break;
			st = act ? cJSON_GetObjectItemCaseSensitive(act,
								    "status") :
				   NULL;
			if (cJSON_IsNumber(st) && st->valuedouble >= 300)
				sw_sink_drop(s, r, SW_DROP_REJECTED);
			r = r->next;
			i++;
		}
	}
	cJSON_Delete(doc);
	return again ? -EAGAIN : 0;
}

static long http_send(struct sw_sink *s, struct sw_rec *r, size_t n,
		      char *errbuf)
{
	struct http_sink *h = s->priv;
	const char *data;
	size_t len;
	long status = 0;
	CURLcode cc;
	int rc;

	rc = build_body(s, r, n);
	if (rc)
		return rc;
	data = h->body;
	len = h->blen;
	if (h->gzip) {
		rc = gzip_body(h, &len);
		if (rc)
			return rc;
		data = h->gz;
	}
	h->rlen = 0;
	h->retry_after_s = 0;
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, data);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	cc = curl_easy_perform(h->curl);
	if (cc == CURLE_ABORTED_BY_CALLBACK) {
		snprintf(errbuf, SW_SINK_ERRBUF,
			 "POST %s: no answer by the --flush-timeout deadline",
			 h->url);
		return -ETIMEDOUT;
	}
	if (cc != CURLE_OK) {
		snprintf(errbuf, SW_SINK_ERRBUF, "POST %s: %s", h->url,
			 curl_easy_strerror(cc));
		return -ECONNREFUSED;
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 200 && status < 300) {
		if (h->format == F_BULK && bulk_items(s, r, n) == -EAGAIN) {
			snprintf(errbuf, SW_SINK_ERRBUF,
				 "POST %s: items answered 429", h->url);
			return -EAGAIN;
		}
		return (long)n;
	}
	snprintf(errbuf, SW_SINK_ERRBUF, "POST %s: HTTP %ld%s%.200s", h->url,
		 status, h->rlen ? ": " : "", h->rlen ? h->resp : "");
	if (status == 429 || status >= 500) {
		s->tune.retry_after_ns = h->retry_after_s * 1000000000ull;
		return -EAGAIN;
	}
	sw_log(SW_LOG_ERROR, "sink %s: %s; batch rejected", s->name, errbuf);
	return -EPERM;
}

static void http_cleanup(struct sw_sink *s)
{
	struct http_sink *h = s->priv;

	http_disconnect(s);
	curl_slist_free_all(h->headers);
	free(h->url);
	free(h->index);
	free(h->ca);
	free(h->body);
	free(h->gz);
	free(h->resp);
	free(h);
	s->priv = NULL;
	curl_global_cleanup();
}

const struct sw_sink_ops sw_sink_http_ops = {
	.scheme = "http",
	.open_op = http_open,
	.connect_op = http_connect,
	.send_op = http_send,
	.disconnect_op = http_disconnect,
	.cleanup_op = http_cleanup,
};

#else /* !SW_HAVE_CURL */

static int http_open(struct sw_sink *s, struct sw_uri *u, char *errbuf)
{
	(void)u;
	snprintf(errbuf, SW_SINK_ERRBUF,
		 "--output %s: the HTTP sink is not in this build (it needs "
		 "libcurl: install libcurl4-openssl-dev and rebuild)",
		 s->name);
	return -ENOTSUP;
}

const struct sw_sink_ops sw_sink_http_ops = {
	.scheme = "http",
	.open_op = http_open,
};

#endif /* SW_HAVE_CURL */
