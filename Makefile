# gru4rec-shell: the two commands a newcomer needs are `make run` and `make test`.
# Both install the Debian packages the build needs when they are missing.

SWIFT      ?= swift
APT_PKGS   := libopenblas-dev libncurses-dev libreadline-dev pkg-config zlib1g-dev tmux python3-pip
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RELEASE    := .build/release/gru4rec
SERVE_BIN  := .build/release/gru4rec-serve

.PHONY: all deps build release test test-asan fuzz run bench readme-screen serve serve-release serve-bench demo-data demo-model clean

all: build

## Install the system packages the build and tests need (Debian/Ubuntu, apt-get).
deps:
	@missing=""; \
	for p in $(APT_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "==> installing missing packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	@echo "==> building gru4rec (release; about a minute the first time) ..."
	@$(SWIFT) build -c release --product gru4rec

## Run every test (unit, fixture replay, gradient checks, snapshots, end to end in tmux).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test

## The whole suite under AddressSanitizer (own build folder, .build-asan).
test-asan: deps
	$(SWIFT) build --build-tests -Xswiftc -sanitize=address --scratch-path .build-asan
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --skip-build --scratch-path .build-asan

## Fuzz the parsers of outside files and the shell's command line with libFuzzer, each
## target for FUZZ_SECONDS on its seed corpus (Fuzz/Corpus/NAME). New inputs go to
## .build-fuzz/corpus/NAME, crashes to .build-fuzz/crashes/NAME-*; a crash fails the run.
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := FuzzSessionFile FuzzModelFile FuzzParams FuzzShellCommand FuzzImport
fuzz: deps
	@for t in $(FUZZ_TARGETS); do \
	  GRU4REC_FUZZ=1 $(SWIFT) build -c debug --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address --product $$t || exit 1; \
	done
	@mkdir -p .build-fuzz/crashes
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p .build-fuzz/corpus/$$t; \
	  echo "==> $$t for $(FUZZ_SECONDS)s"; \
	  ASAN_OPTIONS=detect_leaks=0 .build-fuzz/debug/$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 -timeout=20 \
	    -artifact_prefix=.build-fuzz/crashes/$$t- .build-fuzz/corpus/$$t Fuzz/Corpus/$$t > .build-fuzz/$$t.log 2>&1; \
	  rc=$$?; tail -n 3 .build-fuzz/$$t.log; \
	  if [ $$rc -ne 0 ]; then echo "$$t failed (exit $$rc): see .build-fuzz/$$t.log and .build-fuzz/crashes/"; exit 1; fi; \
	done

## The main job: the shell on the bundled demo model.
run: release
	$(RELEASE) shell

bench: release
	$(RELEASE) bench

## Regenerate README.md's first screen (the shell at 120x40 as `make run` opens it, as text).
readme-screen: release
	scripts/readme-screen.sh

## The HTTP server (gru4rec-serve) on the demo model, http://127.0.0.1:8080 (see README, "Serve").
serve-release: deps
	$(SWIFT) build -c release --product gru4rec-serve

serve: serve-release
	$(SERVE_BIN) --model demo-data/model.safetensors --port $${PORT:-8080} --reload

## Load test of gru4rec-serve with wrk (installs wrk; a few minutes; 127.0.0.1 only).
serve-bench: deps
	bench/serve-load.sh

clean:
	rm -rf .build

## Rebuild the demo sessions from the raw Online Retail file.
demo-data: release
	demo-data/build-data.sh

## Retrain the demo model from the raw data and compare with the shipped metrics (tolerance 0.01).
demo-model: demo-data
	demo-data/train-model.sh --check
