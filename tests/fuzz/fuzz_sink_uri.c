// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness for the sink URI parser (src/sink/sink-uri.c), the
 * one every --output and every outputs[] entry of the config goes
 * through. Besides memory safety and leaks it checks the parser's
 * promises: a rejected URI gives -EINVAL or -ENOMEM and a message that
 * names it; an accepted one has a scheme, a port (when there is one) of
 * 1..65535 in decimal digits, the same for each broker of a comma list,
 * and at most SW_SINK_MAX_OPTS options.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sink/sink-backend.h"

#define FUZZ_CHECK(cond)                  \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

static int port_valid(const char *s, size_t len)
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

/* Each "host:port" of a comma list has a valid port after its last ':'
 * (or after "]:" for [v6]), or none. */
static void check_list(const char *h)
{
	const char *e, *end, *port, *c;

	for (e = h; *e; e = *end ? end + 1 : end) {
		end = e + strcspn(e, ",");
		if (*e == '[') {
			port = memchr(e, ']', (size_t)(end - e));
			if (!port || port + 1 >= end || port[1] != ':')
				continue;
			port += 2;
		} else {
			port = memchr(e, ':', (size_t)(end - e));
			if (!port)
				continue;
			while ((c = memchr(port + 1, ':',
					   (size_t)(end - port - 1))))
				port = c;
			port++;
		}
		FUZZ_CHECK(port_valid(port, (size_t)(end - port)));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[SW_SINK_ERRBUF];
	struct sw_uri u;
	char *s;
	int rc, i;

	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	err[0] = '\0';
	rc = sw_uri_parse(s, s, &u, err);
	if (rc) {
		FUZZ_CHECK(rc == -EINVAL || rc == -ENOMEM);
		FUZZ_CHECK(strncmp(err, "--output ", 9) == 0);
		FUZZ_CHECK(memchr(err, 0, sizeof(err)));
	} else {
		FUZZ_CHECK(u.scheme && u.scheme[0] && u.host && u.path &&
			   u.base);
		if (u.port)
			FUZZ_CHECK(port_valid(u.port, strlen(u.port)));
		else if (strchr(u.host, ','))
			check_list(u.host);
		FUZZ_CHECK(u.nopts >= 0 && u.nopts <= SW_SINK_MAX_OPTS);
		for (i = 0; i < u.nopts; i++)
			FUZZ_CHECK(u.opts[i].name && u.opts[i].value);
		if (u.nopts)
			FUZZ_CHECK(sw_uri_opt(&u, u.opts[0].name, NULL) ==
				   u.opts[0].value);
	}
	sw_uri_free(&u);
	free(s);
	return 0;
}
