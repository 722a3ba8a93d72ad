//===- MlirElementTypes.cpp - the element type table and MLIR -------------===//
#include "dialects/kiln/MlirElementTypes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace kiln {

Type mlirElementType(const ElementType &type, MLIRContext *context) {
  Builder b(context);
  using Kind = ElementType::Kind;
  switch (type.kind) {
  case Kind::None:
    return Type();
  case Kind::Float:
    switch (type.bits) {
    case 16:
      return b.getF16Type();
    case 32:
      return b.getF32Type();
    case 64:
      return b.getF64Type();
    }
    return Type();
  case Kind::BFloat:
    return type.bits == 16 ? b.getBF16Type() : Type();
  case Kind::Int:
    return b.getIntegerType(type.bits);
  case Kind::UInt:
    return b.getIntegerType(type.bits, /*isSigned=*/false);
  case Kind::Bool:
    return b.getI1Type();
  }
  return Type();
}

const ElementType *elementTypeOf(Type type) {
  using Kind = ElementType::Kind;
  if (type.isBF16())
    return elementTypeOfKind(Kind::BFloat, 16);
  if (type.isF16() || type.isF32() || type.isF64())
    return elementTypeOfKind(Kind::Float, type.getIntOrFloatBitWidth());
  if (auto i = dyn_cast<IntegerType>(type)) {
    if (i.getWidth() == 1)
      return elementTypeOfKind(Kind::Bool, 1);
    return elementTypeOfKind(i.isUnsigned() ? Kind::UInt : Kind::Int, i.getWidth());
  }
  return nullptr;
}

std::string torchDtypeName(Type type) {
  if (const ElementType *e = elementTypeOf(type))
    return e->name;
  if (auto i = dyn_cast<IntegerType>(type))
    return (i.isUnsigned() ? "uint" : "int") + std::to_string(i.getWidth());
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

} // namespace kiln
