// SPDX-License-Identifier: BSD-2-Clause
/*
 * Sink URIs: scheme://host[:port][/path][?a=b&c=d], with [v6]:port and,
 * for Kafka, a comma list of host:port. Every port is checked here, for
 * every scheme, so that a bad one is refused at start-up (exit 2) instead
 * of wrapping modulo 65536 or failing at the first connect. Kept apart
 * from the sink layer so that the fuzz harness (tests/fuzz/fuzz_sink_uri.c)
 * links it alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sink/sink-backend.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode in place. */
static void pct_decode(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
			*w++ = (char)(hexval(s[1]) * 16 + hexval(s[2]));
			s += 2;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* A port: 1 to 65535, decimal digits only (no sign, no blanks). */
static int port_ok(const char *s, size_t len)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 5)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v >= 1 && v <= 65535;
}

static int bad_port(const char *name, const char *port, size_t len,
		    char *errbuf)
{
	snprintf(errbuf, SW_SINK_ERRBUF,
		 "--output %s: port '%.*s': expected a number 1..65535", name,
		 (int)(len > 64 ? 64 : len), port);
	return -EINVAL;
}

/*
 * The port after host: (u->port), or, in a comma list of brokers, the
 * port of each one ("[v6]:port" or "host:port"). A port may be absent;
 * when it is there it must be a valid one.
 */
static int check_ports(const struct sw_uri *u, const char *name, char *errbuf)
{
	const char *e = u->host, *end, *port;

	if (u->port)
		return port_ok(u->port, strlen(u->port)) ?
			       0 :
			       bad_port(name, u->port, strlen(u->port), errbuf);
	if (!strchr(u->host, ','))
		return 0;
	for (; *e; e = *end ? end + 1 : end) {
		end = e + strcspn(e, ",");
		if (*e == '[') {
			port = memchr(e, ']', (size_t)(end - e));
			port = port && port + 1 < end && port[1] == ':' ?
				       port + 2 :
				       NULL;
		} else {
			port = memchr(e, ':', (size_t)(end - e));
			if (port) {
				const char *c;

				while ((c = memchr(port + 1, ':',
						   (size_t)(end - port - 1))))
					port = c;
				port++;
			}
		}
		if (port && !port_ok(port, (size_t)(end - port)))
			return bad_port(name, port, (size_t)(end - port),
					errbuf);
	}
	return 0;
}

void sw_uri_free(struct sw_uri *u)
{
	int i;

	free(u->scheme);
	free(u->host);
	free(u->port);
	free(u->path);
	free(u->base);
	for (i = 0; i < u->nopts; i++) {
		free(u->opts[i].name);
		free(u->opts[i].value);
	}
	memset(u, 0, sizeof(*u));
}

int sw_uri_parse(const char *uri, const char *name, struct sw_uri *u,
		 char *errbuf)
{
	const char *p, *auth, *auth_end, *q, *path_end;
	char *colon, *opt, *save = NULL, *qs = NULL;
	int rc;

	memset(u, 0, sizeof(*u));
	p = strstr(uri, "://");
	if (!p || p == uri) {
		snprintf(errbuf, SW_SINK_ERRBUF,
			 "--output %s: expected SCHEME://..., '-' or 'stdout'",
			 name);
		return -EINVAL;
	}
	u->scheme = strndup(uri, (size_t)(p - uri));
	auth = p + 3;
	auth_end = auth + strcspn(auth, "/?");
	u->host = strndup(auth, (size_t)(auth_end - auth));
	q = strchr(auth_end, '?');
	path_end = q ? q : auth_end + strlen(auth_end);
	u->path = strndup(*auth_end == '/' ? auth_end + 1 : auth_end,
			  (size_t)(path_end - auth_end) - (*auth_end == '/'));
	u->base = strndup(uri, (size_t)(path_end - uri));
	if (!u->scheme || !u->host || !u->path || !u->base)
		goto nomem;
	/* host:port, with [v6]:port */
	if (u->host[0] == '[') {
		char *rb = strchr(u->host, ']');

		if (rb && rb[1] == ':') {
			u->port = strdup(rb + 2);
			rb[1] = '\0';
		}
		if (rb) {
			memmove(u->host, u->host + 1, strlen(u->host));
			*strchr(u->host, ']') = '\0';
		}
	} else if (!strchr(u->host, ',') && (colon = strrchr(u->host, ':'))) {
		u->port = strdup(colon + 1);
		*colon = '\0';
	}
	rc = check_ports(u, name, errbuf);
	if (rc)
		return rc;
	pct_decode(u->path);
	if (q) {
		qs = strdup(q + 1);
		if (!qs)
			goto nomem;
		for (opt = strtok_r(qs, "&", &save); opt;
		     opt = strtok_r(NULL, "&", &save)) {
			char *eq = strchr(opt, '=');

			if (u->nopts == SW_SINK_MAX_OPTS) {
				snprintf(errbuf, SW_SINK_ERRBUF,
					 "--output %s: more than %d options",
					 name, SW_SINK_MAX_OPTS);
				free(qs);
				return -EINVAL;
			}
			if (eq)
				*eq = '\0';
			u->opts[u->nopts].name = strdup(opt);
			u->opts[u->nopts].value = strdup(eq ? eq + 1 : "");
			if (!u->opts[u->nopts].name ||
			    !u->opts[u->nopts].value) {
				u->nopts++;
				free(qs);
				goto nomem;
			}
			pct_decode(u->opts[u->nopts].value);
			u->nopts++;
		}
		free(qs);
	}
	return 0;
nomem:
	snprintf(errbuf, SW_SINK_ERRBUF, "--output %s: %s", name,
		 strerror(ENOMEM));
	return -ENOMEM;
}

const char *sw_uri_opt(struct sw_uri *u, const char *name, const char *def)
{
	int i;

	for (i = 0; i < u->nopts; i++)
		if (strcmp(u->opts[i].name, name) == 0) {
			u->opts[i].used = 1;
			return u->opts[i].value;
		}
	return def;
}
