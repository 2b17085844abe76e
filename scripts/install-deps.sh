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
clang-format
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

echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
