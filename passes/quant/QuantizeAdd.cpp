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
    std::optional<BinaryPattern> p = matchBinary(q, [](Operation *op) { return isa<AddOp>(op); });
    if (!p)
      return failure();
    const QuantParams *pa = &p->lhsParams, *pb = &p->rhsParams, *out = &p->out;

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

    auto [outMin, outMax] = p->range;
    OpBuilder b(q);
    Value folded = QAddOp::create(
        b, p->op->getLoc(), q.getType(), p->lhs.getInput(), p->rhs.getInput(),
        b.getI64IntegerAttr(pa->zeroPoints[0]), b.getI64IntegerAttr(pb->zeroPoints[0]),
        b.getI64IntegerAttr(fixed(ma)), b.getI64IntegerAttr(fixed(mb)), b.getI64IntegerAttr(shift),
        b.getI64IntegerAttr(out->zeroPoints[0]), b.getI64IntegerAttr(outMin),
        b.getI64IntegerAttr(outMax));
    p->replace(q, folded);
    return success();
  }
};

} // namespace

} // namespace kiln
