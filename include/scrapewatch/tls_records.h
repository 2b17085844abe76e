/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Requests from the client's TLS record headers (docs/requests.md).
 *
 * A TLS record header (content type, version, length: 5 bytes) is
 * cleartext. The walker keeps, per flow, the client sequence number where
 * the next header starts and reads the headers that start inside each
 * client segment with new in-order data; a record that spans segments just
 * moves that mark. From the records it keeps two request counts, because
 * which protocol runs inside is only known to userspace (ALPN, from the
 * ClientHello):
 *
 *  - req_h1, for HTTP/1.x: one request per application_data record whose
 *    plaintext is not control-sized;
 *  - req_h2, for HTTP/2: the first application record is the connection
 *    preface (with SETTINGS, perhaps WINDOW_UPDATE); what exceeds a
 *    preface's size is request data. An HTTP/2 client often puts several
 *    HEADERS frames in one record, so a record counts its plaintext
 *    divided by the flow's request unit (the smallest request record seen,
 *    at most SW_TLS_UNIT_MAX), rounded, at least one. The first request
 *    carries literal headers that later ones index: it gets an allowance.
 *
 * Records with SW_TLS_CTRL_MIN plaintext bytes or fewer are control: an
 * HTTP/2 SETTINGS ACK (9), WINDOW_UPDATE or RST_STREAM (13), PING or
 * GOAWAY (17), a TLS 1.3 KeyUpdate or close_notify. A record of exactly two
 * WINDOW_UPDATEs (26 bytes, stream and connection) is control too.
 * Handshake records are skipped: ClientHello and the rest of type 22,
 * ChangeCipherSpec, and under TLS 1.3 the encrypted Finished, the first
 * application_data record (TLS 1.2's Finished is of type 22 after the
 * ChangeCipherSpec, and gives the record overhead of the cipher).
 *
 * The walk starts only at the client's first payload byte after a SYN it
 * saw. A gap (missing or out-of-order data), a header past the captured
 * bytes, a content type or version that is not TLS, or more than
 * SW_TLS_MAX_RECS headers in one segment lose step for good
 * (SW_TLS_LOST): the requests counted so far stay, and each turn after
 * counts one more (tls_next then holds the turns at the loss).
 * Retransmitted bytes are not read again.
 *
 * Compiled into the XDP program and userspace: no libc, no helpers, no
 * unbounded loops. The caller reads the header bytes (a packet buffer in
 * userspace, bpf_xdp_load_bytes in the kernel):
 *
 *	off = sw_tls_first(a, &p);        before sw_acct_update()
 *	for (i = 0; off >= 0 && i < SW_TLS_MAX_RECS; i++) {
 *		n = bytes readable at payload offset off, at most 5;
 *		off = sw_tls_step(a, &p, off, bytes, n);
 *	}
 *	if (off >= 0)
 *		sw_tls_lose(a);
 */
#ifndef SCRAPEWATCH_TLS_RECORDS_H
#define SCRAPEWATCH_TLS_RECORDS_H

#include "flow_acct.h"

#define SW_TLS_MAX_RECS 16 /* headers read per segment */
#define SW_TLS_HDR 5 /* bytes of a record header */
#define SW_TLS_CTRL_MIN 17 /* plaintext bytes: at most this is control */
#define SW_TLS_TWO_WU 26 /* plaintext bytes of two WINDOW_UPDATE frames */
#define SW_TLS_PREFACE 82 /* plaintext bytes: largest usual h2 preface */
#define SW_TLS_FIRST_REQ 56 /* plaintext bytes allowed the first request */
#define SW_TLS_UNIT_MAX 32 /* plaintext bytes: largest request unit */
#define SW_TLS13_OVH 17 /* TLS 1.3: inner content type + 16-byte tag */
#define SW_TLS12_FIN 16 /* TLS 1.2 Finished plaintext bytes */

/* Content types (RFC 8446 section 5.1). */
#define SW_TLS_CT_CCS 20
#define SW_TLS_CT_ALERT 21
#define SW_TLS_CT_HANDSHAKE 22
#define SW_TLS_CT_APP 23

static inline int sw_tls_walking(const struct sw_flow_acct *a)
{
	return a->tls_state == SW_TLS_HANDSHAKE || a->tls_state == SW_TLS_APP;
}

/* Lose step: from here on, turns count (tls_next keeps the turns so far). */
static inline void sw_tls_lose(struct sw_flow_acct *a)
{
	if (sw_tls_walking(a)) {
		a->tls_state = SW_TLS_LOST;
		a->tls_next = a->turns;
	}
}

/*
 * The payload offset of the first record header (or the rest of a cut
 * one) to read in this packet, or -1. Call before sw_acct_update(): it
 * compares with the client's highest sequence number so far.
 */
static inline __s32 sw_tls_first(struct sw_flow_acct *a,
				 const struct sw_acct_pkt *p)
{
	const struct sw_acct_dir *c = &a->dir[SW_DIR_C2S];
	__u32 start = p->seq, end, pos;

	if (p->proto != SW_IPPROTO_TCP || (p->dir & 1) != SW_DIR_C2S ||
	    p->payload_len == 0 || a->tls_state >= SW_TLS_OFF)
		return -1;
	if (p->tcp_flags & SW_TCP_SYN)
		start++;
	end = start + p->payload_len;
	if (a->tls_state == SW_TLS_NONE) {
		/* The stream's very first byte, after the client's SYN. */
		if (!(c->flags & SW_DIRF_SYN) ||
		    !(c->flags & SW_DIRF_SEQ_VALID) || c->seq_hi != start ||
		    c->data_lo != 0 || c->data_hi != 0) {
			a->tls_state = SW_TLS_OFF;
			return -1;
		}
		a->tls_state = SW_TLS_HANDSHAKE;
		a->tls_next = start;
		return 0;
	}
	if (!sw_serial_gt(end, c->seq_hi))
		return -1; /* nothing new: a retransmission or probe */
	if (sw_serial_gt(start, c->seq_hi)) {
		sw_tls_lose(a); /* bytes missing before these */
		return -1;
	}
	pos = a->tls_next + a->tls_have;
	if (sw_serial_gt(c->seq_hi, pos) || (a->tls_have && pos != c->seq_hi)) {
		sw_tls_lose(a); /* cannot happen in step */
		return -1;
	}
	if (!sw_serial_gt(end, pos))
		return -1; /* the record goes on past this segment */
	return (__s32)(pos - start);
}

/* (n + d / 2) / d, for d > 0. */
static inline __u32 sw_tls_div_round(__u32 n, __u32 d)
{
	return d ? (n + d / 2) / d : 0;
}

/*
 * An HTTP/2 record of plen bytes of requests: at least one, more by its
 * size. A packing client's records are divided by its unit, the smallest
 * request record, once one is known; until then by tls_punit, keeping the
 * bytes and the count in tls_pend and tls_pend_k, to divide them again
 * when the unit shows. Any other client's by the larger of tls_punit and
 * its smallest request record so far.
 */
static inline void sw_tls_h2_requests(struct sw_flow_acct *a, __u32 plen)
{
	__u32 unit, k;

	if (a->tls_flags & SW_TLSF_PACKED)
		unit = a->tls_unit ? a->tls_unit : a->tls_punit;
	else
		unit = a->tls_unit > a->tls_punit ? a->tls_unit : a->tls_punit;
	k = sw_tls_div_round(plen, unit ? unit : SW_TLS_UNIT_MAX);

	if (!k)
		k = 1;
	a->req_h2 += k;
	if (a->tls_unit || !(a->tls_flags & SW_TLSF_PACKED))
		return;
	if (a->tls_pend_k + k > 0xffff || a->tls_pend + plen < a->tls_pend) {
		/* So many before any unit: the counts so far stand. */
		a->tls_flags &= (__u8)~SW_TLSF_PACKED;
		return;
	}
	a->tls_pend += plen;
	a->tls_pend_k = (__u16)(a->tls_pend_k + k);
}

/*
 * A request record of plen bytes. A packing client's is a request alone
 * in its record if at most SW_TLS_UNIT_MAX, the unit if smaller than the
 * one so far. The first unit divides again what was counted before it, if
 * well below SW_TLS_UNIT_MAX (near it, the first count stands).
 */
static inline void sw_tls_h2_unit(struct sw_flow_acct *a, __u32 plen)
{
	if (!(a->tls_flags & SW_TLSF_PACKED)) {
		/* Any other client: the smallest request record so far. */
		if (!a->tls_unit || plen < a->tls_unit)
			a->tls_unit = (__u8)(plen < 0xff ? plen : 0xff);
		return;
	}
	if (plen > SW_TLS_UNIT_MAX || (a->tls_unit && plen >= a->tls_unit))
		return;
	if (!a->tls_unit && plen * 4 <= SW_TLS_UNIT_MAX * 3)
		a->req_h2 = a->req_h2 - a->tls_pend_k +
			    sw_tls_div_round(a->tls_pend, plen);
	a->tls_unit = (__u8)plen;
	a->tls_pend = 0;
	a->tls_pend_k = 0;
}

/* An application_data record of plen plaintext bytes, after the handshake. */
static inline void sw_tls_app_record(struct sw_flow_acct *a, __u32 plen)
{
	if (!(a->tls_flags & SW_TLSF_PREFACE)) {
		/* HTTP/1.x: a request. HTTP/2: the preface, perhaps with
		 * the first requests in the same record: then the client
		 * packs frames, several requests to a record. */
		a->tls_flags |= SW_TLSF_PREFACE;
		if (plen > SW_TLS_CTRL_MIN && plen != SW_TLS_TWO_WU)
			a->req_h1++;
		if (plen <= SW_TLS_PREFACE + SW_TLS_CTRL_MIN)
			return;
		plen -= SW_TLS_PREFACE;
		a->tls_flags |= SW_TLSF_PACKED;
	} else if (plen <= SW_TLS_CTRL_MIN || plen == SW_TLS_TWO_WU) {
		return;
	} else {
		a->req_h1++;
	}
	if (!(a->tls_flags & SW_TLSF_FIRST_REQ)) {
		/*
		 * The first request carries literal headers that later ones
		 * index. A packing client: what exceeds a first request's
		 * allowance is more requests. Otherwise one request a
		 * record, two where a record is twice the usual size: the
		 * larger of half the first request (at least
		 * SW_TLS_UNIT_MAX) and the smallest request record since.
		 */
		a->tls_flags |= SW_TLSF_FIRST_REQ;
		a->req_h2++;
		a->tls_punit = SW_TLS_UNIT_MAX;
		if (!(a->tls_flags & SW_TLSF_PACKED)) {
			if (plen / 2 > SW_TLS_UNIT_MAX)
				a->tls_punit = (__u16)(plen / 2);
			return;
		}
		if (plen > SW_TLS_FIRST_REQ)
			sw_tls_h2_requests(a, plen - SW_TLS_FIRST_REQ);
		return;
	}
	sw_tls_h2_unit(a, plen);
	sw_tls_h2_requests(a, plen);
}

/* A whole record header: content type ct, length len. 0, or -1: lost. */
static inline int sw_tls_record(struct sw_flow_acct *a, __u8 ct, __u32 len)
{
	if (a->tls_state == SW_TLS_HANDSHAKE) {
		switch (ct) {
		case SW_TLS_CT_HANDSHAKE:
			/* After ChangeCipherSpec, a short one is TLS 1.2's
			 * encrypted Finished (a second ClientHello, after a
			 * HelloRetryRequest, is far longer). */
			if ((a->tls_flags & SW_TLSF_CCS) &&
			    len > SW_TLS12_FIN && len < 128) {
				a->tls_flags |= SW_TLSF_TLS12;
				a->tls_ovh = (__u8)(len - SW_TLS12_FIN);
			}
			return 0;
		case SW_TLS_CT_CCS:
			a->tls_flags |= SW_TLSF_CCS;
			return 0;
		case SW_TLS_CT_ALERT:
			return 0;
		default: /* SW_TLS_CT_APP */
			if (!(a->tls_flags & (SW_TLSF_TLS12 | SW_TLSF_FIN))) {
				a->tls_flags |= SW_TLSF_FIN;
				a->tls_ovh = SW_TLS13_OVH;
				return 0;
			}
			a->tls_state = SW_TLS_APP;
			break;
		}
	}
	if (ct == SW_TLS_CT_APP)
		sw_tls_app_record(a, len > a->tls_ovh ? len - a->tls_ovh : 0);
	return 0;
}

/*
 * The header bytes h[0..n) found at payload offset off (n < 5 only where
 * the segment ends; with tls_have set, the rest of a cut header). Returns
 * the payload offset of the next header in this segment, or -1.
 */
static inline __s32 sw_tls_step(struct sw_flow_acct *a,
				const struct sw_acct_pkt *p, __u32 off,
				const __u8 *h, __u32 n)
{
	__u32 start = p->seq + ((p->tcp_flags & SW_TCP_SYN) ? 1 : 0);
	__u32 idx = a->tls_have, i, len, next;
	__u8 ct = a->tls_type, hi = a->tls_len_hi, lo = 0, bad = 0;

	if (!sw_tls_walking(a) || n == 0 || off >= p->payload_len) {
		sw_tls_lose(a);
		return -1;
	}
	if (!idx)
		a->tls_next = start + off; /* this header's own start */
	for (i = 0; i < SW_TLS_HDR; i++) {
		if (i >= n || idx >= SW_TLS_HDR)
			break;
		if (idx == 0)
			ct = h[i];
		else if (idx == 1)
			bad |= h[i] != 3; /* major version: 3 */
		else if (idx == 3)
			hi = h[i];
		else if (idx == 4)
			lo = h[i];
		idx++;
	}
	if (ct < SW_TLS_CT_CCS || ct > SW_TLS_CT_APP)
		bad = 1;
	if (!(a->tls_flags & SW_TLSF_HELLO) && ct != SW_TLS_CT_HANDSHAKE)
		bad = 1;
	if (bad) {
		/* The stream's first bytes are no ClientHello: cleartext,
		 * count turns. Later, the walk lost step. */
		if (a->tls_flags & SW_TLSF_HELLO)
			sw_tls_lose(a);
		else
			a->tls_state = SW_TLS_OFF;
		return -1;
	}
	if (idx < SW_TLS_HDR) {
		/* Cut by the segment's end: keep what there is. */
		a->tls_have = (__u8)idx;
		a->tls_type = ct;
		a->tls_len_hi = hi;
		return -1;
	}
	len = (__u32)hi << 8 | lo;
	a->tls_have = 0;
	a->tls_flags |= SW_TLSF_HELLO;
	sw_tls_record(a, ct, len);
	next = a->tls_next + SW_TLS_HDR + len;
	a->tls_next = next;
	if (!sw_serial_gt(start + p->payload_len, next))
		return -1;
	return (__s32)(next - start);
}

#endif /* SCRAPEWATCH_TLS_RECORDS_H */
