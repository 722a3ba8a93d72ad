//===- NodeLocation.cpp - which graph node an op comes from ---------------===//
#include "dialects/kiln/NodeLocation.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

namespace kiln {

static constexpr llvm::StringLiteral kNodeKey = "node";
static constexpr llvm::StringLiteral kOpKey = "op";

Location makeNodeLocation(Location fileLoc, const NodeIdentity &node) {
  Builder b(fileLoc.getContext());
  DictionaryAttr metadata =
      b.getDictionaryAttr({b.getNamedAttr(kNodeKey, b.getStringAttr(node.name)),
                           b.getNamedAttr(kOpKey, b.getStringAttr(node.op))});
  return FusedLoc::get({fileLoc}, metadata, fileLoc.getContext());
}

std::optional<std::pair<NodeIdentity, Location>> asNodeLocation(Location loc) {
  auto fused = dyn_cast<FusedLoc>(loc);
  if (!fused || fused.getLocations().size() != 1)
    return std::nullopt;
  auto metadata = dyn_cast_or_null<DictionaryAttr>(fused.getMetadata());
  if (!metadata || metadata.size() != 2)
    return std::nullopt;
  auto name = metadata.getAs<StringAttr>(kNodeKey);
  auto op = metadata.getAs<StringAttr>(kOpKey);
  if (!name || !op)
    return std::nullopt;
  return std::make_pair(NodeIdentity{name.str(), op.str()}, fused.getLocations().front());
}

std::optional<NodeIdentity> readNodeLocation(Location loc) {
  if (auto node = asNodeLocation(loc))
    return node->first;
  if (auto name = dyn_cast<NameLoc>(loc))
    return readNodeLocation(name.getChildLoc());
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (auto node = readNodeLocation(inner))
        return node;
  if (auto call = dyn_cast<CallSiteLoc>(loc))
    return readNodeLocation(call.getCallee());
  return std::nullopt;
}

std::string describeNode(const NodeIdentity &node) {
  return "node '" + node.name + "' (" + node.op + ")";
}

} // namespace kiln
