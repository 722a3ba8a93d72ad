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
          Value beta = arith::SubFOp::create(
              b, loc, offset, arith::MulFOp::create(b, loc, mean, alpha));
          linalg::YieldOp::create(b, loc, ValueRange{alpha, beta});
        });

    unsigned rank = type.getRank();
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap channel = AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx);
    Value result = linalg::GenericOp::create(
                       rewriter, loc, TypeRange{type},
                       ValueRange{adaptor.getInput(), coefficients.getResult(0),
                                  coefficients.getResult(1)},
                       ValueRange{emptyTensor(rewriter, loc, type)},
                       SmallVector<AffineMap>{id, channel, channel, id},
                       parallelIterators(rank),
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

} // namespace

void populateKilnNormalizationToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<BatchNormToLinalg>(patterns.getContext());
}

} // namespace kiln
