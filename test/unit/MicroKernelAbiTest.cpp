// The micro-kernel ABI (targets/kernels/kiln_kernels.h) states each kernel
// twice: as a C prototype (which the kernels' definitions must match) and in
// KILN_UK_KERNELS (inputs and params, which the compiler builds calls from).
// They must agree, and kiln.micro_kernel's verifier must take exactly the
// kernels of the table.
#include "dialects/kiln/KilnOps.h"
#include "targets/kernels/kiln_kernels.h"

#include <catch2/catch.hpp>

#include <type_traits>

namespace {

/// The shape of a kernel's C type: how many `const float *` inputs, then
/// `float *` outputs, then `int` params, and whether nothing else is there.
struct KernelShape {
  unsigned inputs = 0, outputs = 0, params = 0;
  bool wellFormed = true;
};

template <typename... Args> KernelShape shapeOf(void (*)(Args...)) {
  KernelShape shape;
  int phase = 0; // 0: inputs, 1: outputs, 2: params
  auto visit = [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (std::is_same_v<T, const float *> && phase == 0)
      ++shape.inputs;
    else if (std::is_same_v<T, float *> && phase <= 1)
      phase = 1, ++shape.outputs;
    else if (std::is_same_v<T, int> && phase >= 1)
      phase = 2, ++shape.params;
    else
      shape.wellFormed = false;
  };
  (visit(std::common_type<Args>{}), ...);
  return shape;
}

} // namespace

TEST_CASE("micro-kernel ABI: KILN_UK_KERNELS agrees with the prototypes", "[abi][kernels]"){
#define KILN_UK_CHECK(name, numInputs, numParams)                                                  \
  {                                                                                                \
    INFO("kiln_uk_" #name);                                                                        \
    KernelShape shape = shapeOf(static_cast<decltype(&kiln_uk_##name)>(nullptr));                  \
    CHECK(shape.wellFormed);                                                                       \
    CHECK(shape.inputs == (numInputs));                                                            \
    CHECK(shape.outputs == 1);                                                                     \
    CHECK(shape.params == (numParams));                                                            \
  }
    KILN_UK_KERNELS(KILN_UK_CHECK)
#undef KILN_UK_CHECK
}

TEST_CASE("micro-kernel ABI: kiln.micro_kernel takes the kernels of the table", "[abi][kernels]") {
#define KILN_UK_CHECK(name, numInputs, numParams)                                                  \
  {                                                                                                \
    auto sig = kiln::MicroKernelOp::signature(#name);                                              \
    REQUIRE(sig);                                                                                  \
    CHECK(sig->first == (numInputs));                                                              \
    CHECK(sig->second == (numParams));                                                             \
  }
  KILN_UK_KERNELS(KILN_UK_CHECK)
#undef KILN_UK_CHECK
  CHECK_FALSE(kiln::MicroKernelOp::signature("conv3d"));
}
