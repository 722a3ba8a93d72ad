//===- Normalization.cpp - import rules: normalization --------------------===//
//
// Batch norm in every form torch.export writes (training IR, Core ATen,
// training and eval mode), layer norm and group norm.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/rules/Rules.h"
#include "dialects/kiln/KilnOps.h"
#include "dialects/kiln/KilnShapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <algorithm>

using namespace mlir;

namespace kiln {
namespace {

using namespace rules;

//===----------------------------------------------------------------------===//
// Batch norm
//===----------------------------------------------------------------------===//

LogicalResult buildBatchNorm(NodeImport &n, Value input, Value weight, Value bias, Value mean,
                             Value var, double eps) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  if (type.getRank() < 2)
    return n.emitError() << "batch norm needs a channel dimension, got " << type;
  int64_t channels = type.getDimSize(1);
  Type et = type.getElementType();
  if (!weight)
    weight = filledConstant(n, et, channels, 1.0);
  if (!bias)
    bias = filledConstant(n, et, channels, 0.0);
  n.results.assign(std::max(1u, n.numResults()), Value());
  n.results[0] = BatchNormOp::create(n.b, n.loc, type, input, weight, bias, mean, var,
                                     n.b.getF64FloatAttr(eps));
  return success();
}

/// Batch norm in training mode normalizes with the statistics of the batch
/// (mean and biased variance over every dimension but the channel), as
/// PyTorch's forward does: (x - mean) * rsqrt(var + eps) * weight + bias.
/// The updated running statistics are state, not part of the result.
LogicalResult buildBatchNormTraining(NodeImport &n, Value input, Value weight, Value bias,
                                     double eps) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  if (type.getRank() < 2)
    return n.emitError() << "batch norm needs a channel dimension, got " << type;
  Type et = type.getElementType();
  SmallVector<int64_t> reduced, statShape;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    if (i != 1)
      reduced.push_back(i);
    statShape.push_back(i == 1 ? type.getDimSize(1) : 1);
  }
  auto statType = RankedTensorType::get(statShape, et);
  auto dims = n.b.getDenseI64ArrayAttr(reduced);
  Value mean = MeanOp::create(n.b, n.loc, statType, input, dims, n.b.getBoolAttr(true));
  Value centered = binary<SubOp>(n, type, input, mean);
  Value squares = binary<MulOp>(n, type, centered, centered);
  Value var = MeanOp::create(n.b, n.loc, statType, squares, dims, n.b.getBoolAttr(true));
  Value invstd =
      RsqrtOp::create(n.b, n.loc, binary<AddOp>(n, statType, var, scalarConstant(n, et, eps)));
  Value out = binary<MulOp>(n, type, centered, invstd);
  // weight and bias are [C]; view them as [1, C, 1, ...] to broadcast.
  auto channelType = RankedTensorType::get(statShape, et);
  if (weight)
    out = binary<MulOp>(n, type, out, ReshapeOp::create(n.b, n.loc, channelType, weight));
  if (bias)
    out = binary<AddOp>(n, type, out, ReshapeOp::create(n.b, n.loc, channelType, bias));
  n.results.assign(std::max(1u, n.numResults()), Value());
  n.results[0] = out;
  return success();
}

LogicalResult importBatchNorm(NodeImport &n) {
  if (n.boolean("training"))
    return buildBatchNormTraining(n, n.tensor("input"), n.tensor("weight"), n.tensor("bias"),
                                  *n.number("eps"));
  if (!n.tensor("running_mean") || !n.tensor("running_var"))
    return n.emitError() << "batch norm in eval mode without running statistics";
  return buildBatchNorm(n, n.tensor("input"), n.tensor("weight"), n.tensor("bias"),
                        n.tensor("running_mean"), n.tensor("running_var"), *n.number("eps"));
}

/// Outputs 1 and 2 (saved mean and inverse std) are empty in inference;
/// only output 0 is computed.
LogicalResult importNativeBatchNormNoTraining(NodeImport &n) {
  return buildBatchNorm(n, n.tensor("input"), n.tensor("weight"), n.tensor("bias"),
                        n.tensor("running_mean"), n.tensor("running_var"), *n.number("eps"));
}

/// _native_batch_norm_legit[_functional], native_batch_norm: output 0 is the
/// normalized tensor; the saved statistics and the updated running
/// statistics (outputs 1-4) are not computed.
LogicalResult importNativeBatchNorm(NodeImport &n) {
  bool training = n.call.indexOf("training") < 0 || n.boolean("training");
  bool hasStats =
      n.call.indexOf("running_mean") >= 0 && n.tensor("running_mean") && n.tensor("running_var");
  if (training)
    return buildBatchNormTraining(n, n.tensor("input"), n.tensor("weight"), n.tensor("bias"),
                                  *n.number("eps"));
  if (!hasStats)
    return n.emitError() << "batch norm in eval mode without running statistics";
  return buildBatchNorm(n, n.tensor("input"), n.tensor("weight"), n.tensor("bias"),
                        n.tensor("running_mean"), n.tensor("running_var"), *n.number("eps"));
}

//===----------------------------------------------------------------------===//
// Layer norm
//===----------------------------------------------------------------------===//

/// layer_norm / native_layer_norm: normalizes the trailing
/// `normalized_shape` dimensions. native_layer_norm's mean and rstd outputs
/// are not computed.
LogicalResult importLayerNorm(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value input = n.tensor("input");
  RankedTensorType type = typeOf(input);
  const std::vector<int64_t> &normalized = n.ints("normalized_shape");
  int64_t axis = type.getRank() - static_cast<int64_t>(normalized.size());
  if (axis < 0 || !llvm::equal(type.getShape().drop_front(axis), normalized))
    return n.emitError() << "normalized_shape does not match the trailing dimensions of " << type;
  auto paramType = RankedTensorType::get(normalized, type.getElementType());
  Value weight = n.tensor("weight"), bias = n.tensor("bias");
  auto filled = [&](double v) {
    return arith::ConstantOp::create(
               n.b, n.loc,
               DenseElementsAttr::get(paramType,
                                      n.b.getFloatAttr(type.getElementType(), v).getValue()))
        .getResult();
  };
  if (!weight)
    weight = filled(1.0);
  if (!bias)
    bias = filled(0.0);
  n.results.assign(std::max(1u, n.numResults()), Value());
  n.results[0] =
      LayerNormOp::create(n.b, n.loc, n.resultType(0), input, weight, bias,
                          n.b.getI64IntegerAttr(axis), n.b.getF64FloatAttr(*n.number("eps")));
  return success();
}

//===----------------------------------------------------------------------===//
// Group norm
//===----------------------------------------------------------------------===//

/// Normalizes [N, C, *] over groups of C / G channels (and all spatial
/// positions), then applies the per-channel affine transform. Returns
/// (output, mean [N, G], rstd [N, G]).
LogicalResult buildGroupNorm(NodeImport &n, Value x, Value weight, Value bias, int64_t groups,
                             double eps) {
  RankedTensorType in = typeOf(x);
  if (in.getRank() < 2)
    return n.emitError() << "group_norm expects an input of rank >= 2, got " << in;
  int64_t batch = in.getDimSize(0), channels = in.getDimSize(1);
  if (groups <= 0 || channels % groups != 0)
    return n.emitError() << "group_norm: " << groups << " groups do not divide " << channels
                         << " channels";
  int64_t perGroup = numElements(in.getShape()) / std::max<int64_t>(batch * groups, 1);
  Type et = in.getElementType();
  Value grouped = reshapeTo(n, x, {batch, groups, perGroup});
  RankedTensorType gt = typeOf(grouped);
  auto statsType = RankedTensorType::get({batch, groups, 1}, et);
  Value mean = MeanOp::create(n.b, n.loc, statsType, grouped, n.b.getDenseI64ArrayAttr({2}),
                              n.b.getBoolAttr(true));
  Value centered = binary<SubOp>(n, gt, grouped, mean);
  Value var = MeanOp::create(n.b, n.loc, statsType, binary<MulOp>(n, gt, centered, centered),
                             n.b.getDenseI64ArrayAttr({2}), n.b.getBoolAttr(true));
  Value rstd = RsqrtOp::create(n.b, n.loc, statsType,
                               binary<AddOp>(n, statsType, var, scalarConstant(n, et, eps)));
  Value y = reshapeTo(n, binary<MulOp>(n, gt, centered, rstd), in.getShape());
  SmallVector<int64_t> channelShape(in.getRank(), 1);
  channelShape[1] = channels;
  if (weight)
    y = binary<MulOp>(n, in, y, reshapeTo(n, castTo(n, weight, et), channelShape));
  if (bias)
    y = binary<AddOp>(n, in, y, reshapeTo(n, castTo(n, bias, et), channelShape));
  n.results = {y, reshapeTo(n, mean, {batch, groups}), reshapeTo(n, rstd, {batch, groups})};
  return success();
}

LogicalResult importNativeGroupNorm(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  return buildGroupNorm(n, n.tensor("input"), n.tensor("weight"), n.tensor("bias"),
                        n.integer("group"), n.number("eps").value_or(1e-5));
}

LogicalResult importGroupNorm(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  if (failed(buildGroupNorm(n, n.tensor("input"), n.tensor("weight"), n.tensor("bias"),
                            n.integer("num_groups"), n.number("eps").value_or(1e-5))))
    return failure();
  n.results.resize(1);
  return success();
}

const ImportRule kRules[] = {
    {"aten::_native_batch_norm_legit", importNativeBatchNorm},
    {"aten::_native_batch_norm_legit.no_stats", importNativeBatchNorm},
    {"aten::_native_batch_norm_legit_functional", importNativeBatchNorm},
    {"aten::_native_batch_norm_legit_no_training", importNativeBatchNormNoTraining},
    {"aten::batch_norm", importBatchNorm},
    {"aten::group_norm", importGroupNorm},
    {"aten::layer_norm", importLayerNorm},
    {"aten::native_batch_norm", importNativeBatchNorm},
    {"aten::native_group_norm", importNativeGroupNorm},
    {"aten::native_layer_norm", importLayerNorm},
};

} // namespace

llvm::ArrayRef<ImportRule> rules::normalizationRules() { return kRules; }

} // namespace kiln
