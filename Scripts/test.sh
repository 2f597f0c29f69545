#!/usr/bin/env bash
# The test command: installs missing Debian packages, builds everything, runs every test target
# (unit tests, relay route tests, end-to-end tests with real relay processes).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== Checking the Debian packages the build and tests need"
Scripts/install-deps.sh
echo "== Building everything with the tests (a first build: 6 to 18 minutes on 2 cores)"
swift build --build-tests
echo "== Running every test target (about 4 minutes; the sync property test is most of it)"
swift test --skip-build
