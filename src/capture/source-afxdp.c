// SPDX-License-Identifier: BSD-2-Clause
/*
 * AF_XDP capture (placeholder until the backend lands): answers that it is
 * not in this build.
 */
#include <errno.h>
#include <stdio.h>

#include "capture.h"

static int afxdp_open_missing(struct sw_capture *c, const char *spec,
			      char *errbuf)
{
	(void)c;
	(void)spec;
	snprintf(errbuf, SW_ERRBUF_SIZE,
		 "--capture afxdp: AF_XDP support is not compiled in");
	return -ENOTSUP;
}

const struct sw_capture_ops sw_capture_afxdp_ops = {
	.name = "afxdp",
	.open_op = afxdp_open_missing,
};
