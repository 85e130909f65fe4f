#!/usr/bin/env bash
# The tutorial programs of tutorials.py (Debian's pyzmq) on the system libzmq and on ours.
#
# Usage: capi-tests/clients/tutorials/run.sh LIBDIR
#
# Each scenario runs under /usr/bin/python3 and `timeout`, first on the system libzmq, then on
# ours (LD_LIBRARY_PATH=LIBDIR); every process it starts checks that the libzmq mapped into it
# is the one intended. A scenario whose module is missing (gevent: apt-get install
# python3-gevent) is skipped on both, with the reason. Ends with
# "RESULT tutorials system=P/F/S ours=P/F/S ok|FAIL: ..." (or SKIP: without python3-zmq);
# exits 0, 1, or 77 for a skip.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
libdir="$(cd "${1:?usage: run.sh LIBDIR}" && pwd -P)"
py=/usr/bin/python3
system_lib=/usr/lib/x86_64-linux-gnu/libzmq.so.5
scenarios=(reqrep pubsub pushpull pair asyncio gevent)

"$py" -c 'import zmq' 2>/dev/null \
  || { echo "RESULT tutorials SKIP: $py cannot import zmq (apt-get install python3-zmq)"; exit 77; }

declare -A passed=([system]=0 [ours]=0) failed=([system]=0 [ours]=0) skipped=([system]=0 [ours]=0)
regressions=()
for scenario in "${scenarios[@]}"; do
  if [ "$scenario" = gevent ] && ! "$py" -c 'import gevent' 2>/dev/null; then
    echo "skipped: gevent (no gevent module for $py: apt-get install python3-gevent)"
    skipped[system]=$((skipped[system] + 1)) skipped[ours]=$((skipped[ours] + 1))
    continue
  fi
  for which in system ours; do
    if [ "$which" = system ]; then
      out="$(env -u LD_LIBRARY_PATH -u LD_PRELOAD TUTORIAL_EXPECT_LIB="$system_lib" \
        timeout 120 "$py" "$here/tutorials.py" "$scenario" 2>&1)"
    else
      out="$(env -u LD_PRELOAD LD_LIBRARY_PATH="$libdir" TUTORIAL_EXPECT_LIB="$libdir/libzmq.so.5" \
        timeout 120 "$py" "$here/tutorials.py" "$scenario" 2>&1)"
    fi
    rc=$?
    echo "$out"
    if [ $rc -eq 0 ]; then
      passed[$which]=$((passed[$which] + 1))
      echo "pass: $scenario on $which"
    else
      failed[$which]=$((failed[$which] + 1))
      echo "FAIL: $scenario on $which (exit $rc)"
      [ "$which" = ours ] && regressions+=("$scenario")
    fi
  done
done

counts() { echo "${passed[$1]}/${failed[$1]}/${skipped[$1]}"; }
if [ ${#regressions[@]} -eq 0 ]; then
  echo "RESULT tutorials system=$(counts system) ours=$(counts ours) ok"
else
  echo "RESULT tutorials system=$(counts system) ours=$(counts ours) FAIL: ${regressions[*]} on ours"
  exit 1
fi
