# Sourced by capi-tests/run.sh and capi-tests/netns/run.sh: sets LIBDIR and INCDIR from the
# runner's arguments, "LIBDIR INCDIR" or "--system" (the system libzmq, whose directories
# are SYSTEM_LIBDIR and SYSTEM_INCDIR); prints the usage and exits 2 otherwise.

SYSTEM_LIBDIR=/usr/lib/x86_64-linux-gnu
SYSTEM_INCDIR=/usr/include

if [ $# -eq 1 ] && [ "$1" = "--system" ]; then
    LIBDIR=$SYSTEM_LIBDIR
    INCDIR=$SYSTEM_INCDIR
elif [ $# -eq 2 ]; then
    LIBDIR=$1
    INCDIR=$2
else
    echo "usage: $0 LIBDIR INCDIR | $0 --system" >&2
    exit 2
fi
