//===- FoldConstants.cpp - the kiln-fold-constants pass -------------------===//
//
// Evaluates kiln ops on constant operands at compile time. Data movement
// works on raw elements (any type); arithmetic on floats in double precision,
// rounded once to the element type.
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "dialects/kiln/KilnShapes.h"
#include "passes/Passes.h"
#include "passes/graph/ConstantData.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cstring>

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_FOLDCONSTANTSPASS
#include "passes/Passes.h.inc"

namespace {

/// Row-major strides of a shape, in elements.
SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;)
    strides[i - 1] = strides[i] * shape[i];
  return strides;
}

/// Calls `fn(flat, index)` for every element of `shape`, in order.
template <typename Fn>
void forEachIndex(ArrayRef<int64_t> shape, Fn fn) {
  int64_t n = numElements(shape);
  SmallVector<int64_t> index(shape.size(), 0);
  for (int64_t flat = 0; flat < n; ++flat) {
    fn(flat, ArrayRef<int64_t>(index));
    for (size_t d = shape.size(); d-- > 0;) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
}

/// The flat position in `operand` of result `index` under broadcasting.
int64_t broadcastSource(ArrayRef<int64_t> index, ArrayRef<int64_t> operandShape,
                        ArrayRef<int64_t> operandStrides) {
  size_t offset = index.size() - operandShape.size();
  int64_t flat = 0;
  for (size_t d = 0; d < operandShape.size(); ++d)
    if (operandShape[d] != 1)
      flat += index[d + offset] * operandStrides[d];
  return flat;
}

class Folder : public RewritePattern {
public:
  Folder(MLIRContext *ctx, int64_t maxGrowthBytes)
      : RewritePattern(MatchAnyOpTypeTag(), 1, ctx), maxGrowthBytes(maxGrowthBytes) {}

  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    if (!isa<KilnDialect>(op->getDialect()) || op->getNumResults() != 1 ||
        op->getNumOperands() == 0)
      return failure();
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType || !resultType.getElementType().isIntOrFloat() ||
        resultType.getElementType().getIntOrFloatBitWidth() % 8)
      return failure();
    SmallVector<ConstantData> operands;
    int64_t operandBytes = 0;
    for (Value v : op->getOperands()) {
      auto c = readConstant(v);
      if (!c)
        return failure();
      operandBytes += c->bytes.size();
      operands.push_back(std::move(*c));
    }
    int64_t resultBytes =
        resultType.getNumElements() * (resultType.getElementType().getIntOrFloatBitWidth() / 8);
    if (resultBytes > operandBytes && resultBytes > maxGrowthBytes)
      return rewriter.notifyMatchFailure(op, "folding would grow the constants");
    std::optional<std::vector<char>> bytes = moveData(op, operands, resultType);
    std::optional<std::vector<double>> values;
    if (!bytes) {
      values = arithmetic(op, operands, resultType);
      if (!values)
        return rewriter.notifyMatchFailure(op, "not a foldable op");
    }
    std::string hint = "folded";
    if (auto resource = dyn_cast<DenseResourceElementsAttr>(
            op->getOperand(0).getDefiningOp<arith::ConstantOp>().getValue()))
      hint = (resource.getRawHandle().getKey() + "." + op->getName().stripDialect()).str();
    rewriter.setInsertionPoint(op);
    Value folded = bytes ? makeRawConstant(rewriter, op->getLoc(), resultType, *bytes, hint)
                         : makeFloatConstant(rewriter, op->getLoc(), resultType, *values, hint);
    rewriter.replaceOp(op, folded);
    return success();
  }

private:
  /// Reshape, permute, slice, concat, expand, copy, dropout: element moves.
  static std::optional<std::vector<char>>
  moveData(Operation *op, ArrayRef<ConstantData> in, RankedTensorType resultType) {
    unsigned size = in[0].elementBytes;
    std::vector<char> out(resultType.getNumElements() * size);
    auto copy = [&](int64_t to, const ConstantData &from, int64_t at) {
      std::memcpy(out.data() + to * size, from.bytes.data() + at * size, size);
    };
    ArrayRef<int64_t> shape = resultType.getShape();
    if (isa<ReshapeOp, CopyOp, DropoutOp>(op))
      return in[0].bytes;
    if (auto permute = dyn_cast<PermuteOp>(op)) {
      SmallVector<int64_t> srcStrides = stridesOf(in[0].type.getShape());
      ArrayRef<int64_t> dims = permute.getDims();
      forEachIndex(shape, [&](int64_t flat, ArrayRef<int64_t> index) {
        int64_t src = 0;
        for (size_t d = 0; d < dims.size(); ++d)
          src += index[d] * srcStrides[dims[d]];
        copy(flat, in[0], src);
      });
      return out;
    }
    if (auto slice = dyn_cast<SliceOp>(op)) {
      SmallVector<int64_t> srcStrides = stridesOf(in[0].type.getShape());
      int64_t dim = slice.getDim();
      forEachIndex(shape, [&](int64_t flat, ArrayRef<int64_t> index) {
        int64_t src = 0;
        for (size_t d = 0; d < index.size(); ++d)
          src += (static_cast<int64_t>(d) == dim
                      ? slice.getStart() + index[d] * slice.getStep()
                      : index[d]) *
                 srcStrides[d];
        copy(flat, in[0], src);
      });
      return out;
    }
    if (auto expand = dyn_cast<ExpandOp>(op)) {
      ArrayRef<int64_t> srcShape = in[0].type.getShape();
      SmallVector<int64_t> srcStrides = stridesOf(srcShape);
      forEachIndex(shape, [&](int64_t flat, ArrayRef<int64_t> index) {
        copy(flat, in[0], broadcastSource(index, srcShape, srcStrides));
      });
      return out;
    }
    if (auto concat = dyn_cast<ConcatOp>(op)) {
      int64_t dim = concat.getDim();
      forEachIndex(shape, [&](int64_t flat, ArrayRef<int64_t> index) {
        int64_t along = index[dim];
        for (const ConstantData &c : in) {
          int64_t extent = c.type.getDimSize(dim);
          if (along < extent) {
            SmallVector<int64_t> srcStrides = stridesOf(c.type.getShape());
            int64_t src = 0;
            for (size_t d = 0; d < index.size(); ++d)
              src += (static_cast<int64_t>(d) == dim ? along : index[d]) * srcStrides[d];
            copy(flat, c, src);
            return;
          }
          along -= extent;
        }
      });
      return out;
    }
    return std::nullopt;
  }

  /// add, sub, mul, div (broadcasting) and neg on floats.
  static std::optional<std::vector<double>>
  arithmetic(Operation *op, ArrayRef<ConstantData> in, RankedTensorType resultType) {
    if (!isa<FloatType>(resultType.getElementType()))
      return std::nullopt;
    SmallVector<std::vector<double>> v;
    for (const ConstantData &c : in) {
      auto d = c.asDoubles();
      if (!d)
        return std::nullopt;
      v.push_back(std::move(*d));
    }
    ArrayRef<int64_t> shape = resultType.getShape();
    std::vector<double> out(resultType.getNumElements());
    if (isa<NegOp>(op)) {
      for (size_t i = 0; i < out.size(); ++i)
        out[i] = -v[0][i];
      return out;
    }
    if (!isa<AddOp, SubOp, MulOp, DivOp>(op))
      return std::nullopt;
    ArrayRef<int64_t> aShape = in[0].type.getShape(), bShape = in[1].type.getShape();
    SmallVector<int64_t> aStrides = stridesOf(aShape), bStrides = stridesOf(bShape);
    forEachIndex(shape, [&](int64_t flat, ArrayRef<int64_t> index) {
      double a = v[0][broadcastSource(index, aShape, aStrides)];
      double b = v[1][broadcastSource(index, bShape, bStrides)];
      out[flat] = isa<AddOp>(op)   ? a + b
                  : isa<SubOp>(op) ? a - b
                  : isa<MulOp>(op) ? a * b
                                   : a / b;
    });
    return out;
  }

  int64_t maxGrowthBytes;
};

} // namespace

void populateFoldConstantsPatterns(RewritePatternSet &patterns, int64_t maxGrowthBytes) {
  patterns.add<Folder>(patterns.getContext(), maxGrowthBytes);
}

namespace {
struct FoldConstantsPass : impl::FoldConstantsPassBase<FoldConstantsPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldConstantsPatterns(patterns, maxGrowthBytes);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

} // namespace kiln
