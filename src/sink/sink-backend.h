/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What a sink backend implements, and what the generic sink layer
 * (sink.c) gives it. The generic layer owns the queue, the in-flight
 * list, the spool, reconnect and backoff; a backend only connects, sends
 * a batch, and says what was confirmed. A backend that is not compiled in
 * keeps its table entry and answers open_op with a message saying so.
 */
#ifndef SW_SINK_BACKEND_H
#define SW_SINK_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#define SW_SINK_ERRBUF 512
#define SW_SINK_MAX_OPTS 24
#define SW_REC_KEY_MAX 64

/* One record. Everything from len on is also the spool's on-disk form. */
struct sw_rec {
	struct sw_rec *next;
	uint64_t sent_ns; /* CLOCK_MONOTONIC of the last send, 0 if never */
	uint8_t done; /* confirmed by an asynchronous report (Kafka) */
	uint8_t failed; /* the asynchronous report said it failed for good */
	uint8_t dropped; /* the backend dropped it (reason counted) */
	uint8_t arena; /* in the sink's record arena, not from malloc */
	uint8_t pad[4];
	/* spooled from here */
	uint32_t len; /* line bytes, no newline */
	uint8_t keylen;
	uint8_t severity; /* RFC 5424 */
	char msgid[16]; /* NUL-terminated */
	char ts[34]; /* RFC 3339, NUL-terminated */
	char data[]; /* line, then key */
};

#define SW_REC_DISK_HDR \
	(offsetof(struct sw_rec, data) - offsetof(struct sw_rec, len))

static inline const char *sw_rec_key(const struct sw_rec *r)
{
	return r->data + r->len;
}

struct sw_uri_opt {
	char *name;
	char *value;
	int used; /* taken by the generic layer or the backend */
};

/* A parsed sink URI: scheme://host[:port][/path][?a=b&c=d]. */
struct sw_uri {
	char *scheme;
	char *host; /* may hold a comma list (Kafka brokers) */
	char *port; /* NULL if absent */
	char *path; /* without the leading '/', "" if absent */
	char *base; /* scheme://authority/path, for HTTP */
	struct sw_uri_opt opts[SW_SINK_MAX_OPTS];
	int nopts;
};

/*
 * Parse uri into u (sink-uri.c); name is the URI as messages show it
 * (secrets masked). 0, or -errno with errbuf set: a port that is not
 * 1..65535 is refused here, for every scheme.
 */
int sw_uri_parse(const char *uri, const char *name, struct sw_uri *u,
		 char *errbuf);
void sw_uri_free(struct sw_uri *u);

/* An option's value (marked used), or def if absent. */
const char *sw_uri_opt(struct sw_uri *u, const char *name, const char *def);

struct sw_sink;

struct sw_sink_ops {
	const char *scheme;
	/* Parse options, allocate priv. 0, or -errno with errbuf set. */
	int (*open_op)(struct sw_sink *s, struct sw_uri *u, char *errbuf);
	/* Connect to the peer. 0, or -errno with errbuf set. */
	int (*connect_op)(struct sw_sink *s, char *errbuf);
	/*
	 * Send n records starting at r (linked by next). Returns how many
	 * were handed over (fewer than n: the backend's own queue is full or
	 * the peer is not reading, try again soon; the next call starts at
	 * the first record not handed over), or -errno with errbuf set.
	 * send_op must not block for long: the writer honours the flush
	 * deadline between calls. On -errno the generic layer
	 * disconnects and sends them again after reconnecting. -EPERM means
	 * the peer refused them for good: they are dropped as "rejected".
	 */
	long (*send_op)(struct sw_sink *s, struct sw_rec *r, size_t n,
			char *errbuf);
	/*
	 * Optional: serve asynchronous reports (set r->done) and check the
	 * connection is alive. 0, or -errno with errbuf set when it is not.
	 */
	int (*poll_op)(struct sw_sink *s, char *errbuf);
	void (*disconnect_op)(struct sw_sink *s);
	/* Optional: SIGHUP, reopen the file. */
	void (*reopen_op)(struct sw_sink *s);
	void (*cleanup_op)(struct sw_sink *s);
};

enum sw_sink_confirm {
	SW_CONFIRM_SENT, /* a successful send is a delivery (file, HTTP) */
	SW_CONFIRM_HOLD, /* delivered once held hold_ns on a live link */
	SW_CONFIRM_ASYNC, /* the backend sets r->done (Kafka) */
};

/* Settings a backend may adjust in open_op. */
struct sw_sink_tune {
	enum sw_sink_confirm confirm;
	uint64_t hold_ns;
	size_t batch_max; /* records per send_op */
	size_t batch_bytes; /* bytes per send_op */
	size_t inflight_max_bytes; /* sent but not confirmed */
	uint64_t retry_after_ns; /* set by send_op: peer asked to wait */
	int fatal; /* set by send_op: never retry (stdout closed) */
	int stalled; /* set by send_op: the peer takes no bytes (HOLD waits) */
	int block; /* a full queue makes the producer wait (stdout) */
};

struct sw_sink {
	const struct sw_sink_ops *ops;
	void *priv;
	char *name; /* the URI with secrets masked */
	struct sw_sink_tune tune;
	struct sw_sink_state *st; /* generic layer's private state */
};

extern const struct sw_sink_ops sw_sink_stdout_ops;
extern const struct sw_sink_ops sw_sink_file_ops;
extern const struct sw_sink_ops sw_sink_syslog_udp_ops;
extern const struct sw_sink_ops sw_sink_syslog_tcp_ops;
extern const struct sw_sink_ops sw_sink_syslog_tls_ops;
extern const struct sw_sink_ops sw_sink_http_ops;
extern const struct sw_sink_ops sw_sink_kafka_ops;

/* Why a record was not delivered. Stable names, reported in stats. */
enum sw_sink_drop {
	SW_DROP_QUEUE_FULL, /* queue full and no spool */
	SW_DROP_SPOOL_FULL, /* oldest spooled records, spool at its cap */
	SW_DROP_SPOOL_ERROR, /* the spool could not be written */
	SW_DROP_OVERSIZE, /* larger than the transport carries (UDP) */
	SW_DROP_REJECTED, /* the peer refused it for good */
	SW_DROP_CLOSED, /* the sink failed for good (stdout closed) */
	SW_DROP_SHUTDOWN, /* still held when the flush timeout ran out */
	SW_DROP_MAX,
};

/* Count a record the backend drops itself; marks r->dropped. */
void sw_sink_drop(struct sw_sink *s, struct sw_rec *r, enum sw_sink_drop why);

/* Helpers for backends. */
uint64_t sw_now_ns(void); /* CLOCK_MONOTONIC */
/*
 * Once close has asked the sink to finish: the --flush-timeout deadline
 * (sw_now_ns() time) by which a connect, a handshake or a request under
 * way must give up; UINT64_MAX before. It may be set while a backend
 * waits, so a backend waits in short slices and asks again. Any thread.
 */
uint64_t sw_sink_deadline_ns(const struct sw_sink *s);
/* Sizes and counts in options: base/units.h. */

#endif /* SW_SINK_BACKEND_H */
