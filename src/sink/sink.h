/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sinks: where records go (stdout, file, syslog, HTTP, Kafka). A set of
 * sinks is built from --output URIs. The packet path only ever enqueues:
 * each sink has a bounded in-memory queue and a writer thread that
 * delivers at least once, reconnects with exponential backoff, and spools
 * to disk while its peer is down. See docs/sinks.md.
 */
#ifndef SW_SINK_H
#define SW_SINK_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

struct sw_sinks;

/* What a sink may need besides the NDJSON line itself. */
struct sw_rec_meta {
	const char *ts; /* RFC 3339 event time, or NULL for now */
	const char *msgid; /* dataset without "scrapewatch.", e.g. "flow" */
	const char *key; /* partition key: client prefix, or NULL */
	int severity; /* RFC 5424 severity, 0..7 */
};

struct sw_sinks *sw_sinks_new(void);
/* Parse a URI and add its sink. 0, or -errno with errbuf (512 bytes) set. */
int sw_sinks_add(struct sw_sinks *set, const char *uri, char *errbuf);
/* How many sinks the set holds. */
int sw_sinks_count(const struct sw_sinks *set);
/* Start the writer threads. 0, or -errno (logged, naming the sink). */
int sw_sinks_start(struct sw_sinks *set);
/*
 * Enqueue one record (line without its newline) on every sink. Never
 * waits on a peer: a full queue moves to the spool, and what even the
 * spool cannot take is counted by reason. 0, or -ENOMEM.
 */
int sw_sinks_emit(struct sw_sinks *set, const char *line, size_t len,
		  const struct sw_rec_meta *m);
/* Wait until every sink has delivered what it holds, or timeout_ms. */
void sw_sinks_drain(struct sw_sinks *set, unsigned timeout_ms);
/*
 * Flush for at most timeout_ms, stop the writers, and report on stderr
 * what could not be delivered. Returns the number of records lost.
 */
uint64_t sw_sinks_close(struct sw_sinks *set, unsigned timeout_ms);
/* The per-sink counters, as an array "sinks" added to obj. */
void sw_sinks_add_stats(struct sw_sinks *set, cJSON *obj);
/* Did a sink fail for good (e.g. stdout closed)? -errno of the first. */
int sw_sinks_fatal_error(struct sw_sinks *set);
/* Is every sink stdout, and its reader gone (| head)? Then there is no
 * one left to write for: the caller may stop reading. */
int sw_sinks_reader_gone(struct sw_sinks *set);
void sw_sinks_free(struct sw_sinks *set);

/* Async-signal-safe: ask file sinks to reopen their file (SIGHUP). */
void sw_sinks_request_reopen(void);

#endif /* SW_SINK_H */
