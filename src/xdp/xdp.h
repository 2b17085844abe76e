/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel accounting source: the XDP program (bpf/scrapewatch.bpf.c)
 * accounts flows in the kernel and sends heads and flow ends over a ring
 * buffer. This side loads it, attaches it (live) or runs captured frames
 * through it with BPF_PROG_TEST_RUN (replay), consumes the ring buffer,
 * sweeps idle flows out of the flow map, and hands flows and heads to the
 * shared pipeline. It is not a frame source, so it sits beside the capture
 * ops table rather than in it.
 */
#ifndef SW_SOURCE_XDP_H
#define SW_SOURCE_XDP_H

#include <stdint.h>

#include "capture/capture.h"
#include "pipeline/pipeline.h"

enum sw_xdp_mode {
	SW_XDP_MODE_AUTO = 0, /* native, else generic with a warning */
	SW_XDP_MODE_NATIVE = 1,
	SW_XDP_MODE_GENERIC = 2,
};

#define SW_XDP_MAX_IFACES 16

/* Pure ACKs accounted by default: 1 in N (docs/xdp.md, the lag bound). */
#define SW_XDP_ACK_SAMPLE_DEFAULT 16

struct sw_xdp_opts {
	uint32_t max_flows; /* flow map entries */
	uint32_t ring_bytes; /* ring buffer size, power of two */
	uint32_t head_snap; /* frame bytes per head record */
	uint32_t ack_flush_every; /* pure ACKs per flow-map update */
	uint32_t ack_sample_n; /* 1 pure ACK in N accounted (power of two;
				* 0 or 1: all); packet counts then sampled */
	int heads; /* 0: accounting only, no heads */
	int replay; /* 1: BPF_PROG_TEST_RUN with packet time */
	uint64_t sweep_ns; /* period of the idle sweep */
	struct sw_flow_table_cfg table; /* timeouts, as the flow table's */
};

struct sw_xdp;

void sw_xdp_default_opts(struct sw_xdp_opts *o);
/* Load the program. NULL with errbuf filled on failure. */
struct sw_xdp *sw_xdp_open(const struct sw_xdp_opts *o, struct sw_pipeline *pl,
			   char *errbuf);
/* Attach to an interface through a bpf_link. 0 or -errno, errbuf set. */
int sw_xdp_attach(struct sw_xdp *x, const char *ifname, int mode, char *errbuf);
/* Replay: run one captured frame through the program. */
void sw_xdp_replay_frame(struct sw_xdp *x, const struct sw_frame *f);
/* Live: wait up to timeout_ms for records, sweep when due. */
int sw_xdp_poll(struct sw_xdp *x, int timeout_ms);
/* End of input: end every flow still in the kernel. */
void sw_xdp_finish(struct sw_xdp *x);
/* Sum the kernel counters into st (and point st->xdp at them). */
void sw_xdp_fill_stats(struct sw_xdp *x, struct sw_stats *st);
/* Detach, unload, free. */
void sw_xdp_close(struct sw_xdp *x);

/* Decode as the XDP program does (its tunnels), for the heads it sends
 * up and the frames userspace decodes beside it. */
struct sw_decode_cfg;
void sw_xdp_decode_configure(const struct sw_decode_cfg *cfg);

#endif /* SW_SOURCE_XDP_H */
