//===- TargetSelectionTest.cpp - --target, -O, depfiles ------------------===//
#include "compiler/pipeline/Compiler.h"
#include "targets/Target.h"

#include <catch2/catch.hpp>

using namespace kiln;

TEST_CASE("kilnc's target is selected by name or by LLVM triple", "[targets]") {
  REQUIRE(selectTarget("aarch64", "") == findTarget("aarch64"));
  // Every target's triple and default CPU select it, or the table's first
  // target with the same triple and CPU (riscv64 for riscv64-rvv, which differs
  // by features only and is chosen by name).
  for (const TargetDesc &t : allTargets()) {
    const TargetDesc *byTriple = selectTarget(t.triple, t.cpu);
    REQUIRE(byTriple != nullptr);
    CHECK(byTriple->triple == t.triple);
    CHECK(byTriple->cpu == t.cpu);
    CHECK(byTriple <= &t);
  }
  // The vendor does not matter; normalization fills it in.
  CHECK(selectTarget("x86_64-pc-linux-gnu", "")->name == "x86_64");
  CHECK(selectTarget("x86_64-linux-gnu", "")->name == "x86_64");
  CHECK(selectTarget("thumbv7em-none-eabihf", "")->name == "cortex-m4");
  CHECK(selectTarget("thumbv7em-none-eabihf", "cortex-m7")->name == "cortex-m7");
  CHECK(selectTarget("riscv64-linux-gnu", "")->name == "riscv64");
  // Another environment or architecture is another triple.
  CHECK(selectTarget("x86_64-linux-musl", "") == nullptr);
  CHECK(selectTarget("armv7-linux-gnueabi", "") == nullptr);
  CHECK(selectTarget("vax", "") == nullptr);
}

TEST_CASE("every default CPU is fixed and every -O level round-trips", "[targets]") {
  for (const TargetDesc &t : allTargets()) {
    CHECK_FALSE(isNativeCpu(t.cpu));
    CHECK(parseOptLevel(optLevelName(t.optLevel).drop_front()) == t.optLevel);
  }
  CHECK(parseOptLevel("s") == OptLevel::Os);
  CHECK(parseOptLevel("0") == OptLevel::O0);
  CHECK_FALSE(parseOptLevel("4").has_value());
  CHECK_FALSE(parseOptLevel("z").has_value());
  CHECK(findTarget("cortex-m4")->optLevel == OptLevel::Os);
  CHECK(findTarget("x86_64")->optLevel == OptLevel::O3);
}

TEST_CASE("a native CPU resolves to the host's, with its features", "[targets]") {
  ResolvedTarget fixed = resolveTarget(*findTarget("x86_64"), "", "");
  CHECK(fixed.cpu == "x86-64-v3");
  CHECK(fixed.features.empty());
  ResolvedTarget native = resolveTarget(*findTarget("x86_64"), "native", "");
  CHECK(native.cpu != "native");
  CHECK_FALSE(native.cpu.empty());
  CHECK(resolveTarget(*findTarget("cortex-m7"), "", "", OptLevel::O2).optLevel == OptLevel::O2);
}

TEST_CASE("the vector width that decides kiln-flatten-elementwise", "[targets]") {
  auto bits = [](const char *name) {
    auto machine = createTargetMachine(resolveTarget(*findTarget(name), "", ""));
    REQUIRE(static_cast<bool>(machine));
    return fixedVectorBits(**machine);
  };
  CHECK(bits("x86_64") == 256);     // x86-64-v3: AVX2
  CHECK(bits("aarch64") == 128);    // NEON
  CHECK(bits("cortex-m55") == 128); // Helium
  CHECK(bits("riscv64-rvv") >= 128);
  CHECK(bits("cortex-m4") < 64); // scalar (the DSP extension's SIMD is not LLVM's vectors)
  CHECK(bits("riscv64") < 64);
}

TEST_CASE("depfiles escape what Make and Ninja read specially", "[depfile]") {
  CHECK(renderDepfile("out/net.o", {"a b/model.pt2", "x#1$y"}) ==
        "out/net.o: \\\n  a\\ b/model.pt2 \\\n  x\\#1$$y\n");
  CHECK(renderDepfile("t", {}) == "t:\n");
}
