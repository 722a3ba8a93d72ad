//===- QuantParams.cpp - what the quantization passes read ---------------===//
#include "passes/quant/QuantParams.h"
#include "passes/graph/ConstantData.h"
#include "passes/quant/Requantize.h"

#include <algorithm>

#include <cmath>
#include <cstring>

using namespace mlir;

namespace kiln {

/// The integer elements of a constant (i8 ... i64), or std::nullopt.
static std::optional<std::vector<int64_t>> intValues(Value v) {
  std::optional<ConstantData> data = readConstant(v);
  if (!data || !data->type.getElementType().isSignlessInteger())
    return std::nullopt;
  std::vector<int64_t> values;
  for (int64_t i = 0; i < data->numElements(); ++i) {
    const char *p = data->bytes.data() + i * data->elementBytes;
    int64_t x = 0;
    switch (data->elementBytes) {
    case 1:
      x = static_cast<int8_t>(*p);
      break;
    case 2: {
      int16_t v16;
      std::memcpy(&v16, p, 2);
      x = v16;
      break;
    }
    case 4: {
      int32_t v32;
      std::memcpy(&v32, p, 4);
      x = v32;
      break;
    }
    case 8:
      std::memcpy(&x, p, 8);
      break;
    default:
      return std::nullopt;
    }
    values.push_back(x);
  }
  return values;
}

template <typename OpTy> static std::optional<QuantParams> readParams(OpTy op) {
  std::optional<ConstantData> scales = readConstant(op.getScale());
  std::optional<std::vector<int64_t>> zeroPoints = intValues(op.getZeroPoint());
  if (!scales || !zeroPoints)
    return std::nullopt;
  std::optional<std::vector<double>> s = scales->asDoubles();
  if (!s)
    return std::nullopt;
  for (double v : *s)
    if (!(v > 0) || !std::isfinite(v))
      return std::nullopt;
  return QuantParams{*s, *zeroPoints, op.getAxis().has_value()};
}

std::optional<QuantParams> constantParams(QuantizeOp op) { return readParams(op); }
std::optional<QuantParams> constantParams(DequantizeOp op) { return readParams(op); }

std::optional<QuantParams> int8PerTensorParams(QuantizeOp op) {
  auto params = constantParams(op);
  if (!params || params->perChannel || !isInt8(op.getResult()))
    return std::nullopt;
  return params;
}

std::optional<QuantParams> int8PerTensorParams(DequantizeOp op) {
  auto params = constantParams(op);
  if (!params || params->perChannel || !isInt8(op.getInput()))
    return std::nullopt;
  return params;
}

ActivationBounds activationProducing(Value v) {
  ActivationBounds bounds;
  Operation *op = v.getDefiningOp();
  if (auto relu = dyn_cast_or_null<ReluOp>(op)) {
    bounds.op = relu;
    bounds.lo = 0.0;
  } else if (auto clamp = dyn_cast_or_null<ClampOp>(op)) {
    bounds.op = clamp;
    if (clamp.getMin())
      bounds.lo = clamp.getMin()->convertToDouble();
    if (clamp.getMax())
      bounds.hi = clamp.getMax()->convertToDouble();
  }
  return bounds;
}

std::pair<int64_t, int64_t> outputRange(QuantizeOp q, const QuantParams &out,
                                        std::optional<double> lo, std::optional<double> hi) {
  int64_t qmin = static_cast<int64_t>(q.getQuantMin());
  int64_t qmax = static_cast<int64_t>(q.getQuantMax());
  int64_t outMin = qmin, outMax = qmax;
  if (lo)
    outMin = std::max(outMin, quantizeFloat(static_cast<float>(*lo), out.scales[0],
                                            out.zeroPoints[0], qmin, qmax));
  if (hi)
    outMax = std::min(outMax, quantizeFloat(static_cast<float>(*hi), out.scales[0],
                                            out.zeroPoints[0], qmin, qmax));
  return {outMin, outMax};
}

std::optional<BinaryPattern> matchBinary(QuantizeOp q, llvm::function_ref<bool(Operation *)> isOp) {
  BinaryPattern p;
  auto out = int8PerTensorParams(q);
  if (!out)
    return std::nullopt;
  p.act = activationProducing(q.getInput());
  Operation *producer = q.getInput().getDefiningOp();
  if (p.act.op) {
    if (!p.act.op->hasOneUse())
      return std::nullopt;
    producer = p.act.op->getOperand(0).getDefiningOp();
  }
  if (!producer || !isOp(producer) || producer->getNumOperands() != 2 || !producer->hasOneUse() ||
      !cast<RankedTensorType>(producer->getResult(0).getType()).getElementType().isF32())
    return std::nullopt;
  p.op = producer;
  p.lhs = producer->getOperand(0).getDefiningOp<DequantizeOp>();
  p.rhs = producer->getOperand(1).getDefiningOp<DequantizeOp>();
  if (!p.lhs || !p.rhs)
    return std::nullopt;
  auto pa = int8PerTensorParams(p.lhs), pb = int8PerTensorParams(p.rhs);
  if (!pa || !pb)
    return std::nullopt;
  p.lhsParams = *pa;
  p.rhsParams = *pb;
  p.out = *out;
  p.range = outputRange(q, *out, p.act.lo, p.act.hi);
  return p;
}

void BinaryPattern::replace(QuantizeOp q, Value folded) {
  q.getResult().replaceAllUsesWith(folded);
  q.erase();
  if (act.op)
    act.op->erase();
  op->erase();
}

double BinaryPattern::productScale() const {
  return double(static_cast<float>(lhsParams.scales[0])) *
         double(static_cast<float>(rhsParams.scales[0])) *
         double(static_cast<float>(1.0 / out.scales[0]));
}

Value tabulate(OpBuilder &b, Location loc, Value input, const QuantParams &in,
               const QuantParams &out, int64_t qmin, int64_t qmax,
               llvm::function_ref<float(float)> f) {
  std::vector<char> table(256);
  for (int i = -128; i <= 127; ++i) {
    float x = f(dequantizeInt(i, in.scales[0], in.zeroPoints[0]));
    table[i + 128] = static_cast<char>(
        static_cast<int8_t>(quantizeFloat(x, out.scales[0], out.zeroPoints[0], qmin, qmax)));
  }
  Type i8 = b.getIntegerType(8);
  Value constant = makeRawConstant(b, loc, RankedTensorType::get({256}, i8), table, "lookup");
  auto type = RankedTensorType::get(cast<RankedTensorType>(input.getType()).getShape(), i8);
  return LookupOp::create(b, loc, type, input, constant);
}

Value requantizeInt8(OpBuilder &b, Location loc, Value input, const QuantParams &in,
                     const QuantParams &out, int64_t qmin, int64_t qmax) {
  if (in.scales[0] == out.scales[0] && in.zeroPoints[0] == out.zeroPoints[0] && qmin <= -128 &&
      qmax >= 127)
    return input;
  return tabulate(b, loc, input, in, out, qmin, qmax, [](float x) { return x; });
}

bool isInt8(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType().isSignlessInteger(8);
}

} // namespace kiln
