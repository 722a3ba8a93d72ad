//===- Pooling.cpp - import rules: pooling and resampling -----------------===//
//
// Max, average and adaptive average pooling in 2-D and in 1-D (as 2-D pooling
// over a height of 1), and nearest / bilinear upsampling.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/rules/Rules.h"
#include "dialects/kiln/KilnOps.h"

#include <algorithm>

using namespace mlir;

namespace kiln {
namespace {

using namespace rules;

//===----------------------------------------------------------------------===//
// 2-D pooling
//===----------------------------------------------------------------------===//

LogicalResult importMaxPool2d(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  auto kernel = pair(n.ints("kernel_size"), 1);
  auto stride = n.ints("stride").empty() ? kernel : pair(n.ints("stride"), 1);
  n.results.assign(std::max(1u, n.numResults()), Value());
  n.results[0] = MaxPool2dOp::create(
      n.b, n.loc, n.resultType(0), n.tensor("self"), n.b.getDenseI64ArrayAttr(kernel),
      n.b.getDenseI64ArrayAttr(stride), n.b.getDenseI64ArrayAttr(pair(n.ints("padding"), 0)),
      n.b.getDenseI64ArrayAttr(pair(n.ints("dilation"), 1)),
      n.b.getBoolAttr(n.boolean("ceil_mode")));
  return success();
}

LogicalResult importAvgPool2d(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  auto kernel = pair(n.ints("kernel_size"), 1);
  auto stride = n.ints("stride").empty() ? kernel : pair(n.ints("stride"), 1);
  IntegerAttr divisor;
  if (!n.isNone("divisor_override"))
    divisor = n.b.getI64IntegerAttr(n.integer("divisor_override"));
  n.results = {AvgPool2dOp::create(
      n.b, n.loc, n.resultType(0), n.tensor("self"), n.b.getDenseI64ArrayAttr(kernel),
      n.b.getDenseI64ArrayAttr(stride), n.b.getDenseI64ArrayAttr(pair(n.ints("padding"), 0)),
      n.b.getBoolAttr(n.boolean("ceil_mode")), n.b.getBoolAttr(n.boolean("count_include_pad")),
      divisor)};
  return success();
}

/// Adaptive average pooling: a mean over H and W for a 1x1 output, an
/// ordinary average pool when the output size divides the input size.
LogicalResult importAdaptiveAvgPool2d(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value input = n.tensor("self");
  RankedTensorType in = typeOf(input);
  if (in.getRank() != 4)
    return n.emitError() << "adaptive average pooling of a rank-" << in.getRank()
                         << " tensor is not supported yet";
  auto out = pair(n.ints("output_size"), 1);
  int64_t h = in.getDimSize(2), w = in.getDimSize(3);
  if (out[0] == 1 && out[1] == 1) {
    n.results = {MeanOp::create(n.b, n.loc, n.resultType(0), input,
                                n.b.getDenseI64ArrayAttr({2, 3}), n.b.getBoolAttr(true))};
    return success();
  }
  if (out[0] <= 0 || out[1] <= 0 || h % out[0] != 0 || w % out[1] != 0)
    return n.emitError() << "adaptive average pooling from " << h << "x" << w << " to " << out[0]
                         << "x" << out[1] << " (windows of different sizes) is not supported yet";
  SmallVector<int64_t> kernel = {h / out[0], w / out[1]};
  n.results = {
      AvgPool2dOp::create(n.b, n.loc, n.resultType(0), input, n.b.getDenseI64ArrayAttr(kernel),
                          n.b.getDenseI64ArrayAttr(kernel), n.b.getDenseI64ArrayAttr({0, 0}),
                          n.b.getBoolAttr(false), n.b.getBoolAttr(true), IntegerAttr())};
  return success();
}

//===----------------------------------------------------------------------===//
// 1-D pooling, as 2-D pooling over a height of 1
//===----------------------------------------------------------------------===//

Value unitHeight(NodeImport &n, Value v) {
  auto t = typeOf(v);
  SmallVector<int64_t> s(t.getShape());
  s.insert(s.end() - 1, 1);
  return ReshapeOp::create(n.b, n.loc, RankedTensorType::get(s, t.getElementType()), v);
}

RankedTensorType withUnitHeight(RankedTensorType t) {
  SmallVector<int64_t> s(t.getShape());
  s.insert(s.end() - 1, 1);
  return RankedTensorType::get(s, t.getElementType());
}

LogicalResult importAvgPool1d(NodeImport &n) {
  if (failed(requireResult(n, 0)) || typeOf(n.tensor("self")).getRank() != 3)
    return n.emitError() << "avg_pool1d expects a [N, C, L] input";
  int64_t k = n.ints("kernel_size")[0];
  int64_t s = n.ints("stride").empty() ? k : n.ints("stride")[0];
  int64_t p = n.ints("padding").empty() ? 0 : n.ints("padding")[0];
  Value pooled = AvgPool2dOp::create(
      n.b, n.loc, withUnitHeight(n.resultType(0)), unitHeight(n, n.tensor("self")),
      n.b.getDenseI64ArrayAttr({1, k}), n.b.getDenseI64ArrayAttr({1, s}),
      n.b.getDenseI64ArrayAttr({0, p}), n.b.getBoolAttr(n.boolean("ceil_mode")),
      n.b.getBoolAttr(n.boolean("count_include_pad")), IntegerAttr());
  n.results = {ReshapeOp::create(n.b, n.loc, n.resultType(0), pooled)};
  return success();
}

LogicalResult importMaxPool1d(NodeImport &n) {
  if (failed(requireResult(n, 0)) || typeOf(n.tensor("self")).getRank() != 3)
    return n.emitError() << "max_pool1d expects a [N, C, L] input";
  int64_t k = n.ints("kernel_size")[0];
  int64_t s = n.ints("stride").empty() ? k : n.ints("stride")[0];
  int64_t p = n.ints("padding").empty() ? 0 : n.ints("padding")[0];
  int64_t d = n.ints("dilation").empty() ? 1 : n.ints("dilation")[0];
  Value pooled = MaxPool2dOp::create(
      n.b, n.loc, withUnitHeight(n.resultType(0)), unitHeight(n, n.tensor("self")),
      n.b.getDenseI64ArrayAttr({1, k}), n.b.getDenseI64ArrayAttr({1, s}),
      n.b.getDenseI64ArrayAttr({0, p}), n.b.getDenseI64ArrayAttr({1, d}),
      n.b.getBoolAttr(n.boolean("ceil_mode")));
  n.results.assign(std::max(1u, n.numResults()), Value());
  n.results[0] = ReshapeOp::create(n.b, n.loc, n.resultType(0), pooled);
  return success();
}

/// adaptive_avg_pool1d: a mean for an output of 1, an average pool when the
/// output size divides the input size.
LogicalResult importAdaptiveAvgPool1d(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value input = n.tensor("self");
  RankedTensorType in = typeOf(input);
  int64_t out = n.ints("output_size")[0], len = in.getDimSize(in.getRank() - 1);
  if (out == 1) {
    n.results = {MeanOp::create(n.b, n.loc, n.resultType(0), input,
                                n.b.getDenseI64ArrayAttr({in.getRank() - 1}),
                                n.b.getBoolAttr(true))};
    return success();
  }
  if (out <= 0 || len % out != 0 || in.getRank() != 3)
    return n.emitError() << "adaptive average pooling from " << len << " to " << out
                         << " (windows of different sizes) is not supported yet";
  int64_t k = len / out;
  Value pooled =
      AvgPool2dOp::create(n.b, n.loc, withUnitHeight(n.resultType(0)), unitHeight(n, input),
                          n.b.getDenseI64ArrayAttr({1, k}), n.b.getDenseI64ArrayAttr({1, k}),
                          n.b.getDenseI64ArrayAttr({0, 0}), n.b.getBoolAttr(false),
                          n.b.getBoolAttr(true), IntegerAttr());
  n.results = {ReshapeOp::create(n.b, n.loc, n.resultType(0), pooled)};
  return success();
}

//===----------------------------------------------------------------------===//
// Resampling
//===----------------------------------------------------------------------===//

/// The source-per-destination ratio PyTorch uses for one dimension.
double resizeRatio(int64_t in, int64_t out, std::optional<double> scale, bool alignCorners) {
  if (alignCorners)
    return out > 1 ? static_cast<double>(in - 1) / static_cast<double>(out - 1) : 0.0;
  if (scale && *scale > 0)
    return 1.0 / *scale;
  return static_cast<double>(in) / static_cast<double>(out);
}

/// upsample_{nearest,bilinear}2d and their .vec forms.
template <bool bilinear> LogicalResult importUpsample(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  Value x = n.tensor(n.call.indexOf("input") >= 0 ? "input" : "self");
  RankedTensorType in = typeOf(x);
  if (in.getRank() != 4 || type.getRank() != 4)
    return n.emitError() << "upsampling expects NCHW tensors, got " << in;
  std::optional<double> scales[2];
  if (n.call.indexOf("scale_factors") >= 0) {
    if (!n.isNone("scale_factors")) {
      const std::vector<double> &f = n.arg("scale_factors").floats;
      if (f.size() != 2)
        return n.emitError() << "expects 2 scale factors, got " << f.size();
      scales[0] = f[0];
      scales[1] = f[1];
    }
  } else {
    scales[0] = n.number("scales_h");
    scales[1] = n.number("scales_w");
  }
  bool alignCorners = bilinear && n.boolean("align_corners");
  double ratioH = resizeRatio(in.getDimSize(2), type.getDimSize(2), scales[0], alignCorners);
  double ratioW = resizeRatio(in.getDimSize(3), type.getDimSize(3), scales[1], alignCorners);
  n.results = {ResizeOp::create(
      n.b, n.loc, type, x, n.b.getStringAttr(bilinear ? "bilinear" : "nearest"),
      n.b.getBoolAttr(alignCorners), n.b.getF64FloatAttr(ratioH), n.b.getF64FloatAttr(ratioW))};
  return success();
}

const ImportRule kRules[] = {
    {"aten::_adaptive_avg_pool2d", importAdaptiveAvgPool2d},
    {"aten::adaptive_avg_pool1d", importAdaptiveAvgPool1d},
    {"aten::adaptive_avg_pool2d", importAdaptiveAvgPool2d},
    {"aten::avg_pool1d", importAvgPool1d},
    {"aten::avg_pool2d", importAvgPool2d},
    {"aten::max_pool1d", importMaxPool1d},
    {"aten::max_pool2d", importMaxPool2d},
    {"aten::max_pool2d_with_indices", importMaxPool2d},
    {"aten::upsample_bilinear2d", importUpsample<true>},
    {"aten::upsample_bilinear2d.vec", importUpsample<true>},
    {"aten::upsample_nearest2d", importUpsample<false>},
    {"aten::upsample_nearest2d.vec", importUpsample<false>},
};

} // namespace

llvm::ArrayRef<ImportRule> rules::poolingRules() { return kRules; }

} // namespace kiln
