// SPDX-License-Identifier: BSD-2-Clause
/*
 * Privilege drop with libcap (see privdrop.h). The order matters: keep
 * capabilities across the uid change (PR_SET_KEEPCAPS), drop groups, gid,
 * then uid, then set the kept set effective, since a uid change from 0
 * clears the effective set even when the permitted one is kept.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "daemon/privdrop.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static int fail(char *errbuf, const char *user, const char *what, int err)
{
	snprintf(errbuf, SW_ERRBUF_SIZE, "dropping to user %.64s: %s: %s", user,
		 what, strerror(err));
	return -err;
}

int sw_drop_privileges(const char *user, int backend, char *errbuf)
{
	static const cap_value_t xdp_caps[] = { CAP_BPF, CAP_PERFMON,
						CAP_NET_ADMIN };
	static const cap_value_t pcap_caps[] = { CAP_NET_RAW };
	const cap_value_t *keep = backend == SW_PRIV_XDP ? xdp_caps : pcap_caps;
	int nkeep = backend == SW_PRIV_XDP ? 3 : 1;
	struct passwd *pw;
	cap_t caps;
	int rc;

	errno = 0;
	pw = getpwnam(user);
	if (!pw)
		return fail(errbuf, user, "no such user",
			    errno ? errno : ENOENT);
	if (pw->pw_uid == 0)
		return fail(errbuf, user, "refusing to run as uid 0", EINVAL);
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		return fail(errbuf, user, "PR_SET_KEEPCAPS", errno);
	if (setgroups(0, NULL))
		return fail(errbuf, user, "setgroups", errno);
	if (setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid))
		return fail(errbuf, user, "setresgid", errno);
	if (setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid))
		return fail(errbuf, user, "setresuid", errno);
	caps = cap_init();
	if (!caps)
		return fail(errbuf, user, "cap_init", errno);
	rc = cap_set_flag(caps, CAP_PERMITTED, nkeep, keep, CAP_SET) ||
	     cap_set_flag(caps, CAP_EFFECTIVE, nkeep, keep, CAP_SET) ||
	     cap_set_proc(caps);
	if (rc) {
		rc = errno;
		cap_free(caps);
		return fail(errbuf, user, "keeping capabilities", rc);
	}
	cap_free(caps);
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return fail(errbuf, user, "PR_SET_NO_NEW_PRIVS", errno);
	return 0;
}
