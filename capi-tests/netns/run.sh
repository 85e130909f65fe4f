#!/usr/bin/env bash
# ZMTP heartbeats over a link that is cut: two network namespaces joined by a veth pair, a
# PULL peer in one (capi-tests/test_faults.c run as "--pull-peer"), and in the other a PUSH
# with heartbeats and one without ("--link-cut"). The link is cut by taking the peer's end
# of the veth pair down, so that nothing is answered and nothing is reset: only the
# heartbeats can tell. The heartbeat socket must report ZMQ_EVENT_DISCONNECTED within 3 s,
# the other must notice nothing, and once the link is back both must deliver again.
#
# Usage:
#   capi-tests/netns/run.sh LIBDIR INCDIR   test LIBDIR/libzmq.so.5 with INCDIR/zmq.h
#   capi-tests/netns/run.sh --system        the same against the system libzmq
#
# Needs root and a working `ip netns`; prints "SKIP: <reason>" otherwise. Ends with the
# line "N passed, N failed" and exits non-zero on a failure.

set -u

here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/args.sh"
LIBDIR=$(cd "$LIBDIR" && pwd -P) || exit 2
INCDIR=$(cd "$INCDIR" && pwd -P) || exit 2
LIBFILE=$LIBDIR/libzmq.so.5
CC=${CC:-gcc}

skip() {
    echo "SKIP: $1"
    echo "0 passed, 0 failed"
    exit 0
}

[ "$(id -u)" -eq 0 ] || skip "network namespaces need root"
command -v ip >/dev/null 2>&1 || skip "no ip command"

work=$(mktemp -d)
ns_peer=zmqfaults-p-$$
ns_self=zmqfaults-s-$$
if_peer=zfp$$
if_self=zfs$$
peer_pid=

cleanup() {
    if [ -n "$peer_pid" ]; then
        kill -KILL "$peer_pid" 2>/dev/null
        wait "$peer_pid" 2>/dev/null
    fi
    ip netns del "$ns_peer" 2>/dev/null
    ip netns del "$ns_self" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$ns_peer" 2>"$work/err" || skip "ip netns add failed: $(head -n 1 "$work/err")"
ip netns add "$ns_self" 2>"$work/err" || skip "ip netns add failed: $(head -n 1 "$work/err")"
ip link add "$if_self" type veth peer name "$if_peer" 2>"$work/err" ||
    skip "cannot make a veth pair: $(head -n 1 "$work/err")"
if ! { ip link set "$if_peer" netns "$ns_peer" &&
    ip link set "$if_self" netns "$ns_self" &&
    ip -n "$ns_peer" addr add 10.213.0.1/24 dev "$if_peer" &&
    ip -n "$ns_self" addr add 10.213.0.2/24 dev "$if_self" &&
    ip -n "$ns_peer" link set lo up &&
    ip -n "$ns_self" link set lo up &&
    ip -n "$ns_peer" link set "$if_peer" up &&
    ip -n "$ns_self" link set "$if_self" up; } 2>"$work/err"; then
    skip "cannot set up the veth pair: $(head -n 1 "$work/err")"
fi

echo "library:  $LIBFILE"
if ! "$CC" -std=c99 -Wall -Wextra -Wpedantic -Werror -fPIE -pie -I "$INCDIR" -I "$here" \
    "$here/test_faults.c" -o "$work/test_faults" -L "$LIBDIR" -lzmq -ldl -lpthread \
    2>"$work/build.log"; then
    head -n 20 "$work/build.log"
    echo "FAIL test_faults.c does not build"
    echo "0 passed, 1 failed"
    exit 1
fi

endpoint=tcp://10.213.0.1:5570
ip netns exec "$ns_peer" env LD_LIBRARY_PATH="$LIBDIR" \
    "$work/test_faults" --pull-peer "$endpoint" 3 3>"$work/reports" &
peer_pid=$!

ip netns exec "$ns_self" env LD_LIBRARY_PATH="$LIBDIR" ZMQ_EXPECT_LIB="$LIBFILE" \
    timeout 60 "$work/test_faults" --link-cut "$endpoint" "$work/reports" \
    "ip -n $ns_peer link set $if_peer down" "ip -n $ns_peer link set $if_peer up"
rc=$?
[ "$rc" -eq 0 ] || echo "the test exited with status $rc"
exit "$rc"
