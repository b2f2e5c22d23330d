# Fapiao Scanner. `make run` opens the app, `make test` checks everything.
# `make help` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

# Go from PATH, else the standard install location.
GO ?= $(or $(shell command -v go 2>/dev/null),$(wildcard /usr/local/go/bin/go),go)

BIN     := bin/fapiao
VERSION := $(shell sed -n 's/^ *Version *= *"\([^"]*\)".*/\1/p' FyneApp.toml)
LDFLAGS := -X github.com/fapiaoscanner/fapiao/core/version.Version=$(VERSION)
# FyneApp.toml declares the fyne.Do threading model (Migrations.fyneDo). A plain
# go build does not read that file, so pass the tag `fyne build` would.
TAGS    := migrated_fynedo

.PHONY: help check-go deps test-deps build run test vet smoke screenshots bench fmt lint clean package

help:
	@echo "make run      install missing system packages, build and open the app"
	@echo "make test     install missing packages, vet, race-test, then smoke-test the binary"
	@echo "make build    build $(BIN) (version $(VERSION))"
	@echo "make deps     install missing build packages (Debian/Ubuntu)"
	@echo "make test-deps  also those the smoke test needs"
	@echo "make smoke    start $(BIN) under Xvfb, screenshot to build/smoke.png"
	@echo "make screenshots  screenshots of the main screens into docs/screenshots/"
	@echo "make bench    run the benchmarks and print a table"
	@echo "make fmt      gofmt the code"
	@echo "make lint     check formatting, go vet, staticcheck"
	@echo "make package  build a desktop package with fyne package, into build/"
	@echo "make windows  cross-build the Windows package build/fapiao-windows-amd64.zip"
	@echo "make windows-check  test it under Wine against the Linux build, window screenshot"
	@echo "make clean    remove bin/ and build/"

check-go:
	@command -v $(GO) >/dev/null 2>&1 || { \
		echo "Go is not installed. Install Go 1.26 or later from https://go.dev/dl/"; \
		echo "(on Linux: unpack it to /usr/local/go and add /usr/local/go/bin to PATH)."; \
		exit 1; }

deps:
	@scripts/deps.sh

test-deps:
	@scripts/deps.sh --test

build: check-go
	$(GO) build -tags $(TAGS) -ldflags "$(LDFLAGS)" -o $(BIN) ./app

run: deps build
	./$(BIN)

# Vet and test the build that ships: with the release's build tags.
vet: check-go
	$(GO) vet -tags $(TAGS) ./...

# The camera's clip test plays a video in real time and decodes it as it
# plays: under the race detector a decode takes longer than the clip keeps
# an invoice in view, and other packages' tests would starve it of the CPU
# it measures. It runs on its own after the rest, without -race; the
# camera's other tests run with it.
CLIP_TEST := ^TestClipCapturesEachInvoiceOnce$$

test: test-deps vet
	$(GO) test -race -tags $(TAGS) $$($(GO) list ./... | grep -v '/core/camera$$')
	$(GO) test -race -tags $(TAGS) -skip '$(CLIP_TEST)' ./core/camera
	$(GO) test -tags $(TAGS) -count=1 -run '$(CLIP_TEST)' ./core/camera
	# The window's markup masters once more with the system's fonts hidden
	# (Fyne's ci tag): they are rendered with the app's own theme and font,
	# so they hold with a CJK system font installed and without one.
	$(GO) test -tags "$(TAGS) ci" -count=1 -run TestScreensRenderAsExpected ./ui/
	$(MAKE) --no-print-directory smoke

smoke: build
	scripts/smoke.sh $(BIN)

screenshots: build
	scripts/screenshots.sh $(BIN)

# The shared corpora sit beside the repository.
SHARED ?= ../shared

bench: check-go build
	@scripts/deps.sh --bench
	rm -rf build/bench/invoices build/bench/heldout build/bench/styled
	$(GO) run -tags $(TAGS) ./tools/invoicegen -out build/bench/invoices -seed 1
	# Generic QR images the engine was not tuned on: gozxing's test photos,
	# and clean and styled codes that other Go modules and Debian packages ship.
	$(GO) run ./tools/qrbench/heldout -go $(GO) -out build/bench/heldout
	$(GO) run ./tools/qrbench/heldout -go $(GO) -set styled -out build/bench/styled
	$(GO) run ./tools/qrbench -fapiao $(BIN) -workers 2 -runs 3 \
		$(if $(wildcard $(SHARED)/corpus/zxing-qr/truth.tsv),zxing-qr=$(SHARED)/corpus/zxing-qr) \
		heldout=build/bench/heldout styled=build/bench/styled invoices=build/bench/invoices
	# Printed values read from pictures (OCR), beside full-page Tesseract,
	# on a seed the reader was never tuned on (7201).
	$(GO) run -tags $(TAGS) ./tools/invoicegen -paper -out build/bench/paper -seed 7201 -n 24
	$(GO) run -tags $(TAGS) ./tools/ocrbench build/bench/paper
	$(GO) test -tags $(TAGS) -run '^$$' -bench . -benchmem ./... | $(GO) run ./tools/benchtable

fmt: check-go
	gofmt -w .

# staticcheck at a pinned version, built once into build/tools.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := build/tools/staticcheck-$(STATICCHECK_VERSION)/staticcheck

$(STATICCHECK):
	GOBIN=$(abspath $(dir $(STATICCHECK))) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

lint: vet $(STATICCHECK)
	@unformatted=$$(gofmt -l .); \
	if [[ -n "$$unformatted" ]]; then echo "not gofmt'd:"; echo "$$unformatted"; exit 1; fi
	$(STATICCHECK) -tags $(TAGS) ./...

clean:
	rm -rf bin build

# fyne package bumps Build in FyneApp.toml; releases bump it on purpose, so it
# is put back here.
package: deps build
	mkdir -p build
	cp FyneApp.toml build/FyneApp.toml.orig
	$(GO) tool fyne package --os linux --exe $(BIN) --release || { mv build/FyneApp.toml.orig FyneApp.toml; exit 1; }
	mv build/FyneApp.toml.orig FyneApp.toml
	mv "Fapiao Scanner.tar.xz" build/
	@echo "package: build/Fapiao Scanner.tar.xz"

# Windows, cross-built with mingw-w64 and tested under Wine (README.md, Windows).
.PHONY: windows windows-check

windows: check-go
	@scripts/deps.sh --windows
	GO="$(GO)" TAGS="$(TAGS)" scripts/windows-build.sh

windows-check: windows
	@scripts/deps.sh --test
	GO="$(GO)" TAGS="$(TAGS)" scripts/windows-check.sh
