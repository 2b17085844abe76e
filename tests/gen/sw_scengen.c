// SPDX-License-Identifier: BSD-2-Clause
/*
 * sw_scengen: deterministic synthetic captures of client behaviour for the
 * detector's tests, with a labels file (client_ip,label,tool,...) of the
 * ground truth.
 *
 * "sw_scengen mix --out FILE --labels FILE [--seed S] [--minutes M]
 *  [--flood N] [--only TOOL]" writes one web server (198.18.32.1, ports 80
 * and 443) visited by scrapers (wget mirror, httrack, scrapy, an API
 * walker, a curl loop, aria2c, fast headless Chromium, a low-and-slow
 * browser-UA fetcher, a distributed scraper of ten addresses in one /24)
 * and benign clients (people browsing with think time, large downloads,
 * media streaming, an API poller, short visits). --flood N adds N spoofed
 * one-packet sources (SYNs from random addresses in 2001:db8::/32) spread
 * over the whole capture. --out - writes to stdout, so a flood never needs
 * to touch the disk.
 *
 * The traffic is what the capture point at the server sees: handshakes,
 * request segments, response segments, the client's cumulative ACKs, TLS
 * ClientHellos built byte by byte (GREASE and h2 for browsers, neither for
 * libraries), and SYNs shaped like Linux, Windows or macOS stacks. Only
 * libc is used; the output is byte-for-byte deterministic.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS 1000000000ULL
#define MS 1000000ULL
#define US 1000ULL
#define T0 (1767225600ULL * NS) /* 2026-01-01T00:00:00Z */

#define F_FIN 0x01
#define F_SYN 0x02
#define F_PSH 0x08
#define F_ACK 0x10

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("sw_scengen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		die("out of memory");
	return p;
}

/* splitmix64: small, fast, and the same everywhere. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static uint64_t urange(uint64_t *s, uint64_t lo, uint64_t hi)
{
	return lo + rng_next(s) % (hi - lo + 1);
}

/* Exponential-ish think time with the given mean, capped at 4x. */
static uint64_t think(uint64_t *s, uint64_t mean)
{
	uint64_t u = rng_next(s) % 1000 + 1, t = mean;
	int i;

	/* -ln(u/1000) by a few bisection-free terms is overkill: use the
	 * inverse of a piecewise table, good enough for think times. */
	static const uint16_t q[10] = { 2303, 1609, 1204, 916, 693,
					511,  357,  223,  105, 0 };
	for (i = 0; i < 10 && u > (uint64_t)(i + 1) * 100; i++)
		;
	t = mean * q[i < 10 ? i : 9] / 1000 + mean / 20;
	return t > mean * 4 ? mean * 4 : t;
}

/* ---- endpoints, connections, packets ------------------------------------ */

enum os { OS_LINUX, OS_WINDOWS, OS_MAC };

struct ep {
	uint8_t v6;
	uint8_t ip[16];
};

struct conn {
	struct ep cli, srv;
	uint16_t cport, sport;
	uint8_t os;
	uint32_t cseq, sseq; /* next sequence numbers */
	uint64_t rtt;
};

struct gp {
	uint64_t ts;
	uint32_t order;
	uint32_t conn;
	uint8_t dir; /* 0 client to server */
	uint8_t flags;
	uint32_t seq, ack, len;
	const uint8_t *pay;
};

struct gen {
	struct gp *p;
	size_t n, cap;
	struct conn *c;
	size_t nc, capc;
	uint64_t rng;
	uint8_t filler[16384 + 64];
	FILE *labels;
	const char *only;
};

static void ep_set(struct ep *e, const char *ip)
{
	memset(e, 0, sizeof(*e));
	e->v6 = strchr(ip, ':') != NULL;
	if (inet_pton(e->v6 ? AF_INET6 : AF_INET, ip, e->ip) != 1)
		die("bad address %s", ip);
}

static uint32_t conn_new(struct gen *g, const char *cip, uint16_t cport,
			 uint16_t sport, uint8_t os, uint64_t rtt)
{
	struct conn *c;

	if (g->nc == g->capc) {
		g->capc = g->capc ? g->capc * 2 : 256;
		g->c = xrealloc(g->c, g->capc * sizeof(*g->c));
	}
	c = &g->c[g->nc];
	memset(c, 0, sizeof(*c));
	ep_set(&c->cli, cip);
	ep_set(&c->srv, c->cli.v6 ? "2001:db8:32::1" : "198.18.32.1");
	c->cport = cport;
	c->sport = sport;
	c->os = os;
	c->cseq = (uint32_t)rng_next(&g->rng);
	c->sseq = (uint32_t)rng_next(&g->rng);
	c->rtt = rtt;
	return (uint32_t)g->nc++;
}

static void put(struct gen *g, uint64_t ts, uint32_t ci, int dir, uint8_t flags,
		const uint8_t *pay, uint32_t len)
{
	struct conn *c = &g->c[ci];
	struct gp *p;

	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 4096;
		g->p = xrealloc(g->p, g->cap * sizeof(*g->p));
	}
	p = &g->p[g->n];
	p->ts = ts;
	p->order = (uint32_t)g->n;
	g->n++;
	p->conn = ci;
	p->dir = (uint8_t)dir;
	p->flags = flags;
	p->seq = dir ? c->sseq : c->cseq;
	p->ack = dir ? c->cseq : c->sseq;
	p->len = len;
	p->pay = pay;
	if (dir)
		c->sseq += len + ((flags & (F_SYN | F_FIN)) ? 1 : 0);
	else
		c->cseq += len + ((flags & (F_SYN | F_FIN)) ? 1 : 0);
}

/* ---- TLS ClientHello ------------------------------------------------------ */

struct buf {
	uint8_t *p;
	uint32_t n, cap;
};

static void b_put(struct buf *b, const void *d, uint32_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, d, n);
	b->n += n;
}

static void b_u8(struct buf *b, uint32_t v)
{
	uint8_t x = (uint8_t)v;

	b_put(b, &x, 1);
}

static void b_u16(struct buf *b, uint32_t v)
{
	b_u8(b, v >> 8);
	b_u8(b, v);
}

static void b_len16(struct buf *b, uint32_t at)
{
	uint32_t n = b->n - at - 2;

	b->p[at] = (uint8_t)(n >> 8);
	b->p[at + 1] = (uint8_t)n;
}

static void ext_begin(struct buf *b, uint32_t type, uint32_t *at)
{
	b_u16(b, type);
	*at = b->n;
	b_u16(b, 0);
}

/* A ClientHello record: browser-like (GREASE, h2) or library-like. */
static uint8_t *client_hello(int browser, const char *sni, uint32_t *len)
{
	static const uint16_t lib_ciphers[] = { 0x1302, 0x1303, 0x1301, 0xc02c,
						0xc030, 0x009f, 0xcca9, 0xcca8,
						0xc02b, 0xc02f, 0x009e, 0xc024,
						0xc028, 0x006b, 0xc023, 0xc027,
						0x0067, 0x00ff };
	static const uint16_t br_ciphers[] = { 0x0a0a, 0x1301, 0x1302, 0x1303,
					       0xc02b, 0xc02f, 0xc02c, 0xc030,
					       0xcca9, 0xcca8, 0xc013, 0xc014,
					       0x009c, 0x009d, 0x002f, 0x0035 };
	struct buf b = { 0 };
	uint32_t hs_len_at, body_at, ext_at, e, l2, i;
	uint8_t zero[32] = { 0 };

	b_u8(&b, 22);
	b_u16(&b, 0x0301);
	b_u16(&b, 0); /* record length, below */
	b_u8(&b, 1);
	hs_len_at = b.n;
	b_u8(&b, 0);
	b_u16(&b, 0);
	body_at = b.n;
	b_u16(&b, 0x0303);
	b_put(&b, zero, 32); /* random */
	b_u8(&b, 32);
	b_put(&b, zero, 32); /* session id */
	if (browser) {
		b_u16(&b, sizeof(br_ciphers));
		for (i = 0; i < sizeof(br_ciphers) / 2; i++)
			b_u16(&b, br_ciphers[i]);
	} else {
		b_u16(&b, sizeof(lib_ciphers));
		for (i = 0; i < sizeof(lib_ciphers) / 2; i++)
			b_u16(&b, lib_ciphers[i]);
	}
	b_u8(&b, 1);
	b_u8(&b, 0);
	ext_at = b.n;
	b_u16(&b, 0);
	if (browser) {
		ext_begin(&b, 0x1a1a, &e);
		b_len16(&b, e);
	}
	ext_begin(&b, 0x0000, &e); /* server_name */
	b_u16(&b, (uint32_t)strlen(sni) + 3);
	b_u8(&b, 0);
	b_u16(&b, (uint32_t)strlen(sni));
	b_put(&b, sni, (uint32_t)strlen(sni));
	b_len16(&b, e);
	ext_begin(&b, 0x000a, &e); /* supported_groups */
	b_u16(&b, browser ? 8 : 6);
	if (browser)
		b_u16(&b, 0x2a2a);
	b_u16(&b, 0x001d);
	b_u16(&b, 0x0017);
	b_u16(&b, 0x0018);
	b_len16(&b, e);
	ext_begin(&b, 0x000b, &e); /* ec_point_formats */
	b_u8(&b, 1);
	b_u8(&b, 0);
	b_len16(&b, e);
	ext_begin(&b, 0x000d, &e); /* signature_algorithms */
	b_u16(&b, 8);
	b_u16(&b, 0x0403);
	b_u16(&b, 0x0804);
	b_u16(&b, 0x0401);
	b_u16(&b, 0x0503);
	b_len16(&b, e);
	if (browser) {
		ext_begin(&b, 0x0010, &e); /* ALPN: h2, http/1.1 */
		l2 = b.n;
		b_u16(&b, 0);
		b_u8(&b, 2);
		b_put(&b, "h2", 2);
		b_u8(&b, 8);
		b_put(&b, "http/1.1", 8);
		b_len16(&b, l2);
		b_len16(&b, e);
	}
	ext_begin(&b, 0x002b, &e); /* supported_versions */
	b_u8(&b, browser ? 6 : 4);
	if (browser)
		b_u16(&b, 0x3a3a);
	b_u16(&b, 0x0304);
	b_u16(&b, 0x0303);
	b_len16(&b, e);
	ext_begin(&b, 0x0033, &e); /* key_share: x25519 */
	b_u16(&b, 36);
	b_u16(&b, 0x001d);
	b_u16(&b, 32);
	b_put(&b, zero, 32);
	b_len16(&b, e);
	b_len16(&b, ext_at);
	l2 = b.n - body_at;
	b.p[hs_len_at] = (uint8_t)(l2 >> 16);
	b.p[hs_len_at + 1] = (uint8_t)(l2 >> 8);
	b.p[hs_len_at + 2] = (uint8_t)l2;
	b_len16(&b, 3);
	*len = b.n;
	return b.p;
}

/* ---- exchanges -------------------------------------------------------- */

/* Server sends len bytes from t; client ACKs arrive rtt later. Returns
 * when the client has it all. */
static uint64_t response(struct gen *g, uint32_t ci, uint64_t t, uint32_t len)
{
	struct conn *c = &g->c[ci];
	uint32_t seg = len > 256 * 1024 ? 16384 : 1448, sent = 0, k = 0;
	uint64_t gap = (uint64_t)seg * 80; /* ns per segment at 100 Mbit/s */
	uint64_t last = t;

	while (sent < len) {
		uint32_t n = len - sent < seg ? len - sent : seg;

		put(g, t, ci, 1, F_ACK | (sent + n == len ? F_PSH : 0),
		    g->filler, n);
		sent += n;
		last = t;
		if (++k % 2 == 0 || sent == len) {
			/* The ACK for this much, stamped when it arrives. */
			struct gp *p;

			put(g, t + c->rtt, ci, 0, F_ACK, NULL, 0);
			p = &g->p[g->n - 1];
			p->ack = c->sseq;
		}
		t += gap;
	}
	return last + c->rtt;
}

static uint64_t conn_open(struct gen *g, uint32_t ci, uint64_t t, int tls,
			  int browser)
{
	struct conn *c = &g->c[ci];
	uint32_t n;
	uint8_t *ch;

	put(g, t, ci, 0, F_SYN, NULL, 0);
	put(g, t + 100 * US, ci, 1, F_SYN | F_ACK, NULL, 0);
	t += c->rtt;
	put(g, t, ci, 0, F_ACK, NULL, 0);
	if (!tls)
		return t;
	ch = client_hello(browser, "shop.example", &n);
	if (n > 1448) {
		put(g, t, ci, 0, F_ACK, ch, 1448);
		put(g, t + 10 * US, ci, 0, F_ACK | F_PSH, ch + 1448, n - 1448);
	} else {
		put(g, t, ci, 0, F_ACK | F_PSH, ch, n);
	}
	t = response(g, ci, t + 300 * US, 4200); /* ServerHello..Finished */
	put(g, t, ci, 0, F_ACK | F_PSH, g->filler, 80); /* client Finished */
	return t + 100 * US;
}

static void conn_close(struct gen *g, uint32_t ci, uint64_t t)
{
	put(g, t, ci, 0, F_FIN | F_ACK, NULL, 0);
	put(g, t + 100 * US, ci, 1, F_FIN | F_ACK, NULL, 0);
	put(g, t + g->c[ci].rtt, ci, 0, F_ACK, NULL, 0);
}

enum kind { K_DOC, K_ASSET, K_API, K_FILE, K_MEDIA };

struct client {
	const char *ip;
	const char *ua; /* NULL: none (TLS hides it anyway) */
	uint8_t os;
	uint8_t tls;
	uint8_t browser_tls;
	uint64_t rtt;
	uint16_t next_port;
};

/* One request and its response on connection ci, from t. Returns when the
 * client has the response. */
static uint64_t request(struct gen *g, const struct client *cl, uint32_t ci,
			uint64_t t, int kind, uint32_t id, uint32_t resp)
{
	static const char *const accept[] = {
		"text/html,application/xhtml+xml,*/*;q=0.8",
		"image/avif,image/webp,*/*",
		"application/json",
		"*/*",
		"*/*",
	};
	char head[1024], path[96];
	uint8_t *p;
	int n;

	switch (kind) {
	case K_DOC:
		snprintf(path, sizeof(path), "/catalog/item-%u.html", id);
		break;
	case K_ASSET:
		snprintf(path, sizeof(path), "/static/img/%u.webp", id % 400);
		break;
	case K_API:
		snprintf(path, sizeof(path), "/api/items?page=%u", id);
		break;
	case K_FILE:
		snprintf(path, sizeof(path), "/files/archive-%u.bin", id);
		break;
	default:
		snprintf(path, sizeof(path), "/media/seg-%05u.ts", id);
		break;
	}
	if (cl->tls) {
		n = (int)urange(&g->rng, 120, 480);
		p = xrealloc(NULL, (size_t)n);
		memcpy(p, g->filler, (size_t)n);
		p[0] = 23;
	} else {
		n = snprintf(head, sizeof(head),
			     "GET %s HTTP/1.1\r\nHost: shop.example\r\n"
			     "%s%s%sAccept: %s\r\nAccept-Language: en-US\r\n"
			     "Connection: keep-alive\r\n\r\n",
			     path, cl->ua ? "User-Agent: " : "",
			     cl->ua ? cl->ua : "", cl->ua ? "\r\n" : "",
			     accept[kind]);
		p = xrealloc(NULL, (size_t)n);
		memcpy(p, head, (size_t)n);
	}
	put(g, t, ci, 0, F_ACK | F_PSH, p, (uint32_t)n);
	return response(g, ci, t + urange(&g->rng, 1, 8) * MS, resp);
}

static uint32_t open_for(struct gen *g, struct client *cl, uint64_t *t)
{
	uint32_t ci = conn_new(g, cl->ip, cl->next_port++, cl->tls ? 443 : 80,
			       cl->os, cl->rtt);

	if (cl->next_port < 1024)
		cl->next_port = 40000;
	*t = conn_open(g, ci, *t, cl->tls, cl->browser_tls);
	return ci;
}

static int wanted(struct gen *g, const char *tool)
{
	return !g->only || strcmp(g->only, tool) == 0;
}

static void label(struct gen *g, const char *ip, int scraper, const char *tool,
		  const char *note)
{
	if (g->labels)
		fprintf(g->labels, "%s,%s,%s,%s\n", ip,
			scraper ? "scraper" : "benign", tool, note);
}

/* ---- actors ----------------------------------------------------------- */

static const char UA_CHROME_WIN[] =
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	"(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
static const char UA_FIREFOX_LINUX[] =
	"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 "
	"Firefox/128.0";

/*
 * A sequential fetcher on keep-alive connections (npar of them, each
 * fetching in turn), for dur from start. pick() chooses what comes next.
 */
struct seq_plan {
	uint64_t start, dur;
	uint32_t npar;
	uint64_t gap_lo, gap_hi; /* pause after each response */
	uint32_t reqs_per_conn; /* 0: keep-alive for good */
	int kinds[4]; /* kind cycle */
	int nkinds;
	uint32_t resp_lo, resp_hi;
};

static void run_seq_same(struct gen *g, struct client *cl,
			 const struct seq_plan *p, uint32_t id0, int same)
{
	uint32_t lane, id = id0;

	for (lane = 0; lane < p->npar; lane++) {
		uint64_t t = p->start + lane * 37 * MS, end = p->start + p->dur;
		uint32_t ci = open_for(g, cl, &t), k = 0,
			 left = p->reqs_per_conn;

		while (t < end) {
			int kind = p->kinds[k++ % (uint32_t)p->nkinds];

			t = request(g, cl, ci, t, kind, id,
				    (uint32_t)urange(&g->rng, p->resp_lo,
						     p->resp_hi));
			id += same ? 0 : p->npar;
			t += urange(&g->rng, p->gap_lo, p->gap_hi);
			if (p->reqs_per_conn && --left == 0 && t < end) {
				conn_close(g, ci, t);
				t += 2 * MS;
				ci = open_for(g, cl, &t);
				left = p->reqs_per_conn;
			}
		}
		conn_close(g, ci, t);
		id = id0 + lane + 1;
	}
}

static void run_seq(struct gen *g, struct client *cl, const struct seq_plan *p,
		    uint32_t id0)
{
	run_seq_same(g, cl, p, id0, 0);
}

/* A person: page loads (document, then its assets on up to six
 * connections), each followed by think time. */
static void run_person(struct gen *g, struct client *cl, uint64_t start,
		       uint64_t dur, uint64_t think_mean, uint32_t assets,
		       uint32_t pages_max)
{
	uint64_t t = start, end = start + dur;
	uint32_t conns[6], nconn = cl->tls ? 1 : 6, i, page = 0;

	for (i = 0; i < nconn; i++) {
		uint64_t tt = t + i * MS;

		conns[i] = open_for(g, cl, &tt);
		if (i == 0)
			t = tt;
	}
	while (t < end && page < pages_max) {
		uint64_t done, tmax;
		uint32_t doc = (uint32_t)urange(&g->rng, 1, 3000);

		done = request(g, cl, conns[0], t, K_DOC, doc,
			       (uint32_t)urange(&g->rng, 15000, 60000));
		tmax = done;
		if (cl->tls) {
			/* h2: the assets go out together, one turn. */
			tmax = request(g, cl, conns[0], done + 2 * MS, K_ASSET,
				       doc, assets * 30000);
		} else {
			uint64_t lt[6];

			for (i = 0; i < nconn; i++)
				lt[i] = done + (i + 1) * MS;
			for (i = 0; i < assets; i++) {
				uint32_t l = i % nconn;

				lt[l] = request(
					g, cl, conns[l], lt[l], K_ASSET,
					doc * 7 + i,
					(uint32_t)urange(&g->rng, 2000, 90000));
				if (lt[l] > tmax)
					tmax = lt[l];
			}
		}
		page++;
		t = tmax + think(&g->rng, think_mean);
	}
	for (i = 0; i < nconn; i++)
		conn_close(g, conns[i], t + i * MS);
}

static void scenario_mix(struct gen *g, uint64_t minutes)
{
	uint64_t span = minutes * 60 * NS, t0 = T0 + 5 * NS;
	uint32_t i;

	if (wanted(g, "wget")) {
		struct client cl = {
			"198.18.32.11", "Wget/1.21.3", OS_LINUX, 0, 0,
			30 * MS,	41000
		};
		struct seq_plan p = { t0 + 20 * NS,
				      6 * 60 * NS,
				      1,
				      50 * MS,
				      400 * MS,
				      0,
				      { K_DOC, K_DOC, K_DOC, K_ASSET },
				      4,
				      8000,
				      60000 };

		run_seq(g, &cl, &p, 1);
		label(g, cl.ip, 1, "wget", "mirror");
	}
	if (wanted(g, "httrack")) {
		struct client cl = {
			"198.18.32.12",
			"Mozilla/4.5 (compatible; HTTrack 3.0x; Windows 98)",
			OS_LINUX,
			0,
			0,
			40 * MS,
			41000
		};
		struct seq_plan p = { t0 + 40 * NS,
				      5 * 60 * NS,
				      4,
				      20 * MS,
				      200 * MS,
				      0,
				      { K_DOC, K_ASSET },
				      2,
				      3000,
				      50000 };

		run_seq(g, &cl, &p, 5000);
		label(g, cl.ip, 1, "httrack", "");
	}
	if (wanted(g, "scrapy")) {
		struct client cl = { "198.18.32.13", NULL, OS_LINUX, 1, 0,
				     25 * MS,	     41000 };
		struct seq_plan p = { t0 + 60 * NS, 5 * 60 * NS, 8,
				      100 * MS,	    600 * MS,	 0,
				      { K_DOC },    1,		 20000,
				      60000 };

		run_seq(g, &cl, &p, 9000);
		label(g, cl.ip, 1, "scrapy", "tls");
	}
	if (wanted(g, "api-walker")) {
		struct client cl = { "198.18.32.14", NULL, OS_LINUX, 1, 0,
				     20 * MS,	     41000 };
		struct seq_plan p = { t0 + 30 * NS, 7 * 60 * NS, 1,
				      300 * MS,	    450 * MS,	 0,
				      { K_API },    1,		 8000,
				      12000 };

		run_seq(g, &cl, &p, 1);
		label(g, cl.ip, 1, "api-walker", "python-requests tls");
	}
	if (wanted(g, "curl-loop")) {
		struct client cl = {
			"198.18.32.15", "curl/7.88.1", OS_LINUX, 0, 0,
			15 * MS,	41000
		};
		struct seq_plan p = { t0 + 90 * NS, 5 * 60 * NS, 1,
				      500 * MS,	    1000 * MS,	 1,
				      { K_DOC },    1,		 10000,
				      40000 };

		run_seq(g, &cl, &p, 20000);
		label(g, cl.ip, 1, "curl-loop", "");
	}
	if (wanted(g, "aria2c")) {
		struct client cl = {
			"198.18.32.16", "aria2/1.36.0", OS_LINUX, 0, 0,
			30 * MS,	41000
		};
		struct seq_plan p = { t0 + 120 * NS, 100 * NS, 5,
				      1 * NS,	     3 * NS,   3,
				      { K_FILE },    1,	       1200000,
				      2000000 };

		run_seq(g, &cl, &p, 1);
		label(g, cl.ip, 1, "aria2c", "");
	}
	if (wanted(g, "headless")) {
		struct client cl = { "198.18.32.17", NULL, OS_LINUX, 1, 1,
				     20 * MS,	     41000 };

		run_person(g, &cl, t0 + 50 * NS, 6 * 60 * NS, 1200 * MS, 8,
			   100000);
		label(g, cl.ip, 1, "headless", "fast chromium tls");
	}
	if (wanted(g, "low-and-slow")) {
		struct client cl = {
			"198.18.32.18", UA_CHROME_WIN, OS_LINUX, 0, 0,
			35 * MS,	41000
		};
		struct seq_plan p = { t0 + 10 * NS,
				      (minutes - 1) * 60 * NS,
				      1,
				      6 * NS,
				      14 * NS,
				      5,
				      { K_DOC },
				      1,
				      15000,
				      50000 };

		run_seq(g, &cl, &p, 40000);
		label(g, cl.ip, 1, "low-and-slow",
		      "browser UA, documents only");
	}
	if (wanted(g, "distributed")) {
		for (i = 0; i < 10; i++) {
			char ip[32];
			struct client cl = { NULL, NULL,    OS_LINUX, 1,
					     0,	   30 * MS, 41000 };
			struct seq_plan p = { t0 + (100 + 20 * i) * NS,
					      4 * 60 * NS,
					      1,
					      3 * NS,
					      6 * NS,
					      0,
					      { K_DOC },
					      1,
					      15000,
					      50000 };

			snprintf(ip, sizeof(ip), "198.18.33.%u", 10 + i);
			cl.ip = ip;
			run_seq(g, &cl, &p, 60000 + i * 1000);
			label(g, ip, 1, "distributed", "10 addresses in a /24");
		}
	}
	/* Benign. */
	if (wanted(g, "person-tls")) {
		struct client cl = { "198.18.32.21", NULL, OS_WINDOWS, 1, 1,
				     40 * MS,	     41000 };

		run_person(g, &cl, t0 + 15 * NS, span - 60 * NS, 30 * NS, 20,
			   1000);
		label(g, cl.ip, 0, "person-tls", "think time");
	}
	if (wanted(g, "person")) {
		struct client cl = { "198.18.32.22",
				     UA_FIREFOX_LINUX,
				     OS_LINUX,
				     0,
				     0,
				     25 * MS,
				     41000 };

		run_person(g, &cl, t0 + 25 * NS, span - 60 * NS, 20 * NS, 12,
			   1000);
		label(g, cl.ip, 0, "person", "cleartext, think time");
	}
	if (wanted(g, "download-curl")) {
		struct client cl = {
			"198.18.32.23", "curl/7.88.1", OS_LINUX, 0, 0,
			20 * MS,	41000
		};
		uint64_t t = t0 + 60 * NS;
		uint32_t ci = open_for(g, &cl, &t);

		t = request(g, &cl, ci, t, K_FILE, 7, 50u << 20);
		conn_close(g, ci, t + MS);
		label(g, cl.ip, 0, "download-curl", "one large file");
	}
	if (wanted(g, "download-browser")) {
		struct client cl = { "198.18.32.24", NULL, OS_WINDOWS, 1, 1,
				     30 * MS,	     41000 };
		uint64_t t = t0 + 200 * NS;
		uint32_t ci = open_for(g, &cl, &t);

		t = request(g, &cl, ci, t, K_DOC, 1, 30000);
		t = request(g, &cl, ci, t + 3 * NS, K_FILE, 8, 80u << 20);
		conn_close(g, ci, t + MS);
		label(g, cl.ip, 0, "download-browser", "one large file");
	}
	if (wanted(g, "media")) {
		struct client cl = { "198.18.32.25", NULL, OS_WINDOWS, 1, 1,
				     30 * MS,	     41000 };
		struct seq_plan p = { t0 + 30 * NS,
				      span - 90 * NS,
				      1,
				      3 * NS,
				      4 * NS,
				      0,
				      { K_MEDIA },
				      1,
				      400000,
				      700000 };

		run_seq(g, &cl, &p, 1);
		label(g, cl.ip, 0, "media", "segments every ~4 s, tls");
	}
	if (wanted(g, "media-http")) {
		struct client cl = {
			"198.18.32.26", UA_CHROME_WIN, OS_WINDOWS, 0, 0,
			30 * MS,	41000
		};
		struct seq_plan p = { t0 + 45 * NS,
				      span - 90 * NS,
				      1,
				      1800 * MS,
				      2200 * MS,
				      0,
				      { K_MEDIA },
				      1,
				      300000,
				      450000 };

		run_seq(g, &cl, &p, 1);
		label(g, cl.ip, 0, "media-http", "segments every ~2 s");
	}
	if (wanted(g, "poller")) {
		struct client cl = { "198.18.32.27",
				     "python-requests/2.28.1",
				     OS_LINUX,
				     0,
				     0,
				     20 * MS,
				     41000 };
		struct seq_plan p = {
			t0 + 5 * NS, span - 30 * NS, 1, 10 * NS, 10 * NS,
			0,	     { K_API },	     1, 500,	 800
		};

		run_seq_same(g, &cl, &p, 1, 1);
		label(g, cl.ip, 0, "poller", "every 10 s, same path");
	}
	if (wanted(g, "short-visit")) {
		for (i = 0; i < 4; i++) {
			char ip[32];
			struct client cl = { NULL, UA_CHROME_WIN, OS_WINDOWS, 0,
					     0,	   50 * MS,	  41000 };

			snprintf(ip, sizeof(ip), "198.18.32.%u", 30 + i);
			cl.ip = ip;
			run_person(g, &cl, t0 + (60 + 100 * i) * NS, 90 * NS,
				   15 * NS, 10, 3);
			label(g, ip, 0, "short-visit", "three pages");
		}
	}
}

/* ---- writing ------------------------------------------------------------ */

static uint32_t csum_add(uint32_t s, const uint8_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

struct out {
	FILE *f;
	uint8_t frame[70000];
};

static void w16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void w32(uint8_t *p, uint32_t v)
{
	w16(p, v >> 16);
	w16(p + 2, v);
}

static void frame_write(struct out *o, uint64_t ts, const struct ep *src,
			const struct ep *dst, uint16_t sport, uint16_t dport,
			uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
			uint8_t ttl, const uint8_t *opt, uint32_t optlen,
			const uint8_t *pay, uint32_t len)
{
	uint8_t *f = o->frame, *ip = f + 14, *tcp;
	uint32_t iphl = src->v6 ? 40 : 20, thl = 20 + optlen, s, rec[4];

	memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	w16(f + 12, src->v6 ? 0x86dd : 0x0800);
	tcp = ip + iphl;
	if (src->v6) {
		memset(ip, 0, 8);
		ip[0] = 0x60;
		w16(ip + 4, thl + len);
		ip[6] = 6;
		ip[7] = ttl;
		memcpy(ip + 8, src->ip, 16);
		memcpy(ip + 24, dst->ip, 16);
	} else {
		memset(ip, 0, 20);
		ip[0] = 0x45;
		w16(ip + 2, iphl + thl + len);
		w16(ip + 6, 0x4000);
		ip[8] = ttl;
		ip[9] = 6;
		memcpy(ip + 12, src->ip, 4);
		memcpy(ip + 16, dst->ip, 4);
		w16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	}
	w16(tcp, sport);
	w16(tcp + 2, dport);
	w32(tcp + 4, seq);
	w32(tcp + 8, ack);
	tcp[12] = (uint8_t)((thl / 4) << 4);
	tcp[13] = flags;
	w16(tcp + 14, win);
	w16(tcp + 16, 0);
	w16(tcp + 18, 0);
	memcpy(tcp + 20, opt, optlen);
	if (len)
		memcpy(tcp + thl, pay, len);
	/* TCP checksum over the pseudo-header. */
	s = src->v6 ? csum_add(0, ip + 8, 32) : csum_add(0, ip + 12, 8);
	s += 6 + thl + len;
	s = csum_add(s, tcp, thl + len);
	w16(tcp + 16, csum_fold(s));
	rec[0] = (uint32_t)(ts / NS);
	rec[1] = (uint32_t)(ts % NS / 1000);
	rec[2] = rec[3] = 14 + iphl + thl + len;
	if (fwrite(rec, 16, 1, o->f) != 1 || fwrite(f, rec[2], 1, o->f) != 1)
		die("write: short");
}

static uint32_t syn_opts(uint8_t os, int v6, uint8_t *o, int synack)
{
	uint32_t mss = v6 ? 1440 : 1460;

	o[0] = 2;
	o[1] = 4;
	w16(o + 2, mss);
	if (synack || os == OS_LINUX) {
		/* mss,sok,ts,nop,ws */
		memcpy(o + 4,
		       "\x04\x02\x08\x0a\x00\x00\x10\x00\x00\x00\x00\x00"
		       "\x01\x03\x03\x07",
		       16);
		return 20;
	}
	if (os == OS_WINDOWS) { /* mss,nop,ws,nop,nop,sok */
		memcpy(o + 4, "\x01\x03\x03\x08\x01\x01\x04\x02", 8);
		return 12;
	}
	/* macOS: mss,nop,ws,nop,nop,ts,sok,eol */
	memcpy(o + 4,
	       "\x01\x03\x03\x06\x01\x01\x08\x0a\x00\x00\x10\x00\x00\x00\x00"
	       "\x00\x04\x02\x00\x00",
	       20);
	return 24;
}

static void write_packet(struct out *o, const struct gen *g, const struct gp *p)
{
	const struct conn *c = &g->c[p->conn];
	uint8_t opt[40];
	uint32_t optlen = 0;
	uint8_t ttl = p->dir ? 64 : (c->os == OS_WINDOWS ? 128 : 64) - 9;
	uint16_t win = p->dir ? 509 : (c->os == OS_WINDOWS ? 1026 : 502);

	if (p->flags & F_SYN) {
		optlen = syn_opts(c->os, c->cli.v6, opt, p->dir);
		win = p->dir ? 65160 : (c->os == OS_WINDOWS ? 64240 : 64240);
	}
	if (p->dir)
		frame_write(o, p->ts, &c->srv, &c->cli, c->sport, c->cport,
			    p->flags, p->seq, p->ack, win, ttl, opt, optlen,
			    p->pay, p->len);
	else
		frame_write(o, p->ts, &c->cli, &c->srv, c->cport, c->sport,
			    p->flags, p->seq, p->ack, win, ttl, opt, optlen,
			    p->pay, p->len);
}

static int cmp_gp(const void *a, const void *b)
{
	const struct gp *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void write_flood_syn(struct out *o, uint64_t ts, uint64_t *rng)
{
	static const struct ep srv = { 1,
				       { 0x20, 0x01, 0x0d, 0xb8, 0, 0x32, 0, 0,
					 0, 0, 0, 0, 0, 0, 0, 1 } };
	struct ep src = { 1, { 0x20, 0x01, 0x0d, 0xb8 } };
	uint64_t a = rng_next(rng), b = rng_next(rng);
	uint8_t opt[40];
	uint32_t n;

	memcpy(src.ip + 4, &a, 8);
	memcpy(src.ip + 12, &b, 4);
	n = syn_opts(OS_LINUX, 1, opt, 0);
	frame_write(o, ts, &src, &srv, (uint16_t)(1024 + (b >> 40) % 60000),
		    443, F_SYN, (uint32_t)(b >> 8), 0, 64240, 55, opt, n, NULL,
		    0);
}

int main(int argc, char **argv)
{
	const char *outp = NULL, *labp = NULL;
	uint64_t seed = 1, minutes = 12, flood = 0, i, span, j = 0, frng;
	static struct gen g;
	static struct out o;
	uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
	int a;

	if (argc < 2 || strcmp(argv[1], "mix") != 0)
		die("usage: sw_scengen mix --out FILE|- [--labels FILE] "
		    "[--seed S] [--minutes M] [--flood N] [--only TOOL]");
	for (a = 2; a + 1 < argc; a += 2) {
		if (!strcmp(argv[a], "--out"))
			outp = argv[a + 1];
		else if (!strcmp(argv[a], "--labels"))
			labp = argv[a + 1];
		else if (!strcmp(argv[a], "--seed"))
			seed = strtoull(argv[a + 1], NULL, 10);
		else if (!strcmp(argv[a], "--minutes"))
			minutes = strtoull(argv[a + 1], NULL, 10);
		else if (!strcmp(argv[a], "--flood"))
			flood = strtoull(argv[a + 1], NULL, 10);
		else if (!strcmp(argv[a], "--only"))
			g.only = argv[a + 1];
		else
			die("unknown option %s", argv[a]);
	}
	if (a != argc || !outp || minutes < 8)
		die("need --out, and --minutes of at least 8");
	g.rng = seed * 0x2545f4914f6cdd1dULL + 7;
	for (i = 0; i < sizeof(g.filler); i++)
		g.filler[i] = (uint8_t)("scrapewatch synthetic page "[i % 27]);
	if (labp) {
		g.labels = fopen(labp, "w");
		if (!g.labels)
			die("%s: cannot write", labp);
		fprintf(g.labels, "client_ip,label,tool,note\n");
	}
	scenario_mix(&g, minutes);
	if (g.labels)
		fclose(g.labels);
	qsort(g.p, g.n, sizeof(*g.p), cmp_gp);
	o.f = strcmp(outp, "-") ? fopen(outp, "wb") : stdout;
	if (!o.f)
		die("%s: cannot write", outp);
	setvbuf(o.f, NULL, _IOFBF, 1 << 20);
	if (fwrite(hdr, sizeof(hdr), 1, o.f) != 1)
		die("write: short");
	span = minutes * 60 * NS;
	frng = seed ^ 0xf100d;
	for (i = 0; i < g.n; i++) {
		/* Flood SYNs evenly over the span, merged in time order. */
		while (j < flood && T0 + (span * j) / flood <= g.p[i].ts) {
			write_flood_syn(&o, T0 + (span * j) / flood, &frng);
			j++;
		}
		write_packet(&o, &g, &g.p[i]);
	}
	for (; j < flood; j++)
		write_flood_syn(&o, T0 + (span * j) / flood, &frng);
	if (fflush(o.f) != 0)
		die("write failed");
	if (o.f != stdout)
		fclose(o.f);
	return 0;
}
