/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the skeleton tests: CHECK (print what failed, actual against
 * expected, and go to cleanup), skel_load (open the XDP skeleton, let the
 * caller set its load-time knobs, load it; on failure say why and give the
 * exit code: 77 (skip) where this machine cannot load BPF, 1 otherwise),
 * and test_frame_build (a TCP/IPv4 Ethernet frame to run through it).
 */
#ifndef SW_TEST_SKEL_LOAD_H
#define SW_TEST_SKEL_LOAD_H

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "scrapewatch.skel.h"

#define CHECK(cond, fmt, ...)                                        \
	do {                                                         \
		if (!(cond)) {                                       \
			fprintf(stderr, "FAIL %s: " fmt "\n", #cond, \
				##__VA_ARGS__);                      \
			goto cleanup;                                \
		}                                                    \
	} while (0)

struct test_frame {
	unsigned char b[256];
	unsigned len;
};

/* Ethernet + IPv4 + TCP from 198.18.55.2:sport to 198.18.55.1:80, with
 * payload (a string, or NULL) after a 20-byte TCP header. */
static inline void test_frame_build(struct test_frame *f, unsigned sport,
				    unsigned flags, uint32_t seq, uint32_t ack,
				    const char *payload)
{
	size_t plen = payload ? strlen(payload) : 0;
	unsigned char *p = f->b;
	uint16_t v16;
	uint32_t v32;

	memset(f->b, 0, sizeof(f->b));
	if (plen > sizeof(f->b) - 54)
		plen = sizeof(f->b) - 54;
	p[12] = 0x08; /* IPv4 */
	p += 14;
	p[0] = 0x45;
	v16 = htons((uint16_t)(40 + plen));
	memcpy(p + 2, &v16, 2);
	p[8] = 64;
	p[9] = 6;
	v32 = htonl(0xc6123702); /* 198.18.55.2 */
	memcpy(p + 12, &v32, 4);
	v32 = htonl(0xc6123701); /* 198.18.55.1 */
	memcpy(p + 16, &v32, 4);
	p += 20;
	v16 = htons((uint16_t)sport);
	memcpy(p, &v16, 2);
	v16 = htons(80);
	memcpy(p + 2, &v16, 2);
	v32 = htonl(seq);
	memcpy(p + 4, &v32, 4);
	v32 = htonl(ack);
	memcpy(p + 8, &v32, 4);
	p[12] = 5 << 4;
	p[13] = (unsigned char)flags;
	p[14] = 0xfa;
	if (plen)
		memcpy(p + 20, payload, plen);
	f->len = (unsigned)(14 + 40 + plen);
}

static struct scrapewatch_bpf *
skel_load(void (*set_up)(struct scrapewatch_bpf *skel), int *exit_code)
{
	struct scrapewatch_bpf *skel = scrapewatch_bpf__open();
	int err;

	if (skel) {
		set_up(skel);
		err = scrapewatch_bpf__load(skel);
		if (!err)
			return skel;
		scrapewatch_bpf__destroy(skel);
		errno = -err;
	}
	err = errno;
	if (err == EPERM || err == EACCES || err == ENOSYS) {
		printf("skip: cannot load BPF here: %s\n", strerror(err));
		*exit_code = 77;
	} else {
		fprintf(stderr, "FAIL: loading skeleton: %s\n", strerror(err));
		*exit_code = 1;
	}
	return NULL;
}

#endif /* SW_TEST_SKEL_LOAD_H */
