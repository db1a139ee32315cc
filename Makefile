# nsqpp — the two commands a fresh machine needs: `make run` and `make test`.
SHELL := /bin/bash
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
export CCACHE_MAXSIZE ?= 5G
JOBS ?= 2

.PHONY: setup build run test test-asan test-tsan bench fmt clean

setup:
	@bash scripts/setup-deps.sh

configure-%:
	@cmake --preset $* >/dev/null

build: setup
	@cmake --preset release >/dev/null
	@echo "[build] release binaries -> build/release/"
	@cmake --build --preset release -j $(JOBS)

run: build
	@bash scripts/run-local.sh

test: build
	@echo "[test] running ctest (release build)"
	@ctest --preset release

test-asan: setup
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	@ctest --preset asan

test-tsan: setup
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan -j $(JOBS)
	@ctest --preset tsan

bench: build
	@bash bench/run.sh

fmt:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf build

# Durable mode crash suites, long run (tests/crash; docs/durability.md). CRASH_CYCLES (default
# 50) cycles per suite; CRASH_SEED to replay a failure.
.PHONY: crash-long
crash-long: setup
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS) --target crash_kill9_tests crash_power_loss_tests crash_corruption_tests
	@export CRASH_CYCLES=$${CRASH_CYCLES:-50}; set -e; for t in crash_kill9_tests crash_power_loss_tests crash_corruption_tests; do \
	  if [ -x build/release/tests/crash/$$t ]; then build/release/tests/crash/$$t; fi; done
