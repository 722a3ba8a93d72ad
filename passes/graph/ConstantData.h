//===- ConstantData.h - compile-time tensor values --------------*- C++ -*-===//
//
// Reading and making the constants graph passes compute with: dense and
// dense_resource attributes, as doubles (floats) or raw bytes (any type).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_PASSES_GRAPH_CONSTANTDATA_H
#define KILN_PASSES_GRAPH_CONSTANTDATA_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <optional>
#include <vector>

namespace kiln {

/// The elements of a constant tensor value, row-major.
struct ConstantData {
  mlir::RankedTensorType type;
  std::vector<char> bytes; // raw little-endian elements
  unsigned elementBytes = 0;

  int64_t numElements() const { return type.getNumElements(); }
  /// Floating-point elements as doubles (std::nullopt for other types).
  std::optional<std::vector<double>> asDoubles() const;
};

/// The value of `v` if it is an arith.constant of a dense or dense_resource
/// tensor with a byte-sized element type.
std::optional<ConstantData> readConstant(mlir::Value v);

/// A constant of float `type` holding `values` (rounded to the type): a
/// dense_resource blob named after `hint`, so no values live in attributes.
mlir::Value makeFloatConstant(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::RankedTensorType type, llvm::ArrayRef<double> values,
                              llvm::StringRef hint);

/// A constant of `type` holding `bytes` (raw elements).
mlir::Value makeRawConstant(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
                            llvm::ArrayRef<char> bytes, llvm::StringRef hint);

} // namespace kiln

#endif // KILN_PASSES_GRAPH_CONSTANTDATA_H
