// SPDX-License-Identifier: BSD-2-Clause
/*
 * Step 1 of loading a config: libyaml builds the document tree and we walk
 * it against the libcyaml schema. Every key must be one the schema names
 * (else "unknown key", with a did-you-mean), every value must have the
 * schema's shape, no key twice, no aliases. The walk records the line of
 * every key and list entry, because libcyaml's own messages point at the
 * enclosing mapping rather than the key. `detect.rules` is keyed by rule
 * ID, which a fixed schema cannot express, so it is read here, against the
 * detector's own rule catalogue (sw_detect_rules()): an ID the detector
 * does not know is an error with its line, and a field left out takes the
 * rule's default from the catalogue. Also the messages: "FILE:LINE: KEY:
 * expected ..., got ...".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config-int.h"
#include "detect/detect.h"

/*
 * Keys that no command of this build reads yet: check-config names them
 * when they are set. Drop an entry when its reader arrives ("detect" with
 * the detector, "live" with live capture, ...).
 */
static const char *const unread_keys[] = {
	NULL, /* every key is read by this build */
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

__attribute__((format(printf, 4, 5))) int sw_cfg_fail(struct loader *ld,
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

const struct key_line *sw_cfg_find_line(const struct loader *ld,
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
int sw_cfg_bad_value(struct loader *ld, const char *path, const char *raw,
		     const char *expected)
{
	const struct key_line *kl = sw_cfg_find_line(ld, path);
	char got[96];

	if (!raw) {
		return sw_cfg_fail(ld, kl ? kl->line : 0, path,
				   "expected %s, got nothing", expected);
	}
	esc(raw, strlen(raw), got, sizeof(got));
	return sw_cfg_fail(ld, kl ? kl->line : 0, path,
			   "expected %s, got \"%s\"", expected, got);
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
		return sw_cfg_fail(ld, line, where,
				   "unknown key; did you mean \"%s\"?",
				   best->key);
	return sw_cfg_fail(ld, line, where, "unknown key; expected one of: %s",
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
		sw_cfg_fail(ld, at_line, path, "malformed document");
		return NULL;
	}
	if (ld->seen[id - 1]) {
		sw_cfg_fail(
			ld, at_line ? at_line : node_line(n), path,
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
		return sw_cfg_fail(ld, node_line(n), path,
				   "expected %s, got nothing%s", want,
				   strcmp(want, "a list") == 0 ?
					   " (write [] for an empty list)" :
				   strcmp(want, "a mapping") == 0 ?
					   " (write {} or leave the key out)" :
					   "");
	if (n->type == YAML_SCALAR_NODE) {
		esc((const char *)n->data.scalar.value, n->data.scalar.length,
		    got, sizeof(got));
		return sw_cfg_fail(ld, node_line(n), path,
				   "expected %s, got \"%s\"", want, got);
	}
	/* "[2001:db8::1]:80" and "-" unquoted read as a list or a mapping. */
	return sw_cfg_fail(ld, node_line(n), path, "expected %s, got %s%s",
			   want, node_kind(n),
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
		return sw_cfg_fail(ld, node_line(n), path,
				   "expected text, got a NUL byte");
	return note_line(ld, path, node_line(n), scalar_is_null(n));
}

static int walk_value(struct loader *ld, const yaml_node_t *n,
		      const cyaml_schema_value_t *schema, const char *path);

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
		if (!v || sw_cfg_parse_bool(v, &r->enabled))
			return sw_cfg_bad_value(ld, path, v, "true or false");
	} else if (strcmp(k, "threshold") == 0) {
		if (!v || sw_cfg_parse_real(v, 0, 1e15, &r->threshold))
			return sw_cfg_bad_value(
				ld, path, v,
				"a number, 0 or more, in the rule's "
				"unit");
	} else {
		if (!v || sw_cfg_parse_real(v, 0, 100, &r->points))
			return sw_cfg_bad_value(ld, path, v, "a number 0..100");
	}
	return 0;
}

/* The detector's catalogue entry for an ID, or NULL with the known IDs
 * listed in known (", "-separated). */
static const struct sw_rule_info *rule_lookup(const char *id, size_t len,
					      char *known, size_t knownlen)
{
	const struct sw_rule_info *info;
	size_t n = sw_detect_rules(&info), i, o = 0;

	for (i = 0; i < n; i++)
		if (strlen(info[i].id) == len &&
		    memcmp(info[i].id, id, len) == 0)
			return &info[i];
	known[0] = '\0';
	for (i = 0; i < n && o < knownlen; i++)
		o += (size_t)snprintf(known + o, knownlen - o, "%s%s",
				      i ? ", " : "", info[i].id);
	return NULL;
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
		return sw_cfg_fail(ld, node_line(n), path,
				   "expected at most %u rules, got %zu",
				   RULES_MAX, count);
	if (!count)
		return 0;
	ld->rules = calloc(count, sizeof(*ld->rules));
	if (!ld->rules)
		return -ENOMEM;
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		struct sw_rule_cfg *r = &ld->rules[ld->n_rules];
		yaml_node_t *key = get_node(ld, p->key, path, 0), *val;
		const struct sw_rule_info *info;
		char rpath[PATH_MAX_LEN], id[96], known[256];

		if (!key)
			return -EINVAL;
		if (key->type != YAML_SCALAR_NODE)
			return shape_error(ld, key, path, "a rule ID as key");
		esc((const char *)key->data.scalar.value,
		    key->data.scalar.length, id, sizeof(id));
		path_join(rpath, sizeof(rpath), path, id);
		if (!sw_cfg_rule_id_ok((const char *)key->data.scalar.value,
				       key->data.scalar.length))
			return sw_cfg_fail(ld, node_line(key), rpath,
					   "expected a rule ID like SW-R001 "
					   "(SW-, capital letters, digits)");
		info = rule_lookup((const char *)key->data.scalar.value,
				   key->data.scalar.length, known,
				   sizeof(known));
		if (!info)
			return sw_cfg_fail(ld, node_line(key), rpath,
					   "unknown rule ID; the detector's "
					   "rules are: %s",
					   known);
		for (q = n->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *k2 =
				yaml_document_get_node(&ld->doc, q->key);

			if (k2 && strcmp((const char *)k2->data.scalar.value,
					 id) == 0)
				return sw_cfg_fail(ld, node_line(key), rpath,
						   "rule given twice (first at "
						   "line %u)",
						   node_line(k2));
		}
		memcpy(r->id, id,
		       key->data.scalar.length); /* < SW_RULE_ID_MAX */
		/* Fields left out keep the rule's own defaults. */
		r->enabled = 1;
		r->threshold = info->threshold;
		r->points = info->points;
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
					return sw_cfg_fail(
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
		if (!unread_keys[i] || strcmp(path, unread_keys[i]) != 0)
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
				return sw_cfg_fail(
					ld, node_line(key), sub,
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
			return sw_cfg_fail(
				ld, node_line(n), path,
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
		return sw_cfg_fail(ld, 0, path, "internal: schema type %d",
				   schema->type);
	}
}

/*
 * Caps checked on the event stream before libyaml builds the document:
 * its loader (and the scanner's simple-key list in flow context) take
 * time that grows faster than the square of the nesting depth, so a
 * hostile file of 600 KB could stall check-config for minutes. The
 * deepest key a config has is 5 levels down, and every list at its
 * SW_CONFIG_LIST_MAX entries stays far below the node cap.
 */
#define CFG_DEPTH_MAX 64
#define CFG_NODES_MAX (1u << 17)

static int prescan(struct loader *ld, const void *data, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	unsigned depth = 0, nodes = 0;
	int rc = 0, done = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, data, len);
	while (!done && !rc) {
		if (!yaml_parser_parse(&parser, &ev))
			break; /* the loader reports syntax errors */
		switch (ev.type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > CFG_DEPTH_MAX)
				rc = sw_cfg_fail(
					ld, (unsigned)ev.start_mark.line + 1,
					NULL,
					"nested deeper than %d levels; a "
					"config needs at most 5 (see "
					"etc/scrapewatch.yaml)",
					CFG_DEPTH_MAX);
			/* fall through */
		case YAML_SCALAR_EVENT:
		case YAML_ALIAS_EVENT:
			if (!rc && ++nodes > CFG_NODES_MAX)
				rc = sw_cfg_fail(
					ld, (unsigned)ev.start_mark.line + 1,
					NULL,
					"more than %u YAML nodes (keys, "
					"values and lists); a config needs "
					"far fewer",
					CFG_NODES_MAX);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return rc;
}

/* Parse the document tree; 1 if it holds a mapping to load, 0 if empty. */
int sw_cfg_walk(struct loader *ld, const void *data, size_t len,
		const cyaml_schema_value_t *top_schema)
{
	yaml_parser_t parser;
	yaml_document_t extra;
	yaml_node_t *root;
	int rc = 0, more;

	rc = prescan(ld, data, len);
	if (rc)
		return rc;
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, data, len);
	if (!yaml_parser_load(&parser, &ld->doc)) {
		rc = sw_cfg_fail(ld, (unsigned)parser.problem_mark.line + 1,
				 NULL, "YAML syntax: %s%s%s",
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
			rc = sw_cfg_fail(
				ld, (unsigned)parser.problem_mark.line + 1,
				NULL, "YAML syntax: %s%s%s",
				parser.problem ? parser.problem : "error",
				parser.context ? " " : "",
				parser.context ? parser.context : "");
			yaml_parser_delete(&parser);
			return rc;
		}
		more = yaml_document_get_root_node(&extra) != NULL;
		if (more)
			rc = sw_cfg_fail(
				ld, (unsigned)extra.start_mark.line + 1, NULL,
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
				   "live, metrics, flows, decode, "
				   "detect)");
	ld->seen[0] = 1;
	rc = walk_value(ld, root, top_schema, "");
	return rc ? rc : 1;
}
