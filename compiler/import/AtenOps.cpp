//===- AtenOps.cpp - import rules for ATen operators ----------------------===//
//
// One rule per ATen operator overload, mapping PyTorch's semantics onto kiln
// ops. Both forms torch.export produces are covered: the training IR
// (`linear`, `conv2d`, `batch_norm`, in-place `relu_`, ...) and Core ATen
// (`addmm`, `convolution`, `_native_batch_norm_legit_no_training`, ...).
// The table at the end is the list of supported operators that `kilnc
// inspect` and docs/operators.md report.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/NodeImport.h"
#include "dialects/kiln/KilnOps.h"
#include "dialects/kiln/KilnShapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace kiln {

std::optional<double> NodeImport::number(llvm::StringRef name) const {
  const OpArgument &a = arg(name);
  switch (a.kind) {
  case OpArgument::Kind::Int:
    return static_cast<double>(a.i);
  case OpArgument::Kind::Float:
    return a.f;
  case OpArgument::Kind::Bool:
    return a.b ? 1.0 : 0.0;
  default:
    return std::nullopt;
  }
}

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// A rank-0 constant of `elementType` holding `value`, for broadcasting.
Value scalarConstant(NodeImport &n, Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute attr;
  if (isa<FloatType>(elementType))
    attr = DenseElementsAttr::get(type, n.b.getFloatAttr(elementType, value).getValue());
  else
    attr = DenseElementsAttr::get(
        type, APInt(elementType.getIntOrFloatBitWidth(), static_cast<int64_t>(value), true));
  return arith::ConstantOp::create(n.b, n.loc, cast<TypedAttr>(attr));
}

/// A 1-D constant of `count` copies of `value`.
Value filledConstant(NodeImport &n, Type elementType, int64_t count, double value) {
  auto type = RankedTensorType::get({count}, elementType);
  return arith::ConstantOp::create(
      n.b, n.loc,
      DenseElementsAttr::get(type, n.b.getFloatAttr(elementType, value).getValue()));
}

/// PyTorch's negative dimension indices, checked.
FailureOr<int64_t> normalizeDim(NodeImport &n, int64_t dim, int64_t rank) {
  int64_t r = std::max<int64_t>(rank, 1);
  if (dim < -r || dim >= r)
    return n.emitError() << "dimension " << dim << " is out of range for a tensor of rank "
                         << rank;
  return dim < 0 ? dim + r : dim;
}

LogicalResult requireResult(NodeImport &n, unsigned i) {
  if (!n.resultType(i))
    return n.emitError() << "output " << i << " has no tensor metadata in the file";
  return success();
}

/// `int[2]`-style arguments given with one element mean that value twice.
SmallVector<int64_t> pair(llvm::ArrayRef<int64_t> values, int64_t fallback) {
  if (values.empty())
    return {fallback, fallback};
  if (values.size() == 1)
    return {values[0], values[0]};
  return {values[0], values[1]};
}

/// lhs (+|*) rhs where the scalar operand may be a Scalar argument.
template <typename OpTy>
Value binary(NodeImport &n, RankedTensorType type, Value lhs, Value rhs) {
  return OpTy::create(n.b, n.loc, type, lhs, rhs);
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

LogicalResult importLinear(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  n.results = {LinearOp::create(n.b, n.loc, n.resultType(0), n.tensor("input"),
                                n.tensor("weight"), n.tensor("bias"))};
  return success();
}

LogicalResult importMm(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value rhs = n.call.indexOf("mat2") >= 0 ? n.tensor("mat2") : n.tensor("other");
  n.results = {MatmulOp::create(n.b, n.loc, n.resultType(0), n.tensor("self"), rhs)};
  return success();
}

/// beta * self + alpha * (mat1 @ mat2); beta = 0 ignores self, NaN included.
LogicalResult importAddmm(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  Type et = type.getElementType();
  Value mat1 = n.tensor("mat1"), mat2 = n.tensor("mat2");
  auto mmType = RankedTensorType::get({typeOf(mat1).getDimSize(0), typeOf(mat2).getDimSize(1)},
                                      et);
  Value product = MatmulOp::create(n.b, n.loc, mmType, mat1, mat2);
  double alpha = n.number("alpha").value_or(1), beta = n.number("beta").value_or(1);
  if (alpha != 1)
    product = binary<MulOp>(n, mmType, product, scalarConstant(n, et, alpha));
  if (beta == 0) {
    n.results = {product};
    return success();
  }
  Value self = n.tensor("self");
  if (beta != 1)
    self = binary<MulOp>(n, typeOf(self), self, scalarConstant(n, et, beta));
  n.results = {binary<AddOp>(n, type, product, self)};
  return success();
}

/// torch.matmul: 1-D operands are promoted to matrices and the added
/// dimension is removed from the result.
LogicalResult importMatmul(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value lhs = n.tensor("self"), rhs = n.tensor("other");
  RankedTensorType lt = typeOf(lhs), rt = typeOf(rhs);
  Type et = lt.getElementType();
  if (lt.getRank() == 0 || rt.getRank() == 0)
    return n.emitError() << "matmul of a 0-d tensor";
  if (lt.getRank() == 1)
    lhs = ReshapeOp::create(n.b, n.loc, RankedTensorType::get({1, lt.getDimSize(0)}, et), lhs);
  if (rt.getRank() == 1)
    rhs = ReshapeOp::create(n.b, n.loc, RankedTensorType::get({rt.getDimSize(0), 1}, et), rhs);
  ArrayRef<int64_t> a = typeOf(lhs).getShape(), b = typeOf(rhs).getShape();
  auto batch = broadcastShapes(a.drop_back(2), b.drop_back(2));
  if (!batch)
    return n.emitError() << "matmul batch dimensions do not broadcast";
  SmallVector<int64_t> shape = *batch;
  shape.push_back(a[a.size() - 2]);
  shape.push_back(b.back());
  Value product = MatmulOp::create(n.b, n.loc, RankedTensorType::get(shape, et), lhs, rhs);
  if (typeOf(product) != n.resultType(0))
    product = ReshapeOp::create(n.b, n.loc, n.resultType(0), product);
  n.results = {product};
  return success();
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

LogicalResult buildConv2d(NodeImport &n, Value input, Value weight, Value bias,
                          SmallVector<int64_t> stride, SmallVector<int64_t> padding,
                          SmallVector<int64_t> dilation, int64_t groups) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
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
  Value conv = Conv2dOp::create(n.b, n.loc, type, input, weight, bias,
                                n.b.getDenseI64ArrayAttr(stride),
                                n.b.getDenseI64ArrayAttr(padding),
                                n.b.getDenseI64ArrayAttr(dilation), n.b.getI64IntegerAttr(groups));
  if (unbatched)
    conv = ReshapeOp::create(n.b, n.loc, n.resultType(0), conv);
  n.results = {conv};
  return success();
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
  return buildConv2d(n, n.tensor("input"), n.tensor("weight"), n.tensor("bias"), stride,
                     padding, dilation, n.integer("groups"));
}

LogicalResult importConvolution(NodeImport &n) {
  if (n.boolean("transposed"))
    return n.emitError() << "transposed convolution is not supported yet";
  Value weight = n.tensor("weight");
  if (typeOf(weight).getRank() != 4)
    return n.emitError() << "only 2-D convolutions are supported so far, weight is "
                         << typeOf(weight);
  auto p = pair(n.ints("padding"), 0);
  return buildConv2d(n, n.tensor("input"), weight, n.tensor("bias"), pair(n.ints("stride"), 1),
                     {p[0], p[1], p[0], p[1]}, pair(n.ints("dilation"), 1),
                     n.integer("groups"));
}

//===----------------------------------------------------------------------===//
// Normalization
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
  Value invstd = RsqrtOp::create(
      n.b, n.loc, binary<AddOp>(n, statType, var, scalarConstant(n, et, eps)));
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
  bool hasStats = n.call.indexOf("running_mean") >= 0 && n.tensor("running_mean") &&
                  n.tensor("running_var");
  if (training)
    return buildBatchNormTraining(n, n.tensor("input"), n.tensor("weight"), n.tensor("bias"),
                                  *n.number("eps"));
  if (!hasStats)
    return n.emitError() << "batch norm in eval mode without running statistics";
  return buildBatchNorm(n, n.tensor("input"), n.tensor("weight"), n.tensor("bias"),
                        n.tensor("running_mean"), n.tensor("running_var"), *n.number("eps"));
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

/// self (+|-) alpha * other, and the in-place forms.
template <typename OpTy>
LogicalResult importAddOrSub(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value other = n.tensor("other");
  double alpha = n.number("alpha").value_or(1);
  if (alpha != 1)
    other = binary<MulOp>(n, typeOf(other), other,
                          scalarConstant(n, typeOf(other).getElementType(), alpha));
  n.results = {binary<OpTy>(n, n.resultType(0), n.tensor("self"), other)};
  return success();
}

LogicalResult importMul(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  n.results = {binary<MulOp>(n, n.resultType(0), n.tensor("self"), n.tensor("other"))};
  return success();
}

LogicalResult importDiv(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  n.results = {binary<DivOp>(n, n.resultType(0), n.tensor("self"), n.tensor("other"))};
  return success();
}

LogicalResult importRelu(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  n.results = {ReluOp::create(n.b, n.loc, n.resultType(0), n.tensor("self"))};
  return success();
}

template <typename OpTy>
LogicalResult importUnary(NodeImport &n) {
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
template <typename OpTy>
LogicalResult importSoftmax(NodeImport &n) {
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

LogicalResult buildClamp(NodeImport &n, std::optional<double> lo, std::optional<double> hi) {
  if (failed(requireResult(n, 0)))
    return failure();
  if (lo && hi && *lo > *hi)
    return n.emitError() << "clamp bounds are reversed: min " << *lo << " > max " << *hi;
  FloatAttr minAttr = lo ? n.b.getF64FloatAttr(*lo) : FloatAttr();
  FloatAttr maxAttr = hi ? n.b.getF64FloatAttr(*hi) : FloatAttr();
  n.results = {ClampOp::create(n.b, n.loc, n.resultType(0), n.tensor("self"), minAttr, maxAttr)};
  return success();
}

LogicalResult importClamp(NodeImport &n) {
  return buildClamp(n, n.number("min"), n.number("max"));
}

LogicalResult importHardtanh(NodeImport &n) {
  return buildClamp(n, n.number("min_val"), n.number("max_val"));
}

LogicalResult importRelu6(NodeImport &n) { return buildClamp(n, 0.0, 6.0); }

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

/// view / reshape / flatten / squeeze / unsqueeze: the file's declared result
/// type gives the new shape; the verifier checks the element count.
LogicalResult importReshape(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value input = n.tensor("self");
  if (typeOf(input) == n.resultType(0)) {
    n.results = {input};
    return success();
  }
  n.results = {ReshapeOp::create(n.b, n.loc, n.resultType(0), input)};
  return success();
}

LogicalResult importPermute(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value input = n.tensor("self");
  int64_t rank = typeOf(input).getRank();
  SmallVector<int64_t> dims;
  for (int64_t d : n.ints("dims")) {
    auto nd = normalizeDim(n, d, rank);
    if (failed(nd))
      return failure();
    dims.push_back(*nd);
  }
  n.results = {PermuteOp::create(n.b, n.loc, n.resultType(0), input,
                                 n.b.getDenseI64ArrayAttr(dims))};
  return success();
}

LogicalResult importT(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value input = n.tensor("self");
  if (typeOf(input).getRank() < 2) {
    n.results = {input};
    return success();
  }
  n.results = {PermuteOp::create(n.b, n.loc, n.resultType(0), input,
                                 n.b.getDenseI64ArrayAttr({1, 0}))};
  return success();
}

/// Ops that return their input unchanged at inference: clone, alias,
/// detach, contiguous, dropout in eval mode.
LogicalResult importIdentity(NodeImport &n) {
  int index = n.call.indexOf("self") >= 0 ? n.call.indexOf("self") : n.call.indexOf("input");
  if (n.call.indexOf("train") >= 0 && n.boolean("train"))
    return n.emitError() << "dropout in training mode is random; export the model in eval() "
                            "mode";
  n.results = {n.tensor(n.schema().arguments[index].name)};
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling and reductions
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
    return n.emitError() << "adaptive average pooling from " << h << "x" << w << " to "
                         << out[0] << "x" << out[1]
                         << " (windows of different sizes) is not supported yet";
  SmallVector<int64_t> kernel = {h / out[0], w / out[1]};
  n.results = {AvgPool2dOp::create(
      n.b, n.loc, n.resultType(0), input, n.b.getDenseI64ArrayAttr(kernel),
      n.b.getDenseI64ArrayAttr(kernel), n.b.getDenseI64ArrayAttr({0, 0}), n.b.getBoolAttr(false),
      n.b.getBoolAttr(true), IntegerAttr())};
  return success();
}

LogicalResult importMeanDim(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value input = n.tensor("self");
  int64_t rank = typeOf(input).getRank();
  if (!n.isNone("dtype"))
    return n.emitError() << "mean with a dtype argument is not supported yet";
  SmallVector<int64_t> dims;
  if (n.isNone("dim") || n.ints("dim").empty()) {
    for (int64_t i = 0; i < rank; ++i)
      dims.push_back(i);
  } else {
    for (int64_t d : n.ints("dim")) {
      auto nd = normalizeDim(n, d, rank);
      if (failed(nd))
        return failure();
      if (!llvm::is_contained(dims, *nd))
        dims.push_back(*nd);
    }
  }
  llvm::sort(dims);
  n.results = {MeanOp::create(n.b, n.loc, n.resultType(0), input, n.b.getDenseI64ArrayAttr(dims),
                              n.b.getBoolAttr(n.boolean("keepdim")))};
  return success();
}

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

const ImportRule kRules[] = {
    // Linear algebra
    {"aten::addmm", importAddmm},
    {"aten::bmm", importMm},
    {"aten::linear", importLinear},
    {"aten::matmul", importMatmul},
    {"aten::mm", importMm},
    // Convolution
    {"aten::conv2d", importConv2d},
    {"aten::conv2d.padding", importConv2dPadding},
    {"aten::convolution", importConvolution},
    // Normalization
    {"aten::_native_batch_norm_legit", importNativeBatchNorm},
    {"aten::_native_batch_norm_legit.no_stats", importNativeBatchNorm},
    {"aten::_native_batch_norm_legit_functional", importNativeBatchNorm},
    {"aten::_native_batch_norm_legit_no_training", importNativeBatchNormNoTraining},
    {"aten::batch_norm", importBatchNorm},
    {"aten::native_batch_norm", importNativeBatchNorm},
    // Activations and math
    {"aten::_log_softmax", importSoftmax<LogSoftmaxOp>},
    {"aten::_softmax", importSoftmax<SoftmaxOp>},
    {"aten::abs", importUnary<AbsOp>},
    {"aten::exp", importUnary<ExpOp>},
    {"aten::leaky_relu", importLeakyRelu},
    {"aten::leaky_relu_", importLeakyRelu},
    {"aten::log", importUnary<LogOp>},
    {"aten::log_softmax.int", importSoftmax<LogSoftmaxOp>},
    {"aten::neg", importUnary<NegOp>},
    {"aten::rsqrt", importUnary<RsqrtOp>},
    {"aten::sigmoid", importUnary<SigmoidOp>},
    {"aten::sigmoid_", importUnary<SigmoidOp>},
    {"aten::softmax.int", importSoftmax<SoftmaxOp>},
    {"aten::sqrt", importUnary<SqrtOp>},
    {"aten::tanh", importUnary<TanhOp>},
    {"aten::tanh_", importUnary<TanhOp>},
    // Elementwise
    {"aten::add.Tensor", importAddOrSub<AddOp>},
    {"aten::add_.Tensor", importAddOrSub<AddOp>},
    {"aten::clamp", importClamp},
    {"aten::clamp_", importClamp},
    {"aten::div.Tensor", importDiv},
    {"aten::div_.Tensor", importDiv},
    {"aten::hardtanh", importHardtanh},
    {"aten::hardtanh_", importHardtanh},
    {"aten::mul.Tensor", importMul},
    {"aten::mul_.Tensor", importMul},
    {"aten::relu", importRelu},
    {"aten::relu6", importRelu6},
    {"aten::relu_", importRelu},
    {"aten::sub.Tensor", importAddOrSub<SubOp>},
    {"aten::sub_.Tensor", importAddOrSub<SubOp>},
    // Shape and data movement
    {"aten::alias", importIdentity, true},
    {"aten::clone", importIdentity, true},
    {"aten::contiguous", importIdentity, true},
    {"aten::detach", importIdentity, true},
    {"aten::dropout", importIdentity, true},
    {"aten::flatten.using_ints", importReshape, true},
    {"aten::permute", importPermute, true},
    {"aten::reshape", importReshape, true},
    {"aten::squeeze", importReshape, true},
    {"aten::squeeze.dim", importReshape, true},
    {"aten::squeeze.dims", importReshape, true},
    {"aten::t", importT, true},
    {"aten::unsqueeze", importReshape, true},
    {"aten::view", importReshape, true},
    // Pooling and reductions
    {"aten::_adaptive_avg_pool2d", importAdaptiveAvgPool2d},
    {"aten::adaptive_avg_pool2d", importAdaptiveAvgPool2d},
    {"aten::avg_pool2d", importAvgPool2d},
    {"aten::max_pool2d", importMaxPool2d},
    {"aten::max_pool2d_with_indices", importMaxPool2d},
    {"aten::mean.dim", importMeanDim},
};

} // namespace

const ImportRule *findImportRule(llvm::StringRef qualifiedName) {
  for (const ImportRule &rule : kRules)
    if (rule.op == qualifiedName)
      return &rule;
  return nullptr;
}

llvm::ArrayRef<ImportRule> allImportRules() { return kRules; }

} // namespace kiln
