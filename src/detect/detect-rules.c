// SPDX-License-Identifier: BSD-2-Clause
/*
 * Features and rules. Each rule has a stable ID, a threshold in its own
 * unit and the points it adds when it fires; the score is the capped sum.
 * docs/detection.md gives the rationale of every rule and threshold. The
 * windows are packet-time bins (5 s) and epochs (5 min) kept per client in
 * detect.c; this file only reads them.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "decode/http.h"
#include "detect-derived.h"
#include "detect-int.h"

/* Points of an intensity rule at its threshold; they grow by half of that
 * per doubling of the ratio, up to twice as much (intensity_points). */
#define INTENSITY_POINTS 30

const char *const sw_peak_names[SW_PEAKS] = {
	[SW_PEAK_INTENSITY_15] = "intensity_15",
	[SW_PEAK_INTENSITY_60] = "intensity_60",
	[SW_PEAK_INTENSITY_180] = "intensity_180",
	[SW_PEAK_INTENSITY_600] = "intensity_600",
	[SW_PEAK_TURNS_60] = "turns_60",
	[SW_PEAK_BUSY_60] = "busy_60",
	[SW_PEAK_BUSY_180] = "busy_180",
	[SW_PEAK_CONNS_60] = "conns_60",
};

static const struct sw_rule_info rule_info[R_COUNT] = {
	[R_RATE] = { "SW-R001", "sustained request rate", 60, 30, 60,
		     "request turns per minute" },
	[R_RATE_HIGH] = { "SW-R002", "very high request rate", 300, 20, 60,
			  "request turns per minute" },
	[R_CONN_CHURN] = { "SW-R003", "connection churn", 30, 20, 60,
			   "new connections per minute" },
	[R_NO_PAUSE] = { "SW-R004", "no think time", 0.9, 30, 180,
			 "share of 5 s bins with requests" },
	[R_BREADTH] = { "SW-R005", "crawl breadth", 40, 30, BREADTH_WINDOW_S,
			"distinct non-asset request targets" },
	[R_NO_ASSETS] = { "SW-R006", "browser without page assets", 0.05, 30,
			  BREADTH_WINDOW_S, "assets per document" },
	[R_SCRIPT_UA] = { "SW-R007", "script client User-Agent", 1, 30, 0,
			  "script User-Agents seen" },
	[R_LIB_TLS] = { "SW-R008", "library TLS stack", 1, 10, 0,
			"ClientHellos without GREASE or h2" },
	[R_MISMATCH] = { "SW-R009", "fingerprint mismatch", 1, 30, 0,
			 "contradictions between User-Agent and TLS/TCP" },
	[R_REGULAR] = { "SW-R010", "machine-regular timing", 0.5, 15,
			BREADTH_WINDOW_S,
			"coefficient of variation of request intervals" },
	[R_PARALLEL_BULK] = { "SW-R011", "parallel bulk transfer", 4, 20, 60,
			      "connections that each delivered a response "
			      ">= 1 MiB" },
	[R_PROGRAM_NO_PAUSE] = { "SW-R012", "program fetching without pause",
				 0.9, 35, 60,
				 "share of 5 s bins with requests, program "
				 "client" },
	/* Intensity at four time scales. The defaults come from
	 * scripts/eval/derive.py over the corpus fixtures (detect-derived.h);
	 * the points grow with the ratio to the threshold (intensity_points). */
	[R_INTENSITY_15] = { "SW-R013", "request intensity, 15 s",
			     DERIVED_INTENSITY_15, INTENSITY_POINTS, 15,
			     "requests in 15 s beyond its two busiest 5 s "
			     "bins" },
	[R_INTENSITY_60] = { "SW-R014", "request intensity, 1 min",
			     DERIVED_INTENSITY_60, INTENSITY_POINTS, 60,
			     "requests in 60 s beyond its busiest four 5 s "
			     "bins" },
	[R_INTENSITY_180] = { "SW-R015", "request intensity, 3 min",
			      DERIVED_INTENSITY_180, INTENSITY_POINTS, 180,
			      "requests in 180 s beyond its busiest third of "
			      "5 s bins" },
	[R_INTENSITY_600] = { "SW-R016", "request intensity, 10 min",
			      DERIVED_INTENSITY_600, INTENSITY_POINTS, 600,
			      "requests in 600 s beyond its busiest third of "
			      "5 s bins" },
	[C_RATE] = { "SW-C001", "coordinated request rate", 60, 25, 60,
		     "request turns per minute, all members" },
	[C_BREADTH] = { "SW-C002", "coordinated breadth", 40, 30,
			BREADTH_WINDOW_S,
			"distinct non-asset request targets, all members" },
	[C_AUTOMATION] = { "SW-C003", "members show automation", 3, 30, 0,
			   "members with automation signals" },
	[C_SHARED_FP] = { "SW-C004", "shared fingerprint", 3, 10, 0,
			  "members sharing one fingerprint tuple" },
	[C_NO_PAUSE] = { "SW-C005", "coordinated fetching without pause", 0.9,
			 25, 60,
			 "share of 5 s bins with requests, all participants" },
};

size_t sw_detect_rules(const struct sw_rule_info **rules)
{
	*rules = rule_info;
	return R_COUNT;
}

const char *det_rule_id(int r)
{
	return rule_info[r].id;
}

const char *det_rule_name(int r)
{
	return rule_info[r].name;
}

uint32_t det_rule_window(int r)
{
	return rule_info[r].window_s;
}

int sw_detect_check_cfg(const struct sw_detect_cfg *cfg, char *err,
			size_t errlen)
{
	size_t i;
	int r;

	for (i = 0; i < cfg->n_rules; i++) {
		const struct sw_rule_cfg *rc = &cfg->rules[i];

		for (r = 0; r < R_COUNT; r++)
			if (strncmp(rc->id, rule_info[r].id, sizeof(rc->id)) ==
			    0)
				break;
		if (r == R_COUNT) {
			snprintf(err, errlen,
				 "rules: unknown rule ID '%.*s' (known: "
				 "SW-R001 to SW-R016, SW-C001 to SW-C005)",
				 (int)strnlen(rc->id, sizeof(rc->id)), rc->id);
			return -EINVAL;
		}
		if (!(rc->points >= 0 && rc->points <= 100)) {
			snprintf(err, errlen,
				 "rules: %s: points %g not in 0..100",
				 rule_info[r].id, rc->points);
			return -EINVAL;
		}
		if (!(rc->threshold >= 0) || isinf(rc->threshold)) {
			snprintf(err, errlen,
				 "rules: %s: threshold %g must be a finite "
				 "number >= 0",
				 rule_info[r].id, rc->threshold);
			return -EINVAL;
		}
	}
	return 0;
}

int det_rules_init(struct sw_detect *d, const struct sw_detect_cfg *cfg,
		   char *err, size_t errlen)
{
	size_t i;
	int r, rc;

	rc = sw_detect_check_cfg(cfg, err, errlen);
	if (rc)
		return rc;
	for (r = 0; r < R_COUNT; r++) {
		d->rules[r].enabled = 1;
		d->rules[r].threshold = rule_info[r].threshold;
		d->rules[r].points = rule_info[r].points;
	}
	for (i = 0; i < cfg->n_rules; i++) {
		const struct sw_rule_cfg *c = &cfg->rules[i];

		for (r = 0; r < R_COUNT; r++)
			if (strncmp(c->id, rule_info[r].id, sizeof(c->id)) == 0)
				break;
		if (r == R_COUNT)
			continue; /* the config refuses unknown IDs already */
		d->rules[r].enabled = c->enabled;
		d->rules[r].threshold = c->threshold;
		d->rules[r].points = c->points;
	}
	return 0;
}

/* ---- windows ---------------------------------------------------------- */

void det_bins_advance(struct det_bin *bins, uint64_t *bin_last, uint64_t now)
{
	uint64_t b = now / BIN_NS, i;

	if (b <= *bin_last)
		return;
	if (b - *bin_last >= NBINS) {
		memset(bins, 0, NBINS * sizeof(*bins));
	} else {
		for (i = *bin_last + 1; i <= b; i++)
			memset(&bins[i % NBINS], 0, sizeof(*bins));
	}
	*bin_last = b;
}

uint32_t det_bins_sum(const struct det_bin *bins, uint64_t bin_last,
		      uint64_t now, uint32_t nbins, int field, uint32_t *busy)
{
	uint64_t nb = now / BIN_NS;
	uint32_t i, sum = 0, nbusy = 0;

	for (i = 0; i < nbins && i <= nb; i++) {
		uint64_t b = nb - i;
		const struct det_bin *x;
		uint32_t v;

		if (b > bin_last || b + NBINS <= bin_last)
			continue;
		x = &bins[b % NBINS];
		v = field == 0 ? x->turns : field == 1 ? x->conns : x->bulk;
		sum += v;
		if (v)
			nbusy++;
	}
	if (busy)
		*busy = nbusy;
	return sum;
}

/* The intensity scales: 5 s bins per window, 15 s to 10 min, shortest
 * first. */
static const uint32_t intensity_bins[4] = { 3, 12, 36, 120 };

/*
 * Intensity at every scale: the requests of the window less its busiest
 * third of bins, and at least its two busiest. What is left is what the
 * client kept up in its quieter bins: a page load (up to 5 s, wherever it
 * falls across bins), and a person's page loads every few bins with
 * reading between them, leave nothing; a program that keeps fetching
 * leaves about two thirds of its requests. The windows are nested (newest
 * bins first), so one insertion-sorted list of the busy bins' counts
 * grows from the shortest to the longest.
 */
static void bins_intensity(const struct det_bin *bins, uint64_t bin_last,
			   uint64_t now, uint32_t out[4])
{
	uint64_t nb = now / BIN_NS;
	uint16_t top[NBINS]; /* busy bins' counts, largest first */
	uint32_t i = 0, j, k, n_top = 0, sum = 0;

	for (k = 0; k < 4; k++) {
		uint32_t n = intensity_bins[k], drop = n / 3 > 2 ? n / 3 : 2,
			 dropped = 0;

		for (; i < n; i++) {
			uint64_t b = nb - i;
			uint16_t v;

			if (i > nb || b > bin_last || b + NBINS <= bin_last)
				continue;
			v = bins[b % NBINS].turns;
			if (!v)
				continue;
			sum += v;
			for (j = n_top; j > 0 && top[j - 1] < v; j--)
				top[j] = top[j - 1];
			top[j] = v;
			n_top++;
		}
		for (j = 0; j < drop && j < n_top; j++)
			dropped += top[j];
		out[k] = sum - dropped;
	}
}

double det_bitmap_estimate(const uint32_t *a, const uint32_t *b)
{
	const double m = BITMAP_WORDS * 32;
	uint32_t i, zeros = 0;

	for (i = 0; i < BITMAP_WORDS; i++)
		zeros += (uint32_t)__builtin_popcount(~(a[i] | (b ? b[i] : 0)));
	if (zeros == 0)
		return m * log(m);
	/* Linear counting (Whang et al. 1990): n = -m ln(V / m). */
	return -m * log((double)zeros / m);
}

static int epoch_live(const struct det_epoch *e, uint64_t now)
{
	uint64_t idx = now / EPOCH_NS;

	return e->idx == idx || e->idx + 1 == idx;
}

uint32_t det_client_distinct(const struct det_client *c, uint64_t now)
{
	const uint32_t *a = epoch_live(&c->ep[0], now) ? c->ep[0].paths : NULL;
	const uint32_t *b = epoch_live(&c->ep[1], now) ? c->ep[1].paths : NULL;

	if (!a && !b)
		return 0;
	if (!a) {
		a = b;
		b = NULL;
	}
	return (uint32_t)(det_bitmap_estimate(a, b) + 0.5);
}

struct feat {
	uint32_t intensity[4]; /* bins_intensity(): set by det_client_score */
	uint32_t turns60, busy60, conns60, bulk60;
	uint32_t turns180, busy180;
	uint32_t distinct;
	uint32_t documents, assets, requests;
	uint32_t n_int;
	double int_mean, int_cv;
	uint64_t size_median, size_p90;
	uint32_t n_sizes;
};

static uint64_t bucket_size(int i)
{
	/* Geometric middle of [2^i, 2^(i+1)). */
	return (uint64_t)((double)(1ull << i) * 1.41421356);
}

static void features(const struct det_client *c, uint64_t now, struct feat *f)
{
	uint32_t hist[SIZE_BUCKETS] = { 0 }, n = 0, acc;
	double mean = 0, m2 = 0;
	int e, i;

	memset(f, 0, sizeof(*f));
	f->turns60 = det_bins_sum(c->bins, c->bin_last, now, 12, 0, &f->busy60);
	f->conns60 = det_bins_sum(c->bins, c->bin_last, now, 12, 1, NULL);
	for (i = 0; i < 8; i++)
		if (c->bulk[i].flow && c->bulk[i].ts + 60 * NS_PER_S >= now)
			f->bulk60++;
	f->turns180 =
		det_bins_sum(c->bins, c->bin_last, now, 36, 0, &f->busy180);
	f->distinct = det_client_distinct(c, now);
	for (e = 0; e < 2; e++) {
		const struct det_epoch *x = &c->ep[e];
		double delta;
		uint32_t nn;

		if (!epoch_live(x, now))
			continue;
		f->documents += x->documents;
		f->assets += x->assets;
		f->requests += x->requests;
		for (i = 0; i < SIZE_BUCKETS; i++)
			hist[i] += x->sizes[i];
		if (!x->n_int)
			continue;
		/* Chan et al.'s merge of two Welford summaries. */
		nn = n + x->n_int;
		delta = x->int_mean - mean;
		mean += delta * x->n_int / nn;
		m2 += x->int_m2 + delta * delta * (double)n * x->n_int / nn;
		n = nn;
	}
	f->n_int = n;
	f->int_mean = mean;
	f->int_cv = n > 1 && mean > 0 ? sqrt(m2 / (n - 1)) / mean : 0;
	for (i = 0; i < SIZE_BUCKETS; i++)
		f->n_sizes += hist[i];
	acc = 0;
	for (i = 0; i < SIZE_BUCKETS && f->n_sizes; i++) {
		acc += hist[i];
		if (!f->size_median && acc * 2 >= f->n_sizes)
			f->size_median = bucket_size(i);
		if (acc * 10 >= f->n_sizes * 9) {
			f->size_p90 = bucket_size(i);
			break;
		}
	}
}

void det_client_shape(const struct det_client *c, uint64_t now,
		      uint64_t *size_median, uint32_t *requests)
{
	struct feat f;

	features(c, now, &f);
	*size_median = f.size_median;
	*requests = f.requests;
}

void det_client_counters(const struct det_client *c, uint64_t now,
			 struct sw_alert_counters *o)
{
	struct feat f;

	features(c, now, &f);
	memset(o, 0, sizeof(*o));
	o->turns = c->turns;
	o->connections = c->conns;
	o->down_bytes = c->down;
	o->up_bytes = c->up;
	o->http_requests = c->requests;
	o->documents = c->documents;
	o->assets = c->assets;
	o->distinct_paths = f.distinct;
	o->session_s = (double)(c->last_ns - c->session_ns) / 1e9;
	o->turns_per_min = f.turns60;
	o->interval_mean_s = f.int_mean;
	o->interval_cv = f.int_cv;
	o->response_median_bytes = f.size_median;
	o->response_p90_bytes = f.size_p90;
}

/* ---- fingerprint facts -------------------------------------------------- */

/* A User-Agent lowered (ASCII letters only, as tolower() in the C locale
 * the process runs in), so that each token is one memmem(). */
struct ua_lower {
	char s[SW_HTTP_UA_MAX];
	size_t n;
};

static void ua_lower(struct ua_lower *l, const uint8_t *ua, uint32_t len)
{
	size_t i;

	l->n = len < sizeof(l->s) ? len : sizeof(l->s);
	for (i = 0; i < l->n; i++) {
		uint8_t c = ua[i];

		l->s[i] = (char)(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
	}
}

static int icontains(const struct ua_lower *l, const char *lit)
{
	return memmem(l->s, l->n, lit, strlen(lit)) != NULL;
}

/*
 * Tools and libraries that say who they are. Automation frameworks that
 * drive real browsers mark themselves too (HeadlessChrome, PhantomJS).
 * Self-declared crawlers are listed: verified ones go in the CIDR
 * allowlist.
 */
static const char *const script_tokens[] = {
	"curl/",	  "wget/",	  "python-requests",
	"python-urllib",  "python-httpx", "aiohttp",
	"scrapy",	  "httrack",	  "aria2",
	"go-http-client", "java/",	  "okhttp",
	"libwww-perl",	  "lwp::",	  "apache-httpclient",
	"node-fetch",	  "axios/",	  "headlesschrome",
	"phantomjs",	  "selenium",	  "puppeteer",
	"playwright",	  "httpie",	  "guzzlehttp",
	"powershell",	  "winhttp",	  "bot/",
	"crawler",	  "spider",	  "wget",
	"libcurl",	  "urllib",
};

void det_classify_ua(struct det_client *c, const uint8_t *ua, uint32_t len)
{
	struct ua_lower l;
	size_t i;
	int cls = UA_NONE;

	if (!ua || !len)
		return;
	/* The decoder keeps at most SW_HTTP_UA_MAX bytes: that much is
	 * read. */
	ua_lower(&l, ua, len);
	for (i = 0; i < sizeof(script_tokens) / sizeof(script_tokens[0]); i++)
		if (icontains(&l, script_tokens[i])) {
			cls = UA_SCRIPT;
			break;
		}
	if (cls == UA_NONE && len > 11 && memcmp(ua, "Mozilla/5.0", 11) == 0 &&
	    (icontains(&l, "chrome/") || icontains(&l, "firefox/") ||
	     icontains(&l, "safari/") || icontains(&l, "edg/")))
		cls = UA_BROWSER;
	if (cls == UA_BROWSER) {
		if (icontains(&l, "windows nt"))
			c->ua_os = OS_WINDOWS;
		else if (icontains(&l, "iphone") || icontains(&l, "ipad") ||
			 icontains(&l, "macintosh"))
			c->ua_os = OS_APPLE;
		else if (icontains(&l, "android"))
			c->ua_os = OS_ANDROID;
		else if (icontains(&l, "linux"))
			c->ua_os = OS_LINUX;
	}
	/* Keep the most telling: a script UA once seen stays. */
	if (cls > c->ua_class || !c->ua_len) {
		if (cls >= c->ua_class)
			c->ua_class = (uint8_t)cls;
		c->ua_len = (uint16_t)(len < SW_UA_KEEP ? len : SW_UA_KEEP);
		memcpy(c->ua, ua, c->ua_len);
	}
}

int det_is_library_tls(const struct sw_detect_fp *fp)
{
	/* Chromium-based browsers send GREASE (RFC 8701); Firefox and
	 * Safari offer h2 first. Libraries mostly do neither. */
	return fp->has_tls && !fp->tls_grease && !fp->tls_alpn_h2;
}

/* Does the browser User-Agent's OS contradict the SYN's OS class? */
static int os_mismatch(const struct det_client *c)
{
	const char *k = c->os_class;

	if (c->ua_class != UA_BROWSER || !k[0] || !strcmp(k, "other"))
		return 0;
	switch (c->ua_os) {
	case OS_WINDOWS:
		return strcmp(k, "windows") != 0;
	case OS_APPLE:
		return strcmp(k, "macos/ios") != 0 && strcmp(k, "bsd") != 0;
	case OS_LINUX:
	case OS_ANDROID:
		return strcmp(k, "linux") != 0;
	default:
		return 0;
	}
}

/* ---- scoring ------------------------------------------------------------ */

static void add_reason_points(struct sw_detect *d, int r, double observed,
			      double points, struct sw_reason *out, uint32_t *n,
			      uint32_t *mask, double *score)
{
	struct sw_reason *x;

	*mask |= 1u << r;
	*score += points;
	if (*n >= SW_REASONS_MAX)
		return;
	x = &out[(*n)++];
	memset(x, 0, sizeof(*x));
	x->id = rule_info[r].id;
	x->name = rule_info[r].name;
	x->observed = observed;
	x->threshold = d->rules[r].threshold;
	x->window_s = rule_info[r].window_s;
	x->points = points;
}

static void add_reason(struct sw_detect *d, int r, double observed,
		       struct sw_reason *out, uint32_t *n, uint32_t *mask,
		       double *score)
{
	add_reason_points(d, r, observed, d->rules[r].points, out, n, mask,
			  score);
}

#define ON(r) (d->rules[r].enabled)
#define THR(r) (d->rules[r].threshold)

/*
 * What the busiest of several hosts behind one address did at least: the
 * rest once every other host is granted the threshold (each of them below
 * it, the office case, leaves nothing above it), and never less than the
 * average host (docs/detection.md, "Shared addresses").
 */
static double busiest(double x, uint32_t hosts, double thr)
{
	double rest = x - (double)(hosts - 1) * thr;
	double avg = x / hosts;

	return rest > avg ? rest : avg;
}

/*
 * Points of an intensity rule: its base points at the threshold, growing
 * by half the base per doubling of observed / threshold, up to twice the
 * base (4x the threshold): then it alerts on its own, because the
 * threshold sits above every benign client's peak at that scale.
 */
static double intensity_points(double base, double observed, double thr)
{
	double p;

	if (thr <= 0)
		return 2 * base;
	p = base * (1 + log2(observed / thr) / 2);
	return p > 2 * base ? 2 * base : p;
}

static void note_peaks(struct det_client *c, const struct feat *f)
{
	float v[SW_PEAKS];
	int i;

	for (i = 0; i < 4; i++)
		v[SW_PEAK_INTENSITY_15 + i] = (float)f->intensity[i];
	v[SW_PEAK_TURNS_60] = (float)f->turns60;
	v[SW_PEAK_BUSY_60] = (float)f->busy60 / 12.0f;
	v[SW_PEAK_BUSY_180] = (float)f->busy180 / 36.0f;
	v[SW_PEAK_CONNS_60] = (float)f->conns60;
	for (i = 0; i < SW_PEAKS; i++)
		if (v[i] > c->peak[i])
			c->peak[i] = v[i];
}

uint32_t det_client_score(struct sw_detect *d, struct det_client *c,
			  uint64_t now, struct sw_reason *reasons,
			  uint32_t *n_reasons, uint32_t *mask)
{
	struct feat f;
	double score = 0, share, x, best_pts = 0, best_x = 0;
	uint32_t hosts = d->cfg.per_host_volume && c->hosts > 1 ? c->hosts : 1;
	int i, best = -1;

	*n_reasons = 0;
	*mask = 0;
	features(c, now, &f);
	bins_intensity(c->bins, c->bin_last, now, f.intensity);
	note_peaks(c, &f);

	/* Request rate, sustained: most of the minute's 5 s bins busy, so
	 * one heavy page load does not count. */
	x = busiest(f.turns60, hosts, THR(R_RATE));
	if (ON(R_RATE) && x >= THR(R_RATE) && f.busy60 >= 10)
		add_reason(d, R_RATE, x, reasons, n_reasons, mask, &score);
	x = busiest(f.turns60, hosts, THR(R_RATE_HIGH));
	if (ON(R_RATE_HIGH) && x >= THR(R_RATE_HIGH) && f.busy60 >= 10)
		add_reason(d, R_RATE_HIGH, x, reasons, n_reasons, mask, &score);
	x = busiest(f.conns60, hosts, THR(R_CONN_CHURN));
	if (ON(R_CONN_CHURN) && x >= THR(R_CONN_CHURN))
		add_reason(d, R_CONN_CHURN, x, reasons, n_reasons, mask,
			   &score);
	/* Intensity: the scale with the most points speaks; the others
	 * restate the same requests. */
	for (i = 0; i < 4; i++) {
		int r = R_INTENSITY_15 + i;
		double p;

		x = busiest(f.intensity[i], hosts, THR(r));
		if (!ON(r) || x < THR(r) || x <= 0)
			continue;
		p = intensity_points(d->rules[r].points, x, THR(r));
		if (p > best_pts) {
			best_pts = p;
			best = r;
			best_x = x;
		}
	}
	if (best >= 0)
		add_reason_points(d, best, best_x, best_pts, reasons, n_reasons,
				  mask, &score);
	/* No think time: page-sized fetches in (nearly) every 5 s bin for
	 * three minutes. Media players fetch big segments at the playback
	 * rate, hence the size and count conditions. */
	/* Several hosts together leave no pause that one of them takes. */
	if (ON(R_NO_PAUSE) && hosts == 1 && f.turns180 >= 90 &&
	    (double)f.busy180 / 36.0 >= THR(R_NO_PAUSE) &&
	    (f.n_sizes == 0 || f.size_median < 256 * 1024))
		add_reason(d, R_NO_PAUSE, f.busy180 / 36.0, reasons, n_reasons,
			   mask, &score);
	x = busiest(f.distinct, hosts, THR(R_BREADTH));
	if (ON(R_BREADTH) && x >= THR(R_BREADTH))
		add_reason(d, R_BREADTH, x, reasons, n_reasons, mask, &score);
	share = f.documents ? (double)f.assets / f.documents : 0;
	if (ON(R_NO_ASSETS) && c->ua_class == UA_BROWSER && f.documents >= 20 &&
	    share <= THR(R_NO_ASSETS))
		add_reason(d, R_NO_ASSETS, share, reasons, n_reasons, mask,
			   &score);
	if (ON(R_SCRIPT_UA) && c->ua_class == UA_SCRIPT)
		add_reason(d, R_SCRIPT_UA, 1, reasons, n_reasons, mask, &score);
	/* Beside a browser on an address of several hosts, a library stack
	 * is still a program's. */
	if (ON(R_LIB_TLS) && c->tls_lib && (!c->tls_browser || hosts > 1))
		add_reason(d, R_LIB_TLS, c->tls_lib, reasons, n_reasons, mask,
			   &score);
	if (ON(R_MISMATCH) && c->ua_class == UA_BROWSER &&
	    ((c->tls_lib && !c->tls_browser) || os_mismatch(c)))
		add_reason(d, R_MISMATCH,
			   (c->tls_lib && !c->tls_browser) + os_mismatch(c),
			   reasons, n_reasons, mask, &score);
	if (ON(R_REGULAR) && f.n_int >= 30 && f.int_mean <= 10.0 &&
	    f.int_cv <= THR(R_REGULAR))
		add_reason(d, R_REGULAR, f.int_cv, reasons, n_reasons, mask,
			   &score);
	x = busiest(f.bulk60, hosts, THR(R_PARALLEL_BULK));
	if (ON(R_PARALLEL_BULK) && x >= THR(R_PARALLEL_BULK))
		add_reason(d, R_PARALLEL_BULK, x, reasons, n_reasons, mask,
			   &score);
	/* A program (its fingerprint or one connection per fetch says so)
	 * that has not paused for a minute, one request every two seconds
	 * or more, page-sized responses: R004's evidence over a shorter
	 * window, made strong enough by the program's own fingerprint. A
	 * media player's segment cadence is far slower. */
	if (ON(R_PROGRAM_NO_PAUSE) && (*mask & PROGRAM_MASK) &&
	    busiest(f.turns60, hosts, 30) >= 30 &&
	    (double)f.busy60 / 12.0 >= THR(R_PROGRAM_NO_PAUSE) &&
	    (f.n_sizes == 0 || f.size_median < 256 * 1024))
		add_reason(d, R_PROGRAM_NO_PAUSE, f.busy60 / 12.0, reasons,
			   n_reasons, mask, &score);
	if (score > 100)
		score = 100;
	return (uint32_t)(score + 0.5);
}
