// SPDX-License-Identifier: BSD-2-Clause
/*
 * The XDP source's replayer (see internal.h): captured frames run through
 * the loaded program one at a time with BPF_PROG_TEST_RUN, at their packet
 * time, so `replay --through-xdp` and `flows --through-xdp` account a file
 * exactly as the kernel accounts a wire. Frames of other link types are
 * given an Ethernet header first.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <string.h>

#include "base/log.h"
#include "scrapewatch.skel.h"
#include "xdp/internal.h"

/*
 * The XDP program sees Ethernet frames: give other link types an Ethernet
 * header carrying the same payload. Returns SW_DR_OK or why not.
 */
static int to_ether(struct sw_xdp *x, const struct sw_frame *f, uint32_t *cap,
		    uint32_t *wire)
{
	const uint8_t *d = f->data;
	uint32_t hl, fam;
	uint16_t type;

	if (f->caplen > f->wirelen)
		return SW_DR_BAD_CAPLEN;
	switch (f->linktype) {
	case SW_LINKTYPE_ETHERNET:
		if (f->caplen < ETHER_HLEN)
			return SW_DR_TRUNC_LINK;
		if (f->caplen > FRAME_MAX)
			return SW_DR_BAD_CAPLEN;
		memcpy(x->frame, d, f->caplen);
		*cap = f->caplen;
		*wire = f->wirelen;
		return SW_DR_OK;
	case SW_LINKTYPE_LINUX_SLL:
		hl = 16;
		if (f->caplen < hl)
			return SW_DR_TRUNC_LINK;
		type = (uint16_t)(d[14] << 8 | d[15]);
		break;
	case SW_LINKTYPE_LINUX_SLL2:
		hl = 20;
		if (f->caplen < hl)
			return SW_DR_TRUNC_LINK;
		type = (uint16_t)(d[0] << 8 | d[1]);
		break;
	case SW_LINKTYPE_RAW:
		hl = 0;
		if (f->caplen < 1)
			return SW_DR_TRUNC_IPV4;
		type = (d[0] >> 4) == 6 ? 0x86dd : 0x0800;
		break;
	case SW_LINKTYPE_IPV4:
		hl = 0;
		type = 0x0800;
		break;
	case SW_LINKTYPE_IPV6:
		hl = 0;
		type = 0x86dd;
		break;
	case SW_LINKTYPE_NULL:
	case SW_LINKTYPE_LOOP:
		hl = 4;
		if (f->caplen < hl)
			return SW_DR_TRUNC_LINK;
		fam = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 |
		      (uint32_t)d[2] << 8 | d[3];
		if (f->linktype == SW_LINKTYPE_NULL && (fam & 0xffff) == 0)
			fam = (uint32_t)d[0] | ((uint32_t)d[1] << 8);
		if (fam == 2)
			type = 0x0800;
		else if (fam == 10 || fam == 24 || fam == 28 || fam == 30)
			type = 0x86dd;
		else
			return SW_DR_NULL_FAMILY;
		break;
	default:
		return SW_DR_UNKNOWN_LINKTYPE;
	}
	if (f->caplen - hl + ETHER_HLEN > FRAME_MAX)
		return SW_DR_BAD_CAPLEN;
	memset(x->frame, 0, 12);
	x->frame[12] = (uint8_t)(type >> 8);
	x->frame[13] = (uint8_t)type;
	memcpy(x->frame + ETHER_HLEN, d + hl, f->caplen - hl);
	*cap = f->caplen - hl + ETHER_HLEN;
	*wire = f->wirelen - hl + ETHER_HLEN;
	return SW_DR_OK;
}

void sw_xdp_replay_frame(struct sw_xdp *x, const struct sw_frame *f)
{
	LIBBPF_OPTS(bpf_test_run_opts, to);
	uint32_t cap = 0, wire = 0;
	int rc = to_ether(x, f, &cap, &wire);

	if (rc != SW_DR_OK) {
		/* Refused before the kernel: counted here, as the userspace
		 * path would count it. */
		x->user_packets++;
		x->user_bytes += f->wirelen;
		x->user_reasons[rc]++;
		return;
	}
	xdp_advance_time(x, f->ts_ns);
	x->skel->bss->sw_replay_ns = f->ts_ns;
	x->skel->bss->sw_replay_wire_len = wire;
	to.data_in = x->frame;
	to.data_size_in = cap;
	to.repeat = 1;
	if (bpf_prog_test_run_opts(x->prog_fd, &to)) {
		if (!x->test_run_errors++)
			sw_log(SW_LOG_ERROR,
			       "BPF_PROG_TEST_RUN of a %u-byte "
			       "frame: %s (counted; later ones silent)",
			       cap, strerror(errno));
	}
	ring_buffer__consume(x->rb);
}
