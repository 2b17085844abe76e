// SPDX-License-Identifier: BSD-2-Clause
/*
 * `live`: capture until SIGINT/SIGTERM through the engine's one loop
 * (src/engine/engine.h), with any backend: the XDP program, libpcap, a
 * DPDK port or AF_XDP sockets. The backend is live.capture of the
 * --config file unless --capture says otherwise; the interfaces are
 * live.interfaces unless --interface is given.
 */
#include <getopt.h>
#include <string.h>

#include "base/log.h"
#include "cli/cli.h"
#include "engine/engine.h"

struct live {
	struct sw_cli_args a;
	struct sw_config *cfg;
	const char *capture;
	char ifnames[SW_CLI_IFACES_MAX][SW_CONFIG_IFNAME_MAX];
	int xdp_mode; /* enum sw_xdp_mode */
};

/* The file's interfaces when none was given (copied: a reload may free
 * the config they are in). */
static void config_ifaces(struct live *l)
{
	struct sw_cli_args *a = &l->a;
	const struct sw_config *cfg = l->cfg;

	if (a->nif)
		return;
	for (; a->nif < (int)cfg->n_interfaces && a->nif < SW_CLI_IFACES_MAX;
	     a->nif++) {
		memcpy(l->ifnames[a->nif], cfg->interfaces[a->nif],
		       SW_CONFIG_IFNAME_MAX);
		a->ifaces[a->nif] = l->ifnames[a->nif];
	}
}

/* The file's settings where no flag was given. 0, or EXIT_USAGE: said. */
static int settle(struct live *l)
{
	struct sw_cli_args *a = &l->a;
	const struct sw_config *cfg = l->cfg;
	int pcap;

	l->capture = a->capture;
	if (!l->capture && a->config_path)
		l->capture = sw_config_capture_name(cfg->capture);
	if (!l->capture || strcmp(l->capture, "dpdk") != 0)
		config_ifaces(l);
	if (!l->capture || (!a->nif && (!strcmp(l->capture, "xdp") ||
					!strcmp(l->capture, "pcap")))) {
		sw_log_as(SW_LOG_ERROR, "live",
			  "give --interface IF and --capture xdp|pcap (or "
			  "live.interfaces in the --config file)");
		return EXIT_USAGE;
	}
	pcap = strcmp(l->capture, "pcap") == 0;
	if (pcap) {
		/* The file's pcap settings apply to the pcap backend only. */
		if (!a->po.filter && cfg->pcap_filter[0])
			a->po.filter = cfg->pcap_filter;
		if (!a->po.buffer_bytes)
			a->po.buffer_bytes = cfg->pcap_buffer_bytes;
	} else if (a->po.filter || a->po.buffer_bytes) {
		sw_log(SW_LOG_ERROR, "--pcap-filter and --pcap-buffer belong "
				     "to --capture pcap");
		return EXIT_USAGE;
	}
	l->xdp_mode = SW_XDP_MODE_AUTO;
	if (a->xdp_mode)
		l->xdp_mode = strcmp(a->xdp_mode, "native") == 0 ?
				      SW_XDP_MODE_NATIVE :
				      SW_XDP_MODE_GENERIC;
	else if (a->config_path)
		l->xdp_mode = cfg->xdp_mode == SW_CONFIG_XDP_GENERIC ?
				      SW_XDP_MODE_GENERIC :
				      SW_XDP_MODE_NATIVE;
	return 0;
}

/* The source the capture names. 0, or EXIT_USAGE: said. */
static int pick_source(struct live *l, struct sw_source *src, int nfiles)
{
	struct sw_cli_args *a = &l->a;
	const struct sw_capture_ops *ops = NULL;
	int rc;

	if (strcmp(l->capture, "xdp") == 0 || strcmp(l->capture, "pcap") == 0) {
		if (l->capture[0] == 'x')
			sw_xdp_decode_configure(&l->cfg->decode);
		if (l->capture[0] == 'x')
			sw_source_xdp(src, a->ifaces, a->nif, l->xdp_mode,
				      a->ack_sample, &sw_cli_stop);
		else
			sw_source_pcap(src, a->ifaces, a->nif, &a->po,
				       &sw_cli_stop);
		return 0;
	}
	if (strcmp(l->capture, "dpdk") == 0)
		ops = &sw_capture_dpdk_ops;
	else if (strcmp(l->capture, "afxdp") == 0)
		ops = &sw_capture_afxdp_ops;
	if (!ops) {
		sw_log(SW_LOG_ERROR,
		       "--capture %s: expected xdp, afxdp, dpdk or pcap",
		       l->capture);
		return EXIT_USAGE;
	}
	if (a->run_as) {
		sw_log(SW_LOG_ERROR, "--user goes with --capture xdp or pcap");
		return EXIT_USAGE;
	}
	rc = sw_cli_check_queues(ops, a, nfiles);
	if (rc)
		return rc;
	a->cc.stop = &sw_cli_stop;
	sw_source_queues(src, ops, &a->cc,
			 ops == &sw_capture_dpdk_ops ? a->cc.dpdk_args :
						       a->cc.interface);
	return 0;
}

/* Set up around the engine, run it, take it down. */
static int run(struct live *l, struct sw_source *src)
{
	struct sw_cli_args *a = &l->a;
	struct sw_cli_run r = { .cfg = l->cfg };
	struct sw_engine_opts eo = {
		.src = src,
		.emit = (a->flows ? SW_EMIT_FLOWS : SW_EMIT_NONE) |
			(a->no_heads ? SW_NO_HEADS : 0),
		.flush_timeout_ms = a->flush_timeout_ms,
		.out = &r.out,
		.reload = &sw_cli_reload,
		.config_path = a->config_path,
		.cfgp = &r.cfg,
		.outputs_from_flags = a->noutputs > 0,
		.run_as = a->run_as,
	};
	int rc;

	/* The config is the run's from now on (a reload may swap it). */
	l->cfg = NULL;
	rc = sw_cli_setup(a, &r);
	if (rc)
		return rc;
	eo.flows = r.cfg->flows;
	eo.detect = &r.cfg->detect;
	if (!eo.run_as && r.cfg->run_as[0])
		eo.run_as = r.cfg->run_as;
	eo.metrics = r.metrics;
	rc = sw_engine_run(&eo);
	sw_cli_teardown(&r);
	return rc;
}

int sw_cmd_live(int argc, char **argv)
{
	struct live l;
	struct sw_source src;
	int rc;

	memset(&l, 0, sizeof(l));
	rc = sw_cli_parse(SW_CMD_LIVE, argc, argv, &l.a);
	if (rc >= 0)
		return rc;
	/* The file's live section, then the flags given. */
	l.cfg = sw_cli_load_config(l.a.config_path);
	if (!l.cfg)
		return EXIT_USAGE;
	sw_log_set_level(l.cfg->log_level);
	rc = settle(&l);
	if (!rc)
		rc = pick_source(&l, &src, argc - optind);
	if (!rc)
		rc = run(&l, &src);
	sw_config_free(l.cfg);
	return rc;
}
