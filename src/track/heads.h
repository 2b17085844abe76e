/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Heads and the fingerprints taken from them. For each flow that shows a
 * head (a SYN, a TLS ClientHello, an HTTP request head, a QUIC Initial) a
 * side record keeps the fingerprints until the flow ends, outside the
 * 128-byte flow entry. Reassembly buffers live only while a head is being
 * read. Only flows with something to say cost memory here.
 */
#ifndef SW_HEADS_H
#define SW_HEADS_H

#include <stdint.h>

#include "decode/decode.h"
#include "decode/http.h"
#include "decode/quic.h"
#include "decode/tls.h"
#include "track/flow_table.h"
#include "track/stream_head.h"

/* Counters of the heads stage, by parser and reason. */
struct sw_heads_stats {
	uint64_t tls[SW_TLS_REASON_MAX]; /* ClientHellos read, by outcome */
	uint64_t http[SW_HTTP_REASON_MAX]; /* request heads, by outcome */
	uint64_t quic[SW_QUIC_REASON_MAX]; /* Initial packets, by outcome */
	uint64_t syn_signatures;
	uint64_t records; /* side records alive now */
	uint64_t records_max;
	uint64_t alloc_failures;
};

#define SW_SIG_MAX 96

/* What a TLS or QUIC ClientHello said. Strings are raw wire bytes. */
struct sw_flow_tls {
	char transport; /* 't' or 'q' */
	char ja3[33];
	char ja4[SW_TLS_JA4_LEN];
	char *ja4_r; /* malloc'd, exact size */
	char *ja3_str; /* malloc'd, exact size */
	uint16_t version; /* highest offered */
	uint16_t n_ciphers;
	uint8_t grease; /* the cipher list carried GREASE values */
	uint8_t sni_len;
	uint8_t alpn_len;
	uint8_t sni[SW_TLS_SNI_MAX];
	uint8_t alpn[SW_TLS_ALPN_MAX]; /* first ALPN value */
};

/*
 * The first request of a cleartext HTTP/1.x flow, in one allocation of the
 * size it needs: path, Host, User-Agent and Accept-Language sit back to
 * back in data[]. Raw wire bytes.
 */
struct sw_flow_http {
	uint8_t version; /* 10 or 11 */
	uint8_t present; /* enum sw_http_present */
	uint8_t method_len;
	uint8_t accept_language_len;
	uint16_t path_len;
	uint16_t host_len;
	uint16_t ua_len;
	char hdr_order_hash[SW_HTTP_HDR_HASH_LEN + 1];
	char method[SW_HTTP_METHOD_MAX];
	uint8_t data[];
};

static inline const uint8_t *sw_flow_http_path(const struct sw_flow_http *x)
{
	return x->data;
}

static inline const uint8_t *sw_flow_http_host(const struct sw_flow_http *x)
{
	return x->data + x->path_len;
}

static inline const uint8_t *sw_flow_http_ua(const struct sw_flow_http *x)
{
	return x->data + x->path_len + x->host_len;
}

static inline const uint8_t *
sw_flow_http_accept_language(const struct sw_flow_http *x)
{
	return x->data + x->path_len + x->host_len + x->ua_len;
}

/*
 * What is known of one flow from its heads. Kept small (it fits glibc's
 * per-thread cache) since every TCP flow with a SYN has one; the TLS and
 * HTTP parts are allocated only for flows that have them.
 */
struct sw_flow_fp {
	struct sw_flow_key key;
	struct sw_flow_fp *next; /* hash chain */

	/* TCP SYN signatures, p0f raw format; empty when not seen. */
	char syn_sig[SW_SIG_MAX];
	char synack_sig[SW_SIG_MAX];
	char os_class[16];
	uint8_t ittl;
	uint16_t syn_mss; /* the client's SYN MSS option, 0 if none */

	struct sw_flow_tls *tls; /* malloc'd once a ClientHello is read */

	/* Cleartext HTTP/1.x. */
	uint32_t requests; /* request heads parsed on this connection */
	uint32_t documents; /* of which documents */
	uint32_t assets; /* of which page assets */
	struct sw_flow_http *first_req; /* malloc'd at the first request */

	/* Head reading state. */
	uint8_t mode; /* enum in heads.c */
	uint32_t stream_base; /* client ISN + 1, when the SYN was seen */
	uint8_t base_known;
	uint32_t last_turns; /* flow turns at the last segment seen */
	uint64_t skip_body; /* request body bytes still to skip */
	struct sw_stream_head head;
	struct sw_quic_crypto *quic; /* malloc'd while reading */
};

struct sw_heads;

/*
 * Who wants to hear about heads as they are read (the detector, through
 * the pipeline): a ClientHello read (TLS or QUIC), and each cleartext HTTP
 * request head parsed. The packet time is f->acct.last_ns. Either may be
 * NULL.
 */
struct sw_heads_observer {
	void (*hello)(void *ctx, const struct sw_flow *f,
		      const struct sw_flow_fp *fp);
	void (*request)(void *ctx, const struct sw_flow *f,
			const struct sw_flow_fp *fp,
			const struct sw_http_req *r);
	void *ctx;
};

struct sw_heads *sw_heads_new(void);
void sw_heads_free(struct sw_heads *h);
void sw_heads_set_observer(struct sw_heads *h,
			   const struct sw_heads_observer *o);

/* Look at one accounted packet of flow f (dir is enum sw_dir). */
void sw_heads_packet(struct sw_heads *h, struct sw_flow *f, int dir,
		     const struct sw_packet *pkt);
/* The side record of a flow, or NULL. */
struct sw_flow_fp *sw_heads_find(struct sw_heads *h, const struct sw_flow *f);
/* Forget a flow's side record (after its record was written). */
void sw_heads_release(struct sw_heads *h, const struct sw_flow *f);

const struct sw_heads_stats *sw_heads_stats(const struct sw_heads *h);

#endif /* SW_HEADS_H */
