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
    forEachQuantize(getOperation(), [&](QuantizeOp q) { return fold(q); });
  }

  LogicalResult fold(QuantizeOp q) {
    auto out = int8PerTensorParams(q);
    if (!out)
      return failure();
    // An optional relu or clamp between the add and the quantize.
    ActivationBounds act = activationProducing(q.getInput());
    Operation *producer = q.getInput().getDefiningOp();
    if (act.op) {
      if (!act.op->hasOneUse())
        return failure();
      producer = act.op->getOperand(0).getDefiningOp();
    }
    auto add = dyn_cast_or_null<AddOp>(producer);
    if (!add || !add->hasOneUse() || !add.getType().getElementType().isF32())
      return failure();
    auto dqa = add.getLhs().getDefiningOp<DequantizeOp>();
    auto dqb = add.getRhs().getDefiningOp<DequantizeOp>();
    if (!dqa || !dqb)
      return failure();
    auto pa = int8PerTensorParams(dqa), pb = int8PerTensorParams(dqb);
    if (!pa || !pb)
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

    auto [outMin, outMax] = outputRange(q, *out, act.lo, act.hi);

    OpBuilder b(q);
    Value folded = QAddOp::create(
        b, add.getLoc(), q.getType(), dqa.getInput(), dqb.getInput(),
        b.getI64IntegerAttr(pa->zeroPoints[0]), b.getI64IntegerAttr(pb->zeroPoints[0]),
        b.getI64IntegerAttr(fixed(ma)), b.getI64IntegerAttr(fixed(mb)), b.getI64IntegerAttr(shift),
        b.getI64IntegerAttr(out->zeroPoints[0]), b.getI64IntegerAttr(outMin),
        b.getI64IntegerAttr(outMax));
    q.getResult().replaceAllUsesWith(folded);
    q.erase();
    if (act.op)
      act.op->erase();
    add.erase();
    return success();
  }
};

} // namespace

} // namespace kiln
