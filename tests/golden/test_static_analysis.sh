#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Static analysis of src/ with cppcheck: warnings, portability and
# performance checks, on the configuration the build compiles (every
# optional backend on), for a run with zero findings. Findings judged
# false are suppressed one by one in cppcheck-suppressions.xml (by file,
# check and symbol, with the reason); the macros of library headers that
# cppcheck is not given are in cppcheck-macros.h. Prints each finding as
# FILE:LINE: severity: message [check]; fails if there is any.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
LABEL=static-analysis
need cppcheck

# The BPF skeletons are generated headers the sources include.
make -s build/scrapewatch.skel.h build/afxdp_redirect.skel.h >/dev/null || exit 2

out=$(cppcheck --enable=warning,portability,performance --std=c11 \
	-D_GNU_SOURCE -DSW_HAVE_CURL -DSW_HAVE_SYSTEMD -DSW_HAVE_KAFKA -DSW_HAVE_DPDK \
	--include=tests/golden/cppcheck-macros.h -Iinclude -Isrc -Ibuild \
	--suppress-xml=tests/golden/cppcheck-suppressions.xml \
	--inline-suppr --quiet -j2 \
	--template='{file}:{line}: {severity}: {message} [{id}]' src/ 2>&1)
rc=$?
[ -n "$out" ] && echo "$out"
check "cppcheck ran" "$rc" 0
check "cppcheck findings in src/" "$(printf '%s' "$out" | grep -c . || true)" 0
finish
