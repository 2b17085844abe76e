// SPDX-License-Identifier: BSD-2-Clause
/*
 * The engine's sources (engine.h): each capture backend as a table of
 * sw_source_ops. dpdk and afxdp are multi-queue frame sources run on the
 * backend's own threads; libpcap live handles and the XDP program are
 * single-queue sources run on the calling thread, which waits for frames
 * (or ring buffer records) at most WAIT_MS at a time so that the loop's
 * chores keep their pace on an idle link.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "daemon/privdrop.h"
#include "engine/engine.h"

#define WAIT_MS 200
#define PCAP_BATCH 256 /* frames per interface per round */

/* --- dpdk, afxdp: a queue per worker ---------------------------------- */

static int queues_open(struct sw_source *s, char *errbuf)
{
	int rc;

	s->cap.cfg = &s->capcfg;
	rc = s->cap.ops->open_op(&s->cap, s->spec, errbuf);
	if (rc)
		return rc;
	s->nqueues = s->cap.nqueues;
	s->finite = s->cap.finite;
	memcpy(s->what, s->cap.what, sizeof(s->what));
	return 0;
}

static int queues_run(struct sw_source *s, sw_capture_worker_fn fn,
		      void *const *args, char *errbuf)
{
	return s->cap.ops->run_workers_op(&s->cap, fn, args, errbuf);
}

/* A batch of frames, up to SW_ENGINE_BATCH: the loop looks at its chores
 * once per batch, not per frame. */
static int queues_pump(struct sw_source *s, unsigned q, struct sw_pipeline *pl,
		       struct sw_detq *dq, unsigned *frames, char *errbuf)
{
	const struct sw_capture_ops *ops = s->cap.ops;
	struct sw_frame fr;
	unsigned k;
	int rc;

	for (k = 0; k < SW_ENGINE_BATCH; k++) {
		rc = ops->read_queue_op(&s->cap, q, &fr, errbuf);
		if (rc == 1) {
			sw_pipeline_frame(pl, &fr);
			continue;
		}
		*frames = k;
		if (rc != SW_CAPTURE_IDLE)
			return rc;
		if (dq)
			sw_detq_idle(dq, fr.ts_ns);
		return 1;
	}
	*frames = k;
	return 1;
}

static void queues_stats(struct sw_source *s, struct sw_capture_stats *st)
{
	if (s->cap.ops->stats_op)
		s->cap.ops->stats_op(&s->cap, st);
}

static void queues_close(struct sw_source *s)
{
	if (s->cap.ops->cleanup_op && s->cap.priv)
		s->cap.ops->cleanup_op(&s->cap);
}

static const struct sw_source_ops queues_ops = {
	.open = queues_open,
	.run = queues_run,
	.pump = queues_pump,
	.stats = queues_stats,
	.close = queues_close,
	.priv = -1,
};

void sw_source_queues(struct sw_source *s, const struct sw_capture_ops *ops,
		      const struct sw_capture_cfg *cfg, const char *spec)
{
	memset(s, 0, sizeof(*s));
	s->ops = &queues_ops;
	s->name = ops->name;
	s->cap.ops = ops;
	s->capcfg = *cfg;
	s->stop = cfg->stop;
	s->spec = spec;
}

/* --- pcap, xdp: one queue, on this thread ----------------------------- */

static int single_open(struct sw_source *s, char *errbuf)
{
	int rc;

	s->nqueues = 1;
	if (s->ops->priv != SW_PRIV_PCAP)
		return 0;
	for (s->npcaps = 0; s->npcaps < s->nif; s->npcaps++) {
		s->pcaps[s->npcaps].ops = &sw_capture_pcap_live_ops;
		rc = sw_pcap_live_open(&s->pcaps[s->npcaps],
				       s->ifaces[s->npcaps], &s->pcap, errbuf);
		if (rc)
			return rc;
	}
	sw_log(SW_LOG_INFO, "pcap capturing on %d interface(s)", s->nif);
	return 0;
}

static int single_run(struct sw_source *s, sw_capture_worker_fn fn,
		      void *const *args, char *errbuf)
{
	(void)s;
	(void)errbuf;
	return fn(args[0]);
}

/* What the interfaces hold, a bounded batch from each so that one busy
 * interface cannot starve the others; or a wait when none had frames. */
static int pcap_pump(struct sw_source *s, unsigned q, struct sw_pipeline *pl,
		     struct sw_detq *dq, unsigned *frames, char *errbuf)
{
	struct sw_frame fr;
	unsigned got = 0;
	int i, k, rc;

	(void)q;
	(void)dq;
	*frames = 0;
	if (*s->stop)
		return 0;
	for (i = 0; i < s->npcaps; i++) {
		for (k = 0; k < PCAP_BATCH; k++) {
			rc = s->pcaps[i].ops->read_op(&s->pcaps[i], &fr,
						      errbuf);
			if (rc < 0)
				return rc;
			if (rc == 0)
				break;
			sw_pipeline_frame(pl, &fr);
			got++;
		}
	}
	*frames = got;
	if (got)
		return 1;
	rc = sw_pcap_live_wait(s->pcaps, s->npcaps, WAIT_MS);
	if (rc < 0) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "pcap: %s", strerror(-rc));
		return rc;
	}
	return 1;
}

static void pcap_publish(struct sw_source *s, struct sw_metrics *m,
			 struct sw_pipeline *pl)
{
	struct sw_capture_iface_stats ifs[SW_METRICS_IFACES_MAX];
	int i, n = s->npcaps;

	if (n > SW_METRICS_IFACES_MAX)
		n = SW_METRICS_IFACES_MAX;
	for (i = 0; i < n; i++)
		sw_pcap_live_stats(&s->pcaps[i], &ifs[i]);
	sw_metrics_publish(m, pl, "pcap", ifs, n);
}

/* One line per interface: frames, kernel and interface drops. */
static void pcap_finish(struct sw_source *s, struct sw_pipeline *pl)
{
	struct sw_capture_iface_stats st;
	int i;

	(void)pl;
	for (i = 0; i < s->npcaps; i++) {
		sw_pcap_live_stats(&s->pcaps[i], &st);
		sw_log(SW_LOG_INFO,
		       "%s: %llu frames, %llu dropped by the "
		       "kernel, %llu by the interface",
		       st.name, (unsigned long long)st.packets,
		       (unsigned long long)st.drops,
		       (unsigned long long)st.if_drops);
	}
}

static void pcap_close(struct sw_source *s)
{
	int i;

	for (i = 0; i < s->npcaps; i++)
		s->pcaps[i].ops->cleanup_op(&s->pcaps[i]);
	s->npcaps = 0;
}

static const struct sw_source_ops pcap_ops = {
	.open = single_open,
	.run = single_run,
	.pump = pcap_pump,
	.publish = pcap_publish,
	.finish = pcap_finish,
	.close = pcap_close,
	.reload_outputs = 1,
	.priv = SW_PRIV_PCAP,
	.priv_what = "pcap (CAP_NET_RAW)",
};

/* A single-queue source on nif interfaces. */
static void single_init(struct sw_source *s, const struct sw_source_ops *ops,
			const char *name, const char *const *ifaces, int nif,
			const atomic_int *stop)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->name = name;
	s->stop = stop;
	s->nif = nif < SW_SOURCE_IFACES_MAX ? nif : SW_SOURCE_IFACES_MAX;
	memcpy(s->ifaces, ifaces, (size_t)s->nif * sizeof(*ifaces));
}

void sw_source_pcap(struct sw_source *s, const char *const *ifaces, int nif,
		    const struct sw_pcap_live_opts *po, const atomic_int *stop)
{
	single_init(s, &pcap_ops, "pcap", ifaces, nif, stop);
	s->pcap = *po;
}

/* The program loaded into the shard's pipeline and attached. */
static int xdp_bind(struct sw_source *s, struct sw_pipeline *pl,
		    const struct sw_engine_opts *o, char *errbuf)
{
	struct sw_xdp_opts xo;
	int i, rc;

	sw_xdp_default_opts(&xo);
	xo.table = o->flows;
	xo.max_flows = o->flows.max_flows;
	xo.heads = !(o->emit & SW_NO_HEADS);
	if (s->ack_sample)
		xo.ack_sample_n = s->ack_sample;
	s->xdp = sw_xdp_open(&xo, pl, errbuf);
	if (!s->xdp)
		return -EINVAL;
	for (i = 0; i < s->nif; i++) {
		rc = sw_xdp_attach(s->xdp, s->ifaces[i], s->xdp_mode, errbuf);
		if (rc)
			return rc;
	}
	sw_log(SW_LOG_INFO, "XDP attached on %d interface(s)", s->nif);
	return 0;
}

static int xdp_pump(struct sw_source *s, unsigned q, struct sw_pipeline *pl,
		    struct sw_detq *dq, unsigned *frames, char *errbuf)
{
	(void)q;
	(void)pl;
	(void)dq;
	*frames = 0;
	if (*s->stop)
		return 0;
	if (sw_xdp_poll(s->xdp, WAIT_MS) < 0) {
		int err = errno;

		snprintf(errbuf, SW_ERRBUF_SIZE, "XDP ring buffer: %s",
			 strerror(err));
		return err ? -err : -EIO;
	}
	return 1;
}

static void xdp_publish(struct sw_source *s, struct sw_metrics *m,
			struct sw_pipeline *pl)
{
	sw_xdp_fill_stats(s->xdp, &pl->stats);
	sw_metrics_publish(m, pl, "xdp", NULL, 0);
}

/* Every flow still in the kernel ended; the kernel's counters in. */
static void xdp_finish(struct sw_source *s, struct sw_pipeline *pl)
{
	sw_xdp_finish(s->xdp);
	sw_xdp_fill_stats(s->xdp, &pl->stats);
}

static void xdp_close(struct sw_source *s)
{
	sw_xdp_close(s->xdp);
	s->xdp = NULL;
}

static const struct sw_source_ops xdp_ops = {
	.open = single_open,
	.bind = xdp_bind,
	.run = single_run,
	.pump = xdp_pump,
	.publish = xdp_publish,
	.finish = xdp_finish,
	.close = xdp_close,
	.reload_outputs = 1,
	.priv = SW_PRIV_XDP,
	.priv_what = "XDP (CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN)",
};

void sw_source_xdp(struct sw_source *s, const char *const *ifaces, int nif,
		   int mode, uint32_t ack_sample, const atomic_int *stop)
{
	single_init(s, &xdp_ops, "xdp", ifaces, nif, stop);
	s->xdp_mode = mode;
	s->ack_sample = ack_sample;
}
