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

struct Conv2dToLinalg : OpConversionPattern<Conv2dOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(Conv2dOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto finalType = cast<RankedTensorType>(op.getType());
    Type elementType = accumulatorType(finalType.getElementType());
    // Named convolutions accumulate in their output's element type.
    auto resultType = RankedTensorType::get(finalType.getShape(), elementType);
    ArrayRef<int64_t> out = resultType.getShape();
    ArrayRef<int64_t> pad = op.getPadding();
    Value input = padSpatial(rewriter, loc, adaptor.getInput(), {pad[0], pad[1]},
                             {pad[2], pad[3]}, 0.0);
    Value weight = adaptor.getWeight();
    ArrayRef<int64_t> w = op.getWeight().getType().getShape();
    ArrayRef<int64_t> in = cast<RankedTensorType>(input.getType()).getShape();
    int64_t groups = op.getGroups();
    auto strides = i64Vector(rewriter, op.getStride());
    auto dilations = i64Vector(rewriter, op.getDilation());

    Value result;
    if (groups == 1) {
      Value init = biasInit(rewriter, loc, resultType, adaptor.getBias());
      result = linalg::Conv2DNchwFchwOp::create(rewriter, loc, TypeRange{resultType},
                                                ValueRange{input, weight}, ValueRange{init},
                                                strides, dilations)
                   .getResult(0);
    } else if (groups == in[1] && w[0] == groups) {
      Value init = biasInit(rewriter, loc, resultType, adaptor.getBias());
      Value kernel = reshapeTensor(rewriter, loc, weight, {w[0], w[2], w[3]});
      result = linalg::DepthwiseConv2DNchwChwOp::create(
                   rewriter, loc, TypeRange{resultType}, ValueRange{input, kernel},
                   ValueRange{init}, strides, dilations)
                   .getResult(0);
    } else {
      int64_t cg = in[1] / groups, fg = w[0] / groups;
      Value grouped = reshapeTensor(rewriter, loc, input, {in[0], groups, cg, in[2], in[3]});
      Value kernel = reshapeTensor(rewriter, loc, weight, {groups, fg, cg, w[2], w[3]});
      auto groupedType =
          RankedTensorType::get({out[0], groups, fg, out[2], out[3]}, elementType);
      // The NCHW bias tensor viewed as NGCHW: channel f is (f / fg, f % fg).
      Value init = adaptor.getBias()
                       ? reshapeTensor(rewriter, loc,
                                       biasInit(rewriter, loc, resultType, adaptor.getBias()),
                                       groupedType.getShape())
                       : filledTensor(rewriter, loc, groupedType, 0.0);
      Value conv = linalg::Conv2DNgchwGfchwOp::create(rewriter, loc, TypeRange{groupedType},
                                                      ValueRange{grouped, kernel},
                                                      ValueRange{init}, strides, dilations)
                       .getResult(0);
      result = reshapeTensor(rewriter, loc, conv, out);
    }
    result = convertElements(rewriter, loc, result, finalType.getElementType());
    rewriter.replaceOp(op, applyActivation(rewriter, loc, result, op.getActivation()));
    return success();
  }
};

} // namespace

void populateKilnConvToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<Conv2dToLinalg>(patterns.getContext());
}

} // namespace kiln
