// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness for the TCP SYN signatures: decode the input as an
 * Ethernet frame (or, if the first byte says so, a raw IP packet) with
 * sw_decode(), then sign it when it is a SYN, into a full-size buffer and
 * into a short one, and check the result is a bounded string.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "decode/tcp-sig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_sig(const char *buf, size_t len, int rc)
{
	if (rc == 0 && strnlen(buf, len) >= len)
		abort();
	if (rc != 0 && rc != -EINVAL && rc != -ENOSPC)
		abort();
	if (rc != 0 && buf[0] != '\0')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw_tcp_sig_info info;
	char sig[SW_TCP_SIG_MAX], small[24];
	struct sw_packet pkt;
	int linktype, rc;

	if (size < 1)
		return 0;
	linktype = data[0] & 1 ? SW_LINKTYPE_RAW : SW_LINKTYPE_ETHERNET;
	if (sw_decode(linktype, data + 1, (uint32_t)(size - 1),
		      (uint32_t)(size - 1), &pkt) != SW_DR_OK)
		return 0;
	if (!(pkt.tcp_flags & 0x02))
		return 0;

	rc = sw_tcp_sig_format(&pkt, sig, sizeof(sig), &info);
	check_sig(sig, sizeof(sig), rc);
	if (rc == -ENOSPC) /* SW_TCP_SIG_MAX must always be enough */
		abort();
	if (rc == 0 && (!info.os_class || (info.ittl && info.distance < 0)))
		abort();
	rc = sw_tcp_sig_format_reply(&pkt, (uint16_t)(data[0] << 3), small,
				     sizeof(small), NULL);
	check_sig(small, sizeof(small), rc);
	(void)sw_tcp_sig_mss(&pkt);
	return 0;
}
