# ttpscope build. `make` builds everything; `make demo` runs the main job; `make test` runs all tests.
SHELL := /bin/bash
GO ?= go

ORT_VERSION := 1.30.0
ORT_TGZ_SHA256 := 6e3390d6b783e7be946fad629292799da28d0b42f84856e50d2c1b0383291e75
ORT_DIR := third_party/onnxruntime
ORT_LIB := $(ORT_DIR)/libonnxruntime.so.1
ORT_LIB_ABS := $(abspath $(ORT_LIB))

export ORT_LIBRARY ?= $(ORT_LIB_ABS)

.PHONY: all ort
all: ort

ort: $(ORT_LIB)

# ONNX Runtime comes from the npm package onnxruntime-node (the registry we can reach); the tarball's
# sha256 is pinned. Nothing here is committed: third_party/ is git-ignored.
$(ORT_LIB):
	@mkdir -p $(ORT_DIR)/.fetch
	cd $(ORT_DIR)/.fetch && npm pack --silent onnxruntime-node@$(ORT_VERSION) >/dev/null
	echo "$(ORT_TGZ_SHA256)  $(ORT_DIR)/.fetch/onnxruntime-node-$(ORT_VERSION).tgz" | sha256sum -c --quiet -
	tar -xzf $(ORT_DIR)/.fetch/onnxruntime-node-$(ORT_VERSION).tgz -C $(ORT_DIR)/.fetch package/bin/napi-v6/linux/x64/libonnxruntime.so.1
	mv $(ORT_DIR)/.fetch/package/bin/napi-v6/linux/x64/libonnxruntime.so.1 $@
	rm -rf $(ORT_DIR)/.fetch

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/ttpscope/ttpscope/shared/ortenv.defaultLibrary=$(ORT_LIB_ABS) -X main.version=$(VERSION)
BIN := bin

# Fuzz targets run briefly by `make test` (package:target), and for longer by `make fuzz FUZZTIME=5m` (a duration, or a count like 5000x).
FUZZ_TARGETS := $(shell grep -rl --include='*_test.go' '^func Fuzz' shared elastic-ingest fluentbit-plugin model test 2>/dev/null | \
	xargs -r grep -H -o '^func Fuzz[A-Za-z0-9_]*' | sed -E 's|/[^/]*_test.go:func |:|' | sort -u)
FUZZTIME ?= 5000x

.PHONY: all build plugin demo test vet unit fuzz pipeline-smoke bench clean
all: ort build

build: ort plugin
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/elastic-ingest ./elastic-ingest

# The Fluent Bit output plugin (Go c-shared library; the name must not start with "flb-").
plugin: ort
	$(GO) build -buildmode=c-shared -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/out_ttpscope.so ./fluentbit-plugin

# The main job: classify the example logs with the embedded default model, print annotated NDJSON and a
# per-class summary. No Elasticsearch needed.
demo: all
	$(BIN)/elastic-ingest classify examples/logs/*

test: all vet unit fuzz pipeline-smoke

# The training pipeline end to end on a few thousand samples (issue: the pipeline must not rot), and a
# LoRA adaptation of the shipped model that must remove a site's false positives (adapt-check). It
# needs Debian's python3-torch, python3-onnx and python3-numpy (.ci/run installs them); without them it
# says so loudly and is skipped, so `make test` still runs everywhere Go and npm do.
pipeline-smoke: ort
	@if /usr/bin/python3 -c 'import torch, onnx, numpy' 2>/dev/null; then \
		$(MODEL_ENV) $(PYTHON) -m unittest discover -s model/ttptrain -t model && $(MAKE) --no-print-directory model-smoke && \
		$(MAKE) --no-print-directory adapt-check; \
	else echo "SKIPPED model-smoke: /usr/bin/python3 lacks torch/onnx/numpy (apt-get install python3-torch python3-onnx python3-numpy)"; fi

# staticcheck is pinned and fetched through the Go module proxy like every other dependency.
STATICCHECK_VERSION := v0.8.2
vet:
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go') 2>/dev/null); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi

unit: ort
	$(GO) test -count=1 -race ./...

fuzz: ort
	@set -e; log=$$(mktemp); trap 'rm -f $$log' EXIT; for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$pkg $$name ($(FUZZTIME))"; \
		$(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) ./$$pkg >$$log 2>&1 || { cat $$log; echo "FAIL fuzz $$pkg $$name"; exit 1; }; \
	done

# Benchmarks (see README "Performance"): test/bench/report runs each benchmark in its own process and
# prints one table — raw ONNX Runtime, classify on unique and repetitive lines, the plugin through the
# C harness, serve and ship through the Elasticsearch fake — for the default model and for a
# seed-sized one (12x768, random weights, exported by `make model-base` when Python has torch).
BENCHTIME ?= 3s
BENCH_BASE ?= $(MODEL_WORK)/base
bench: ort
	@mkdir -p $(BIN)
	@if [ -f "$(BENCH_BASE)/model.onnx" ] && [ -f "$(BENCH_BASE)/tokenizer.json" ]; then :; \
	elif $(PYTHON) -c 'import torch, onnx' 2>/dev/null; then $(MAKE) --no-print-directory model-base; \
	else echo "bench: $(PYTHON) lacks torch/onnx: no seed-sized model, its rows are skipped"; fi
	@if $(PYTHON) -c 'import onnx' 2>/dev/null; then $(MAKE) --no-print-directory model-int8; \
	else echo "bench: $(PYTHON) lacks onnx: no int8 variant, its rows are skipped"; fi
	$(GO) run ./test/bench/report -benchtime $(BENCHTIME) -base $(BENCH_BASE) -int8 $(MODEL_WORK)/int8 -o $(BIN)/bench.md

# The model pipeline: make model, make model-smoke, make model-base (see model/README.md).
include model/model.mk

clean:
	rm -rf $(BIN) build
