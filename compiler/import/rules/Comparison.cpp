//===- Comparison.cpp - import rules: comparisons and logic ---------------===//
//
// Comparisons, logical and bitwise operators, where / masked_fill and
// isnan / isinf. Comparisons compute in torch.result_type of their operands.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/rules/Rules.h"
#include "dialects/kiln/KilnOps.h"

#include <limits>

using namespace mlir;

namespace kiln {
namespace {

using namespace rules;

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

const ImportRule kRules[] = {
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
};

} // namespace

llvm::ArrayRef<ImportRule> rules::comparisonRules() { return kRules; }

} // namespace kiln
