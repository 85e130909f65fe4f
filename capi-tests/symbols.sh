#!/usr/bin/env bash
# Usage: symbols.sh LIBFILE
#
# The symbol gate for a libzmq replacement:
#   - the soname of LIBFILE is libzmq.so.5;
#   - its dynamic symbol table exports only zmq_* functions (the usual
#     linker-defined symbols are tolerated and printed);
#   - every exported zmq_* symbol is in the libzmq 4.3 stable or draft list.
# Also prints, for information, how many stable symbols are still missing.
# Ends with "N passed, N failed"; exits non-zero on any failure.

set -u

here=$(cd "$(dirname "$0")" && pwd)
STABLE="$here/data/libzmq-4.3-stable-symbols.txt"
DRAFT="$here/data/libzmq-4.3-draft-symbols.txt"

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}

if [ $# -ne 1 ]; then
    echo "usage: $0 LIBFILE" >&2
    echo "0 passed, 1 failed"
    exit 2
fi
LIB=$1
if [ ! -f "$LIB" ]; then
    fail "$LIB does not exist"
    finish
fi
for f in "$STABLE" "$DRAFT"; do
    if [ ! -s "$f" ]; then
        fail "symbol list $f missing"
        finish
    fi
done

echo "library: $LIB -> $(readlink -f "$LIB")"

# 1. soname
soname=$(readelf -d "$LIB" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
if [ "$soname" = "libzmq.so.5" ]; then
    pass "soname is libzmq.so.5"
else
    fail "soname is '${soname:-<none>}', expected libzmq.so.5"
fi

# 2. exported symbols
if ! nm -D --defined-only "$LIB" >/dev/null 2>&1; then
    fail "nm cannot read the dynamic symbols of $LIB"
    finish
fi
# Symbols the linker itself may define in a shared object.
linker_defined=" _init _fini _edata _end __bss_start _DYNAMIC _GLOBAL_OFFSET_TABLE_ "

exported=()
others_ok=1
while read -r addr type name; do
    # lines without an address (should not happen with --defined-only)
    if [ -z "${name:-}" ]; then
        name=$type
        type=$addr
    fi
    base=${name%%@*}
    case $base in
    zmq_*)
        case $type in
        T | t | i)
            exported+=("$base")
            ;;
        *)
            echo "exported zmq_ symbol that is not a function: $name (type $type)"
            others_ok=0
            ;;
        esac
        ;;
    *)
        if [ "$type" = "A" ]; then
            echo "linker-defined version node symbol: $name"
        elif [[ $linker_defined == *" $base "* ]]; then
            echo "linker-defined symbol: $name (type $type)"
        else
            echo "unexpected exported symbol: $name (type $type)"
            others_ok=0
        fi
        ;;
    esac
done < <(nm -D --defined-only "$LIB")

echo "${#exported[@]} zmq_* functions exported"
if [ "$others_ok" -eq 1 ]; then
    pass "only zmq_* functions are exported"
else
    fail "symbols other than zmq_* functions are exported (listed above)"
fi
if [ "${#exported[@]}" -gt 0 ]; then
    pass "at least one zmq_* function is exported"
else
    fail "no zmq_* function is exported"
fi

# 3. every export is a known libzmq 4.3 symbol
unknown=0
for s in "${exported[@]}"; do
    if grep -qx "$s" "$STABLE"; then
        :
    elif grep -qx "$s" "$DRAFT"; then
        echo "draft symbol exported: $s"
    else
        echo "not a libzmq 4.3 symbol: $s"
        unknown=$((unknown + 1))
    fi
done
if [ "$unknown" -eq 0 ]; then
    pass "every exported symbol is in the libzmq 4.3 stable or draft list"
else
    fail "$unknown exported symbols are not libzmq 4.3 symbols"
fi

# 4. information: stable symbols still missing
missing=()
while read -r s; do
    [ -n "$s" ] || continue
    found=0
    for e in "${exported[@]}"; do
        if [ "$e" = "$s" ]; then
            found=1
            break
        fi
    done
    [ "$found" -eq 1 ] || missing+=("$s")
done <"$STABLE"
echo "stable symbols missing: ${#missing[@]} of $(grep -c . "$STABLE")${missing[*]:+ (${missing[*]})}"

finish
