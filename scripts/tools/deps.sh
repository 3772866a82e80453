#!/bin/sh
# deps.sh - installs the Debian packages tvp needs, and does nothing when all are there.
#   compilers and make    gcc g++ make pkg-config libc6-dev (libc.a for the static helper)
#   Google Benchmark      libbenchmark-dev (library), libbenchmark-tools (compare.py)
#   hwloc                 libhwloc-dev (topology, binding), hwloc-nox (lstopo-no-graphics)
#   figures               gnuplot-nox
#   tests                 libcmocka-dev
#   make coverage         gcovr (C, from gcc's --coverage), python3-coverage (Python)
#   report and run        python3 python3-scipy
#   Chinese edition       fonts-noto-cjk (the figures name "Noto Sans CJK SC"),
#   and the handout       gettext (msgfmt compiles locale/*.po; xgettext for make po),
#                         pandoc (the handout as one self-contained HTML page)
#   the http scenario     wrk (the load generator), apache2 (httpd 2.4, the real peer):
#                         without either, its rows are skipped with the reason
#   optional              linux-perf (`perf bench sched pipe`, the pipe latency reference;
#                         perf record and perf script for make why),
#                         chromium (the handout checked as a projector shows it):
#                         installed when the archive has it; the run goes on without it
set -eu
pkgs="gcc g++ make pkg-config libc6-dev git libbenchmark-dev libbenchmark-tools libhwloc-dev
hwloc-nox gnuplot-nox libcmocka-dev gcovr python3-coverage python3 python3-scipy fonts-noto-cjk
gettext pandoc wrk apache2"

optional="linux-perf chromium"

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'
}

# The optional ones, as root and where the archive has them; never a reason to stop.
install_optional() {
	[ "$(id -u)" -eq 0 ] || return 0
	for p in $optional; do
		if ! installed "$p" && apt-cache show "$p" >/dev/null 2>&1; then
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$p" ||
				echo "tvp: optional package $p not installed; going on without it"
		fi
	done
}

missing=""
for p in $pkgs; do
	installed "$p" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	install_optional
	exit 0
fi

echo "tvp: missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "tvp: run as root:  apt-get update && apt-get install -y$missing" >&2
	echo "tvp: (or: sudo apt-get update && sudo apt-get install -y$missing)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends $missing
install_optional
