// SPDX-License-Identifier: BSD-2-Clause
/*
 * `live --capture pcap`: frames from libpcap live handles through the
 * shared pipeline (see live.h).
 */
#include <stdio.h>

#include "engine/live.h"
#include "base/log.h"

#define LIVE_BATCH 256 /* frames per interface per round */

int sw_live_pcap_poll(struct sw_capture *caps, int n, struct sw_pipeline *pl,
		      int timeout_ms, char *errbuf)
{
	struct sw_frame fr;
	int i, k, rc, got = 0;

	for (i = 0; i < n; i++) {
		for (k = 0; k < LIVE_BATCH; k++) {
			rc = caps[i].ops->read_op(&caps[i], &fr, errbuf);
			if (rc < 0)
				return rc;
			if (rc == 0)
				break;
			sw_pipeline_frame(pl, &fr);
			got++;
		}
	}
	if (got)
		return 0;
	return sw_pcap_live_wait(caps, n, timeout_ms);
}

void sw_live_pcap_publish(struct sw_metrics *m, struct sw_capture *caps, int n,
			  const struct sw_pipeline *pl)
{
	struct sw_capture_iface_stats ifs[SW_METRICS_IFACES_MAX];
	int i;

	if (n > SW_METRICS_IFACES_MAX)
		n = SW_METRICS_IFACES_MAX;
	for (i = 0; i < n; i++)
		sw_pcap_live_stats(&caps[i], &ifs[i]);
	sw_metrics_publish(m, pl, "pcap", ifs, n);
}

void sw_live_pcap_report(struct sw_capture *caps, int n)
{
	struct sw_capture_iface_stats s;
	int i;

	for (i = 0; i < n; i++) {
		sw_pcap_live_stats(&caps[i], &s);
		sw_log(SW_LOG_INFO,
		       "%s: %llu frames, %llu dropped by the "
		       "kernel, %llu by the interface",
		       s.name, (unsigned long long)s.packets,
		       (unsigned long long)s.drops,
		       (unsigned long long)s.if_drops);
	}
}
