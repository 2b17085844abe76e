#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Mirror ports as they really arrive: the mirror of tests/live/mirror_lib.sh
# (tc mirred of the server's veth, both ways) goes into a Linux vxlan
# device, and in turn into an erspan and a gretap device, whose underlay is
# the mirror veth pair towards the collector's namespace. On the collector
# side the kernel's own encapsulation arrives: `flows --capture afxdp` must
# give the flow records the clients' traffic calls for, each naming its
# tunnel, and `live --capture pcap` must alert on the curl scraper loop and
# not on the single download, exactly as on the plain interface; and so
# must `live --capture xdp` where the XDP program decapsulates (VXLAN).
# Run under the namespace lock: flock /tmp/sw-ns.lock bash THIS.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/common.sh
LABEL=tunnel
MIRROR_TAG=swtn
MIRROR_NET=198.18.82
. tests/live/mirror_lib.sh
SW=$PWD/build/scrapewatch
UNDER_SRV=10.201.0.1
UNDER_CAP=10.201.0.2
tmp=$(mktemp -d)
sw_pid=
cleanup() {
	[ -n "$sw_pid" ] && kill -TERM "$sw_pid" 2>/dev/null && wait "$sw_pid"
	mirror_teardown
	rm -rf "$tmp"
}
trap cleanup EXIT

# Send the mirror through a tunnel device of the given kind instead of
# straight out of the mirror veth, which becomes the tunnel's underlay.
tunnel_mirror() { # kind
	local dev=$MT-tun
	ip -n $NS_SRV link del $dev 2>/dev/null
	case $1 in
	vxlan)
		ip -n $NS_SRV link add $dev type vxlan id 5001 \
			local $UNDER_SRV remote $UNDER_CAP dstport 4789 \
			dev $MT-m0 ;;
	erspan)
		ip -n $NS_SRV link add $dev type erspan seq key 100 \
			local $UNDER_SRV remote $UNDER_CAP erspan_ver 1 \
			erspan 123 ;;
	gretap)
		ip -n $NS_SRV link add $dev type gretap key 77 \
			local $UNDER_SRV remote $UNDER_CAP ;;
	esac || return 1
	ip -n $NS_SRV link set $dev up || return 1
	ip netns exec $NS_SRV tc filter del dev $MT-s ingress
	ip netns exec $NS_SRV tc filter del dev $MT-s egress
	for dir in ingress egress; do
		ip netns exec $NS_SRV tc filter add dev $MT-s $dir \
			u32 match u32 0 0 \
			action mirred egress mirror dev $dev || return 1
	done
}

start() { # ready-pattern command...
	local pat=$1
	shift
	ip netns exec $NS_CAP "$@" >"$tmp/out.json" 2>"$tmp/err" &
	sw_pid=$!
	for _ in $(seq 100); do
		grep -q "$pat" "$tmp/err" && return 0
		kill -0 $sw_pid 2>/dev/null || break
		sleep 0.1
	done
	echo "FAIL tunnel: capture did not start: $(cat "$tmp/err")"
	return 1
}

stop() {
	sleep 1 # the last frames cross the mirror
	kill -TERM $sw_pid
	wait $sw_pid
	check "$1: exit 0 after SIGTERM" $? 0
	sw_pid=
}

mirror_setup || exit 1
# Room for the encapsulation: a mirrored frame plus its tunnel headers
# must not be fragmented on the 1500-byte underlay (the capture veth keeps
# its MTU: XDP on a veth refuses a larger one), so the traffic itself
# runs at 1400.
ip -n $NS_SRV link set $MT-s mtu 1400
ip -n $NS_CLI link set $MT-c mtu 1400
ip -n $NS_SRV addr add $UNDER_SRV/30 dev $MT-m0
ip -n $NS_CAP addr add $UNDER_CAP/30 dev $MIRROR_IF
# The collector's address resolved for good: AF_XDP takes every frame,
# ARP replies included, so the kernel there could not answer a probe.
ip -n $NS_SRV neigh replace $UNDER_CAP dev $MT-m0 nud permanent lladdr \
	"$(ip -n $NS_CAP -br link show dev $MIRROR_IF | awk '{print $3}')"

declare -A type_of=([vxlan]=vxlan [erspan]=erspan2 [gretap]=gre)
declare -A id_of=([vxlan]="vni 5001" [erspan]="session_id 100" \
	[gretap]="key 77")
for kind in vxlan erspan gretap; do
	# A kernel without GRE (ip_gre) has no erspan or gretap: those
	# kinds are skipped, the others still run.
	tunnel_mirror $kind 2>"$tmp/dev.err" || {
		echo "skip: tunnel: no $kind device here: $(head -1 "$tmp/dev.err")"
		continue
	}
	start "capturing from" $SW flows --capture afxdp \
		--interface $MIRROR_IF || exit 1
	mirror_traffic || {
		echo "FAIL tunnel: client traffic failed"
		exit 1
	}
	stop "$kind flows"
	cp "$tmp/out.json" "$tmp/flows-$kind.json"
	while IFS='|' read -r name actual expected; do
		check "$kind: $name" "$actual" "$expected"
	done < <(mirror_check_flows "$tmp/flows-$kind.json")
	check "$kind: every flow names its tunnel" "$(/usr/bin/python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if "scrapewatch.flow" in l]
tun = {(r["scrapewatch"]["tunnel"]["type"],
        r["scrapewatch"]["tunnel"].get("source", {}).get("ip"),
        " ".join(f"{k} {v}" for k, v in r["scrapewatch"]["tunnel"].items()
                 if k in ("vni", "key", "session_id")))
       for r in recs if "tunnel" in r["scrapewatch"]}
print(len(recs) > 0 and all("tunnel" in r["scrapewatch"] for r in recs),
      sorted(tun))
' "$tmp/flows-$kind.json")" \
		"True [('${type_of[$kind]}', '$UNDER_SRV', '${id_of[$kind]}')]"

	start "pcap capturing" $SW live --capture pcap \
		--interface $MIRROR_IF || exit 1
	mirror_traffic || {
		echo "FAIL tunnel: client traffic failed"
		exit 1
	}
	stop "$kind live"
	while IFS='|' read -r name actual expected; do
		check "$kind: live: $name" "$actual" "$expected"
	done < <(mirror_check_alerts "$tmp/out.json")
	[ $kind = vxlan ] || continue
	start "XDP attached" $SW live --capture xdp --xdp-mode generic \
		--interface $MIRROR_IF || exit 1
	mirror_traffic || {
		echo "FAIL tunnel: client traffic failed"
		exit 1
	}
	stop "$kind live xdp"
	while IFS='|' read -r name actual expected; do
		check "$kind: live xdp: $name" "$actual" "$expected"
	done < <(mirror_check_alerts "$tmp/out.json")
done

finish
