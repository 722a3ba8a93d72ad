//===- Importer.cpp - model files in, kiln IR out -------------------------===//
#include "compiler/import/Importer.h"
#include "compiler/import/pt2/Pt2Importer.h"
#include "dialects/kiln/KilnDialect.h"
#include "dialects/kiln/NodeLocation.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

namespace kiln {

Location nodeLocation(MLIRContext &ctx, llvm::StringRef file, llvm::StringRef node,
                      llvm::StringRef op) {
  return makeNodeLocation(FileLineColLoc::get(&ctx, file, 0, 0), {node.str(), op.str()});
}

namespace {
enum class Format { Pt2, Mlir, Unknown };

Format sniff(llvm::StringRef path, llvm::StringRef bytes) {
  if (bytes.starts_with("PK\x03\x04") || bytes.starts_with("PK\x05\x06"))
    return Format::Pt2;
  if (path.ends_with(".mlir"))
    return Format::Mlir;
  if (path.ends_with(".pt2"))
    return Format::Pt2; // let the zip reader say what is wrong
  return Format::Unknown;
}
} // namespace

OwningOpRef<ModuleOp> importModel(llvm::StringRef path, MLIRContext &ctx,
                                  const ImportOptions &options) {
  Location fileLoc = FileLineColLoc::get(&ctx, path, 0, 0);
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false,
                                                   /*RequiresNullTerminator=*/false);
  if (!buffer) {
    emitError(fileLoc) << "cannot read the file: " << buffer.getError().message();
    return nullptr;
  }
  switch (sniff(path, (*buffer)->getBuffer())) {
  case Format::Pt2: {
    auto archive = Pt2Archive::openFromMemory((*buffer)->getBuffer(), path);
    if (!archive) {
      // The message already starts with the file name.
      std::string message = llvm::toString(archive.takeError());
      llvm::StringRef text = message;
      text.consume_front(path);
      text.consume_front(": ");
      emitError(fileLoc) << text;
      return nullptr;
    }
    return importExportedProgram(**archive, ctx, options);
  }
  case Format::Mlir: {
    ctx.loadDialect<KilnDialect>();
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
    OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &ctx);
    if (!module)
      return nullptr;
    if (!module->lookupSymbol(kEntryFunctionName)) {
      emitError(fileLoc) << "the module has no function '@" << kEntryFunctionName << "'";
      return nullptr;
    }
    return module;
  }
  case Format::Unknown:
    emitError(fileLoc) << "unknown model format: expected a torch.export archive (.pt2) "
                          "or kiln IR (.mlir)";
    return nullptr;
  }
  return nullptr;
}

bool inspectModel(llvm::StringRef path, llvm::raw_ostream &os, llvm::raw_ostream &errs) {
  auto archive = Pt2Archive::open(path);
  if (!archive) {
    errs << "error: " << llvm::toString(archive.takeError()) << "\n";
    return false;
  }
  printInspection(**archive, os);
  return true;
}

} // namespace kiln
