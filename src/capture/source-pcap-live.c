// SPDX-License-Identifier: BSD-2-Clause
/*
 * libpcap live capture backend (see source-pcap-live.h). Handles are
 * non-blocking; the caller waits on their selectable descriptors, so one
 * thread serves several interfaces and still wakes for signals and timers.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "capture/source-pcap-live.h"
#include "decode/decode.h"

struct pcap_live {
	pcap_t *pcap;
	int fd;
	int linktype;
	char name[16];
	uint64_t frames, bytes;
};

static int fail(char *errbuf, const char *ifname, const char *what,
		const char *why, int err)
{
	snprintf(errbuf, SW_ERRBUF_SIZE, "%.16s: %s: %.400s", ifname, what,
		 why);
	return -err;
}

int sw_pcap_live_open(struct sw_capture *c, const char *ifname,
		      const struct sw_pcap_live_opts *o, char *errbuf)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;
	struct pcap_live *p;
	int rc;

	if (strlen(ifname) >= sizeof(p->name))
		return fail(errbuf, ifname, "interface name", "too long",
			    EINVAL);
	p = calloc(1, sizeof(*p));
	if (!p)
		return fail(errbuf, ifname, "open", strerror(errno), ENOMEM);
	snprintf(p->name, sizeof(p->name), "%s", ifname);
	p->pcap = pcap_create(ifname, perr);
	if (!p->pcap) {
		rc = fail(errbuf, ifname, "pcap_create", perr, ENODEV);
		goto out_free;
	}
	pcap_set_snaplen(
		p->pcap,
		(int)(o->snaplen ? o->snaplen : SW_PCAP_LIVE_SNAPLEN_DEFAULT));
	pcap_set_promisc(p->pcap, o->promisc);
	pcap_set_immediate_mode(p->pcap, 1);
	pcap_set_buffer_size(
		p->pcap, (int)(o->buffer_bytes ? o->buffer_bytes :
						 SW_PCAP_LIVE_BUFFER_DEFAULT));
	rc = pcap_activate(p->pcap);
	if (rc < 0) {
		rc = fail(errbuf, ifname, "activate", pcap_geterr(p->pcap),
			  rc == PCAP_ERROR_PERM_DENIED ? EPERM : ENODEV);
		goto out_close;
	}
	if (rc > 0)
		sw_log(SW_LOG_ERROR, "%s: warning: %s", ifname,
		       pcap_statustostr(rc));
	if (o->filter && o->filter[0]) {
		if (pcap_compile(p->pcap, &prog, o->filter, 1,
				 PCAP_NETMASK_UNKNOWN) < 0) {
			rc = fail(errbuf, ifname, "BPF filter",
				  pcap_geterr(p->pcap), EINVAL);
			goto out_close;
		}
		rc = pcap_setfilter(p->pcap, &prog);
		pcap_freecode(&prog);
		if (rc < 0) {
			rc = fail(errbuf, ifname, "BPF filter",
				  pcap_geterr(p->pcap), EINVAL);
			goto out_close;
		}
	}
	if (pcap_setnonblock(p->pcap, 1, perr) < 0) {
		rc = fail(errbuf, ifname, "non-blocking mode", perr, EIO);
		goto out_close;
	}
	p->fd = pcap_get_selectable_fd(p->pcap);
	if (p->fd < 0) {
		rc = fail(errbuf, ifname, "selectable descriptor",
			  "none on this platform", ENOTSUP);
		goto out_close;
	}
	p->linktype = pcap_datalink(p->pcap) == DLT_RAW ?
			      SW_LINKTYPE_RAW :
			      pcap_datalink(p->pcap);
	c->priv = p;
	return 0;
out_close:
	pcap_close(p->pcap);
out_free:
	free(p);
	return rc;
}

static int live_open(struct sw_capture *c, const char *spec, char *errbuf)
{
	struct sw_pcap_live_opts o = { .promisc = 1 };

	return sw_pcap_live_open(c, spec, &o, errbuf);
}

static int live_read(struct sw_capture *c, struct sw_frame *f, char *errbuf)
{
	struct pcap_live *p = c->priv;
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc = pcap_next_ex(p->pcap, &h, &data);

	if (rc == 0)
		return 0;
	if (rc < 0) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "%s: capture: %.400s", p->name,
			 pcap_geterr(p->pcap));
		return -EIO;
	}
	f->data = data;
	f->caplen = h->caplen;
	f->wirelen = h->len;
	f->ts_ns = (uint64_t)h->ts.tv_sec * 1000000000ull +
		   (uint64_t)h->ts.tv_usec * 1000ull;
	f->linktype = p->linktype;
	p->frames++;
	p->bytes += h->len;
	return 1;
}

static void live_progress(struct sw_capture *c, struct sw_capture_progress *pr)
{
	(void)c;
	pr->bytes_done = 0;
	pr->bytes_total = 0;
}

static void live_cleanup(struct sw_capture *c)
{
	struct pcap_live *p = c->priv;

	if (!p)
		return;
	pcap_close(p->pcap);
	free(p);
	c->priv = NULL;
}

const struct sw_capture_ops sw_capture_pcap_live_ops = {
	.name = "pcap",
	.open_op = live_open,
	.read_op = live_read,
	.progress_op = live_progress,
	.cleanup_op = live_cleanup,
};

int sw_pcap_live_wait(struct sw_capture *caps, int n, int timeout_ms)
{
	struct pollfd pfd[16];
	int i;

	if (n > 16)
		n = 16;
	for (i = 0; i < n; i++) {
		pfd[i].fd = ((struct pcap_live *)caps[i].priv)->fd;
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	if (poll(pfd, (nfds_t)n, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	return 0;
}

void sw_pcap_live_stats(struct sw_capture *c,
			struct sw_capture_iface_stats *out)
{
	struct pcap_live *p = c->priv;
	struct pcap_stat ps;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", p->name);
	out->packets = p->frames;
	out->bytes = p->bytes;
	if (pcap_stats(p->pcap, &ps) == 0) {
		out->drops = ps.ps_drop;
		out->if_drops = ps.ps_ifdrop;
	}
}
