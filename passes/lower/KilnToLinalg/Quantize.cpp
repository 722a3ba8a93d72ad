//===- Quantize.cpp - kiln quantization ops to linalg ---------------------===//
//
// kiln.quantize and kiln.dequantize become one linalg.generic each, with
// PyTorch's arithmetic (docs/quantization.md, "Numerics"):
//
//   per tensor (rank-0 scale; PyTorch passes a Python float):
//     q = clamp(roundeven(x * float32(1 / double(scale))) + zp, qmin, qmax)
//     x = float32(q - zp) * float32(scale)
//   per channel (rank-1 scale along `axis`; PyTorch's tensor arithmetic in the
//   scale's element type S, f32 in practice):
//     q = clamp(roundeven(S(x) * (1 / scale)) + zp, qmin, qmax)
//     x = out(S(q - zp) * scale)
//
// kiln.choose_qparams becomes the input's minimum and maximum (kiln.amin,
// kiln.amax, lowered by their own patterns) and a one-element linalg.generic.
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/lower/KilnToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;

namespace kiln {
namespace {

/// The indexing map of a scale or zero point: nothing for rank 0, the
/// dimension `axis` for rank 1.
AffineMap paramMap(MLIRContext *ctx, unsigned rank, Value param, std::optional<int64_t> axis) {
  if (!axis || cast<RankedTensorType>(param.getType()).getRank() == 0)
    return AffineMap::get(rank, 0, {}, ctx);
  return AffineMap::get(rank, 0, {getAffineDimExpr(static_cast<unsigned>(*axis), ctx)}, ctx);
}

/// Whether the scale is per tensor (a Python number to PyTorch).
bool perTensor(Value scale) { return cast<RankedTensorType>(scale.getType()).getRank() == 0; }

/// One linalg.generic over the shape of `data` reading `input`, the scale
/// and the zero point, writing `resultType`.
template <typename OpTy, typename Body>
LogicalResult lowerQuantOp(OpTy op, Value input, Value scale, Value zeroPoint,
                           ConversionPatternRewriter &rewriter, Body body) {
  auto type = cast<RankedTensorType>(op.getType());
  unsigned rank = type.getRank();
  MLIRContext *ctx = op.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  Location loc = op.getLoc();
  auto generic = linalg::GenericOp::create(
      rewriter, loc, TypeRange{type}, ValueRange{input, scale, zeroPoint},
      ValueRange{emptyTensor(rewriter, loc, type)},
      SmallVector<AffineMap>{id, paramMap(ctx, rank, scale, op.getAxis()),
                             paramMap(ctx, rank, zeroPoint, op.getAxis()), id},
      parallelIterators(rank), [&](OpBuilder &b, Location loc, ValueRange args) {
        linalg::YieldOp::create(b, loc, body(b, loc, args[0], args[1], args[2]));
      });
  rewriter.replaceOp(op, generic.getResults());
  return success();
}

/// Whether `zeroPoint` is a constant whose every value is within
/// [-bound, bound].
bool constantZeroPointsWithin(Value zeroPoint, int64_t bound) {
  DenseIntElementsAttr values;
  if (!matchPattern(zeroPoint, m_Constant(&values)))
    return false;
  return llvm::all_of(values.getValues<APInt>(), [&](const APInt &v) {
    return v.isSignedIntN(32) && std::abs(v.getSExtValue()) <= bound;
  });
}

struct QuantizeToGeneric : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Type resultType = cast<RankedTensorType>(op.getType()).getElementType();
    bool tensorScale = !perTensor(op.getScale());
    // (I64Attr getters return uint64_t.)
    double qmin = static_cast<double>(static_cast<int64_t>(op.getQuantMin()));
    double qmax = static_cast<double>(static_cast<int64_t>(op.getQuantMax()));
    // Bounds and constant zero points of at most 2^20 in magnitude: every
    // clamped value v = x / scale is below 2^22 (the rounding below).
    bool smallRange = std::abs(qmin) <= (1 << 20) && std::abs(qmax) <= (1 << 20) &&
                      constantZeroPointsWithin(op.getZeroPoint(), 1 << 20);
    return lowerQuantOp(
        op, adaptor.getInput(), adaptor.getScale(), adaptor.getZeroPoint(), rewriter,
        [&](OpBuilder &b, Location loc, Value x, Value s, Value z) -> Value {
          Type f32 = b.getF32Type(), f64 = b.getF64Type();
          // The type the arithmetic happens in, and 1 / scale in it.
          Type t = tensorScale ? s.getType() : f32;
          Value inv;
          if (tensorScale) {
            inv = arith::DivFOp::create(b, loc, floatConstant(b, loc, t, 1.0), s);
          } else {
            Value s64 = convertScalar(b, loc, s, f64);
            inv = convertScalar(
                b, loc, arith::DivFOp::create(b, loc, floatConstant(b, loc, f64, 1.0), s64), f32);
          }
          Value v = arith::MulFOp::create(b, loc, convertScalar(b, loc, x, t), inv);
          if (smallRange && t.isF32())
            return quantizeScaled(b, loc, v, z, qmin, qmax, resultType);
          v = math::RoundEvenOp::create(b, loc, v);
          v = arith::AddFOp::create(b, loc, v, convertScalar(b, loc, z, t));
          // maxnum/minnum: a NaN input becomes quant_min rather than poison.
          v = arith::MaxNumFOp::create(b, loc, v, floatConstant(b, loc, t, qmin));
          v = arith::MinNumFOp::create(b, loc, v, floatConstant(b, loc, t, qmax));
          return arith::FPToSIOp::create(b, loc, resultType, v);
        });
  }
};

/// Whether every zero point `zeroPoint` holds fits int32.
bool zeroPointFits32(Value zeroPoint) {
  if (zeroPoint.getDefiningOp<ChooseQParamsOp>())
    return true;
  return constantZeroPointsWithin(zeroPoint, int64_t(1) << 31);
}

struct DequantizeToGeneric : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Type resultType = cast<RankedTensorType>(op.getType()).getElementType();
    bool tensorScale = !perTensor(op.getScale());
    // q - zero_point is exact in 32 bits when q has at most 16 and the zero
    // point fits 32 (a constant that does, or choose_qparams', which lies in
    // [quant_min, quant_max]); 64 bits otherwise. 32 bits keep 32-bit targets
    // off the 64-bit conversion helpers (__aeabi_l2f: 3.3 M of small_cnn's 6.4 M
    // instructions per inference on cortex-m4).
    unsigned qBits = cast<RankedTensorType>(op.getInput().getType()).getElementTypeBitWidth();
    Type diffType = qBits <= 16 && zeroPointFits32(op.getZeroPoint()) ? rewriter.getI32Type()
                                                                      : rewriter.getI64Type();
    return lowerQuantOp(
        op, adaptor.getInput(), adaptor.getScale(), adaptor.getZeroPoint(), rewriter,
        [&](OpBuilder &b, Location loc, Value q, Value s, Value z) -> Value {
          Type t = tensorScale ? s.getType() : b.getF32Type();
          Value diff = arith::SubIOp::create(b, loc, convertScalar(b, loc, q, diffType),
                                             convertScalar(b, loc, z, diffType));
          Value v = arith::MulFOp::create(b, loc, convertScalar(b, loc, diff, t),
                                          convertScalar(b, loc, s, t));
          return convertScalar(b, loc, v, resultType);
        });
  }
};

struct ChooseQParamsToGeneric : OpConversionPattern<ChooseQParamsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ChooseQParamsOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Type f32 = rewriter.getF32Type();
    Value input = convertElements(rewriter, loc, adaptor.getInput(), f32);
    auto inputType = cast<RankedTensorType>(input.getType());
    SmallVector<int64_t> all;
    for (int64_t d = 0; d < inputType.getRank(); ++d)
      all.push_back(d);
    auto scalarType = RankedTensorType::get({}, f32);
    Value lo = AminOp::create(rewriter, loc, scalarType, input, all, false);
    Value hi = AmaxOp::create(rewriter, loc, scalarType, input, all, false);

    auto scaleType = cast<RankedTensorType>(op.getScale().getType());
    auto zeroPointType = cast<RankedTensorType>(op.getZeroPoint().getType());
    AffineMap scalar = AffineMap::get(1, 0, {}, ctx);
    AffineMap id = AffineMap::getMultiDimIdentityMap(1, ctx);
    int64_t qmin = op.getQuantMin(), qmax = op.getQuantMax();
    float eps = static_cast<float>(op.getEps().convertToDouble());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{scaleType, zeroPointType}, ValueRange{lo, hi},
        ValueRange{emptyTensor(rewriter, loc, scaleType),
                   emptyTensor(rewriter, loc, zeroPointType)},
        SmallVector<AffineMap>{scalar, scalar, id, id}, parallelIterators(1),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value zero = floatConstant(b, loc, f32, 0.0);
          Value mn = arith::MinimumFOp::create(b, loc, args[0], zero);
          Value mx = arith::MaximumFOp::create(b, loc, args[1], zero);
          Value range = floatConstant(b, loc, f32, static_cast<double>(qmax - qmin));
          Value scale = arith::DivFOp::create(b, loc, arith::SubFOp::create(b, loc, mx, mn), range);
          scale = arith::MaximumFOp::create(b, loc, scale, floatConstant(b, loc, f32, eps));
          Value steps = math::RoundEvenOp::create(b, loc, arith::DivFOp::create(b, loc, mn, scale));
          Type zt = zeroPointType.getElementType();
          Value zp = arith::SubIOp::create(b, loc, numberConstant(b, loc, zt, qmin),
                                           arith::FPToSIOp::create(b, loc, zt, steps));
          zp = arith::MaxSIOp::create(b, loc, zp, numberConstant(b, loc, zt, qmin));
          zp = arith::MinSIOp::create(b, loc, zp, numberConstant(b, loc, zt, qmax));
          linalg::YieldOp::create(
              b, loc, ValueRange{convertScalar(b, loc, scale, scaleType.getElementType()), zp});
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// result[i] = table[input[i] + 128], the table read inside the loop.
struct LookupToGeneric : OpConversionPattern<LookupOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(LookupOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    unsigned rank = type.getRank();
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, op.getContext());
    Location loc = op.getLoc();
    Value table = adaptor.getTable();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{adaptor.getInput()},
        ValueRange{emptyTensor(rewriter, loc, type)}, SmallVector<AffineMap>{id, id},
        parallelIterators(rank), [&](OpBuilder &b, Location loc, ValueRange args) {
          Type i32 = b.getI32Type();
          Value offset = arith::AddIOp::create(b, loc, arith::ExtSIOp::create(b, loc, i32, args[0]),
                                               numberConstant(b, loc, i32, 128));
          Value index = arith::IndexCastOp::create(b, loc, b.getIndexType(), offset);
          linalg::YieldOp::create(
              b, loc, tensor::ExtractOp::create(b, loc, table, ValueRange{index}).getResult());
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

} // namespace

Value quantizeScaled(OpBuilder &b, Location loc, Value v, Value z, double qmin, double qmax,
                     Type resultType) {
  // Clamped first to [quant_min - zp, quant_max - zp] (rounding and clamping
  // to integer bounds commute; maxnum: NaN becomes quant_min, as the general
  // form does), |v| < 2^22, so adding 1.5 * 2^23 rounds v half to even into
  // the low bits of the sum (in the default rounding mode): the integer is
  // the sum's bits less the constant's. No rounding instruction or
  // conversion: cortex-m4 has neither (28 -> 14 instructions per element).
  Type f32 = b.getF32Type(), i32 = b.getI32Type();
  Value zf = convertScalar(b, loc, z, f32);
  Value lo = arith::SubFOp::create(b, loc, floatConstant(b, loc, f32, qmin), zf);
  Value hi = arith::SubFOp::create(b, loc, floatConstant(b, loc, f32, qmax), zf);
  v = arith::MaxNumFOp::create(b, loc, v, lo);
  v = arith::MinNumFOp::create(b, loc, v, hi);
  Value sum = arith::AddFOp::create(b, loc, v, floatConstant(b, loc, f32, 12582912.0));
  Value r = arith::SubIOp::create(b, loc, arith::BitcastOp::create(b, loc, i32, sum),
                                  numberConstant(b, loc, i32, 0x4B400000));
  r = arith::AddIOp::create(b, loc, r, convertScalar(b, loc, z, i32));
  return convertScalar(b, loc, r, resultType);
}

Value shiftRightRoundingEven(OpBuilder &b, Location loc, Value x, Value shift) {
  Type t = x.getType();
  Value one = numberConstant(b, loc, t, 1);
  Value floor = arith::ShRSIOp::create(b, loc, x, shift); // toward minus infinity
  Value remainder = arith::SubIOp::create(b, loc, x, arith::ShLIOp::create(b, loc, floor, shift));
  Value half = arith::ShLIOp::create(b, loc, one, arith::SubIOp::create(b, loc, shift, one));
  Value above = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, remainder, half);
  Value tie = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, remainder, half);
  Value odd = arith::TruncIOp::create(b, loc, b.getI1Type(), floor);
  Value up = arith::OrIOp::create(b, loc, above, arith::AndIOp::create(b, loc, tie, odd));
  return arith::AddIOp::create(b, loc, floor, arith::ExtUIOp::create(b, loc, t, up));
}

/// The low bits t that qadd's sum splits off so that it is exact in 32 bits
/// (QAddToGeneric), or nullopt: the largest |x - z| of the two int8 inputs
/// da and db (the largest product for qmul, with db = 0), their multipliers
/// ma and mb (nonnegative), the shift. Both partial sums must fit.
static std::optional<int64_t> qaddSplit(int64_t da, int64_t db, int64_t ma, int64_t mb,
                                        int64_t shift) {
  if (ma < 0 || mb < 0)
    return std::nullopt;
  // The final shift, shift - t + 1, and the mask of t bits stay within 30 bits.
  for (int64_t t = std::max<int64_t>(0, shift - 30); t < shift && t <= 30; ++t) {
    int64_t mask = (int64_t(1) << t) - 1;
    int64_t high = da * (ma >> t) + db * (mb >> t), low = da * (ma & mask) + db * (mb & mask);
    if (low < (int64_t(1) << 31) && 2 * (high + (low >> t) + 1) + 1 < (int64_t(1) << 31))
      return t;
  }
  return std::nullopt;
}

/// round_half_even((da * ma + db * mb) / 2^shift), offset by the output
/// zero point zy, clamped to [lo, hi], as `resultType` (int8): da and db are
/// the inputs' differences from their zero points in `wide` lanes (db null
/// for one term), t the split of qaddSplit when `wide` is i32. The sum has up
/// to 48 bits; in 32-bit lanes (twice as many per vector, and 32-bit
/// machines' own words) it is computed exactly by splitting t low bits off
/// the multipliers: with m = (M << t) + r,
///   sum = G * 2^t + l,  G = da * Ma + db * Mb + (L >> t),  l = L & (2^t - 1)
/// where L = da * ra + db * rb, and sum / 2^shift rounded half to even is
/// (2G + (l != 0)) / 2^(shift - t + 1) rounded half to even (the same floor;
/// the sticky bit decides above or at half).
static Value requantizeSum(OpBuilder &b, Location loc, Type resultType, Value da, int64_t ma,
                           Value db, int64_t mb, int64_t shift, std::optional<int64_t> t,
                           int64_t zy, int64_t lo, int64_t hi) {
  Type wide = da.getType();
  auto c = [&](int64_t v) { return numberConstant(b, loc, wide, double(v)); };
  auto dot = [&](int64_t x, int64_t y) -> Value {
    Value sum = arith::MulIOp::create(b, loc, da, c(x));
    return db ? arith::AddIOp::create(b, loc, sum, arith::MulIOp::create(b, loc, db, c(y))) : sum;
  };
  Value y;
  if (!t) {
    y = shiftRightRoundingEven(b, loc, dot(ma, mb), c(shift));
  } else {
    int64_t mask = (int64_t(1) << *t) - 1;
    Value g = dot(ma >> *t, mb >> *t), sticky = c(0);
    if (*t > 0) {
      Value low = dot(ma & mask, mb & mask);
      g = arith::AddIOp::create(b, loc, g, arith::ShRSIOp::create(b, loc, low, c(*t)));
      Value rest = arith::AndIOp::create(b, loc, low, c(mask));
      sticky = arith::ExtUIOp::create(
          b, loc, wide, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, rest, c(0)));
    }
    Value g2 = arith::OrIOp::create(b, loc, arith::ShLIOp::create(b, loc, g, c(1)), sticky);
    y = shiftRightRoundingEven(b, loc, g2, c(shift - *t + 1));
  }
  y = arith::AddIOp::create(b, loc, y, c(zy));
  y = arith::MaxSIOp::create(b, loc, y, c(lo));
  y = arith::MinSIOp::create(b, loc, y, c(hi));
  return arith::TruncIOp::create(b, loc, resultType, y);
}

/// The largest |x - z| of an int8 x.
static int64_t widestDifference(int64_t z) { return std::max(127 - z, z + 128); }

/// kiln.qadd and kiln.qmul (broadcasting): the inputs' differences from
/// their zero points, then the sum da * ma + db * mb (qadd) or the product
/// da * db times ma (qmul: 17 bits) requantized by requantizeSum, in 32-bit
/// lanes where qaddSplit finds a split, else in 64 bits.
template <typename OpTy>
static void lowerInt8Binary(OpTy op, Value lhs, Value rhs, ConversionPatternRewriter &rewriter,
                            int64_t ma, int64_t mb, bool product) {
  auto type = cast<RankedTensorType>(op.getType());
  auto attr = [](uint64_t v) { return static_cast<int64_t>(v); };
  int64_t za = attr(op.getLhsZeroPoint()), zb = attr(op.getRhsZeroPoint());
  int64_t shift = attr(op.getShift());
  std::optional<int64_t> t =
      product ? qaddSplit(widestDifference(za) * widestDifference(zb), 0, ma, 0, shift)
              : qaddSplit(widestDifference(za), widestDifference(zb), ma, mb, shift);
  rewriter.replaceOp(
      op, broadcastGeneric(rewriter, op.getLoc(), type, {lhs, rhs},
                           [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                             Type wide = t ? b.getI32Type() : b.getI64Type();
                             auto c = [&](int64_t v) {
                               return numberConstant(b, loc, wide, double(v));
                             };
                             Value da = arith::SubIOp::create(
                                 b, loc, arith::ExtSIOp::create(b, loc, wide, args[0]), c(za));
                             Value db = arith::SubIOp::create(
                                 b, loc, arith::ExtSIOp::create(b, loc, wide, args[1]), c(zb));
                             if (product) {
                               da = arith::MulIOp::create(b, loc, da, db);
                               db = Value();
                             }
                             return requantizeSum(b, loc, type.getElementType(), da, ma, db, mb,
                                                  shift, t, attr(op.getOutputZeroPoint()),
                                                  attr(op.getOutputMin()), attr(op.getOutputMax()));
                           }));
}

struct QAddToGeneric : OpConversionPattern<QAddOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(QAddOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    lowerInt8Binary(op, adaptor.getLhs(), adaptor.getRhs(), rewriter,
                    static_cast<int64_t>(op.getLhsMultiplier()),
                    static_cast<int64_t>(op.getRhsMultiplier()), /*product=*/false);
    return success();
  }
};

struct QMulToGeneric : OpConversionPattern<QMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(QMulOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    lowerInt8Binary(op, adaptor.getLhs(), adaptor.getRhs(), rewriter,
                    static_cast<int64_t>(op.getMultiplier()), 0, /*product=*/true);
    return success();
  }
};

Value subtractZeroPoint(OpBuilder &b, Location loc, Value input, int64_t zeroPoint, Type type) {
  auto inType = cast<RankedTensorType>(input.getType());
  auto outType = RankedTensorType::get(inType.getShape(), type);
  unsigned rank = inType.getRank();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, b.getContext());
  return linalg::GenericOp::create(
             b, loc, TypeRange{outType}, ValueRange{input},
             ValueRange{emptyTensor(b, loc, outType)}, SmallVector<AffineMap>{id, id},
             parallelIterators(rank),
             [&](OpBuilder &b, Location loc, ValueRange args) {
               Value x = arith::ExtSIOp::create(b, loc, type, args[0]);
               linalg::YieldOp::create(
                   b, loc,
                   arith::SubIOp::create(b, loc, x, numberConstant(b, loc, type, zeroPoint))
                       .getResult());
             })
      .getResult(0);
}

Value requantizeTensor(OpBuilder &b, Location loc, Value acc, RankedTensorType resultType,
                       unsigned channelDim, ArrayRef<int32_t> multiplier, ArrayRef<int32_t> shift,
                       int64_t zeroPoint, int64_t lo, int64_t hi,
                       std::optional<ArrayRef<int32_t>> remainder) {
  MLIRContext *ctx = b.getContext();
  unsigned rank = resultType.getRank();
  auto paramType = RankedTensorType::get({static_cast<int64_t>(multiplier.size())}, b.getI32Type());
  Value m = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(paramType, multiplier));
  Value s = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(paramType, shift));
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap channel = AffineMap::get(rank, 0, {getAffineDimExpr(channelDim, ctx)}, ctx);
  SmallVector<Value> inputs = {acc, m, s};
  SmallVector<AffineMap> maps = {id, channel, channel};
  bool withRemainder = remainder && !remainder->empty();
  if (withRemainder) {
    inputs.push_back(
        arith::ConstantOp::create(b, loc, DenseElementsAttr::get(paramType, *remainder)));
    maps.push_back(channel);
  }
  maps.push_back(id);
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, inputs, ValueRange{emptyTensor(b, loc, resultType)},
             maps, parallelIterators(rank),
             [&](OpBuilder &b, Location loc, ValueRange args) {
               Type i64 = b.getI64Type();
               auto c = [&](int64_t v) { return numberConstant(b, loc, i64, double(v)); };
               // acc * multiplier / 2^(31 - shift), rounded once, half to even:
               // the product of two int32 values is exact in 64 bits.
               Value x = arith::ExtSIOp::create(b, loc, i64, args[0]);
               Value mult = arith::ExtSIOp::create(b, loc, i64, args[1]);
               Value total = arith::SubIOp::create(b, loc, c(31),
                                                   arith::ExtSIOp::create(b, loc, i64, args[2]));
               Value prod = arith::MulIOp::create(b, loc, x, mult);
               Value y;
               if (remainder) {
                 // (prod + remainder + 2^(total - 1)) >> total: the bias's
                 // fraction added in the product's units, rounded half up.
                 Value half = arith::ShLIOp::create(b, loc, c(1),
                                                    arith::SubIOp::create(b, loc, total, c(1)));
                 Value sum = arith::AddIOp::create(b, loc, prod, half);
                 if (withRemainder)
                   sum = arith::AddIOp::create(b, loc, sum,
                                               arith::ExtSIOp::create(b, loc, i64, args[3]));
                 y = arith::ShRSIOp::create(b, loc, sum, total);
               } else {
                 y = shiftRightRoundingEven(b, loc, prod, total);
               }
               y = arith::AddIOp::create(b, loc, y, c(zeroPoint));
               y = arith::MaxSIOp::create(b, loc, y, c(lo));
               y = arith::MinSIOp::create(b, loc, y, c(hi));
               linalg::YieldOp::create(
                   b, loc,
                   arith::TruncIOp::create(b, loc, resultType.getElementType(), y).getResult());
             })
      .getResult(0);
}

void populateKilnQuantizeToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<QuantizeToGeneric, DequantizeToGeneric, ChooseQParamsToGeneric, LookupToGeneric,
               QAddToGeneric, QMulToGeneric>(patterns.getContext());
}

} // namespace kiln
