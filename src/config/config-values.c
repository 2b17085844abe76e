// SPDX-License-Identifier: BSD-2-Clause
/*
 * The value syntaxes of the config file, as pure functions of a string:
 * integers, sizes with units, durations, address prefixes, servers, and
 * the checks on fingerprints, names and URIs. No YAML here, so the command
 * line and the tests can use the same parsers.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/units.h"
#include "config/config-int.h"
#include "sink/sink-backend.h"
#include "scrapewatch/flow_kern_user.h"

/* Rule ID syntax: SW-[A-Z]+[0-9]+; whether it exists is the detector's. */
int sw_cfg_rule_id_ok(const char *s, size_t len)
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

int sw_cfg_parse_bool(const char *s, int *out)
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
int sw_cfg_parse_real(const char *s, double lo, double hi, double *out)
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

int sw_cfg_parse_u64(const char *s, const char **end, uint64_t *out)
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

/* The grammar is shared with the command line and the sink URIs. */
int sw_config_parse_size(const char *s, uint64_t *bytes)
{
	return sw_parse_size(s, bytes);
}

int sw_config_parse_duration(const char *s, uint64_t *ns)
{
	return sw_parse_duration(s, ns);
}

/* Why a prefix is refused, for the message; NULL if it is fine. */
const char *sw_cfg_cidr_parse(const char *s, struct sw_cidr *out, char *hint,
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
	if (slash &&
	    (sw_cfg_parse_u64(slash + 1, &end, &len) || *end || len > max))
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

	return sw_cfg_cidr_parse(s, out, hint, sizeof(hint)) ? -EINVAL : 0;
}

/* 198.18.0.10:443, 198.18.0.0/24, [2001:db8::1]:80, 2001:db8::/32 */
const char *sw_cfg_service_parse(const char *s, struct sw_service *out,
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
	why = sw_cfg_cidr_parse(host, &out->net, hint, hintlen);
	if (why)
		return why;
	if (port) {
		if (sw_cfg_parse_u64(port, &end, &p) || *end || p == 0 ||
		    p > 65535)
			return "port";
		out->port = (uint16_t)p;
	}
	return NULL;
}

int sw_config_parse_service(const char *s, struct sw_service *out)
{
	char hint[64];

	return sw_cfg_service_parse(s, out, hint, sizeof(hint)) ? -EINVAL : 0;
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
int sw_cfg_ja4_ok(const char *s)
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
int sw_cfg_tcp_sig_ok(const char *s)
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
int sw_cfg_sni_ok(const char *s)
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

int sw_cfg_ifname_ok(const char *s)
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

int sw_cfg_user_ok(const char *s)
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
int sw_cfg_listen_ok(const char *s)
{
	struct sw_service svc;
	char hint[64];

	if (strlen(s) >= SW_CONFIG_ADDR_MAX || strchr(s, '/'))
		return 0;
	if (sw_cfg_service_parse(s, &svc, hint, sizeof(hint)) || !svc.port)
		return 0;
	/* A bare IPv6 address has no port: sw_cfg_service_parse took it whole. */
	return svc.net.family == SW_FAMILY_IPV4 || s[0] == '[';
}

/* The scheme is one we know, and the URI parses as --output parses it
 * (every port 1..65535). */
int sw_cfg_output_ok(const char *s)
{
	static const char *const schemes[] = {
		"file:///", "syslog+udp://", "syslog+tcp://", "syslog+tls://",
		"http://",  "https://",	     "kafka://",
	};
	char errbuf[SW_SINK_ERRBUF];
	struct sw_uri u;
	size_t i, n;
	int rc;

	if (!strcmp(s, "-") || !strcmp(s, "stdout"))
		return 1;
	if (!printable(s) || strchr(s, ' '))
		return 0;
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		n = strlen(schemes[i]);
		if (!strncmp(s, schemes[i], n)) {
			if (s[n] == '\0')
				return 0;
			rc = sw_uri_parse(s, s, &u, errbuf);
			sw_uri_free(&u);
			return rc == 0;
		}
	}
	return 0;
}

int sw_cfg_ja3_ok(const char *s)
{
	return strlen(s) == 32 && is_hex(s, 32);
}

int sw_cfg_ua_ok(const char *s)
{
	return printable(s);
}
