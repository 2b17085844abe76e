// SPDX-License-Identifier: BSD-2-Clause
/*
 * make bench: ClientHellos per second. Takes every ClientHello that sits in
 * one client segment of a capture (default tests/fixtures/tls/tls.pcap:
 * curl, wget, requests, s_client, Chromium), then for about a second each
 * times parsing alone and parsing with JA3 and JA4. Prints figures only.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode/decode.h"
#include "decode/tls.h"

#define MAX_HELLOS 64

struct hello {
	uint8_t *data;
	uint32_t len;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run for about a second; returns ClientHellos per second. */
static double rate(const struct hello *hs, int n, int fingerprint)
{
	static struct sw_tls_hello t;
	char ja3[33], ja4[SW_TLS_JA4_LEN], str[SW_TLS_JA3_STR_MAX];
	double start = now_s(), el;
	long done = 0;
	int i;

	do {
		for (i = 0; i < n; i++) {
			if (sw_tls_parse_records(hs[i].data, hs[i].len, &t) !=
			    SW_TLS_OK)
				abort();
			if (fingerprint) {
				sw_tls_ja3(&t, str, sizeof(str), ja3);
				sw_tls_ja4(&t, 't', ja4, NULL, 0);
			}
		}
		done += n;
		el = now_s() - start;
	} while (el < 1.0);
	return (double)done / el;
}

static double median3(const struct hello *hs, int n, int fp)
{
	double a = rate(hs, n, fp), b = rate(hs, n, fp), c = rate(hs, n, fp);

	if ((a <= b && b <= c) || (c <= b && b <= a))
		return b;
	if ((b <= a && a <= c) || (c <= a && a <= b))
		return a;
	return c;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "tests/fixtures/tls/tls.pcap";
	char err[PCAP_ERRBUF_SIZE];
	struct hello hs[MAX_HELLOS];
	static struct sw_tls_hello t;
	struct pcap_pkthdr *ph;
	const u_char *d;
	struct sw_packet pkt;
	double parse, full;
	int n = 0;
	pcap_t *p = pcap_open_offline(path, err);

	if (!p) {
		fprintf(stderr, "bench_tls: %s\n", err);
		return 2;
	}
	while (n < MAX_HELLOS && pcap_next_ex(p, &ph, &d) == 1) {
		if (sw_decode(pcap_datalink(p), d, ph->caplen, ph->len, &pkt) ||
		    pkt.proto != 6 || pkt.payload_caplen == 0 ||
		    sw_tls_parse_records(pkt.payload, pkt.payload_caplen, &t) !=
			    SW_TLS_OK)
			continue;
		hs[n].data = malloc(pkt.payload_caplen);
		if (!hs[n].data)
			return 2;
		memcpy(hs[n].data, pkt.payload, pkt.payload_caplen);
		hs[n++].len = pkt.payload_caplen;
	}
	pcap_close(p);
	if (!n) {
		fprintf(stderr,
			"bench_tls: %s: no single-segment ClientHello\n", path);
		return 2;
	}
	parse = median3(hs, n, 0);
	full = median3(hs, n, 1);
	printf("  ClientHellos (%d distinct, %s), medians of 3 one-second runs:\n",
	       n, path);
	printf("    parse only:        %8.0f /s  %6.0f ns each\n", parse,
	       1e9 / parse);
	printf("    parse + JA3 + JA4: %8.0f /s  %6.0f ns each (%.2fx parse)\n",
	       full, 1e9 / full, parse / full);
	return 0;
}
