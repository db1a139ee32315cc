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
