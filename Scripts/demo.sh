#!/usr/bin/env bash
# The main job on embedded defaults: a relay on loopback over TLS, the sample reports, two officers and a
# supervisor enrolled, one officer working offline then syncing, the supervisor pulling the merged state.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== OnSite demo: checking the Debian packages it needs (libsqlite3, libcurl, libssl)"
Scripts/install-deps.sh
if [ ! -x "$(swift build --show-bin-path)/onsite-relay" ]; then
  echo "== Building onsite-relay and onsite (debug). A first build fetches and compiles Hummingbird, SwiftNIO,"
  echo "   BoringSSL and GRDB: 6 to 18 minutes on 2 cores; later runs take seconds. Progress:"
else
  echo "== Building onsite-relay and onsite (debug; only what changed)"
fi
# One line per hundred compiled files, so a long first build is visibly moving; errors are shown whole.
build() {
  local log; log=$(mktemp)
  if ! swift build --product "$1" 2>&1 | tee "$log" | awk '/^Fetching / { print "   " $0 } /^\[[0-9]+\/[0-9]+\]/ { split($1, n, /[\[\/\]]/); if (n[2] - last >= 100 || n[2] == n[3]) { printf "   %s: %s of %s build steps\n", product, n[2], n[3]; last = n[2] } }' product="$1"; then
    cat "$log"; rm -f "$log"; return 1
  fi
  grep -q "error:" "$log" && { cat "$log"; rm -f "$log"; return 1; }
  rm -f "$log"
}
build onsite-relay
build onsite
BIN=$(swift build --show-bin-path)
echo "== Built: $BIN/onsite-relay and $BIN/onsite"
RELAY="$BIN/onsite-relay"; ONSITE="$BIN/onsite"
RUN=demo-run
rm -rf "$RUN"; mkdir -p "$RUN"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

step "1. Relay: a pilot TLS certificate, devices, and the relay on loopback"
show "$RELAY" cert --self-signed --host 127.0.0.1 --out "$RUN/tls"
CONF=Samples/relay.json
enroll_device() { # role name units... -> token
  local role=$1 name=$2; shift 2
  local args=(); for u in "$@"; do args+=(--unit "$u"); done
  "$RELAY" device add --config "$CONF" --role "$role" --name "$name" "${args[@]}" --json | sed 's/.*"token":"\([^"]*\)".*/\1/'
}
HUB=$(enroll_device hub "Trung tâm IOC Điện Biên" dien-bien)
LAN=$(enroll_device officer "Cán bộ Lò Thị Lan (P. Mường Thanh)" phuong-muong-thanh)
TUAN=$(enroll_device officer "Cán bộ Đỗ Minh Tuấn (P. Him Lam)" phuong-him-lam)
SUP=$(enroll_device supervisor "Lãnh đạo IOC" dien-bien)
show "$RELAY" device list --config "$CONF"
"$RELAY" serve --config "$CONF" --port 0 > "$RUN/relay.log" 2>&1 &
RELAY_PID=$!
trap 'kill $RELAY_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q "listening on" "$RUN/relay.log" && break; sleep 0.1; done
URL=$(sed -n 's/^onsite-relay listening on \([^ ]*\).*/\1/p' "$RUN/relay.log")
echo "relay: $URL"
show curl -s --cacert "$RUN/tls/ca.pem" "$URL/healthz"; echo

step "2. The hub imports the sample reports and syncs them"
show "$ONSITE" init --replica "$RUN/hub"
show "$ONSITE" enroll --replica "$RUN/hub" --relay "$URL" --token "$HUB" --ca-cert "$RUN/tls/ca.pem"
show "$ONSITE" import --replica "$RUN/hub" Samples/reports.json --events Samples/events.json
show "$ONSITE" sync --replica "$RUN/hub"

step "3. Two officers enrol and fetch the reports of their wards"
for who in lan tuan; do
  token=$LAN; [ $who = tuan ] && token=$TUAN
  "$ONSITE" init --replica "$RUN/$who" >/dev/null
  show "$ONSITE" enroll --replica "$RUN/$who" --relay "$URL" --token "$token" --ca-cert "$RUN/tls/ca.pem"
  show "$ONSITE" sync --replica "$RUN/$who"
  show "$ONSITE" list --replica "$RUN/$who"
done

step "4. Officer Lan goes on site with no signal: the relay is stopped"
kill $RELAY_PID; wait $RELAY_PID 2>/dev/null || true
show "$ONSITE" list --replica "$RUN/lan" --search "vo nguyen giap"
show "$ONSITE" act --replica "$RUN/lan" DB-2024-00101 accept
show "$ONSITE" act --replica "$RUN/lan" DB-2024-00101 begin_verification
show "$ONSITE" verify --replica "$RUN/lan" DB-2024-00101 --finding confirmed --lat 21.3866 --lon 103.0171 \
  --notes "Ổ gà sâu 20 cm, dài 1,5 m; đã đặt biển cảnh báo tạm thời." \
  --photo Samples/photos/dbp-site-1.jpg --photo Samples/photos/far-hanoi.jpg
show "$ONSITE" note --replica "$RUN/lan" DB-2024-00101 "Đề nghị Ban QLDA giao thông vá mặt đường trong tuần."
show "$ONSITE" edit --replica "$RUN/lan" DB-2024-00102 --field address --value "Bãi đất trống sau chợ Mường Thanh, tổ 9"
show "$ONSITE" status --replica "$RUN/lan"
echo "\$ onsite sync   (no link)"
"$ONSITE" sync --replica "$RUN/lan" || echo "(exit code $?: nothing lost)"

step "5. Meanwhile officer Tuấn, online, verifies a report in Him Lam"
"$RELAY" serve --config "$CONF" --port "${URL##*:}" > "$RUN/relay.log" 2>&1 &
RELAY_PID=$!
for _ in $(seq 1 100); do grep -q "listening on" "$RUN/relay.log" && break; sleep 0.1; done
show "$ONSITE" verify --replica "$RUN/tuan" DB-2024-00103 --finding confirmed --lat 21.3991 --lon 103.0229 --notes "3 bóng đèn hỏng, đã báo Công ty điện lực."
show "$ONSITE" sync --replica "$RUN/tuan"

step "6. The link is back: Lan syncs"
show "$ONSITE" sync --replica "$RUN/lan"
show "$ONSITE" status --replica "$RUN/lan"

step "7. The supervisor pulls the merged state of the province"
"$ONSITE" init --replica "$RUN/supervisor" >/dev/null
show "$ONSITE" enroll --replica "$RUN/supervisor" --relay "$URL" --token "$SUP" --ca-cert "$RUN/tls/ca.pem"
show "$ONSITE" sync --replica "$RUN/supervisor" --photos
show "$ONSITE" list --replica "$RUN/supervisor"
show "$ONSITE" show --replica "$RUN/supervisor" DB-2024-00101
show "$ONSITE" show --replica "$RUN/supervisor" DB-2024-00103
# The table counts every report that reached a unit (the 8 forwarded ones), from the forwarding events the hub imported.
show "$ONSITE" report overdue --replica "$RUN/supervisor" --by commune
show "$ONSITE" report overdue --replica "$RUN/supervisor" --list
show "$ONSITE" list --replica "$RUN/supervisor" --overdue --unit phuong-muong-thanh
# From any folder: the catalogue and policies are built into the binary.
HERE=$PWD
(cd /tmp && show "$ONSITE" export --replica "$HERE/$RUN/supervisor" --format csv --output "$HERE/$RUN/supervisor-reports.csv")
show "$ONSITE" export --replica "$RUN/supervisor" --format geojson --output "$RUN/supervisor-reports.geojson"

step "8. The Điện Biên memo (April 2024): 130 reports with their histories, and the overdue table by district"
"$ONSITE" init --replica "$RUN/memo-hub" >/dev/null
MEMO_HUB=$(enroll_device hub "IOC (lịch sử tháng 4/2024)" dien-bien)
show "$ONSITE" enroll --replica "$RUN/memo-hub" --relay "$URL" --token "$MEMO_HUB" --ca-cert "$RUN/tls/ca.pem"
show "$ONSITE" import --replica "$RUN/memo-hub" Samples/memo-2024-04/reports.json --events Samples/memo-2024-04/events.json
show "$ONSITE" sync --replica "$RUN/memo-hub"
show "$ONSITE" sync --replica "$RUN/supervisor"
# The memo covers the reports received up to 3/4/2024; the demo's own reports (17–20/4) are left out by --to.
show "$ONSITE" report overdue --replica "$RUN/supervisor" --by district --as-of 2024-04-19T03:00:00Z --to 2024-04-15

step "9. Other systems read the same relay over the same TLS, with a token: CSV export and Open311 (GeoReport v2)"
show curl -s --cacert "$RUN/tls/ca.pem" -H "Authorization: Bearer $SUP" "$URL/v1/export/reports.csv?unit=phuong-him-lam&from=2024-04-15"
show curl -s --cacert "$RUN/tls/ca.pem" -H "Authorization: Bearer $SUP" "$URL/open311/v2/requests/db-2024-0103.json"; echo

step "10. Anyone can check that nothing was changed behind the devices' backs: the hash chain, signatures, photos"
show "$RELAY" audit --config "$CONF"

step "Done. Everything is in $RUN/ (relay data, replicas, relay.log)."
echo "The supervisor's web page: run"
echo "  $RELAY serve --config $CONF --port ${URL##*:}"
echo "then open $URL/web in a browser that trusts $RUN/tls/ca.pem and sign in with the supervisor's token:"
echo "  $SUP"
