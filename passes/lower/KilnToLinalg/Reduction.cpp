//===- Reduction.cpp - kiln reductions to linalg --------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/lower/KilnToLinalg/Utils.h"

#include "llvm/ADT/SmallSet.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace kiln {
namespace {

/// Sum over the reduced dimensions into a tensor without them, divide by the
/// number of summed elements (as torch.mean does: sum, then divide), and
/// reshape when keepdim asks for unit dimensions.
struct MeanToLinalg : OpConversionPattern<MeanOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(MeanOp op, OpAdaptor adaptor,
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
    auto sumType = RankedTensorType::get(keptShape, resultType.getElementType());
    unsigned rank = inType.getRank();
    Value sum = linalg::GenericOp::create(
                    rewriter, loc, TypeRange{sumType}, ValueRange{adaptor.getInput()},
                    ValueRange{filledTensor(rewriter, loc, sumType, 0.0)},
                    SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, ctx),
                                           AffineMap::get(rank, 0, keptExprs, ctx)},
                    iterators,
                    [](OpBuilder &b, Location loc, ValueRange args) {
                      linalg::YieldOp::create(
                          b, loc, arith::AddFOp::create(b, loc, args[1], args[0]).getResult());
                    })
                    .getResult(0);
    AffineMap id = AffineMap::getMultiDimIdentityMap(keptShape.size(), ctx);
    Value mean = linalg::GenericOp::create(
                     rewriter, loc, TypeRange{sumType}, ValueRange{sum},
                     ValueRange{emptyTensor(rewriter, loc, sumType)},
                     SmallVector<AffineMap>{id, id}, parallelIterators(keptShape.size()),
                     [&](OpBuilder &b, Location loc, ValueRange args) {
                       Value n = floatConstant(b, loc, args[0].getType(),
                                               static_cast<double>(count));
                       linalg::YieldOp::create(b, loc,
                                               arith::DivFOp::create(b, loc, args[0], n).getResult());
                     })
                     .getResult(0);
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, mean, resultType.getShape()));
    return success();
  }
};

} // namespace

void populateKilnReductionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<MeanToLinalg>(patterns.getContext());
}

} // namespace kiln
