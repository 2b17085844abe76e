/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The flow contract shared by the XDP program (bpf/) and userspace (src/).
 *
 * Every struct here crosses the kernel boundary (map keys and values, ring
 * buffer records), so each one is defined once, here: fixed-width fields,
 * explicit padding, no bool, bitfields or pointers, byte order and unit on
 * every field, and a _Static_assert on its size. Numbers given to enums are
 * stable: a retired value is never reused.
 */
#ifndef SCRAPEWATCH_FLOW_KERN_USER_H
#define SCRAPEWATCH_FLOW_KERN_USER_H

#include <linux/types.h>

/* Address families in sw_flow_key.family (not the host's AF_* values). */
enum sw_family {
	SW_FAMILY_NONE = 0, /* empty slot */
	SW_FAMILY_IPV4 = 4,
	SW_FAMILY_IPV6 = 6,
};

/*
 * A flow key, normalised so both directions of a connection give the same
 * key: endpoint a is the one that sorts lower (address, then port).
 * IPv4 addresses sit in the first 4 bytes of addr_*, the rest zero.
 */
struct sw_flow_key {
	__u8 addr_a[16]; /* network order */
	__u8 addr_b[16]; /* network order */
	__u16 port_a; /* host order */
	__u16 port_b; /* host order */
	__u8 proto; /* IPPROTO_TCP or IPPROTO_UDP */
	__u8 family; /* enum sw_family */
	__u16 zone; /* host order: 0, or the tunnel's VNI folded to 16 bits
		     * when decode.tunnel_key is vni (tenants apart) */
};
_Static_assert(sizeof(struct sw_flow_key) == 40, "sw_flow_key size");

/* Index into sw_flow_acct.dir[]. */
enum sw_dir {
	SW_DIR_C2S = 0, /* client to server */
	SW_DIR_S2C = 1, /* server to client */
};

/* Bits of sw_acct_dir.flags. */
enum sw_dir_flag {
	SW_DIRF_SEEN = 1 << 0, /* a packet went this way */
	SW_DIRF_SYN = 1 << 1, /* this side sent SYN */
	SW_DIRF_FIN = 1 << 2, /* this side sent FIN; fin_seq is valid */
	SW_DIRF_RST = 1 << 3, /* this side sent RST */
	SW_DIRF_SEQ_VALID = 1 << 4, /* seq_hi is valid */
	SW_DIRF_ACK_VALID = 1 << 5, /* ack_hi is valid */
	SW_DIRF_ACK_AFTER_FIN = 1 << 6, /* ack advanced after own FIN */
	SW_DIRF_FIN_RETX = 1 << 7, /* own FIN sent again (unanswered) */
};

/*
 * What one side of a flow sent. Byte counts are 40 bits wide (lo + hi),
 * enough for 1 TiB per flow, so the whole flow entry stays within 128
 * bytes; they wrap past that.
 */
struct sw_acct_dir {
	__u32 seq_hi; /* host order: highest seq + payload length sent */
	__u32 ack_hi; /* host order: highest acknowledgement number sent */
	__u32 fin_seq; /* host order: sequence number of this side's FIN */
	__u32 packets; /* packets sent, retransmissions included */
	__u32 data_lo; /* bytes: unique payload sent, low 32 bits */
	__u32 acked_lo; /* bytes: peer payload acknowledged, low 32 bits */
	__u8 data_hi; /* bytes: bits 32..39 of the above */
	__u8 acked_hi; /* bytes: bits 32..39 of the above */
	__u8 flags; /* enum sw_dir_flag bits */
	__u8 pad; /* zero */
};
_Static_assert(sizeof(struct sw_acct_dir) == 28, "sw_acct_dir size");

/* sw_flow_acct.state, which also picks the idle timeout. */
enum sw_flow_state {
	SW_STATE_NEW = 0, /* only handshake packets so far */
	SW_STATE_ESTABLISHED = 1, /* data or acknowledgements flow */
	SW_STATE_CLOSING = 2, /* one side sent FIN */
	SW_STATE_CLOSED = 3, /* RST, or both FINs and the last ACK */
};

/* Why a flow record was emitted. Stable numbers. */
enum sw_close_reason {
	SW_CLOSE_NONE = 0, /* still open */
	SW_CLOSE_FIN = 1, /* orderly close */
	SW_CLOSE_RST = 2, /* reset */
	SW_CLOSE_IDLE = 3, /* idle timeout */
	SW_CLOSE_EVICTED = 4, /* table full: made room for a new flow */
	SW_CLOSE_END_OF_INPUT = 5, /* still open when the capture ended */
	SW_CLOSE_REUSED = 6, /* a new SYN reused the 5-tuple */
	SW_CLOSE_MAX,
};

/* Bits of sw_flow_acct.user_flags: userspace bookkeeping only. */
enum sw_user_flag {
	SW_UF_HAS_FP = 1 << 0, /* a heads side record exists */
	SW_UF_HEADS_DONE = 1 << 1, /* nothing more to read from heads */
	SW_UF_PKTS_SAMPLED = 1 << 2, /* packet counts left pure ACKs out */
	SW_UF_ALPN_H2 = 1 << 3, /* the ClientHello offers h2 */
};

/* sw_flow_acct.tls_state: the walk over the client's TLS records. */
enum sw_tls_state {
	SW_TLS_NONE = 0, /* no client payload yet */
	SW_TLS_HANDSHAKE = 1, /* in step, no application record yet */
	SW_TLS_APP = 2, /* in step, application records flow */
	SW_TLS_OFF = 3, /* not TLS from the stream's start: turns count */
	SW_TLS_LOST = 4, /* lost step (gap, cut capture): turns count */
};

/* Bits of sw_flow_acct.tls_flags. */
enum sw_tls_flag {
	SW_TLSF_CCS = 1 << 0, /* a ChangeCipherSpec record went by */
	SW_TLSF_TLS12 = 1 << 1, /* a Finished record of type 22 went by */
	SW_TLSF_FIN = 1 << 2, /* the TLS 1.3 encrypted Finished went by */
	SW_TLSF_PREFACE = 1 << 3, /* the first application record went by */
	SW_TLSF_FIRST_REQ = 1 << 4, /* HTTP/2: the first request was counted */
	SW_TLSF_HELLO = 1 << 5, /* the first header was a handshake record */
	SW_TLSF_PACKED = 1 << 6, /* HTTP/2: requests rode in the preface's
				  * record: several go to a record */
};

/* How the client side of a flow was decided (sw_flow_acct.origin). */
enum sw_client_origin {
	SW_ORIGIN_SYN = 1, /* the client sent the SYN */
	SW_ORIGIN_SYNACK = 2, /* the client received the SYN-ACK */
	SW_ORIGIN_PORT = 3, /* no handshake seen: by the service port */
};

/*
 * Per-flow accounting state (docs/accounting.md). Updated by
 * sw_acct_update() in flow_acct.h, on either side of the kernel boundary.
 */
struct sw_flow_acct {
	__u64 first_ns; /* ns since the Unix epoch: first packet */
	__u64 last_ns; /* ns since the Unix epoch: latest packet */
	struct sw_acct_dir dir[2]; /* indexed by enum sw_dir */
	__u32 turns; /* request turns by the client */
	__u32 turn_mark; /* TCP: host-order ack of the client's last payload
			  * segment; UDP: ms after first_ns of the client's
			  * last packet */
	__u8 state; /* enum sw_flow_state */
	__u8 close_reason; /* enum sw_close_reason */
	__u8 origin; /* enum sw_client_origin */
	__u8 client_is_b; /* 1: key endpoint b is the client; 0: a is */
	__u8 user_flags; /* userspace only (SW_UF_*); the kernel leaves 0 */
	/* The client's TLS records (tls_records.h, docs/requests.md). */
	__u8 tls_state; /* enum sw_tls_state */
	__u8 tls_have; /* bytes of a record header cut by a segment end */
	__u8 tls_type; /* that header's content type, once tls_have >= 1 */
	__u32 tls_next; /* host order: client seq of the next record header
			 * (SW_TLS_LOST: the turns when step was lost) */
	__u32 req_h1; /* requests if HTTP/1.x: application records */
	__u32 req_h2; /* requests if HTTP/2: preface skipped, by size */
	__u8 tls_len_hi; /* the cut header's length high byte (tls_have 4) */
	__u8 tls_ovh; /* bytes: record overhead (tag, nonce, inner type) */
	__u8 tls_unit; /* bytes: smallest HTTP/2 request record after the
			* first (packing clients: at most 32), 0 none yet */
	__u8 tls_flags; /* enum sw_tls_flag bits */
	__u32 tls_pend; /* bytes: packed HTTP/2 request plaintext counted
			 * before a unit was known */
	__u16 tls_pend_k; /* the requests req_h2 counted for them */
	__u16 tls_punit; /* bytes: HTTP/2 request size while no unit is
			  * known */
};
_Static_assert(sizeof(struct sw_flow_acct) == 112, "sw_flow_acct size");

#endif /* SCRAPEWATCH_FLOW_KERN_USER_H */
