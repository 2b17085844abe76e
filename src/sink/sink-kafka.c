// SPDX-License-Identifier: BSD-2-Clause
/*
 * Kafka sink through librdkafka: kafka://broker1,broker2/topic. An
 * idempotent producer (no duplicates or reordering from its own retries),
 * keyed by client prefix so one client's records stay on one partition,
 * in order. librdkafka retries by itself (message.timeout.ms=0: without
 * end); a record leaves the in-flight list only when its delivery report
 * says it was written. Options named rdkafka.PROPERTY=VALUE go to
 * librdkafka's configuration as they are.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "sink/sink-backend.h"

#ifdef SW_HAVE_KAFKA
#include <librdkafka/rdkafka.h>

struct kafka_sink {
	rd_kafka_conf_t *conf; /* template; each connect uses a copy */
	rd_kafka_t *rk;
	char *topic;
	char *brokers;
	struct sw_sink *sink;
	char last_err[256];
};

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m,
			void *opaque)
{
	struct sw_rec *r = m->_private;
	struct kafka_sink *k = opaque;

	(void)rk;
	if (!r)
		return;
	if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		r->done = 1;
	} else if (m->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
		   m->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
		/* We purged it on disconnect: it goes again. */
	} else {
		r->failed = 1;
		snprintf(k->last_err, sizeof(k->last_err), "%s",
			 rd_kafka_err2str(m->err));
	}
}

static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	(void)rk;
	(void)err;
	(void)reason;
	(void)opaque;
}

static int set_conf(struct sw_sink *s, rd_kafka_conf_t *c, const char *name,
		    const char *value, char *errbuf)
{
	char err[256];

	if (rd_kafka_conf_set(c, name, value, err, sizeof(err)) !=
	    RD_KAFKA_CONF_OK) {
		snprintf(errbuf, SW_SINK_ERRBUF, "--output %s: %s=%s: %s",
			 s->name, name, value, err);
		return -EINVAL;
	}
	return 0;
}

static int kafka_open(struct sw_sink *s, struct sw_uri *u, char *errbuf)
{
	struct kafka_sink *k;
	int i, rc;

	if (!u->host[0] || !u->path[0] || strchr(u->path, '/')) {
		snprintf(
			errbuf, SW_SINK_ERRBUF,
			"--output %s: expected kafka://BROKER[,BROKER...]/TOPIC",
			s->name);
		return -EINVAL;
	}
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	s->priv = k;
	k->sink = s;
	k->topic = strdup(u->path);
	k->brokers =
		malloc(strlen(u->host) + (u->port ? strlen(u->port) : 0) + 2);
	k->conf = rd_kafka_conf_new();
	if (!k->topic || !k->brokers || !k->conf)
		return -ENOMEM;
	strcpy(k->brokers, u->host);
	if (u->port) {
		strcat(k->brokers, ":");
		strcat(k->brokers, u->port);
	}
	rc = set_conf(s, k->conf, "bootstrap.servers", k->brokers, errbuf);
	if (!rc)
		rc = set_conf(s, k->conf, "enable.idempotence", "true", errbuf);
	if (!rc)
		rc = set_conf(s, k->conf, "message.timeout.ms", "0", errbuf);
	if (!rc)
		rc = set_conf(s, k->conf, "linger.ms", "5", errbuf);
	if (!rc)
		rc = set_conf(s, k->conf, "client.id", "scrapewatch", errbuf);
	for (i = 0; !rc && i < u->nopts; i++) {
		if (strncmp(u->opts[i].name, "rdkafka.", 8) != 0)
			continue;
		u->opts[i].used = 1;
		rc = set_conf(s, k->conf, u->opts[i].name + 8, u->opts[i].value,
			      errbuf);
	}
	if (rc)
		return rc;
	rd_kafka_conf_set_dr_msg_cb(k->conf, on_delivery);
	/* librdkafka retries transient errors itself; its log says what
	 * happened once, the error callback would say it twice. */
	rd_kafka_conf_set_error_cb(k->conf, on_error);
	rd_kafka_conf_set_opaque(k->conf, k);
	s->tune.confirm = SW_CONFIRM_ASYNC;
	s->tune.batch_max = 1000;
	return 0;
}

static int kafka_connect(struct sw_sink *s, char *errbuf)
{
	struct kafka_sink *k = s->priv;
	rd_kafka_conf_t *c = rd_kafka_conf_dup(k->conf);
	char err[256];

	if (!c)
		return -ENOMEM;
	k->rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, err, sizeof(err));
	if (!k->rk) {
		rd_kafka_conf_destroy(c);
		snprintf(errbuf, SW_SINK_ERRBUF, "Kafka producer: %s", err);
		return -EINVAL;
	}
	return 0;
}

static void kafka_disconnect(struct sw_sink *s)
{
	struct kafka_sink *k = s->priv;

	if (!k->rk)
		return;
	/* Purged records are reported with a purge error and go again. */
	rd_kafka_purge(k->rk, RD_KAFKA_PURGE_F_QUEUE |
				      RD_KAFKA_PURGE_F_INFLIGHT |
				      RD_KAFKA_PURGE_F_NON_BLOCKING);
	rd_kafka_poll(k->rk, 0);
	rd_kafka_destroy(k->rk);
	k->rk = NULL;
}

static long kafka_send(struct sw_sink *s, struct sw_rec *r, size_t n,
		       char *errbuf)
{
	struct kafka_sink *k = s->priv;
	size_t i;

	for (i = 0; i < n; i++, r = r->next) {
		rd_kafka_resp_err_t e;

		r->done = r->failed = 0;
		e = rd_kafka_producev(
			k->rk, RD_KAFKA_V_TOPIC(k->topic),
			RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
			RD_KAFKA_V_VALUE(r->data, r->len),
			RD_KAFKA_V_KEY(r->keylen ? sw_rec_key(r) : NULL,
				       r->keylen),
			RD_KAFKA_V_OPAQUE(r), RD_KAFKA_V_END);
		if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
			rd_kafka_poll(k->rk, 0);
			return (long)i;
		}
		if (e) {
			snprintf(errbuf, SW_SINK_ERRBUF, "producing to %s: %s",
				 k->topic, rd_kafka_err2str(e));
			return i ? (long)i : -EIO;
		}
	}
	rd_kafka_poll(k->rk, 0);
	return (long)n;
}

static int kafka_poll(struct sw_sink *s, char *errbuf)
{
	struct kafka_sink *k = s->priv;
	char err[256];

	rd_kafka_poll(k->rk, 0);
	if (rd_kafka_fatal_error(k->rk, err, sizeof(err))) {
		snprintf(errbuf, SW_SINK_ERRBUF, "Kafka producer: %s", err);
		return -EIO;
	}
	if (k->last_err[0]) {
		sw_log(SW_LOG_ERROR, "sink %s: delivery failed: %s", s->name,
		       k->last_err);
		k->last_err[0] = '\0';
	}
	return 0;
}

static void kafka_cleanup(struct sw_sink *s)
{
	struct kafka_sink *k = s->priv;

	kafka_disconnect(s);
	if (k->conf)
		rd_kafka_conf_destroy(k->conf);
	free(k->topic);
	free(k->brokers);
	free(k);
	s->priv = NULL;
}

const struct sw_sink_ops sw_sink_kafka_ops = {
	.scheme = "kafka",
	.open_op = kafka_open,
	.connect_op = kafka_connect,
	.send_op = kafka_send,
	.poll_op = kafka_poll,
	.disconnect_op = kafka_disconnect,
	.cleanup_op = kafka_cleanup,
};

#else /* !SW_HAVE_KAFKA */

static int kafka_open(struct sw_sink *s, struct sw_uri *u, char *errbuf)
{
	(void)u;
	snprintf(errbuf, SW_SINK_ERRBUF,
		 "--output %s: the Kafka sink is not in this build (it needs "
		 "librdkafka: install librdkafka-dev and rebuild)",
		 s->name);
	return -ENOTSUP;
}

const struct sw_sink_ops sw_sink_kafka_ops = {
	.scheme = "kafka",
	.open_op = kafka_open,
};

#endif /* SW_HAVE_KAFKA */
