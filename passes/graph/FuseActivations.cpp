//===- FuseActivations.cpp - the kiln-fuse-activations pass ---------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/graph/ConstantData.h"

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
  if (auto clamp = dyn_cast<ClampOp>(op)) {
    if (clamp.getMin() && clamp.getMax() && clamp.getMin()->convertToDouble() == 0.0 &&
        clamp.getMax()->convertToDouble() == 6.0)
      return StringRef("relu6");
    // XNNPACK's fused output range [0, inf).
    if (clamp.getMin() && !clamp.getMax() && clamp.getMin()->convertToDouble() == 0.0)
      return StringRef("relu");
  }
  return std::nullopt;
}

template <typename ProducerOp> struct FuseIntoProducer : RewritePattern {
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

/// Whether `v` is a one-element constant equal to `value`.
bool isScalarConstant(Value v, double value) {
  std::optional<ConstantData> data = readConstant(v);
  if (!data || data->numElements() != 1)
    return false;
  std::optional<std::vector<double>> values = data->asDoubles();
  return values && (*values)[0] == value;
}

bool clampBoundIs(std::optional<APFloat> bound, double value) {
  return bound && bound->convertToDouble() == value;
}

/// The x of relu6(x + 3) — one clamp(0, 6), or clamp(max 6) of clamp(min 0),
/// of an add of the constant 3 — with the ops of the chain; null otherwise.
Value matchRelu6Of3Plus(Value v, SmallVectorImpl<Operation *> &chain) {
  auto clamp = v.getDefiningOp<ClampOp>();
  if (!clamp)
    return Value();
  chain.push_back(clamp);
  Value inner = clamp.getInput();
  if (!(clampBoundIs(clamp.getMin(), 0.0) && clampBoundIs(clamp.getMax(), 6.0))) {
    auto lower = inner.getDefiningOp<ClampOp>();
    bool maxThenMin = clampBoundIs(clamp.getMax(), 6.0) && !clamp.getMin() && lower &&
                      clampBoundIs(lower.getMin(), 0.0) && !lower.getMax();
    bool minThenMax = clampBoundIs(clamp.getMin(), 0.0) && !clamp.getMax() && lower &&
                      clampBoundIs(lower.getMax(), 6.0) && !lower.getMin();
    if (!maxThenMin && !minThenMax)
      return Value();
    chain.push_back(lower);
    inner = lower.getInput();
  }
  auto add = inner.getDefiningOp<AddOp>();
  if (!add || add.getType() != v.getType())
    return Value();
  chain.push_back(add);
  if (isScalarConstant(add.getRhs(), 3.0) && add.getLhs().getType() == v.getType())
    return add.getLhs();
  if (isScalarConstant(add.getLhs(), 3.0) && add.getRhs().getType() == v.getType())
    return add.getRhs();
  return Value();
}

/// Core ATen decomposes hardswish into x * clamp(x + 3, 0, 6) / 6 and
/// hardsigmoid into clamp(x + 3, 0, 6) / 6; this puts the ops back together
/// (rooted at the division), so the fusion above can take them.
struct RecognizeHardActivations : OpRewritePattern<DivOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DivOp div, PatternRewriter &rewriter) const override {
    if (!isScalarConstant(div.getRhs(), 6.0) || div.getLhs().getType() != div.getType() ||
        !isa<FloatType>(div.getType().getElementType()))
      return failure();
    SmallVector<Operation *> chain;
    Operation *result = nullptr;
    if (auto mul = div.getLhs().getDefiningOp<MulOp>()) {
      for (auto [x, t] :
           {std::pair(mul.getLhs(), mul.getRhs()), std::pair(mul.getRhs(), mul.getLhs())}) {
        chain.assign({mul});
        if (x.getType() == div.getType() && matchRelu6Of3Plus(t, chain) == x) {
          result = HardSwishOp::create(rewriter, div.getLoc(), div.getType(), x);
          break;
        }
      }
    } else if (Value x = matchRelu6Of3Plus(div.getLhs(), chain)) {
      if (x.getType() == div.getType())
        result = HardSigmoidOp::create(rewriter, div.getLoc(), div.getType(), x);
    }
    if (!result)
      return rewriter.notifyMatchFailure(div, "not hardswish or hardsigmoid");
    rewriter.replaceOp(div, result->getResults());
    // Erase the decomposition now, so the producer of x has one user left
    // when the fusion pattern looks at it.
    for (Operation *op : chain)
      if (op->use_empty())
        rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void populateFuseActivationsPatterns(RewritePatternSet &patterns) {
  patterns.add<RecognizeHardActivations, FuseIntoProducer<Conv2dOp>, FuseIntoProducer<LinearOp>>(
      patterns.getContext());
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
