// SPDX-License-Identifier: BSD-2-Clause
/*
 * The config's decode: section, how tunnels are decapsulated: which
 * encapsulations are followed (decode.tunnels), on which UDP ports VXLAN
 * and GENEVE arrive, how deep tunnels nest, whether the VNI joins the flow
 * key and whether MPLS carries Ethernet pseudowires. Kept apart from
 * config.c, which holds the other sections.
 */
#include <stdio.h>
#include <string.h>

#include "config/config-int.h"

/* Like config.c's value_of(): a plain ~ / null / empty scalar is "". */
static const char *dec_value(struct loader *ld, const char *path,
			     const char *raw)
{
	const struct key_line *kl;

	if (!raw || (raw[0] && strcmp(raw, "~") && strcmp(raw, "null") &&
		     strcmp(raw, "Null") && strcmp(raw, "NULL")))
		return raw;
	kl = sw_cfg_find_line(ld, path);
	return kl && kl->null ? "" : raw;
}

/* Names in decode.tunnels, and the bits they turn on. */
static const struct {
	const char *name;
	uint32_t bits;
} tunnel_kinds[] = {
	{ "vxlan", SW_TUNB_VXLAN }, { "geneve", SW_TUNB_GENEVE },
	{ "gre", SW_TUNB_GRE },	    { "erspan", SW_TUNB_ERSPAN },
	{ "mpls", SW_TUNB_MPLS },   { "ipip", SW_TUNB_IPIP },
};

static int conv_tunnels(struct loader *ld, const struct raw_decode *raw,
			struct sw_decode_cfg *d)
{
	char path[PATH_MAX_LEN];
	unsigned i, k;

	/* An empty list reads as no list: the key's line tells them apart. */
	if (!raw->tunnels && !sw_cfg_find_line(ld, "decode.tunnels"))
		return 0;
	d->tunnels = 0;
	ld->cfg->decode_tunnels_set = 1;
	for (i = 0; i < raw->tunnels_count; i++) {
		const char *v;

		snprintf(path, sizeof(path), "decode.tunnels[%u]", i);
		v = dec_value(ld, path, raw->tunnels[i]);
		for (k = 0; k < sizeof(tunnel_kinds) / sizeof(tunnel_kinds[0]);
		     k++)
			if (v && strcmp(v, tunnel_kinds[k].name) == 0)
				break;
		if (k == sizeof(tunnel_kinds) / sizeof(tunnel_kinds[0]))
			return sw_cfg_bad_value(
				ld, path, v && *v ? v : NULL,
				"one of vxlan, geneve, gre, erspan, mpls, "
				"ipip");
		if (d->tunnels & tunnel_kinds[k].bits)
			return sw_cfg_bad_value(ld, path, v,
						"each tunnel once");
		d->tunnels |= tunnel_kinds[k].bits;
	}
	return 0;
}

static int conv_ports(struct loader *ld, const char *key, char **list,
		      unsigned n, uint16_t *ports, uint8_t *count)
{
	char path[PATH_MAX_LEN];
	unsigned i, j;

	if (!list && !sw_cfg_find_line(ld, key))
		return 0;
	if (n > SW_TUNNEL_PORTS_MAX) {
		snprintf(path, sizeof(path), "%s[%u]", key,
			 SW_TUNNEL_PORTS_MAX);
		return sw_cfg_bad_value(ld, path, list[SW_TUNNEL_PORTS_MAX],
					"at most 8 ports");
	}
	*count = 0;
	for (i = 0; i < n; i++) {
		const char *v, *end;
		uint64_t port;

		snprintf(path, sizeof(path), "%s[%u]", key, i);
		v = dec_value(ld, path, list[i]);
		if (!v || !*v || sw_cfg_parse_u64(v, &end, &port) || *end ||
		    port < 1 || port > 65535)
			return sw_cfg_bad_value(ld, path, v && *v ? v : NULL,
						"a UDP port 1..65535");
		for (j = 0; j < i; j++)
			if (ports[j] == port)
				return sw_cfg_bad_value(ld, path, v,
							"each port once");
		ports[i] = (uint16_t)port;
		*count = (uint8_t)(i + 1);
	}
	return 0;
}

int sw_cfg_conv_decode(struct loader *ld, const struct raw_decode *raw)
{
	struct sw_decode_cfg *d = &ld->cfg->decode;
	const char *v, *end;
	uint64_t depth;
	int rc, on;

	rc = conv_tunnels(ld, raw, d);
	if (!rc)
		rc = conv_ports(ld, "decode.vxlan_ports", raw->vxlan_ports,
				raw->vxlan_ports_count, d->vxlan_ports,
				&d->n_vxlan_ports);
	if (!rc)
		rc = conv_ports(ld, "decode.geneve_ports", raw->geneve_ports,
				raw->geneve_ports_count, d->geneve_ports,
				&d->n_geneve_ports);
	if (rc)
		return rc;
	v = dec_value(ld, "decode.max_depth", raw->max_depth);
	if (v) {
		if (!*v || sw_cfg_parse_u64(v, &end, &depth) || *end ||
		    depth < 1 || depth > SW_MAX_TUNNEL_DEPTH)
			return sw_cfg_bad_value(ld, "decode.max_depth",
						*v ? v : NULL,
						"an integer 1..4");
		d->max_depth = (uint8_t)depth;
	}
	v = dec_value(ld, "decode.tunnel_key", raw->tunnel_key);
	if (v) {
		if (strcmp(v, "none") && strcmp(v, "vni"))
			return sw_cfg_bad_value(ld, "decode.tunnel_key",
						*v ? v : NULL,
						"one of none, vni");
		d->tunnel_key_vni = strcmp(v, "vni") == 0;
	}
	v = dec_value(ld, "decode.mpls_pseudowire", raw->mpls_pseudowire);
	if (v) {
		if (!*v || sw_cfg_parse_bool(v, &on))
			return sw_cfg_bad_value(ld, "decode.mpls_pseudowire",
						*v ? v : NULL, "true or false");
		d->mpls_pw = (uint8_t)on;
	}
	return 0;
}
