#!/usr/bin/env bash
# Builds the libFuzzer target for the wire decoder, the validator and the merge (see README.md), replays every
# file of regressions/, then fuzzes from the corpus seeded by Protocol/vectors. Exits 1 on any finding.
#   Scripts/fuzz-wire/run.sh [seconds=60] [extra libFuzzer flags...]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=${FUZZ_WORK:-/tmp/onsite-fuzz-wire}
SECONDS_TO_RUN=${1:-60}
shift || true
mkdir -p "$WORK/corpus" "$WORK/findings" "$WORK/modules"

# OnSiteSync imports OnSiteCore, so each is built as its own module (one object, whole-module) with the same
# instrumentation, then linked with the entry point. No SwiftPM, no .build.
flags=(-sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6)
sources_core=$(find "$ROOT/Sources/OnSiteCore" -name '*.swift' | sort)
sources_sync=$(find "$ROOT/Sources/OnSiteSync" -name '*.swift' | sort)
# Rebuilt only when a source, the harness or the flags changed (about 2 min of 2 cores from cold).
stamp=$( { echo "${flags[*]}"; swiftc --version 2>&1; cat $sources_core $sources_sync "$HERE"/*.swift; } | sha256sum | cut -c1-64)
if [ -x "$WORK/fuzz-wire" ] && [ "$(cat "$WORK/build.stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "fuzz-wire: sources unchanged, reusing $WORK/fuzz-wire"
else
    echo "fuzz-wire: building OnSiteCore, OnSiteSync and the target in $WORK (log: $WORK/build.log)"
    started=$(date +%s)
    rm -f "$WORK/build.stamp"
    # ld.gold warns about every AddressSanitizer symbol it cannot export: the log keeps them, the console not.
    if ! { swiftc "${flags[@]}" -wmo -module-name OnSiteCore -emit-module -emit-module-path "$WORK/modules/OnSiteCore.swiftmodule" \
                -c -o "$WORK/OnSiteCore.o" $sources_core \
            && swiftc "${flags[@]}" -wmo -module-name OnSiteSync -I "$WORK/modules" -emit-module \
                -emit-module-path "$WORK/modules/OnSiteSync.swiftmodule" -c -o "$WORK/OnSiteSync.o" $sources_sync \
            && swiftc "${flags[@]}" -module-name FuzzWire -I "$WORK/modules" -o "$WORK/fuzz-wire" \
                "$HERE/FuzzWire.swift" "$HERE/DateOracle.swift" "$WORK/OnSiteCore.o" "$WORK/OnSiteSync.o"; } >"$WORK/build.log" 2>&1; then
        grep -v "Cannot export local symbol" "$WORK/build.log" | tail -40
        echo "fuzz-wire: BUILD FAILED"
        exit 1
    fi
    echo "$stamp" > "$WORK/build.stamp"
    echo "fuzz-wire: built in $(( $(date +%s) - started )) s"
fi

python3 "$HERE/seed-corpus.py" "$ROOT/Protocol/vectors" "$WORK/corpus"

# -timeout=2: an input that takes 2 s (quadratic work on a 64 KiB body) is a finding like a crash.
# Swift's runtime keeps metadata caches for the process's life; LeakSanitizer would call them leaks.
# -max_len only when fuzzing: on a replay it would cut a longer regression input short.
options=(-timeout=2 -rss_limit_mb=2048 -detect_leaks=0 -dict="$HERE/wire.dict")
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
# Swift's own crash handler reads the dying process's memory, which AddressSanitizer reports as a second crash
# that hides the first; without it libFuzzer prints the trap's stack.
export SWIFT_BACKTRACE=enable=no
# The trap's message and the first frames of Swift code (the runtime's and Foundation's included).
summarize() {
    grep -E "Fatal error|Swift runtime failure|ERROR: (libFuzzer|AddressSanitizer)|Test unit written" "$1" | head -4 | sed 's/^/    /'
    grep -E "#[0-9]+ 0x[0-9a-f]+ in " "$1" | grep -vE " in (fuzzer::|__sanitizer|__libc|_start|main |LLVMFuzzerTestOneInput)|libc\.so" \
        | head -6 | sed -E 's/ \(BuildId: [0-9a-f]+\)//; s/^ +/      /'
}

status=0
replayed=0
for input in "$HERE"/regressions/*; do
    [ -f "$input" ] || continue
    replayed=$((replayed + 1))
    if "$WORK/fuzz-wire" "${options[@]}" "$input" >"$WORK/replay.log" 2>&1; then
        echo "fuzz-wire: regression passes: ${input#"$ROOT"/}"
    else
        echo "fuzz-wire: REGRESSION FAILS: ${input#"$ROOT"/}"
        summarize "$WORK/replay.log"
        status=1
    fi
done
echo "fuzz-wire: $replayed regression inputs replayed"

echo "fuzz-wire: fuzzing for $SECONDS_TO_RUN s; findings go to $WORK/findings/"
before=$(ls "$WORK/findings" | wc -l)
if ! "$WORK/fuzz-wire" "$WORK/corpus" "${options[@]}" -artifact_prefix="$WORK/findings/" \
        -max_len=65536 -max_total_time="$SECONDS_TO_RUN" -print_final_stats=1 "$@" >"$WORK/fuzz.log" 2>&1; then
    status=1
fi
grep -E "^#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb" "$WORK/fuzz.log" | sed 's/^/    /' || true
if [ "$(ls "$WORK/findings" | wc -l)" -gt "$before" ] || grep -qE "ERROR: (libFuzzer|AddressSanitizer)|Fatal error" "$WORK/fuzz.log"; then
    echo "fuzz-wire: FINDING (full log: $WORK/fuzz.log)"
    summarize "$WORK/fuzz.log"
    status=1
fi
[ "$status" -eq 0 ] && echo "fuzz-wire: no finding"
exit "$status"
