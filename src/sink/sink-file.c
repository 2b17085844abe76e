// SPDX-License-Identifier: BSD-2-Clause
/*
 * stdout and file:// sinks: one NDJSON line per record. A file is opened
 * for appending and reopened on SIGHUP, so logrotate can move it away
 * (the next batch goes to a new file under the old name). stdout feeds a
 * local reader: a closed pipe ends the sink for good (the records left
 * are counted as "closed"), and a slow reader slows the producer down
 * rather than losing records.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "base/log.h"
#include "sink/sink-backend.h"

#define SW_FILE_IOV 128

struct file_sink {
	char *path; /* NULL: stdout */
	int fd;
};

static int file_open_common(struct sw_sink *s, const char *path, char *errbuf)
{
	struct file_sink *f = calloc(1, sizeof(*f));

	(void)errbuf;
	if (!f)
		return -ENOMEM;
	f->fd = -1;
	if (path) {
		f->path = strdup(path);
		if (!f->path) {
			free(f);
			return -ENOMEM;
		}
	}
	s->priv = f;
	s->tune.batch_max = 1024;
	return 0;
}

static int stdout_open(struct sw_sink *s, struct sw_uri *u, char *errbuf)
{
	(void)u;
	return file_open_common(s, NULL, errbuf);
}

static int file_open(struct sw_sink *s, struct sw_uri *u, char *errbuf)
{
	/* file:///abs/path: empty host, path after the third slash. */
	if (u->host[0] || !u->path[0]) {
		snprintf(errbuf, SW_SINK_ERRBUF,
			 "--output %s: expected file:///absolute/path",
			 s->name);
		return -EINVAL;
	}
	{
		char *abs = malloc(strlen(u->path) + 2);
		int rc;

		if (!abs)
			return -ENOMEM;
		abs[0] = '/';
		strcpy(abs + 1, u->path);
		rc = file_open_common(s, abs, errbuf);
		free(abs);
		return rc;
	}
}

static int file_connect(struct sw_sink *s, char *errbuf)
{
	struct file_sink *f = s->priv;

	if (!f->path) {
		f->fd = STDOUT_FILENO;
		return 0;
	}
	f->fd = open(f->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (f->fd < 0) {
		int err = -errno;

		snprintf(errbuf, SW_SINK_ERRBUF, "%s: %s", f->path,
			 strerror(-err));
		return err;
	}
	return 0;
}

static void file_disconnect(struct sw_sink *s)
{
	struct file_sink *f = s->priv;

	if (f->path && f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/* writev the whole batch, lines and newlines, resuming short writes. */
static long file_send(struct sw_sink *s, struct sw_rec *r, size_t n,
		      char *errbuf)
{
	struct file_sink *f = s->priv;
	struct iovec iov[SW_FILE_IOV];
	size_t done = 0;

	while (done < n) {
		int k = 0, first = 0;
		size_t recs = 0;
		struct sw_rec *q;

		for (q = r; q && done + recs < n && k + 2 <= SW_FILE_IOV;
		     q = q->next, recs++) {
			iov[k].iov_base = q->data;
			iov[k++].iov_len = q->len;
			iov[k].iov_base = "\n";
			iov[k++].iov_len = 1;
		}
		while (first < k) {
			ssize_t w = writev(f->fd, iov + first, k - first);

			if (w < 0) {
				int err = errno;

				if (err == EINTR)
					continue;
				snprintf(errbuf, SW_SINK_ERRBUF, "%s: %s",
					 f->path ? f->path : "stdout",
					 strerror(err));
				/* A reader that went away does not come
				 * back. */
				if (err == EPIPE || (!f->path && err == EBADF))
					s->tune.fatal = 1;
				return done ? (long)done : -err;
			}
			while (first < k && (size_t)w >= iov[first].iov_len) {
				w -= (ssize_t)iov[first].iov_len;
				first++;
			}
			if (first < k) {
				iov[first].iov_base =
					(char *)iov[first].iov_base + w;
				iov[first].iov_len -= (size_t)w;
			}
		}
		done += recs;
		r = q;
	}
	return (long)done;
}

static void file_reopen(struct sw_sink *s)
{
	struct file_sink *f = s->priv;
	char errbuf[SW_SINK_ERRBUF];

	if (!f->path)
		return;
	file_disconnect(s);
	if (file_connect(s, errbuf))
		sw_log(SW_LOG_ERROR, "sink %s: reopen: %s", s->name, errbuf);
}

static void file_cleanup(struct sw_sink *s)
{
	struct file_sink *f = s->priv;

	file_disconnect(s);
	free(f->path);
	free(f);
	s->priv = NULL;
}

const struct sw_sink_ops sw_sink_stdout_ops = {
	.scheme = "stdout",
	.open_op = stdout_open,
	.connect_op = file_connect,
	.send_op = file_send,
	.disconnect_op = file_disconnect,
	.cleanup_op = file_cleanup,
};

const struct sw_sink_ops sw_sink_file_ops = {
	.scheme = "file",
	.open_op = file_open,
	.connect_op = file_connect,
	.send_op = file_send,
	.disconnect_op = file_disconnect,
	.reopen_op = file_reopen,
	.cleanup_op = file_cleanup,
};
