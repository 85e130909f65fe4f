#!/usr/bin/env bash
# Builds and runs the demo programs against the library in LIBDIR (default target/release).
# Usage: capi-tests/demo/run.sh [LIBDIR] [INCDIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
top="$(cd "$here/../.." && pwd)"
libdir="$(cd "${1:-$top/target/release}" && pwd)"
incdir="$(cd "${2:-$top/include}" && pwd)"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT

for src in "$here"/*.c; do
  name="$(basename "$src" .c)"
  cc -std=c99 -Wall -Wextra -Wpedantic -Werror -I "$incdir" "$src" -o "$build/$name" -L "$libdir" -lzmq
  echo "== $name (C)"
  LD_LIBRARY_PATH="$libdir" "$build/$name"
done
for script in "$here"/*.py; do
  echo "== $(basename "$script") (Python, ctypes)"
  ZMQ_LIB="$libdir/libzmq.so.5" /usr/bin/python3 "$script"
done
