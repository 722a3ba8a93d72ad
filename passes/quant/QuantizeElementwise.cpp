//===- QuantizeElementwise.cpp - the kiln-quantize-elementwise pass -------===//
//
// quantize(f(dequantize(x))) for an int8 x and an elementwise f has 256
// possible inputs: the pass computes the result for each at compile time and
// replaces the pattern by kiln.lookup. The table is computed as PyTorch's
// Q/DQ graph computes the pattern (dequantize, f and quantize in float32,
// quantized_decomposed's and ATen's CPU formulas), so the result equals
// PyTorch's wherever its float32 f agrees with the one here (exactly for
// relu, clamp, hardswish and hardsigmoid; to within its last bit for the
// transcendental sigmoid and tanh).
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/quant/QuantParams.h"

#include <cmath>
#include <functional>

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_QUANTIZEELEMENTWISEPASS
#include "passes/Passes.h.inc"

namespace {

using ScalarFn = std::function<float(float)>;

/// The float32 function of one elementwise op, as ATen's CPU kernel computes
/// it; nullptr for an op the pass does not tabulate.
ScalarFn scalarFunction(Operation *op) {
  if (isa<ReluOp>(op))
    return [](float x) { return std::fmax(x, 0.0f); };
  if (auto clamp = dyn_cast<ClampOp>(op)) {
    std::optional<float> lo, hi;
    if (clamp.getMin())
      lo = static_cast<float>(clamp.getMin()->convertToDouble());
    if (clamp.getMax())
      hi = static_cast<float>(clamp.getMax()->convertToDouble());
    return [lo, hi](float x) {
      if (lo)
        x = std::fmax(x, *lo);
      if (hi)
        x = std::fmin(x, *hi);
      return x;
    };
  }
  if (isa<HardSwishOp>(op))
    return [](float x) { return x * std::fmin(std::fmax(x + 3.0f, 0.0f), 6.0f) / 6.0f; };
  if (isa<HardSigmoidOp>(op))
    return [](float x) { return std::fmin(std::fmax(x + 3.0f, 0.0f), 6.0f) / 6.0f; };
  if (isa<SigmoidOp>(op))
    return [](float x) { return 1.0f / (1.0f + std::exp(-x)); };
  if (isa<TanhOp>(op))
    return [](float x) { return std::tanh(x); };
  return nullptr;
}

struct QuantizeElementwisePass : impl::QuantizeElementwisePassBase<QuantizeElementwisePass> {
  using Base::Base;

  void runOnOperation() override {
    forEachQuantize(getOperation(), [&](QuantizeOp q) { return fold(q); });
  }

  LogicalResult fold(QuantizeOp q) {
    auto out = int8PerTensorParams(q);
    if (!out)
      return failure();
    // The chain of elementwise ops up to a dequantize, each used once.
    SmallVector<Operation *> chain;
    SmallVector<ScalarFn> functions;
    Value v = q.getInput();
    DequantizeOp dq;
    while (true) {
      Operation *op = v.getDefiningOp();
      if (!op)
        return failure();
      if ((dq = dyn_cast<DequantizeOp>(op)))
        break;
      ScalarFn f = scalarFunction(op);
      if (!f || !op->hasOneUse() ||
          !cast<RankedTensorType>(op->getResult(0).getType()).getElementType().isF32())
        return failure();
      chain.push_back(op);
      functions.push_back(f);
      v = op->getOperand(0);
    }
    if (chain.empty())
      return failure();
    auto in = int8PerTensorParams(dq);
    if (!in || !cast<RankedTensorType>(dq.getType()).getElementType().isF32())
      return failure();

    // The table: every int8 input through dequantize, the chain (innermost
    // first) and quantize.
    OpBuilder b(q);
    Value lookup = tabulate(b, chain.front()->getLoc(), dq.getInput(), *in, *out,
                            static_cast<int64_t>(q.getQuantMin()),
                            static_cast<int64_t>(q.getQuantMax()), [&](float x) {
                              for (auto f = functions.rbegin(); f != functions.rend(); ++f)
                                x = (*f)(x);
                              return x;
                            });
    q.getResult().replaceAllUsesWith(lookup);
    q.erase();
    for (Operation *op : chain)
      op->erase();
    return success();
  }
};

} // namespace

} // namespace kiln
