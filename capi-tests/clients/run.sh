#!/usr/bin/env bash
# Real clients nobody on this project wrote, run unchanged on our library and on the system
# libzmq in the same run: the drop-in proof.
#
# Usage: capi-tests/clients/run.sh LIBDIR INCDIR [SUITE...]
#
# Suites (each a directory here with a run.sh; see its header):
#   substitution  a C program built against the system libzmq, switched by LD_LIBRARY_PATH/LD_PRELOAD
#   tutorials     the classic Python tutorial programs, zmq.asyncio and zmq.green, on Debian's pyzmq
#   cppzmq        C++ programs on zmq.hpp and zmq_addon.hpp, compiled against our zmq.h
#   czmq          Debian's libczmq selftests and a zsock/zactor/zloop/zpoller/zmsg program
#   pyzmq-debian  the test suite of Debian's python3-zmq
#   pyzmq-wheel   the test suite of the PyPI pyzmq wheel, switched with LD_PRELOAD
# Each suite ends with "RESULT NAME system=P/F/S ours=P/F/S VERDICT" (passed/failed/skipped)
# and exits 0 (ok), 1 (a test passing on the system libzmq fails on ours) or 77 (skipped: a
# prerequisite is missing; the reason is printed). The table of those lines closes the run;
# the exit status is 1 if any suite failed.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
libdir="$(cd "${1:?usage: run.sh LIBDIR INCDIR [SUITE...]}" && pwd -P)"
incdir="$(cd "${2:?usage: run.sh LIBDIR INCDIR [SUITE...]}" && pwd -P)"
shift 2
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(substitution tutorials cppzmq czmq pyzmq-debian pyzmq-wheel)

results=()
status=0
for suite in "${suites[@]}"; do
  echo
  echo "=== $suite"
  started=$SECONDS
  log="$(mktemp)"
  "$here/$suite/run.sh" "$libdir" "$incdir" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  line="$(grep '^RESULT ' "$log" | tail -n 1)"
  rm -f "$log"
  [ -n "$line" ] || line="RESULT $suite FAIL: no RESULT line (exit $rc)"
  case $rc in
    0 | 77) ;;
    *) status=1 ;;
  esac
  [ $rc -ne 0 ] && [ $rc -ne 77 ] && [[ "$line" != *FAIL* ]] && line="$line (but exit $rc)"
  results+=("${line#RESULT } [$((SECONDS - started)) s]")
done

echo
echo "=== clients: passed/failed/skipped on the system libzmq and on ours"
printf '  %s\n' "${results[@]}"
exit $status
