//===- DeadCode.cpp - the kiln-dce pass -----------------------------------===//
#include "passes/Passes.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_DEADCODEPASS
#include "passes/Passes.h.inc"

namespace {
struct DeadCodePass : impl::DeadCodePassBase<DeadCodePass> {
  using Base::Base;
  void runOnOperation() override {
    // Reverse post-order: users go before the ops they use, so one sweep
    // erases whole dead chains.
    SmallVector<Operation *> ops;
    getOperation()->walk<WalkOrder::PostOrder>([&](Operation *op) {
      if (op != getOperation())
        ops.push_back(op);
    });
    for (Operation *op : llvm::reverse(ops))
      if (op->getNumRegions() == 0 && isOpTriviallyDead(op))
        op->erase();
  }
};
} // namespace

} // namespace kiln
