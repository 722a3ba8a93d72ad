//===- Conv.cpp - kiln.conv2d to linalg -----------------------------------===//
//
// Explicit zero padding (tensor.pad), then linalg's named NCHW convolutions:
// conv_2d_nchw_fchw for groups = 1, depthwise_conv_2d_nchw_chw when every
// group has one input and one output channel, conv_2d_ngchw_gfchw otherwise.
// The bias initializes the accumulator.
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/lower/KilnToLinalg/Utils.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace kiln {
namespace {

/// A tensor of `type` (NCHW, or NGCHW split from it) whose every element at
/// channel f is bias[f]; zeros without a bias.
Value biasInit(OpBuilder &b, Location loc, RankedTensorType type, Value bias) {
  if (!bias)
    return filledTensor(b, loc, type, 0.0);
  MLIRContext *ctx = b.getContext();
  unsigned rank = type.getRank();
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, ValueRange{bias}, ValueRange{emptyTensor(b, loc, type)},
      SmallVector<AffineMap>{AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx),
                             AffineMap::getMultiDimIdentityMap(rank, ctx)},
      parallelIterators(rank), [&](OpBuilder &b, Location loc, ValueRange args) {
        linalg::YieldOp::create(b, loc, convertScalar(b, loc, args[0], type.getElementType()));
      });
  return generic.getResult(0);
}

/// The convolution of an already padded NCHW `input` with `weight`, the
/// accumulator (element type `acc`) starting at the bias (or zero): one of
/// linalg's named NCHW convolutions by grouping. Named convolutions
/// sign-extend or extend their operands to the accumulator's type.
Value convolve(OpBuilder &b, Location loc, Value input, Value weight, Value bias, Type acc,
               ArrayRef<int64_t> out, ArrayRef<int64_t> stride, ArrayRef<int64_t> dilation,
               int64_t groups) {
  auto resultType = RankedTensorType::get(out, acc);
  ArrayRef<int64_t> w = cast<RankedTensorType>(weight.getType()).getShape();
  ArrayRef<int64_t> in = cast<RankedTensorType>(input.getType()).getShape();
  auto strides = i64Vector(b, stride);
  auto dilations = i64Vector(b, dilation);
  if (groups == 1) {
    Value init = biasInit(b, loc, resultType, bias);
    return linalg::Conv2DNchwFchwOp::create(b, loc, TypeRange{resultType},
                                            ValueRange{input, weight}, ValueRange{init}, strides,
                                            dilations)
        .getResult(0);
  }
  if (groups == in[1] && w[0] == groups) {
    Value init = biasInit(b, loc, resultType, bias);
    Value kernel = reshapeTensor(b, loc, weight, {w[0], w[2], w[3]});
    return linalg::DepthwiseConv2DNchwChwOp::create(b, loc, TypeRange{resultType},
                                                    ValueRange{input, kernel}, ValueRange{init},
                                                    strides, dilations)
        .getResult(0);
  }
  int64_t cg = in[1] / groups, fg = w[0] / groups;
  Value grouped = reshapeTensor(b, loc, input, {in[0], groups, cg, in[2], in[3]});
  Value kernel = reshapeTensor(b, loc, weight, {groups, fg, cg, w[2], w[3]});
  auto groupedType = RankedTensorType::get({out[0], groups, fg, out[2], out[3]}, acc);
  // The NCHW bias tensor viewed as NGCHW: channel f is (f / fg, f % fg).
  Value init =
      bias ? reshapeTensor(b, loc, biasInit(b, loc, resultType, bias), groupedType.getShape())
           : filledTensor(b, loc, groupedType, 0.0);
  Value conv = linalg::Conv2DNgchwGfchwOp::create(b, loc, TypeRange{groupedType},
                                                  ValueRange{grouped, kernel}, ValueRange{init},
                                                  strides, dilations)
                   .getResult(0);
  return reshapeTensor(b, loc, conv, out);
}

struct Conv2dToLinalg : OpConversionPattern<Conv2dOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(Conv2dOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto finalType = cast<RankedTensorType>(op.getType());
    // Named convolutions accumulate in their output's element type.
    Type acc = accumulatorType(finalType.getElementType());
    ArrayRef<int64_t> pad = op.getPadding();
    Value input =
        padSpatial(rewriter, loc, adaptor.getInput(), {pad[0], pad[1]}, {pad[2], pad[3]}, 0.0);
    Value result = convolve(rewriter, loc, input, adaptor.getWeight(), adaptor.getBias(), acc,
                            finalType.getShape(), op.getStride(), op.getDilation(), op.getGroups());
    result = convertElements(rewriter, loc, result, finalType.getElementType());
    rewriter.replaceOp(op, applyActivation(rewriter, loc, result, op.getActivation()));
    return success();
  }
};

/// int8 convolution: the input minus its zero point (int16, so that padding
/// with 0 is padding with the zero point), an int32 accumulator starting at
/// the bias, then requantization per output channel (dimension 1).
struct QConv2dToLinalg : OpConversionPattern<QConv2dOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(QConv2dOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto finalType = cast<RankedTensorType>(op.getType());
    Value shifted = subtractZeroPoint(rewriter, loc, adaptor.getInput(), op.getInputZeroPoint(),
                                      rewriter.getI16Type());
    ArrayRef<int64_t> pad = op.getPadding();
    Value input = padSpatial(rewriter, loc, shifted, {pad[0], pad[1]}, {pad[2], pad[3]}, 0.0);
    Value acc = convolve(rewriter, loc, input, adaptor.getWeight(), adaptor.getBias(),
                         rewriter.getI32Type(), finalType.getShape(), op.getStride(),
                         op.getDilation(), op.getGroups());
    rewriter.replaceOp(
        op, requantizeTensor(rewriter, loc, acc, finalType, /*channelDim=*/1, op.getMultiplier(),
                             op.getShift(), op.getOutputZeroPoint(), op.getOutputMin(),
                             op.getOutputMax(), op.getRemainder().value_or(ArrayRef<int32_t>())));
    return success();
  }
};

} // namespace

void populateKilnConvToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<Conv2dToLinalg, QConv2dToLinalg>(patterns.getContext());
}

} // namespace kiln
