#!/bin/sh
# deps.sh - installs the Debian packages tvp needs, and does nothing when all are there.
#   compilers and make    gcc g++ make pkg-config libc6-dev (libc.a for the static helper)
#   Google Benchmark      libbenchmark-dev (library), libbenchmark-tools (compare.py)
#   hwloc                 libhwloc-dev (topology, binding), hwloc-nox (lstopo-no-graphics)
#   figures               gnuplot-nox
#   tests                 libcmocka-dev
#   report and run        python3 python3-scipy
set -eu
pkgs="gcc g++ make pkg-config libc6-dev git libbenchmark-dev libbenchmark-tools libhwloc-dev
hwloc-nox gnuplot-nox libcmocka-dev python3 python3-scipy"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "tvp: missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "tvp: run as root:  apt-get update && apt-get install -y$missing" >&2
	echo "tvp: (or: sudo apt-get update && sudo apt-get install -y$missing)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends $missing
