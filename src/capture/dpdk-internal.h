/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the files of the DPDK backend share (only they include it, and
 * only they are built with DPDK's flags): the backend's state, its limits,
 * and the calls between the EAL set-up (dpdk-eal.c), the port and RSS
 * set-up (dpdk-port.c), the benchmark rings pre-filled from a file
 * (dpdk-prefill.c) and the datapath with the ops table (source-dpdk.c).
 * Include it only where SW_HAVE_DPDK is defined.
 */
#ifndef SW_DPDK_INTERNAL_H
#define SW_DPDK_INTERNAL_H

/* Before DPDK's headers: <netinet/ip6.h> defines ip6_flow as a macro. */
#include "decode/decode.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "capture/capture.h"

#define DPDK_ARGS_MAX 64
#define DPDK_BURST 32
#define DPDK_RX_DESC 1024u
#define DPDK_RING_SIZE 1024
/* Default pool: the receive ring, a shard ring per extra worker and the
 * lcore caches, with room to spare. Building each mbuf costs startup time
 * (8191 of them take a quarter of a second), so no more than that. */
#define DPDK_DEFAULT_POOL_MBUFS(workers) (4095u + 2048u * ((workers)-1u))
#define DPDK_POOL_CACHE 256
#define DPDK_MIN_POOL_MBUFS 2047u
/* Empty polls before the worker starts sleeping between polls, and the
 * longest sleep: a shared machine keeps its cores, a busy port never
 * sleeps. */
#define DPDK_IDLE_SPINS 256
#define DPDK_IDLE_SLEEP_MAX_US 1000
/* The redirection table of most NICs: 128 entries, queue i % n in the
 * i-th by default. */
#define DPDK_RETA_SIZE 128
/* Pre-filled rings: mbufs of at most this much data room (larger frames
 * are chained). */
#define DPDK_RING_ROOM_MAX 16384u

enum dpdk_sharding { SHARD_NONE, SHARD_RSS, SHARD_SOFTWARE };

/* One worker's view: where its mbufs come from and the burst in hand.
 * The frames of a burst are freed together, when the next one is
 * fetched: the last frame handed out stays valid until the next read. */
struct dpdk_queue {
	struct rte_mbuf *burst[DPDK_BURST];
	unsigned n, pos;
	unsigned idle; /* empty polls in a row */
	struct rte_ring *ring; /* software sharding: this worker's inbox */
	/* Software sharding, worker 0: the burst read from the port, and
	 * how far it was handed out; polls in a row finding an inbox full. */
	struct rte_mbuf *rx[DPDK_BURST];
	unsigned rx_n, rx_pos;
	unsigned full_spins;
	struct sw_capture_queue_stats st;
	uint8_t *linear; /* multi-segment frames, copied whole */
} __rte_cache_aligned;

struct dpdk_priv {
	char *argbuf;
	char *argv[DPDK_ARGS_MAX];
	int argc;
	int eal_ready;
	uint16_t port;
	int port_started;
	char port_name[RTE_ETH_NAME_MAX_LEN];
	char driver[64];
	struct rte_mempool *pool;
	enum dpdk_sharding sharding;
	unsigned nworkers;
	uint16_t nrxq;
	int linktype;
	int from_file; /* net_pcap rx_pcap: ends with the file */
	int prefilled; /* --dpdk-ring-file: rings filled before the start */
	int ring_linktype;
	struct rte_ring *prefill[SW_CAPTURE_QUEUES_MAX];
	void *ring_mem; /* the pre-filled pool's memory (mmap) */
	size_t ring_mem_len;
	char rx_file[4096];
	int ts_offset; /* the PMD's timestamp dynfield, or -1 */
	uint64_t ts_flag;
	uint64_t ts_mult; /* PMD timestamp unit in ns */
	int rx_ns_offset; /* our dynfield: packet time in ns, set on receive */
	int wire_len_offset; /* pre-filled: the frame's length on the wire */
	const atomic_int *stop;
	atomic_int rx_done; /* software sharding: worker 0 saw the end */
	/* Software sharding: no frame stamped before this time is still to
	 * be handed to a worker (worker 0 writes it; ns). */
	_Atomic uint64_t dispatch_ns;
	uint64_t dispatch_local; /* worker 0's copy */
	struct dpdk_queue q[SW_CAPTURE_QUEUES_MAX];
};

/* dpdk-eal.c */
/* Split spec into p->argv after our defaults; check net_pcap files. */
int dpdk_eal_args(struct dpdk_priv *p, const char *spec, char *errbuf);
/* Start EAL with p->argv (its output kept off stdout), check the lcores
 * and register the packet-time mbuf field. */
int dpdk_eal_init(struct dpdk_priv *p, const char *spec, char *errbuf);
/* The rx_pcap file of the net_pcap vdev name: 1 found, 0 not, <0 error. */
int dpdk_vdev_rx_pcap(const struct dpdk_priv *p, const char *name, char *file,
		      size_t len, int *infinite);
/* Does the command line name a --vdev? */
int dpdk_has_vdev(const struct dpdk_priv *p);
/* rte_eal_cleanup, and its empty runtime directory taken away. */
void dpdk_eal_cleanup(struct dpdk_priv *p);

/* dpdk-port.c */
/* The queue a NIC's symmetric RSS would give a frame, of nq. */
unsigned dpdk_rss_queue(int linktype, const uint8_t *data, uint32_t caplen,
			uint32_t wirelen, unsigned nq);
/* The first port EAL found, and an mbuf pool of pool_mbufs (0: default). */
int dpdk_port_pick(struct dpdk_priv *p, const char *spec, unsigned pool_mbufs,
		   char *errbuf);
/* Configure p->port's queues (RSS where it can) and start it. */
int dpdk_port_setup(struct dpdk_priv *p, char *errbuf);
/* Each worker's copy buffer and, sharding in software, its inbox. */
int dpdk_workers_setup(struct dpdk_priv *p, char *errbuf);
/* Say on stderr when a wire's link is down at the start. */
void dpdk_link_report(const struct dpdk_priv *p);

/* dpdk-prefill.c */
/* --dpdk-ring-file: file into mbufs on per-queue rings, a net_ring port. */
int dpdk_prefill(struct dpdk_priv *p, const char *file, char *errbuf);

#endif /* SW_DPDK_INTERNAL_H */
