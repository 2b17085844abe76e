// SPDX-License-Identifier: BSD-2-Clause
/*
 * `check-config [--force] FILE`: load and validate a config file as a
 * running command would, without running; "FILE: OK" and a summary, or
 * the first error as FILE:LINE: KEY: what was expected.
 */
#include <string.h>

#include "base/log.h"
#include "cli/cli.h"
#include "detect/detect_cfg.h"

int sw_cmd_check_config(int argc, char **argv)
{
	char errbuf[SW_CONFIG_ERRBUF_SIZE];
	const struct sw_detect_cfg *d;
	struct sw_config *cfg;

	if (argc == 2 &&
	    (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		sw_cli_usage(stdout, 0);
		return EXIT_OK;
	}
	if (argc == 3 && strcmp(argv[1], "--force") == 0) {
		sw_config_set_force(1);
		argv++;
		argc--;
	}
	if (argc != 2) {
		sw_log_as(SW_LOG_ERROR, "check-config",
			  "give one config file. Try 'scrapewatch "
			  "check-config etc/scrapewatch.yaml'.");
		return EXIT_USAGE;
	}
	cfg = sw_config_load(argv[1], errbuf);
	if (!cfg) {
		fprintf(stderr, "%s\n", errbuf);
		return EXIT_USAGE;
	}
	d = &cfg->detect;
	/* What the detector would refuse at start, refused here too. */
	if (sw_detect_check_cfg(d, errbuf, sizeof(errbuf)) != 0) {
		fprintf(stderr, "%s: detect.%s\n", argv[1], errbuf);
		sw_config_free(cfg);
		return EXIT_USAGE;
	}
	printf("%s: OK (flows: max %u; detect: alert score %u, %zu rule "
	       "settings, %zu exempt prefixes, %zu exempt fingerprints, "
	       "%zu services, %zu server names; outputs: %zu)\n",
	       argv[1], cfg->flows.max_flows, d->alert_score, d->n_rules,
	       d->n_exempt_nets, d->n_exempt_fps, d->n_services, d->n_snis,
	       cfg->n_outputs);
	if (cfg->unread[0])
		printf("%s: note: valid, but not read by this build yet: %s\n",
		       argv[1], cfg->unread);
	sw_config_free(cfg);
	return EXIT_OK;
}
