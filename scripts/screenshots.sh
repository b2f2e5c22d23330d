#!/usr/bin/env bash
# Screenshots of the main screens for the documentation: starts bin/fapiao on
# a private Xvfb display over a sample history (a few invoices of the shared
# corpus, recorded with `fapiao scan --save` into a scratch FAPIAO_DB), scans
# a payload with a simulated scanner gun (xdotool types it into the focused
# entry) and writes docs/screenshots/{scan,history,settings}.png. Screens are
# switched with Ctrl+1/2/3, as a clerk can.
#
#   scripts/screenshots.sh [BINARY]      default bin/fapiao
#
# Environment: SHOTS_TIMEOUT (seconds to wait for the window, default 60),
# FAPIAO_SHARED (the shared corpus, default ../shared).
set -euo pipefail

cd "$(dirname "$0")/.."
bin=${1:-bin/fapiao}
timeout=${SHOTS_TIMEOUT:-60}
out=docs/screenshots
title="Fapiao Scanner"
corpus=${FAPIAO_SHARED:-../shared}/corpus/real
payload="01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,"

fail() {
	echo "screenshots: FAIL: $*" >&2
	exit 1
}

[[ -x "$bin" ]] || fail "$bin not found; run 'make build' first"
source scripts/xvfb.sh
need_x_tools xdotool
[[ -d "$corpus" ]] || fail "no corpus at $corpus (set FAPIAO_SHARED)"

mkdir -p "$out"
tmp=$(mktemp -d)
xvfb_pid=
app_pid=
cleanup() {
	[[ -n "$app_pid" ]] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
	[[ -n "$xvfb_pid" ]] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
	rm -rf "$tmp"
	return 0
}
trap cleanup EXIT

# The sample history: a few real PDFs and photos, recorded as the CLI does.
export FAPIAO_DB="$tmp/data/fapiao/history.db"
samples=()
while IFS= read -r f; do samples+=("$f"); done < <(
	ls "$corpus"/pdf/*.pdf | head -n 6
	ls "$corpus"/image/* | head -n 4
)
"$bin" scan --save "${samples[@]}" >/dev/null 2>"$tmp/scan.log" || true
"$bin" scan --save "${samples[0]}" >/dev/null 2>>"$tmp/scan.log" || true # one duplicate
"$bin" clerk 王会计 >/dev/null
"$bin" blacklist add 91120116MA05XXXX1X --reason "虚开发票，税务局通报" >/dev/null

start_xvfb

XDG_CONFIG_HOME="$tmp/config" "$bin" >"$tmp/app.log" 2>&1 &
app_pid=$!
wait_window "$title" "$timeout"
sleep 2

shot() {
	sleep 1.5
	"$import" -window "$win" "$out/$1.png"
	echo "screenshots: $out/$1.png"
}

# The scanner gun types into the focused entry and ends with Enter.
xdotool type --delay 5 "$payload"
xdotool key Return
shot scan
xdotool key ctrl+2
shot history
xdotool key ctrl+3
shot settings
kill -0 "$app_pid" 2>/dev/null || fail "$bin died: $(cat "$tmp/app.log")"
