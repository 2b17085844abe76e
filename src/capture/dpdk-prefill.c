// SPDX-License-Identifier: BSD-2-Clause
/*
 * --dpdk-ring-file, for benchmarks only (see dpdk-internal.h): a capture
 * file loaded into mbufs before the workers start, one ring per worker,
 * each frame on the ring a NIC's RSS would pick; the rings become a
 * net_ring port, read as any other. What a NIC would have put in host
 * memory, before the clock starts.
 */
#ifdef SW_HAVE_DPDK

#include "capture/dpdk-internal.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_lcore.h>
#include <rte_mbuf_dyn.h>
#include <rte_mbuf_pool_ops.h>

#include "base/log.h"

/* What the first pass over the file found. */
struct prefill_scan {
	uint32_t counts[SW_CAPTURE_QUEUES_MAX]; /* frames per queue */
	uint32_t maxlen; /* the longest frame captured */
	uint64_t npkts, nsegs; /* frames, and mbufs they take */
	uint8_t *qof; /* each frame's queue */
};

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

/* Pass 1: how many frames, how long, and the queue of each. */
static int prefill_scan(struct dpdk_priv *p, const char *file,
			struct prefill_scan *s, char *errbuf)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	uint8_t *grown;
	uint64_t cap = 0;
	pcap_t *pc;
	int rc;

	pc = pcap_open_offline_with_tstamp_precision(
		file, PCAP_TSTAMP_PRECISION_NANO, err);
	if (!pc) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "%.200s: %.250s", file, err);
		return -EINVAL;
	}
	p->ring_linktype = pcap_datalink(pc) == DLT_RAW ? SW_LINKTYPE_RAW :
							  pcap_datalink(pc);
	while ((rc = pcap_next_ex(pc, &h, &d)) == 1) {
		if (s->npkts == cap) {
			cap = cap ? 2 * cap : 65536;
			grown = realloc(s->qof, cap);
			if (!grown) {
				pcap_close(pc);
				return -ENOMEM;
			}
			s->qof = grown;
		}
		s->qof[s->npkts] = (uint8_t)dpdk_rss_queue(
			p->ring_linktype, d, h->caplen, h->len, p->nworkers);
		s->counts[s->qof[s->npkts]]++;
		if (h->caplen > s->maxlen)
			s->maxlen = h->caplen;
		s->nsegs += h->caplen > DPDK_RING_ROOM_MAX ?
				    (h->caplen + DPDK_RING_ROOM_MAX - 1) /
					    DPDK_RING_ROOM_MAX :
				    1;
		s->npkts++;
	}
	if (rc == PCAP_ERROR) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "%.300s: %s", file,
			 pcap_geterr(pc));
		pcap_close(pc);
		return -EIO;
	}
	pcap_close(pc);
	if (s->npkts > (1u << 30)) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "%.300s: too many frames",
			 file);
		return -E2BIG;
	}
	return 0;
}

/* The pool for every segment, and one ring per queue sized to its
 * frames. */
static int prefill_rings(struct dpdk_priv *p, const char *file,
			 const struct prefill_scan *s, unsigned room,
			 char *errbuf)
{
	int socket = (int)rte_socket_id();
	unsigned i, pool_n;
	char name[32];

	/* Every segment, and what the lcore caches may keep. */
	pool_n = (unsigned)s->nsegs + 2048;
	p->pool = ring_pool(p, pool_n, room, socket);
	if (!p->pool) {
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "DPDK mbuf pool of %u for %.200s: %s (its ring, and "
			 "the queues' rings, take about %llu MB of EAL's "
			 "memory: without hugepages, give -m with at least "
			 "that in --dpdk-args)",
			 pool_n, file, rte_strerror(rte_errno),
			 (unsigned long long)pool_n * 16 / 1000000 + 16);
		return -ENOMEM;
	}
	for (i = 0; i < p->nworkers; i++) {
		snprintf(name, sizeof(name), "sw_rx%u", i);
		p->prefill[i] = rte_ring_create(
			name, s->counts[i] ? s->counts[i] : 1, socket,
			RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
		if (!p->prefill[i]) {
			snprintf(errbuf, SW_ERRBUF_SIZE,
				 "DPDK ring of %u for queue %u: %s",
				 s->counts[i], i, rte_strerror(rte_errno));
			return -ENOMEM;
		}
	}
	return 0;
}

/* Pass 2: the frames into mbufs (with their time, at the file's
 * resolution), each onto its queue's ring. */
static int prefill_load(struct dpdk_priv *p, const char *file,
			const struct prefill_scan *s, unsigned room,
			uint64_t *loaded, char *errbuf)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	uint64_t k = 0;
	pcap_t *pc;
	int rc = 0;

	pc = pcap_open_offline_with_tstamp_precision(
		file, PCAP_TSTAMP_PRECISION_NANO, err);
	if (!pc) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "%.200s: %.250s", file, err);
		return -EINVAL;
	}
	while (k < s->npkts && pcap_next_ex(pc, &h, &d) == 1) {
		struct rte_mbuf *m = frame_mbuf(p->pool, d, h->caplen, room);

		if (!m) {
			snprintf(errbuf, SW_ERRBUF_SIZE,
				 "%.300s: frame %llu: the mbuf pool ran dry",
				 file, (unsigned long long)k + 1);
			rc = -ENOMEM;
			break;
		}
		*RTE_MBUF_DYNFIELD(m, p->rx_ns_offset, uint64_t *) =
			(uint64_t)h->ts.tv_sec * 1000000000ull +
			(uint64_t)h->ts.tv_usec;
		*RTE_MBUF_DYNFIELD(m, p->wire_len_offset, uint32_t *) = h->len;
		if (rte_ring_sp_enqueue(p->prefill[s->qof[k]], m) != 0) {
			rte_pktmbuf_free(m);
			snprintf(errbuf, SW_ERRBUF_SIZE,
				 "%.300s changed while it was loaded", file);
			rc = -EAGAIN;
			break;
		}
		k++;
	}
	pcap_close(pc);
	*loaded = k;
	return rc;
}

int dpdk_prefill(struct dpdk_priv *p, const char *file, char *errbuf)
{
	static const struct rte_mbuf_dynfield wire_len_desc = {
		.name = "scrapewatch_wire_len",
		.size = sizeof(uint32_t),
		.align = __alignof__(uint32_t),
	};
	struct prefill_scan s = { 0 };
	unsigned nq = p->nworkers, i, room;
	char counts_txt[128] = "";
	int socket = (int)rte_socket_id(), rc, port;
	double t0 = mono_s();
	uint64_t k = 0;

	p->wire_len_offset = rte_mbuf_dynfield_register(&wire_len_desc);
	if (p->wire_len_offset < 0) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "DPDK mbuf field: %s",
			 rte_strerror(rte_errno));
		return -ENOSPC;
	}
	rc = prefill_scan(p, file, &s, errbuf);
	if (rc)
		goto out;
	room = s.maxlen < 64 ? 64 : s.maxlen;
	if (room > DPDK_RING_ROOM_MAX)
		room = DPDK_RING_ROOM_MAX;
	room = (room + 63) & ~63u;
	rc = prefill_rings(p, file, &s, room, errbuf);
	if (rc)
		goto out;
	rc = prefill_load(p, file, &s, room, &k, errbuf);
	if (rc)
		goto out;
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
			 i ? " " : "", s.counts[i]);
	sw_log(SW_LOG_INFO,
	       "%s: %llu frames loaded into mbufs on %u ring(s) (%s) in %.2f s",
	       file, (unsigned long long)k, nq, counts_txt, mono_s() - t0);
out:
	free(s.qof);
	return rc;
}

#endif /* SW_HAVE_DPDK */
