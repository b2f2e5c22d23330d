#!/usr/bin/env bash
# Screenshots of the main screens for the documentation: starts bin/fapiao on
# a private Xvfb display over a sample history (a few invoices of the shared
# corpus, recorded with `fapiao scan --save` into a scratch FAPIAO_DB, and a
# few re-billing orders sent with `fapiao rebill` to tools/gatewaysim on
# loopback), scans a payload with a simulated scanner gun (xdotool types it
# into the focused entry), checks the queue with the tax authority through
# tools/taxsim (a Tencent stand-in over the sample history), then plays a clip of invoices held up to a camera
# (tools/camclip, FAPIAO_CAMERA), opens a phone photo and an office scan of
# paper invoices (tools/invoicegen -paper, FAPIAO_OPEN as if dropped) whose
# printed values are read by OCR, and writes
# docs/screenshots/{scan,gun,check,camera,history,orders,settings,ofd,typein,ocr,ocr_scan,ocr_field}.png
# on a 1280×800 screen, and the same on the smallest screens supported into
# docs/screenshots/1366x768/ and docs/screenshots/1024x768/, the window
# maximised there as a clerk has it. Screens are switched with Ctrl+1 to
# Ctrl+5, as a clerk can.
#
#   scripts/screenshots.sh [BINARY]      default bin/fapiao
#
# Environment: SHOTS_TIMEOUT (seconds to wait for the window, default 60),
# SHOTS_OCR_WAIT (seconds OCR is given to read the two pictures, default 60),
# SHOTS_CAMERA_OCR_WAIT (seconds given to the camera's captures, default 90),
# FAPIAO_SHARED (the shared corpus, default ../shared).
set -euo pipefail

cd "$(dirname "$0")/.."
bin=${1:-bin/fapiao}
timeout=${SHOTS_TIMEOUT:-60}
out=docs/screenshots
title="Fapiao Scanner"
corpus=${FAPIAO_SHARED:-../shared}/corpus/real
payload="01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,"
# An OFD in the sample history, opened from the history to show its page.
ofd_sample=erma0__fapiao-print__sample.ofd
ofd_number=24322000000489101796
# The invoice of the re-billing gateway's PDF: the tax stand-in says it is
# voided, for the check's screenshot.
check_payload="01,31,,25322000000337005189,8819.60,20250722,,BB34"
check_voided=25322000000337005189

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
gateway_pid=
taxsim_pid=
cleanup() {
	# A process killed here exits non-zero: that is no failure of the script.
	local pid
	for pid in "$app_pid" "$gateway_pid" "$taxsim_pid" "$xvfb_pid"; do
		[[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
	done
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
	echo "$corpus/ofd/$ofd_sample"
)
"$bin" scan --save "${samples[@]}" >/dev/null 2>"$tmp/scan.log" || true
"$bin" scan --save "${samples[0]}" >/dev/null 2>>"$tmp/scan.log" || true # one duplicate
"$bin" clerk 王会计 >/dev/null
"$bin" blacklist add 91120116MA05XXXX1X --reason "虚开发票，税务局通报" >/dev/null

# Re-billing orders, through the gateway simulator: issued (its PDF read into
# the history), still being issued, refused, accepted.
go=${GO:-go}
"$go" build -o "$tmp/gatewaysim" ./tools/gatewaysim
"$go" build -o "$tmp/camclip" ./tools/camclip
"$tmp/gatewaysim" -addr 127.0.0.1:0 -appid demo-app -secret demo-secret -invoice-no 25322000000337005189 \
	-pdf "$corpus/pdf/Caisin__fapiao-print__7.22底座.pdf" >"$tmp/gateway.out" 2>"$tmp/gateway.log" &
gateway_pid=$!
for _ in $(seq 100); do
	[[ -s "$tmp/gateway.out" ]] && break
	sleep 0.1
done
export FAPIAO_SECRETS=file FAPIAO_FW199_APPID=demo-app FAPIAO_FW199_SECRET=demo-secret
FAPIAO_FW199_ENDPOINT=$(head -n1 "$tmp/gateway.out")
[[ -n "$FAPIAO_FW199_ENDPOINT" ]] || fail "the gateway simulator did not start: $(cat "$tmp/gateway.log")"
export FAPIAO_FW199_ENDPOINT
for order in I202411010001:91310117568051223X B202411020007:91310117568051223X \
	F202411030002:91440300MA5F12345X A202411040003:91440300MA5F12345X B202411020007:91310117568051223X; do
	"$bin" rebill --orderno "${order%%:*}" --tax-num "${order##*:}" >/dev/null 2>>"$tmp/scan.log" || true
done

# Checks with the tax authority (查验), through a Tencent stand-in whose tax
# database holds the sample history, one invoice voided.
"$go" build -o "$tmp/taxsim" ./tools/taxsim
"$bin" history --json --limit 1000 >"$tmp/history.jsonl"
"$tmp/taxsim" -provider tencent -id AKIDdemo -key demo-key -voided "$check_voided" \
	<"$tmp/history.jsonl" >"$tmp/taxsim.out" 2>"$tmp/taxsim.log" &
taxsim_pid=$!
for _ in $(seq 100); do
	[[ -s "$tmp/taxsim.out" ]] && break
	sleep 0.1
done
FAPIAO_VERIFY_ENDPOINT=$(head -n1 "$tmp/taxsim.out")
[[ -n "$FAPIAO_VERIFY_ENDPOINT" ]] || fail "the tax stand-in did not start: $(cat "$tmp/taxsim.log")"
export FAPIAO_VERIFY_ENDPOINT FAPIAO_TENCENT_SECRET_ID=AKIDdemo FAPIAO_TENCENT_SECRET_KEY=demo-key

# A clip of three invoices held up to a camera, one of them twice.
clip_images=("$corpus"/image/GitHub1he__QrToInvoice__img2.jpg "$corpus"/image/GitHub1he__QrToInvoice__S2.jpg
	"$corpus"/image/hellkun__invoice_reader__sample.png "$corpus"/image/GitHub1he__QrToInvoice__img2.jpg)
"$tmp/camclip" -out "$tmp/clip.mkv" "${clip_images[@]}" >/dev/null 2>>"$tmp/scan.log" ||
	fail "could not make the camera clip: $(tail -n 5 "$tmp/scan.log")"

# Paper invoices whose printed values are read by OCR: a phone photo and
# an office scan (the generator's third and fourth pictures of seed 4242).
"$go" run ./tools/invoicegen -paper -seed 4242 -n 4 -out "$tmp/paper" >/dev/null 2>>"$tmp/scan.log" ||
	fail "could not make the paper invoices: $(tail -n 5 "$tmp/scan.log")"
paper_photo="$tmp/paper/p003-photo.jpg"
paper_scan="$tmp/paper/p004-scan.jpg"
[[ -f "$paper_photo" && -f "$paper_scan" ]] || fail "the paper invoices are not where expected: $(ls "$tmp/paper")"

# The sample history as it stands, for each screen size to start from.
cp -a "$tmp/data" "$tmp/sample"

# maximise: taken whole, the smaller screens show the window maximised, as
# a clerk has it there: Xvfb has no window manager to maximise it (the
# window opens sized for the screen less a desktop's panels and frame,
# which Xvfb does not draw, and the rest of the screen would be black).
maximise() {
	[[ $what == root ]] || return 0
	local w=${size%x*} h=${size#*x} try
	for try in 1 2 3 4 5; do
		xdotool windowmove "$win" 0 0 windowsize "$win" "$w" "$h" || true
		sleep 0.5
		xwininfo -id "$win" | grep -q "Width: $w\$" && xwininfo -id "$win" | grep -q "Height: $h\$" && return 0
	done
	fail "the window could not be maximised to $size"
}

# ocr_field goes to a value read by OCR with the keyboard, as a clerk can:
# from the gun's entry, Tab goes through the queue's and the detail's
# buttons and the picture's zoom, then to the rows' QR values, 票面 entries
# and OCR marks; the 16th stop is one of the first values' entries (the
# invoice code's or number's, as the layout of the screen has it). (Xvfb without a window manager lets a click into the detail's
# entries go unseen now and then; the keyboard always reaches them.)
ocr_field() {
	xdotool mousemove --window "$win" 200 47 click 1
	sleep 0.5
	local i
	for i in $(seq 16); do
		xdotool key Tab
		sleep 0.1
	done
}

# start_app [VAR=VALUE...]: starts the app with the environment given, over
# the screen's history and settings, and waits for its window (maximised).
start_app() {
	env "$@" XDG_CONFIG_HOME="$tmp/config" "$bin" >"$tmp/app.log" 2>&1 &
	app_pid=$!
	wait_window "$title" "$timeout"
	maximise
}

# stop_app: the app must still run; it is closed.
stop_app() {
	kill -0 "$app_pid" 2>/dev/null || fail "$bin died: $(cat "$tmp/app.log")"
	kill "$app_pid"
	wait "$app_pid" 2>/dev/null || true
	app_pid=
}

# shots SIZE DIR WHAT: the screenshots on a SIZE screen, into DIR, of the
# window or the whole screen (WHAT: window or root); the window opens as on
# a clerk's first start, sized for that screen.
shots() {
	local size=$1 dir=$2 what=$3
	mkdir -p "$dir"
	rm -rf "$tmp/data" "$tmp/config"
	cp -a "$tmp/sample" "$tmp/data"
	start_xvfb "$size"

	start_app
	sleep 2

	shot() {
		sleep 1.5
		if [[ $what == root ]]; then
			"$import" -window root "$dir/$1.png"
		else
			"$import" -window "$win" "$dir/$1.png"
		fi
		echo "screenshots: $dir/$1.png"
	}

	# The scanner gun types into the focused entry and ends with Enter.
	xdotool type --delay 5 "$payload"
	xdotool key Return
	shot gun
	# A second invoice from the gun, then the queue checked with the tax
	# authority (Ctrl+Shift+Enter); Space closes the answer.
	xdotool type --delay 5 "$check_payload"
	xdotool key Return
	sleep 1
	xdotool key ctrl+shift+Return
	sleep 3
	shot check
	xdotool key space
	xdotool key ctrl+3
	shot history
	xdotool key ctrl+4
	sleep 1
	# Open the order tried twice (the first in the list) to show its attempts.
	xdotool mousemove --window "$win" 280 165 click 1
	shot orders
	xdotool key ctrl+5
	shot settings
	# The OFD's record, found by its number, opened over the history: its
	# page drawn, the QR code outlined.
	xdotool key ctrl+3
	sleep 1
	xdotool key ctrl+f
	xdotool type --delay 5 "$ofd_number"
	sleep 2
	xdotool mousemove --window "$win" 200 200 click 1
	sleep 4 # the page is drawn in the background
	shot ofd
	stop_app

	# The camera screen while the clip plays: the second showing of the first
	# invoice is noted, not taken again.
	start_app FAPIAO_CAMERA="$tmp/clip.mkv"
	sleep "${SHOTS_CAMERA_WAIT:-7}"
	shot camera
	# The scan queue then holds the invoices taken in, each with its frame
	# and its printed values read by OCR (seconds a capture).
	sleep "${SHOTS_CAMERA_OCR_WAIT:-90}"
	xdotool key ctrl+1
	sleep 1
	xdotool mousemove --window "$win" 280 216 click 1
	shot scan
	# An invoice whose QR code cannot be read, typed from the paper (Ctrl+T):
	# the form checks as the clerk types, here a seller's tax ID mistyped.
	xdotool key ctrl+t
	sleep 1
	local value
	for value in 10 044031600111 02407312 2017-11-04 582.52 "" 169951 91440300MA5F12345Y; do
		[[ -n "$value" ]] && xdotool type --delay 5 "$value"
		xdotool key Tab
	done
	shot typein
	stop_app

	# A phone photo and an office scan of paper invoices, opened as if
	# dropped: the 票面 column filled by OCR, each value marked with how
	# sure the reading is, its place outlined on the page.
	start_app FAPIAO_OPEN="$paper_photo:$paper_scan"
	sleep "${SHOTS_OCR_WAIT:-60}"
	shot ocr
	# The value the clerk goes to: the page zoomed to where it was read.
	ocr_field
	shot ocr_field
	# The office scan, second in the queue: its altered number flagged.
	xdotool mousemove --window "$win" 150 287 click 1
	shot ocr_scan
	stop_app
	kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null || true
	xvfb_pid=
}

# The README's, then the smallest screens supported: a common laptop's and
# 1024×768, taken whole, so that what does not fit would show.
shots 1280x800 "$out" window
shots 1366x768 "$out/1366x768" root
shots 1024x768 "$out/1024x768" root
