/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one grammar for sizes, durations and plain counts, shared by the
 * config file, the command line and the sink URIs (docs/config.md,
 * "Value types"; docs/sinks.md, "Options"), so that "64m" means the same
 * everywhere. A leaf: it depends on nothing else of ours.
 */
#ifndef SW_BASE_UNITS_H
#define SW_BASE_UNITS_H

#include <stdint.h>

/*
 * A byte size: digits, then optionally one space and a unit. No unit or
 * "B" is bytes; one letter k, m, g or t (either case) is a power of 1024;
 * "KiB", "MiB", "GiB", "TiB" are powers of 1024 and "kB", "MB", "GB",
 * "TB" powers of 1000, spelled exactly ("mb" is refused: it could mean
 * either). Leading blanks and a '+' are allowed. 0, or -EINVAL (also on
 * overflow).
 */
int sw_parse_size(const char *s, uint64_t *bytes);

/*
 * A duration in nanoseconds: digits, then "ms", "s", "m", "h" or "d"
 * (exact, no space); a bare number is seconds. 0, or -EINVAL.
 */
int sw_parse_duration(const char *s, uint64_t *ns);

/* A count without unit, at most max (leading blanks and '+' allowed).
 * 0, or -EINVAL. */
int sw_parse_uint(const char *s, uint64_t max, uint64_t *out);

#endif /* SW_BASE_UNITS_H */
