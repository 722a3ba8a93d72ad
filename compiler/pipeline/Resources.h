//===- Resources.h - freeing weights the module no longer uses --*- C++ -*-===//
//
// Weights live as dense_resource blobs in the MLIRContext, not in the module:
// erasing the last attribute that names a blob does not free it. Folding a
// batch norm into a convolution, or packing a weight for a micro-kernel,
// leaves the old blob behind, and the LLVM module holds one more copy of every
// weight; a 2.6 GB model took 20 GB to compile. The pipeline empties the blobs
// nothing refers to after each stage, and all of them once LLVM IR exists.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_PIPELINE_RESOURCES_H
#define KILN_COMPILER_PIPELINE_RESOURCES_H

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Operation.h"

#include "llvm/ADT/StringSet.h"

#include <cstdint>

namespace kiln {

/// The names of the builtin dense_resource blobs `context` has now.
llvm::StringSet<> blobNames(mlir::MLIRContext &context);

/// Empties every builtin dense_resource blob of `context` that no attribute
/// in `keep` (any nesting depth) names and that `preserve` does not list
/// (blobs that existed before the compilation, which other modules may use);
/// with `keep` null, every blob not in `preserve`. Returns the bytes released.
/// A released blob stays registered under its name, with no data.
uint64_t releaseUnreferencedBlobs(mlir::MLIRContext &context, mlir::Operation *keep,
                                  const llvm::StringSet<> &preserve);

} // namespace kiln

#endif // KILN_COMPILER_PIPELINE_RESOURCES_H
