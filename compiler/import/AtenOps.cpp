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
#include "compiler/import/AtenHelpers.h"
#include "dialects/kiln/KilnOps.h"
#include "dialects/kiln/KilnShapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <limits>

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

namespace aten {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// A rank-0 constant of `elementType` holding `value`, for broadcasting.
Value scalarConstant(NodeImport &n, Type elementType, double value) {
  return splatConstant(n, RankedTensorType::get({}, elementType), value);
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


/// A constant tensor of `type` filled with `value`.
Value splatConstant(NodeImport &n, RankedTensorType type, double value) {
  Type et = type.getElementType();
  Attribute element;
  unsigned bits = et.getIntOrFloatBitWidth();
  if (isa<FloatType>(et))
    element = n.b.getFloatAttr(et, value);
  else if (bits == 1)
    element = n.b.getIntegerAttr(et, APInt(1, value != 0));
  else
    element = n.b.getIntegerAttr(et, APInt(bits, static_cast<int64_t>(value), /*isSigned=*/true));
  return arith::ConstantOp::create(n.b, n.loc, DenseElementsAttr::get(type, element));
}

FailureOr<SmallVector<int64_t>> reductionDims(NodeImport &n, StringRef name, int64_t rank) {
  SmallVector<int64_t> dims;
  if (n.isNone(name) || n.ints(name).empty()) {
    for (int64_t i = 0; i < rank; ++i)
      dims.push_back(i);
    return dims;
  }
  for (int64_t d : n.ints(name)) {
    auto nd = normalizeDim(n, d, rank);
    if (failed(nd))
      return failure();
    if (!llvm::is_contained(dims, *nd))
      dims.push_back(*nd);
  }
  llvm::sort(dims);
  return dims;
}

Value reshapeTo(NodeImport &n, Value v, ArrayRef<int64_t> shape) {
  if (typeOf(v).getShape() == shape)
    return v;
  return ReshapeOp::create(n.b, n.loc, RankedTensorType::get(shape, typeOf(v).getElementType()),
                           v);
}

Value castTo(NodeImport &n, Value v, Type elementType) {
  RankedTensorType t = typeOf(v);
  if (t.getElementType() == elementType)
    return v;
  // Constants convert at import time (wrapped numbers, mostly).
  if (auto c = v.getDefiningOp<arith::ConstantOp>())
    if (auto dense = dyn_cast<DenseElementsAttr>(c.getValue()); dense && dense.isSplat()) {
      double value = isa<FloatType>(t.getElementType())
                         ? dense.getSplatValue<APFloat>().convertToDouble()
                     : t.getElementType().isInteger(1)
                         ? static_cast<double>(dense.getSplatValue<bool>())
                         : static_cast<double>(dense.getSplatValue<APInt>().getSExtValue());
      if (!isa<FloatType>(elementType) && !elementType.isInteger(1))
        value = std::trunc(value);
      return splatConstant(n, RankedTensorType::get(t.getShape(), elementType), value);
    }
  return ConvertOp::create(n.b, n.loc, RankedTensorType::get(t.getShape(), elementType), v);
}

Type numberType(NodeImport &n, StringRef name) {
  switch (n.arg(name).kind) {
  case OpArgument::Kind::Float:
    return n.b.getF32Type();
  case OpArgument::Kind::Bool:
    return n.b.getI1Type();
  default:
    return n.b.getI64Type();
  }
}

Value operandAs(NodeImport &n, StringRef name, Type elementType) {
  if (Value v = n.tensor(name))
    return castTo(n, v, elementType);
  return scalarConstant(n, elementType, n.number(name).value_or(0));
}

/// PyTorch's order of floating-point types by width; float16 and bfloat16
/// promote to float32.
Type promoteTypes(Type a, Type b) {
  if (!a)
    return b;
  if (!b || a == b)
    return a;
  if (a.isInteger(1))
    return b;
  if (b.isInteger(1))
    return a;
  bool af = isa<FloatType>(a), bf = isa<FloatType>(b);
  if (af != bf)
    return af ? a : b;
  unsigned aw = a.getIntOrFloatBitWidth(), bw = b.getIntOrFloatBitWidth();
  if (af) {
    if (aw == bw) // float16 and bfloat16
      return Float32Type::get(a.getContext());
    return aw > bw ? a : b;
  }
  // Integers: uint8 with a signed type needs the next wider signed type.
  auto ai = cast<IntegerType>(a), bi = cast<IntegerType>(b);
  if (ai.isUnsigned() != bi.isUnsigned()) {
    IntegerType u = ai.isUnsigned() ? ai : bi, sgn = ai.isUnsigned() ? bi : ai;
    if (sgn.getWidth() > u.getWidth())
      return sgn;
    return IntegerType::get(a.getContext(), std::min(2 * u.getWidth(), 64u));
  }
  return aw >= bw ? a : b;
}

/// torch's combine_categories: the higher category wins unless the lower
/// one brings floating point to integers or booleans.
static Type combineCategories(Type higher, Type lower) {
  if (!higher)
    return lower;
  if (isa<FloatType>(higher))
    return higher;
  if (higher.isInteger(1) || (lower && isa<FloatType>(lower)))
    return promoteTypes(higher, lower);
  return higher;
}

Type resultElementType(ArrayRef<Value> operands, ArrayRef<Type> numbers) {
  Type dimResult, zeroResult, numberResult;
  for (Value v : operands) {
    if (!v)
      continue;
    RankedTensorType t = typeOf(v);
    Type &slot = t.getRank() > 0 ? dimResult : zeroResult;
    slot = promoteTypes(slot, t.getElementType());
  }
  for (Type t : numbers)
    numberResult = promoteTypes(numberResult, t);
  return combineCategories(dimResult, combineCategories(zeroResult, numberResult));
}

} // namespace aten

namespace {

using namespace aten;

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

LogicalResult importLinear(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  n.results = {LinearOp::create(n.b, n.loc, n.resultType(0), n.tensor("input"),
                                n.tensor("weight"), n.tensor("bias"), StringAttr())};
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

/// A 1-D convolution is a 2-D one over inputs of height 1: [N, C, L] ->
/// [N, C, 1, L], weight [F, C/g, K] -> [F, C/g, 1, K].
LogicalResult buildConv1d(NodeImport &n, Value input, Value weight, Value bias,
                          int64_t stride, int64_t padLeft, int64_t padRight, int64_t dilation,
                          int64_t groups) {
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
  Value conv = Conv2dOp::create(n.b, n.loc, type, input, weight, bias,
                                n.b.getDenseI64ArrayAttr(stride),
                                n.b.getDenseI64ArrayAttr(padding),
                                n.b.getDenseI64ArrayAttr(dilation), n.b.getI64IntegerAttr(groups),
                                StringAttr());
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
  return buildConv2d(n, n.tensor("input"), n.tensor("weight"), n.tensor("bias"), stride,
                     padding, dilation, n.integer("groups"));
}

LogicalResult importConvolution(NodeImport &n) {
  if (n.boolean("transposed"))
    return n.emitError() << "transposed convolution is not supported yet";
  Value weight = n.tensor("weight");
  if (typeOf(weight).getRank() == 3) {
    auto p = pair(n.ints("padding"), 0);
    return buildConv1d(n, n.tensor("input"), weight, n.tensor("bias"), n.ints("stride")[0],
                       p[0], p[0], pair(n.ints("dilation"), 1)[0], n.integer("groups"));
  }
  if (typeOf(weight).getRank() != 4)
    return n.emitError() << "only 1-D and 2-D convolutions are supported so far, weight is "
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
  // An integer tensor clamped to float bounds is a float tensor (PyTorch's
  // promotion gives the declared result type).
  Value input = castTo(n, n.tensor("self"), n.resultType(0).getElementType());
  n.results = {ClampOp::create(n.b, n.loc, n.resultType(0), input, minAttr, maxAttr)};
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

/// Ops that return their input unchanged at inference: dropout in eval mode
/// becomes kiln.dropout, clone/contiguous/alias/detach kiln.copy; the no-op
/// removal pass erases both.
LogicalResult importIdentity(NodeImport &n) {
  int index = n.call.indexOf("self") >= 0 ? n.call.indexOf("self") : n.call.indexOf("input");
  Value input = n.tensor(n.schema().arguments[index].name);
  if (n.call.indexOf("train") >= 0) {
    if (n.boolean("train"))
      return n.emitError() << "dropout in training mode is random; export the model in eval() "
                              "mode";
    n.results = {DropoutOp::create(n.b, n.loc, input, n.b.getF64FloatAttr(*n.number("p")))};
    return success();
  }
  n.results = {CopyOp::create(n.b, n.loc, input)};
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
// Activations with attributes
//===----------------------------------------------------------------------===//

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
    return n.emitError() << "normalized_shape does not match the trailing dimensions of "
                         << type;
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
  n.results[0] = LayerNormOp::create(n.b, n.loc, n.resultType(0), input, weight, bias,
                                     n.b.getI64IntegerAttr(axis),
                                     n.b.getF64FloatAttr(*n.number("eps")));
  return success();
}

//===----------------------------------------------------------------------===//
// Concatenation, slicing, splitting
//===----------------------------------------------------------------------===//

LogicalResult importCat(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  const std::vector<Value> &inputs = n.tensorList("tensors");
  if (inputs.empty())
    return n.emitError() << "cat of no tensors";
  RankedTensorType type = n.resultType(0);
  auto dim = normalizeDim(n, n.integer("dim"), type.getRank());
  if (failed(dim))
    return failure();
  // PyTorch skips 1-D empty tensors in cat (legacy behaviour).
  SmallVector<Value> kept;
  for (Value v : inputs)
    if (!(typeOf(v).getRank() == 1 && typeOf(v).getDimSize(0) == 0 && type.getRank() != 1))
      kept.push_back(v);
  if (kept.size() == 1 && typeOf(kept[0]) == type) {
    n.results = {kept[0]};
    return success();
  }
  n.results = {ConcatOp::create(n.b, n.loc, type, kept, n.b.getI64IntegerAttr(*dim))};
  return success();
}

/// stack: every input gains a unit dimension at `dim`, then cat.
LogicalResult importStack(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  const std::vector<Value> &inputs = n.tensorList("tensors");
  if (inputs.empty())
    return n.emitError() << "stack of no tensors";
  RankedTensorType type = n.resultType(0);
  auto dim = normalizeDim(n, n.integer("dim"), type.getRank());
  if (failed(dim))
    return failure();
  SmallVector<Value> expanded;
  for (Value v : inputs) {
    SmallVector<int64_t> s(typeOf(v).getShape());
    s.insert(s.begin() + *dim, 1);
    expanded.push_back(
        ReshapeOp::create(n.b, n.loc, RankedTensorType::get(s, typeOf(v).getElementType()), v));
  }
  n.results = {ConcatOp::create(n.b, n.loc, type, expanded, n.b.getI64IntegerAttr(*dim))};
  return success();
}

/// A slice along `dim` with PyTorch's clamping of the bounds.
Value buildSlice(NodeImport &n, Value input, int64_t dim, int64_t start, int64_t end,
                 int64_t step) {
  RankedTensorType type = typeOf(input);
  int64_t size = type.getDimSize(dim);
  if (start < 0)
    start += size;
  if (end < 0)
    end += size;
  start = std::clamp<int64_t>(start, 0, size);
  end = std::clamp<int64_t>(end, start, size);
  SmallVector<int64_t> shape(type.getShape());
  shape[dim] = (end - start + step - 1) / step;
  return SliceOp::create(n.b, n.loc, RankedTensorType::get(shape, type.getElementType()), input,
                         n.b.getI64IntegerAttr(dim), n.b.getI64IntegerAttr(start),
                         n.b.getI64IntegerAttr(end), n.b.getI64IntegerAttr(step));
}

LogicalResult importSlice(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value input = n.tensor("self");
  auto dim = normalizeDim(n, n.integer("dim"), typeOf(input).getRank());
  if (failed(dim))
    return failure();
  int64_t step = n.integer("step");
  if (step < 1)
    return n.emitError() << "slice step must be positive, got " << step;
  int64_t start = n.isNone("start") ? 0 : n.integer("start");
  int64_t end = n.isNone("end") ? std::numeric_limits<int64_t>::max() : n.integer("end");
  Value slice = buildSlice(n, input, *dim, start, end, step);
  if (typeOf(slice) != n.resultType(0))
    return n.emitError() << "slice gives " << slice.getType() << ", the file declares "
                         << n.resultType(0);
  n.results = {slice};
  return success();
}

/// select: a slice of one, then the dimension removed.
LogicalResult importSelect(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value input = n.tensor("self");
  auto dim = normalizeDim(n, n.integer("dim"), typeOf(input).getRank());
  if (failed(dim))
    return failure();
  int64_t size = typeOf(input).getDimSize(*dim), index = n.integer("index");
  if (index < -size || index >= size)
    return n.emitError() << "index " << index << " is out of range for a dimension of size "
                         << size;
  if (index < 0)
    index += size;
  Value slice = buildSlice(n, input, *dim, index, index + 1, 1);
  n.results = {ReshapeOp::create(n.b, n.loc, n.resultType(0), slice)};
  return success();
}

LogicalResult importNarrow(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value input = n.tensor("self");
  auto dim = normalizeDim(n, n.integer("dim"), typeOf(input).getRank());
  if (failed(dim))
    return failure();
  int64_t start = n.integer("start");
  if (start < 0)
    start += typeOf(input).getDimSize(*dim);
  n.results = {buildSlice(n, input, *dim, start, start + n.integer("length"), 1)};
  return success();
}

/// Slices of the given sizes along `dim`, one per output.
LogicalResult buildSplit(NodeImport &n, Value input, int64_t dim, ArrayRef<int64_t> sizes) {
  int64_t offset = 0;
  n.results.clear();
  for (int64_t size : sizes) {
    n.results.push_back(buildSlice(n, input, dim, offset, offset + size, 1));
    offset += size;
  }
  if (n.results.size() != n.numResults())
    return n.emitError() << "split gives " << n.results.size() << " pieces, the file declares "
                         << n.numResults();
  return success();
}

/// split.Tensor / unsafe_split.Tensor (split_size), chunk (chunks),
/// split_with_sizes (split_sizes).
LogicalResult importSplit(NodeImport &n) {
  Value input = n.tensor("self");
  auto dim = normalizeDim(n, n.integer("dim"), typeOf(input).getRank());
  if (failed(dim))
    return failure();
  int64_t size = typeOf(input).getDimSize(*dim);
  SmallVector<int64_t> sizes;
  if (n.call.indexOf("split_sizes") >= 0) {
    sizes.assign(n.ints("split_sizes").begin(), n.ints("split_sizes").end());
  } else {
    int64_t piece;
    if (n.call.indexOf("chunks") >= 0) {
      int64_t chunks = n.integer("chunks");
      if (chunks < 1)
        return n.emitError() << "chunk count must be positive";
      piece = (size + chunks - 1) / chunks;
    } else {
      piece = n.integer("split_size");
    }
    if (piece < 1)
      return n.emitError() << "split size must be positive";
    for (int64_t at = 0; at < size; at += piece)
      sizes.push_back(std::min(piece, size - at));
    if (sizes.empty())
      sizes.push_back(0);
  }
  return buildSplit(n, input, *dim, sizes);
}

/// unbind: slices of one, each without the dimension.
LogicalResult importUnbind(NodeImport &n) {
  Value input = n.tensor("self");
  auto dim = normalizeDim(n, n.integer("dim"), typeOf(input).getRank());
  if (failed(dim))
    return failure();
  int64_t size = typeOf(input).getDimSize(*dim);
  if (static_cast<int64_t>(n.numResults()) != size)
    return n.emitError() << "unbind of " << size << " slices, the file declares "
                         << n.numResults();
  n.results.clear();
  for (int64_t i = 0; i < size; ++i)
    n.results.push_back(ReshapeOp::create(n.b, n.loc, n.resultType(i),
                                          buildSlice(n, input, *dim, i, i + 1, 1)));
  return success();
}

LogicalResult importTranspose(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value input = n.tensor("self");
  int64_t rank = typeOf(input).getRank();
  auto d0 = normalizeDim(n, n.integer("dim0"), rank);
  auto d1 = normalizeDim(n, n.integer("dim1"), rank);
  if (failed(d0) || failed(d1))
    return failure();
  if (rank < 2 || *d0 == *d1) {
    n.results = {input};
    return success();
  }
  SmallVector<int64_t> dims = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  std::swap(dims[*d0], dims[*d1]);
  n.results = {PermuteOp::create(n.b, n.loc, n.resultType(0), input,
                                 n.b.getDenseI64ArrayAttr(dims))};
  return success();
}

LogicalResult importExpand(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value input = n.tensor("self");
  if (typeOf(input) == n.resultType(0)) {
    n.results = {input};
    return success();
  }
  n.results = {ExpandOp::create(n.b, n.loc, n.resultType(0), input)};
  return success();
}

LogicalResult importEmbedding(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value weight = n.tensor("weight"), indices = n.tensor("indices");
  if (!isa<FloatType>(typeOf(weight).getElementType()))
    return n.emitError() << "embedding of a non-float table is not supported yet";
  if (!isa<IntegerType>(typeOf(indices).getElementType()))
    return n.emitError() << "embedding indices must be integers, got " << typeOf(indices);
  n.results = {EmbeddingOp::create(n.b, n.loc, n.resultType(0), weight, indices)};
  return success();
}

LogicalResult importSumDim(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value input = n.tensor("self");
  int64_t rank = typeOf(input).getRank();
  if (!n.isNone("dtype") && typeOf(input).getElementType() != n.resultType(0).getElementType())
    return n.emitError() << "sum with a dtype conversion is not supported yet";
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
  n.results = {SumOp::create(n.b, n.loc, n.resultType(0), input, n.b.getDenseI64ArrayAttr(dims),
                             n.b.getBoolAttr(n.boolean("keepdim")))};
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
  Value pooled = AvgPool2dOp::create(
      n.b, n.loc, withUnitHeight(n.resultType(0)), unitHeight(n, input),
      n.b.getDenseI64ArrayAttr({1, k}), n.b.getDenseI64ArrayAttr({1, k}),
      n.b.getDenseI64ArrayAttr({0, 0}), n.b.getBoolAttr(false), n.b.getBoolAttr(true),
      IntegerAttr());
  n.results = {ReshapeOp::create(n.b, n.loc, n.resultType(0), pooled)};
  return success();
}


//===----------------------------------------------------------------------===//
// Creation
//===----------------------------------------------------------------------===//

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

//===----------------------------------------------------------------------===//
// Recurrent layers, unrolled over the (static) sequence
//===----------------------------------------------------------------------===//

/// aten.lstm.input / aten.gru.input as the per-time-step computation PyTorch
/// performs:
///   LSTM: gates = x W_ih^T + b_ih + h W_hh^T + b_hh = [i f g o];
///         c = sigmoid(f) c + sigmoid(i) tanh(g); h = sigmoid(o) tanh(c)
///   GRU:  [r_i z_i n_i] = x W_ih^T + b_ih, [r_h z_h n_h] = h W_hh^T + b_hh;
///         r = sigmoid(r_i + r_h), z = sigmoid(z_i + z_h),
///         n = tanh(n_i + r n_h), h = (1 - z) n + z h
/// for every layer and direction; outputs (output, h_n[, c_n]).
template <bool isLstm>
LogicalResult importRecurrent(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  if (n.boolean("train") && *n.number("dropout") != 0)
    return n.emitError() << "recurrent dropout in training mode is random; export in eval()";
  Value input = n.tensor("input");
  RankedTensorType inType = typeOf(input);
  Type et = inType.getElementType();
  if (inType.getRank() != 3)
    return n.emitError() << "unbatched recurrent input " << inType << " is not supported yet";
  bool batchFirst = n.boolean("batch_first"), bidirectional = n.boolean("bidirectional");
  bool hasBiases = n.boolean("has_biases");
  int64_t layers = n.integer("num_layers"), directions = bidirectional ? 2 : 1;
  int64_t steps = inType.getDimSize(batchFirst ? 1 : 0);
  int64_t batch = inType.getDimSize(batchFirst ? 0 : 1);
  const std::vector<Value> &params = n.tensorList("params");
  size_t perCell = hasBiases ? 4 : 2;
  if (params.size() != perCell * layers * directions)
    return n.emitError() << "expected " << perCell * layers * directions << " parameters, got "
                         << params.size();
  Value h0all, c0all;
  if (isLstm) {
    const std::vector<Value> &hx = n.tensorList("hx");
    if (hx.size() != 2)
      return n.emitError() << "lstm expects hx = [h0, c0]";
    h0all = hx[0];
    c0all = hx[1];
  } else {
    h0all = n.tensor("hx");
  }
  int64_t hidden = typeOf(h0all).getDimSize(2);
  auto vec = [&](ArrayRef<int64_t> shape) { return RankedTensorType::get(shape, et); };
  // The state of (layer, direction) k: [batch, hidden].
  auto stateOf = [&](Value all, int64_t k) {
    return ReshapeOp::create(n.b, n.loc, vec({batch, hidden}), buildSlice(n, all, 0, k, k + 1, 1))
        .getResult();
  };
  auto sigmoid = [&](Value v) { return SigmoidOp::create(n.b, n.loc, v.getType(), v).getResult(); };
  auto tanh = [&](Value v) { return TanhOp::create(n.b, n.loc, v.getType(), v).getResult(); };
  auto mul = [&](Value a, Value b) { return binary<MulOp>(n, typeOf(a), a, b); };
  auto add = [&](Value a, Value b) { return binary<AddOp>(n, typeOf(a), a, b); };
  int64_t gates = isLstm ? 4 : 3;
  auto chunk = [&](Value v, int64_t k) { return buildSlice(n, v, 1, k * hidden, (k + 1) * hidden, 1); };

  // Layer inputs as a list of [batch, features] per time step.
  std::vector<Value> sequence;
  for (int64_t t = 0; t < steps; ++t) {
    Value x = buildSlice(n, input, batchFirst ? 1 : 0, t, t + 1, 1);
    sequence.push_back(ReshapeOp::create(n.b, n.loc, vec({batch, inType.getDimSize(2)}), x));
  }
  SmallVector<Value> finalH, finalC;
  for (int64_t layer = 0; layer < layers; ++layer) {
    std::vector<std::vector<Value>> outputs(directions);
    for (int64_t dir = 0; dir < directions; ++dir) {
      size_t base = (layer * directions + dir) * perCell;
      Value wIh = params[base], wHh = params[base + 1];
      Value bIh = hasBiases ? params[base + 2] : Value(), bHh = hasBiases ? params[base + 3] : Value();
      Value h = stateOf(h0all, layer * directions + dir);
      Value c = isLstm ? stateOf(c0all, layer * directions + dir) : Value();
      outputs[dir].resize(steps);
      for (int64_t s = 0; s < steps; ++s) {
        int64_t t = dir == 0 ? s : steps - 1 - s;
        Value x = sequence[t];
        auto gateType = vec({batch, gates * hidden});
        Value gi = LinearOp::create(n.b, n.loc, gateType, x, wIh, bIh, StringAttr());
        Value gh = LinearOp::create(n.b, n.loc, gateType, h, wHh, bHh, StringAttr());
        if (isLstm) {
          Value g = add(gi, gh);
          Value i = sigmoid(chunk(g, 0)), f = sigmoid(chunk(g, 1));
          Value cell = tanh(chunk(g, 2)), o = sigmoid(chunk(g, 3));
          c = add(mul(f, c), mul(i, cell));
          h = mul(o, tanh(c));
        } else {
          Value r = sigmoid(add(chunk(gi, 0), chunk(gh, 0)));
          Value z = sigmoid(add(chunk(gi, 1), chunk(gh, 1)));
          Value cand = tanh(add(chunk(gi, 2), mul(r, chunk(gh, 2))));
          // (1 - z) * n + z * h
          Value oneMinusZ = binary<SubOp>(n, typeOf(z), splatConstant(n, vec({}), 1.0), z);
          h = add(mul(oneMinusZ, cand), mul(z, h));
        }
        outputs[dir][t] = h;
      }
      finalH.push_back(h);
      if (isLstm)
        finalC.push_back(c);
    }
    for (int64_t t = 0; t < steps; ++t) {
      if (directions == 1) {
        sequence[t] = outputs[0][t];
        continue;
      }
      sequence[t] = ConcatOp::create(n.b, n.loc, vec({batch, 2 * hidden}),
                                     ValueRange{outputs[0][t], outputs[1][t]},
                                     n.b.getI64IntegerAttr(1));
    }
  }
  // output: [batch, steps, D*H] (batch_first) or [steps, batch, D*H].
  int64_t features = directions * hidden;
  SmallVector<Value> stepsOut;
  for (int64_t t = 0; t < steps; ++t)
    stepsOut.push_back(ReshapeOp::create(
        n.b, n.loc, vec(batchFirst ? SmallVector<int64_t>{batch, 1, features}
                                   : SmallVector<int64_t>{1, batch, features}),
        sequence[t]));
  Value output = stepsOut.size() == 1
                     ? stepsOut[0]
                     : ConcatOp::create(n.b, n.loc, n.resultType(0), stepsOut,
                                        n.b.getI64IntegerAttr(batchFirst ? 1 : 0))
                           .getResult();
  auto stack = [&](ArrayRef<Value> states) -> Value {
    SmallVector<Value> parts;
    for (Value v : states)
      parts.push_back(ReshapeOp::create(n.b, n.loc, vec({1, batch, hidden}), v));
    if (parts.size() == 1)
      return parts[0];
    return ConcatOp::create(n.b, n.loc, vec({static_cast<int64_t>(parts.size()), batch, hidden}),
                            parts, n.b.getI64IntegerAttr(0))
        .getResult();
  };
  n.results = {output, stack(finalH)};
  if (isLstm)
    n.results.push_back(stack(finalC));
  return success();
}

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

const ImportRule kRules[] = {
    // Linear algebra
    {"aten::addmm", importAddmm},
    {"aten::gru.input", importRecurrent<false>},
    {"aten::lstm.input", importRecurrent<true>},
    {"aten::bmm", importMm},
    {"aten::linear", importLinear},
    {"aten::matmul", importMatmul},
    {"aten::mm", importMm},
    // Convolution
    {"aten::conv1d", importConv1d},
    {"aten::conv2d", importConv2d},
    {"aten::conv2d.padding", importConv2dPadding},
    {"aten::convolution", importConvolution},
    // Normalization
    {"aten::_native_batch_norm_legit", importNativeBatchNorm},
    {"aten::_native_batch_norm_legit.no_stats", importNativeBatchNorm},
    {"aten::_native_batch_norm_legit_functional", importNativeBatchNorm},
    {"aten::_native_batch_norm_legit_no_training", importNativeBatchNormNoTraining},
    {"aten::batch_norm", importBatchNorm},
    {"aten::layer_norm", importLayerNorm},
    {"aten::native_batch_norm", importNativeBatchNorm},
    {"aten::native_layer_norm", importLayerNorm},
    // Activations and math
    {"aten::_log_softmax", importSoftmax<LogSoftmaxOp>},
    {"aten::_softmax", importSoftmax<SoftmaxOp>},
    {"aten::gelu", importGelu},
    {"aten::gelu_", importGelu},
    {"aten::hardsigmoid", importUnary<HardSigmoidOp>},
    {"aten::hardsigmoid_", importUnary<HardSigmoidOp>},
    {"aten::hardswish", importUnary<HardSwishOp>},
    {"aten::hardswish_", importUnary<HardSwishOp>},
    {"aten::leaky_relu", importLeakyRelu},
    {"aten::leaky_relu_", importLeakyRelu},
    {"aten::log_softmax.int", importSoftmax<LogSoftmaxOp>},
    {"aten::silu", importUnary<SiluOp>},
    {"aten::silu_", importUnary<SiluOp>},
    {"aten::softmax.int", importSoftmax<SoftmaxOp>},
    // Elementwise
    {"aten::clamp", importClamp, RuleDtypes::Numeric},
    {"aten::clamp_", importClamp, RuleDtypes::Numeric},
    {"aten::hardtanh", importHardtanh},
    {"aten::hardtanh_", importHardtanh},
    {"aten::relu", importRelu},
    {"aten::relu6", importRelu6},
    {"aten::relu_", importRelu},
    // Creation
    {"aten::empty.memory_format", importFill, RuleDtypes::Any},
    {"aten::empty_strided", importFill, RuleDtypes::Any},
    {"aten::fill.Scalar", importFill, RuleDtypes::Any},
    {"aten::fill.Tensor", importFill, RuleDtypes::Any},
    {"aten::fill_.Scalar", importFill, RuleDtypes::Any},
    {"aten::fill_.Tensor", importFill, RuleDtypes::Any},
    {"aten::full", importFill, RuleDtypes::Any},
    {"aten::full_like", importFill, RuleDtypes::Any},
    {"aten::ones", importFill, RuleDtypes::Any},
    {"aten::ones_like", importFill, RuleDtypes::Any},
    {"aten::scalar_tensor", importFill, RuleDtypes::Any},
    {"aten::zeros", importFill, RuleDtypes::Any},
    {"aten::zero", importFill, RuleDtypes::Any},
    {"aten::zero_", importFill, RuleDtypes::Any},
    {"aten::zeros_like", importFill, RuleDtypes::Any},
    {"aten::new_empty", importFill, RuleDtypes::Any},
    {"aten::new_full", importFill, RuleDtypes::Any},
    {"aten::new_ones", importFill, RuleDtypes::Any},
    {"aten::new_zeros", importFill, RuleDtypes::Any},
    // Shape and data movement
    {"aten::alias", importIdentity, RuleDtypes::Any},
    {"aten::lift_fresh_copy", importIdentity, RuleDtypes::Any},
    {"aten::cat", importCat, RuleDtypes::Any},
    {"aten::chunk", importSplit, RuleDtypes::Any},
    {"aten::clone", importIdentity, RuleDtypes::Any},
    {"aten::contiguous", importIdentity, RuleDtypes::Any},
    {"aten::detach", importIdentity, RuleDtypes::Any},
    {"aten::dropout", importIdentity, RuleDtypes::Any},
    {"aten::dropout_", importIdentity, RuleDtypes::Any},
    {"aten::embedding", importEmbedding, RuleDtypes::Any},
    {"aten::expand", importExpand, RuleDtypes::Any},
    {"aten::feature_dropout", importIdentity, RuleDtypes::Any},
    {"aten::feature_dropout_", importIdentity, RuleDtypes::Any},
    {"aten::flatten.using_ints", importReshape, RuleDtypes::Any},
    {"aten::narrow", importNarrow, RuleDtypes::Any},
    {"aten::permute", importPermute, RuleDtypes::Any},
    {"aten::reshape", importReshape, RuleDtypes::Any},
    {"aten::select.int", importSelect, RuleDtypes::Any},
    {"aten::slice.Tensor", importSlice, RuleDtypes::Any},
    {"aten::split.Tensor", importSplit, RuleDtypes::Any},
    {"aten::split_with_sizes", importSplit, RuleDtypes::Any},
    {"aten::squeeze", importReshape, RuleDtypes::Any},
    {"aten::squeeze.dim", importReshape, RuleDtypes::Any},
    {"aten::squeeze.dims", importReshape, RuleDtypes::Any},
    {"aten::stack", importStack, RuleDtypes::Any},
    {"aten::t", importT, RuleDtypes::Any},
    {"aten::transpose.int", importTranspose, RuleDtypes::Any},
    {"aten::unbind.int", importUnbind, RuleDtypes::Any},
    {"aten::unsafe_chunk", importSplit, RuleDtypes::Any},
    {"aten::unsafe_split.Tensor", importSplit, RuleDtypes::Any},
    {"aten::unsqueeze", importReshape, RuleDtypes::Any},
    {"aten::unflatten.int", importReshape, RuleDtypes::Any},
    {"aten::view", importReshape, RuleDtypes::Any},
    // Pooling and reductions
    {"aten::_adaptive_avg_pool2d", importAdaptiveAvgPool2d},
    {"aten::adaptive_avg_pool1d", importAdaptiveAvgPool1d},
    {"aten::adaptive_avg_pool2d", importAdaptiveAvgPool2d},
    {"aten::avg_pool1d", importAvgPool1d},
    {"aten::avg_pool2d", importAvgPool2d},
    {"aten::max_pool1d", importMaxPool1d},
    {"aten::max_pool2d", importMaxPool2d},
    {"aten::max_pool2d_with_indices", importMaxPool2d},
    {"aten::mean.dim", importMeanDim},
    {"aten::sum.dim_IntList", importSumDim},
};

} // namespace

ArrayRef<ImportRule> aten::coreImportRules() { return kRules; }

/// Every family's rules in one table, sorted by operator name.
static const std::vector<ImportRule> &ruleTable() {
  static const std::vector<ImportRule> table = [] {
    std::vector<ImportRule> all;
    for (ArrayRef<ImportRule> rules :
         {aten::coreImportRules(), aten::mathImportRules(), aten::tensorImportRules()})
      all.insert(all.end(), rules.begin(), rules.end());
    llvm::sort(all, [](const ImportRule &a, const ImportRule &b) { return a.op < b.op; });
    return all;
  }();
  return table;
}

const ImportRule *findImportRule(llvm::StringRef qualifiedName) {
  const std::vector<ImportRule> &table = ruleTable();
  auto it = llvm::partition_point(
      table, [&](const ImportRule &rule) { return rule.op < qualifiedName; });
  return it != table.end() && it->op == qualifiedName ? &*it : nullptr;
}

llvm::ArrayRef<ImportRule> allImportRules() { return ruleTable(); }

} // namespace kiln
