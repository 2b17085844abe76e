/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the skeleton tests: open the XDP skeleton, let the caller set
 * its load-time knobs, load it. On failure it says why and gives the exit
 * code: 77 (skip) where this machine cannot load BPF, 1 otherwise.
 */
#ifndef SW_TEST_SKEL_LOAD_H
#define SW_TEST_SKEL_LOAD_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "scrapewatch.skel.h"

static struct scrapewatch_bpf *
skel_load(void (*set_up)(struct scrapewatch_bpf *skel), int *exit_code)
{
	struct scrapewatch_bpf *skel = scrapewatch_bpf__open();
	int err;

	if (skel) {
		set_up(skel);
		err = scrapewatch_bpf__load(skel);
		if (!err)
			return skel;
		scrapewatch_bpf__destroy(skel);
		errno = -err;
	}
	err = errno;
	if (err == EPERM || err == EACCES || err == ENOSYS) {
		printf("skip: cannot load BPF here: %s\n", strerror(err));
		*exit_code = 77;
	} else {
		fprintf(stderr, "FAIL: loading skeleton: %s\n", strerror(err));
		*exit_code = 1;
	}
	return NULL;
}

#endif /* SW_TEST_SKEL_LOAD_H */
