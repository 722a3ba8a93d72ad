//===- DataMovement.cpp - import rules: moving elements -------------------===//
//
// Operators that move elements without computing on them: reshapes and
// permutations, concatenation, slicing and splitting, identities (clone,
// dropout in eval mode), padding, flip, roll, repeat and pixel shuffle.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/rules/Rules.h"
#include "dialects/kiln/KilnOps.h"
#include "dialects/kiln/KilnShapes.h"

#include <algorithm>
#include <limits>

using namespace mlir;

namespace kiln {
namespace {

using namespace rules;

//===----------------------------------------------------------------------===//
// Shapes and permutations
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
  n.results = {
      PermuteOp::create(n.b, n.loc, n.resultType(0), input, n.b.getDenseI64ArrayAttr(dims))};
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
  n.results = {
      PermuteOp::create(n.b, n.loc, n.resultType(0), input, n.b.getDenseI64ArrayAttr({1, 0}))};
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
  n.results = {
      PermuteOp::create(n.b, n.loc, n.resultType(0), input, n.b.getDenseI64ArrayAttr(dims))};
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

/// expand_as(self, other): self broadcast to other's shape.
LogicalResult importExpandAs(NodeImport &n) {
  if (failed(requireResult(n, 0)))
    return failure();
  Value x = n.tensor("self");
  n.results = {typeOf(x) == n.resultType(0) ? x : ExpandOp::create(n.b, n.loc, n.resultType(0), x)};
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
    return n.emitError() << "unbind of " << size << " slices, the file declares " << n.numResults();
  n.results.clear();
  for (int64_t i = 0; i < size; ++i)
    n.results.push_back(
        ReshapeOp::create(n.b, n.loc, n.resultType(i), buildSlice(n, input, *dim, i, i + 1, 1)));
  return success();
}

//===----------------------------------------------------------------------===//
// Identities and copies
//===----------------------------------------------------------------------===//

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

const ImportRule kRules[] = {
    // The copying forms of views (ExecuTorch's edge dialect) compute the same
    // values: SSA tensors alias nothing.
    {"aten::alias_copy", importIdentity, RuleDtypes::Any},
    {"aten::expand_copy", importExpand, RuleDtypes::Any},
    {"aten::permute_copy", importPermute, RuleDtypes::Any},
    {"aten::select_copy.int", importSelect, RuleDtypes::Any},
    {"aten::slice_copy.Tensor", importSlice, RuleDtypes::Any},
    {"aten::split_copy.Tensor", importSplit, RuleDtypes::Any},
    {"aten::split_with_sizes_copy", importSplit, RuleDtypes::Any},
    {"aten::squeeze_copy", importReshape, RuleDtypes::Any},
    {"aten::squeeze_copy.dim", importReshape, RuleDtypes::Any},
    {"aten::squeeze_copy.dims", importReshape, RuleDtypes::Any},
    {"aten::t_copy", importT, RuleDtypes::Any},
    {"aten::transpose_copy.int", importTranspose, RuleDtypes::Any},
    {"aten::unbind_copy.int", importUnbind, RuleDtypes::Any},
    {"aten::unsqueeze_copy", importReshape, RuleDtypes::Any},
    {"aten::view_copy", importReshape, RuleDtypes::Any},
    // A clone into another dim order: the same logical tensor.
    {"dim_order_ops::_clone_dim_order", importIdentity, RuleDtypes::Any},
    {"aten::alias", importIdentity, RuleDtypes::Any},
    {"aten::cat", importCat, RuleDtypes::Any},
    {"aten::chunk", importSplit, RuleDtypes::Any},
    {"aten::clone", importIdentity, RuleDtypes::Any},
    {"aten::constant_pad_nd", importConstantPad, RuleDtypes::Any},
    {"aten::contiguous", importIdentity, RuleDtypes::Any},
    {"aten::copy", importCopy, RuleDtypes::Any},
    {"aten::detach", importIdentity, RuleDtypes::Any},
    {"aten::dropout", importIdentity, RuleDtypes::Any},
    {"aten::dropout_", importIdentity, RuleDtypes::Any},
    {"aten::expand", importExpand, RuleDtypes::Any},
    {"aten::expand_as", importExpandAs, RuleDtypes::Any},
    {"aten::feature_dropout", importIdentity, RuleDtypes::Any},
    {"aten::feature_dropout_", importIdentity, RuleDtypes::Any},
    {"aten::flatten.using_ints", importReshape, RuleDtypes::Any},
    {"aten::flip", importFlip, RuleDtypes::Any},
    {"aten::lift_fresh_copy", importIdentity, RuleDtypes::Any},
    {"aten::narrow", importNarrow, RuleDtypes::Any},
    {"aten::native_dropout", importNativeDropout, RuleDtypes::Any},
    {"aten::pad", importPadMode, RuleDtypes::Any},
    {"aten::permute", importPermute, RuleDtypes::Any},
    {"aten::pixel_shuffle", importPixelShuffle, RuleDtypes::Any},
    {"aten::reflection_pad1d", importModePad<true>, RuleDtypes::Any},
    {"aten::reflection_pad2d", importModePad<true>, RuleDtypes::Any},
    {"aten::reflection_pad3d", importModePad<true>, RuleDtypes::Any},
    {"aten::repeat", importRepeat, RuleDtypes::Any},
    {"aten::replication_pad1d", importModePad<false>, RuleDtypes::Any},
    {"aten::replication_pad2d", importModePad<false>, RuleDtypes::Any},
    {"aten::replication_pad3d", importModePad<false>, RuleDtypes::Any},
    {"aten::reshape", importReshape, RuleDtypes::Any},
    {"aten::roll", importRoll, RuleDtypes::Any},
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
    {"aten::unflatten.int", importReshape, RuleDtypes::Any},
    {"aten::unsafe_chunk", importSplit, RuleDtypes::Any},
    {"aten::unsafe_split.Tensor", importSplit, RuleDtypes::Any},
    {"aten::unsqueeze", importReshape, RuleDtypes::Any},
    {"aten::view", importReshape, RuleDtypes::Any},
};

} // namespace

llvm::ArrayRef<ImportRule> rules::dataMovementRules() { return kRules; }

} // namespace kiln
