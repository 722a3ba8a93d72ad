//===- Normalization.cpp - kiln normalization ops to linalg ---------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/lower/KilnToLinalg/Utils.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace kiln {
namespace {

/// Inference batch norm in PyTorch's CPU form: per channel
/// alpha = scale / sqrt(variance + eps), beta = offset - mean * alpha, then
/// result = input * alpha + beta. Graph passes fold it into a preceding
/// convolution when there is one; this is the general case.
struct BatchNormToLinalg : OpConversionPattern<BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(BatchNormOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    Type elementType = type.getElementType();
    // alpha and beta in f32 for f16/bf16, and one rounding of the result.
    Type acc = accumulatorType(elementType);
    int64_t channels = type.getDimSize(1);
    auto channelType = RankedTensorType::get({channels}, acc);
    double eps = op.getEpsilon().convertToDouble();

    // Per-channel alpha and beta: [C] -> [C] x 2.
    AffineMap id1 = AffineMap::getMultiDimIdentityMap(1, ctx);
    auto coefficients = linalg::GenericOp::create(
        rewriter, loc, TypeRange{channelType, channelType},
        ValueRange{adaptor.getScale(), adaptor.getOffset(), adaptor.getMean(),
                   adaptor.getVariance()},
        ValueRange{emptyTensor(rewriter, loc, channelType),
                   emptyTensor(rewriter, loc, channelType)},
        SmallVector<AffineMap>(6, id1), parallelIterators(1),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value scale = convertScalar(b, loc, args[0], acc);
          Value offset = convertScalar(b, loc, args[1], acc);
          Value mean = convertScalar(b, loc, args[2], acc);
          Value var = arith::AddFOp::create(b, loc, convertScalar(b, loc, args[3], acc),
                                            floatConstant(b, loc, acc, eps));
          Value alpha = arith::DivFOp::create(b, loc, scale, math::SqrtOp::create(b, loc, var));
          Value beta =
              arith::SubFOp::create(b, loc, offset, arith::MulFOp::create(b, loc, mean, alpha));
          linalg::YieldOp::create(b, loc, ValueRange{alpha, beta});
        });

    unsigned rank = type.getRank();
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap channel = AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type},
            ValueRange{adaptor.getInput(), coefficients.getResult(0), coefficients.getResult(1)},
            ValueRange{emptyTensor(rewriter, loc, type)},
            SmallVector<AffineMap>{id, channel, channel, id}, parallelIterators(rank),
            [&](OpBuilder &b, Location loc, ValueRange args) {
              Value x = convertScalar(b, loc, args[0], acc);
              Value scaled = arith::MulFOp::create(b, loc, x, args[1]);
              Value y = arith::AddFOp::create(b, loc, scaled, args[2]);
              linalg::YieldOp::create(b, loc, convertScalar(b, loc, y, elementType));
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Layer norm over the trailing dimensions, as a [M, N] problem: the mean
/// and the biased variance of each row (in f32 for f16/bf16), then
/// (x - mean) * rsqrt(var + eps) * scale + offset.
struct LayerNormToLinalg : OpConversionPattern<LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(LayerNormOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    Type et = type.getElementType(), acc = accumulatorType(et);
    ArrayRef<int64_t> shape = type.getShape();
    int64_t axis = op.getAxis();
    int64_t m = 1, n = 1;
    for (int64_t i = 0; i < type.getRank(); ++i)
      (i < axis ? m : n) *= shape[i];
    Value x = reshapeTensor(rewriter, loc, adaptor.getInput(), {m, n});
    Value scale = reshapeTensor(rewriter, loc, adaptor.getScale(), {n});
    Value offset = reshapeTensor(rewriter, loc, adaptor.getOffset(), {n});
    auto rowType = RankedTensorType::get({m}, acc);
    auto matType = RankedTensorType::get({m, n}, et);
    AffineExpr d0, d1;
    bindDims(ctx, d0, d1);
    AffineMap id = AffineMap::getMultiDimIdentityMap(2, ctx);
    AffineMap row = AffineMap::get(2, 0, {d0}, ctx);
    AffineMap col = AffineMap::get(2, 0, {d1}, ctx);
    SmallVector<utils::IteratorType> reduce = {utils::IteratorType::parallel,
                                               utils::IteratorType::reduction};
    double count = static_cast<double>(n);

    // mean[i] = sum_j x[i, j] / n
    Value sum = linalg::GenericOp::create(
                    rewriter, loc, TypeRange{rowType}, ValueRange{x},
                    ValueRange{filledTensor(rewriter, loc, rowType, 0.0)},
                    SmallVector<AffineMap>{id, row}, reduce,
                    [&](OpBuilder &b, Location l, ValueRange args) {
                      linalg::YieldOp::create(
                          b, l,
                          arith::AddFOp::create(b, l, args[1], convertScalar(b, l, args[0], acc))
                              .getResult());
                    })
                    .getResult(0);
    // var[i] = sum_j (x[i, j] - mean[i])^2 / n
    Value squares =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{rowType}, ValueRange{x, sum},
            ValueRange{filledTensor(rewriter, loc, rowType, 0.0)},
            SmallVector<AffineMap>{id, row, row}, reduce,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value mean = arith::DivFOp::create(b, l, args[1], floatConstant(b, l, acc, count));
              Value d = arith::SubFOp::create(b, l, convertScalar(b, l, args[0], acc), mean);
              linalg::YieldOp::create(
                  b, l,
                  arith::AddFOp::create(b, l, args[2], arith::MulFOp::create(b, l, d, d))
                      .getResult());
            })
            .getResult(0);
    double eps = op.getEpsilon().convertToDouble();
    Value out =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{matType}, ValueRange{x, sum, squares, scale, offset},
            ValueRange{emptyTensor(rewriter, loc, matType)},
            SmallVector<AffineMap>{id, row, row, col, col, id}, parallelIterators(2),
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value cnt = floatConstant(b, l, acc, count);
              Value mean = arith::DivFOp::create(b, l, args[1], cnt);
              Value var = arith::DivFOp::create(b, l, args[2], cnt);
              Value rstd = math::RsqrtOp::create(
                  b, l, arith::AddFOp::create(b, l, var, floatConstant(b, l, acc, eps)));
              Value normalized = arith::MulFOp::create(
                  b, l, arith::SubFOp::create(b, l, convertScalar(b, l, args[0], acc), mean), rstd);
              Value y = arith::AddFOp::create(
                  b, l, arith::MulFOp::create(b, l, normalized, convertScalar(b, l, args[3], acc)),
                  convertScalar(b, l, args[4], acc));
              linalg::YieldOp::create(b, l, convertScalar(b, l, y, et));
            })
            .getResult(0);
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, out, shape));
    return success();
  }
};

} // namespace

void populateKilnNormalizationToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<BatchNormToLinalg, LayerNormToLinalg>(patterns.getContext());
}

} // namespace kiln
