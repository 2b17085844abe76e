/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Prometheus metrics: an HTTP endpoint (libmicrohttpd, its own thread)
 * serving the text exposition format at /metrics.
 *
 * The packet path never waits on a scrape: it publishes a copy of its
 * counters (sw_metrics_publish, a memcpy under a mutex held for that copy
 * only) every second or so, and the HTTP thread renders from the latest
 * copy. Sink counters are read by the HTTP thread from the sinks' own
 * locked counters; process CPU and RSS come from /proc/self.
 */
#ifndef SW_METRICS_H
#define SW_METRICS_H

#include <stdint.h>

#include "capture/capture.h"
#include "pipeline/pipeline.h"

#define SW_METRICS_IFACES_MAX 16

struct sw_metrics;

/*
 * Listen on "HOST:PORT" or "[V6]:PORT" (numeric addresses only). NULL with
 * errbuf (SW_ERRBUF_SIZE bytes) saying why.
 */
struct sw_metrics *sw_metrics_start(const char *listen, char *errbuf);
/* Stop serving and free; NULL is fine. Call before the sinks go away. */
void sw_metrics_stop(struct sw_metrics *m);

/* The sinks whose counters are served (NULL: none); safe at any time. */
void sw_metrics_set_sinks(struct sw_metrics *m, struct sw_sinks *sinks);

/* Is a new snapshot due (about once a second)? Cheap: a coarse clock. */
int sw_metrics_due(struct sw_metrics *m);

/*
 * Publish the pipeline's counters. source names the capture ("pcap-file",
 * "xdp", "pcap"); ifs (n of them, may be 0) are per-interface counters.
 */
void sw_metrics_publish(struct sw_metrics *m, const struct sw_pipeline *pl,
			const char *source,
			const struct sw_capture_iface_stats *ifs, int n);

/*
 * The same from parts gathered elsewhere (the shards of a multi-queue
 * capture): st and flows summed over the shards; det_pl, the pipeline
 * owning the detector, gives the detector's counters and the alerts.
 */
void sw_metrics_publish_parts(struct sw_metrics *m,
			      const struct sw_pipeline *det_pl,
			      const struct sw_stats *st,
			      const struct sw_flow_table_stats *flows,
			      uint32_t flow_capacity, const char *source,
			      const struct sw_capture_iface_stats *ifs, int n);

#endif /* SW_METRICS_H */
