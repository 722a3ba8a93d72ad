//===- LowerMicroKernels.cpp - the kiln-lower-micro-kernels pass ----------===//
//
// kiln.micro_kernel on memrefs -> func.call @kiln_uk_<kernel>(ptr..., i32...).
// See Passes.td.
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_LOWERMICROKERNELSPASS
#include "passes/Passes.h.inc"

namespace {

struct LowerMicroKernelsPass : impl::LowerMicroKernelsPassBase<LowerMicroKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<MicroKernelOp> kernels;
    module.walk([&](MicroKernelOp op) { kernels.push_back(op); });
    OpBuilder b(ctx);
    Type ptrType = LLVM::LLVMPointerType::get(ctx);
    Type intType = b.getIntegerType(indexBitwidth);
    for (MicroKernelOp op : kernels) {
      Location loc = op.getLoc();
      if (!op.getResults().empty() ||
          !llvm::all_of(op.getOperandTypes(), [](Type t) { return isa<MemRefType>(t); })) {
        op.emitOpError("must be bufferized before kiln-lower-micro-kernels");
        return signalPassFailure();
      }
      std::string name = ("kiln_uk_" + op.getKernel()).str();
      SmallVector<Type> argTypes(op->getNumOperands(), ptrType);
      argTypes.append(op.getParams().size(), b.getI32Type());
      auto fnType = FunctionType::get(ctx, argTypes, {});
      auto callee = module.lookupSymbol<func::FuncOp>(name);
      if (!callee) {
        b.setInsertionPointToStart(module.getBody());
        callee = func::FuncOp::create(b, loc, name, fnType);
        callee.setPrivate();
      } else if (callee.getFunctionType() != fnType) {
        op.emitOpError("calls '") << name << "' with another signature than its declaration";
        return signalPassFailure();
      }
      b.setInsertionPoint(op);
      SmallVector<Value> args;
      for (Value buffer : op->getOperands()) {
        // The first element's address: aligned base + offset * element bytes.
        auto type = cast<MemRefType>(buffer.getType());
        int64_t bytes = type.getElementTypeBitWidth() / 8;
        auto metadata = memref::ExtractStridedMetadataOp::create(b, loc, buffer);
        Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer);
        Value offset = arith::MulIOp::create(b, loc, metadata.getOffset(),
                                             arith::ConstantIndexOp::create(b, loc, bytes));
        Value address = arith::AddIOp::create(b, loc, base, offset);
        Value asInt = arith::IndexCastOp::create(b, loc, intType, address);
        args.push_back(LLVM::IntToPtrOp::create(b, loc, ptrType, asInt));
      }
      for (int64_t p : op.getParams())
        args.push_back(arith::ConstantIntOp::create(b, loc, p, 32));
      func::CallOp::create(b, loc, callee, args);
      op.erase();
    }
  }
};

} // namespace
} // namespace kiln
