// SPDX-License-Identifier: BSD-2-Clause
/*
 * The eval report (see eval.h). Labels are CSV with a header line naming
 * at least client_ip and label (scraper or benign); a tool column, if
 * present, is echoed, and so is a tool_family column (the unit of
 * leave-one-family-out evaluation). Blank lines and lines starting with '#' are skipped.
 * Any other malformed line is an error naming the line and the reason.
 */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "eval/eval.h"
#include "output/output.h"

#define EVAL_TOOL_MAX 64
#define EVAL_LINE_MAX 4096

struct eval_client {
	struct sw_det_addr addr;
	int scraper;
	char tool[EVAL_TOOL_MAX];
	uint64_t first_ns; /* first packet of a flow it started */
	uint64_t alert_ns; /* first alert covering it */
	char rule[16];
	int has_peaks;
	double peaks[SW_PEAKS];
	char family[EVAL_TOOL_MAX]; /* tool_family column, if any */
};

struct sw_eval {
	struct eval_client *c;
	size_t n;
	uint64_t alerts;
	/* Open addressing on the address: index + 1 into c, 0 empty.
	 * At most half full, so a lookup is a probe or two. */
	uint32_t *slot;
	size_t nslots; /* a power of two */
};

static int split_csv(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;

	while (n < max) {
		f[n++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

static void trim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = '\0';
	if (s[0] == ' ')
		memmove(s, s + strspn(s, " "), strlen(s + strspn(s, " ")) + 1);
}

static int parse_addr(const char *s, struct sw_det_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->family = SW_FAMILY_IPV4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->family = SW_FAMILY_IPV6;
		return 0;
	}
	return -1;
}

/* FNV-1a over the family and the 16 address bytes. */
static size_t addr_hash(const struct sw_det_addr *a)
{
	uint64_t h = 0xcbf29ce484222325ull ^ a->family;
	int i;

	for (i = 0; i < 16; i++)
		h = (h ^ a->a[i]) * 0x100000001b3ull;
	return (size_t)(h ^ (h >> 29));
}

static int same_addr(const struct sw_det_addr *x, const struct sw_det_addr *y)
{
	return x->family == y->family && memcmp(x->a, y->a, 16) == 0;
}

static struct eval_client *find(const struct sw_eval *ev,
				const struct sw_det_addr *a)
{
	size_t i, mask = ev->nslots - 1;

	if (!ev->nslots)
		return NULL;
	for (i = addr_hash(a) & mask; ev->slot[i]; i = (i + 1) & mask)
		if (same_addr(&ev->c[ev->slot[i] - 1].addr, a))
			return &ev->c[ev->slot[i] - 1];
	return NULL;
}

static void slot_put(uint32_t *slot, size_t nslots, const struct sw_eval *ev,
		     size_t idx)
{
	size_t i, mask = nslots - 1;

	for (i = addr_hash(&ev->c[idx].addr) & mask; slot[i];
	     i = (i + 1) & mask)
		;
	slot[i] = (uint32_t)idx + 1;
}

/* Index c[n] (the client just read); the table doubles past half full.
 * 0 or -ENOMEM. */
static int index_add(struct sw_eval *ev)
{
	if ((ev->n + 1) * 2 > ev->nslots) {
		size_t nslots = ev->nslots ? ev->nslots * 2 : 256, i;
		uint32_t *slot = calloc(nslots, sizeof(*slot));

		if (!slot)
			return -ENOMEM;
		for (i = 0; i < ev->n; i++)
			slot_put(slot, nslots, ev, i);
		free(ev->slot);
		ev->slot = slot;
		ev->nslots = nslots;
	}
	slot_put(ev->slot, ev->nslots, ev, ev->n);
	return 0;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (len > n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/*
 * Copy a label field into out (size bytes): valid UTF-8 is kept, every
 * byte that is not part of a valid sequence becomes the four characters
 * \xNN (as the ECS records do for wire strings), and a sequence is never
 * cut at the end, so eval --json writes valid UTF-8 whatever the CSV holds.
 */
static void copy_utf8(char *out, size_t size, const char *in)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t n = strlen(in), i = 0, o = 0, len;

	while (i < n) {
		len = utf8_len(s + i, n - i);
		if (len) {
			if (o + len >= size)
				break;
			memcpy(out + o, s + i, len);
			o += len;
			i += len;
		} else {
			if (o + 4 >= size)
				break;
			snprintf(out + o, 5, "\\x%02x", s[i]);
			o += 4;
			i++;
		}
	}
	out[o] = '\0';
}

/* Where the header put the columns (-1: absent) and how many it named. */
struct eval_cols {
	int ip, label, tool, fam, n;
};

/* The header line. 0, or -1: said. */
static int parse_header(char **f, int nf, struct eval_cols *k, const char *path,
			size_t lineno)
{
	int i;

	for (i = 0; i < nf; i++) {
		if (!strcmp(f[i], "client_ip"))
			k->ip = i;
		else if (!strcmp(f[i], "label"))
			k->label = i;
		else if (!strcmp(f[i], "tool"))
			k->tool = i;
		else if (!strcmp(f[i], "tool_family"))
			k->fam = i;
	}
	k->n = nf;
	if (k->ip < 0 || k->label < 0) {
		sw_log_as(SW_LOG_ERROR, "eval",
			  "%s:%zu: the header must name the columns client_ip "
			  "and label",
			  path, lineno);
		return -1;
	}
	return 0;
}

/* One labeled client into c (not yet counted in ev). 0, or -1: said. */
static int parse_row(const struct sw_eval *ev, struct eval_client *c, char **f,
		     int nf, const struct eval_cols *k, const char *path,
		     size_t lineno)
{
	if (nf <= k->ip || nf <= k->label) {
		sw_log_as(SW_LOG_ERROR, "eval",
			  "%s:%zu: %d fields, the header asks for at least %d",
			  path, lineno, nf,
			  (k->ip > k->label ? k->ip : k->label) + 1);
		return -1;
	}
	memset(c, 0, sizeof(*c));
	if (parse_addr(f[k->ip], &c->addr)) {
		sw_log_as(SW_LOG_ERROR, "eval",
			  "%s:%zu: client_ip '%.64s' is not an IPv4 or IPv6 "
			  "address",
			  path, lineno, f[k->ip]);
		return -1;
	}
	if (!strcmp(f[k->label], "scraper")) {
		c->scraper = 1;
	} else if (strcmp(f[k->label], "benign") != 0) {
		sw_log_as(SW_LOG_ERROR, "eval",
			  "%s:%zu: label '%.64s' is neither scraper nor benign",
			  path, lineno, f[k->label]);
		return -1;
	}
	if (find(ev, &c->addr)) {
		sw_log_as(SW_LOG_ERROR, "eval",
			  "%s:%zu: client_ip %s is labeled twice", path, lineno,
			  f[k->ip]);
		return -1;
	}
	if (k->tool >= 0 && k->tool < nf)
		copy_utf8(c->tool, sizeof(c->tool), f[k->tool]);
	/* The last column is read from the end: a quoted field before it
	 * may hold commas. */
	if (k->fam >= 0 && k->fam == k->n - 1)
		copy_utf8(c->family, sizeof(c->family), f[nf - 1]);
	else if (k->fam >= 0 && k->fam < nf)
		copy_utf8(c->family, sizeof(c->family), f[k->fam]);
	return 0;
}

/* A line as read: no NUL, not too long, no byte-order mark. 0, or -1:
 * said. */
static int check_line(char *line, ssize_t len, const char *path, size_t lineno)
{
	char *nul = memchr(line, '\0', (size_t)len);

	if (nul) {
		sw_log_as(SW_LOG_ERROR, "eval",
			  "%s:%zu: a NUL byte at column %zu; a labels file is "
			  "CSV text",
			  path, lineno, (size_t)(nul - line) + 1);
		return -1;
	}
	if (len > EVAL_LINE_MAX - 1) {
		sw_log_as(SW_LOG_ERROR, "eval",
			  "%s:%zu: line longer than %d bytes", path, lineno,
			  EVAL_LINE_MAX - 1);
		return -1;
	}
	/* A UTF-8 byte-order mark (spreadsheet exports): skipped, as the
	 * YAML loader does. */
	if (lineno == 1 && len >= 3 && !memcmp(line, "\xef\xbb\xbf", 3))
		memmove(line, line + 3, (size_t)len - 2);
	return 0;
}

/* Room for one more client. 0, or -1 with errno set. */
static int grow(struct sw_eval *ev, size_t *cap)
{
	struct eval_client *nc;

	if (ev->n < *cap)
		return 0;
	*cap = *cap ? *cap * 2 : 64;
	nc = realloc(ev->c, *cap * sizeof(*nc));
	if (!nc)
		return -1;
	ev->c = nc;
	return 0;
}

/* Every line of fp into ev. 0, 1 (errno says why), or -1: said. */
static int read_labels(struct sw_eval *ev, FILE *fp, const char *path)
{
	struct eval_cols k = { -1, -1, -1, -1, 0 };
	char *line = NULL, *f[32];
	size_t cap = 0, lineno = 0, linecap = 0;
	ssize_t len;
	int nf, i, rc = 0;

	while (!rc && (len = getline(&line, &linecap, fp)) >= 0) {
		lineno++;
		if (check_line(line, len, path, lineno)) {
			rc = -1;
			break;
		}
		trim(line);
		if (!line[0] || line[0] == '#')
			continue;
		nf = split_csv(line, f, 32);
		for (i = 0; i < nf; i++)
			trim(f[i]);
		if (k.ip < 0)
			rc = parse_header(f, nf, &k, path, lineno);
		else if (grow(ev, &cap) ||
			 (rc = parse_row(ev, &ev->c[ev->n], f, nf, &k, path,
					 lineno)) != 0)
			rc = rc ? rc : 1;
		else if (index_add(ev))
			rc = 1;
		else
			ev->n++;
	}
	free(line);
	if (!rc && ferror(fp))
		rc = 1;
	if (!rc && k.ip < 0) {
		sw_log_as(SW_LOG_ERROR, "eval", "%s: empty, no header line",
			  path);
		rc = -1;
	}
	return rc;
}

struct sw_eval *sw_eval_new(const char *path)
{
	struct sw_eval *ev;
	FILE *fp = fopen(path, "r");
	int rc = 1;

	if (!fp) {
		sw_log_as(SW_LOG_ERROR, "eval", "%s: %s", path,
			  strerror(errno));
		return NULL;
	}
	ev = calloc(1, sizeof(*ev));
	if (ev)
		rc = read_labels(ev, fp, path);
	if (rc > 0)
		sw_log_as(SW_LOG_ERROR, "eval", "%s: %s", path,
			  strerror(errno));
	fclose(fp);
	if (rc) {
		sw_eval_free(ev);
		return NULL;
	}
	return ev;
}

void sw_eval_free(struct sw_eval *ev)
{
	if (!ev)
		return;
	free(ev->c);
	free(ev->slot);
	free(ev);
}

void sw_eval_alert(const struct sw_alert *a, void *ctx)
{
	struct sw_eval *ev = ctx;
	uint32_t i;

	if (a->action == SW_ACTION_START)
		ev->alerts++;
	for (i = 0; i < a->n_related; i++) {
		struct eval_client *c = find(ev, &a->related[i]);

		if (c && !c->alert_ns) {
			c->alert_ns = a->ts_ns;
			snprintf(c->rule, sizeof(c->rule), "%s", a->rule_id);
		}
	}
}

void sw_eval_flow_start(void *ctx, const struct sw_flow *f)
{
	struct sw_eval *ev = ctx;
	struct sw_det_addr a;
	const uint8_t *ip;
	uint16_t port;
	struct eval_client *c;

	sw_flow_client(f, &ip, &port);
	a.family = f->key.family;
	memcpy(a.a, ip, 16);
	c = find(ev, &a);
	if (c && !c->first_ns)
		c->first_ns = f->acct.first_ns;
}

void sw_eval_detect_done(void *ctx, const struct sw_detect *d)
{
	struct sw_eval *ev = ctx;
	size_t i;

	for (i = 0; i < ev->n; i++)
		ev->c[i].has_peaks =
			sw_detect_client_peaks(d, &ev->c[i].addr,
					       ev->c[i].peaks) == 0;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static const char *verdict(const struct eval_client *c)
{
	if (c->scraper)
		return c->alert_ns ? "TP" : "FN";
	return c->alert_ns ? "FP" : "TN";
}

static double ttd(const struct eval_client *c)
{
	if (!c->alert_ns || !c->first_ns)
		return -1;
	return c->alert_ns > c->first_ns ?
		       (double)(c->alert_ns - c->first_ns) / 1e9 :
		       0;
}

/* The confusion matrix, precision, recall and times to detect. */
struct eval_sum {
	uint64_t tp, fp, fn, tn;
	double *t; /* the detected scrapers' times to detect, sorted */
	size_t nt;
	double median, prec, rec; /* -1: not defined */
};

static void summarize(const struct sw_eval *ev, struct eval_sum *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	s->t = calloc(ev->n ? ev->n : 1, sizeof(double));
	s->median = -1;
	for (i = 0; i < ev->n; i++) {
		const struct eval_client *c = &ev->c[i];

		if (c->scraper && c->alert_ns)
			s->tp++;
		else if (c->scraper)
			s->fn++;
		else if (c->alert_ns)
			s->fp++;
		else
			s->tn++;
		if (c->scraper && ttd(c) >= 0 && s->t)
			s->t[s->nt++] = ttd(c);
	}
	if (s->nt && s->t) {
		qsort(s->t, s->nt, sizeof(*s->t), cmp_double);
		s->median = s->nt % 2 ?
				    s->t[s->nt / 2] :
				    (s->t[s->nt / 2 - 1] + s->t[s->nt / 2]) / 2;
	}
	s->prec = s->tp + s->fp ? (double)s->tp / (double)(s->tp + s->fp) : -1;
	s->rec = s->tp + s->fn ? (double)s->tp / (double)(s->tp + s->fn) : -1;
}

static cJSON *client_json(const struct eval_client *c)
{
	cJSON *o = cJSON_CreateObject();
	char ip[64], ts[40];
	int k;

	sw_format_addr(c->addr.family, c->addr.a, ip, sizeof(ip));
	cJSON_AddStringToObject(o, "client_ip", ip);
	cJSON_AddStringToObject(o, "label", c->scraper ? "scraper" : "benign");
	cJSON_AddStringToObject(o, "tool", c->tool);
	cJSON_AddBoolToObject(o, "seen", c->first_ns != 0);
	cJSON_AddBoolToObject(o, "flagged", c->alert_ns != 0);
	cJSON_AddStringToObject(o, "verdict", verdict(c));
	if (c->first_ns) {
		sw_format_time(c->first_ns, ts, sizeof(ts));
		cJSON_AddStringToObject(o, "first_seen", ts);
	}
	if (c->alert_ns) {
		sw_format_time(c->alert_ns, ts, sizeof(ts));
		cJSON_AddStringToObject(o, "first_alert", ts);
		cJSON_AddStringToObject(o, "rule_id", c->rule);
	}
	if (ttd(c) >= 0)
		cJSON_AddNumberToObject(o, "ttd_s", ttd(c));
	if (c->family[0])
		cJSON_AddStringToObject(o, "tool_family", c->family);
	if (c->has_peaks) {
		cJSON *pk = cJSON_AddObjectToObject(o, "peaks");

		for (k = 0; k < SW_PEAKS; k++)
			cJSON_AddNumberToObject(pk, sw_peak_names[k],
						c->peaks[k]);
	}
	return o;
}

/* A number, or null where it is not defined (negative). */
static void add_or_null(cJSON *r, const char *name, double v)
{
	if (v >= 0)
		cJSON_AddNumberToObject(r, name, v);
	else
		cJSON_AddNullToObject(r, name);
}

static void report_json(const struct sw_eval *ev, const struct eval_sum *s,
			FILE *out)
{
	cJSON *r = cJSON_CreateObject(), *arr, *o;
	char *line;
	size_t i;

	arr = cJSON_AddArrayToObject(r, "clients");
	for (i = 0; i < ev->n; i++)
		cJSON_AddItemToArray(arr, client_json(&ev->c[i]));
	o = cJSON_AddObjectToObject(r, "confusion");
	sw_json_add_count(o, "tp", s->tp);
	sw_json_add_count(o, "fp", s->fp);
	sw_json_add_count(o, "fn", s->fn);
	sw_json_add_count(o, "tn", s->tn);
	add_or_null(r, "precision", s->prec);
	add_or_null(r, "recall", s->rec);
	add_or_null(r, "ttd_median_s", s->median);
	if (s->nt)
		cJSON_AddNumberToObject(r, "ttd_max_s", s->t[s->nt - 1]);
	sw_json_add_count(r, "alerts", ev->alerts);
	line = cJSON_PrintUnformatted(r);
	if (line)
		fprintf(out, "%s\n", line);
	free(line);
	cJSON_Delete(r);
}

static void report_text(const struct sw_eval *ev, const struct eval_sum *s,
			FILE *out)
{
	char ip[64];
	size_t i;

	fprintf(out, "%-40s %-8s %-16s %-7s %10s  %s\n", "client_ip", "label",
		"tool", "verdict", "ttd_s", "rule");
	for (i = 0; i < ev->n; i++) {
		const struct eval_client *c = &ev->c[i];
		char tt[32] = "-";

		sw_format_addr(c->addr.family, c->addr.a, ip, sizeof(ip));
		if (ttd(c) >= 0)
			snprintf(tt, sizeof(tt), "%.1f", ttd(c));
		fprintf(out, "%-40s %-8s %-16s %-7s %10s  %s%s\n", ip,
			c->scraper ? "scraper" : "benign",
			c->tool[0] ? c->tool : "-", verdict(c), tt,
			c->alert_ns ? c->rule : "-",
			c->first_ns ? "" : "  (not in the capture)");
	}
	fprintf(out, "\nconfusion: tp %llu  fp %llu  fn %llu  tn %llu\n",
		(unsigned long long)s->tp, (unsigned long long)s->fp,
		(unsigned long long)s->fn, (unsigned long long)s->tn);
	if (s->prec >= 0)
		fprintf(out, "precision: %.3f\n", s->prec);
	else
		fprintf(out, "precision: n/a (nothing flagged)\n");
	if (s->rec >= 0)
		fprintf(out, "recall:    %.3f\n", s->rec);
	else
		fprintf(out, "recall:    n/a (no scrapers labeled)\n");
	if (s->median >= 0)
		fprintf(out,
			"time to detect: median %.1f s, max %.1f s over %zu "
			"detected scrapers\n",
			s->median, s->t[s->nt - 1], s->nt);
	fprintf(out, "alerts started: %llu\n", (unsigned long long)ev->alerts);
}

void sw_eval_report(const struct sw_eval *ev, FILE *out, int json)
{
	struct eval_sum s;

	summarize(ev, &s);
	if (json)
		report_json(ev, &s, out);
	else
		report_text(ev, &s, out);
	free(s.t);
}
