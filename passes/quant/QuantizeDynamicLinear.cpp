//===- QuantizeDynamicLinear.cpp - the kiln-quantize-dynamic-linear pass --===//
//
// Dynamic quantization (torch.ao's dynamic linear, XNNPACK's dynamic
// configuration) quantizes a linear layer's input at run time with
// kiln.choose_qparams and keeps the layer's output float:
// linear(dequantize(x, s, z), dequantize(w_q, s_w, 0), bias). The pass
// replaces the linear and its two dequantizes by kiln.qlinear_dynamic: the
// int8 products summed in int32, scaled once per output by s * s_w[n]. The
// float input of the layer (x dequantized) and the float weight are no
// longer computed.
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/quant/QuantParams.h"

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_QUANTIZEDYNAMICLINEARPASS
#include "passes/Passes.h.inc"

namespace {

struct QuantizeDynamicLinearPass : impl::QuantizeDynamicLinearPassBase<QuantizeDynamicLinearPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<LinearOp> linears;
    getOperation()->walk([&](LinearOp op) { linears.push_back(op); });
    for (LinearOp op : linears)
      (void)fold(op);
  }

  LogicalResult fold(LinearOp op) {
    auto isF32 = [](Value v) {
      return cast<RankedTensorType>(v.getType()).getElementType().isF32();
    };
    if (!isF32(op.getResult()) || (op.getBias() && !isF32(op.getBias())))
      return failure();
    // The input: a per-tensor dequantize of int8, its parameters constant or
    // computed at run time.
    auto dqx = op.getInput().getDefiningOp<DequantizeOp>();
    if (!dqx || dqx.getAxis() || !isInt8(dqx.getInput()) || !isF32(dqx.getResult()))
      return failure();
    // The weight: a symmetric dequantize of int8 with constant scales, per
    // output feature (axis 0) or per tensor.
    auto dqw = op.getWeight().getDefiningOp<DequantizeOp>();
    if (!dqw || !isInt8(dqw.getInput()) || !isF32(dqw.getResult()))
      return failure();
    auto w = constantParams(dqw);
    if (!w || (w->perChannel && dqw.getAxis() != 0))
      return failure();
    for (int64_t z : w->zeroPoints)
      if (z != 0)
        return failure();
    int64_t n = op.getWeight().getType().getShape()[0];
    SmallVector<float> scales;
    for (int64_t i = 0; i < n; ++i)
      scales.push_back(static_cast<float>(w->scales[w->perChannel ? i : 0]));

    OpBuilder b(op);
    auto scaleType = RankedTensorType::get({n}, b.getF32Type());
    Value weightScale = arith::ConstantOp::create(
        b, op.getLoc(), DenseElementsAttr::get(scaleType, ArrayRef<float>(scales)));
    Value folded = QLinearDynamicOp::create(b, op.getLoc(), op.getType(), dqx.getInput(),
                                            dqx.getScale(), dqx.getZeroPoint(), dqw.getInput(),
                                            weightScale, op.getBias(), op.getActivationAttr());
    op.getResult().replaceAllUsesWith(folded);
    op.erase();
    for (DequantizeOp dq : {dqx, dqw})
      if (dq->use_empty())
        dq.erase();
    return success();
  }
};

} // namespace

} // namespace kiln
