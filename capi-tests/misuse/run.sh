#!/usr/bin/env bash
# Misuse suite for the C API: runs misuse.c on this library and on the system libzmq 4.3.4
# and compares the two.
#
# Usage: capi-tests/misuse/run.sh LIBDIR INCDIR
#
# Builds misuse.c twice with -std=c99 -Wall -Wextra -Wpedantic -Werror: against
# INCDIR/zmq.h linked to LIBDIR/libzmq.so.5, and against the system header linked to the
# system library. Runs the first with LD_LIBRARY_PATH=LIBDIR ZMQ_EXPECT_LIB=LIBDIR/libzmq.so.5
# and the second with ZMQ_EXPECT_LIB set to the system library, then prints, for every case,
# the expected result and what each library did, and the totals.
#
# Exits non-zero iff this library's run had a crash, a hang or an errno mismatch (or could
# not be built or run). What the system libzmq does is recorded, never a failure.

set -u

SYSTEM_LIBDIR=/usr/lib/x86_64-linux-gnu
SYSTEM_LIB=$SYSTEM_LIBDIR/libzmq.so.5
here=$(cd "$(dirname "$0")" && pwd)

if [ $# -ne 2 ]; then
    echo "usage: $0 LIBDIR INCDIR" >&2
    exit 2
fi
[ -d "$1" ] || { echo "LIBDIR $1 is not a directory"; exit 2; }
[ -d "$2" ] || { echo "INCDIR $2 is not a directory"; exit 2; }
LIBDIR=$(cd "$1" && pwd -P)
INCDIR=$(cd "$2" && pwd -P)
LIBFILE=$LIBDIR/libzmq.so.5
[ -e "$LIBFILE" ] || { echo "no $LIBFILE"; exit 2; }
[ -e "$INCDIR/zmq.h" ] || { echo "no $INCDIR/zmq.h"; exit 2; }

CC=${CC:-gcc}
CFLAGS="-std=c99 -Wall -Wextra -Wpedantic -Werror -D_GNU_SOURCE -O1"
TIMEOUT=${MISUSE_TIMEOUT:-50}

# Build directory: beside LIBDIR when it can be written, a temporary one otherwise.
if mkdir -p "$LIBDIR/../capi-tests-build/misuse" 2>/dev/null \
    && [ -w "$LIBDIR/../capi-tests-build/misuse" ]; then
    BUILD=$(cd "$LIBDIR/../capi-tests-build/misuse" && pwd -P)
else
    BUILD=$(mktemp -d)
    trap 'rm -rf "$BUILD"' EXIT
fi

echo "library:  $LIBFILE"
echo "headers:  $INCDIR/zmq.h"
echo "build in: $BUILD"

ours_bin=$BUILD/misuse
sys_bin=$BUILD/misuse-system
rm -f "$ours_bin" "$sys_bin"

# shellcheck disable=SC2086
if ! "$CC" $CFLAGS -I "$INCDIR" -o "$ours_bin" "$here/misuse.c" -L "$LIBDIR" -lzmq -ldl \
    -lpthread >"$BUILD/build.log" 2>&1; then
    echo "building misuse.c against $INCDIR/zmq.h failed:"
    cat "$BUILD/build.log"
    exit 1
fi
have_sys=1
# shellcheck disable=SC2086
if ! "$CC" $CFLAGS -o "$sys_bin" "$here/misuse.c" -lzmq -ldl -lpthread \
    >"$BUILD/build-system.log" 2>&1; then
    echo "building misuse.c against the system zmq.h failed (the system run is skipped):"
    cat "$BUILD/build-system.log"
    have_sys=0
fi

ours_out=$BUILD/ours.txt
sys_out=$BUILD/libzmq-4.3.4.txt

LD_LIBRARY_PATH=$LIBDIR ZMQ_EXPECT_LIB=$LIBFILE timeout -k 5 "$TIMEOUT" "$ours_bin" -v \
    >"$ours_out" 2>"$BUILD/ours.stderr"
ours_rc=$?
if [ "$have_sys" -eq 1 ]; then
    env -u LD_LIBRARY_PATH ZMQ_EXPECT_LIB=$SYSTEM_LIB timeout -k 5 "$TIMEOUT" "$sys_bin" -v \
        >"$sys_out" 2>"$BUILD/libzmq.stderr"
    sys_rc=$?
else
    : >"$sys_out"
    sys_rc=-1
fi

head -n 1 "$ours_out"
[ "$have_sys" -eq 1 ] && head -n 1 "$sys_out"

# One line per case: name, expected, ours, libzmq, with the verdict of each run.
awk -F '  ' '
    function verdict(v) { return v == "ok" ? "" : " [" v "]" }
    FNR == 1 { file++ }
    /^running on / || /^misuse: / || /^ / || NF < 4 { next }
    {
        name = $1; want = substr($2, 10); got = substr($3, 5); v = $4
        if (file == 1) {
            order[++n] = name; expected[name] = want; ours[name] = got; ov[name] = v
        } else {
            sys[name] = got; sv[name] = v
            if (!(name in expected)) { order[++n] = name; expected[name] = want }
        }
    }
    END {
        printf "\n%-40s %-22s %-34s %s\n", "case", "expected", "ours", "libzmq 4.3.4"
        for (i = 1; i <= n; i++) {
            k = order[i]
            o = (k in ours) ? ours[k] verdict(ov[k]) : "(not run)"
            s = (k in sys) ? sys[k] verdict(sv[k]) : "(not run)"
            printf "%-40s %-22s %-34s %s\n", k, expected[k], o, s
        }
    }
' "$ours_out" "$sys_out"

# What the system libzmq wrote before it aborted.
if [ "$have_sys" -eq 1 ] && grep -q '^    stderr: ' "$sys_out"; then
    echo
    echo "libzmq 4.3.4 aborted with:"
    awk -F '  ' '/  CRASH$/ { name = $1 } /^    stderr: / { sub(/^    stderr: /, ""); print "  " name ": " $0 }' "$sys_out"
fi
if grep -q '^    stderr: ' "$ours_out"; then
    echo
    echo "this library wrote, before it failed:"
    awk -F '  ' '/  CRASH$/ { name = $1 } /^    stderr: / { sub(/^    stderr: /, ""); print "  " name ": " $0 }' "$ours_out"
fi

count() { # file verdict
    grep -c "  $2\$" "$1" 2>/dev/null
}

echo
tail -n 1 "$ours_out" | sed 's/^/ours:  /'
[ "$have_sys" -eq 1 ] && tail -n 1 "$sys_out" | sed 's/^/libzmq: /'

ours_cases=$(grep -c -E '  (ok|MISMATCH|CRASH|HANG)$' "$ours_out")
ours_crash=$(count "$ours_out" CRASH)
ours_hang=$(count "$ours_out" HANG)
ours_mis=$(count "$ours_out" MISMATCH)
sys_crash=$(count "$sys_out" CRASH)
sys_hang=$(count "$sys_out" HANG)
sys_mis=$(count "$sys_out" MISMATCH)

summary="ours: $ours_cases cases, $((ours_crash + ours_hang)) aborts, $ours_mis mismatches"
[ "$ours_hang" -gt 0 ] && summary="$summary ($ours_hang of the aborts are hangs)"
if [ "$have_sys" -eq 1 ]; then
    summary="$summary; libzmq 4.3.4: $sys_crash aborts/crashes, $sys_hang hangs, $sys_mis differing errnos"
else
    summary="$summary; libzmq 4.3.4: not run"
fi
echo "$summary"

status=0
if ! head -n 1 "$ours_out" | grep -q '^running on '; then
    echo "FAIL: the run on this library did not start (exit status $ours_rc):"
    head -n 5 "$ours_out"
    status=1
elif ! tail -n 1 "$ours_out" | grep -q '^misuse: '; then
    echo "FAIL: the run on this library did not finish (exit status $ours_rc)"
    status=1
elif [ $((ours_crash + ours_hang + ours_mis)) -gt 0 ] || [ "$ours_rc" -ne 0 ]; then
    status=1
fi
if [ "$have_sys" -eq 1 ] && ! head -n 1 "$sys_out" | grep -q '^running on '; then
    echo "note: the run on the system libzmq did not start (exit status $sys_rc)"
fi
exit $status
