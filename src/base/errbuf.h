/* SPDX-License-Identifier: BSD-2-Clause */
/* The size of the error buffers that functions fill with a one-line reason
 * ("FILE: what went wrong"). */
#ifndef SW_BASE_ERRBUF_H
#define SW_BASE_ERRBUF_H

#define SW_ERRBUF_SIZE 512

#endif /* SW_BASE_ERRBUF_H */
