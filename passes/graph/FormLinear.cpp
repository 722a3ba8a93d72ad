//===- FormLinear.cpp - the kiln-form-linear pass -------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_FORMLINEARPASS
#include "passes/Passes.h.inc"

namespace {

/// matmul(x, permute(W, [1, 0])) -> linear(x, W)
struct MatmulOfTransposeToLinear : OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatmulOp op, PatternRewriter &rewriter) const override {
    auto permute = op.getRhs().getDefiningOp<PermuteOp>();
    if (!permute || permute.getDims() != ArrayRef<int64_t>{1, 0})
      return rewriter.notifyMatchFailure(op, "rhs is not a transposed matrix");
    rewriter.replaceOpWithNewOp<LinearOp>(op, op.getType(), op.getLhs(), permute.getInput(),
                                          Value(), StringAttr());
    return success();
  }
};

/// add(linear(x, W), b) with b of shape [out] -> linear(x, W, b)
struct AddBiasIntoLinear : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AddOp op, PatternRewriter &rewriter) const override {
    for (int side = 0; side < 2; ++side) {
      auto linear = op->getOperand(side).getDefiningOp<LinearOp>();
      Value bias = op->getOperand(1 - side);
      if (!linear || linear.getBias() || linear.getActivation() || !linear->hasOneUse() ||
          linear.getType() != op.getType())
        continue;
      int64_t features = linear.getWeight().getType().getDimSize(0);
      if (cast<RankedTensorType>(bias.getType()).getShape() != ArrayRef<int64_t>{features})
        continue;
      rewriter.replaceOpWithNewOp<LinearOp>(op, op.getType(), linear.getInput(),
                                            linear.getWeight(), bias, StringAttr());
      return success();
    }
    return rewriter.notifyMatchFailure(op, "not a linear plus a per-feature bias");
  }
};

} // namespace

void populateFormLinearPatterns(RewritePatternSet &patterns) {
  patterns.add<MatmulOfTransposeToLinear, AddBiasIntoLinear>(patterns.getContext());
}

namespace {
struct FormLinearPass : impl::FormLinearPassBase<FormLinearPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFormLinearPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

} // namespace kiln
