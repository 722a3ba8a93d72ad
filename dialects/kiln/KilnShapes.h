//===- KilnShapes.h - PyTorch's shape rules ---------------------*- C++ -*-===//
//
// The output-size rules of PyTorch operators, in one place: the op verifiers,
// the importers and the lowerings all compute shapes with these.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_DIALECTS_KILN_KILNSHAPES_H
#define KILN_DIALECTS_KILN_KILNSHAPES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include <cstdint>
#include <optional>

namespace kiln {

/// NumPy/PyTorch broadcasting of two shapes; std::nullopt if incompatible.
std::optional<llvm::SmallVector<int64_t>> broadcastShapes(llvm::ArrayRef<int64_t> a,
                                                          llvm::ArrayRef<int64_t> b);

/// Output extent of a sliding window (convolution or pooling) along one
/// dimension, as PyTorch computes it (`pooling_output_shape_pad_lr`): in ceil
/// mode the last window must start inside the input or its leading padding.
/// Returns a value < 1 when no window fits.
int64_t slidingWindowOutputSize(int64_t input, int64_t kernel, int64_t padBefore,
                                int64_t padAfter, int64_t stride, int64_t dilation,
                                bool ceilMode);

/// Product of the extents of a static shape.
int64_t numElements(llvm::ArrayRef<int64_t> shape);

} // namespace kiln

#endif // KILN_DIALECTS_KILN_KILNSHAPES_H
