// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The AF_XDP capture backend's redirect program: every frame arriving on a
 * queue that has a scrapewatch socket goes to that socket; frames on other
 * queues pass to the kernel. Meant for a mirror or TAP port, whose frames
 * are copies: the stack does not need them.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* RX queue index -> AF_XDP socket, filled by userspace per worker. */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} sw_xsks SEC(".maps");

SEC("xdp")
int sw_xsk_redirect(struct xdp_md *ctx)
{
	/* XDP_PASS when the queue has no socket. */
	return bpf_redirect_map(&sw_xsks, ctx->rx_queue_index, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
