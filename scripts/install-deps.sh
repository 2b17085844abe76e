#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Installs every Debian package scrapewatch uses to build, test and
# benchmark. Idempotent: prints nothing and changes nothing when all of
# them are present. Runs non-interactively (CI has no standard input, and
# wireshark-common asks a debconf question otherwise). Where the package
# starts the system rsyslogd, it is harmless to the tests: Debian's config
# listens on no network port, and the sink tests run their own rsyslogd
# with its own config, pid file and work directory on free loopback ports.
set -eu

PACKAGES="
build-essential clang llvm lld libclang-rt-14-dev pkg-config
clang-format cppcheck
libbpf-dev bpftool linux-libc-dev
libpcap-dev libcjson-dev libcmocka-dev libssl-dev libcyaml-dev libyaml-dev zlib1g-dev
libcurl4-openssl-dev librdkafka-dev rsyslog rsyslog-gnutls openssl
libdpdk-dev libxdp-dev
tshark tcpdump p0f valgrind
nginx-light curl wget iproute2 nftables procps time
nghttp2-client python3-httpx python3-h2
python3 python3-jsonschema
libmicrohttpd-dev prometheus libcap-dev libsystemd-dev man-db
"

# --- Peer tools, for `make bench-peers` (scripts/bench-peers.sh) only ---
# Installed only when asked (the argument --bench-peers, or
# SW_BENCH_PEERS=1), so `make test` never pulls them in. Debian 12 packages
# hyperfine and softflowd (p0f, tcpdump and tshark are above already);
# nDPI's ndpiReader is not packaged there: bench-peers skips it when absent.
if [ "${1:-}" = "--bench-peers" ] || [ "${SW_BENCH_PEERS:-0}" = 1 ]; then
	PACKAGES="$PACKAGES hyperfine softflowd"
fi

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run as root (or: sudo make deps)" >&2
	exit 2
fi

# On a freshly booted machine unattended-upgrades often holds the dpkg
# lock: wait for it (apt's own DPkg::Lock::Timeout) rather than fail, and
# say so. DPKG_LOCK and APT_LOCK_TIMEOUT (seconds) are for tests and slow
# mirrors.
DPKG_LOCK=${DPKG_LOCK:-/var/lib/dpkg/lock-frontend}
APT_LOCK_TIMEOUT=${APT_LOCK_TIMEOUT:-900}
lock_held() { # 0 when another process holds the lock (apt uses fcntl locks)
	command -v python3 >/dev/null || return 1
	python3 -c '
import fcntl, sys
try:
    f = open(sys.argv[1], "r+")
except OSError:
    sys.exit(1)
try:
    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
except OSError:
    sys.exit(0)
sys.exit(1)' "$DPKG_LOCK" 2>/dev/null
}
if lock_held; then
	echo "install-deps: another package manager holds $DPKG_LOCK" \
		"(unattended-upgrades?); waiting up to ${APT_LOCK_TIMEOUT}s for it" >&2
fi

echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get -o DPkg::Lock::Timeout="$APT_LOCK_TIMEOUT" update -qq >&2
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout="$APT_LOCK_TIMEOUT" install -y -qq --no-install-recommends $missing >&2
