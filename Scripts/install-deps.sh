#!/usr/bin/env bash
# Installs the Debian packages OnSite builds and tests against, when they are missing.
#   libsqlite3-dev        SQLite (GRDB, replica and relay store)
#   libcurl4-openssl-dev  the client's HTTPS transport
#   libssl-dev            libcrypto: SHA-256, tokens, pilot certificates
#   openssl               the CLI, used by tests to check generated certificates
#   zlib1g-dev            gzip on the wire (CZlib: Content-Encoding of change sets and pull pages)
#   pkg-config            finds libcrypto for the CCrypto module
#   python3-venv          the venv that Scripts/schemathesis/run.sh installs schemathesis into (from PyPI)
#   libturbojpeg0-dev     the relay's supervisor page: photo thumbnails (CTurboJPEG, scaled JPEG decode)
#   chromium              the supervisor page's browser tests (headless, driven over the DevTools protocol)
#   postgresql            the relay's PostgreSQL store tests: they start a cluster of their own (initdb, pg_ctl
#                         as the user `postgres`) on a loopback port, unless ONSITE_TEST_POSTGRES names a server
set -euo pipefail
packages=(libsqlite3-dev libcurl4-openssl-dev libssl-dev zlib1g-dev openssl pkg-config python3-venv libturbojpeg0-dev chromium postgresql)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "Installing: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
