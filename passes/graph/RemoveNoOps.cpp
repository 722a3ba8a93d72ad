//===- RemoveNoOps.cpp - the kiln-remove-noops pass -----------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_REMOVENOOPSPASS
#include "passes/Passes.h.inc"

namespace {

/// Replaces `op` by its first operand when `isNoOp(op)` holds and the types agree.
template <typename OpTy> struct ForwardInput : OpRewritePattern<OpTy> {
  ForwardInput(MLIRContext *ctx, bool (*isNoOp)(OpTy))
      : OpRewritePattern<OpTy>(ctx), isNoOp(isNoOp) {}
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    Value input = op->getOperand(0);
    if (input.getType() != op->getResult(0).getType() || !isNoOp(op))
      return rewriter.notifyMatchFailure(op, "not a no-op");
    rewriter.replaceOp(op, input);
    return success();
  }
  bool (*isNoOp)(OpTy);
};

/// permute(permute(x, inner), outer) is permute(x, inner[outer[i]]): the
/// layout changes of an imported NHWC graph (an XNNPACK delegate's) between
/// NCHW operators compose, and then cancel (the identity is a no-op).
struct ComposePermutes : OpRewritePattern<PermuteOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PermuteOp op, PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<PermuteOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "not a permute of a permute");
    SmallVector<int64_t> dims;
    for (int64_t d : op.getDims())
      dims.push_back(inner.getDims()[d]);
    rewriter.replaceOpWithNewOp<PermuteOp>(op, op.getType(), inner.getInput(),
                                           rewriter.getDenseI64ArrayAttr(dims));
    return success();
  }
};

} // namespace

void populateRemoveNoOpsPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ForwardInput<DropoutOp>>(ctx, [](DropoutOp) { return true; });
  patterns.add<ForwardInput<CopyOp>>(ctx, [](CopyOp) { return true; });
  patterns.add<ForwardInput<ReshapeOp>>(ctx, [](ReshapeOp) { return true; });
  patterns.add<ForwardInput<ExpandOp>>(ctx, [](ExpandOp) { return true; });
  patterns.add<ForwardInput<ConcatOp>>(ctx, [](ConcatOp op) { return op.getInputs().size() == 1; });
  patterns.add<ForwardInput<ClampOp>>(ctx, [](ClampOp op) { return !op.getMin() && !op.getMax(); });
  patterns.add<ComposePermutes>(ctx);
  patterns.add<ForwardInput<PermuteOp>>(ctx, [](PermuteOp op) {
    for (auto [i, d] : llvm::enumerate(op.getDims()))
      if (d != static_cast<int64_t>(i))
        return false;
    return true;
  });
  patterns.add<ForwardInput<SliceOp>>(ctx, [](SliceOp op) {
    return op.getStart() == 0 && op.getStep() == 1 &&
           static_cast<int64_t>(op.getEnd()) == op.getInput().getType().getDimSize(op.getDim());
  });
}

namespace {
struct RemoveNoOpsPass : impl::RemoveNoOpsPassBase<RemoveNoOpsPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRemoveNoOpsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

} // namespace kiln
