//===- Rules.h - what the import rule families share ------------*- C++ -*-===//
//
// Internal to compiler/import/rules. The import rules are split by operator
// family, one file each (Linear, Conv, Normalization, Pooling, Reduction,
// Activation, Elementwise, Comparison, DataMovement, Indexing, Creation,
// Recurrent, Quantized), as the lowering is (passes/lower/KilnToLinalg/).
// Each file defines its rules and exposes them through one function below;
// Registry.cpp gathers them into the one table `findImportRule` searches.
// This header is also what the families share: helpers that build common
// kiln IR and apply PyTorch's conventions.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_IMPORT_RULES_RULES_H
#define KILN_COMPILER_IMPORT_RULES_RULES_H

#include "compiler/import/NodeImport.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <utility>

namespace kiln {
namespace rules {

//===----------------------------------------------------------------------===//
// The families' rules
//===----------------------------------------------------------------------===//

llvm::ArrayRef<ImportRule> linearRules();
llvm::ArrayRef<ImportRule> convRules();
llvm::ArrayRef<ImportRule> normalizationRules();
llvm::ArrayRef<ImportRule> poolingRules();
llvm::ArrayRef<ImportRule> reductionRules();
llvm::ArrayRef<ImportRule> activationRules();
llvm::ArrayRef<ImportRule> elementwiseRules();
llvm::ArrayRef<ImportRule> comparisonRules();
llvm::ArrayRef<ImportRule> dataMovementRules();
llvm::ArrayRef<ImportRule> indexingRules();
llvm::ArrayRef<ImportRule> creationRules();
llvm::ArrayRef<ImportRule> recurrentRules();
llvm::ArrayRef<ImportRule> quantizedRules();

//===----------------------------------------------------------------------===//
// Helpers (Helpers.cpp)
//===----------------------------------------------------------------------===//

inline mlir::RankedTensorType typeOf(mlir::Value v) {
  return llvm::cast<mlir::RankedTensorType>(v.getType());
}
/// `t` with another shape.
mlir::RankedTensorType withShape(mlir::RankedTensorType t, llvm::ArrayRef<int64_t> shape);

/// A rank-0 constant of `elementType` holding `value`, for broadcasting.
mlir::Value scalarConstant(NodeImport &n, mlir::Type elementType, double value);
/// A 1-D float constant of `count` copies of `value`.
mlir::Value filledConstant(NodeImport &n, mlir::Type elementType, int64_t count, double value);
/// A constant tensor of `type` filled with `value`.
mlir::Value splatConstant(NodeImport &n, mlir::RankedTensorType type, double value);

/// PyTorch's negative dimension indices, checked.
mlir::FailureOr<int64_t> normalizeDim(NodeImport &n, int64_t dim, int64_t rank);
/// The dimensions an `int[1]? dim` argument names, normalized, sorted and
/// deduplicated; None or an empty list means every dimension.
mlir::FailureOr<llvm::SmallVector<int64_t>> reductionDims(NodeImport &n, llvm::StringRef name,
                                                          int64_t rank);
/// Fails with a diagnostic when the file declares no type for output `i`.
mlir::LogicalResult requireResult(NodeImport &n, unsigned i);
/// `int[2]`-style arguments given with one element mean that value twice.
llvm::SmallVector<int64_t> pair(llvm::ArrayRef<int64_t> values, int64_t fallback);

/// `v` reshaped (kiln.reshape), or itself when it already has that shape.
mlir::Value reshapeTo(NodeImport &n, mlir::Value v, llvm::ArrayRef<int64_t> shape);
/// `v` with its elements converted to `elementType` (kiln.convert), or itself.
mlir::Value castTo(NodeImport &n, mlir::Value v, mlir::Type elementType);
/// A Tensor or Scalar argument as a tensor of `elementType`: a tensor is
/// converted, a number becomes a rank-0 constant.
mlir::Value operandAs(NodeImport &n, llvm::StringRef name, mlir::Type elementType);

/// PyTorch's slice bounds along a dimension of `size`: negative bounds count
/// from the end, then both are clamped to [0, size] with end >= start.
std::pair<int64_t, int64_t> clampSliceBounds(int64_t size, int64_t start, int64_t end);

/// A slice along `dim` with PyTorch's clamping of the bounds.
mlir::Value buildSlice(NodeImport &n, mlir::Value input, int64_t dim, int64_t start, int64_t end,
                       int64_t step);
/// A slice [start, end) along `dim` (bounds already in range).
mlir::Value sliceOf(NodeImport &n, mlir::Value x, int64_t dim, int64_t start, int64_t end);
/// Concatenation of `parts` along `dim` (the part itself when there is one).
mlir::Value concatOf(NodeImport &n, llvm::ArrayRef<mlir::Value> parts, int64_t dim);

/// PyTorch's promotion of two element types (torch.promote_types).
mlir::Type promoteTypes(mlir::Type a, mlir::Type b);
/// PyTorch's result type for an operation over `operands` (torch.result_type):
/// tensors with dimensions decide over 0-d tensors, which decide over
/// numbers, unless a lower category brings floating point to integers.
/// `numbers` are the element types of Scalar arguments (f32 for a float,
/// i64 for an int, i1 for a bool).
mlir::Type resultElementType(llvm::ArrayRef<mlir::Value> operands,
                             llvm::ArrayRef<mlir::Type> numbers = {});
/// The element type of a Python number argument: f32, i64 or i1.
mlir::Type numberType(NodeImport &n, llvm::StringRef name);
/// The element types a Scalar argument brings to promotion: none when it is
/// a tensor, else its number type.
llvm::SmallVector<mlir::Type> numberTypes(NodeImport &n, llvm::StringRef name);
/// Whether `t` is PyTorch's bool (i1).
bool isBool(mlir::Type t);

template <typename OpTy>
mlir::Value binary(NodeImport &n, mlir::RankedTensorType type, mlir::Value lhs, mlir::Value rhs) {
  return OpTy::create(n.b, n.loc, type, lhs, rhs);
}

/// kiln.clamp of `self` to the bounds, in the declared result type
/// (Elementwise.cpp; hardtanh and relu6 are clamps too).
mlir::LogicalResult buildClamp(NodeImport &n, std::optional<double> lo, std::optional<double> hi);

} // namespace rules
} // namespace kiln

#endif // KILN_COMPILER_IMPORT_RULES_RULES_H
