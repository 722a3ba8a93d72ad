//===- QuantizeConvLinear.cpp - the kiln-quantize-conv-linear pass --------===//
//
// dequantize -> conv2d/linear [-> relu/relu6/clamp] -> quantize becomes one
// kiln.qconv2d / kiln.qlinear (Passes.td says what is folded and what is
// left alone). The parameters are computed from the float32 values PyTorch's
// Q/DQ graph computes with: the input and weight scales as float32, the
// output's reciprocal as float32(1 / scale).
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/graph/ConstantData.h"
#include "passes/quant/QuantParams.h"
#include "passes/quant/Requantize.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>
#include <cstring>

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_QUANTIZECONVLINEARPASS
#include "passes/Passes.h.inc"

namespace {

struct QuantizeConvLinearPass : impl::QuantizeConvLinearPassBase<QuantizeConvLinearPass> {
  using Base::Base;

  void runOnOperation() override {
    forEachQuantize(getOperation(), [&](QuantizeOp q) { return fold(q); });
  }

  /// The activation between the conv/linear and the quantize, as float
  /// bounds: a fused attribute, or a relu/clamp op with one user.
  static std::optional<std::pair<std::optional<double>, std::optional<double>>>
  activationBounds(std::optional<StringRef> activation) {
    using Bounds = std::pair<std::optional<double>, std::optional<double>>;
    if (!activation)
      return Bounds{};
    if (*activation == "relu")
      return Bounds{0.0, std::nullopt};
    if (*activation == "relu6")
      return Bounds{0.0, 6.0};
    return std::nullopt;
  }

  LogicalResult fold(QuantizeOp q) {
    auto out = int8PerTensorParams(q);
    if (!out)
      return failure();
    double outScale = out->scales[0];
    int64_t outZeroPoint = out->zeroPoints[0];

    // Walk up through an unfused activation.
    ActivationBounds act = activationProducing(q.getInput());
    std::optional<double> lo = act.lo, hi = act.hi;
    Operation *producer = q.getInput().getDefiningOp();
    if (act.op)
      producer = act.op->getOperand(0).getDefiningOp();
    if (!producer || !producer->hasOneUse() || (act.op && !act.op->hasOneUse()))
      return failure();

    std::optional<StringRef> activation;
    Value input, weight, bias;
    if (auto conv = dyn_cast<Conv2dOp>(producer)) {
      activation = conv.getActivation();
      input = conv.getInput();
      weight = conv.getWeight();
      bias = conv.getBias();
    } else if (auto linear = dyn_cast<LinearOp>(producer)) {
      activation = linear.getActivation();
      input = linear.getInput();
      weight = linear.getWeight();
      bias = linear.getBias();
    } else {
      return failure();
    }
    auto bounds = activationBounds(activation);
    if (!bounds || (activation && act.op))
      return failure();
    if (activation)
      std::tie(lo, hi) = *bounds;

    // The input: a per-tensor dequantize of int8.
    auto dqx = input.getDefiningOp<DequantizeOp>();
    if (!dqx)
      return failure();
    auto in = int8PerTensorParams(dqx);
    if (!in)
      return failure();
    // The weight: a dequantize of a constant int8 tensor, symmetric, per
    // tensor or per output channel.
    auto dqw = weight.getDefiningOp<DequantizeOp>();
    if (!dqw || !isInt8(dqw.getInput()) || !matchPattern(dqw.getInput(), m_Constant()))
      return failure();
    auto w = constantParams(dqw);
    if (!w || (w->perChannel && *dqw.getAxis() != 0) ||
        llvm::any_of(w->zeroPoints, [](int64_t z) { return z != 0; }))
      return failure();
    int64_t channels = cast<RankedTensorType>(weight.getType()).getDimSize(0);
    std::vector<double> weightScales =
        w->perChannel ? w->scales : std::vector<double>(channels, w->scales[0]);
    if (bias && !matchPattern(bias, m_Constant()))
      return failure();

    // The multipliers, from the float32 values PyTorch multiplies with.
    double sx = static_cast<float>(in->scales[0]);
    double invOut = static_cast<float>(1.0 / outScale);
    SmallVector<int32_t> multipliers, shifts;
    for (double sw : weightScales) {
      FixedPointMultiplier m = quantizeMultiplier(sx * static_cast<float>(sw) * invOut);
      if (m.multiplier == 0 || m.shift > 0) // m >= 1 or underflow: leave it in float
        return failure();
      multipliers.push_back(m.multiplier);
      shifts.push_back(m.shift);
    }
    // The output range: the quantize's, narrowed by the activation (quantizing
    // is monotonic, so clamping before it is clamping after it).
    auto [outMin, outMax] = outputRange(q, *out, lo, hi);

    OpBuilder b(q);
    Location loc = producer->getLoc();
    Value intBias;
    SmallVector<int32_t> remainders(channels, 0);
    if (bias) {
      std::optional<ConstantData> data = readConstant(bias);
      std::optional<std::vector<double>> values = data ? data->asDoubles() : std::nullopt;
      if (!values)
        return failure();
      std::vector<char> bytes(values->size() * 4);
      for (size_t c = 0; c < values->size(); ++c) {
        double scaled = double(static_cast<float>((*values)[c])) /
                        (sx * double(static_cast<float>(weightScales[c])));
        double r = std::nearbyint(scaled);
        r = std::min(std::max(r, -2147483648.0), 2147483647.0);
        remainders[c] = biasRemainder(scaled, {multipliers[c], shifts[c]});
        auto v = static_cast<int32_t>(r);
        std::memcpy(bytes.data() + c * 4, &v, 4);
      }
      auto type = RankedTensorType::get({channels}, b.getI32Type());
      intBias = makeRawConstant(b, loc, type, bytes, "qbias");
    }
    // The bias's fractions below the int32 bias, in the requantization's
    // product units (none when they are all zero: no bias, or an exact one).
    DenseI32ArrayAttr remainderAttr;
    if (llvm::any_of(remainders, [](int32_t r) { return r != 0; }))
      remainderAttr = b.getDenseI32ArrayAttr(remainders);
    auto resultType = cast<RankedTensorType>(q.getType());
    Value folded;
    if (auto conv = dyn_cast<Conv2dOp>(producer)) {
      folded = QConv2dOp::create(
          b, loc, resultType, dqx.getInput(), dqw.getInput(), intBias, conv.getStrideAttr(),
          conv.getPaddingAttr(), conv.getDilationAttr(), conv.getGroupsAttr(),
          b.getI64IntegerAttr(in->zeroPoints[0]), b.getI64IntegerAttr(outZeroPoint),
          b.getDenseI32ArrayAttr(multipliers), b.getDenseI32ArrayAttr(shifts),
          b.getI64IntegerAttr(outMin), b.getI64IntegerAttr(outMax), remainderAttr);
    } else {
      folded = QLinearOp::create(
          b, loc, resultType, dqx.getInput(), dqw.getInput(), intBias,
          b.getI64IntegerAttr(in->zeroPoints[0]), b.getI64IntegerAttr(outZeroPoint),
          b.getDenseI32ArrayAttr(multipliers), b.getDenseI32ArrayAttr(shifts),
          b.getI64IntegerAttr(outMin), b.getI64IntegerAttr(outMax), remainderAttr);
    }
    q.getResult().replaceAllUsesWith(folded);
    q.erase();
    if (act.op)
      act.op->erase();
    producer->erase();
    return success();
  }
};

} // namespace

} // namespace kiln
