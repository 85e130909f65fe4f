#!/usr/bin/env bash
# C API spec tests for a libzmq 4.3 replacement.
#
# Usage:
#   capi-tests/run.sh LIBDIR INCDIR   test LIBDIR/libzmq.so.5 with INCDIR/zmq.h
#   capi-tests/run.sh --system        the same tests against the system libzmq
#
# Builds every test_*.c (C99) and cxx_header.cpp (C++11) with
# -Wall -Wextra -Wpedantic -Werror, linked -L LIBDIR -lzmq without rpath, and
# runs each with LD_LIBRARY_PATH=LIBDIR ZMQ_EXPECT_LIB=LIBDIR/libzmq.so.5
# under `timeout 60`. Then header_parity.sh INCDIR, symbols.sh (not for the
# system library) and the ctypes tests in python/ with ZMQ_LIB set.
#
# Prints one line per suite and a final "N passed, N failed" line; exits
# non-zero if anything failed. CAPI_TESTS_VERBOSE=1 shows every output line.

set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$here/args.sh"

[ -d "$LIBDIR" ] || { echo "LIBDIR $LIBDIR is not a directory"; echo "0 passed, 1 failed"; exit 1; }
[ -d "$INCDIR" ] || { echo "INCDIR $INCDIR is not a directory"; echo "0 passed, 1 failed"; exit 1; }
LIBDIR=$(cd "$LIBDIR" && pwd -P)
INCDIR=$(cd "$INCDIR" && pwd -P)
LIBFILE=$LIBDIR/libzmq.so.5

CC=${CC:-gcc}
CXX=${CXX:-g++}
PYTHON=${PYTHON:-/usr/bin/python3}
TIMEOUT=${CAPI_TESTS_TIMEOUT:-60}
verbose=${CAPI_TESTS_VERBOSE:-0}

is_system=0
if [ "$LIBDIR" = "$(cd "$SYSTEM_LIBDIR" 2>/dev/null && pwd -P)" ]; then
    is_system=1
fi

# Build directory: beside LIBDIR for a build tree, a temporary one otherwise.
cleanup_build=0
if [ "$is_system" -eq 0 ] && mkdir -p "$LIBDIR/../capi-tests-build" 2>/dev/null \
    && [ -w "$LIBDIR/../capi-tests-build" ]; then
    BUILD=$(cd "$LIBDIR/../capi-tests-build" && pwd -P)
else
    BUILD=$(mktemp -d)
    cleanup_build=1
fi
if [ "$cleanup_build" -eq 1 ]; then
    trap 'rm -rf "$BUILD"' EXIT
fi

echo "library:  $LIBFILE"
echo "headers:  $INCDIR/zmq.h"
echo "build in: $BUILD"

total_passed=0
total_failed=0
suite_lines=()

record() { # name passed failed note
    local name=$1 p=$2 f=$3 note=${4:-}
    total_passed=$((total_passed + p))
    total_failed=$((total_failed + f))
    local status=PASS
    [ "$f" -eq 0 ] || status=FAIL
    local line="[$status] $name ($p passed, $f failed)${note:+ - $note}"
    suite_lines+=("$line")
    echo "$line"
}

# Last "N passed, N failed" line of a log: prints "P F", or nothing.
summary_of() {
    grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1 |
        sed -E 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/'
}

show_log() { # log
    if [ "$verbose" != "0" ]; then
        cat "$1"
    else
        grep -E '^(FAIL|library identity|running on|allowed difference|unexpected|not a libzmq|draft symbol|stable symbols missing|linker-defined)' "$1" | sed 's/^/    /'
    fi
}

# Runs an already built test binary and records its result.
run_binary() { # name binary
    local name=$1 bin=$2 log="$BUILD/$1.log" rc
    LD_LIBRARY_PATH=$LIBDIR ZMQ_EXPECT_LIB=$LIBFILE timeout "$TIMEOUT" "$bin" >"$log" 2>&1
    rc=$?
    show_log "$log"
    local s
    s=$(summary_of "$log")
    if [ -z "$s" ]; then
        local why="exit status $rc"
        [ "$rc" -eq 124 ] && why="timed out after ${TIMEOUT}s"
        [ "$rc" -gt 128 ] && [ "$rc" -ne 124 ] && why="killed by signal $((rc - 128))"
        echo "    last output lines:"
        tail -n 5 "$log" | sed 's/^/      /'
        record "$name" 0 1 "no summary line, $why"
        return
    fi
    set -- $s
    local p=$1 f=$2
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        record "$name" "$p" 1 "exit status $rc"
    else
        record "$name" "$p" "$f"
    fi
}

# How to link: -L LIBDIR -lzmq needs LIBDIR/libzmq.so; without it the
# linker would silently find another libzmq, so link the file itself.
if [ -e "$LIBDIR/libzmq.so" ]; then
    LINK=(-L "$LIBDIR" -lzmq)
else
    echo "note: $LIBDIR/libzmq.so missing, linking $LIBFILE directly"
    LINK=("$LIBFILE")
fi

if [ ! -e "$LIBFILE" ]; then
    record "library" 0 1 "$LIBFILE does not exist"
else
    CFLAGS=(-std=c99 -Wall -Wextra -Wpedantic -Werror -fPIE -pie -I "$INCDIR" -I "$here")
    CXXFLAGS=(-std=c++11 -Wall -Wextra -Wpedantic -Werror -fPIE -pie -I "$INCDIR" -I "$here")
    LIBS=("${LINK[@]}" -ldl -lpthread)

    for src in "$here"/test_*.c "$here"/cxx_header.cpp; do
        [ -e "$src" ] || continue
        name=$(basename "$src")
        name=${name%.*}
        bin="$BUILD/$name"
        if [ "$is_system" -eq 1 ] && [ "${name#test_draft_}" != "$name" ] \
            && ! nm -D "$LIBFILE" 2>/dev/null | grep -q ' T zmq_poller_new$'; then
            echo "[SKIP] $name: $LIBFILE is built without the draft API"
            continue
        fi
        rm -f "$bin"
        case $src in
        *.cpp) compile=("$CXX" "${CXXFLAGS[@]}" "$src" -o "$bin" "${LIBS[@]}") ;;
        *) compile=("$CC" "${CFLAGS[@]}" "$src" -o "$bin" "${LIBS[@]}") ;;
        esac
        if ! "${compile[@]}" >"$BUILD/$name.build.log" 2>&1; then
            echo "    build failed: ${compile[*]}"
            head -n 30 "$BUILD/$name.build.log" | sed 's/^/      /'
            record "$name" 0 1 "does not build"
            continue
        fi
        if readelf -d "$bin" 2>/dev/null | grep -qE '\((RPATH|RUNPATH)\)'; then
            record "$name" 0 1 "binary carries an rpath"
            continue
        fi
        run_binary "$name" "$bin"
    done
fi

# Shell suites.
run_script() { # name script args...
    local name=$1 log="$BUILD/$1.log" rc s
    shift
    timeout 300 bash "$@" >"$log" 2>&1
    rc=$?
    show_log "$log"
    s=$(summary_of "$log")
    if [ -z "$s" ]; then
        tail -n 5 "$log" | sed 's/^/      /'
        record "$name" 0 1 "no summary line, exit status $rc"
        return
    fi
    set -- $s
    if [ "$rc" -ne 0 ] && [ "$2" -eq 0 ]; then
        record "$name" "$1" 1 "exit status $rc"
    else
        record "$name" "$1" "$2"
    fi
}

run_script header_parity "$here/header_parity.sh" "$INCDIR"

if [ "$is_system" -eq 1 ]; then
    echo "[SKIP] symbols: $LIBDIR is the system library directory (the gate is for our build)"
else
    run_script symbols "$here/symbols.sh" "$LIBFILE"
fi

# ctypes tests.
pylog="$BUILD/python.log"
if ! "$PYTHON" -c 'import pytest' >/dev/null 2>&1; then
    record "python" 0 1 "$PYTHON has no pytest"
else
    (cd "$here/python" && ZMQ_LIB=$LIBFILE PYTHONDONTWRITEBYTECODE=1 \
        timeout 300 "$PYTHON" -m pytest -q -p no:cacheprovider -rfE . >"$pylog" 2>&1)
    rc=$?
    if [ "$verbose" != "0" ]; then
        cat "$pylog"
    else
        grep -E '^(FAILED|ERROR) ' "$pylog" | sed 's/^/    /'
    fi
    last=$(grep -E '[0-9]+ (passed|failed|error)' "$pylog" | tail -n 1)
    p=$(printf '%s' "$last" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
    f=$(printf '%s' "$last" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
    e=$(printf '%s' "$last" | grep -oE '[0-9]+ errors?' | grep -oE '[0-9]+')
    p=${p:-0}
    f=$((${f:-0} + ${e:-0}))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        tail -n 5 "$pylog" | sed 's/^/      /'
        record "python" "$p" 1 "pytest exit status $rc"
    else
        record "python" "$p" "$f"
    fi
fi

echo
echo "suites:"
for l in "${suite_lines[@]}"; do
    echo "  $l"
done
[ "$cleanup_build" -eq 1 ] || echo "logs in $BUILD"
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
