/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `scrapewatch eval`: score the detector against a labels file. It hears
 * every new flow (to note each labeled client's first packet) and every
 * alert (a client is flagged by the first alert whose related.ip lists
 * it, campaign alerts included), then reports per-client verdicts,
 * precision, recall and time to detect.
 */
#ifndef SW_EVAL_H
#define SW_EVAL_H

#include <stdio.h>

#include "detect/detect.h"
#include "track/flow_table.h"

struct sw_eval;

/* Read the labels; NULL after printing the file, line and reason. */
struct sw_eval *sw_eval_new(const char *labels_path);
void sw_eval_free(struct sw_eval *ev);
void sw_eval_alert(const struct sw_alert *a, void *ctx);
void sw_eval_flow_start(void *ctx, const struct sw_flow *f);
/* At the end of input: note each labeled client's feature peaks (the
 * JSON report lists them, for scripts/eval/derive.py). */
void sw_eval_detect_done(void *ctx, const struct sw_detect *d);
/* Write the report: a table, or one JSON object. */
void sw_eval_report(const struct sw_eval *ev, FILE *out, int json);

#endif /* SW_EVAL_H */
