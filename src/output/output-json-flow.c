// SPDX-License-Identifier: BSD-2-Clause
/*
 * Flow records: one NDJSON object per flow as it leaves the table, with
 * ECS names (source is the client, destination the server) and the
 * scrapewatch.flow extras. docs/flow-record.md describes every field.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "output.h"

void sw_format_addr(int family, const uint8_t *addr, char *buf, size_t len)
{
	if (!inet_ntop(family == SW_FAMILY_IPV4 ? AF_INET : AF_INET6, addr, buf,
		       (socklen_t)len))
		snprintf(buf, len, "?");
}

static const char *const close_names[SW_CLOSE_MAX] = {
	[SW_CLOSE_NONE] = "open",
	[SW_CLOSE_FIN] = "fin",
	[SW_CLOSE_RST] = "rst",
	[SW_CLOSE_IDLE] = "idle",
	[SW_CLOSE_EVICTED] = "evicted",
	[SW_CLOSE_END_OF_INPUT] = "end_of_input",
	[SW_CLOSE_REUSED] = "reused",
};

static const char *origin_name(uint8_t origin)
{
	switch (origin) {
	case SW_ORIGIN_SYN:
		return "syn";
	case SW_ORIGIN_SYNACK:
		return "synack";
	default:
		return "port";
	}
}

static void add_endpoint(cJSON *obj, int family, const uint8_t *addr,
			 uint16_t port, uint64_t bytes, uint32_t packets)
{
	char ip[INET6_ADDRSTRLEN];

	sw_format_addr(family, addr, ip, sizeof(ip));
	cJSON_AddStringToObject(obj, "ip", ip);
	sw_json_add_count(obj, "port", port);
	sw_json_add_count(obj, "bytes", bytes);
	sw_json_add_count(obj, "packets", packets);
}

/*
 * Add a string that came off the wire: printable ASCII is kept, every other
 * byte becomes the four characters \xNN, and the result is capped, so it
 * is valid UTF-8, stays on one line and can't grow without bound.
 */
void sw_json_add_wire(cJSON *obj, const char *name, const uint8_t *s,
		      size_t len)
{
	char out[SW_WIRE_STRING_MAX + 1];
	size_t i, o = 0;

	for (i = 0; i < len && o + 4 < SW_WIRE_STRING_MAX; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') {
			out[o++] = (char)s[i];
		} else {
			snprintf(out + o, 5, "\\x%02x", s[i]);
			o += 4;
		}
	}
	out[o] = '\0';
	cJSON_AddStringToObject(obj, name, out);
}

static const char *tls_version_name(uint16_t v)
{
	switch (v) {
	case 0x0304:
		return "1.3";
	case 0x0303:
		return "1.2";
	case 0x0302:
		return "1.1";
	case 0x0301:
		return "1.0";
	case 0x0300:
		return "3.0";
	default:
		return NULL;
	}
}

static cJSON *child(cJSON *parent, const char *name)
{
	cJSON *o = cJSON_GetObjectItemCaseSensitive(parent, name);

	return o ? o : cJSON_AddObjectToObject(parent, name);
}

/* Does a User-Agent's claimed OS contradict the SYN's OS class? */
static const char *ua_os_mismatch(const struct sw_flow_http *r,
				  const char *os_class)
{
	char ua[SW_HTTP_UA_MAX + 1];
	int claims_windows, claims_apple;

	if (!os_class[0] || !(r->present & SW_HTTP_HAS_UA))
		return NULL;
	memcpy(ua, sw_flow_http_ua(r), r->ua_len);
	ua[r->ua_len] = '\0';
	claims_windows = strstr(ua, "Windows NT") != NULL;
	claims_apple = strstr(ua, "Macintosh") || strstr(ua, "iPhone") ||
		       strstr(ua, "iPad");
	if (claims_windows && strcmp(os_class, "windows") != 0)
		return "user_agent_os_vs_tcp";
	if (claims_apple && strcmp(os_class, "macos/ios") != 0 &&
	    strcmp(os_class, "bsd") != 0)
		return "user_agent_os_vs_tcp";
	return NULL;
}

static void add_fingerprints(cJSON *rec, cJSON *swo,
			     const struct sw_flow_fp *fp)
{
	cJSON *o, *c;
	const char *v, *mismatch = NULL;

	if (fp->tls) {
		const struct sw_flow_tls *t = fp->tls;

		o = child(rec, "tls");
		c = child(o, "client");
		cJSON_AddStringToObject(c, "ja3", t->ja3);
		cJSON_AddStringToObject(c, "ja4", t->ja4);
		if (t->sni_len)
			sw_json_add_wire(c, "server_name", t->sni, t->sni_len);
		sw_json_add_count(c, "supported_ciphers", t->n_ciphers);
		v = tls_version_name(t->version);
		if (v) {
			cJSON_AddStringToObject(o, "version", v);
			cJSON_AddStringToObject(o, "version_protocol", "tls");
		}
		o = child(swo, "tls");
		cJSON_AddStringToObject(o, "transport",
					t->transport == 'q' ? "quic" : "tcp");
		if (t->ja3_str)
			cJSON_AddStringToObject(o, "ja3_string", t->ja3_str);
		if (t->ja4_r)
			cJSON_AddStringToObject(o, "ja4_r", t->ja4_r);
		if (t->alpn_len)
			sw_json_add_wire(o, "alpn", t->alpn, t->alpn_len);
		cJSON_AddBoolToObject(o, "grease", t->grease);
	}
	if (fp->first_req) {
		const struct sw_flow_http *r = fp->first_req;

		o = child(child(rec, "http"), "request");
		sw_json_add_wire(o, "method", (const uint8_t *)r->method,
				 r->method_len);
		cJSON_AddStringToObject(child(rec, "http"), "version",
					r->version == 10 ? "1.0" : "1.1");
		sw_json_add_wire(child(rec, "url"), "path",
				 sw_flow_http_path(r), r->path_len);
		if (r->present & SW_HTTP_HAS_HOST)
			sw_json_add_wire(child(rec, "url"), "domain",
					 sw_flow_http_host(r), r->host_len);
		if (r->present & SW_HTTP_HAS_UA)
			sw_json_add_wire(child(rec, "user_agent"), "original",
					 sw_flow_http_ua(r), r->ua_len);
		o = child(swo, "http");
		if (r->present & SW_HTTP_HAS_ACCEPT_LANGUAGE)
			sw_json_add_wire(o, "accept_language",
					 sw_flow_http_accept_language(r),
					 r->accept_language_len);
		cJSON_AddStringToObject(o, "header_order_hash",
					r->hdr_order_hash);
		sw_json_add_count(o, "documents", fp->documents);
		sw_json_add_count(o, "assets", fp->assets);
		mismatch = ua_os_mismatch(r, fp->os_class);
	}
	if (fp->syn_sig[0] || fp->synack_sig[0]) {
		o = child(swo, "tcp");
		if (fp->syn_sig[0]) {
			cJSON_AddStringToObject(o, "signature", fp->syn_sig);
			cJSON_AddStringToObject(o, "os_class", fp->os_class);
			sw_json_add_count(o, "initial_ttl", fp->ittl);
		}
		if (fp->synack_sig[0])
			cJSON_AddStringToObject(o, "server_signature",
						fp->synack_sig);
	}
	if (mismatch)
		cJSON_AddStringToObject(child(swo, "fingerprint"), "mismatch",
					mismatch);
}

cJSON *sw_json_flow(const struct sw_flow *f, const struct sw_flow_fp *fp)
{
	const struct sw_flow_acct *a = &f->acct;
	uint8_t cflags = a->dir[SW_DIR_C2S].flags;
	uint8_t sflags = a->dir[SW_DIR_S2C].flags;
	uint64_t up = sw_acct_bytes(a, SW_DIR_C2S);
	uint64_t down = sw_acct_bytes(a, SW_DIR_S2C);
	const uint8_t *caddr, *saddr;
	uint16_t cport, sport;
	char ts[40];
	const char *dirs;
	cJSON *rec, *o, *sw;
	uint32_t req;
	int by;

	rec = cJSON_CreateObject();
	if (!rec)
		return NULL;
	sw_flow_client(f, &caddr, &cport);
	sw_flow_server(f, &saddr, &sport);

	sw_format_time(a->last_ns, ts, sizeof(ts));
	cJSON_AddStringToObject(rec, "@timestamp", ts);

	o = cJSON_AddObjectToObject(rec, "event");
	cJSON_AddStringToObject(o, "kind", "event");
	cJSON_AddStringToObject(o, "category", "network");
	cJSON_AddStringToObject(o, "type", "connection");
	cJSON_AddStringToObject(o, "dataset", "scrapewatch.flow");
	sw_format_time(a->first_ns, ts, sizeof(ts));
	cJSON_AddStringToObject(o, "start", ts);
	sw_format_time(a->last_ns, ts, sizeof(ts));
	cJSON_AddStringToObject(o, "end", ts);
	sw_json_add_count(o, "duration", (a->last_ns - a->first_ns));

	o = cJSON_AddObjectToObject(rec, "source");
	add_endpoint(o, f->key.family, caddr, cport, up,
		     a->dir[SW_DIR_C2S].packets);
	o = cJSON_AddObjectToObject(rec, "destination");
	add_endpoint(o, f->key.family, saddr, sport, down,
		     a->dir[SW_DIR_S2C].packets);

	o = cJSON_AddObjectToObject(rec, "network");
	cJSON_AddStringToObject(o, "transport",
				f->key.proto == SW_IPPROTO_TCP ? "tcp" : "udp");
	cJSON_AddStringToObject(
		o, "type", f->key.family == SW_FAMILY_IPV4 ? "ipv4" : "ipv6");
	sw_json_add_count(o, "bytes", (up + down));
	sw_json_add_count(o, "packets",
			  (uint64_t)a->dir[0].packets + a->dir[1].packets);

	if ((cflags & SW_DIRF_SEEN) && (sflags & SW_DIRF_SEEN))
		dirs = "both";
	else if (cflags & SW_DIRF_SEEN)
		dirs = "client";
	else
		dirs = "server";
	sw = cJSON_AddObjectToObject(rec, "scrapewatch");
	o = cJSON_AddObjectToObject(sw, "flow");
	sw_json_add_count(o, "turns", a->turns);
	/* One definition of requests for every flow: flow_table.h. */
	req = sw_flow_requests(f, fp ? fp->requests : 0, &by);
	sw_json_add_count(o, "requests", req);
	cJSON_AddStringToObject(o, "requests_by", sw_req_by_name(by));
	cJSON_AddStringToObject(o, "directions", dirs);
	cJSON_AddStringToObject(o, "close_reason",
				a->close_reason < SW_CLOSE_MAX ?
					close_names[a->close_reason] :
					"unknown");
	cJSON_AddStringToObject(o, "client_by", origin_name(a->origin));
	if (f->key.proto == SW_IPPROTO_TCP)
		cJSON_AddBoolToObject(o, "syn_seen",
				      (cflags & SW_DIRF_SYN) != 0);
	/* Pure ACKs were sampled (the XDP path): packet counts are the
	 * packets accounted, a lower bound; bytes and turns stay exact. */
	if (a->user_flags & SW_UF_PKTS_SAMPLED)
		cJSON_AddBoolToObject(o, "packets_sampled", 1);
	if (fp)
		add_fingerprints(rec, sw, fp);
	return rec;
}

void sw_json_flow_tunnel(cJSON *rec, const struct sw_tunnel *t)
{
	static const char *const id_names[SW_TUN_MAX] = {
		[SW_TUN_VXLAN] = "vni",
		[SW_TUN_GENEVE] = "vni",
		[SW_TUN_GRE] = "key",
		[SW_TUN_ERSPAN2] = "session_id",
		[SW_TUN_ERSPAN3] = "session_id",
		[SW_TUN_MPLS] = "label",
	};
	cJSON *sw = cJSON_GetObjectItemCaseSensitive(rec, "scrapewatch");
	cJSON *o;
	char ip[64];

	if (!sw)
		return;
	o = cJSON_AddObjectToObject(sw, "tunnel");
	cJSON_AddStringToObject(o, "type", sw_tunnel_name(t->type));
	sw_json_add_count(o, "depth", t->depth);
	/* MPLS straight over Ethernet has no outer IP endpoints. */
	if (t->family) {
		sw_format_addr(t->family, t->saddr, ip, sizeof(ip));
		cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "source"),
					"ip", ip);
		sw_format_addr(t->family, t->daddr, ip, sizeof(ip));
		cJSON_AddStringToObject(
			cJSON_AddObjectToObject(o, "destination"), "ip", ip);
	}
	if (t->has_id && t->type < SW_TUN_MAX && id_names[t->type])
		sw_json_add_count(o, id_names[t->type], t->id);
}
