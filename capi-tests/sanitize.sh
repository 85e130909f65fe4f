#!/usr/bin/env bash
# The C tests under memory checkers.
#
# Usage:
#   capi-tests/sanitize.sh asan LIBDIR INCDIR      the library built with AddressSanitizer
#                                                   (nightly rustc, -Zsanitizer=address), each
#                                                   test_*.c with -fsanitize=address,undefined
#   capi-tests/sanitize.sh valgrind LIBDIR INCDIR  each test_*.c against LIBDIR/libzmq.so.5
#                                                   under valgrind memcheck
#   capi-tests/sanitize.sh tsan LIBDIR INCDIR      the library built with ThreadSanitizer
#                                                   (nightly, -Zsanitizer=thread -Zbuild-std),
#                                                   each test_*.c with -fsanitize=thread;
#                                                   test_stress.c is the multithreaded stress
#
# A test fails on a failed check, a sanitizer or memcheck report, or a definite leak. A mode
# that cannot run here (no nightly toolchain, no valgrind) says SKIP and why. Prints one line
# per test and "N passed, N failed"; exits non-zero if anything failed.

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
mode=${1:-}
[ $# -eq 3 ] && { [ "$mode" = asan ] || [ "$mode" = valgrind ] || [ "$mode" = tsan ]; } || {
    echo "usage: $0 asan|valgrind|tsan LIBDIR INCDIR" >&2
    exit 2
}
LIBDIR=$(cd "$2" && pwd -P)
INCDIR=$(cd "$3" && pwd -P)
CC=${CC:-gcc}
TIMEOUT=${SANITIZE_TIMEOUT:-600}
BUILD=$root/target/sanitize-$mode
mkdir -p "$BUILD"

cflags=(-std=c99 -D_GNU_SOURCE -g -I"$INCDIR" -I"$here")
ldflags=()
case $mode in
asan)
    if ! cargo +nightly --version >/dev/null 2>&1; then
        echo "SKIP: asan needs a nightly toolchain (rustup toolchain install nightly)"
        exit 0
    fi
    target=$(rustc -vV | sed -n 's/^host: //p')
    echo "building the library with AddressSanitizer (target/asan)"
    (cd "$root" && RUSTFLAGS="-Zsanitizer=address" cargo +nightly build --release --lib \
        --target "$target" --target-dir target/asan) >"$BUILD/build.log" 2>&1 || {
        echo "FAIL: building the library with AddressSanitizer (see $BUILD/build.log)"
        echo "0 passed, 1 failed"
        exit 1
    }
    LIBDIR=$root/target/asan/$target/release
    cflags+=(-fsanitize=address,undefined -fno-omit-frame-pointer)
    ldflags=(-fsanitize=address,undefined)
    # An impossible allocation is part of the tests (ENOMEM): asked for, not an error. Leaks
    # are valgrind's part: LeakSanitizer counts the handles kept on purpose after close
    # (ARCHITECTURE.md, Handles) and what a forked child or a killed peer leaves behind.
    export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1
    export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    runner=()
    ;;
tsan)
    if ! cargo +nightly --version >/dev/null 2>&1; then
        echo "SKIP: tsan needs a nightly toolchain (rustup toolchain install nightly)"
        exit 0
    fi
    sysroot=$(rustc +nightly --print sysroot)
    if [ ! -d "$sysroot/lib/rustlib/src/rust/library" ]; then
        echo "SKIP: tsan rebuilds the standard library: rustup +nightly component add rust-src"
        exit 0
    fi
    target=$(rustc -vV | sed -n 's/^host: //p')
    echo "building the library with ThreadSanitizer (target/tsan)"
    (cd "$root" && RUSTFLAGS="-Zsanitizer=thread" cargo +nightly build -Zbuild-std --release \
        --lib --target "$target" --target-dir target/tsan) >"$BUILD/build.log" 2>&1 || {
        echo "FAIL: building the library with ThreadSanitizer (see $BUILD/build.log)"
        echo "0 passed, 1 failed"
        exit 1
    }
    LIBDIR=$root/target/tsan/$target/release
    ln -sf libzmq.so "$LIBDIR/libzmq.so.5"
    # The runtime is the one rustc ships (LLVM's, which the library's instrumentation calls
    # into; gcc's libtsan lacks some of its entry points), linked into the test program.
    cflags+=(-fsanitize=thread)
    ldflags=(-Wl,--whole-archive "$sysroot/lib/rustlib/$target/lib/librustc-nightly_rt.tsan.a"
        -Wl,--no-whole-archive)
    export TSAN_OPTIONS=halt_on_error=0:second_deadlock_stack=1:allocator_may_return_null=1
    runner=()
    ;;
valgrind)
    if ! command -v valgrind >/dev/null; then
        echo "SKIP: valgrind is not installed (apt-get install valgrind)"
        exit 0
    fi
    # The handles kept on purpose after close are suppressed (valgrind.supp); forked children
    # (the fork, fault and exhaustion tests) end with _exit and are not leak-checked.
    # Budgets and waits of the tests that fork stretch fourfold (procutil.h, slowness).
    export CAPI_TESTS_SLOW=4
    runner=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
        --show-leak-kinds=definite --track-fds=no --child-silent-after-fork=yes
        --suppressions="$here/valgrind.supp")
    ;;
esac

passed=0
failed=0
for src in "$here"/test_*.c; do
    name=$(basename "$src" .c)
    exe=$BUILD/$name
    if ! { "$CC" "${cflags[@]}" -c "$src" -o "$exe.o" \
        && "$CC" "$exe.o" "${ldflags[@]}" -L"$LIBDIR" -lzmq -ldl -lpthread -lm -o "$exe"; } \
        >"$exe.build.log" 2>&1; then
        echo "  [FAIL] $name (build, see $exe.build.log)"
        failed=$((failed + 1))
        continue
    fi
    # ThreadSanitizer cannot follow a child that starts threads after a fork (it ends the
    # child); test_fork's children do, on purpose.
    if [ "$mode" = tsan ] && [ "$name" = test_fork ]; then
        echo "  [SKIP] $name (ThreadSanitizer does not support threads started in a forked child)"
        continue
    fi
    # gcc's AddressSanitizer does not take its allocator's locks around fork: a child forked
    # while another thread allocates inherits a held lock and waits on it for ever at its first
    # malloc (gdb: __sanitizer::SizeClassAllocator64::GetFromAllocator), which test_fork's
    # children, forked beside running I/O threads, did in most runs.
    if [ "$mode" = asan ] && [ "$name" = test_fork ]; then
        echo "  [SKIP] $name (AddressSanitizer's allocator is not fork-safe: a forked child can wait for ever on a lock another thread held)"
        continue
    fi
    run=("${runner[@]}")
    # Children forked from a running process still hold what its threads held, unreachable
    # in the child: those tests are checked for memory errors, not for leaks.
    if [ "$mode" = valgrind ] && grep -qE 'fork *\(|fork_with_pipe|fork_reporting' "$src"; then
        run+=(--leak-check=no)
    fi
    LD_LIBRARY_PATH=$LIBDIR ZMQ_EXPECT_LIB=$LIBDIR/libzmq.so.5 \
        timeout "$TIMEOUT" "${run[@]}" "$exe" >"$exe.log" 2>&1
    rc=$?
    summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$exe.log" | tail -1)
    reports=$(grep -cE 'ERROR: (AddressSanitizer|LeakSanitizer)|WARNING: ThreadSanitizer|runtime error:|definitely lost in' \
        "$exe.log")
    if [ "$rc" -eq 0 ] && [ "$reports" -eq 0 ] && [ -n "$summary" ]; then
        echo "  [PASS] $name ($summary)"
        passed=$((passed + 1))
    else
        echo "  [FAIL] $name (exit $rc, $reports reports, ${summary:-no summary}; see $exe.log)"
        failed=$((failed + 1))
    fi
done
echo "$mode: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
