// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * scrapewatch XDP program. For now it only counts packets and bytes per CPU
 * and passes everything (fail open); it already compiles the shared
 * accounting header, so the kernel build proves that header stays free of
 * libc. In-kernel flow accounting and head sampling build on this.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "scrapewatch/flow_acct.h"
#include "scrapewatch/xdp_kern_user.h"

/* Per-CPU totals, one slot; summed by userspace. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sw_xdp_stats);
} sw_stats SEC(".maps");

SEC("xdp")
int sw_xdp_main(struct xdp_md *ctx)
{
	__u32 zero = 0;
	struct sw_xdp_stats *st = bpf_map_lookup_elem(&sw_stats, &zero);

	if (st) {
		st->packets++;
		st->bytes += (__u64)(ctx->data_end - ctx->data);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
