/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Capture backends. Each backend (pcap file, and later pcap live, XDP,
 * AF_XDP, DPDK) implements the same small table of operations; the pipeline
 * only ever talks to that table. A backend that is not compiled in still
 * has an entry that answers with a clear message.
 */
#ifndef SW_CAPTURE_H
#define SW_CAPTURE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "base/errbuf.h"

/* One captured frame. data is valid until the next read_op call. */
struct sw_frame {
	const uint8_t *data;
	uint32_t caplen; /* bytes captured */
	uint32_t wirelen; /* bytes on the wire */
	uint64_t ts_ns; /* ns since the Unix epoch */
	int linktype; /* enum sw_linktype */
};

/* Progress of a bounded source, for the progress line. */
struct sw_capture_progress {
	uint64_t bytes_done;
	uint64_t bytes_total; /* 0 if unknown (a pipe) */
};

struct sw_capture;

/*
 * Settings for the live backends (DPDK, AF_XDP); the pcap file backend
 * ignores them. Zero means the backend's default.
 */
struct sw_capture_cfg {
	const char *dpdk_args; /* EAL arguments, split at white space */
	const char *interface; /* AF_XDP: the interface */
	unsigned workers; /* shards, one thread and queue each */
	unsigned first_queue; /* AF_XDP: the first queue bound */
	unsigned pool_mbufs; /* DPDK: mbufs in the pool */
	unsigned umem_frames; /* AF_XDP: 4 KiB frames in the UMEM */
	/* DPDK, for benchmarks: a capture file loaded into mbufs on one ring
	 * per worker (spread by the symmetric RSS hash) before the workers
	 * start, read through a net_ring port made of those rings. */
	const char *ring_file;
	const atomic_int *stop; /* set (by a signal) to stop reading */
};

#define SW_CAPTURE_QUEUES_MAX 16
/* read_queue_op: no frame yet (see there). */
#define SW_CAPTURE_IDLE 2

/* Counters of one receive queue (or worker), as the backend knows them. */
struct sw_capture_queue_stats {
	uint64_t packets; /* frames handed to the pipeline */
	uint64_t bytes;
	uint64_t missed; /* dropped by the device: no room (imissed) */
	uint64_t errors; /* receive errors */
	uint64_t ring_full; /* dropped on the way to this worker */
	uint64_t fill_empty; /* AF_XDP: fill ring found empty */
	uint64_t invalid; /* AF_XDP: invalid descriptors */
};

/* Counters of one capture interface, as its backend reports them (the
 * metrics serve them per interface). */
struct sw_capture_iface_stats {
	char name[16];
	uint64_t packets; /* received by the backend */
	uint64_t bytes;
	uint64_t drops; /* dropped by the kernel: buffer full */
	uint64_t if_drops; /* dropped by the interface or driver */
};

struct sw_capture_stats {
	const char *backend;
	const char *sharding; /* "none", "rss" or "software" */
	unsigned nqueues;
	struct sw_capture_queue_stats q[SW_CAPTURE_QUEUES_MAX];
	/* Port totals (DPDK rte_eth_stats). */
	uint64_t port_packets;
	uint64_t port_missed; /* imissed */
	uint64_t port_errors; /* ierrors */
	uint64_t nombuf; /* receive failed for want of an mbuf */
};

/* A worker's body; a backend runs one per queue on the thread it picks. */
typedef int (*sw_capture_worker_fn)(void *arg);

struct sw_capture_ops {
	const char *name;
	/* 0, or -errno with errbuf filled. */
	int (*open_op)(struct sw_capture *c, const char *spec, char *errbuf);
	/* 1: a frame; 0: end of input; <0: error, errbuf says why. The
	 * source is finished after an error. */
	int (*read_op)(struct sw_capture *c, struct sw_frame *f, char *errbuf);
	void (*progress_op)(struct sw_capture *c,
			    struct sw_capture_progress *p);
	void (*cleanup_op)(struct sw_capture *c);

	/* Multi-queue backends only (NULL elsewhere). read_queue_op is
	 * read_op for one queue, called from that queue's worker only; it
	 * returns 0 at the end of input or when stop is set, and
	 * SW_CAPTURE_IDLE when nothing came (after waiting a little): then
	 * f->ts_ns is a time no later frame of this queue will be stamped
	 * before (0: not known), which lets the merge of the workers'
	 * detector events move on past an idle worker. */
	int (*read_queue_op)(struct sw_capture *c, unsigned queue,
			     struct sw_frame *f, char *errbuf);
	/* Run fn(args[q]) for each queue q on its own thread (a DPDK lcore,
	 * a pthread) and wait for all. 0, or -errno with errbuf filled. */
	int (*run_workers_op)(struct sw_capture *c, sw_capture_worker_fn fn,
			      void *const *args, char *errbuf);
	void (*stats_op)(struct sw_capture *c, struct sw_capture_stats *st);
};

struct sw_capture {
	const struct sw_capture_ops *ops;
	void *priv;
	const struct sw_capture_cfg *cfg; /* live backends; may be NULL */
	unsigned nqueues; /* set by open_op of multi-queue backends */
	/* Set by open_op when the input is bounded and replayable (a file,
	 * pre-filled rings): nothing may be dropped on the way, so a full
	 * queue between threads waits. A wire (0) drops and counts. */
	int finite;
	/* Set by open_op of a live source: what it reads, said once on
	 * stderr when capture starts. */
	char what[160];
};

extern const struct sw_capture_ops sw_capture_pcap_file_ops;
/* Present in every build; open_op says so when support is compiled out. */
extern const struct sw_capture_ops sw_capture_dpdk_ops;
extern const struct sw_capture_ops sw_capture_afxdp_ops;

/*
 * Check that a file is a capture libpcap can read before anything runs.
 * Returns 0, or -1 with errbuf set to "FILE: reason". "-" (stdin) passes.
 */
int sw_capture_pcap_file_probe(const char *path, char *errbuf);

#endif /* SW_CAPTURE_H */
