//===- FuseActivations.cpp - the kiln-fuse-activations pass ---------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_FUSEACTIVATIONSPASS
#include "passes/Passes.h.inc"

namespace {

/// The fusable activation an op computes, if any.
std::optional<StringRef> activationOf(Operation *op) {
  if (isa<ReluOp>(op))
    return StringRef("relu");
  if (isa<SigmoidOp>(op))
    return StringRef("sigmoid");
  if (isa<HardSwishOp>(op))
    return StringRef("hardswish");
  if (auto clamp = dyn_cast<ClampOp>(op))
    if (clamp.getMin() && clamp.getMax() && clamp.getMin()->convertToDouble() == 0.0 &&
        clamp.getMax()->convertToDouble() == 6.0)
      return StringRef("relu6");
  return std::nullopt;
}

template <typename ProducerOp>
struct FuseIntoProducer : RewritePattern {
  explicit FuseIntoProducer(MLIRContext *ctx) : RewritePattern(MatchAnyOpTypeTag(), 1, ctx) {}
  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    std::optional<StringRef> activation = activationOf(op);
    if (!activation)
      return failure();
    auto producer = op->getOperand(0).getDefiningOp<ProducerOp>();
    if (!producer || !producer->hasOneUse() || producer.getActivation() ||
        producer.getType() != op->getResult(0).getType())
      return rewriter.notifyMatchFailure(op, "no producer to fuse into");
    rewriter.modifyOpInPlace(
        producer, [&] { producer.setActivationAttr(rewriter.getStringAttr(*activation)); });
    // The producer now computes the activation: give it the activation's
    // location too, so diagnostics and reports name both nodes.
    producer->setLoc(rewriter.getFusedLoc({producer.getLoc(), op->getLoc()}));
    rewriter.replaceOp(op, producer.getResult());
    return success();
  }
};

} // namespace

void populateFuseActivationsPatterns(RewritePatternSet &patterns) {
  patterns.add<FuseIntoProducer<Conv2dOp>, FuseIntoProducer<LinearOp>>(patterns.getContext());
}

namespace {
struct FuseActivationsPass : impl::FuseActivationsPassBase<FuseActivationsPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFuseActivationsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

} // namespace kiln
