#!/usr/bin/env bash
# Builds and runs the libFuzzer harness for JPEGInspector (see README.md). Not run by CI.
#   Scripts/fuzz-jpeg/run.sh [seconds=60] [extra libFuzzer flags...]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=${FUZZ_WORK:-/tmp/onsite-fuzz-jpeg}
SECONDS_TO_RUN=${1:-60}
shift || true
mkdir -p "$WORK/corpus" "$WORK/findings"
cp -n "$ROOT"/Samples/photos/*.jpg "$WORK/corpus/" 2>/dev/null || true

swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
    -module-name FuzzJPEG -o "$WORK/fuzz-jpeg" \
    "$HERE/FuzzJPEG.swift" "$ROOT/Sources/OnSiteCore/GeoPoint.swift" "$ROOT/Sources/OnSiteCore/CivilCalendar.swift" $(ls "$ROOT"/Sources/OnSiteCore/Evidence/*.swift | grep -v "+Report.swift")

"$WORK/fuzz-jpeg" "$WORK/corpus" -artifact_prefix="$WORK/findings/" -max_total_time="$SECONDS_TO_RUN" \
    -max_len=65536 -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 "$@"
