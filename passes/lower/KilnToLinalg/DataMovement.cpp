//===- DataMovement.cpp - kiln reshape/permute to linalg and tensor -------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/lower/KilnToLinalg/Utils.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace kiln {
namespace {

/// Reshapes of contiguous tensors are views: collapse/expand shapes.
struct ReshapeToTensor : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, reshapeTensor(rewriter, op.getLoc(), adaptor.getInput(),
                                         op.getType().getShape()));
    return success();
  }
};

struct PermuteToTranspose : OpConversionPattern<PermuteOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(PermuteOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value init = emptyTensor(rewriter, op.getLoc(), type);
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, op.getLoc(),
                                                       adaptor.getInput(), init, op.getDims())
                               .getResults());
    return success();
  }
};

/// Each input inserted into the result at its offset along `dim`.
struct ConcatToInsertSlices : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Value result = emptyTensor(rewriter, loc, type);
    int64_t dim = op.getDim(), offset = 0;
    for (Value input : adaptor.getInputs()) {
      auto inType = cast<RankedTensorType>(input.getType());
      SmallVector<OpFoldResult> offsets(type.getRank(), rewriter.getIndexAttr(0)),
          sizes, strides(type.getRank(), rewriter.getIndexAttr(1));
      for (int64_t d : inType.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      offsets[dim] = rewriter.getIndexAttr(offset);
      result = tensor::InsertSliceOp::create(rewriter, loc, input, result, offsets, sizes, strides);
      offset += inType.getDimSize(dim);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// A strided range: tensor.extract_slice, a view after bufferization.
struct SliceToExtractSlice : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    int64_t dim = op.getDim();
    SmallVector<OpFoldResult> offsets(type.getRank(), rewriter.getIndexAttr(0)), sizes,
        strides(type.getRank(), rewriter.getIndexAttr(1));
    for (int64_t d : type.getShape())
      sizes.push_back(rewriter.getIndexAttr(d));
    offsets[dim] = rewriter.getIndexAttr(op.getStart());
    strides[dim] = rewriter.getIndexAttr(op.getStep());
    rewriter.replaceOp(op, tensor::ExtractSliceOp::create(rewriter, op.getLoc(), type,
                                                          adaptor.getInput(), offsets, sizes,
                                                          strides)
                               .getResult());
    return success();
  }
};

struct ExpandToGeneric : OpConversionPattern<ExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ExpandOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    MLIRContext *ctx = op.getContext();
    SmallVector<AffineMap> maps = {
        broadcastMap(ctx, cast<ShapedType>(adaptor.getInput().getType()).getShape(),
                     type.getShape()),
        AffineMap::getMultiDimIdentityMap(type.getRank(), ctx)};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{adaptor.getInput()},
        ValueRange{emptyTensor(rewriter, loc, type)}, maps, parallelIterators(type.getRank()),
        [](OpBuilder &b, Location loc, ValueRange args) { linalg::YieldOp::create(b, loc, args[0]); });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// result[i..., d] = weight[clamp(indices[i...]), d]
struct EmbeddingToGeneric : OpConversionPattern<EmbeddingOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(EmbeddingOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    unsigned rank = type.getRank();
    Value weight = adaptor.getWeight();
    int64_t rows = cast<RankedTensorType>(weight.getType()).getDimSize(0);
    SmallVector<AffineExpr> indexExprs;
    for (unsigned i = 0; i + 1 < rank; ++i)
      indexExprs.push_back(getAffineDimExpr(i, ctx));
    SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, indexExprs, ctx),
                                   AffineMap::getMultiDimIdentityMap(rank, ctx)};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{adaptor.getIndices()},
        ValueRange{emptyTensor(rewriter, loc, type)}, maps, parallelIterators(rank),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Type it = args[0].getType();
          Value zero = arith::ConstantOp::create(b, loc, b.getIntegerAttr(it, 0));
          Value last = arith::ConstantOp::create(b, loc, b.getIntegerAttr(it, rows - 1));
          Value clamped = arith::MaxSIOp::create(
              b, loc, arith::MinSIOp::create(b, loc, args[0], last), zero);
          Value row = arith::IndexCastOp::create(b, loc, b.getIndexType(), clamped);
          Value col = linalg::IndexOp::create(b, loc, rank - 1);
          linalg::YieldOp::create(
              b, loc, tensor::ExtractOp::create(b, loc, weight, ValueRange{row, col}).getResult());
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// kiln.dropout and kiln.copy are the identity on values.
template <typename OpTy>
struct IdentityToInput : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

} // namespace

void populateKilnDataMovementToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ReshapeToTensor, PermuteToTranspose, ConcatToInsertSlices, SliceToExtractSlice,
               ExpandToGeneric, EmbeddingToGeneric, IdentityToInput<DropoutOp>,
               IdentityToInput<CopyOp>>(patterns.getContext());
}

} // namespace kiln
