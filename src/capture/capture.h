/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Capture backends. Each backend (pcap file, and later pcap live, XDP,
 * AF_XDP, DPDK) implements the same small table of operations; the pipeline
 * only ever talks to that table. A backend that is not compiled in still
 * has an entry that answers with a clear message.
 */
#ifndef SW_CAPTURE_H
#define SW_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#define SW_ERRBUF_SIZE 512

/* One captured frame. data is valid until the next read_op call. */
struct sw_frame {
	const uint8_t *data;
	uint32_t caplen; /* bytes captured */
	uint32_t wirelen; /* bytes on the wire */
	uint64_t ts_ns; /* ns since the Unix epoch */
	int linktype; /* enum sw_linktype */
};

/* Progress of a bounded source, for the progress line. */
struct sw_capture_progress {
	uint64_t bytes_done;
	uint64_t bytes_total; /* 0 if unknown (a pipe) */
};

struct sw_capture;

struct sw_capture_ops {
	const char *name;
	/* 0, or -errno with errbuf filled. */
	int (*open_op)(struct sw_capture *c, const char *spec, char *errbuf);
	/* 1: a frame; 0: end of input; <0: error, errbuf says why. The
	 * source is finished after an error. */
	int (*read_op)(struct sw_capture *c, struct sw_frame *f, char *errbuf);
	void (*progress_op)(struct sw_capture *c,
			    struct sw_capture_progress *p);
	void (*cleanup_op)(struct sw_capture *c);
};

struct sw_capture {
	const struct sw_capture_ops *ops;
	void *priv;
};

extern const struct sw_capture_ops sw_capture_pcap_file_ops;

/*
 * Check that a file is a capture libpcap can read before anything runs.
 * Returns 0, or -1 with errbuf set to "FILE: reason". "-" (stdin) passes.
 */
int sw_capture_pcap_file_probe(const char *path, char *errbuf);

#endif /* SW_CAPTURE_H */
