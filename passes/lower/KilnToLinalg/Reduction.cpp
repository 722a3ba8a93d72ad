//===- Reduction.cpp - kiln reductions to linalg --------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/lower/KilnToLinalg/Utils.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/SmallSet.h"

#include <limits>

using namespace mlir;

namespace kiln {
namespace {

/// Sum over the reduced dimensions into a tensor without them; for mean,
/// divide by the number of summed elements (as torch.mean does: sum, then
/// divide); reshape when keepdim asks for unit dimensions.
template <typename OpTy, bool isMean> struct ReduceToLinalg : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    llvm::SmallSet<int64_t, 8> reduced;
    for (int64_t d : op.getDims())
      reduced.insert(d);
    SmallVector<int64_t> keptShape;
    SmallVector<AffineExpr> keptExprs;
    SmallVector<utils::IteratorType> iterators;
    int64_t count = 1;
    for (int64_t i = 0; i < inType.getRank(); ++i) {
      if (reduced.count(i)) {
        count *= inType.getDimSize(i);
        iterators.push_back(utils::IteratorType::reduction);
      } else {
        keptShape.push_back(inType.getDimSize(i));
        keptExprs.push_back(getAffineDimExpr(i, ctx));
        iterators.push_back(utils::IteratorType::parallel);
      }
    }
    Type acc = accumulatorType(resultType.getElementType());
    auto sumType = RankedTensorType::get(keptShape, acc);
    unsigned rank = inType.getRank();
    Value sum = linalg::GenericOp::create(
                    rewriter, loc, TypeRange{sumType}, ValueRange{adaptor.getInput()},
                    ValueRange{filledTensor(rewriter, loc, sumType, 0.0)},
                    SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, ctx),
                                           AffineMap::get(rank, 0, keptExprs, ctx)},
                    iterators,
                    [&](OpBuilder &b, Location loc, ValueRange args) {
                      Value x = convertScalar(b, loc, args[0], acc);
                      linalg::YieldOp::create(
                          b, loc, arith::AddFOp::create(b, loc, args[1], x).getResult());
                    })
                    .getResult(0);
    if (!isMean) {
      sum = convertElements(rewriter, loc, sum, resultType.getElementType());
      rewriter.replaceOp(op, reshapeTensor(rewriter, loc, sum, resultType.getShape()));
      return success();
    }
    AffineMap id = AffineMap::getMultiDimIdentityMap(keptShape.size(), ctx);
    Value mean =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{sumType}, ValueRange{sum},
            ValueRange{emptyTensor(rewriter, loc, sumType)}, SmallVector<AffineMap>{id, id},
            parallelIterators(keptShape.size()),
            [&](OpBuilder &b, Location loc, ValueRange args) {
              Value n = floatConstant(b, loc, args[0].getType(), static_cast<double>(count));
              linalg::YieldOp::create(b, loc,
                                      arith::DivFOp::create(b, loc, args[0], n).getResult());
            })
            .getResult(0);
    mean = convertElements(rewriter, loc, mean, resultType.getElementType());
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, mean, resultType.getShape()));
    return success();
  }
};

/// softmax and log_softmax along `dim`, stably: m = max(x), e = exp(x - m),
/// s = sum(e); softmax = e / s, log_softmax = (x - m) - log(s).
template <typename OpTy, bool isLog> struct SoftmaxToLinalg : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    Value input =
        convertElements(rewriter, loc, adaptor.getInput(), accumulatorType(type.getElementType()));
    // A 0-d tensor is a 1-element vector here.
    bool scalar = type.getRank() == 0;
    if (scalar)
      input = reshapeTensor(rewriter, loc, input, {1});
    auto work = cast<RankedTensorType>(input.getType());
    unsigned rank = work.getRank();
    int64_t dim = scalar ? 0 : op.getDim();
    Type et = work.getElementType();

    SmallVector<int64_t> keptShape;
    SmallVector<AffineExpr> keptExprs;
    SmallVector<utils::IteratorType> reduceIterators;
    for (unsigned i = 0; i < rank; ++i) {
      bool reduced = static_cast<int64_t>(i) == dim;
      reduceIterators.push_back(reduced ? utils::IteratorType::reduction
                                        : utils::IteratorType::parallel);
      if (!reduced) {
        keptShape.push_back(work.getDimSize(i));
        keptExprs.push_back(getAffineDimExpr(i, ctx));
      }
    }
    auto keptType = RankedTensorType::get(keptShape, et);
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap kept = AffineMap::get(rank, 0, keptExprs, ctx);

    auto reduce = [&](Value in, Value init, auto combine) {
      return linalg::GenericOp::create(
                 rewriter, loc, TypeRange{keptType}, ValueRange{in}, ValueRange{init},
                 SmallVector<AffineMap>{id, kept}, reduceIterators,
                 [&](OpBuilder &b, Location l, ValueRange args) {
                   linalg::YieldOp::create(b, l, combine(b, l, args[0], args[1]));
                 })
          .getResult(0);
    };
    Value max = reduce(
        input, filledTensor(rewriter, loc, keptType, -std::numeric_limits<double>::infinity()),
        [](OpBuilder &b, Location l, Value x, Value acc) -> Value {
          return arith::MaximumFOp::create(b, l, acc, x);
        });
    // e = exp(x - max)
    Value exps =
        linalg::GenericOp::create(rewriter, loc, TypeRange{work}, ValueRange{input, max},
                                  ValueRange{emptyTensor(rewriter, loc, work)},
                                  SmallVector<AffineMap>{id, kept, id}, parallelIterators(rank),
                                  [](OpBuilder &b, Location l, ValueRange args) {
                                    Value shifted = arith::SubFOp::create(b, l, args[0], args[1]);
                                    linalg::YieldOp::create(
                                        b, l, math::ExpOp::create(b, l, shifted).getResult());
                                  })
            .getResult(0);
    Value sum = reduce(exps, filledTensor(rewriter, loc, keptType, 0.0),
                       [](OpBuilder &b, Location l, Value x, Value acc) -> Value {
                         return arith::AddFOp::create(b, l, acc, x);
                       });
    Value result;
    if (isLog) {
      result = linalg::GenericOp::create(
                   rewriter, loc, TypeRange{work}, ValueRange{input, max, sum},
                   ValueRange{emptyTensor(rewriter, loc, work)},
                   SmallVector<AffineMap>{id, kept, kept, id}, parallelIterators(rank),
                   [](OpBuilder &b, Location l, ValueRange args) {
                     Value shifted = arith::SubFOp::create(b, l, args[0], args[1]);
                     Value logSum = math::LogOp::create(b, l, args[2]);
                     linalg::YieldOp::create(
                         b, l, arith::SubFOp::create(b, l, shifted, logSum).getResult());
                   })
                   .getResult(0);
    } else {
      result = linalg::GenericOp::create(
                   rewriter, loc, TypeRange{work}, ValueRange{exps, sum},
                   ValueRange{emptyTensor(rewriter, loc, work)},
                   SmallVector<AffineMap>{id, kept, id}, parallelIterators(rank),
                   [](OpBuilder &b, Location l, ValueRange args) {
                     linalg::YieldOp::create(
                         b, l, arith::DivFOp::create(b, l, args[0], args[1]).getResult());
                   })
                   .getResult(0);
    }
    if (scalar)
      result = reshapeTensor(rewriter, loc, result, {});
    rewriter.replaceOp(op, convertElements(rewriter, loc, result, type.getElementType()));
    return success();
  }
};

/// amax, amin, prod: one reduction with the op's identity as the start.
template <typename OpTy> struct CombineToLinalg : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    Type et = resultType.getElementType();
    Type acc = std::is_same_v<OpTy, ProdOp> ? accumulatorType(et) : et;
    llvm::SmallSet<int64_t, 8> reduced;
    for (int64_t d : op.getDims())
      reduced.insert(d);
    SmallVector<int64_t> keptShape;
    SmallVector<AffineExpr> keptExprs;
    SmallVector<utils::IteratorType> iterators;
    for (int64_t i = 0; i < inType.getRank(); ++i) {
      bool r = reduced.count(i);
      iterators.push_back(r ? utils::IteratorType::reduction : utils::IteratorType::parallel);
      if (!r) {
        keptShape.push_back(inType.getDimSize(i));
        keptExprs.push_back(getAffineDimExpr(i, ctx));
      }
    }
    auto keptType = RankedTensorType::get(keptShape, acc);
    double start = std::is_same_v<OpTy, AmaxOp>   ? -std::numeric_limits<double>::infinity()
                   : std::is_same_v<OpTy, AminOp> ? std::numeric_limits<double>::infinity()
                                                  : 1.0;
    unsigned rank = inType.getRank();
    Value result = linalg::GenericOp::create(
                       rewriter, loc, TypeRange{keptType}, ValueRange{adaptor.getInput()},
                       ValueRange{filledTensor(rewriter, loc, keptType, start)},
                       SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, ctx),
                                              AffineMap::get(rank, 0, keptExprs, ctx)},
                       iterators,
                       [&](OpBuilder &b, Location l, ValueRange args) {
                         Value x = convertScalar(b, l, args[0], acc);
                         Value r;
                         if constexpr (std::is_same_v<OpTy, AmaxOp>)
                           r = arith::MaximumFOp::create(b, l, args[1], x);
                         else if constexpr (std::is_same_v<OpTy, AminOp>)
                           r = arith::MinimumFOp::create(b, l, args[1], x);
                         else
                           r = arith::MulFOp::create(b, l, args[1], x);
                         linalg::YieldOp::create(b, l, r);
                       })
                       .getResult(0);
    result = convertElements(rewriter, loc, result, et);
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, result, resultType.getShape()));
    return success();
  }
};

/// argmax / argmin: a reduction carrying (best value, its index). The
/// update is independent of visiting order: a later candidate wins only when
/// strictly better, or equal (or both NaN) with a smaller index; a NaN beats
/// every number.
template <typename OpTy, bool isMax> struct ArgReduceToLinalg : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    Type et = inType.getElementType();
    unsigned rank = inType.getRank();
    Value input = adaptor.getInput();
    int64_t dim = op.getDim();
    if (rank == 0) {
      // A scalar's only index is 0.
      rewriter.replaceOp(op, filledTensor(rewriter, loc, resultType, 0));
      return success();
    }
    SmallVector<int64_t> keptShape;
    SmallVector<AffineExpr> keptExprs;
    SmallVector<utils::IteratorType> iterators;
    for (unsigned i = 0; i < rank; ++i) {
      bool r = static_cast<int64_t>(i) == dim;
      iterators.push_back(r ? utils::IteratorType::reduction : utils::IteratorType::parallel);
      if (!r) {
        keptShape.push_back(inType.getDimSize(i));
        keptExprs.push_back(getAffineDimExpr(i, ctx));
      }
    }
    auto valueType = RankedTensorType::get(keptShape, et);
    auto indexType = RankedTensorType::get(keptShape, rewriter.getI64Type());
    auto fill = [&](RankedTensorType type, TypedAttr value) {
      Value scalar = arith::ConstantOp::create(rewriter, loc, value);
      return linalg::FillOp::create(rewriter, loc, ValueRange{scalar},
                                    ValueRange{emptyTensor(rewriter, loc, type)})
          .getResult(0);
    };
    TypedAttr start;
    if (auto ft = dyn_cast<FloatType>(et))
      start =
          rewriter.getFloatAttr(ft, APFloat::getInf(ft.getFloatSemantics(), /*Negative=*/isMax));
    else {
      unsigned bits = et.getIntOrFloatBitWidth();
      start = rewriter.getIntegerAttr(et, isMax ? APInt::getSignedMinValue(bits)
                                                : APInt::getSignedMaxValue(bits));
    }
    Value initValue = fill(valueType, start);
    Value initIndex =
        fill(indexType, rewriter.getI64IntegerAttr(std::numeric_limits<int64_t>::max()));
    AffineMap kept = AffineMap::get(rank, 0, keptExprs, ctx);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valueType, indexType}, ValueRange{input},
        ValueRange{initValue, initIndex},
        SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, ctx), kept, kept}, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], best = args[1], bestIndex = args[2];
          Value i =
              arith::IndexCastOp::create(b, l, b.getI64Type(), linalg::IndexOp::create(b, l, dim));
          Value earlier = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, i, bestIndex);
          Value take;
          if (isa<FloatType>(et)) {
            Value xNan = arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, x, x);
            Value bestNan = arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, best, best);
            Value better = arith::CmpFOp::create(
                b, l, isMax ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT, x, best);
            Value equal = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, x, best);
            Value bothNan = arith::AndIOp::create(b, l, xNan, bestNan);
            Value tie =
                arith::AndIOp::create(b, l, arith::OrIOp::create(b, l, equal, bothNan), earlier);
            Value nanWins = arith::AndIOp::create(
                b, l, xNan,
                arith::XOrIOp::create(b, l, bestNan, numberConstant(b, l, b.getI1Type(), 1)));
            take = arith::OrIOp::create(b, l, arith::OrIOp::create(b, l, better, tie), nanWins);
          } else {
            Value better = arith::CmpIOp::create(
                b, l, isMax ? arith::CmpIPredicate::sgt : arith::CmpIPredicate::slt, x, best);
            Value equal = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, x, best);
            take = arith::OrIOp::create(b, l, better, arith::AndIOp::create(b, l, equal, earlier));
          }
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, take, x, best).getResult(),
                         arith::SelectOp::create(b, l, take, i, bestIndex).getResult()});
        });
    rewriter.replaceOp(op,
                       reshapeTensor(rewriter, loc, generic.getResult(1), resultType.getShape()));
    return success();
  }
};

} // namespace

void populateKilnReductionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ArgReduceToLinalg<ArgMaxOp, true>, ArgReduceToLinalg<ArgMinOp, false>>(
      patterns.getContext());
  patterns.add<CombineToLinalg<AmaxOp>, CombineToLinalg<AminOp>, CombineToLinalg<ProdOp>>(
      patterns.getContext());
  patterns.add<ReduceToLinalg<MeanOp, true>, ReduceToLinalg<SumOp, false>,
               SoftmaxToLinalg<SoftmaxOp, false>, SoftmaxToLinalg<LogSoftmaxOp, true>>(
      patterns.getContext());
}

} // namespace kiln
