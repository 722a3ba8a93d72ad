//===- Conv.cpp - import rules: convolutions ------------------------------===//
//
// conv1d, conv2d (with numeric or "same"/"valid" padding) and Core ATen's
// convolution as kiln.conv2d; 1-D convolutions over inputs of height 1.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/rules/Rules.h"
#include "dialects/kiln/KilnOps.h"

using namespace mlir;

namespace kiln {
namespace {

using namespace rules;

/// A 1-D convolution is a 2-D one over inputs of height 1: [N, C, L] ->
/// [N, C, 1, L], weight [F, C/g, K] -> [F, C/g, 1, K].
LogicalResult buildConv1d(NodeImport &n, Value input, Value weight, Value bias, int64_t stride,
                          int64_t padLeft, int64_t padRight, int64_t dilation, int64_t groups) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  auto withUnitHeight = [&](Value v) {
    auto t = typeOf(v);
    SmallVector<int64_t> s(t.getShape());
    s.insert(s.end() - 1, 1);
    return ReshapeOp::create(n.b, n.loc, RankedTensorType::get(s, t.getElementType()), v)
        .getResult();
  };
  bool unbatched = typeOf(input).getRank() == 2;
  if (unbatched) {
    SmallVector<int64_t> s(typeOf(input).getShape());
    s.insert(s.begin(), 1);
    input = ReshapeOp::create(n.b, n.loc, RankedTensorType::get(s, typeOf(input).getElementType()),
                              input);
  }
  Value input2d = withUnitHeight(input), weight2d = withUnitHeight(weight);
  SmallVector<int64_t> out(type.getShape());
  if (unbatched)
    out.insert(out.begin(), 1);
  out.insert(out.end() - 1, 1);
  Value conv = Conv2dOp::create(
      n.b, n.loc, RankedTensorType::get(out, type.getElementType()), input2d, weight2d, bias,
      n.b.getDenseI64ArrayAttr({1, stride}), n.b.getDenseI64ArrayAttr({0, padLeft, 0, padRight}),
      n.b.getDenseI64ArrayAttr({1, dilation}), n.b.getI64IntegerAttr(groups), StringAttr());
  n.results = {ReshapeOp::create(n.b, n.loc, type, conv)};
  return success();
}

LogicalResult buildConv2d(NodeImport &n, Value input, Value weight, Value bias,
                          SmallVector<int64_t> stride, SmallVector<int64_t> padding,
                          SmallVector<int64_t> dilation, int64_t groups) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  if (typeOf(weight).getRank() == 3)
    return buildConv1d(n, input, weight, bias, stride[1], padding[1], padding[3], dilation[1],
                       groups);
  if (typeOf(weight).getRank() != 4)
    return n.emitError() << "only 2-D convolutions are supported so far, weight is "
                         << typeOf(weight);
  // An unbatched [C, H, W] input is a batch of one.
  bool unbatched = typeOf(input).getRank() == 3;
  if (unbatched) {
    SmallVector<int64_t> s(typeOf(input).getShape());
    s.insert(s.begin(), 1);
    input = ReshapeOp::create(n.b, n.loc, RankedTensorType::get(s, typeOf(input).getElementType()),
                              input);
    SmallVector<int64_t> r(type.getShape());
    r.insert(r.begin(), 1);
    type = RankedTensorType::get(r, type.getElementType());
  }
  Value conv =
      Conv2dOp::create(n.b, n.loc, type, input, weight, bias, n.b.getDenseI64ArrayAttr(stride),
                       n.b.getDenseI64ArrayAttr(padding), n.b.getDenseI64ArrayAttr(dilation),
                       n.b.getI64IntegerAttr(groups), StringAttr());
  if (unbatched)
    conv = ReshapeOp::create(n.b, n.loc, n.resultType(0), conv);
  n.results = {conv};
  return success();
}

LogicalResult importConv1d(NodeImport &n) {
  int64_t p = n.ints("padding").empty() ? 0 : n.ints("padding")[0];
  return buildConv1d(n, n.tensor("input"), n.tensor("weight"), n.tensor("bias"),
                     n.ints("stride").empty() ? 1 : n.ints("stride")[0], p, p,
                     n.ints("dilation").empty() ? 1 : n.ints("dilation")[0], n.integer("groups"));
}

LogicalResult importConv2d(NodeImport &n) {
  auto p = pair(n.ints("padding"), 0);
  return buildConv2d(n, n.tensor("input"), n.tensor("weight"), n.tensor("bias"),
                     pair(n.ints("stride"), 1), {p[0], p[1], p[0], p[1]},
                     pair(n.ints("dilation"), 1), n.integer("groups"));
}

/// conv2d with padding="valid" | "same" (stride 1 for "same", as PyTorch
/// requires); "same" puts the odd pixel after, as PyTorch does.
LogicalResult importConv2dPadding(NodeImport &n) {
  std::string mode = n.arg("padding").s;
  auto stride = pair(n.ints("stride"), 1), dilation = pair(n.ints("dilation"), 1);
  SmallVector<int64_t> padding = {0, 0, 0, 0};
  if (mode == "same") {
    ArrayRef<int64_t> w = typeOf(n.tensor("weight")).getShape();
    if (w.size() != 4)
      return n.emitError() << "only 2-D convolutions are supported so far";
    for (int i = 0; i < 2; ++i) {
      int64_t total = dilation[i] * (w[2 + i] - 1);
      padding[i] = total / 2;
      padding[i + 2] = total - total / 2;
    }
  } else if (mode != "valid") {
    return n.emitError() << "unknown padding mode \"" << mode << "\"";
  }
  return buildConv2d(n, n.tensor("input"), n.tensor("weight"), n.tensor("bias"), stride, padding,
                     dilation, n.integer("groups"));
}

LogicalResult importConvolution(NodeImport &n) {
  if (n.boolean("transposed"))
    return n.emitError() << "transposed convolution is not supported yet";
  Value weight = n.tensor("weight");
  if (typeOf(weight).getRank() == 3) {
    auto p = pair(n.ints("padding"), 0);
    return buildConv1d(n, n.tensor("input"), weight, n.tensor("bias"), n.ints("stride")[0], p[0],
                       p[0], pair(n.ints("dilation"), 1)[0], n.integer("groups"));
  }
  if (typeOf(weight).getRank() != 4)
    return n.emitError() << "only 1-D and 2-D convolutions are supported so far, weight is "
                         << typeOf(weight);
  auto p = pair(n.ints("padding"), 0);
  return buildConv2d(n, n.tensor("input"), weight, n.tensor("bias"), pair(n.ints("stride"), 1),
                     {p[0], p[1], p[0], p[1]}, pair(n.ints("dilation"), 1), n.integer("groups"));
}

const ImportRule kRules[] = {
    {"aten::conv1d", importConv1d},
    {"aten::conv2d", importConv2d},
    {"aten::conv2d.padding", importConv2dPadding},
    {"aten::convolution", importConvolution},
};

} // namespace

llvm::ArrayRef<ImportRule> rules::convRules() { return kRules; }

} // namespace kiln
