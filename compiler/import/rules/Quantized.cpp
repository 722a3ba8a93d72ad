//===- Quantized.cpp - import rules: quantized operators ------------------===//
//
// PyTorch's PT2E quantization operators (`quantized_decomposed::`, FORMATS.md
// §6): quantize/dequantize per tensor (scale and zero point as numbers, or as
// tensors for the `.tensor` overloads) and per channel, and choose_qparams for
// dynamic quantization. They become kiln.quantize, kiln.dequantize and
// kiln.choose_qparams with PyTorch's arithmetic; the quantization passes
// (passes/quant/) fold dequantize -> op -> quantize into integer kernels, and
// what they leave runs in float between its dequantize and quantize (a float
// island, docs/quantization.md).
//
// What a rule refuses, naming the node: a quantization range with
// quant_min > quant_max or outside the dtype, a dtype other than int8,
// uint8, int16 or int32, a scale that is zero, negative or not finite,
// per-channel scales or zero points of the wrong length, and a dequantize
// whose input's dtype is not its `dtype` argument.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/rules/Rules.h"
#include "dialects/kiln/ElementTypes.h"
#include "dialects/kiln/KilnOps.h"
#include "dialects/kiln/MlirElementTypes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;

namespace kiln {
namespace {

using namespace rules;

std::string shapeText(llvm::ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

/// The integer element type of a `ScalarType dtype` argument, or an error.
FailureOr<Type> quantizedType(NodeImport &n) {
  auto code = static_cast<ScalarType>(n.integer("dtype"));
  const ElementType *e = elementTypeOf(code);
  std::string name = e ? e->name : "dtype code " + std::to_string(n.integer("dtype"));
  if (code != ScalarType::Byte && code != ScalarType::Char && code != ScalarType::Short &&
      code != ScalarType::Int)
    return n.emitError() << "cannot quantize to " << name << ": expected int8, uint8 or int32";
  return mlirElementType(*e, n.b.getContext());
}

/// quant_min/quant_max checked against each other and the dtype.
LogicalResult checkRange(NodeImport &n, Type type) {
  int64_t qmin = n.integer("quant_min"), qmax = n.integer("quant_max");
  if (qmin > qmax)
    return n.emitError() << "quant_min " << qmin << " exceeds quant_max " << qmax;
  unsigned bits = type.getIntOrFloatBitWidth();
  int64_t lo = -(int64_t(1) << (bits - 1)), hi = (int64_t(1) << (bits - 1)) - 1;
  if (type.isUnsignedInteger()) {
    lo = 0;
    hi = (int64_t(1) << bits) - 1;
  }
  if (qmin < lo || qmax > hi)
    return n.emitError() << "quantization range [" << qmin << ", " << qmax << "] does not fit "
                         << torchDtypeName(type) << " [" << lo << ", " << hi << "]";
  return success();
}

LogicalResult checkScale(NodeImport &n, double scale) {
  if (!(scale > 0) || !std::isfinite(scale))
    return n.emitError() << "the quantization scale must be positive and finite, got " << scale;
  return success();
}

/// A per-tensor scale and zero point given as numbers: rank-0 f64 and i64
/// constants.
std::pair<Value, Value> numberParams(NodeImport &n, double scale, int64_t zeroPoint) {
  return {scalarConstant(n, n.b.getF64Type(), scale),
          scalarConstant(n, n.b.getI64Type(), static_cast<double>(zeroPoint))};
}

/// A per-tensor scale or zero point given as a tensor (the `.tensor`
/// overloads): one element, as a rank-0 tensor of `type` (PyTorch takes
/// `.item()`, a Python number).
FailureOr<Value> oneElement(NodeImport &n, llvm::StringRef name, Type type) {
  Value v = n.tensor(name);
  RankedTensorType t = typeOf(v);
  if (t.getNumElements() != 1)
    return n.emitError() << "'" << name << "' must have one element, got shape "
                         << shapeText(t.getShape());
  return castTo(n, reshapeTo(n, v, {}), type);
}

/// The scale of a per-tensor `.tensor` overload, checked when it is a
/// constant.
LogicalResult checkConstantScales(NodeImport &n, Value scales) {
  DenseElementsAttr values;
  if (!matchPattern(scales, m_Constant(&values)) || !isa<FloatType>(values.getElementType()))
    return success();
  for (APFloat v : values.getValues<APFloat>())
    if (failed(checkScale(n, v.convertToDouble())))
      return failure();
  return success();
}

/// Per-channel scales and zero points: rank 1 with one entry per index of
/// `axis` of `data`; scales f32 or f64, zero points integers (as i64).
FailureOr<std::tuple<Value, Value, int64_t>> channelParams(NodeImport &n, Value data) {
  int64_t rank = typeOf(data).getRank();
  auto axis = normalizeDim(n, n.integer("axis"), rank);
  if (failed(axis))
    return failure();
  int64_t channels = typeOf(data).getDimSize(*axis);
  Value scales = n.tensor("scales");
  RankedTensorType st = typeOf(scales);
  if (st.getRank() != 1 || st.getDimSize(0) != channels)
    return n.emitError() << "per-channel scales must have shape [" << channels << "] (dimension "
                         << *axis << " of the input), got " << shapeText(st.getShape());
  if (!isa<FloatType>(st.getElementType()))
    return n.emitError() << "per-channel scales must be floats";
  if (!st.getElementType().isF32() && !st.getElementType().isF64())
    scales = castTo(n, scales, n.b.getF32Type());
  if (failed(checkConstantScales(n, scales)))
    return failure();
  Value zeroPoints;
  if (n.isNone("zero_points")) {
    zeroPoints = filledConstant(n, n.b.getI64Type(), channels, 0);
  } else {
    zeroPoints = n.tensor("zero_points");
    RankedTensorType zt = typeOf(zeroPoints);
    if (zt.getRank() != 1 || zt.getDimSize(0) != channels)
      return n.emitError() << "per-channel zero points must have shape [" << channels << "], got "
                           << shapeText(zt.getShape());
    if (isa<FloatType>(zt.getElementType()))
      return n.emitError() << "per-channel zero points must be integers";
    zeroPoints = castTo(n, zeroPoints, n.b.getI64Type());
  }
  return std::make_tuple(scales, zeroPoints, *axis);
}

/// Quantize ops consume floats (bfloat16/float16 are computed in float32,
/// as PyTorch upcasts them).
Value floatInput(NodeImport &n) {
  Value input = n.tensor("input");
  Type t = typeOf(input).getElementType();
  if (!t.isF32() && !t.isF64())
    input = castTo(n, input, n.b.getF32Type());
  return input;
}

LogicalResult requireFloatInput(NodeImport &n) {
  if (!isa<FloatType>(typeOf(n.tensor("input")).getElementType()))
    return n.emitError() << "quantize expects a float input, got "
                         << torchDtypeName(typeOf(n.tensor("input")).getElementType());
  return success();
}

/// The declared result of a quantize must be of the dtype argument's type.
LogicalResult checkQuantizedResult(NodeImport &n, Type type) {
  if (failed(requireResult(n, 0)))
    return failure();
  if (n.resultType(0).getElementType() != type)
    return n.emitError() << "the file declares a "
                         << torchDtypeName(n.resultType(0).getElementType())
                         << " result for a quantization to " << torchDtypeName(type);
  return success();
}

/// The per-tensor scale and zero point of quantize/dequantize_per_tensor:
/// numbers (`.default`) or one-element tensors (`.tensor`), as rank-0 f64
/// and i64 values, the scale checked where it is known.
template <bool TensorParams> FailureOr<std::pair<Value, Value>> perTensorParams(NodeImport &n) {
  if constexpr (TensorParams) {
    auto s = oneElement(n, "scale", n.b.getF64Type());
    auto z = oneElement(n, "zero_point", n.b.getI64Type());
    if (failed(s) || failed(z) || failed(checkConstantScales(n, *s)))
      return failure();
    return std::make_pair(*s, *z);
  } else {
    if (failed(checkScale(n, *n.number("scale"))))
      return failure();
    return numberParams(n, *n.number("scale"), n.integer("zero_point"));
  }
}

Value buildQuantize(NodeImport &n, Value input, Value scale, Value zeroPoint,
                    std::optional<int64_t> axis) {
  return QuantizeOp::create(n.b, n.loc, n.resultType(0), input, scale, zeroPoint,
                            axis ? n.b.getI64IntegerAttr(*axis) : IntegerAttr(),
                            n.b.getI64IntegerAttr(n.integer("quant_min")),
                            n.b.getI64IntegerAttr(n.integer("quant_max")));
}

/// quantize_per_tensor(input, float scale, int zero_point, quant_min,
/// quant_max, dtype) and `.tensor` (scale and zero point as tensors).
template <bool TensorParams> LogicalResult importQuantizePerTensor(NodeImport &n) {
  auto type = quantizedType(n);
  if (failed(type) || failed(checkRange(n, *type)) || failed(requireFloatInput(n)) ||
      failed(checkQuantizedResult(n, *type)))
    return failure();
  auto params = perTensorParams<TensorParams>(n);
  if (failed(params))
    return failure();
  n.results = {buildQuantize(n, floatInput(n), params->first, params->second, std::nullopt)};
  return success();
}

LogicalResult importQuantizePerChannel(NodeImport &n) {
  auto type = quantizedType(n);
  if (failed(type) || failed(checkRange(n, *type)) || failed(requireFloatInput(n)) ||
      failed(checkQuantizedResult(n, *type)))
    return failure();
  Value input = floatInput(n);
  auto params = channelParams(n, input);
  if (failed(params))
    return failure();
  auto [scales, zeroPoints, axis] = *params;
  n.results = {buildQuantize(n, input, scales, zeroPoints, axis)};
  return success();
}

/// The checks every dequantize makes: the input is of the dtype argument's
/// type, the range fits it, the result is a float (`out_dtype`, float32
/// when None).
LogicalResult checkDequantize(NodeImport &n) {
  auto type = quantizedType(n);
  if (failed(type) || failed(checkRange(n, *type)) || failed(requireResult(n, 0)))
    return failure();
  Type inputType = typeOf(n.tensor("input")).getElementType();
  if (inputType != *type)
    return n.emitError() << "dequantize of a " << torchDtypeName(inputType)
                         << " tensor declared as " << torchDtypeName(*type);
  if (!isa<FloatType>(n.resultType(0).getElementType()))
    return n.emitError() << "dequantize must produce floats, the file declares "
                         << torchDtypeName(n.resultType(0).getElementType());
  return success();
}

Value buildDequantize(NodeImport &n, Value scale, Value zeroPoint, std::optional<int64_t> axis) {
  return DequantizeOp::create(n.b, n.loc, n.resultType(0), n.tensor("input"), scale, zeroPoint,
                              axis ? n.b.getI64IntegerAttr(*axis) : IntegerAttr(),
                              n.b.getI64IntegerAttr(n.integer("quant_min")),
                              n.b.getI64IntegerAttr(n.integer("quant_max")));
}

template <bool TensorParams> LogicalResult importDequantizePerTensor(NodeImport &n) {
  if (failed(checkDequantize(n)))
    return failure();
  auto params = perTensorParams<TensorParams>(n);
  if (failed(params))
    return failure();
  n.results = {buildDequantize(n, params->first, params->second, std::nullopt)};
  return success();
}

LogicalResult importDequantizePerChannel(NodeImport &n) {
  if (failed(checkDequantize(n)))
    return failure();
  auto params = channelParams(n, n.tensor("input"));
  if (failed(params))
    return failure();
  auto [scales, zeroPoints, axis] = *params;
  n.results = {buildDequantize(n, scales, zeroPoints, axis)};
  return success();
}

/// choose_qparams.tensor(input, quant_min, quant_max, eps, dtype) ->
/// (scale f64[1], zero_point i64[1]).
LogicalResult importChooseQParams(NodeImport &n) {
  auto type = quantizedType(n);
  if (failed(type) || failed(checkRange(n, *type)) || failed(requireFloatInput(n)))
    return failure();
  if (n.integer("quant_min") == n.integer("quant_max"))
    return n.emitError() << "choose_qparams needs quant_min < quant_max";
  double eps = *n.number("eps");
  if (!(eps >= 0) || !std::isfinite(eps))
    return n.emitError() << "eps must be non-negative and finite, got " << eps;
  auto scaleType = RankedTensorType::get({1}, n.b.getF64Type());
  auto zeroPointType = RankedTensorType::get({1}, n.b.getI64Type());
  for (unsigned i = 0; i < 2; ++i)
    if (n.resultType(i) && n.resultType(i) != (i == 0 ? scaleType : zeroPointType))
      return n.emitError() << "choose_qparams returns f64[1] and i64[1]; the file declares "
                           << n.resultType(i);
  auto op = ChooseQParamsOp::create(n.b, n.loc, scaleType, zeroPointType, floatInput(n),
                                    n.b.getI64IntegerAttr(n.integer("quant_min")),
                                    n.b.getI64IntegerAttr(n.integer("quant_max")),
                                    n.b.getF64FloatAttr(eps));
  n.results = {op.getScale(), op.getZeroPoint()};
  return success();
}

const ImportRule kRules[] = {
    {"quantized_decomposed::quantize_per_tensor", importQuantizePerTensor<false>, RuleDtypes::Any},
    {"quantized_decomposed::quantize_per_tensor.tensor", importQuantizePerTensor<true>,
     RuleDtypes::Any},
    {"quantized_decomposed::dequantize_per_tensor", importDequantizePerTensor<false>,
     RuleDtypes::Any},
    {"quantized_decomposed::dequantize_per_tensor.tensor", importDequantizePerTensor<true>,
     RuleDtypes::Any},
    {"quantized_decomposed::quantize_per_channel", importQuantizePerChannel, RuleDtypes::Any},
    {"quantized_decomposed::dequantize_per_channel", importDequantizePerChannel, RuleDtypes::Any},
    {"quantized_decomposed::choose_qparams.tensor", importChooseQParams, RuleDtypes::Any},
};

} // namespace

llvm::ArrayRef<ImportRule> rules::quantizedRules() { return kRules; }

} // namespace kiln
