#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages that building and testing Fapiao Scanner
# need, skipping those already installed. Elsewhere it lists them and carries on.
#
#   scripts/deps.sh          build packages (C compiler, OpenGL and X11 headers, Tesseract)
#   scripts/deps.sh --test   also what the tests need (Xvfb, screenshots, LibreOffice, a CJK font)
#   scripts/deps.sh --bench  also the peer QR decoders the benchmark compares with
#   scripts/deps.sh --windows  also what cross-building and testing the Windows package needs
set -euo pipefail

# libasound2-dev: ALSA, through which the capture beep plays (core/sound).
# libtesseract-dev: the OCR engine that reads printed values from pictures,
# linked through cgo (gosseract); tesseract-ocr and tesseract-ocr-chi-sim:
# its English and Simplified Chinese models, which it loads at run time.
build_pkgs=(
	gcc libc6-dev pkg-config
	libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev
	libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev
	libasound2-dev
	tesseract-ocr tesseract-ocr-chi-sim libtesseract-dev
)
# xvfb/xauth: a headless X server; libgl1-mesa-dri: software OpenGL for it;
# x11-utils: xwininfo to find the window; imagemagick: import for the
# screenshot; xdotool: types a sample payload into the window; libreoffice-calc:
# reads exports back; ffmpeg: plays the webcam test clip; fonts-noto-cjk: a
# system CJK font, so that the window's golden masters are shown not to
# depend on one (they render with the bundled font); postgresql: the server
# the history's tests start in a temporary folder (core/store/pgtest), as the
# shared team history runs on it (Debian puts its programs in
# /usr/lib/postgresql/<version>/bin).
test_pkgs=(xvfb xauth libgl1-mesa-dri x11-utils imagemagick xdotool libreoffice-calc ffmpeg fonts-noto-cjk postgresql)

# Debian's zxing-cpp and zbar, driven from Python, are the benchmark's peers.
bench_pkgs=(python3 python3-zxing-cpp python3-pyzbar python3-pil)

# gcc-mingw-w64-x86-64: the C cross-compiler for the cgo parts of the Windows
# build (Fyne's GLFW and OpenGL driver, SQLite); zip: packs it; wine64: runs
# the Windows programs in `make windows-check`; unzip: unpacks an OFD there,
# to write one with GBK entry names.
windows_pkgs=(gcc-mingw-w64-x86-64 zip wine64 unzip)

pkgs=("${build_pkgs[@]}")
case "${1:-}" in
--test) pkgs+=("${test_pkgs[@]}") ;;
--bench) pkgs+=("${bench_pkgs[@]}") ;;
--windows) pkgs+=("${windows_pkgs[@]}") ;;
esac

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
	echo "deps: not a Debian/Ubuntu system; install the equivalents of these yourself:" >&2
	echo "  ${pkgs[*]}" >&2
	echo "  (macOS: Xcode command line tools; Windows: a mingw-w64 gcc, see README.md)" >&2
	exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
	if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]]; then
		missing+=("$p")
	fi
done

if ((${#missing[@]} == 0)); then
	echo "deps: all ${#pkgs[@]} packages installed"
	exit 0
fi

sudo=()
if ((EUID != 0)); then
	if ! command -v sudo >/dev/null; then
		echo "deps: missing packages and no sudo; as root run:" >&2
		echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
		exit 1
	fi
	sudo=(sudo)
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
