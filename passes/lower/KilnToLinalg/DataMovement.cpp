//===- DataMovement.cpp - kiln reshape/permute to linalg and tensor -------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/lower/KilnToLinalg/Utils.h"

#include "mlir/Dialect/Math/IR/Math.h"
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
    rewriter.replaceOp(
        op, reshapeTensor(rewriter, op.getLoc(), adaptor.getInput(), op.getType().getShape()));
    return success();
  }
};

struct PermuteToTranspose : OpConversionPattern<PermuteOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(PermuteOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value init = emptyTensor(rewriter, op.getLoc(), type);
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, op.getLoc(), adaptor.getInput(),
                                                       init, op.getDims())
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
      SmallVector<OpFoldResult> offsets(type.getRank(), rewriter.getIndexAttr(0)), sizes,
          strides(type.getRank(), rewriter.getIndexAttr(1));
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
    rewriter.replaceOp(op,
                       tensor::ExtractSliceOp::create(rewriter, op.getLoc(), type,
                                                      adaptor.getInput(), offsets, sizes, strides)
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
        [](OpBuilder &b, Location loc, ValueRange args) {
          linalg::YieldOp::create(b, loc, args[0]);
        });
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
          Value clamped =
              arith::MaxSIOp::create(b, loc, arith::MinSIOp::create(b, loc, args[0], last), zero);
          Value row = arith::IndexCastOp::create(b, loc, b.getIndexType(), clamped);
          Value col = linalg::IndexOp::create(b, loc, rank - 1);
          linalg::YieldOp::create(
              b, loc, tensor::ExtractOp::create(b, loc, weight, ValueRange{row, col}).getResult());
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// Clamps an index-typed value into [0, size).
Value clampIndex(OpBuilder &b, Location loc, Value i, int64_t size) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value last = arith::ConstantIndexOp::create(b, loc, size - 1);
  return arith::MaxSIOp::create(b, loc, arith::MinSIOp::create(b, loc, i, last), zero);
}

/// Reflect and replicate padding: every result element reads one input
/// element, whose coordinates the body computes.
Value padByReading(OpBuilder &b, Location loc, PadOp op, Value input) {
  auto type = cast<RankedTensorType>(op.getType());
  auto inType = cast<RankedTensorType>(input.getType());
  unsigned rank = type.getRank();
  bool reflect = op.getMode() == "reflect";
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, b.getContext());
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{}, ValueRange{emptyTensor(b, loc, type)},
             SmallVector<AffineMap>{id}, parallelIterators(rank),
             [&](OpBuilder &nb, Location l, ValueRange) {
               SmallVector<Value> coords;
               for (unsigned d = 0; d < rank; ++d) {
                 int64_t n = inType.getDimSize(d);
                 Value i =
                     arith::SubIOp::create(nb, l, linalg::IndexOp::create(nb, l, d),
                                           arith::ConstantIndexOp::create(nb, l, op.getLow()[d]));
                 if (reflect) {
                   // -i before the start, 2(n-1) - i past the end.
                   Value zero = arith::ConstantIndexOp::create(nb, l, 0);
                   Value before = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, i, zero);
                   i = arith::SelectOp::create(nb, l, before, arith::SubIOp::create(nb, l, zero, i),
                                               i);
                   Value last = arith::ConstantIndexOp::create(nb, l, n - 1);
                   Value after = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sgt, i, last);
                   Value mirrored = arith::SubIOp::create(
                       nb, l, arith::ConstantIndexOp::create(nb, l, 2 * (n - 1)), i);
                   i = arith::SelectOp::create(nb, l, after, mirrored, i);
                 }
                 coords.push_back(clampIndex(nb, l, i, n));
               }
               linalg::YieldOp::create(nb, l,
                                       tensor::ExtractOp::create(nb, l, input, coords).getResult());
             })
      .getResult(0);
}

/// Constant padding: crop negative amounts with a slice, pad the rest.
struct PadToTensorPad : OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(PadOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    if (op.getMode() != "constant") {
      rewriter.replaceOp(op, padByReading(rewriter, loc, op, input));
      return success();
    }
    auto inType = cast<RankedTensorType>(input.getType());
    int64_t rank = inType.getRank();
    ArrayRef<int64_t> low = op.getLow(), high = op.getHigh();
    SmallVector<OpFoldResult> offsets, sizes, strides(rank, rewriter.getIndexAttr(1));
    SmallVector<int64_t> cropped;
    bool crop = false;
    for (int64_t i = 0; i < rank; ++i) {
      int64_t lo = std::min<int64_t>(low[i], 0), hi = std::min<int64_t>(high[i], 0);
      crop |= lo < 0 || hi < 0;
      offsets.push_back(rewriter.getIndexAttr(-lo));
      cropped.push_back(inType.getDimSize(i) + lo + hi);
      sizes.push_back(rewriter.getIndexAttr(cropped.back()));
    }
    if (crop)
      input = tensor::ExtractSliceOp::create(
          rewriter, loc, RankedTensorType::get(cropped, inType.getElementType()), input, offsets,
          sizes, strides);
    SmallVector<OpFoldResult> lo, hi;
    for (int64_t i = 0; i < rank; ++i) {
      lo.push_back(rewriter.getIndexAttr(std::max<int64_t>(low[i], 0)));
      hi.push_back(rewriter.getIndexAttr(std::max<int64_t>(high[i], 0)));
    }
    Value value =
        numberConstant(rewriter, loc, inType.getElementType(), op.getValue().convertToDouble());
    rewriter.replaceOp(
        op, tensor::PadOp::create(rewriter, loc, op.getType(), input, lo, hi, value).getResult());
    return success();
  }
};

struct ConvertToGeneric : OpConversionPattern<ConvertOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ConvertOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, convertElements(rewriter, op.getLoc(), adaptor.getInput(),
                                           op.getType().getElementType()));
    return success();
  }
};

/// flip: the input read through `size - 1 - i` in the flipped dimensions.
struct FlipToGeneric : OpConversionPattern<FlipOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(FlipOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    MLIRContext *ctx = op.getContext();
    unsigned rank = type.getRank();
    SmallVector<AffineExpr> exprs;
    for (unsigned d = 0; d < rank; ++d) {
      AffineExpr e = getAffineDimExpr(d, ctx);
      if (llvm::is_contained(op.getDims(), static_cast<int64_t>(d)))
        e = getAffineConstantExpr(type.getDimSize(d) - 1, ctx) - e;
      exprs.push_back(e);
    }
    SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, exprs, ctx),
                                   AffineMap::getMultiDimIdentityMap(rank, ctx)};
    Location loc = op.getLoc();
    rewriter.replaceOp(op, linalg::GenericOp::create(rewriter, loc, TypeRange{type},
                                                     ValueRange{adaptor.getInput()},
                                                     ValueRange{emptyTensor(rewriter, loc, type)},
                                                     maps, parallelIterators(rank),
                                                     [](OpBuilder &b, Location l, ValueRange args) {
                                                       linalg::YieldOp::create(b, l, args[0]);
                                                     })
                               .getResults());
    return success();
  }
};

/// gather: for every index element, one read of the input at that
/// coordinate along `dim` (negative indices wrap; out-of-range ones clamp).
struct GatherToGeneric : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    unsigned rank = type.getRank();
    Value input = adaptor.getInput();
    int64_t dim = op.getDim();
    int64_t size = rank == 0 ? 1 : cast<RankedTensorType>(input.getType()).getDimSize(dim);
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, op.getContext());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{adaptor.getIndex()},
        ValueRange{emptyTensor(rewriter, loc, type)}, SmallVector<AffineMap>{id, id},
        parallelIterators(rank), [&](OpBuilder &b, Location l, ValueRange args) {
          Value i = arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value negative = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, i, zero);
          i = arith::SelectOp::create(
              b, l, negative,
              arith::AddIOp::create(b, l, i, arith::ConstantIndexOp::create(b, l, size)), i);
          SmallVector<Value> coords;
          for (unsigned d = 0; d < rank; ++d)
            coords.push_back(static_cast<int64_t>(d) == dim ? clampIndex(b, l, i, size)
                                                            : linalg::IndexOp::create(b, l, d));
          linalg::YieldOp::create(b, l, tensor::ExtractOp::create(b, l, input, coords).getResult());
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// resize: nearest reads one element; bilinear blends four, computing in
/// float32 for float16/bfloat16 as PyTorch does.
struct ResizeToGeneric : OpConversionPattern<ResizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ResizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Value input = adaptor.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    Type et = type.getElementType(), acc = accumulatorType(et);
    bool bilinear = op.getMode() == "bilinear", alignCorners = op.getAlignCorners();
    double scales[2] = {op.getScaleH().convertToDouble(), op.getScaleW().convertToDouble()};
    AffineMap id = AffineMap::getMultiDimIdentityMap(4, op.getContext());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{emptyTensor(rewriter, loc, type)},
        SmallVector<AffineMap>{id}, parallelIterators(4),
        [&](OpBuilder &b, Location l, ValueRange) {
          Value n = linalg::IndexOp::create(b, l, 0), c = linalg::IndexOp::create(b, l, 1);
          // Per spatial dimension: the two source indices and their weights.
          Value lo[2], hi[2], wLo[2], wHi[2];
          for (int d = 0; d < 2; ++d) {
            int64_t size = inType.getDimSize(2 + d);
            Value dst = arith::IndexCastOp::create(b, l, b.getI64Type(),
                                                   linalg::IndexOp::create(b, l, 2 + d));
            // PyTorch computes nearest indices in float32 for every dtype.
            Type ct = bilinear ? acc : b.getF32Type();
            Value dstF = arith::SIToFPOp::create(b, l, ct, dst);
            Value scale = floatConstant(b, l, ct, scales[d]);
            Value src;
            if (!bilinear || alignCorners) {
              src = arith::MulFOp::create(b, l, dstF, scale);
            } else {
              Value half = floatConstant(b, l, ct, 0.5);
              src = arith::SubFOp::create(
                  b, l, arith::MulFOp::create(b, l, arith::AddFOp::create(b, l, dstF, half), scale),
                  half);
              src = arith::MaximumFOp::create(b, l, src, floatConstant(b, l, ct, 0.0));
            }
            Value floored = math::FloorOp::create(b, l, src);
            Value i0 = arith::IndexCastOp::create(
                b, l, b.getIndexType(), arith::FPToSIOp::create(b, l, b.getI64Type(), floored));
            lo[d] = clampIndex(b, l, i0, size);
            if (!bilinear)
              continue;
            hi[d] = clampIndex(
                b, l, arith::AddIOp::create(b, l, lo[d], arith::ConstantIndexOp::create(b, l, 1)),
                size);
            Value frac = arith::SubFOp::create(b, l, src, floored);
            frac = arith::MinimumFOp::create(
                b, l, arith::MaximumFOp::create(b, l, frac, floatConstant(b, l, acc, 0.0)),
                floatConstant(b, l, acc, 1.0));
            wHi[d] = frac;
            wLo[d] = arith::SubFOp::create(b, l, floatConstant(b, l, acc, 1.0), frac);
          }
          auto read = [&](Value h, Value w) {
            return convertScalar(
                b, l, tensor::ExtractOp::create(b, l, input, ValueRange{n, c, h, w}).getResult(),
                acc);
          };
          if (!bilinear) {
            linalg::YieldOp::create(
                b, l,
                tensor::ExtractOp::create(b, l, input, ValueRange{n, c, lo[0], lo[1]}).getResult());
            return;
          }
          auto blend = [&](Value a, Value wa, Value bb, Value wb) {
            return arith::AddFOp::create(b, l, arith::MulFOp::create(b, l, wa, a),
                                         arith::MulFOp::create(b, l, wb, bb));
          };
          Value top = blend(read(lo[0], lo[1]), wLo[1], read(lo[0], hi[1]), wHi[1]);
          Value bottom = blend(read(hi[0], lo[1]), wLo[1], read(hi[0], hi[1]), wHi[1]);
          linalg::YieldOp::create(b, l,
                                  convertScalar(b, l, blend(top, wLo[0], bottom, wHi[0]), et));
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// kiln.dropout and kiln.copy are the identity on values.
template <typename OpTy> struct IdentityToInput : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

} // namespace

void populateKilnDataMovementToLinalgPatterns(RewritePatternSet &patterns) {
  patterns
      .add<ReshapeToTensor, PermuteToTranspose, ConcatToInsertSlices, SliceToExtractSlice,
           ExpandToGeneric, EmbeddingToGeneric, PadToTensorPad, ConvertToGeneric, FlipToGeneric,
           GatherToGeneric, ResizeToGeneric, IdentityToInput<DropoutOp>, IdentityToInput<CopyOp>>(
          patterns.getContext());
}

} // namespace kiln
