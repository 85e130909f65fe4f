#!/usr/bin/env bash
# Installs the library into a temporary prefix (make install PREFIX=...), then builds a program
# against it with pkg-config and with CMake's find_package(ZeroMQ), shared and static, and runs it.
# Usage: capi-tests/install/run.sh   (from anywhere; needs a built library)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
top="$(cd "$here/../.." && pwd)"
prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT
passed=0; failed=0
step() { # name, command...
  local name="$1"; shift
  if out="$("$@" 2>&1)"; then passed=$((passed + 1)); echo "ok   $name"
  else failed=$((failed + 1)); echo "FAIL $name"; echo "$out" | tail -n 20; fi
}

step "make install" make -C "$top" --no-print-directory install PREFIX="$prefix/usr"
lib="$prefix/usr/lib"
step "installed files" test -f "$lib/libzmq.so.5.2.5" -a -L "$lib/libzmq.so.5" -a -L "$lib/libzmq.so" \
  -a -f "$lib/libzmq.a" -a -f "$prefix/usr/include/zmq.h" -a -f "$prefix/usr/include/zmq_utils.h" \
  -a -f "$lib/pkgconfig/libzmq.pc" -a -f "$lib/cmake/ZeroMQ/ZeroMQConfig.cmake" \
  -a -f "$lib/cmake/ZeroMQ/ZeroMQConfigVersion.cmake"
step "soname" sh -c "readelf -d '$lib/libzmq.so.5.2.5' | grep -q 'Library soname: \[libzmq.so.5\]'"

export PKG_CONFIG_PATH="$lib/pkgconfig"
step "pkg-config build" sh -c "cc -std=c99 -Wall -Wextra -Werror '$here/app.c' -o '$prefix/app_pc' \$(pkg-config --cflags --libs libzmq) -ldl"
step "pkg-config run" env LD_LIBRARY_PATH="$lib" "$prefix/app_pc" "$lib/libzmq.so.5.2.5"
step "pkg-config static build" sh -c "cc -std=c99 '$here/app.c' -o '$prefix/app_pc_static' \$(pkg-config --cflags libzmq) '$lib/libzmq.a' \$(pkg-config --static --libs-only-l libzmq | sed 's/-lzmq//') -ldl"
step "pkg-config static run" "$prefix/app_pc_static" static

step "cmake configure" cmake -S "$here" -B "$prefix/cmake-build" -DCMAKE_PREFIX_PATH="$prefix/usr"
step "cmake build" cmake --build "$prefix/cmake-build"
step "cmake shared run" env LD_LIBRARY_PATH="$lib" "$prefix/cmake-build/app_shared" "$lib/libzmq.so.5.2.5"
step "cmake static run" "$prefix/cmake-build/app_static" static

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
