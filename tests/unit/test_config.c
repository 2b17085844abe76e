// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of the config loader (src/config/): the defaults, every key
 * read into its field, the unit suffixes, address prefix and service
 * parsing, and each error message with the line it names. Rule IDs are
 * checked against the detector's catalogue (sw_detect_rules()).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "config/config.h"
#include "detect/detect.h"

#define EXPECT_EQ(what, actual, expected)                                      \
	do {                                                                   \
		uint64_t got_ = (uint64_t)(actual);                            \
		uint64_t want_ = (uint64_t)(expected);                         \
		if (got_ != want_)                                             \
			fail_msg("%s: got %" PRIu64 ", want %" PRIu64, (what), \
				 got_, want_);                                 \
	} while (0)

#define EXPECT_STR(what, actual, expected)                              \
	do {                                                            \
		if (strcmp((actual), (expected)) != 0)                  \
			fail_msg("%s: got \"%s\", want \"%s\"", (what), \
				 (actual), (expected));                 \
	} while (0)

#define NS 1000000000ULL

static struct sw_config *load(const char *yaml, char *err)
{
	err[0] = '\0';
	return sw_config_load_data("t.yaml", yaml, strlen(yaml), err);
}

static struct sw_config *load_ok(const char *yaml)
{
	char err[SW_CONFIG_ERRBUF_SIZE];
	struct sw_config *c = load(yaml, err);

	if (!c)
		fail_msg("load failed: %s\n--- input:\n%s", err, yaml);
	return c;
}

static void test_defaults(void **state)
{
	struct sw_flow_table_cfg ft;
	struct sw_detect_cfg dc;
	struct sw_config c, *e;

	(void)state;
	sw_config_default(&c);
	sw_flow_table_default_cfg(&ft);
	sw_detect_default_cfg(&dc);
	if (memcmp(&c.flows, &ft, sizeof(ft)) != 0)
		fail_msg(
			"flows: defaults differ from sw_flow_table_default_cfg");
	if (memcmp(&c.detect, &dc, sizeof(dc)) != 0)
		fail_msg("detect: defaults differ from sw_detect_default_cfg");
	EXPECT_EQ("log_level", c.log_level, SW_LOG_INFO);
	EXPECT_EQ("capture", c.capture, SW_CAPTURE_XDP);
	EXPECT_EQ("xdp_mode", c.xdp_mode, SW_CONFIG_XDP_NATIVE);
	EXPECT_EQ("n_outputs", c.n_outputs, 0);
	EXPECT_STR("metrics_listen", c.metrics_listen, "");
	EXPECT_STR("run_as", c.run_as, "");

	/* An empty file, and one of only comments, are the defaults too. */
	e = load_ok("");
	if (memcmp(&e->flows, &ft, sizeof(ft)) != 0 ||
	    memcmp(&e->detect, &dc, sizeof(dc)) != 0)
		fail_msg("empty file: not the defaults");
	EXPECT_STR("empty file: unread", e->unread, "");
	sw_config_free(e);
	e = load_ok("# nothing here\n---\n");
	EXPECT_EQ("comments only: max_flows", e->flows.max_flows, 196608);
	sw_config_free(e);
	sw_config_free(NULL);
}

static const char full_yaml[] =
	"general:\n"
	"  log_level: debug\n"
	"  run_as: scrapewatch\n"
	"outputs: [\"-\", \"file:///var/log/sw.json\"]\n"
	"live:\n"
	"  interfaces: [eth0, ens1f1]\n"
	"  capture: afxdp\n"
	"  xdp_mode: generic\n"
	"metrics:\n"
	"  listen: \"[::1]:9909\"\n"
	"flows:\n"
	"  max_flows: 1000\n"
	"  timeouts:\n"
	"    tcp_new: 5\n"
	"    tcp_established: 10m\n"
	"    tcp_closing: 1500ms\n"
	"    tcp_closed: 1s\n"
	"    udp: 2h\n"
	"  udp_turn_gap: 250ms\n"
	"detect:\n"
	"  client_capacity: 1024\n"
	"  sketch_capacity: 512\n"
	"  memory_cap: 64 MiB\n"
	"  alert_score: 75\n"
	"  update_interval: 2m\n"
	"  end_after: 1d\n"
	"  admit_events: 4\n"
	"  per_host_volume: off\n"
	"  campaign:\n"
	"    prefix4: 16\n"
	"    prefix6: 56\n"
	"    min_members: 8\n"
	"    history: 2h\n"
	"  rules:\n"
	"    SW-R001: {enabled: false}\n"
	"    SW-C002:\n"
	"      threshold: 2.5\n"
	"      points: 40\n"
	"  exempt:\n"
	"    cidrs: [198.18.0.0/24, \"2001:db8:1::/48\", 198.18.1.7]\n"
	"    ja4: [t13d1516h2_8daaf6152771_02713D6AF862]\n"
	"    ja3: [E7D705A3286E19EA42F587B344EE6865]\n"
	"    tcp_signatures: [\"4:64+0:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0\"]\n"
	"    user_agents: [\"Pingdom.com_bot\"]\n"
	"  services:\n"
	"    servers: [\"198.18.0.10:443\", \"[2001:db8::1]:80\", "
	"198.18.0.0/24, \"2001:db8::/32\"]\n"
	"    sni: [WWW.Example.com, shop.example.com]\n";

static void test_every_key(void **state)
{
	struct sw_config *c = load_ok(full_yaml);
	const struct sw_detect_cfg *d = &c->detect;
	const struct sw_rule_info *info;
	char a[INET6_ADDRSTRLEN], err[256];
	size_t i, n;

	(void)state;
	EXPECT_EQ("general.log_level", c->log_level, SW_LOG_DEBUG);
	EXPECT_STR("general.run_as", c->run_as, "scrapewatch");
	EXPECT_EQ("outputs count", c->n_outputs, 2);
	EXPECT_STR("outputs[0]", c->outputs[0], "-");
	EXPECT_STR("outputs[1]", c->outputs[1], "file:///var/log/sw.json");
	EXPECT_EQ("live.interfaces count", c->n_interfaces, 2);
	EXPECT_STR("live.interfaces[1]", c->interfaces[1], "ens1f1");
	EXPECT_EQ("live.capture", c->capture, SW_CAPTURE_AFXDP);
	EXPECT_EQ("live.xdp_mode", c->xdp_mode, SW_CONFIG_XDP_GENERIC);
	EXPECT_STR("metrics.listen", c->metrics_listen, "[::1]:9909");

	EXPECT_EQ("flows.max_flows", c->flows.max_flows, 1000);
	EXPECT_EQ("tcp_new", c->flows.tcp_new_timeout_ns, 5 * NS);
	EXPECT_EQ("tcp_established", c->flows.tcp_established_timeout_ns,
		  600 * NS);
	EXPECT_EQ("tcp_closing", c->flows.tcp_closing_timeout_ns,
		  1500000000ULL);
	EXPECT_EQ("tcp_closed", c->flows.tcp_closed_timeout_ns, NS);
	EXPECT_EQ("udp", c->flows.udp_timeout_ns, 7200 * NS);
	EXPECT_EQ("udp_turn_gap", c->flows.acct.udp_turn_gap_ns, 250000000ULL);

	EXPECT_EQ("client_capacity", d->client_capacity, 1024);
	EXPECT_EQ("sketch_capacity", d->sketch_capacity, 512);
	EXPECT_EQ("memory_cap", d->memory_cap_bytes, 64ULL << 20);
	EXPECT_EQ("alert_score", d->alert_score, 75);
	EXPECT_EQ("update_interval", d->update_interval_s, 120);
	EXPECT_EQ("end_after", d->end_after_s, 86400);
	EXPECT_EQ("campaign.prefix4", d->campaign_prefix4, 16);
	EXPECT_EQ("campaign.prefix6", d->campaign_prefix6, 56);
	EXPECT_EQ("campaign.min_members", d->campaign_min_members, 8);
	EXPECT_EQ("campaign.history", d->campaign_history_s, 7200);
	EXPECT_EQ("admit_events", d->admit_events, 4);
	EXPECT_EQ("per_host_volume", d->per_host_volume, 0);

	EXPECT_EQ("rules count", d->n_rules, 2);
	EXPECT_STR("rules[0].id", d->rules[0].id, "SW-R001");
	EXPECT_EQ("rules[0].enabled", d->rules[0].enabled, 0);
	/* Fields left out hold the detector's defaults for the rule. */
	n = sw_detect_rules(&info);
	for (i = 0; i < n && strcmp(info[i].id, "SW-R001"); i++)
		;
	if (i == n)
		fail_msg("SW-R001 is not in the detector's catalogue");
	if (d->rules[0].threshold != info[i].threshold ||
	    d->rules[0].points != info[i].points)
		fail_msg("rules[0]: got threshold %g points %g, want the "
			 "defaults %g %g",
			 d->rules[0].threshold, d->rules[0].points,
			 info[i].threshold, info[i].points);
	EXPECT_STR("rules[1].id", d->rules[1].id, "SW-C002");
	EXPECT_EQ("rules[1].enabled", d->rules[1].enabled, 1);
	if (d->rules[1].threshold != 2.5 || d->rules[1].points != 40)
		fail_msg("rules[1]: got threshold %g points %g, want 2.5 40",
			 d->rules[1].threshold, d->rules[1].points);

	EXPECT_EQ("exempt nets", d->n_exempt_nets, 3);
	EXPECT_EQ("exempt nets[0] family", d->exempt_nets[0].family, 4);
	EXPECT_EQ("exempt nets[0] len", d->exempt_nets[0].prefix_len, 24);
	EXPECT_EQ("exempt nets[1] family", d->exempt_nets[1].family, 6);
	EXPECT_EQ("exempt nets[1] len", d->exempt_nets[1].prefix_len, 48);
	EXPECT_EQ("exempt nets[2] len (bare address)",
		  d->exempt_nets[2].prefix_len, 32);
	inet_ntop(AF_INET, d->exempt_nets[2].addr, a, sizeof(a));
	EXPECT_STR("exempt nets[2] addr", a, "198.18.1.7");

	EXPECT_EQ("exempt fps", d->n_exempt_fps, 4);
	EXPECT_EQ("fps[0] kind", d->exempt_fps[0].kind, SW_FP_JA4);
	EXPECT_STR("fps[0] ja4 lowercased", d->exempt_fps[0].value,
		   "t13d1516h2_8daaf6152771_02713d6af862");
	EXPECT_EQ("fps[1] kind", d->exempt_fps[1].kind, SW_FP_JA3);
	EXPECT_STR("fps[1] ja3 lowercased", d->exempt_fps[1].value,
		   "e7d705a3286e19ea42f587b344ee6865");
	EXPECT_EQ("fps[2] kind", d->exempt_fps[2].kind, SW_FP_TCP_SIG);
	EXPECT_EQ("fps[3] kind", d->exempt_fps[3].kind, SW_FP_USER_AGENT);
	EXPECT_STR("fps[3] ua kept as written", d->exempt_fps[3].value,
		   "Pingdom.com_bot");

	EXPECT_EQ("services", d->n_services, 4);
	EXPECT_EQ("services[0] port", d->services[0].port, 443);
	EXPECT_EQ("services[0] len", d->services[0].net.prefix_len, 32);
	EXPECT_EQ("services[1] family", d->services[1].net.family, 6);
	EXPECT_EQ("services[1] port", d->services[1].port, 80);
	EXPECT_EQ("services[2] port (any)", d->services[2].port, 0);
	EXPECT_EQ("services[2] len", d->services[2].net.prefix_len, 24);
	EXPECT_EQ("services[3] len", d->services[3].net.prefix_len, 32);
	EXPECT_EQ("services[3] family", d->services[3].net.family, 6);
	EXPECT_EQ("snis", d->n_snis, 2);
	EXPECT_STR("sni[0] lowercased", d->snis[0], "www.example.com");

	/* Every key is read by this build: nothing for check-config to
	 * name as unread. */
	EXPECT_STR("unread", c->unread, "");
	EXPECT_STR("source", c->source, "t.yaml");
	/* What the loader accepts, the detector accepts. */
	if (sw_detect_check_cfg(d, err, sizeof(err)) != 0)
		fail_msg("the detector refuses the loaded config: %s", err);
	sw_config_free(c);
}

static void test_units(void **state)
{
	static const struct {
		const char *in;
		int ok;
		uint64_t want;
	} sizes[] = {
		{ "0", 1, 0 },
		{ "4096", 1, 4096 },
		{ "10B", 1, 10 },
		{ "256MiB", 1, 256ULL << 20 },
		{ "256 MiB", 1, 256ULL << 20 },
		{ "2KiB", 1, 2048 },
		{ "3GiB", 1, 3ULL << 30 },
		{ "1TiB", 1, 1ULL << 40 },
		{ "5kB", 1, 5000 },
		{ "5MB", 1, 5000000 },
		{ "5GB", 1, 5000000000ULL },
		{ "2TB", 1, 2000000000000ULL },
		{ "256mb", 0, 0 },
		{ "1.5GiB", 0, 0 },
		{ "-1", 0, 0 },
		{ "MiB", 0, 0 },
		{ "", 0, 0 },
		{ "99999999999999999999", 0, 0 },
		{ "20000000TiB", 0, 0 },
	};
	static const struct {
		const char *in;
		int ok;
		uint64_t want_ns;
	} durs[] = {
		{ "30", 1, 30 * NS },
		{ "30s", 1, 30 * NS },
		{ "500ms", 1, 500000000ULL },
		{ "5m", 1, 300 * NS },
		{ "2h", 1, 7200 * NS },
		{ "1d", 1, 86400 * NS },
		{ "0", 1, 0 },
		{ "1.5s", 0, 0 },
		{ "5 s", 0, 0 },
		{ "5sec", 0, 0 },
		{ "s", 0, 0 },
		{ "-5", 0, 0 },
	};
	char what[64];
	uint64_t v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		int rc = sw_config_parse_size(sizes[i].in, &v);

		snprintf(what, sizeof(what), "size \"%s\" accepted",
			 sizes[i].in);
		EXPECT_EQ(what, rc == 0, sizes[i].ok);
		snprintf(what, sizeof(what), "size \"%s\"", sizes[i].in);
		if (sizes[i].ok)
			EXPECT_EQ(what, v, sizes[i].want);
	}
	for (i = 0; i < sizeof(durs) / sizeof(durs[0]); i++) {
		int rc = sw_config_parse_duration(durs[i].in, &v);

		snprintf(what, sizeof(what), "duration \"%s\" accepted",
			 durs[i].in);
		EXPECT_EQ(what, rc == 0, durs[i].ok);
		snprintf(what, sizeof(what), "duration \"%s\"", durs[i].in);
		if (durs[i].ok)
			EXPECT_EQ(what, v, durs[i].want_ns);
	}
}

static void test_cidr_and_service(void **state)
{
	static const struct {
		const char *in;
		int ok;
		unsigned family, len;
		const char *addr;
	} cidrs[] = {
		{ "198.18.0.0/15", 1, 4, 15, "198.18.0.0" },
		{ "198.18.5.1", 1, 4, 32, "198.18.5.1" },
		{ "0.0.0.0/0", 1, 4, 0, "0.0.0.0" },
		{ "2001:db8::/32", 1, 6, 32, "2001:db8::" },
		{ "2001:db8::1", 1, 6, 128, "2001:db8::1" },
		{ "198.18.0.1/24", 0, 0, 0, NULL }, /* host bits set */
		{ "2001:db8::1/64", 0, 0, 0, NULL },
		{ "198.18.0.0/33", 0, 0, 0, NULL },
		{ "2001:db8::/129", 0, 0, 0, NULL },
		{ "198.18.0.0/", 0, 0, 0, NULL },
		{ "198.18.0/24", 0, 0, 0, NULL },
		{ "198.18.0.300", 0, 0, 0, NULL },
		{ "example.com", 0, 0, 0, NULL },
		{ "", 0, 0, 0, NULL },
	};
	static const struct {
		const char *in;
		int ok;
		unsigned family, len, port;
	} svcs[] = {
		{ "198.18.0.10:443", 1, 4, 32, 443 },
		{ "198.18.0.10", 1, 4, 32, 0 },
		{ "198.18.0.0/24", 1, 4, 24, 0 },
		{ "198.18.0.0/24:8443", 1, 4, 24, 8443 },
		{ "[2001:db8::1]:80", 1, 6, 128, 80 },
		{ "[2001:db8::/32]:443", 1, 6, 32, 443 },
		{ "2001:db8::/32", 1, 6, 32, 0 },
		{ "2001:db8::1", 1, 6, 128, 0 },
		{ "198.18.0.10:0", 0, 0, 0, 0 },
		{ "198.18.0.10:65536", 0, 0, 0, 0 },
		{ "198.18.0.10:http", 0, 0, 0, 0 },
		{ "[2001:db8::1]80", 0, 0, 0, 0 },
		{ "[2001:db8::1", 0, 0, 0, 0 },
		{ "[198.18.0.1]:", 0, 0, 0, 0 },
		{ ":443", 0, 0, 0, 0 },
	};
	char what[80], a[INET6_ADDRSTRLEN];
	struct sw_service s;
	struct sw_cidr c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cidrs) / sizeof(cidrs[0]); i++) {
		int rc = sw_config_parse_cidr(cidrs[i].in, &c);

		snprintf(what, sizeof(what), "cidr \"%s\" accepted",
			 cidrs[i].in);
		EXPECT_EQ(what, rc == 0, cidrs[i].ok);
		if (!cidrs[i].ok)
			continue;
		snprintf(what, sizeof(what), "cidr \"%s\" family", cidrs[i].in);
		EXPECT_EQ(what, c.family, cidrs[i].family);
		snprintf(what, sizeof(what), "cidr \"%s\" len", cidrs[i].in);
		EXPECT_EQ(what, c.prefix_len, cidrs[i].len);
		inet_ntop(c.family == 4 ? AF_INET : AF_INET6, c.addr, a,
			  sizeof(a));
		snprintf(what, sizeof(what), "cidr \"%s\" address",
			 cidrs[i].in);
		EXPECT_STR(what, a, cidrs[i].addr);
	}
	for (i = 0; i < sizeof(svcs) / sizeof(svcs[0]); i++) {
		int rc = sw_config_parse_service(svcs[i].in, &s);

		snprintf(what, sizeof(what), "service \"%s\" accepted",
			 svcs[i].in);
		EXPECT_EQ(what, rc == 0, svcs[i].ok);
		if (!svcs[i].ok)
			continue;
		snprintf(what, sizeof(what), "service \"%s\" family",
			 svcs[i].in);
		EXPECT_EQ(what, s.net.family, svcs[i].family);
		snprintf(what, sizeof(what), "service \"%s\" len", svcs[i].in);
		EXPECT_EQ(what, s.net.prefix_len, svcs[i].len);
		snprintf(what, sizeof(what), "service \"%s\" port", svcs[i].in);
		EXPECT_EQ(what, s.port, svcs[i].port);
	}
}

/* Each bad input and the exact message: file, line, key, expectation. */
static void test_errors(void **state)
{
	static const struct {
		const char *yaml;
		const char *msg;
	} cases[] = {
		{ "detect:\n  alert_score: high\n",
		  "t.yaml:2: detect.alert_score: expected an integer 0..100, "
		  "got \"high\"" },
		{ "detect:\n  alert_score: 101\n",
		  "t.yaml:2: detect.alert_score: expected an integer 0..100, "
		  "got \"101\"" },
		{ "detect:\n  alert_score:\n",
		  "t.yaml:2: detect.alert_score: expected an integer 0..100, "
		  "got nothing" },
		{ "flows:\n  max_flows: 0\n",
		  "t.yaml:2: flows.max_flows: expected an integer "
		  "1..1073741824, got \"0\"" },
		{ "# c\n\ndetect:\n  alert_scor: 5\n",
		  "t.yaml:4: detect.alert_scor: unknown key; did you mean "
		  "\"alert_score\"?" },
		{ "flow:\n  max_flows: 5\n",
		  "t.yaml:1: flow: unknown key; did you mean \"flows\"?" },
		{ "detect:\n  zzz: 1\n",
		  "t.yaml:2: detect.zzz: unknown key; expected one of: "
		  "client_capacity, sketch_capacity, memory_cap, alert_score, "
		  "update_interval, end_after, admit_events, per_host_volume, "
		  "campaign, rules, "
		  "exempt, "
		  "services" },
		{ "flows:\n  max_flows: 5\n  max_flows: 6\n",
		  "t.yaml:3: flows.max_flows: key given twice (first at line "
		  "2)" },
		{ "detect:\n  memory_cap: 256mb\n",
		  "t.yaml:2: detect.memory_cap: expected a size 1MiB..1TiB like "
		  "256MiB (units: B, KiB, MiB, GiB, TiB, kB, MB, GB, TB), got "
		  "\"256mb\"" },
		{ "detect:\n  update_interval: 1500ms\n",
		  "t.yaml:2: detect.update_interval: expected a duration 1s..1d: "
		  "seconds, or a number with s, m, h or d, got \"1500ms\"" },
		{ "flows:\n  timeouts:\n    udp: 8d\n",
		  "t.yaml:3: flows.timeouts.udp: expected a duration 1ms..7d: "
		  "seconds, or a number with ms, s, m, h or d, got \"8d\"" },
		{ "detect:\n  exempt:\n    cidrs:\n      - 198.18.0.0/24\n"
		  "      - 198.18.0.9/24\n",
		  "t.yaml:5: detect.exempt.cidrs[1]: expected a network address "
		  "(host bits clear), e.g. 198.18.0.0/24, got "
		  "\"198.18.0.9/24\"" },
		{ "detect:\n  exempt:\n    cidrs: [10.0.0.0/33]\n",
		  "t.yaml:3: detect.exempt.cidrs[0]: expected an address or "
		  "prefix like 198.18.0.0/24 or 2001:db8::/32, got "
		  "\"10.0.0.0/33\"" },
		{ "detect:\n  exempt:\n    cidrs: 10.0.0.0/8\n",
		  "t.yaml:3: detect.exempt.cidrs: expected a list, got "
		  "\"10.0.0.0/8\"" },
		{ "detect:\n  exempt:\n    cidrs:\n",
		  "t.yaml:3: detect.exempt.cidrs: expected a list, got nothing "
		  "(write [] for an empty list)" },
		{ "detect: [1, 2]\n",
		  "t.yaml:1: detect: expected a mapping, got a list" },
		{ "flows:\n  max_flows: [1]\n",
		  "t.yaml:2: flows.max_flows: expected a single value, got a "
		  "list (quote text that starts with [, { or -)" },
		{ "detect:\n  services:\n    servers: [[2001:db8::1]:80]\n",
		  "t.yaml:3: detect.services.servers[0]: expected a single "
		  "value, got a mapping (quote text that starts with [, { or "
		  "-)" },
		{ "detect:\n  services:\n    servers: [\"198.18.0.10:99999\"]\n",
		  "t.yaml:3: detect.services.servers[0]: expected a port "
		  "1..65535, got \"198.18.0.10:99999\"" },
		{ "detect:\n  services:\n    servers: [\"www:443\"]\n",
		  "t.yaml:3: detect.services.servers[0]: expected a server like "
		  "198.18.0.10:443, [2001:db8::1]:80 or 198.18.0.0/24, got "
		  "\"www:443\"" },
		{ "detect:\n  services:\n    sni: [\"*.example.com\"]\n",
		  "t.yaml:3: detect.services.sni[0]: expected an exact server "
		  "name like www.example.com (no wildcards), got "
		  "\"*.example.com\"" },
		{ "detect:\n  exempt:\n    ja3: [xyz]\n",
		  "t.yaml:3: detect.exempt.ja3[0]: expected a JA3 hash: 32 hex "
		  "digits, got \"xyz\"" },
		{ "detect:\n  exempt:\n    ja4: [t13d]\n",
		  "t.yaml:3: detect.exempt.ja4[0]: expected a JA4 fingerprint "
		  "like t13d1516h2_8daaf6152771_02713d6af862, got \"t13d\"" },
		{ "detect:\n  exempt:\n    tcp_signatures: [\"4:64\"]\n",
		  "t.yaml:3: detect.exempt.tcp_signatures[0]: expected a p0f "
		  "raw signature ver:ittl:olen:mss:wsize,scale:olayout:quirks:"
		  "pclass, got \"4:64\"" },
		{ "detect:\n  exempt:\n    user_agents: [\"a\\tb\"]\n",
		  "t.yaml:3: detect.exempt.user_agents[0]: expected User-Agent "
		  "text of 1..127 printable ASCII characters, got \"a\\x09b\"" },
		{ "detect:\n  rules:\n    SW-R001: {points: 120}\n",
		  "t.yaml:3: detect.rules.SW-R001.points: expected a number "
		  "0..100, got \"120\"" },
		{ "detect:\n  rules:\n    SW-R001: {threshold: -1}\n",
		  "t.yaml:3: detect.rules.SW-R001.threshold: expected a number, 0 "
		  "or more, in the rule's unit, got \"-1\"" },
		{ "detect:\n  rules:\n    SW-R001:\n      enabled: maybe\n",
		  "t.yaml:4: detect.rules.SW-R001.enabled: expected true or "
		  "false, got \"maybe\"" },
		{ "detect:\n  rules:\n    SW-R001: {pionts: 3}\n",
		  "t.yaml:3: detect.rules.SW-R001.pionts: unknown key; did you "
		  "mean \"points\"?" },
		{ "detect:\n  rules:\n    rate: {}\n",
		  "t.yaml:3: detect.rules.rate: expected a rule ID like SW-R001 "
		  "(SW-, capital letters, digits)" },
		{ "detect:\n  rules:\n    SW-R001: {}\n    SW-R001: {}\n",
		  "t.yaml:4: detect.rules.SW-R001: rule given twice (first at "
		  "line 3)" },
		{ "detect:\n  rules:\n    SW-R001: off\n",
		  "t.yaml:3: detect.rules.SW-R001: expected a mapping of enabled, "
		  "threshold, points, got \"off\"" },
		{ "detect:\n  rules:\n    SW-R001: {}\n    SW-R099: {points: 5}\n",
		  "t.yaml:4: detect.rules.SW-R099: unknown rule ID; the "
		  "detector's rules are: SW-R001, SW-R002, SW-R003, SW-R004, "
		  "SW-R005, SW-R006, SW-R007, SW-R008, SW-R009, SW-R010, "
		  "SW-R011, SW-R012, SW-R013, SW-R014, SW-R015, SW-R016, SW-C001, "
		  "SW-C002, SW-C003, SW-C004, SW-C005" },
		{ "detect:\n  per_host_volume: maybe\n",
		  "t.yaml:2: detect.per_host_volume: expected true or false, "
		  "got \"maybe\"" },
		{ "detect:\n  admit_events: 0\n",
		  "t.yaml:2: detect.admit_events: expected an integer 1..65536, "
		  "got \"0\"" },
		{ "detect:\n  campaign:\n    history: 8d\n",
		  "t.yaml:3: detect.campaign.history: expected a duration 1s..7d: "
		  "seconds, or a number with s, m, h or d, got \"8d\"" },
		{ "detect:\n  campaign:\n    history: 1500ms\n",
		  "t.yaml:3: detect.campaign.history: expected a duration 1s..7d: "
		  "seconds, or a number with s, m, h or d, got \"1500ms\"" },
		{ "outputs: [\"ftp://x\"]\n",
		  "t.yaml:1: outputs[0]: expected a sink URI: -, file:///path, "
		  "syslog+udp|tcp|tls://host:port, http(s)://..., "
		  "kafka://brokers/topic, every port 1..65535, got \"ftp://x\"" },
		{ "outputs: [\"syslog+udp://127.0.0.1:99999\"]\n",
		  "t.yaml:1: outputs[0]: expected a sink URI: -, file:///path, "
		  "syslog+udp|tcp|tls://host:port, http(s)://..., "
		  "kafka://brokers/topic, every port 1..65535, got "
		  "\"syslog+udp://127.0.0.1:99999\"" },
		{ "live:\n  capture: netmap\n",
		  "t.yaml:2: live.capture: expected one of xdp, afxdp, dpdk, "
		  "pcap, got \"netmap\"" },
		{ "live:\n  interfaces: [averyveryverylongname]\n",
		  "t.yaml:2: live.interfaces[0]: expected an interface name of "
		  "1..15 characters, got \"averyveryverylongname\"" },
		{ "metrics:\n  listen: 9909\n",
		  "t.yaml:2: metrics.listen: expected ADDRESS:PORT like "
		  "127.0.0.1:9909 or [::1]:9909, or \"\" for off, got "
		  "\"9909\"" },
		{ "general:\n  log_level: loud\n",
		  "t.yaml:2: general.log_level: expected one of error, warning, "
		  "info, debug, got \"loud\"" },
		{ "detect:\n  exempt: &e\n    cidrs: []\n  services: *e\n",
		  "t.yaml:4: detect.services: YAML aliases (*name) are not "
		  "supported here; write the value out (its anchor is at line "
		  "2)" },
		{ "detect: {alert_score: [1\n",
		  "t.yaml:2: YAML syntax: did not find expected ',' or ']' while "
		  "parsing a flow sequence" },
		{ "flows: {}\n---\nflows: {}\n",
		  "t.yaml:2: expected one YAML document, got a second one" },
		{ "just text\n",
		  "t.yaml:1: (top level): expected a mapping of sections "
		  "(general, outputs, live, metrics, flows, decode, detect), got \"just "
		  "text\"" },
		{ "flows:\n  max_flows: \"12\\0003\"\n",
		  "t.yaml:2: flows.max_flows: expected text, got a NUL byte" },
	};
	char err[SW_CONFIG_ERRBUF_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sw_config *c;

		errno = 0;
		c = load(cases[i].yaml, err);
		if (c) {
			sw_config_free(c);
			fail_msg("case %zu: accepted, want \"%s\"", i,
				 cases[i].msg);
		}
		EXPECT_EQ("errno of a bad config is EINVAL", errno, EINVAL);
		if (strcmp(err, cases[i].msg) != 0)
			fail_msg("case %zu:\n got: %s\nwant: %s", i, err,
				 cases[i].msg);
	}
}

static void test_file(void **state)
{
	char err[SW_CONFIG_ERRBUF_SIZE];
	struct sw_config *c;

	(void)state;
	errno = 0;
	c = sw_config_load("/nonexistent/sw.yaml", err);
	if (c)
		fail_msg("a missing file loaded");
	EXPECT_EQ("missing file errno", errno, ENOENT);
	EXPECT_STR("missing file message", err,
		   "/nonexistent/sw.yaml: No such file or directory");

	/* The annotated example is every default written out. */
	c = sw_config_load("etc/scrapewatch.yaml", err);
	if (!c)
		fail_msg("etc/scrapewatch.yaml: %s", err);
	{
		struct sw_config d;

		sw_config_default(&d);
		if (memcmp(&c->flows, &d.flows, sizeof(d.flows)) != 0)
			fail_msg("example: flows differ from the defaults");
		if (memcmp(&c->detect, &d.detect, sizeof(d.detect)) != 0)
			fail_msg("example: detect differs from the defaults");
		EXPECT_EQ("example: log_level", c->log_level, d.log_level);
		EXPECT_EQ("example: capture", c->capture, d.capture);
		EXPECT_EQ("example: xdp_mode", c->xdp_mode, d.xdp_mode);
		EXPECT_STR("example: run_as", c->run_as, d.run_as);
		EXPECT_STR("example: metrics", c->metrics_listen,
			   d.metrics_listen);
		EXPECT_EQ("example: outputs", c->n_outputs, 1);
		EXPECT_STR("example: outputs[0]", c->outputs[0], "-");
	}
	sw_config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_cidr_and_service),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
