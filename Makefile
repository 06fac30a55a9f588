# gru4rec-shell: the two commands a newcomer needs are `make run` and `make test`.
# Both install the Debian packages the build needs when they are missing.

SWIFT      ?= swift
APT_PKGS   := libopenblas-dev libncurses-dev libreadline-dev pkg-config zlib1g-dev tmux python3-pip
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RELEASE    := .build/release/gru4rec
SERVE_BIN  := .build/release/gru4rec-serve

.PHONY: all deps build release test run bench serve serve-release serve-bench demo-data demo-model clean

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
	$(SWIFT) build -c release --product gru4rec

## Run every test (unit, fixture replay, gradient checks, snapshots, end to end in tmux).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test

## The main job: the shell on the bundled demo model.
run: release
	$(RELEASE) shell

bench: release
	$(RELEASE) bench

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
