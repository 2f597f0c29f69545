#!/usr/bin/env bash
# The test command: installs missing Debian packages, builds everything, runs every test target
# (unit tests, relay route tests, end-to-end tests with real relay processes).
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/install-deps.sh
swift build --build-tests
swift test --skip-build
