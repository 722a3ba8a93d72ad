//===- QuantizeUInt8.cpp - the kiln-quantize-uint8 pass -------------------===//
//
// uint8 quantization (PyTorch's default activation dtype outside XNNPACK's
// configuration, e.g. the X86InductorQuantizer's) is int8 quantization with
// every integer shifted by 128: for a uint8 value u = i + 128,
//
//   quantize:   clamp(round(x / s) + zp, qmin, qmax) - 128
//             = clamp(round(x / s) + (zp - 128), qmin - 128, qmax - 128)
//   dequantize: (u - zp) * s = (i - (zp - 128)) * s
//
// so a uint8 quantize and the dequantizes of its result become int8 ones
// with the zero points and ranges less 128, and every integer fold and
// kernel serves both. The uint8 values themselves are never observable in
// such a pair; where they would be (a uint8 quantized tensor used by an op
// other than a dequantize, or a dequantize of a uint8 tensor that no
// quantize produced), the pass reports the op and fails.
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_QUANTIZEUINT8PASS
#include "passes/Passes.h.inc"

namespace {

bool isUInt8(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType().isUnsignedInteger(8);
}

/// `zeroPoint - 128`: a constant where it is one, else a kiln.sub (the
/// run-time zero point of dynamic quantization).
Value shiftedZeroPoint(OpBuilder &b, Location loc, Value zeroPoint) {
  auto type = cast<RankedTensorType>(zeroPoint.getType());
  DenseIntElementsAttr values;
  if (matchPattern(zeroPoint, m_Constant(&values))) {
    SmallVector<APInt> shifted;
    for (APInt v : values.getValues<APInt>())
      shifted.push_back(v - 128);
    return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, shifted));
  }
  auto scalarType = RankedTensorType::get({}, type.getElementType());
  Value offset = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(scalarType, APInt(type.getElementTypeBitWidth(), 128)));
  return SubOp::create(b, loc, type, zeroPoint, offset);
}

struct QuantizeUInt8Pass : impl::QuantizeUInt8PassBase<QuantizeUInt8Pass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<QuantizeOp> quantizes;
    bool ok = true;
    getOperation()->walk([&](Operation *op) {
      if (auto q = dyn_cast<QuantizeOp>(op)) {
        if (!isUInt8(q.getResult()))
          return;
        quantizes.push_back(q);
        for (Operation *user : q->getUsers())
          if (!isa<DequantizeOp>(user)) {
            user->emitError() << "a uint8 quantized tensor is used by " << user->getName()
                              << ": Kiln computes uint8 quantization only between a quantize "
                                 "and its dequantizes (export with int8 otherwise)";
            ok = false;
          }
      } else if (auto dq = dyn_cast<DequantizeOp>(op)) {
        if (isUInt8(dq.getInput()) && !dq.getInput().getDefiningOp<QuantizeOp>()) {
          dq.emitError() << "dequantize of a uint8 tensor that no quantize produced (a uint8 "
                            "input or constant) is not supported: Kiln computes uint8 "
                            "quantization only between a quantize and its dequantizes";
          ok = false;
        }
      }
    });
    if (!ok)
      return signalPassFailure();

    for (QuantizeOp q : quantizes) {
      OpBuilder b(q);
      auto i8Type = RankedTensorType::get(q.getType().getShape(), b.getIntegerType(8));
      auto shift = [&](uint64_t v) { return b.getI64IntegerAttr(static_cast<int64_t>(v) - 128); };
      Value quantized =
          QuantizeOp::create(b, q.getLoc(), i8Type, q.getInput(), q.getScale(),
                             shiftedZeroPoint(b, q.getLoc(), q.getZeroPoint()), q.getAxisAttr(),
                             shift(q.getQuantMin()), shift(q.getQuantMax()));
      for (Operation *user : llvm::make_early_inc_range(q->getUsers())) {
        auto dq = cast<DequantizeOp>(user);
        OpBuilder db(dq);
        Value dequantized = DequantizeOp::create(
            db, dq.getLoc(), dq.getType(), quantized, dq.getScale(),
            shiftedZeroPoint(db, dq.getLoc(), dq.getZeroPoint()), dq.getAxisAttr(),
            shift(dq.getQuantMin()), shift(dq.getQuantMax()));
        dq.getResult().replaceAllUsesWith(dequantized);
        dq.erase();
      }
      q.erase();
    }
  }
};

} // namespace

} // namespace kiln
