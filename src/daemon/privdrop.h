/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Least privilege for `live`: once the capture is set up (programs
 * loaded and attached, sockets open, the metrics port bound, the sinks
 * started), the process becomes an unprivileged user and keeps only the
 * capabilities its capture still needs.
 */
#ifndef SW_PRIVDROP_H
#define SW_PRIVDROP_H

#include "capture/capture.h"

enum sw_priv_backend {
	SW_PRIV_XDP = 0, /* CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN */
	SW_PRIV_PCAP = 1, /* CAP_NET_RAW */
};

/*
 * Become user (its uid, primary gid, no supplementary groups) keeping the
 * backend's capabilities, permitted and effective, in the calling thread;
 * threads started before lose every capability with the uid change. Also
 * sets no_new_privs. 0, or -errno with errbuf saying what failed.
 */
int sw_drop_privileges(const char *user, int backend, char *errbuf);

#endif /* SW_PRIVDROP_H */
