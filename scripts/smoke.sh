#!/usr/bin/env bash
# Smoke test of the real binary: start bin/fapiao on a private Xvfb display,
# wait for its window, type a sample QR payload into it and save a screenshot
# to build/smoke.png (build/smoke-start.png is the window before typing).
# Fails when no window appears.
#
#   scripts/smoke.sh [BINARY]      default bin/fapiao
#
# Environment: SMOKE_TIMEOUT (seconds to wait for the window, default 60),
# SMOKE_PAYLOAD (the text typed in), SMOKE_LANG (interface language, zh or en).
set -euo pipefail

cd "$(dirname "$0")/.."
bin=${1:-bin/fapiao}
timeout=${SMOKE_TIMEOUT:-60}
out=build
title="Fapiao Scanner"
sample=${SMOKE_PAYLOAD:-"01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,"}

fail() {
	echo "smoke: FAIL: $*" >&2
	exit 1
}

[[ -x "$bin" ]] || fail "$bin not found; run 'make build' first"
source scripts/xvfb.sh
need_x_tools

mkdir -p "$out"
rm -f "$out/smoke.png" "$out/smoke-start.png"
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

start_xvfb

# A scratch config directory: the clerk's preferences are neither read nor written.
if [[ -n "${SMOKE_LANG:-}" ]]; then
	mkdir -p "$tmp/config/fyne/cn.fapiaoscanner.app"
	printf '{"language":"%s"}\n' "$SMOKE_LANG" >"$tmp/config/fyne/cn.fapiaoscanner.app/preferences.json"
fi
FAPIAO_DB="$tmp/history.db" XDG_CONFIG_HOME="$tmp/config" "$bin" >"$tmp/app.log" 2>&1 &
app_pid=$!
echo "smoke: started $bin (pid $app_pid) on display $DISPLAY"

echo -n "smoke: "
wait_window "$title" "$timeout"

# Let the first frames render before taking pictures.
sleep 2
"$import" -window "$win" "$out/smoke-start.png"
if command -v xdotool >/dev/null; then
	# The entry has the focus when the window opens, as it must for a scanner gun.
	xdotool type --delay 5 "$sample"
	sleep 1
else
	echo "smoke: xdotool missing, screenshot without a payload typed in"
fi
"$import" -window "$win" "$out/smoke.png"
kill -0 "$app_pid" 2>/dev/null || fail "$bin died while being tested; its output:
$(cat "$tmp/app.log")"
if [[ -s "$tmp/app.log" ]]; then
	echo "smoke: app output:"
	sed 's/^/  /' "$tmp/app.log"
fi
echo "smoke: ok, screenshots in $out/smoke-start.png and $out/smoke.png"
