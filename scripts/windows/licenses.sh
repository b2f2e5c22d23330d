#!/usr/bin/env bash
# Gathers the licences of everything built into the Windows programs, for the
# zip: the bundled font, Go and its standard library, each Go module linked
# in (the licence files at its root and in its folders, such as the C GLFW
# that go-gl/glfw compiles and the fonts Fyne embeds), PDFium (compiled to
# WebAssembly inside go-pdfium, which ships no licence for it) and the
# mingw-w64 runtime linked into the programs. Fails when a module has none.
#
#   scripts/windows/licenses.sh DIR     run by scripts/windows-build.sh
#
# Environment: GO, TAGS as for the build.
set -euo pipefail

cd "$(dirname "$0")/../.."
dest=${1:?usage: licenses.sh DIR}
GO=${GO:-go}
TAGS=${TAGS:-migrated_fynedo}

fail() {
	echo "licenses: FAIL: $*" >&2
	exit 1
}

rm -rf "$dest"
mkdir -p "$dest/fonts" "$dest/go" "$dest/modules" "$dest/pdfium" "$dest/mingw-w64"
index=$dest/README.txt
{
	echo "Licences of what Fapiao Scanner for Windows is built from."
	echo
	echo "fonts/      Droid Sans Fallback, the bundled Chinese font (Apache License 2.0)"
	echo "go/         the Go runtime and standard library (BSD-style)"
	echo "pdfium/     PDFium, the PDF renderer, built in as WebAssembly"
	echo "mingw-w64/  the mingw-w64 C runtime linked into the programs"
	echo "modules/    each Go module linked in, by module path:"
	echo
} >"$index"

cp assets/fonts/DroidSansFallbackFull.copyright assets/fonts/LICENSE-Apache-2.0.txt "$dest/fonts/"
cp "$("$GO" env GOROOT)/LICENSE" "$dest/go/LICENSE"
cp scripts/windows/pdfium-license.txt "$dest/pdfium/LICENSE.txt"
cp assets/fonts/LICENSE-Apache-2.0.txt "$dest/pdfium/LICENSE-Apache-2.0.txt"
copyright=/usr/share/doc/mingw-w64-common/copyright
[[ -f "$copyright" ]] || fail "$copyright is missing; run 'make windows' (mingw-w64 packages)"
cp "$copyright" "$dest/mingw-w64/copyright.txt"

modules=$(GOOS=windows GOARCH=amd64 CGO_ENABLED=1 "$GO" list -deps -tags "$TAGS" \
	-f '{{with .Module}}{{if not .Main}}{{.Path}} {{.Version}} {{.Dir}}{{end}}{{end}}' ./app | sort -u)
[[ -n "$modules" ]] || fail "go list found no modules"
while read -r path version dir; do
	files=$(cd "$dir" && find . \( -path '*/testdata' -o -path '*/examples' -o -path '*/_examples' \) -prune -o \
		-type f \( -iname 'licen[cs]e*' -o -iname 'copying*' -o -iname 'notice*' -o -iname 'unlicense*' \) \
		! -name '*.go' -print | sed 's|^\./||' | sort)
	[[ -n "$files" ]] || fail "module $path $version has no licence file in $dir"
	while read -r f; do
		mkdir -p "$dest/modules/$path/$(dirname "$f")"
		cp "$dir/$f" "$dest/modules/$path/$f"
	done <<<"$files"
	printf '  %s %s\n' "$path" "$version" >>"$index"
done <<<"$modules"
# Windows tools read CRLF text.
sed -i 's/\r*$/\r/' "$index"
echo "licenses: $(wc -l <<<"$modules") modules"
