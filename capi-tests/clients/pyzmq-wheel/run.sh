#!/usr/bin/env bash
# pyzmq as installed from PyPI (a manylinux wheel) runs its own test suite on our library.
#
# Usage: capi-tests/clients/pyzmq-wheel/run.sh LIBDIR      (LIBDIR holds our libzmq.so.5)
#
# The wheel carries its own libzmq (pyzmq.libs/libzmq-<hash>.so.5, found through $ORIGIN), so
# LD_LIBRARY_PATH cannot swap it; LD_PRELOAD can: a preloaded libzmq.so.5 comes first in the
# global lookup scope, and the pyzmq extension then binds every zmq_* function to it. The
# bundled copy stays mapped but unused, except for a function the preloaded library lacks,
# which would silently fall through to it; the probe below catches that.
#
# 1. Builds once, and reuses, a virtualenv under target/clients/ keyed by the pins below and
#    the interpreter's version: pinned pyzmq wheel, pytest and what the suite needs. The
#    interpreter is the machine's pip-enabled CPython (python3 on PATH, pyenv's here): every
#    machine of this kind has it with venv and ensurepip built in, where Debian's
#    /usr/bin/python3 needs the python3-venv package, and Debian's python is already the one
#    the pyzmq-debian suite uses. The suite comes from the sdist of the same version
#    (sha256 checked), unpacked beside the venv.
# 2. Runs the sdist's tests/ twice with pytest, from an empty directory (the sdist's own zmq/
#    would shadow the installed one): the system libzmq preloaded, then ours preloaded. Before
#    each run a probe imports zmq the same way, with LD_BIND_NOW=1 LD_DEBUG=bindings, and
#    refuses the run unless pyzmq is the pinned version, zmq_version() is the library's
#    (4.3.4 / 4.3.5), the intended file is mapped, and every zmq_* symbol of pyzmq's
#    extension is bound to it.
# 3. test_proxy_steerable.py skips itself on libzmq >= 4.3.5, which ours reports: it is run
#    once more on ours with zmq_version_info() reporting 4.3.4 and must pass all its tests.
# 4. ../junit_compare.py compares the two JUnit reports test by test: every test that passes
#    on the system libzmq must pass on ours or be listed in known-differences.txt.
#
# Ends with "RESULT pyzmq-wheel system=P/F/S ours=P/F/S ok|FAIL: ..." (exit 0 or 1), or
# "RESULT pyzmq-wheel SKIP: ..." (exit 77) when PyPI cannot be reached or no venv can be made.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
libdir="$(cd "${1:?usage: run.sh LIBDIR}" && pwd -P)"
system_lib=/usr/lib/x86_64-linux-gnu/libzmq.so.5
ours_lib="$(realpath "$libdir/libzmq.so.5")"

# Pins. pyzmq: the newest 27.x on PyPI when this suite was written. The rest are what the
# sdist's test-requirements.txt names for the tests that touch libzmq: pytest-asyncio (the
# asyncio tests; pytest.ini sets asyncio_mode=auto), pytest-rerunfailures (its flaky marks),
# tornado (ZMQStream, futures, auth IOLoop tests), gevent (the *Green test classes, which
# drive libzmq through ZMQ_FD and ZMQ_EVENTS; test-requirements.txt lists it for Python
# < 3.11 only, but it installs and passes on 3.11), numpy (zero-copy sends of array buffers).
# Left out: cython/setuptools (test_cython compiles against zmq.h, which the wheel lacks),
# mypy (type checks of the examples), pymongo, coverage and the linters.
pyzmq_version=27.3.0
sdist_sha256=bbedb3d1d99babc625f1dd9d7438acefd442b36b75073fd6bc1ef7c0a4b96d56
pins=(pyzmq=="$pyzmq_version" pytest==9.2.0 pytest-timeout==2.4.0 pytest-asyncio==1.5.0
  pytest-rerunfailures==16.7 tornado==6.6.1 gevent==26.9.0 numpy==2.4.6)

skip() { echo "RESULT pyzmq-wheel SKIP: $1"; exit 77; }
fail() { echo "RESULT pyzmq-wheel FAIL: $1"; exit 1; }
[ -e "$system_lib" ] || skip "no system libzmq at $system_lib"
[ -e "$ours_lib" ] || fail "no libzmq.so.5 in $libdir"

# Logs, reports and probe output of the latest run stay in target/clients/pyzmq-wheel-last/.
work="$root/target/clients/pyzmq-wheel-last"
rm -rf "$work"
mkdir -p "$work/empty" || fail "cannot create $work"

# --- 1. the virtualenv and the sdist -------------------------------------------------------
python="$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)" \
  || skip "no python3 on PATH"
pyver="$("$python" -c 'import platform; print(platform.python_version())')"
key="$(printf '%s\n' "$pyver" "$sdist_sha256" "${pins[@]}" | sha256sum | cut -c1-12)"
cache="$root/target/clients"
env_dir="$cache/pyzmq-wheel-$pyzmq_version-py$pyver-$key"
venv="$env_dir/venv"
tests="$env_dir/pyzmq-$pyzmq_version/tests"
export PIP_CACHE_DIR="$cache/pip-cache" PIP_DISABLE_PIP_VERSION_CHECK=1

# pip_or_skip LOG ARGS...: runs the venv's pip; on failure SKIPs when PyPI was unreachable,
# FAILs otherwise.
pip_or_skip() {
  local log=$1
  shift
  if ! "$venv/bin/python" -m pip --timeout 30 --retries 2 "$@" >"$log" 2>&1; then
    tail -n 5 "$log" | sed 's/^/  pip: /'
    local unreachable='NewConnectionError|Max retries exceeded|Temporary failure in name'
    unreachable+='|Network is unreachable|Connection refused|timed out'
    if grep -qiE "$unreachable" "$log"; then
      skip "PyPI cannot be reached (pip $1)"
    fi
    fail "pip $1 failed (see above)"
  fi
}

if [ ! -e "$env_dir/complete" ]; then
  echo "== setting up $env_dir (python $python $pyver)"
  rm -rf "$env_dir"
  mkdir -p "$env_dir"
  "$python" -m venv "$venv" >"$work/venv.log" 2>&1 \
    || { sed 's/^/  /' "$work/venv.log"; skip "$python cannot create a virtualenv"; }
  pip_or_skip "$work/install.log" install "${pins[@]}"
  # --no-binary for pyzmq alone: with ':all:', pip would also build the sdist's build
  # requirements (cmake, ninja) from source just to read its metadata, which takes minutes.
  pip_or_skip "$work/download.log" download --no-deps --no-binary pyzmq \
    -d "$env_dir/sdist" "pyzmq==$pyzmq_version"
  sdist="$env_dir/sdist/pyzmq-$pyzmq_version.tar.gz"
  echo "$sdist_sha256  $sdist" | sha256sum --check --quiet \
    || fail "$sdist does not have the pinned sha256"
  tar -xzf "$sdist" -C "$env_dir" || fail "cannot unpack $sdist"
  [ -d "$tests" ] || fail "no tests/ in $sdist"
  touch "$env_dir/complete"
fi
echo "== pyzmq $pyzmq_version wheel, python $pyver, suite $tests"

# --- 2. the probe and the runs -------------------------------------------------------
# Run with LD_BIND_NOW=1 LD_DEBUG=bindings LD_DEBUG_OUTPUT=FILE: the dynamic linker writes
# FILE.<pid> while zmq is imported, so by then it names the library each zmq_* symbol of
# pyzmq's extension was bound to.
cat >"$work/probe.py" <<'EOF'
import os, re, sys
import zmq
want_lib, want_version, want_pyzmq = os.path.realpath(sys.argv[1]), sys.argv[2], sys.argv[3]
mapped = sorted({line.split()[-1] for line in open("/proc/self/maps")
                 if "libzmq" in line.rsplit("/", 1)[-1]})
binding = re.compile(r"binding file (\S+) \[\d+\] to (\S+) \[\d+\]: \S+ symbol `(zmq_\w+)'")
bound = {}
with open("%s.%d" % (os.environ["LD_DEBUG_OUTPUT"], os.getpid())) as log:
    for line in log:
        m = binding.search(line)
        if m and "libzmq" not in os.path.basename(m.group(1)):
            bound.setdefault(os.path.realpath(m.group(2)), set()).add(m.group(3))
print("  pyzmq %s, zmq_version %s" % (zmq.pyzmq_version(), zmq.zmq_version()))
print("  mapped: %s" % " ".join(mapped))
for lib in sorted(bound):
    print("  %d zmq_* symbols of pyzmq bound to %s" % (len(bound[lib]), lib))
problems = []
if zmq.pyzmq_version() != want_pyzmq:
    problems.append("pyzmq is %s, not %s" % (zmq.pyzmq_version(), want_pyzmq))
if zmq.zmq_version() != want_version:
    problems.append("zmq_version() is %s, not %s" % (zmq.zmq_version(), want_version))
if want_lib not in [os.path.realpath(m) for m in mapped]:
    problems.append("%s is not mapped" % want_lib)
if want_lib not in bound:
    problems.append("no zmq_* symbol is bound to %s" % want_lib)
for lib in sorted(set(bound) - {want_lib}):
    problems.append("bound to %s instead: %s" % (lib, " ".join(sorted(bound[lib]))))
for problem in problems:
    print("  PROBLEM: " + problem)
sys.exit(1 if problems else 0)
EOF

# Deselected in both modes, a race in the test itself that libzmq 4.3.4 loses as well:
# test_log.py::TestPubLog::test_blank_root_topic subscribes its SUB (over tcp) to b'' and
# logs at once, before the subscription can have reached the PUB; the message is then dropped
# and the test waits for it until the time-out (about 4 in 10 times on 4.3.4 and on ours,
# measured with the same steps in a loop). It also leaves its PUBHandler on the logger, which
# makes the next eight TestPubLog tests fail.
deselected=(tests/test_log.py::TestPubLog::test_blank_root_topic)
deselect=()
for test_id in "${deselected[@]}"; do
  echo "  deselected on both libraries (the test races, on libzmq 4.3.4 too): $test_id"
  deselect+=(--deselect "$test_id")
done

# Every python below runs without LD_LIBRARY_PATH, PYTHONPATH or ZMQ_TEST_TIMEOUT from the
# caller (the suite is meant to run with its own time-outs), from an empty directory.
clean_env=(env -u LD_LIBRARY_PATH -u PYTHONPATH -u ZMQ_TEST_TIMEOUT)

# probe NAME LIBFILE VERSION: imports zmq with LIBFILE preloaded; refuses to go on unless
# pyzmq runs on it.
probe() {
  local name=$1 lib=$2 version=$3
  echo "== probe $name: LD_PRELOAD=$lib"
  if ! (cd "$work/empty" && "${clean_env[@]}" LD_PRELOAD="$lib" LD_BIND_NOW=1 \
      LD_DEBUG=bindings LD_DEBUG_OUTPUT="$work/bindings-$name" \
      "$venv/bin/python" "$work/probe.py" "$lib" "$version" "$pyzmq_version"); then
    fail "pyzmq would not run on $lib in the $name run: refusing to count it"
  fi
}

# run NAME LIBFILE: the whole suite, its JUnit report in $work/NAME.xml.
run() {
  local name=$1 lib=$2 started=$SECONDS
  echo "== $name: LD_PRELOAD=$lib"
  # --rootdir and -c: the sdist's pytest.ini (asyncio_mode=auto, pythonpath=tests,
  # --import-mode=importlib), with test ids relative to the sdist whatever the cwd.
  (cd "$work/empty" && "${clean_env[@]}" LD_PRELOAD="$lib" timeout 900 \
    "$venv/bin/python" -m pytest -p no:cacheprovider -q --timeout=60 -rfE \
    --rootdir="$(dirname "$tests")" -c "$(dirname "$tests")/pytest.ini" \
    "${deselect[@]}" --junitxml="$work/$name.xml" "$tests" >"$work/$name.log" 2>&1)
  local rc=$?
  grep -E '^(FAILED|ERROR) ' "$work/$name.log" | sed 's/^/  /'
  echo "  $(tail -n 1 "$work/$name.log") [exit $rc, $((SECONDS - started)) s]"
  [ -s "$work/$name.xml" ] || { sed 's/^/  | /' "$work/$name.log" | tail -n 30
    fail "no report from the $name run"; }
}

probe system "$system_lib" 4.3.4
probe ours "$ours_lib" 4.3.5
run system "$system_lib"
run ours "$ours_lib"

# --- 3. the steerable proxy tests, on ours with the 4.3.5 version gate lifted -----------------
echo "== ours: test_proxy_steerable.py with zmq_version_info() reporting 4.3.4"
cat >"$work/steerable.py" <<'EOF'
import sys
import pytest
import zmq
# The tests skip themselves on libzmq >= 4.3.5 ("Steerable Proxies removed"); ours reports
# 4.3.5 and has zmq_proxy_steerable.
zmq.zmq_version_info = lambda: (4, 3, 4)
sys.exit(pytest.main(sys.argv[1:]))
EOF
gated_started=$SECONDS
(cd "$work/empty" && "${clean_env[@]}" LD_PRELOAD="$ours_lib" timeout 300 \
  "$venv/bin/python" "$work/steerable.py" -p no:cacheprovider -q --timeout=60 -rfE \
  --rootdir="$(dirname "$tests")" -c "$(dirname "$tests")/pytest.ini" \
  "$tests/test_proxy_steerable.py" >"$work/steerable.log" 2>&1)
gated_rc=$?
echo "  $(tail -n 1 "$work/steerable.log") [exit $gated_rc, $((SECONDS - gated_started)) s]"
gated_ok=0
if [ $gated_rc -eq 0 ] && tail -n 1 "$work/steerable.log" | grep -qE '^3 passed'; then
  gated_ok=1
else
  grep -E '^(FAILED|ERROR) ' "$work/steerable.log" | sed 's/^/  /'
fi

# --- 4. the comparison ---------------------------------------------------------------------
compared="$("$python" "$here/../junit_compare.py" pyzmq-wheel "$work/system.xml" "$work/ours.xml" \
  "$here/known-differences.txt")"
compare_rc=$?
verdict="$(tail -n 1 <<<"$compared")"
head -n -1 <<<"$compared"
case $verdict in
  "RESULT pyzmq-wheel "*) ;;
  *) fail "junit_compare.py printed no verdict" ;;
esac
if [ $gated_ok -eq 0 ]; then
  counts="${verdict% ok}"
  counts="${counts%% FAIL:*}"
  echo "$counts FAIL: test_proxy_steerable.py does not pass on ours with the version gate lifted"
  exit 1
fi
echo "$verdict"
[ $compare_rc -eq 0 ] && exit 0 || exit 1
