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
for tool in Xvfb xwininfo; do
	command -v "$tool" >/dev/null || fail "$tool is missing; run 'make test-deps'"
done
# ImageMagick's import, not another program of that name.
import=$(command -v import || true)
if [[ -z "$import" ]] || ! "$import" -version 2>/dev/null | grep -q ImageMagick; then
	fail "ImageMagick's import is missing; run 'make test-deps'"
fi

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

# -displayfd makes Xvfb choose a free display and report its number.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/display" 2>"$tmp/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do
	[[ -s "$tmp/display" ]] && break
	kill -0 "$xvfb_pid" 2>/dev/null || fail "Xvfb did not start: $(cat "$tmp/xvfb.log")"
	sleep 0.1
done
[[ -s "$tmp/display" ]] || fail "Xvfb did not report a display"
export DISPLAY=":$(cat "$tmp/display")"

# A scratch config directory: the clerk's preferences are neither read nor written.
if [[ -n "${SMOKE_LANG:-}" ]]; then
	mkdir -p "$tmp/config/fyne/cn.fapiaoscanner.app"
	printf '{"language":"%s"}\n' "$SMOKE_LANG" >"$tmp/config/fyne/cn.fapiaoscanner.app/preferences.json"
fi
FAPIAO_DB="$tmp/history.db" XDG_CONFIG_HOME="$tmp/config" "$bin" >"$tmp/app.log" 2>&1 &
app_pid=$!
echo "smoke: started $bin (pid $app_pid) on display $DISPLAY"

start=$SECONDS
win=
while ((SECONDS - start < timeout)); do
	if ! kill -0 "$app_pid" 2>/dev/null; then
		wait "$app_pid" && rc=0 || rc=$?
		app_pid=
		fail "$bin exited with status $rc before its window appeared; its output:
$(cat "$tmp/app.log")"
	fi
	win=$(xwininfo -root -tree 2>/dev/null | grep -F "$title" | awk '{print $1}' | head -n1 || true)
	if [[ -n "$win" ]] && xwininfo -id "$win" 2>/dev/null | grep -q "IsViewable"; then
		break
	fi
	win=
	sleep 0.5
done
[[ -n "$win" ]] || fail "no window titled \"$title\" appeared within ${timeout}s; app output:
$(cat "$tmp/app.log")"
echo "smoke: window $win appeared after $((SECONDS - start))s"

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
