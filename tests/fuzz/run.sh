#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Runs each libFuzzer harness in build/fuzz for FUZZ_SECONDS (default 120),
# from its seed corpus in tests/fuzz/corpus/NAME (copied, so the checked-in
# seeds stay small). A crash fails the run and leaves the input in
# build/fuzz/artifacts/.
set -eu
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-120}
mkdir -p build/fuzz/artifacts
status=0
for h in build/fuzz/fuzz_*; do
	[ -x "$h" ] || continue
	name=$(basename "$h")
	seeds=tests/fuzz/corpus/${name#fuzz_}
	work=build/fuzz/corpus/${name#fuzz_}
	mkdir -p "$work"
	[ -d "$seeds" ] && cp -n "$seeds"/* "$work"/ 2>/dev/null || true
	echo "fuzz: $name for ${secs}s"
	if ! "$h" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix=build/fuzz/artifacts/ "$work" 2>&1 | tail -n 12; then
		echo "fuzz: $name FAILED: see build/fuzz/artifacts/"
		status=1
	fi
done
exit $status
