#!/usr/bin/env bash
# Tests the Windows build under Wine: the command line's output must equal
# the Linux build's, and the window must open.
#
#   scripts/windows-check.sh        run by `make windows-check`, after `make windows`
#
# 1. parse --json and parse (text, zh and en, --strict exit code) on the
#    shared QR fixtures, fed to Windows with CRLF line ends as a scanner gun
#    on Windows sends them;
# 2. scan --json on a sample of the shared real corpus (PDF, OFD, XML,
#    images; a folder; file names with Chinese characters and spaces, given
#    with backslashes and a drive letter on Windows; an OFD whose entry
#    names are GBK);
# 3. scan --save into a history, then history --json, export to CSV,
#    audit verify, on both builds;
# 4. fapiao.exe opens its window on a private Xvfb display; the screenshot
#    is kept as build/windows-window.png, each command's output on both
#    sides in build/windows/check/.
#
# The Linux side is built here with -tags noocr: the Windows build has no
# OCR, so neither reads the printed values of pictures, and their output
# must then be the same. Times ("ms", recording times) and the work folder's
# path are masked before comparing; nothing else is.
#
# Wine 8 (Debian 12) lacks ProcessPrng, which Go 1.24 and later need to
# start: scripts/windows/processprng.c is built into a bcryptprimitives.dll
# for the test prefix only (build/windows/wine).
#
# Environment: GO, TAGS as in the Makefile; SHARED (default ../shared);
# WINDOWS_CHECK_TIMEOUT (seconds to wait for the window, default 120).
set -euo pipefail

cd "$(dirname "$0")/.."
GO=${GO:-go}
TAGS=${TAGS:-migrated_fynedo}
SHARED=${SHARED:-../shared}
timeout=${WINDOWS_CHECK_TIMEOUT:-120}
wdir=build/windows
gui=$wdir/fapiao.exe
cli=$wdir/fapiao-cli.exe
ref=$wdir/linux-noocr/fapiao
title="Fapiao Scanner"

fail() {
	echo "windows-check: FAIL: $*" >&2
	exit 1
}
say() { echo "windows-check: $*"; }

[[ -f "$gui" && -f "$cli" ]] || fail "$gui or $cli is missing; run 'make windows' first"
wine=$(command -v wine64 || true)
[[ -n "$wine" ]] || wine=/usr/lib/wine/wine64
[[ -x "$wine" ]] || fail "wine64 is missing; run 'make windows-check' (it installs it)"
wineserver=$(dirname "$wine")/wineserver
[[ -x "$wineserver" ]] || wineserver=$(command -v wineserver || echo "$(dirname "$wine")/wineserver64")
[[ -f "$SHARED/fixtures/qr-payloads.tsv" && -d "$SHARED/corpus/real" ]] || fail "the shared corpus is not in $SHARED (set SHARED)"
source scripts/xvfb.sh
need_x_tools

# The Linux reference, without OCR like the Windows build.
start=$SECONDS
"$GO" build -tags "$TAGS noocr" -o "$ref" ./app
say "Linux reference built in $((SECONDS - start))s"

# A Wine prefix of our own, kept between runs (making one takes half a
# minute); Mono and Gecko are never installed.
export WINEPREFIX=$PWD/$wdir/wine/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
mkdir -p "$wdir/wine"
start=$SECONDS
if [[ ! -f "$WINEPREFIX/system.reg" ]]; then
	"$wine" wineboot --init >"$wdir/wine/wineboot.log" 2>&1 || fail "wineboot failed: $(tail -5 "$wdir/wine/wineboot.log")"
fi
x86_64-w64-mingw32-gcc -shared -O2 -s -o "$wdir/wine/bcryptprimitives.dll" scripts/windows/processprng.c -ladvapi32
cp "$wdir/wine/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
# One server for every run below, instead of one started and stopped each
# time: once wineboot's has gone.
"$wineserver" -w
"$wineserver" -p
say "Wine prefix ready in $((SECONDS - start))s"

tmp=$(mktemp -d)
xvfb_pid=
app_pid=
cleanup() {
	if [[ -n "$app_pid" ]]; then
		kill "$app_pid" 2>/dev/null || true
		wait "$app_pid" 2>/dev/null || true
	fi
	"$wineserver" -k 2>/dev/null || true
	if [[ -n "$xvfb_pid" ]]; then
		kill "$xvfb_pid" 2>/dev/null || true
		wait "$xvfb_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
	return 0
}
trap cleanup EXIT

# The same inputs for both, in one work folder; each side has its history.
work=$tmp/work
mkdir -p "$work/in/folder"
real=$(cd "$SHARED/corpus/real" && pwd)
sample=(
	"$real/xml/"*.xml
	"$real/ofd/"*.ofd
	"$real/pdf/yooongchun__Invoice2Excel__91421200553905686B_85532d34579b4875a66af568e24aaa7d.pdf"
	"$real/pdf/384863451__invoice_ocr__0c2fd203-7b8e-4e04-80b4-32e5c06891e8.pdf"
	"$real/image/GitHub1he__QrToInvoice__img.jpg"
	"$real/image/hellkun__invoice_reader__sample.png"
)
for f in "${sample[@]}"; do
	[[ -f "$f" ]] || fail "corpus file $f is missing"
	cp "$f" "$work/in/"
done
# Names as clerks give them: Chinese characters and spaces.
cp "$real/pdf/yooongchun__Invoice2Excel__91420112792429656B_9434b07ac46d4bfa9fce7674fdc3a5b0.pdf" "$work/in/folder/发票 副本 (1).pdf"
cp "$real/image/GitHub1he__QrToInvoice__S2.jpg" "$work/in/folder/扫描 件.jpg"
# An OFD whose entry names are GBK bytes, as zip tools write them on a
# Chinese Windows, while its XML names them in UTF-8: its QR code is only in
# such an image.
gbk=$tmp/gbk
mkdir -p "$gbk"
(cd "$gbk" && unzip -q "$real/ofd/erma0__fapiao-print__sample.ofd")
for img in "$gbk"/Doc_0/Res/image_*.png; do
	old=$(basename "$img" .png)
	new=发票图像${old#image_}
	mv "$img" "$gbk/Doc_0/Res/$(printf '%s' "$new" | iconv -f UTF-8 -t GBK).png"
	sed -i "s/$old\.png/$new.png/g" "$gbk/Doc_0/DocumentRes.xml"
done
(cd "$gbk" && LC_ALL=C zip -q -r -X "$work/in/gbk-names.ofd" .)
tail -n +2 "$SHARED/fixtures/qr-payloads.tsv" | cut -f1 >"$work/payloads.txt"
sed 's/$/\r/' "$work/payloads.txt" >"$work/payloads-crlf.txt"
first=$(head -n1 "$work/payloads.txt")
files=()
while IFS= read -r f; do files+=("in/$f"); done < <(cd "$work/in" && find . -maxdepth 1 -type f | sed 's|^\./||' | LC_ALL=C sort)
files+=(in/folder)

# run SIDE NAME STDIN ARGS...: runs one command on one side, in the work
# folder, keeping its output, error output and exit code.
run() {
	local side=$1 name=$2 in=$3 rc=0
	shift 3
	mkdir -p "$tmp/$side"
	local exe=("$PWD/$ref")
	[[ "$side" == windows ]] && exe=("$wine" "$PWD/$cli")
	(cd "$work" && FAPIAO_DB="$tmp/$side/history.db" FAPIAO_SECRETS=file FAPIAO_LANG='' \
		"${exe[@]}" "$@" <"$in" >"$tmp/$side/$name.out" 2>"$tmp/$side/$name.err") || rc=$?
	echo "$rc" >"$tmp/$side/$name.rc"
}

# mask FILE: times, the path separator and the work folder's path, as each
# side writes them; and the audit log's head hash, which hashes the times.
mask() {
	sed -E \
		-e 's/"ms":[0-9]+/"ms":0/g' \
		-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?/TIME/g' \
		-e 's#Z:(\\\\|\\)#/#g' \
		-e 's#\\\\#/#g' \
		-e "s#$tmp/(linux|windows)/#HISTORY/#g" \
		-e "s#$tmp/work/#WORK/#g" \
		"$1"
}
maskcsv() { mask "$1" | sed 's#\\#/#g'; }
maskaudit() { mask "$1" | sed -E 's/[0-9a-f]{64}/HASH/g'; }

# args NAME: the arguments of check NAME on $side; the input is the
# payloads for the parse checks, nothing for the others.
checks=(parse-json parse-strict parse-zh parse-en scan scan-names save history export audit version)
args() {
	case $1 in
	parse-json) a=(parse --json -) ;;
	parse-strict) a=(parse --strict --json -) ;;
	parse-zh) a=(parse "$first") ;;
	parse-en) a=(parse --lang en "$first") ;;
	scan) a=(scan --json --workers 2 "${files[@]}") ;;
	scan-names)
		# As a clerk types them on Windows: backslashes, and a drive letter.
		a=(scan --json "in/folder/发票 副本 (1).pdf" "$work/in/folder/扫描 件.jpg")
		if [[ "$side" == windows ]]; then
			a=(scan --json 'in\folder\发票 副本 (1).pdf' "Z:${work//\//\\}\in\folder\扫描 件.jpg")
		fi
		;;
	save) a=(scan --json --save --workers 1 "${files[@]}") ;;
	history) a=(history --json --full) ;;
	export) a=(export --out export.csv) ;;
	audit) a=(audit verify) ;;
	version) a=(version) ;;
	esac
}
start=$SECONDS
for side in linux windows; do
	rm -f "$work/export.csv"
	for name in "${checks[@]}"; do
		in=/dev/null
		if [[ "$name" == parse-json || "$name" == parse-strict ]]; then
			in=$work/payloads.txt
			[[ "$side" == windows ]] && in=$work/payloads-crlf.txt
		fi
		args "$name"
		run "$side" "$name" "$in" "${a[@]}"
	done
	cp "$work/export.csv" "$tmp/$side/export.csv" 2>/dev/null || true
	say "$side: ${#checks[@]} commands in $((SECONDS - start))s"
	start=$SECONDS
done

# Compare: standard output, error output and exit code of every command,
# and the exported CSV. The version line names the platform, by design.
failed=0
for name in "${checks[@]}" export.csv; do
	parts=(out err rc)
	[[ "$name" == version ]] && parts=(err rc)
	[[ "$name" == export.csv ]] && parts=(csv)
	for part in "${parts[@]}"; do
		l=$tmp/linux/$name.$part w=$tmp/windows/$name.$part m=mask
		[[ "$part" == csv ]] && l=$tmp/linux/$name w=$tmp/windows/$name m=maskcsv
		[[ "$name" == audit ]] && m=maskaudit
		if [[ ! -f "$l" || ! -f "$w" ]]; then
			echo "  $name: no $part from $([[ -f "$l" ]] && echo Windows || echo Linux)"
			failed=1
		elif ! diff -u --label "linux $name.$part" --label "windows $name.$part" <($m "$l") <($m "$w") >"$tmp/diff"; then
			echo "  $name: the $part differs:"
			head -n 40 "$tmp/diff" | sed 's/^/    /'
			failed=1
		fi
	done
done
grep -q "windows/amd64" "$tmp/windows/version.out" || { echo "  version: $(cat "$tmp/windows/version.out")"; failed=1; }
# The commands must have done their work, which shows on Linux: exit 0
# (--strict's depends on the findings) and output.
for name in "${checks[@]}"; do
	rc=$(cat "$tmp/linux/$name.rc")
	if [[ "$name" != parse-strict && "$rc" != 0 ]]; then
		echo "  $name: exit code $rc on Linux: $(head -c 500 "$tmp/linux/$name.err")"
		failed=1
	fi
	[[ -s "$tmp/linux/$name.out" || "$name" == export ]] || { echo "  $name: no output on Linux"; failed=1; }
done
[[ -s "$tmp/linux/export.csv" ]] || { echo "  export: no CSV on Linux"; failed=1; }
grep -q '"file":"in/gbk-names.ofd","codes":\[{"text":"01,' "$tmp/linux/scan.out" || { echo "  scan: no QR code read from the OFD with GBK entry names"; failed=1; }
# Kept for a look: each side's output, error output and exit codes.
rm -rf "$wdir/check"
mkdir -p "$wdir/check"
cp -r "$tmp/linux" "$tmp/windows" "$wdir/check/"
if ((failed)); then
	echo "windows-check: each side's output is in $wdir/check; Windows errors:" >&2
	for f in "$tmp"/windows/*.err; do [[ -s "$f" ]] && sed "s|^|  $(basename "$f" .err): |" "$f" | head -n 5 >&2; done
	fail "the Windows command line's output differs from Linux's (above)"
fi
say "the command line's output equals Linux's: $(cat "$tmp"/linux/*.out | wc -l) lines over ${#checks[@]} commands, $(wc -l <"$work/payloads.txt") payloads, ${#files[@]} paths"

# The window. The server started above, for the command line, has no
# display: Wine's desktop process it started cannot open a window, and the
# app's GLFW fails to create its helper window. A server of the window's
# own is started with the display set.
start_xvfb
"$wineserver" -k 2>/dev/null || true
"$wineserver" -w
rm -f build/windows-window.png
(cd "$tmp" && FAPIAO_DB="$tmp/window.db" FAPIAO_SECRETS=file exec "$wine" "$OLDPWD/$gui") >"$tmp/app.log" 2>&1 &
app_pid=$!
echo -n "windows-check: "
wait_window "$title" "$timeout"
sleep 3
"$import" -window "$win" build/windows-window.png
kill -0 "$app_pid" 2>/dev/null || fail "fapiao.exe died while being tested; its output:
$(cat "$tmp/app.log")"
say "ok: window screenshot in build/windows-window.png"
# Each command compared, the CSV, the window.
echo "windows-check: $((${#checks[@]} + 2)) passed, 0 failed"
