//===- AtenHelpers.h - helpers shared by the ATen import rules --*- C++ -*-===//
//
// Internal to compiler/import: the ATen import rules are split by operator
// family over several files (AtenOps.cpp, AtenMathOps.cpp,
// AtenTensorOps.cpp); this header is what they share.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_IMPORT_ATENHELPERS_H
#define KILN_COMPILER_IMPORT_ATENHELPERS_H

#include "compiler/import/NodeImport.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

namespace kiln {
namespace aten {

inline mlir::RankedTensorType typeOf(mlir::Value v) {
  return llvm::cast<mlir::RankedTensorType>(v.getType());
}

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

template <typename OpTy>
mlir::Value binary(NodeImport &n, mlir::RankedTensorType type, mlir::Value lhs, mlir::Value rhs) {
  return OpTy::create(n.b, n.loc, type, lhs, rhs);
}

/// The rules of each family file, sorted by operator name.
llvm::ArrayRef<ImportRule> coreImportRules();
llvm::ArrayRef<ImportRule> mathImportRules();
llvm::ArrayRef<ImportRule> tensorImportRules();

} // namespace aten
} // namespace kiln

#endif // KILN_COMPILER_IMPORT_ATENHELPERS_H
