# Thin wrapper: the two commands a new user runs on a fresh Debian 12 machine.
#   make demo   install what is missing, build, run the standalone classroom demo
#   make test   install what is missing, build, run every test through CTest
#   make package  the Debian packages cairn and cairn-server, in $(BUILD)/packages
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: all deps build demo test bench package clean format

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCAIRN_DEVELOPER=ON >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@scripts/demo.sh $(BUILD)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

package: build
	@cd $(BUILD) && cpack -G DEB

bench: build
	@scripts/bench.sh $(BUILD)

format:
	@find platform agent sync gui tests bench tools -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	@rm -rf $(BUILD)
