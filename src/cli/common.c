// SPDX-License-Identifier: BSD-2-Clause
/*
 * What every running command sets up the same way: the config (file or
 * defaults), the sinks the records go to, the metrics endpoint.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "cli/cli.h"

struct sw_config *sw_cli_load_config(const char *path)
{
	char errbuf[SW_CONFIG_ERRBUF_SIZE];
	struct sw_config *cfg;

	if (path) {
		cfg = sw_config_load(path, errbuf);
		if (!cfg)
			fprintf(stderr, "%s\n", errbuf);
		else
			sw_decode_configure(&cfg->decode);
		return cfg;
	}
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg) {
		sw_log(SW_LOG_ERROR, "%s", strerror(errno));
		return NULL;
	}
	sw_config_default(cfg);
	sw_decode_configure(&cfg->decode);
	return cfg;
}

static struct sw_sinks *open_sinks(const struct sw_config *cfg,
				   const char *const *outputs, int noutputs)
{
	static const char *const def[] = { "-" };
	char errbuf[SW_ERRBUF_SIZE];
	struct sw_sinks *sinks;
	int i;

	if (!noutputs && cfg->n_outputs) {
		outputs = (const char *const *)cfg->outputs;
		noutputs = cfg->n_outputs < SW_CLI_OUTPUTS_MAX ?
				   (int)cfg->n_outputs :
				   SW_CLI_OUTPUTS_MAX;
	}
	if (!noutputs) {
		outputs = def;
		noutputs = 1;
	}
	sinks = sw_sinks_new();
	if (!sinks) {
		sw_log(SW_LOG_ERROR, "sinks: %s", strerror(errno));
		return NULL;
	}
	for (i = 0; i < noutputs; i++)
		if (sw_sinks_add(sinks, outputs[i], errbuf) != 0) {
			sw_log(SW_LOG_ERROR, "%s", errbuf);
			sw_sinks_free(sinks);
			return NULL;
		}
	return sinks;
}

static int start_metrics(const struct sw_config *cfg, const char *flag,
			 struct sw_sinks *sinks, struct sw_metrics **out)
{
	const char *listen = flag ? flag : cfg->metrics_listen;
	char errbuf[SW_ERRBUF_SIZE];

	*out = NULL;
	if (!listen[0])
		return 0;
	*out = sw_metrics_start(listen, errbuf);
	if (!*out) {
		sw_log(SW_LOG_ERROR, "%s", errbuf);
		return -1;
	}
	sw_metrics_set_sinks(*out, sinks);
	return 0;
}

int sw_cli_setup(const struct sw_cli_args *a, struct sw_cli_run *r)
{
	if (!r->cfg)
		r->cfg = sw_cli_load_config(a->config_path);
	if (!r->cfg)
		return EXIT_USAGE;
	/* The file first, then the flags given on the command line. */
	if (a->max_flows)
		r->cfg->flows.max_flows = a->max_flows;
	r->out = open_sinks(r->cfg, a->outputs, a->noutputs);
	if (r->out &&
	    !start_metrics(r->cfg, a->metrics_listen, r->out, &r->metrics))
		return 0;
	sw_cli_teardown(r);
	return EXIT_USAGE;
}

void sw_cli_teardown(struct sw_cli_run *r)
{
	sw_metrics_stop(r->metrics);
	sw_sinks_free(r->out);
	sw_config_free(r->cfg);
	memset(r, 0, sizeof(*r));
}

int sw_cli_check_queues(const struct sw_capture_ops *ops, struct sw_cli_args *a,
			int nfiles)
{
	int dpdk = ops == &sw_capture_dpdk_ops;

	if (nfiles > 0) {
		sw_log(SW_LOG_ERROR,
		       "--capture %s reads no files; a capture file goes "
		       "through DPDK as --dpdk-args \"--vdev "
		       "net_pcap0,rx_pcap=FILE\"",
		       ops->name);
		return EXIT_USAGE;
	}
	if (dpdk && a->nif) {
		sw_log(SW_LOG_ERROR,
		       "--capture dpdk takes its ports from --dpdk-args, not "
		       "--interface: e.g. --dpdk-args \"--no-huge --no-pci "
		       "--vdev net_af_packet0,iface=%s\"",
		       a->ifaces[0]);
		return EXIT_USAGE;
	}
	if (!dpdk && a->cc.ring_file) {
		sw_log(SW_LOG_ERROR,
		       "--dpdk-ring-file goes with --capture dpdk");
		return EXIT_USAGE;
	}
	if (!dpdk && a->nif != 1) {
		sw_log(SW_LOG_ERROR, "--capture afxdp %s",
		       a->nif ? "takes one --interface" :
				"needs --interface IF");
		return EXIT_USAGE;
	}
	a->cc.interface = dpdk ? NULL : a->ifaces[0];
	return 0;
}
