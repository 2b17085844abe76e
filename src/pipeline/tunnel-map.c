// SPDX-License-Identifier: BSD-2-Clause
/*
 * A chained hash of flow key to tunnel, doubling its buckets as it fills.
 * Touched once per tunnelled flow at its start and once at its end.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/tunnel-map.h"
#include "track/flow_table.h"

struct tm_node {
	struct tm_node *next;
	struct sw_flow_key key;
	struct sw_tunnel t;
};

struct sw_tunnel_map {
	struct tm_node **b;
	size_t mask; /* buckets - 1 */
	size_t n;
};

struct sw_tunnel_map *sw_tunnel_map_new(void)
{
	struct sw_tunnel_map *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->mask = 63;
	m->b = calloc(m->mask + 1, sizeof(*m->b));
	if (!m->b) {
		free(m);
		return NULL;
	}
	return m;
}

void sw_tunnel_map_free(struct sw_tunnel_map *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i <= m->mask; i++) {
		while (m->b[i]) {
			struct tm_node *x = m->b[i];

			m->b[i] = x->next;
			free(x);
		}
	}
	free(m->b);
	free(m);
}

static struct tm_node **slot(struct sw_tunnel_map *m,
			     const struct sw_flow_key *key)
{
	struct tm_node **pp = &m->b[sw_flow_key_hash(key) & m->mask];

	while (*pp && memcmp(&(*pp)->key, key, sizeof(*key)))
		pp = &(*pp)->next;
	return pp;
}

/* Twice the buckets; on failure the map just stays denser. */
static void grow(struct sw_tunnel_map *m)
{
	size_t i, mask = m->mask * 2 + 1;
	struct tm_node **b = calloc(mask + 1, sizeof(*b));

	if (!b)
		return;
	for (i = 0; i <= m->mask; i++) {
		while (m->b[i]) {
			struct tm_node *x = m->b[i];
			size_t h = sw_flow_key_hash(&x->key) & mask;

			m->b[i] = x->next;
			x->next = b[h];
			b[h] = x;
		}
	}
	free(m->b);
	m->b = b;
	m->mask = mask;
}

int sw_tunnel_map_put(struct sw_tunnel_map *m, const struct sw_flow_key *key,
		      const struct sw_tunnel *t)
{
	struct tm_node **pp = slot(m, key);

	if (*pp)
		return 0;
	*pp = malloc(sizeof(**pp));
	if (!*pp)
		return -ENOMEM;
	(*pp)->next = NULL;
	(*pp)->key = *key;
	(*pp)->t = *t;
	if (++m->n > m->mask + 1)
		grow(m);
	return 0;
}

int sw_tunnel_map_take(struct sw_tunnel_map *m, const struct sw_flow_key *key,
		       struct sw_tunnel *t)
{
	struct tm_node **pp = slot(m, key), *x = *pp;

	if (!x)
		return 0;
	*t = x->t;
	*pp = x->next;
	free(x);
	m->n--;
	return 1;
}

size_t sw_tunnel_map_count(const struct sw_tunnel_map *m)
{
	return m ? m->n : 0;
}
