//===- ApproximateMath.cpp - the kiln-approximate-math pass ---------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_APPROXIMATEMATHPASS
#include "passes/Passes.h.inc"

namespace {

/// Math ops that LLVM lowers to instructions on every target Kiln has, so no
/// approximation is needed.
bool lowersToInstructions(Operation *op) {
  return isa<math::SqrtOp, math::RsqrtOp, math::AbsFOp, math::FmaOp, math::CopySignOp,
             math::FloorOp, math::CeilOp, math::TruncOp, math::RoundEvenOp, math::RoundOp,
             math::AbsIOp, math::CountLeadingZerosOp, math::CountTrailingZerosOp,
             math::CtPopOp, math::FPowIOp, math::IPowIOp>(op);
}

struct ApproximateMathPass : impl::ApproximateMathPassBase<ApproximateMathPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    auto approximate = [](StringRef name) { return name != "sqrt" && name != "rsqrt"; };
    populateMathF32ExpansionPatterns(patterns, approximate);
    populateMathPolynomialApproximationPatterns(patterns, approximate);
    // Hyperbolic and other composite functions in terms of exp/log first.
    math::populateExpansionPatterns(patterns, {"sinh", "cosh", "tan", "asinh", "acosh", "atanh",
                                               "exp2", "powf", "ctlz", "round", "roundeven"});
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    WalkResult leftover = getOperation()->walk([](Operation *op) {
      if (isa<math::MathDialect>(op->getDialect()) && !lowersToInstructions(op)) {
        op->emitError("no polynomial approximation of '")
            << op->getName() << "': the object would need libm";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (leftover.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
} // namespace kiln
