// Releasing the weight blobs a module no longer uses.
#include "compiler/pipeline/Resources.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <catch2/catch.hpp>

using namespace mlir;

static DenseResourceElementsAttr blobAttr(MLIRContext &ctx, llvm::StringRef name,
                                          llvm::ArrayRef<float> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())}, Float32Type::get(&ctx));
  llvm::ArrayRef<char> bytes(reinterpret_cast<const char *>(values.data()),
                             values.size() * sizeof(float));
  return DenseResourceElementsAttr::get(
      type, name, HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignof(float)));
}

static size_t blobBytes(const DenseResourceElementsAttr &attr) {
  AsmResourceBlob *blob = attr.getRawHandle().getBlob();
  return blob ? blob->getData().size() : 0;
}

TEST_CASE("resources: blobs nothing refers to are emptied, the rest kept", "[resources]") {
  MLIRContext ctx;
  ctx.loadDialect<arith::ArithDialect>();
  // A blob from before the compilation (another module's) is never touched.
  DenseResourceElementsAttr other = blobAttr(ctx, "other", {9, 9});
  const llvm::StringSet<> before = kiln::blobNames(ctx);
  REQUIRE(before.contains(other.getRawHandle().getKey()));

  OpBuilder b(&ctx);
  OwningOpRef<ModuleOp> module = ModuleOp::create(b.getUnknownLoc());
  b.setInsertionPointToEnd(module->getBody());
  DenseResourceElementsAttr used = blobAttr(ctx, "used", {1, 2, 3});
  DenseResourceElementsAttr folded = blobAttr(ctx, "folded", {4, 5, 6, 7});
  arith::ConstantOp::create(b, b.getUnknownLoc(), used);
  // `folded` was replaced by a pass: no attribute names it any more.
  CHECK(kiln::releaseUnreferencedBlobs(ctx, module->getOperation(), before) == 4 * sizeof(float));
  CHECK(blobBytes(folded) == 0);
  CHECK(blobBytes(used) == 3 * sizeof(float));
  CHECK(blobBytes(other) == 2 * sizeof(float));
  // The emptied name stays registered: a new blob with that hint gets another name.
  DenseResourceElementsAttr again = blobAttr(ctx, "folded", {8});
  CHECK(again.getRawHandle().getKey() != folded.getRawHandle().getKey());
  CHECK(blobBytes(again) == sizeof(float));

  // After translation to LLVM IR: every blob of the compilation, none from before.
  CHECK(kiln::releaseUnreferencedBlobs(ctx, nullptr, before) == 4 * sizeof(float));
  CHECK(blobBytes(used) == 0);
  CHECK(blobBytes(again) == 0);
  CHECK(blobBytes(other) == 2 * sizeof(float));
  CHECK(kiln::releaseUnreferencedBlobs(ctx, nullptr, before) == 0);
}
