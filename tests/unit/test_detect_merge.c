// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of the merge of shards' detector events (detect-merge.h):
 * a workload of many clients whose flows are spread over three producer
 * threads gives, through the queues' operations table (sw_detq_ops) and
 * the merge thread, the very alerts of one detector fed in time order
 * through its own table (sw_detect_direct_ops); the clock of an idle queue holds the merge
 * back exactly as far as it should; a full queue drops and counts on a
 * wire, and waits (losing nothing) on a file. Built plain, under
 * ASan/UBSan, and under TSan.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode/http.h"
#include "detect/detect-merge.h"
#include "detect/detect-ops.h"
#include "detect/detect.h"

#define S 1000000000ULL
#define MS 1000000ULL
#define T0 (1767225600ULL * S)
#define PRODUCERS 3

enum ev_type { EV_SYN, EV_START, EV_PROGRESS, EV_HTTP, EV_FP, EV_END, EV_ADV };

struct ev {
	uint8_t type;
	uint8_t flow_kind; /* 0 plain HTTP, 1 TLS */
	uint16_t flow; /* flow number, for the producer it goes to */
	uint64_t ts;
	struct sw_flow_key key;
	uint32_t turns;
	uint64_t up, down;
	uint32_t path;
	const char *ua;
};

struct workload {
	struct ev *ev;
	size_t n, cap;
};

static const char *const uas[] = {
	"python-requests/2.31.0",
	"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
	"Gecko) Chrome/120.0 Safari/537.36",
	NULL,
};

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static struct ev *push(struct workload *w)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 4096;
		w->ev = realloc(w->ev, w->cap * sizeof(*w->ev));
		assert_non_null(w->ev);
	}
	memset(&w->ev[w->n], 0, sizeof(w->ev[0]));
	return &w->ev[w->n++];
}

static int by_time(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	/* Stable: a flow's own events keep their order. */
	return x < y ? -1 : x > y;
}

/*
 * 24 clients in three /24s (so prefix campaigns form), each opening
 * several connections to one of four servers, with request turns every
 * few hundred milliseconds; scripts, browsers and clients without a
 * User-Agent; TLS connections with fingerprints. Times are made distinct,
 * so that "time order" is one order.
 */
static void make_workload(struct workload *w)
{
	uint64_t seed = 42, t;
	uint16_t flow = 0;
	unsigned c, f, i;

	for (c = 0; c < 24; c++) {
		uint64_t start = T0 + (uint64_t)c * 7 * S;

		for (f = 0; f < 5; f++, flow++) {
			struct sw_flow_key k;
			struct ev *e;
			uint32_t turns = 0;
			uint64_t up = 0, down = 0;
			int tls = (c + f) % 3 == 0;

			memset(&k, 0, sizeof(k));
			k.family = SW_FAMILY_IPV4;
			k.proto = 6;
			k.addr_a[0] = 198;
			k.addr_a[1] = 18;
			k.addr_a[2] = (uint8_t)(40 + c % 3);
			k.addr_a[3] = (uint8_t)(10 + c);
			k.addr_b[0] = 198;
			k.addr_b[1] = 18;
			k.addr_b[2] = 32;
			k.addr_b[3] = (uint8_t)(1 + (c + f) % 4);
			k.port_a = (uint16_t)(40000 + flow);
			k.port_b = tls ? 443 : 80;
			t = start + (uint64_t)f * 40 * S;
			e = push(w);
			e->type = f % 2 ? EV_START : EV_SYN;
			e->ts = t;
			e->key = k;
			e->flow = flow;
			e->flow_kind = (uint8_t)tls;
			if (tls) {
				e = push(w);
				e->type = EV_FP;
				e->ts = t + 2 * MS;
				e->key = k;
				e->flow = flow;
				e->flow_kind = 1;
			}
			for (i = 0; i < 40; i++) {
				t += 200 * MS + rnd(&seed) % (600 * MS);
				turns++;
				up += 300;
				down += 8000 + rnd(&seed) % 30000;
				e = push(w);
				e->type = EV_PROGRESS;
				e->ts = t;
				e->key = k;
				e->flow = flow;
				e->turns = turns;
				e->up = up;
				e->down = down;
				if (!tls) {
					e = push(w);
					e->type = EV_HTTP;
					e->ts = t + 1;
					e->key = k;
					e->flow = flow;
					e->path = c * 1000 + f * 100 + i;
					e->ua = uas[c % 3];
				}
				e = push(w);
				e->type = EV_ADV;
				e->ts = t + 3 * MS;
				e->flow = flow;
			}
			e = push(w);
			e->type = EV_END;
			e->ts = t + 50 * MS;
			e->key = k;
			e->flow = flow;
			e->turns = turns;
			e->up = up;
			e->down = down;
		}
	}
	qsort(w->ev, w->n, sizeof(w->ev[0]), by_time);
	for (i = 1; i < w->n; i++)
		if (w->ev[i].ts <= w->ev[i - 1].ts)
			w->ev[i].ts = w->ev[i - 1].ts + 1;
}

static void fill_fp(struct sw_detect_fp *fp)
{
	static const uint8_t sni[] = "shop.example";

	memset(fp, 0, sizeof(*fp));
	fp->has_tls = 1;
	fp->ja3 = "e7d705a3286e19ea42f587b344ee6865";
	fp->ja4 = "t13d1516h2_8daaf6152771_e5627efa2ab1";
	fp->sni = sni;
	fp->sni_len = sizeof(sni) - 1;
	fp->syn_sig = "4:64+0:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0";
	fp->os_class = "Linux";
}

static void fill_snap(const struct ev *e, struct sw_detect_snap *s)
{
	memset(s, 0, sizeof(*s));
	s->ts_ns = e->ts;
	s->turns = e->turns;
	s->up_bytes = e->up;
	s->down_bytes = e->down;
}

static void fill_http(const struct ev *e, struct sw_detect_http *r, char *path,
		      size_t len)
{
	int n = snprintf(path, len, "/item/%u", e->path);

	memset(r, 0, sizeof(*r));
	r->path_hash = sw_detect_path_hash((const uint8_t *)path, (size_t)n);
	r->kind = SW_HTTP_DOCUMENT;
	r->ua = (const uint8_t *)e->ua;
	r->ua_len = e->ua ? (uint32_t)strlen(e->ua) : 0;
}

/* One event through an operations table (detect-ops.h): the detector's
 * own (sw_detect_direct_ops) or a queue's (sw_detq_ops). */
static void feed(const struct sw_detect_ops *ops, void *ctx, const struct ev *e)
{
	struct sw_detect_snap s;
	struct sw_detect_http r;
	struct sw_detect_fp fp;
	char path[32];

	if (ops->clock)
		ops->clock(ctx, e->ts);
	switch (e->type) {
	case EV_SYN:
		ops->flow_syn(ctx, &e->key, 0, e->ts);
		break;
	case EV_START:
		ops->flow_start(ctx, &e->key, 0, e->ts);
		break;
	case EV_PROGRESS:
		fill_snap(e, &s);
		ops->flow_progress(ctx, &e->key, 0, &s);
		break;
	case EV_END:
		fill_snap(e, &s);
		ops->flow_end(ctx, &e->key, 0, &s);
		break;
	case EV_HTTP:
		fill_http(e, &r, path, sizeof(path));
		ops->http(ctx, &e->key, 0, e->ts, &r);
		break;
	case EV_FP:
		fill_fp(&fp);
		ops->flow_fp(ctx, &e->key, 0, e->ts, &fp);
		break;
	case EV_ADV:
		ops->advance(ctx, e->ts);
		break;
	}
}

/* What an alert said, enough to tell two runs apart. */
struct seen {
	uint8_t kind, action;
	uint64_t ts;
	uint32_t score, n_related;
	char rule[16];
	uint64_t related_sum, turns;
};

struct log {
	struct seen *a;
	size_t n, cap;
	int campaigns;
};

static void on_alert(const struct sw_alert *a, void *ctx)
{
	struct log *l = ctx;
	struct seen *s;
	uint32_t i;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->a = realloc(l->a, l->cap * sizeof(*l->a));
		assert_non_null(l->a);
	}
	s = &l->a[l->n++];
	memset(s, 0, sizeof(*s));
	s->kind = a->kind;
	s->action = a->action;
	s->ts = a->ts_ns;
	s->score = a->score;
	s->n_related = a->n_related;
	snprintf(s->rule, sizeof(s->rule), "%s", a->rule_id);
	for (i = 0; i < a->n_related; i++)
		s->related_sum += (uint64_t)(i + 1) * a->related[i].a[3];
	s->turns = a->counters.turns;
	if (a->kind != SW_ALERT_CLIENT && a->action == SW_ACTION_START)
		l->campaigns++;
}

static struct sw_detect *new_detector(struct log *l)
{
	struct sw_detect_cfg cfg;
	struct sw_detect *d;
	char err[256];

	sw_detect_default_cfg(&cfg);
	d = sw_detect_new(&cfg, on_alert, l, err, sizeof(err));
	sw_detect_cfg_release(&cfg);
	assert_non_null(d);
	return d;
}

struct producer {
	struct sw_detq *q;
	const struct workload *w;
	unsigned id;
	size_t written;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	size_t i;

	for (i = 0; i < p->w->n; i++) {
		const struct ev *e = &p->w->ev[i];

		/* Flows spread over producers, as RSS over address pairs
		 * spreads a client's connections to several servers. */
		if (e->flow % PRODUCERS != p->id)
			continue;
		feed(&sw_detq_ops, p->q, e);
		/* Now and then, nothing to read: the next frame is later. */
		if (++p->written % 97 == 0)
			sw_detq_idle(p->q, e->ts);
	}
	sw_detq_idle(p->q, SW_DETQ_NEVER);
	sw_detq_close(p->q);
	return NULL;
}

static void test_merged_alerts_equal_one_detector(void **state)
{
	struct workload w = { 0 };
	struct log ref = { 0 }, got = { 0 };
	struct sw_detect *d1, *d2;
	struct sw_detect_merge *m;
	struct sw_detect_merge_stats ms;
	struct producer p[PRODUCERS];
	pthread_t t[PRODUCERS];
	size_t i;

	(void)state;
	make_workload(&w);
	d1 = new_detector(&ref);
	for (i = 0; i < w.n; i++)
		feed(&sw_detect_direct_ops, d1, &w.ev[i]);
	sw_detect_finish(d1);
	/* The workload is worth comparing: clients and campaigns alert. */
	assert_true(ref.n >= 10);
	assert_true(ref.campaigns >= 1);

	d2 = new_detector(&got);
	/* Small queues, so that producers wait for room too. */
	m = sw_detect_merge_new(d2, PRODUCERS, 64 << 10, 1, NULL);
	assert_non_null(m);
	assert_int_equal(sw_detect_merge_start(m), 0);
	for (i = 0; i < PRODUCERS; i++) {
		p[i] = (struct producer){ sw_detect_merge_queue(m, i), &w,
					  (unsigned)i, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, produce, &p[i]),
				 0);
	}
	for (i = 0; i < PRODUCERS; i++)
		pthread_join(t[i], NULL);
	sw_detect_merge_join(m);
	sw_detect_finish(d2);
	sw_detect_merge_stats(m, &ms);
	assert_int_equal(ms.records, w.n);
	for (i = 0; i < PRODUCERS; i++) {
		struct sw_detq_stats qs;

		sw_detq_stats(sw_detect_merge_queue(m, i), &qs);
		assert_int_equal(qs.dropped, 0);
		assert_int_equal(qs.records, p[i].written);
	}

	if (got.n != ref.n)
		fail_msg("alerts: merged %zu, one detector %zu", got.n, ref.n);
	for (i = 0; i < ref.n; i++) {
		const struct seen *a = &ref.a[i], *b = &got.a[i];

		if (memcmp(a, b, sizeof(*a)) != 0)
			fail_msg("alert %zu: merged %s action %u at %llu score "
				 "%u (%u related), one detector %s action %u "
				 "at %llu score %u (%u related)",
				 i, b->rule, b->action,
				 (unsigned long long)b->ts, b->score,
				 b->n_related, a->rule, a->action,
				 (unsigned long long)a->ts, a->score,
				 a->n_related);
	}
	sw_detect_merge_free(m);
	sw_detect_free(d1);
	sw_detect_free(d2);
	free(ref.a);
	free(got.a);
	free(w.ev);
}

/* An idle queue's clock lets the merge go up to it, no further. */
static void test_idle_clock_bounds_the_merge(void **state)
{
	struct log l = { 0 };
	struct sw_detect *d = new_detector(&l);
	struct sw_detect_merge *m = sw_detect_merge_new(d, 2, 0, 1, NULL);
	struct sw_detq *q0, *q1;
	uint64_t i;

	(void)state;
	assert_non_null(m);
	q0 = sw_detect_merge_queue(m, 0);
	q1 = sw_detect_merge_queue(m, 1);
	for (i = 1; i <= 100; i++) {
		sw_detq_clock(q0, T0 + i * MS);
		sw_detq_advance(q0, T0 + i * MS);
	}
	sw_detq_idle(q0, T0 + 100 * MS);
	/* Queue 1 said nothing yet: nothing may pass it. */
	assert_int_equal(sw_detect_merge_poll(m), 0);
	sw_detq_idle(q1, T0 + 50 * MS);
	assert_int_equal(sw_detect_merge_poll(m), 50);
	assert_int_equal(sw_detect_merge_poll(m), 0);
	/* A record of queue 1 at 60 ms: everything up to it, then it. */
	sw_detq_clock(q1, T0 + 60 * MS);
	sw_detq_advance(q1, T0 + 60 * MS);
	sw_detq_idle(q1, T0 + 60 * MS);
	assert_int_equal(sw_detect_merge_poll(m), 11);
	sw_detq_close(q1);
	assert_int_equal(sw_detect_merge_poll(m), 40);
	sw_detq_close(q0);
	sw_detect_merge_join(m);
	sw_detect_merge_free(m);
	sw_detect_free(d);
	free(l.a);
}

/* A wire cannot wait: a full queue drops, and says how much. */
static void test_full_queue_drops_on_a_wire(void **state)
{
	struct log l = { 0 };
	struct sw_detect *d = new_detector(&l);
	struct sw_detect_merge *m = sw_detect_merge_new(d, 1, 0, 0, NULL);
	struct sw_detect_merge_stats ms;
	struct sw_detq_stats qs;
	struct sw_detq *q;
	uint64_t i, n = 100000;

	(void)state;
	assert_non_null(m);
	q = sw_detect_merge_queue(m, 0);
	/* Nobody reads yet: 64 KiB hold 2730 records of 24 bytes. */
	for (i = 1; i <= n; i++) {
		sw_detq_clock(q, T0 + i);
		sw_detq_advance(q, T0 + i);
	}
	sw_detq_close(q);
	sw_detect_merge_join(m);
	sw_detect_merge_stats(m, &ms);
	sw_detq_stats(q, &qs);
	assert_true(qs.dropped > 0);
	assert_int_equal(qs.waits, 0);
	assert_int_equal(ms.records + qs.dropped, n);
	assert_int_equal(ms.records, (64 << 10) / 24);
	sw_detect_merge_free(m);
	sw_detect_free(d);
	free(l.a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merged_alerts_equal_one_detector),
		cmocka_unit_test(test_idle_clock_bounds_the_merge),
		cmocka_unit_test(test_full_queue_drops_on_a_wire),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
