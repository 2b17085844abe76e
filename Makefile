# SPDX-License-Identifier: BSD-2-Clause
#
# scrapewatch build. `make` builds build/scrapewatch; `make test` installs
# what it needs (scripts/install-deps.sh), builds, and runs every test,
# including the AddressSanitizer/UBSan build and a short fuzz run.

CC      ?= gcc
CLANG   ?= clang
BPFTOOL ?= bpftool
BUILD   := build
ARCH    := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
MULTIARCH := $(shell $(CC) -dumpmachine 2>/dev/null)

WARN    := -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes -Werror
CFLAGS  ?= -O2 -g
CPPFLAGS := -D_GNU_SOURCE -Iinclude -Isrc -I$(BUILD)
# Every object records the headers it read (build/**/*.d), so a header
# change rebuilds exactly what includes it.
DEPFLAGS := -MMD -MP
ALL_CFLAGS := -std=gnu11 $(WARN) $(CFLAGS)
LDLIBS  := -lpcap -lcjson -lssl -lcrypto -lz -lpthread -lcyaml -lyaml -lm -lbpf -lelf \
	   -lxdp -lmicrohttpd -lcap
# Optional sink backends: compiled in when their library is installed;
# otherwise the sink answers that it is not in this build.
ifeq ($(shell pkg-config --exists libcurl && echo y),y)
CPPFLAGS += -DSW_HAVE_CURL
LDLIBS   += $(shell pkg-config --libs libcurl)
endif
# systemd readiness and watchdog (Type=notify): optional.
ifeq ($(shell pkg-config --exists libsystemd && echo y),y)
CPPFLAGS += -DSW_HAVE_SYSTEMD
LDLIBS   += $(shell pkg-config --libs libsystemd)
endif
ifeq ($(shell pkg-config --exists rdkafka && echo y),y)
CPPFLAGS += -DSW_HAVE_KAFKA
LDLIBS   += $(shell pkg-config --libs rdkafka)
endif

# DPDK is optional: found through pkg-config unless DPDK=0 (or DPDK=1 to
# insist). Without it, --capture dpdk answers that it is not compiled in.
DPDK ?= $(shell pkg-config --exists libdpdk 2>/dev/null && echo 1 || echo 0)
ifeq ($(DPDK),1)
DPDK_CFLAGS := -DSW_HAVE_DPDK $(shell pkg-config --cflags libdpdk)
LDLIBS += $(shell pkg-config --libs libdpdk) -lrte_net_ring
endif
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

SRC      := $(shell find src -name '*.c' | sort)
LIB_SRC  := $(filter-out src/cli/%,$(SRC))
OBJ      := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(SRC))
LIB_OBJ  := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRC))
ASAN_OBJ := $(patsubst src/%.c,$(BUILD)/asan/%.o,$(LIB_SRC))
TSAN_OBJ := $(patsubst src/%.c,$(BUILD)/tsan/obj/%.o,$(SRC))
HDRS     := $(shell find src include -name '*.h')

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
ASAN_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests-asan/%,$(UNIT_SRC))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))
DECODE_SRC := $(sort $(wildcard src/decode/*.c))

BPF_OBJ  := $(BUILD)/bpf/scrapewatch.bpf.o
BPF_SKEL := $(BUILD)/scrapewatch.skel.h
AFXDP_OBJ  := $(BUILD)/bpf/afxdp_redirect.bpf.o
AFXDP_SKEL := $(BUILD)/afxdp_redirect.skel.h

.PHONY: FORCE all deps tsan test demo bench bench-peers corpus eval thresholds fuzz fuzz-build format format-check clean man
# Objects made by pattern rules for the test binaries are kept, so a second
# `make test` does not rebuild the sanitizer build from scratch.
.SECONDARY: $(LIB_OBJ) $(ASAN_OBJ) $(TSAN_OBJ)

all: $(BUILD)/scrapewatch $(BUILD)/sw_pcapgen $(BUILD)/sw_scengen $(BPF_SKEL)

deps:
	@scripts/install-deps.sh

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(DEPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/asan/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(DEPFLAGS) $(ALL_CFLAGS) -O1 $(SAN) -c $< -o $@

# The whole binary under ThreadSanitizer (tests/cli/test_tsan_binary.sh):
# the sink writers and spoolers, the shards, the live loop and the metrics
# thread all share state with the packet path.
TSAN := -fsanitize=thread -fno-omit-frame-pointer
$(BUILD)/tsan/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(DEPFLAGS) $(ALL_CFLAGS) -O1 $(TSAN) -c $< -o $@

# Only the DPDK backend's files (src/capture/source-dpdk.c and
# src/capture/dpdk-*.c) see DPDK's headers (and their forced includes).
# The build remembers whether DPDK was in, so switching rebuilds them.
$(BUILD)/dpdk.flag: FORCE
	@mkdir -p $(@D)
	@echo '$(DPDK)' | cmp -s - $@ || echo '$(DPDK)' > $@
DPDK_SRC := src/capture/source-dpdk.c $(sort $(wildcard src/capture/dpdk-*.c))
DPDK_OBJS := $(foreach d,obj asan tsan/obj,$(patsubst src/%.c,$(BUILD)/$(d)/%.o,$(DPDK_SRC)))
$(DPDK_OBJS): $(BUILD)/dpdk.flag
$(DPDK_OBJS): CPPFLAGS += $(DPDK_CFLAGS)
# Under TSan, DPDK's rings (inlined from its headers into these objects)
# take their C11 form: acquire/release atomics TSan understands, where
# the default x86 form orders with plain accesses and compiler barriers
# TSan cannot see. The same ring algorithm; only this build.
$(patsubst src/%.c,$(BUILD)/tsan/obj/%.o,$(DPDK_SRC)): CPPFLAGS += -DRTE_USE_C11_MEM_MODEL
$(foreach d,obj asan tsan/obj,$(BUILD)/$(d)/capture/source-afxdp.o): $(AFXDP_SKEL)

# The XDP source embeds the program through its skeleton.
XDP_SRC := $(sort $(wildcard src/xdp/*.c))
$(foreach d,obj asan tsan/obj,$(patsubst src/%.c,$(BUILD)/$(d)/%.o,$(XDP_SRC))): $(BPF_SKEL)

$(BUILD)/scrapewatch: $(OBJ) $(BUILD)/dpdk.flag
	$(CC) $(ALL_CFLAGS) $(OBJ) -o $@ $(LDLIBS)

$(BUILD)/tsan/scrapewatch: $(TSAN_OBJ) $(BUILD)/dpdk.flag
	$(CC) $(ALL_CFLAGS) -O1 $(TSAN) $(TSAN_OBJ) -o $@ $(LDLIBS)

tsan: $(BUILD)/tsan/scrapewatch

$(BUILD)/sw_pcapgen: tests/gen/sw_pcapgen.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $< -o $@

$(BUILD)/sw_scengen: tests/gen/sw_scengen.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $< -o $@

# BPF chain: .bpf.c -> .bpf.o -> .skel.h
$(BPF_OBJ): bpf/scrapewatch.bpf.c bpf/parsing.h $(HDRS)
	@mkdir -p $(@D)
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Iinclude \
		-I/usr/include/$(MULTIARCH) -Wall -Werror -c $< -o $@

$(BPF_SKEL): $(BPF_OBJ)
	$(BPFTOOL) gen skeleton $< name scrapewatch_bpf > $@.tmp && mv $@.tmp $@

# The AF_XDP backend's redirect program, compiled into the binary.
$(AFXDP_OBJ): bpf/afxdp_redirect.bpf.c
	@mkdir -p $(@D)
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Iinclude \
		-I/usr/include/$(MULTIARCH) -Wall -Werror -c $< -o $@

$(AFXDP_SKEL): $(AFXDP_OBJ)
	$(BPFTOOL) gen skeleton $< name afxdp_redirect_bpf > $@.tmp && mv $@.tmp $@

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $< $(LIB_OBJ) -o $@ $(LDLIBS) -lcmocka

$(BUILD)/tests-asan/%: tests/unit/%.c $(ASAN_OBJ) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -O1 $(SAN) $< $(ASAN_OBJ) -o $@ $(LDLIBS) -lcmocka

# The merge of the workers' detector events is the threaded part of the
# detector: its unit test also runs under ThreadSanitizer (linking the
# detector alone keeps that build small).
DETECT_SRC := $(sort $(wildcard src/detect/*.c))
TSAN_BIN := $(BUILD)/tests-tsan/test_detect_merge
$(TSAN_BIN): tests/unit/test_detect_merge.c $(DETECT_SRC) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -O1 -fsanitize=thread $< $(DETECT_SRC) -o $@ -lcmocka -lm

$(BUILD)/tests/test_xdp_%: tests/bpf/test_xdp_%.c tests/bpf/skel_load.h $(BPF_SKEL) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $< -o $@ -lbpf -lelf -lz

$(BUILD)/sw_sinkfeed: tests/sinks/sw_sinkfeed.c $(LIB_OBJ) $(HDRS)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $< $(LIB_OBJ) -o $@ $(LDLIBS)

# The same feeder on the ASan/UBSan objects: the sink tests run it too,
# so the sink layer (its threads and record arena) is checked under ASan.
$(BUILD)/sw_sinkfeed-asan: tests/sinks/sw_sinkfeed.c $(ASAN_OBJ) $(HDRS)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -O1 $(SAN) $< $(ASAN_OBJ) -o $@ $(LDLIBS)

# The config schema's keys, for the doc test (tests/golden/test_docs.sh):
# it compiles config.c in to reach its static schema tables.
$(BUILD)/sw_config_keys: tests/golden/sw_config_keys.c $(LIB_OBJ) $(HDRS)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $< $(filter-out $(BUILD)/obj/config/config.o,$(LIB_OBJ)) -o $@ $(LDLIBS)

$(BUILD)/sw_kafka_mock: tests/sinks/sw_kafka_mock.c
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $< -o $@ -lrdkafka

SINK_TOOLS := $(BUILD)/sw_sinkfeed
ifneq ($(filter -DSW_HAVE_KAFKA,$(CPPFLAGS)),)
SINK_TOOLS += $(BUILD)/sw_kafka_mock
endif

$(BUILD)/sw_bench_tls: tests/bench/bench_tls.c $(LIB_OBJ) $(HDRS)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $< $(LIB_OBJ) -o $@ $(LDLIBS)

$(BUILD)/sw_bench_walk: tests/bench/bench_walk.c $(BUILD)/obj/capture/pcap-walk.o $(HDRS)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $< $(BUILD)/obj/capture/pcap-walk.o -o $@

$(BUILD)/sw_bench_xdp: tests/bench/bench_xdp.c $(BPF_SKEL) $(HDRS)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $< -o $@ -lbpf -lelf -lz -lpthread

$(BUILD)/fuzz/%: tests/fuzz/%.c $(DECODE_SRC) $(HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(CPPFLAGS) -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$< $(DECODE_SRC) -o $@ -lcrypto

# The config loader links the flow table it fills and the detector, whose
# rule catalogue it checks rule IDs against.
CONFIG_FUZZ_SRC := $(sort $(wildcard src/config/*.c)) $(sort $(wildcard src/detect/*.c)) \
	src/track/flow_table.c src/sink/sink-uri.c src/base/log.c src/base/units.c $(DECODE_SRC)
$(BUILD)/fuzz/fuzz_config: tests/fuzz/fuzz_config.c $(CONFIG_FUZZ_SRC) $(HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(CPPFLAGS) -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$< $(CONFIG_FUZZ_SRC) -o $@ -lcyaml -lyaml -lm -lcrypto

# The sink URI parser alone (every --output and outputs[] entry).
$(BUILD)/fuzz/fuzz_sink_uri: tests/fuzz/fuzz_sink_uri.c src/sink/sink-uri.c $(HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(CPPFLAGS) -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$< src/sink/sink-uri.c -o $@

# The walk of capture file records alone (pcap and pcapng in memory).
$(BUILD)/fuzz/fuzz_pcap_walk: tests/fuzz/fuzz_pcap_walk.c src/capture/pcap-walk.c $(HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(CPPFLAGS) -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$< src/capture/pcap-walk.c -o $@

fuzz-build: $(FUZZ_BIN)

test-build: all $(BUILD)/sw_config_keys $(SINK_TOOLS) $(BUILD)/sw_sinkfeed-asan $(UNIT_BIN) $(ASAN_BIN) $(TSAN_BIN) $(BUILD)/tsan/scrapewatch $(BUILD)/tests/test_xdp_skel $(BUILD)/tests/test_xdp_adaptive $(BUILD)/tests/test_xdp_stage $(FUZZ_BIN)

test: deps
	@$(MAKE) --no-print-directory test-build
	@tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all $(BUILD)/sw_bench_tls $(SINK_TOOLS) $(BUILD)/sw_bench_xdp
	@scripts/bench.sh

# scrapewatch against tcpdump, softflowd, p0f, ndpiReader and tshark on the
# same captures, and against a bare walk of the file (scripts/bench-peers.sh).
# The peer tools are installed for this target only.
bench-peers:
	@scripts/install-deps.sh --bench-peers
	@$(MAKE) --no-print-directory all $(BUILD)/sw_bench_walk
	@scripts/bench-peers.sh

# The labeled corpus recorded from real tools (docs/corpus.md): at least 10
# minutes of wall time. A second recording with other timings:
#   make corpus CORPUS_SEED=2 CORPUS_OUT=build/corpus-2
CORPUS_SEED     ?= 1
CORPUS_DURATION ?= 600
CORPUS_PROFILE  ?= full
CORPUS_OUT      ?= $(BUILD)/corpus
corpus: deps
	@scripts/corpus/install-deps.sh
	@$(MAKE) --no-print-directory all
	@scripts/corpus/record.sh --seed $(CORPUS_SEED) --duration $(CORPUS_DURATION) \
		--profile $(CORPUS_PROFILE) $(CORPUS_OUT)

# Detection scored so that it cannot flatter itself (docs/detection.md,
# "Evaluation"): every tool family of the corpus fixtures with thresholds
# derived without it, the held-out recording with thresholds derived from
# all the others, and the access-log crawl baseline beside each.
eval: deps
	@$(MAKE) --no-print-directory all
	@/usr/bin/python3 scripts/eval/corpus_eval.py eval

# Rederive the intensity thresholds from the corpus fixtures: rewrites
# src/detect/detect-derived.h (the feature peaks do not depend on the
# thresholds, so the binary that measures them may be the old one).
thresholds: all
	@/usr/bin/python3 scripts/eval/corpus_eval.py derive --write src/detect/detect-derived.h
	@$(MAKE) --no-print-directory all

# FUZZ_SECONDS per harness (default 120).
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-120} tests/fuzz/run.sh

# The man page's OPTIONS section, written from the option table
# (src/cli/options.c) between its marker comments;
# tests/cli/test_manpage.sh fails when it is out of date.
man: $(BUILD)/scrapewatch
	scripts/manpage.sh $(BUILD)/scrapewatch docs/scrapewatch.8

format:
	clang-format -i $(shell find src include bpf tests -name '*.[ch]')

format-check:
	@clang-format --dry-run --Werror $(shell find src include bpf tests -name '*.[ch]')

clean:
	rm -rf $(BUILD)

# Install: `make install PREFIX=/usr DESTDIR=/tmp/stage`. The BPF program
# is embedded in the binary (its skeleton), so there is no object to ship.
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
DOCDIR     ?= $(PREFIX)/share/doc/scrapewatch
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
UNITDIR    ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)

.PHONY: install
install: $(BUILD)/scrapewatch
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/scrapewatch \
		$(DESTDIR)$(UNITDIR)
	install -m 0755 $(BUILD)/scrapewatch $(DESTDIR)$(SBINDIR)/scrapewatch
	install -m 0644 docs/scrapewatch.8 $(DESTDIR)$(MANDIR)/man8/scrapewatch.8
	install -m 0644 etc/scrapewatch.yaml $(DESTDIR)$(DOCDIR)/scrapewatch.yaml.example
	install -m 0644 README.md docs/config.md docs/operations.md docs/metrics.md \
		docs/sinks.md $(DESTDIR)$(DOCDIR)/
	# The config: installed once, never overwritten.
	test -e $(DESTDIR)$(SYSCONFDIR)/scrapewatch/scrapewatch.yaml || \
		install -m 0644 etc/scrapewatch.yaml $(DESTDIR)$(SYSCONFDIR)/scrapewatch/scrapewatch.yaml
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		etc/scrapewatch.service.in >$(DESTDIR)$(UNITDIR)/scrapewatch.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/scrapewatch.service

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
