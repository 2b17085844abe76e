// SPDX-License-Identifier: BSD-2-Clause
/*
 * Loads the YAML config file into a struct sw_config, in three steps:
 *
 * 1. libyaml builds the document tree, which we walk against the libcyaml
 *    schema below: every key must be one the schema names (else "unknown
 *    key", with a did-you-mean), every value must have the schema's shape,
 *    no key twice, no aliases. The walk records the line of every key and
 *    list entry, because libcyaml's own messages point at the enclosing
 *    mapping rather than the key. `detect.rules` is keyed by rule ID,
 *    which a fixed schema cannot express, so the walk reads it here.
 * 2. libcyaml loads the same bytes against that schema into a raw struct
 *    of strings (every leaf is a string so that the messages about values
 *    are ours, with a line and what was expected).
 * 3. Each raw string is parsed and range-checked into struct sw_config.
 *
 * Any error stops the load and nothing is returned but the message, so a
 * caller never sees a half-applied config.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cyaml/cyaml.h>
#include <yaml.h>

#include "config/config.h"
#include "scrapewatch/flow_kern_user.h"

#define NS_PER_MS 1000000ULL
#define NS_PER_S 1000000000ULL
#define PATH_MAX_LEN 128
#define RULES_MAX 256

/* ---- The schema: every leaf a string, parsed in step 3. ---- */

struct raw_general {
	char *log_level;
	char *run_as;
};

struct raw_live {
	char **interfaces;
	unsigned interfaces_count;
	char *capture;
	char *xdp_mode;
};

struct raw_metrics {
	char *listen;
};

struct raw_timeouts {
	char *tcp_new;
	char *tcp_established;
	char *tcp_closing;
	char *tcp_closed;
	char *udp;
};

struct raw_flows {
	char *max_flows;
	struct raw_timeouts timeouts;
	char *udp_turn_gap;
};

struct raw_campaign {
	char *prefix4;
	char *prefix6;
	char *min_members;
};

struct raw_exempt {
	char **cidrs;
	unsigned cidrs_count;
	char **ja4;
	unsigned ja4_count;
	char **ja3;
	unsigned ja3_count;
	char **tcp_signatures;
	unsigned tcp_signatures_count;
	char **user_agents;
	unsigned user_agents_count;
};

struct raw_services {
	char **servers;
	unsigned servers_count;
	char **sni;
	unsigned sni_count;
};

struct raw_detect {
	char *client_capacity;
	char *sketch_capacity;
	char *memory_cap;
	char *alert_score;
	char *update_interval;
	char *end_after;
	struct raw_campaign campaign;
	struct raw_exempt exempt;
	struct raw_services services;
};

struct raw_top {
	struct raw_general general;
	char **outputs;
	unsigned outputs_count;
	struct raw_live live;
	struct raw_metrics metrics;
	struct raw_flows flows;
	struct raw_detect detect;
};

#define OPT CYAML_FLAG_OPTIONAL
#define STR(key, st, m) \
	CYAML_FIELD_STRING_PTR(key, OPT, st, m, 0, CYAML_UNLIMITED)
#define LIST(key, st, m)                                                       \
	CYAML_FIELD_SEQUENCE(key, OPT | CYAML_FLAG_POINTER, st, m, &str_entry, \
			     0, SW_CONFIG_LIST_MAX)

static const cyaml_schema_value_t str_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED),
};

static const cyaml_schema_field_t general_fields[] = {
	STR("log_level", struct raw_general, log_level),
	STR("run_as", struct raw_general, run_as),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t live_fields[] = {
	LIST("interfaces", struct raw_live, interfaces),
	STR("capture", struct raw_live, capture),
	STR("xdp_mode", struct raw_live, xdp_mode),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t metrics_fields[] = {
	STR("listen", struct raw_metrics, listen),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t timeouts_fields[] = {
	STR("tcp_new", struct raw_timeouts, tcp_new),
	STR("tcp_established", struct raw_timeouts, tcp_established),
	STR("tcp_closing", struct raw_timeouts, tcp_closing),
	STR("tcp_closed", struct raw_timeouts, tcp_closed),
	STR("udp", struct raw_timeouts, udp),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t flows_fields[] = {
	STR("max_flows", struct raw_flows, max_flows),
	CYAML_FIELD_MAPPING("timeouts", OPT, struct raw_flows, timeouts,
			    timeouts_fields),
	STR("udp_turn_gap", struct raw_flows, udp_turn_gap),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t campaign_fields[] = {
	STR("prefix4", struct raw_campaign, prefix4),
	STR("prefix6", struct raw_campaign, prefix6),
	STR("min_members", struct raw_campaign, min_members),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t exempt_fields[] = {
	LIST("cidrs", struct raw_exempt, cidrs),
	LIST("ja4", struct raw_exempt, ja4),
	LIST("ja3", struct raw_exempt, ja3),
	LIST("tcp_signatures", struct raw_exempt, tcp_signatures),
	LIST("user_agents", struct raw_exempt, user_agents),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t services_fields[] = {
	LIST("servers", struct raw_services, servers),
	LIST("sni", struct raw_services, sni),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t detect_fields[] = {
	STR("client_capacity", struct raw_detect, client_capacity),
	STR("sketch_capacity", struct raw_detect, sketch_capacity),
	STR("memory_cap", struct raw_detect, memory_cap),
	STR("alert_score", struct raw_detect, alert_score),
	STR("update_interval", struct raw_detect, update_interval),
	STR("end_after", struct raw_detect, end_after),
	CYAML_FIELD_MAPPING("campaign", OPT, struct raw_detect, campaign,
			    campaign_fields),
	/* Keyed by rule ID: read by the tree walk (walk_rules). */
	CYAML_FIELD_IGNORE("rules", OPT),
	CYAML_FIELD_MAPPING("exempt", OPT, struct raw_detect, exempt,
			    exempt_fields),
	CYAML_FIELD_MAPPING("services", OPT, struct raw_detect, services,
			    services_fields),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t top_fields[] = {
	CYAML_FIELD_MAPPING("general", OPT, struct raw_top, general,
			    general_fields),
	LIST("outputs", struct raw_top, outputs),
	CYAML_FIELD_MAPPING("live", OPT, struct raw_top, live, live_fields),
	CYAML_FIELD_MAPPING("metrics", OPT, struct raw_top, metrics,
			    metrics_fields),
	CYAML_FIELD_MAPPING("flows", OPT, struct raw_top, flows, flows_fields),
	CYAML_FIELD_MAPPING("detect", OPT, struct raw_top, detect,
			    detect_fields),
	CYAML_FIELD_END,
};

static const cyaml_schema_value_t top_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct raw_top, top_fields),
};

/* Keys that no command of this build reads yet. */
static const char *const unread_keys[] = {
	"general.log_level",
	"general.run_as",
	"live",
	"metrics",
};

/* ---- Loader state and messages ---- */

struct key_line {
	char path[PATH_MAX_LEN];
	unsigned line; /* 1-based */
	int null; /* a plain empty, ~ or null scalar */
};

struct loader {
	const char *name;
	char *errbuf;
	yaml_document_t doc;
	unsigned char *seen; /* per node: reached once already */
	size_t n_nodes;
	struct key_line *lines;
	size_t n_lines, cap_lines;
	struct sw_rule_cfg *rules;
	size_t n_rules;
	struct sw_config *cfg;
	char cyaml_msg[256]; /* libcyaml's first error line */
};

/* Untrusted text made printable and short for a message. */
static void esc(const char *s, size_t len, char *out, size_t outlen)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 8 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];

		if (o >= 60) {
			o += (size_t)snprintf(out + o, outlen - o, "...");
			break;
		}
		if (c == '"' || c == '\\')
			o += (size_t)snprintf(out + o, outlen - o, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x",
					      c);
		else
			out[o++] = (char)c;
	}
	out[o < outlen ? o : outlen - 1] = '\0';
}

__attribute__((format(printf, 4, 5))) static int fail_at(struct loader *ld,
							 unsigned line,
							 const char *path,
							 const char *fmt, ...)
{
	size_t n = SW_CONFIG_ERRBUF_SIZE, o;
	va_list ap;

	if (line)
		o = (size_t)snprintf(ld->errbuf, n, "%s:%u: ", ld->name, line);
	else
		o = (size_t)snprintf(ld->errbuf, n, "%s: ", ld->name);
	if (path && o < n)
		o += (size_t)snprintf(ld->errbuf + o, n - o, "%s: ", path);
	if (o < n) {
		va_start(ap, fmt);
		vsnprintf(ld->errbuf + o, n - o, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* "a" "." "b" into a key path; paths are short, a cut one still reads. */
static void path_join(char *out, size_t outlen, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la >= outlen)
		la = outlen - 1;
	memcpy(out, a, la);
	out[la] = '\0';
	if (!la || la + 1 >= outlen) {
		if (!la && lb >= outlen)
			lb = outlen - 1;
		if (!la) {
			memcpy(out, b, lb);
			out[lb] = '\0';
		}
		return;
	}
	out[la++] = '.';
	if (la + lb >= outlen)
		lb = outlen - 1 - la;
	memcpy(out + la, b, lb);
	out[la + lb] = '\0';
}

static const struct key_line *find_line(const struct loader *ld,
					const char *path)
{
	size_t i;

	for (i = 0; i < ld->n_lines; i++)
		if (strcmp(ld->lines[i].path, path) == 0)
			return &ld->lines[i];
	return NULL;
}

static int note_line(struct loader *ld, const char *path, unsigned line,
		     int null)
{
	struct key_line *kl;

	if (ld->n_lines == ld->cap_lines) {
		size_t cap = ld->cap_lines ? ld->cap_lines * 2 : 64;
		void *p = realloc(ld->lines, cap * sizeof(*ld->lines));

		if (!p)
			return -ENOMEM;
		ld->lines = p;
		ld->cap_lines = cap;
	}
	kl = &ld->lines[ld->n_lines++];
	snprintf(kl->path, sizeof(kl->path), "%s", path);
	kl->line = line;
	kl->null = null;
	return 0;
}

/* A value the converter rejects: "FILE:LINE: PATH: expected X, got "V"". */
static int bad_value(struct loader *ld, const char *path, const char *raw,
		     const char *expected)
{
	const struct key_line *kl = find_line(ld, path);
	char got[96];

	if (!raw) {
		return fail_at(ld, kl ? kl->line : 0, path,
			       "expected %s, got nothing", expected);
	}
	esc(raw, strlen(raw), got, sizeof(got));
	return fail_at(ld, kl ? kl->line : 0, path, "expected %s, got \"%s\"",
		       expected, got);
}

/* Levenshtein distance of two short strings (capped at 32 chars). */
static unsigned edit_distance(const char *a, const char *b)
{
	unsigned row[33], i, j, la = (unsigned)strnlen(a, 32),
				lb = (unsigned)strnlen(b, 32);

	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		unsigned diag = row[0], tmp;

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			unsigned best = diag + (a[i - 1] != b[j - 1]);

			tmp = row[j];
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = tmp;
		}
	}
	return row[lb];
}

static int unknown_key(struct loader *ld, unsigned line, const char *path,
		       const char *key, size_t keylen,
		       const cyaml_schema_field_t *fields)
{
	const cyaml_schema_field_t *f, *best = NULL;
	unsigned d, best_d = 3;
	char k[96], where[PATH_MAX_LEN], list[256] = "";
	size_t o = 0;

	esc(key, keylen, k, sizeof(k));
	path_join(where, sizeof(where), path, k);
	for (f = fields; f->key; f++) {
		d = edit_distance(key, f->key);
		if (d < best_d) {
			best_d = d;
			best = f;
		}
		if (o < sizeof(list))
			o += (size_t)snprintf(list + o, sizeof(list) - o,
					      "%s%s", f == fields ? "" : ", ",
					      f->key);
	}
	if (best)
		return fail_at(ld, line, where,
			       "unknown key; did you mean \"%s\"?", best->key);
	return fail_at(ld, line, where, "unknown key; expected one of: %s",
		       list);
}

/* ---- Step 1: the document walk ---- */

static const char *node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return "a single value";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

static unsigned node_line(const yaml_node_t *n)
{
	return (unsigned)n->start_mark.line + 1;
}

static int scalar_is_null(const yaml_node_t *n)
{
	const char *v = (const char *)n->data.scalar.value;

	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return n->data.scalar.length == 0 || strcmp(v, "~") == 0 ||
	       strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
	       strcmp(v, "NULL") == 0;
}

/*
 * Get a node, refusing a second visit (an alias) so the walk stays linear.
 * at_line: the line of the key that refers to it, 0 if not known.
 */
static yaml_node_t *get_node(struct loader *ld, int id, const char *path,
			     unsigned at_line)
{
	yaml_node_t *n = yaml_document_get_node(&ld->doc, id);

	if (!n) {
		fail_at(ld, at_line, path, "malformed document");
		return NULL;
	}
	if (ld->seen[id - 1]) {
		fail_at(ld, at_line ? at_line : node_line(n), path,
			"YAML aliases (*name) are not supported here; write "
			"the value out (its anchor is at line %u)",
			node_line(n));
		return NULL;
	}
	ld->seen[id - 1] = 1;
	return n;
}

static int shape_error(struct loader *ld, const yaml_node_t *n,
		       const char *path, const char *want)
{
	char got[96];

	if (n->type == YAML_SCALAR_NODE && scalar_is_null(n))
		return fail_at(ld, node_line(n), path,
			       "expected %s, got nothing%s", want,
			       strcmp(want, "a list") == 0 ?
				       " (write [] for an empty list)" :
			       strcmp(want, "a mapping") == 0 ?
				       " (write {} or leave the key out)" :
				       "");
	if (n->type == YAML_SCALAR_NODE) {
		esc((const char *)n->data.scalar.value, n->data.scalar.length,
		    got, sizeof(got));
		return fail_at(ld, node_line(n), path,
			       "expected %s, got \"%s\"", want, got);
	}
	/* "[2001:db8::1]:80" and "-" unquoted read as a list or a mapping. */
	return fail_at(ld, node_line(n), path, "expected %s, got %s%s", want,
		       node_kind(n),
		       strcmp(want, "a single value") == 0 ?
			       " (quote text that starts with [, { or -)" :
			       "");
}

static int check_scalar(struct loader *ld, const yaml_node_t *n,
			const char *path)
{
	if (n->type != YAML_SCALAR_NODE)
		return shape_error(ld, n, path, "a single value");
	if (memchr(n->data.scalar.value, '\0', n->data.scalar.length))
		return fail_at(ld, node_line(n), path,
			       "expected text, got a NUL byte");
	return note_line(ld, path, node_line(n), scalar_is_null(n));
}

static int walk_value(struct loader *ld, const yaml_node_t *n,
		      const cyaml_schema_value_t *schema, const char *path);

/* Rule ID syntax: SW-[A-Z]+[0-9]+; whether it exists is the detector's. */
static int rule_id_ok(const char *s, size_t len)
{
	size_t i = 3, letters = 0, digits = 0;

	if (len < 5 || len >= SW_RULE_ID_MAX || strncmp(s, "SW-", 3) != 0)
		return 0;
	for (; i < len && s[i] >= 'A' && s[i] <= 'Z'; i++)
		letters++;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	return i == len && letters && digits;
}

static int parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -EINVAL;
}

/* A finite decimal number from lo to hi. */
static int parse_real(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	if (!*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < lo || v > hi ||
	    strpbrk(s, "xXpP"))
		return -EINVAL;
	*out = v;
	return 0;
}

static int rule_field(struct loader *ld, struct sw_rule_cfg *r,
		      const yaml_node_t *key, const yaml_node_t *val,
		      const char *rpath)
{
	static const cyaml_schema_field_t rule_keys[] = {
		{ .key = "enabled" },
		{ .key = "threshold" },
		{ .key = "points" },
		{ .key = NULL },
	};
	const char *k = (const char *)key->data.scalar.value;
	const char *v;
	char path[PATH_MAX_LEN];
	int rc;

	path_join(path, sizeof(path), rpath, k);
	if (strcmp(k, "enabled") != 0 && strcmp(k, "threshold") != 0 &&
	    strcmp(k, "points") != 0)
		return unknown_key(ld, node_line(key), rpath, k,
				   key->data.scalar.length, rule_keys);
	rc = check_scalar(ld, val, path);
	if (rc)
		return rc;
	v = scalar_is_null(val) ? NULL : (const char *)val->data.scalar.value;
	if (strcmp(k, "enabled") == 0) {
		if (!v || parse_bool(v, &r->enabled))
			return bad_value(ld, path, v, "true or false");
	} else if (strcmp(k, "threshold") == 0) {
		if (!v || parse_real(v, 0, 1e15, &r->threshold))
			return bad_value(ld, path, v,
					 "a number, 0 or more, in the rule's "
					 "unit");
	} else {
		if (!v || parse_real(v, 0, 100, &r->points))
			return bad_value(ld, path, v, "a number 0..100");
	}
	return 0;
}

/* detect.rules: { SW-XXX1: { enabled: B, threshold: N, points: N }, ... } */
static int walk_rules(struct loader *ld, const yaml_node_t *n, const char *path)
{
	yaml_node_pair_t *p, *q;
	size_t count;
	int rc;

	if (n->type != YAML_MAPPING_NODE)
		return shape_error(ld, n, path, "a mapping");
	rc = note_line(ld, path, node_line(n), 0);
	if (rc)
		return rc;
	count = (size_t)(n->data.mapping.pairs.top -
			 n->data.mapping.pairs.start);
	if (count > RULES_MAX)
		return fail_at(ld, node_line(n), path,
			       "expected at most %u rules, got %zu", RULES_MAX,
			       count);
	if (!count)
		return 0;
	ld->rules = calloc(count, sizeof(*ld->rules));
	if (!ld->rules)
		return -ENOMEM;
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		struct sw_rule_cfg *r = &ld->rules[ld->n_rules];
		yaml_node_t *key = get_node(ld, p->key, path, 0), *val;
		char rpath[PATH_MAX_LEN], id[96];

		if (!key)
			return -EINVAL;
		if (key->type != YAML_SCALAR_NODE)
			return shape_error(ld, key, path, "a rule ID as key");
		esc((const char *)key->data.scalar.value,
		    key->data.scalar.length, id, sizeof(id));
		path_join(rpath, sizeof(rpath), path, id);
		if (!rule_id_ok((const char *)key->data.scalar.value,
				key->data.scalar.length))
			return fail_at(ld, node_line(key), rpath,
				       "expected a rule ID like SW-R001 "
				       "(SW-, capital letters, digits)");
		for (q = n->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *k2 =
				yaml_document_get_node(&ld->doc, q->key);

			if (k2 && strcmp((const char *)k2->data.scalar.value,
					 id) == 0)
				return fail_at(ld, node_line(key), rpath,
					       "rule given twice (first at "
					       "line %u)",
					       node_line(k2));
		}
		memcpy(r->id, id,
		       key->data.scalar.length); /* < SW_RULE_ID_MAX */
		r->enabled = 1;
		r->threshold = NAN;
		r->points = NAN;
		rc = note_line(ld, rpath, node_line(key), 0);
		if (rc)
			return rc;
		val = get_node(ld, p->value, rpath, node_line(key));
		if (!val)
			return -EINVAL;
		if (val->type != YAML_MAPPING_NODE)
			return shape_error(ld, val, rpath,
					   "a mapping of enabled, threshold, "
					   "points");
		for (q = val->data.mapping.pairs.start;
		     q < val->data.mapping.pairs.top; q++) {
			yaml_node_t *fk = get_node(ld, q->key, rpath, 0);
			yaml_node_t *fv;
			yaml_node_pair_t *q2;

			if (!fk)
				return -EINVAL;
			if (fk->type != YAML_SCALAR_NODE)
				return shape_error(ld, fk, rpath,
						   "a key (enabled, threshold, "
						   "points)");
			for (q2 = val->data.mapping.pairs.start; q2 < q; q2++) {
				yaml_node_t *k2 = yaml_document_get_node(
					&ld->doc, q2->key);

				if (k2 &&
				    strcmp((const char *)k2->data.scalar.value,
					   (const char *)fk->data.scalar
						   .value) == 0) {
					char fpath[PATH_MAX_LEN];

					path_join(fpath, sizeof(fpath), rpath,
						  (const char *)k2->data.scalar
							  .value);
					return fail_at(
						ld, node_line(fk), fpath,
						"key given twice (first at line "
						"%u)",
						node_line(k2));
				}
			}
			fv = get_node(ld, q->value, rpath, node_line(fk));
			if (!fv)
				return -EINVAL;
			rc = rule_field(ld, r, fk, fv, rpath);
			if (rc)
				return rc;
		}
		ld->n_rules++;
	}
	return 0;
}

static void note_unread(struct loader *ld, const char *path)
{
	struct sw_config *c = ld->cfg;
	size_t i, o = strlen(c->unread);

	for (i = 0; i < sizeof(unread_keys) / sizeof(unread_keys[0]); i++) {
		if (strcmp(path, unread_keys[i]) != 0)
			continue;
		snprintf(c->unread + o, sizeof(c->unread) - o, "%s%s",
			 o ? ", " : "", path);
		return;
	}
}

static int walk_mapping(struct loader *ld, const yaml_node_t *n,
			const cyaml_schema_field_t *fields, const char *path)
{
	yaml_node_pair_t *p, *q;
	int rc;

	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		const cyaml_schema_field_t *f;
		yaml_node_t *key = get_node(ld, p->key, path, 0), *val;
		const char *k;
		char sub[PATH_MAX_LEN];

		if (!key)
			return -EINVAL;
		if (key->type != YAML_SCALAR_NODE)
			return shape_error(ld, key,
					   path[0] ? path : "(top level)",
					   "a key");
		k = (const char *)key->data.scalar.value;
		for (f = fields; f->key; f++)
			if (strcmp(f->key, k) == 0 &&
			    strlen(k) == key->data.scalar.length)
				break;
		if (!f->key)
			return unknown_key(ld, node_line(key), path, k,
					   key->data.scalar.length, fields);
		path_join(sub, sizeof(sub), path, k);
		for (q = n->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *k2 =
				yaml_document_get_node(&ld->doc, q->key);

			if (k2 &&
			    strcmp((const char *)k2->data.scalar.value, k) == 0)
				return fail_at(ld, node_line(key), sub,
					       "key given twice (first at line "
					       "%u)",
					       node_line(k2));
		}
		note_unread(ld, sub);
		val = get_node(ld, p->value, sub, node_line(key));
		if (!val)
			return -EINVAL;
		if (f->value.type == CYAML_IGNORE)
			rc = walk_rules(ld, val, sub);
		else
			rc = walk_value(ld, val, &f->value, sub);
		if (rc)
			return rc;
	}
	return 0;
}

static int walk_value(struct loader *ld, const yaml_node_t *n,
		      const cyaml_schema_value_t *schema, const char *path)
{
	yaml_node_item_t *it;
	char sub[PATH_MAX_LEN];
	size_t i = 0;
	int rc;

	switch (schema->type) {
	case CYAML_MAPPING:
		if (n->type != YAML_MAPPING_NODE)
			return shape_error(ld, n,
					   path[0] ? path : "(top level)",
					   "a mapping");
		if (path[0]) {
			rc = note_line(ld, path, node_line(n), 0);
			if (rc)
				return rc;
		}
		return walk_mapping(ld, n, schema->mapping.fields, path);
	case CYAML_SEQUENCE:
		if (n->type != YAML_SEQUENCE_NODE)
			return shape_error(ld, n, path, "a list");
		rc = note_line(ld, path, node_line(n), 0);
		if (rc)
			return rc;
		if (n->data.sequence.items.top - n->data.sequence.items.start >
		    (long)schema->sequence.max)
			return fail_at(ld, node_line(n), path,
				       "expected at most %u entries, got %ld",
				       schema->sequence.max,
				       (long)(n->data.sequence.items.top -
					      n->data.sequence.items.start));
		for (it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++, i++) {
			yaml_node_t *e;

			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			e = get_node(ld, *it, sub, 0);
			if (!e)
				return -EINVAL;
			rc = walk_value(ld, e, schema->sequence.entry, sub);
			if (rc)
				return rc;
		}
		return 0;
	case CYAML_STRING:
		return check_scalar(ld, n, path);
	default:
		return fail_at(ld, 0, path, "internal: schema type %d",
			       schema->type);
	}
}

/* Parse the document tree; 1 if it holds a mapping to load, 0 if empty. */
static int walk_document(struct loader *ld, const void *data, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t extra;
	yaml_node_t *root;
	int rc = 0, more;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, data, len);
	if (!yaml_parser_load(&parser, &ld->doc)) {
		rc = fail_at(ld, (unsigned)parser.problem_mark.line + 1, NULL,
			     "YAML syntax: %s%s%s",
			     parser.problem ? parser.problem : "error",
			     parser.context ? " " : "",
			     parser.context ? parser.context : "");
		memset(&ld->doc, 0, sizeof(ld->doc));
		yaml_parser_delete(&parser);
		return rc;
	}
	root = yaml_document_get_root_node(&ld->doc);
	if (root) {
		/* A second document is a mistake, not something to skip. */
		if (!yaml_parser_load(&parser, &extra)) {
			rc = fail_at(ld, (unsigned)parser.problem_mark.line + 1,
				     NULL, "YAML syntax: %s%s%s",
				     parser.problem ? parser.problem : "error",
				     parser.context ? " " : "",
				     parser.context ? parser.context : "");
			yaml_parser_delete(&parser);
			return rc;
		}
		more = yaml_document_get_root_node(&extra) != NULL;
		if (more)
			rc = fail_at(ld, (unsigned)extra.start_mark.line + 1,
				     NULL,
				     "expected one YAML document, got a "
				     "second one");
		yaml_document_delete(&extra);
	}
	yaml_parser_delete(&parser);
	if (rc || !root)
		return rc;

	ld->n_nodes = (size_t)(ld->doc.nodes.top - ld->doc.nodes.start);
	ld->seen = calloc(ld->n_nodes ? ld->n_nodes : 1, 1);
	if (!ld->seen)
		return -ENOMEM;
	/* An empty document, or one that is only comments, is the defaults. */
	if (root->type == YAML_SCALAR_NODE && scalar_is_null(root))
		return 0;
	if (root->type != YAML_MAPPING_NODE)
		return shape_error(ld, root, "(top level)",
				   "a mapping of sections (general, outputs, "
				   "live, metrics, flows, detect)");
	ld->seen[0] = 1;
	rc = walk_value(ld, root, &top_schema, "");
	return rc ? rc : 1;
}

/* ---- Step 3: values ---- */

static int parse_u64(const char *s, const char **end, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*end = p;
	*out = v;
	return 0;
}

int sw_config_parse_size(const char *s, uint64_t *bytes)
{
	static const struct {
		const char *unit;
		uint64_t mult;
	} units[] = {
		{ "", 1 },
		{ "B", 1 },
		{ "KiB", 1ULL << 10 },
		{ "MiB", 1ULL << 20 },
		{ "GiB", 1ULL << 30 },
		{ "TiB", 1ULL << 40 },
		{ "kB", 1000ULL },
		{ "MB", 1000000ULL },
		{ "GB", 1000000000ULL },
		{ "TB", 1000000000000ULL },
	};
	const char *u;
	uint64_t v;
	size_t i;

	if (parse_u64(s, &u, &v))
		return -EINVAL;
	if (*u == ' ')
		u++;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(u, units[i].unit) != 0)
			continue;
		if (v > UINT64_MAX / units[i].mult)
			return -EINVAL;
		*bytes = v * units[i].mult;
		return 0;
	}
	return -EINVAL;
}

int sw_config_parse_duration(const char *s, uint64_t *ns)
{
	static const struct {
		const char *unit;
		uint64_t mult;
	} units[] = {
		{ "", NS_PER_S }, /* a bare number is seconds */
		{ "ms", NS_PER_MS },	   { "s", NS_PER_S },
		{ "m", 60 * NS_PER_S },	   { "h", 3600 * NS_PER_S },
		{ "d", 86400 * NS_PER_S },
	};
	const char *u;
	uint64_t v;
	size_t i;

	if (parse_u64(s, &u, &v))
		return -EINVAL;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(u, units[i].unit) != 0)
			continue;
		if (v > UINT64_MAX / units[i].mult)
			return -EINVAL;
		*ns = v * units[i].mult;
		return 0;
	}
	return -EINVAL;
}

/* Why a prefix is refused, for the message; NULL if it is fine. */
static const char *cidr_parse(const char *s, struct sw_cidr *out, char *hint,
			      size_t hintlen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned max, i;
	uint64_t len;
	const char *end;

	if (alen == 0 || alen >= INET6_ADDRSTRLEN)
		return "syntax";
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->family = SW_FAMILY_IPV4;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		out->family = SW_FAMILY_IPV6;
		max = 128;
	} else {
		return "syntax";
	}
	len = max;
	if (slash && (parse_u64(slash + 1, &end, &len) || *end || len > max))
		return "syntax";
	out->prefix_len = (uint8_t)len;
	for (i = 0; i < max; i++) {
		if (i < len || !(out->addr[i / 8] & (0x80 >> (i % 8))))
			continue;
		/* Host bits set: say which network was probably meant. */
		for (; i < max; i++)
			out->addr[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
		inet_ntop(max == 32 ? AF_INET : AF_INET6, out->addr, buf,
			  sizeof(buf));
		snprintf(hint, hintlen, "%s/%u", buf, (unsigned)len);
		return "host bits";
	}
	return NULL;
}

int sw_config_parse_cidr(const char *s, struct sw_cidr *out)
{
	char hint[64];

	return cidr_parse(s, out, hint, sizeof(hint)) ? -EINVAL : 0;
}

/* 198.18.0.10:443, 198.18.0.0/24, [2001:db8::1]:80, 2001:db8::/32 */
static const char *service_parse(const char *s, struct sw_service *out,
				 char *hint, size_t hintlen)
{
	char host[INET6_ADDRSTRLEN + 8];
	const char *colon, *port = NULL, *why, *end;
	size_t hlen;
	uint64_t p;

	memset(out, 0, sizeof(*out));
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close)
			return "syntax";
		hlen = (size_t)(close - s - 1);
		if (close[1] == ':')
			port = close + 2;
		else if (close[1])
			return "syntax";
		s++;
	} else {
		colon = strchr(s, ':');
		if (colon && strchr(colon + 1, ':')) {
			hlen = strlen(s); /* bare IPv6, no port */
		} else {
			hlen = colon ? (size_t)(colon - s) : strlen(s);
			port = colon ? colon + 1 : NULL;
		}
	}
	if (hlen == 0 || hlen >= sizeof(host))
		return "syntax";
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	why = cidr_parse(host, &out->net, hint, hintlen);
	if (why)
		return why;
	if (port) {
		if (parse_u64(port, &end, &p) || *end || p == 0 || p > 65535)
			return "port";
		out->port = (uint16_t)p;
	}
	return NULL;
}

int sw_config_parse_service(const char *s, struct sw_service *out)
{
	char hint[64];

	return service_parse(s, out, hint, sizeof(hint)) ? -EINVAL : 0;
}

/* Treat a plain ~ / null / empty scalar as absent-with-a-key: "nothing". */
static const char *value_of(struct loader *ld, const char *path,
			    const char *raw)
{
	const struct key_line *kl;

	if (!raw)
		return NULL;
	if (raw[0] && strcmp(raw, "~") && strcmp(raw, "null") &&
	    strcmp(raw, "Null") && strcmp(raw, "NULL"))
		return raw;
	kl = find_line(ld, path);
	return kl && kl->null ? "" : raw;
}

/* Each conv_* leaves *out alone when the key is absent. */
static int conv_uint(struct loader *ld, const char *path, const char *raw,
		     uint64_t lo, uint64_t hi, uint64_t *out)
{
	char want[96];
	const char *end;
	uint64_t v;

	raw = value_of(ld, path, raw);
	if (!raw)
		return 0;
	snprintf(want, sizeof(want), "an integer %llu..%llu",
		 (unsigned long long)lo, (unsigned long long)hi);
	if (!*raw)
		return bad_value(ld, path, NULL, want);
	if (parse_u64(raw, &end, &v) || *end || v < lo || v > hi)
		return bad_value(ld, path, raw, want);
	*out = v;
	return 0;
}

static int conv_u32(struct loader *ld, const char *path, const char *raw,
		    uint32_t lo, uint32_t hi, uint32_t *out)
{
	uint64_t v = *out;
	int rc = conv_uint(ld, path, raw, lo, hi, &v);

	*out = (uint32_t)v;
	return rc;
}

static int conv_u8(struct loader *ld, const char *path, const char *raw,
		   uint8_t lo, uint8_t hi, uint8_t *out)
{
	uint64_t v = *out;
	int rc = conv_uint(ld, path, raw, lo, hi, &v);

	*out = (uint8_t)v;
	return rc;
}

static void fmt_duration(uint64_t ns, char *buf, size_t len)
{
	if (ns % (86400 * NS_PER_S) == 0)
		snprintf(buf, len, "%llud",
			 (unsigned long long)(ns / (86400 * NS_PER_S)));
	else if (ns % (3600 * NS_PER_S) == 0)
		snprintf(buf, len, "%lluh",
			 (unsigned long long)(ns / (3600 * NS_PER_S)));
	else if (ns % NS_PER_S == 0)
		snprintf(buf, len, "%llus",
			 (unsigned long long)(ns / NS_PER_S));
	else
		snprintf(buf, len, "%llums",
			 (unsigned long long)(ns / NS_PER_MS));
}

static int conv_duration(struct loader *ld, const char *path, const char *raw,
			 uint64_t lo_ns, uint64_t hi_ns, int whole_s,
			 uint64_t *out_ns)
{
	char want[128], lo[24], hi[24];
	uint64_t v;

	raw = value_of(ld, path, raw);
	if (!raw)
		return 0;
	fmt_duration(lo_ns, lo, sizeof(lo));
	fmt_duration(hi_ns, hi, sizeof(hi));
	snprintf(want, sizeof(want),
		 "a duration %s..%s: seconds, or a number with %s", lo, hi,
		 whole_s ? "s, m, h or d" : "ms, s, m, h or d");
	if (!*raw)
		return bad_value(ld, path, NULL, want);
	if (sw_config_parse_duration(raw, &v) || v < lo_ns || v > hi_ns ||
	    (whole_s && v % NS_PER_S))
		return bad_value(ld, path, raw, want);
	*out_ns = v;
	return 0;
}

static int conv_seconds(struct loader *ld, const char *path, const char *raw,
			uint32_t lo_s, uint32_t hi_s, uint32_t *out_s)
{
	uint64_t ns = (uint64_t)*out_s * NS_PER_S;
	int rc = conv_duration(ld, path, raw, lo_s * NS_PER_S, hi_s * NS_PER_S,
			       1, &ns);

	*out_s = (uint32_t)(ns / NS_PER_S);
	return rc;
}

static int conv_enum(struct loader *ld, const char *path, const char *raw,
		     const char *const *names, unsigned n, uint8_t *out)
{
	char want[128];
	size_t o;
	unsigned i;

	raw = value_of(ld, path, raw);
	if (!raw)
		return 0;
	for (i = 0; i < n; i++) {
		if (strcmp(raw, names[i]) == 0) {
			*out = (uint8_t)i;
			return 0;
		}
	}
	o = (size_t)snprintf(want, sizeof(want), "one of");
	for (i = 0; i < n && o < sizeof(want); i++)
		o += (size_t)snprintf(want + o, sizeof(want) - o, "%s %s",
				      i ? "," : "", names[i]);
	return bad_value(ld, path, *raw ? raw : NULL, want);
}

static const char *const log_level_names[] = { "error", "warning", "info",
					       "debug" };
static const char *const capture_names[] = { "xdp", "afxdp", "dpdk", "pcap" };
static const char *const xdp_mode_names[] = { "native", "generic" };

const char *sw_config_capture_name(unsigned capture)
{
	return capture < 4 ? capture_names[capture] : "?";
}

const char *sw_config_log_level_name(unsigned level)
{
	return level < 4 ? log_level_names[level] : "?";
}

const char *sw_config_xdp_mode_name(unsigned mode)
{
	return mode < 2 ? xdp_mode_names[mode] : "?";
}

static int printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

static int is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* t13d1516h2_8daaf6152771_02713d6af862: a is 10 chars, b and c 12 hex. */
static int ja4_ok(const char *s)
{
	size_t i;

	if (strlen(s) != 36 || s[10] != '_' || s[23] != '_')
		return 0;
	if (s[0] != 't' && s[0] != 'q' && s[0] != 'd')
		return 0;
	for (i = 1; i < 10; i++)
		if (!isalnum((unsigned char)s[i]))
			return 0;
	return is_hex(s + 11, 12) && is_hex(s + 24, 12);
}

/* p0f raw signature: ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass */
static int tcp_sig_ok(const char *s)
{
	unsigned colons = 0;

	if (!printable(s) || (s[0] != '4' && s[0] != '6' && s[0] != '*') ||
	    s[1] != ':')
		return 0;
	for (; *s; s++)
		colons += *s == ':';
	return colons == 7;
}

/* An exact server name: letters, digits, '-', '_', dots; no wildcard. */
static int sni_ok(const char *s)
{
	size_t len = strlen(s), label = 0;

	if (len == 0 || len > 253 || s[0] == '.' || s[len - 1] == '.')
		return 0;
	for (; *s; s++) {
		if (*s == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
		if (++label > 63)
			return 0;
	}
	return 1;
}

static int ifname_ok(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len >= SW_CONFIG_IFNAME_MAX || !strcmp(s, ".") ||
	    !strcmp(s, ".."))
		return 0;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || isspace((unsigned char)*s) ||
		    !isprint((unsigned char)*s))
			return 0;
	return 1;
}

static int user_ok(const char *s)
{
	size_t len = strlen(s);

	if (len >= SW_CONFIG_USER_MAX)
		return 0;
	if (len && (s[0] == '-' || isdigit((unsigned char)s[0])))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' &&
		    *s != '.')
			return 0;
	return 1;
}

/* ADDR:PORT with a literal address: 127.0.0.1:9909, [::1]:9909. */
static int listen_ok(const char *s)
{
	struct sw_service svc;
	char hint[64];

	if (strlen(s) >= SW_CONFIG_ADDR_MAX || strchr(s, '/'))
		return 0;
	if (service_parse(s, &svc, hint, sizeof(hint)) || !svc.port)
		return 0;
	/* A bare IPv6 address has no port: service_parse took it whole. */
	return svc.net.family == SW_FAMILY_IPV4 || s[0] == '[';
}

static int output_ok(const char *s)
{
	static const char *const schemes[] = {
		"file:///", "syslog+udp://", "syslog+tcp://", "syslog+tls://",
		"http://",  "https://",	     "kafka://",
	};
	size_t i, n;

	if (!strcmp(s, "-") || !strcmp(s, "stdout"))
		return 1;
	if (!printable(s) || strchr(s, ' '))
		return 0;
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		n = strlen(schemes[i]);
		if (!strncmp(s, schemes[i], n))
			return s[n] != '\0';
	}
	return 0;
}

static int conv_outputs(struct loader *ld, const struct raw_top *raw)
{
	struct sw_config *c = ld->cfg;
	char path[PATH_MAX_LEN];
	unsigned i;

	if (!raw->outputs_count)
		return 0;
	c->outputs = calloc(raw->outputs_count, sizeof(*c->outputs));
	if (!c->outputs)
		return -ENOMEM;
	for (i = 0; i < raw->outputs_count; i++) {
		const char *v;

		snprintf(path, sizeof(path), "outputs[%u]", i);
		v = value_of(ld, path, raw->outputs[i]);
		if (!*v || !output_ok(v))
			return bad_value(
				ld, path, *v ? v : NULL,
				"a sink URI: -, file:///path, "
				"syslog+udp|tcp|tls://host:port, "
				"http(s)://..., kafka://brokers/topic");
		c->outputs[i] = strdup(v);
		if (!c->outputs[i])
			return -ENOMEM;
		c->n_outputs++;
	}
	return 0;
}

static int conv_live(struct loader *ld, const struct raw_live *raw)
{
	struct sw_config *c = ld->cfg;
	char path[PATH_MAX_LEN];
	unsigned i, j;
	int rc;

	if (raw->interfaces_count) {
		c->interfaces =
			calloc(raw->interfaces_count, sizeof(*c->interfaces));
		if (!c->interfaces)
			return -ENOMEM;
	}
	for (i = 0; i < raw->interfaces_count; i++) {
		const char *v;

		snprintf(path, sizeof(path), "live.interfaces[%u]", i);
		v = value_of(ld, path, raw->interfaces[i]);
		if (!*v || !ifname_ok(v))
			return bad_value(ld, path, *v ? v : NULL,
					 "an interface name of 1..15 "
					 "characters");
		for (j = 0; j < i; j++)
			if (!strcmp(c->interfaces[j], v))
				return bad_value(ld, path, v,
						 "each interface once");
		snprintf(c->interfaces[i], sizeof(c->interfaces[i]), "%s", v);
		c->n_interfaces++;
	}
	rc = conv_enum(ld, "live.capture", raw->capture, capture_names, 4,
		       &c->capture);
	if (!rc)
		rc = conv_enum(ld, "live.xdp_mode", raw->xdp_mode,
			       xdp_mode_names, 2, &c->xdp_mode);
	return rc;
}

static int conv_flows(struct loader *ld, const struct raw_flows *raw)
{
	struct sw_flow_table_cfg *f = &ld->cfg->flows;
	const struct raw_timeouts *t = &raw->timeouts;
	const uint64_t lo = NS_PER_MS, hi = 7 * 86400 * NS_PER_S;
	uint64_t gap;
	int rc;

	rc = conv_u32(ld, "flows.max_flows", raw->max_flows, 1, 1u << 30,
		      &f->max_flows);
	if (!rc)
		rc = conv_duration(ld, "flows.timeouts.tcp_new", t->tcp_new, lo,
				   hi, 0, &f->tcp_new_timeout_ns);
	if (!rc)
		rc = conv_duration(ld, "flows.timeouts.tcp_established",
				   t->tcp_established, lo, hi, 0,
				   &f->tcp_established_timeout_ns);
	if (!rc)
		rc = conv_duration(ld, "flows.timeouts.tcp_closing",
				   t->tcp_closing, lo, hi, 0,
				   &f->tcp_closing_timeout_ns);
	if (!rc)
		rc = conv_duration(ld, "flows.timeouts.tcp_closed",
				   t->tcp_closed, lo, hi, 0,
				   &f->tcp_closed_timeout_ns);
	if (!rc)
		rc = conv_duration(ld, "flows.timeouts.udp", t->udp, lo, hi, 0,
				   &f->udp_timeout_ns);
	gap = f->acct.udp_turn_gap_ns;
	if (!rc)
		rc = conv_duration(ld, "flows.udp_turn_gap", raw->udp_turn_gap,
				   lo, 3600 * NS_PER_S, 0, &gap);
	f->acct.udp_turn_gap_ns = gap;
	return rc;
}

static int add_fps(struct loader *ld, const char *key, char **list, unsigned n,
		   uint8_t kind, int (*ok)(const char *), const char *want)
{
	struct sw_detect_cfg *d = &ld->cfg->detect;
	char path[PATH_MAX_LEN];
	unsigned i;

	for (i = 0; i < n; i++) {
		struct sw_fp_pattern *fp = &d->exempt_fps[d->n_exempt_fps];
		const char *v;
		size_t k;

		snprintf(path, sizeof(path), "detect.exempt.%s[%u]", key, i);
		v = value_of(ld, path, list[i]);
		if (!*v || strlen(v) >= SW_CFG_FP_MAX || !ok(v))
			return bad_value(ld, path, *v ? v : NULL, want);
		fp->kind = kind;
		snprintf(fp->value, sizeof(fp->value), "%s", v);
		/* Fingerprints are lowercase hex where hex; match exactly. */
		if (kind == SW_FP_JA3 || kind == SW_FP_JA4)
			for (k = 0; fp->value[k]; k++)
				fp->value[k] = (char)tolower(
					(unsigned char)fp->value[k]);
		d->n_exempt_fps++;
	}
	return 0;
}

static int ja3_ok(const char *s)
{
	return strlen(s) == 32 && is_hex(s, 32);
}

static int ua_ok(const char *s)
{
	return printable(s);
}

static int conv_exempt(struct loader *ld, const struct raw_exempt *raw)
{
	struct sw_detect_cfg *d = &ld->cfg->detect;
	char path[PATH_MAX_LEN], hint[64], want[160];
	size_t nfp;
	unsigned i;
	int rc;

	if (raw->cidrs_count) {
		d->exempt_nets =
			calloc(raw->cidrs_count, sizeof(*d->exempt_nets));
		if (!d->exempt_nets)
			return -ENOMEM;
	}
	for (i = 0; i < raw->cidrs_count; i++) {
		const char *v, *why;

		snprintf(path, sizeof(path), "detect.exempt.cidrs[%u]", i);
		v = value_of(ld, path, raw->cidrs[i]);
		why = *v ? cidr_parse(v, &d->exempt_nets[i], hint,
				      sizeof(hint)) :
			   "syntax";
		if (why && !strcmp(why, "host bits")) {
			snprintf(want, sizeof(want),
				 "a network address (host bits clear), "
				 "e.g. %s",
				 hint);
			return bad_value(ld, path, v, want);
		}
		if (why)
			return bad_value(ld, path, *v ? v : NULL,
					 "an address or prefix like "
					 "198.18.0.0/24 or 2001:db8::/32");
		d->n_exempt_nets++;
	}

	nfp = (size_t)raw->ja4_count + raw->ja3_count +
	      raw->tcp_signatures_count + raw->user_agents_count;
	if (nfp) {
		d->exempt_fps = calloc(nfp, sizeof(*d->exempt_fps));
		if (!d->exempt_fps)
			return -ENOMEM;
	}
	rc = add_fps(
		ld, "ja4", raw->ja4, raw->ja4_count, SW_FP_JA4, ja4_ok,
		"a JA4 fingerprint like t13d1516h2_8daaf6152771_02713d6af862");
	if (!rc)
		rc = add_fps(ld, "ja3", raw->ja3, raw->ja3_count, SW_FP_JA3,
			     ja3_ok, "a JA3 hash: 32 hex digits");
	if (!rc)
		rc = add_fps(ld, "tcp_signatures", raw->tcp_signatures,
			     raw->tcp_signatures_count, SW_FP_TCP_SIG,
			     tcp_sig_ok,
			     "a p0f raw signature "
			     "ver:ittl:olen:mss:wsize,scale:olayout:quirks:"
			     "pclass");
	if (!rc)
		rc = add_fps(ld, "user_agents", raw->user_agents,
			     raw->user_agents_count, SW_FP_USER_AGENT, ua_ok,
			     "User-Agent text of 1..127 printable ASCII "
			     "characters");
	return rc;
}

static int conv_services(struct loader *ld, const struct raw_services *raw)
{
	struct sw_detect_cfg *d = &ld->cfg->detect;
	char path[PATH_MAX_LEN], hint[64], want[160];
	unsigned i, j;

	if (raw->servers_count) {
		d->services = calloc(raw->servers_count, sizeof(*d->services));
		if (!d->services)
			return -ENOMEM;
	}
	for (i = 0; i < raw->servers_count; i++) {
		const char *v, *why;

		snprintf(path, sizeof(path), "detect.services.servers[%u]", i);
		v = value_of(ld, path, raw->servers[i]);
		why = *v ? service_parse(v, &d->services[i], hint,
					 sizeof(hint)) :
			   "syntax";
		if (why && !strcmp(why, "host bits")) {
			snprintf(want, sizeof(want),
				 "a network address (host bits clear), "
				 "e.g. %s",
				 hint);
			return bad_value(ld, path, v, want);
		}
		if (why && !strcmp(why, "port"))
			return bad_value(ld, path, v, "a port 1..65535");
		if (why)
			return bad_value(ld, path, *v ? v : NULL,
					 "a server like 198.18.0.10:443, "
					 "[2001:db8::1]:80 or 198.18.0.0/24");
		d->n_services++;
	}
	if (raw->sni_count) {
		d->snis = calloc(raw->sni_count, sizeof(*d->snis));
		if (!d->snis)
			return -ENOMEM;
	}
	for (i = 0; i < raw->sni_count; i++) {
		const char *v;
		size_t k;

		snprintf(path, sizeof(path), "detect.services.sni[%u]", i);
		v = value_of(ld, path, raw->sni[i]);
		if (!*v || !sni_ok(v))
			return bad_value(ld, path, *v ? v : NULL,
					 "an exact server name like "
					 "www.example.com (no wildcards)");
		for (k = 0; v[k]; k++)
			d->snis[i][k] = (char)tolower((unsigned char)v[k]);
		for (j = 0; j < i; j++)
			if (!strcmp(d->snis[j], d->snis[i]))
				return bad_value(ld, path, v, "each name once");
		d->n_snis++;
	}
	return 0;
}

static int conv_detect(struct loader *ld, const struct raw_detect *raw)
{
	struct sw_detect_cfg *d = &ld->cfg->detect;
	const struct raw_campaign *cp = &raw->campaign;
	char want[96];
	uint64_t bytes;
	const char *v;
	int rc;

	rc = conv_u32(ld, "detect.client_capacity", raw->client_capacity, 1,
		      1u << 28, &d->client_capacity);
	if (!rc)
		rc = conv_u32(ld, "detect.sketch_capacity",
			      raw->sketch_capacity, 1, 1u << 28,
			      &d->sketch_capacity);
	v = rc ? NULL : value_of(ld, "detect.memory_cap", raw->memory_cap);
	if (v) {
		snprintf(want, sizeof(want),
			 "a size 1MiB..1TiB like 256MiB (units: B, KiB, MiB, "
			 "GiB, TiB, kB, MB, GB, TB)");
		if (!*v || sw_config_parse_size(v, &bytes) ||
		    bytes < (1ULL << 20) || bytes > (1ULL << 40))
			return bad_value(ld, "detect.memory_cap", *v ? v : NULL,
					 want);
		d->memory_cap_bytes = bytes;
	}
	if (!rc)
		rc = conv_u32(ld, "detect.alert_score", raw->alert_score, 0,
			      100, &d->alert_score);
	if (!rc)
		rc = conv_seconds(ld, "detect.update_interval",
				  raw->update_interval, 1, 86400,
				  &d->update_interval_s);
	if (!rc)
		rc = conv_seconds(ld, "detect.end_after", raw->end_after, 1,
				  7 * 86400, &d->end_after_s);
	if (!rc)
		rc = conv_u8(ld, "detect.campaign.prefix4", cp->prefix4, 8, 32,
			     &d->campaign_prefix4);
	if (!rc)
		rc = conv_u8(ld, "detect.campaign.prefix6", cp->prefix6, 16,
			     128, &d->campaign_prefix6);
	if (!rc)
		rc = conv_u32(ld, "detect.campaign.min_members",
			      cp->min_members, 2, 65536,
			      &d->campaign_min_members);
	if (!rc)
		rc = conv_exempt(ld, &raw->exempt);
	if (!rc)
		rc = conv_services(ld, &raw->services);
	return rc;
}

static int conv_general(struct loader *ld, const struct raw_general *raw)
{
	struct sw_config *c = ld->cfg;
	const char *v;
	int rc;

	rc = conv_enum(ld, "general.log_level", raw->log_level, log_level_names,
		       4, &c->log_level);
	v = rc ? NULL : value_of(ld, "general.run_as", raw->run_as);
	if (v) {
		/* "" is meaningful here: stay as the starting user. */
		if (!user_ok(v))
			return bad_value(ld, "general.run_as", v,
					 "a user name (letters, digits, _ - .) "
					 "or \"\" to keep the starting user");
		snprintf(c->run_as, sizeof(c->run_as), "%s", v);
	}
	return rc;
}

static int convert(struct loader *ld, const struct raw_top *raw)
{
	const char *v;
	int rc;

	rc = conv_general(ld, &raw->general);
	if (!rc)
		rc = conv_outputs(ld, raw);
	if (!rc)
		rc = conv_live(ld, &raw->live);
	v = rc ? NULL : value_of(ld, "metrics.listen", raw->metrics.listen);
	if (v) {
		if (*v && !listen_ok(v))
			return bad_value(ld, "metrics.listen", v,
					 "ADDRESS:PORT like 127.0.0.1:9909 or "
					 "[::1]:9909, or \"\" for off");
		snprintf(ld->cfg->metrics_listen,
			 sizeof(ld->cfg->metrics_listen), "%s", v);
	}
	if (!rc)
		rc = conv_flows(ld, &raw->flows);
	if (!rc)
		rc = conv_detect(ld, &raw->detect);
	return rc;
}

/* ---- Step 2 and the public face ---- */

static void cyaml_capture(cyaml_log_t level, void *ctx, const char *fmt,
			  va_list args)
{
	struct loader *ld = ctx;
	size_t n;

	if (level < CYAML_LOG_ERROR || ld->cyaml_msg[0])
		return;
	vsnprintf(ld->cyaml_msg, sizeof(ld->cyaml_msg), fmt, args);
	n = strlen(ld->cyaml_msg);
	while (n && ld->cyaml_msg[n - 1] == '\n')
		ld->cyaml_msg[--n] = '\0';
}

void sw_config_default(struct sw_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->log_level = SW_LOG_INFO;
	cfg->capture = SW_CAPTURE_XDP;
	cfg->xdp_mode = SW_XDP_NATIVE;
	sw_flow_table_default_cfg(&cfg->flows);
	sw_detect_default_cfg(&cfg->detect);
}

void sw_config_release(struct sw_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->n_outputs; i++)
		free(cfg->outputs[i]);
	free(cfg->outputs);
	free(cfg->interfaces);
	sw_detect_cfg_release(&cfg->detect);
	cfg->outputs = NULL;
	cfg->interfaces = NULL;
	cfg->n_outputs = cfg->n_interfaces = 0;
}

void sw_config_free(struct sw_config *cfg)
{
	sw_config_release(cfg);
	free(cfg);
}

struct sw_config *sw_config_load_data(const char *name, const void *data,
				      size_t len, char *errbuf)
{
	struct loader ld = { .name = name, .errbuf = errbuf };
	const cyaml_config_t cy = {
		.log_fn = cyaml_capture,
		.log_ctx = &ld,
		.mem_fn = cyaml_mem,
		.log_level = CYAML_LOG_ERROR,
		.flags = CYAML_CFG_NO_ALIAS,
	};
	struct raw_top *raw = NULL;
	cyaml_err_t cerr;
	int rc;

	ld.cfg = calloc(1, sizeof(*ld.cfg));
	if (!ld.cfg) {
		rc = -ENOMEM;
		goto cleanup;
	}
	sw_config_default(ld.cfg);
	snprintf(ld.cfg->source, sizeof(ld.cfg->source), "%s", name);
	if (len > SW_CONFIG_FILE_MAX) {
		rc = fail_at(&ld, 0, NULL,
			     "expected a config of at most %u bytes, got %zu",
			     SW_CONFIG_FILE_MAX, len);
		goto cleanup;
	}

	rc = walk_document(&ld, data, len);
	if (rc <= 0)
		goto cleanup;

	ld.cyaml_msg[0] = '\0';
	cerr = cyaml_load_data(data, len, &cy, &top_schema,
			       (cyaml_data_t **)&raw, NULL);
	if (cerr != CYAML_OK || !raw) {
		/* The walk checked the shape, so this is not expected. */
		rc = fail_at(&ld, 0, NULL, "libcyaml: %s%s%s",
			     cyaml_strerror(cerr), ld.cyaml_msg[0] ? ": " : "",
			     ld.cyaml_msg);
		if (cerr == CYAML_ERR_OOM)
			rc = -ENOMEM;
		goto cleanup;
	}
	rc = convert(&ld, raw);
	if (rc)
		goto cleanup;
	ld.cfg->detect.rules = ld.rules;
	ld.cfg->detect.n_rules = ld.n_rules;
	ld.rules = NULL;

cleanup:
	if (raw)
		cyaml_free(&cy, &top_schema, raw, 0);
	if (ld.seen || ld.doc.nodes.start)
		yaml_document_delete(&ld.doc);
	free(ld.seen);
	free(ld.lines);
	free(ld.rules);
	if (rc < 0) {
		if (rc == -ENOMEM)
			snprintf(errbuf, SW_CONFIG_ERRBUF_SIZE,
				 "%s: out of memory", name);
		sw_config_free(ld.cfg);
		errno = -rc;
		return NULL;
	}
	return ld.cfg;
}

struct sw_config *sw_config_load(const char *path, char *errbuf)
{
	struct sw_config *cfg = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int err = 0;

	fp = fopen(path, "rb");
	if (!fp) {
		err = errno;
		snprintf(errbuf, SW_CONFIG_ERRBUF_SIZE, "%s: %s", path,
			 strerror(err));
		goto cleanup;
	}
	buf = malloc(SW_CONFIG_FILE_MAX + 1);
	if (!buf) {
		err = ENOMEM;
		snprintf(errbuf, SW_CONFIG_ERRBUF_SIZE, "%s: %s", path,
			 strerror(err));
		goto cleanup;
	}
	len = fread(buf, 1, SW_CONFIG_FILE_MAX + 1, fp);
	if (ferror(fp)) {
		err = errno ? errno : EIO;
		snprintf(errbuf, SW_CONFIG_ERRBUF_SIZE, "%s: %s", path,
			 strerror(err));
		goto cleanup;
	}
	cfg = sw_config_load_data(path, buf, len, errbuf);
	if (!cfg)
		err = errno;

cleanup:
	if (fp)
		fclose(fp);
	free(buf);
	errno = err;
	return cfg;
}
