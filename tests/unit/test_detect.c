// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of the detector through its event API: the Space-Saving
 * sketch, rule settings, the alert lifecycle (start, update, end, one
 * alert per client), exemptions, protected services, campaigns, and the
 * intensity rules (a burst alerts, page loads do not).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "decode/http.h"
#include "detect/detect.h"
#include "detect/sketch.h"

#define S 1000000000ULL
#define T0 (1767225600ULL * S)

struct got {
	int start, update, end, campaign_start;
	uint32_t related_max;
	char last_end_reason[32];
	char first_rule[16];
	uint32_t first_score; /* of the first start */
	uint64_t first_turns; /* the client's turns at the first start */
	uint64_t first_ts; /* packet time of the first start */
	char first_reasons[128]; /* rule IDs of the first start's reasons */
	int poller_related; /* alerts listing 198.18.90.7 */
};

static void on_alert(const struct sw_alert *a, void *ctx)
{
	struct got *g = ctx;

	if (a->action == SW_ACTION_START) {
		if (a->kind == SW_ALERT_CLIENT)
			g->start++;
		else
			g->campaign_start++;
		if (!g->first_rule[0]) {
			snprintf(g->first_rule, sizeof(g->first_rule), "%s",
				 a->rule_id);
			g->first_score = a->score;
			g->first_turns = a->counters.turns;
			g->first_ts = a->ts_ns;
			for (uint32_t i = 0; i < a->n_reasons; i++) {
				size_t n = strlen(g->first_reasons);

				snprintf(g->first_reasons + n,
					 sizeof(g->first_reasons) - n, "%s ",
					 a->reasons[i].id);
			}
		}
	} else if (a->action == SW_ACTION_UPDATE) {
		g->update++;
	} else {
		g->end++;
		snprintf(g->last_end_reason, sizeof(g->last_end_reason), "%s",
			 a->end_reason ? a->end_reason : "");
	}
	if (a->n_related > g->related_max)
		g->related_max = a->n_related;
	for (uint32_t i = 0; i < a->n_related; i++)
		if (a->related[i].a[2] == 90 && a->related[i].a[3] == 7)
			g->poller_related++;
	/* related.ip is never empty. */
	assert_true(a->n_related >= 1);
}

static void mkkey(struct sw_flow_key *k, uint8_t net3, uint8_t host,
		  uint16_t cport)
{
	memset(k, 0, sizeof(*k));
	k->family = SW_FAMILY_IPV4;
	k->proto = 6;
	k->addr_a[0] = 198;
	k->addr_a[1] = 18;
	k->addr_a[2] = net3;
	k->addr_a[3] = host;
	k->addr_b[0] = 198;
	k->addr_b[1] = 18;
	k->addr_b[2] = 32;
	k->addr_b[3] = 1;
	k->port_a = cport;
	k->port_b = 80;
}

/* One client fetching n distinct documents with a UA, one a second. */
static void fetch(struct sw_detect *d, uint8_t net3, uint8_t host, uint64_t t,
		  int n, const char *ua, uint32_t path0)
{
	struct sw_flow_key k;
	struct sw_detect_snap s = { 0 };
	int i;

	mkkey(&k, net3, host, (uint16_t)(40000 + (path0 % 1000)));
	sw_detect_flow_start(d, &k, 0, t);
	for (i = 0; i < n; i++) {
		struct sw_detect_http r = { 0 };
		char path[64];
		int len = snprintf(path, sizeof(path), "/item/%u",
				   path0 + (uint32_t)i);

		s.ts_ns = t + (uint64_t)i * S;
		s.turns = (uint32_t)i + 1;
		s.up_bytes += 200;
		s.down_bytes += 20000;
		sw_detect_flow_progress(d, &k, 0, &s);
		r.path_hash =
			sw_detect_path_hash((const uint8_t *)path, (size_t)len);
		r.kind = SW_HTTP_DOCUMENT;
		r.ua = (const uint8_t *)ua;
		r.ua_len = ua ? (uint32_t)strlen(ua) : 0;
		sw_detect_http(d, &k, 0, s.ts_ns, &r);
	}
	sw_detect_flow_end(d, &k, 0, &s);
}

static void test_sketch_heavy_hitter_survives_flood(void **state)
{
	struct sw_sketch *s = sw_sketch_new(64);
	struct sw_det_addr heavy = { 4, { 198, 18, 32, 15 } }, x = { 6, { 0 } };
	uint64_t g = 0, i, max_g_flood = 0;

	(void)state;
	assert_non_null(s);
	for (i = 0; i < 200000; i++) {
		uint64_t gg;

		memcpy(x.a, &i, sizeof(i));
		sw_sketch_add(s, &x, &gg);
		if (gg > max_g_flood)
			max_g_flood = gg;
		/* The heavy hitter: one event per 10 flood events, far above
		 * N / k = 1/64 of the stream. */
		if (i % 10 == 0)
			sw_sketch_add(s, &heavy, &g);
	}
	/* A one-event source is never guaranteed more than one event. */
	assert_int_equal(max_g_flood, 1);
	sw_sketch_count(s, &heavy, &g);
	assert_true(g >= 20000 - 200000 / 64);
	assert_true(sw_sketch_replacements(s) > 190000);
	sw_sketch_free(s);
}

static void test_sketch_exact_when_not_full(void **state)
{
	struct sw_sketch *s = sw_sketch_new(16);
	struct sw_det_addr a = { 4, { 1, 2, 3, 4 } }, b = { 4, { 1, 2, 3, 5 } };
	uint64_t g, i;

	(void)state;
	for (i = 0; i < 5; i++)
		sw_sketch_add(s, &a, &g);
	sw_sketch_add(s, &b, &g);
	assert_int_equal(sw_sketch_count(s, &a, &g), 5);
	assert_int_equal(g, 5);
	assert_int_equal(sw_sketch_count(s, &b, &g), 1);
	sw_sketch_free(s);
}

static void test_unknown_rule_rejected(void **state)
{
	struct sw_detect_cfg cfg;
	struct sw_rule_cfg r = { "SW-R999", 1, 1, 1 };
	char err[256] = "";

	(void)state;
	sw_detect_default_cfg(&cfg);
	cfg.rules = &r;
	cfg.n_rules = 1;
	assert_null(sw_detect_new(&cfg, on_alert, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "unknown rule ID 'SW-R999'"));
	r.points = 250;
	memcpy(r.id, "SW-R001", 8);
	assert_null(sw_detect_new(&cfg, on_alert, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "SW-R001: points 250"));
}

static struct sw_detect *small(struct sw_detect_cfg *cfg, struct got *g)
{
	char err[256];
	struct sw_detect *d;

	cfg->client_capacity = 256;
	cfg->sketch_capacity = 256;
	d = sw_detect_new(cfg, on_alert, g, err, sizeof(err));
	if (!d)
		fail_msg("sw_detect_new: %s", err);
	return d;
}

static void test_lifecycle_start_update_end(void **state)
{
	struct sw_detect_cfg cfg;
	struct got g = { 0 };
	struct sw_detect *d;

	(void)state;
	sw_detect_default_cfg(&cfg);
	d = small(&cfg, &g);
	/* 150 distinct pages in 150 s by a script: breadth + script UA. */
	fetch(d, 32, 15, T0, 150, "python-requests/2.31", 0);
	assert_int_equal(g.start, 1); /* one alert per client, not many */
	assert_string_equal(g.first_rule, "SW-S001");
	/* 150 s of activity, at most one update a minute; the last event
	 * is at 149 s, and the alert ends 300 s of quiet later. */
	assert_in_range(g.update, 1, 2);
	assert_int_equal(g.end, 0);
	sw_detect_advance(d, T0 + 149 * S + 299 * S);
	assert_int_equal(g.end, 0);
	sw_detect_advance(d, T0 + 149 * S + 301 * S);
	assert_int_equal(g.end, 1);
	assert_string_equal(g.last_end_reason, "quiet");
	/* Back again later: a new alert. */
	fetch(d, 32, 15, T0 + 2000 * S, 60, "python-requests/2.31", 1000);
	sw_detect_finish(d);
	assert_int_equal(g.start, 2);
	assert_int_equal(g.end, 2);
	assert_string_equal(g.last_end_reason, "end_of_input");
	sw_detect_free(d);
}

static void test_no_alert_for_one_download_or_person(void **state)
{
	struct sw_detect_cfg cfg;
	struct got g = { 0 };
	struct sw_detect *d;
	struct sw_flow_key k;
	struct sw_detect_snap s = { 0 };

	(void)state;
	sw_detect_default_cfg(&cfg);
	d = small(&cfg, &g);
	/* One 2 GB download by curl: a script, but one turn. */
	mkkey(&k, 32, 23, 40000);
	sw_detect_flow_start(d, &k, 0, T0);
	s.ts_ns = T0;
	s.turns = 1;
	s.up_bytes = 100;
	sw_detect_flow_progress(d, &k, 0, &s);
	s.ts_ns = T0 + 300 * S;
	s.down_bytes = 2000000000ull;
	sw_detect_flow_end(d, &k, 0, &s);
	/* A person reading 12 pages. */
	fetch(d, 32, 22, T0, 12,
	      "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 "
	      "Firefox/128.0",
	      500);
	sw_detect_finish(d);
	assert_int_equal(g.start, 0);
	sw_detect_free(d);
}

static void test_rule_override_and_disable(void **state)
{
	struct sw_detect_cfg cfg;
	struct sw_rule_cfg r[2] = { { "SW-R007", 1, 1, 60 },
				    { "SW-R005", 0, 40, 30 } };
	struct got g = { 0 };
	struct sw_detect *d;

	(void)state;
	sw_detect_default_cfg(&cfg);
	cfg.rules = r;
	cfg.n_rules = 2;
	d = small(&cfg, &g);
	/* Breadth is off; the script UA alone now reaches 60. */
	fetch(d, 32, 30, T0, 5, "curl/8.0", 0);
	assert_int_equal(g.start, 1);
	sw_detect_free(d);
}

/*
 * SIGHUP's detector side: new thresholds and points apply to a client
 * already tracked, whose counters go on; bad settings are refused with
 * nothing changed; sizes keep their values (and say so).
 */
static void test_reconfigure_keeps_state(void **state)
{
	struct sw_detect_cfg cfg, next;
	struct sw_rule_cfg r = { "SW-R007", 1, 1, 60 };
	struct sw_rule_cfg bad = { "SW-R999", 1, 1, 1 };
	struct got g = { 0 };
	struct sw_detect *d;
	char err[512] = "";

	(void)state;
	sw_detect_default_cfg(&cfg);
	cfg.alert_score = 100;
	d = small(&cfg, &g);
	fetch(d, 32, 30, T0, 5, "curl/8.0", 0);
	assert_int_equal(g.start, 0);

	next = cfg;
	next.rules = &bad;
	next.n_rules = 1;
	assert_int_equal(sw_detect_reconfigure(d, &next, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "SW-R999"));

	next.rules = &r;
	next.alert_score = 50;
	assert_int_equal(sw_detect_reconfigure(d, &next, err, sizeof(err)), 0);
	assert_int_equal(sw_detect_stats(d)->clients_active, 1);
	fetch(d, 32, 30, T0 + 10 * S, 5, "curl/8.0", 100);
	assert_int_equal(g.start, 1);
	assert_int_equal(g.first_score, 60);
	/* The five turns before the reconfigure are still counted (a reset
	 * would leave at most the one turn the alert was scored on). */
	if (g.first_turns < 5)
		fail_msg("turns at the alert: got %llu, want >= 5 (made before "
			 "the reconfigure)",
			 (unsigned long long)g.first_turns);

	next.sketch_capacity = 512;
	assert_int_equal(sw_detect_reconfigure(d, &next, err, sizeof(err)), 1);
	assert_non_null(strstr(err, "keep their values until a restart"));
	sw_detect_free(d);
}

static void test_exempt_cidr(void **state)
{
	struct sw_detect_cfg cfg;
	struct sw_cidr net = { 4, 24, { 198, 18, 32, 0 } };
	struct got g = { 0 };
	struct sw_detect *d;

	(void)state;
	sw_detect_default_cfg(&cfg);
	cfg.exempt_nets = &net;
	cfg.n_exempt_nets = 1;
	d = small(&cfg, &g);
	fetch(d, 32, 15, T0, 150, "python-requests/2.31", 0);
	sw_detect_finish(d);
	assert_int_equal(g.start, 0);
	assert_true(sw_detect_stats(d)->clients_exempt >= 1);
	sw_detect_free(d);
}

static void test_exempt_user_agent(void **state)
{
	struct sw_detect_cfg cfg;
	struct sw_fp_pattern fp = { SW_FP_USER_AGENT, "Googlebot" };
	struct got g = { 0 };
	struct sw_detect *d;

	(void)state;
	sw_detect_default_cfg(&cfg);
	cfg.exempt_fps = &fp;
	cfg.n_exempt_fps = 1;
	d = small(&cfg, &g);
	fetch(d, 32, 40, T0, 150, "Mozilla/5.0 (compatible; Googlebot/2.1)", 0);
	sw_detect_finish(d);
	assert_int_equal(g.start, 0);
	sw_detect_free(d);
}

static void test_unwatched_service(void **state)
{
	struct sw_detect_cfg cfg;
	struct sw_service svc = { { 4, 32, { 198, 18, 32, 1 } }, 443 };
	struct got g = { 0 };
	struct sw_detect *d;

	(void)state;
	sw_detect_default_cfg(&cfg);
	cfg.services = &svc;
	cfg.n_services = 1;
	d = small(&cfg, &g);
	/* Port 80 is not protected: nothing counts. */
	fetch(d, 32, 15, T0, 150, "python-requests/2.31", 0);
	sw_detect_finish(d);
	assert_int_equal(g.start, 0);
	assert_true(sw_detect_stats(d)->events_unwatched > 0);
	sw_detect_free(d);
}

static void test_campaign_joins_slow_members(void **state)
{
	struct sw_detect_cfg cfg;
	struct got g = { 0 };
	struct sw_detect *d;
	int m;

	(void)state;
	sw_detect_default_cfg(&cfg);
	d = small(&cfg, &g);
	/* Eight scripts in one /24, 30 distinct pages each over four
	 * minutes, one every 8 s: each below the breadth threshold (40)
	 * alone and pausing too often for SW-R012, 240 together,
	 * disjoint. */
	for (m = 0; m < 8; m++) {
		struct sw_flow_key k;
		struct sw_detect_snap s = { 0 };
		int i;

		mkkey(&k, 33, (uint8_t)(10 + m), 40000);
		sw_detect_flow_start(d, &k, 0, T0);
		(void)i;
		(void)s;
	}
	for (m = 0; m < 30; m++) {
		int c;

		for (c = 0; c < 8; c++) {
			struct sw_flow_key k;
			struct sw_detect_snap s = { 0 };
			struct sw_detect_http r = { 0 };
			char path[64];
			int len =
				snprintf(path, sizeof(path), "/p/%d/%d", c, m);

			mkkey(&k, 33, (uint8_t)(10 + c), 40000);
			s.ts_ns =
				T0 + (uint64_t)m * 8 * S + (uint64_t)c * S / 8;
			s.turns = (uint32_t)m + 1;
			s.down_bytes = (uint64_t)(m + 1) * 30000;
			sw_detect_flow_progress(d, &k, 0, &s);
			r.path_hash = sw_detect_path_hash((const uint8_t *)path,
							  (size_t)len);
			r.kind = SW_HTTP_DOCUMENT;
			r.ua = (const uint8_t *)"Scrapy/2.11";
			r.ua_len = 11;
			sw_detect_http(d, &k, 0, s.ts_ns, &r);
		}
	}
	sw_detect_finish(d);
	assert_int_equal(g.start, 0); /* none alone */
	assert_true(g.campaign_start >= 1);
	assert_int_equal(g.related_max, 8);
	sw_detect_free(d);
}

/*
 * Hosts behind one address, counted from SYN source ports. hosts is how
 * many stacks send SYNs, interleaved, one every `gap` ns; each stack
 * picks ports like Linux: a new random base every 10 s, then steps of 2
 * to 16. Returns the detector's shared_addresses count.
 */
static uint64_t shared_after(int hosts, int random_ports, uint16_t base0)
{
	struct sw_detect_cfg cfg;
	struct got g = { 0 };
	struct sw_detect *d;
	uint32_t rnd = 12345;
	uint16_t port[4];
	uint64_t t, shared;
	int i, h;

	sw_detect_default_cfg(&cfg);
	d = small(&cfg, &g);
	for (h = 0; h < hosts; h++)
		port[h] = (uint16_t)(base0 + h * 7000);
	for (i = 0; i < 240; i++) {
		struct sw_flow_key k;
		struct sw_detect_snap s = { 0 };

		h = i % hosts;
		t = T0 + (uint64_t)i * S / 2;
		rnd = rnd * 1103515245u + 12345u;
		if (random_ports)
			port[h] = (uint16_t)(32768 + (rnd >> 8) % 28000);
		else if (i > 0 &&
			 (t - T0) / (10 * S) != (t - S / 2 - T0) / (10 * S))
			port[h] = (uint16_t)(32768 + (rnd >> 8) % 28000);
		else
			port[h] = (uint16_t)(port[h] + 2 + (rnd >> 12) % 15);
		if (port[h] >= 61000) /* Linux's range wraps */
			port[h] = (uint16_t)(32768 + port[h] - 61000);
		mkkey(&k, 40, 1, port[h]);
		sw_detect_flow_syn(d, &k, 0, t);
		s.ts_ns = t + S / 10;
		sw_detect_flow_end(d, &k, 0, &s);
	}
	shared = sw_detect_stats(d)->shared_addresses;
	sw_detect_free(d);
	return shared;
}

static void test_hosts_behind_one_address(void **state)
{
	(void)state;
	/* One stack, its offset moving every 10 s: one host. */
	assert_int_equal(shared_after(1, 0, 40000), 0);
	/* One stack wrapping around the end of its range. */
	assert_int_equal(shared_after(1, 0, 60900), 0);
	/* Every port at random (macOS, a NAT that randomises): one. */
	assert_int_equal(shared_after(1, 1, 40000), 0);
	assert_int_equal(shared_after(3, 1, 40000), 0);
	/* Two and three stacks interleaved: a shared address. */
	assert_int_equal(shared_after(2, 0, 40000), 1);
	assert_int_equal(shared_after(3, 0, 33000), 1);
}

/*
 * A client with no fingerprint and no visible request heads (TLS) making
 * per_s requests a second for secs seconds from t, spread over nconns
 * keep-alive connections.
 */
static void hidden_requests(struct sw_detect *d, uint8_t host, uint64_t t,
			    int secs, int per_s, int nconns)
{
	struct sw_flow_key k[32];
	struct sw_detect_snap s[32];
	int i, c, n = secs * per_s;

	for (c = 0; c < nconns && c < 32; c++) {
		mkkey(&k[c], 33, host, (uint16_t)(41000 + c));
		memset(&s[c], 0, sizeof(s[c]));
		sw_detect_flow_start(d, &k[c], 0, t);
	}
	for (i = 0; i < n; i++) {
		c = i % nconns;
		s[c].ts_ns = t + (uint64_t)i * S / (uint64_t)per_s;
		s[c].turns++;
		s[c].up_bytes += 300;
		s[c].down_bytes += 3000;
		sw_detect_flow_progress(d, &k[c], 0, &s[c]);
	}
	for (c = 0; c < nconns; c++)
		sw_detect_flow_end(d, &k[c], 0, &s[c]);
}

static void test_burst_alerts_on_intensity(void **state)
{
	struct sw_detect_cfg cfg;
	struct got g = { 0 };
	struct sw_detect *d;

	(void)state;
	sw_detect_default_cfg(&cfg);
	d = small(&cfg, &g);
	/* 2,000 pages in 15 s over 16 connections, nothing else known: no
	 * User-Agent, no TLS tell, no churn. */
	hidden_requests(d, 50, T0 + 2 * S, 15, 133, 16);
	sw_detect_finish(d);
	assert_int_equal(g.start, 1);
	/* Within 15 s of its first request, on intensity alone. */
	assert_true(g.first_ts <= T0 + 2 * S + 15 * S);
	assert_non_null(strstr(g.first_reasons, "SW-R013"));
	assert_true(g.first_score >= 60);
	sw_detect_free(d);
}

static void test_page_loads_do_not_alert(void **state)
{
	struct sw_detect_cfg cfg;
	struct got g = { 0 };
	struct sw_detect *d;
	int p;

	(void)state;
	sw_detect_default_cfg(&cfg);
	d = small(&cfg, &g);
	/* A heavy page: 100 requests in 2 s over six connections, across a
	 * bin boundary; then a page every 30 s, 20 requests each (the rest
	 * is cached). */
	hidden_requests(d, 60, T0 + 4 * S, 2, 50, 6);
	for (p = 1; p <= 8; p++)
		hidden_requests(d, 60, T0 + 4 * S + (uint64_t)p * 30 * S, 1, 20,
				6);
	sw_detect_finish(d);
	assert_int_equal(g.start, 0);
	sw_detect_free(d);
}

/* A TLS library's hello: no GREASE, no h2 (SW-R008). */
static void library_hello(struct sw_detect *d, const struct sw_flow_key *k,
			  uint64_t t)
{
	struct sw_detect_fp fp = { 0 };

	fp.has_tls = 1;
	fp.ja4 = "t13i1811h1_85036bcba153_b26ce05bbdd6";
	fp.ja3 = "0123456789abcdef0123456789abcdef";
	sw_detect_flow_fp(d, k, 0, t, &fp);
}

/* A keep-alive TLS connection of a library client from 198.18.net3.host
 * (port 443): tls_request() makes its n-th request at t. */
struct tls_conn {
	struct sw_flow_key k;
	struct sw_detect_snap s;
};

static void tls_request(struct sw_detect *d, struct tls_conn *c, uint8_t net3,
			uint8_t host, uint64_t t)
{
	if (!c->s.turns) {
		mkkey(&c->k, net3, host, 45000);
		c->k.port_b = 443;
		sw_detect_flow_start(d, &c->k, 0, t);
	}
	c->s.ts_ns = t;
	c->s.turns++;
	c->s.up_bytes += 300;
	c->s.down_bytes += 6000;
	sw_detect_flow_progress(d, &c->k, 0, &c->s);
	if (c->s.turns == 1) /* once the client is admitted */
		library_hello(d, &c->k, t);
}

static void test_rotation_joins_hit_and_run_members(void **state)
{
	struct sw_detect_cfg cfg;
	struct got g = { 0 };
	struct sw_detect *d;
	struct tls_conn poller = { 0 }, rot[30], sparse[20];
	uint64_t t;
	int m;

	(void)state;
	memset(rot, 0, sizeof(rot));
	memset(sparse, 0, sizeof(sparse));
	sw_detect_default_cfg(&cfg);
	d = small(&cfg, &g);
	/* A poller with the same TLS library, a request every 30 s all
	 * along. From 300 s a scraper rotates over 30 addresses in
	 * unrelated /24s, two at a time: five pages 2 s apart from each,
	 * then the next address (brief members); and over 20 more, one
	 * request an address, each address again 40 s later (sparse). */
	for (t = 0; t < 700; t++) {
		if (t % 30 == 0)
			tls_request(d, &poller, 90, 7, T0 + t * S);
		m = t >= 300 ? (int)((t - 300) / 10) * 2 : 0;
		if (t >= 300 && m < 30 && t % 2 == 0) {
			tls_request(d, &rot[m], (uint8_t)(100 + m), 9,
				    T0 + t * S);
			tls_request(d, &rot[m + 1], (uint8_t)(101 + m), 9,
				    T0 + t * S + S / 2);
		}
		if (t >= 300 && t < 540 && t % 2 == 1)
			tls_request(d, &sparse[(t / 2) % 20],
				    (uint8_t)(140 + (t / 2) % 20), 9,
				    T0 + t * S);
	}
	sw_detect_finish(d);
	/* No address alerts alone; the fingerprint campaign does, without
	 * the poller. */
	assert_int_equal(g.start, 0);
	assert_true(g.campaign_start >= 1);
	assert_true(g.related_max >= 20);
	assert_true(g.related_max <= 50);
	assert_int_equal(g.poller_related, 0);
	sw_detect_free(d);
}

/* The counters' table (detect-counters.h): every counter is reported
 * somewhere, keys and series are unique, and series follow the Prometheus
 * conventions the metrics endpoint keeps (counters end in _total). */
static void test_counter_table(void **state)
{
	static const struct {
		const char *field, *key, *metric, *type, *help;
	} t[] = {
#define ROW(field, ctype, key, metric, type, help) \
	{ #field, key, metric, type, help },
		SW_DETECT_COUNTERS(ROW)
#undef ROW
	};
	size_t i, j, n = sizeof(t) / sizeof(t[0]);

	(void)state;
	for (i = 0; i < n; i++) {
		size_t ml = strlen(t[i].metric);

		assert_true(t[i].key[0] || t[i].metric[0]);
		assert_true(t[i].help[0] != '\0');
		if (ml) {
			assert_int_equal(
				strncmp(t[i].metric, "scrapewatch_", 12), 0);
			assert_true(strcmp(t[i].type, "counter") == 0 ||
				    strcmp(t[i].type, "gauge") == 0);
			assert_int_equal(strcmp(t[i].type, "counter") == 0,
					 ml > 6 && strcmp(t[i].metric + ml - 6,
							  "_total") == 0);
		}
		for (j = 0; j < i; j++) {
			assert_true(!t[i].key[0] || strcmp(t[i].key, t[j].key));
			assert_true(!t[i].metric[0] ||
				    strcmp(t[i].metric, t[j].metric));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sketch_heavy_hitter_survives_flood),
		cmocka_unit_test(test_sketch_exact_when_not_full),
		cmocka_unit_test(test_unknown_rule_rejected),
		cmocka_unit_test(test_lifecycle_start_update_end),
		cmocka_unit_test(test_no_alert_for_one_download_or_person),
		cmocka_unit_test(test_rule_override_and_disable),
		cmocka_unit_test(test_exempt_cidr),
		cmocka_unit_test(test_exempt_user_agent),
		cmocka_unit_test(test_reconfigure_keeps_state),
		cmocka_unit_test(test_unwatched_service),
		cmocka_unit_test(test_campaign_joins_slow_members),
		cmocka_unit_test(test_hosts_behind_one_address),
		cmocka_unit_test(test_burst_alerts_on_intensity),
		cmocka_unit_test(test_page_loads_do_not_alert),
		cmocka_unit_test(test_rotation_joins_hit_and_run_members),
		cmocka_unit_test(test_counter_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
