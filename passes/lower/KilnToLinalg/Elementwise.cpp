//===- Elementwise.cpp - kiln elementwise ops to linalg -------------------===//
//
// Broadcasting binary ops and activations become one linalg.generic each;
// linalg's elementwise fusion merges chains of them later.
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/lower/KilnToLinalg/Utils.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace kiln {
namespace {

template <typename KilnOp, typename ArithOp>
struct BinaryToGeneric : OpConversionPattern<KilnOp> {
  using OpConversionPattern<KilnOp>::OpConversionPattern;
  LogicalResult matchAndRewrite(KilnOp op, typename KilnOp::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> shape = type.getShape();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    MLIRContext *ctx = op.getContext();
    SmallVector<AffineMap> maps = {
        broadcastMap(ctx, cast<ShapedType>(lhs.getType()).getShape(), shape),
        broadcastMap(ctx, cast<ShapedType>(rhs.getType()).getShape(), shape),
        AffineMap::getMultiDimIdentityMap(shape.size(), ctx)};
    Location loc = op.getLoc();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{lhs, rhs},
        ValueRange{emptyTensor(rewriter, loc, type)}, maps,
        parallelIterators(shape.size()),
        [](OpBuilder &b, Location loc, ValueRange args) {
          Value r = ArithOp::create(b, loc, args[0], args[1]);
          linalg::YieldOp::create(b, loc, r);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// A unary elementwise op whose body is built by `buildBody`.
template <typename KilnOp>
struct UnaryToGeneric : OpConversionPattern<KilnOp> {
  using OpConversionPattern<KilnOp>::OpConversionPattern;
  virtual Value buildBody(OpBuilder &b, Location loc, KilnOp op, Value x) const = 0;
  LogicalResult matchAndRewrite(KilnOp op, typename KilnOp::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    unsigned rank = type.getRank();
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, op.getContext());
    Location loc = op.getLoc();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{adaptor.getInput()},
        ValueRange{emptyTensor(rewriter, loc, type)}, SmallVector<AffineMap>{id, id},
        parallelIterators(rank), [&](OpBuilder &b, Location loc, ValueRange args) {
          linalg::YieldOp::create(b, loc, buildBody(b, loc, op, args[0]));
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// relu, hardswish and sigmoid are the activations conv2d/linear can fuse:
/// one scalar definition serves both (maximumf propagates NaN, as PyTorch).
template <typename KilnOp>
struct ActivationToGeneric : UnaryToGeneric<KilnOp> {
  using UnaryToGeneric<KilnOp>::UnaryToGeneric;
  Value buildBody(OpBuilder &b, Location loc, KilnOp op, Value x) const override {
    return activationScalar(b, loc, op->getName().stripDialect(), x);
  }
};

struct ClampToGeneric : UnaryToGeneric<ClampOp> {
  using UnaryToGeneric<ClampOp>::UnaryToGeneric;
  Value buildBody(OpBuilder &b, Location loc, ClampOp op, Value x) const override {
    if (auto lo = op.getMin())
      x = arith::MaximumFOp::create(b, loc, x,
                                    floatConstant(b, loc, x.getType(), lo->convertToDouble()));
    if (auto hi = op.getMax())
      x = arith::MinimumFOp::create(b, loc, x,
                                    floatConstant(b, loc, x.getType(), hi->convertToDouble()));
    return x;
  }
};

/// Ops that are one op of the math or arith dialect.
template <typename KilnOp, typename ScalarOp>
struct MathToGeneric : UnaryToGeneric<KilnOp> {
  using UnaryToGeneric<KilnOp>::UnaryToGeneric;
  Value buildBody(OpBuilder &b, Location loc, KilnOp, Value x) const override {
    return ScalarOp::create(b, loc, x);
  }
};

/// x > 0 ? x : x * slope (NaN > 0 is false, and NaN * slope is NaN).
struct LeakyReluToGeneric : UnaryToGeneric<LeakyReluOp> {
  using UnaryToGeneric<LeakyReluOp>::UnaryToGeneric;
  Value buildBody(OpBuilder &b, Location loc, LeakyReluOp op, Value x) const override {
    Value zero = floatConstant(b, loc, x.getType(), 0.0);
    Value slope = floatConstant(b, loc, x.getType(), op.getNegativeSlope().convertToDouble());
    Value positive = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
    return arith::SelectOp::create(b, loc, positive, x, arith::MulFOp::create(b, loc, x, slope));
  }
};

/// Composite activations compute in f32 for f16/bf16 and round once, as
/// PyTorch's CPU kernels do.
template <typename KilnOp>
struct CompositeToGeneric : UnaryToGeneric<KilnOp> {
  using UnaryToGeneric<KilnOp>::UnaryToGeneric;
  virtual Value compute(OpBuilder &b, Location loc, KilnOp op, Value x) const = 0;
  Value buildBody(OpBuilder &b, Location loc, KilnOp op, Value x) const override {
    Type type = x.getType();
    Value y = compute(b, loc, op, convertScalar(b, loc, x, accumulatorType(type)));
    return convertScalar(b, loc, y, type);
  }
};

/// min(max(x + 3, 0), 6) / 6
Value hardSigmoid(OpBuilder &b, Location loc, Value x) {
  Type t = x.getType();
  Value shifted = arith::AddFOp::create(b, loc, x, floatConstant(b, loc, t, 3.0));
  Value clamped = arith::MinimumFOp::create(
      b, loc, arith::MaximumFOp::create(b, loc, shifted, floatConstant(b, loc, t, 0.0)),
      floatConstant(b, loc, t, 6.0));
  return arith::DivFOp::create(b, loc, clamped, floatConstant(b, loc, t, 6.0));
}

struct HardSigmoidToGeneric : CompositeToGeneric<HardSigmoidOp> {
  using CompositeToGeneric<HardSigmoidOp>::CompositeToGeneric;
  Value compute(OpBuilder &b, Location loc, HardSigmoidOp, Value x) const override {
    return hardSigmoid(b, loc, x);
  }
};

/// x / (1 + exp(-x))
struct SiluToGeneric : CompositeToGeneric<SiluOp> {
  using CompositeToGeneric<SiluOp>::CompositeToGeneric;
  Value compute(OpBuilder &b, Location loc, SiluOp, Value x) const override {
    Value one = floatConstant(b, loc, x.getType(), 1.0);
    Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
    return arith::DivFOp::create(b, loc, x, arith::AddFOp::create(b, loc, one, e));
  }
};

/// 0.5 * x * (1 + erf(x / sqrt(2))), or the tanh form
/// 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))).
struct GeluToGeneric : CompositeToGeneric<GeluOp> {
  using CompositeToGeneric<GeluOp>::CompositeToGeneric;
  Value compute(OpBuilder &b, Location loc, GeluOp op, Value x) const override {
    Type t = x.getType();
    Value half = floatConstant(b, loc, t, 0.5), one = floatConstant(b, loc, t, 1.0);
    Value inner;
    if (op.getApproximate() == "tanh") {
      Value cube = arith::MulFOp::create(b, loc, x, arith::MulFOp::create(b, loc, x, x));
      Value poly = arith::AddFOp::create(
          b, loc, x, arith::MulFOp::create(b, loc, cube, floatConstant(b, loc, t, 0.044715)));
      Value scaled = arith::MulFOp::create(
          b, loc, poly, floatConstant(b, loc, t, 0.7978845608028654)); // sqrt(2 / pi)
      inner = math::TanhOp::create(b, loc, scaled);
    } else {
      inner = math::ErfOp::create(
          b, loc, arith::MulFOp::create(b, loc, x, floatConstant(b, loc, t, 0.7071067811865476)));
    }
    Value factor = arith::MulFOp::create(b, loc, half, arith::AddFOp::create(b, loc, one, inner));
    return arith::MulFOp::create(b, loc, x, factor);
  }
};

} // namespace

void populateKilnElementwiseToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<BinaryToGeneric<AddOp, arith::AddFOp>, BinaryToGeneric<SubOp, arith::SubFOp>,
               BinaryToGeneric<MulOp, arith::MulFOp>, BinaryToGeneric<DivOp, arith::DivFOp>,
               ActivationToGeneric<ReluOp>, ActivationToGeneric<HardSwishOp>,
               ActivationToGeneric<SigmoidOp>, ClampToGeneric, LeakyReluToGeneric,
               MathToGeneric<AbsOp, math::AbsFOp>, MathToGeneric<NegOp, arith::NegFOp>,
               MathToGeneric<ExpOp, math::ExpOp>, MathToGeneric<LogOp, math::LogOp>,
               MathToGeneric<SqrtOp, math::SqrtOp>, MathToGeneric<RsqrtOp, math::RsqrtOp>,
               MathToGeneric<TanhOp, math::TanhOp>, HardSigmoidToGeneric, SiluToGeneric,
               GeluToGeneric>(patterns.getContext());
}

} // namespace kiln
