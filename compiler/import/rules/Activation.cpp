//===- Activation.cpp - import rules: activation functions ----------------===//
//
// relu, relu6, hardtanh, gelu, elu, leaky relu, silu, hardsigmoid, hardswish,
// softmax and log-softmax (and their in-place forms).
//
//===----------------------------------------------------------------------===//
#include "compiler/import/rules/Rules.h"
#include "dialects/kiln/KilnOps.h"

using namespace mlir;

namespace kiln {
namespace {

using namespace rules;

LogicalResult importRelu(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  n.results = {ReluOp::create(n.b, n.loc, n.resultType(0), n.tensor("self"))};
  return success();
}

template <typename OpTy> LogicalResult importUnary(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  n.results = {OpTy::create(n.b, n.loc, n.resultType(0), n.tensor("self"))};
  return success();
}

LogicalResult importLeakyRelu(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  n.results = {LeakyReluOp::create(n.b, n.loc, n.resultType(0), n.tensor("self"),
                                   n.b.getF64FloatAttr(n.number("negative_slope").value_or(0.01)))};
  return success();
}

/// softmax / log_softmax (`_softmax(self, dim, half_to_float)` in Core ATen,
/// `softmax.int(self, dim, dtype)` in the training IR).
template <typename OpTy> LogicalResult importSoftmax(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value input = n.tensor("self");
  if (n.call.indexOf("half_to_float") >= 0 && n.boolean("half_to_float"))
    return n.emitError() << "half_to_float softmax is not supported yet";
  if (n.call.indexOf("dtype") >= 0 && !n.isNone("dtype") &&
      typeOf(input).getElementType() != n.resultType(0).getElementType())
    return n.emitError() << "softmax with a dtype conversion is not supported yet";
  auto dim = normalizeDim(n, n.integer("dim"), typeOf(input).getRank());
  if (failed(dim))
    return failure();
  n.results = {OpTy::create(n.b, n.loc, n.resultType(0), input, n.b.getI64IntegerAttr(*dim))};
  return success();
}

LogicalResult importHardtanh(NodeImport &n) {
  return buildClamp(n, n.number("min_val"), n.number("max_val"));
}

LogicalResult importRelu6(NodeImport &n) { return buildClamp(n, 0.0, 6.0); }

LogicalResult importGelu(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  std::string approximate = n.isNone("approximate") ? "none" : n.arg("approximate").s;
  if (approximate != "none" && approximate != "tanh")
    return n.emitError() << "gelu approximate=\"" << approximate << "\" is not a PyTorch mode";
  n.results = {GeluOp::create(n.b, n.loc, n.resultType(0), n.tensor("self"),
                              n.b.getStringAttr(approximate))};
  return success();
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

const ImportRule kRules[] = {
    {"aten::_log_softmax", importSoftmax<LogSoftmaxOp>},
    {"aten::_softmax", importSoftmax<SoftmaxOp>},
    {"aten::elu", importElu},
    {"aten::elu_", importElu},
    {"aten::gelu", importGelu},
    {"aten::gelu_", importGelu},
    {"aten::hardsigmoid", importUnary<HardSigmoidOp>},
    {"aten::hardsigmoid_", importUnary<HardSigmoidOp>},
    {"aten::hardswish", importUnary<HardSwishOp>},
    {"aten::hardswish_", importUnary<HardSwishOp>},
    {"aten::hardtanh", importHardtanh},
    {"aten::hardtanh_", importHardtanh},
    {"aten::leaky_relu", importLeakyRelu},
    {"aten::leaky_relu_", importLeakyRelu},
    {"aten::log_softmax.int", importSoftmax<LogSoftmaxOp>},
    {"aten::relu", importRelu},
    {"aten::relu6", importRelu6},
    {"aten::relu_", importRelu},
    {"aten::silu", importUnary<SiluOp>},
    {"aten::silu_", importUnary<SiluOp>},
    {"aten::softmax.int", importSoftmax<SoftmaxOp>},
};

} // namespace

llvm::ArrayRef<ImportRule> rules::activationRules() { return kRules; }

} // namespace kiln
