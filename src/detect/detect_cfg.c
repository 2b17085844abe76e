// SPDX-License-Identifier: BSD-2-Clause
/*
 * Detector settings that work with no config file. Rule thresholds are not
 * listed here: a rule not named in the config keeps the defaults the
 * detector gives it, so the config only carries what an operator changed.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/detect_cfg.h"

void sw_detect_default_cfg(struct sw_detect_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->client_capacity = 65536;
	cfg->sketch_capacity = 16384;
	cfg->memory_cap_bytes = 256ull << 20;
	cfg->alert_score = 60;
	cfg->update_interval_s = 60;
	cfg->end_after_s = 300;
	cfg->campaign_prefix4 = 24;
	cfg->campaign_prefix6 = 48;
	cfg->campaign_min_members = 3;
	cfg->campaign_history_s = 3600;
	cfg->admit_events = 2;
	cfg->per_host_volume = 1;
}

void sw_detect_cfg_release(struct sw_detect_cfg *cfg)
{
	free(cfg->rules);
	free(cfg->exempt_nets);
	free(cfg->exempt_fps);
	free(cfg->services);
	free(cfg->snis);
	cfg->rules = NULL;
	cfg->exempt_nets = NULL;
	cfg->exempt_fps = NULL;
	cfg->services = NULL;
	cfg->snis = NULL;
	cfg->n_rules = cfg->n_exempt_nets = cfg->n_exempt_fps = 0;
	cfg->n_services = cfg->n_snis = 0;
}
