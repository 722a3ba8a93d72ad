//===- KilnShapes.cpp - PyTorch's shape rules -----------------------------===//
#include "dialects/kiln/KilnShapes.h"

#include <algorithm>

namespace kiln {

std::optional<llvm::SmallVector<int64_t>> broadcastShapes(llvm::ArrayRef<int64_t> a,
                                                          llvm::ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  llvm::SmallVector<int64_t> result(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    result[i] = da == 1 ? db : da;
  }
  return result;
}

static int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0)))
    --q;
  return q;
}

int64_t slidingWindowOutputSize(int64_t input, int64_t kernel, int64_t padBefore,
                                int64_t padAfter, int64_t stride, int64_t dilation,
                                bool ceilMode) {
  if (stride <= 0)
    return 0;
  int64_t span = input + padBefore + padAfter - dilation * (kernel - 1) - 1;
  int64_t out = floorDiv(span + (ceilMode ? stride - 1 : 0), stride) + 1;
  if (ceilMode && (out - 1) * stride >= input + padBefore)
    --out;
  return out;
}

int64_t numElements(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

} // namespace kiln
