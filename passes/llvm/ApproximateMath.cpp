//===- ApproximateMath.cpp - the kiln-approximate-math pass ---------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>
#include <type_traits>

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
             math::AbsIOp, math::CountLeadingZerosOp, math::CountTrailingZerosOp, math::CtPopOp,
             math::FPowIOp, math::IPowIOp>(op);
}

/// Expands math.floor / math.ceil / math.trunc on floats of at most 32 bits:
///   t = |x| < 2^p ? copysign(sitofp(fptosi x : i32), x) : x     (p: significand bits)
///   floor = t > x ? t - 1 : t,   ceil = t < x ? t + 1 : t
/// Values with |x| >= 2^p (and infinities, NaN) are integral already; the
/// conversion of those is never selected.
template <typename OpTy> struct ExpandRounding : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    Type type = op.getType();
    auto elementType = dyn_cast<FloatType>(getElementTypeOrSelf(type));
    if (!elementType || elementType.getWidth() > 32)
      return failure();
    Location loc = op.getLoc();
    Type intType = rewriter.getI32Type();
    if (auto vector = dyn_cast<VectorType>(type))
      intType = vector.clone(intType);
    auto constant = [&](double value) -> Value {
      TypedAttr attr = rewriter.getFloatAttr(elementType, value);
      if (auto shaped = dyn_cast<ShapedType>(type))
        attr = DenseElementsAttr::get(shaped, attr);
      return arith::ConstantOp::create(rewriter, loc, type, attr);
    };
    Value x = op.getOperand();
    unsigned significandBits = elementType.getFPMantissaWidth() - 1;
    Value limit = constant(std::ldexp(1.0, significandBits));
    Value magnitude = math::AbsFOp::create(rewriter, loc, x);
    Value small = arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::OLT, magnitude, limit);
    Value asInt = arith::FPToSIOp::create(rewriter, loc, intType, x);
    Value back = arith::SIToFPOp::create(rewriter, loc, type, asInt);
    Value signed_ = math::CopySignOp::create(rewriter, loc, back, x);
    Value truncated = arith::SelectOp::create(rewriter, loc, small, signed_, x);
    Value result = truncated;
    if (std::is_same_v<OpTy, math::FloorOp> || std::is_same_v<OpTy, math::CeilOp>) {
      bool floor = std::is_same_v<OpTy, math::FloorOp>;
      Value overshoots = arith::CmpFOp::create(
          rewriter, loc, floor ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT, truncated,
          x);
      Value one = constant(1.0);
      Value stepped = floor ? Value(arith::SubFOp::create(rewriter, loc, truncated, one))
                            : Value(arith::AddFOp::create(rewriter, loc, truncated, one));
      result = arith::SelectOp::create(rewriter, loc, overshoots, stepped, truncated);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Expands math.roundeven on floats of at most 32 bits without conversions:
///   t = |x| < 2^p ? copysign((|x| + 2^p) - 2^p, x) : x     (p: significand bits)
/// The sum lies in [2^p, 2^(p+1)), where floats are the integers, so the add
/// rounds |x| half to even (the default rounding mode) and the subtraction is
/// exact. Values with |x| >= 2^p (and infinities, NaN) are integral already.
/// (MLIR's expansion converts through i64: a libcall, __aeabi_l2f, on 32-bit
/// Arm.)
struct ExpandRoundEven : OpRewritePattern<math::RoundEvenOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::RoundEvenOp op, PatternRewriter &rewriter) const override {
    Type type = op.getType();
    auto elementType = dyn_cast<FloatType>(getElementTypeOrSelf(type));
    if (!elementType || elementType.getWidth() > 32)
      return failure();
    Location loc = op.getLoc();
    TypedAttr attr = rewriter.getFloatAttr(
        elementType, std::ldexp(1.0, static_cast<int>(elementType.getFPMantissaWidth() - 1)));
    if (auto shaped = dyn_cast<ShapedType>(type))
      attr = DenseElementsAttr::get(shaped, attr);
    Value limit = arith::ConstantOp::create(rewriter, loc, type, attr);
    Value x = op.getOperand();
    Value magnitude = math::AbsFOp::create(rewriter, loc, x);
    Value small = arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::OLT, magnitude, limit);
    Value rounded = arith::SubFOp::create(
        rewriter, loc, arith::AddFOp::create(rewriter, loc, magnitude, limit), limit);
    Value signed_ = math::CopySignOp::create(rewriter, loc, rounded, x);
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, small, signed_, x);
    return success();
  }
};

struct ApproximateMathPass : impl::ApproximateMathPassBase<ApproximateMathPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    auto approximate = [](StringRef name) { return name != "sqrt" && name != "rsqrt"; };
    populateMathF32ExpansionPatterns(patterns, approximate);
    populateMathPolynomialApproximationPatterns(patterns, approximate);
    // Hyperbolic and other composite functions in terms of exp/log first.
    SmallVector<StringRef> expanded{"sinh",  "cosh", "tan",  "asinh", "acosh",
                                    "atanh", "exp2", "powf", "ctlz",  "round"};
    if (expandRounding)
      patterns.add<ExpandRounding<math::FloorOp>, ExpandRounding<math::CeilOp>,
                   ExpandRounding<math::TruncOp>, ExpandRoundEven>(&getContext());
    else
      expanded.push_back("roundeven");
    math::populateExpansionPatterns(patterns, expanded);
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
