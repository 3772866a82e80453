#!/bin/sh
# python_ft.sh BUILD_DIR - builds a free-threaded CPython 3.13 (--disable-gil) into
# BUILD_DIR/python-ft/, from the source of Debian's python3.13 package (Debian 13,
# trixie), without touching the system Python or the system's apt state.
#
# Why this way: Debian 12 ships only python3.11 with the GIL. Trixie's source package
# carries 3.13; a deb-src line for trixie, kept in a private apt state under BUILD_DIR,
# lets `apt-get source --download-only` fetch it as any user. Only the upstream tarball
# (python3.13_*.orig.tar.xz) is built: Debian's patches split the build into its
# packages, which is not what a private interpreter needs. The download and the build
# happen in a temporary folder, removed at the end. It needs the network to the
# Debian archive the machine already uses, a C compiler and make; what the suite uses
# (threading, multiprocessing, queue, concurrent.futures) needs no -dev package.
# About 6 minutes on 2 cores. The result: BUILD_DIR/python-ft/bin/python3.13t.
set -eu
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
FT=$BUILD/python-ft
PY=$FT/bin/python3.13t
if [ -x "$PY" ] && "$PY" -c 'import sys; sys.exit(sys._is_gil_enabled())'; then
    echo "python-ft: $PY is built, and its GIL is off"
    exit 0
fi
# The source is unpacked and built outside build/ (removed at the end): the Makefile
# includes every *.d file under build/ as a dependency file, and CPython's tree has some.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tvp-python-ft.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
APT=$WORK/apt
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/etc" "$WORK"
# The archive this machine already uses (deb.debian.org unless its sources say otherwise).
MIRROR=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)\/*$/\1/p' /etc/apt/sources.list.d/debian.sources \
         2>/dev/null | head -n 1)
MIRROR=${MIRROR:-http://deb.debian.org/debian}
echo "deb-src $MIRROR trixie main" > "$APT/etc/sources.list"
APTOPT="-o Dir::Etc::sourcelist=$APT/etc/sources.list -o Dir::Etc::sourceparts=- \
 -o Dir::State::Lists=$APT/lists -o Dir::Cache=$APT/cache -o Debug::NoLocking=1 \
 -o APT::Sandbox::User=$(id -un)"
echo "python-ft: apt-get update (trixie deb-src, private state in $APT)"
# shellcheck disable=SC2086
apt-get $APTOPT update
cd "$WORK"
if ! ls python3.13_*.orig.tar.xz >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    apt-get $APTOPT source --download-only python3.13
fi
TARBALL=$(ls python3.13_*.orig.tar.xz | tail -n 1)
SRC=$WORK/Python-$(echo "$TARBALL" | sed 's/^python3.13_\(.*\)\.orig\.tar\.xz$/\1/')
rm -rf "$SRC"
tar xf "$TARBALL"
[ -d "$SRC" ] || { echo "python-ft: $TARBALL did not unpack into $SRC" >&2; exit 1; }
cd "$SRC"
./configure --disable-gil --prefix="$FT" --without-ensurepip >configure.log 2>&1 || {
    tail -n 30 configure.log >&2; exit 1; }
make -j"$(nproc)" >make.log 2>&1 || { tail -n 30 make.log >&2; exit 1; }
make install >install.log 2>&1 || { tail -n 30 install.log >&2; exit 1; }
# The same reason: the installed test suite's dtrace scripts are named *.d.
find "$FT" -name '*.d' -delete
"$PY" -c 'import sys, sysconfig; print("python-ft:", sys.executable, sys.version.split()[0],
"GIL enabled:", sys._is_gil_enabled(), "Py_GIL_DISABLED:", sysconfig.get_config_var("Py_GIL_DISABLED"))'
