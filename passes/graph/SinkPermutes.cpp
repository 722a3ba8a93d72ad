//===- SinkPermutes.cpp - the kiln-sink-permutes pass ---------------------===//
//
// An elementwise op of a permuted tensor is the permutation of the op of the
// tensor: op(permute(x)) becomes permute(op(x)), and a binary op of two
// tensors permuted alike the permutation of the op of the two. Moved past the
// elementwise ops between them, the layout changes around an imported NHWC
// graph's operators meet, compose and cancel (kiln-remove-noops's patterns,
// applied here too until nothing changes).
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_SINKPERMUTESPASS
#include "passes/Passes.h.inc"

namespace {

/// `type` with the shape of `like`.
RankedTensorType withShapeOf(Type type, Value like) {
  return RankedTensorType::get(cast<RankedTensorType>(like.getType()).getShape(),
                               cast<RankedTensorType>(type).getElementType());
}

/// The operands of `op` at `positions` are permutes (one use each) of the same
/// dims and their inputs have the same shape: `op` is rebuilt on the inputs,
/// and a permute of its result replaces it. The other operands (tables,
/// scales) are left alone.
LogicalResult sink(Operation *op, ArrayRef<unsigned> positions, PatternRewriter &rewriter) {
  SmallVector<PermuteOp> permutes;
  for (unsigned p : positions) {
    auto permute = op->getOperand(p).getDefiningOp<PermuteOp>();
    if (!permute || !permute->hasOneUse())
      return rewriter.notifyMatchFailure(op, "an operand is not a permute of one use");
    if (!permutes.empty() &&
        (permute.getDims() != permutes[0].getDims() ||
         permute.getInput().getType().getShape() != permutes[0].getInput().getType().getShape()))
      return rewriter.notifyMatchFailure(op, "operands permuted differently");
    permutes.push_back(permute);
  }
  if (op->getNumResults() != 1 || cast<RankedTensorType>(op->getResult(0).getType()).getShape() !=
                                      permutes[0].getType().getShape())
    return rewriter.notifyMatchFailure(op, "not elementwise over the permuted shape");
  Operation *moved = rewriter.clone(*op);
  for (auto [p, permute] : llvm::zip(positions, permutes))
    moved->setOperand(p, permute.getInput());
  moved->getResult(0).setType(withShapeOf(op->getResult(0).getType(), permutes[0].getInput()));
  rewriter.replaceOpWithNewOp<PermuteOp>(op, op->getResult(0).getType(), moved->getResult(0),
                                         permutes[0].getDimsAttr());
  return success();
}

template <typename OpTy> struct SinkUnary : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    return sink(op, {0}, rewriter);
  }
};

/// Per-tensor quantize and dequantize (a per-channel one has an axis).
template <typename OpTy> struct SinkPerTensor : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    if (op.getAxis())
      return rewriter.notifyMatchFailure(op, "per channel");
    return sink(op, {0}, rewriter);
  }
};

template <typename OpTy> struct SinkBinary : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    return sink(op, {0, 1}, rewriter);
  }
};

struct SinkPermutesPass : impl::SinkPermutesPassBase<SinkPermutesPass> {
  using Base::Base;
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns
        .add<SinkUnary<LookupOp>, SinkUnary<ClampOp>, SinkUnary<ReluOp>, SinkPerTensor<QuantizeOp>,
             SinkPerTensor<DequantizeOp>, SinkBinary<QAddOp>, SinkBinary<AddOp>>(ctx);
    // Permutes that meet compose and cancel as they go (kiln-remove-noops's
    // patterns), which lets others sink further.
    populateRemoveNoOpsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

} // namespace kiln
