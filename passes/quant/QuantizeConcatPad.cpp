//===- QuantizeConcatPad.cpp - the kiln-quantize-concat-pad pass ----------===//
//
// Concatenation and padding only move values, so quantize(concat(
// dequantize(a), dequantize(b), ...)) is the concatenation of each input
// requantized to the output's parameters, and quantize(pad(dequantize(x), v))
// is the padding of x requantized, with the quantized v as the new elements.
// An input whose parameters are the output's is used as it is; any other is
// requantized by a 256-entry table (kiln.lookup) computed as PyTorch's Q/DQ
// graph computes dequantize then quantize, so the result is PyTorch's. The
// data stays int8: the float island of a concatenation with differing scales
// (or of a pad the quantizer left unannotated) goes.
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/quant/QuantParams.h"
#include "passes/quant/Requantize.h"

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_QUANTIZECONCATPADPASS
#include "passes/Passes.h.inc"

namespace {

struct QuantizeConcatPadPass : impl::QuantizeConcatPadPassBase<QuantizeConcatPadPass> {
  using Base::Base;

  void runOnOperation() override {
    forEachQuantize(getOperation(), [&](QuantizeOp q) { return fold(q); });
  }

  LogicalResult fold(QuantizeOp q) {
    auto out = int8PerTensorParams(q);
    Operation *op = q.getInput().getDefiningOp();
    if (!out || !op || !isa<ConcatOp, PadOp>(op) || !op->hasOneUse())
      return failure();
    // Every operand a per-tensor int8 dequantize to float32.
    SmallVector<std::pair<Value, QuantParams>> inputs;
    for (Value v : op->getOperands()) {
      auto dq = v.getDefiningOp<DequantizeOp>();
      auto in = dq ? int8PerTensorParams(dq) : std::nullopt;
      if (!in || !cast<RankedTensorType>(v.getType()).getElementType().isF32())
        return failure();
      inputs.push_back({dq.getInput(), *in});
    }
    int64_t qmin = static_cast<int64_t>(q.getQuantMin());
    int64_t qmax = static_cast<int64_t>(q.getQuantMax());

    OpBuilder b(q);
    Location loc = op->getLoc();
    SmallVector<Value> requantized;
    for (auto &[v, in] : inputs)
      requantized.push_back(requantizeInt8(b, loc, v, in, *out, qmin, qmax));
    Value folded;
    if (auto concat = dyn_cast<ConcatOp>(op)) {
      folded = ConcatOp::create(b, loc, q.getType(), requantized, concat.getDimAttr());
    } else {
      auto pad = cast<PadOp>(op);
      // The new elements of a constant pad: its value quantized as the Q/DQ
      // graph quantizes the padded tensor (the other modes copy elements).
      double value =
          static_cast<double>(quantizeFloat(static_cast<float>(pad.getValue().convertToDouble()),
                                            out->scales[0], out->zeroPoints[0], qmin, qmax));
      folded = PadOp::create(b, loc, q.getType(), requantized.front(), pad.getLowAttr(),
                             pad.getHighAttr(), b.getF64FloatAttr(value), pad.getModeAttr());
    }
    q.getResult().replaceAllUsesWith(folded);
    q.erase();
    op->erase();
    return success();
  }
};

} // namespace

} // namespace kiln
