//===- Linear.cpp - import rules: matmuls and attention -------------------===//
//
// linear, mm/bmm, addmm and matmul as kiln.linear and kiln.matmul; scaled dot
// product attention spelled out with PyTorch's definition.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/rules/Rules.h"
#include "dialects/kiln/KilnOps.h"
#include "dialects/kiln/KilnShapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;

namespace kiln {
namespace {

using namespace rules;

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

LogicalResult importLinear(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  n.results = {LinearOp::create(n.b, n.loc, n.resultType(0), n.tensor("input"), n.tensor("weight"),
                                n.tensor("bias"), StringAttr())};
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
  auto mmType = RankedTensorType::get({typeOf(mat1).getDimSize(0), typeOf(mat2).getDimSize(1)}, et);
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
// Attention
//===----------------------------------------------------------------------===//

/// The last two dimensions of `x` swapped.
Value transposeLast(NodeImport &n, Value x) {
  int64_t rank = typeOf(x).getRank();
  SmallVector<int64_t> perm, shape;
  for (int64_t i = 0; i < rank; ++i)
    perm.push_back(i);
  std::swap(perm[rank - 1], perm[rank - 2]);
  for (int64_t p : perm)
    shape.push_back(typeOf(x).getDimSize(p));
  return PermuteOp::create(n.b, n.loc, withShape(typeOf(x), shape), x,
                           n.b.getDenseI64ArrayAttr(perm));
}

Value batchedMatmul(NodeImport &n, Value a, Value b) {
  ArrayRef<int64_t> as = typeOf(a).getShape(), bs = typeOf(b).getShape();
  SmallVector<int64_t> shape = *broadcastShapes(as.drop_back(2), bs.drop_back(2));
  shape.push_back(as[as.size() - 2]);
  shape.push_back(bs.back());
  return MatmulOp::create(n.b, n.loc, withShape(typeOf(a), shape), a, b);
}

/// scaled_dot_product_attention as PyTorch's math reference defines it:
/// softmax(q k^T * scale + mask) v, with is_causal masking j > i.
LogicalResult importScaledDotProductAttention(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value q = n.tensor("query"), k = n.tensor("key"), v = n.tensor("value");
  RankedTensorType qt = typeOf(q), kt = typeOf(k), vt = typeOf(v);
  if (qt.getRank() < 2 || kt.getRank() < 2 || vt.getRank() < 2)
    return n.emitError() << "attention expects query, key and value of rank >= 2";
  if (n.number("dropout_p").value_or(0) != 0)
    return n.emitError() << "attention with dropout_p > 0 is random; export the model in "
                            "eval mode with dropout_p=0";
  if (n.call.indexOf("enable_gqa") >= 0 && n.boolean("enable_gqa") &&
      qt.getShape().drop_back(2) != kt.getShape().drop_back(2))
    return n.emitError() << "grouped-query attention is not supported yet";
  if (qt.getShape().back() != kt.getShape().back())
    return n.emitError() << "query and key embedding sizes differ: " << qt << " and " << kt;
  auto batch = broadcastShapes(qt.getShape().drop_back(2), kt.getShape().drop_back(2));
  if (!batch || !broadcastShapes(*batch, vt.getShape().drop_back(2)))
    return n.emitError() << "attention batch dimensions do not broadcast";
  Type et = qt.getElementType();
  int64_t embed = qt.getShape().back();
  double scale =
      n.isNone("scale") ? 1.0 / std::sqrt(static_cast<double>(embed)) : *n.number("scale");
  Value scores = batchedMatmul(n, q, transposeLast(n, k));
  RankedTensorType st = typeOf(scores);
  scores = binary<MulOp>(n, st, scores, scalarConstant(n, et, scale));
  int64_t l = qt.getShape()[qt.getRank() - 2], s = kt.getShape()[kt.getRank() - 2];
  double minusInf = -std::numeric_limits<double>::infinity();
  if (n.boolean("is_causal")) {
    SmallVector<bool> flags;
    for (int64_t i = 0; i < l; ++i)
      for (int64_t j = 0; j < s; ++j)
        flags.push_back(j <= i);
    auto maskType = RankedTensorType::get({l, s}, n.b.getI1Type());
    Value causal = arith::ConstantOp::create(n.b, n.loc, DenseElementsAttr::get(maskType, flags));
    scores = SelectOp::create(n.b, n.loc, st, causal, scores, scalarConstant(n, et, minusInf));
  }
  if (Value mask = n.tensor("attn_mask")) {
    if (!broadcastShapes(typeOf(mask).getShape(), st.getShape()))
      return n.emitError() << "attention mask " << typeOf(mask)
                           << " does not broadcast to the scores " << st;
    if (typeOf(mask).getElementType().isInteger(1))
      scores = SelectOp::create(n.b, n.loc, st, mask, scores, scalarConstant(n, et, minusInf));
    else
      scores = binary<AddOp>(n, st, scores, castTo(n, mask, et));
  }
  Value weights =
      SoftmaxOp::create(n.b, n.loc, st, scores, n.b.getI64IntegerAttr(st.getRank() - 1));
  Value out = batchedMatmul(n, weights, v);
  n.results = {reshapeTo(n, out, n.resultType(0).getShape())};
  return success();
}

const ImportRule kRules[] = {
    {"aten::addmm", importAddmm},
    {"aten::bmm", importMm},
    {"aten::linear", importLinear},
    {"aten::matmul", importMatmul},
    {"aten::mm", importMm},
    {"aten::scaled_dot_product_attention", importScaledDotProductAttention, RuleDtypes::Numeric},
};

} // namespace

llvm::ArrayRef<ImportRule> rules::linearRules() { return kRules; }

} // namespace kiln
