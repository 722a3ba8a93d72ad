// Node locations: what the importer writes is what the memory planner reads
// and what diagnostics print.
#include "dialects/kiln/NodeLocation.h"
#include "compiler/pipeline/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/MLIRContext.h"

#include <catch2/catch.hpp>

using namespace kiln;
using namespace mlir;

TEST_CASE("node location: read back as written", "[location]") {
  MLIRContext ctx;
  Location file = FileLineColLoc::get(&ctx, "model.pt2", 0, 0);
  Location loc = makeNodeLocation(file, {"conv2d_3", "aten.convolution.default"});
  auto node = readNodeLocation(loc);
  REQUIRE(node);
  CHECK(node->name == "conv2d_3");
  CHECK(node->op == "aten.convolution.default");
  auto self = asNodeLocation(loc);
  REQUIRE(self);
  CHECK(self->second == file);
  CHECK(describeLocation(loc) == "model.pt2: node 'conv2d_3' (aten.convolution.default)");
}

TEST_CASE("node location: found inside the locations passes make", "[location]") {
  MLIRContext ctx;
  Location file = FileLineColLoc::get(&ctx, "model.pt2", 0, 0);
  Location relu = makeNodeLocation(file, {"relu", "aten.relu.default"});
  Location add = makeNodeLocation(file, {"add_1", "aten.add.Tensor"});
  Location weight = NameLoc::get(StringAttr::get(&ctx, "fc.weight"), file);

  // Canonicalization fuses the locations of the ops it folds, in order.
  Location fused =
      FusedLoc::get({weight, relu, add}, StringAttr::get(&ctx, "CanonicalizeLoc"), &ctx);
  auto first = readNodeLocation(fused);
  REQUIRE(first);
  CHECK(first->name == "relu");
  CHECK(describeLocation(fused) == "model.pt2: fc.weight");

  Location named = NameLoc::get(StringAttr::get(&ctx, "tile"), add);
  REQUIRE(readNodeLocation(named));
  CHECK(readNodeLocation(named)->op == "aten.add.Tensor");
  CHECK(!asNodeLocation(named));
  CHECK(describeLocation(named) == "model.pt2: node 'add_1' (aten.add.Tensor): tile");

  Location call = CallSiteLoc::get(relu, file);
  REQUIRE(readNodeLocation(call));
  CHECK(readNodeLocation(call)->name == "relu");

  CHECK(!readNodeLocation(weight));
  CHECK(!readNodeLocation(file));
  // Other fused metadata is not a node.
  Location other = FusedLoc::get({file}, StringAttr::get(&ctx, "node"), &ctx);
  CHECK(!readNodeLocation(other));
}
