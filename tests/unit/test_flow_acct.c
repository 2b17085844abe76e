// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of the flow accounting in include/scrapewatch/flow_acct.h, one
 * per hard case of the accounting (docs/accounting.md).
 *
 * Each TCP case is a script: a table of packets whose sequence and
 * acknowledgement numbers are relative to the sender's and receiver's ISN,
 * so one script replays at any ISN (the wrap-around case does just that).
 * A script is replayed as three views: both directions, client to server
 * only (what XDP on an ingress port sees) and server to client only, and
 * each view must give the totals the case states.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "scrapewatch/flow_acct.h"

/* Compare and, on failure, name the check and print got against want. */
#define EXPECT_EQ(ctx, what, actual, expected)                             \
	do {                                                               \
		uint64_t got_ = (uint64_t)(actual);                        \
		uint64_t want_ = (uint64_t)(expected);                     \
		if (got_ != want_)                                         \
			fail_msg("%s: %s: got %" PRIu64 ", want %" PRIu64, \
				 (ctx), (what), got_, want_);              \
	} while (0)

#define NS_PER_MS 1000000ULL
#define T0_NS (1700000000ULL * 1000000000ULL)

enum view { VIEW_BOTH, VIEW_C2S, VIEW_S2C, VIEW_MAX };

#define VIEWS_ALL ((1u << VIEW_BOTH) | (1u << VIEW_C2S) | (1u << VIEW_S2C))
#define VIEWS_CLIENT ((1u << VIEW_BOTH) | (1u << VIEW_C2S))

static const char *const view_name[VIEW_MAX] = {
	[VIEW_BOTH] = "both directions",
	[VIEW_C2S] = "client to server only",
	[VIEW_S2C] = "server to client only",
};

static const struct sw_acct_cfg cfg = {
	.udp_turn_gap_ns = SW_ACCT_DEFAULT_UDP_TURN_GAP_NS,
};

/* One scripted TCP packet. */
struct tp {
	uint8_t dir; /* enum sw_dir */
	uint8_t flags; /* SW_TCP_* */
	uint32_t seq; /* relative to the sender's ISN */
	uint32_t ack; /* relative to the receiver's ISN */
	uint32_t len; /* payload bytes */
};

#define SYN SW_TCP_SYN
#define SYNACK (SW_TCP_SYN | SW_TCP_ACK)
#define ACK SW_TCP_ACK
#define PSHACK (SW_TCP_PSH | SW_TCP_ACK)
#define FINACK (SW_TCP_FIN | SW_TCP_ACK)
#define FINPSHACK (SW_TCP_FIN | SW_TCP_PSH | SW_TCP_ACK)
#define RST SW_TCP_RST
#define RSTACK (SW_TCP_RST | SW_TCP_ACK)

/* clang-format off */
#define CLI(fl, s, a, n) { SW_DIR_C2S, (fl), (s), (a), (n) }
#define SRV(fl, s, a, n) { SW_DIR_S2C, (fl), (s), (a), (n) }
/* clang-format on */
#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

/* A replay: the ISNs, the view and the running clock. */
struct conv {
	uint32_t isn[2]; /* indexed by enum sw_dir */
	enum view view;
	uint64_t now_ns;
	unsigned int reuses; /* flows ended by sw_acct_syn_starts_new() */
};

static int visible(enum view v, int dir)
{
	if (v == VIEW_BOTH)
		return 1;
	return (v == VIEW_C2S) == (dir == SW_DIR_C2S);
}

/* The packet builder: a script line at this replay's ISNs and clock. */
static struct sw_acct_pkt tcp_pkt(const struct conv *cv, const struct tp *t)
{
	struct sw_acct_pkt p = { 0 };

	p.ts_ns = cv->now_ns;
	p.dir = t->dir;
	p.proto = SW_IPPROTO_TCP;
	p.tcp_flags = t->flags;
	p.seq = cv->isn[t->dir] + t->seq;
	if (t->flags & SW_TCP_ACK)
		p.ack = cv->isn[t->dir ^ 1] + t->ack;
	p.payload_len = t->len;
	return p;
}

/*
 * Feed one packet as the flow table would: a client SYN that
 * sw_acct_syn_starts_new() calls new ends the flow and starts another.
 */
static void feed(struct sw_flow_acct *a, struct conv *cv,
		 const struct sw_acct_pkt *p)
{
	if (p->proto == SW_IPPROTO_TCP && p->dir == SW_DIR_C2S &&
	    (p->tcp_flags & (SW_TCP_SYN | SW_TCP_ACK)) == SW_TCP_SYN &&
	    sw_acct_syn_starts_new(a, p)) {
		cv->reuses++;
		sw_acct_init(a, p->ts_ns, a->client_is_b, SW_ORIGIN_SYN);
	}
	sw_acct_update(a, p, &cfg);
}

static void play(struct sw_flow_acct *a, struct conv *cv, const struct tp *t,
		 size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct sw_acct_pkt p;

		cv->now_ns += NS_PER_MS;
		if (!visible(cv->view, t[i].dir))
			continue;
		p = tcp_pkt(cv, &t[i]);
		feed(a, cv, &p);
	}
}

static void start(struct sw_flow_acct *a, struct conv *cv, enum view v,
		  uint32_t isn_c, uint32_t isn_s, uint8_t origin)
{
	cv->isn[SW_DIR_C2S] = isn_c;
	cv->isn[SW_DIR_S2C] = isn_s;
	cv->view = v;
	cv->now_ns = T0_NS;
	cv->reuses = 0;
	sw_acct_init(a, T0_NS, 0, origin);
}

/* What a case must give. turns applies to views with the client side. */
struct want {
	uint64_t up; /* bytes client to server */
	uint64_t down; /* bytes server to client */
	uint32_t turns;
	uint8_t state[VIEW_MAX]; /* enum sw_flow_state, per view */
	uint8_t reason[VIEW_MAX]; /* enum sw_close_reason, per view */
	int confirm; /* both views: seq and ack figures must agree */
};

/* clang-format off */
#define EST3 { SW_STATE_ESTABLISHED, SW_STATE_ESTABLISHED, SW_STATE_ESTABLISHED }
#define NONE3 { SW_CLOSE_NONE, SW_CLOSE_NONE, SW_CLOSE_NONE }
/* clang-format on */

/* Peer's acknowledged total for SW_DIR d, the FIN taken out. */
static uint64_t acked_figure(const struct sw_flow_acct *a, int d)
{
	const struct sw_acct_dir *peer = &a->dir[d ^ 1];
	uint64_t acked = sw_acct_get40(peer->acked_lo, peer->acked_hi);

	if (acked > 0 && sw_acct_fin_in_acked(a, d))
		acked--;
	return acked;
}

static void check(const char *ctx, const struct sw_flow_acct *a, enum view v,
		  const struct want *w)
{
	char c[256];

	snprintf(c, sizeof(c), "%s [%s]", ctx, view_name[v]);
	EXPECT_EQ(c, "bytes client to server", sw_acct_bytes(a, SW_DIR_C2S),
		  w->up);
	EXPECT_EQ(c, "bytes server to client", sw_acct_bytes(a, SW_DIR_S2C),
		  w->down);
	EXPECT_EQ(c, "turns", a->turns, v == VIEW_S2C ? 0 : w->turns);
	EXPECT_EQ(c, "state", a->state, w->state[v]);
	EXPECT_EQ(c, "close_reason", a->close_reason, w->reason[v]);
	if (v != VIEW_BOTH || !w->confirm)
		return;
	/* Server data confirms the ACK-derived figure, and vice versa. */
	EXPECT_EQ(c, "server seq figure",
		  sw_acct_get40(a->dir[SW_DIR_S2C].data_lo,
				a->dir[SW_DIR_S2C].data_hi),
		  w->down);
	EXPECT_EQ(c, "client ack figure", acked_figure(a, SW_DIR_S2C), w->down);
	EXPECT_EQ(c, "client seq figure",
		  sw_acct_get40(a->dir[SW_DIR_C2S].data_lo,
				a->dir[SW_DIR_C2S].data_hi),
		  w->up);
	EXPECT_EQ(c, "server ack figure", acked_figure(a, SW_DIR_C2S), w->up);
}

/* Replay a script in each view of the mask and check each against w. */
static void run_views(const char *ctx, const struct tp *t, size_t n,
		      uint32_t isn_c, uint32_t isn_s, uint8_t origin,
		      unsigned int views, const struct want *w)
{
	int v;

	for (v = 0; v < VIEW_MAX; v++) {
		struct sw_flow_acct a;
		struct conv cv;

		if (!(views & (1u << v)))
			continue;
		start(&a, &cv, v, isn_c, isn_s, origin);
		play(&a, &cv, t, n);
		check(ctx, &a, v, w);
	}
}

/* clang-format off */
#define HANDSHAKE                                                             \
	CLI(SYN, 0, 0, 0), SRV(SYNACK, 0, 1, 0), CLI(ACK, 1, 1, 0)
/* clang-format on */

/* Three requests on one keep-alive HTTP/1.1 connection. */
/* clang-format off */
static const struct tp http_keepalive[] = {
	HANDSHAKE,
	CLI(PSHACK, 1, 1, 120), /* GET /a */
	SRV(ACK, 1, 121, 1448),
	SRV(PSHACK, 1449, 121, 552),
	CLI(ACK, 121, 2001, 0),
	CLI(PSHACK, 121, 2001, 130), /* GET /b: index 7 */
	SRV(PSHACK, 2001, 251, 700),
	CLI(ACK, 251, 2701, 0),
	CLI(PSHACK, 251, 2701, 110), /* GET /c */
	SRV(ACK, 2701, 361, 1448),
	SRV(ACK, 4149, 361, 1448),
	CLI(ACK, 361, 5597, 0), /* delayed ACK: every other segment */
	SRV(ACK, 5597, 361, 1448),
	SRV(PSHACK, 7045, 361, 656),
	CLI(ACK, 361, 7701, 0),
};
/* clang-format on */

static const struct want http_keepalive_want = {
	.up = 120 + 130 + 110,
	.down = 2000 + 700 + 5000,
	.turns = 3,
	.state = EST3,
	.reason = NONE3,
	.confirm = 1,
};

/*
 * The client's packets alone give the same bytes and turns as both
 * directions; the server's alone give the same bytes (but see no turns).
 */
static void test_http_keepalive_one_direction(void **state)
{
	struct sw_flow_acct both, one;
	struct conv cv;
	int v;

	(void)state;
	start(&both, &cv, VIEW_BOTH, 0x1000, 0x2000, SW_ORIGIN_SYN);
	play(&both, &cv, http_keepalive, ARRAY_SIZE(http_keepalive));
	for (v = VIEW_C2S; v <= VIEW_S2C; v++) {
		start(&one, &cv, v, 0x1000, 0x2000, SW_ORIGIN_SYN);
		play(&one, &cv, http_keepalive, ARRAY_SIZE(http_keepalive));
		check("keep-alive HTTP", &one, v, &http_keepalive_want);
		EXPECT_EQ(view_name[v], "bytes c2s equal to both directions",
			  sw_acct_bytes(&one, SW_DIR_C2S),
			  sw_acct_bytes(&both, SW_DIR_C2S));
		EXPECT_EQ(view_name[v], "bytes s2c equal to both directions",
			  sw_acct_bytes(&one, SW_DIR_S2C),
			  sw_acct_bytes(&both, SW_DIR_S2C));
	}
}

/*
 * The client's handshake ACK is lost and the server speaks first (SSH,
 * SMTP): the base the SYN-ACK set still counts the greeting.
 */
/* clang-format off */
static const struct tp ack_lost[] = {
		CLI(SYN, 0, 0, 0),
		SRV(SYNACK, 0, 1, 0),
		SRV(PSHACK, 1, 1, 200), /* greeting */
		CLI(PSHACK, 1, 201, 50),
		SRV(PSHACK, 201, 51, 300),
		CLI(ACK, 51, 501, 0),
};
/* clang-format on */
static const struct want ack_lost_want = {
	.up = 50,
	.down = 500,
	.turns = 1,
	.state = EST3,
	.reason = NONE3,
	.confirm = 1,
};

/*
 * First seen mid-stream: counting starts at the first packet seen. From
 * the client's ACK before GET /b, and from GET /b itself (table below).
 */
static const struct want midstream_from_b = {
	.up = 130 + 110,
	.down = 700 + 5000,
	.turns = 2,
	.state = EST3,
	.reason = NONE3,
};

static void test_midstream_no_syn(void **state)
{
	struct sw_flow_acct a;
	struct conv cv;
	int v;

	(void)state;
	/*
	 * First seen: the last 552 bytes of response /a. The server's SEQ
	 * counts them; the client's ACK base is the first ACK it is seen to
	 * send, which already covers them.
	 */
	for (v = VIEW_BOTH; v <= VIEW_C2S; v++) {
		start(&a, &cv, v, 0x1000, 0x2000, SW_ORIGIN_PORT);
		play(&a, &cv, http_keepalive + 5,
		     ARRAY_SIZE(http_keepalive) - 5);
		EXPECT_EQ(view_name[v], "bytes s2c",
			  sw_acct_bytes(&a, SW_DIR_S2C),
			  v == VIEW_BOTH ? 552 + 700 + 5000 : 700 + 5000);
		EXPECT_EQ(view_name[v], "bytes c2s",
			  sw_acct_bytes(&a, SW_DIR_C2S), 130 + 110);
		EXPECT_EQ(view_name[v], "turns", a.turns, 2);
		EXPECT_EQ(view_name[v], "state", a.state, SW_STATE_ESTABLISHED);
		EXPECT_EQ(view_name[v], "origin kept", a.origin,
			  SW_ORIGIN_PORT);
		EXPECT_EQ(view_name[v], "SYN flag",
			  a.dir[SW_DIR_C2S].flags & SW_DIRF_SYN, 0);
	}
}

/* Both ISNs just below 2^32: both directions wrap within the flow. */
static void test_seq_wraparound(void **state)
{
	static const uint32_t isns[][2] = {
		{ 0xffffff00, 0xffffff00 },
		{ 0xffffffff, 0xfffffe00 }, /* client wraps at the SYN */
		{ 0xffffff80, 0xffffffff }, /* server wraps at the SYN */
		{ 0x7fffff00, 0x7fffff00 }, /* sign change of (__s32) */
	};
	struct sw_flow_acct a;
	struct conv cv;
	char ctx[96];
	size_t i;
	int v;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(isns); i++) {
		snprintf(ctx, sizeof(ctx), "keep-alive HTTP, ISN %#x/%#x",
			 isns[i][0], isns[i][1]);
		run_views(ctx, http_keepalive, ARRAY_SIZE(http_keepalive),
			  isns[i][0], isns[i][1], SW_ORIGIN_SYN, VIEWS_ALL,
			  &http_keepalive_want);
		for (v = VIEW_BOTH; v <= VIEW_C2S; v++) {
			start(&a, &cv, v, isns[i][0], isns[i][1],
			      SW_ORIGIN_SYN);
			play(&a, &cv, http_keepalive,
			     ARRAY_SIZE(http_keepalive));
			EXPECT_EQ(ctx, "client seq_hi wrapped",
				  a.dir[SW_DIR_C2S].seq_hi,
				  (uint32_t)(isns[i][0] + 361));
			EXPECT_EQ(ctx, "client ack_hi wrapped",
				  a.dir[SW_DIR_C2S].ack_hi,
				  (uint32_t)(isns[i][1] + 7701));
		}
	}
}

/* The high-water mark only moves forward: nothing counts twice. */
/* clang-format off */
static const struct tp retx_reorder[] = {
		HANDSHAKE,
		CLI(PSHACK, 61, 1, 40), /* second half of GET arrives first */
		CLI(ACK, 1, 1, 60), /* then the first half */
		CLI(ACK, 1, 1, 60), /* first half retransmitted */
		SRV(ACK, 1, 101, 1000),
		SRV(ACK, 2001, 101, 1000), /* third segment before second */
		SRV(ACK, 1001, 101, 1000),
		CLI(ACK, 101, 1001, 0),
		CLI(ACK, 101, 1001, 0), /* duplicate ACK */
		CLI(ACK, 101, 3001, 0),
		CLI(ACK, 101, 2001, 0), /* old ACK delivered late */
		CLI(PSHACK, 1, 3001, 100), /* GET resent, ACK moved: no turn */
		SRV(ACK, 1, 101, 1000), /* spurious server retransmit */
		CLI(ACK, 101, 3001, 0),
		CLI(PSHACK, 101, 3001, 50), /* second request */
		CLI(PSHACK, 101, 3001, 50), /* and its retransmission */
		SRV(PSHACK, 3001, 151, 400),
		SRV(PSHACK, 3001, 151, 400),
		CLI(ACK, 151, 3401, 0),
		CLI(PSHACK, 101, 3401, 50), /* old request again, ACK moved */
};
/* clang-format on */
static const struct want retx_reorder_want = {
	.up = 150,
	.down = 3400,
	.turns = 2,
	.state = EST3,
	.reason = NONE3,
	.confirm = 1,
};

/*
 * Keep-alives (seq = snd_nxt - 1, 0 or 1 byte) and zero-window probes in
 * both directions. Linux probes look like keep-alives (seq = snd_una - 1,
 * no data); RFC 9293 probes send one new byte past the closed window,
 * which is refused and sent again later: it counts once.
 */
/* clang-format off */
static const struct tp probes[] = {
		HANDSHAKE,
		CLI(PSHACK, 1, 1, 100), /* turn 1 */
		SRV(PSHACK, 1, 101, 1000),
		CLI(ACK, 101, 1001, 0),
		/* idle: keep-alives both ways, and their answers */
		CLI(ACK, 100, 1001, 0),
		SRV(ACK, 1001, 101, 0),
		CLI(ACK, 100, 1001, 1), /* ACK moved since turn 1 */
		SRV(ACK, 1001, 101, 0),
		SRV(ACK, 1000, 101, 0),
		CLI(ACK, 101, 1001, 0),
		SRV(ACK, 1000, 101, 1),
		CLI(ACK, 101, 1001, 0),
		/* a download the client can't keep up with */
		CLI(PSHACK, 101, 1001, 80), /* turn 2 */
		SRV(ACK, 1001, 181, 1448),
		SRV(ACK, 2449, 181, 1448),
		CLI(ACK, 181, 3897, 0), /* window 0 */
		SRV(ACK, 3896, 181, 0), /* Linux probe */
		CLI(ACK, 181, 3897, 0),
		SRV(ACK, 3897, 181, 1), /* RFC 9293 probe */
		CLI(ACK, 181, 3897, 0), /* refused */
		SRV(ACK, 3897, 181, 1),
		CLI(ACK, 181, 3897, 0),
		SRV(PSHACK, 3897, 181, 1000), /* window open: byte sent again */
		CLI(ACK, 181, 4897, 0),
		/* an upload into a closed window */
		CLI(PSHACK, 181, 4897, 1000), /* turn 3 */
		CLI(ACK, 1181, 4897, 1000),
		SRV(ACK, 4897, 2181, 0), /* window 0 */
		CLI(ACK, 2180, 4897, 0), /* Linux probe */
		CLI(ACK, 2181, 4897, 1), /* RFC 9293 probe */
		SRV(ACK, 4897, 2181, 0), /* refused */
		CLI(ACK, 2181, 4897, 1),
		SRV(ACK, 4897, 2181, 0),
		CLI(PSHACK, 2181, 4897, 500), /* window open */
		SRV(ACK, 4897, 2681, 0),
		SRV(PSHACK, 4897, 2681, 200),
		CLI(ACK, 2681, 5097, 0),
};
/* clang-format on */
static const struct want probes_want = {
	.up = 100 + 80 + 2500,
	.down = 1000 + 2896 + 1000 + 200,
	.turns = 3,
	.state = EST3,
	.reason = NONE3,
	.confirm = 1,
};

/* clang-format off */
#define REQ_RESP                                                              \
	HANDSHAKE, CLI(PSHACK, 1, 1, 100), SRV(PSHACK, 1, 101, 1000),         \
		CLI(ACK, 101, 1001, 0)
/* clang-format on */

/* Active close: client FIN first. The server's FIN is not a byte. */
/* clang-format off */
static const struct tp close_separate_ack[] = {
		REQ_RESP,
		CLI(FINACK, 101, 1001, 0),
		SRV(ACK, 1001, 102, 0),
		SRV(FINACK, 1001, 102, 0),
		CLI(ACK, 102, 1002, 0),
	};
/* clang-format on */
/* clang-format off */
static const struct tp close_combined[] = {
		REQ_RESP,
		CLI(FINACK, 101, 1001, 0),
		SRV(FINACK, 1001, 102, 0),
		CLI(ACK, 102, 1002, 0),
	};
/* clang-format on */
/* The client-only view can't tell when the server FIN's ACK was
 * lost; the server-only view never sees the last ACK. */
static const struct want active_close_want = {
	.up = 100,
	.down = 1000,
	.turns = 1,
	.state = { SW_STATE_CLOSED, SW_STATE_CLOSED, SW_STATE_CLOSING },
	.reason = { SW_CLOSE_FIN, SW_CLOSE_FIN, SW_CLOSE_NONE },
	.confirm = 1,
};
/* The server never answers; the client sends its FIN again. */
/* clang-format off */
static const struct tp close_unanswered[] = {
		REQ_RESP,
		CLI(FINACK, 101, 1001, 0),
		CLI(FINACK, 101, 1001, 0),
	};
/* clang-format on */
static const struct want unanswered_want = {
	.up = 100,
	.down = 1000,
	.turns = 1,
	.state = { SW_STATE_CLOSING, SW_STATE_CLOSING, 0 },
	.reason = NONE3,
};

/* Passive close: the server's last data segment carries its FIN. */
/* clang-format off */
static const struct tp passive_close[] = {
		HANDSHAKE,
		CLI(PSHACK, 1, 1, 100),
		SRV(FINPSHACK, 1, 101, 1000),
		CLI(ACK, 101, 1002, 0),
		CLI(FINACK, 101, 1002, 0),
		SRV(ACK, 1001, 102, 0),
	};
/* clang-format on */
/* The client-only view never sees the last ACK. */
static const struct want passive_close_want = {
	.up = 100,
	.down = 1000,
	.turns = 1,
	.state = { SW_STATE_CLOSED, SW_STATE_CLOSING, SW_STATE_CLOSED },
	.reason = { SW_CLOSE_FIN, SW_CLOSE_NONE, SW_CLOSE_FIN },
	.confirm = 1,
};

/* clang-format off */
static const struct tp server_rst[] = {
		REQ_RESP,
		SRV(RSTACK, 1001, 101, 0),
		CLI(ACK, 101, 1001, 0), /* straggler after the reset */
	};
/* clang-format on */
/* RST is invisible to the client-only view. */
static const struct want server_rst_want = {
	.up = 100,
	.down = 1000,
	.turns = 1,
	.state = { SW_STATE_CLOSED, SW_STATE_ESTABLISHED, SW_STATE_CLOSED },
	.reason = { SW_CLOSE_RST, SW_CLOSE_NONE, SW_CLOSE_RST },
	.confirm = 1,
};

static void test_rst(void **state)
{
	/* The client aborts a download: the server had sent more. */
	/* clang-format off */
	static const struct tp client_abort[] = {
		HANDSHAKE,
		CLI(PSHACK, 1, 1, 100),
		SRV(ACK, 1, 101, 1448),
		SRV(ACK, 1449, 101, 1448),
		CLI(ACK, 101, 2897, 0),
		SRV(ACK, 2897, 101, 1448),
		CLI(RST, 101, 0, 0),
		SRV(ACK, 4345, 101, 1448), /* in flight */
		SRV(FINACK, 5793, 101, 0), /* no effect once reset */
	};
	/* clang-format on */
	struct sw_flow_acct a;
	struct conv cv;
	int v;

	(void)state;
	for (v = VIEW_BOTH; v <= VIEW_C2S; v++) {
		start(&a, &cv, v, 0xffffff00, 0xffffff00, SW_ORIGIN_SYN);
		play(&a, &cv, client_abort, ARRAY_SIZE(client_abort));
		/* Sent by the server against received by the client. */
		EXPECT_EQ(view_name[v], "client abort: bytes s2c",
			  sw_acct_bytes(&a, SW_DIR_S2C),
			  v == VIEW_BOTH ? 4 * 1448 : 2 * 1448);
		EXPECT_EQ(view_name[v], "client abort: bytes c2s",
			  sw_acct_bytes(&a, SW_DIR_C2S), 100);
		EXPECT_EQ(view_name[v], "client abort: state", a.state,
			  SW_STATE_CLOSED);
		EXPECT_EQ(view_name[v], "client abort: close_reason",
			  a.close_reason, SW_CLOSE_RST);
	}
}

/* A retransmitted SYN continues the flow; a new SYN on the tuple ends it. */
static void test_syn_retransmit_vs_new_syn(void **state)
{
	/* clang-format off */
	static const struct tp syn_retx[] = {
		CLI(SYN, 0, 0, 0),
		CLI(SYN, 0, 0, 0), /* SYN-ACK lost: same ISN again */
		SRV(SYNACK, 0, 1, 0),
		CLI(SYN, 0, 0, 0), /* crossed with the SYN-ACK */
		CLI(ACK, 1, 1, 0),
		CLI(PSHACK, 1, 1, 100),
		SRV(PSHACK, 1, 101, 500),
		CLI(ACK, 101, 501, 0),
	};
	/* clang-format on */
	/* After an orderly close the port is reused with a new ISN. */
	/* clang-format off */
	static const struct tp reuse[] = {
		REQ_RESP,
		CLI(FINACK, 101, 1001, 0),
		SRV(FINACK, 1001, 102, 0),
		CLI(ACK, 102, 1002, 0),
		CLI(SYN, 70000, 0, 0),
		SRV(SYNACK, 90000, 70001, 0),
		CLI(ACK, 70001, 90001, 0),
		CLI(PSHACK, 70001, 90001, 10),
		SRV(PSHACK, 90001, 70011, 20),
		CLI(ACK, 70011, 90021, 0),
	};
	/* clang-format on */
	static const struct want w_retx = {
		.up = 100,
		.down = 500,
		.turns = 1,
		.state = EST3,
		.reason = NONE3,
		.confirm = 1,
	};
	static const struct want w_reuse = {
		.up = 10,
		.down = 20,
		.turns = 1,
		.state = EST3,
		.reason = NONE3,
		.confirm = 1,
	};
	struct sw_flow_acct a;
	struct sw_acct_pkt p;
	struct conv cv;
	int v;

	(void)state;
	for (v = VIEW_BOTH; v <= VIEW_C2S; v++) {
		start(&a, &cv, v, 0x1000, 0x2000, SW_ORIGIN_SYN);
		play(&a, &cv, syn_retx, ARRAY_SIZE(syn_retx));
		check("SYN retransmitted", &a, v, &w_retx);
		EXPECT_EQ(view_name[v], "SYN retransmitted: reuses", cv.reuses,
			  0);
		EXPECT_EQ(view_name[v], "SYN retransmitted: client packets",
			  a.dir[SW_DIR_C2S].packets, 6);

		start(&a, &cv, v, 0x1000, 0x2000, SW_ORIGIN_SYN);
		play(&a, &cv, reuse, ARRAY_SIZE(reuse));
		check("tuple reused", &a, v, &w_reuse);
		EXPECT_EQ(view_name[v], "tuple reused: reuses", cv.reuses, 1);
		EXPECT_EQ(view_name[v], "tuple reused: client packets",
			  a.dir[SW_DIR_C2S].packets, 4);
	}

	/* The predicate itself, state by state. */
	start(&a, &cv, VIEW_BOTH, 0x1000, 0x2000, SW_ORIGIN_SYN);
	play(&a, &cv, syn_retx, 1);
	p = tcp_pkt(&cv, &syn_retx[0]);
	EXPECT_EQ("after SYN", "same ISN starts new",
		  sw_acct_syn_starts_new(&a, &p), 0);
	p.seq += 12345;
	EXPECT_EQ("after SYN", "other ISN starts new",
		  sw_acct_syn_starts_new(&a, &p), 1);
	p.seq -= 12345;
	p.dir = SW_DIR_S2C;
	EXPECT_EQ("after SYN", "SYN from the server starts new",
		  sw_acct_syn_starts_new(&a, &p), 1);
	p.dir = SW_DIR_C2S;

	/* A SYN repeating the ISN is a duplicate, even after data (a TCP
	 * Fast Open SYN is resent without its data): never a new
	 * connection, which would pick another ISN. */
	play(&a, &cv, syn_retx + 1, ARRAY_SIZE(syn_retx) - 1);
	EXPECT_EQ("after data", "same ISN starts new",
		  sw_acct_syn_starts_new(&a, &p), 0);
	p.seq += 12345;
	EXPECT_EQ("after data", "other ISN starts new",
		  sw_acct_syn_starts_new(&a, &p), 1);
	p.seq -= 12345;

	start(&a, &cv, VIEW_BOTH, 0x1000, 0x2000, SW_ORIGIN_SYN);
	play(&a, &cv, syn_retx, 3);
	p = tcp_pkt(&cv, &(struct tp)CLI(RSTACK, 1, 1, 0));
	sw_acct_update(&a, &p, &cfg);
	p = tcp_pkt(&cv, &syn_retx[0]);
	EXPECT_EQ("after RST", "same ISN starts new",
		  sw_acct_syn_starts_new(&a, &p), 1);

	/* Mid-stream flow: the client's sequence space is already known. */
	start(&a, &cv, VIEW_BOTH, 0x1000, 0x2000, SW_ORIGIN_PORT);
	play(&a, &cv, http_keepalive + 7, 1);
	p = tcp_pkt(&cv, &syn_retx[0]);
	EXPECT_EQ("mid-stream", "any SYN starts new",
		  sw_acct_syn_starts_new(&a, &p), 1);

	/* Only the server seen so far: nothing to tell a retransmit by. */
	start(&a, &cv, VIEW_BOTH, 0x1000, 0x2000, SW_ORIGIN_SYNACK);
	play(&a, &cv, syn_retx + 2, 1);
	EXPECT_EQ("server only", "SYN starts new",
		  sw_acct_syn_starts_new(&a, &p), 0);
}

/* More than 4 GiB down: the 40-bit counters carry into data_hi. */
static void test_over_4gib(void **state)
{
	/* clang-format off */
	static const struct tp req[] = {
		HANDSHAKE,
		CLI(PSHACK, 1, 1, 100),
	};
	/* clang-format on */
	const uint64_t total = (5ULL << 30) + 12345;
	const uint32_t seg = 65536;
	struct sw_flow_acct a;
	struct conv cv;
	int v;

	(void)state;
	for (v = VIEW_BOTH; v < VIEW_MAX; v++) {
		uint64_t off = 0;
		uint32_t n = 0;

		start(&a, &cv, v, 0x1000, 0xffffff00, SW_ORIGIN_SYN);
		play(&a, &cv, req, ARRAY_SIZE(req));
		while (off < total) {
			uint32_t len = total - off < seg ? total - off : seg;
			struct tp data =
				SRV(ACK, (uint32_t)(1 + off), 101, len);

			play(&a, &cv, &data, 1);
			off += len;
			/* Client ACKs sampled: one in 16 segments. */
			if (++n % 16 == 0 || off == total) {
				struct tp ack =
					CLI(ACK, 101, (uint32_t)(1 + off), 0);

				play(&a, &cv, &ack, 1);
			}
		}
		EXPECT_EQ(view_name[v], "bytes s2c",
			  sw_acct_bytes(&a, SW_DIR_S2C), total);
		EXPECT_EQ(view_name[v], "bytes c2s",
			  sw_acct_bytes(&a, SW_DIR_C2S), 100);
		if (v != VIEW_S2C) {
			EXPECT_EQ(view_name[v], "client acked_hi",
				  a.dir[SW_DIR_C2S].acked_hi, 1);
			EXPECT_EQ(view_name[v], "client acked_lo",
				  a.dir[SW_DIR_C2S].acked_lo, (uint32_t)total);
			EXPECT_EQ(view_name[v], "turns", a.turns, 1);
		}
		if (v != VIEW_C2S) {
			EXPECT_EQ(view_name[v], "server data_hi",
				  a.dir[SW_DIR_S2C].data_hi, 1);
			EXPECT_EQ(view_name[v], "server data_lo",
				  a.dir[SW_DIR_S2C].data_lo, (uint32_t)total);
		}
	}
}

/* A jump beyond SW_ACCT_MAX_ADVANCE is a stray or forged segment. */
/* clang-format off */
static const struct tp forged[] = {
		REQ_RESP,
		CLI(ACK, 101, 1001 + SW_ACCT_MAX_ADVANCE + 1, 0), /* forged */
		CLI(ACK, 101, 1001 + 0x80000000u, 0), /* half the space */
		CLI(ACK, 101, 1001 - 0x40000000u, 0), /* far behind */
		CLI(PSHACK, 101 + SW_ACCT_MAX_ADVANCE + 1, 1001, 10), /* forged */
		SRV(PSHACK, 1001, 101, 500),
		CLI(ACK, 101, 1501, 0),
};
/* clang-format on */
static const struct want forged_want = {
	.up = 100,
	.down = 1500,
	.turns = 1,
	.state = EST3,
	.reason = NONE3,
	.confirm = 1,
};

static void test_forged_jump_ignored(void **state)
{
	/* The boundary: exactly SW_ACCT_MAX_ADVANCE is believed. */
	/* clang-format off */
	static const struct tp edge[] = {
		REQ_RESP,
		CLI(ACK, 101, 1001 + SW_ACCT_MAX_ADVANCE, 0),
	};
	/* clang-format on */
	struct sw_flow_acct a;
	struct conv cv;
	int v;

	(void)state;
	for (v = VIEW_BOTH; v <= VIEW_C2S; v++) {
		start(&a, &cv, v, 0xfffff000, 0x5000, SW_ORIGIN_SYN);
		play(&a, &cv, forged, 7);
		EXPECT_EQ(view_name[v], "client ack_hi after forged ACK",
			  a.dir[SW_DIR_C2S].ack_hi, 0x5000 + 1001);
		play(&a, &cv, forged + 7, 3);
		EXPECT_EQ(view_name[v], "client ack_hi after more forgeries",
			  a.dir[SW_DIR_C2S].ack_hi, 0x5000 + 1001);
		EXPECT_EQ(view_name[v], "client seq_hi after forged data",
			  a.dir[SW_DIR_C2S].seq_hi,
			  (uint32_t)(0xfffff000 + 101));

		start(&a, &cv, v, 0xfffff000, 0x5000, SW_ORIGIN_SYN);
		play(&a, &cv, edge, ARRAY_SIZE(edge));
		EXPECT_EQ(view_name[v], "ACK advance of exactly the maximum",
			  sw_acct_bytes(&a, SW_DIR_S2C),
			  1000 + (uint64_t)SW_ACCT_MAX_ADVANCE);
	}
}

/* One scripted UDP datagram. */
struct ud {
	uint8_t dir; /* enum sw_dir */
	uint32_t ms; /* after the flow's first packet */
	uint32_t len; /* payload bytes */
};

static void play_udp(struct sw_flow_acct *a, const struct ud *u, size_t n,
		     const struct sw_acct_cfg *c)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct sw_acct_pkt p = { 0 };

		p.ts_ns = T0_NS + u[i].ms * NS_PER_MS;
		p.dir = u[i].dir;
		p.proto = SW_IPPROTO_UDP;
		p.payload_len = u[i].len;
		sw_acct_update(a, &p, c);
	}
}

/* UDP: a client packet after a quiet gap (default 500 ms) is a turn. */
static void test_udp_turn_gap(void **state)
{
	/* clang-format off */
	static const struct ud u[] = {
		{ SW_DIR_C2S, 0, 100 }, /* turn 1 */
		{ SW_DIR_S2C, 10, 1200 },
		{ SW_DIR_S2C, 12, 1200 },
		{ SW_DIR_C2S, 20, 50 }, /* same burst */
		{ SW_DIR_C2S, 700, 100 }, /* turn 2: 680 ms quiet */
		{ SW_DIR_S2C, 710, 1000 },
		{ SW_DIR_C2S, 1199, 30 }, /* 499 ms: same turn */
		{ SW_DIR_C2S, 1699, 30 }, /* turn 3: exactly 500 ms */
		{ SW_DIR_S2C, 5000, 0 }, /* server silence doesn't count */
		{ SW_DIR_C2S, 5001, 0 }, /* turn 4: empty datagram */
	};
	/* clang-format on */
	static const struct sw_acct_cfg short_gap = {
		.udp_turn_gap_ns = 5 * NS_PER_MS,
	};
	struct sw_flow_acct a;

	(void)state;
	sw_acct_init(&a, T0_NS, 0, SW_ORIGIN_PORT);
	play_udp(&a, u, 1, &cfg);
	EXPECT_EQ("udp", "state before the server answers", a.state,
		  SW_STATE_NEW);
	play_udp(&a, u + 1, ARRAY_SIZE(u) - 1, &cfg);
	EXPECT_EQ("udp", "bytes c2s", sw_acct_bytes(&a, SW_DIR_C2S), 310);
	EXPECT_EQ("udp", "bytes s2c", sw_acct_bytes(&a, SW_DIR_S2C), 3400);
	EXPECT_EQ("udp", "packets c2s", a.dir[SW_DIR_C2S].packets, 6);
	EXPECT_EQ("udp", "packets s2c", a.dir[SW_DIR_S2C].packets, 4);
	EXPECT_EQ("udp", "turns", a.turns, 4);
	EXPECT_EQ("udp", "state", a.state, SW_STATE_ESTABLISHED);
	EXPECT_EQ("udp", "last_ns", a.last_ns, T0_NS + 5001 * NS_PER_MS);

	sw_acct_init(&a, T0_NS, 0, SW_ORIGIN_PORT);
	play_udp(&a, u, ARRAY_SIZE(u), &short_gap);
	EXPECT_EQ("udp, 5 ms gap", "turns", a.turns, 6);

	/* Only the server seen: no turns, but its bytes count. */
	sw_acct_init(&a, T0_NS, 0, SW_ORIGIN_PORT);
	play_udp(&a, u + 1, 2, &cfg);
	EXPECT_EQ("udp server only", "turns", a.turns, 0);
	EXPECT_EQ("udp server only", "bytes s2c", sw_acct_bytes(&a, SW_DIR_S2C),
		  2400);
}

/*
 * Captures merged from several queues can step back in time a little. A
 * datagram stamped before the client's previous one follows no gap.
 */
static void test_udp_time_steps_back(void **state)
{
	/* clang-format off */
	static const struct ud u[] = {
		{ SW_DIR_C2S, 0, 100 }, /* turn 1 */
		{ SW_DIR_C2S, 1000, 100 }, /* turn 2 */
		{ SW_DIR_C2S, 999, 100 }, /* from another queue */
		{ SW_DIR_C2S, 1001, 100 },
		{ SW_DIR_C2S, 1499, 100 },
	};
	/* clang-format on */
	struct sw_flow_acct a;

	(void)state;
	sw_acct_init(&a, T0_NS, 0, SW_ORIGIN_PORT);
	play_udp(&a, u, ARRAY_SIZE(u), &cfg);
	EXPECT_EQ("udp, time steps back", "turns", a.turns, 2);
	EXPECT_EQ("udp, time steps back", "bytes c2s",
		  sw_acct_bytes(&a, SW_DIR_C2S), 500);
	EXPECT_EQ("udp, time steps back", "last_ns", a.last_ns,
		  T0_NS + 1499 * NS_PER_MS);
}

/*
 * The scripted cases: a script replayed from (part of) its packets at the
 * given ISNs, in each view of the mask, each view checked against want.
 */
struct scenario {
	const char *name; /* also the failure context */
	const struct tp *t;
	size_t n;
	uint32_t isn_c, isn_s;
	uint8_t origin;
	unsigned int views;
	const struct want *want;
};

#define SCRIPT(x) (x), ARRAY_SIZE(x)
#define SCRIPT_FROM(x, i) (x) + (i), ARRAY_SIZE(x) - (i)

/* clang-format off */
static const struct scenario scenarios[] = {
	{ "keep-alive HTTP", SCRIPT(http_keepalive), 0x1000, 0x2000,
	  SW_ORIGIN_SYN, 1u << VIEW_BOTH, &http_keepalive_want },
	/* The client's handshake ACK is lost and the server speaks first
	 * (SSH, SMTP): the base the SYN-ACK set still counts the greeting. */
	{ "handshake ACK lost", SCRIPT(ack_lost), 0xfffffffe, 0x12345678,
	  SW_ORIGIN_SYN, (1u << VIEW_BOTH) | (1u << VIEW_S2C),
	  &ack_lost_want },
	{ "mid-stream, first a client ACK", SCRIPT_FROM(http_keepalive, 6),
	  0x1000, 0x2000, SW_ORIGIN_PORT, VIEWS_CLIENT, &midstream_from_b },
	{ "mid-stream, first a client request",
	  SCRIPT_FROM(http_keepalive, 7), 0x1000, 0x2000, SW_ORIGIN_PORT,
	  VIEWS_CLIENT, &midstream_from_b },
	{ "retransmit and reorder", SCRIPT(retx_reorder), 0x10000000,
	  0x20000000, SW_ORIGIN_SYN, VIEWS_ALL, &retx_reorder_want },
	{ "retransmit and reorder, wrapping", SCRIPT(retx_reorder),
	  0xffffffc0, 0xfffff000, SW_ORIGIN_SYN, VIEWS_ALL,
	  &retx_reorder_want },
	{ "keep-alives and window probes", SCRIPT(probes), 5000, 0xfffff800,
	  SW_ORIGIN_SYN, VIEWS_ALL, &probes_want },
	{ "active close, separate ACK", SCRIPT(close_separate_ack),
	  0xfffffff0, 0x30000000, SW_ORIGIN_SYN, VIEWS_ALL,
	  &active_close_want },
	{ "active close, FIN-ACK", SCRIPT(close_combined), 0xfffffff0,
	  0x30000000, SW_ORIGIN_SYN, VIEWS_ALL, &active_close_want },
	{ "active close, unanswered FIN", SCRIPT(close_unanswered), 0x1000,
	  0x2000, SW_ORIGIN_SYN, VIEWS_CLIENT, &unanswered_want },
	{ "passive close", SCRIPT(passive_close), 0x1000, 0xffffffff,
	  SW_ORIGIN_SYN, VIEWS_ALL, &passive_close_want },
	{ "server RST", SCRIPT(server_rst), 0x1000, 0x2000, SW_ORIGIN_SYN,
	  VIEWS_ALL, &server_rst_want },
	{ "forged jumps", SCRIPT(forged), 0xfffff000, 0x5000, SW_ORIGIN_SYN,
	  VIEWS_ALL, &forged_want },
};
/* clang-format on */

static void test_scenario(void **state)
{
	const struct scenario *sc = *state;

	run_views(sc->name, sc->t, sc->n, sc->isn_c, sc->isn_s, sc->origin,
		  sc->views, sc->want);
}

int main(void)
{
	/* The cases a scripted scenario cannot state: several replays
	 * compared, loops over ISNs or sizes, the SYN predicate, UDP. */
	const struct CMUnitTest other[] = {
		cmocka_unit_test(test_http_keepalive_one_direction),
		cmocka_unit_test(test_midstream_no_syn),
		cmocka_unit_test(test_seq_wraparound),
		cmocka_unit_test(test_rst),
		cmocka_unit_test(test_syn_retransmit_vs_new_syn),
		cmocka_unit_test(test_over_4gib),
		cmocka_unit_test(test_forged_jump_ignored),
		cmocka_unit_test(test_udp_turn_gap),
		cmocka_unit_test(test_udp_time_steps_back),
	};
	enum { N_SC = ARRAY_SIZE(scenarios), N_OTHER = ARRAY_SIZE(other) };
	struct CMUnitTest tests[N_SC + N_OTHER];
	size_t i;

	for (i = 0; i < N_SC; i++)
		tests[i] = (struct CMUnitTest){
			.name = scenarios[i].name,
			.test_func = test_scenario,
			.initial_state = (void *)&scenarios[i],
		};
	for (i = 0; i < N_OTHER; i++)
		tests[N_SC + i] = other[i];
	return cmocka_run_group_tests_name("flow_acct", tests, NULL, NULL);
}
