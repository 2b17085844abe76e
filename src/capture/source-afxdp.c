// SPDX-License-Identifier: BSD-2-Clause
/*
 * Capture through AF_XDP sockets (libxdp's xsk API): one socket per worker,
 * bound to consecutive RX queues from --queue, each with its own UMEM of
 * --umem-frames 4 KiB frames, fill and completion rings. Our own redirect
 * program (bpf/afxdp_redirect.bpf.c) is attached through a bpf_link and
 * the sockets go into its XSKMAP: libxdp's dispatcher needs freplace,
 * which this kind of host refuses, so libxdp is told not to load one.
 * Zero-copy where the driver offers it, copy mode (veth) otherwise.
 *
 * A frame stays in its UMEM slot until the next read on that queue; a
 * batch of descriptors is released, and its frames go back to the fill
 * ring, once all of it has been read. Drop counters come from the
 * kernel's XDP_STATISTICS. Packet time is the wall clock of the batch.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>

#include "afxdp_redirect.skel.h"
#include "capture.h"
#include "decode/decode.h"

#define AFXDP_FRAME_SIZE 4096u
#define AFXDP_DEFAULT_FRAMES 4096u
#define AFXDP_MIN_FRAMES 64u
#define AFXDP_BATCH 64u
#define AFXDP_POLL_MS 100

struct afxdp_queue {
	unsigned queue_id;
	void *area;
	size_t area_bytes;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fq;
	struct xsk_ring_cons cq;
	struct xsk_ring_cons rx;
	uint32_t idx; /* first descriptor of the batch in hand */
	uint32_t n, pos; /* its size, and how many were handed out */
	uint64_t batch_ns;
	int idle_said; /* SW_CAPTURE_IDLE returned since the last poll() */
	struct sw_capture_queue_stats st;
};

struct afxdp_priv {
	char ifname[IF_NAMESIZE];
	int ifindex;
	unsigned nq;
	unsigned frames;
	int zero_copy; /* of queue 0: how the kernel bound it */
	struct afxdp_redirect_bpf *skel;
	struct bpf_link *link;
	const atomic_int *stop;
	struct afxdp_queue q[SW_CAPTURE_QUEUES_MAX];
};

static uint64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Hand n frames, starting at UMEM address addr[0..n), to the fill ring. */
static void fill(struct afxdp_queue *q, const uint64_t *addr, uint32_t n)
{
	uint32_t idx, i;

	/* The fill ring holds half the UMEM: it always has the room. */
	while (xsk_ring_prod__reserve(&q->fq, n, &idx) != n)
		;
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&q->fq, idx + i) = addr[i];
	xsk_ring_prod__submit(&q->fq, n);
}

static int queue_open(struct afxdp_priv *p, struct afxdp_queue *q, char *errbuf)
{
	struct xsk_umem_config ucfg = {
		.fill_size = p->frames / 2,
		.comp_size = AFXDP_BATCH,
		.frame_size = AFXDP_FRAME_SIZE,
		.frame_headroom = 0,
	};
	struct xsk_socket_config scfg = {
		.rx_size = p->frames / 2,
		.tx_size = 0,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_USE_NEED_WAKEUP,
	};
	uint64_t addr[AFXDP_BATCH];
	uint32_t i, k;
	int rc, fd, key;

	q->area_bytes = (size_t)p->frames * AFXDP_FRAME_SIZE;
	q->area = mmap(NULL, q->area_bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q->area == MAP_FAILED) {
		q->area = NULL;
		rc = -errno;
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "%s queue %u: UMEM of %zu B: %s", p->ifname,
			 q->queue_id, q->area_bytes, strerror(-rc));
		return rc;
	}
	rc = xsk_umem__create(&q->umem, q->area, q->area_bytes, &q->fq, &q->cq,
			      &ucfg);
	if (rc) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "%s queue %u: UMEM: %s",
			 p->ifname, q->queue_id, strerror(-rc));
		q->umem = NULL;
		return rc;
	}
	rc = xsk_socket__create(&q->xsk, p->ifname, q->queue_id, q->umem,
				&q->rx, NULL, &scfg);
	if (rc) {
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "%s queue %u: AF_XDP socket: %s%s", p->ifname,
			 q->queue_id, strerror(-rc),
			 rc == -EINVAL ? " (does the interface have that "
					 "queue?)" :
					 "");
		q->xsk = NULL;
		return rc;
	}
	fd = xsk_socket__fd(q->xsk);
	key = (int)q->queue_id;
	rc = bpf_map_update_elem(bpf_map__fd(p->skel->maps.sw_xsks), &key, &fd,
				 BPF_ANY);
	if (rc) {
		rc = -errno;
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "%s queue %u: XSKMAP update: %s", p->ifname,
			 q->queue_id, strerror(-rc));
		return rc;
	}
	/* Half the frames wait in the fill ring, half can sit in RX. */
	for (i = 0; i < p->frames / 2; i += k) {
		for (k = 0; k < AFXDP_BATCH && i + k < p->frames / 2; k++)
			addr[k] = (uint64_t)(i + k) * AFXDP_FRAME_SIZE;
		fill(q, addr, k);
	}
	return 0;
}

static int afxdp_open(struct sw_capture *c, const char *ifname, char *errbuf)
{
	const struct sw_capture_cfg *cfg = c->cfg;
	struct xdp_options opts;
	socklen_t optlen = sizeof(opts);
	struct afxdp_priv *p;
	unsigned i;
	int rc;

	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "AF_XDP: %s", strerror(errno));
		return -ENOMEM;
	}
	c->priv = p;
	p->nq = cfg && cfg->workers ? cfg->workers : 1;
	p->frames = cfg && cfg->umem_frames ? cfg->umem_frames :
					      AFXDP_DEFAULT_FRAMES;
	p->stop = cfg ? cfg->stop : NULL;
	if (p->frames < AFXDP_MIN_FRAMES || (p->frames & (p->frames - 1))) {
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "--umem-frames %u: a power of two, at least %u",
			 p->frames, AFXDP_MIN_FRAMES);
		return -EINVAL;
	}
	if (!ifname || strlen(ifname) >= IF_NAMESIZE ||
	    !(p->ifindex = (int)if_nametoindex(ifname))) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "--interface %s: %s",
			 ifname ? ifname : "",
			 strerror(errno ? errno : EINVAL));
		return -ENODEV;
	}
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);

	p->skel = afxdp_redirect_bpf__open_and_load();
	if (!p->skel) {
		rc = -errno;
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "AF_XDP redirect program: load: %s", strerror(-rc));
		return rc;
	}
	p->link = bpf_program__attach_xdp(p->skel->progs.sw_xsk_redirect,
					  p->ifindex);
	if (!p->link) {
		rc = -errno;
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "%s: attach the AF_XDP redirect program: %s%s",
			 p->ifname, strerror(-rc),
			 rc == -EBUSY || rc == -EEXIST ?
				 " (another XDP program is attached)" :
				 "");
		return rc;
	}
	for (i = 0; i < p->nq; i++) {
		p->q[i].queue_id = (cfg ? cfg->first_queue : 0) + i;
		rc = queue_open(p, &p->q[i], errbuf);
		if (rc)
			return rc;
	}
	if (getsockopt(xsk_socket__fd(p->q[0].xsk), SOL_XDP, XDP_OPTIONS, &opts,
		       &optlen) == 0)
		p->zero_copy = !!(opts.flags & XDP_OPTIONS_ZEROCOPY);
	c->nqueues = p->nq;
	snprintf(c->what, sizeof(c->what), "%s queue(s) %u-%u (AF_XDP, %s)",
		 p->ifname, p->q[0].queue_id, p->q[p->nq - 1].queue_id,
		 p->zero_copy ? "zero-copy" : "copy mode");
	return 0;
}

/* Give the batch in hand back: descriptors released, frames refilled. */
static void batch_done(struct afxdp_queue *q)
{
	uint64_t addr[AFXDP_BATCH];
	uint32_t i;

	if (!q->n)
		return;
	for (i = 0; i < q->n; i++)
		addr[i] = xsk_umem__extract_addr(
			xsk_ring_cons__rx_desc(&q->rx, q->idx + i)->addr);
	xsk_ring_cons__release(&q->rx, q->n);
	fill(q, addr, q->n);
	q->n = q->pos = 0;
}

static int afxdp_read_queue(struct sw_capture *c, unsigned qi,
			    struct sw_frame *f, char *errbuf)
{
	struct afxdp_priv *p = c->priv;
	struct afxdp_queue *q = &p->q[qi];
	const struct xdp_desc *d;
	struct pollfd pfd;

	if (q->pos >= q->n) {
		batch_done(q);
		for (;;) {
			if (p->stop && *p->stop)
				return 0;
			q->n = xsk_ring_cons__peek(&q->rx, AFXDP_BATCH,
						   &q->idx);
			if (q->n) {
				q->idle_said = 0;
				break;
			}
			/* Say so once before sleeping: what comes later is
			 * stamped with a later wall clock. */
			if (!q->idle_said) {
				q->idle_said = 1;
				f->ts_ns = wall_ns();
				return SW_CAPTURE_IDLE;
			}
			q->idle_said = 0;
			/* Sleep in poll(): it also kicks the kernel when
			 * the fill ring wants a wakeup. */
			pfd.fd = xsk_socket__fd(q->xsk);
			pfd.events = POLLIN;
			if (poll(&pfd, 1, AFXDP_POLL_MS) < 0 &&
			    errno != EINTR) {
				snprintf(errbuf, SW_ERRBUF_SIZE,
					 "%s queue %u: poll: %s", p->ifname,
					 q->queue_id, strerror(errno));
				return -errno;
			}
		}
		q->batch_ns = wall_ns();
	}
	d = xsk_ring_cons__rx_desc(&q->rx, q->idx + q->pos++);
	f->data = xsk_umem__get_data(q->area,
				     xsk_umem__add_offset_to_addr(d->addr));
	f->caplen = d->len;
	f->wirelen = d->len;
	f->ts_ns = q->batch_ns;
	f->linktype = SW_LINKTYPE_ETHERNET;
	q->st.packets++;
	q->st.bytes += d->len;
	return 1;
}

static int afxdp_read(struct sw_capture *c, struct sw_frame *f, char *errbuf)
{
	int rc;

	while ((rc = afxdp_read_queue(c, 0, f, errbuf)) == SW_CAPTURE_IDLE)
		;
	return rc;
}

static void afxdp_progress(struct sw_capture *c, struct sw_capture_progress *pr)
{
	(void)c;
	pr->bytes_done = 0;
	pr->bytes_total = 0;
}

struct afxdp_thread {
	pthread_t tid;
	sw_capture_worker_fn fn;
	void *arg;
	int started;
};

static void *afxdp_thread_main(void *arg)
{
	struct afxdp_thread *t = arg;

	t->fn(t->arg);
	return NULL;
}

static int afxdp_run_workers(struct sw_capture *c, sw_capture_worker_fn fn,
			     void *const *args, char *errbuf)
{
	struct afxdp_priv *p = c->priv;
	struct afxdp_thread t[SW_CAPTURE_QUEUES_MAX];
	unsigned i;
	int rc, status = 0;

	memset(t, 0, sizeof(t));
	for (i = 1; i < p->nq; i++) {
		t[i].fn = fn;
		t[i].arg = args[i];
		rc = pthread_create(&t[i].tid, NULL, afxdp_thread_main, &t[i]);
		if (rc) {
			snprintf(errbuf, SW_ERRBUF_SIZE, "AF_XDP worker %u: %s",
				 i, strerror(rc));
			status = -rc;
			break;
		}
		t[i].started = 1;
	}
	/* With a worker missing, the others still stop on the flag. */
	if (status == 0)
		fn(args[0]);
	for (i = 1; i < p->nq; i++)
		if (t[i].started)
			pthread_join(t[i].tid, NULL);
	return status;
}

static void afxdp_stats(struct sw_capture *c, struct sw_capture_stats *st)
{
	struct afxdp_priv *p = c->priv;
	struct xdp_statistics xs;
	socklen_t len;
	unsigned i;

	memset(st, 0, sizeof(*st));
	st->backend = p->zero_copy ? "afxdp-zerocopy" : "afxdp-copy";
	st->sharding = p->nq > 1 ? "rss" : "none";
	st->nqueues = p->nq;
	for (i = 0; i < p->nq; i++) {
		st->q[i] = p->q[i].st;
		len = sizeof(xs);
		if (!p->q[i].xsk ||
		    getsockopt(xsk_socket__fd(p->q[i].xsk), SOL_XDP,
			       XDP_STATISTICS, &xs, &len) != 0)
			continue;
		st->q[i].missed = xs.rx_dropped;
		st->q[i].ring_full = xs.rx_ring_full;
		st->q[i].fill_empty = xs.rx_fill_ring_empty_descs;
		st->q[i].invalid = xs.rx_invalid_descs;
		st->port_packets += st->q[i].packets;
		st->port_missed += xs.rx_dropped + xs.rx_ring_full;
	}
}

static void afxdp_cleanup(struct sw_capture *c)
{
	struct afxdp_priv *p = c->priv;
	unsigned i;

	if (!p)
		return;
	/* Detach first: no frame is redirected to a closing socket. */
	if (p->link)
		bpf_link__destroy(p->link);
	for (i = 0; i < SW_CAPTURE_QUEUES_MAX; i++) {
		struct afxdp_queue *q = &p->q[i];

		if (q->xsk)
			xsk_socket__delete(q->xsk);
		if (q->umem)
			xsk_umem__delete(q->umem);
		if (q->area)
			munmap(q->area, q->area_bytes);
	}
	afxdp_redirect_bpf__destroy(p->skel);
	free(p);
	c->priv = NULL;
}

const struct sw_capture_ops sw_capture_afxdp_ops = {
	.name = "afxdp",
	.open_op = afxdp_open,
	.read_op = afxdp_read,
	.progress_op = afxdp_progress,
	.cleanup_op = afxdp_cleanup,
	.read_queue_op = afxdp_read_queue,
	.run_workers_op = afxdp_run_workers,
	.stats_op = afxdp_stats,
};
