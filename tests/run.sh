#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Runs every test: unit tests (plain and under ASan/UBSan; the threaded
# merge of detector events under TSan too), the BPF build
# chain test, CLI and golden tests, the tshark oracle and the request
# estimate against nginx's access log (tests/oracle/), live capture tests
# on veth mirror ports, a short fuzz run and the format check. Each test is
# a program whose exit code says pass (0), skip (77) or fail (anything
# else). Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."

passed=0 failed=0 skipped=0
failures=()
logdir=build/test-logs
mkdir -p "$logdir"

run() {
	local name=$1
	shift
	local log="$logdir/${name//\//_}.log"
	"$@" >"$log" 2>&1
	local rc=$?
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		echo "PASS $name"
	elif [ $rc -eq 77 ]; then
		skipped=$((skipped + 1))
		echo "SKIP $name ($(tail -n 1 "$log"))"
	else
		failed=$((failed + 1))
		failures+=("$name")
		echo "FAIL $name (exit $rc), log: $log"
		tail -n 30 "$log" | sed 's/^/    /'
	fi
}

for t in build/tests/test_*; do
	[ -x "$t" ] || continue
	run "unit/$(basename "$t")" "$t"
done
for t in build/tests-asan/test_*; do
	[ -x "$t" ] || continue
	run "asan/$(basename "$t")" "$t"
done
for t in build/tests-tsan/test_*; do
	[ -x "$t" ] || continue
	run "tsan/$(basename "$t")" "$t"
done
for t in tests/cli/test_*.sh tests/golden/test_*.sh tests/oracle/test_*.sh \
	tests/sinks/test_*.sh tests/bpf/test_*.sh tests/live/test_*.sh tests/daemon/test_*.sh; do
	[ -x "$t" ] || continue
	run "${t#tests/}" "$t"
done
run fuzz/smoke env FUZZ_SECONDS="${FUZZ_SECONDS:-10}" tests/fuzz/run.sh
run format-check make --no-print-directory format-check

echo
[ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
