//===- Pooling.cpp - kiln pooling ops to linalg ---------------------------===//
//
// Padding (implicit -inf or zeros, plus the extra rows and columns that ceil
// mode reads) becomes tensor.pad; windows become linalg's named NCHW pooling
// ops. Average pooling divides each window's sum by a divisor computed here,
// at compile time, with PyTorch's rule.
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/lower/KilnToLinalg/Utils.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;

namespace kiln {
namespace {

/// Padding after the input along one dimension: the symmetric padding plus
/// whatever the last window of ceil mode reads beyond it.
int64_t padAfter(int64_t input, int64_t output, int64_t kernel, int64_t stride, int64_t pad,
                 int64_t dilation) {
  int64_t needed = (output - 1) * stride + dilation * (kernel - 1) + 1;
  return pad + std::max<int64_t>(0, needed - (input + 2 * pad));
}

Value padForPooling(OpBuilder &b, Location loc, Value input, RankedTensorType resultType,
                    ArrayRef<int64_t> kernel, ArrayRef<int64_t> stride, ArrayRef<int64_t> padding,
                    ArrayRef<int64_t> dilation, double value) {
  ArrayRef<int64_t> in = cast<RankedTensorType>(input.getType()).getShape();
  ArrayRef<int64_t> out = resultType.getShape();
  SmallVector<int64_t> high;
  for (int i = 0; i < 2; ++i)
    high.push_back(padAfter(in[2 + i], out[2 + i], kernel[i], stride[i], padding[i], dilation[i]));
  return padSpatial(b, loc, input, padding, high, value);
}

struct MaxPool2dToLinalg : OpConversionPattern<MaxPool2dOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(MaxPool2dOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    // Padding and the initial maximum: -inf, or the integer type's minimum.
    Type elementType = resultType.getElementType();
    double lowest = isa<FloatType>(elementType)
                        ? -std::numeric_limits<double>::infinity()
                        : -std::ldexp(1.0, elementType.getIntOrFloatBitWidth() - 1);
    Value input = padForPooling(rewriter, loc, adaptor.getInput(), resultType, op.getKernel(),
                                op.getStride(), op.getPadding(), op.getDilation(), lowest);
    Value window =
        tensor::EmptyOp::create(rewriter, loc, op.getKernel(), resultType.getElementType());
    Value init = filledTensor(rewriter, loc, resultType, lowest);
    // pooling_nchw_max takes the maximum with arith.maximumf (NaN propagates,
    // as in PyTorch), or arith.maxsi on integers.
    Value pooled = linalg::PoolingNchwMaxOp::create(rewriter, loc, TypeRange{resultType},
                                                    ValueRange{input, window}, ValueRange{init},
                                                    i64Vector(rewriter, op.getStride()),
                                                    i64Vector(rewriter, op.getDilation()))
                       .getResult(0);
    rewriter.replaceOp(op, pooled);
    return success();
  }
};

struct AvgPool2dToLinalg : OpConversionPattern<AvgPool2dOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(AvgPool2dOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto finalType = cast<RankedTensorType>(op.getType());
    auto resultType =
        RankedTensorType::get(finalType.getShape(), accumulatorType(finalType.getElementType()));
    ArrayRef<int64_t> kernel = op.getKernel(), stride = op.getStride(), padding = op.getPadding();
    int64_t ones[2] = {1, 1};
    Value input = padForPooling(rewriter, loc, adaptor.getInput(), resultType, kernel, stride,
                                padding, ones, 0.0);
    Value window = tensor::EmptyOp::create(rewriter, loc, kernel, finalType.getElementType());
    Value sums = linalg::PoolingNchwSumOp::create(
                     rewriter, loc, TypeRange{resultType}, ValueRange{input, window},
                     ValueRange{filledTensor(rewriter, loc, resultType, 0.0)},
                     i64Vector(rewriter, stride), i64Vector(rewriter, ones))
                     .getResult(0);

    // The divisor of each output position, as PyTorch's avg_pool2d computes it.
    ArrayRef<int64_t> in = op.getInput().getType().getShape();
    ArrayRef<int64_t> out = resultType.getShape();
    SmallVector<double> divisors;
    for (int64_t oh = 0; oh < out[2]; ++oh) {
      for (int64_t ow = 0; ow < out[3]; ++ow) {
        int64_t hs = oh * stride[0] - padding[0], ws = ow * stride[1] - padding[1];
        int64_t he = std::min(hs + kernel[0], in[2] + padding[0]);
        int64_t we = std::min(ws + kernel[1], in[3] + padding[1]);
        int64_t poolSize = (he - hs) * (we - ws);
        hs = std::max<int64_t>(hs, 0);
        ws = std::max<int64_t>(ws, 0);
        he = std::min(he, in[2]);
        we = std::min(we, in[3]);
        int64_t divisor = op.getDivisorOverride()   ? *op.getDivisorOverride()
                          : op.getCountIncludePad() ? poolSize
                                                    : (he - hs) * (we - ws);
        divisors.push_back(static_cast<double>(divisor));
      }
    }
    auto divisorType = RankedTensorType::get({out[2], out[3]}, resultType.getElementType());
    Value divisor = floatTensorConstant(rewriter, loc, divisorType, divisors);
    SmallVector<AffineMap> maps = {
        AffineMap::getMultiDimIdentityMap(4, ctx),
        AffineMap::get(4, 0, {getAffineDimExpr(2, ctx), getAffineDimExpr(3, ctx)}, ctx),
        AffineMap::getMultiDimIdentityMap(4, ctx)};
    Value mean = linalg::GenericOp::create(
                     rewriter, loc, TypeRange{resultType}, ValueRange{sums, divisor},
                     ValueRange{emptyTensor(rewriter, loc, resultType)}, maps, parallelIterators(4),
                     [](OpBuilder &b, Location loc, ValueRange args) {
                       linalg::YieldOp::create(
                           b, loc, arith::DivFOp::create(b, loc, args[0], args[1]).getResult());
                     })
                     .getResult(0);
    rewriter.replaceOp(op, convertElements(rewriter, loc, mean, finalType.getElementType()));
    return success();
  }
};

/// int8 average pooling (kiln.qavg_pool2d): the window sums of the
/// dequantized input in float32, summed in the order the float lowering's
/// linalg.pooling_nchw_sum sums (the input padded with its zero point, which
/// dequantizes to 0), then divided, scaled and quantized per output.
struct QAvgPool2dToLinalg : OpConversionPattern<QAvgPool2dOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(QAvgPool2dOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto finalType = cast<RankedTensorType>(op.getType());
    Type f32 = rewriter.getF32Type();
    auto sumType = RankedTensorType::get(finalType.getShape(), f32);
    ArrayRef<int64_t> kernel = op.getKernel(), stride = op.getStride();
    auto attr = [](uint64_t v) { return static_cast<int64_t>(v); };
    int64_t zx = attr(op.getInputZeroPoint()), zy = attr(op.getOutputZeroPoint());
    double lo = double(attr(op.getOutputMin())), hi = double(attr(op.getOutputMax()));
    float inScale = static_cast<float>(op.getInputScale().convertToDouble());
    float divisor = static_cast<float>(attr(op.getDivisor()));
    float inv = static_cast<float>(1.0 / op.getOutputScale().convertToDouble());
    int64_t ones[2] = {1, 1};
    Value input = padForPooling(rewriter, loc, adaptor.getInput(), sumType, kernel, stride,
                                op.getPadding(), ones, static_cast<double>(zx));
    Value window = tensor::EmptyOp::create(rewriter, loc, kernel, f32);
    // (n, c, oh, ow, kh, kw): input (n, c, oh * sh + kh, ow * sw + kw).
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineMap> maps = {
        AffineMap::get(6, 0, {d(0), d(1), d(2) * stride[0] + d(4), d(3) * stride[1] + d(5)}, ctx),
        AffineMap::get(6, 0, {d(4), d(5)}, ctx),
        AffineMap::get(6, 0, {d(0), d(1), d(2), d(3)}, ctx)};
    SmallVector<utils::IteratorType> iterators = parallelIterators(4);
    iterators.append(2, utils::IteratorType::reduction);
    Value sums =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{sumType}, ValueRange{input, window},
            ValueRange{filledTensor(rewriter, loc, sumType, 0.0)}, maps, iterators,
            [&](OpBuilder &b, Location loc, ValueRange args) {
              Type i32 = b.getI32Type();
              Value q = arith::SubIOp::create(b, loc, arith::ExtSIOp::create(b, loc, i32, args[0]),
                                              numberConstant(b, loc, i32, double(zx)));
              Value x = arith::MulFOp::create(b, loc, arith::SIToFPOp::create(b, loc, f32, q),
                                              floatConstant(b, loc, f32, inScale));
              linalg::YieldOp::create(b, loc,
                                      arith::AddFOp::create(b, loc, args[2], x).getResult());
            })
            .getResult(0);
    AffineMap id = AffineMap::getMultiDimIdentityMap(4, ctx);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{finalType}, ValueRange{sums},
            ValueRange{emptyTensor(rewriter, loc, finalType)}, SmallVector<AffineMap>{id, id},
            parallelIterators(4),
            [&](OpBuilder &b, Location loc, ValueRange args) {
              Value v = arith::DivFOp::create(b, loc, args[0], floatConstant(b, loc, f32, divisor));
              v = arith::MulFOp::create(b, loc, v, floatConstant(b, loc, f32, inv));
              Value z = numberConstant(b, loc, b.getI32Type(), double(zy));
              linalg::YieldOp::create(
                  b, loc, quantizeScaled(b, loc, v, z, lo, hi, finalType.getElementType()));
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateKilnPoolingToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<MaxPool2dToLinalg, AvgPool2dToLinalg, QAvgPool2dToLinalg>(patterns.getContext());
}

} // namespace kiln
