#!/usr/bin/env bash
# Runs each benchmark program on the system libzmq and on ours in the same run, and prints the
# ratio ours/libzmq for each figure: above 1.0 is better for throughput and rates, below 1.0 is
# better for latency and for peak_rss_kb (peak resident set, KiB, from getrusage). Each figure is
# the median of BENCH_ROUNDS (5) runs, taken alternately. Runs of a fraction of a second, which
# the load swings of a shared machine move by up to 2x for either library, take
# BENCH_SHORT_ROUNDS (7): the tcp and ipc rows of 1 B, 64 B and 1 MiB (at 1 and 64 B, where
# thread placement alone moves either library's throughput by up to 2x), and the rows of the
# fan-out, ROUTER and proxy programs. The 1000 connections and the raw baseline take
# BENCH_SLOW_ROUNDS (3), to keep the whole run under ten minutes on two cores (latency rows
# make 10000 round trips in one process, 3000 across two: a round trip costs 50-100 us on a
# virtual machine whose thread wake-ups are slow). The throughput rows of 1 MiB send 4000
# messages: remote_thr never writes its messages, and those sent before the first is freed
# (the send queue fills: about 1000 with ours, 1100-1450 with libzmq) are memory no thread
# used before, whose every page the kernel faults in as it reads it (256 faults a message);
# in a run of 1000 that was all the row measured. The network benchmarks (local_thr/remote_thr,
# local_lat/remote_lat, libzmq's perf tools; conn_local/conn_remote) run as two processes over
# tcp and ipc, both on the same library; the peak RSS is the binding, receiving side's
# (local_*). The others are one process each, with threads, and take the
# endpoint to bind to: "tcp://127.0.0.1:*" (a free port), "ipc://PATH" or "inproc://NAME".
# A run that fails (exit status, crash, BENCH_TIMEOUT seconds, 60 by default) shows FAIL in its
# row and a "#" note under it; that library's remaining rounds of the row are then skipped.
#
# Sections of the table ("# ..." lines head each), labels in the first column:
#   msg                      the message API alone (msg_bench)
#   inproc_thr, inproc_lat   one process, two threads, 1 B to 1 MiB
#   inproc_poll              inproc_poll_lat (inproc_lat.c built with -DPOLL_FIRST): zmq_poll
#                            before every receive, as event loops wait
#   tcp_*, ipc_*             local_thr/remote_thr and local_lat/remote_lat, 1 B to 1 MiB
#   curve_thr, curve_hs      the same throughput pair through CURVE; whole handshakes per second
#   fan<N>_<transport>       pubsub_thr: one XPUB (no drop) to N SUB threads each subscribed to the
#                            one topic every message starts with; msg/s counts deliveries (all
#                            subscribers), sub_msg/s is per subscriber
#   fan8t1k_<transport>      the same with 1000 topics per subscriber (each message matches one):
#                            compare with fan8_ to see what the number of subscriptions costs
#   router_<transport>       router_thr: 4 DEALER threads, 100 requests outstanding each, one
#                            ROUTER (ZMQ_ROUTER_MANDATORY: no reply dropped) echoing; requests/s
#   proxy_<transport>        proxy_thr: PUSH -> [PULL, zmq_proxy, PUSH] -> PULL
#   conn1k_<transport>       conn_local/conn_remote: 1000 DEALER sockets (one process) connected to
#                            one ROUTER (the other): connect_ms (all connected and answered once),
#                            msg/s spread over all connections, and the ROUTER process's peak RSS
#                            once connected (connected_rss_kb) and at the end (peak_rss_kb)
# Then a second table, the raw baseline: raw_thr and raw_lat move the same sizes over plain
# sockets (tcp loopback with TCP_NODELAY, and a unix socket for ipc with the send buffer ours
# sets up there) with no zmq at all,
# BENCH_SLOW_ROUNDS runs each. Each row sets one raw figure (median) beside libzmq's and ours
# (the medians in the tcp_/ipc_ rows above of the same size) and gives libzmq/raw and ours/raw:
#   raw_<t>_thr msg/s        one write() and one read() per message: a program that does not batch
#   raw_<t>_thr bulk_msg/s   the same bytes in 256 KiB writes and reads, counted in messages of
#                            SIZE: the kernel's streaming limit, which zmq's batching can approach
#   raw_<t>_lat latency_us   ping-pong of SIZE bytes, half the round trip (as remote_lat)
# Both compare with zmq's msg/s (above 1.0: faster than plain sockets) and latency_us.
# Usage: capi-tests/bench/run.sh [LIBDIR] [INCDIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
top="$(cd "$here/../.." && pwd)"
libdir="$(cd "${1:-$top/target/release}" && pwd)"
incdir="$(cd "${2:-$top/include}" && pwd)"
system_libdir=/usr/lib/x86_64-linux-gnu
build="$(mktemp -d)"
ipc_path="/tmp/zmq-bench-$$"
trap 'rm -rf "$build"; rm -f "$ipc_path" "$ipc_path"-*' EXIT

[ -e "$system_libdir/libzmq.so.5" ] || { echo "no system libzmq at $system_libdir: install libzmq5"; exit 1; }
for program in msg_bench inproc_thr inproc_lat local_thr remote_thr local_lat remote_lat curve_handshake \
               conn_local conn_remote; do
  cc -O2 -std=c99 -Wall -Wextra -I "$incdir" "$here/$program.c" -o "$build/$program" -L "$libdir" -lzmq
done
cc -O2 -std=c99 -Wall -Wextra -DPOLL_FIRST -I "$incdir" "$here/inproc_lat.c" -o "$build/inproc_poll_lat" \
  -L "$libdir" -lzmq
for program in pubsub_thr router_thr proxy_thr; do
  cc -O2 -std=c99 -Wall -Wextra -I "$incdir" "$here/$program.c" -o "$build/$program" -L "$libdir" -lzmq -lpthread
done
for program in raw_thr raw_lat; do # no zmq
  cc -O2 -std=c99 -Wall -Wextra "$here/$program.c" -o "$build/$program" -lpthread
done

rounds="${BENCH_ROUNDS:-5}"
slow_rounds="${BENCH_SLOW_ROUNDS:-3}"
short_rounds="${BENCH_SHORT_ROUNDS:-7}"
timeout_s="${BENCH_TIMEOUT:-60}"

# describe STATUS: a process's exit status in words.
describe() {
  case "$1" in
    124) echo "timed out after ${timeout_s} s" ;;
    137) echo "killed (SIGKILL)" ;;
    *) if [ "$1" -gt 128 ]; then echo "died of signal $(($1 - 128)) ($(kill -l "$(($1 - 128))" 2>/dev/null || true))"
       else echo "exit status $1"; fi ;;
  esac
}

# figures TAG FILE...: the "name value" lines of the files, as "TAG name value".
figures() {
  local tag="$1"; shift
  awk -v tag="$tag" 'NF == 2 && $2 ~ /^[0-9.]+([eE][-+]?[0-9]+)?$/ { print tag, $1, $2 }' "$@"
}

# run_one LIBDIR TAG PROGRAM ARGS...: one run of a single-process benchmark, printing its figures
# as "TAG name value", or "TAG !fail why" when it fails.
run_one() {
  local lib="$1" tag="$2" status=0; shift 2
  LD_LIBRARY_PATH="$lib" timeout "$timeout_s" "$build/$@" >"$build/out" 2>"$build/err" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "$tag !fail $1 $(describe "$status")$([ ! -s "$build/err" ] || echo ": $(head -n 1 "$build/err" | head -c 200)")"
  elif [ -z "$(figures "$tag" "$build/out")" ]; then
    echo "$tag !fail $1 printed no figures"
  else
    figures "$tag" "$build/out"
  fi
}

# wait_listening ENDPOINT PID: waits (5 s at most) until ENDPOINT accepts connections or PID ends.
wait_listening() {
  local endpoint="$1" pid="$2" i port hex
  for i in $(seq 500); do
    kill -0 "$pid" 2>/dev/null || return 1
    case "$endpoint" in
      ipc://*) [ -S "${endpoint#ipc://}" ] && return 0 ;;
      tcp://*) port="${endpoint##*:}"; printf -v hex '%04X' "$port"
               # local address ends in :PORT and the state is 0A (LISTEN)
               awk -v p=":$hex" 'substr($2, length($2) - 4) == p && $4 == "0A" { f = 1 } END { exit !f }' \
                 /proc/net/tcp /proc/net/tcp6 2>/dev/null && return 0 ;;
    esac
    sleep 0.01
  done
  return 1
}

# free_port: a tcp port on which nothing listens or lingers (TIME_WAIT too), one per run.
next_port=$((20000 + $$ % 20000))
free_port() {
  local hex
  while :; do
    next_port=$((next_port + 1)); [ "$next_port" -lt 60000 ] || next_port=20001
    printf -v hex '%04X' "$next_port"
    awk -v p=":$hex" 'substr($2, length($2) - 4) == p || substr($3, length($3) - 4) == p { f = 1 }
      END { exit f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null && break
  done
  echo "$next_port"
}

# run_pair LIBDIR TAG LOCAL REMOTE ENDPOINT SIZE COUNT [ARGS...]: one run of a network
# benchmark: starts LOCAL (which binds), waits until it listens, then starts REMOTE (which
# connects), both on LIBDIR and both given ENDPOINT SIZE COUNT ARGS. Prints the figures of both as
# "TAG name value", or "TAG !fail why" when either fails; when one fails the other is stopped at
# once rather than left to its time-out.
run_pair() {
  local lib="$1" tag="$2" local_prog="$3" remote_prog="$4" endpoint="$5" size="$6" count="$7"
  local lpid rpid first status=0 lstatus=0 rstatus=0 snap
  shift 7
  case "$endpoint" in ipc://*) rm -f "${endpoint#ipc://}" ;; esac
  LD_LIBRARY_PATH="$lib" timeout "$timeout_s" "$build/$local_prog" "$endpoint" "$size" "$count" "$@" \
    >"$build/local.out" 2>"$build/local.err" &
  lpid=$!
  if ! wait_listening "$endpoint" "$lpid"; then
    kill "$lpid" 2>/dev/null || true
    wait "$lpid" || lstatus=$?
    echo "$tag !fail $local_prog did not listen on $endpoint: $(describe "$lstatus")$([ ! -s "$build/local.err" ] || echo ": $(head -n 1 "$build/local.err" | head -c 200)")"
    return
  fi
  LD_LIBRARY_PATH="$lib" timeout "$timeout_s" "$build/$remote_prog" "$endpoint" "$size" "$count" "$@" \
    >"$build/remote.out" 2>"$build/remote.err" &
  rpid=$!
  # Shortly before the time-out, note where the bytes are stuck (queues of the connection).
  ( trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    sleep "$(awk -v t="$timeout_s" 'BEGIN { print t * 0.9 }')" & sleeper=$!
    wait "$sleeper"
    case "$endpoint" in
      tcp://*) ss -tn "( sport = :${endpoint##*:} or dport = :${endpoint##*:} )" ;;
      ipc://*) ss -xn | awk -v p="${endpoint#ipc://}" 'NR == 1 || index($0, p)' ;;
    esac ) >"$build/snapshot" 2>&1 &
  snap=$!
  wait -n -p first "$lpid" "$rpid" || status=$?
  if [ "$first" = "$lpid" ]; then
    lstatus=$status
    [ "$lstatus" -eq 0 ] || kill "$rpid" 2>/dev/null || true
    wait "$rpid" || rstatus=$?
  else
    rstatus=$status
    [ "$rstatus" -eq 0 ] || kill "$lpid" 2>/dev/null || true
    wait "$lpid" || lstatus=$?
  fi
  kill "$snap" 2>/dev/null || true
  wait "$snap" 2>/dev/null || true
  if [ "$lstatus" -ne 0 ] || [ "$rstatus" -ne 0 ]; then
    local why cause other cause_status other_status cause_err
    # The one that ended first with a failure is the cause; the other one we stopped, if it ran.
    if { [ "$first" = "$lpid" ] && [ "$lstatus" -ne 0 ]; } || [ "$rstatus" -eq 0 ]; then
      cause=$local_prog cause_status=$lstatus cause_err="$build/local.err" other=$remote_prog other_status=$rstatus
    else
      cause=$remote_prog cause_status=$rstatus cause_err="$build/remote.err" other=$local_prog other_status=$lstatus
    fi
    why="$cause $(describe "$cause_status")"
    [ ! -s "$cause_err" ] || why="$why: $(head -n 1 "$cause_err" | head -c 200)"
    case "$other_status" in
      0) ;;
      143) why="$why; $other stopped" ;;
      *) why="$why; $other $(describe "$other_status")" ;;
    esac
    if [ "$lstatus" -eq 124 ] || [ "$rstatus" -eq 124 ]; then
      why="$why; sockets shortly before (ss -n): $(awk 'NR > 1 { $1 = $1; printf "%s%s", sep, $0; sep = " | " } END { if (NR < 2) printf "none" }' "$build/snapshot" 2>/dev/null)"
    fi
    echo "$tag !fail $why"
  elif [ -z "$(figures "$tag" "$build/local.out" "$build/remote.out")" ]; then
    echo "$tag !fail $local_prog and $remote_prog printed no figures"
  else
    figures "$tag" "$build/local.out" "$build/remote.out"
  fi
  case "$endpoint" in ipc://*) rm -f "${endpoint#ipc://}" ;; esac
}

# summarize LABEL SIZE [FIGURES]: reads "lib name value" and "lib !fail why" lines and prints, for
# each figure (only those named in FIGURES when given), the median of each library and the ratio
# ours/libzmq. A library with a failed run shows FAIL, the ratio FAILED, and a "#" note says why.
# The rows are kept in $build/table too, for the raw baseline table.
summarize() {
  awk -v label="$1" -v size="$2" -v only="${3:-}" '
    $2 == "!fail" { fails[$1]++; why = $0; sub(/^[^ ]+ [^ ]+ /, "", why); notes[++nnotes] = $1 ": " why; next }
    only != "" && index(" " only " ", " " $2 " ") == 0 { next }
    { key = $2; if (!(key in order)) { order[key] = ++n; names[n] = key }
      v[$1, key, ++count[$1, key]] = $3 }
    function median(lib, key,   m, i, j, t, a) {
      m = count[lib, key]; for (i = 1; i <= m; i++) a[i] = v[lib, key, i]
      for (i = 2; i <= m; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
      return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
    function cell(lib, key) {
      if (fails[lib]) return "FAIL"
      if (!count[lib, key]) return "-"
      return sprintf("%.3f", median(lib, key)) }
    END {
      if (n == 0) { split(only, f, " "); names[++n] = (f[1] != "" ? f[1] : "(no figures)") }
      for (i = 1; i <= n; i++) { k = names[i]; a = cell("libzmq", k); b = cell("ours", k)
        if (fails["libzmq"] || fails["ours"] || a == "-" || b == "-") r = "FAILED"
        else r = sprintf("%.2fx", a > 0 ? b / a : 0)
        printf "%-14s %-22s %8s %14s %14s %8s\n", label, k, size, a, b, r }
      for (i = 1; i <= nnotes; i++) printf "%-14s   # %s\n", label, notes[i] }' | tee -a "$build/table"
}

# compare LABEL SIZE PROGRAM ARGS...: runs the program on libzmq and on ours alternately, ROUNDS
# times each (so that drifting machine load hits both alike), and prints the median of each
# figure ("name value" lines) for both and their ratio ours/libzmq. FIGURES (environment), when
# set, names the figures to show; ROUNDS (environment), when set, replaces BENCH_ROUNDS.
compare() {
  local label="$1" size="$2"; shift 2
  local failed_libzmq=0 failed_ours=0 out
  for _ in $(seq "${ROUNDS:-$rounds}"); do
    if [ "$failed_libzmq" -eq 0 ]; then
      out="$(run_one "$system_libdir" libzmq "$@")"; echo "$out"
      case "$out" in *" !fail "*) failed_libzmq=1 ;; esac
    fi
    if [ "$failed_ours" -eq 0 ]; then
      out="$(run_one "$libdir" ours "$@")"; echo "$out"
      case "$out" in *" !fail "*) failed_ours=1 ;; esac
    fi
  done | summarize "$label" "$size" "${FIGURES:-}"
}

# compare_net LABEL SIZE LOCAL REMOTE ENDPOINT COUNT [ARGS...]: as compare, for a network
# benchmark pair (ARGS go to both programs after COUNT). tcp endpoints take a fresh port for
# every run ("tcp://127.0.0.1:PORT" is completed here).
compare_net() {
  local label="$1" size="$2" local_prog="$3" remote_prog="$4" endpoint="$5" count="$6"
  local failed_libzmq=0 failed_ours=0 out ep
  shift 6
  for _ in $(seq "${ROUNDS:-$rounds}"); do
    for lib in libzmq ours; do
      if [ "$lib" = libzmq ]; then [ "$failed_libzmq" -eq 0 ] || continue; dir="$system_libdir"
      else [ "$failed_ours" -eq 0 ] || continue; dir="$libdir"; fi
      ep="$endpoint"; [ "$ep" != tcp://127.0.0.1 ] || ep="$ep:$(free_port)"
      out="$(run_pair "$dir" "$lib" "$local_prog" "$remote_prog" "$ep" "$size" "$count" "$@")"; echo "$out"
      case "$out" in *" !fail "*) if [ "$lib" = libzmq ]; then failed_libzmq=1; else failed_ours=1; fi ;; esac
    done
  done | summarize "$label" "$size" "${FIGURES:-}"
}

# compare_raw LABEL ZMQ_LABEL SIZE FIGURE=ZMQ_FIGURE... -- PROGRAM ARGS...: runs a raw baseline
# (no zmq) BENCH_SLOW_ROUNDS times and prints, for each FIGURE, its median beside libzmq's and ours
# (the medians of ZMQ_FIGURE in the ZMQ_LABEL row of SIZE in $build/table) and the ratios
# libzmq/raw and ours/raw. A failed run shows FAIL and a "#" note.
compare_raw() {
  local label="$1" zmq_label="$2" size="$3" maps=() out; shift 3
  while [ "$1" != -- ]; do maps+=("$1"); shift; done; shift
  for _ in $(seq "$slow_rounds"); do
    out="$(run_one "$system_libdir" raw "$@")"; echo "$out"
    case "$out" in *" !fail "*) break ;; esac
  done | awk -v label="$label" -v zlabel="$zmq_label" -v size="$size" -v maps="${maps[*]}" -v table="$build/table" '
    $2 == "!fail" { failed = 1; why = $0; sub(/^[^ ]+ [^ ]+ /, "", why); next }
    { v[$2, ++count[$2]] = $3 }
    function median(key,   m, i, j, t, a) {
      m = count[key]; for (i = 1; i <= m; i++) a[i] = v[key, i]
      for (i = 2; i <= m; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
      return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
    function ratio(x, y,   r) { if (x !~ /^[0-9.]+$/ || y + 0 <= 0) return "-"
      r = x / y; return sprintf(r >= 0.01 ? "%.2fx" : "%.1ex", r) }
    END {
      while ((getline line < table) > 0) { split(line, f, " ")
        if (f[1] == zlabel && f[3] == size) { zlib[f[2]] = f[4]; zours[f[2]] = f[5] } }
      n = split(maps, m, " ")
      for (i = 1; i <= n; i++) { split(m[i], p, "="); raw = failed ? "FAIL" : (count[p[1]] ? sprintf("%.3f", median(p[1])) : "-")
        a = (p[2] in zlib) ? zlib[p[2]] : "-"; b = (p[2] in zours) ? zours[p[2]] : "-"
        printf "%-14s %-22s %8s %14s %14s %14s %10s %10s\n", label, p[1], size, raw, a, b, ratio(a, raw), ratio(b, raw) }
      if (failed) printf "%-14s   # %s\n", label, why }'
}

# section TEXT: a "# TEXT" line heading the rows that follow.
section() { printf '# %s\n' "$1"; }

printf '%-14s %-22s %8s %14s %14s %8s\n' bench figure size libzmq ours ratio
section "message API"
for size in 1 64 1024 65536; do
  count=2000000; [ "$size" -ge 65536 ] && count=200000
  compare msg "$size" msg_bench "$size" "$count"
done
section "inproc: two threads"
for size in 1 64 1024 65536 1048576; do
  count=2000000; [ "$size" -ge 65536 ] && count=300000
  FIGURES="msg/s peak_rss_kb" compare inproc_thr "$size" inproc_thr "$size" "$count"
  FIGURES=latency_us compare inproc_lat "$size" inproc_lat "$size" 10000
  FIGURES=latency_us compare inproc_poll "$size" inproc_poll_lat "$size" 10000
done
section "tcp and ipc: two processes (local_* binds and receives; its peak RSS)"
for transport in tcp ipc; do
  case "$transport" in tcp) endpoint=tcp://127.0.0.1 ;; ipc) endpoint="ipc://$ipc_path" ;; esac
  for size in 1 64 1024 65536 1048576; do
    lat_count=3000
    net_rounds=$rounds
    case "$size" in 1|64) count=1000000 net_rounds=$short_rounds ;; 1024) count=500000 ;; 65536) count=20000 ;;
      *) count=4000 lat_count=500 net_rounds=$short_rounds ;; esac
    ROUNDS=$net_rounds FIGURES="msg/s Mb/s peak_rss_kb" compare_net "${transport}_thr" "$size" local_thr remote_thr "$endpoint" "$count"
    ROUNDS=$net_rounds FIGURES=latency_us compare_net "${transport}_lat" "$size" local_lat remote_lat "$endpoint" "$lat_count"
  done
done
# CURVE: the same throughput programs through the mechanism (BENCH_CURVE=1 gives both sides the
# test key pairs), and the rate of whole handshakes over new tcp connections.
section "CURVE over tcp"
for size in 1 64 1024 65536; do
  case "$size" in 1|64) count=500000 ;; 1024) count=200000 ;; *) count=10000 ;; esac
  BENCH_CURVE=1 FIGURES="msg/s Mb/s peak_rss_kb" compare_net curve_thr "$size" local_thr remote_thr tcp://127.0.0.1 "$count"
done
FIGURES=handshakes/s compare curve_hs 0 curve_handshake 1000

# The fan-out, ROUTER and proxy rows run BENCH_SHORT_ROUNDS rounds each (their runs take a
# fraction of a second), the 1000 connections BENCH_SLOW_ROUNDS.
section "pub/sub fan-out, 64 B: fan<subscribers>[t<topics>]_<transport> (see the header of run.sh)"
for transport in tcp ipc inproc; do
  case "$transport" in tcp) endpoint='tcp://127.0.0.1:*' ;; ipc) endpoint="ipc://$ipc_path-pubsub" ;; inproc) endpoint=inproc://pubsub ;; esac
  ROUNDS=$short_rounds FIGURES="msg/s peak_rss_kb" compare "fan1_$transport" 64 pubsub_thr "$endpoint" 64 500000 1 1
  ROUNDS=$short_rounds FIGURES="msg/s sub_msg/s peak_rss_kb" compare "fan8_$transport" 64 pubsub_thr "$endpoint" 64 100000 8 1
  ROUNDS=$short_rounds FIGURES="msg/s sub_msg/s peak_rss_kb" compare "fan8t1k_$transport" 64 pubsub_thr "$endpoint" 64 100000 8 1000
done
section "DEALER/ROUTER requests, 64 B: 4 clients, 100 outstanding each"
for transport in tcp ipc inproc; do
  case "$transport" in tcp) endpoint='tcp://127.0.0.1:*' ;; ipc) endpoint="ipc://$ipc_path-router" ;; inproc) endpoint=inproc://router ;; esac
  ROUNDS=$short_rounds FIGURES="requests/s peak_rss_kb" compare "router_$transport" 64 router_thr "$endpoint" 64 50000 4 100
done
section "through zmq_proxy, 64 B: PUSH -> [PULL, zmq_proxy, PUSH] -> PULL"
for transport in tcp ipc inproc; do
  case "$transport" in
    tcp) front='tcp://127.0.0.1:*' back='tcp://127.0.0.1:*' ;;
    ipc) front="ipc://$ipc_path-front" back="ipc://$ipc_path-back" ;;
    inproc) front=inproc://front back=inproc://back ;;
  esac
  ROUNDS=$short_rounds FIGURES="msg/s peak_rss_kb" compare "proxy_$transport" 64 proxy_thr "$front" "$back" 64 500000
done
section "1000 connections to one ROUTER, 64 B (the ROUTER process's RSS)"
for transport in tcp ipc; do
  case "$transport" in tcp) endpoint=tcp://127.0.0.1 ;; ipc) endpoint="ipc://$ipc_path" ;; esac
  ROUNDS=$slow_rounds FIGURES="connect_ms msg/s connected_rss_kb peak_rss_kb" \
    compare_net "conn1k_$transport" 64 conn_local conn_remote "$endpoint" 500000 1000
done

echo
printf '%-14s %-22s %8s %14s %14s %14s %10s %10s\n' bench figure size raw libzmq ours libzmq/raw ours/raw
section "plain sockets, no zmq, beside the tcp_/ipc_ rows above (see the header of run.sh)"
for transport in tcp ipc; do
  case "$transport" in tcp) endpoint='tcp://127.0.0.1:*' ;; ipc) endpoint="ipc://$ipc_path-raw" ;; esac
  for size in 1 64 1024 65536 1048576; do
    lat_count=3000
    case "$size" in 1|64) count=500000 ;; 1024) count=200000 ;; 65536) count=20000 ;; *) count=4000 lat_count=500 ;; esac
    compare_raw "raw_${transport}_thr" "${transport}_thr" "$size" msg/s=msg/s bulk_msg/s=msg/s -- raw_thr "$endpoint" "$size" "$count"
    compare_raw "raw_${transport}_lat" "${transport}_lat" "$size" latency_us=latency_us -- raw_lat "$endpoint" "$size" "$lat_count"
  done
done
