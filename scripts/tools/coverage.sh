#!/bin/sh
# coverage.sh BUILD - line and branch coverage of the whole test run (tests/run), for the
# C and for the Python, run by `make coverage` on a build made with gcc's --coverage in
# BUILD (build/coverage). Prints a table per file for each, and writes HTML:
#   BUILD/html/c/index.html        gcovr: src/ and bench/, lines and branches
#   BUILD/html/python/index.html   coverage.py: scripts/ and bench/py_bench.py
# Every Python process the tests start is measured too, scripts run as subprocesses
# included: a sitecustomize.py on PYTHONPATH starts coverage.py in each interpreter that
# COVERAGE_PROCESS_START points at the settings (a test that clears the environment of
# the process it starts leaves that process unmeasured). C code that runs only in a child
# ending with _exit() (every forked worker) is not counted: gcc's counters are written
# by exit(), and a worker must never run the parent's exit handlers.
# The exit status is the test run's: coverage of a failing run is still written.
set -u
build=${1:?usage: scripts/tools/coverage.sh BUILD}
root=$(pwd)
py=$root/$build/python-data
rm -rf "$py" "$root/$build/html"
mkdir -p "$py/site" "$root/$build/html/c"
find "$build" -name '*.gcda' -delete

cat >"$py/coveragerc" <<EOF
[run]
branch = True
parallel = True
data_file = $py/data
source = $root/scripts, $root/bench
[report]
skip_empty = True
[html]
directory = $root/$build/html/python
EOF
cat >"$py/site/sitecustomize.py" <<'EOF'
# Started by scripts/tools/coverage.sh: measures this interpreter when COVERAGE_PROCESS_START
# names the settings, and does nothing otherwise.
import coverage
coverage.process_startup()
EOF

status=0
COVERAGE_PROCESS_START=$py/coveragerc PYTHONPATH=$py/site${PYTHONPATH:+:$PYTHONPATH} \
	tests/run "$build" || status=$?

echo
echo "== Python: line and branch coverage of make test (coverage.py)"
python3-coverage combine --rcfile="$py/coveragerc" -q "$py" >/dev/null 2>&1
python3-coverage report --rcfile="$py/coveragerc"
python3-coverage html --rcfile="$py/coveragerc" -q

echo
echo "== C: line and branch coverage of make test (gcovr)"
# tests/*.c are the tests themselves; the static helper is built apart, without counters.
# A count gcov cannot read (a build without atomic counters) is skipped, not fatal.
gcov_opts="-r . --object-directory $build -f src/ -f bench/ --exclude-unreachable-branches
	--exclude-throw-branches --gcov-ignore-parse-errors"
# shellcheck disable=SC2086
gcovr $gcov_opts -s --txt - --html-details "$build/html/c/index.html" 2>/dev/null
# shellcheck disable=SC2086
gcovr $gcov_opts -b --txt - 2>/dev/null
echo
echo "HTML: $build/html/c/index.html and $build/html/python/index.html"
exit $status
