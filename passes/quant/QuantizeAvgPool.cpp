//===- QuantizeAvgPool.cpp - the kiln-quantize-avg-pool pass --------------===//
//
// quantize(avg_pool2d(dequantize(x))) with int8 per-tensor parameters and
// one divisor for every window becomes kiln.qavg_pool2d: int8 in and out,
// each window's dequantized values summed and divided in float32 exactly as
// the Q/DQ graph does (an integer requantization of the sum rounds near-ties
// differently from PyTorch's float arithmetic: 2% of qi_adaptive_avg_pool2d's
// outputs), but no float tensor in memory: the island it replaces held the
// dequantized input and the pooled output. A mean over trailing dimensions
// (the global average pool that ends a classifier, adaptive_avg_pool2d(1) or
// x.mean([2, 3])) is the same pooling with one window over those dimensions:
// the int8 input is viewed as [1, P, 1, K] (P the kept elements, K the
// reduced ones) and pooled with a 1 x K window. See Passes.td.
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/quant/QuantParams.h"

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_QUANTIZEAVGPOOLPASS
#include "passes/Passes.h.inc"

namespace {

/// The divisor every window of `pool` has, or std::nullopt when windows differ
/// (a clipped last window with ceil_mode, padding not counted).
std::optional<int64_t> uniformDivisor(AvgPool2dOp pool) {
  ArrayRef<int64_t> kernel = pool.getKernel(), stride = pool.getStride(),
                    padding = pool.getPadding();
  ArrayRef<int64_t> in = pool.getInput().getType().getShape();
  ArrayRef<int64_t> out = cast<RankedTensorType>(pool.getType()).getShape();
  if (in.size() != 4 || kernel.size() != 2 || stride.size() != 2 || padding.size() != 2)
    return std::nullopt;
  for (int d = 0; d < 2; ++d) {
    // Every window inside the padded input (no ceil_mode overhang).
    if (out[2 + d] != (in[2 + d] + 2 * padding[d] - kernel[d]) / stride[d] + 1)
      return std::nullopt;
    if (padding[d] != 0 && !pool.getCountIncludePad())
      return std::nullopt;
  }
  if (auto divisor = pool.getDivisorOverride())
    return static_cast<int64_t>(*divisor);
  return kernel[0] * kernel[1];
}

struct QuantizeAvgPoolPass : impl::QuantizeAvgPoolPassBase<QuantizeAvgPoolPass> {
  using Base::Base;

  void runOnOperation() override {
    forEachQuantize(getOperation(), [&](QuantizeOp q) { return fold(q); });
  }

  LogicalResult fold(QuantizeOp q) {
    if (q.getInput().getDefiningOp<MeanOp>())
      return foldMean(q);
    auto out = int8PerTensorParams(q);
    if (!out)
      return failure();
    auto pool = q.getInput().getDefiningOp<AvgPool2dOp>();
    if (!pool || !pool->hasOneUse() || !pool.getType().getElementType().isF32())
      return failure();
    auto dq = pool.getInput().getDefiningOp<DequantizeOp>();
    auto in = dq ? int8PerTensorParams(dq) : std::nullopt;
    std::optional<int64_t> divisor = uniformDivisor(pool);
    if (!in || !divisor || *divisor <= 0)
      return failure();
    auto [outMin, outMax] = outputRange(q, *out, std::nullopt, std::nullopt);

    OpBuilder b(q);
    Value folded = QAvgPool2dOp::create(
        b, pool.getLoc(), q.getType(), dq.getInput(), pool.getKernelAttr(), pool.getStrideAttr(),
        pool.getPaddingAttr(), b.getF64FloatAttr(in->scales[0]),
        b.getI64IntegerAttr(in->zeroPoints[0]), b.getI64IntegerAttr(*divisor),
        b.getF64FloatAttr(out->scales[0]), b.getI64IntegerAttr(out->zeroPoints[0]),
        b.getI64IntegerAttr(outMin), b.getI64IntegerAttr(outMax));
    q.getResult().replaceAllUsesWith(folded);
    q.erase();
    pool.erase();
    return success();
  }

  /// quantize(mean(dequantize(x))) over the trailing dimensions of x.
  LogicalResult foldMean(QuantizeOp q) {
    auto out = int8PerTensorParams(q);
    auto mean = q.getInput().getDefiningOp<MeanOp>();
    if (!out || !mean->hasOneUse() || !mean.getType().getElementType().isF32())
      return failure();
    auto dq = mean.getInput().getDefiningOp<DequantizeOp>();
    auto in = dq ? int8PerTensorParams(dq) : std::nullopt;
    if (!in)
      return failure();
    ArrayRef<int64_t> shape = mean.getInput().getType().getShape();
    int64_t rank = static_cast<int64_t>(shape.size());
    SmallVector<int64_t> dims(mean.getDims());
    llvm::sort(dims);
    // The reduced dimensions must be the last ones: then the kept elements
    // are rows and the reduced ones are each row's columns.
    for (size_t i = 0; i < dims.size(); ++i)
      if (dims[i] != rank - static_cast<int64_t>(dims.size() - i))
        return failure();
    if (dims.empty())
      return failure();
    int64_t rows = 1, columns = 1;
    for (int64_t d = 0; d < rank; ++d)
      (d < dims.front() ? rows : columns) *= shape[d];
    auto [outMin, outMax] = outputRange(q, *out, std::nullopt, std::nullopt);

    OpBuilder b(q);
    Location loc = mean.getLoc();
    Type i8 = b.getIntegerType(8);
    Value input = dq.getInput();
    auto viewType = RankedTensorType::get({1, rows, 1, columns}, i8);
    if (cast<RankedTensorType>(input.getType()) != viewType)
      input = ReshapeOp::create(b, loc, viewType, input);
    Value pooled = QAvgPool2dOp::create(
        b, loc, RankedTensorType::get({1, rows, 1, 1}, i8), input,
        b.getDenseI64ArrayAttr({1, columns}), b.getDenseI64ArrayAttr({1, 1}),
        b.getDenseI64ArrayAttr({0, 0}), b.getF64FloatAttr(in->scales[0]),
        b.getI64IntegerAttr(in->zeroPoints[0]), b.getI64IntegerAttr(columns),
        b.getF64FloatAttr(out->scales[0]), b.getI64IntegerAttr(out->zeroPoints[0]),
        b.getI64IntegerAttr(outMin), b.getI64IntegerAttr(outMax));
    if (pooled.getType() != q.getType())
      pooled = ReshapeOp::create(b, loc, q.getType(), pooled);
    q.getResult().replaceAllUsesWith(pooled);
    q.erase();
    mean.erase();
    return success();
  }
};

} // namespace

} // namespace kiln
