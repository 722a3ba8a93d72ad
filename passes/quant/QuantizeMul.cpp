//===- QuantizeMul.cpp - the kiln-quantize-mul pass -----------------------===//
//
// quantize(dequantize(a) * dequantize(b)) [with a relu or clamp before the
// quantize] becomes kiln.qmul: the product of the two inputs' differences
// from their zero points (17 bits, exact) times the fixed-point multiplier
// s_a * s_b / s_y, rounded once half to even (as PyTorch rounds), offset and
// clamped. MobileNetV3's squeeze-and-excitation scaling (the feature map
// times the hardsigmoid of its pooled channels, broadcast) is this pattern.
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/quant/QuantParams.h"

#include <cmath>

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_QUANTIZEMULPASS
#include "passes/Passes.h.inc"

namespace {

struct QuantizeMulPass : impl::QuantizeMulPassBase<QuantizeMulPass> {
  using Base::Base;

  void runOnOperation() override {
    forEachQuantize(getOperation(), [&](QuantizeOp q) { return fold(q); });
  }

  LogicalResult fold(QuantizeOp q) {
    std::optional<BinaryPattern> p = matchBinary(q, [](Operation *op) { return isa<MulOp>(op); });
    if (!p)
      return failure();
    // s_a * s_b / s_y from the float32 values PyTorch computes with, as an
    // integer in [2^30, 2^31) over 2^shift.
    double m = p->productScale();
    int exponent = 0;
    std::frexp(m, &exponent);
    int64_t shift = 31 - exponent;
    if (shift < 1 || shift > 62)
      return failure();
    int64_t multiplier =
        static_cast<int64_t>(std::nearbyint(std::ldexp(m, static_cast<int>(shift))));

    OpBuilder b(q);
    Value folded = QMulOp::create(
        b, p->op->getLoc(), q.getType(), p->lhs.getInput(), p->rhs.getInput(),
        b.getI64IntegerAttr(p->lhsParams.zeroPoints[0]),
        b.getI64IntegerAttr(p->rhsParams.zeroPoints[0]), b.getI64IntegerAttr(multiplier),
        b.getI64IntegerAttr(shift), b.getI64IntegerAttr(p->out.zeroPoints[0]),
        b.getI64IntegerAttr(p->range.first), b.getI64IntegerAttr(p->range.second));
    p->replace(q, folded);
    return success();
  }
};

} // namespace

} // namespace kiln
