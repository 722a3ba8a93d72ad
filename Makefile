# Kiln's two entry points (see README.md):
#   make demo   install what is missing, build, compile the example model, run it
#   make test   install what is missing, build, run every test
# Other targets: make build | configure | deps | clean
#                make fuzz [FUZZ_SECONDS=600]   run the reader fuzz targets
#                make sizes   section sizes of the runtime stub and the models, per target

BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
LLVM_DIR ?= /usr/lib/llvm-22
CTEST_ARGS ?=
FUZZ_SECONDS ?= 600

CMAKE_FLAGS = -G Ninja \
  -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
  -DMLIR_DIR=$(LLVM_DIR)/lib/cmake/mlir \
  -DCMAKE_C_COMPILER=$(LLVM_DIR)/bin/clang \
  -DCMAKE_CXX_COMPILER=$(LLVM_DIR)/bin/clang++ \
  -DLLVM_USE_LINKER=lld \
  -DCMAKE_C_COMPILER_LAUNCHER=ccache \
  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache

.PHONY: all deps configure build test demo fuzz sizes clean

all: build

deps:
	@./.ci/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	ninja -C $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

demo: build
	ninja -C $(BUILD_DIR) -j $(JOBS) kiln-demo
	$(BUILD_DIR)/bin/kiln-demo

fuzz: build
	ninja -C $(BUILD_DIR) kiln-fuzz-pt2 kiln-fuzz-pickle kiln-fuzz-pte hostile-corpus hostile-pte-corpus
	./test/fuzz/run_fuzzers.sh $(BUILD_DIR) $(FUZZ_SECONDS)

sizes: build
	./tools/sizes/sizes.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
