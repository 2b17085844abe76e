// SPDX-License-Identifier: BSD-2-Clause
/*
 * The DPDK backend's port (see dpdk-internal.h): the first port EAL
 * found and its mbuf pool, its receive queues (one per worker with a
 * symmetric RSS key where the NIC hashes, else one queue shared out in
 * software), the PMD's packet timestamps, the workers' inboxes, and the
 * RSS hash itself, which the pre-filled rings use to place frames.
 */
#ifdef SW_HAVE_DPDK

#include "capture/dpdk-internal.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf_dyn.h>

#include "base/log.h"

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
	if (dpdk_vdev_rx_pcap(p, p->port_name, p->rx_file, sizeof(p->rx_file),
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

/* Packet time: net_pcap stamps every mbuf with the file's (or libpcap's)
 * time in microseconds, whether or not it advertises the offload. Other
 * PMDs count in their own clock: the wall clock serves them. */
static void timestamp_setup(struct dpdk_priv *p)
{
	int off, bit;

	p->ts_offset = -1;
	p->ts_mult = 0;
	if (strcmp(p->driver, "net_pcap") != 0)
		return;
	off = rte_mbuf_dynfield_lookup(RTE_MBUF_DYNFIELD_TIMESTAMP_NAME, NULL);
	bit = rte_mbuf_dynflag_lookup(RTE_MBUF_DYNFLAG_RX_TIMESTAMP_NAME, NULL);
	if (off >= 0 && bit >= 0) {
		p->ts_offset = off;
		p->ts_flag = 1ull << bit;
		p->ts_mult = 1000;
	}
}

int dpdk_port_setup(struct dpdk_priv *p, char *errbuf)
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
	timestamp_setup(p);
	return 0;
}

void dpdk_link_report(const struct dpdk_priv *p)
{
	struct rte_eth_link link;

	if (p->from_file || p->prefilled)
		return;
	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(p->port, &link) == 0 &&
	    link.link_status == RTE_ETH_LINK_DOWN)
		sw_log(SW_LOG_INFO,
		       "DPDK port %u (%s): link down; waiting "
		       "for it",
		       p->port, p->port_name);
}

/* The queue a NIC's RSS would give a frame: the symmetric Toeplitz hash
 * of its IP addresses (RTE_ETH_RSS_IP, as dpdk_port_setup asks of a NIC)
 * through the default redirection table. Frames without an IP header
 * the decoder accepts go to queue 0, as a NIC's hash of 0 does. */
unsigned dpdk_rss_queue(int linktype, const uint8_t *data, uint32_t caplen,
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

int dpdk_port_pick(struct dpdk_priv *p, const char *spec, unsigned pool_mbufs,
		   char *errbuf)
{
	uint16_t nports, port;
	unsigned pool_n;

	nports = rte_eth_dev_count_avail();
	if (nports == 0 && dpdk_has_vdev(p)) {
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
		sw_log(SW_LOG_INFO, "DPDK has %u ports; reading port %u only",
		       nports, p->port);

	pool_n = pool_mbufs ? pool_mbufs : DPDK_DEFAULT_POOL_MBUFS(p->nworkers);
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
	return 0;
}

int dpdk_workers_setup(struct dpdk_priv *p, char *errbuf)
{
	char name[32];
	unsigned i;

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
	return 0;
}

#endif /* SW_HAVE_DPDK */
