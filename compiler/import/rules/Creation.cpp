//===- Creation.cpp - import rules: constants and ranges ------------------===//
//
// zeros, ones, full, empty, fill and their *_like / new_* forms as constants
// of the declared result type; arange.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/rules/Rules.h"
#include "dialects/kiln/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <algorithm>
#include <cmath>

using namespace mlir;

namespace kiln {
namespace {

using namespace rules;

/// zeros / ones / full / empty / *_like / scalar_tensor: constants of the
/// declared result type (empty's content is unspecified: zeros).
LogicalResult importFill(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  llvm::StringRef name = n.schema().name;
  double value = 0;
  if (name == "ones" || name == "ones_like" || name == "new_ones")
    value = 1;
  else if (name == "full" || name == "full_like" || name == "new_full")
    value = n.number("fill_value").value_or(0);
  else if (name == "scalar_tensor")
    value = n.number("s").value_or(0);
  else if (name == "fill" || name == "fill_") {
    // fill.Tensor: the value is a 0-d tensor, broadcast and converted.
    if (Value v = n.call.indexOf("value") >= 0 ? n.tensor("value") : Value()) {
      RankedTensorType type = n.resultType(0);
      Value c = castTo(n, v, type.getElementType());
      n.results = {typeOf(c) == type ? c : ExpandOp::create(n.b, n.loc, type, c).getResult()};
      return success();
    }
    value = n.number("value").value_or(0);
  }
  n.results = {splatConstant(n, n.resultType(0), value)};
  return success();
}

/// arange(end), arange.start(start, end), arange.start_step: the values
/// start + i * step, as many as the declared result holds.
LogicalResult importArange(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  if (type.getRank() != 1)
    return n.emitError() << "arange declares a result of rank " << type.getRank();
  double start = n.call.indexOf("start") >= 0 ? n.number("start").value_or(0) : 0;
  double step = n.call.indexOf("step") >= 0 ? n.number("step").value_or(1) : 1;
  double end = n.number("end").value_or(0);
  if (step == 0)
    return n.emitError() << "arange with step 0";
  int64_t count = type.getDimSize(0);
  int64_t expected = static_cast<int64_t>(std::ceil((end - start) / step));
  if (std::max<int64_t>(expected, 0) != count)
    return n.emitError() << "arange(" << start << ", " << end << ", " << step << ") has "
                         << std::max<int64_t>(expected, 0) << " elements, the file declares "
                         << count;
  Type et = type.getElementType();
  SmallVector<Attribute> values;
  for (int64_t i = 0; i < count; ++i) {
    double v = start + static_cast<double>(i) * step;
    if (isa<FloatType>(et))
      values.push_back(n.b.getFloatAttr(et, v));
    else if (et.isInteger(1))
      values.push_back(n.b.getIntegerAttr(et, APInt(1, v != 0)));
    else
      values.push_back(n.b.getIntegerAttr(
          et, APInt(et.getIntOrFloatBitWidth(), static_cast<int64_t>(v), /*isSigned=*/true)));
  }
  n.results = {arith::ConstantOp::create(n.b, n.loc, DenseElementsAttr::get(type, values))};
  return success();
}

const ImportRule kRules[] = {
    {"aten::arange", importArange, RuleDtypes::Any},
    {"aten::arange.start", importArange, RuleDtypes::Any},
    {"aten::arange.start_step", importArange, RuleDtypes::Any},
    {"aten::empty.memory_format", importFill, RuleDtypes::Any},
    {"aten::empty_strided", importFill, RuleDtypes::Any},
    {"aten::fill.Scalar", importFill, RuleDtypes::Any},
    {"aten::fill.Tensor", importFill, RuleDtypes::Any},
    {"aten::fill_.Scalar", importFill, RuleDtypes::Any},
    {"aten::fill_.Tensor", importFill, RuleDtypes::Any},
    {"aten::full", importFill, RuleDtypes::Any},
    {"aten::full_like", importFill, RuleDtypes::Any},
    {"aten::new_empty", importFill, RuleDtypes::Any},
    {"aten::new_full", importFill, RuleDtypes::Any},
    {"aten::new_ones", importFill, RuleDtypes::Any},
    {"aten::new_zeros", importFill, RuleDtypes::Any},
    {"aten::ones", importFill, RuleDtypes::Any},
    {"aten::ones_like", importFill, RuleDtypes::Any},
    {"aten::scalar_tensor", importFill, RuleDtypes::Any},
    {"aten::zero", importFill, RuleDtypes::Any},
    {"aten::zero_", importFill, RuleDtypes::Any},
    {"aten::zeros", importFill, RuleDtypes::Any},
    {"aten::zeros_like", importFill, RuleDtypes::Any},
};

} // namespace

llvm::ArrayRef<ImportRule> rules::creationRules() { return kRules; }

} // namespace kiln
