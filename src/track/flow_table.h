/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The userspace flow table: bidirectional flows keyed by the normalised
 * 5-tuple, fixed capacity, idle timeouts per protocol and state, and every
 * flow that leaves the table (closed, idle, evicted, or still open at end of
 * input) handed to an end callback, so none is lost silently.
 */
#ifndef SW_FLOW_TABLE_H
#define SW_FLOW_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"
#include "scrapewatch/flow_acct.h"

/* One table entry: exactly what is kept per flow. */
struct sw_flow {
	struct sw_flow_key key;
	struct sw_flow_acct acct;
};
_Static_assert(sizeof(struct sw_flow) == 152, "flow entry is 152 bytes");

struct sw_flow_table_cfg {
	uint32_t max_flows; /* flows held at once; more evict the stalest */
	uint64_t tcp_new_timeout_ns; /* handshake only */
	uint64_t tcp_established_timeout_ns;
	uint64_t tcp_closing_timeout_ns; /* one FIN seen */
	uint64_t tcp_closed_timeout_ns; /* RST, or both FINs: linger */
	uint64_t udp_timeout_ns;
	struct sw_acct_cfg acct;
};

struct sw_flow_table_stats {
	uint64_t created;
	uint64_t ended;
	uint64_t evicted;
	uint64_t reused;
	uint64_t active;
	uint64_t active_max;
};

/* Called for every flow leaving the table; acct.close_reason is set. */
typedef void (*sw_flow_end_fn)(const struct sw_flow *flow, void *ctx);

struct sw_flow_table;

void sw_flow_table_default_cfg(struct sw_flow_table_cfg *cfg);

/* NULL with errno set on failure. */
struct sw_flow_table *sw_flow_table_new(const struct sw_flow_table_cfg *cfg,
					sw_flow_end_fn on_end, void *ctx);
void sw_flow_table_free(struct sw_flow_table *t);

/*
 * Account one decoded TCP or UDP packet. Returns its flow (valid until the
 * next call) and sets *dir to enum sw_dir. Also expires idle flows as
 * packet time passes.
 */
struct sw_flow *sw_flow_table_packet(struct sw_flow_table *t,
				     const struct sw_packet *pkt, int *dir);

/* End every flow still open, oldest first, with the given reason. */
void sw_flow_table_flush(struct sw_flow_table *t, int reason);

const struct sw_flow_table_stats *
sw_flow_table_stats(const struct sw_flow_table *t);
/* Bytes of memory the table holds, slots included. */
size_t sw_flow_table_bytes(const struct sw_flow_table *t);
uint32_t sw_flow_table_capacity(const struct sw_flow_table *t);

/* Idle timeout of a flow in its state, and why a flow leaving a table
 * ends (its own close, else open_reason): shared with the XDP sweeper. */
uint64_t sw_flow_timeout(const struct sw_flow_table_cfg *cfg,
			 const struct sw_flow *f);
int sw_flow_end_reason(const struct sw_flow *f, int open_reason);

/*
 * Walk the TLS record headers of a client segment (tls_records.h) before
 * sw_acct_update(): payload holds caplen of its payload_len bytes.
 */
void sw_tls_walk(struct sw_flow_acct *a, const struct sw_acct_pkt *p,
		 const uint8_t *payload, uint32_t caplen);

/* How a flow's request count was estimated (docs/requests.md). */
enum sw_req_by {
	SW_REQ_BY_TURNS = 0, /* request turns: cleartext, QUIC, UDP */
	SW_REQ_BY_PARSED = 1, /* HTTP/1.x request heads parsed */
	SW_REQ_BY_TLS = 2, /* the client's TLS records, handshake excluded */
	SW_REQ_BY_TLS_LOST = 3, /* the records' count until the walk lost
				 * step (a gap, a cut capture), then turns */
	SW_REQ_BY_MAX,
};

/*
 * The flow's requests, and how they were estimated (*by, enum sw_req_by):
 * from the TLS records while their walk is in step (HTTP/2's estimate if
 * the ClientHello offered h2 first; after the walk lost step, plus the
 * turns since), else the request heads parsed (parsed, 0 if none), else
 * the turns.
 */
uint32_t sw_flow_requests(const struct sw_flow *f, uint32_t parsed, int *by);
const char *sw_req_by_name(int by);

/* The hash of a flow key, for every table keyed by flows. */
uint64_t sw_flow_key_hash(const struct sw_flow_key *k);

/* Which endpoint of a flow is the client: fills address and port. */
void sw_flow_client(const struct sw_flow *f, const uint8_t **addr,
		    uint16_t *port);
void sw_flow_server(const struct sw_flow *f, const uint8_t **addr,
		    uint16_t *port);

#endif /* SW_FLOW_TABLE_H */
