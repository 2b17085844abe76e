// SPDX-License-Identifier: BSD-2-Clause
/*
 * Syslog sinks: RFC 5424 messages carrying the JSON record as MSG, over
 * UDP (RFC 5426, one message per datagram), TCP with RFC 6587 octet
 * counting, and TLS per RFC 5425 (OpenSSL, certificate and host name
 * verification on by default; the same octet-counted framing).
 *
 * Header: <PRI>1 TIMESTAMP HOSTNAME scrapewatch PROCID MSGID - MSG, where
 * PRI = facility * 8 + severity, TIMESTAMP is the record's event time,
 * MSGID is the dataset ("flow", "alert", "stats").
 *
 * Syslog has no acknowledgements. Over TCP and TLS a record counts as
 * delivered once it has been on a live connection for hold_ms; when the
 * connection dies, everything sent within hold_ms goes again on the next
 * one (at least once; the duplicates are counted as resent).
 *
 * TCP and TLS sockets are non-blocking once connected: a batch is framed
 * once and written as far as the peer takes it. A record counts as sent
 * only when its whole frame is in the kernel; the rest of the batch waits
 * in the buffer for the next call, after one short poll() for room. A
 * peer that takes no byte for timeout_ms is stalled: the link is dropped
 * and the records go again on the next connection. A UDP record
 * larger than max= bytes is dropped and counted as "oversize": a cut JSON
 * document would be worse than none.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "base/format.h"
#include "base/units.h"
#include "sink/sink-backend.h"

#define SW_SYSLOG_UDP_MAX_DEFAULT 8192
#define SW_SYSLOG_HDR_MAX 512
#define SW_SYSLOG_TIMEOUT_MS 5000
/* The longest one send_op waits for a peer that does not read. */
#define SW_SYSLOG_POLL_SLICE_MS 20

enum syslog_transport { T_UDP, T_TCP, T_TLS };

struct syslog_sink {
	enum syslog_transport t;
	char *host, *port;
	char hostname[256];
	char procid[16];
	unsigned facility;
	uint64_t udp_max;
	unsigned timeout_ms;
	int fd;
	/* TLS */
	SSL_CTX *ctx;
	SSL *ssl;
	char *verify_name;
	int verify;
	/* one batch, framed; buf[0..off) is written */
	char *buf;
	size_t len, off, cap;
	size_t *ends; /* where each record's frame ends in buf */
	size_t nrec, ndone, ends_cap; /* framed, fully written */
	uint64_t stall_ns; /* since when the peer takes nothing, or 0 */
};

/* RFC 5424 6.2.4: HOSTNAME is 1..255 PRINTUSASCII. */
static void printable(char *s, size_t max)
{
	size_t i;

	for (i = 0; i < max && s[i]; i++)
		if (s[i] < 33 || s[i] > 126)
			s[i] = '_';
	s[i] = '\0';
	if (!s[0])
		strcpy(s, "-");
}

static int syslog_open_common(struct sw_sink *s, struct sw_uri *u,
			      enum syslog_transport t, char *errbuf)
{
	struct syslog_sink *y;
	const char *v;
	uint64_t x;

	if (!u->host[0] || !u->port || !u->port[0] || u->path[0]) {
		snprintf(errbuf, SW_SINK_ERRBUF,
			 "--output %s: expected %s://HOST:PORT", s->name,
			 u->scheme);
		return -EINVAL;
	}
	y = calloc(1, sizeof(*y));
	if (!y)
		return -ENOMEM;
	s->priv = y;
	y->t = t;
	y->fd = -1;
	y->host = strdup(u->host);
	y->port = strdup(u->port);
	if (!y->host || !y->port)
		return -ENOMEM;
	y->facility = 1; /* user-level */
	y->udp_max = SW_SYSLOG_UDP_MAX_DEFAULT;
	y->timeout_ms = SW_SYSLOG_TIMEOUT_MS;
	y->verify = 1;
	v = sw_uri_opt(u, "hostname", NULL);
	if (v)
		snprintf(y->hostname, sizeof(y->hostname), "%s", v);
	else if (gethostname(y->hostname, sizeof(y->hostname)) != 0)
		strcpy(y->hostname, "-");
	y->hostname[sizeof(y->hostname) - 1] = '\0';
	printable(y->hostname, 255);
	snprintf(y->procid, sizeof(y->procid), "%d", (int)getpid());
	if ((v = sw_uri_opt(u, "facility", NULL))) {
		if (sw_parse_uint(v, 23, &x)) {
			snprintf(errbuf, SW_SINK_ERRBUF,
				 "--output %s: facility=%s: expected 0..23",
				 s->name, v);
			return -EINVAL;
		}
		y->facility = (unsigned)x;
	}
	if ((v = sw_uri_opt(u, "timeout_ms", NULL))) {
		if (sw_parse_uint(v, 3600000, &x) || !x) {
			snprintf(errbuf, SW_SINK_ERRBUF,
				 "--output %s: timeout_ms=%s: expected "
				 "1..3600000",
				 s->name, v);
			return -EINVAL;
		}
		y->timeout_ms = (unsigned)x;
	}
	if (t == T_UDP) {
		if ((v = sw_uri_opt(u, "max", NULL))) {
			if (sw_parse_size(v, &x) || x < 480 || x > 65507) {
				snprintf(errbuf, SW_SINK_ERRBUF,
					 "--output %s: max=%s: expected 480 "
					 "to 65507 bytes",
					 s->name, v);
				return -EINVAL;
			}
			y->udp_max = x;
		}
		/* UDP has no link to watch: a sendto that worked is it. */
		s->tune.confirm = SW_CONFIRM_SENT;
	} else {
		s->tune.confirm = SW_CONFIRM_HOLD;
	}
	return 0;
}

static int tls_setup(struct sw_sink *s, struct sw_uri *u, char *errbuf)
{
	struct syslog_sink *y = s->priv;
	const char *ca = sw_uri_opt(u, "ca", NULL);
	const char *cert = sw_uri_opt(u, "cert", NULL);
	const char *key = sw_uri_opt(u, "key", NULL);
	const char *verify = sw_uri_opt(u, "verify", "on");
	const char *name = sw_uri_opt(u, "name", NULL);
	unsigned long e;

	if (strcmp(verify, "off") == 0) {
		y->verify = 0;
	} else if (strcmp(verify, "on") != 0) {
		snprintf(errbuf, SW_SINK_ERRBUF,
			 "--output %s: verify=%s: expected on or off", s->name,
			 verify);
		return -EINVAL;
	}
	y->verify_name = strdup(name ? name : y->host);
	y->ctx = SSL_CTX_new(TLS_client_method());
	if (!y->verify_name || !y->ctx)
		return -ENOMEM;
	SSL_CTX_set_min_proto_version(y->ctx, TLS1_2_VERSION);
	if (y->verify) {
		SSL_CTX_set_verify(y->ctx, SSL_VERIFY_PEER, NULL);
		if (ca ? SSL_CTX_load_verify_locations(y->ctx, ca, NULL) != 1 :
			 SSL_CTX_set_default_verify_paths(y->ctx) != 1)
			goto tls_err;
	}
	if (cert || key) {
		if (!cert || !key) {
			snprintf(errbuf, SW_SINK_ERRBUF,
				 "--output %s: cert= and key= go together",
				 s->name);
			return -EINVAL;
		}
		if (SSL_CTX_use_certificate_chain_file(y->ctx, cert) != 1 ||
		    SSL_CTX_use_PrivateKey_file(y->ctx, key,
						SSL_FILETYPE_PEM) != 1)
			goto tls_err;
	}
	return 0;
tls_err:
	e = ERR_get_error();
	snprintf(errbuf, SW_SINK_ERRBUF, "--output %s: TLS setup: %s", s->name,
		 e ? ERR_reason_error_string(e) : "unknown error");
	ERR_clear_error();
	return -EINVAL;
}

static int syslog_udp_open(struct sw_sink *s, struct sw_uri *u, char *errbuf)
{
	return syslog_open_common(s, u, T_UDP, errbuf);
}

static int syslog_tcp_open(struct sw_sink *s, struct sw_uri *u, char *errbuf)
{
	return syslog_open_common(s, u, T_TCP, errbuf);
}

static int syslog_tls_open(struct sw_sink *s, struct sw_uri *u, char *errbuf)
{
	int rc = syslog_open_common(s, u, T_TLS, errbuf);

	return rc ? rc : tls_setup(s, u, errbuf);
}

#define SW_SYSLOG_SLICE_MS 50

/*
 * Wait for events on fd until timeout_ms from now, or the --flush-timeout
 * deadline once close has set one (in slices, since it may be set while
 * we wait). 1 ready, 0 timed out or past the deadline, -errno.
 */
static int wait_fd(struct sw_sink *s, int fd, short events, unsigned timeout_ms)
{
	uint64_t until = sw_now_ns() + timeout_ms * 1000000ull, now, end;
	struct pollfd pfd = { .fd = fd, .events = events };
	int rc;

	for (;;) {
		now = sw_now_ns();
		end = sw_sink_deadline_ns(s);
		if (until < end)
			end = until;
		if (now >= end)
			return 0;
		rc = poll(&pfd, 1,
			  end - now > SW_SYSLOG_SLICE_MS * 1000000ull ?
				  SW_SYSLOG_SLICE_MS :
				  (int)((end - now + 999999) / 1000000));
		if (rc > 0)
			return 1;
		if (rc < 0 && errno != EINTR)
			return -errno;
	}
}

/* Connect with a timeout (and the --flush-timeout deadline). UDP sockets
 * end up blocking, with SO_SNDTIMEO so a peer that stops reading fails
 * the send; stream sockets stay non-blocking for the handshake and the
 * sends (see syslog_stream_send). */
static int connect_timeout(struct sw_sink *s, const struct addrinfo *ai)
{
	struct syslog_sink *y = s->priv;
	struct timeval tv = { .tv_sec = y->timeout_ms / 1000,
			      .tv_usec = (y->timeout_ms % 1000) * 1000 };
	int fd, err = 0, on = 1;
	socklen_t elen = sizeof(err);

	fd = socket(ai->ai_family,
		    ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    ai->ai_protocol);
	if (fd < 0)
		return -errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		if (errno != EINPROGRESS) {
			err = -errno;
			goto fail;
		}
		if (wait_fd(s, fd, POLLOUT, y->timeout_ms) != 1) {
			err = -ETIMEDOUT;
			goto fail;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0 ||
		    err) {
			err = -(err ? err : errno);
			goto fail;
		}
	}
	if (ai->ai_socktype != SOCK_STREAM)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (ai->ai_socktype == SOCK_STREAM)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	return fd;
fail:
	close(fd);
	return err;
}

static void syslog_disconnect(struct sw_sink *s)
{
	struct syslog_sink *y = s->priv;

	if (y->ssl) {
		SSL_free(y->ssl);
		y->ssl = NULL;
	}
	if (y->fd >= 0)
		close(y->fd);
	y->fd = -1;
	/* A new connection starts on a frame boundary. */
	y->len = y->off = 0;
	y->nrec = y->ndone = 0;
	y->stall_ns = 0;
	s->tune.stalled = 0;
}

static int tls_handshake(struct sw_sink *s, char *errbuf)
{
	struct syslog_sink *y = s->priv;
	unsigned long e;
	long vr;
	int rc, want;

	y->ssl = SSL_new(y->ctx);
	if (!y->ssl)
		return -ENOMEM;
	SSL_set_fd(y->ssl, y->fd);
	SSL_set_tlsext_host_name(y->ssl, y->verify_name);
	if (y->verify)
		SSL_set1_host(y->ssl, y->verify_name);
	/* Non-blocking, so that a peer that accepts and never answers
	 * holds shutdown no longer than the --flush-timeout deadline. */
	for (;;) {
		rc = SSL_connect(y->ssl);
		if (rc == 1)
			return 0;
		want = SSL_get_error(y->ssl, rc);
		if (want != SSL_ERROR_WANT_READ && want != SSL_ERROR_WANT_WRITE)
			break;
		if (wait_fd(s, y->fd,
			    want == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
			    y->timeout_ms) != 1) {
			snprintf(errbuf, SW_SINK_ERRBUF,
				 "TLS handshake with %s:%s: no answer in "
				 "time",
				 y->host, y->port);
			ERR_clear_error();
			syslog_disconnect(s);
			return -ETIMEDOUT;
		}
	}
	vr = SSL_get_verify_result(y->ssl);
	e = ERR_get_error();
	if (vr != X509_V_OK)
		snprintf(errbuf, SW_SINK_ERRBUF, "TLS handshake with %s:%s: %s",
			 y->host, y->port, X509_verify_cert_error_string(vr));
	else
		snprintf(errbuf, SW_SINK_ERRBUF, "TLS handshake with %s:%s: %s",
			 y->host, y->port,
			 e ? ERR_reason_error_string(e) : "connection closed");
	ERR_clear_error();
	syslog_disconnect(s);
	return -ECONNREFUSED;
}

static int syslog_connect(struct sw_sink *s, char *errbuf)
{
	struct syslog_sink *y = s->priv;
	struct addrinfo hints = { 0 }, *res = NULL, *ai;
	int rc, fd = -EHOSTUNREACH;

	hints.ai_socktype = y->t == T_UDP ? SOCK_DGRAM : SOCK_STREAM;
	rc = getaddrinfo(y->host, y->port, &hints, &res);
	if (rc) {
		snprintf(errbuf, SW_SINK_ERRBUF, "resolving %s:%s: %s", y->host,
			 y->port, gai_strerror(rc));
		return -EHOSTUNREACH;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = connect_timeout(s, ai);
		if (fd >= 0)
			break;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(errbuf, SW_SINK_ERRBUF, "connecting to %s:%s: %s",
			 y->host, y->port, strerror(-fd));
		return fd;
	}
	y->fd = fd;
	if (y->t == T_TLS && (rc = tls_handshake(s, errbuf)) != 0)
		return rc;
	if (y->t != T_UDP) {
		/* Blocking only for connect and handshake: sends must
		 * not hold the writer (see syslog_stream_send). */
		fcntl(y->fd, F_SETFL, fcntl(y->fd, F_GETFL) | O_NONBLOCK);
		if (y->ssl)
			SSL_set_mode(
				y->ssl,
				SSL_MODE_ENABLE_PARTIAL_WRITE |
					SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	}
	return 0;
}

static int buf_reserve(struct syslog_sink *y, size_t more)
{
	char *nb;
	size_t cap = y->cap ? y->cap : 65536;

	if (y->len + more <= y->cap)
		return 0;
	while (cap < y->len + more)
		cap *= 2;
	nb = realloc(y->buf, cap);
	if (!nb)
		return -ENOMEM;
	y->buf = nb;
	y->cap = cap;
	return 0;
}

/* Append one RFC 5424 message (octet-counted on TCP/TLS). Returns its
 * length, or -ENOMEM. */
static long frame(struct syslog_sink *y, const struct sw_rec *r)
{
	char hdr[SW_SYSLOG_HDR_MAX], ts[40], msgid[33], pfx[24];
	int hlen, plen = 0;
	size_t mlen;

	if (r->ts[0]) {
		snprintf(ts, sizeof(ts), "%s", r->ts);
	} else {
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		sw_format_time((uint64_t)now.tv_sec * 1000000000ull +
				       (uint64_t)now.tv_nsec,
			       ts, sizeof(ts));
	}
	printable(ts, 39);
	snprintf(msgid, sizeof(msgid), "%s", r->msgid[0] ? r->msgid : "-");
	printable(msgid, 32);
	hlen = snprintf(hdr, sizeof(hdr), "<%u>1 %s %s scrapewatch %s %s - ",
			y->facility * 8 + r->severity, ts, y->hostname,
			y->procid, msgid);
	if (hlen < 0 || hlen >= (int)sizeof(hdr))
		return -EINVAL;
	mlen = (size_t)hlen + r->len;
	if (y->t != T_UDP)
		plen = snprintf(pfx, sizeof(pfx), "%zu ", mlen);
	if (buf_reserve(y, (size_t)plen + mlen))
		return -ENOMEM;
	memcpy(y->buf + y->len, pfx, (size_t)plen);
	memcpy(y->buf + y->len + plen, hdr, (size_t)hlen);
	memcpy(y->buf + y->len + plen + hlen, r->data, r->len);
	y->len += (size_t)plen + mlen;
	return (long)((size_t)plen + mlen);
}

static long syslog_udp_send(struct sw_sink *s, struct sw_rec *r, size_t n,
			    char *errbuf)
{
	struct syslog_sink *y = s->priv;
	size_t i;

	for (i = 0; i < n; i++, r = r->next) {
		long m;

		y->len = 0;
		m = frame(y, r);
		if (m < 0)
			return m;
		if ((uint64_t)m > y->udp_max) {
			sw_sink_drop(s, r, SW_DROP_OVERSIZE);
			continue;
		}
		if (send(y->fd, y->buf, (size_t)m, MSG_NOSIGNAL) < 0) {
			int err = errno;

			/* ICMP port unreachable from the last datagram:
			 * the peer is down. */
			snprintf(errbuf, SW_SINK_ERRBUF, "sending to %s:%s: %s",
				 y->host, y->port, strerror(err));
			return i ? (long)i : -err;
		}
	}
	return (long)n;
}

/*
 * Write what the peer takes of buf[off..len), waiting at most one
 * SW_SYSLOG_POLL_SLICE_MS for room. 0 (maybe with bytes left), or -errno
 * with errbuf set: the link failed, or took nothing for timeout_ms.
 */
static int write_some(struct syslog_sink *y, char *errbuf)
{
	int waited = 0;

	while (y->off < y->len) {
		struct pollfd pfd = { .fd = y->fd, .events = POLLOUT };
		uint64_t now, stall_max = y->timeout_ms * 1000000ull;
		long w;
		int err;

		if (y->ssl) {
			w = SSL_write(y->ssl, y->buf + y->off,
				      (int)(y->len - y->off));
			if (w > 0) {
				y->off += (size_t)w;
				y->stall_ns = 0;
				continue;
			}
			err = SSL_get_error(y->ssl, (int)w);
			ERR_clear_error();
			if (err == SSL_ERROR_WANT_READ)
				pfd.events = POLLIN;
			else if (err != SSL_ERROR_WANT_WRITE) {
				snprintf(errbuf, SW_SINK_ERRBUF,
					 "TLS write to %s:%s: connection lost",
					 y->host, y->port);
				return -ECONNRESET;
			}
		} else {
			w = send(y->fd, y->buf + y->off, y->len - y->off,
				 MSG_NOSIGNAL);
			if (w >= 0) {
				y->off += (size_t)w;
				y->stall_ns = 0;
				continue;
			}
			err = errno;
			if (err == EINTR)
				continue;
			if (err != EAGAIN && err != EWOULDBLOCK) {
				snprintf(errbuf, SW_SINK_ERRBUF,
					 "sending to %s:%s: %s", y->host,
					 y->port, strerror(err));
				return -err;
			}
		}
		/* The peer's window and our socket buffer are full. */
		now = sw_now_ns();
		if (!y->stall_ns)
			y->stall_ns = now;
		if (now - y->stall_ns >= stall_max) {
			snprintf(errbuf, SW_SINK_ERRBUF,
				 "sending to %s:%s: peer not reading for %u ms",
				 y->host, y->port, y->timeout_ms);
			return -ETIMEDOUT;
		}
		if (waited)
			return 0;
		waited = 1;
		if (poll(&pfd, 1, SW_SYSLOG_POLL_SLICE_MS) < 0 &&
		    errno != EINTR) {
			err = errno;
			snprintf(errbuf, SW_SINK_ERRBUF, "polling %s:%s: %s",
				 y->host, y->port, strerror(err));
			return -err;
		}
	}
	return 0;
}

static long syslog_stream_send(struct sw_sink *s, struct sw_rec *r, size_t n,
			       char *errbuf)
{
	struct syslog_sink *y = s->priv;
	size_t i, before;
	int rc;

	if (y->off == y->len) {
		/* Nothing left of the last batch: frame this one. */
		if (n > y->ends_cap) {
			size_t *ne = realloc(y->ends, n * sizeof(*ne));

			if (!ne)
				return -ENOMEM;
			y->ends = ne;
			y->ends_cap = n;
		}
		y->len = y->off = 0;
		y->nrec = y->ndone = 0;
		for (i = 0; i < n; i++, r = r->next) {
			long m = frame(y, r);

			if (m < 0) {
				y->len = y->nrec = 0;
				return m;
			}
			y->ends[y->nrec++] = y->len;
		}
	}
	/* Else the records still in buf are the first ones of r: the
	 * generic layer offers again from the first one not handed over. */
	before = y->ndone;
	rc = write_some(y, errbuf);
	while (y->ndone < y->nrec && y->ends[y->ndone] <= y->off)
		y->ndone++;
	s->tune.stalled = !rc && y->off < y->len;
	if (rc)
		return rc;
	return (long)(y->ndone - before);
}

/* Syslog peers never speak: anything readable on the link means it is
 * closing (TLS: after the library has had its say, e.g. tickets). */
static int syslog_poll(struct sw_sink *s, char *errbuf)
{
	struct syslog_sink *y = s->priv;
	struct pollfd pfd = { .fd = y->fd, .events = POLLIN | POLLRDHUP };
	char junk[4096];

	if (y->t == T_UDP || poll(&pfd, 1, 0) != 1)
		return 0;
	if (y->ssl) {
		int k = 0, rc, fl = fcntl(y->fd, F_GETFL);

		/* Non-blocking for this look only. */
		fcntl(y->fd, F_SETFL, fl | O_NONBLOCK);
		while (k++ < 16) {
			rc = SSL_read(y->ssl, junk, sizeof(junk));
			if (rc > 0)
				continue;
			rc = SSL_get_error(y->ssl, rc);
			ERR_clear_error();
			if (rc == SSL_ERROR_WANT_READ ||
			    rc == SSL_ERROR_WANT_WRITE) {
				fcntl(y->fd, F_SETFL, fl);
				return 0;
			}
			break;
		}
		fcntl(y->fd, F_SETFL, fl);
		snprintf(errbuf, SW_SINK_ERRBUF, "%s:%s closed the connection",
			 y->host, y->port);
		return -ECONNRESET;
	}
	if (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR) ||
	    recv(y->fd, junk, sizeof(junk), MSG_DONTWAIT) <= 0) {
		snprintf(errbuf, SW_SINK_ERRBUF, "%s:%s closed the connection",
			 y->host, y->port);
		return -ECONNRESET;
	}
	return 0;
}

static void syslog_cleanup(struct sw_sink *s)
{
	struct syslog_sink *y = s->priv;

	syslog_disconnect(s);
	if (y->ctx)
		SSL_CTX_free(y->ctx);
	free(y->verify_name);
	free(y->host);
	free(y->port);
	free(y->buf);
	free(y->ends);
	free(y);
	s->priv = NULL;
}

const struct sw_sink_ops sw_sink_syslog_udp_ops = {
	.scheme = "syslog+udp",
	.open_op = syslog_udp_open,
	.connect_op = syslog_connect,
	.send_op = syslog_udp_send,
	.disconnect_op = syslog_disconnect,
	.cleanup_op = syslog_cleanup,
};

const struct sw_sink_ops sw_sink_syslog_tcp_ops = {
	.scheme = "syslog+tcp",
	.open_op = syslog_tcp_open,
	.connect_op = syslog_connect,
	.send_op = syslog_stream_send,
	.poll_op = syslog_poll,
	.disconnect_op = syslog_disconnect,
	.cleanup_op = syslog_cleanup,
};

const struct sw_sink_ops sw_sink_syslog_tls_ops = {
	.scheme = "syslog+tls",
	.open_op = syslog_tls_open,
	.connect_op = syslog_connect,
	.send_op = syslog_stream_send,
	.poll_op = syslog_poll,
	.disconnect_op = syslog_disconnect,
	.cleanup_op = syslog_cleanup,
};
