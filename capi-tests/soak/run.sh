#!/usr/bin/env bash
# The soak run (make soak): soak.c on LIBDIR/libzmq.so.5 for SOAK_SECONDS (default 180), RSS
# every SOAK_INTERVAL seconds (default 10), then the same on the system libzmq, if it is
# installed, for comparison.
#
# Usage: capi-tests/soak/run.sh LIBDIR INCDIR
#
# Exits with the status of the run on LIBDIR: 0 when its RSS stayed flat and no message was
# lost or wrong (see soak.c).

set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../args.sh"
LIBDIR=$(cd "$LIBDIR" && pwd -P)
INCDIR=$(cd "$INCDIR" && pwd -P)
SECONDS_RUN=${SOAK_SECONDS:-180}
INTERVAL=${SOAK_INTERVAL:-10}
CC=${CC:-gcc}
BUILD=$LIBDIR/../soak
mkdir -p "$BUILD"

"$CC" -std=c99 -O2 -Wall -Wextra -Wpedantic -Werror -I"$INCDIR" "$here/soak.c" \
    -L"$LIBDIR" -lzmq -lpthread -o "$BUILD/soak" || exit 1

echo "== ours: $LIBDIR/libzmq.so.5"
LD_LIBRARY_PATH=$LIBDIR ZMQ_EXPECT_LIB=$LIBDIR/libzmq.so.5 \
    timeout $((SECONDS_RUN + 120)) "$BUILD/soak" "$SECONDS_RUN" "$INTERVAL" | tee "$BUILD/ours.log"
rc=${PIPESTATUS[0]}

if [ -e "$SYSTEM_LIBDIR/libzmq.so.5" ] && [ -e "$SYSTEM_INCDIR/zmq.h" ]; then
    "$CC" -std=c99 -O2 -I"$SYSTEM_INCDIR" "$here/soak.c" -L"$SYSTEM_LIBDIR" -lzmq -lpthread \
        -o "$BUILD/soak-system" || exit 1
    echo
    echo "== the system libzmq, for comparison"
    LD_LIBRARY_PATH=$SYSTEM_LIBDIR ZMQ_EXPECT_LIB=$SYSTEM_LIBDIR/libzmq.so.5 \
        timeout $((SECONDS_RUN + 120)) "$BUILD/soak-system" "$SECONDS_RUN" "$INTERVAL" \
        >"$BUILD/system.log"
    tail -n 25 "$BUILD/system.log"
else
    echo "no system libzmq to compare with (apt-get install libzmq3-dev)"
fi

echo
echo "summary:"
for f in ours system; do
    [ -f "$BUILD/$f.log" ] || continue
    printf '  %-7s %s\n' "$f" "$(grep '^RSS after' "$BUILD/$f.log")"
    printf '  %-7s %s\n' "" "$(grep '^soak:' "$BUILD/$f.log")"
done
exit "$rc"
