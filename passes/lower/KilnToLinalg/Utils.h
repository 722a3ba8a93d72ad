//===- Utils.h - helpers shared by the kiln-to-linalg patterns --*- C++ -*-===//
#ifndef KILN_PASSES_LOWER_KILNTOLINALG_UTILS_H
#define KILN_PASSES_LOWER_KILNTOLINALG_UTILS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace kiln {

/// A float constant of the given element type.
mlir::Value floatConstant(mlir::OpBuilder &b, mlir::Location loc, mlir::Type elementType,
                          double value);

/// A constant of any float or integer (i1: `value != 0`) element type.
mlir::Value numberConstant(mlir::OpBuilder &b, mlir::Location loc, mlir::Type elementType,
                           double value);

/// tensor.empty of the given static type.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type);

/// A tensor of `type` filled with `value` (tensor.empty + linalg.fill).
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
                         double value);

/// The indexing map reading an operand of shape `operandShape` inside a loop
/// nest over `resultShape` with NumPy broadcasting: trailing dimensions align,
/// and an operand dimension of size 1 against a larger result reads index 0.
mlir::AffineMap broadcastMap(mlir::MLIRContext *ctx, llvm::ArrayRef<int64_t> operandShape,
                             llvm::ArrayRef<int64_t> resultShape);

/// `rank` parallel iterators.
llvm::SmallVector<mlir::utils::IteratorType> parallelIterators(unsigned rank);

/// A reshape between static shapes with the same number of elements, as
/// tensor.collapse_shape / tensor.expand_shape (views after bufferization).
mlir::Value reshapeTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                          llvm::ArrayRef<int64_t> shape);

/// Pads the two trailing (spatial) dimensions of an NCHW tensor with `value`:
/// `low` = [top, left], `high` = [bottom, right]. Returns `input` unchanged
/// when all amounts are zero.
mlir::Value padSpatial(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                       llvm::ArrayRef<int64_t> low, llvm::ArrayRef<int64_t> high, double value);

/// A constant tensor of float `type` holding `values` (row-major).
mlir::Value floatTensorConstant(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
                                llvm::ArrayRef<double> values);

/// The type arithmetic accumulates in: f32 for f16 and bf16 (as PyTorch's
/// CPU kernels do, rounding once at the end), the type itself otherwise.
mlir::Type accumulatorType(mlir::Type elementType);

/// A scalar converted to `to` as PyTorch converts dtypes (floats round to
/// nearest even, float to integer truncates, to i1 is `!= 0`, i1 to a number
/// is 0 or 1, integers sign-extend or wrap), or itself.
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v, mlir::Type to);

/// A tensor with its elements converted to `to`, or itself when they already
/// have that type.
mlir::Value convertElements(mlir::OpBuilder &b, mlir::Location loc, mlir::Value tensor,
                            mlir::Type to);

/// The scalar of a fusable activation ("relu", "relu6", "hardswish",
/// "sigmoid") applied to `x`; f16/bf16 compute in f32 and round once.
mlir::Value activationScalar(mlir::OpBuilder &b, mlir::Location loc, llvm::StringRef name,
                             mlir::Value x);

/// `tensor` with an activation applied elementwise (a linalg.generic), or
/// itself for no activation.
mlir::Value applyActivation(mlir::OpBuilder &b, mlir::Location loc, mlir::Value tensor,
                            std::optional<llvm::StringRef> name);

/// An integer tensor minus a zero point, widened to `type` (int16 for int8:
/// the difference always fits), elementwise.
mlir::Value subtractZeroPoint(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                              int64_t zeroPoint, mlir::Type type);
/// x / 2^shift rounded half to even (both of the same integer type).
/// PyTorch's quantize of `v` = x * float32(1 / scale) (f32), given a zero
/// point `z` (an integer) and bounds whose |quant_min - z|, |quant_max - z| <
/// 2^22: clamp, round half to even, add z (Quantize.cpp).
mlir::Value quantizeScaled(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v, mlir::Value z,
                           double qmin, double qmax, mlir::Type resultType);

mlir::Value shiftRightRoundingEven(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                                   mlir::Value shift);
/// An int32 accumulator tensor requantized to `resultType` (int8): per index
/// of `channelDim`, the fixed-point multiply by `multiplier` and shift
/// (passes/quant/Requantize.h, computed in 64 bits), plus `zeroPoint`,
/// clamped to [lo, hi] (Quantize.cpp). With `remainder` (kiln.qconv2d and
/// kiln.qlinear: the bias's fraction per channel, empty for zeros) the
/// product plus the remainder is rounded half up; without (kiln.qmatmul)
/// the product is rounded half to even.
mlir::Value requantizeTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::Value acc,
                             mlir::RankedTensorType resultType, unsigned channelDim,
                             llvm::ArrayRef<int32_t> multiplier, llvm::ArrayRef<int32_t> shift,
                             int64_t zeroPoint, int64_t lo, int64_t hi,
                             std::optional<llvm::ArrayRef<int32_t>> remainder);
/// The linalg.generic of an elementwise op over `operands` with NumPy
/// broadcasting to `type`'s shape; `body` computes one element.
mlir::Value broadcastGeneric(
    mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type, mlir::ValueRange operands,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::ValueRange)> body);
/// i64 dense elements of `values` as a vector, for linalg's strides/dilations.
mlir::DenseIntElementsAttr i64Vector(mlir::OpBuilder &b, llvm::ArrayRef<int64_t> values);

} // namespace kiln

#endif // KILN_PASSES_LOWER_KILNTOLINALG_UTILS_H
