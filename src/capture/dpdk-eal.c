// SPDX-License-Identifier: BSD-2-Clause
/*
 * The DPDK backend's Environment Abstraction Layer (see dpdk-internal.h):
 * the EAL command line from --dpdk-args after our defaults (quiet, no
 * telemetry, nothing left under /var/run/dpdk, one lcore per worker), the
 * net_pcap files it names checked first for a clear message, EAL's start
 * with its output kept off our stdout, and its clean-up.
 */
#ifdef SW_HAVE_DPDK

#include "capture/dpdk-internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf_dyn.h>

/* Split the EAL arguments at white space; no quoting (EAL values have no
 * spaces). Defaults go first so that the user's own options win. */
static int split_args(struct dpdk_priv *p, const char *spec, unsigned workers,
		      char *errbuf)
{
	static char lcores[64], loglevel[] = "--log-level=warning",
				no_telemetry[] = "--no-telemetry",
				in_memory[] = "--in-memory",
				no_shconf[] = "--no-shconf";
	int has_lcores = 0, has_shconf = 0, no_huge = 0, i, user_start;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char *tok, *save = NULL;

	p->argbuf = strdup(spec ? spec : "");
	if (!p->argbuf) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "--dpdk-args: %s",
			 strerror(errno));
		return -ENOMEM;
	}
	p->argv[p->argc++] = (char *)"scrapewatch";
	p->argv[p->argc++] = loglevel;
	/* The telemetry socket would live in /var/run/dpdk. */
	p->argv[p->argc++] = no_telemetry;
	user_start = p->argc;
	for (tok = strtok_r(p->argbuf, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		if (p->argc >= DPDK_ARGS_MAX - 3) {
			snprintf(errbuf, SW_ERRBUF_SIZE,
				 "--dpdk-args: more than %d arguments",
				 DPDK_ARGS_MAX - 4);
			return -E2BIG;
		}
		p->argv[p->argc++] = tok;
	}
	for (i = user_start; i < p->argc; i++) {
		const char *a = p->argv[i];

		if (!strcmp(a, "-l") || !strcmp(a, "-c") ||
		    !strncmp(a, "--lcores", 8) || !strncmp(a, "-l", 2))
			has_lcores = 1;
		if (!strncmp(a, "--file-prefix", 13) ||
		    !strncmp(a, "--in-memory", 11) ||
		    !strncmp(a, "--proc-type", 11) ||
		    !strncmp(a, "--no-shconf", 11))
			has_shconf = 1;
		if (!strcmp(a, "--no-huge"))
			no_huge = 1;
	}
	/* No files under /var/run/dpdk and no hugepage files left behind,
	 * whatever way the process ends. --no-huge memory is anonymous
	 * already, and EAL refuses --in-memory with it. */
	if (!has_shconf)
		p->argv[p->argc++] = no_huge ? no_shconf : in_memory;
	/* One lcore per worker, floating over every CPU: workers may
	 * outnumber cores, at a cost the operator chose. */
	if (!has_lcores) {
		if (ncpu < 1)
			ncpu = 1;
		if (workers > 1)
			snprintf(lcores, sizeof(lcores),
				 "--lcores=(0-%u)@(0-%ld)", workers - 1,
				 ncpu - 1);
		else
			snprintf(lcores, sizeof(lcores), "--lcores=0@(0-%ld)",
				 ncpu - 1);
		p->argv[p->argc++] = lcores;
	}
	p->argv[p->argc] = NULL;
	return 0;
}

/* The device of a --vdev option at argv[*i] ("--vdev DEV", *i moved past
 * DEV, or "--vdev=DEV"), or NULL for any other argument. */
static const char *vdev_at(const struct dpdk_priv *p, int *i)
{
	const char *v = p->argv[*i];

	if (!strcmp(v, "--vdev") && *i + 1 < p->argc)
		return p->argv[++*i];
	if (!strncmp(v, "--vdev=", 7))
		return v + 7;
	return NULL;
}

/* The rx_pcap file of a net_pcap vdev named in the EAL arguments. */
int dpdk_vdev_rx_pcap(const struct dpdk_priv *p, const char *name, char *file,
		      size_t len, int *infinite)
{
	char *copy, *save = NULL, *tok;
	int found = 0, i;

	*infinite = 0;
	for (i = 1; i < p->argc && !found; i++) {
		const char *v = vdev_at(p, &i);

		if (!v)
			continue;
		copy = strdup(v);
		if (!copy)
			return -ENOMEM;
		tok = strtok_r(copy, ",", &save);
		if (tok && !strcmp(tok, name)) {
			while ((tok = strtok_r(NULL, ",", &save))) {
				if (!strncmp(tok, "rx_pcap=", 8)) {
					snprintf(file, len, "%s", tok + 8);
					found = 1;
				} else if (!strcmp(tok, "infinite_rx=1")) {
					*infinite = 1;
				}
			}
		}
		free(copy);
	}
	return found;
}

/* Check the rx_pcap files of net_pcap devices before EAL does, for a
 * message that names the file and what is wrong with it. */
static int check_rx_files(const struct dpdk_priv *p, char *errbuf)
{
	const char *v, *f, *end;
	char path[4096];
	int i;

	for (i = 1; i < p->argc; i++) {
		v = vdev_at(p, &i);
		if (!v || strncmp(v, "net_pcap", 8) != 0)
			continue;
		for (f = strstr(v, "rx_pcap="); f;
		     f = strstr(end, "rx_pcap=")) {
			f += 8;
			end = strchr(f, ',');
			if (!end)
				end = f + strlen(f);
			snprintf(path, sizeof(path), "%.*s", (int)(end - f), f);
			if (sw_capture_pcap_file_probe(path, errbuf) != 0)
				return -EINVAL;
		}
	}
	return 0;
}

int dpdk_has_vdev(const struct dpdk_priv *p)
{
	int i;

	for (i = 1; i < p->argc; i++)
		if (!strncmp(p->argv[i], "--vdev", 6))
			return 1;
	return 0;
}

int dpdk_eal_args(struct dpdk_priv *p, const char *spec, char *errbuf)
{
	int rc = split_args(p, spec, p->nworkers, errbuf);

	if (rc)
		return rc;
	return check_rx_files(p, errbuf);
}

int dpdk_eal_init(struct dpdk_priv *p, const char *spec, char *errbuf)
{
	static const struct rte_mbuf_dynfield rx_ns_desc = {
		.name = "scrapewatch_rx_ns",
		.size = sizeof(uint64_t),
		.align = __alignof__(uint64_t),
	};
	int rc, saved_stdout;

	/* EAL logs, and prints its usage, on stdout, where our records go:
	 * point both at stderr. */
	rte_openlog_stream(stderr);
	fflush(stdout);
	saved_stdout = dup(STDOUT_FILENO);
	if (saved_stdout >= 0)
		dup2(STDERR_FILENO, STDOUT_FILENO);
	rc = rte_eal_init(p->argc, p->argv);
	fflush(stdout);
	if (saved_stdout >= 0) {
		dup2(saved_stdout, STDOUT_FILENO);
		close(saved_stdout);
	}
	if (rc < 0) {
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "DPDK EAL init with \"%s\" failed: %s",
			 spec ? spec : "", rte_strerror(rte_errno));
		return -EINVAL;
	}
	p->eal_ready = 1;
	if (rte_lcore_count() < p->nworkers) {
		snprintf(errbuf, SW_ERRBUF_SIZE,
			 "--workers %u needs %u DPDK lcores; the EAL "
			 "arguments give %u",
			 p->nworkers, p->nworkers, rte_lcore_count());
		return -EINVAL;
	}
	p->rx_ns_offset = rte_mbuf_dynfield_register(&rx_ns_desc);
	if (p->rx_ns_offset < 0) {
		snprintf(errbuf, SW_ERRBUF_SIZE, "DPDK mbuf field: %s",
			 rte_strerror(rte_errno));
		return -ENOSPC;
	}
	return 0;
}

void dpdk_eal_cleanup(struct dpdk_priv *p)
{
	char dir[PATH_MAX];

	if (!p->eal_ready)
		return;
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	/* EAL makes its runtime directory even when nothing goes in it
	 * (--in-memory, --no-shconf): take it away if empty. */
	if (dir[0] && rmdir(dir) == 0) {
		char *slash = strrchr(dir, '/');

		if (slash && slash != dir) {
			*slash = '\0';
			rmdir(dir);
		}
	}
}

#endif /* SW_HAVE_DPDK */
