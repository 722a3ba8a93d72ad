//===- FoldBatchNorm.cpp - the kiln-fold-batch-norm pass ------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/graph/ConstantData.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_FOLDBATCHNORMPASS
#include "passes/Passes.h.inc"

namespace {

/// The per-channel scale s = scale / sqrt(var + eps) and shift
/// offset - mean * s of a batch norm with constant parameters.
struct Affine {
  std::vector<double> scale, shift;
};

std::optional<Affine> constantAffine(BatchNormOp bn) {
  auto scale = readConstant(bn.getScale()), offset = readConstant(bn.getOffset());
  auto mean = readConstant(bn.getMean()), var = readConstant(bn.getVariance());
  if (!scale || !offset || !mean || !var)
    return std::nullopt;
  auto s = scale->asDoubles(), o = offset->asDoubles(), m = mean->asDoubles(),
       v = var->asDoubles();
  if (!s || !o || !m || !v)
    return std::nullopt;
  double eps = bn.getEpsilon().convertToDouble();
  Affine a;
  for (size_t c = 0; c < s->size(); ++c) {
    double k = (*s)[c] / std::sqrt((*v)[c] + eps);
    a.scale.push_back(k);
    a.shift.push_back((*o)[c] - (*m)[c] * k);
  }
  return a;
}

/// W'[f, ...] = W[f, ...] * s[f]; b'[f] = b[f] * s[f] + shift[f].
std::optional<std::pair<std::vector<double>, std::vector<double>>>
foldedParameters(Value weight, Value bias, const Affine &a) {
  auto w = readConstant(weight);
  if (!w)
    return std::nullopt;
  auto wv = w->asDoubles();
  if (!wv)
    return std::nullopt;
  std::vector<double> b(a.scale.size(), 0.0);
  if (bias) {
    auto bc = readConstant(bias);
    auto bv = bc ? bc->asDoubles() : std::nullopt;
    if (!bv)
      return std::nullopt;
    b = *bv;
  }
  size_t features = a.scale.size(), perFeature = wv->size() / features;
  for (size_t f = 0; f < features; ++f) {
    for (size_t k = 0; k < perFeature; ++k)
      (*wv)[f * perFeature + k] *= a.scale[f];
    b[f] = b[f] * a.scale[f] + a.shift[f];
  }
  return std::make_pair(*wv, b);
}

template <typename ProducerOp>
struct FoldIntoProducer : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp bn, PatternRewriter &rewriter) const override {
    auto producer = bn.getInput().template getDefiningOp<ProducerOp>();
    if (!producer || !producer->hasOneUse() || producer.getActivation())
      return rewriter.notifyMatchFailure(bn, "no foldable producer");
    // A linear layer's features must be the batch norm's channel dimension.
    if (producer.getType().getRank() != (std::is_same_v<ProducerOp, LinearOp> ? 2 : 4))
      return rewriter.notifyMatchFailure(bn, "features are not dimension 1");
    auto affine = constantAffine(bn);
    if (!affine)
      return rewriter.notifyMatchFailure(bn, "statistics are not constants");
    auto folded = foldedParameters(producer.getWeight(), producer.getBias(), *affine);
    if (!folded)
      return rewriter.notifyMatchFailure(bn, "weights are not constants");
    rewriter.setInsertionPoint(producer);
    Location loc = producer.getLoc();
    auto weightType = cast<RankedTensorType>(producer.getWeight().getType());
    auto biasType = RankedTensorType::get({static_cast<int64_t>(affine->scale.size())},
                                          weightType.getElementType());
    Value weight = makeFloatConstant(rewriter, loc, weightType, folded->first, "bn_folded_weight");
    Value bias = makeFloatConstant(rewriter, loc, biasType, folded->second, "bn_folded_bias");
    rewriter.modifyOpInPlace(producer, [&] {
      producer.getWeightMutable().assign(weight);
      if (producer.getBias())
        producer.getBiasMutable().assign(bias);
      else
        producer.getBiasMutable().append(bias);
    });
    rewriter.replaceOp(bn, producer.getResult());
    return success();
  }
};

} // namespace

void populateFoldBatchNormPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldIntoProducer<Conv2dOp>, FoldIntoProducer<LinearOp>>(patterns.getContext());
}

namespace {
struct FoldBatchNormPass : impl::FoldBatchNormPassBase<FoldBatchNormPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldBatchNormPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

} // namespace kiln
