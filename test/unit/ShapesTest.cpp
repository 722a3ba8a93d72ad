// PyTorch's output-size rules, against values PyTorch computes.
#include "dialects/kiln/KilnShapes.h"

#include <catch2/catch.hpp>

using namespace kiln;

TEST_CASE("shapes: sliding windows follow PyTorch", "[shapes]") {
  // conv: 32 + 2 - 2 - 1 = 31 / 1 + 1
  CHECK(slidingWindowOutputSize(32, 3, 1, 1, 1, 1, false) == 32);
  // stride 2, kernel 3, padding 1 on 224 -> 112
  CHECK(slidingWindowOutputSize(224, 3, 1, 1, 2, 1, false) == 112);
  // dilation 2, kernel 3: span 5
  CHECK(slidingWindowOutputSize(10, 3, 0, 0, 1, 2, false) == 6);
  // max_pool2d(kernel 3, stride 2) on 112: floor -> 55, ceil -> 56
  CHECK(slidingWindowOutputSize(112, 3, 0, 0, 2, 1, false) == 55);
  CHECK(slidingWindowOutputSize(112, 3, 0, 0, 2, 1, true) == 56);
  // ceil mode must not start a window in the right padding:
  // input 5, kernel 2, stride 2, padding 1: ceil((5+2-2)/2)+1 = 4, but the
  // 4th window would start at 6 >= 5 + 1, so PyTorch gives 3.
  CHECK(slidingWindowOutputSize(5, 2, 1, 1, 2, 1, true) == 3);
  // kernel larger than the input
  CHECK(slidingWindowOutputSize(2, 3, 0, 0, 1, 1, false) < 1);
}

TEST_CASE("shapes: broadcasting", "[shapes]") {
  CHECK(*broadcastShapes({2, 1, 4}, {3, 1}) == llvm::SmallVector<int64_t>{2, 3, 4});
  CHECK(*broadcastShapes({}, {5}) == llvm::SmallVector<int64_t>{5});
  CHECK(!broadcastShapes({2, 3}, {4}));
  CHECK(numElements({2, 3, 4}) == 24);
  CHECK(numElements({}) == 1);
}
