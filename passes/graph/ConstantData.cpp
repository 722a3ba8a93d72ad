//===- ConstantData.cpp - compile-time tensor values ----------------------===//
#include "passes/graph/ConstantData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"

#include <cstring>

using namespace mlir;

namespace kiln {

std::optional<ConstantData> readConstant(Value v) {
  auto constant = v.getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(constant.getType());
  if (!type || !type.hasStaticShape() || !type.getElementType().isIntOrFloat())
    return std::nullopt;
  unsigned bits = type.getElementType().getIntOrFloatBitWidth();
  if (bits % 8 != 0)
    return std::nullopt; // i1: not byte-addressable here
  ConstantData data;
  data.type = type;
  data.elementBytes = bits / 8;
  size_t size = type.getNumElements() * data.elementBytes;
  Attribute value = constant.getValue();
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != size)
      return std::nullopt;
    data.bytes.assign(blob->getData().begin(), blob->getData().end());
    return data;
  }
  auto dense = dyn_cast<DenseElementsAttr>(value);
  if (!dense)
    return std::nullopt;
  data.bytes.resize(size);
  if (dense.isSplat()) {
    ArrayRef<char> one = dense.getRawData();
    for (int64_t i = 0, n = type.getNumElements(); i < n; ++i)
      std::memcpy(data.bytes.data() + i * data.elementBytes, one.data(), data.elementBytes);
  } else {
    if (dense.getRawData().size() != size)
      return std::nullopt;
    std::memcpy(data.bytes.data(), dense.getRawData().data(), size);
  }
  return data;
}

std::optional<std::vector<double>> ConstantData::asDoubles() const {
  auto floatType = dyn_cast<FloatType>(type.getElementType());
  if (!floatType)
    return std::nullopt;
  std::vector<double> out(numElements());
  const llvm::fltSemantics &semantics = floatType.getFloatSemantics();
  for (int64_t i = 0; i < numElements(); ++i) {
    uint64_t raw = 0;
    std::memcpy(&raw, bytes.data() + i * elementBytes, elementBytes);
    APFloat f(semantics, APInt(elementBytes * 8, raw));
    bool lost;
    f.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
    out[i] = f.convertToDouble();
  }
  return out;
}

Value makeRawConstant(OpBuilder &b, Location loc, RankedTensorType type, ArrayRef<char> bytes,
                      StringRef hint) {
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignof(uint64_t));
  auto attr = DenseResourceElementsAttr::get(type, hint, std::move(blob));
  return arith::ConstantOp::create(b, loc, attr);
}

Value makeFloatConstant(OpBuilder &b, Location loc, RankedTensorType type,
                        ArrayRef<double> values, StringRef hint) {
  auto floatType = cast<FloatType>(type.getElementType());
  unsigned elementBytes = floatType.getWidth() / 8;
  std::vector<char> bytes(values.size() * elementBytes);
  for (size_t i = 0; i < values.size(); ++i) {
    APFloat f(values[i]);
    bool lost;
    f.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    uint64_t raw = f.bitcastToAPInt().getZExtValue();
    std::memcpy(bytes.data() + i * elementBytes, &raw, elementBytes);
  }
  return makeRawConstant(b, loc, type, bytes, hint);
}

} // namespace kiln
