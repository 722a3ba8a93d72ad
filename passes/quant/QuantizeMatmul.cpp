//===- QuantizeMatmul.cpp - the kiln-quantize-matmul pass -----------------===//
//
// quantize(matmul(dequantize(a), dequantize(b))) [with a relu or clamp
// before the quantize] becomes kiln.qmatmul: both operands are activations
// (attention's products, a matmul of two layers' outputs), int8 per tensor,
// so the products of their differences from the zero points sum in int32
// and one fixed-point multiplier s_a * s_b / s_y requantizes the sum, as
// kiln.qconv2d's accumulator is requantized.
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/quant/QuantParams.h"
#include "passes/quant/Requantize.h"

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_QUANTIZEMATMULPASS
#include "passes/Passes.h.inc"

namespace {

struct QuantizeMatmulPass : impl::QuantizeMatmulPassBase<QuantizeMatmulPass> {
  using Base::Base;

  void runOnOperation() override {
    forEachQuantize(getOperation(), [&](QuantizeOp q) { return fold(q); });
  }

  LogicalResult fold(QuantizeOp q) {
    std::optional<BinaryPattern> p =
        matchBinary(q, [](Operation *op) { return isa<MatmulOp>(op); });
    if (!p)
      return failure();
    // The sum's scale over the output's, from the float32 values PyTorch
    // computes with (as the convolutions' multipliers are computed).
    FixedPointMultiplier m = quantizeMultiplier(p->productScale());
    if (m.multiplier == 0)
      return failure();
    // int32 holds the sum: K products of at most 255 * 255.
    int64_t k = p->lhs.getInput().getType().getShape().back();
    if (k * 255 * 255 >= (int64_t(1) << 31))
      return failure();

    OpBuilder b(q);
    Value folded = QMatmulOp::create(
        b, p->op->getLoc(), q.getType(), p->lhs.getInput(), p->rhs.getInput(),
        b.getI64IntegerAttr(p->lhsParams.zeroPoints[0]),
        b.getI64IntegerAttr(p->rhsParams.zeroPoints[0]), b.getI64IntegerAttr(p->out.zeroPoints[0]),
        b.getDenseI32ArrayAttr({m.multiplier}), b.getDenseI32ArrayAttr({m.shift}),
        b.getI64IntegerAttr(p->range.first), b.getI64IntegerAttr(p->range.second));
    p->replace(q, folded);
    return success();
  }
};

} // namespace

} // namespace kiln
