//===- Reduction.cpp - import rules: reductions ---------------------------===//
//
// Sums, means, products, extrema (with and without indices), norms,
// variance, any/all and cumulative sums.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/rules/Rules.h"
#include "dialects/kiln/KilnOps.h"
#include "dialects/kiln/KilnShapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <algorithm>
#include <cmath>

using namespace mlir;

namespace kiln {
namespace {

using namespace rules;

//===----------------------------------------------------------------------===//
// Over dimensions
//===----------------------------------------------------------------------===//

LogicalResult importMeanDim(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value input = n.tensor("self");
  int64_t rank = typeOf(input).getRank();
  if (!n.isNone("dtype"))
    return n.emitError() << "mean with a dtype argument is not supported yet";
  auto dims = reductionDims(n, "dim", rank);
  if (failed(dims))
    return failure();
  n.results = {MeanOp::create(n.b, n.loc, n.resultType(0), input, n.b.getDenseI64ArrayAttr(*dims),
                              n.b.getBoolAttr(n.boolean("keepdim")))};
  return success();
}

LogicalResult importSumDim(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value input = n.tensor("self");
  int64_t rank = typeOf(input).getRank();
  if (!n.isNone("dtype") && typeOf(input).getElementType() != n.resultType(0).getElementType())
    return n.emitError() << "sum with a dtype conversion is not supported yet";
  auto dims = reductionDims(n, "dim", rank);
  if (failed(dims))
    return failure();
  n.results = {SumOp::create(n.b, n.loc, n.resultType(0), input, n.b.getDenseI64ArrayAttr(*dims),
                             n.b.getBoolAttr(n.boolean("keepdim")))};
  return success();
}

/// The input of a reduction with a `dtype` argument: converted to the
/// declared floating-point result type.
FailureOr<Value> reductionInput(NodeImport &n) {
  Value x = n.tensor("self");
  Type et = n.resultType(0).getElementType();
  if (!isa<FloatType>(et))
    return n.emitError() << "reductions producing " << et
                         << " are not supported yet (floating point only)";
  return castTo(n, x, et);
}

/// amax / amin / max / min / sum / prod / mean over `dims`.
template <typename OpTy>
LogicalResult buildReduce(NodeImport &n, Value x, ArrayRef<int64_t> dims, bool keepdim) {
  n.results = {OpTy::create(n.b, n.loc, n.resultType(0), x, n.b.getDenseI64ArrayAttr(dims),
                            n.b.getBoolAttr(keepdim))};
  return success();
}

/// Reductions over listed dimensions (amax, amin): `dim` may be empty.
template <typename OpTy> LogicalResult importReduceDims(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  auto x = reductionInput(n);
  if (failed(x))
    return failure();
  auto dims = reductionDims(n, "dim", typeOf(*x).getRank());
  if (failed(dims))
    return failure();
  return buildReduce<OpTy>(n, *x, *dims, n.boolean("keepdim"));
}

/// Reductions of the whole tensor to a 0-d result (max, min, sum, prod,
/// mean without dims).
template <typename OpTy> LogicalResult importReduceAll(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  auto x = reductionInput(n);
  if (failed(x))
    return failure();
  SmallVector<int64_t> dims;
  for (int64_t i = 0; i < typeOf(*x).getRank(); ++i)
    dims.push_back(i);
  return buildReduce<OpTy>(n, *x, dims, false);
}

/// prod.dim_int(self, dim, keepdim)
LogicalResult importProdDim(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  auto x = reductionInput(n);
  if (failed(x))
    return failure();
  auto dim = normalizeDim(n, n.integer("dim"), typeOf(*x).getRank());
  if (failed(dim))
    return failure();
  if (typeOf(*x).getRank() == 0) {
    n.results = {reshapeTo(n, *x, n.resultType(0).getShape())};
    return success();
  }
  return buildReduce<ProdOp>(n, *x, {*dim}, n.boolean("keepdim"));
}

//===----------------------------------------------------------------------===//
// Extrema with indices
//===----------------------------------------------------------------------===//

/// argmax / argmin(self, dim?, keepdim): without dim, over the flattened
/// tensor.
template <typename OpTy> LogicalResult importArgReduce(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value x = n.tensor("self");
  RankedTensorType type = n.resultType(0);
  if (!type.getElementType().isInteger(64))
    return n.emitError() << "argmax/argmin produce int64, the file declares " << type;
  if (!isa<FloatType>(typeOf(x).getElementType()) && typeOf(x).getElementType().isInteger(1))
    return n.emitError() << "argmax/argmin of bool tensors is not supported yet";
  int64_t dim = 0;
  bool keepdim = n.boolean("keepdim");
  if (n.isNone("dim")) {
    x = reshapeTo(n, x, {numElements(typeOf(x).getShape())});
    keepdim = false;
  } else {
    auto d = normalizeDim(n, n.integer("dim"), typeOf(x).getRank());
    if (failed(d))
      return failure();
    dim = *d;
    if (typeOf(x).getRank() == 0)
      x = reshapeTo(n, x, {1});
  }
  if (typeOf(x).getDimSize(dim) == 0)
    return n.emitError() << "argmax/argmin of an empty dimension";
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < typeOf(x).getRank(); ++i)
    if (i != dim)
      shape.push_back(typeOf(x).getDimSize(i));
    else if (keepdim)
      shape.push_back(1);
  Value r = OpTy::create(n.b, n.loc, RankedTensorType::get(shape, type.getElementType()), x,
                         n.b.getI64IntegerAttr(dim), n.b.getBoolAttr(keepdim));
  n.results = {reshapeTo(n, r, type.getShape())};
  return success();
}

/// max.dim / min.dim: (values, indices).
template <typename ValueOp, typename IndexOp> LogicalResult importMaxDim(NodeImport &n) {
  Value x = n.tensor("self");
  if (!isa<FloatType>(typeOf(x).getElementType()))
    return n.emitError() << "max/min over a dimension of " << typeOf(x)
                         << " is not supported yet (floating point only)";
  auto dim = normalizeDim(n, n.integer("dim"), typeOf(x).getRank());
  if (failed(dim))
    return failure();
  bool keepdim = n.boolean("keepdim");
  if (typeOf(x).getRank() == 0)
    x = reshapeTo(n, x, {1});
  n.results.assign(2, Value());
  if (RankedTensorType values = n.resultType(0)) {
    Value r = ValueOp::create(n.b, n.loc, withShape(typeOf(x), values.getShape()), x,
                              n.b.getDenseI64ArrayAttr({*dim}), n.b.getBoolAttr(keepdim));
    n.results[0] = r;
  }
  if (RankedTensorType indices = n.resultType(1)) {
    if (!indices.getElementType().isInteger(64))
      return n.emitError() << "indices must be int64, the file declares " << indices;
    n.results[1] = IndexOp::create(n.b, n.loc, indices, x, n.b.getI64IntegerAttr(*dim),
                                   n.b.getBoolAttr(keepdim));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Statistics and norms
//===----------------------------------------------------------------------===//

/// var / std: mean((x - mean(x))^2) * N / (N - correction), over `dim`.
template <bool isStd> LogicalResult importVariance(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  Value x = n.tensor("self");
  RankedTensorType in = typeOf(x);
  auto dims = reductionDims(n, "dim", in.getRank());
  if (failed(dims))
    return failure();
  double correction = 1;
  if (n.call.indexOf("unbiased") >= 0)
    correction = n.boolean("unbiased") ? 1 : 0;
  else if (!n.isNone("correction"))
    correction = *n.number("correction");
  bool keepdim = n.boolean("keepdim");
  int64_t count = 1;
  SmallVector<int64_t> kept(in.getShape());
  for (int64_t d : *dims) {
    count *= in.getDimSize(d);
    kept[d] = 1;
  }
  Type et = in.getElementType();
  Value mean = MeanOp::create(n.b, n.loc, withShape(in, kept), x, n.b.getDenseI64ArrayAttr(*dims),
                              n.b.getBoolAttr(true));
  Value centered = binary<SubOp>(n, in, x, mean);
  Value squares = binary<MulOp>(n, in, centered, centered);
  Value sum = SumOp::create(n.b, n.loc, type, squares, n.b.getDenseI64ArrayAttr(*dims),
                            n.b.getBoolAttr(keepdim));
  // PyTorch divides by max(0, N - correction): 0 gives inf or NaN.
  double divisor = std::max(0.0, static_cast<double>(count) - correction);
  Value result = binary<DivOp>(n, type, sum, scalarConstant(n, et, divisor));
  if (isStd)
    result = SqrtOp::create(n.b, n.loc, type, result);
  n.results = {result};
  return success();
}

/// Vector norms: (sum |x|^p)^(1/p) over `dim`; p = inf is max |x|, p = 0
/// counts non-zeros, p = 2 is sqrt(sum x^2).
LogicalResult importNorm(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  Type et = type.getElementType();
  if (!isa<FloatType>(et))
    return n.emitError() << "norm producing " << et << " is not supported yet";
  Value x = castTo(n, n.tensor("self"), et);
  RankedTensorType in = typeOf(x);
  const char *pName = n.call.indexOf("ord") >= 0 ? "ord" : "p";
  double p = n.isNone(pName) ? 2.0 : *n.number(pName);
  auto dims = reductionDims(n, "dim", in.getRank());
  if (failed(dims))
    return failure();
  bool keepdim = n.boolean("keepdim");
  auto dimsAttr = n.b.getDenseI64ArrayAttr(*dims);
  auto keepAttr = n.b.getBoolAttr(keepdim);
  Value magnitude = AbsOp::create(n.b, n.loc, in, x);
  if (std::isinf(p)) {
    if (p > 0)
      n.results = {AmaxOp::create(n.b, n.loc, type, magnitude, dimsAttr, keepAttr)};
    else
      n.results = {AminOp::create(n.b, n.loc, type, magnitude, dimsAttr, keepAttr)};
    return success();
  }
  if (p == 0) {
    RankedTensorType boolType = RankedTensorType::get(in.getShape(), n.b.getI1Type());
    Value nonZero = CompareOp::create(n.b, n.loc, boolType, x, scalarConstant(n, et, 0),
                                      n.b.getStringAttr("ne"));
    n.results = {SumOp::create(n.b, n.loc, type, castTo(n, nonZero, et), dimsAttr, keepAttr)};
    return success();
  }
  Value powered = p == 1   ? magnitude
                  : p == 2 ? binary<MulOp>(n, in, x, x)
                           : binary<PowOp>(n, in, magnitude, scalarConstant(n, et, p));
  Value sum = SumOp::create(n.b, n.loc, type, powered, dimsAttr, keepAttr);
  if (p == 1)
    n.results = {sum};
  else if (p == 2)
    n.results = {SqrtOp::create(n.b, n.loc, type, sum)};
  else
    n.results = {binary<PowOp>(n, type, sum, scalarConstant(n, et, 1.0 / p))};
  return success();
}

//===----------------------------------------------------------------------===//
// Logical and cumulative
//===----------------------------------------------------------------------===//

/// any / all over dimensions: the elements as booleans (`!= 0`, NaN is
/// true), reduced with amax (any) or amin (all) as 0/1 floats, back to bool.
template <bool isAll> LogicalResult importAnyAll(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  Value x = n.tensor("self");
  RankedTensorType in = typeOf(x);
  SmallVector<int64_t> dims;
  bool keepdim = n.call.indexOf("keepdim") >= 0 && n.boolean("keepdim");
  if (n.call.indexOf("dim") < 0) {
    for (int64_t i = 0; i < in.getRank(); ++i)
      dims.push_back(i);
  } else if (n.arg("dim").kind == OpArgument::Kind::Int) {
    auto d = normalizeDim(n, n.integer("dim"), in.getRank());
    if (failed(d))
      return failure();
    if (in.getRank() > 0)
      dims.push_back(*d);
  } else {
    auto all = reductionDims(n, "dim", in.getRank());
    if (failed(all))
      return failure();
    dims = *all;
  }
  Type f32 = n.b.getF32Type();
  Value flags = castTo(n, castTo(n, x, n.b.getI1Type()), f32);
  auto reducedType = RankedTensorType::get(type.getShape(), f32);
  Value reduced;
  if (isAll)
    reduced = AminOp::create(n.b, n.loc, reducedType, flags, n.b.getDenseI64ArrayAttr(dims),
                             n.b.getBoolAttr(keepdim));
  else
    reduced = AmaxOp::create(n.b, n.loc, reducedType, flags, n.b.getDenseI64ArrayAttr(dims),
                             n.b.getBoolAttr(keepdim));
  n.results = {castTo(n, castTo(n, reduced, n.b.getI1Type()), type.getElementType())};
  return success();
}

/// cumsum along `dim`: with the dimension moved last, a product with the
/// upper-triangular matrix of ones (entry (i, j) = i <= j).
LogicalResult importCumsum(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  Type et = type.getElementType();
  if (!isa<FloatType>(et))
    return n.emitError() << "cumsum producing " << et
                         << " is not supported yet (floating point only)";
  Value x = castTo(n, n.tensor("self"), et);
  RankedTensorType in = typeOf(x);
  if (in.getRank() == 0) {
    n.results = {x};
    return success();
  }
  auto dim = normalizeDim(n, n.integer("dim"), in.getRank());
  if (failed(dim))
    return failure();
  int64_t rank = in.getRank(), len = in.getDimSize(*dim);
  SmallVector<int64_t> perm, movedShape;
  for (int64_t i = 0; i < rank; ++i)
    if (i != *dim)
      perm.push_back(i);
  perm.push_back(*dim);
  for (int64_t p : perm)
    movedShape.push_back(in.getDimSize(p));
  Value moved = x;
  if (*dim != rank - 1)
    moved =
        PermuteOp::create(n.b, n.loc, withShape(in, movedShape), x, n.b.getDenseI64ArrayAttr(perm));
  int64_t rows = len == 0 ? 0 : numElements(movedShape) / len;
  Value flat = reshapeTo(n, moved, {rows, len});
  SmallVector<APFloat> ones;
  const llvm::fltSemantics &sem = cast<FloatType>(et).getFloatSemantics();
  for (int64_t i = 0; i < len; ++i)
    for (int64_t j = 0; j < len; ++j)
      ones.push_back(i <= j ? APFloat::getOne(sem) : APFloat::getZero(sem));
  auto triType = RankedTensorType::get({len, len}, et);
  Value tri = arith::ConstantOp::create(n.b, n.loc, DenseElementsAttr::get(triType, ones));
  Value sums = MatmulOp::create(n.b, n.loc, RankedTensorType::get({rows, len}, et), flat, tri);
  Value back = reshapeTo(n, sums, movedShape);
  if (*dim != rank - 1) {
    SmallVector<int64_t> inverse(rank);
    for (int64_t i = 0; i < rank; ++i)
      inverse[perm[i]] = i;
    back = PermuteOp::create(n.b, n.loc, type, back, n.b.getDenseI64ArrayAttr(inverse));
  }
  n.results = {back};
  return success();
}

const ImportRule kRules[] = {
    {"aten::all", importAnyAll<true>, RuleDtypes::Numeric},
    {"aten::all.dim", importAnyAll<true>, RuleDtypes::Numeric},
    {"aten::amax", importReduceDims<AmaxOp>},
    {"aten::amin", importReduceDims<AminOp>},
    {"aten::any", importAnyAll<false>, RuleDtypes::Numeric},
    {"aten::any.dim", importAnyAll<false>, RuleDtypes::Numeric},
    {"aten::any.dims", importAnyAll<false>, RuleDtypes::Numeric},
    {"aten::argmax", importArgReduce<ArgMaxOp>, RuleDtypes::Numeric},
    {"aten::argmin", importArgReduce<ArgMinOp>, RuleDtypes::Numeric},
    {"aten::cumsum", importCumsum, RuleDtypes::Numeric},
    {"aten::linalg_vector_norm", importNorm, RuleDtypes::Numeric},
    {"aten::max", importReduceAll<AmaxOp>},
    {"aten::max.dim", importMaxDim<AmaxOp, ArgMaxOp>, RuleDtypes::Numeric},
    {"aten::mean", importReduceAll<MeanOp>, RuleDtypes::Numeric},
    {"aten::mean.dim", importMeanDim},
    {"aten::min", importReduceAll<AminOp>},
    {"aten::min.dim", importMaxDim<AminOp, ArgMinOp>, RuleDtypes::Numeric},
    {"aten::norm.ScalarOpt_dim", importNorm, RuleDtypes::Numeric},
    {"aten::prod", importReduceAll<ProdOp>, RuleDtypes::Numeric},
    {"aten::prod.dim_int", importProdDim, RuleDtypes::Numeric},
    {"aten::std.correction", importVariance<true>},
    {"aten::sum", importReduceAll<SumOp>, RuleDtypes::Numeric},
    {"aten::sum.dim_IntList", importSumDim},
    {"aten::var.correction", importVariance<false>},
    {"aten::var.dim", importVariance<false>},
};

} // namespace

llvm::ArrayRef<ImportRule> rules::reductionRules() { return kRules; }

} // namespace kiln
