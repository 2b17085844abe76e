#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Installs the extra Debian packages that recording the labeled corpus
# needs (scripts/corpus/record.sh): the real scraping tools and browsers
# whose traffic makes up the corpus. They are kept out of
# scripts/install-deps.sh on purpose: the tests read the committed corpus
# fixture and never run these tools. Idempotent: prints nothing and changes
# nothing when all of them are present. The profile "wide" adds Go,
# wget2, httpx with h2, Node, Perl LWP, Java, axel, nftables (NAT), apt's
# dpkg-dev tools and git.
set -eu

PACKAGES="
chromium httrack python3-scrapy aria2 python3-requests python3-websocket
nginx-light curl wget openssl tcpdump wireshark-common iproute2 python3
golang-go wget2 python3-httpx python3-h2 nodejs libwww-perl
liblwp-protocol-https-perl default-jdk-headless axel nftables dpkg-dev git
xz-utils
"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "corpus/install-deps: missing packages:$missing" >&2
	echo "corpus/install-deps: run as root" >&2
	exit 2
fi

echo "corpus/install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >&2
