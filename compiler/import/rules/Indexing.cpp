//===- Indexing.cpp - import rules: gathers and scatters ------------------===//
//
// gather, index_select, index.Tensor, embedding, slice/select scatters,
// as_strided and diagonal: the index arithmetic is done here.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/rules/Rules.h"
#include "dialects/kiln/KilnOps.h"
#include "dialects/kiln/KilnShapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <algorithm>
#include <tuple>

using namespace mlir;

namespace kiln {
namespace {

using namespace rules;

LogicalResult checkIndexType(NodeImport &n, Value index) {
  Type et = typeOf(index).getElementType();
  if (et.isInteger(1))
    return n.emitError() << "indexing with a boolean mask gives a data-dependent shape, "
                            "which Kiln does not support";
  if (!isa<IntegerType>(et))
    return n.emitError() << "indices must be integers, got " << typeOf(index);
  return success();
}

LogicalResult importGather(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value x = n.tensor("self"), index = n.tensor("index");
  if (failed(checkIndexType(n, index)))
    return failure();
  auto dim = normalizeDim(n, n.integer("dim"), typeOf(x).getRank());
  if (failed(dim))
    return failure();
  if (typeOf(x).getRank() != typeOf(index).getRank())
    return n.emitError() << "gather index rank " << typeOf(index).getRank()
                         << " differs from the input's " << typeOf(x).getRank();
  n.results = {
      GatherOp::create(n.b, n.loc, n.resultType(0), x, index, n.b.getI64IntegerAttr(*dim))};
  return success();
}

/// x.index_select(dim, index) for a 1-D index: a gather whose index is the
/// 1-D index broadcast across the other dimensions.
Value buildIndexSelect(NodeImport &n, Value x, int64_t dim, Value index) {
  RankedTensorType in = typeOf(x);
  int64_t k = numElements(typeOf(index).getShape());
  SmallVector<int64_t> unit(in.getRank(), 1), shape(in.getShape());
  unit[dim] = k;
  shape[dim] = k;
  Value idx = reshapeTo(n, index, unit);
  auto idxType = withShape(typeOf(idx), shape);
  if (typeOf(idx) != idxType)
    idx = ExpandOp::create(n.b, n.loc, idxType, idx);
  return GatherOp::create(n.b, n.loc, withShape(in, shape), x, idx, n.b.getI64IntegerAttr(dim));
}

LogicalResult importIndexSelect(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value x = n.tensor("self"), index = n.tensor("index");
  if (failed(checkIndexType(n, index)))
    return failure();
  if (typeOf(index).getRank() > 1)
    return n.emitError() << "index_select takes a 1-D index, got " << typeOf(index);
  if (typeOf(x).getRank() == 0) {
    n.results = {reshapeTo(n, x, n.resultType(0).getShape())};
    return success();
  }
  auto dim = normalizeDim(n, n.integer("dim"), typeOf(x).getRank());
  if (failed(dim))
    return failure();
  n.results = {reshapeTo(n, buildIndexSelect(n, x, *dim, index), n.resultType(0).getShape())};
  return success();
}

/// x[..., index, ...] with one index tensor (advanced indexing along one
/// dimension): the index's shape replaces that dimension.
LogicalResult importIndexTensor(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value x = n.tensor("self");
  const std::vector<Value> &indices = n.tensorList("indices");
  int position = -1;
  for (size_t i = 0; i < indices.size(); ++i) {
    if (!indices[i])
      continue;
    if (position >= 0)
      return n.emitError() << "indexing with more than one index tensor is not supported yet";
    position = i;
  }
  if (position < 0) {
    n.results = {x};
    return success();
  }
  Value index = indices[position];
  if (failed(checkIndexType(n, index)))
    return failure();
  if (position >= typeOf(x).getRank())
    return n.emitError() << "too many indices for a tensor of rank " << typeOf(x).getRank();
  Value flat = reshapeTo(n, index, {numElements(typeOf(index).getShape())});
  n.results = {reshapeTo(n, buildIndexSelect(n, x, position, flat), n.resultType(0).getShape())};
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

/// `self` with `src` written over [start, end) along `dim` (step 1): the
/// parts of `self` before and after, concatenated around `src`.
LogicalResult buildSliceScatter(NodeImport &n, Value self, Value src, int64_t dim, int64_t start,
                                int64_t end) {
  int64_t size = typeOf(self).getDimSize(dim);
  SmallVector<int64_t> expected(typeOf(self).getShape());
  expected[dim] = end - start;
  if (typeOf(src).getShape() != ArrayRef<int64_t>(expected))
    return n.emitError() << "scatter source " << typeOf(src) << " does not fit the slice [" << start
                         << ", " << end << ") of " << typeOf(self);
  src = castTo(n, src, typeOf(self).getElementType());
  SmallVector<Value> parts;
  if (start > 0)
    parts.push_back(sliceOf(n, self, dim, 0, start));
  if (end > start)
    parts.push_back(src);
  if (end < size)
    parts.push_back(sliceOf(n, self, dim, end, size));
  n.results = {parts.empty() ? self : concatOf(n, parts, dim)};
  return success();
}

LogicalResult importSliceScatter(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value self = n.tensor("self");
  auto dim = normalizeDim(n, n.integer("dim"), typeOf(self).getRank());
  if (failed(dim))
    return failure();
  int64_t size = typeOf(self).getDimSize(*dim);
  int64_t start = n.isNone("start") ? 0 : n.integer("start");
  int64_t end = n.isNone("end") ? size : n.integer("end");
  std::tie(start, end) = clampSliceBounds(size, start, end);
  if (n.integer("step") != 1)
    return n.emitError() << "slice_scatter with step " << n.integer("step")
                         << " is not supported yet";
  return buildSliceScatter(n, self, n.tensor("src"), *dim, start, end);
}

LogicalResult importSelectScatter(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value self = n.tensor("self"), src = n.tensor("src");
  auto dim = normalizeDim(n, n.integer("dim"), typeOf(self).getRank());
  if (failed(dim))
    return failure();
  int64_t size = typeOf(self).getDimSize(*dim);
  int64_t index = n.integer("index");
  if (index < -size || index >= size)
    return n.emitError() << "index " << index << " is out of range for dimension " << *dim
                         << " of size " << size;
  if (index < 0)
    index += size;
  SmallVector<int64_t> unit(typeOf(src).getShape());
  unit.insert(unit.begin() + *dim, 1);
  return buildSliceScatter(n, self, reshapeTo(n, src, unit), *dim, index, index + 1);
}

/// as_strided(self, size, stride, storage_offset): a view addressing
/// `self`'s storage directly. Kiln's values have no storage, so the storage
/// is rebuilt from the layout the file records for `self` (which must be
/// dense: a permutation of a contiguous layout, e.g. channels-last): `self`
/// is permuted into memory order and flattened, then read at
/// offset + sum(i_k * stride_k) for every result index (a reshape when that
/// is the storage in order, a gather otherwise).
LogicalResult importAsStrided(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  Value x = n.tensor("self");
  RankedTensorType in = typeOf(x);
  const std::optional<NodeImport::Layout> &layout = n.layout("self");
  if (!layout)
    return n.emitError() << "as_strided needs the memory layout of its input, which the file "
                            "does not state";
  const std::vector<int64_t> &size = n.ints("size"), &stride = n.ints("stride");
  if (size.size() != stride.size() || ArrayRef<int64_t>(size) != type.getShape())
    return n.emitError() << "as_strided size/stride do not match the declared result " << type;
  int64_t rank = in.getRank();
  // The input's dimensions in memory order (outermost first).
  SmallVector<int64_t> perm;
  for (int64_t i = 0; i < rank; ++i)
    perm.push_back(i);
  llvm::stable_sort(perm,
                    [&](int64_t a, int64_t b) { return layout->strides[a] > layout->strides[b]; });
  int64_t expected = 1;
  for (int64_t k = rank - 1; k >= 0; --k) {
    int64_t d = perm[k];
    if (in.getDimSize(d) == 1)
      continue;
    if (layout->strides[d] != expected)
      return n.emitError() << "as_strided of a non-dense view (strides "
                           << llvm::make_range(layout->strides.begin(), layout->strides.end())
                           << ") is not supported yet";
    expected *= in.getDimSize(d);
  }
  int64_t numel = numElements(in.getShape());
  SmallVector<int64_t> permuted;
  for (int64_t d : perm)
    permuted.push_back(in.getDimSize(d));
  Value storage = x;
  if (!llvm::equal(perm, llvm::seq<int64_t>(0, rank)))
    storage =
        PermuteOp::create(n.b, n.loc, withShape(in, permuted), x, n.b.getDenseI64ArrayAttr(perm));
  storage = reshapeTo(n, storage, {numel});
  int64_t base =
      n.isNone("storage_offset") ? 0 : n.integer("storage_offset") - layout->storageOffset;
  int64_t count = numElements(type.getShape());
  SmallVector<int64_t> positions;
  SmallVector<int64_t> index(size.size(), 0);
  for (int64_t e = 0; e < count; ++e) {
    int64_t p = base;
    for (size_t k = 0; k < size.size(); ++k)
      p += index[k] * stride[k];
    if (p < 0 || p >= numel)
      return n.emitError() << "as_strided reads element " << p << " of a storage of " << numel;
    positions.push_back(p);
    for (int64_t k = static_cast<int64_t>(size.size()) - 1; k >= 0; --k) {
      if (++index[k] < size[k])
        break;
      index[k] = 0;
    }
  }
  bool inOrder = count == numel;
  for (int64_t e = 0; inOrder && e < count; ++e)
    inOrder = positions[e] == e;
  if (inOrder) {
    n.results = {reshapeTo(n, storage, type.getShape())};
    return success();
  }
  auto indexType = RankedTensorType::get({count}, n.b.getI64Type());
  Value indices = arith::ConstantOp::create(
      n.b, n.loc, DenseElementsAttr::get(indexType, ArrayRef<int64_t>(positions)));
  Value gathered = GatherOp::create(n.b, n.loc, withShape(in, {count}), storage, indices,
                                    n.b.getI64IntegerAttr(0));
  n.results = {reshapeTo(n, gathered, type.getShape())};
  return success();
}

/// diagonal(offset, dim1, dim2): dim1 and dim2 moved last and merged; the
/// diagonal is then a strided slice of step size2 + 1.
LogicalResult importDiagonal(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  Value x = n.tensor("self");
  RankedTensorType in = typeOf(x);
  int64_t rank = in.getRank();
  auto d1 = normalizeDim(n, n.integer("dim1"), rank);
  auto d2 = normalizeDim(n, n.integer("dim2"), rank);
  if (failed(d1) || failed(d2))
    return failure();
  if (*d1 == *d2)
    return n.emitError() << "diagonal dimensions cannot be identical: " << *d1;
  int64_t offset = n.integer("offset");
  int64_t s1 = in.getDimSize(*d1), s2 = in.getDimSize(*d2);
  int64_t len = offset >= 0 ? std::max<int64_t>(0, std::min(s1, s2 - offset))
                            : std::max<int64_t>(0, std::min(s1 + offset, s2));
  SmallVector<int64_t> perm, lead;
  for (int64_t i = 0; i < rank; ++i)
    if (i != *d1 && i != *d2) {
      perm.push_back(i);
      lead.push_back(in.getDimSize(i));
    }
  perm.append({*d1, *d2});
  SmallVector<int64_t> movedShape(lead);
  movedShape.append({s1, s2});
  Value moved = x;
  if (!llvm::equal(perm, llvm::seq<int64_t>(0, rank)))
    moved =
        PermuteOp::create(n.b, n.loc, withShape(in, movedShape), x, n.b.getDenseI64ArrayAttr(perm));
  SmallVector<int64_t> flatShape(lead);
  flatShape.push_back(s1 * s2);
  Value flat = reshapeTo(n, moved, flatShape);
  int64_t start = offset >= 0 ? offset : -offset * s2;
  SmallVector<int64_t> diagShape(lead);
  diagShape.push_back(len);
  int64_t last = flatShape.size() - 1;
  Value diag;
  if (len == 0) {
    diag = splatConstant(n, withShape(in, diagShape), 0);
  } else {
    int64_t step = s2 + 1;
    int64_t end = start + (len - 1) * step + 1;
    diag = SliceOp::create(n.b, n.loc, withShape(in, diagShape), flat, n.b.getI64IntegerAttr(last),
                           n.b.getI64IntegerAttr(start), n.b.getI64IntegerAttr(end),
                           n.b.getI64IntegerAttr(step));
  }
  n.results = {reshapeTo(n, diag, type.getShape())};
  return success();
}

const ImportRule kRules[] = {
    {"aten::as_strided", importAsStrided, RuleDtypes::Any},
    {"aten::diagonal", importDiagonal, RuleDtypes::Any},
    {"aten::embedding", importEmbedding, RuleDtypes::Any},
    {"aten::gather", importGather, RuleDtypes::Any},
    {"aten::index.Tensor", importIndexTensor, RuleDtypes::Any},
    {"aten::index_select", importIndexSelect, RuleDtypes::Any},
    {"aten::select_scatter", importSelectScatter, RuleDtypes::Any},
    {"aten::slice_scatter", importSliceScatter, RuleDtypes::Any},
};

} // namespace

llvm::ArrayRef<ImportRule> rules::indexingRules() { return kRules; }

} // namespace kiln
