/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Macros from library headers that cppcheck does not read (it is run
 * without the system include path, as its manual advises), written out so
 * it can parse the loops and declarations that use them instead of giving
 * up on the file ("unknownMacro"). Each matches what the library's header
 * expands to, as far as the analysis needs.
 */
/* cJSON.h */
#define cJSON_ArrayForEach(element, array)                      \
	for (element = (array) != NULL ? (array)->child : NULL; \
	     element != NULL; element = element->next)
/* bpf/libbpf_common.h */
#define LIBBPF_OPTS(TYPE, NAME, ...) \
	struct TYPE NAME = { .sz = sizeof(struct TYPE), __VA_ARGS__ }
/* rte_ethdev.h, rte_lcore.h */
#define RTE_ETH_FOREACH_DEV(p) for (p = 0; p < 32; p++)
#define RTE_LCORE_FOREACH_WORKER(i) for (i = 0; i < 128; i++)
