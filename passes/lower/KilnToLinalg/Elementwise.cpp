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
#include "llvm/ADT/StringSwitch.h"

#include <limits>

using namespace mlir;

namespace kiln {
namespace {

bool isFloat(Value v) { return isa<FloatType>(v.getType()); }

/// `FloatOp` on floats, `IntOp` on integers (the verifier admits only the
/// element types an op has a body for).
template <typename FloatOp, typename IntOp = void> struct ByType {
  static Value create(OpBuilder &b, Location loc, Value x, Value y) {
    if constexpr (!std::is_void_v<IntOp>)
      if (!isFloat(x))
        return IntOp::create(b, loc, x, y);
    return FloatOp::create(b, loc, x, y);
  }
};

/// Integer division without undefined behaviour: a zero divisor gives 0
/// (PyTorch raises; generated code cannot), and INT_MIN / -1 wraps as
/// negation instead of trapping. `Divide` is arith.divsi, floordivsi or
/// remsi.
template <typename Divide> Value safeIntDivide(OpBuilder &b, Location loc, Value x, Value y) {
  Type t = x.getType();
  Value zero = numberConstant(b, loc, t, 0), one = numberConstant(b, loc, t, 1);
  Value minusOne = numberConstant(b, loc, t, -1);
  Value isZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y, zero);
  Value isMinusOne = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y, minusOne);
  Value safe =
      arith::SelectOp::create(b, loc, arith::OrIOp::create(b, loc, isZero, isMinusOne), one, y);
  Value q = Divide::create(b, loc, x, safe);
  // x / -1 = -x, x // -1 = -x, x % -1 = 0.
  Value byMinusOne =
      std::is_same_v<Divide, arith::RemSIOp> ? zero : Value(arith::SubIOp::create(b, loc, zero, x));
  q = arith::SelectOp::create(b, loc, isMinusOne, byMinusOne, q);
  return arith::SelectOp::create(b, loc, isZero, zero, q);
}

/// C's fmod for floats: x - trunc(x / y) * y.
Value floatFmod(OpBuilder &b, Location loc, Value x, Value y) {
  Value q = math::TruncOp::create(b, loc, arith::DivFOp::create(b, loc, x, y));
  return arith::SubFOp::create(b, loc, x, arith::MulFOp::create(b, loc, q, y));
}

struct DivTruncBody {
  static Value create(OpBuilder &b, Location loc, Value x, Value y) {
    if (!isFloat(x))
      return safeIntDivide<arith::DivSIOp>(b, loc, x, y);
    return math::TruncOp::create(b, loc, arith::DivFOp::create(b, loc, x, y));
  }
};

/// PyTorch's floor division of floats (div_floor_floating): from the exact
/// remainder rather than floor(x / y), so that e.g. 1 // 0.1 is 9 as in
/// Python; a zero divisor gives x / y (inf or NaN).
struct DivFloorBody {
  static Value create(OpBuilder &b, Location loc, Value x, Value y) {
    if (!isFloat(x))
      return safeIntDivide<arith::FloorDivSIOp>(b, loc, x, y);
    Type t = x.getType();
    Value zero = floatConstant(b, loc, t, 0.0), one = floatConstant(b, loc, t, 1.0);
    Value mod = floatFmod(b, loc, x, y);
    Value div = arith::DivFOp::create(b, loc, arith::SubFOp::create(b, loc, x, mod), y);
    Value modNonZero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, mod, zero);
    Value yNeg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, y, zero);
    Value modNeg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, mod, zero);
    Value signsDiffer = arith::XOrIOp::create(b, loc, yNeg, modNeg);
    div = arith::SelectOp::create(b, loc, arith::AndIOp::create(b, loc, modNonZero, signsDiffer),
                                  arith::SubFOp::create(b, loc, div, one), div);
    Value floored = math::FloorOp::create(b, loc, div);
    Value roundUp = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                          arith::SubFOp::create(b, loc, div, floored),
                                          floatConstant(b, loc, t, 0.5));
    floored = arith::SelectOp::create(b, loc, roundUp, arith::AddFOp::create(b, loc, floored, one),
                                      floored);
    Value quotient = arith::DivFOp::create(b, loc, x, y);
    // div == 0: a zero with the sign of the true quotient.
    Value divZero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, div, zero);
    floored = arith::SelectOp::create(b, loc, divZero,
                                      math::CopySignOp::create(b, loc, zero, quotient), floored);
    Value yZero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, y, zero);
    return arith::SelectOp::create(b, loc, yZero, quotient, floored);
  }
};

/// C's pow (which PyTorch calls) from exp and log: |x|^y = exp(y ln|x|),
/// negated for a negative base with an odd integer exponent, NaN for a
/// negative base with a non-integer one; pow(x, 0) = pow(1, y) = 1.
/// float16/bfloat16 compute in float32.
struct PowBody {
  static Value create(OpBuilder &b, Location loc, Value x, Value y) {
    Type et = x.getType(), t = accumulatorType(et);
    x = convertScalar(b, loc, x, t);
    y = convertScalar(b, loc, y, t);
    auto c = [&](double v) { return floatConstant(b, loc, t, v); };
    Value magnitude = math::ExpOp::create(
        b, loc,
        arith::MulFOp::create(b, loc, y,
                              math::LogOp::create(b, loc, math::AbsFOp::create(b, loc, x))));
    Value yInteger = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                           math::FloorOp::create(b, loc, y), y);
    Value halfY = arith::MulFOp::create(b, loc, y, c(0.5));
    Value yOdd =
        arith::AndIOp::create(b, loc, yInteger,
                              arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE,
                                                    math::FloorOp::create(b, loc, halfY), halfY));
    Value negativeBase = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, c(0.0));
    Value signed_ =
        arith::SelectOp::create(b, loc, yOdd, arith::NegFOp::create(b, loc, magnitude), magnitude);
    Value nan = c(std::numeric_limits<double>::quiet_NaN());
    Value ofNegative = arith::SelectOp::create(b, loc, yInteger, signed_, nan);
    Value r = arith::SelectOp::create(b, loc, negativeBase, ofNegative, magnitude);
    Value one = c(1.0);
    Value trivial = arith::OrIOp::create(
        b, loc, arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, y, c(0.0)),
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x, one));
    r = arith::SelectOp::create(b, loc, trivial, one, r);
    return convertScalar(b, loc, r, et);
  }
};

struct FmodBody {
  static Value create(OpBuilder &b, Location loc, Value x, Value y) {
    if (!isFloat(x))
      return safeIntDivide<arith::RemSIOp>(b, loc, x, y);
    return floatFmod(b, loc, x, y);
  }
};

/// Python's %: fmod, moved into the divisor's sign.
struct RemainderBody {
  static Value create(OpBuilder &b, Location loc, Value x, Value y) {
    Type t = x.getType();
    if (!isFloat(x)) {
      Value zero = numberConstant(b, loc, t, 0);
      Value r = safeIntDivide<arith::RemSIOp>(b, loc, x, y);
      Value rNonZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, r, zero);
      Value rNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, r, zero);
      Value yNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, y, zero);
      Value fix =
          arith::AndIOp::create(b, loc, rNonZero, arith::XOrIOp::create(b, loc, rNeg, yNeg));
      return arith::SelectOp::create(b, loc, fix, arith::AddIOp::create(b, loc, r, y), r);
    }
    Value zero = floatConstant(b, loc, t, 0.0);
    Value r = floatFmod(b, loc, x, y);
    Value rNonZero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, r, zero);
    Value rNeg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, r, zero);
    Value yNeg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, y, zero);
    Value fix = arith::AndIOp::create(b, loc, rNonZero, arith::XOrIOp::create(b, loc, rNeg, yNeg));
    return arith::SelectOp::create(b, loc, fix, arith::AddFOp::create(b, loc, r, y), r);
  }
};

template <typename KilnOp, typename Body> struct BinaryToGeneric : OpConversionPattern<KilnOp> {
  using OpConversionPattern<KilnOp>::OpConversionPattern;
  LogicalResult matchAndRewrite(KilnOp op, typename KilnOp::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op,
                       broadcastGeneric(rewriter, op.getLoc(), cast<RankedTensorType>(op.getType()),
                                        {adaptor.getLhs(), adaptor.getRhs()},
                                        [](OpBuilder &b, Location loc, ValueRange args) {
                                          return Body::create(b, loc, args[0], args[1]);
                                        }));
    return success();
  }
};

struct CompareToGeneric : OpConversionPattern<CompareOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(CompareOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    StringRef p = op.getPredicate();
    Type et = cast<ShapedType>(adaptor.getLhs().getType()).getElementType();
    bool isBool = et.isInteger(1);
    auto body = [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
      if (isa<FloatType>(et)) {
        // Ordered predicates are false with a NaN; `ne` is unordered (true).
        auto pred = llvm::StringSwitch<arith::CmpFPredicate>(p)
                        .Case("eq", arith::CmpFPredicate::OEQ)
                        .Case("ne", arith::CmpFPredicate::UNE)
                        .Case("lt", arith::CmpFPredicate::OLT)
                        .Case("le", arith::CmpFPredicate::OLE)
                        .Case("gt", arith::CmpFPredicate::OGT)
                        .Default(arith::CmpFPredicate::OGE);
        return arith::CmpFOp::create(b, loc, pred, args[0], args[1]);
      }
      // Booleans order false < true: unsigned.
      auto pred = llvm::StringSwitch<arith::CmpIPredicate>(p)
                      .Case("eq", arith::CmpIPredicate::eq)
                      .Case("ne", arith::CmpIPredicate::ne)
                      .Case("lt", isBool ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt)
                      .Case("le", isBool ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle)
                      .Case("gt", isBool ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt)
                      .Default(isBool ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge);
      return arith::CmpIOp::create(b, loc, pred, args[0], args[1]);
    };
    rewriter.replaceOp(op,
                       broadcastGeneric(rewriter, op.getLoc(), cast<RankedTensorType>(op.getType()),
                                        {adaptor.getLhs(), adaptor.getRhs()}, body));
    return success();
  }
};

struct SelectToGeneric : OpConversionPattern<SelectOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(SelectOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, broadcastGeneric(rewriter, op.getLoc(), cast<RankedTensorType>(op.getType()),
                             {adaptor.getCondition(), adaptor.getOnTrue(), adaptor.getOnFalse()},
                             [](OpBuilder &b, Location loc, ValueRange args) -> Value {
                               return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);
                             }));
    return success();
  }
};

/// A unary elementwise op whose body is built by `buildBody`.
template <typename KilnOp> struct UnaryToGeneric : OpConversionPattern<KilnOp> {
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

/// |x| and -x on floats and integers.
struct AbsToGeneric : UnaryToGeneric<AbsOp> {
  using UnaryToGeneric<AbsOp>::UnaryToGeneric;
  Value buildBody(OpBuilder &b, Location loc, AbsOp, Value x) const override {
    if (isFloat(x))
      return math::AbsFOp::create(b, loc, x);
    return math::AbsIOp::create(b, loc, x);
  }
};

struct NegToGeneric : UnaryToGeneric<NegOp> {
  using UnaryToGeneric<NegOp>::UnaryToGeneric;
  Value buildBody(OpBuilder &b, Location loc, NegOp, Value x) const override {
    if (isFloat(x))
      return arith::NegFOp::create(b, loc, x);
    return arith::SubIOp::create(b, loc, numberConstant(b, loc, x.getType(), 0), x);
  }
};

/// ~x: all bits flipped (on i1, logical not).
struct BitwiseNotToGeneric : UnaryToGeneric<BitwiseNotOp> {
  using UnaryToGeneric<BitwiseNotOp>::UnaryToGeneric;
  Value buildBody(OpBuilder &b, Location loc, BitwiseNotOp, Value x) const override {
    return arith::XOrIOp::create(b, loc, x, numberConstant(b, loc, x.getType(), -1));
  }
};

/// 1 / x
struct ReciprocalToGeneric : UnaryToGeneric<ReciprocalOp> {
  using UnaryToGeneric<ReciprocalOp>::UnaryToGeneric;
  Value buildBody(OpBuilder &b, Location loc, ReciprocalOp, Value x) const override {
    return arith::DivFOp::create(b, loc, floatConstant(b, loc, x.getType(), 1.0), x);
  }
};

/// log10(x) = ln(x) / ln(10)
struct Log10ToGeneric : UnaryToGeneric<Log10Op> {
  using UnaryToGeneric<Log10Op>::UnaryToGeneric;
  Value buildBody(OpBuilder &b, Location loc, Log10Op, Value x) const override {
    Value ln = math::LogOp::create(b, loc, x);
    return arith::MulFOp::create(b, loc, ln,
                                 floatConstant(b, loc, x.getType(), 0.43429448190325176));
  }
};

/// sign: 1 for x > 0, -1 for x < 0, x itself for 0, -0 and NaN.
struct SignToGeneric : UnaryToGeneric<SignOp> {
  using UnaryToGeneric<SignOp>::UnaryToGeneric;
  Value buildBody(OpBuilder &b, Location loc, SignOp, Value x) const override {
    Type t = x.getType();
    if (!isFloat(x)) {
      Value zero = numberConstant(b, loc, t, 0);
      Value positive = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x, zero);
      Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
      return arith::SelectOp::create(
          b, loc, positive, numberConstant(b, loc, t, 1),
          arith::SelectOp::create(b, loc, negative, numberConstant(b, loc, t, -1), zero));
    }
    Value zero = floatConstant(b, loc, t, 0.0);
    Value positive = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
    Value negative = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
    Value minusOne = floatConstant(b, loc, t, -1.0);
    return arith::SelectOp::create(b, loc, positive, floatConstant(b, loc, t, 1.0),
                                   arith::SelectOp::create(b, loc, negative, minusOne, x));
  }
};

/// relu, hardswish and sigmoid are the activations conv2d/linear can fuse:
/// one scalar definition serves both (maximumf propagates NaN, as PyTorch).
template <typename KilnOp> struct ActivationToGeneric : UnaryToGeneric<KilnOp> {
  using UnaryToGeneric<KilnOp>::UnaryToGeneric;
  Value buildBody(OpBuilder &b, Location loc, KilnOp op, Value x) const override {
    return activationScalar(b, loc, op->getName().stripDialect(), x);
  }
};

struct ClampToGeneric : UnaryToGeneric<ClampOp> {
  using UnaryToGeneric<ClampOp>::UnaryToGeneric;
  Value buildBody(OpBuilder &b, Location loc, ClampOp op, Value x) const override {
    if (!isFloat(x)) {
      if (auto lo = op.getMin())
        x = arith::MaxSIOp::create(b, loc, x,
                                   numberConstant(b, loc, x.getType(), lo->convertToDouble()));
      if (auto hi = op.getMax())
        x = arith::MinSIOp::create(b, loc, x,
                                   numberConstant(b, loc, x.getType(), hi->convertToDouble()));
      return x;
    }
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
template <typename KilnOp, typename ScalarOp> struct MathToGeneric : UnaryToGeneric<KilnOp> {
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
template <typename KilnOp> struct CompositeToGeneric : UnaryToGeneric<KilnOp> {
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
  patterns
      .add<BinaryToGeneric<AddOp, ByType<arith::AddFOp, arith::AddIOp>>,
           BinaryToGeneric<SubOp, ByType<arith::SubFOp, arith::SubIOp>>,
           BinaryToGeneric<MulOp, ByType<arith::MulFOp, arith::MulIOp>>,
           BinaryToGeneric<DivOp, ByType<arith::DivFOp>>, BinaryToGeneric<DivTruncOp, DivTruncBody>,
           BinaryToGeneric<DivFloorOp, DivFloorBody>,
           BinaryToGeneric<MaximumOp, ByType<arith::MaximumFOp, arith::MaxSIOp>>,
           BinaryToGeneric<MinimumOp, ByType<arith::MinimumFOp, arith::MinSIOp>>,
           BinaryToGeneric<PowOp, PowBody>, BinaryToGeneric<Atan2Op, ByType<math::Atan2Op>>,
           BinaryToGeneric<FmodOp, FmodBody>, BinaryToGeneric<RemainderOp, RemainderBody>,
           BinaryToGeneric<BitwiseAndOp, ByType<arith::AndIOp, arith::AndIOp>>,
           BinaryToGeneric<BitwiseOrOp, ByType<arith::OrIOp, arith::OrIOp>>,
           BinaryToGeneric<BitwiseXorOp, ByType<arith::XOrIOp, arith::XOrIOp>>, CompareToGeneric,
           SelectToGeneric, AbsToGeneric, NegToGeneric, BitwiseNotToGeneric,
           MathToGeneric<AcosOp, math::AcosOp>, MathToGeneric<AcoshOp, math::AcoshOp>,
           MathToGeneric<AsinOp, math::AsinOp>, MathToGeneric<AsinhOp, math::AsinhOp>,
           MathToGeneric<AtanOp, math::AtanOp>, MathToGeneric<AtanhOp, math::AtanhOp>,
           MathToGeneric<CosOp, math::CosOp>, MathToGeneric<CoshOp, math::CoshOp>,
           MathToGeneric<SinOp, math::SinOp>, MathToGeneric<SinhOp, math::SinhOp>,
           MathToGeneric<TanOp, math::TanOp>, MathToGeneric<ErfOp, math::ErfOp>,
           MathToGeneric<Expm1Op, math::ExpM1Op>, MathToGeneric<Log1pOp, math::Log1pOp>,
           MathToGeneric<Log2Op, math::Log2Op>, MathToGeneric<CeilOp, math::CeilOp>,
           MathToGeneric<FloorOp, math::FloorOp>, MathToGeneric<RoundOp, math::RoundEvenOp>,
           MathToGeneric<TruncOp, math::TruncOp>, ReciprocalToGeneric, Log10ToGeneric,
           SignToGeneric, ActivationToGeneric<ReluOp>, ActivationToGeneric<HardSwishOp>,
           ActivationToGeneric<SigmoidOp>, ClampToGeneric, LeakyReluToGeneric,
           MathToGeneric<ExpOp, math::ExpOp>, MathToGeneric<LogOp, math::LogOp>,
           MathToGeneric<SqrtOp, math::SqrtOp>, MathToGeneric<RsqrtOp, math::RsqrtOp>,
           MathToGeneric<TanhOp, math::TanhOp>, HardSigmoidToGeneric, SiluToGeneric, GeluToGeneric>(
          patterns.getContext());
}

} // namespace kiln
