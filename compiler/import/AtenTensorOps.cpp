//===- AtenTensorOps.cpp - import rules for tensor-level operators --------===//
//
// Padding, flipping, rolling and repeating, resampling, indexing, argument
// and full reductions, variance, group norm and attention: operators that
// either map onto one kiln op with index arithmetic done here, or are
// compositions of kiln ops with PyTorch's definition spelled out.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/AtenHelpers.h"
#include "dialects/kiln/KilnOps.h"
#include "dialects/kiln/KilnShapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace kiln {
namespace {

using namespace aten;

RankedTensorType withShape(RankedTensorType t, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, t.getElementType());
}

/// A slice [start, end) along `dim` (bounds already in range).
Value sliceOf(NodeImport &n, Value x, int64_t dim, int64_t start, int64_t end) {
  SmallVector<int64_t> shape(typeOf(x).getShape());
  shape[dim] = end - start;
  return SliceOp::create(n.b, n.loc, withShape(typeOf(x), shape), x, n.b.getI64IntegerAttr(dim),
                         n.b.getI64IntegerAttr(start), n.b.getI64IntegerAttr(end),
                         n.b.getI64IntegerAttr(1));
}

/// Concatenation of `parts` along `dim`.
Value concatOf(NodeImport &n, ArrayRef<Value> parts, int64_t dim) {
  if (parts.size() == 1)
    return parts[0];
  SmallVector<int64_t> shape(typeOf(parts[0]).getShape());
  shape[dim] = 0;
  for (Value p : parts)
    shape[dim] += typeOf(p).getDimSize(dim);
  return ConcatOp::create(n.b, n.loc, withShape(typeOf(parts[0]), shape), parts,
                          n.b.getI64IntegerAttr(dim));
}

//===----------------------------------------------------------------------===//
// Padding
//===----------------------------------------------------------------------===//

/// PyTorch's pad lists run from the last dimension backwards:
/// [last_low, last_high, second_last_low, ...].
LogicalResult buildPad(NodeImport &n, Value x, ArrayRef<int64_t> pad, StringRef mode,
                       double value) {
  RankedTensorType type = typeOf(x);
  int64_t rank = type.getRank();
  if (pad.size() % 2 != 0 || static_cast<int64_t>(pad.size()) > 2 * rank)
    return n.emitError() << "padding list of " << pad.size() << " values for a tensor of rank "
                         << rank << " (expects pairs, at most two per dimension)";
  SmallVector<int64_t> low(rank, 0), high(rank, 0);
  for (size_t i = 0; i < pad.size() / 2; ++i) {
    low[rank - 1 - i] = pad[2 * i];
    high[rank - 1 - i] = pad[2 * i + 1];
  }
  if (mode == "circular") {
    // The input wrapped around: its last `low` elements before it, its
    // first `high` after it.
    for (int64_t d = 0; d < rank; ++d) {
      int64_t size = typeOf(x).getDimSize(d);
      if (low[d] < 0 || high[d] < 0 || low[d] > size || high[d] > size)
        return n.emitError() << "circular padding of " << low[d] << " and " << high[d]
                             << " must be in [0, " << size << "] for dimension " << d;
      if (low[d] == 0 && high[d] == 0)
        continue;
      SmallVector<Value> parts;
      if (low[d] > 0)
        parts.push_back(sliceOf(n, x, d, size - low[d], size));
      parts.push_back(x);
      if (high[d] > 0)
        parts.push_back(sliceOf(n, x, d, 0, high[d]));
      x = concatOf(n, parts, d);
    }
    n.results = {x};
    return success();
  }
  if (mode != "constant" && mode != "reflect" && mode != "replicate")
    return n.emitError() << "padding mode \"" << mode << "\" is not supported";
  auto it = dyn_cast<IntegerType>(type.getElementType());
  if (it && it.isUnsigned() && mode == "constant")
    return n.emitError() << "constant padding of uint8 tensors is not supported yet";
  for (int64_t d = 0; d < rank; ++d) {
    int64_t size = type.getDimSize(d);
    if (mode == "reflect" && (low[d] < 0 || high[d] < 0 || low[d] >= size || high[d] >= size))
      return n.emitError() << "reflection padding of " << low[d] << " and " << high[d]
                           << " must be in [0, " << size << ") for dimension " << d << " of size "
                           << size;
    if (mode == "replicate" && (low[d] < 0 || high[d] < 0))
      return n.emitError() << "replication padding must not be negative";
    if (type.getDimSize(d) + low[d] + high[d] < 0)
      return n.emitError() << "padding crops dimension " << d << " below zero";
  }
  if (!n.resultType(0))
    return requireResult(n, 0);
  n.results = {PadOp::create(n.b, n.loc, n.resultType(0), x, n.b.getDenseI64ArrayAttr(low),
                             n.b.getDenseI64ArrayAttr(high), n.b.getF64FloatAttr(value),
                             n.b.getStringAttr(mode))};
  return success();
}

/// constant_pad_nd(self, pad, value)
LogicalResult importConstantPad(NodeImport &n) {
  return buildPad(n, n.tensor("self"), n.ints("pad"), "constant", n.number("value").value_or(0));
}

/// aten::pad(self, pad, mode, value): the training IR's F.pad.
LogicalResult importPadMode(NodeImport &n) {
  return buildPad(n, n.tensor("self"), n.ints("pad"), n.arg("mode").s,
                  n.number("value").value_or(0));
}

/// reflection_pad{1,2,3}d / replication_pad{1,2,3}d(self, padding)
template <bool reflect> LogicalResult importModePad(NodeImport &n) {
  return buildPad(n, n.tensor("self"), n.ints("padding"), reflect ? "reflect" : "replicate", 0);
}

//===----------------------------------------------------------------------===//
// Flip, roll, repeat, pixel shuffle
//===----------------------------------------------------------------------===//

LogicalResult importFlip(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value x = n.tensor("self");
  SmallVector<int64_t> dims;
  for (int64_t d : n.ints("dims")) {
    auto nd = normalizeDim(n, d, typeOf(x).getRank());
    if (failed(nd))
      return failure();
    if (llvm::is_contained(dims, *nd))
      return n.emitError() << "flip names dimension " << *nd << " twice";
    dims.push_back(*nd);
  }
  if (typeOf(x).getRank() == 0 || dims.empty()) {
    n.results = {x};
    return success();
  }
  n.results = {FlipOp::create(n.b, n.loc, n.resultType(0), x, n.b.getDenseI64ArrayAttr(dims))};
  return success();
}

/// roll: each (shift, dim) moves the last `shift` elements to the front;
/// without dims the flattened tensor is rolled.
LogicalResult importRoll(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value x = n.tensor("self");
  ArrayRef<int64_t> shape = typeOf(x).getShape();
  const std::vector<int64_t> &shifts = n.ints("shifts");
  std::vector<int64_t> dims = n.ints("dims");
  bool flat = dims.empty();
  if (flat) {
    if (shifts.size() != 1)
      return n.emitError() << "roll without dims takes one shift, got " << shifts.size();
    x = reshapeTo(n, x, {numElements(shape)});
    dims = {0};
  } else if (shifts.size() != dims.size()) {
    return n.emitError() << "roll has " << shifts.size() << " shifts for " << dims.size()
                         << " dims";
  }
  for (size_t i = 0; i < dims.size(); ++i) {
    auto d = normalizeDim(n, dims[i], typeOf(x).getRank());
    if (failed(d))
      return failure();
    int64_t size = typeOf(x).getDimSize(*d);
    if (size == 0)
      continue;
    int64_t s = ((shifts[i] % size) + size) % size;
    if (s == 0)
      continue;
    x = concatOf(n, {sliceOf(n, x, *d, size - s, size), sliceOf(n, x, *d, 0, size - s)}, *d);
  }
  n.results = {reshapeTo(n, x, n.resultType(0).getShape())};
  return success();
}

/// repeat: [s0, s1] repeated [r0, r1] is [1, s0, 1, s1] broadcast to
/// [r0, s0, r1, s1], then merged to [r0 * s0, r1 * s1].
LogicalResult importRepeat(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value x = n.tensor("self");
  const std::vector<int64_t> &repeats = n.ints("repeats");
  int64_t rank = typeOf(x).getRank();
  if (static_cast<int64_t>(repeats.size()) < rank)
    return n.emitError() << "repeat has " << repeats.size() << " repeats for a tensor of rank "
                         << rank;
  SmallVector<int64_t> shape(repeats.size() - rank, 1);
  llvm::append_range(shape, typeOf(x).getShape());
  SmallVector<int64_t> interleaved, expanded, merged;
  for (size_t i = 0; i < repeats.size(); ++i) {
    if (repeats[i] < 0)
      return n.emitError() << "repeat count " << repeats[i] << " is negative";
    interleaved.append({1, shape[i]});
    expanded.append({repeats[i], shape[i]});
    merged.push_back(repeats[i] * shape[i]);
  }
  x = reshapeTo(n, x, interleaved);
  x = ExpandOp::create(n.b, n.loc, withShape(typeOf(x), expanded), x);
  n.results = {reshapeTo(n, x, merged)};
  return success();
}

/// pixel_shuffle(r): [..., C r r, H, W] -> [..., C, r, r, H, W]
/// -> [..., C, H, r, W, r] -> [..., C, H r, W r].
LogicalResult importPixelShuffle(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value x = n.tensor("self");
  ArrayRef<int64_t> s = typeOf(x).getShape();
  int64_t r = n.integer("upscale_factor");
  int64_t rank = s.size();
  if (rank < 3 || r <= 0 || s[rank - 3] % (r * r) != 0)
    return n.emitError() << "pixel_shuffle by " << r << " needs a tensor of rank >= 3 whose "
                         << "channels divide by " << r * r;
  SmallVector<int64_t> split(s.begin(), s.end() - 3);
  int64_t c = s[rank - 3] / (r * r), h = s[rank - 2], w = s[rank - 1];
  split.append({c, r, r, h, w});
  x = reshapeTo(n, x, split);
  int64_t lead = rank - 3;
  SmallVector<int64_t> perm, permuted;
  for (int64_t i = 0; i < lead; ++i)
    perm.push_back(i);
  for (int64_t i : {0, 3, 1, 4, 2})
    perm.push_back(lead + i);
  for (int64_t p : perm)
    permuted.push_back(split[p]);
  x = PermuteOp::create(n.b, n.loc, withShape(typeOf(x), permuted), x,
                        n.b.getDenseI64ArrayAttr(perm));
  n.results = {reshapeTo(n, x, n.resultType(0).getShape())};
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

//===----------------------------------------------------------------------===//
// Indexing
//===----------------------------------------------------------------------===//

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
  if (start < 0)
    start += size;
  if (end < 0)
    end += size;
  start = std::clamp<int64_t>(start, 0, size);
  end = std::clamp<int64_t>(end, start, size);
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

//===----------------------------------------------------------------------===//
// Reductions
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

//===----------------------------------------------------------------------===//
// Creation and identities
//===----------------------------------------------------------------------===//

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

/// native_dropout(input, p, train) in eval: (input, a mask of ones).
LogicalResult importNativeDropout(NodeImport &n) {
  bool train = n.isNone("train") || n.boolean("train");
  if (train && n.number("p").value_or(0) != 0)
    return n.emitError() << "training-mode dropout is random; export the model in eval mode";
  n.results = {n.tensor("input")};
  if (RankedTensorType mask = n.resultType(1))
    n.results.push_back(splatConstant(n, mask, 1));
  return success();
}

/// expand_as(self, other): self broadcast to other's shape.
LogicalResult importExpandAs(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value x = n.tensor("self");
  n.results = {typeOf(x) == n.resultType(0) ? x : ExpandOp::create(n.b, n.loc, n.resultType(0), x)};
  return success();
}

/// copy(self, src): src broadcast to self's shape and converted to its dtype.
LogicalResult importCopy(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  RankedTensorType type = n.resultType(0);
  Value src = n.tensor("src");
  if (!broadcastShapes(typeOf(src).getShape(), type.getShape()))
    return n.emitError() << "copy source " << typeOf(src) << " does not broadcast to " << type;
  Value v = castTo(n, src, type.getElementType());
  if (typeOf(v) != type)
    v = ExpandOp::create(n.b, n.loc, type, v);
  n.results = {v};
  return success();
}

const ImportRule kTensorRules[] = {
    // Padding and rearrangement
    {"aten::constant_pad_nd", importConstantPad, RuleDtypes::Any},
    {"aten::diagonal", importDiagonal, RuleDtypes::Any},
    {"aten::flip", importFlip, RuleDtypes::Any},
    {"aten::pad", importPadMode, RuleDtypes::Any},
    {"aten::pixel_shuffle", importPixelShuffle, RuleDtypes::Any},
    {"aten::reflection_pad1d", importModePad<true>, RuleDtypes::Any},
    {"aten::reflection_pad2d", importModePad<true>, RuleDtypes::Any},
    {"aten::reflection_pad3d", importModePad<true>, RuleDtypes::Any},
    {"aten::repeat", importRepeat, RuleDtypes::Any},
    {"aten::replication_pad1d", importModePad<false>, RuleDtypes::Any},
    {"aten::replication_pad2d", importModePad<false>, RuleDtypes::Any},
    {"aten::replication_pad3d", importModePad<false>, RuleDtypes::Any},
    {"aten::roll", importRoll, RuleDtypes::Any},
    // Resampling
    {"aten::upsample_bilinear2d", importUpsample<true>},
    {"aten::upsample_bilinear2d.vec", importUpsample<true>},
    {"aten::upsample_nearest2d", importUpsample<false>},
    {"aten::upsample_nearest2d.vec", importUpsample<false>},
    // Indexing
    {"aten::as_strided", importAsStrided, RuleDtypes::Any},
    {"aten::gather", importGather, RuleDtypes::Any},
    {"aten::index.Tensor", importIndexTensor, RuleDtypes::Any},
    {"aten::index_select", importIndexSelect, RuleDtypes::Any},
    {"aten::select_scatter", importSelectScatter, RuleDtypes::Any},
    {"aten::slice_scatter", importSliceScatter, RuleDtypes::Any},
    // Reductions
    {"aten::all", importAnyAll<true>, RuleDtypes::Numeric},
    {"aten::all.dim", importAnyAll<true>, RuleDtypes::Numeric},
    {"aten::amax", importReduceDims<AmaxOp>},
    {"aten::amin", importReduceDims<AminOp>},
    {"aten::any", importAnyAll<false>, RuleDtypes::Numeric},
    {"aten::any.dim", importAnyAll<false>, RuleDtypes::Numeric},
    {"aten::any.dims", importAnyAll<false>, RuleDtypes::Numeric},
    {"aten::argmax", importArgReduce<ArgMaxOp>, RuleDtypes::Numeric},
    {"aten::cumsum", importCumsum, RuleDtypes::Numeric},
    {"aten::argmin", importArgReduce<ArgMinOp>, RuleDtypes::Numeric},
    {"aten::max", importReduceAll<AmaxOp>},
    {"aten::max.dim", importMaxDim<AmaxOp, ArgMaxOp>, RuleDtypes::Numeric},
    {"aten::mean", importReduceAll<MeanOp>, RuleDtypes::Numeric},
    {"aten::min", importReduceAll<AminOp>},
    {"aten::min.dim", importMaxDim<AminOp, ArgMinOp>, RuleDtypes::Numeric},
    {"aten::linalg_vector_norm", importNorm, RuleDtypes::Numeric},
    {"aten::norm.ScalarOpt_dim", importNorm, RuleDtypes::Numeric},
    {"aten::prod", importReduceAll<ProdOp>, RuleDtypes::Numeric},
    {"aten::prod.dim_int", importProdDim, RuleDtypes::Numeric},
    {"aten::std.correction", importVariance<true>},
    {"aten::sum", importReduceAll<SumOp>, RuleDtypes::Numeric},
    {"aten::var.correction", importVariance<false>},
    {"aten::var.dim", importVariance<false>},
    // Normalization and attention
    {"aten::group_norm", importGroupNorm},
    {"aten::native_group_norm", importNativeGroupNorm},
    {"aten::scaled_dot_product_attention", importScaledDotProductAttention, RuleDtypes::Numeric},
    // Creation and identities
    {"aten::arange", importArange, RuleDtypes::Any},
    {"aten::arange.start", importArange, RuleDtypes::Any},
    {"aten::arange.start_step", importArange, RuleDtypes::Any},
    {"aten::copy", importCopy, RuleDtypes::Any},
    {"aten::expand_as", importExpandAs, RuleDtypes::Any},
    {"aten::native_dropout", importNativeDropout, RuleDtypes::Any},
};

} // namespace

ArrayRef<ImportRule> aten::tensorImportRules() { return kTensorRules; }

} // namespace kiln
