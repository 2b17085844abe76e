// SPDX-License-Identifier: BSD-2-Clause
/*
 * SIGHUP reload (see reload.h). Runs on the packet thread between polls,
 * so nothing it swaps is used concurrently, except the sinks, which the
 * metrics thread reads through sw_metrics_set_sinks().
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "capture/capture.h"
#include "base/log.h"
#include "daemon/reload.h"

static int same_outputs(const struct sw_config *a, const struct sw_config *b)
{
	size_t i;

	if (a->n_outputs != b->n_outputs)
		return 0;
	for (i = 0; i < a->n_outputs; i++)
		if (strcmp(a->outputs[i], b->outputs[i]) != 0)
			return 0;
	return 1;
}

/* The new config's outputs, started; NULL: reported. */
static struct sw_sinks *new_sinks(const struct sw_config *cfg)
{
	char errbuf[SW_ERRBUF_SIZE];
	struct sw_sinks *s = sw_sinks_new();
	size_t i;

	if (!s) {
		sw_log(SW_LOG_ERROR, "reload: sinks: %s", strerror(errno));
		return NULL;
	}
	for (i = 0; i < cfg->n_outputs; i++)
		if (sw_sinks_add(s, cfg->outputs[i], errbuf) != 0) {
			sw_log(SW_LOG_ERROR, "reload rejected: %s: %s",
			       cfg->source, errbuf);
			goto fail;
		}
	if (!cfg->n_outputs && sw_sinks_add(s, "-", errbuf) != 0) {
		sw_log(SW_LOG_ERROR, "reload rejected: %s", errbuf);
		goto fail;
	}
	if (sw_sinks_start(s))
		goto fail;
	return s;
fail:
	sw_sinks_free(s);
	return NULL;
}

int sw_reload(struct sw_reload_ctx *r)
{
	char errbuf[SW_CONFIG_ERRBUF_SIZE], derr[SW_CONFIG_ERRBUF_SIZE];
	struct sw_config *old = *r->cfg, *cfg;
	struct sw_sinks *sinks = NULL, *old_sinks = NULL;
	int rc;

	if (!r->path) {
		sw_log(SW_LOG_WARNING, "SIGHUP: no --config file to "
				       "reload; file outputs reopened");
		return 1;
	}
	cfg = sw_config_load(r->path, errbuf);
	if (!cfg) {
		rc = -errno;
		sw_log(SW_LOG_ERROR,
		       "reload rejected: %s; the running config "
		       "stays in force",
		       errbuf);
		return rc ? rc : -EINVAL;
	}
	if (sw_detect_check_cfg(&cfg->detect, derr, sizeof(derr))) {
		sw_log(SW_LOG_ERROR,
		       "reload rejected: %s: detect.%s; the "
		       "running config stays in force",
		       r->path, derr);
		sw_config_free(cfg);
		return -EINVAL;
	}
	if (!r->outputs_from_flags && !same_outputs(old, cfg)) {
		sinks = new_sinks(cfg);
		if (!sinks) {
			sw_log(SW_LOG_ERROR, "reload rejected; the "
					     "running config stays in force");
			sw_config_free(cfg);
			return -EINVAL;
		}
	}
	/* Sizes of the flow table cannot change under live state. */
	cfg->flows = old->flows;
	if (r->pl->det) {
		rc = sw_detect_reconfigure(r->pl->det, &cfg->detect, derr,
					   sizeof(derr));
		if (rc < 0) {
			sw_log(SW_LOG_ERROR,
			       "reload rejected: %s: %s; the "
			       "running config stays in force",
			       r->path, derr);
			sw_sinks_free(sinks);
			sw_config_free(cfg);
			return rc;
		}
		if (rc > 0)
			sw_log(SW_LOG_WARNING, "reload: %s: note: %s", r->path,
			       derr);
	}
	if (sinks) {
		old_sinks = r->pl->out;
		r->pl->out = sinks;
		sw_metrics_set_sinks(r->metrics, sinks);
		sw_sinks_close(old_sinks, r->flush_timeout_ms);
		sw_sinks_free(old_sinks);
	}
	*r->cfg = cfg;
	sw_config_free(old);
	sw_log(SW_LOG_INFO,
	       "reloaded %s (alert score %u, %zu rule settings, "
	       "%zu exempt prefixes, %zu exempt fingerprints; outputs %s; "
	       "flows and live settings need a restart)",
	       r->path, cfg->detect.alert_score, cfg->detect.n_rules,
	       cfg->detect.n_exempt_nets, cfg->detect.n_exempt_fps,
	       sinks ? "replaced" : "unchanged");
	return 0;
}
