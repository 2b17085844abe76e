#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# scripts/install-deps.sh when another package manager holds the dpkg lock
# (unattended-upgrades on a fresh VM): it says that it waits, and apt-get
# is told to wait for the lock (DPkg::Lock::Timeout) instead of failing.
# dpkg-query, apt-get, debconf-set-selections and id are stubs on PATH, so
# nothing is installed; the lock is a temporary file held by a helper.
set -u
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
holder=
cleanup() {
	[ -n "$holder" ] && kill "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
. tests/lib/common.sh
LABEL=install-deps
need python3

mkdir "$tmp/bin"
cat >"$tmp/bin/dpkg-query" <<'SH'
#!/bin/sh
# every package installed but clang-format
case "$*" in *clang-format*) exit 1 ;; esac
echo "install ok installed"
SH
cat >"$tmp/bin/apt-get" <<SH
#!/bin/sh
echo "\$*" >>"$tmp/apt-get.args"
SH
printf '#!/bin/sh\ncat >/dev/null\n' >"$tmp/bin/debconf-set-selections"
printf '#!/bin/sh\necho 0\n' >"$tmp/bin/id"
chmod +x "$tmp/bin"/*
: >"$tmp/lock"

run_deps() {
	PATH="$tmp/bin:$PATH" DPKG_LOCK="$tmp/lock" APT_LOCK_TIMEOUT=77 \
		scripts/install-deps.sh >"$tmp/out" 2>"$tmp/err"
}

# Lock free: no waiting message; apt-get still told to wait.
run_deps
check "lock free: exit 0" $? 0
check "lock free: no waiting message" "$(grep -c waiting "$tmp/err")" 0
check "lock free: update and install both wait for the lock" \
	"$(grep -c -- '-o DPkg::Lock::Timeout=77 ' "$tmp/apt-get.args")" 2
check_grep "lock free: installs what is missing" "install .*clang-format" "$tmp/apt-get.args"

# Lock held (an fcntl lock, as apt and dpkg take it).
rm -f "$tmp/apt-get.args"
python3 -c '
import fcntl, sys, time
f = open(sys.argv[1], "r+")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(600)' "$tmp/lock" "$tmp/held" &
holder=$!
for _ in $(seq 1 100); do [ -e "$tmp/held" ] && break; sleep 0.1; done
run_deps
check "lock held: exit 0" $? 0
check_grep "lock held: says that it waits, for what and how long" \
	"^install-deps: another package manager holds $tmp/lock \(unattended-upgrades\?\); waiting up to 77s for it$" "$tmp/err"
check "lock held: update and install both wait for the lock" \
	"$(grep -c -- '-o DPkg::Lock::Timeout=77 ' "$tmp/apt-get.args")" 2

finish
