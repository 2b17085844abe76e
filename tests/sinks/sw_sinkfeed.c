// SPDX-License-Identifier: BSD-2-Clause
/*
 * Test and bench driver for the sink layer: pushes N alert-shaped records
 * through the real sinks (the same --output URIs as scrapewatch), then
 * flushes and prints the sinks' counters as JSON on stdout. Each record
 * carries a sequence number (scrapewatch.seq) so a peer's copy can be
 * checked for loss, duplicates and order; --hostile fills the wire
 * strings with newlines, quotes, invalid UTF-8 and 64 KB of junk.
 * --enqueued-file PATH creates PATH (holding the count) as soon as the
 * last record is enqueued, before any flush, so a test's peer can tell
 * whether the enqueueing waited on it. The counters are printed twice:
 * "sinks" after the drain (as scrapewatch's stats record), "final" after
 * close, which counts what the flush timeout left undelivered.
 *
 * usage: sw_sinkfeed --count N [--rate PER_S] [--clients C] [--hostile]
 *                    [--flush-timeout S] [--enqueued-file PATH]
 *                    -o URI [-o URI...]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "output/output.h"
#include "sink/sink.h"

static void on_hup(int sig)
{
	(void)sig;
	sw_sinks_request_reopen(); /* as scrapewatch does */
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* PATH appears whole (rename) or not at all. */
static int mark_enqueued(const char *path, uint64_t count)
{
	char tmp[4096], txt[32];
	int fd, n, rc = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	n = snprintf(txt, sizeof(txt), "%llu\n", (unsigned long long)count);
	if (write(fd, txt, (size_t)n) != n)
		rc = -EIO;
	close(fd);
	if (!rc && rename(tmp, path))
		rc = -errno;
out:
	if (rc)
		fprintf(stderr, "sw_sinkfeed: %s: %s\n", path, strerror(-rc));
	return rc;
}

static cJSON *alert(uint64_t seq, unsigned clients, int hostile,
		    const uint8_t *junk, size_t junklen)
{
	static const uint8_t ua[] = "curl/8.0\r\n<14>1 fake - - - \"quoted\" "
				    "\xff\xfe\xc3(invalid utf-8)\n\n";
	cJSON *rec = cJSON_CreateObject(), *o;
	char ip[32], ts[40];
	unsigned c = (unsigned)(seq % clients);

	snprintf(ip, sizeof(ip), "198.18.%u.%u", 64 + (c / 250) % 64,
		 1 + c % 250);
	sw_format_time(1764360000000000000ull + seq * 1000, ts, sizeof(ts));
	cJSON_AddStringToObject(rec, "@timestamp", ts);
	o = cJSON_AddObjectToObject(rec, "event");
	cJSON_AddStringToObject(o, "kind", "alert");
	cJSON_AddStringToObject(o, "dataset", "scrapewatch.alert");
	o = cJSON_AddObjectToObject(rec, "source");
	cJSON_AddStringToObject(o, "ip", ip);
	o = cJSON_AddObjectToObject(rec, "scrapewatch");
	sw_json_add_count(o, "seq", seq);
	if (hostile) {
		sw_json_add_wire(o, "user_agent", ua, sizeof(ua) - 1);
		sw_json_add_wire(o, "sni", junk, junklen);
	} else {
		cJSON_AddStringToObject(o, "rule", "bulk-fetch");
	}
	return rec;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "rate", required_argument, NULL, 'r' },
		{ "clients", required_argument, NULL, 'c' },
		{ "hostile", no_argument, NULL, 'H' },
		{ "flush-timeout", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "enqueued-file", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	struct sw_sinks *set = sw_sinks_new();
	uint64_t count = 1000, rate = 0, i, t0, t1, lost;
	unsigned clients = 64, flush_s = 10;
	int c, hostile = 0, nout = 0;
	char errbuf[512];
	const char *enqueued_file = NULL;
	uint8_t *junk;
	size_t junklen = 65536;
	cJSON *st, *fin;
	char *txt;

	while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			count = strtoull(optarg, NULL, 10);
			break;
		case 'r':
			rate = strtoull(optarg, NULL, 10);
			break;
		case 'c':
			clients = (unsigned)strtoul(optarg, NULL, 10);
			if (!clients)
				clients = 1;
			break;
		case 'H':
			hostile = 1;
			break;
		case 'f':
			flush_s = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'e':
			enqueued_file = optarg;
			break;
		case 'o':
			if (sw_sinks_add(set, optarg, errbuf)) {
				fprintf(stderr, "sw_sinkfeed: %s\n", errbuf);
				return 2;
			}
			nout++;
			break;
		default:
			return 2;
		}
	}
	if (!nout) {
		fprintf(stderr, "sw_sinkfeed: give -o URI\n");
		return 2;
	}
	signal(SIGHUP, on_hup);
	junk = malloc(junklen);
	for (i = 0; i < junklen; i++)
		junk[i] = (uint8_t)(i * 7 + 13);
	if (sw_sinks_start(set))
		return 2;
	t0 = now_ns();
	for (i = 0; i < count; i++) {
		sw_output_record(set,
				 alert(i, clients, hostile, junk, junklen));
		if (rate && i % 100 == 99) {
			uint64_t due = t0 + (i + 1) * 1000000000ull / rate;
			uint64_t t = now_ns();

			if (due > t) {
				struct timespec d = {
					.tv_sec = (time_t)((due - t) /
							   1000000000ull),
					.tv_nsec = (long)((due - t) %
							  1000000000ull)
				};
				nanosleep(&d, NULL);
			}
		}
	}
	t1 = now_ns();
	if (enqueued_file && mark_enqueued(enqueued_file, count))
		return 2;
	sw_sinks_drain(set, flush_s * 1000);
	st = cJSON_CreateObject();
	cJSON_AddNumberToObject(st, "enqueue_seconds", (t1 - t0) / 1e9);
	cJSON_AddNumberToObject(st, "total_seconds", (now_ns() - t0) / 1e9);
	sw_sinks_add_stats(set, st);
	lost = sw_sinks_close(set, flush_s * 1000);
	sw_json_add_count(st, "lost", lost);
	fin = cJSON_AddObjectToObject(st, "final");
	if (fin)
		sw_sinks_add_stats(set, fin);
	txt = cJSON_PrintUnformatted(st);
	printf("%s\n", txt);
	cJSON_free(txt);
	cJSON_Delete(st);
	sw_sinks_free(set);
	free(junk);
	return 0;
}
