/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The `live` loop's capture-side helpers that are not XDP: feeding the
 * pipeline from libpcap live handles and publishing their counters.
 */
#ifndef SW_LIVE_H
#define SW_LIVE_H

#include "capture/source-pcap-live.h"
#include "daemon/metrics.h"
#include "pipeline/pipeline.h"

/*
 * Feed what the n captures hold into the pipeline (a bounded batch from
 * each, so one busy interface cannot starve the others), or wait up to
 * timeout_ms when none had frames. 0, or -errno with errbuf set.
 */
int sw_live_pcap_poll(struct sw_capture *caps, int n, struct sw_pipeline *pl,
		      int timeout_ms, char *errbuf);

/* Publish the pipeline's and the interfaces' counters to the metrics. */
void sw_live_pcap_publish(struct sw_metrics *m, struct sw_capture *caps, int n,
			  const struct sw_pipeline *pl);

/* One line per interface on stderr: frames, kernel and interface drops. */
void sw_live_pcap_report(struct sw_capture *caps, int n);

#endif /* SW_LIVE_H */
