//===- Linear.cpp - kiln.linear and kiln.matmul to linalg -----------------===//
#include "dialects/kiln/KilnOps.h"
#include "dialects/kiln/KilnShapes.h"
#include "passes/Passes.h"
#include "passes/lower/KilnToLinalg/Utils.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace kiln {
namespace {

/// acc[m, n] = bias[n] + sum_k input[m, k] * weight[n, k] (the bias
/// converted to the accumulator's type, or zero), the product in `accType`'s
/// element type by `multiplyAdd(b, loc, x, w, acc)`.
Value accumulateRows(OpBuilder &b, Location loc, Value input, Value weight, Value bias,
                     RankedTensorType accType,
                     function_ref<Value(OpBuilder &, Location, Value, Value, Value)> multiplyAdd) {
  MLIRContext *ctx = b.getContext();
  Type acc = accType.getElementType();
  AffineExpr dm, dn, dk;
  bindDims(ctx, dm, dn, dk);
  Value init;
  if (bias) {
    // Start the accumulator at the bias, broadcast over rows.
    init = linalg::GenericOp::create(b, loc, TypeRange{accType}, ValueRange{bias},
                                     ValueRange{emptyTensor(b, loc, accType)},
                                     SmallVector<AffineMap>{AffineMap::get(2, 0, {dn}, ctx),
                                                            AffineMap::get(2, 0, {dm, dn}, ctx)},
                                     parallelIterators(2),
                                     [&](OpBuilder &b, Location loc, ValueRange args) {
                                       linalg::YieldOp::create(b, loc,
                                                               convertScalar(b, loc, args[0], acc));
                                     })
               .getResult(0);
  } else {
    init = filledTensor(b, loc, accType, 0.0);
  }
  SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {dm, dk}, ctx),
                                 AffineMap::get(3, 0, {dn, dk}, ctx),
                                 AffineMap::get(3, 0, {dm, dn}, ctx)};
  SmallVector<utils::IteratorType> iterators = {
      utils::IteratorType::parallel, utils::IteratorType::parallel, utils::IteratorType::reduction};
  return linalg::GenericOp::create(b, loc, TypeRange{accType}, ValueRange{input, weight},
                                   ValueRange{init}, maps, iterators,
                                   [&](OpBuilder &b, Location loc, ValueRange args) {
                                     linalg::YieldOp::create(
                                         b, loc, multiplyAdd(b, loc, args[0], args[1], args[2]));
                                   })
      .getResult(0);
}

/// sum + x * w in int32, x and w (int8 or int16) sign-extended: the integer
/// kernels' multiply-add.
Value int32MultiplyAdd(OpBuilder &b, Location loc, Value x, Value w, Value sum) {
  Type i32 = b.getI32Type();
  Value prod = arith::MulIOp::create(b, loc, arith::ExtSIOp::create(b, loc, i32, x),
                                     arith::ExtSIOp::create(b, loc, i32, w));
  return arith::AddIOp::create(b, loc, sum, prod);
}

/// result[m, n] = bias[n] + sum_k input[m, k] * weight[n, k], with the leading
/// dimensions of the input collapsed into m.
struct LinearToGeneric : OpConversionPattern<LinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(LinearOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elementType = resultType.getElementType();
    ArrayRef<int64_t> inShape = op.getInput().getType().getShape();
    int64_t k = inShape.back();
    int64_t n = op.getWeight().getType().getShape()[0];
    int64_t m = numElements(inShape.drop_back());
    Value input = reshapeTensor(rewriter, loc, adaptor.getInput(), {m, k});
    Type acc = accumulatorType(elementType);
    auto accType = RankedTensorType::get({m, n}, acc);

    Value sum =
        accumulateRows(rewriter, loc, input, adaptor.getWeight(), adaptor.getBias(), accType,
                       [&](OpBuilder &b, Location loc, Value x, Value w, Value sum) -> Value {
                         Value prod = arith::MulFOp::create(b, loc, convertScalar(b, loc, x, acc),
                                                            convertScalar(b, loc, w, acc));
                         return arith::AddFOp::create(b, loc, sum, prod);
                       });
    sum = applyActivation(rewriter, loc, convertElements(rewriter, loc, sum, elementType),
                          op.getActivation());
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, sum, resultType.getShape()));
    return success();
  }
};

/// int8 linear: acc[m, n] = bias[n] + sum_k (input[m, k] - zp) * weight[n, k]
/// in int32, requantized per output feature (dimension 1).
struct QLinearToGeneric : OpConversionPattern<QLinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(QLinearOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> inShape = op.getInput().getType().getShape();
    int64_t k = inShape.back();
    int64_t n = op.getWeight().getType().getShape()[0];
    int64_t m = numElements(inShape.drop_back());
    Type i16 = rewriter.getI16Type(), i32 = rewriter.getI32Type();
    Value input =
        subtractZeroPoint(rewriter, loc, reshapeTensor(rewriter, loc, adaptor.getInput(), {m, k}),
                          op.getInputZeroPoint(), i16);
    auto accType = RankedTensorType::get({m, n}, i32);
    Value acc = accumulateRows(rewriter, loc, input, adaptor.getWeight(), adaptor.getBias(),
                               accType, int32MultiplyAdd);
    auto flatType = RankedTensorType::get({m, n}, resultType.getElementType());
    Value result =
        requantizeTensor(rewriter, loc, acc, flatType, /*channelDim=*/1, op.getMultiplier(),
                         op.getShift(), op.getOutputZeroPoint(), op.getOutputMin(),
                         op.getOutputMax(), op.getRemainder().value_or(ArrayRef<int32_t>()));
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, result, resultType.getShape()));
    return success();
  }
};

/// Dynamically quantized int8 linear with a float result: the input less its
/// run-time zero point (int16), the products summed in int32
/// (accumulateRows), then per element float32(acc) * (float32(s) * s_w[n])
/// + bias[n] and the fused activation.
struct QLinearDynamicToGeneric : OpConversionPattern<QLinearDynamicOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(QLinearDynamicOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto resultType = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> inShape = op.getInput().getType().getShape();
    int64_t k = inShape.back();
    int64_t n = op.getWeight().getType().getShape()[0];
    int64_t m = numElements(inShape.drop_back());
    Type i16 = rewriter.getI16Type(), i32 = rewriter.getI32Type(), f32 = rewriter.getF32Type();
    AffineMap id = AffineMap::getMultiDimIdentityMap(2, ctx);
    AffineMap scalar = AffineMap::get(2, 0, {}, ctx);
    AffineMap column = AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx);

    auto diffType = RankedTensorType::get({m, k}, i16);
    Value diff =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{diffType},
            ValueRange{reshapeTensor(rewriter, loc, adaptor.getInput(), {m, k}),
                       adaptor.getInputZeroPoint()},
            ValueRange{emptyTensor(rewriter, loc, diffType)},
            SmallVector<AffineMap>{id, scalar, id}, parallelIterators(2),
            [&](OpBuilder &b, Location loc, ValueRange args) {
              Value x = arith::ExtSIOp::create(b, loc, i16, args[0]);
              Value z = convertScalar(b, loc, args[1], i16); // in [-128, 127]
              linalg::YieldOp::create(b, loc, arith::SubIOp::create(b, loc, x, z).getResult());
            })
            .getResult(0);
    Value acc = accumulateRows(rewriter, loc, diff, adaptor.getWeight(), Value(),
                               RankedTensorType::get({m, n}, i32), int32MultiplyAdd);
    auto flatType = RankedTensorType::get({m, n}, f32);
    SmallVector<Value> inputs = {acc, adaptor.getInputScale(), adaptor.getWeightScale()};
    SmallVector<AffineMap> maps = {id, scalar, column};
    if (adaptor.getBias()) {
      inputs.push_back(adaptor.getBias());
      maps.push_back(column);
    }
    maps.push_back(id);
    std::optional<StringRef> activation = op.getActivation();
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{flatType}, inputs,
            ValueRange{emptyTensor(rewriter, loc, flatType)}, maps, parallelIterators(2),
            [&](OpBuilder &b, Location loc, ValueRange args) {
              Value scale =
                  arith::MulFOp::create(b, loc, convertScalar(b, loc, args[1], f32), args[2]);
              Value y = arith::MulFOp::create(b, loc, arith::SIToFPOp::create(b, loc, f32, args[0]),
                                              scale);
              if (inputs.size() == 4)
                y = arith::AddFOp::create(b, loc, y, args[3]);
              if (activation)
                y = activationScalar(b, loc, *activation, y);
              linalg::YieldOp::create(b, loc, y);
            })
            .getResult(0);
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, result, resultType.getShape()));
    return success();
  }
};

/// acc[b..., m, n] = sum_k lhs[b..., m, k] * rhs[b..., k, n] with broadcast
/// batch dimensions (`accType` the result's shape), the product in
/// `accType`'s element type by `multiplyAdd(b, loc, x, y, acc)`.
Value batchMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs, RankedTensorType accType,
                  function_ref<Value(OpBuilder &, Location, Value, Value, Value)> multiplyAdd) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> out = accType.getShape();
  unsigned rank = out.size(), loops = rank + 1;
  unsigned batchRank = rank - 2;
  AffineExpr dM = getAffineDimExpr(rank - 2, ctx), dN = getAffineDimExpr(rank - 1, ctx),
             dK = getAffineDimExpr(rank, ctx);

  auto operandMap = [&](Value v, AffineExpr row, AffineExpr col) {
    ArrayRef<int64_t> batch = cast<RankedTensorType>(v.getType()).getShape().drop_back(2);
    unsigned offset = batchRank - batch.size();
    SmallVector<AffineExpr> exprs;
    for (auto [i, extent] : llvm::enumerate(batch))
      exprs.push_back(extent == 1 && out[i + offset] != 1 ? getAffineConstantExpr(0, ctx)
                                                          : getAffineDimExpr(i + offset, ctx));
    exprs.push_back(row);
    exprs.push_back(col);
    return AffineMap::get(loops, 0, exprs, ctx);
  };
  SmallVector<AffineExpr> outExprs;
  for (unsigned i = 0; i < rank; ++i)
    outExprs.push_back(getAffineDimExpr(i, ctx));
  SmallVector<AffineMap> maps = {operandMap(lhs, dM, dK), operandMap(rhs, dK, dN),
                                 AffineMap::get(loops, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators = parallelIterators(rank);
  iterators.push_back(utils::IteratorType::reduction);
  return linalg::GenericOp::create(b, loc, TypeRange{accType}, ValueRange{lhs, rhs},
                                   ValueRange{filledTensor(b, loc, accType, 0.0)}, maps, iterators,
                                   [&](OpBuilder &b, Location loc, ValueRange args) {
                                     linalg::YieldOp::create(
                                         b, loc, multiplyAdd(b, loc, args[0], args[1], args[2]));
                                   })
      .getResult(0);
}

/// result[b..., m, n] = sum_k lhs[b..., m, k] * rhs[b..., k, n] with broadcast
/// batch dimensions.
struct MatmulToGeneric : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    Type acc = accumulatorType(resultType.getElementType());
    Value sum = batchMatmul(rewriter, op.getLoc(), adaptor.getLhs(), adaptor.getRhs(),
                            RankedTensorType::get(resultType.getShape(), acc),
                            [&](OpBuilder &b, Location loc, Value x, Value y, Value sum) -> Value {
                              Value prod =
                                  arith::MulFOp::create(b, loc, convertScalar(b, loc, x, acc),
                                                        convertScalar(b, loc, y, acc));
                              return arith::AddFOp::create(b, loc, sum, prod);
                            });
    rewriter.replaceOp(op,
                       convertElements(rewriter, op.getLoc(), sum, resultType.getElementType()));
    return success();
  }
};

/// int8 matmul: both inputs less their zero points (int16), the products
/// summed in int32 (batchMatmul), requantized with the one multiplier.
struct QMatmulToGeneric : OpConversionPattern<QMatmulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(QMatmulOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type i16 = rewriter.getI16Type(), i32 = rewriter.getI32Type();
    Value lhs = subtractZeroPoint(rewriter, loc, adaptor.getLhs(), op.getLhsZeroPoint(), i16);
    Value rhs = subtractZeroPoint(rewriter, loc, adaptor.getRhs(), op.getRhsZeroPoint(), i16);
    Value acc = batchMatmul(rewriter, loc, lhs, rhs,
                            RankedTensorType::get(resultType.getShape(), i32), int32MultiplyAdd);
    // One multiplier for every element: repeated along the last dimension.
    unsigned rank = resultType.getRank();
    SmallVector<int32_t> multiplier(resultType.getShape().back(), op.getMultiplier()[0]);
    SmallVector<int32_t> shift(resultType.getShape().back(), op.getShift()[0]);
    rewriter.replaceOp(op, requantizeTensor(rewriter, loc, acc, resultType, rank - 1, multiplier,
                                            shift, op.getOutputZeroPoint(), op.getOutputMin(),
                                            op.getOutputMax(), std::nullopt));
    return success();
  }
};

} // namespace

void populateKilnLinearToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LinearToGeneric, MatmulToGeneric, QLinearToGeneric, QMatmulToGeneric,
               QLinearDynamicToGeneric>(patterns.getContext());
}

} // namespace kiln
