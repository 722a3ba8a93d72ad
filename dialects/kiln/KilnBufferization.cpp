//===- KilnBufferization.cpp - bufferizing kiln ops -----------------------===//
//
// kiln.micro_kernel is destination-passing: each result is written into its
// output operand, every operand is read. The kernels address plain row-major
// memory, so an operand whose buffer is a strided view (a slice one-shot
// bufferization placed it in) goes through a contiguous copy.
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnBufferization.h"
#include "dialects/kiln/KilnOps.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/DstBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/IR/DialectRegistry.h"

using namespace mlir;
using namespace mlir::bufferization;

namespace kiln {
namespace {

bool isContiguous(Value buffer) {
  auto type = dyn_cast<MemRefType>(buffer.getType());
  return type && memref::isStaticShapeAndContiguousRowMajor(type);
}

Value contiguousAlloc(OpBuilder &b, Location loc, Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  return memref::AllocOp::create(b, loc, MemRefType::get(type.getShape(), type.getElementType()));
}

struct MicroKernelBufferization
    : DstBufferizableOpInterfaceExternalModel<MicroKernelBufferization, MicroKernelOp> {
  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options, BufferizationState &state) const {
    auto kernel = cast<MicroKernelOp>(op);
    Location loc = op->getLoc();
    rewriter.setInsertionPoint(op);
    auto bufferOf = [&](Value v) -> FailureOr<Value> {
      if (!isa<TensorType>(v.getType()))
        return v;
      return getBuffer(rewriter, v, options, state);
    };
    SmallVector<Value> inputs, outputs, results;
    SmallVector<std::pair<Value, Value>> copyBack; // (contiguous temporary, destination)
    for (Value v : kernel.getInputs()) {
      FailureOr<Value> buffer = bufferOf(v);
      if (failed(buffer))
        return failure();
      Value in = *buffer;
      if (!isContiguous(in)) {
        Value copy = contiguousAlloc(rewriter, loc, in);
        memref::CopyOp::create(rewriter, loc, in, copy);
        in = copy;
      }
      inputs.push_back(in);
    }
    for (Value v : kernel.getOutputs()) {
      FailureOr<Value> buffer = bufferOf(v);
      if (failed(buffer))
        return failure();
      results.push_back(*buffer);
      Value out = *buffer;
      if (!isContiguous(out)) {
        // The kernels overwrite their output, so nothing needs copying in.
        out = contiguousAlloc(rewriter, loc, out);
        copyBack.emplace_back(out, *buffer);
      }
      outputs.push_back(out);
    }
    MicroKernelOp::create(rewriter, loc, TypeRange{}, inputs, outputs, kernel.getKernelAttr(),
                          kernel.getParamsAttr());
    for (auto &[from, to] : copyBack)
      memref::CopyOp::create(rewriter, loc, from, to);
    replaceOpWithBufferizedValues(rewriter, op, results);
    return success();
  }
};

} // namespace

void registerKilnBufferizationInterfaces(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, KilnDialect *) {
    MicroKernelOp::attachInterface<MicroKernelBufferization>(*ctx);
  });
}

} // namespace kiln
