#!/usr/bin/env bash
# The test command: installs missing Debian packages, builds everything, runs every test target
# (unit tests, relay route tests, end-to-end tests with real relay processes).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== Checking the Debian packages the build and tests need"
Scripts/install-deps.sh
echo "== Building everything with the tests (a first build: 6 to 18 minutes on 2 cores)"
swift build --build-tests
# The tests' own output (every relay request they make is logged: megabytes) goes to a file; this prints each suite's
# result as it ends, every failure, and the file's tail when the run fails. A run takes 4 to 8 minutes; one that
# passes ONSITE_TEST_TIME_LIMIT seconds (default 1500) has stopped making progress: its process tree, thread stacks
# and PostgreSQL waits are printed, it is stopped, and this script fails.
limit=${ONSITE_TEST_TIME_LIMIT:-1500}
# At their peak the suites running side by side hold about 1,200 files and sockets in the test process (relays,
# PostgreSQL pools, replicas): raise the soft limit on open files to the hard one (at most 65,536).
hard=$(ulimit -Hn)
wanted=65536
[[ "$hard" != unlimited && "$hard" -lt "$wanted" ]] && wanted=$hard
[[ "$(ulimit -Sn)" != unlimited && "$(ulimit -Sn)" -lt "$wanted" ]] && ulimit -Sn "$wanted"
if [[ "$(ulimit -Sn)" != unlimited && "$(ulimit -Sn)" -lt 4096 ]]; then
    echo "   warning: this shell may open only $(ulimit -Sn) files (hard limit $hard); the tests need about 1,200 at once"
fi
mkdir -p .build
log=$(pwd)/.build/test-output.log
echo "== Running every test target (4 to 8 minutes; the sync property test is most of it; stopped after ${limit} s)"
echo "   full output: $log; open files allowed: $(ulimit -Sn)"
swift test --skip-build "$@" > "$log" 2>&1 &
tests=$!
# Checks every 5 s, so it ends on its own soon after the tests (no sleeping child left holding the output).
(
    started=$(date +%s)
    while kill -0 "$tests" 2>/dev/null; do
        if (( $(date +%s) - started >= limit )); then
            echo "== The tests ran past ${limit} s: what they are doing, then they are stopped"
            Scripts/hang-report.sh "$tests" --kill
            exit 0
        fi
        sleep 5
    done
) &
watchdog=$!
# Suites as they end, failures with the lines that explain them, and the totals.
tail -n +1 -s 1 --pid="$tests" -f "$log" \
    | grep --line-buffered -E '(^\S+ Suite .* (passed|failed)|^✘|^\s*↳|^\S+ Test run with|Test Case .* failed|: error: |^Executed [0-9]+ tests|Fatal error)' \
    | stdbuf -oL cut -c1-400 &
progress=$!
status=0
wait "$tests" || status=$?
wait "$watchdog" || true
wait "$progress" || true
if [[ $status -ne 0 ]]; then
    echo "== The tests failed (exit $status): the last 150 lines of $log"
    tail -n 150 "$log" | cut -c1-400
fi
exit "$status"
