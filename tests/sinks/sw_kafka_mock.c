// SPDX-License-Identifier: BSD-2-Clause
/*
 * A Kafka peer for the sink tests: librdkafka's built-in mock cluster
 * (real Kafka protocol on loopback sockets), driven by commands on stdin.
 * Prints the bootstrap servers on its first line, then answers:
 *   down ID | up ID        take a broker down or bring it back
 *   consume N SECONDS      read every partition from the start until N
 *                          messages or the timeout; one line per message:
 *                          PARTITION<TAB>OFFSET<TAB>KEY<TAB>VALUE, then
 *                          "END count"
 *   quit
 * usage: sw_kafka_mock TOPIC PARTITIONS BROKERS
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void consume(const char *bootstraps, const char *topic, int parts,
		    long want, int seconds)
{
	char err[256];
	rd_kafka_conf_t *c = rd_kafka_conf_new();
	rd_kafka_topic_partition_list_t *tp;
	rd_kafka_t *rk;
	time_t end = time(NULL) + seconds;
	long got = 0;
	int p;

	rd_kafka_conf_set(c, "bootstrap.servers", bootstraps, err, sizeof(err));
	rd_kafka_conf_set(c, "group.id", "sw-test", err, sizeof(err));
	rd_kafka_conf_set(c, "enable.auto.commit", "false", err, sizeof(err));
	rk = rd_kafka_new(RD_KAFKA_CONSUMER, c, err, sizeof(err));
	if (!rk) {
		printf("END 0 %s\n", err);
		return;
	}
	rd_kafka_poll_set_consumer(rk);
	tp = rd_kafka_topic_partition_list_new(parts);
	for (p = 0; p < parts; p++)
		rd_kafka_topic_partition_list_add(tp, topic, p)->offset =
			RD_KAFKA_OFFSET_BEGINNING;
	rd_kafka_assign(rk, tp);
	rd_kafka_topic_partition_list_destroy(tp);
	while (got < want && time(NULL) < end) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 200);

		if (!m)
			continue;
		if (!m->err) {
			printf("%d\t%lld\t%.*s\t%.*s\n", m->partition,
			       (long long)m->offset, (int)m->key_len,
			       m->key ? (const char *)m->key : "", (int)m->len,
			       (const char *)m->payload);
			got++;
		}
		rd_kafka_message_destroy(m);
	}
	printf("END %ld\n", got);
	fflush(stdout);
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
}

int main(int argc, char **argv)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_mock_cluster_t *mc;
	char err[256], line[256], bootstraps[1024];
	rd_kafka_t *rk;
	int parts, brokers;

	if (argc != 4) {
		fprintf(stderr,
			"usage: sw_kafka_mock TOPIC PARTITIONS BROKERS\n");
		return 2;
	}
	parts = atoi(argv[2]);
	brokers = atoi(argv[3]);
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
	if (!rk) {
		fprintf(stderr, "sw_kafka_mock: %s\n", err);
		return 1;
	}
	mc = rd_kafka_mock_cluster_new(rk, brokers);
	if (!mc) {
		fprintf(stderr, "sw_kafka_mock: no mock cluster\n");
		return 1;
	}
	if (rd_kafka_mock_topic_create(mc, argv[1], parts, brokers)) {
		fprintf(stderr, "sw_kafka_mock: topic create failed\n");
		return 1;
	}
	snprintf(bootstraps, sizeof(bootstraps), "%s",
		 rd_kafka_mock_cluster_bootstraps(mc));
	printf("%s\n", bootstraps);
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		int id, secs;
		long n;

		if (sscanf(line, "down %d", &id) == 1) {
			rd_kafka_mock_broker_set_down(mc, id);
			printf("OK down %d\n", id);
		} else if (sscanf(line, "up %d", &id) == 1) {
			rd_kafka_mock_broker_set_up(mc, id);
			printf("OK up %d\n", id);
		} else if (sscanf(line, "consume %ld %d", &n, &secs) == 2) {
			consume(bootstraps, argv[1], parts, n, secs);
		} else if (strncmp(line, "quit", 4) == 0) {
			break;
		}
		fflush(stdout);
	}
	rd_kafka_mock_cluster_destroy(mc);
	rd_kafka_destroy(rk);
	return 0;
}
