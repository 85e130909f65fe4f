#!/usr/bin/env bash
# Substitution of a prebuilt program: app.c is compiled against the system zmq.h and linked
# against the system libzmq, as a user's binary is, and never rebuilt; then the same binary
# runs on the system libzmq, with LD_LIBRARY_PATH=LIBDIR, and with LD_PRELOAD=LIBDIR/libzmq.so.5.
# Two more builds show how the linker's path tags decide: RUNPATH (Debian's default for -rpath)
# yields to LD_LIBRARY_PATH, an old-style RPATH does not, and LD_PRELOAD beats both. Last,
# Debian's pyzmq is switched with LD_PRELOAD alone.
#
# Usage: capi-tests/clients/substitution/run.sh LIBDIR
#
# A case passes when the program exits 0 and reports (dladdr of zmq_ctx_new, zmq_version) the
# library the case expects. Ends with "RESULT substitution system=P/F/S ours=P/F/S ok|FAIL: ..."
# ("system" counts the runs expected on the system libzmq); exits 0 or 1.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
libdir="$(cd "${1:?usage: run.sh LIBDIR}" && pwd -P)"
ours="$(realpath "$libdir/libzmq.so.5")"
sysdir=/usr/lib/x86_64-linux-gnu
system="$(realpath "$sysdir/libzmq.so.5")"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT

cc=${CC:-gcc}
flags=(-std=c99 -Wall -Wextra -Werror -I /usr/include "$here/app.c" -lzmq -ldl)
"$cc" "${flags[@]}" -o "$build/app" \
  && "$cc" "${flags[@]}" -Wl,-rpath,"$sysdir" -Wl,--enable-new-dtags -o "$build/app-runpath" \
  && "$cc" "${flags[@]}" -Wl,-rpath,"$sysdir" -Wl,--disable-new-dtags -o "$build/app-rpath" \
  || { echo "RESULT substitution system=0/1/0 ours=0/1/0 FAIL: building app.c"; exit 1; }
echo "app linked against: $(ldd "$build/app" | awk '/libzmq/ { print $3 }')"

declare -A passed=([system]=0 [ours]=0) failed=([system]=0 [ours]=0)
failures=()
# case TITLE EXPECTED(system|ours) COMMAND...
case_() {
  local title=$1 expect=$2
  shift 2
  local want=$system version=4.3.4
  [ "$expect" = ours ] && want=$ours version=4.3.5
  local out rc reported
  out="$(timeout 60 "$@" 2>&1)"
  rc=$?
  reported="$(printf '%s\n' "$out" | sed -n 's/^library: //p' | head -n 1)"
  if [ $rc -eq 0 ] && [ -n "$reported" ] && [ "$(realpath "$reported")" = "$want" ] \
    && printf '%s\n' "$out" | grep -qx "version: $version"; then
    passed[$expect]=$((passed[$expect] + 1))
    echo "pass: $title: runs on $reported ($version)"
  else
    failed[$expect]=$((failed[$expect] + 1))
    failures+=("$title")
    echo "FAIL: $title (exit $rc, expected $want $version):"
    printf '%s\n' "$out" | sed 's/^/    /'
  fi
}

clean=(env -u LD_LIBRARY_PATH -u LD_PRELOAD)
case_ "as built" system "${clean[@]}" "$build/app"
case_ "LD_LIBRARY_PATH" ours "${clean[@]}" LD_LIBRARY_PATH="$libdir" "$build/app"
case_ "LD_PRELOAD" ours "${clean[@]}" LD_PRELOAD="$ours" "$build/app"
case_ "RUNPATH to the system dir, LD_LIBRARY_PATH" ours \
  "${clean[@]}" LD_LIBRARY_PATH="$libdir" "$build/app-runpath"
case_ "RPATH to the system dir, LD_LIBRARY_PATH (RPATH wins)" system \
  "${clean[@]}" LD_LIBRARY_PATH="$libdir" "$build/app-rpath"
case_ "RPATH to the system dir, LD_PRELOAD" ours "${clean[@]}" LD_PRELOAD="$ours" "$build/app-rpath"

pyzmq_probe='import os, zmq
s = zmq.Context.instance().socket(zmq.PAIR); s.bind("inproc://x"); s.close()
mapped = [l.split()[-1] for l in open("/proc/self/maps") if "/libzmq" in l]
print("library:", mapped[0]); print("version:", zmq.zmq_version())'
if /usr/bin/python3 -c 'import zmq' 2>/dev/null; then
  case_ "pyzmq (Debian), LD_PRELOAD" ours "${clean[@]}" LD_PRELOAD="$ours" /usr/bin/python3 -c "$pyzmq_probe"
else
  echo "skipped: pyzmq with LD_PRELOAD (/usr/bin/python3 cannot import zmq: apt-get install python3-zmq)"
fi

counts() { echo "${passed[$1]}/${failed[$1]}/0"; }
if [ ${#failures[@]} -eq 0 ]; then
  echo "RESULT substitution system=$(counts system) ours=$(counts ours) ok"
else
  echo "RESULT substitution system=$(counts system) ours=$(counts ours) FAIL: ${failures[*]}"
  exit 1
fi
