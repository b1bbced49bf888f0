# Thin front over CMake: make, make test, make demo, make bench,
# make SAN=1 test, make fuzz.  See README.md.

ifeq ($(SAN),1)
BUILD ?= build-san
CMAKE_FLAGS += -DKVPT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
else
BUILD ?= build
CMAKE_FLAGS += -DCMAKE_BUILD_TYPE=RelWithDebInfo
endif
MAKEFLAGS += --no-print-directory
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_TIME ?= 300
KVPT = $(BUILD)/kvpt

.PHONY: all deps build test demo bench fuzz fuzz-smoke valgrind clean

all: build

deps:
	@./scripts/install-deps

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory fuzz-smoke FUZZ_TIME=20

demo: build
	@./scripts/demo $(KVPT)

bench: build
	@./bench/run $(BUILD)

fuzz-smoke fuzz: deps
	@./tests/fuzz/run $(FUZZ_TIME) plan
	@./tests/fuzz/run $(FUZZ_TIME) msel

valgrind: build
	@./scripts/valgrind-samples $(KVPT)

clean:
	rm -rf build build-san build-fuzz
