//===- QuantizeAvgPool.cpp - the kiln-quantize-avg-pool pass --------------===//
//
// quantize(avg_pool2d(dequantize(x))) with int8 per-tensor parameters and
// one divisor for every window becomes kiln.qavg_pool2d: int8 in and out,
// each window's dequantized values summed and divided in float32 exactly as
// the Q/DQ graph does (an integer requantization of the sum rounds near-ties
// differently from PyTorch's float arithmetic: 2% of qi_adaptive_avg_pool2d's
// outputs), but no float tensor in memory: the island it replaces held the
// dequantized input and the pooled output. See Passes.td.
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
};

} // namespace

} // namespace kiln
