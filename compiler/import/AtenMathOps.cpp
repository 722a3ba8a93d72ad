//===- AtenMathOps.cpp - import rules for elementwise math ----------------===//
//
// Arithmetic, comparisons, logical and bitwise operators, elementwise math
// functions and dtype conversions. These rules apply PyTorch's type
// promotion: operands are converted to the type the operation computes in
// (the declared result type for arithmetic, torch.result_type of the
// operands for comparisons) before the kiln op is built.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/AtenHelpers.h"
#include "dialects/kiln/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace kiln {
namespace {

using namespace aten;

/// The other operand's element type for promotion: a tensor's, or a Scalar
/// argument's number type.
SmallVector<Type> numberTypes(NodeImport &n, StringRef name) {
  if (n.tensor(name))
    return {};
  return {numberType(n, name)};
}

/// Element types the arithmetic ops compute in; booleans are refused by
/// the callers that have no boolean meaning.
bool isBool(Type t) { return t.isInteger(1); }

//===----------------------------------------------------------------------===//
// Arithmetic
//===----------------------------------------------------------------------===//

/// self (+|-) alpha * other, every overload (Tensor, Scalar, in-place, rsub).
/// On booleans add is logical or (PyTorch's True + True == True).
template <typename OpTy, bool reversed = false> LogicalResult importAddOrSub(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  Type et = type.getElementType();
  Value self = operandAs(n, "self", et), other = operandAs(n, "other", et);
  if (isBool(et)) {
    if (!std::is_same_v<OpTy, AddOp> || reversed)
      return n.emitError() << "subtraction of bool tensors is not defined (PyTorch raises too)";
    n.results = {BitwiseOrOp::create(n.b, n.loc, type, self, other)};
    return success();
  }
  double alpha = n.number("alpha").value_or(1);
  if (alpha != 1) {
    if (!isa<FloatType>(et) && alpha != std::trunc(alpha))
      return n.emitError() << "alpha " << alpha << " is not an integer for an integer operation";
    other = binary<MulOp>(n, typeOf(other), other, scalarConstant(n, et, alpha));
  }
  if (reversed)
    std::swap(self, other);
  n.results = {binary<OpTy>(n, type, self, other)};
  return success();
}

/// mul; on booleans logical and.
LogicalResult importMul(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  Type et = type.getElementType();
  Value self = operandAs(n, "self", et), other = operandAs(n, "other", et);
  if (isBool(et))
    n.results = {BitwiseAndOp::create(n.b, n.loc, type, self, other)};
  else
    n.results = {binary<MulOp>(n, type, self, other)};
  return success();
}

/// Binary ops computing in the result type with no boolean meaning.
template <typename OpTy> LogicalResult importArithmetic(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  Type et = type.getElementType();
  if (isBool(et))
    return n.emitError() << "operator " << n.schema().qualifiedName()
                         << " on bool tensors is not supported yet";
  Value lhs = operandAs(n, n.schema().arguments[0].name, et);
  Value rhs = operandAs(n, n.schema().arguments[1].name, et);
  n.results = {binary<OpTy>(n, type, lhs, rhs)};
  return success();
}

/// div: true division (the result is floating point even for integers),
/// or rounded toward zero or -infinity with `rounding_mode`.
LogicalResult importDiv(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  Type et = type.getElementType();
  std::string mode;
  if (n.call.indexOf("rounding_mode") >= 0 && !n.isNone("rounding_mode"))
    mode = n.arg("rounding_mode").s;
  if (n.schema().name == "floor_divide")
    mode = "floor";
  if (!mode.empty() && mode != "trunc" && mode != "floor")
    return n.emitError() << "rounding_mode \"" << mode << "\" is not a PyTorch mode";
  if (isBool(et))
    return n.emitError() << "division producing bool tensors is not defined";
  if (mode.empty() && !isa<FloatType>(et))
    return n.emitError() << "true division producing " << et << " is not defined";
  Value self = operandAs(n, "self", et), other = operandAs(n, "other", et);
  if (mode == "trunc")
    n.results = {binary<DivTruncOp>(n, type, self, other)};
  else if (mode == "floor")
    n.results = {binary<DivFloorOp>(n, type, self, other)};
  else
    n.results = {binary<DivOp>(n, type, self, other)};
  return success();
}

/// x^k for the exponents PyTorch's CPU kernel special-cases (computed the
/// same way it does), pow otherwise.
Value powByScalar(NodeImport &n, RankedTensorType type, Value x, double k) {
  Type et = type.getElementType();
  auto one = [&] { return scalarConstant(n, et, 1.0); };
  if (k == 0)
    return ExpandOp::create(n.b, n.loc, type, one());
  if (k == 1)
    return x;
  if (k == 2 || k == -2) {
    Value sq = binary<MulOp>(n, type, x, x);
    return k == 2 ? sq : binary<DivOp>(n, type, one(), sq);
  }
  if (k == 3)
    return binary<MulOp>(n, type, binary<MulOp>(n, type, x, x), x);
  if (k == 0.5)
    return SqrtOp::create(n.b, n.loc, type, x);
  if (k == -0.5)
    return RsqrtOp::create(n.b, n.loc, type, x);
  if (k == -1)
    return ReciprocalOp::create(n.b, n.loc, type, x);
  return binary<PowOp>(n, type, x, scalarConstant(n, et, k));
}

/// pow.Tensor_Scalar, pow.Tensor_Tensor, pow.Scalar (number ^ tensor).
LogicalResult importPow(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  Type et = type.getElementType();
  if (!isa<FloatType>(et))
    return n.emitError() << "integer pow is not supported yet";
  Value self = operandAs(n, "self", et);
  if (!n.tensor("exponent")) {
    Value x = ExpandOp::create(n.b, n.loc, type, self);
    n.results = {powByScalar(n, type, x, n.number("exponent").value_or(1))};
    return success();
  }
  n.results = {binary<PowOp>(n, type, self, operandAs(n, "exponent", et))};
  return success();
}

/// x * x
LogicalResult importSquare(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  if (isBool(type.getElementType()))
    return n.emitError() << "square of bool tensors is not supported yet";
  Value x = castTo(n, n.tensor("self"), type.getElementType());
  n.results = {binary<MulOp>(n, type, x, x)};
  return success();
}

/// clamp.Tensor: maximum with min, then minimum with max.
LogicalResult importClampTensor(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  Type et = type.getElementType();
  if (isBool(et))
    return n.emitError() << "clamp of bool tensors is not supported yet";
  Value x = castTo(n, n.tensor("self"), et);
  if (!n.tensor("min") && !n.tensor("max"))
    return n.emitError() << "clamp needs at least one of min and max";
  if (n.tensor("min"))
    x = binary<MaximumOp>(n, type, x, castTo(n, n.tensor("min"), et));
  if (n.tensor("max"))
    x = binary<MinimumOp>(n, type, x, castTo(n, n.tensor("max"), et));
  if (typeOf(x) != type)
    x = ExpandOp::create(n.b, n.loc, type, x);
  n.results = {x};
  return success();
}

/// clamp_min / clamp_max with a Scalar bound.
template <bool isMin> LogicalResult importClampBound(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  Value x = castTo(n, n.tensor("self"), type.getElementType());
  std::optional<double> bound = n.number(isMin ? "min" : "max");
  FloatAttr attr = bound ? n.b.getF64FloatAttr(*bound) : FloatAttr();
  n.results = {
      ClampOp::create(n.b, n.loc, type, x, isMin ? attr : FloatAttr(), isMin ? FloatAttr() : attr)};
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise functions
//===----------------------------------------------------------------------===//

/// One-operand functions; integer inputs are converted to the declared
/// (floating-point) result type first, as PyTorch does for torch.sin(int).
template <typename OpTy> LogicalResult importMath(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  if (isBool(type.getElementType()))
    return n.emitError() << "operator " << n.schema().qualifiedName()
                         << " producing bool tensors is not supported yet";
  Value x = castTo(n, n.tensor("self"), type.getElementType());
  n.results = {OpTy::create(n.b, n.loc, type, x)};
  return success();
}

/// Integer-valued functions are the identity on integers (torch.floor(int)).
template <typename OpTy> LogicalResult importRounding(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value x = n.tensor("self");
  if (!isa<FloatType>(typeOf(x).getElementType()) && typeOf(x) == n.resultType(0)) {
    n.results = {x};
    return success();
  }
  return importMath<OpTy>(n);
}

/// elu: x > 0 ? scale * x : scale * alpha * (exp(x * input_scale) - 1).
LogicalResult importElu(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  Type et = type.getElementType();
  Value x = n.tensor("self");
  double alpha = n.number("alpha").value_or(1), scale = n.number("scale").value_or(1);
  double inputScale = n.number("input_scale").value_or(1);
  auto c = [&](double v) { return scalarConstant(n, et, v); };
  Value positive =
      CompareOp::create(n.b, n.loc, RankedTensorType::get(type.getShape(), n.b.getI1Type()), x,
                        c(0), n.b.getStringAttr("gt"));
  Value scaledIn = inputScale == 1 ? x : binary<MulOp>(n, type, x, c(inputScale));
  Value negative =
      binary<MulOp>(n, type, Expm1Op::create(n.b, n.loc, type, scaledIn), c(alpha * scale));
  Value pos = scale == 1 ? x : binary<MulOp>(n, type, x, c(scale));
  n.results = {SelectOp::create(n.b, n.loc, type, positive, pos, negative)};
  return success();
}

//===----------------------------------------------------------------------===//
// Comparisons, logical and bitwise operators, selection
//===----------------------------------------------------------------------===//

RankedTensorType boolLike(NodeImport &n, RankedTensorType t) {
  return RankedTensorType::get(t.getShape(), n.b.getI1Type());
}

/// eq/ne/lt/le/gt/ge, Tensor and Scalar overloads: both sides promoted to
/// torch.result_type, then compared.
LogicalResult importCompare(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  if (!type.getElementType().isInteger(1))
    return n.emitError() << "comparison producing " << type.getElementType()
                         << " (not bool) is not supported";
  Value self = n.tensor("self");
  Type ct = resultElementType({self, n.tensor("other")}, numberTypes(n, "other"));
  n.results = {CompareOp::create(n.b, n.loc, type, castTo(n, self, ct), operandAs(n, "other", ct),
                                 n.b.getStringAttr(n.schema().name.substr(0, 2)))};
  return success();
}

/// A tensor as booleans: itself, or `!= 0`.
Value asBool(NodeImport &n, Value v) {
  if (typeOf(v).getElementType().isInteger(1))
    return v;
  return castTo(n, v, n.b.getI1Type());
}

/// logical_and/or/xor/not: operands as booleans; the result may be
/// declared another dtype (the out= forms), so it is converted last.
template <typename OpTy> LogicalResult importLogical(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  RankedTensorType boolType = boolLike(n, type);
  Value lhs = asBool(n, n.tensor("self"));
  Value result;
  if constexpr (std::is_same_v<OpTy, BitwiseNotOp>)
    result = BitwiseNotOp::create(n.b, n.loc, boolType, lhs);
  else
    result = OpTy::create(n.b, n.loc, boolType, lhs, asBool(n, n.tensor("other")));
  n.results = {castTo(n, result, type.getElementType())};
  return success();
}

/// bitwise_and/or/xor (Tensor, Scalar) and bitwise_not on integers and bools.
template <typename OpTy> LogicalResult importBitwise(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  Type et = type.getElementType();
  if (isa<FloatType>(et))
    return n.emitError() << "bitwise operators on floating-point tensors are not defined";
  Value self = operandAs(n, "self", et);
  if constexpr (std::is_same_v<OpTy, BitwiseNotOp>)
    n.results = {BitwiseNotOp::create(n.b, n.loc, type, self)};
  else
    n.results = {OpTy::create(n.b, n.loc, type, self, operandAs(n, "other", et))};
  return success();
}

/// where.self(condition, self, other); masked_fill(self, mask, value) is
/// where(mask, value, self).
LogicalResult importWhere(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  Type et = type.getElementType();
  bool isMaskedFill = StringRef(n.schema().name).starts_with("masked_fill");
  Value condition = asBool(n, n.tensor(isMaskedFill ? "mask" : "condition"));
  Value onTrue = operandAs(n, isMaskedFill ? "value" : "self", et);
  Value onFalse = operandAs(n, isMaskedFill ? "self" : "other", et);
  n.results = {SelectOp::create(n.b, n.loc, type, condition, onTrue, onFalse)};
  return success();
}

/// isnan: x != x. isinf: |x| == inf. Integers are neither.
template <bool isNan> LogicalResult importIsNanOrInf(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  Value x = n.tensor("self");
  Type et = typeOf(x).getElementType();
  if (!isa<FloatType>(et)) {
    n.results = {splatConstant(n, type, 0)};
    return success();
  }
  if (isNan) {
    n.results = {CompareOp::create(n.b, n.loc, type, x, x, n.b.getStringAttr("ne"))};
    return success();
  }
  Value magnitude = AbsOp::create(n.b, n.loc, typeOf(x), x);
  n.results = {CompareOp::create(n.b, n.loc, type, magnitude,
                                 scalarConstant(n, et, std::numeric_limits<double>::infinity()),
                                 n.b.getStringAttr("eq"))};
  return success();
}

//===----------------------------------------------------------------------===//
// Conversions
//===----------------------------------------------------------------------===//

/// _to_copy / to.dtype / to.dtype_layout / type_as: a conversion to the
/// declared element type (same-device copies otherwise).
LogicalResult importToDtype(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  Value x = n.tensor("self");
  if (typeOf(x).getShape() != type.getShape())
    return n.emitError() << "conversion changes the shape from " << typeOf(x) << " to " << type;
  Type from = typeOf(x).getElementType(), to = type.getElementType();
  auto unsignedInt = [](Type t) {
    auto it = dyn_cast<IntegerType>(t);
    return it && it.isUnsigned();
  };
  if (from != to && (unsignedInt(from) || unsignedInt(to)))
    return n.emitError() << "conversion between uint8 and other dtypes is not supported yet";
  if (from != to && !isa<FloatType, IntegerType>(from))
    return n.emitError() << "conversion from " << from << " is not supported";
  n.results = {castTo(n, x, to)};
  return success();
}

const ImportRule kMathRules[] = {
    // Arithmetic
    {"aten::add.Scalar", importAddOrSub<AddOp>, RuleDtypes::Numeric},
    {"aten::add.Tensor", importAddOrSub<AddOp>, RuleDtypes::Numeric},
    {"aten::add_.Tensor", importAddOrSub<AddOp>, RuleDtypes::Numeric},
    {"aten::atan2", importArithmetic<Atan2Op>, RuleDtypes::Numeric},
    {"aten::atan2.out", importArithmetic<Atan2Op>, RuleDtypes::Numeric},
    {"aten::clamp.Tensor", importClampTensor, RuleDtypes::Numeric},
    {"aten::clamp_max", importClampBound<false>, RuleDtypes::Numeric},
    {"aten::clamp_min", importClampBound<true>, RuleDtypes::Numeric},
    {"aten::div.Scalar", importDiv, RuleDtypes::Numeric},
    {"aten::div.Scalar_mode", importDiv, RuleDtypes::Numeric},
    {"aten::div.Tensor", importDiv, RuleDtypes::Numeric},
    {"aten::div.Tensor_mode", importDiv, RuleDtypes::Numeric},
    {"aten::div_.Tensor", importDiv, RuleDtypes::Numeric},
    {"aten::floor_divide", importDiv, RuleDtypes::Numeric},
    {"aten::fmod.Scalar", importArithmetic<FmodOp>, RuleDtypes::Numeric},
    {"aten::fmod.Tensor", importArithmetic<FmodOp>, RuleDtypes::Numeric},
    {"aten::max.other", importArithmetic<MaximumOp>, RuleDtypes::Numeric},
    {"aten::maximum", importArithmetic<MaximumOp>, RuleDtypes::Numeric},
    {"aten::min.other", importArithmetic<MinimumOp>, RuleDtypes::Numeric},
    {"aten::minimum", importArithmetic<MinimumOp>, RuleDtypes::Numeric},
    {"aten::mul.Scalar", importMul, RuleDtypes::Numeric},
    {"aten::mul.Tensor", importMul, RuleDtypes::Numeric},
    {"aten::mul_.Tensor", importMul, RuleDtypes::Numeric},
    {"aten::pow.Scalar", importPow, RuleDtypes::Numeric},
    {"aten::pow.Tensor_Scalar", importPow, RuleDtypes::Numeric},
    {"aten::pow.Tensor_Tensor", importPow, RuleDtypes::Numeric},
    {"aten::remainder.Scalar", importArithmetic<RemainderOp>, RuleDtypes::Numeric},
    {"aten::remainder.Tensor", importArithmetic<RemainderOp>, RuleDtypes::Numeric},
    {"aten::rsub.Scalar", importAddOrSub<SubOp, true>, RuleDtypes::Numeric},
    {"aten::rsub.Tensor", importAddOrSub<SubOp, true>, RuleDtypes::Numeric},
    {"aten::square", importSquare, RuleDtypes::Numeric},
    {"aten::sub.Scalar", importAddOrSub<SubOp>, RuleDtypes::Numeric},
    {"aten::sub.Tensor", importAddOrSub<SubOp>, RuleDtypes::Numeric},
    {"aten::sub_.Tensor", importAddOrSub<SubOp>, RuleDtypes::Numeric},
    // Functions
    {"aten::abs", importMath<AbsOp>, RuleDtypes::Numeric},
    {"aten::acos", importMath<AcosOp>, RuleDtypes::Numeric},
    {"aten::acosh", importMath<AcoshOp>, RuleDtypes::Numeric},
    {"aten::asin", importMath<AsinOp>, RuleDtypes::Numeric},
    {"aten::asinh", importMath<AsinhOp>, RuleDtypes::Numeric},
    {"aten::atan", importMath<AtanOp>, RuleDtypes::Numeric},
    {"aten::atanh", importMath<AtanhOp>, RuleDtypes::Numeric},
    {"aten::ceil", importRounding<CeilOp>, RuleDtypes::Numeric},
    {"aten::cos", importMath<CosOp>, RuleDtypes::Numeric},
    {"aten::cosh", importMath<CoshOp>, RuleDtypes::Numeric},
    {"aten::elu", importElu},
    {"aten::elu_", importElu},
    {"aten::erf", importMath<ErfOp>, RuleDtypes::Numeric},
    {"aten::exp", importMath<ExpOp>, RuleDtypes::Numeric},
    {"aten::expm1", importMath<Expm1Op>, RuleDtypes::Numeric},
    {"aten::floor", importRounding<FloorOp>, RuleDtypes::Numeric},
    {"aten::log", importMath<LogOp>, RuleDtypes::Numeric},
    {"aten::log10", importMath<Log10Op>, RuleDtypes::Numeric},
    {"aten::log1p", importMath<Log1pOp>, RuleDtypes::Numeric},
    {"aten::log2", importMath<Log2Op>, RuleDtypes::Numeric},
    {"aten::neg", importMath<NegOp>, RuleDtypes::Numeric},
    {"aten::reciprocal", importMath<ReciprocalOp>, RuleDtypes::Numeric},
    {"aten::round", importRounding<RoundOp>, RuleDtypes::Numeric},
    {"aten::rsqrt", importMath<RsqrtOp>, RuleDtypes::Numeric},
    {"aten::sigmoid", importMath<SigmoidOp>, RuleDtypes::Numeric},
    {"aten::sigmoid_", importMath<SigmoidOp>, RuleDtypes::Numeric},
    {"aten::sign", importMath<SignOp>, RuleDtypes::Numeric},
    {"aten::sin", importMath<SinOp>, RuleDtypes::Numeric},
    {"aten::sinh", importMath<SinhOp>, RuleDtypes::Numeric},
    {"aten::sqrt", importMath<SqrtOp>, RuleDtypes::Numeric},
    {"aten::tan", importMath<TanOp>, RuleDtypes::Numeric},
    {"aten::tanh", importMath<TanhOp>, RuleDtypes::Numeric},
    {"aten::tanh_", importMath<TanhOp>, RuleDtypes::Numeric},
    {"aten::trunc", importRounding<TruncOp>, RuleDtypes::Numeric},
    // Comparisons, logic, selection
    {"aten::bitwise_and.Scalar", importBitwise<BitwiseAndOp>, RuleDtypes::Numeric},
    {"aten::bitwise_and.Tensor", importBitwise<BitwiseAndOp>, RuleDtypes::Numeric},
    {"aten::bitwise_not", importBitwise<BitwiseNotOp>, RuleDtypes::Numeric},
    {"aten::bitwise_or.Scalar", importBitwise<BitwiseOrOp>, RuleDtypes::Numeric},
    {"aten::bitwise_or.Tensor", importBitwise<BitwiseOrOp>, RuleDtypes::Numeric},
    {"aten::bitwise_xor.Scalar", importBitwise<BitwiseXorOp>, RuleDtypes::Numeric},
    {"aten::bitwise_xor.Tensor", importBitwise<BitwiseXorOp>, RuleDtypes::Numeric},
    {"aten::eq.Scalar", importCompare, RuleDtypes::Numeric},
    {"aten::eq.Tensor", importCompare, RuleDtypes::Numeric},
    {"aten::ge.Scalar", importCompare, RuleDtypes::Numeric},
    {"aten::ge.Tensor", importCompare, RuleDtypes::Numeric},
    {"aten::gt.Scalar", importCompare, RuleDtypes::Numeric},
    {"aten::gt.Tensor", importCompare, RuleDtypes::Numeric},
    {"aten::isinf", importIsNanOrInf<false>, RuleDtypes::Numeric},
    {"aten::isnan", importIsNanOrInf<true>, RuleDtypes::Numeric},
    {"aten::le.Scalar", importCompare, RuleDtypes::Numeric},
    {"aten::le.Tensor", importCompare, RuleDtypes::Numeric},
    {"aten::logical_and", importLogical<BitwiseAndOp>, RuleDtypes::Numeric},
    {"aten::logical_not", importLogical<BitwiseNotOp>, RuleDtypes::Numeric},
    {"aten::logical_or", importLogical<BitwiseOrOp>, RuleDtypes::Numeric},
    {"aten::logical_xor", importLogical<BitwiseXorOp>, RuleDtypes::Numeric},
    {"aten::lt.Scalar", importCompare, RuleDtypes::Numeric},
    {"aten::lt.Tensor", importCompare, RuleDtypes::Numeric},
    {"aten::masked_fill.Scalar", importWhere, RuleDtypes::Numeric},
    {"aten::masked_fill.Tensor", importWhere, RuleDtypes::Numeric},
    {"aten::masked_fill_.Scalar", importWhere, RuleDtypes::Numeric},
    {"aten::ne.Scalar", importCompare, RuleDtypes::Numeric},
    {"aten::ne.Tensor", importCompare, RuleDtypes::Numeric},
    {"aten::where.self", importWhere, RuleDtypes::Numeric},
    // Conversions
    {"aten::_to_copy", importToDtype, RuleDtypes::Any},
    {"aten::to.dtype", importToDtype, RuleDtypes::Any},
    {"aten::to.dtype_layout", importToDtype, RuleDtypes::Any},
    {"aten::type_as", importToDtype, RuleDtypes::Any},
};

} // namespace

ArrayRef<ImportRule> aten::mathImportRules() { return kMathRules; }

} // namespace kiln
