// SPDX-License-Identifier: BSD-2-Clause
/*
 * Kernel-bypass capture through DPDK (libdpdk 22.11), on any PMD: a PCI
 * NIC, or a virtual device such as net_pcap, net_af_packet, net_af_xdp or
 * net_ring. One worker per shard, each on its own lcore:
 *
 *  - "rss": the port has as many RX queues as workers and hashes with a
 *    symmetric Toeplitz key over the IP addresses, so both directions of a
 *    flow (and every flow between two hosts) reach the same worker;
 *  - "software": the port has one queue (net_pcap, net_af_packet and most
 *    vdevs have no RSS). Worker 0 reads it and hands each frame to the
 *    worker picked by a hash of the client address (the endpoint with the
 *    higher port), through one single-producer ring per worker.
 *
 * For benchmarks (--dpdk-ring-file), a capture file is loaded into mbufs
 * before the workers start, one ring per worker, each frame on the ring a
 * NIC's RSS would pick (symmetric Toeplitz over the IP addresses, the
 * default redirection table); the rings become a net_ring port, read as
 * any other ("rss": no software sharding on the packet path).
 *
 * Packet time comes from the PMD's timestamp offload where its unit is
 * known (net_pcap: microseconds since the epoch, straight from the file),
 * else from the wall clock once per burst. A net_pcap rx_pcap device
 * reads a file: the PMD answers an empty burst at its end, so an empty
 * burst while the pool has mbufs to give means end of input.
 *
 * Without libdpdk at build time this file compiles to a backend whose
 * open_op says that DPDK support is not compiled in.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"

#ifndef SW_HAVE_DPDK

static int dpdk_open_missing(struct sw_capture *c, const char *spec,
			     char *errbuf)
{
	(void)c;
	(void)spec;
	snprintf(errbuf, SW_ERRBUF_SIZE,
		 "--capture dpdk: DPDK support is not compiled in (build with "
		 "libdpdk-dev installed, or make DPDK=1)");
	return -ENOTSUP;
}

const struct sw_capture_ops sw_capture_dpdk_ops = {
	.name = "dpdk",
	.open_op = dpdk_open_missing,
};

#else /* SW_HAVE_DPDK */

/* Before DPDK's headers: <netinet/ip6.h> defines ip6_flow as a macro. */
#include "decode/decode.h"

#include <limits.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_mbuf_pool_ops.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#define DPDK_ARGS_MAX 64
#define DPDK_BURST 32
#define DPDK_RX_DESC 1024
#define DPDK_RING_SIZE 1024
/* Default pool: the receive ring, a shard ring per extra worker and the
 * lcore caches, with room to spare. Building each mbuf costs startup time
 * (8191 of them take a quarter of a second), so no more than that. */
#define DPDK_DEFAULT_POOL_MBUFS(workers) (4095u + 2048u * ((workers)-1u))
#define DPDK_POOL_CACHE 256
#define DPDK_MIN_POOL_MBUFS 2047
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

static uint64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int stopping(const struct dpdk_priv *p)
{
	return p->stop && *p->stop;
}

/* Split the EAL arguments at white space; no quoting (EAL values have no
 * spaces). Defaults go first so that the user's own options win. */
static int split_args(struct dpdk_priv *p, const char *spec, unsigned workers,
		      char *errbuf)
{
	static char lcores[64], loglevel[] = "--log-level=warning",
				no_telemetry[] = "--no-telemetry",
				in_memory[] = "--in-memory",
				no_shconf[] = "--no-shconf";
	int has_lcores = 0, has_shconf = 0, no_huge = 0, i, user_start;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char *tok, *save = NULL;

	p->argbuf = strdup(spec ? spec : "");
	if (!p->argbuf) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "--dpdk-args: %s",
			 strerror(errno));
		return -ENOMEM;
	}
	p->argv[p->argc++] = (char *)"scrapewatch";
	p->argv[p->argc++] = loglevel;
	/* The telemetry socket would live in /var/run/dpdk. */
	p->argv[p->argc++] = no_telemetry;
	user_start = p->argc;
	for (tok = strtok_r(p->argbuf, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		if (p->argc >= DPDK_ARGS_MAX - 3) {
			snprintf(errbuf, SW_ERRBUF_SIZE,
				 "--dpdk-args: more than %d arguments",
				 DPDK_ARGS_MAX - 4);
			return -E2BIG;
		}
		p->argv[p->argc++] = tok;
	}
	for (i = user_start; i < p->argc; i++) {
		const char *a = p->argv[i];

		if (!strcmp(a, "-l") || !strcmp(a, "-c") ||
		    !strncmp(a, "--lcores", 8) || !strncmp(a, "-l", 2))
			has_lcores = 1;
		if (!strncmp(a, "--file-prefix", 13) ||
		    !strncmp(a, "--in-memory", 11) ||
		    !strncmp(a, "--proc-type", 11) ||
		    !strncmp(a, "--no-shconf", 11))
			has_shconf = 1;
		if (!strcmp(a, "--no-huge"))
			no_huge = 1;
	}
	/* No files under /var/run/dpdk and no hugepage files left behind,
	 * whatever way the process ends. --no-huge memory is anonymous
	 * already, and EAL refuses --in-memory with it. */
	if (!has_shconf)
		p->argv[p->argc++] = no_huge ? no_shconf : in_memory;
	/* One lcore per worker, floating over every CPU: workers may
	 * outnumber cores, at a cost the operator chose. */
	if (!has_lcores) {
		if (ncpu < 1)
			ncpu = 1;
		if (workers > 1)
			snprintf(lcores, sizeof(lcores),
				 "--lcores=(0-%u)@(0-%ld)", workers - 1,
				 ncpu - 1);
		else
			snprintf(lcores, sizeof(lcores), "--lcores=0@(0-%ld)",
				 ncpu - 1);
		p->argv[p->argc++] = lcores;
	}
	p->argv[p->argc] = NULL;
	return 0;
}

/* The rx_pcap file of a net_pcap vdev named in the EAL arguments. */
static int vdev_rx_pcap(const struct dpdk_priv *p, const char *name, char *file,
			size_t len, int *infinite)
{
	char *copy, *save = NULL, *tok;
	int found = 0, i;

	*infinite = 0;
	for (i = 1; i < p->argc && !found; i++) {
		const char *v = p->argv[i];

		if (!strcmp(v, "--vdev") && i + 1 < p->argc)
			v = p->argv[++i];
		else if (!strncmp(v, "--vdev=", 7))
			v += 7;
		else
			continue;
		copy = strdup(v);
		if (!copy)
			return -ENOMEM;
		tok = strtok_r(copy, ",", &save);
		if (tok && !strcmp(tok, name)) {
			while ((tok = strtok_r(NULL, ",", &save))) {
				if (!strncmp(tok, "rx_pcap=", 8)) {
					snprintf(file, len, "%s", tok + 8);
					found = 1;
				} else if (!strcmp(tok, "infinite_rx=1")) {
					*infinite = 1;
				}
			}
		}
		free(copy);
	}
	return found;
}

/* Check the rx_pcap files of net_pcap devices before EAL does, for a
 * message that names the file and what is wrong with it. */
static int check_rx_files(const struct dpdk_priv *p, char *errbuf)
{
	const char *v, *f, *end;
	char path[4096];
	int i;

	for (i = 1; i < p->argc; i++) {
		v = p->argv[i];
		if (!strcmp(v, "--vdev") && i + 1 < p->argc)
			v = p->argv[++i];
		else if (!strncmp(v, "--vdev=", 7))
			v += 7;
		else
			continue;
		if (strncmp(v, "net_pcap", 8) != 0)
			continue;
		for (f = strstr(v, "rx_pcap="); f;
		     f = strstr(end, "rx_pcap=")) {
			f += 8;
			end = strchr(f, ',');
			if (!end)
				end = f + strlen(f);
			snprintf(path, sizeof(path), "%.*s", (int)(end - f), f);
			if (sw_capture_pcap_file_probe(path, errbuf) != 0)
				return -EINVAL;
		}
	}
	return 0;
}

static int has_vdev(const struct dpdk_priv *p)
{
	int i;

	for (i = 1; i < p->argc; i++)
		if (!strncmp(p->argv[i], "--vdev", 6))
			return 1;
	return 0;
}

/* net_pcap hands frames over as they are in the file; the link type is
 * the file's. Every other PMD gives Ethernet. */
static void probe_file_linktype(struct dpdk_priv *p)
{
	char err[PCAP_ERRBUF_SIZE];
	int infinite;
	pcap_t *pc;

	p->linktype = SW_LINKTYPE_ETHERNET;
	if (strcmp(p->driver, "net_pcap") != 0)
		return;
	if (vdev_rx_pcap(p, p->port_name, p->rx_file, sizeof(p->rx_file),
			 &infinite) != 1)
		return;
	p->from_file = !infinite;
	pc = pcap_open_offline(p->rx_file, err);
	if (!pc)
		return; /* the PMD opened it; it will tell */
	p->linktype = pcap_datalink(pc) == DLT_RAW ? SW_LINKTYPE_RAW :
						     pcap_datalink(pc);
	pcap_close(pc);
}

/* Symmetric Toeplitz key: 0x6d5a repeated hashes (a, b) and (b, a)
 * alike (Woo and Park, "Scalable TCP Session Monitoring with Symmetric
 * Receive-side Scaling", 2012). */
#define SYM_KEY_LEN 40
static uint8_t *sym_key(void)
{
	static uint8_t key[SYM_KEY_LEN];
	size_t i;

	for (i = 0; i < sizeof(key); i += 2) {
		key[i] = 0x6d;
		key[i + 1] = 0x5a;
	}
	return key;
}

/* The Toeplitz hash of a NIC's RSS: for every set bit of the input, most
 * significant first, the 32 key bits starting at that bit position. */
static uint32_t toeplitz(const uint8_t *key, const uint8_t *in, unsigned len)
{
	uint32_t win = (uint32_t)key[0] << 24 | (uint32_t)key[1] << 16 |
		       (uint32_t)key[2] << 8 | key[3];
	uint32_t h = 0;
	unsigned i, b;

	for (i = 0; i < len; i++) {
		for (b = 0; b < 8; b++) {
			if (in[i] & (0x80u >> b))
				h ^= win;
			win = win << 1 | ((key[i + 4] >> (7 - b)) & 1u);
		}
	}
	return h;
}

static int setup_port(struct dpdk_priv *p, char *errbuf)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t nb_rxd = DPDK_RX_DESC, nb_txd = 0;
	int rc, socket;
	size_t i;

	rc = rte_eth_dev_info_get(p->port, &info);
	if (rc) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "DPDK port %u: %s", p->port,
			 strerror(-rc));
		return rc;
	}
	rte_eth_dev_get_name_by_port(p->port, p->port_name);
	snprintf(p->driver, sizeof(p->driver), "%s",
		 info.driver_name ? info.driver_name : "?");
	probe_file_linktype(p);

	memset(&conf, 0, sizeof(conf));
	p->nrxq = 1;
	p->sharding = p->nworkers > 1 ? SHARD_SOFTWARE : SHARD_NONE;
	if (p->prefilled) {
		/* The rings hold what RSS would have put on each queue. */
		p->linktype = p->ring_linktype;
		p->nrxq = (uint16_t)p->nworkers;
		p->sharding = p->nworkers > 1 ? SHARD_RSS : SHARD_NONE;
	} else if (p->nworkers > 1 && info.max_rx_queues >= p->nworkers &&
		   (info.flow_type_rss_offloads & RTE_ETH_RSS_IP)) {
		p->nrxq = (uint16_t)p->nworkers;
		p->sharding = SHARD_RSS;
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_key = sym_key();
		conf.rx_adv_conf.rss_conf.rss_key_len =
			info.hash_key_size ? info.hash_key_size : SYM_KEY_LEN;
		if (conf.rx_adv_conf.rss_conf.rss_key_len > SYM_KEY_LEN)
			conf.rx_adv_conf.rss_conf.rss_key_len = SYM_KEY_LEN;
		/* Addresses only: ports would split a client's flows. */
		conf.rx_adv_conf.rss_conf.rss_hf =
			RTE_ETH_RSS_IP & info.flow_type_rss_offloads;
	}
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_TIMESTAMP)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_TIMESTAMP;

	/* No transmit queue: we never send. Some PMDs insist on one. */
	rc = rte_eth_dev_configure(p->port, p->nrxq, 0, &conf);
	if (rc) {
		rc = rte_eth_dev_configure(p->port, p->nrxq, 1, &conf);
		nb_txd = 256;
	}
	if (rc) {
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "DPDK port %u (%s, %s): configure %u RX queue(s): %s",
			 p->port, p->port_name, p->driver, p->nrxq,
			 strerror(-rc));
		return rc;
	}
	rte_eth_dev_adjust_nb_rx_tx_desc(p->port, &nb_rxd,
					 nb_txd ? &nb_txd : NULL);

	socket = rte_eth_dev_socket_id(p->port);
	if (socket < 0)
		socket = (int)rte_socket_id();
	for (i = 0; i < p->nrxq; i++) {
		rc = rte_eth_rx_queue_setup(p->port, (uint16_t)i, nb_rxd,
					    (unsigned)socket, NULL, p->pool);
		if (rc) {
			snprintf(errbuf, SW_ERRBUF_SIZE,
				 "DPDK port %u (%s): RX queue %zu: %s", p->port,
				 p->port_name, i, strerror(-rc));
			return rc;
		}
	}
	if (nb_txd) {
		rc = rte_eth_tx_queue_setup(p->port, 0, nb_txd,
					    (unsigned)socket, NULL);
		if (rc) {
			snprintf(errbuf, SW_ERRBUF_SIZE,
				 "DPDK port %u (%s): TX queue: %s", p->port,
				 p->port_name, strerror(-rc));
			return rc;
		}
	}
	rc = rte_eth_dev_start(p->port);
	if (rc) {
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "DPDK port %u (%s, %s) failed to start: %s", p->port,
			 p->port_name, p->driver, strerror(-rc));
		return rc;
	}
	p->port_started = 1;
	rte_eth_promiscuous_enable(p->port);

	/* net_pcap stamps every mbuf with the file's (or libpcap's) time in
	 * microseconds, whether or not it advertises the offload. Other PMDs
	 * count in their own clock: the wall clock serves them. */
	p->ts_offset = -1;
	p->ts_mult = 0;
	if (strcmp(p->driver, "net_pcap") == 0) {
		int off = rte_mbuf_dynfield_lookup(
			RTE_MBUF_DYNFIELD_TIMESTAMP_NAME, NULL);
		int bit = rte_mbuf_dynflag_lookup(
			RTE_MBUF_DYNFLAG_RX_TIMESTAMP_NAME, NULL);

		if (off >= 0 && bit >= 0) {
			p->ts_offset = off;
			p->ts_flag = 1ull << bit;
			p->ts_mult = 1000;
		}
	}
	return 0;
}

static void link_report(const struct dpdk_priv *p)
{
	struct rte_eth_link link;

	if (p->from_file || p->prefilled)
		return;
	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(p->port, &link) == 0 &&
	    link.link_status == RTE_ETH_LINK_DOWN)
		fprintf(stderr,
			"scrapewatch: DPDK port %u (%s): link down; waiting "
			"for it\n",
			p->port, p->port_name);
}

/* The queue a NIC's RSS would give a frame: the symmetric Toeplitz hash
 * of its IP addresses (RTE_ETH_RSS_IP, as setup_port asks of a NIC)
 * through the default redirection table. Frames without an IP header
 * the decoder accepts go to queue 0, as a NIC's hash of 0 does. */
static unsigned rss_queue(int linktype, const uint8_t *data, uint32_t caplen,
			  uint32_t wirelen, unsigned nq)
{
	struct sw_packet pkt;
	uint8_t in[32];
	unsigned alen;

	if (nq < 2 ||
	    sw_decode(linktype, data, caplen, wirelen, &pkt) != SW_DR_OK)
		return 0;
	alen = pkt.family == SW_FAMILY_IPV6 ? 16 : 4;
	memcpy(in, pkt.saddr, alen);
	memcpy(in + alen, pkt.daddr, alen);
	return (toeplitz(sym_key(), in, 2 * alen) % DPDK_RETA_SIZE) % nq;
}

/* One frame in one mbuf, or a chain where it is longer than room. */
static struct rte_mbuf *frame_mbuf(struct rte_mempool *pool, const uint8_t *d,
				   uint32_t len, uint32_t room)
{
	struct rte_mbuf *head = NULL, *m;
	uint32_t off = 0, n;

	do {
		m = rte_pktmbuf_alloc(pool);
		if (!m)
			goto fail;
		n = len - off < room ? len - off : room;
		memcpy(rte_pktmbuf_mtod(m, void *), d + off, n);
		m->data_len = (uint16_t)n;
		m->pkt_len = n;
		if (!head) {
			head = m;
		} else if (rte_pktmbuf_chain(head, m) != 0) {
			rte_pktmbuf_free(m);
			goto fail;
		}
		off += n;
	} while (off < len);
	return head;
fail:
	if (head)
		rte_pktmbuf_free(head);
	return NULL;
}

/* The pool of a pre-filled run: n mbufs of room bytes of data, in memory
 * of our own asking for transparent huge pages (as DPDK's hugepages
 * would be: one page fault and one TLB entry per 2 MiB, not per 4 KiB),
 * so that EAL needs no -m for the frames. */
static struct rte_mempool *ring_pool(struct dpdk_priv *p, unsigned n,
				     unsigned room, int socket)
{
	const size_t hp = 2u << 20;
	struct rte_pktmbuf_pool_private priv;
	struct rte_mempool *mp;
	uintptr_t start;
	size_t len;
	void *mem;
	int rc;

	mp = rte_mempool_create_empty("sw_ring_mbufs", n,
				      (unsigned)sizeof(struct rte_mbuf) + room +
					      RTE_PKTMBUF_HEADROOM,
				      DPDK_POOL_CACHE, sizeof(priv), socket,
				      RTE_MEMPOOL_F_NO_IOVA_CONTIG);
	if (!mp)
		return NULL;
	rc = rte_mempool_set_ops_byname(mp, rte_mbuf_best_mempool_ops(), NULL);
	if (rc) {
		rte_errno = -rc;
		goto fail;
	}
	memset(&priv, 0, sizeof(priv));
	priv.mbuf_data_room_size = (uint16_t)(room + RTE_PKTMBUF_HEADROOM);
	rte_pktmbuf_pool_init(mp, &priv);
	/* No device reads this memory by DMA: objects may straddle pages
	 * (RTE_MEMPOOL_F_NO_IOVA_CONTIG) and lie packed. */
	len = (size_t)n * (mp->header_size + mp->elt_size + mp->trailer_size);
	len += len / 256 + hp;
	len = (len + hp - 1) & ~(hp - 1);
	mem = mmap(NULL, len + hp, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED) {
		rte_errno = errno;
		goto fail;
	}
	p->ring_mem = mem;
	p->ring_mem_len = len + hp;
	start = ((uintptr_t)mem + hp - 1) & ~(uintptr_t)(hp - 1);
	madvise((void *)start, len, MADV_HUGEPAGE);
	rc = rte_mempool_populate_virt(mp, (char *)start, len, hp, NULL, NULL);
	if (rc < 0 || mp->populated_size < n) {
		rte_errno = rc < 0 ? -rc : ENOMEM;
		goto fail;
	}
	rte_mempool_obj_iter(mp, rte_pktmbuf_init, NULL);
	return mp;
fail:
	rc = rte_errno;
	rte_mempool_free(mp);
	rte_errno = rc;
	return NULL;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --dpdk-ring-file: load every frame of the file into mbufs (with its
 * time, at the file's resolution) on the ring of the queue RSS would
 * pick, then make a net_ring port of the rings. What a NIC would have
 * put in host memory, before the clock starts. */
static int ring_prefill(struct dpdk_priv *p, const char *file, char *errbuf)
{
	char err[PCAP_ERRBUF_SIZE], name[32], counts_txt[128] = "";
	uint32_t counts[SW_CAPTURE_QUEUES_MAX] = { 0 }, maxlen = 0, room;
	uint64_t npkts = 0, nsegs = 0, k = 0, cap = 0;
	unsigned nq = p->nworkers, i, pool_n;
	int socket = (int)rte_socket_id(), rc, port;
	struct pcap_pkthdr *h;
	const u_char *d;
	uint8_t *qof = NULL, *grown;
	double t0 = mono_s();
	pcap_t *pc;

	pc = pcap_open_offline_with_tstamp_precision(
		file, PCAP_TSTAMP_PRECISION_NANO, err);
	if (!pc) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "%.200s: %.250s", file, err);
		return -EINVAL;
	}
	p->ring_linktype = pcap_datalink(pc) == DLT_RAW ? SW_LINKTYPE_RAW :
							  pcap_datalink(pc);
	/* Pass 1: how many frames, how long, and the queue of each. */
	while ((rc = pcap_next_ex(pc, &h, &d)) == 1) {
		if (npkts == cap) {
			cap = cap ? 2 * cap : 65536;
			grown = realloc(qof, cap);
			if (!grown) {
				rc = -ENOMEM;
				goto out;
			}
			qof = grown;
		}
		qof[npkts] = (uint8_t)rss_queue(p->ring_linktype, d, h->caplen,
						h->len, nq);
		counts[qof[npkts]]++;
		if (h->caplen > maxlen)
			maxlen = h->caplen;
		nsegs += h->caplen > DPDK_RING_ROOM_MAX ?
				 (h->caplen + DPDK_RING_ROOM_MAX - 1) /
					 DPDK_RING_ROOM_MAX :
				 1;
		npkts++;
	}
	if (rc == PCAP_ERROR) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "%.300s: %s", file,
			 pcap_geterr(pc));
		rc = -EIO;
		goto out;
	}
	pcap_close(pc);
	pc = NULL;
	if (npkts > (1u << 30)) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "%.300s: too many frames",
			 file);
		rc = -E2BIG;
		goto out;
	}
	room = maxlen < 64 ? 64 : maxlen;
	if (room > DPDK_RING_ROOM_MAX)
		room = DPDK_RING_ROOM_MAX;
	room = (room + 63) & ~63u;
	/* Every segment, and what the lcore caches may keep. */
	pool_n = (unsigned)nsegs + 2048;
	p->pool = ring_pool(p, pool_n, room, socket);
	if (!p->pool) {
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "DPDK mbuf pool of %u for %.200s: %s (its ring, and "
			 "the queues' rings, take about %llu MB of EAL's "
			 "memory: without hugepages, give -m with at least "
			 "that in --dpdk-args)",
			 pool_n, file, rte_strerror(rte_errno),
			 (unsigned long long)pool_n * 16 / 1000000 + 16);
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < nq; i++) {
		snprintf(name, sizeof(name), "sw_rx%u", i);
		p->prefill[i] = rte_ring_create(
			name, counts[i] ? counts[i] : 1, socket,
			RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
		if (!p->prefill[i]) {
			snprintf(errbuf, SW_ERRBUF_SIZE,
				 "DPDK ring of %u for queue %u: %s", counts[i],
				 i, rte_strerror(rte_errno));
			rc = -ENOMEM;
			goto out;
		}
	}
	/* Pass 2: the frames into mbufs, each onto its queue's ring. */
	pc = pcap_open_offline_with_tstamp_precision(
		file, PCAP_TSTAMP_PRECISION_NANO, err);
	if (!pc) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "%.200s: %.250s", file, err);
		rc = -EINVAL;
		goto out;
	}
	while (k < npkts && pcap_next_ex(pc, &h, &d) == 1) {
		struct rte_mbuf *m = frame_mbuf(p->pool, d, h->caplen, room);

		if (!m) {
			snprintf(errbuf, SW_ERRBUF_SIZE,
				 "%.300s: frame %llu: the mbuf pool ran dry",
				 file, (unsigned long long)k + 1);
			rc = -ENOMEM;
			goto out;
		}
		*RTE_MBUF_DYNFIELD(m, p->rx_ns_offset, uint64_t *) =
			(uint64_t)h->ts.tv_sec * 1000000000ull +
			(uint64_t)h->ts.tv_usec;
		*RTE_MBUF_DYNFIELD(m, p->wire_len_offset, uint32_t *) = h->len;
		if (rte_ring_sp_enqueue(p->prefill[qof[k]], m) != 0) {
			rte_pktmbuf_free(m);
			snprintf(errbuf, SW_ERRBUF_SIZE,
				 "%.300s changed while it was loaded", file);
			rc = -EAGAIN;
			goto out;
		}
		k++;
	}
	port = rte_eth_from_rings("net_ring_sw", p->prefill, nq, p->prefill, nq,
				  (unsigned)socket);
	if (port < 0) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "DPDK net_ring port: %s",
			 rte_strerror(rte_errno));
		rc = -ENODEV;
		goto out;
	}
	p->port = (uint16_t)port;
	p->prefilled = 1;
	for (i = 0; i < nq; i++)
		snprintf(counts_txt + strlen(counts_txt),
			 sizeof(counts_txt) - strlen(counts_txt), "%s%u",
			 i ? " " : "", counts[i]);
	fprintf(stderr,
		"scrapewatch: %s: %llu frames loaded into mbufs on %u ring(s) "
		"(%s) in %.2f s\n",
		file, (unsigned long long)k, nq, counts_txt, mono_s() - t0);
	rc = 0;
out:
	if (pc)
		pcap_close(pc);
	free(qof);
	return rc;
}

static int dpdk_open(struct sw_capture *c, const char *spec, char *errbuf)
{
	const struct sw_capture_cfg *cfg = c->cfg;
	struct dpdk_priv *p;
	char name[32];
	unsigned pool_n, i;
	static const struct rte_mbuf_dynfield rx_ns_desc = {
		.name = "scrapewatch_rx_ns",
		.size = sizeof(uint64_t),
		.align = __alignof__(uint64_t),
	};
	static const struct rte_mbuf_dynfield wire_len_desc = {
		.name = "scrapewatch_wire_len",
		.size = sizeof(uint32_t),
		.align = __alignof__(uint32_t),
	};
	uint16_t nports, port;
	int rc, saved_stdout;

	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "DPDK: %s", strerror(errno));
		return -ENOMEM;
	}
	c->priv = p;
	p->nworkers = cfg && cfg->workers ? cfg->workers : 1;
	p->stop = cfg ? cfg->stop : NULL;
	p->wire_len_offset = -1;
	if (p->nworkers > SW_CAPTURE_QUEUES_MAX) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "--workers %u: at most %d",
			 p->nworkers, SW_CAPTURE_QUEUES_MAX);
		return -EINVAL;
	}
	rc = split_args(p, spec, p->nworkers, errbuf);
	if (rc)
		return rc;

	rc = check_rx_files(p, errbuf);
	if (rc)
		return rc;
	if (cfg && cfg->ring_file &&
	    sw_capture_pcap_file_probe(cfg->ring_file, errbuf) != 0)
		return -EINVAL;
	/* EAL logs, and prints its usage, on stdout, where our records go:
	 * point both at stderr. */
	rte_openlog_stream(stderr);
	fflush(stdout);
	saved_stdout = dup(STDOUT_FILENO);
	if (saved_stdout >= 0)
		dup2(STDERR_FILENO, STDOUT_FILENO);
	rc = rte_eal_init(p->argc, p->argv);
	fflush(stdout);
	if (saved_stdout >= 0) {
		dup2(saved_stdout, STDOUT_FILENO);
		close(saved_stdout);
	}
	if (rc < 0) {
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "DPDK EAL init with \"%s\" failed: %s",
			 spec ? spec : "", rte_strerror(rte_errno));
		return -EINVAL;
	}
	p->eal_ready = 1;
	if (rte_lcore_count() < p->nworkers) {
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "--workers %u needs %u DPDK lcores; the EAL "
			 "arguments give %u",
			 p->nworkers, p->nworkers, rte_lcore_count());
		return -EINVAL;
	}
	p->rx_ns_offset = rte_mbuf_dynfield_register(&rx_ns_desc);
	if (p->rx_ns_offset < 0) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "DPDK mbuf field: %s",
			 rte_strerror(rte_errno));
		return -ENOSPC;
	}
	if (cfg && cfg->ring_file) {
		p->wire_len_offset = rte_mbuf_dynfield_register(&wire_len_desc);
		if (p->wire_len_offset < 0) {
			snprintf(errbuf, SW_ERRBUF_SIZE, "DPDK mbuf field: %s",
				 rte_strerror(rte_errno));
			return -ENOSPC;
		}
		rc = ring_prefill(p, cfg->ring_file, errbuf);
		if (rc)
			return rc;
		goto port_ready;
	}
	nports = rte_eth_dev_count_avail();
	if (nports == 0 && has_vdev(p)) {
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "DPDK could not start the --vdev device(s) in \"%s\" "
			 "(EAL's reason is above): check the driver's options, "
			 "and that the file or interface exists",
			 spec ? spec : "");
		return -ENODEV;
	}
	if (nports == 0) {
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "DPDK found no ports with \"%s\": add a virtual "
			 "device (--vdev net_pcap0,rx_pcap=FILE) or bind a "
			 "NIC to a DPDK driver",
			 spec ? spec : "");
		return -ENODEV;
	}
	RTE_ETH_FOREACH_DEV(port)
	{
		p->port = port;
		break;
	}
	if (nports > 1)
		fprintf(stderr,
			"scrapewatch: DPDK has %u ports; reading port %u only\n",
			nports, p->port);

	pool_n = cfg && cfg->pool_mbufs ? cfg->pool_mbufs :
					  DPDK_DEFAULT_POOL_MBUFS(p->nworkers);
	/* Room for the RX ring, the shard rings and a burst in every hand;
	 * a file device needs spare mbufs to tell its end from a dry pool. */
	if (pool_n < DPDK_MIN_POOL_MBUFS) {
		snprintf(
			errbuf, SW_ERRBUF_SIZE,
			"--mbufs %u: at least %u (the receive ring alone holds "
			"%u)",
			pool_n, DPDK_MIN_POOL_MBUFS, DPDK_RX_DESC);
		return -EINVAL;
	}
	p->pool = rte_pktmbuf_pool_create(
		"sw_mbufs", pool_n,
		pool_n > 4 * DPDK_POOL_CACHE ? DPDK_POOL_CACHE : 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (!p->pool) {
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "DPDK mbuf pool of %u: %s (without hugepages EAL has "
			 "64 MB unless -m says more)",
			 pool_n, rte_strerror(rte_errno));
		return -ENOMEM;
	}
port_ready:
	rc = setup_port(p, errbuf);
	if (rc)
		return rc < 0 ? rc : -EIO;

	for (i = 0; i < p->nworkers; i++) {
		p->q[i].linear = malloc(UINT16_MAX + 1);
		if (!p->q[i].linear) {
			snprintf(errbuf, SW_ERRBUF_SIZE, "DPDK: %s",
				 strerror(errno));
			return -ENOMEM;
		}
		if (p->sharding != SHARD_SOFTWARE || i == 0)
			continue;
		snprintf(name, sizeof(name), "sw_shard%u", i);
		p->q[i].ring = rte_ring_create(name, DPDK_RING_SIZE,
					       (int)rte_socket_id(),
					       RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!p->q[i].ring) {
			snprintf(errbuf, SW_ERRBUF_SIZE,
				 "DPDK ring for worker %u: %s", i,
				 rte_strerror(rte_errno));
			return -ENOMEM;
		}
	}
	c->nqueues = p->nworkers;
	c->finite = p->from_file || p->prefilled;
	if (!p->from_file && !p->prefilled)
		snprintf(c->what, sizeof(c->what), "DPDK port %u (%s, %s)",
			 p->port, p->port_name, p->driver);
	link_report(p);
	return 0;
}

/* Which worker a frame belongs to: a hash of the client address, the
 * client being the endpoint with the higher port (servers listen on low
 * ports, clients take ephemeral ones), so that every flow of a client
 * lands on one worker. Frames without ports hash both addresses
 * symmetrically. */
static unsigned shard_of(const struct dpdk_priv *p, const struct sw_frame *f)
{
	struct sw_packet pkt;
	const uint8_t *a;
	uint64_t h = 1469598103934665603ull;
	unsigned alen, i;
	int client_is_src;

	if (sw_decode(f->linktype, f->data, f->caplen, f->wirelen, &pkt) !=
	    SW_DR_OK)
		return 0;
	alen = pkt.family == SW_FAMILY_IPV6 ? 16 : 4;
	if (pkt.sport != pkt.dport)
		client_is_src = pkt.sport > pkt.dport;
	else
		client_is_src = memcmp(pkt.saddr, pkt.daddr, alen) > 0;
	a = client_is_src ? pkt.saddr : pkt.daddr;
	for (i = 0; i < alen; i++)
		h = (h ^ a[i]) * 1099511628211ull;
	return (unsigned)((h ^ (h >> 32)) % p->nworkers);
}

static uint64_t *rx_ns(const struct dpdk_priv *p, struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, p->rx_ns_offset, uint64_t *);
}

/* Stamp a burst with packet time: the PMD's where it has one, else the
 * wall clock of the burst. */
static void stamp(const struct dpdk_priv *p, struct rte_mbuf **m, uint16_t n)
{
	uint64_t now = 0;
	uint16_t i;

	for (i = 0; i < n; i++) {
		if (p->ts_offset >= 0 && (m[i]->ol_flags & p->ts_flag)) {
			*rx_ns(p, m[i]) =
				*RTE_MBUF_DYNFIELD(m[i], p->ts_offset,
						   rte_mbuf_timestamp_t *) *
				p->ts_mult;
			continue;
		}
		if (!now)
			now = wall_ns();
		*rx_ns(p, m[i]) = now;
	}
}

static void frame_of(const struct dpdk_priv *p, struct dpdk_queue *q,
		     struct rte_mbuf *m, struct sw_frame *f)
{
	if (m->nb_segs == 1)
		f->data = rte_pktmbuf_mtod(m, const uint8_t *);
	else
		f->data = rte_pktmbuf_read(m, 0, m->pkt_len, q->linear);
	/* DPDK keeps no separate wire length: what arrived is the frame.
	 * Pre-filled rings keep the file's, so cut frames decode as they
	 * do through libpcap. */
	f->caplen = m->pkt_len;
	f->wirelen =
		p->wire_len_offset >= 0 ?
			*RTE_MBUF_DYNFIELD(m, p->wire_len_offset, uint32_t *) :
			m->pkt_len;
	f->linktype = p->linktype;
	f->ts_ns = *rx_ns(p, m);
}

static void idle_wait(struct dpdk_queue *q)
{
	unsigned us;

	if (++q->idle < DPDK_IDLE_SPINS) {
		rte_pause();
		return;
	}
	us = (q->idle - DPDK_IDLE_SPINS) * 4;
	usleep(us < DPDK_IDLE_SLEEP_MAX_US ? us + 1 : DPDK_IDLE_SLEEP_MAX_US);
}

/* A file device ran dry: an empty burst with mbufs to spare (an empty
 * pool also gives empty bursts). */
static int file_exhausted(const struct dpdk_priv *p)
{
	return p->from_file &&
	       rte_mempool_avail_count(p->pool) >= 2 * DPDK_BURST;
}

/* Software sharding, worker 0: every frame stamped before ts was handed
 * out (the idle workers' bound on their next frame). */
static void dispatched(struct dpdk_priv *p, uint64_t ts)
{
	if (ts <= p->dispatch_local)
		return;
	p->dispatch_local = ts;
	atomic_store_explicit(&p->dispatch_ns, ts, memory_order_release);
}

/*
 * Software sharding, worker 0: read the port, keep our frames in q->burst,
 * post the others. Returns the number kept, 0 for none (an empty poll, or
 * a worker's inbox full; *bound: no frame of ours will be stamped before
 * it, 0 if not known), or -1 at the end of input.
 */
static int distribute(struct dpdk_priv *p, struct dpdk_queue *q,
		      uint64_t *bound)
{
	struct sw_frame f;
	unsigned kept = 0, w;
	uint16_t n;

	*bound = 0;
	if (q->rx_pos == q->rx_n) {
		q->rx_pos = q->rx_n = 0;
		n = rte_eth_rx_burst(p->port, 0, q->rx, DPDK_BURST);
		if (n == 0 && file_exhausted(p))
			return -1;
		if (n == 0) {
			/* A wire stamps what comes later with a later wall
			 * clock; a file's next frames follow those handed
			 * out. */
			if (!p->from_file)
				dispatched(p, wall_ns());
			*bound = p->dispatch_local;
			return 0;
		}
		stamp(p, q->rx, n);
		q->rx_n = n;
	}
	while (q->rx_pos < q->rx_n) {
		struct rte_mbuf *m = q->rx[q->rx_pos];

		frame_of(p, q, m, &f);
		w = shard_of(p, &f);
		if (w == 0) {
			q->burst[kept++] = m;
		} else if (rte_ring_sp_enqueue(p->q[w].ring, m) != 0) {
			/* A wire cannot wait for the worker. */
			if (p->from_file && !stopping(p)) {
				/* A file waits, after handing over our own
				 * frames: the worker may be waiting for our
				 * clock (through the merge of the detector's
				 * events). */
				if (kept)
					break;
				if (q->full_spins++ < DPDK_IDLE_SPINS)
					rte_pause();
				else
					sched_yield();
				*bound = f.ts_ns > p->dispatch_local ?
						 f.ts_ns :
						 p->dispatch_local;
				return 0;
			}
			p->q[w].st.ring_full++;
			rte_pktmbuf_free(m);
		}
		q->full_spins = 0;
		q->rx_pos++;
		dispatched(p, f.ts_ns);
	}
	return (int)kept;
}

/* The end of a file device: did the PMD stop at an unreadable record? */
static int file_end(struct dpdk_priv *p, char *errbuf)
{
	struct rte_eth_stats es;

	if (rte_eth_stats_get(p->port, &es) != 0 || es.ierrors == 0)
		return 0;
	snprintf(errbuf, SW_ERRBUF_SIZE,
		 "%.300s: net_pcap stopped at an unreadable record (%llu read "
		 "error(s)); records before it were processed",
		 p->rx_file, (unsigned long long)es.ierrors);
	return -EIO;
}

/* Refill q->burst. 1: frames in hand; 0: end of input or stop; <0: the
 * input ended in an error, errbuf says which; SW_CAPTURE_IDLE: nothing
 * came, and no later frame will be stamped before *bound (0: not known). */
static int refill(struct dpdk_priv *p, unsigned qi, struct dpdk_queue *q,
		  uint64_t *bound, char *errbuf)
{
	int n;

	*bound = 0;
	if (stopping(p))
		return 0;
	if (p->sharding == SHARD_SOFTWARE && qi == 0) {
		n = distribute(p, q, bound);
		if (n < 0) {
			atomic_store(&p->rx_done, 1);
			return file_end(p, errbuf);
		}
		/* A full inbox: distribute() waited its turn already. */
		if (n == 0 && q->full_spins)
			return SW_CAPTURE_IDLE;
	} else if (p->sharding == SHARD_SOFTWARE) {
		/* Before the inbox: frames handed out by then are in it. */
		uint64_t handed = atomic_load_explicit(&p->dispatch_ns,
						       memory_order_acquire);
		int done = atomic_load(&p->rx_done);

		n = (int)rte_ring_sc_dequeue_burst(q->ring, (void **)q->burst,
						   DPDK_BURST, NULL);
		/* Worker 0 posts everything before it says done. */
		if (n == 0 && done)
			return 0;
		*bound = handed;
	} else {
		n = rte_eth_rx_burst(p->port, (uint16_t)qi, q->burst,
				     DPDK_BURST);
		/* Pre-filled rings only drain, and carry packet time
		 * already. */
		if (p->prefilled) {
			if (n == 0)
				return 0;
		} else {
			if (n == 0 && file_exhausted(p))
				return qi == 0 ? file_end(p, errbuf) : 0;
			if (n > 0)
				stamp(p, q->burst, (uint16_t)n);
		}
	}
	if (n > 0) {
		int i;

		q->n = (unsigned)n;
		q->pos = 0;
		q->idle = 0;
		/* The headers of the burst, while the first frame is
		 * decoded. */
		for (i = 1; i < n; i++)
			rte_prefetch0(q->burst[i]);
		return 1;
	}
	idle_wait(q);
	/* A wire: what the next poll brings is stamped later than now (a
	 * PMD's own timestamps may be a little earlier). */
	if (!*bound && !p->from_file && !p->prefilled)
		*bound = wall_ns();
	return SW_CAPTURE_IDLE;
}

static int dpdk_read_queue(struct sw_capture *c, unsigned qi,
			   struct sw_frame *f, char *errbuf)
{
	struct dpdk_priv *p = c->priv;
	struct dpdk_queue *q = &p->q[qi];
	struct rte_mbuf *m;
	int rc;

	if (q->pos >= q->n) {
		uint64_t bound;

		/* The frames of the last burst, the caller done with all. */
		if (q->n)
			rte_pktmbuf_free_bulk(q->burst, q->n);
		q->n = q->pos = 0;
		rc = refill(p, qi, q, &bound, errbuf);
		if (rc == SW_CAPTURE_IDLE)
			f->ts_ns = bound;
		if (rc != 1)
			return rc;
	}
	m = q->burst[q->pos++];
	if (q->pos < q->n)
		rte_prefetch0(rte_pktmbuf_mtod(q->burst[q->pos], void *));
	frame_of(p, q, m, f);
	q->st.packets++;
	q->st.bytes += f->wirelen;
	return 1;
}

static int dpdk_read(struct sw_capture *c, struct sw_frame *f, char *errbuf)
{
	int rc;

	while ((rc = dpdk_read_queue(c, 0, f, errbuf)) == SW_CAPTURE_IDLE)
		;
	return rc;
}

static void dpdk_progress(struct sw_capture *c, struct sw_capture_progress *pr)
{
	(void)c;
	pr->bytes_done = 0;
	pr->bytes_total = 0;
}

/*
 * ThreadSanitizer builds only (tests/cli/test_tsan_binary.sh): the EAL
 * launches a worker and reports its end through atomics inside
 * librte_eal, which is not instrumented, so TSan would see no order
 * between what the main thread set up and the worker read, nor between
 * the worker's last writes and the main thread's reads after
 * rte_eal_wait_lcore. A trampoline states both edges.
 */
#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
struct tsan_launch {
	sw_capture_worker_fn fn;
	void *arg;
};

static int tsan_trampoline(void *arg)
{
	struct tsan_launch *l = arg;
	int rc;

	__tsan_acquire(l);
	rc = l->fn(l->arg);
	__tsan_release(l);
	return rc;
}
#endif

static int dpdk_run_workers(struct sw_capture *c, sw_capture_worker_fn fn,
			    void *const *args, char *errbuf)
{
	struct dpdk_priv *p = c->priv;
	unsigned lcore, w = 1;
	int rc, status = 0;
#if defined(__SANITIZE_THREAD__)
	struct tsan_launch tl[SW_CAPTURE_QUEUES_MAX];
#endif

	RTE_LCORE_FOREACH_WORKER(lcore)
	{
		if (w >= p->nworkers)
			break;
#if defined(__SANITIZE_THREAD__)
		tl[w].fn = fn;
		tl[w].arg = args[w];
		__tsan_release(&tl[w]);
		rc = rte_eal_remote_launch(tsan_trampoline, &tl[w], lcore);
#else
		rc = rte_eal_remote_launch(fn, args[w], lcore);
#endif
		if (rc) {
			snprintf(errbuf, SW_ERRBUF_SIZE,
				 "DPDK lcore %u for worker %u: %s", lcore, w,
				 strerror(-rc));
			status = rc;
			break;
		}
		w++;
	}
	if (status == 0)
		status = fn(args[0]);
	w = 1;
	RTE_LCORE_FOREACH_WORKER(lcore)
	{
		rc = rte_eal_wait_lcore(lcore);
#if defined(__SANITIZE_THREAD__)
		if (w < p->nworkers)
			__tsan_acquire(&tl[w]);
		w++;
#endif
		if (rc && !status)
			status = rc;
	}
	return status;
}

static void dpdk_stats(struct sw_capture *c, struct sw_capture_stats *st)
{
	struct dpdk_priv *p = c->priv;
	struct rte_eth_stats es;
	unsigned i;

	memset(st, 0, sizeof(*st));
	st->backend = "dpdk";
	st->sharding = p->sharding == SHARD_RSS	     ? "rss" :
		       p->sharding == SHARD_SOFTWARE ? "software" :
						       "none";
	st->nqueues = p->nworkers;
	for (i = 0; i < p->nworkers; i++)
		st->q[i] = p->q[i].st;
	if (!p->port_started || rte_eth_stats_get(p->port, &es) != 0)
		return;
	st->nombuf = es.rx_nombuf;
	st->port_missed = es.imissed;
	st->port_errors = es.ierrors;
	st->port_packets = es.ipackets;
	for (i = 0; i < p->nrxq && i < RTE_ETHDEV_QUEUE_STAT_CNTRS; i++)
		st->q[i].errors = es.q_errors[i];
	if (p->nrxq == 1)
		st->q[0].missed = es.imissed;
}

static void dpdk_cleanup(struct sw_capture *c)
{
	struct dpdk_priv *p = c->priv;
	unsigned i;

	if (!p)
		return;
	for (i = 0; i < SW_CAPTURE_QUEUES_MAX; i++) {
		struct dpdk_queue *q = &p->q[i];

		if (q->n)
			rte_pktmbuf_free_bulk(q->burst, q->n);
		if (q->rx_pos < q->rx_n)
			rte_pktmbuf_free_bulk(q->rx + q->rx_pos,
					      q->rx_n - q->rx_pos);
		if (q->ring) {
			void *m;

			while (rte_ring_sc_dequeue(q->ring, &m) == 0)
				rte_pktmbuf_free(m);
			rte_ring_free(q->ring);
		}
		free(q->linear);
	}
	if (p->port_started)
		rte_eth_dev_stop(p->port);
	if (p->port_started || p->prefilled)
		rte_eth_dev_close(p->port);
	/* The net_ring port borrowed the pre-filled rings. */
	for (i = 0; i < SW_CAPTURE_QUEUES_MAX; i++) {
		void *m;

		if (!p->prefill[i])
			continue;
		while (rte_ring_sc_dequeue(p->prefill[i], &m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(p->prefill[i]);
	}
	if (p->pool)
		rte_mempool_free(p->pool);
	if (p->ring_mem)
		munmap(p->ring_mem, p->ring_mem_len);
	if (p->eal_ready) {
		char dir[PATH_MAX];

		snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
		rte_eal_cleanup();
		/* EAL makes its runtime directory even when nothing goes in
		 * it (--in-memory, --no-shconf): take it away if empty. */
		if (dir[0] && rmdir(dir) == 0) {
			char *slash = strrchr(dir, '/');

			if (slash && slash != dir) {
				*slash = '\0';
				rmdir(dir);
			}
		}
	}
	free(p->argbuf);
	free(p);
	c->priv = NULL;
}

const struct sw_capture_ops sw_capture_dpdk_ops = {
	.name = "dpdk",
	.open_op = dpdk_open,
	.read_op = dpdk_read,
	.progress_op = dpdk_progress,
	.cleanup_op = dpdk_cleanup,
	.read_queue_op = dpdk_read_queue,
	.run_workers_op = dpdk_run_workers,
	.stats_op = dpdk_stats,
};

#endif /* SW_HAVE_DPDK */
