//===- Constants.h - weights as constants, for every importer ---*- C++ -*-===//
//
// The one way the importers (.pt2, .pte and its XNNPACK delegates) turn a
// tensor's bytes into a constant at the start of the function.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_IMPORT_CONSTANTS_H
#define KILN_COMPILER_IMPORT_CONSTANTS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringRef.h"

namespace kiln {

/// Appends constants at the start of a function's entry block, in the order
/// they are created (before any computation).
class ConstantBuilder {
public:
  explicit ConstantBuilder(mlir::Block *entry = nullptr) : entry(entry) {}
  void setBlock(mlir::Block *block) { entry = block; }

  /// A constant of `type` holding `bytes` (row-major, the element type's
  /// size each), located and, as a resource, keyed by `name`. Weights stay
  /// bytes in a resource blob owned by the context (no copy into an
  /// attribute); bool tensors (LLVM translation has no i1 resources) and tiny
  /// ones (at most 16 elements: constant folding reads their elements, and a
  /// 0-d dense_resource has no element iteration) are plain dense attributes.
  mlir::Value create(mlir::OpBuilder &b, mlir::Location fileLoc, mlir::RankedTensorType type,
                     llvm::StringRef bytes, llvm::StringRef name);

private:
  mlir::Block *entry;
  mlir::Operation *last = nullptr;
};

} // namespace kiln

#endif // KILN_COMPILER_IMPORT_CONSTANTS_H
