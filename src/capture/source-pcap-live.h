/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libpcap live capture, for interfaces without XDP (or where XDP is not
 * wanted): one handle per interface, immediate mode (frames are handed
 * over as they arrive, not when a kernel block fills), a configurable
 * kernel buffer and an optional BPF filter. The kernel's drop counters
 * (pcap_stats) are reported per interface.
 */
#ifndef SW_SOURCE_PCAP_LIVE_H
#define SW_SOURCE_PCAP_LIVE_H

#include <stdint.h>

#include "capture/capture.h"

#define SW_PCAP_LIVE_BUFFER_DEFAULT (32u << 20) /* bytes */
#define SW_PCAP_LIVE_SNAPLEN_DEFAULT 65535u

struct sw_pcap_live_opts {
	uint32_t buffer_bytes; /* kernel ring size; 0: the default */
	uint32_t snaplen; /* bytes kept per frame; 0: the default */
	const char *filter; /* BPF filter expression, or NULL */
	int promisc; /* 1: promiscuous (a mirror port needs it) */
};

/*
 * The ops table: open_op takes an interface name and the defaults;
 * read_op returns 1 with a frame or 0 when none is waiting (it does not
 * block: see sw_pcap_live_wait).
 */
extern const struct sw_capture_ops sw_capture_pcap_live_ops;

/* Open with options. 0, or -errno with errbuf "IF: reason". */
int sw_pcap_live_open(struct sw_capture *c, const char *ifname,
		      const struct sw_pcap_live_opts *o, char *errbuf);
/* Wait up to timeout_ms until one of the n captures has frames. */
int sw_pcap_live_wait(struct sw_capture *caps, int n, int timeout_ms);
/* The interface's counters: frames and bytes seen here, kernel drops. */
void sw_pcap_live_stats(struct sw_capture *c,
			struct sw_capture_iface_stats *out);

#endif /* SW_SOURCE_PCAP_LIVE_H */
