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
 * This file is the datapath and the ops table; the EAL (dpdk-eal.c), the
 * port and RSS (dpdk-port.c) and the pre-filled rings (dpdk-prefill.c)
 * are set up beside it. Without libdpdk at build time this file compiles
 * to a backend whose open_op says that DPDK support is not compiled in,
 * and the others to nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "capture/capture.h"

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

#include "capture/dpdk-internal.h"

#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <rte_lcore.h>

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

static int dpdk_open(struct sw_capture *c, const char *spec, char *errbuf)
{
	const struct sw_capture_cfg *cfg = c->cfg;
	struct dpdk_priv *p;
	int rc;

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
	rc = dpdk_eal_args(p, spec, errbuf);
	if (rc)
		return rc;
	if (cfg && cfg->ring_file &&
	    sw_capture_pcap_file_probe(cfg->ring_file, errbuf) != 0)
		return -EINVAL;
	rc = dpdk_eal_init(p, spec, errbuf);
	if (rc)
		return rc;
	if (cfg && cfg->ring_file)
		rc = dpdk_prefill(p, cfg->ring_file, errbuf);
	else
		rc = dpdk_port_pick(p, spec, cfg ? cfg->pool_mbufs : 0, errbuf);
	if (rc)
		return rc;
	rc = dpdk_port_setup(p, errbuf);
	if (rc)
		return rc < 0 ? rc : -EIO;
	rc = dpdk_workers_setup(p, errbuf);
	if (rc)
		return rc;
	c->nqueues = p->nworkers;
	c->finite = p->from_file || p->prefilled;
	if (!p->from_file && !p->prefilled)
		snprintf(c->what, sizeof(c->what), "DPDK port %u (%s, %s)",
			 p->port, p->port_name, p->driver);
	dpdk_link_report(p);
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
	dpdk_eal_cleanup(p);
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
