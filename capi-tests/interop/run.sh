#!/usr/bin/env bash
# Interoperability of a libzmq 4.3 replacement with the system libzmq over tcp and ipc (ZMTP;
# the NULL mechanism, and PLAIN and CURVE with a ZAP handler in the scenarios plain, curve and
# curve-nozap).
#
# Usage:
#   capi-tests/interop/run.sh LIBDIR INCDIR   LIBDIR/libzmq.so.5 ("ours") against the system
#                                             libzmq ("libzmq"), built with INCDIR/zmq.h
#
# Builds interop.c (C99, -Wall -Wextra -Wpedantic -Werror, linked -L LIBDIR -lzmq -ldl
# -lpthread without rpath) once, then for every scenario (interop list), transport (tcp on
# 127.0.0.1 with ports the server binds as "*", ipc in a fresh directory) and pairing
# server/client = ours/libzmq,
# libzmq/ours, ours/ours, libzmq/libzmq runs the server, waits for the endpoints it bound, then
# the client, each under `timeout` with LD_LIBRARY_PATH set to its library's directory and
# INTEROP_EXPECT_LIB to its libzmq.so.5. A row passes when both processes report, on their
# "library:" line, the library intended, end with PASS and exit 0.
#
# restart runs the client alongside the server; once the server says "kill me" (it has
# received its share) it gets SIGKILL, and a new process on the server's library ("interop
# restarted restart EPS") binds the endpoints the dead one had while the client goes on
# sending. That row passes when the first server received its share without an error and died
# of the SIGKILL, the restarted server and the client pass as above, and the first message the
# restarted server got comes after the last one the first server printed.
#
# Prints one line per row ("[PASS] push-pull tcp server=ours client=libzmq"), the error lines
# of the failed ones, and a final "N passed, M failed" line; exits non-zero if a row failed.
# CAPI_TESTS_VERBOSE=1 shows every output line; INTEROP_SCENARIOS="restart pub-xsub" (or
# "plain curve curve-nozap") runs only those scenarios. Logs go to
# LIBDIR/../capi-tests-build/interop.

set -u

SYSTEM_LIBDIR=/usr/lib/x86_64-linux-gnu
here=$(cd "$(dirname "$0")" && pwd)

usage() {
    echo "usage: $0 LIBDIR INCDIR" >&2
    exit 2
}

[ $# -eq 2 ] || usage
LIBDIR=$1
INCDIR=$2

[ -d "$LIBDIR" ] || { echo "LIBDIR $LIBDIR is not a directory"; echo "0 passed, 1 failed"; exit 1; }
[ -d "$INCDIR" ] || { echo "INCDIR $INCDIR is not a directory"; echo "0 passed, 1 failed"; exit 1; }
LIBDIR=$(cd "$LIBDIR" && pwd -P)
INCDIR=$(cd "$INCDIR" && pwd -P)
LIBFILE=$LIBDIR/libzmq.so.5
SYSTEM_LIBFILE=$SYSTEM_LIBDIR/libzmq.so.5

CC=${CC:-cc}
TIMEOUT=${INTEROP_TIMEOUT:-30}
verbose=${CAPI_TESTS_VERBOSE:-0}

for f in "$LIBFILE" "$SYSTEM_LIBFILE"; do
    [ -e "$f" ] || { echo "$f does not exist"; echo "0 passed, 1 failed"; exit 1; }
done
if [ "$(realpath "$LIBFILE")" = "$(realpath "$SYSTEM_LIBFILE")" ]; then
    echo "LIBDIR $LIBDIR holds the system libzmq: nothing to test against"
    echo "0 passed, 1 failed"
    exit 1
fi

# Build directory: beside LIBDIR for a build tree, a temporary one otherwise.
tmp_dirs=()
if mkdir -p "$LIBDIR/../capi-tests-build/interop" 2>/dev/null \
    && [ -w "$LIBDIR/../capi-tests-build/interop" ]; then
    BUILD=$(cd "$LIBDIR/../capi-tests-build/interop" && pwd -P)
else
    BUILD=$(mktemp -d)
    tmp_dirs+=("$BUILD")
fi
# ipc endpoints live in a fresh directory (short: sun_path holds 107 bytes).
IPCDIR=$(mktemp -d /tmp/zmq-interop.XXXXXX)
tmp_dirs+=("$IPCDIR")
server_pid=
client_pid=
restarted_pid=
cleanup() {
    local p
    for p in "$server_pid" "$client_pid" "$restarted_pid"; do
        [ -n "$p" ] && kill "$p" 2>/dev/null
    done
    rm -rf "${tmp_dirs[@]}"
}
trap cleanup EXIT

echo "ours:     $LIBFILE -> $(realpath "$LIBFILE")"
echo "libzmq:   $SYSTEM_LIBFILE -> $(realpath "$SYSTEM_LIBFILE")"
echo "headers:  $INCDIR/zmq.h"
echo "build in: $BUILD"

# How to link: -L LIBDIR -lzmq needs LIBDIR/libzmq.so; without it the linker would silently
# find another libzmq, so link the file itself.
if [ -e "$LIBDIR/libzmq.so" ]; then
    LINK=(-L "$LIBDIR" -lzmq)
else
    LINK=("$LIBFILE")
fi
BIN=$BUILD/interop
rm -f "$BIN"
compile=("$CC" -std=c99 -Wall -Wextra -Wpedantic -Werror -fPIE -pie -I "$INCDIR"
    "$here/interop.c" -o "$BIN" "${LINK[@]}" -ldl -lpthread)
if ! "${compile[@]}" >"$BUILD/build.log" 2>&1; then
    echo "build failed: ${compile[*]}"
    head -n 30 "$BUILD/build.log" | sed 's/^/    /'
    echo "0 passed, 1 failed"
    exit 1
fi
if readelf -d "$BIN" 2>/dev/null | grep -qE '\((RPATH|RUNPATH)\)'; then
    echo "$BIN carries an rpath"
    echo "0 passed, 1 failed"
    exit 1
fi

libdir_of() { # ours|libzmq
    if [ "$1" = ours ]; then echo "$LIBDIR"; else echo "$SYSTEM_LIBDIR"; fi
}

# The library a log says its process ran on.
library_of() { # log
    sed -n 's/^library: \(.*\) (zmq_version [0-9.]*)$/\1/p' "$1" | head -n 1
}

show_log() { # role log
    local role=$1 log=$2
    if [ "$verbose" != "0" ]; then
        sed "s/^/    $role: /" "$log"
    else
        grep -E '^(error|FAIL)' "$log" | head -n 8 | sed "s/^/    $role: /"
    fi
}

passed=0
failed=0
failed_rows=()
rm -f "$BUILD"/*.log.server "$BUILD"/*.log.client "$BUILD"/*.log.restarted

# Why a role's run failed, if it did: appended to $why.
check_role() { # role scenario exit-status log
    local role=$1 sc=$2 rc=$3 log=$4
    if [ "$rc" -eq 124 ]; then
        why="$why${why:+; }$role timed out after ${TIMEOUT}s"
    elif ! tail -n 1 "$log" | grep -q "^PASS $role $sc"; then
        why="$why${why:+; }$role failed (exit status $rc)"
    elif [ "$rc" -ne 0 ]; then
        why="$why${why:+; }$role exit status $rc"
    fi
}

# The restart row, once the first server has told its endpoints (run_row's variables): the
# client starts; the first server, once it says "kill me", gets SIGKILL; a restarted server
# binds the same endpoints. Sets why on failure.
run_restart() {
    local spid ppid rlib last first
    LD_LIBRARY_PATH=$cdir INTEROP_EXPECT_LIB=$cdir/libzmq.so.5 \
        timeout "$TIMEOUT" "$BIN" client "$sc" "$eps" >"$clog" 2>&1 &
    client_pid=$!
    deadline=$((SECONDS + 10))
    while ! grep -q '^kill me' "$slog" && kill -0 "$server_pid" 2>/dev/null \
        && kill -0 "$client_pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
        sleep 0.01
    done
    # The process to kill is the interop under timeout (server_pid is timeout's).
    spid=$(sed -n 's/^pid: \([0-9][0-9]*\)$/\1/p' "$slog" | head -n 1)
    ppid=$([ -n "$spid" ] && ps -o ppid= -p "$spid" 2>/dev/null | tr -d ' ')
    if ! grep -q '^kill me' "$slog"; then
        why="the first server did not report its ${sc} share (no \"kill me\")"
        kill "$server_pid" 2>/dev/null
    elif [ -z "$spid" ] || [ "$ppid" != "$server_pid" ]; then
        why="the first server's pid '${spid:-?}' is not that of the process started"
        kill "$server_pid" 2>/dev/null
    else
        kill -KILL "$spid"
    fi
    wait "$server_pid" 2>/dev/null
    src=$?
    server_pid=
    if [ -z "$why" ] && [ "$src" -ne 137 ]; then
        why="the first server ended with exit status $src before the SIGKILL"
    elif [ -z "$why" ] && grep -q '^error' "$slog"; then
        why="the first server reported errors"
    fi
    if [ -z "$why" ]; then
        LD_LIBRARY_PATH=$sdir INTEROP_EXPECT_LIB=$sdir/libzmq.so.5 \
            timeout "$TIMEOUT" "$BIN" restarted "$sc" "$eps" >"$rlog" 2>&1 &
        restarted_pid=$!
    else
        kill "$client_pid" 2>/dev/null
    fi
    wait "$client_pid"
    crc=$?
    client_pid=
    [ -n "$why" ] && return
    wait "$restarted_pid"
    rrc=$?
    restarted_pid=
    got=$(library_of "$clog")
    rlib=$(library_of "$rlog")
    if [ "$got" != "$clib" ]; then
        why="client ran on '${got:-?}', not $clib"
    elif [ "$rlib" != "$slib" ]; then
        why="restarted server ran on '${rlib:-?}', not $slib"
    else
        check_role restarted "$sc" "$rrc" "$rlog"
        check_role client "$sc" "$crc" "$clog"
    fi
    # Nothing twice: the tail starts after the last message the first server printed.
    last=$(sed -n 's/^kill me: seq-0\.\.seq-\([0-9]*\) .*/\1/p; s/^received: seq-\([0-9]*\)$/\1/p' \
        "$slog" | tail -n 1)
    first=$(sed -n 's/.* the first message to reach the restarted server is seq-\([0-9]*\)$/\1/p' \
        "$rlog" | head -n 1)
    if [ -n "$last" ] && [ -n "$first" ] && [ "$first" -le "$last" ]; then
        why="$why${why:+; }the restarted server got seq-$first, the first server had got seq-$last"
    fi
}

# Runs one row; prints its line and the reasons it failed.
run_row() { # scenario transport server-lib client-lib
    local sc=$1 tr=$2 sl=$3 cl=$4
    local row="$sc $tr server=$sl client=$cl"
    local name="$sc-$tr-$sl-$cl"
    local slog="$BUILD/$name.log.server" clog="$BUILD/$name.log.client"
    local rlog="$BUILD/$name.log.restarted"
    local sdir cdir slib clib ep eps why="" src crc rrc deadline got
    sdir=$(libdir_of "$sl")
    cdir=$(libdir_of "$cl")
    slib=$(realpath "$sdir/libzmq.so.5")
    clib=$(realpath "$cdir/libzmq.so.5")
    case $tr in
    tcp) ep='tcp://127.0.0.1:*' ;;
    ipc) ep="ipc://$IPCDIR/$name" ;;
    esac
    : >"$slog"
    : >"$clog"
    rm -f "$rlog"

    LD_LIBRARY_PATH=$sdir INTEROP_EXPECT_LIB=$sdir/libzmq.so.5 \
        timeout "$TIMEOUT" "$BIN" server "$sc" "$ep" >"$slog" 2>&1 &
    server_pid=$!
    # The server prints its endpoints once every socket is bound (or ends).
    deadline=$((SECONDS + 10))
    while ! grep -q '^endpoints: ' "$slog" && kill -0 "$server_pid" 2>/dev/null \
        && [ "$SECONDS" -lt "$deadline" ]; do
        sleep 0.01
    done
    got=$(library_of "$slog")
    eps=$(sed -n 's/^endpoints: //p' "$slog" | head -n 1)
    if [ "$got" != "$slib" ]; then
        why="server ran on '${got:-?}', not $slib"
    elif [ -z "$eps" ]; then
        why="the server told no endpoints"
    fi
    if [ -n "$why" ]; then
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
        server_pid=
    elif [ "$sc" = restart ]; then
        run_restart
    else
        LD_LIBRARY_PATH=$cdir INTEROP_EXPECT_LIB=$cdir/libzmq.so.5 \
            timeout "$TIMEOUT" "$BIN" client "$sc" "$eps" >"$clog" 2>&1
        crc=$?
        got=$(library_of "$clog")
        if [ "$got" != "$clib" ]; then
            why="client ran on '${got:-?}', not $clib"
            kill "$server_pid" 2>/dev/null
        fi
        wait "$server_pid"
        src=$?
        server_pid=
        if [ -z "$why" ]; then
            check_role server "$sc" "$src" "$slog"
            check_role client "$sc" "$crc" "$clog"
        fi
    fi
    if [ -z "$why" ]; then
        passed=$((passed + 1))
        echo "[PASS] $row"
        if [ "$verbose" != "0" ]; then
            show_log server "$slog"
            [ -e "$rlog" ] && show_log restarted "$rlog"
            show_log client "$clog"
        fi
    else
        failed=$((failed + 1))
        failed_rows+=("$row")
        echo "[FAIL] $row - $why"
        show_log server "$slog"
        [ -e "$rlog" ] && show_log restarted "$rlog"
        show_log client "$clog"
    fi
}

scenarios=$("$BIN" list) || { echo "$BIN list failed"; echo "0 passed, 1 failed"; exit 1; }
if [ -n "${INTEROP_SCENARIOS:-}" ]; then
    for sc in $INTEROP_SCENARIOS; do
        printf '%s\n' $scenarios | grep -qx -- "$sc" \
            || { echo "no scenario $sc"; echo "0 passed, 1 failed"; exit 1; }
    done
    scenarios=$INTEROP_SCENARIOS
fi
start=$SECONDS
for sc in $scenarios; do
    for tr in tcp ipc; do
        for pair in "ours libzmq" "libzmq ours" "ours ours" "libzmq libzmq"; do
            # shellcheck disable=SC2086
            run_row "$sc" "$tr" $pair
        done
    done
done

echo
if [ "$failed" -gt 0 ]; then
    echo "failed rows:"
    for r in "${failed_rows[@]}"; do
        echo "  $r"
    done
fi
[ "$BUILD" = "${tmp_dirs[0]}" ] || echo "logs in $BUILD"
echo "$((passed + failed)) rows in $((SECONDS - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
