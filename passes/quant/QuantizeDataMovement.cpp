//===- QuantizeDataMovement.cpp - the kiln-quantize-data-movement pass ----===//
//
// Data movement commutes with per-tensor (de)quantization: reshape and
// permute of a dequantized tensor are the dequantization of the reshaped or
// permuted int8 tensor, and so is max pooling (dequantization is increasing:
// the largest int8 value dequantizes to the largest float). Moving the dequantize below them keeps
// the data in int8 (a quarter of the bytes) and brings the dequantize next to the op that consumes
// it, where kiln-quantize-conv-linear can fold it. Then a quantize of a dequantize with the same
// scale and zero point over the full integer range is the identity and goes.
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_QUANTIZEDATAMOVEMENTPASS
#include "passes/Passes.h.inc"

namespace {

/// Whether a per-channel axis stays where it is through `op`: a reshape that
/// keeps every dimension up to and including the axis (conv1d's weight
/// [F, C, K] viewed as [F, C, 1, K]).
bool keepsAxis(Operation *op, int64_t axis) {
  auto reshape = dyn_cast<ReshapeOp>(op);
  if (!reshape)
    return false;
  ArrayRef<int64_t> in = reshape.getInput().getType().getShape();
  ArrayRef<int64_t> out = cast<RankedTensorType>(reshape.getType()).getShape();
  return axis < static_cast<int64_t>(in.size()) && axis < static_cast<int64_t>(out.size()) &&
         in.take_front(axis + 1) == out.take_front(axis + 1);
}

/// `op(dequantize(x))` -> `dequantize(op(x))` for a per-tensor dequantize,
/// or a per-channel one whose axis the op keeps.
template <typename OpTy> struct SinkDequantize : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    auto dq = op.getInput().template getDefiningOp<DequantizeOp>();
    if (!dq || (dq.getAxis() && !keepsAxis(op, *dq.getAxis())))
      return failure();
    auto resultType = cast<RankedTensorType>(op.getType());
    auto intType =
        RankedTensorType::get(resultType.getShape(), dq.getInput().getType().getElementType());
    Operation *moved = rewriter.clone(*op);
    moved->setOperand(0, dq.getInput());
    moved->getResult(0).setType(intType);
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, resultType, moved->getResult(0), dq.getScale(),
                                              dq.getZeroPoint(), dq.getAxisAttr(),
                                              dq.getQuantMinAttr(), dq.getQuantMaxAttr());
    return success();
  }
};

/// `quantize(reshape(v))` -> `reshape(quantize(v))` for a per-tensor
/// quantize of a reshape with no other user: the quantize meets the op that
/// computes v (conv1d's convolution, between the reshapes of its import).
struct HoistQuantize : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp q, PatternRewriter &rewriter) const override {
    auto reshape = q.getInput().getDefiningOp<ReshapeOp>();
    if (!reshape || q.getAxis() || !reshape->hasOneUse())
      return failure();
    Value input = reshape.getInput();
    auto intType = RankedTensorType::get(cast<RankedTensorType>(input.getType()).getShape(),
                                         q.getType().getElementType());
    Value quantized =
        QuantizeOp::create(rewriter, q.getLoc(), intType, input, q.getScale(), q.getZeroPoint(),
                           IntegerAttr(), q.getQuantMinAttr(), q.getQuantMaxAttr());
    rewriter.replaceOpWithNewOp<ReshapeOp>(q, q.getType(), quantized);
    return success();
  }
};

/// `quantize(act(reshape(v)))` -> `quantize(reshape(act(v)))` for a relu or
/// clamp: elementwise ops commute with reshapes, and the activation then
/// meets the convolution it belongs to. Only before a quantize, so that float
/// programs are left as they are.
template <typename ActOp> struct SwapActivationReshape : OpRewritePattern<ActOp> {
  using OpRewritePattern<ActOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(ActOp act, PatternRewriter &rewriter) const override {
    auto reshape = act.getInput().template getDefiningOp<ReshapeOp>();
    if (!reshape || !reshape->hasOneUse() || !act->hasOneUse() ||
        !isa<QuantizeOp>(*act->getUsers().begin()))
      return failure();
    Operation *moved = rewriter.clone(*act);
    moved->setOperand(0, reshape.getInput());
    moved->getResult(0).setType(reshape.getInput().getType());
    rewriter.replaceOpWithNewOp<ReshapeOp>(act, act.getType(), moved->getResult(0));
    return success();
  }
};

/// Whether two values are the same constant.
bool sameConstant(Value a, Value b) {
  if (a == b)
    return true;
  Attribute x, y;
  return matchPattern(a, m_Constant(&x)) && matchPattern(b, m_Constant(&y)) && x == y;
}

/// `quantize(dequantize(z))` -> `z` when both are per tensor with the same
/// scale and zero point, the same integer type, and the quantize's range is
/// the whole type (so it clamps nothing).
struct FoldRequantizeIdentity : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp q, PatternRewriter &rewriter) const override {
    auto dq = q.getInput().getDefiningOp<DequantizeOp>();
    if (!dq || q.getAxis() || dq.getAxis() || q.getType() != dq.getInput().getType())
      return failure();
    if (!sameConstant(q.getScale(), dq.getScale()) ||
        !sameConstant(q.getZeroPoint(), dq.getZeroPoint()))
      return failure();
    unsigned bits = q.getType().getElementType().getIntOrFloatBitWidth();
    int64_t lo = -(int64_t(1) << (bits - 1)), hi = (int64_t(1) << (bits - 1)) - 1;
    if (static_cast<int64_t>(q.getQuantMin()) != lo || static_cast<int64_t>(q.getQuantMax()) != hi)
      return failure();
    rewriter.replaceOp(q, dq.getInput());
    return success();
  }
};

struct QuantizeDataMovementPass : impl::QuantizeDataMovementPassBase<QuantizeDataMovementPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<SinkDequantize<ReshapeOp>, SinkDequantize<PermuteOp>, SinkDequantize<MaxPool2dOp>,
                 HoistQuantize, SwapActivationReshape<ReluOp>, SwapActivationReshape<ClampOp>,
                 FoldRequantizeIdentity>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

} // namespace kiln
