//===- Resources.cpp - freeing weights the module no longer uses ----------===//

#include "compiler/pipeline/Resources.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

namespace kiln {

static DialectResourceBlobManager &blobManager(MLIRContext &context) {
  return DenseResourceElementsHandle::getManagerInterface(&context).getBlobManager();
}

llvm::StringSet<> blobNames(MLIRContext &context) {
  llvm::StringSet<> names;
  blobManager(context).getBlobMap(
      [&](const llvm::StringMap<DialectResourceBlobManager::BlobEntry> &map) {
        for (const auto &entry : map)
          names.insert(entry.getKey());
      });
  return names;
}

uint64_t releaseUnreferencedBlobs(MLIRContext &context, Operation *keep,
                                  const llvm::StringSet<> &preserve) {
  llvm::StringSet<> used;
  if (keep) {
    keep->walk([&](Operation *op) {
      for (NamedAttribute attr : op->getAttrs())
        attr.getValue().walk([&](DenseResourceElementsAttr resource) {
          used.insert(resource.getRawHandle().getKey());
        });
    });
  }
  DialectResourceBlobManager &manager = blobManager(context);
  llvm::SmallVector<std::string> unused;
  uint64_t bytes = 0;
  manager.getBlobMap([&](const llvm::StringMap<DialectResourceBlobManager::BlobEntry> &map) {
    for (const auto &entry : map) {
      const AsmResourceBlob *blob = entry.getValue().getBlob();
      if (!blob || blob->getData().empty() || used.contains(entry.getKey()) ||
          preserve.contains(entry.getKey()))
        continue;
      unused.push_back(entry.getKey().str());
      bytes += blob->getData().size();
    }
  });
  // Replacing the blob runs its deleter (the heap copy the importer or a
  // folding pattern made).
  for (const std::string &key : unused)
    manager.update(key, AsmResourceBlob());
  return bytes;
}

} // namespace kiln
