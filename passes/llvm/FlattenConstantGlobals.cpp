//===- FlattenConstantGlobals.cpp - kiln-flatten-constant-globals ---------===//
#include "passes/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_FLATTENCONSTANTGLOBALSPASS
#include "passes/Passes.h.inc"

namespace {

/// `value` as a one-dimensional attribute of `flatType` over the same data,
/// or null when it is neither dense nor dense_resource.
ElementsAttr flatten(Attribute value, RankedTensorType flatType) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    return DenseResourceElementsAttr::get(flatType, resource.getRawHandle());
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    return dense.reshape(flatType);
  return {};
}

struct FlattenConstantGlobalsPass
    : impl::FlattenConstantGlobalsPassBase<FlattenConstantGlobalsPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Each flattened global -> (its one-dimensional type, its original type).
    llvm::DenseMap<StringAttr, std::pair<MemRefType, MemRefType>> flattened;
    for (auto global : module.getOps<memref::GlobalOp>()) {
      MemRefType type = global.getType();
      auto value = global.getInitialValue();
      if (!global.getConstant() || !value || type.getRank() < 2 || !type.hasStaticShape() ||
          !type.getLayout().isIdentity())
        continue;
      auto flatTensor = RankedTensorType::get({type.getNumElements()}, type.getElementType());
      ElementsAttr flat = flatten(*value, flatTensor);
      if (!flat)
        continue;
      auto flatType = MemRefType::get(flatTensor.getShape(), type.getElementType(),
                                      MemRefLayoutAttrInterface(), type.getMemorySpace());
      global.setTypeAttr(TypeAttr::get(flatType));
      global.setInitialValueAttr(flat);
      flattened[global.getSymNameAttr()] = {flatType, type};
    }
    if (flattened.empty())
      return;
    module.walk([&](memref::GetGlobalOp get) {
      auto it = flattened.find(get.getNameAttr().getAttr());
      if (it == flattened.end())
        return;
      auto [flatType, type] = it->second;
      OpBuilder b(get);
      Value flat = memref::GetGlobalOp::create(b, get.getLoc(), flatType, get.getNameAttr());
      ReassociationIndices all = llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
      Value shaped = memref::ExpandShapeOp::create(b, get.getLoc(), type, flat, {all});
      get.replaceAllUsesWith(shaped);
      get.erase();
    });
  }
};

} // namespace

} // namespace kiln
