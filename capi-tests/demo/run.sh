#!/usr/bin/env bash
# Builds and runs the demo programs against the library in LIBDIR (default target/release).
# Usage: capi-tests/demo/run.sh [LIBDIR] [INCDIR]
#
# 1. In one process over inproc, on ours: patterns.c and version_and_messages.c (C), messages.py
#    and patterns.py (Python through ctypes, the library loaded by its path).
# 2. Across processes over tcp://127.0.0.1 (ports the binders take as "*"), every process on
#    ours (LD_LIBRARY_PATH=LIBDIR): the zguide patterns REQ/REP (hwserver, hwclient), PUB/SUB
#    with a topic filter (wuserver, wuclient), PUSH/PULL (a ventilator, two workers, a sink)
#    and PAIR, as roles of tcp_patterns.c.
# 3. The same patterns with some processes in Python (tcp_patterns.py: `import zmq`, Debian's
#    pyzmq on the system libzmq, LD_LIBRARY_PATH unset) and the others the C program on ours:
#    the two libraries talking over the wire. Skipped, with a "skipped:" line, where
#    /usr/bin/python3 cannot import zmq (Debian: apt-get install python3-zmq).
#
# Every process runs under `timeout` and prints first the library it runs on; a step passes
# when each of its processes ran on the library intended (ours, or for Python not ours), exited
# 0 and printed the lines expected (counts of replies, updates, results). Ends with a summary,
# "N passed, M failed, K skipped", and exits 1 if a step failed.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
top="$(cd "$here/../.." && pwd)"
libdir="$(cd "${1:-$top/target/release}" && pwd)"
incdir="$(cd "${2:-$top/include}" && pwd)"
py=/usr/bin/python3
proc_timeout=${DEMO_TIMEOUT:-10}
build="$(mktemp -d)"
cleanup() { # stops the demo's own processes still running (on an interrupt)
  local p
  for p in $(jobs -p); do kill "$p" 2>/dev/null; done
  rm -rf "$build"
}
trap cleanup EXIT

ours="$(realpath "$libdir/libzmq.so.5")"
system_lib="$( (/sbin/ldconfig -p || ldconfig -p) 2>/dev/null \
  | awk '$1 == "libzmq.so.5" { print $NF; exit }')"
[ -n "$system_lib" ] && system_lib="$(realpath "$system_lib")"
export DEMO_OURS_LIB="$ours" DEMO_SYSTEM_LIB="$system_lib"
echo "ours:          $ours"
echo "system libzmq: ${system_lib:-none found}"
started=$SECONDS

for src in "$here"/*.c; do
  name="$(basename "$src" .c)"
  if ! cc -std=c99 -Wall -Wextra -Wpedantic -Werror -I "$incdir" "$src" -o "$build/$name" \
    -L "$libdir" -lzmq -ldl; then
    echo "failed: building $name.c"
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
  fi
done

passed=0 failed=0 skipped=0
failed_steps=()
step=0
# The current step: its processes by name, and why it failed so far.
declare -A pid lib log rc shown
order=()
why=""

fail_because() { why="$why${why:+; }$1"; }

begin() { # title
  title=$1
  step_started=$EPOCHREALTIME
  step=$((step + 1))
  pid=() lib=() log=() rc=() shown=()
  order=()
  why=""
  echo
  echo "== $title"
}

# start NAME DISPLAY ours|system COMMAND...: runs COMMAND in the background under timeout, on
# ours (LD_LIBRARY_PATH=LIBDIR) or on the system libzmq (no LD_LIBRARY_PATH).
start() {
  local name=$1 display=$2 which=$3
  shift 3
  log[$name]="$build/$step.$name.log"
  lib[$name]=$which
  shown[$name]=$display
  if [ "$which" = ours ]; then
    LD_LIBRARY_PATH="$libdir" ZMQ_LIB="$libdir/libzmq.so.5" \
      timeout "$proc_timeout" "$@" >"${log[$name]}" 2>&1 &
  else
    env -u LD_LIBRARY_PATH -u LD_PRELOAD timeout "$proc_timeout" "$@" >"${log[$name]}" 2>&1 &
  fi
  pid[$name]=$!
  order+=("$name")
}

# role NAME c|py ROLE ARGS...: a role of tcp_patterns, in C on ours or in Python on pyzmq.
role() {
  local name=$1 impl=$2
  shift 2
  if [ "$impl" = c ]; then
    start "$name" "$name (C)" ours "$build/tcp_patterns" "$@"
  else
    start "$name" "$name (Python)" system "$py" "$here/tcp_patterns.py" "$@"
  fi
}

who() { if [ "$1" = c ]; then echo "C/ours"; else echo "Python/system"; fi; }

# endpoint NAME N: the Nth endpoint the process NAME bound, once it printed it (5 s at most).
endpoint() {
  local name=$1 n=$2 deadline=$((SECONDS + 5)) ep alive
  while :; do
    kill -0 "${pid[$name]}" 2>/dev/null && alive=1 || alive=0
    ep="$(sed -n 's/^bound to //p' "${log[$name]}" | sed -n "${n}p")"
    if [ -n "$ep" ]; then echo "$ep"; return 0; fi
    if [ $alive = 0 ] || [ $SECONDS -ge $deadline ]; then return 1; fi
    sleep 0.01
  done
}

# Waits for the step's processes, shows their output and checks how they ended and on which
# library they ran. Once the step failed (a process ended badly, or one could not be started),
# the processes still running are stopped rather than left to their time-outs.
finish() {
  local name width=0 code path line done_pid
  local -A stopped=()
  local -a running=()
  for name in "${order[@]}"; do
    running+=("${pid[$name]}")
    [ ${#shown[$name]} -gt $width ] && width=${#shown[$name]}
  done
  while [ ${#running[@]} -gt 0 ]; do
    if [ -n "$why" ]; then
      for name in "${order[@]}"; do
        if [ -z "${rc[$name]:-}" ] && [ -z "${stopped[$name]:-}" ]; then
          stopped[$name]=1
          kill "${pid[$name]}" 2>/dev/null
        fi
      done
    fi
    wait -n -p done_pid "${running[@]}"
    code=$?
    for name in "${order[@]}"; do
      [ "${pid[$name]}" = "$done_pid" ] || continue
      rc[$name]=$code
      if [ -n "${stopped[$name]:-}" ]; then
        :
      elif [ "$code" = 124 ]; then
        fail_because "$name timed out after ${proc_timeout} s"
      elif [ "$code" != 0 ]; then
        line="$(sed -n 's/^FAIL: //p' "${log[$name]}" | head -n 1)"
        fail_because "$name failed (exit status $code${line:+: $line})"
      fi
    done
    running=()
    for name in "${order[@]}"; do
      [ -z "${rc[$name]:-}" ] && running+=("${pid[$name]}")
    done
  done
  for name in "${order[@]}"; do
    while IFS= read -r line; do
      printf '  %-*s | %s\n' "$width" "${shown[$name]}" "$line"
    done <"${log[$name]}"
    [ -n "${stopped[$name]:-}" ] && printf '  %-*s | (stopped by the demo)\n' "$width" "${shown[$name]}"
  done
  for name in "${order[@]}"; do
    path="$(sed -n 's/^library: \([^ ]*\).*/\1/p' "${log[$name]}" | head -n 1)"
    [ -n "$path" ] && path="$(realpath "$path")"
    if [ -z "$path" ]; then
      fail_because "$name did not tell its library"
    elif [ "${lib[$name]}" = ours ] && [ "$path" != "$ours" ]; then
      fail_because "$name ran on $path, not ours"
    elif [ "${lib[$name]}" = system ] && [ "$path" = "$ours" ]; then
      fail_because "$name ran on ours, not the system libzmq"
    fi
  done
}

# expect NAME COUNT REGEX: the output of NAME has COUNT lines matching the extended REGEX
# (checked while the step has not failed otherwise: the first reason is the one told).
expect() {
  local name=$1 count=$2 re=$3 got
  [ -z "$why" ] || return 0
  got=$(grep -cE -- "$re" "${log[$name]}")
  [ "$got" = "$count" ] || fail_because "$name printed $got lines like /$re/, expected $count"
}

verdict() { # what was checked
  local took
  took=$(awk -v a="$step_started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f s", b - a }')
  if [ -z "$why" ]; then
    passed=$((passed + 1))
    echo "[PASS] $title: $1 ($took)"
  else
    failed=$((failed + 1))
    failed_steps+=("$title")
    echo "[FAIL] $title: $why ($took)"
  fi
}

pyzmq_missing=""
pyzmq_check() {
  if ! pyzmq_error="$(env -u LD_LIBRARY_PATH -u LD_PRELOAD "$py" -c 'import zmq' 2>&1)"; then
    pyzmq_missing="pyzmq is not importable by $py ($(echo "$pyzmq_error" | tail -n 1)):"
    pyzmq_missing="$pyzmq_missing install python3-zmq to see ours talk to the system libzmq"
  fi
}

# skip_unless_pyzmq TITLE: true (and counts the step skipped) when pyzmq is missing.
skip_unless_pyzmq() {
  [ -z "$pyzmq_missing" ] && return 1
  step=$((step + 1))
  skipped=$((skipped + 1))
  echo "[SKIP] $1: skipped, no pyzmq"
  return 0
}

# ---- 1. in one process, over inproc ----
echo
echo "-- 1. the patterns in one process over inproc, on ours"

begin "patterns over inproc (C, ours)"
start patterns "patterns (C)" ours "$build/patterns"
finish
expect patterns 1 "^REQ/REP +sent 'hello 2', echoed 'hello 2'$"
expect patterns 1 "^PUB/SUB +subscribed to 'weather.': 'weather.paris sunny', 'weather.oslo snow'$"
expect patterns 1 "^PUSH/PULL +worker 1 got 'task 0' and 'task 2'; worker 2 got 'task 1' and 'task 3'$"
expect patterns 1 "^PAIR +b got 'ping', a got 'pong'$"
expect patterns 1 "^multipart +'part 1' 'part 2' 'part 3'$"
expect patterns 1 "^zmq_poll +nothing waiting: 0 ready, after a send: 1 ready \('wake up'\)$"
verdict "echo, filter, round robin, pair, multipart and poll as expected"

begin "version and messages (C, ours)"
start version_and_messages "version_and_messages (C)" ours "$build/version_and_messages"
finish
expect version_and_messages 1 "^version: [0-9]+\.[0-9]+\.[0-9]+ \(header says [0-9]+\)$"
expect version_and_messages 1 "^  free function called for 'the buffer'$"
expect version_and_messages 1 "^z85: HelloWorld$"
verdict "version, zero-copy message freed once, Z85 as expected"

begin "messages (Python through ctypes, ours)"
start messages "messages.py" ours "$py" "$here/messages.py"
finish
expect messages 1 "^message: hello$"
expect messages 1 '^z85: 009c61o!#m2NH\?C3>iWS5d]J\*6CRx17-skh9337x$'
verdict "message and Z85 as expected"

begin "patterns over inproc (Python through ctypes, ours)"
start patterns "patterns.py" ours "$py" "$here/patterns.py"
finish
expect patterns 1 "^REQ/REP +echoed: hello from Python$"
expect patterns 1 "^PUB/SUB +filtered: weather.rome hot$"
expect patterns 1 "^PUSH/PULL +\[\['task 0', 'task 2'\], \['task 1', 'task 3'\]\]$"
expect patterns 1 "^PAIR +got: ping$"
verdict "echo, filter, round robin and pair as expected"

# ---- 2. and 3. across processes, over tcp ----

reqrep() { # server client (c|py)
  local ep
  begin "REQ/REP over tcp: hwserver $(who "$1") <-> hwclient $(who "$2")"
  role hwserver "$1" hwserver 3
  if ep="$(endpoint hwserver 1)"; then
    role hwclient "$2" hwclient "$ep" 3
  else
    fail_because "hwserver told no endpoint"
  fi
  finish
  expect hwserver 3 '^Received request [1-3] \[Hello\]$'
  expect hwclient 3 '^Received reply [1-3] \[World\]$'
  verdict "3 requests, 3 replies"
}

pubsub() { # publisher subscriber (c|py)
  local pub_ep ctl_ep
  begin "PUB/SUB over tcp: wuserver $(who "$1") -> wuclient $(who "$2")"
  role wuserver "$1" wuserver
  if pub_ep="$(endpoint wuserver 1)" && ctl_ep="$(endpoint wuserver 2)"; then
    role wuclient "$2" wuclient "$pub_ep" "$ctl_ep" 3
  else
    fail_because "wuserver told no endpoints"
  fi
  finish
  expect wuclient 3 '^Received update '
  expect wuclient 3 '^Received update [1-3] \[10001 [0-9]+ [0-9]+\]$'
  expect wuserver 1 '^Published [0-9]+ updates for zip codes 10001, 10002 and 10003 until'
  verdict "3 updates, all for the subscribed zip code 10001"
}

pipeline() { # ventilator worker-1 worker-2 sink (c|py)
  local sink_ep vent_ep
  begin "PUSH/PULL over tcp: taskvent $(who "$1"), workers $(who "$2") and $(who "$3"), tasksink $(who "$4")"
  role sink "$4" tasksink 20 2
  if sink_ep="$(endpoint sink 1)"; then
    role ventilator "$1" taskvent "$sink_ep" 20 2
    if vent_ep="$(endpoint ventilator 1)"; then
      role "worker 1" "$2" taskwork 1 "$vent_ep" "$sink_ep"
      role "worker 2" "$3" taskwork 2 "$vent_ep" "$sink_ep"
    else
      fail_because "taskvent told no endpoint"
    fi
  else
    fail_because "tasksink told no endpoint"
  fi
  finish
  expect ventilator 1 '^Total expected cost: [0-9]+ msec$'
  expect "worker 1" 1 '^Worker 1 processed [1-9][0-9]* tasks:'
  expect "worker 2" 1 '^Worker 2 processed [1-9][0-9]* tasks:'
  expect sink 1 '^Received 20 results in [0-9]+ msec: worker 1 did [1-9][0-9]*, worker 2 did [1-9][0-9]*$'
  verdict "20 tasks, 20 results, both workers had a share"
}

pair() { # binder connecter (c|py)
  local ep
  begin "PAIR over tcp: pair-bind $(who "$1") <-> pair-connect $(who "$2")"
  role pair-bind "$1" pair-bind 3
  if ep="$(endpoint pair-bind 1)"; then
    role pair-connect "$2" pair-connect "$ep" 3
  else
    fail_because "pair-bind told no endpoint"
  fi
  finish
  expect pair-bind 3 '^Received \[ping ([1-3])\], answered \[pong \1\]$'
  expect pair-connect 3 '^Sent \[ping ([1-3])\], received \[pong \1\]$'
  verdict "3 pings, 3 pongs"
}

echo
echo "-- 2. the patterns across processes over tcp://127.0.0.1, every process on ours"
reqrep c c
pubsub c c
pipeline c c c c
pair c c

echo
echo "-- 3. the same with Python (pyzmq, system libzmq) on one side and C (ours) on the other"
pyzmq_check
if [ -n "$pyzmq_missing" ]; then
  echo "skipped: $pyzmq_missing"
else
  echo "pyzmq: $(env -u LD_LIBRARY_PATH -u LD_PRELOAD "$py" -c \
    'import zmq; print(zmq.pyzmq_version(), "on libzmq", zmq.zmq_version(), "from", zmq.__file__)')"
fi
skip_unless_pyzmq "REQ/REP over tcp: hwserver $(who py) <-> hwclient $(who c)" || reqrep py c
skip_unless_pyzmq "REQ/REP over tcp: hwserver $(who c) <-> hwclient $(who py)" || reqrep c py
skip_unless_pyzmq "PUB/SUB over tcp: wuserver $(who py) -> wuclient $(who c)" || pubsub py c
skip_unless_pyzmq "PUB/SUB over tcp: wuserver $(who c) -> wuclient $(who py)" || pubsub c py
skip_unless_pyzmq "PUSH/PULL over tcp: taskvent $(who c), workers $(who c) and $(who py), tasksink $(who py)" \
  || pipeline c c py py
skip_unless_pyzmq "PUSH/PULL over tcp: taskvent $(who py), workers $(who py) and $(who c), tasksink $(who c)" \
  || pipeline py py c c
skip_unless_pyzmq "PAIR over tcp: pair-bind $(who py) <-> pair-connect $(who c)" || pair py c
skip_unless_pyzmq "PAIR over tcp: pair-bind $(who c) <-> pair-connect $(who py)" || pair c py

echo
echo "== summary ($((SECONDS - started)) s)"
for t in "${failed_steps[@]}"; do echo "failed: $t"; done
[ -n "$pyzmq_missing" ] && echo "skipped: $pyzmq_missing"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
