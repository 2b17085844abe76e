/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An unsigned integer as decimal text, without printf: the records and the
 * SYN signatures write many small numbers, and printf's locale and format
 * parsing cost more than the digits.
 */
#ifndef SW_BASE_DECIMAL_H
#define SW_BASE_DECIMAL_H

#include <stdint.h>

#define SW_U64_DEC_LEN 21 /* 20 digits of 2^64 - 1 and the NUL */

/* Write v into buf (SW_U64_DEC_LEN bytes); returns where the text starts. */
static inline const char *sw_u64_dec(char *buf, uint64_t v)
{
	int n = SW_U64_DEC_LEN - 1;

	buf[n] = '\0';
	do {
		buf[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return buf + n;
}

#endif /* SW_BASE_DECIMAL_H */
