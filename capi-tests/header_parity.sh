#!/usr/bin/env bash
# Usage: header_parity.sh INCDIR
#
# Compares the macros of the reference header /usr/include/zmq.h (libzmq 4.3)
# with those of INCDIR/zmq.h, through the compiler: every ZMQ_* object-like
# macro and every errno name the reference defines (or falls back on) must be
# defined by INCDIR/zmq.h with the same value. Done without and with
# ZMQ_BUILD_DRAFT_API. Then INCDIR/zmq.h must compile on its own as C99, C11
# and C++11 with -Wall -Wextra -Wpedantic -Werror.
#
# Ends with "N passed, N failed"; exits non-zero on any failure.

set -u

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 INCDIR" >&2
    echo "0 passed, 1 failed"
    exit 2
fi

INCDIR=$(cd "$1" && pwd)
REF_HEADER=${ZMQ_REFERENCE_HEADER:-/usr/include/zmq.h}
CC=${CC:-gcc}
CXX=${CXX:-g++}

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}

if [ ! -f "$REF_HEADER" ]; then
    fail "reference header $REF_HEADER not found"
    finish
fi
if [ ! -f "$INCDIR/zmq.h" ]; then
    fail "$INCDIR/zmq.h not found"
    finish
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The reference is reached through its own include directory so that it is
# never confused with the header under test.
mkdir -p "$work/ref"
ln -s "$REF_HEADER" "$work/ref/zmq.h"

# Differences expected between 4.3.4 (reference) and 4.3.5:
#   NAME reference-value our-value
ALLOWED="
ZMQ_VERSION_PATCH 4 5
ZMQ_VERSION 40304 40305
ZMQ_RECONNECT_STOP_AFTER_DISCONNECT 3 4
"

is_allowed() { # name refval ourval
    printf '%s\n' "$ALLOWED" | grep -qx "$1 $2 $3"
}

# Errno names the reference defines or falls back on, plus the native ones.
errno_names=$(
    {
        sed -n 's/^[[:space:]]*#[[:space:]]*define[[:space:]]\{1,\}\(E[A-Z0-9_]*\)\([[:space:]].*\)\{0,1\}$/\1/p' "$REF_HEADER"
        printf '%s\n' EFSM ENOCOMPATPROTO ETERM EMTHREAD
    } | sort -u
)

# Writes the value-printing program for one configuration (C11 _Generic
# keeps a macro of the wrong type from being printed as something else).
#   $1: file with lines "KIND NAME" (KIND: num, str, def)
#   $2: output C file
gen_program() {
    local kind name
    {
        echo '#include <stdio.h>'
        echo '#include <zmq.h>'
        echo '#define CAPI_IS_STR(x) _Generic ((x), char *: 1, const char *: 1, default: 0)'
        echo '#define CAPI_IS_INT(x) _Generic ((x), char *: 0, const char *: 0, float: 0, double: 0, long double: 0, default: 1)'
        echo 'int main (void)'
        echo '{'
        while read -r kind name; do
            [ -n "$name" ] || continue
            echo "#ifdef $name"
            case $kind in
            num)
                echo "    if (CAPI_IS_INT ($name))"
                echo "        printf (\"$name=%lld\\n\", (long long) ($name));"
                echo "    else"
                echo "        printf (\"$name=<not an integer>\\n\");"
                ;;
            str)
                echo "    if (CAPI_IS_STR ($name))"
                echo "        printf (\"$name=\\\"%s\\\"\\n\", (const char *) ($name));"
                echo "    else"
                echo "        printf (\"$name=<not a string>\\n\");"
                ;;
            def) echo "    printf (\"$name=<defined>\\n\");" ;;
            esac
            echo '#else'
            echo "    printf (\"$name=<missing>\\n\");"
            echo '#endif'
        done <"$1"
        cat <<'EOF'
#ifdef ZMQ_MAKE_VERSION
    printf ("ZMQ_MAKE_VERSION(4,3,5)=%lld\n", (long long) ZMQ_MAKE_VERSION (4, 3, 5));
    printf ("ZMQ_MAKE_VERSION(1,2,3)=%lld\n", (long long) ZMQ_MAKE_VERSION (1, 2, 3));
    printf ("ZMQ_MAKE_VERSION(1+1,0,7-2)=%lld\n", (long long) ZMQ_MAKE_VERSION (1 + 1, 0, 7 - 2));
    printf ("ZMQ_MAKE_VERSION(10,20,30)=%lld\n", (long long) ZMQ_MAKE_VERSION (10, 20, 30));
    printf ("-ZMQ_MAKE_VERSION(0,0,1)=%lld\n", (long long) -ZMQ_MAKE_VERSION (0, 0, 1));
#else
    printf ("ZMQ_MAKE_VERSION(4,3,5)=<missing>\n");
#endif
    return 0;
}
EOF
    } >"$2"
}

# Runs the program built from $1 against include dir $2; output in $3.
# Returns non-zero if it does not build or run. Built as gnu11: this part
# compares values; strict-mode compilation is checked separately below.
values_for() {
    local src=$1 inc=$2 out=$3 extra=$4
    # shellcheck disable=SC2086
    if ! "$CC" -std=gnu11 -w $extra -I "$inc" "$src" -o "$out.bin" >"$out.log" 2>&1; then
        return 1
    fi
    "$out.bin" >"$out" 2>>"$out.log"
}

compare_mode() {
    local mode=$1 dflag=$2
    local dir="$work/$mode"
    mkdir -p "$dir"
    echo "== macro values ($mode)"

    # Macro list from the reference: object-like ZMQ_* macros.
    # shellcheck disable=SC2086
    if ! echo '#include <zmq.h>' | "$CC" -E -dM $dflag -I "$work/ref" -x c - >"$dir/ref.dM" 2>"$dir/ref.err"; then
        fail "[$mode] cannot preprocess the reference header"
        cat "$dir/ref.err"
        return
    fi
    : >"$dir/list"
    while IFS= read -r line; do
        local rest name body
        rest=${line#\#define }
        name=${rest%%[ (]*}
        case $name in
        ZMQ_BUILD_DRAFT_API) continue ;; # set on the command line
        ZMQ_*) ;;
        *) continue ;;
        esac
        # function-like macros (ZMQ_MAKE_VERSION) are checked by calling them
        case ${rest#"$name"} in
        \(*) continue ;;
        esac
        body=${rest#"$name"}
        body=${body# }
        if [ -z "$body" ]; then
            echo "def $name"
        elif [ "${body#\"}" != "$body" ]; then
            echo "str $name"
        else
            echo "num $name"
        fi >>"$dir/list"
    done < <(grep '^#define ' "$dir/ref.dM")
    for e in $errno_names; do
        echo "num $e" >>"$dir/list"
    done
    sort -u -k2,2 "$dir/list" -o "$dir/list"
    echo "$(wc -l <"$dir/list") macros to compare"

    gen_program "$dir/list" "$dir/values.c"
    if ! values_for "$dir/values.c" "$work/ref" "$dir/ref.out" "$dflag"; then
        fail "[$mode] value program does not build against the reference"
        cat "$dir/ref.out.log"
        return
    fi
    if ! values_for "$dir/values.c" "$INCDIR" "$dir/ours.out" "$dflag"; then
        # Find out which macros break the build, one at a time.
        echo "value program does not build against $INCDIR/zmq.h; checking macros one by one"
        grep -m3 -i error "$dir/ours.out.log"
        : >"$dir/ours.out"
        local kind name
        while read -r kind name; do
            echo "$kind $name" >"$dir/one.list"
            gen_program "$dir/one.list" "$dir/one.c"
            if values_for "$dir/one.c" "$INCDIR" "$dir/one.out" "$dflag"; then
                grep "^$name=" "$dir/one.out" >>"$dir/ours.out"
            else
                echo "$name=<does not compile: $(grep -m1 -i error "$dir/one.out.log")>" >>"$dir/ours.out"
            fi
        done <"$dir/list"
        : >"$dir/one.list"
        gen_program "$dir/one.list" "$dir/one.c"
        if values_for "$dir/one.c" "$INCDIR" "$dir/one.out" "$dflag"; then
            grep '^-\{0,1\}ZMQ_MAKE_VERSION' "$dir/one.out" >>"$dir/ours.out"
        else
            echo "ZMQ_MAKE_VERSION(4,3,5)=<does not compile>" >>"$dir/ours.out"
        fi
    fi

    local key refval ourval
    local -A ours=()
    while IFS= read -r line; do
        [ -n "${line%%=*}" ] || continue
        ours["${line%%=*}"]=${line#*=}
    done <"$dir/ours.out"
    while IFS= read -r line; do
        key=${line%%=*}
        refval=${line#*=}
        ourval=${ours["$key"]-}
        if [ -z "$ourval" ]; then
            fail "[$mode] $key: no value from our header (reference: $refval)"
        elif [ "$ourval" = "$refval" ]; then
            pass
        elif [ "$ourval" = "<missing>" ]; then
            fail "[$mode] $key is not defined by $INCDIR/zmq.h (reference: $refval)"
        elif is_allowed "$key" "$refval" "$ourval"; then
            echo "allowed difference [$mode]: $key reference=$refval ours=$ourval"
            pass
        else
            fail "[$mode] $key differs: reference=$refval ours=$ourval"
        fi
    done <"$dir/ref.out"
}

compare_mode stable ""
compare_mode draft "-DZMQ_BUILD_DRAFT_API"

echo "== $INCDIR/zmq.h compiles on its own"
printf '#include <zmq.h>\n#include <zmq.h>\n' >"$work/alone.c"
cp "$work/alone.c" "$work/alone.cpp"
for dflag in "" "-DZMQ_BUILD_DRAFT_API"; do
    label=${dflag:-stable}
    for std in c99 c11; do
        # shellcheck disable=SC2086
        if "$CC" -std=$std -Wall -Wextra -Wpedantic -Werror $dflag -I "$INCDIR" -fsyntax-only "$work/alone.c" >"$work/alone.log" 2>&1; then
            pass
            echo "ok: $std $label"
        else
            fail "zmq.h alone as $std ($label): $(grep -m1 'error' "$work/alone.log")"
            cat "$work/alone.log"
        fi
    done
    # shellcheck disable=SC2086
    if "$CXX" -std=c++11 -Wall -Wextra -Wpedantic -Werror $dflag -I "$INCDIR" -fsyntax-only "$work/alone.cpp" >"$work/alone.log" 2>&1; then
        pass
        echo "ok: c++11 $label"
    else
        fail "zmq.h alone as c++11 ($label): $(grep -m1 'error' "$work/alone.log")"
        cat "$work/alone.log"
    fi
done

finish
