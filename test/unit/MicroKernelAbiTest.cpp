// The micro-kernel ABI (targets/kernels/kiln_kernels.h) states each kernel
// twice: as a C prototype (which the kernels' definitions must match) and in
// KILN_UK_KERNELS (inputs and params, which the compiler builds calls from).
// They must agree, and kiln.micro_kernel's verifier must take exactly the
// kernels of the table.
#include "dialects/kiln/KilnOps.h"
#include "targets/kernels/kiln_kernels.h"

#include <catch2/catch.hpp>

#include <string>
#include <type_traits>

namespace {

/// A kernel's C type as KILN_UK_KERNELS writes it: one letter per pointer
/// (f float32, b int8, i int32), the read-only inputs first and then the one
/// writable output, and the number of `int` params after them. "?" marks a
/// parameter of another type or out of order.
struct KernelShape {
  std::string buffers;
  unsigned outputs = 0, params = 0;
  bool wellFormed = true;
};

template <typename T> constexpr char letterOf() {
  using E = std::remove_const_t<std::remove_pointer_t<T>>;
  return std::is_same_v<E, float>         ? 'f'
         : std::is_same_v<E, signed char> ? 'b'
         : std::is_same_v<E, int>         ? 'i'
                                          : '?';
}

template <typename... Args> KernelShape shapeOf(void (*)(Args...)) {
  KernelShape shape;
  int phase = 0; // 0: inputs, 1: outputs, 2: params
  auto visit = [&](auto tag) {
    using T = typename decltype(tag)::type;
    constexpr bool isPointer = std::is_pointer_v<T>;
    constexpr bool isConst = isPointer && std::is_const_v<std::remove_pointer_t<T>>;
    if (isPointer && isConst && phase == 0) {
      shape.buffers += letterOf<T>();
    } else if (isPointer && !isConst && phase <= 1) {
      phase = 1, ++shape.outputs;
      shape.buffers += letterOf<T>();
    } else if (std::is_same_v<T, int> && phase >= 1) {
      phase = 2, ++shape.params;
    } else {
      shape.wellFormed = false;
    }
  };
  (visit(std::common_type<Args>{}), ...);
  return shape;
}

} // namespace

TEST_CASE("micro-kernel ABI: KILN_UK_KERNELS agrees with the prototypes", "[abi][kernels]"){
#define KILN_UK_CHECK(name, letters, numParams)                                                    \
  {                                                                                                \
    INFO("kiln_uk_" #name);                                                                        \
    KernelShape shape = shapeOf(static_cast<decltype(&kiln_uk_##name)>(nullptr));                  \
    CHECK(shape.wellFormed);                                                                       \
    CHECK(shape.buffers == (letters));                                                             \
    CHECK(shape.outputs == 1);                                                                     \
    CHECK(shape.params == (numParams));                                                            \
  }
    KILN_UK_KERNELS(KILN_UK_CHECK)
#undef KILN_UK_CHECK
}

TEST_CASE("micro-kernel ABI: kiln.micro_kernel takes the kernels of the table", "[abi][kernels]") {
#define KILN_UK_CHECK(name, letters, numParams)                                                    \
  {                                                                                                \
    auto sig = kiln::MicroKernelOp::signature(#name);                                              \
    REQUIRE(sig);                                                                                  \
    CHECK(sig->buffers == (letters));                                                              \
    CHECK(sig->params == (numParams));                                                             \
  }
  KILN_UK_KERNELS(KILN_UK_CHECK)
#undef KILN_UK_CHECK
  CHECK_FALSE(kiln::MicroKernelOp::signature("conv3d"));
}
