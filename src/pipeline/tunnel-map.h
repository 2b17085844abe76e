/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tunnel each flow came in (decode/decode.h struct sw_tunnel), kept
 * beside the flow table until the flow's record is written. Only flows
 * that arrived encapsulated have an entry, so plain traffic costs nothing
 * here and the flow entry itself stays its fixed size.
 */
#ifndef SW_TUNNEL_MAP_H
#define SW_TUNNEL_MAP_H

#include <stddef.h>

#include "decode/decode.h"

struct sw_tunnel_map;

/* NULL with errno set on failure. */
struct sw_tunnel_map *sw_tunnel_map_new(void);
void sw_tunnel_map_free(struct sw_tunnel_map *m);
/* Remember t for key (the first one given stays). 0, or -ENOMEM. */
int sw_tunnel_map_put(struct sw_tunnel_map *m, const struct sw_flow_key *key,
		      const struct sw_tunnel *t);
/* Take the entry of key out into *t. 1 if there was one. */
int sw_tunnel_map_take(struct sw_tunnel_map *m, const struct sw_flow_key *key,
		       struct sw_tunnel *t);
/* Entries held. */
size_t sw_tunnel_map_count(const struct sw_tunnel_map *m);

#endif /* SW_TUNNEL_MAP_H */
