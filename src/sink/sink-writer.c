// SPDX-License-Identifier: BSD-2-Clause
/*
 * The two threads of a sink. The writer takes batches from the spool,
 * then from the queue, hands them to the backend, keeps them in flight
 * until confirmed, and reconnects with backoff when the peer fails. The
 * spooler writes handed-off queues to the spool and readies the arena's
 * next chunk.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "sink/sink-int.h"

static atomic_int reopen_generation; /* bumped by the signal handler */

/* Has close asked the writer to finish? Then deadline_ns is set. */
static int stopping(const struct sw_sink_state *st)
{
	return __atomic_load_n(&st->stop, __ATOMIC_ACQUIRE);
}

uint64_t sw_sink_deadline_ns(const struct sw_sink *s)
{
	const struct sw_sink_state *st = s->st;

	if (!stopping(st))
		return UINT64_MAX;
	return __atomic_load_n(&st->deadline_ns, __ATOMIC_RELAXED);
}

/* Sleep up to ns; new records wake the writer early unless it waits for
 * something else (WAIT_OTHER: the peer, backoff, the spooler). */
static void wait_ns(struct sw_sink_state *st, uint64_t ns, enum writer_wait why)
{
	struct timespec ts;

	if (stopping(st)) {
		/* Closing: sleep no later than the deadline. */
		uint64_t now = sw_now_ns();

		if (now >= st->deadline_ns)
			return;
		if (ns > st->deadline_ns - now)
			ns = st->deadline_ns - now;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)(ns / 1000000000ull);
	ts.tv_nsec += (long)(ns % 1000000000ull);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&st->lock);
	if (why == WAIT_OTHER || !st->qhead) {
		st->writer_waiting = why;
		pthread_cond_timedwait(&st->cond, &st->lock, &ts);
		st->writer_waiting = WAIT_NONE;
	}
	pthread_mutex_unlock(&st->lock);
}

/* Pop confirmed records off the head of the in-flight list. */
static void confirm(struct sw_sink_state *st, uint64_t now)
{
	struct sw_sink *s = st->sink;
	struct sw_rec *r;
	uint64_t delivered = 0;

	while ((r = st->ihead) && r != st->unsent) {
		if (!r->dropped && !r->failed) {
			/* A stalled link is not a live one: nothing
			 * it holds counts as delivered meanwhile. */
			if (s->tune.confirm == SW_CONFIRM_HOLD &&
			    (s->tune.stalled ||
			     r->sent_ns + s->tune.hold_ns > now))
				break;
			if (s->tune.confirm == SW_CONFIRM_ASYNC && !r->done)
				break;
			delivered++;
		} else if (r->failed) {
			add_ctr(&st->c.dropped[SW_DROP_REJECTED], 1);
		}
		st->ihead = r->next;
		__atomic_store_n(&st->ilen, st->ilen - 1, __ATOMIC_RELAXED);
		st->ibytes -= r->len;
		sw_rec_free(r);
	}
	if (!st->ihead)
		st->itail = NULL;
	if (!delivered)
		return;
	add_ctr(&st->c.delivered, delivered);
	/* Back once the peer confirmed records, not at connect (HTTP
	 * connects lazily) nor when a new connection's buffer took bytes (a
	 * peer that never reads would reset the backoff every time). */
	st->backoff_ns = 0;
	if (st->down_since_ns) {
		add_ctr(&st->c.reconnects, 1);
		sw_log(SW_LOG_INFO, "sink %s: delivering again after %.1f s",
		       s->name, (now - st->down_since_ns) / 1e9);
		st->down_since_ns = 0;
	}
}

/* stdout's reader went away (| head): not an error, nothing to say. */
int sw_sink_reader_gone(const struct sw_sink_state *st, int err)
{
	return st->sink->ops == &sw_sink_stdout_ops && err == -EPIPE;
}

static void go_down(struct sw_sink_state *st, int err, uint64_t now)
{
	struct sw_sink *s = st->sink;
	uint64_t wait;

	if (st->up) {
		s->ops->disconnect_op(s);
		set_up(st, 0);
	}
	s->tune.stalled = 0;
	if (!st->down_since_ns) {
		st->down_since_ns = now;
		if (!(s->tune.fatal && sw_sink_reader_gone(st, err)))
			sw_log(SW_LOG_ERROR,
			       "sink %s: %s; queueing and spooling, retrying "
			       "with backoff",
			       s->name,
			       st->errbuf[0] ? st->errbuf : strerror(-err));
	}
	add_ctr(&st->c.errors, 1);
	st->unsent = st->ihead; /* everything in flight goes again */
	st->backoff_ns =
		st->backoff_ns ? st->backoff_ns * 2 : st->backoff_min_ns;
	if (st->backoff_ns > st->backoff_max_ns)
		st->backoff_ns = st->backoff_max_ns;
	wait = st->backoff_ns;
	if (s->tune.retry_after_ns > wait)
		wait = s->tune.retry_after_ns;
	s->tune.retry_after_ns = 0;
	st->next_try_ns = now + wait;
	if (s->tune.fatal) {
		/* fatal_err first: readers take fatal with acquire. */
		st->fatal_err = err;
		__atomic_store_n(&st->fatal, 1, __ATOMIC_RELEASE);
	}
}

/* Drop everything held: the sink is closed for good. */
void sw_sink_drop_all(struct sw_sink_state *st, enum sw_sink_drop why)
{
	struct sw_rec *q, *r;
	uint64_t n = 0;

	pthread_mutex_lock(&st->lock);
	q = st->qhead;
	n += st->qlen;
	st->qhead = st->qtail = NULL;
	st->qlen = st->qbytes = 0;
	r = st->hhead;
	n += st->hlen;
	st->hhead = st->htail = NULL;
	st->hlen = st->hbytes = 0;
	if (st->producer_waiting)
		pthread_cond_broadcast(&st->space);
	pthread_mutex_unlock(&st->lock);
	sw_rec_free_chain(q);
	sw_rec_free_chain(r);
	/* What the spooler is writing now is counted once it is spooled:
	 * the fatal path calls this again, close stops the spooler first. */
	n += sw_spool_discard(&st->spool);
	for (r = st->ihead; r; r = r->next)
		if (!r->dropped)
			n++;
	sw_rec_free_chain(st->ihead);
	st->ihead = st->itail = st->unsent = NULL;
	st->ibytes = 0;
	__atomic_store_n(&st->ilen, 0, __ATOMIC_RELAXED);
	add_ctr(&st->c.dropped[why], n);
}

/*
 * Next batch: the spool first (it is older), then the queue, but only once
 * the spooler has nothing in hand: handed-off records are older than the
 * queue. *behind says the writer has to wait for the spooler.
 */
static struct sw_rec *take_batch(struct sw_sink_state *st, size_t *n,
				 int *behind)
{
	struct sw_sink *s = st->sink;
	struct sw_rec *head, *r, *last = NULL;
	size_t bytes = 0;
	int unreadable = 0;

	*n = 0;
	*behind = 0;
again:
	if (st->use_spool && !unreadable && sw_spool_pending(&st->spool)) {
		head = sw_spool_read(st, s->tune.batch_max,
				     s->tune.batch_bytes);
		for (r = head; r; r = r->next)
			(*n)++;
		if (head)
			return head;
		unreadable = 1; /* a read error: go on with the queue */
	}
	pthread_mutex_lock(&st->lock);
	if (st->hhead || st->slen) {
		*behind = 1;
		pthread_mutex_unlock(&st->lock);
		return NULL;
	}
	/* The spooler may have finished a queue since the look above. */
	if (st->use_spool && !unreadable && sw_spool_pending(&st->spool)) {
		pthread_mutex_unlock(&st->lock);
		goto again;
	}
	head = st->qhead;
	for (r = head;
	     r && *n < s->tune.batch_max && bytes < s->tune.batch_bytes;
	     r = r->next) {
		bytes += r->len;
		(*n)++;
		last = r;
		st->qbytes -= r->len;
	}
	if (last) {
		st->qhead = last->next;
		last->next = NULL;
		if (!st->qhead)
			st->qtail = NULL;
		st->qlen -= *n;
	}
	if (st->producer_waiting)
		pthread_cond_broadcast(&st->space);
	pthread_mutex_unlock(&st->lock);
	return head;
}

/* Send from st->unsent on. 0, 1 if the backend took fewer than offered,
 * or -errno (the link is down). */
static int send_unsent(struct sw_sink_state *st, uint64_t now)
{
	struct sw_sink *s = st->sink;
	struct sw_rec *r;
	size_t n = 0, bytes = 0, i;
	long sent;

	for (r = st->unsent;
	     r && n < s->tune.batch_max && bytes < s->tune.batch_bytes;
	     r = r->next) {
		n++;
		bytes += r->len;
	}
	st->errbuf[0] = '\0';
	sent = s->ops->send_op(s, st->unsent, n, st->errbuf);
	if (sent == -EPERM) {
		/* Refused for good; dropped, and not retried. */
		for (r = st->unsent, i = 0; i < n; i++, r = r->next)
			if (!r->dropped)
				sw_sink_drop(s, r, SW_DROP_REJECTED);
		st->unsent = r;
		return 0;
	}
	if (sent < 0)
		return (int)sent;
	for (r = st->unsent, i = 0; i < (size_t)sent; i++, r = r->next) {
		if (r->sent_ns)
			add_ctr(&st->c.resent, 1);
		r->sent_ns = now;
	}
	st->unsent = r;
	return (size_t)sent < n;
}

/* Every record enqueued ends delivered or dropped exactly once, so this
 * holds no matter where the writer is moving records at the moment. */
int sw_sink_nothing_pending(struct sw_sink_state *st)
{
	uint64_t done = get_ctr(&st->c.delivered);
	int r;

	for (r = 0; r < SW_DROP_MAX; r++)
		done += get_ctr(&st->c.dropped[r]);
	return done == get_ctr(&st->c.enqueued);
}

/*
 * Hand the whole queue to the spooler, behind what it already holds: one
 * pointer swap. 0 (and nothing moved) when the hand-off is at its cap:
 * the spool does not keep up. Caller holds st->lock.
 */
int sw_sink_handoff_locked(struct sw_sink_state *st)
{
	if (!st->use_spool || !st->qhead ||
	    st->hlen + st->slen + st->qlen >
		    SW_HANDOFF_QUEUES * st->queue_max ||
	    st->hbytes + st->sbytes + st->qbytes >
		    SW_HANDOFF_QUEUES * st->queue_max_bytes)
		return 0;
	if (st->htail)
		st->htail->next = st->qhead;
	else
		st->hhead = st->qhead;
	st->htail = st->qtail;
	st->hlen += st->qlen;
	st->hbytes += st->qbytes;
	st->qhead = st->qtail = NULL;
	st->qlen = st->qbytes = 0;
	pthread_cond_signal(&st->spool_cond);
	return 1;
}

/* At shutdown, a writer that would wait gives up at the deadline. */
static int past_deadline(struct sw_sink_state *st)
{
	return stopping(st) && sw_now_ns() >= st->deadline_ns;
}

/* A batch taken from the spool or the queue goes in flight, unsent. */
static void put_in_flight(struct sw_sink_state *st, struct sw_rec *b, size_t n)
{
	struct sw_rec *r;

	if (st->itail)
		st->itail->next = b;
	else
		st->ihead = b;
	for (r = b; r->next; r = r->next)
		st->ibytes += r->len;
	st->ibytes += r->len;
	st->itail = r;
	/* The stats read it from another thread. */
	__atomic_store_n(&st->ilen, st->ilen + n, __ATOMIC_RELAXED);
	st->unsent = b;
	st->idle_ns = SW_IDLE_WAIT_NS;
}

/* Nothing to send: sleep until the oldest record in flight has been held
 * long enough, a half batch comes, or (idle) the first record comes. */
static void wait_for_records(struct sw_sink_state *st, uint64_t now)
{
	struct sw_sink *s = st->sink;

	if (st->ihead) {
		uint64_t ns = SW_BUSY_WAIT_NS;

		if (s->tune.confirm == SW_CONFIRM_HOLD && !s->tune.stalled &&
		    st->ihead->sent_ns) {
			uint64_t due = st->ihead->sent_ns + s->tune.hold_ns;

			ns = due > now ? due - now : 0;
			if (ns > SW_IDLE_MAX_NS)
				ns = SW_IDLE_MAX_NS;
		}
		wait_ns(st, ns, WAIT_RECORDS);
	} else {
		wait_ns(st, st->idle_ns,
			st->idle_ns > SW_IDLE_WAIT_NS ? WAIT_IDLE :
							WAIT_RECORDS);
		st->idle_ns = st->idle_ns * 2 < SW_IDLE_MAX_NS ?
				      st->idle_ns * 2 :
				      SW_IDLE_MAX_NS;
	}
}

void *sw_sink_writer_main(void *arg)
{
	struct sw_sink_state *st = arg;
	struct sw_sink *s = st->sink;

	for (;;) {
		uint64_t now = sw_now_ns();
		int rc, gen = reopen_generation;

		if (gen != st->reopen_seen) {
			st->reopen_seen = gen;
			if (s->ops->reopen_op && st->up)
				s->ops->reopen_op(s);
		}
		if (st->fatal) {
			sw_sink_drop_all(st, SW_DROP_CLOSED);
			if (stopping(st))
				break;
			wait_ns(st, SW_IDLE_WAIT_NS, WAIT_OTHER);
			continue;
		}
		if (!st->up) {
			if (stopping(st) && (now >= st->deadline_ns ||
					     sw_sink_nothing_pending(st)))
				break;
			if (now >= st->next_try_ns) {
				st->errbuf[0] = '\0';
				rc = s->ops->connect_op(s, st->errbuf);
				if (rc == 0) {
					set_up(st, 1);
					st->unsent = st->ihead;
				} else {
					go_down(st, rc, now);
				}
			}
			if (!st->up) {
				/* The queue goes to the spool (by the
				 * spooler) while the peer is down. */
				pthread_mutex_lock(&st->lock);
				sw_sink_handoff_locked(st);
				if (st->producer_waiting)
					pthread_cond_broadcast(&st->space);
				pthread_mutex_unlock(&st->lock);
				wait_ns(st,
					st->next_try_ns > now ?
						st->next_try_ns - now :
						0,
					WAIT_OTHER);
				continue;
			}
		}
		if (s->ops->poll_op && (rc = s->ops->poll_op(s, st->errbuf))) {
			go_down(st, rc, now);
			continue;
		}
		confirm(st, now);
		if (st->unsent) {
			rc = send_unsent(st, now);
			if (rc < 0) {
				go_down(st, rc, now);
			} else if (rc > 0) {
				/* The backend's own queue is full, or the
				 * peer is not reading: a stalled peer
				 * holds shutdown no longer than the
				 * deadline. */
				if (past_deadline(st))
					break;
				wait_ns(st, SW_BUSY_WAIT_NS, WAIT_OTHER);
			}
			continue;
		}
		if (st->ibytes >= s->tune.inflight_max_bytes) {
			if (past_deadline(st))
				break;
			wait_ns(st, SW_BUSY_WAIT_NS, WAIT_OTHER);
			continue;
		}
		{
			size_t n;
			int behind;
			struct sw_rec *b = take_batch(st, &n, &behind);

			if (b) {
				put_in_flight(st, b, n);
				continue;
			}
			if (behind) {
				/* The spooler signals when it is done. */
				if (past_deadline(st))
					break;
				wait_ns(st, SW_BUSY_WAIT_NS, WAIT_OTHER);
				continue;
			}
		}
		if (stopping(st) && !st->ihead)
			break;
		if (past_deadline(st))
			break; /* in flight, unconfirmed: counted at close */
		wait_for_records(st, now);
	}
	return NULL;
}

/* Writes handed-off queues to the spool, oldest first. */
void *sw_sink_spooler_main(void *arg)
{
	struct sw_sink_state *st = arg;
	struct sw_rec *chain;

	pthread_mutex_lock(&st->lock);
	for (;;) {
		while (!st->hhead && !st->spooler_stop &&
		       !sw_arena_wants(&st->arena))
			pthread_cond_wait(&st->spool_cond, &st->lock);
		if (!st->hhead && st->spooler_stop)
			break;
		if (!st->hhead) {
			pthread_mutex_unlock(&st->lock);
			sw_arena_prepare(&st->arena);
			pthread_mutex_lock(&st->lock);
			continue;
		}
		chain = st->hhead;
		st->slen = st->hlen;
		st->sbytes = st->hbytes;
		st->hhead = st->htail = NULL;
		st->hlen = st->hbytes = 0;
		pthread_mutex_unlock(&st->lock);
		sw_spool_chain(st, chain);
		pthread_mutex_lock(&st->lock);
		st->slen = st->sbytes = 0;
		if (st->writer_waiting)
			pthread_cond_signal(&st->cond);
	}
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

/* Stop the spooler: what it has not written yet is dropped at shutdown
 * (counted by sw_spool_chain or by sw_sink_drop_all). */
void sw_sink_spooler_join(struct sw_sink_state *st)
{
	if (!st->spooler_started)
		return;
	__atomic_store_n(&st->spool_abort, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&st->lock);
	st->spooler_stop = 1;
	pthread_cond_signal(&st->spool_cond);
	pthread_mutex_unlock(&st->lock);
	pthread_join(st->spooler, NULL);
	st->spooler_started = 0;
}

void sw_sinks_request_reopen(void)
{
	reopen_generation++;
}
