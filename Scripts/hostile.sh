#!/usr/bin/env bash
# Hostile input (issue 8), run by CI after the tests: the libFuzzer target for the wire decoder, validator and
# merge (replays Scripts/fuzz-wire/regressions/, then fuzzes for a bounded time), then schemathesis against
# Protocol/openapi.yaml on a real relay over TLS, once per role. Exits 1 on any finding or failure.
#   Scripts/hostile.sh
# Environment: HOSTILE_FUZZ_SECONDS (default 60), HOSTILE_EXAMPLES (schemathesis examples per operation,
# default 20), and those of Scripts/fuzz-wire/run.sh and Scripts/schemathesis/run.sh.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"   # swiftc, and llvm-symbolizer for the sanitizer's stacks
FUZZ_SECONDS=${HOSTILE_FUZZ_SECONDS:-60}
EXAMPLES=${HOSTILE_EXAMPLES:-20}
step() { printf '\n== hostile: %s\n' "$*"; }

Scripts/install-deps.sh || exit 1
results=()
status=0

step "1/2 libFuzzer: wire decoder, change-set validator, merge (${FUZZ_SECONDS} s after the regressions)"
started=$(date +%s)
if Scripts/fuzz-wire/run.sh "$FUZZ_SECONDS"; then results+=("fuzz-wire: passed"); else results+=("fuzz-wire: FAILED"); status=1; fi
results[-1]+=" ($(( $(date +%s) - started )) s)"

step "2/2 schemathesis: Protocol/openapi.yaml against a real relay, one run per role (${EXAMPLES} examples per operation)"
started=$(date +%s)
if swift build --product onsite-relay >/dev/null && swift build --product onsite >/dev/null \
        && ONSITE_BIN=$(swift build --show-bin-path) Scripts/schemathesis/run.sh "$EXAMPLES"; then
    results+=("schemathesis: passed")
else
    results+=("schemathesis: FAILED"); status=1
fi
results[-1]+=" ($(( $(date +%s) - started )) s)"

step "summary"
printf '  %s\n' "${results[@]}"
exit "$status"
