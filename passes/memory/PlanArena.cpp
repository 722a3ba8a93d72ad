//===- PlanArena.cpp - the kiln-plan-arena pass ---------------------------===//
#include "passes/Passes.h"
#include "dialects/kiln/KilnDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_PLANARENAPASS
#include "passes/Passes.h.inc"

namespace {

/// Bytes one element of a memref occupies in memory.
std::optional<int64_t> elementBytes(Type type) {
  if (type.isIntOrFloat())
    return llvm::divideCeil(type.getIntOrFloatBitWidth(), 8);
  if (type.isIndex())
    return std::nullopt; // target dependent; never produced for temporaries
  return std::nullopt;
}

struct PlanArenaPass : impl::PlanArenaPassBase<PlanArenaPass> {
  using Base::Base;

  void runOnOperation() override {
    if (alignment <= 0 || !llvm::isPowerOf2_64(alignment)) {
      getOperation().emitError("kiln-plan-arena: alignment must be a power of two, got ")
          << alignment;
      return signalPassFailure();
    }
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (!func.isExternal() && func.isPublic() && failed(planFunction(func)))
        return signalPassFailure();
  }

  LogicalResult planFunction(func::FuncOp func) {
    // Every allocation, in program order, with its byte size.
    SmallVector<std::pair<Operation *, int64_t>> buffers;
    WalkResult walk = func.walk([&](Operation *op) {
      if (!isa<memref::AllocOp, memref::AllocaOp>(op))
        return WalkResult::advance();
      auto type = cast<MemRefType>(op->getResult(0).getType());
      if (!type.hasStaticShape() || op->getNumOperands() != 0) {
        op->emitError("generated code cannot allocate a buffer of dynamic size ") << type;
        return WalkResult::interrupt();
      }
      if (!type.getLayout().isIdentity()) {
        op->emitError("cannot place a buffer with a non-identity layout in the arena: ")
            << type;
        return WalkResult::interrupt();
      }
      std::optional<int64_t> bytes = elementBytes(type.getElementType());
      if (!bytes) {
        op->emitError("cannot place a buffer of element type ")
            << type.getElementType() << " in the arena";
        return WalkResult::interrupt();
      }
      buffers.push_back({op, type.getNumElements() * *bytes});
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();

    // Bump allocation: every buffer its own aligned range.
    SmallVector<int64_t> offsets;
    int64_t size = 0;
    for (auto &[op, bytes] : buffers) {
      int64_t align = alignment;
      if (auto attr = op->getAttrOfType<IntegerAttr>("alignment"))
        align = std::max<int64_t>(align, attr.getInt());
      size = llvm::alignTo(size, align);
      offsets.push_back(size);
      size += bytes;
    }
    size = llvm::alignTo(size, alignment);

    MLIRContext *ctx = func.getContext();
    OpBuilder b(ctx);
    auto arenaType = MemRefType::get({size}, b.getI8Type());
    unsigned index = func.getNumArguments();
    auto attrs = b.getDictionaryAttr({b.getNamedAttr(kArenaAttr, b.getUnitAttr())});
    if (failed(func.insertArgument(index, arenaType, attrs, func.getLoc())))
      return func.emitError("cannot add the arena argument");
    Value arena = func.getArgument(index);

    for (auto [entry, offset] : llvm::zip(buffers, offsets)) {
      Operation *op = entry.first;
      b.setInsertionPoint(op);
      Value byteShift = arith::ConstantIndexOp::create(b, op->getLoc(), offset);
      Value view = memref::ViewOp::create(b, op->getLoc(), op->getResult(0).getType(), arena,
                                          byteShift, ValueRange{});
      for (Operation *user : llvm::make_early_inc_range(op->getResult(0).getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
      op->getResult(0).replaceAllUsesWith(view);
      op->erase();
    }
    func->setAttr(kArenaSizeAttr, b.getI64IntegerAttr(size));
    func->setAttr(kArenaAlignAttr, b.getI64IntegerAttr(alignment));
    return success();
  }
};

} // namespace
} // namespace kiln
