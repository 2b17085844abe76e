// SPDX-License-Identifier: BSD-2-Clause
/*
 * The heads stage (see heads.h): per flow, read the start of the client
 * stream and fingerprint it. A TCP client stream that opens with a TLS
 * handshake record is read up to its ClientHello (JA3, JA4); one that opens
 * with an HTTP method is parsed request by request, skipping bodies by
 * Content-Length and resynchronising on the next request turn when a body
 * can't be skipped; a UDP flow whose client sends a QUIC Initial is
 * decrypted up to its ClientHello. SYN and SYN-ACK give TCP signatures.
 * Once a flow has nothing more to read, its flow entry is flagged so later
 * packets skip this stage without a lookup.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heads.h"
#include "decode/tcp-sig.h"

enum heads_mode {
	MODE_NEW = 0, /* client stream not seen yet */
	MODE_TLS, /* reading a ClientHello */
	MODE_HTTP, /* parsing request heads */
	MODE_HTTP_WAIT_TURN, /* lost sync: wait for the next request turn */
	MODE_QUIC, /* reading Initial packets */
	MODE_DONE, /* nothing more to read from this flow */
	MODE_PROBE, /* stream buffer ready, protocol not known yet */
};

struct sw_heads {
	struct sw_flow_fp **buckets;
	uint32_t mask;
	struct sw_heads_stats stats;
	struct sw_heads_observer obs;
};

void sw_heads_set_observer(struct sw_heads *h,
			   const struct sw_heads_observer *o)
{
	memset(&h->obs, 0, sizeof(h->obs));
	if (o)
		h->obs = *o;
}

struct sw_heads *sw_heads_new(void)
{
	struct sw_heads *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->mask = 1023;
	h->buckets = calloc((size_t)h->mask + 1, sizeof(*h->buckets));
	if (!h->buckets) {
		free(h);
		return NULL;
	}
	return h;
}

static void fp_free(struct sw_flow_fp *fp)
{
	sw_stream_head_free(&fp->head);
	free(fp->quic);
	if (fp->tls) {
		free(fp->tls->ja4_r);
		free(fp->tls->ja3_str);
		free(fp->tls);
	}
	free(fp->first_req);
	free(fp);
}

void sw_heads_free(struct sw_heads *h)
{
	uint32_t i;

	if (!h)
		return;
	for (i = 0; i <= h->mask; i++) {
		struct sw_flow_fp *fp = h->buckets[i], *next;

		for (; fp; fp = next) {
			next = fp->next;
			fp_free(fp);
		}
	}
	free(h->buckets);
	free(h);
}

static uint32_t key_bucket(const struct sw_heads *h,
			   const struct sw_flow_key *k)
{
	return (uint32_t)sw_flow_key_hash(k) & h->mask;
}

static void grow(struct sw_heads *h)
{
	uint32_t i, nmask = h->mask * 2 + 1;
	struct sw_flow_fp **nb = calloc((size_t)nmask + 1, sizeof(*nb));
	struct sw_heads old = *h;

	if (!nb)
		return; /* longer chains, still correct */
	h->buckets = nb;
	h->mask = nmask;
	for (i = 0; i <= old.mask; i++) {
		struct sw_flow_fp *fp = old.buckets[i], *next;

		for (; fp; fp = next) {
			uint32_t b = key_bucket(h, &fp->key);

			next = fp->next;
			fp->next = nb[b];
			nb[b] = fp;
		}
	}
	free(old.buckets);
}

struct sw_flow_fp *sw_heads_find(struct sw_heads *h, const struct sw_flow *f)
{
	struct sw_flow_fp *fp;

	if (!(f->acct.user_flags & SW_UF_HAS_FP))
		return NULL;
	for (fp = h->buckets[key_bucket(h, &f->key)]; fp; fp = fp->next)
		if (memcmp(&fp->key, &f->key, sizeof(fp->key)) == 0)
			return fp;
	return NULL;
}

static struct sw_flow_fp *fp_get(struct sw_heads *h, struct sw_flow *f)
{
	struct sw_flow_fp *fp = sw_heads_find(h, f);
	uint32_t b;

	if (fp)
		return fp;
	fp = calloc(1, sizeof(*fp));
	if (!fp) {
		h->stats.alloc_failures++;
		return NULL;
	}
	fp->key = f->key;
	if (h->stats.records + 1 > (uint64_t)h->mask + 1)
		grow(h);
	b = key_bucket(h, &f->key);
	fp->next = h->buckets[b];
	h->buckets[b] = fp;
	f->acct.user_flags |= SW_UF_HAS_FP;
	h->stats.records++;
	if (h->stats.records > h->stats.records_max)
		h->stats.records_max = h->stats.records;
	return fp;
}

void sw_heads_release(struct sw_heads *h, const struct sw_flow *f)
{
	struct sw_flow_fp **pp;

	if (!(f->acct.user_flags & SW_UF_HAS_FP))
		return;
	for (pp = &h->buckets[key_bucket(h, &f->key)]; *pp; pp = &(*pp)->next) {
		if (memcmp(&(*pp)->key, &f->key, sizeof(f->key)) == 0) {
			struct sw_flow_fp *fp = *pp;

			*pp = fp->next;
			fp_free(fp);
			h->stats.records--;
			return;
		}
	}
}

/* Nothing more to read: drop buffers, let later packets skip us. */
static void finish(struct sw_flow *f, struct sw_flow_fp *fp)
{
	fp->mode = MODE_DONE;
	sw_stream_head_free(&fp->head);
	free(fp->quic);
	fp->quic = NULL;
	f->acct.user_flags |= SW_UF_HEADS_DONE;
}

static void take_hello(struct sw_heads *h, struct sw_flow *f,
		       struct sw_flow_fp *fp, const struct sw_tls_hello *t,
		       char transport)
{
	char ja3_str[SW_TLS_JA3_STR_MAX], ja4_r[SW_TLS_JA4_R_MAX];
	struct sw_flow_tls *x = calloc(1, sizeof(*x));
	int i;

	if (!x) {
		h->stats.alloc_failures++;
		return;
	}
	x->transport = transport;
	sw_tls_ja3(t, ja3_str, sizeof(ja3_str), x->ja3);
	sw_tls_ja4(t, transport, x->ja4, ja4_r, sizeof(ja4_r));
	x->ja3_str = strdup(ja3_str);
	x->ja4_r = strdup(ja4_r);
	x->version = sw_tls_hello_version(t);
	x->n_ciphers = (uint16_t)(t->n_ciphers + t->ciphers_over);
	for (i = 0; i < t->n_ciphers; i++)
		if (sw_tls_is_grease(t->ciphers[i]))
			x->grease = 1;
	x->sni_len = t->has_sni ? t->sni_len : 0;
	memcpy(x->sni, t->sni, x->sni_len);
	if (t->has_alpn) {
		x->alpn_len = t->alpn_first_len < SW_TLS_ALPN_MAX ?
				      t->alpn_first_len :
				      SW_TLS_ALPN_MAX;
		memcpy(x->alpn, t->alpn_first, x->alpn_len);
		/* The TLS record walk counts requests as HTTP/2 (its
		 * preface, several requests a record) if the client offers
		 * h2 first or last (of the names kept): tls_records.h. */
		if ((t->alpn_first_len == 2 &&
		     memcmp(t->alpn_first, "h2", 2) == 0) ||
		    (t->alpn_last_len == 2 &&
		     memcmp(t->alpn_last, "h2", 2) == 0))
			f->acct.user_flags |= SW_UF_ALPN_H2;
	}
	fp->tls = x;
	if (h->obs.hello)
		h->obs.hello(h->obs.ctx, f, fp);
}

static void read_tls(struct sw_heads *h, struct sw_flow *f,
		     struct sw_flow_fp *fp)
{
	struct sw_tls_hello t;
	int rc;

	memset(&t, 0, sizeof(t));
	rc = sw_tls_parse_records(fp->head.buf, fp->head.contiguous, &t);
	if (rc == SW_TLS_MORE && fp->head.contiguous < SW_HEAD_MAX)
		return;
	if (rc == SW_TLS_MORE)
		rc = SW_TLS_TOO_LONG;
	h->stats.tls[rc]++;
	if (rc == SW_TLS_OK)
		take_hello(h, f, fp, &t, 't');
	finish(f, fp);
}

static struct sw_flow_http *http_copy(const struct sw_http_req *r)
{
	size_t n = (size_t)r->path_len + r->host_len + r->ua_len +
		   r->accept_language_len;
	struct sw_flow_http *x = malloc(sizeof(*x) + n);
	uint8_t *d;

	if (!x)
		return NULL;
	x->version = r->version;
	x->present = r->present;
	x->method_len = r->method_len;
	x->accept_language_len = (uint8_t)r->accept_language_len;
	x->path_len = r->path_len;
	x->host_len = r->host_len;
	x->ua_len = r->ua_len;
	memcpy(x->hdr_order_hash, r->hdr_order_hash, sizeof(x->hdr_order_hash));
	memcpy(x->method, r->method_raw, sizeof(x->method));
	d = x->data;
	memcpy(d, r->path, r->path_len);
	d += r->path_len;
	memcpy(d, r->host, r->host_len);
	d += r->host_len;
	memcpy(d, r->ua, r->ua_len);
	d += r->ua_len;
	memcpy(d, r->accept_language, r->accept_language_len);
	return x;
}

static void take_request(struct sw_heads *h, const struct sw_flow *f,
			 struct sw_flow_fp *fp, const struct sw_http_req *r)
{
	fp->requests++;
	if (r->kind == SW_HTTP_DOCUMENT)
		fp->documents++;
	else if (r->kind == SW_HTTP_ASSET)
		fp->assets++;
	if (!fp->first_req)
		fp->first_req = http_copy(r);
	if (h->obs.request)
		h->obs.request(h->obs.ctx, f, fp, r);
}

/* Parse every complete request head in the buffer. */
static void read_http(struct sw_heads *h, struct sw_flow *f,
		      struct sw_flow_fp *fp)
{
	struct sw_http_req r;
	uint32_t head_len;
	int rc;

	while (fp->mode == MODE_HTTP && fp->head.contiguous > 0) {
		if (fp->skip_body) {
			uint32_t n = fp->head.contiguous;

			if (n > fp->skip_body)
				n = (uint32_t)fp->skip_body;
			sw_stream_head_consume(&fp->head, n);
			fp->skip_body -= n;
			continue;
		}
		rc = sw_http_parse_request(fp->head.buf, fp->head.contiguous,
					   &r, &head_len);
		if (rc == SW_HTTP_MORE) {
			if (fp->head.contiguous >= SW_HEAD_MAX) {
				h->stats.http[SW_HTTP_TOO_LONG]++;
				fp->mode = MODE_HTTP_WAIT_TURN;
			}
			break;
		}
		h->stats.http[rc < SW_HTTP_REASON_MAX ? rc : 0]++;
		if (rc != SW_HTTP_OK) {
			if (fp->requests == 0) {
				finish(f, fp);
				return;
			}
			fp->mode = MODE_HTTP_WAIT_TURN;
			break;
		}
		take_request(h, f, fp, &r);
		sw_stream_head_consume(&fp->head, head_len);
		if (r.chunked) {
			fp->mode = MODE_HTTP_WAIT_TURN;
			break;
		}
		if (r.content_length > 0)
			fp->skip_body = (uint64_t)r.content_length;
	}
	/* Between requests a keep-alive connection holds no buffer: most
	 * sit idle far longer than they talk. base_seq survives the free;
	 * waiting for the next turn resets the base anyway. */
	if (fp->mode == MODE_HTTP_WAIT_TURN ||
	    (fp->mode == MODE_HTTP && fp->head.high == 0))
		sw_stream_head_free(&fp->head);
}

static void tcp_payload(struct sw_heads *h, struct sw_flow *f,
			struct sw_flow_fp *fp, const struct sw_packet *pkt)
{
	uint32_t caplen = pkt->payload_caplen;
	int new_turn = f->acct.turns != fp->last_turns;

	fp->last_turns = f->acct.turns;
	if (fp->mode == MODE_HTTP_WAIT_TURN) {
		if (!new_turn)
			return;
		fp->skip_body = 0;
		if (sw_stream_head_reset(&fp->head, pkt->seq)) {
			finish(f, fp);
			return;
		}
		fp->mode = MODE_HTTP;
	}
	if (fp->mode == MODE_NEW) {
		uint32_t base = fp->base_known ? fp->stream_base : pkt->seq;

		if (sw_stream_head_reset(&fp->head, base)) {
			h->stats.alloc_failures++;
			finish(f, fp);
			return;
		}
		fp->mode = MODE_PROBE;
	}
	if (fp->mode == MODE_HTTP && !fp->head.buf &&
	    sw_stream_head_reset(&fp->head, fp->head.base_seq)) {
		h->stats.alloc_failures++;
		finish(f, fp);
		return;
	}
	/* A snap length may have cut the payload: read what was captured,
	 * a hole then stops the head where the capture stopped. */
	if (!sw_stream_head_add(&fp->head, pkt->seq, pkt->payload, caplen))
		return;
	if (fp->mode == MODE_PROBE) {
		if (fp->head.buf[0] == 0x16) {
			fp->mode = MODE_TLS;
		} else if (sw_http_looks_like_request(fp->head.buf,
						      fp->head.contiguous)) {
			fp->mode = MODE_HTTP;
		} else {
			finish(f, fp);
			return;
		}
	}
	if (fp->mode == MODE_TLS)
		read_tls(h, f, fp);
	else if (fp->mode == MODE_HTTP)
		read_http(h, f, fp);
}

static void udp_payload(struct sw_heads *h, struct sw_flow *f,
			struct sw_flow_fp *fp, const struct sw_packet *pkt)
{
	struct sw_tls_hello t;
	int rc;

	if (fp->mode == MODE_NEW) {
		if (!sw_quic_is_initial(pkt->payload, pkt->payload_caplen)) {
			finish(f, fp);
			return;
		}
		fp->quic = malloc(sizeof(*fp->quic));
		if (!fp->quic) {
			h->stats.alloc_failures++;
			finish(f, fp);
			return;
		}
		sw_quic_crypto_init(fp->quic);
		fp->mode = MODE_QUIC;
	}
	if (!sw_quic_is_initial(pkt->payload, pkt->payload_caplen))
		return;
	rc = sw_quic_parse_initial(pkt->payload, pkt->payload_caplen, fp->quic);
	h->stats.quic[rc < SW_QUIC_REASON_MAX ? rc : 0]++;
	if (rc != SW_QUIC_OK) {
		finish(f, fp);
		return;
	}
	memset(&t, 0, sizeof(t));
	rc = sw_tls_parse_handshake(fp->quic->data, fp->quic->contiguous, &t);
	if (rc == SW_TLS_MORE && fp->quic->contiguous < SW_QUIC_CRYPTO_MAX)
		return;
	if (rc == SW_TLS_MORE)
		rc = SW_TLS_TOO_LONG;
	h->stats.tls[rc]++;
	if (rc == SW_TLS_OK)
		take_hello(h, f, fp, &t, 'q');
	finish(f, fp);
}

static void syn_signature(struct sw_heads *h, struct sw_flow_fp *fp,
			  const struct sw_packet *pkt)
{
	struct sw_tcp_sig_info info;
	int server = (pkt->tcp_flags & SW_TCP_ACK) != 0;
	char *dst = server ? fp->synack_sig : fp->syn_sig;

	/* p0f reads a SYN-ACK's window against the client's MSS. */
	if ((server ? sw_tcp_sig_format_reply(pkt, fp->syn_mss, dst, SW_SIG_MAX,
					      &info) :
		      sw_tcp_sig_format(pkt, dst, SW_SIG_MAX, &info)) != 0) {
		dst[0] = '\0';
		return;
	}
	h->stats.syn_signatures++;
	if (!server) {
		fp->ittl = info.ittl;
		size_t n = strnlen(info.os_class, sizeof(fp->os_class) - 1);

		memcpy(fp->os_class, info.os_class, n);
		fp->os_class[n] = '\0';
		fp->stream_base = pkt->seq + 1;
		fp->base_known = 1;
		fp->syn_mss = pkt->tcpopt.mss;
	}
}

/* Kept out of line: most packets return from sw_heads_packet() at once,
 * and should not pay for this one's registers. */
static __attribute__((noinline)) void heads_packet(struct sw_heads *h,
						   struct sw_flow *f, int dir,
						   int syn,
						   const struct sw_packet *pkt)
{
	struct sw_flow_fp *fp;

	fp = fp_get(h, f);
	if (!fp)
		return;
	if (syn) {
		syn_signature(h, fp, pkt);
		if (dir != SW_DIR_C2S || pkt->payload_len == 0)
			return;
	}
	if (fp->mode == MODE_DONE || pkt->payload_caplen == 0)
		return;
	if (pkt->proto == SW_IPPROTO_TCP)
		tcp_payload(h, f, fp, pkt);
	else
		udp_payload(h, f, fp, pkt);
}

void sw_heads_packet(struct sw_heads *h, struct sw_flow *f, int dir,
		     const struct sw_packet *pkt)
{
	int syn = pkt->proto == SW_IPPROTO_TCP && (pkt->tcp_flags & SW_TCP_SYN);

	if (f->acct.user_flags & SW_UF_HEADS_DONE)
		return;
	if (!syn && (dir != SW_DIR_C2S || pkt->payload_len == 0))
		return;
	heads_packet(h, f, dir, syn, pkt);
}

const struct sw_heads_stats *sw_heads_stats(const struct sw_heads *h)
{
	return &h->stats;
}
