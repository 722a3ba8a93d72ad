//===- Constants.cpp - weights as constants, for every importer -----------===//
#include "compiler/import/Constants.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/SmallVector.h"

using namespace mlir;

namespace kiln {

Value ConstantBuilder::create(OpBuilder &b, Location fileLoc, RankedTensorType type,
                              llvm::StringRef bytes, llvm::StringRef name) {
  TypedAttr attr;
  if (type.getElementType().isInteger(1)) {
    SmallVector<bool> bits;
    for (char byte : bytes)
      bits.push_back(byte != 0);
    attr = DenseElementsAttr::get(type, llvm::ArrayRef<bool>(bits));
  } else if (type.getNumElements() <= 16) {
    attr =
        DenseElementsAttr::getFromRawBuffer(type, llvm::ArrayRef<char>(bytes.data(), bytes.size()));
  } else {
    AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        llvm::ArrayRef<char>(bytes.data(), bytes.size()), alignof(uint64_t));
    attr = DenseResourceElementsAttr::get(type, name, std::move(blob));
  }
  OpBuilder::InsertionGuard guard(b);
  if (last)
    b.setInsertionPointAfter(last);
  else
    b.setInsertionPointToStart(entry);
  auto constant = arith::ConstantOp::create(b, NameLoc::get(b.getStringAttr(name), fileLoc), attr);
  last = constant;
  return constant;
}

} // namespace kiln
