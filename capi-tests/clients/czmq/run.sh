#!/usr/bin/env bash
# czmq client suite: czmq programs, built against the system libzmq, run unchanged on ours.
#
# Usage:
#   capi-tests/clients/czmq/run.sh LIBDIR INCDIR
#     LIBDIR holds our libzmq.so.5; INCDIR (our zmq.h) is only checked to exist: the binaries
#     are built with the system headers on purpose, see below.
#
# What it does:
#   1. Checks the prerequisites: a C compiler, Debian's czmq (libczmq-dev: /usr/include/czmq.h,
#      libczmq.so), the system libzmq (/usr/lib/x86_64-linux-gnu/libzmq.so.5, /usr/include/zmq.h)
#      and timeout(1). Without them: "RESULT czmq SKIP: <reason>", exit 77.
#   2. Builds selftests.c (a driver for the 31 class selftests libczmq.so.4 exports) and app.c
#      (our own zsock/zactor/zloop/zpoller/zmsg program) once, into a mktemp directory removed
#      on exit, with the SYSTEM headers (/usr/include/zmq.h, czmq.h; CPATH and friends unset),
#      linked -lczmq -lzmq -ldl from the system library directories and without rpath: they are
#      prebuilt binaries linked against the system libzmq. Checks the headers the compiler
#      read, the NEEDED entries, and that there is no RPATH/RUNPATH.
#   3. Runs every selftest (one driver process per test, which forks the test into a fresh
#      temporary working directory under its own time-out) and the app, each under timeout(1),
#      twice: on the system libzmq (LD_LIBRARY_PATH unset,
#      ZMQ_EXPECT_LIB=/usr/lib/x86_64-linux-gnu/libzmq.so.5) and on ours
#      (LD_LIBRARY_PATH=LIBDIR, ZMQ_EXPECT_LIB=LIBDIR/libzmq.so.5), with ZSYS_INTERFACE=lo so
#      that zbeacon stays off the real network. Every binary first proves, through dladdr on
#      zmq_ctx_new, that it runs on the file ZMQ_EXPECT_LIB names (libcheck.h); a run whose
#      "library:" line is not that file is shown as UNCOUNTED, left out of the counts, and
#      fails the suite.
#   4. Prints a line per test and library ("ours    PASS zsock_test (0.11 s)"; a failure is
#      followed by the tail of its output), then the verdict:
#        RESULT czmq system=P/F/S ours=P/F/S ok            exit 0
#        RESULT czmq system=P/F/S ours=P/F/S FAIL: reason  exit 1
#      (P passed, F failed, S skipped: a selftest that says it skipped itself, as zbeacon_test
#      does because lo cannot broadcast). ok means that every test that passes on the system
#      libzmq passes on ours too, or is listed in known-differences.txt (one line per test: its
#      name, then the reason; those exceptions are printed).
#
# CAPI_TESTS_VERBOSE=1 prints every output line of every run. CZMQ_TEST_TIMEOUT sets the
# time-out per test in seconds (default 30). Takes about a minute.

set -uo pipefail

SYSTEM_LIBDIR=/usr/lib/x86_64-linux-gnu
SYSTEM_LIB=$SYSTEM_LIBDIR/libzmq.so.5
here=$(cd "$(dirname "$0")" && pwd)
verbose=${CAPI_TESTS_VERBOSE:-0}
test_timeout=${CZMQ_TEST_TIMEOUT:-30}
CC=${CC:-cc}

skip() {
    echo "RESULT czmq SKIP: $*"
    exit 77
}
fail_early() {
    echo "RESULT czmq system=0/0/0 ours=0/0/0 FAIL: $*"
    exit 1
}

if [ $# -ne 2 ]; then
    echo "usage: $0 LIBDIR INCDIR" >&2
    exit 2
fi
LIBDIR=$1
INCDIR=$2
started=$SECONDS

# --- prerequisites -------------------------------------------------------------------------
command -v "$CC" >/dev/null 2>&1 || skip "no C compiler ($CC)"
command -v timeout >/dev/null 2>&1 || skip "no timeout(1)"
[ -f /usr/include/czmq.h ] || skip "/usr/include/czmq.h missing (install libczmq-dev)"
czmq_so=$("$CC" -print-file-name=libczmq.so)
[ -e "$czmq_so" ] || skip "libczmq.so missing (install libczmq-dev)"
[ -f /usr/include/zmq.h ] || skip "/usr/include/zmq.h missing (install libzmq3-dev)"
[ -e "$SYSTEM_LIB" ] || skip "$SYSTEM_LIB missing (install libzmq5)"

[ -d "$LIBDIR" ] || fail_early "LIBDIR $LIBDIR is not a directory"
[ -d "$INCDIR" ] || fail_early "INCDIR $INCDIR is not a directory"
LIBDIR=$(cd "$LIBDIR" && pwd -P)
INCDIR=$(cd "$INCDIR" && pwd -P)
OUR_LIB=$LIBDIR/libzmq.so.5
[ -e "$OUR_LIB" ] || fail_early "$OUR_LIB does not exist"
[ -f "$INCDIR/zmq.h" ] || fail_early "$INCDIR/zmq.h does not exist"
[ "$(realpath "$OUR_LIB")" != "$(realpath "$SYSTEM_LIB")" ] \
    || fail_early "LIBDIR $LIBDIR holds the system libzmq: nothing to compare"

BUILD=$(mktemp -d "${TMPDIR:-/tmp}/czmq-clients.XXXXXX") || fail_early "mktemp failed"
trap 'rm -rf "$BUILD"' EXIT
mkdir -p "$BUILD/tmp"

echo "system: $SYSTEM_LIB -> $(realpath "$SYSTEM_LIB")"
echo "ours:   $OUR_LIB -> $(realpath "$OUR_LIB")"
echo "czmq:   $(realpath "$czmq_so")"
echo "build:  system headers (/usr/include); $INCDIR/zmq.h is not used by design"

# --- build ---------------------------------------------------------------------------------
for prog in selftests app; do
    # Nothing from the environment may point the compiler or linker at our files.
    if ! env -u CPATH -u C_INCLUDE_PATH -u LIBRARY_PATH -u LD_LIBRARY_PATH \
        "$CC" -std=gnu99 -Wall -Wextra -Werror -fPIE -pie -MD -MF "$BUILD/$prog.d" \
        "$here/$prog.c" -o "$BUILD/$prog" -lczmq -lzmq -ldl >"$BUILD/$prog.build.log" 2>&1; then
        sed 's/^/    /' "$BUILD/$prog.build.log" | head -n 30
        fail_early "cannot build $prog.c"
    fi
    for header in /usr/include/zmq.h /usr/include/czmq.h; do
        grep -q "$header" "$BUILD/$prog.d" || fail_early "$prog.c was not compiled with $header"
    done
    dynamic=$(readelf -d "$BUILD/$prog")
    if grep -qE '\((RPATH|RUNPATH)\)' <<<"$dynamic"; then
        fail_early "$prog carries an rpath"
    fi
    for needed in libzmq.so.5 libczmq.so.4; do
        grep -q "Shared library: \[$needed\]" <<<"$dynamic" || fail_early "$prog does not need $needed"
    done
done
echo "built selftests and app in $(( SECONDS - started )) s"

tests=$(env -u LD_LIBRARY_PATH "$BUILD/selftests" --list) || fail_early "selftests --list failed"
tests="$tests app"

# --- runs ----------------------------------------------------------------------------------
declare -A status        # status[lib:test] = PASS | FAIL | SKIP | UNCOUNTED
declare -A identity_bad  # identity_bad[lib] = first test whose run was not on that library
declare -A count_pass count_fail count_skip

run_on() { # lib test -> prints the program's output; runs with that library's environment
    local lib=$1 name=$2 cmd
    if [ "$name" = app ]; then
        cmd=("$BUILD/app")
    else
        cmd=("$BUILD/selftests" -t "$test_timeout" "$name")
    fi
    if [ "$lib" = system ]; then
        env -u LD_LIBRARY_PATH -u LD_PRELOAD ZMQ_EXPECT_LIB="$SYSTEM_LIB" ZSYS_INTERFACE=lo \
            TMPDIR="$BUILD/tmp" timeout -k 5 $(( test_timeout + 15 )) "${cmd[@]}" 2>&1
    else
        env -u LD_PRELOAD LD_LIBRARY_PATH="$LIBDIR" ZMQ_EXPECT_LIB="$OUR_LIB" ZSYS_INTERFACE=lo \
            TMPDIR="$BUILD/tmp" timeout -k 5 $(( test_timeout + 15 )) "${cmd[@]}" 2>&1
    fi
}

for lib in system ours; do
    count_pass[$lib]=0 count_fail[$lib]=0 count_skip[$lib]=0
    if [ "$lib" = system ]; then expect=$(realpath "$SYSTEM_LIB"); else expect=$(realpath "$OUR_LIB"); fi
    for name in $tests; do
        out=$(run_on "$lib" "$name")
        rc=$?
        [ "$verbose" = 1 ] && sed "s/^/    [$lib $name] /" <<<"$out"
        line=
        if ! grep -qxF "library: $expect" <<<"$out"; then
            result=UNCOUNTED
            line="$name: it did not run on $expect (exit $rc)"
            [ -n "${identity_bad[$lib]:-}" ] || identity_bad[$lib]=$name
        elif [ "$name" = app ]; then
            summary=$(grep -E '^app: [0-9]+ checks passed' <<<"$out" | tail -n 1)
            if [ "$rc" -eq 0 ] && [[ "$summary" =~ ^app:\ [1-9][0-9]*\ checks\ passed,\ 0\ failed$ ]]; then
                result=PASS
                line="app (${summary#app: })"
            else
                result=FAIL
                line="app: exit $rc${summary:+, ${summary#app: }}"
            fi
        else
            line=$(grep -E "^(PASS|FAIL|SKIP) $name( |:|$)" <<<"$out" | tail -n 1)
            result=${line%% *}
            line=${line#* }
            if [ -z "$line" ] || { [ "$result" = PASS ] && [ "$rc" -ne 0 ]; }; then
                result=FAIL
                line="$name: exit $rc$( [ "$rc" -eq 124 ] && echo ' (timed out)')"
            fi
        fi
        status[$lib:$name]=$result
        case $result in
            PASS) count_pass[$lib]=$(( count_pass[$lib] + 1 )) ;;
            SKIP) count_skip[$lib]=$(( count_skip[$lib] + 1 )) ;;
            FAIL) count_fail[$lib]=$(( count_fail[$lib] + 1 )) ;;
        esac
        printf '%-7s %s %s\n' "$lib" "$result" "$line"
        if [ "$result" != PASS ] && [ "$result" != SKIP ] && [ "$verbose" != 1 ]; then
            grep -vE "^(PASS|FAIL|SKIP) $name" <<<"$out" | tail -n 25 | sed 's/^/    /'
        fi
    done
done

# --- verdict -------------------------------------------------------------------------------
declare -A known
known_file=$here/known-differences.txt
if [ -f "$known_file" ]; then
    while read -r kname kreason; do
        case $kname in ''|'#'*) continue ;; esac
        known[$kname]=${kreason:-no reason given}
    done <"$known_file"
fi

regressions=()
for name in $tests; do
    if [ "${status[system:$name]}" = PASS ] && [ "${status[ours:$name]}" != PASS ]; then
        if [ -n "${known[$name]:-}" ]; then
            echo "known difference: $name (${status[ours:$name]} on ours): ${known[$name]}"
        else
            regressions+=("$name")
        fi
    elif [ "${status[system:$name]}" = FAIL ]; then
        echo "note: $name fails on the system libzmq (ours: ${status[ours:$name]}); not compared"
    fi
done
for kname in "${!known[@]}"; do
    if [ "${status[ours:$kname]:-}" = PASS ]; then
        echo "note: known-differences.txt lists $kname, which passes on ours"
    elif [ -z "${status[ours:$kname]:-}" ]; then
        echo "note: known-differences.txt lists $kname, which is not a test here"
    fi
done

counts="system=${count_pass[system]}/${count_fail[system]}/${count_skip[system]}"
counts="$counts ours=${count_pass[ours]}/${count_fail[ours]}/${count_skip[ours]}"
echo "took $(( SECONDS - started )) s"
reason=
if [ -n "${identity_bad[system]:-}" ] || [ -n "${identity_bad[ours]:-}" ]; then
    reason="library identity check failed (system: ${identity_bad[system]:-ok}, ours: ${identity_bad[ours]:-ok})"
elif [ "${count_pass[system]}" -eq 0 ]; then
    reason="nothing passed on the system libzmq"
elif [ ${#regressions[@]} -gt 0 ]; then
    reason="pass on the system libzmq, not on ours: ${regressions[*]}"
fi
if [ -n "$reason" ]; then
    echo "RESULT czmq $counts FAIL: $reason"
    exit 1
fi
echo "RESULT czmq $counts ok"
exit 0
