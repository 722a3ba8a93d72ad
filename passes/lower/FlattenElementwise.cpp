//===- FlattenElementwise.cpp - the kiln-flatten-elementwise pass ---------===//
//
// An elementwise linalg.generic whose operands all share its iteration space
// (identity maps, all loops parallel) runs the same over the tensors' flat
// element order: its dimensions collapse into one, so that the loop that
// LLVM vectorizes is the whole tensor instead of each innermost row (rows of
// 7 to 56 elements left most of an int8 residual add in scalar remainders).
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_FLATTENELEMENTWISEPASS
#include "passes/Passes.h.inc"

namespace {

/// Whether `op` is elementwise over one static iteration space of rank > 1.
bool flattenable(linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumLoops() < 2 ||
      op.getNumParallelLoops() != op.getNumLoops())
    return false;
  for (AffineMap map : op.getIndexingMapsArray())
    if (!map.isIdentity())
      return false;
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<RankedTensorType>(operand.get().getType());
    if (!type || !type.hasStaticShape())
      return false;
  }
  // A result that is padded or inserted into a larger tensor is written in
  // place into that tensor's interior (a strided view, which a flat loop
  // cannot write): such generics keep their shape.
  for (Value result : op->getResults())
    for (Operation *user : result.getUsers())
      if (isa<tensor::PadOp, tensor::InsertSliceOp>(user))
        return false;
  // The payload must not ask for its position (linalg.index).
  return !op.hasIndexSemantics();
}

struct FlattenElementwisePass : impl::FlattenElementwisePassBase<FlattenElementwisePass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> ops;
    getOperation().walk([&](linalg::GenericOp op) {
      if (flattenable(op))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp op : ops) {
      ReassociationIndices all;
      for (unsigned d = 0; d < op.getNumLoops(); ++d)
        all.push_back(d);
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::CollapseResult> collapsed =
          linalg::collapseOpIterationDims(op, {all}, rewriter);
      if (failed(collapsed))
        continue; // left as it is
      rewriter.replaceOp(op, collapsed->results);
    }
  }
};

} // namespace
} // namespace kiln
