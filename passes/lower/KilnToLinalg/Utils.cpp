//===- Utils.cpp - helpers shared by the kiln-to-linalg patterns ----------===//
#include "passes/lower/KilnToLinalg/Utils.h"

#include "dialects/kiln/KilnShapes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

using namespace mlir;

namespace kiln {

Value floatConstant(OpBuilder &b, Location loc, Type elementType, double value) {
  auto floatType = cast<FloatType>(elementType);
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, value));
}

Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
}

Value numberConstant(OpBuilder &b, Location loc, Type elementType, double value) {
  if (isa<FloatType>(elementType))
    return floatConstant(b, loc, elementType, value);
  auto intType = cast<IntegerType>(elementType);
  APInt bits = intType.getWidth() == 1
                   ? APInt(1, value != 0)
                   : APInt(intType.getWidth(), static_cast<int64_t>(value), /*isSigned=*/true);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(intType, bits));
}

Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type, double value) {
  Value scalar = numberConstant(b, loc, type.getElementType(), value);
  return linalg::FillOp::create(b, loc, ValueRange{scalar}, ValueRange{emptyTensor(b, loc, type)})
      .getResult(0);
}

AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape,
                       ArrayRef<int64_t> resultShape) {
  unsigned offset = resultShape.size() - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, extent] : llvm::enumerate(operandShape)) {
    if (extent == 1 && resultShape[i + offset] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(i + offset, ctx));
  }
  return AffineMap::get(resultShape.size(), 0, exprs, ctx);
}

SmallVector<utils::IteratorType> parallelIterators(unsigned rank) {
  return SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel);
}

Value reshapeTensor(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> shape) {
  auto srcType = cast<RankedTensorType>(input.getType());
  auto dstType = RankedTensorType::get(shape, srcType.getElementType());
  if (srcType == dstType)
    return input;
  // One collapse or one expand when the shapes allow it.
  if (dstType.getRank() < srcType.getRank()) {
    if (auto reassoc = getReassociationIndicesForReshape(srcType, dstType))
      return tensor::CollapseShapeOp::create(b, loc, dstType, input, *reassoc);
  } else if (dstType.getRank() > srcType.getRank()) {
    if (auto reassoc = getReassociationIndicesForReshape(dstType, srcType))
      return tensor::ExpandShapeOp::create(b, loc, dstType, input, *reassoc);
  }
  // Otherwise through a 1-D tensor; still views of the same contiguous buffer.
  int64_t n = numElements(srcType.getShape());
  auto flatType = RankedTensorType::get({n}, srcType.getElementType());
  Value flat = input;
  if (srcType.getRank() != 1) {
    SmallVector<ReassociationIndices> all;
    if (srcType.getRank() > 0)
      all.push_back(llvm::to_vector(llvm::seq<int64_t>(0, srcType.getRank())));
    flat = tensor::CollapseShapeOp::create(b, loc, flatType, input, all);
  }
  if (dstType.getRank() == 1)
    return flat;
  SmallVector<ReassociationIndices> all;
  if (dstType.getRank() > 0)
    all.push_back(llvm::to_vector(llvm::seq<int64_t>(0, dstType.getRank())));
  return tensor::ExpandShapeOp::create(b, loc, dstType, flat, all);
}

Value padSpatial(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> low,
                 ArrayRef<int64_t> high, double value) {
  if (llvm::all_of(low, [](int64_t v) { return v == 0; }) &&
      llvm::all_of(high, [](int64_t v) { return v == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> lo(type.getRank(), 0), hi(type.getRank(), 0);
  SmallVector<int64_t> shape(type.getShape());
  for (int i = 0; i < 2; ++i) {
    int64_t dim = type.getRank() - 2 + i;
    lo[dim] = low[i];
    hi[dim] = high[i];
    shape[dim] += low[i] + high[i];
  }
  // Not tensor.pad: a filled tensor with the input inserted. Then
  // eliminate-empty-tensors can let the input's producer write straight into
  // the padded buffer's interior, so the unpadded tensor never exists.
  auto paddedType = RankedTensorType::get(shape, type.getElementType());
  Value filled = filledTensor(b, loc, paddedType, value);
  SmallVector<OpFoldResult> offsets, sizes, strides(type.getRank(), b.getIndexAttr(1));
  for (int64_t i = 0; i < type.getRank(); ++i) {
    offsets.push_back(b.getIndexAttr(lo[i]));
    sizes.push_back(b.getIndexAttr(type.getDimSize(i)));
  }
  return tensor::InsertSliceOp::create(b, loc, input, filled, offsets, sizes, strides);
}

Value floatTensorConstant(OpBuilder &b, Location loc, RankedTensorType type,
                          ArrayRef<double> values) {
  const llvm::fltSemantics &semantics = cast<FloatType>(type.getElementType()).getFloatSemantics();
  SmallVector<APFloat> converted;
  for (double v : values) {
    APFloat f(v);
    bool lost;
    f.convert(semantics, APFloat::rmNearestTiesToEven, &lost);
    converted.push_back(f);
  }
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, converted));
}

Type accumulatorType(Type elementType) {
  if (elementType.isF16() || elementType.isBF16())
    return Float32Type::get(elementType.getContext());
  return elementType;
}

Value convertScalar(OpBuilder &b, Location loc, Value v, Type to) {
  Type from = v.getType();
  if (from == to)
    return v;
  unsigned fromBits = from.getIntOrFloatBitWidth(), toBits = to.getIntOrFloatBitWidth();
  bool fromFloat = isa<FloatType>(from), toFloat = isa<FloatType>(to);
  if (fromFloat && toFloat) {
    if (fromBits < toBits)
      return arith::ExtFOp::create(b, loc, to, v);
    if (fromBits > toBits)
      return arith::TruncFOp::create(b, loc, to, v);
    // float16 <-> bfloat16: exactly through float32, then one rounding.
    return arith::TruncFOp::create(b, loc, to, arith::ExtFOp::create(b, loc, b.getF32Type(), v));
  }
  if (fromFloat) {
    if (toBits == 1)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v,
                                   floatConstant(b, loc, from, 0.0));
    return arith::FPToSIOp::create(b, loc, to, v);
  }
  if (toFloat)
    return fromBits == 1 ? Value(arith::UIToFPOp::create(b, loc, to, v))
                         : Value(arith::SIToFPOp::create(b, loc, to, v));
  if (toBits == 1)
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v,
                                 numberConstant(b, loc, from, 0));
  if (fromBits == 1)
    return arith::ExtUIOp::create(b, loc, to, v);
  if (fromBits < toBits)
    return arith::ExtSIOp::create(b, loc, to, v);
  return arith::TruncIOp::create(b, loc, to, v);
}

Value convertElements(OpBuilder &b, Location loc, Value tensor, Type to) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (type.getElementType() == to)
    return tensor;
  auto resultType = RankedTensorType::get(type.getShape(), to);
  unsigned rank = type.getRank();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, b.getContext());
  return linalg::GenericOp::create(b, loc, TypeRange{resultType}, ValueRange{tensor},
                                   ValueRange{emptyTensor(b, loc, resultType)},
                                   SmallVector<AffineMap>{id, id}, parallelIterators(rank),
                                   [&](OpBuilder &nb, Location l, ValueRange args) {
                                     linalg::YieldOp::create(nb, l,
                                                             convertScalar(nb, l, args[0], to));
                                   })
      .getResult(0);
}

Value activationScalar(OpBuilder &b, Location loc, StringRef name, Value x) {
  Type type = x.getType();
  Value v = convertScalar(b, loc, x, accumulatorType(type));
  Type t = v.getType();
  auto c = [&](double value) { return floatConstant(b, loc, t, value); };
  Value y;
  if (name == "relu") {
    y = arith::MaximumFOp::create(b, loc, v, c(0.0));
  } else if (name == "relu6") {
    y = arith::MinimumFOp::create(b, loc, arith::MaximumFOp::create(b, loc, v, c(0.0)), c(6.0));
  } else if (name == "hardswish") {
    // (x * relu6(x + 3)) / 6, in PyTorch's order.
    Value relu6 = arith::MinimumFOp::create(
        b, loc, arith::MaximumFOp::create(b, loc, arith::AddFOp::create(b, loc, v, c(3.0)), c(0.0)),
        c(6.0));
    y = arith::DivFOp::create(b, loc, arith::MulFOp::create(b, loc, v, relu6), c(6.0));
  } else if (name == "sigmoid") {
    Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, v));
    y = arith::DivFOp::create(b, loc, c(1.0), arith::AddFOp::create(b, loc, c(1.0), e));
  } else {
    llvm_unreachable("the verifier accepts only fusable activations");
  }
  return convertScalar(b, loc, y, type);
}

Value applyActivation(OpBuilder &b, Location loc, Value tensor, std::optional<StringRef> name) {
  if (!name)
    return tensor;
  auto type = cast<RankedTensorType>(tensor.getType());
  unsigned rank = type.getRank();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, b.getContext());
  std::string activation = name->str();
  // In place on the producer's result (its only operand is the init): the
  // conv/linear, its bias and the activation then share one buffer, which
  // empty-tensor elimination can even place inside a consumer's padding.
  return linalg::GenericOp::create(b, loc, TypeRange{type}, ValueRange{}, ValueRange{tensor},
                                   SmallVector<AffineMap>{id}, parallelIterators(rank),
                                   [&](OpBuilder &nb, Location l, ValueRange args) {
                                     linalg::YieldOp::create(
                                         nb, l, activationScalar(nb, l, activation, args[0]));
                                   })
      .getResult(0);
}

DenseIntElementsAttr i64Vector(OpBuilder &b, ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())}, b.getI64Type());
  return DenseIntElementsAttr::get(type, values);
}

/// The linalg.generic of an elementwise op over broadcast operands.
Value broadcastGeneric(OpBuilder &b, Location loc, RankedTensorType type, ValueRange operands,
                       function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  ArrayRef<int64_t> shape = type.getShape();
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value v : operands)
    maps.push_back(broadcastMap(ctx, cast<ShapedType>(v.getType()).getShape(), shape));
  maps.push_back(AffineMap::getMultiDimIdentityMap(shape.size(), ctx));
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, operands, ValueRange{emptyTensor(b, loc, type)}, maps,
             parallelIterators(shape.size()),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, body(nb, l, args.take_front(operands.size())));
             })
      .getResult(0);
}

} // namespace kiln
