/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SIGHUP reload for `live`: the config file is loaded again into a new
 * struct; the detector takes the new thresholds, rule switches, alert
 * timing, exemptions and services in place (sw_detect_reconfigure), and
 * the outputs are rebuilt when their list changed. Client, flow and
 * campaign state is kept, and the capture (the XDP program) is not
 * touched. A config that does not load or that the detector refuses is
 * rejected as a whole with its reason logged; the old one stays in force.
 */
#ifndef SW_RELOAD_H
#define SW_RELOAD_H

#include "config/config.h"
#include "daemon/metrics.h"
#include "pipeline/pipeline.h"

struct sw_reload_ctx {
	const char *path; /* the --config file; NULL: nothing to reload */
	int outputs_from_flags; /* --output given: outputs are not reloaded */
	unsigned flush_timeout_ms; /* for the sinks being replaced */
	struct sw_config **cfg; /* the config in force, swapped on success */
	struct sw_pipeline *pl;
	struct sw_metrics *metrics; /* may be NULL */
};

/* 0 reloaded, 1 nothing to reload, -errno rejected (logged). */
int sw_reload(struct sw_reload_ctx *r);

#endif /* SW_RELOAD_H */
