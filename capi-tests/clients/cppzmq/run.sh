#!/usr/bin/env bash
# cppzmq client suite: C++17 programs written against cppzmq (zmq.hpp and
# zmq_addon.hpp from Debian's cppzmq-dev, header-only) built with our zmq.h
# and run on our libzmq.so.5, next to the same programs on the system libzmq.
#
# Usage:
#   capi-tests/clients/cppzmq/run.sh LIBDIR INCDIR
#       LIBDIR holds our libzmq.so.5 (and libzmq.so to link), INCDIR our zmq.h
#
# Each program (*.cpp here, sharing check.hpp) is compiled twice with
# g++ -std=c++17 -Wall -Wextra -Werror, without ZMQ_BUILD_DRAFT_API:
#   system: against /usr/include/zmq.h, linked -lzmq, no rpath; run with
#           ZMQ_EXPECT_LIB=/usr/lib/x86_64-linux-gnu/libzmq.so.5 and no
#           LD_LIBRARY_PATH;
#   ours:   -I INCDIR first (so INCDIR/zmq.h is used; the cppzmq headers still
#           come from /usr/include), linked -L LIBDIR -lzmq, no rpath; run
#           with LD_LIBRARY_PATH=LIBDIR ZMQ_EXPECT_LIB=LIBDIR/libzmq.so.5.
# The compiler's dependency output must show which zmq.h and zmq.hpp each
# build used. Every program proves through dladdr(zmq_ctx_new) that it runs
# on ZMQ_EXPECT_LIB, prints a line per check and exits 0 only if all passed
# (77 means skipped). Each run is under `timeout` (CPPZMQ_TIMEOUT, default
# 60 s) with TMPDIR set to the build directory (ipc sockets go there). Builds
# go to a temporary directory removed on exit.
#
# Prints a line per program and library, the failed checks of failed runs
# (CPPZMQ_VERBOSE=1: whole logs), then exactly one final line:
#   RESULT cppzmq system=P/F/S ours=P/F/S ok         exit 0
#   RESULT cppzmq system=P/F/S ours=P/F/S FAIL: why  exit 1
#   RESULT cppzmq SKIP: why                          exit 77
# (P/F/S: programs passed/failed/skipped.) ok: every program that passes on
# the system libzmq passes on ours, and every build against our zmq.h (and
# against the system one) compiled and linked.

set -uo pipefail

SYSTEM_LIBDIR=/usr/lib/x86_64-linux-gnu
SYSTEM_INCDIR=/usr/include
SYSTEM_LIBFILE=$SYSTEM_LIBDIR/libzmq.so.5
here=$(cd "$(dirname "$0")" && pwd -P)

CXX=${CXX:-g++}
TIMEOUT=${CPPZMQ_TIMEOUT:-60}
verbose=${CPPZMQ_VERBOSE:-0}
CXXFLAGS_SUITE=(-std=c++17 -Wall -Wextra -Werror -O1)
LIBS_SUITE=(-ldl -pthread)
PROGRAMS=(basics patterns addon proxy_monitor)

started=$(date +%s)

fail_early() { # reason
    echo "RESULT cppzmq system=0/0/0 ours=0/0/0 FAIL: $1"
    exit 1
}
skip() { # reason
    echo "RESULT cppzmq SKIP: $1"
    exit 77
}

[ $# -eq 2 ] || { echo "usage: $0 LIBDIR INCDIR" >&2; fail_early "usage: run.sh LIBDIR INCDIR"; }
[ -d "$1" ] || fail_early "LIBDIR $1 is not a directory"
[ -d "$2" ] || fail_early "INCDIR $2 is not a directory"
LIBDIR=$(cd "$1" && pwd -P)
INCDIR=$(cd "$2" && pwd -P)
LIBFILE=$LIBDIR/libzmq.so.5
[ -e "$LIBFILE" ] || fail_early "$LIBFILE does not exist"
[ -f "$INCDIR/zmq.h" ] || fail_early "$INCDIR/zmq.h does not exist"

for h in zmq.hpp zmq_addon.hpp; do
    [ -f "$SYSTEM_INCDIR/$h" ] || skip "$SYSTEM_INCDIR/$h missing (install cppzmq-dev)"
done
[ -f "$SYSTEM_INCDIR/zmq.h" ] || skip "reference $SYSTEM_INCDIR/zmq.h missing (install libzmq3-dev)"
[ -e "$SYSTEM_LIBFILE" ] || skip "reference $SYSTEM_LIBFILE missing (install libzmq5)"
command -v "$CXX" >/dev/null 2>&1 || skip "no C++ compiler ($CXX)"
command -v timeout >/dev/null 2>&1 || skip "no timeout command"
if [ ! -e "$LIBDIR/libzmq.so" ]; then
    echo "note: no $LIBDIR/libzmq.so: -lzmq links with the system one; the runs still load $LIBFILE"
fi
if [ "$(realpath "$LIBFILE")" = "$(realpath "$SYSTEM_LIBFILE")" ]; then
    echo "note: LIBDIR is the system libzmq; both columns test the same library"
fi

BUILD=$(mktemp -d "${TMPDIR:-/tmp}/cppzmq-suite.XXXXXX") || fail_early "mktemp failed"
trap 'rm -rf "$BUILD"' EXIT

echo "cppzmq:   $SYSTEM_INCDIR/zmq.hpp ($(sed -n 's/^#define CPPZMQ_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\).*/\2/p' "$SYSTEM_INCDIR/zmq.hpp" | paste -sd.))"
echo "system:   $SYSTEM_INCDIR/zmq.h, $(realpath "$SYSTEM_LIBFILE")"
echo "ours:     $INCDIR/zmq.h, $LIBFILE"

# Which file of a given name the dependency list of a build names.
dep_path() { # depfile basename
    tr ' \\' '\n\n' <"$1" | grep -E "(^|/)$2\$" | head -n 1 | xargs -r realpath 2>/dev/null
}

# build NAME FLAVOR: compiles and links $BUILD/NAME.FLAVOR, log in .build.log.
build() {
    local name=$1 flavor=$2 out=$BUILD/$1.$2
    local -a inc=() lib=()
    if [ "$flavor" = ours ]; then
        inc=(-I "$INCDIR")
        lib=(-L "$LIBDIR")
    fi
    if ! "$CXX" "${inc[@]}" "${CXXFLAGS_SUITE[@]}" -MD -MF "$out.d" \
        "$here/$name.cpp" -o "$out" "${lib[@]}" -lzmq "${LIBS_SUITE[@]}" \
        >"$out.build.log" 2>&1; then
        echo "compile/link failed" >"$out.why"
        return 1
    fi
    local want_h=$SYSTEM_INCDIR/zmq.h
    [ "$flavor" = ours ] && want_h=$INCDIR/zmq.h
    local got_h got_hpp
    got_h=$(dep_path "$out.d" zmq.h)
    got_hpp=$(dep_path "$out.d" zmq.hpp)
    if [ "$got_h" != "$(realpath "$want_h")" ]; then
        echo "used zmq.h ${got_h:-<none>}, not $want_h" >"$out.why"
        return 1
    fi
    if [ "$got_hpp" != "$(realpath "$SYSTEM_INCDIR/zmq.hpp")" ]; then
        echo "used zmq.hpp ${got_hpp:-<none>}, not $SYSTEM_INCDIR/zmq.hpp" >"$out.why"
        return 1
    fi
    return 0
}

# Two compilers at a time: each program's two builds side by side.
declare -A built
for p in "${PROGRAMS[@]}"; do
    [ -f "$here/$p.cpp" ] || fail_early "$here/$p.cpp missing"
    build "$p" system &
    pid_sys=$!
    build "$p" ours &
    pid_ours=$!
    wait "$pid_sys" && built[$p.system]=1 || built[$p.system]=0
    wait "$pid_ours" && built[$p.ours]=1 || built[$p.ours]=0
done

declare -A status
reasons=()
sys_p=0 sys_f=0 sys_s=0 our_p=0 our_f=0 our_s=0

# run NAME FLAVOR: sets status[NAME.FLAVOR] to PASS, FAIL or SKIP.
run() {
    local name=$1 flavor=$2 out=$BUILD/$1.$2
    local label st note rc
    printf -v label '%-14s %-6s' "$name" "$flavor"
    if [ "${built[$name.$flavor]}" != 1 ]; then
        st=FAIL
        note="not built: $(cat "$out.why" 2>/dev/null)"
        echo "[$st] $label $note"
        grep -E 'error|warning' "$out.build.log" 2>/dev/null | head -n 15 | sed 's/^/    /'
        [ "$verbose" = 1 ] && sed 's/^/    | /' "$out.build.log"
        status[$name.$flavor]=$st
        return
    fi
    if [ "$flavor" = ours ]; then
        TMPDIR=$BUILD LD_LIBRARY_PATH=$LIBDIR ZMQ_EXPECT_LIB=$LIBFILE \
            timeout -k 5 "$TIMEOUT" "$out" >"$out.log" 2>&1
        rc=$?
    else
        env -u LD_LIBRARY_PATH TMPDIR="$BUILD" ZMQ_EXPECT_LIB="$SYSTEM_LIBFILE" \
            timeout -k 5 "$TIMEOUT" "$out" >"$out.log" 2>&1
        rc=$?
    fi
    local summary loaded
    summary=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed$" "$out.log" | tail -n 1)
    loaded=$(sed -n "s/^$name: zmq_ctx_new from //p" "$out.log" | head -n 1)
    case $rc in
        0) st=PASS; note="${summary#"$name: "}" ;;
        77) st=SKIP; note="skipped" ;;
        124|137) st=FAIL; note="timed out after ${TIMEOUT}s" ;;
        *) st=FAIL; note="exit $rc${summary:+, ${summary#"$name: "}}" ;;
    esac
    echo "[$st] $label $note (on ${loaded:-?})"
    if [ "$st" = FAIL ] || [ "$verbose" = 1 ]; then
        if [ "$verbose" = 1 ]; then
            sed 's/^/    | /' "$out.log"
        else
            grep -E '^FAIL' "$out.log" | head -n 25 | sed 's/^/    /'
            [ "$rc" -ne 1 ] && tail -n 5 "$out.log" | sed 's/^/    | /'
        fi
    fi
    status[$name.$flavor]=$st
}

for p in "${PROGRAMS[@]}"; do
    for flavor in system ours; do
        run "$p" "$flavor"
    done
    s=${status[$p.system]} o=${status[$p.ours]}
    case $s in PASS) sys_p=$((sys_p + 1)) ;; FAIL) sys_f=$((sys_f + 1)) ;; *) sys_s=$((sys_s + 1)) ;; esac
    case $o in PASS) our_p=$((our_p + 1)) ;; FAIL) our_f=$((our_f + 1)) ;; *) our_s=$((our_s + 1)) ;; esac
    if [ "${built[$p.ours]}" != 1 ]; then
        reasons+=("$p does not build with $INCDIR/zmq.h and -L $LIBDIR ($(cat "$BUILD/$p.ours.why" 2>/dev/null))")
    elif [ "$s" = PASS ] && [ "$o" != PASS ]; then
        reasons+=("$p passes on the system libzmq but not on ours")
    fi
    if [ "${built[$p.system]}" != 1 ]; then
        reasons+=("$p does not build with the system zmq.h ($(cat "$BUILD/$p.system.why" 2>/dev/null))")
    elif [ "$s" = FAIL ]; then
        echo "note: $p fails on the system libzmq too (not counted against ours)"
    fi
done

echo "time: $(( $(date +%s) - started ))s"
counts="system=$sys_p/$sys_f/$sys_s ours=$our_p/$our_f/$our_s"
if [ ${#reasons[@]} -eq 0 ]; then
    echo "RESULT cppzmq $counts ok"
    exit 0
fi
why=$(printf '%s; ' "${reasons[@]}")
echo "RESULT cppzmq $counts FAIL: ${why%; }"
exit 1
