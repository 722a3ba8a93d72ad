//===- KilnOps.cpp - kiln dialect and op verifiers ------------------------===//
//
// Each verifier recomputes the result shape with PyTorch's rule (KilnShapes.h)
// and compares it with the declared result type, so an importer bug or a
// malformed model is reported at the op that is wrong.
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "dialects/kiln/KilnShapes.h"
#include "targets/kernels/kiln_kernels.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallSet.h"

using namespace mlir;
using namespace kiln;

#include "dialects/kiln/KilnOpsDialect.cpp.inc"

void KilnDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/kiln/KilnOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static ArrayRef<int64_t> shapeOf(Value v) { return cast<ShapedType>(v.getType()).getShape(); }

static Type elementTypeOf(Value v) { return cast<ShapedType>(v.getType()).getElementType(); }

static std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s = "[";
  llvm::raw_string_ostream os(s);
  llvm::interleave(shape, os, ", ");
  os << "]";
  return s;
}

/// All operands and results have the same element type.
static LogicalResult verifySameElementTypes(Operation *op) {
  Type expected;
  for (Value v : llvm::concat<Value>(op->getOperands(), op->getResults())) {
    Type t = elementTypeOf(v);
    if (!expected)
      expected = t;
    else if (t != expected)
      return op->emitOpError("mixes element types ") << expected << " and " << t;
  }
  return success();
}

static LogicalResult verifyResultShape(Operation *op, ArrayRef<int64_t> expected) {
  ArrayRef<int64_t> actual = shapeOf(op->getResult(0));
  if (actual != expected)
    return op->emitOpError("result shape ")
           << shapeStr(actual) << " does not match the computed shape " << shapeStr(expected);
  return success();
}

static LogicalResult verifyArraySize(Operation *op, StringRef name, ArrayRef<int64_t> values,
                                     size_t size, int64_t minValue) {
  if (values.size() != size)
    return op->emitOpError() << "expects '" << name << "' to have " << size << " elements, got "
                             << values.size();
  for (int64_t v : values)
    if (v < minValue)
      return op->emitOpError() << "expects every '" << name << "' element to be >= " << minValue
                               << ", got " << shapeStr(values);
  return success();
}

/// The activations conv2d and linear can apply to their result.
static LogicalResult verifyActivation(Operation *op, std::optional<StringRef> activation) {
  if (activation && !isFusableActivation(*activation))
    return op->emitOpError("unknown activation '") << *activation << "'";
  return success();
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

LogicalResult LinearOp::verify() {
  if (failed(verifySameElementTypes(*this)) || failed(verifyActivation(*this, getActivation())))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput()), w = shapeOf(getWeight());
  if (in.empty())
    return emitOpError("expects an input of rank >= 1");
  if (w.size() != 2)
    return emitOpError("expects a weight of rank 2, got ") << shapeStr(w);
  if (in.back() != w[1])
    return emitOpError("input features ")
           << in.back() << " do not match weight shape " << shapeStr(w);
  if (getBias() && shapeOf(getBias()) != ArrayRef<int64_t>{w[0]})
    return emitOpError("expects a bias of shape [")
           << w[0] << "], got " << shapeStr(shapeOf(getBias()));
  SmallVector<int64_t> expected(in.begin(), in.end());
  expected.back() = w[0];
  return verifyResultShape(*this, expected);
}

/// kiln.matmul's shapes (kiln.qmatmul's too).
static LogicalResult verifyMatmulShapes(Operation *op) {
  ArrayRef<int64_t> a = shapeOf(op->getOperand(0)), b = shapeOf(op->getOperand(1));
  if (a.size() < 2 || b.size() < 2)
    return op->emitOpError("expects operands of rank >= 2, got ")
           << shapeStr(a) << " and " << shapeStr(b);
  if (a.back() != b[b.size() - 2])
    return op->emitOpError("contraction dimensions differ: ")
           << shapeStr(a) << " and " << shapeStr(b);
  auto batch = broadcastShapes(a.drop_back(2), b.drop_back(2));
  if (!batch)
    return op->emitOpError("batch dimensions do not broadcast: ")
           << shapeStr(a) << " and " << shapeStr(b);
  SmallVector<int64_t> expected = *batch;
  expected.push_back(a[a.size() - 2]);
  expected.push_back(b.back());
  return verifyResultShape(op, expected);
}

LogicalResult MatmulOp::verify() {
  if (failed(verifySameElementTypes(*this)))
    return failure();
  return verifyMatmulShapes(*this);
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

/// The shapes conv2d and qconv2d share: 4-D input and weight, the window
/// arrays, groups dividing both channel counts, the bias, the result.
static LogicalResult verifyConvShapes(Operation *op, Value input, Value weight, Value bias,
                                      ArrayRef<int64_t> s, ArrayRef<int64_t> p, ArrayRef<int64_t> d,
                                      int64_t groups) {
  ArrayRef<int64_t> in = shapeOf(input), w = shapeOf(weight);
  if (in.size() != 4 || w.size() != 4)
    return op->emitOpError("expects a 4-D input and weight, got ")
           << shapeStr(in) << " and " << shapeStr(w);
  if (failed(verifyArraySize(op, "stride", s, 2, 1)) ||
      failed(verifyArraySize(op, "dilation", d, 2, 1)) ||
      failed(verifyArraySize(op, "padding", p, 4, 0)))
    return failure();
  if (groups < 1 || in[1] % groups != 0 || w[0] % groups != 0)
    return op->emitOpError("groups ")
           << groups << " must divide input channels " << in[1] << " and output channels " << w[0];
  if (w[1] * groups != in[1])
    return op->emitOpError("weight shape ")
           << shapeStr(w) << " expects " << w[1] * groups << " input channels, input has " << in[1];
  if (bias && shapeOf(bias) != ArrayRef<int64_t>{w[0]})
    return op->emitOpError("expects a bias of shape [")
           << w[0] << "], got " << shapeStr(shapeOf(bias));
  int64_t oh = slidingWindowOutputSize(in[2], w[2], p[0], p[2], s[0], d[0], false);
  int64_t ow = slidingWindowOutputSize(in[3], w[3], p[1], p[3], s[1], d[1], false);
  if (oh < 1 || ow < 1)
    return op->emitOpError("kernel ")
           << shapeStr(w.drop_front(2)) << " does not fit the padded input "
           << shapeStr(in.drop_front(2));
  return verifyResultShape(op, {in[0], w[0], oh, ow});
}

LogicalResult Conv2dOp::verify() {
  if (failed(verifySameElementTypes(*this)) || failed(verifyActivation(*this, getActivation())))
    return failure();
  return verifyConvShapes(*this, getInput(), getWeight(), getBias(), getStride(), getPadding(),
                          getDilation(), getGroups());
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

LogicalResult BatchNormOp::verify() {
  if (failed(verifySameElementTypes(*this)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput());
  if (in.size() < 2)
    return emitOpError("expects an input of rank >= 2, got ") << shapeStr(in);
  for (Value v : {getScale(), getOffset(), getMean(), getVariance()})
    if (shapeOf(v) != ArrayRef<int64_t>{in[1]})
      return emitOpError("expects per-channel parameters of shape [")
             << in[1] << "], got " << shapeStr(shapeOf(v));
  if (getEpsilon().convertToDouble() < 0)
    return emitOpError("expects a non-negative epsilon");
  return verifyResultShape(*this, in);
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

static LogicalResult verifyBroadcastBinary(Operation *op) {
  if (failed(verifySameElementTypes(op)))
    return failure();
  ArrayRef<int64_t> a = shapeOf(op->getOperand(0)), b = shapeOf(op->getOperand(1));
  auto shape = broadcastShapes(a, b);
  if (!shape)
    return op->emitOpError("operand shapes do not broadcast: ")
           << shapeStr(a) << " and " << shapeStr(b);
  return verifyResultShape(op, *shape);
}

LogicalResult AddOp::verify() { return verifyBroadcastBinary(*this); }
LogicalResult DivTruncOp::verify() { return verifyBroadcastBinary(*this); }
LogicalResult DivFloorOp::verify() { return verifyBroadcastBinary(*this); }
LogicalResult BitwiseAndOp::verify() { return verifyBroadcastBinary(*this); }
LogicalResult BitwiseOrOp::verify() { return verifyBroadcastBinary(*this); }
LogicalResult BitwiseXorOp::verify() { return verifyBroadcastBinary(*this); }

LogicalResult CompareOp::verify() {
  StringRef p = getPredicate();
  if (p != "eq" && p != "ne" && p != "lt" && p != "le" && p != "gt" && p != "ge")
    return emitOpError("unknown predicate '") << p << "'";
  if (elementTypeOf(getLhs()) != elementTypeOf(getRhs()))
    return emitOpError("compares different element types ")
           << elementTypeOf(getLhs()) << " and " << elementTypeOf(getRhs());
  auto shape = broadcastShapes(shapeOf(getLhs()), shapeOf(getRhs()));
  if (!shape)
    return emitOpError("operand shapes do not broadcast: ")
           << shapeStr(shapeOf(getLhs())) << " and " << shapeStr(shapeOf(getRhs()));
  return verifyResultShape(*this, *shape);
}

LogicalResult SelectOp::verify() {
  Type t = elementTypeOf(getResult());
  if (elementTypeOf(getOnTrue()) != t || elementTypeOf(getOnFalse()) != t)
    return emitOpError("expects on_true, on_false and the result to have one element type");
  auto shape = broadcastShapes(shapeOf(getCondition()), shapeOf(getOnTrue()));
  if (shape)
    shape = broadcastShapes(*shape, shapeOf(getOnFalse()));
  if (!shape)
    return emitOpError("operand shapes do not broadcast: ")
           << shapeStr(shapeOf(getCondition())) << ", " << shapeStr(shapeOf(getOnTrue())) << " and "
           << shapeStr(shapeOf(getOnFalse()));
  return verifyResultShape(*this, *shape);
}
LogicalResult MaximumOp::verify() { return verifyBroadcastBinary(*this); }
LogicalResult MinimumOp::verify() { return verifyBroadcastBinary(*this); }
LogicalResult PowOp::verify() { return verifyBroadcastBinary(*this); }
LogicalResult Atan2Op::verify() { return verifyBroadcastBinary(*this); }
LogicalResult FmodOp::verify() { return verifyBroadcastBinary(*this); }
LogicalResult RemainderOp::verify() { return verifyBroadcastBinary(*this); }
LogicalResult SubOp::verify() { return verifyBroadcastBinary(*this); }
LogicalResult MulOp::verify() { return verifyBroadcastBinary(*this); }
LogicalResult DivOp::verify() { return verifyBroadcastBinary(*this); }

LogicalResult ClampOp::verify() {
  if (isa<IntegerType>(elementTypeOf(getInput())))
    for (std::optional<APFloat> bound : {getMin(), getMax()})
      if (bound && !bound->isInteger())
        return emitOpError("bounds of an integer clamp must be integers");
  if (getMin() && getMax() && getMin()->convertToDouble() > getMax()->convertToDouble())
    return emitOpError("min ") << getMin()->convertToDouble() << " exceeds max "
                               << getMax()->convertToDouble();
  return success();
}

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  if (failed(verifySameElementTypes(*this)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput()), out = shapeOf(getResult());
  if (numElements(in) != numElements(out))
    return emitOpError("cannot reshape ")
           << shapeStr(in) << " (" << numElements(in) << " elements) to " << shapeStr(out) << " ("
           << numElements(out) << " elements)";
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getResult().getType())
    return getInput();
  // reshape(reshape(x)) is one reshape of x.
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  return {};
}

LogicalResult PermuteOp::verify() {
  if (failed(verifySameElementTypes(*this)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput());
  ArrayRef<int64_t> dims = getDims();
  if (dims.size() != in.size())
    return emitOpError("expects ") << in.size() << " dims, got " << shapeStr(dims);
  llvm::SmallSet<int64_t, 8> seen;
  SmallVector<int64_t> expected;
  for (int64_t d : dims) {
    if (d < 0 || d >= static_cast<int64_t>(in.size()) || !seen.insert(d).second)
      return emitOpError("dims ") << shapeStr(dims) << " are not a permutation of [0, " << in.size()
                                  << ")";
    expected.push_back(in[d]);
  }
  return verifyResultShape(*this, expected);
}

//===----------------------------------------------------------------------===//
// Pooling and reductions
//===----------------------------------------------------------------------===//

static LogicalResult verifyPool2d(Operation *op, ArrayRef<int64_t> kernel, ArrayRef<int64_t> stride,
                                  ArrayRef<int64_t> padding, ArrayRef<int64_t> dilation,
                                  bool ceilMode) {
  if (failed(verifySameElementTypes(op)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(op->getOperand(0));
  if (in.size() != 4)
    return op->emitOpError("expects a 4-D NCHW input, got ") << shapeStr(in);
  if (failed(verifyArraySize(op, "kernel", kernel, 2, 1)) ||
      failed(verifyArraySize(op, "stride", stride, 2, 1)) ||
      failed(verifyArraySize(op, "padding", padding, 2, 0)) ||
      failed(verifyArraySize(op, "dilation", dilation, 2, 1)))
    return failure();
  // PyTorch: "pad should be at most half of effective kernel size".
  for (int i = 0; i < 2; ++i)
    if (padding[i] * 2 > (kernel[i] - 1) * dilation[i] + 1)
      return op->emitOpError("padding ")
             << shapeStr(padding) << " exceeds half of the kernel " << shapeStr(kernel);
  int64_t oh = slidingWindowOutputSize(in[2], kernel[0], padding[0], padding[0], stride[0],
                                       dilation[0], ceilMode);
  int64_t ow = slidingWindowOutputSize(in[3], kernel[1], padding[1], padding[1], stride[1],
                                       dilation[1], ceilMode);
  if (oh < 1 || ow < 1)
    return op->emitOpError("kernel ")
           << shapeStr(kernel) << " does not fit the padded input " << shapeStr(in.drop_front(2));
  return verifyResultShape(op, {in[0], in[1], oh, ow});
}

LogicalResult MaxPool2dOp::verify() {
  return verifyPool2d(*this, getKernel(), getStride(), getPadding(), getDilation(), getCeilMode());
}

LogicalResult AvgPool2dOp::verify() {
  if (getDivisorOverride() && *getDivisorOverride() == 0)
    return emitOpError("divisor_override must not be 0");
  int64_t ones[2] = {1, 1};
  return verifyPool2d(*this, getKernel(), getStride(), getPadding(), ones, getCeilMode());
}

static LogicalResult verifySoftmaxDim(Operation *op, int64_t dim) {
  int64_t rank = cast<ShapedType>(op->getOperand(0).getType()).getRank();
  if (dim < 0 || dim >= std::max<int64_t>(rank, 1))
    return op->emitOpError("dim ") << dim << " is out of range for rank " << rank;
  return success();
}

LogicalResult SoftmaxOp::verify() { return verifySoftmaxDim(*this, getDim()); }
LogicalResult LogSoftmaxOp::verify() { return verifySoftmaxDim(*this, getDim()); }

static LogicalResult verifyReduction(Operation *op, ArrayRef<int64_t> dims, bool keepdim) {
  if (failed(verifySameElementTypes(op)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(op->getOperand(0));
  llvm::SmallSet<int64_t, 8> reduced;
  for (int64_t d : dims)
    if (d < 0 || d >= static_cast<int64_t>(in.size()) || !reduced.insert(d).second)
      return op->emitOpError("dims ")
             << shapeStr(dims) << " must be distinct dimensions of " << shapeStr(in);
  SmallVector<int64_t> expected;
  for (int64_t i = 0, e = in.size(); i < e; ++i) {
    if (!reduced.count(i))
      expected.push_back(in[i]);
    else if (keepdim)
      expected.push_back(1);
  }
  return verifyResultShape(op, expected);
}

LogicalResult MeanOp::verify() { return verifyReduction(*this, getDims(), getKeepdim()); }
LogicalResult SumOp::verify() { return verifyReduction(*this, getDims(), getKeepdim()); }
LogicalResult AmaxOp::verify() { return verifyReduction(*this, getDims(), getKeepdim()); }
LogicalResult AminOp::verify() { return verifyReduction(*this, getDims(), getKeepdim()); }
LogicalResult ProdOp::verify() { return verifyReduction(*this, getDims(), getKeepdim()); }

LogicalResult PadOp::verify() {
  if (failed(verifySameElementTypes(*this)))
    return failure();
  StringRef mode = getMode();
  if (mode != "constant" && mode != "reflect" && mode != "replicate")
    return emitOpError("unknown mode '") << mode << "'";
  ArrayRef<int64_t> in = shapeOf(getInput());
  if (getLow().size() != in.size() || getHigh().size() != in.size())
    return emitOpError("expects one low and one high amount per dimension");
  SmallVector<int64_t> expected;
  for (size_t i = 0; i < in.size(); ++i) {
    int64_t lo = getLow()[i], hi = getHigh()[i];
    if (mode != "constant" && (lo < 0 || hi < 0))
      return emitOpError("") << mode << " padding expects non-negative amounts";
    if (mode == "reflect" && (lo >= in[i] || hi >= in[i]))
      return emitOpError("reflect padding of ")
             << lo << " and " << hi << " must be smaller than dimension " << i << " of size "
             << in[i];
    if (mode == "replicate" && in[i] == 0 && (lo > 0 || hi > 0))
      return emitOpError("cannot replicate an empty dimension ") << i;
    int64_t d = in[i] + lo + hi;
    if (d < 0)
      return emitOpError("padding crops dimension ") << i << " below zero";
    expected.push_back(d);
  }
  return verifyResultShape(*this, expected);
}

LogicalResult FlipOp::verify() {
  int64_t rank = shapeOf(getInput()).size();
  llvm::SmallSet<int64_t, 8> seen;
  for (int64_t d : getDims())
    if (d < 0 || d >= rank || !seen.insert(d).second)
      return emitOpError("dims must be distinct dimensions in [0, ") << rank << ")";
  return success();
}

LogicalResult GatherOp::verify() {
  if (elementTypeOf(getInput()) != elementTypeOf(getResult()))
    return emitOpError("result element type differs from the input's");
  if (elementTypeOf(getIndex()).isInteger(1))
    return emitOpError("expects integer indices, got booleans");
  ArrayRef<int64_t> in = shapeOf(getInput()), index = shapeOf(getIndex());
  int64_t dim = getDim();
  if (in.size() != index.size())
    return emitOpError("index rank ") << index.size() << " differs from input rank " << in.size();
  if (dim < 0 || dim >= static_cast<int64_t>(std::max<size_t>(in.size(), 1)))
    return emitOpError("dim ") << dim << " is out of range";
  if (!in.empty() && in[dim] == 0 && numElements(index) != 0)
    return emitOpError("gathers from an empty dimension");
  for (size_t i = 0; i < in.size(); ++i)
    if (static_cast<int64_t>(i) != dim && index[i] > in[i])
      return emitOpError("index dimension ")
             << i << " of size " << index[i] << " exceeds the input's " << in[i];
  return verifyResultShape(*this, index);
}

LogicalResult ResizeOp::verify() {
  if (failed(verifySameElementTypes(*this)))
    return failure();
  if (getMode() != "nearest" && getMode() != "bilinear")
    return emitOpError("unknown mode '") << getMode() << "'";
  ArrayRef<int64_t> in = shapeOf(getInput()), out = shapeOf(getResult());
  if (in.size() != 4 || out.size() != 4)
    return emitOpError("expects NCHW input and result");
  if (in[0] != out[0] || in[1] != out[1])
    return emitOpError("changes the batch or channel extent");
  if ((in[2] == 0 || in[3] == 0) && numElements(out) != 0)
    return emitOpError("cannot resample an empty input");
  for (double scale : {getScaleH().convertToDouble(), getScaleW().convertToDouble()})
    if (!(scale >= 0) || std::isinf(scale))
      return emitOpError("expects finite non-negative scales");
  return success();
}

LogicalResult ConvertOp::verify() { return verifyResultShape(*this, shapeOf(getInput())); }

static LogicalResult verifyArgReduction(Operation *op, int64_t dim, bool keepdim) {
  ArrayRef<int64_t> in = shapeOf(op->getOperand(0));
  int64_t rank = in.size();
  if (dim < 0 || dim >= std::max<int64_t>(rank, 1))
    return op->emitOpError("dim ") << dim << " is out of range for rank " << rank;
  if (rank > 0 && in[dim] == 0)
    return op->emitOpError("reduces an empty dimension");
  SmallVector<int64_t> expected;
  for (int64_t i = 0; i < rank; ++i)
    if (i != dim)
      expected.push_back(in[i]);
    else if (keepdim)
      expected.push_back(1);
  return verifyResultShape(op, expected);
}

LogicalResult ArgMaxOp::verify() { return verifyArgReduction(*this, getDim(), getKeepdim()); }
LogicalResult ArgMinOp::verify() { return verifyArgReduction(*this, getDim(), getKeepdim()); }

LogicalResult GeluOp::verify() {
  if (getApproximate() != "none" && getApproximate() != "tanh")
    return emitOpError("approximate must be \"none\" or \"tanh\", got \"")
           << getApproximate() << "\"";
  return success();
}

LogicalResult LayerNormOp::verify() {
  if (failed(verifySameElementTypes(*this)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput());
  int64_t axis = getAxis();
  if (axis < 0 || axis >= static_cast<int64_t>(in.size()))
    return emitOpError("axis ") << axis << " is out of range for " << shapeStr(in);
  ArrayRef<int64_t> normalized = in.drop_front(axis);
  for (Value v : {getScale(), getOffset()})
    if (shapeOf(v) != normalized)
      return emitOpError("expects scale and offset of shape ")
             << shapeStr(normalized) << ", got " << shapeStr(shapeOf(v));
  if (getEpsilon().convertToDouble() < 0)
    return emitOpError("expects a non-negative epsilon");
  return verifyResultShape(*this, in);
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  ArrayRef<int64_t> first = shapeOf(getInputs()[0]);
  int64_t dim = getDim();
  if (dim < 0 || dim >= static_cast<int64_t>(first.size()))
    return emitOpError("dim ") << dim << " is out of range for rank " << first.size();
  SmallVector<int64_t> expected(first.begin(), first.end());
  expected[dim] = 0;
  for (Value v : getInputs()) {
    if (elementTypeOf(v) != elementTypeOf(getResult()))
      return emitOpError("mixes element types");
    ArrayRef<int64_t> s = shapeOf(v);
    if (s.size() != first.size())
      return emitOpError("inputs have different ranks");
    for (size_t i = 0; i < s.size(); ++i)
      if (static_cast<int64_t>(i) != dim && s[i] != first[i])
        return emitOpError("input shapes ")
               << shapeStr(first) << " and " << shapeStr(s) << " differ outside dim " << dim;
    expected[dim] += s[dim];
  }
  return verifyResultShape(*this, expected);
}

LogicalResult SliceOp::verify() {
  if (failed(verifySameElementTypes(*this)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput());
  int64_t dim = getDim(), start = getStart(), end = getEnd(), step = getStep();
  if (dim < 0 || dim >= static_cast<int64_t>(in.size()))
    return emitOpError("dim ") << dim << " is out of range for rank " << in.size();
  if (step < 1 || start < 0 || start > end || end > in[dim])
    return emitOpError("bounds ") << start << ":" << end << ":" << step
                                  << " are not within dimension " << dim << " of size " << in[dim];
  SmallVector<int64_t> expected(in.begin(), in.end());
  expected[dim] = (end - start + step - 1) / step;
  return verifyResultShape(*this, expected);
}

LogicalResult ExpandOp::verify() {
  if (failed(verifySameElementTypes(*this)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput()), out = shapeOf(getResult());
  auto shape = broadcastShapes(in, out);
  if (!shape || ArrayRef<int64_t>(*shape) != out)
    return emitOpError("cannot expand ") << shapeStr(in) << " to " << shapeStr(out);
  return success();
}

LogicalResult EmbeddingOp::verify() {
  ArrayRef<int64_t> w = shapeOf(getWeight()), idx = shapeOf(getIndices());
  if (w.size() != 2)
    return emitOpError("expects a 2-D weight, got ") << shapeStr(w);
  if (elementTypeOf(getWeight()) != elementTypeOf(getResult()))
    return emitOpError("result and weight element types differ");
  SmallVector<int64_t> expected(idx.begin(), idx.end());
  expected.push_back(w[1]);
  return verifyResultShape(*this, expected);
}

//===----------------------------------------------------------------------===//
// MicroKernelOp
//===----------------------------------------------------------------------===//

std::optional<MicroKernelOp::Signature> MicroKernelOp::signature(StringRef kernel) {
#define KILN_UK_SIGNATURE(name, buffers, params)                                                   \
  if (kernel == #name)                                                                             \
    return Signature{buffers, unsigned(params)};
  KILN_UK_KERNELS(KILN_UK_SIGNATURE)
#undef KILN_UK_SIGNATURE
  return std::nullopt;
}

/// Whether `type` is the element type kiln_kernels.h writes as `letter`.
static bool isKernelElementType(Type type, char letter) {
  switch (letter) {
  case 'f':
    return type.isF32();
  case 'b':
    return type.isInteger(8);
  case 'i':
    return type.isInteger(32);
  default:
    return false;
  }
}

static StringRef kernelElementTypeName(char letter) {
  return letter == 'f' ? "f32" : letter == 'b' ? "i8" : "i32";
}

LogicalResult MicroKernelOp::verify() {
  auto sig = signature(getKernel());
  if (!sig)
    return emitOpError("names no micro-kernel: '") << getKernel() << "'";
  unsigned numInputs = sig->buffers.size() - 1;
  if (getInputs().size() != numInputs || getOutputs().size() != 1)
    return emitOpError("kernel '")
           << getKernel() << "' takes " << numInputs << " inputs and 1 output";
  if (getParams().size() != sig->params)
    return emitOpError("kernel '") << getKernel() << "' takes " << sig->params << " params";
  for (auto [i, v] : llvm::enumerate(getOperands()))
    if (!isKernelElementType(cast<ShapedType>(v.getType()).getElementType(), sig->buffers[i]))
      return emitOpError("operand #")
             << i << " of kernel '" << getKernel() << "' must have element type "
             << kernelElementTypeName(sig->buffers[i]);
  return success();
}

void MicroKernelOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>> &effects) {
  for (OpOperand &operand : getOperation()->getOpOperands()) {
    if (!isa<MemRefType>(operand.get().getType()))
      continue;
    effects.emplace_back(MemoryEffects::Read::get(), &operand, SideEffects::DefaultResource::get());
    if (isDpsInit(&operand))
      effects.emplace_back(MemoryEffects::Write::get(), &operand,
                           SideEffects::DefaultResource::get());
  }
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

/// The checks quantize and dequantize share: the quantization range fits the
/// integer type, and scale and zero point are per tensor (rank 0) or per
/// channel (rank 1, one entry per index of `axis`).
static LogicalResult verifyQuantParams(Operation *op, Value quantized, Value data, Value scale,
                                       Value zeroPoint, std::optional<int64_t> axis,
                                       int64_t quantMin, int64_t quantMax) {
  if (shapeOf(quantized) != shapeOf(data))
    return op->emitOpError("input and result shapes differ: ")
           << shapeStr(shapeOf(data)) << " vs " << shapeStr(shapeOf(quantized));
  auto intType = cast<IntegerType>(elementTypeOf(quantized));
  unsigned bits = intType.getWidth();
  int64_t lo = -(int64_t(1) << (bits - 1)), hi = (int64_t(1) << (bits - 1)) - 1;
  if (intType.isUnsigned()) {
    lo = 0;
    hi = (int64_t(1) << bits) - 1;
  }
  if (quantMin > quantMax)
    return op->emitOpError("quant_min ") << quantMin << " exceeds quant_max " << quantMax;
  if (quantMin < lo || quantMax > hi)
    return op->emitOpError("quantization range [")
           << quantMin << ", " << quantMax << "] does not fit " << elementTypeOf(quantized);
  if (shapeOf(scale) != shapeOf(zeroPoint))
    return op->emitOpError("scale ") << shapeStr(shapeOf(scale)) << " and zero point "
                                     << shapeStr(shapeOf(zeroPoint)) << " differ in shape";
  int64_t rank = static_cast<int64_t>(shapeOf(data).size());
  if (!axis) {
    if (!shapeOf(scale).empty())
      return op->emitOpError("a per-tensor scale must have rank 0 (or give an axis)");
    return success();
  }
  if (*axis < 0 || *axis >= rank)
    return op->emitOpError("axis ") << *axis << " is outside a tensor of rank " << rank;
  if (shapeOf(scale) != ArrayRef<int64_t>{shapeOf(data)[*axis]})
    return op->emitOpError("per-channel scale must have shape [")
           << shapeOf(data)[*axis] << "] (dimension " << *axis << "), got "
           << shapeStr(shapeOf(scale));
  return success();
}

LogicalResult QuantizeOp::verify() {
  return verifyQuantParams(*this, getResult(), getInput(), getScale(), getZeroPoint(), getAxis(),
                           getQuantMin(), getQuantMax());
}

LogicalResult DequantizeOp::verify() {
  return verifyQuantParams(*this, getInput(), getResult(), getScale(), getZeroPoint(), getAxis(),
                           getQuantMin(), getQuantMax());
}

LogicalResult ChooseQParamsOp::verify() {
  // I64Attr getters return uint64_t.
  auto qmin = static_cast<int64_t>(getQuantMin()), qmax = static_cast<int64_t>(getQuantMax());
  if (qmin >= qmax)
    return emitOpError("quant_min ") << qmin << " must be below quant_max " << qmax;
  if (!(getEps().convertToDouble() >= 0))
    return emitOpError("eps must be non-negative");
  if (shapeOf(getScale()) != ArrayRef<int64_t>{1} ||
      shapeOf(getZeroPoint()) != ArrayRef<int64_t>{1})
    return emitOpError("scale and zero point have shape [1]");
  return success();
}

/// The requantization parameters of qconv2d/qlinear: one multiplier and
/// shift per output channel, in range; zero points and bounds in int8.
static LogicalResult verifyRequantization(Operation *op, int64_t channels,
                                          ArrayRef<int32_t> multiplier, ArrayRef<int32_t> shift,
                                          int64_t inputZeroPoint, int64_t outputZeroPoint,
                                          int64_t outMin, int64_t outMax) {
  if (static_cast<int64_t>(multiplier.size()) != channels ||
      static_cast<int64_t>(shift.size()) != channels)
    return op->emitOpError("expects ") << channels << " multipliers and shifts, got "
                                       << multiplier.size() << " and " << shift.size();
  for (size_t i = 0; i < multiplier.size(); ++i) {
    if (multiplier[i] < 0)
      return op->emitOpError("multiplier ") << i << " is negative";
    if (shift[i] > 31 || shift[i] < -31)
      return op->emitOpError("shift ") << shift[i] << " is outside [-31, 31]";
  }
  for (int64_t v : {inputZeroPoint, outputZeroPoint, outMin, outMax})
    if (v < -128 || v > 127)
      return op->emitOpError("zero points and output bounds must be int8 values, got ") << v;
  if (outMin > outMax)
    return op->emitOpError("output_min ") << outMin << " exceeds output_max " << outMax;
  return success();
}

/// kiln.qconv2d's and kiln.qlinear's remainders: one per output channel,
/// each within 2^30 in magnitude (half a multiplier below 2^31).
static LogicalResult verifyRemainder(Operation *op, int64_t channels,
                                     std::optional<ArrayRef<int32_t>> remainder) {
  if (!remainder)
    return success();
  if (static_cast<int64_t>(remainder->size()) != channels)
    return op->emitOpError("expects ") << channels << " remainders, got " << remainder->size();
  for (int32_t r : *remainder)
    if (r > (1 << 30) || r < -(1 << 30))
      return op->emitOpError("remainder ") << r << " is outside [-2^30, 2^30]";
  return success();
}

LogicalResult QConv2dOp::verify() {
  if (failed(verifyConvShapes(*this, getInput(), getWeight(), getBias(), getStride(), getPadding(),
                              getDilation(), getGroups())))
    return failure();
  if (failed(verifyRemainder(*this, shapeOf(getWeight())[0], getRemainder())))
    return failure();
  return verifyRequantization(*this, shapeOf(getWeight())[0], getMultiplier(), getShift(),
                              getInputZeroPoint(), getOutputZeroPoint(), getOutputMin(),
                              getOutputMax());
}

LogicalResult QLinearOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput()), w = shapeOf(getWeight());
  if (in.empty() || w.size() != 2 || in.back() != w[1])
    return emitOpError("input features ")
           << (in.empty() ? 0 : in.back()) << " do not match weight shape " << shapeStr(w);
  if (getBias() && shapeOf(getBias()) != ArrayRef<int64_t>{w[0]})
    return emitOpError("expects a bias of shape [")
           << w[0] << "], got " << shapeStr(shapeOf(getBias()));
  SmallVector<int64_t> out(in.drop_back());
  out.push_back(w[0]);
  if (failed(verifyResultShape(*this, out)) || failed(verifyRemainder(*this, w[0], getRemainder())))
    return failure();
  return verifyRequantization(*this, w[0], getMultiplier(), getShift(), getInputZeroPoint(),
                              getOutputZeroPoint(), getOutputMin(), getOutputMax());
}

LogicalResult QMatmulOp::verify() {
  if (failed(verifyMatmulShapes(*this)))
    return failure();
  auto rhsZeroPoint = static_cast<int64_t>(getRhsZeroPoint());
  if (rhsZeroPoint < -128 || rhsZeroPoint > 127)
    return emitOpError("zero points and output bounds must be int8 values, got ") << rhsZeroPoint;
  return verifyRequantization(*this, 1, getMultiplier(), getShift(), getLhsZeroPoint(),
                              getOutputZeroPoint(), getOutputMin(), getOutputMax());
}

LogicalResult QLinearDynamicOp::verify() {
  if (failed(verifyActivation(*this, getActivation())))
    return failure();
  if (!shapeOf(getInputScale()).empty() || !shapeOf(getInputZeroPoint()).empty())
    return emitOpError("expects a per-tensor (rank 0) input scale and zero point");
  ArrayRef<int64_t> in = shapeOf(getInput()), w = shapeOf(getWeight());
  if (in.empty() || w.size() != 2 || in.back() != w[1])
    return emitOpError("input features ")
           << (in.empty() ? 0 : in.back()) << " do not match weight shape " << shapeStr(w);
  if (shapeOf(getWeightScale()) != ArrayRef<int64_t>{w[0]})
    return emitOpError("expects a weight scale of shape [")
           << w[0] << "], got " << shapeStr(shapeOf(getWeightScale()));
  if (getBias() && shapeOf(getBias()) != ArrayRef<int64_t>{w[0]})
    return emitOpError("expects a bias of shape [")
           << w[0] << "], got " << shapeStr(shapeOf(getBias()));
  SmallVector<int64_t> out(in.drop_back());
  out.push_back(w[0]);
  return verifyResultShape(*this, out);
}

LogicalResult QAvgPool2dOp::verify() {
  ArrayRef<int64_t> in = getInput().getType().getShape(), out = getType().getShape();
  ArrayRef<int64_t> kernel = getKernel(), stride = getStride(), padding = getPadding();
  if (in.size() != 4 || out.size() != 4)
    return emitOpError("input and result must be NCHW (rank 4)");
  if (kernel.size() != 2 || stride.size() != 2 || padding.size() != 2)
    return emitOpError("kernel, stride and padding must have 2 entries each");
  for (int d = 0; d < 2; ++d) {
    if (kernel[d] < 1 || stride[d] < 1 || padding[d] < 0)
      return emitOpError("kernel and stride must be positive and padding non-negative");
    int64_t expected = (in[2 + d] + 2 * padding[d] - kernel[d]) / stride[d] + 1;
    if (out[2 + d] != expected)
      return emitOpError("result spatial size ") << out[2 + d] << " differs from " << expected;
  }
  if (out[0] != in[0] || out[1] != in[1])
    return emitOpError("result batch and channels must equal the input's");
  if (static_cast<int64_t>(getDivisor()) < 1)
    return emitOpError("divisor must be positive");
  if (!(getInputScale().convertToDouble() > 0) || !(getOutputScale().convertToDouble() > 0))
    return emitOpError("scales must be positive");
  for (int64_t v :
       {static_cast<int64_t>(getInputZeroPoint()), static_cast<int64_t>(getOutputZeroPoint()),
        static_cast<int64_t>(getOutputMin()), static_cast<int64_t>(getOutputMax())})
    if (v < -128 || v > 127)
      return emitOpError("zero points and output bounds must be int8 values, got ") << v;
  if (static_cast<int64_t>(getOutputMin()) > static_cast<int64_t>(getOutputMax()))
    return emitOpError("output_min exceeds output_max");
  return success();
}

/// The checks kiln.qadd and kiln.qmul share: int8 zero points and bounds.
template <typename OpTy> static LogicalResult verifyInt8Binary(OpTy op) {
  if (failed(verifyBroadcastBinary(op)))
    return failure();
  for (int64_t v :
       {static_cast<int64_t>(op.getLhsZeroPoint()), static_cast<int64_t>(op.getRhsZeroPoint()),
        static_cast<int64_t>(op.getOutputZeroPoint()), static_cast<int64_t>(op.getOutputMin()),
        static_cast<int64_t>(op.getOutputMax())})
    if (v < -128 || v > 127)
      return op.emitOpError("zero points and output bounds must be int8 values, got ") << v;
  if (static_cast<int64_t>(op.getOutputMin()) > static_cast<int64_t>(op.getOutputMax()))
    return op.emitOpError("output_min exceeds output_max");
  return success();
}

LogicalResult QAddOp::verify() {
  if (failed(verifyInt8Binary(*this)))
    return failure();
  auto shift = static_cast<int64_t>(getShift());
  if (shift < 1 || shift > 40)
    return emitOpError("shift ") << shift << " is outside [1, 40]";
  for (int64_t m :
       {static_cast<int64_t>(getLhsMultiplier()), static_cast<int64_t>(getRhsMultiplier())})
    if (m < 0 || m >= (int64_t(1) << 32))
      return emitOpError("multipliers must be in [0, 2^32), got ") << m;
  return success();
}

LogicalResult QMulOp::verify() {
  if (failed(verifyInt8Binary(*this)))
    return failure();
  // The product of two differences (|d| <= 255) times the multiplier stays
  // below 2^48, exact in 64 bits.
  auto shift = static_cast<int64_t>(getShift());
  if (shift < 1 || shift > 62)
    return emitOpError("shift ") << shift << " is outside [1, 62]";
  auto m = static_cast<int64_t>(getMultiplier());
  if (m < 0 || m >= (int64_t(1) << 32))
    return emitOpError("multiplier must be in [0, 2^32), got ") << m;
  return success();
}

LogicalResult LookupOp::verify() {
  if (shapeOf(getTable()) != ArrayRef<int64_t>{256})
    return emitOpError("expects a table of shape [256], got ") << shapeStr(shapeOf(getTable()));
  if (shapeOf(getInput()) != shapeOf(getResult()))
    return emitOpError("input and result shapes differ");
  return success();
}

#define GET_OP_CLASSES
#include "dialects/kiln/KilnOps.cpp.inc"
