#!/usr/bin/env bash
# What a process that stopped making progress is doing: its process tree, every thread's stack (gdb), and what the
# PostgreSQL servers it started are waiting on. Scripts/test.sh prints it when the tests run past their time.
#   Scripts/hang-report.sh PID [--kill]     (--kill: then SIGKILL the whole tree)
set -uo pipefail
root=${1:?usage: Scripts/hang-report.sh PID [--kill]}

descendants() {
    local pid=$1
    echo "$pid"
    for child in $(pgrep -P "$pid" 2>/dev/null); do descendants "$child"; done
}
pids=$(descendants "$root")

echo "== hang report: the process tree under $root"
# shellcheck disable=SC2086
ps -o pid,ppid,etimes,time,stat,wchan:24,args -p "$(echo $pids | tr ' ' ',')" 2>/dev/null | cut -c1-240

echo "== hang report: thread stacks of the test processes"
for pid in $pids; do
    args=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)
    case "$args" in
        *xctest*|*PackageTests*)
            echo "-- pid $pid: $args" | cut -c1-240
            if command -v gdb >/dev/null; then
                timeout 120 gdb -p "$pid" -batch -nx -ex "set pagination off" -ex "thread apply all bt 40" 2>&1 \
                    | grep -E '^(Thread|#)' | cut -c1-220
            else
                echo "(gdb is not installed: no stacks)"
            fi ;;
    esac
done

echo "== hang report: PostgreSQL sessions of the tests' servers (waits and queries)"
for port in $(ps -eo args | sed -nE 's/.*postgres .*-p ([0-9]+).*/\1/p' | sort -u); do
    echo "-- server on port $port"
    timeout 20 psql -X -h 127.0.0.1 -p "$port" -U postgres -d postgres -A -F ' | ' -c "
        SELECT pid, datname, state, wait_event_type, wait_event, now() - query_start AS running, left(query, 100)
        FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() ORDER BY query_start" 2>&1 | head -60
    timeout 20 psql -X -h 127.0.0.1 -p "$port" -U postgres -d postgres -A -t -c "SELECT count(*) || ' connections of ' || current_setting('max_connections') FROM pg_stat_activity" 2>&1
done

if [[ "${2:-}" == "--kill" ]]; then
    echo "== hang report: stopping the tree under $root (SIGKILL)"
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null
fi
