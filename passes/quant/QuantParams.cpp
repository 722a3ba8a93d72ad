//===- QuantParams.cpp - what the quantization passes read ---------------===//
#include "passes/quant/QuantParams.h"
#include "passes/graph/ConstantData.h"

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

bool isInt8(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType().isSignlessInteger(8);
}

} // namespace kiln
