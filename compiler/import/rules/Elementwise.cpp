//===- Elementwise.cpp - import rules: arithmetic and math ----------------===//
//
// Arithmetic, elementwise math functions, clamps and dtype conversions. These
// rules apply PyTorch's type promotion: operands are converted to the type the
// operation computes in (the declared result type) before the kiln op is
// built.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/rules/Rules.h"
#include "dialects/kiln/KilnOps.h"

#include <algorithm>
#include <cmath>

using namespace mlir;

namespace kiln {

LogicalResult rules::buildClamp(NodeImport &n, std::optional<double> lo, std::optional<double> hi) {
  if (failed(requireResult(n, 0)))
    return failure();
  if (lo && hi && *lo > *hi)
    return n.emitError() << "clamp bounds are reversed: min " << *lo << " > max " << *hi;
  FloatAttr minAttr = lo ? n.b.getF64FloatAttr(*lo) : FloatAttr();
  FloatAttr maxAttr = hi ? n.b.getF64FloatAttr(*hi) : FloatAttr();
  // An integer tensor clamped to float bounds is a float tensor (PyTorch's
  // promotion gives the declared result type).
  Value input = castTo(n, n.tensor("self"), n.resultType(0).getElementType());
  n.results = {ClampOp::create(n.b, n.loc, n.resultType(0), input, minAttr, maxAttr)};
  return success();
}

namespace {

using namespace rules;

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

//===----------------------------------------------------------------------===//
// Clamps
//===----------------------------------------------------------------------===//

LogicalResult importClamp(NodeImport &n) { return buildClamp(n, n.number("min"), n.number("max")); }

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

const ImportRule kRules[] = {
    {"aten::_to_copy", importToDtype, RuleDtypes::Any},
    {"dim_order_ops::_to_dim_order_copy", importToDtype, RuleDtypes::Any},
    {"aten::abs", importMath<AbsOp>, RuleDtypes::Numeric},
    {"aten::acos", importMath<AcosOp>, RuleDtypes::Numeric},
    {"aten::acosh", importMath<AcoshOp>, RuleDtypes::Numeric},
    {"aten::add.Scalar", importAddOrSub<AddOp>, RuleDtypes::Numeric},
    {"aten::add.Tensor", importAddOrSub<AddOp>, RuleDtypes::Numeric},
    {"aten::add_.Tensor", importAddOrSub<AddOp>, RuleDtypes::Numeric},
    {"aten::asin", importMath<AsinOp>, RuleDtypes::Numeric},
    {"aten::asinh", importMath<AsinhOp>, RuleDtypes::Numeric},
    {"aten::atan", importMath<AtanOp>, RuleDtypes::Numeric},
    {"aten::atan2", importArithmetic<Atan2Op>, RuleDtypes::Numeric},
    {"aten::atan2.out", importArithmetic<Atan2Op>, RuleDtypes::Numeric},
    {"aten::atanh", importMath<AtanhOp>, RuleDtypes::Numeric},
    {"aten::ceil", importRounding<CeilOp>, RuleDtypes::Numeric},
    {"aten::clamp", importClamp, RuleDtypes::Numeric},
    {"aten::clamp.Tensor", importClampTensor, RuleDtypes::Numeric},
    {"aten::clamp_", importClamp, RuleDtypes::Numeric},
    {"aten::clamp_max", importClampBound<false>, RuleDtypes::Numeric},
    {"aten::clamp_min", importClampBound<true>, RuleDtypes::Numeric},
    {"aten::cos", importMath<CosOp>, RuleDtypes::Numeric},
    {"aten::cosh", importMath<CoshOp>, RuleDtypes::Numeric},
    {"aten::div.Scalar", importDiv, RuleDtypes::Numeric},
    {"aten::div.Scalar_mode", importDiv, RuleDtypes::Numeric},
    {"aten::div.Tensor", importDiv, RuleDtypes::Numeric},
    {"aten::div.Tensor_mode", importDiv, RuleDtypes::Numeric},
    {"aten::div_.Tensor", importDiv, RuleDtypes::Numeric},
    {"aten::erf", importMath<ErfOp>, RuleDtypes::Numeric},
    {"aten::exp", importMath<ExpOp>, RuleDtypes::Numeric},
    {"aten::expm1", importMath<Expm1Op>, RuleDtypes::Numeric},
    {"aten::floor", importRounding<FloorOp>, RuleDtypes::Numeric},
    {"aten::floor_divide", importDiv, RuleDtypes::Numeric},
    {"aten::fmod.Scalar", importArithmetic<FmodOp>, RuleDtypes::Numeric},
    {"aten::fmod.Tensor", importArithmetic<FmodOp>, RuleDtypes::Numeric},
    {"aten::log", importMath<LogOp>, RuleDtypes::Numeric},
    {"aten::log10", importMath<Log10Op>, RuleDtypes::Numeric},
    {"aten::log1p", importMath<Log1pOp>, RuleDtypes::Numeric},
    {"aten::log2", importMath<Log2Op>, RuleDtypes::Numeric},
    {"aten::max.other", importArithmetic<MaximumOp>, RuleDtypes::Numeric},
    {"aten::maximum", importArithmetic<MaximumOp>, RuleDtypes::Numeric},
    {"aten::min.other", importArithmetic<MinimumOp>, RuleDtypes::Numeric},
    {"aten::minimum", importArithmetic<MinimumOp>, RuleDtypes::Numeric},
    {"aten::mul.Scalar", importMul, RuleDtypes::Numeric},
    {"aten::mul.Tensor", importMul, RuleDtypes::Numeric},
    {"aten::mul_.Tensor", importMul, RuleDtypes::Numeric},
    {"aten::neg", importMath<NegOp>, RuleDtypes::Numeric},
    {"aten::pow.Scalar", importPow, RuleDtypes::Numeric},
    {"aten::pow.Tensor_Scalar", importPow, RuleDtypes::Numeric},
    {"aten::pow.Tensor_Tensor", importPow, RuleDtypes::Numeric},
    {"aten::reciprocal", importMath<ReciprocalOp>, RuleDtypes::Numeric},
    {"aten::remainder.Scalar", importArithmetic<RemainderOp>, RuleDtypes::Numeric},
    {"aten::remainder.Tensor", importArithmetic<RemainderOp>, RuleDtypes::Numeric},
    {"aten::round", importRounding<RoundOp>, RuleDtypes::Numeric},
    {"aten::rsqrt", importMath<RsqrtOp>, RuleDtypes::Numeric},
    {"aten::rsub.Scalar", importAddOrSub<SubOp, true>, RuleDtypes::Numeric},
    {"aten::rsub.Tensor", importAddOrSub<SubOp, true>, RuleDtypes::Numeric},
    {"aten::sigmoid", importMath<SigmoidOp>, RuleDtypes::Numeric},
    {"aten::sigmoid_", importMath<SigmoidOp>, RuleDtypes::Numeric},
    {"aten::sign", importMath<SignOp>, RuleDtypes::Numeric},
    {"aten::sin", importMath<SinOp>, RuleDtypes::Numeric},
    {"aten::sinh", importMath<SinhOp>, RuleDtypes::Numeric},
    {"aten::sqrt", importMath<SqrtOp>, RuleDtypes::Numeric},
    {"aten::square", importSquare, RuleDtypes::Numeric},
    {"aten::sub.Scalar", importAddOrSub<SubOp>, RuleDtypes::Numeric},
    {"aten::sub.Tensor", importAddOrSub<SubOp>, RuleDtypes::Numeric},
    {"aten::sub_.Tensor", importAddOrSub<SubOp>, RuleDtypes::Numeric},
    {"aten::tan", importMath<TanOp>, RuleDtypes::Numeric},
    {"aten::tanh", importMath<TanhOp>, RuleDtypes::Numeric},
    {"aten::tanh_", importMath<TanhOp>, RuleDtypes::Numeric},
    {"aten::to.dtype", importToDtype, RuleDtypes::Any},
    {"aten::to.dtype_layout", importToDtype, RuleDtypes::Any},
    {"aten::trunc", importRounding<TruncOp>, RuleDtypes::Numeric},
    {"aten::type_as", importToDtype, RuleDtypes::Any},
};

} // namespace

llvm::ArrayRef<ImportRule> rules::elementwiseRules() { return kRules; }

} // namespace kiln
