//===- QuantParams.h - what the quantization passes read ------*- C++ -*-===//
//
// Internal to passes/quant: the constant scales and zero points of
// kiln.quantize / kiln.dequantize ops, read once for every pass.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_PASSES_QUANT_QUANTPARAMS_H
#define KILN_PASSES_QUANT_QUANTPARAMS_H

#include "dialects/kiln/KilnOps.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <utility>
#include <vector>

namespace kiln {

/// Scales and zero points of a quantize/dequantize whose parameters are
/// constants: one entry per tensor, or one per channel.
struct QuantParams {
  std::vector<double> scales;
  std::vector<int64_t> zeroPoints;
  bool perChannel = false;
};

std::optional<QuantParams> constantParams(QuantizeOp op);
std::optional<QuantParams> constantParams(DequantizeOp op);

/// The parameters of a per-tensor quantize to int8, or of a per-tensor
/// dequantize of int8, when constant; std::nullopt otherwise (what the
/// integer folds start from).
std::optional<QuantParams> int8PerTensorParams(QuantizeOp op);
std::optional<QuantParams> int8PerTensorParams(DequantizeOp op);

/// Whether `v` is a tensor of int8.
bool isInt8(mlir::Value v);

/// Calls `fold(q)` for every kiln.quantize under `root`, collected first so
/// that a fold may erase ops.
template <typename Fn> void forEachQuantize(mlir::Operation *root, Fn &&fold) {
  llvm::SmallVector<QuantizeOp> quantizes;
  root->walk([&](QuantizeOp q) { quantizes.push_back(q); });
  for (QuantizeOp q : quantizes)
    (void)fold(q);
}

/// A relu or clamp between an op and the quantize of its result, as float
/// bounds; `op` is null when `v` is produced by neither.
struct ActivationBounds {
  mlir::Operation *op = nullptr;
  std::optional<double> lo, hi;
};
ActivationBounds activationProducing(mlir::Value v);

/// The int8 range of `q`'s result when an activation with float bounds
/// [lo, hi] comes before it: quantizing is increasing, so clamping before it
/// is clamping after it to [quantize(lo), quantize(hi)], within the quantize's
/// own [quant_min, quant_max].
std::pair<int64_t, int64_t> outputRange(QuantizeOp q, const QuantParams &out,
                                        std::optional<double> lo, std::optional<double> hi);

/// quantize(dequantize(a) <op> dequantize(b)), with an optional relu or clamp
/// before the quantize: per-tensor int8 everywhere, float32 between, the op
/// and the activation used once (what kiln-quantize-add and kiln-quantize-mul
/// fold).
struct BinaryPattern {
  mlir::Operation *op = nullptr;
  ActivationBounds act;
  DequantizeOp lhs, rhs;
  QuantParams lhsParams, rhsParams, out;
  /// The int8 range of the result, the activation's bounds applied.
  std::pair<int64_t, int64_t> range;

  /// Replaces the quantize by `folded` and erases the pattern's float ops.
  void replace(QuantizeOp q, mlir::Value folded);

  /// s_a * s_b / s_y from the float32 values PyTorch multiplies with: the
  /// multiplier of a product of the two inputs (mul, matmul).
  double productScale() const;
};
std::optional<BinaryPattern> matchBinary(QuantizeOp q,
                                         llvm::function_ref<bool(mlir::Operation *)> isOp);

/// kiln.lookup of the int8 tensor `input` (per-tensor parameters `in`):
/// every int8 value dequantized, passed through `f` (float32) and quantized
/// with `out` into [qmin, qmax], as PyTorch's Q/DQ graph computes each step,
/// tabulated at compile time. The result has `input`'s shape.
mlir::Value tabulate(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                     const QuantParams &in, const QuantParams &out, int64_t qmin, int64_t qmax,
                     llvm::function_ref<float(float)> f);

/// `input` (int8, parameters `in`) requantized to the parameters `out` and
/// the range [qmin, qmax]: `input` itself when nothing changes (same scale,
/// zero point, and a range that clamps nothing), else a kiln.lookup table.
mlir::Value requantizeInt8(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                           const QuantParams &in, const QuantParams &out, int64_t qmin,
                           int64_t qmax);

} // namespace kiln

#endif // KILN_PASSES_QUANT_QUANTPARAMS_H
