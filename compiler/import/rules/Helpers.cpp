//===- Helpers.cpp - what the import rule families share ------------------===//
#include "compiler/import/rules/Rules.h"
#include "dialects/kiln/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <algorithm>
#include <cmath>
#include <tuple>

using namespace mlir;

namespace kiln {
namespace rules {

/// A rank-0 constant of `elementType` holding `value`, for broadcasting.
Value scalarConstant(NodeImport &n, Type elementType, double value) {
  return splatConstant(n, RankedTensorType::get({}, elementType), value);
}

/// A 1-D constant of `count` copies of `value`.
Value filledConstant(NodeImport &n, Type elementType, int64_t count, double value) {
  auto type = RankedTensorType::get({count}, elementType);
  return arith::ConstantOp::create(
      n.b, n.loc, DenseElementsAttr::get(type, n.b.getFloatAttr(elementType, value).getValue()));
}

/// PyTorch's negative dimension indices, checked.
FailureOr<int64_t> normalizeDim(NodeImport &n, int64_t dim, int64_t rank) {
  int64_t r = std::max<int64_t>(rank, 1);
  if (dim < -r || dim >= r)
    return n.emitError() << "dimension " << dim << " is out of range for a tensor of rank " << rank;
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
  return ReshapeOp::create(n.b, n.loc, RankedTensorType::get(shape, typeOf(v).getElementType()), v);
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

std::pair<int64_t, int64_t> clampSliceBounds(int64_t size, int64_t start, int64_t end) {
  if (start < 0)
    start += size;
  if (end < 0)
    end += size;
  start = std::clamp<int64_t>(start, 0, size);
  end = std::clamp<int64_t>(end, start, size);
  return {start, end};
}

/// A slice along `dim` with PyTorch's clamping of the bounds.
Value buildSlice(NodeImport &n, Value input, int64_t dim, int64_t start, int64_t end,
                 int64_t step) {
  RankedTensorType type = typeOf(input);
  std::tie(start, end) = clampSliceBounds(type.getDimSize(dim), start, end);
  SmallVector<int64_t> shape(type.getShape());
  shape[dim] = (end - start + step - 1) / step;
  return SliceOp::create(n.b, n.loc, RankedTensorType::get(shape, type.getElementType()), input,
                         n.b.getI64IntegerAttr(dim), n.b.getI64IntegerAttr(start),
                         n.b.getI64IntegerAttr(end), n.b.getI64IntegerAttr(step));
}

/// The other operand's element type for promotion: a tensor's, or a Scalar
/// argument's number type.
SmallVector<Type> numberTypes(NodeImport &n, StringRef name) {
  if (n.tensor(name))
    return {};
  return {numberType(n, name)};
}

/// Element types the arithmetic ops compute in; booleans are refused by
/// the callers that have no boolean meaning.
bool isBool(Type t) { return t.isInteger(1); }

} // namespace rules
} // namespace kiln
