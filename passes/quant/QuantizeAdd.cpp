//===- QuantizeAdd.cpp - the kiln-quantize-add pass -----------------------===//
//
// quantize(dequantize(a) + dequantize(b)) [with a relu or clamp before the
// quantize] becomes kiln.qadd: each input rescaled to the output's scale by
// a fixed-point multiplier with a common shift, summed exactly in 64 bits,
// rounded once half to even (as PyTorch rounds), offset and clamped. The
// residual additions of ResNet and MobileNet, whose two inputs come from
// different layers with different scales.
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/quant/QuantParams.h"
#include "passes/quant/Requantize.h"

#include <cmath>

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_QUANTIZEADDPASS
#include "passes/Passes.h.inc"

namespace {

struct QuantizeAddPass : impl::QuantizeAddPassBase<QuantizeAddPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<QuantizeOp> quantizes;
    getOperation()->walk([&](QuantizeOp q) { quantizes.push_back(q); });
    for (QuantizeOp q : quantizes)
      (void)fold(q);
  }

  LogicalResult fold(QuantizeOp q) {
    auto out = constantParams(q);
    if (!out || out->perChannel || !isInt8(q.getResult()))
      return failure();
    // An optional relu or clamp between the add and the quantize.
    Operation *producer = q.getInput().getDefiningOp();
    Operation *activation = nullptr;
    std::optional<double> lo, hi;
    if (auto relu = dyn_cast_or_null<ReluOp>(producer)) {
      activation = relu;
      lo = 0.0;
    } else if (auto clamp = dyn_cast_or_null<ClampOp>(producer)) {
      activation = clamp;
      if (clamp.getMin())
        lo = clamp.getMin()->convertToDouble();
      if (clamp.getMax())
        hi = clamp.getMax()->convertToDouble();
    }
    if (activation) {
      if (!activation->hasOneUse())
        return failure();
      producer = activation->getOperand(0).getDefiningOp();
    }
    auto add = dyn_cast_or_null<AddOp>(producer);
    if (!add || !add->hasOneUse() || !add.getType().getElementType().isF32())
      return failure();
    auto dqa = add.getLhs().getDefiningOp<DequantizeOp>();
    auto dqb = add.getRhs().getDefiningOp<DequantizeOp>();
    if (!dqa || !dqb || !isInt8(dqa.getInput()) || !isInt8(dqb.getInput()))
      return failure();
    auto pa = constantParams(dqa), pb = constantParams(dqb);
    if (!pa || !pb || pa->perChannel || pb->perChannel)
      return failure();

    // The multipliers s_a / s_y and s_b / s_y from the float32 values PyTorch
    // computes with, as integers over a common power of two.
    double invOut = static_cast<float>(1.0 / out->scales[0]);
    double ma = double(static_cast<float>(pa->scales[0])) * invOut;
    double mb = double(static_cast<float>(pb->scales[0])) * invOut;
    int exponent = 0;
    std::frexp(std::max(ma, mb), &exponent); // max in [2^(e-1), 2^e)
    int64_t shift = 31 - exponent;           // the larger multiplier in [2^30, 2^31)
    if (shift < 1 || shift > 40)
      return failure();
    auto fixed = [&](double m) {
      return static_cast<int64_t>(std::nearbyint(std::ldexp(m, static_cast<int>(shift))));
    };

    int64_t qmin = static_cast<int64_t>(q.getQuantMin());
    int64_t qmax = static_cast<int64_t>(q.getQuantMax());
    int64_t outMin = qmin, outMax = qmax;
    if (lo)
      outMin = std::max(outMin, quantizeFloat(static_cast<float>(*lo), out->scales[0],
                                              out->zeroPoints[0], qmin, qmax));
    if (hi)
      outMax = std::min(outMax, quantizeFloat(static_cast<float>(*hi), out->scales[0],
                                              out->zeroPoints[0], qmin, qmax));

    OpBuilder b(q);
    Value folded = QAddOp::create(
        b, add.getLoc(), q.getType(), dqa.getInput(), dqb.getInput(),
        b.getI64IntegerAttr(pa->zeroPoints[0]), b.getI64IntegerAttr(pb->zeroPoints[0]),
        b.getI64IntegerAttr(fixed(ma)), b.getI64IntegerAttr(fixed(mb)), b.getI64IntegerAttr(shift),
        b.getI64IntegerAttr(out->zeroPoints[0]), b.getI64IntegerAttr(outMin),
        b.getI64IntegerAttr(outMax));
    q.getResult().replaceAllUsesWith(folded);
    q.erase();
    if (activation)
      activation->erase();
    add.erase();
    return success();
  }
};

} // namespace

} // namespace kiln
