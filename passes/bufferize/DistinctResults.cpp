//===- DistinctResults.cpp - the kiln-distinct-results pass ---------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_DISTINCTRESULTSPASS
#include "passes/Passes.h.inc"

namespace {

struct DistinctResultsPass : impl::DistinctResultsPassBase<DistinctResultsPass> {
  using Base::Base;
  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp ret) {
      llvm::SmallPtrSet<Value, 8> seen;
      OpBuilder b(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        Value v = operand.get();
        if (seen.insert(v).second)
          continue;
        auto type = dyn_cast<RankedTensorType>(v.getType());
        if (!type || !type.hasStaticShape())
          continue;
        Value init =
            tensor::EmptyOp::create(b, ret.getLoc(), type.getShape(), type.getElementType());
        operand.set(linalg::CopyOp::create(b, ret.getLoc(), v, init).getResult(0));
      }
    });
  }
};

} // namespace
} // namespace kiln
