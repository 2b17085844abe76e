// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness for the config loader (libyaml walk, libcyaml load,
 * value parsing). Besides memory safety and leaks it checks the loader's
 * promises: a rejected input gives NULL, EINVAL or ENOMEM and a message
 * that names the input; an accepted one holds only values in range.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "config/config.h"

#define FUZZ_CHECK(cond)                  \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

static void check_ok(const struct sw_config *c)
{
	const struct sw_detect_cfg *d = &c->detect;
	size_t i;

	FUZZ_CHECK(c->flows.max_flows >= 1 && c->flows.max_flows <= 1u << 30);
	FUZZ_CHECK(d->alert_score <= 100);
	FUZZ_CHECK(d->campaign_prefix4 >= 8 && d->campaign_prefix4 <= 32);
	FUZZ_CHECK(d->campaign_prefix6 >= 16 && d->campaign_prefix6 <= 128);
	FUZZ_CHECK(d->update_interval_s >= 1 && d->end_after_s >= 1);
	FUZZ_CHECK(d->memory_cap_bytes >= 1u << 20);
	FUZZ_CHECK(c->log_level <= SW_LOG_DEBUG);
	FUZZ_CHECK(c->capture <= SW_CAPTURE_PCAP);
	FUZZ_CHECK(c->xdp_mode <= SW_CONFIG_XDP_GENERIC);
	FUZZ_CHECK(d->n_rules <= 256);
	for (i = 0; i < d->n_rules; i++) {
		const struct sw_rule_cfg *r = &d->rules[i];

		FUZZ_CHECK(memchr(r->id, 0, sizeof(r->id)));
		FUZZ_CHECK(strncmp(r->id, "SW-", 3) == 0);
		FUZZ_CHECK(r->enabled == 0 || r->enabled == 1);
		FUZZ_CHECK(isnan(r->points) ||
			   (r->points >= 0 && r->points <= 100));
		FUZZ_CHECK(isnan(r->threshold) || r->threshold >= 0);
	}
	for (i = 0; i < d->n_exempt_nets; i++)
		FUZZ_CHECK(d->exempt_nets[i].prefix_len <=
			   (d->exempt_nets[i].family == 4 ? 32 : 128));
	for (i = 0; i < d->n_exempt_fps; i++) {
		FUZZ_CHECK(d->exempt_fps[i].kind >= SW_FP_JA4 &&
			   d->exempt_fps[i].kind <= SW_FP_USER_AGENT);
		FUZZ_CHECK(d->exempt_fps[i].value[0]);
		FUZZ_CHECK(memchr(d->exempt_fps[i].value, 0, SW_CFG_FP_MAX));
	}
	for (i = 0; i < d->n_services; i++)
		FUZZ_CHECK(d->services[i].net.family == 4 ||
			   d->services[i].net.family == 6);
	for (i = 0; i < d->n_snis; i++)
		FUZZ_CHECK(d->snis[i][0] && memchr(d->snis[i], 0, 256));
	for (i = 0; i < c->n_outputs; i++)
		FUZZ_CHECK(c->outputs[i][0]);
	for (i = 0; i < c->n_interfaces; i++)
		FUZZ_CHECK(c->interfaces[i][0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[SW_CONFIG_ERRBUF_SIZE];
	struct sw_config *c;

	err[0] = '\0';
	errno = 0;
	c = sw_config_load_data("f.yaml", data, size, err);
	if (!c) {
		FUZZ_CHECK(errno == EINVAL || errno == ENOMEM);
		FUZZ_CHECK(strncmp(err, "f.yaml", 6) == 0);
		FUZZ_CHECK(memchr(err, 0, sizeof(err)));
		return 0;
	}
	check_ok(c);
	sw_config_free(c);
	return 0;
}
