//===- Importer.cpp - model files in, kiln IR out -------------------------===//
//
// Picks each file's reader by its content or name, for importing and for
// `kilnc inspect`. The readers walk their file's graph and hand each
// operator call to the format-neutral importCall (CallImport.h).
//
//===----------------------------------------------------------------------===//
#include "compiler/import/Importer.h"
#include "compiler/import/pt2/Pt2Importer.h"
#include "compiler/import/pte/PteFile.h"
#include "compiler/import/pte/PteImporter.h"
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
enum class Format { Pt2, Pte, Mlir, Unknown };

Format sniff(llvm::StringRef path, llvm::StringRef bytes) {
  if (bytes.starts_with("PK\x03\x04") || bytes.starts_with("PK\x05\x06"))
    return Format::Pt2;
  if (PteFile::looksLikePte(bytes) || path.ends_with(".pte"))
    return Format::Pte; // a .pte the reader does not take: it says why
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
  case Format::Pt2:
    return importPt2((*buffer)->getBuffer(), path, ctx, options);
  case Format::Pte:
    return importPte(std::move(*buffer), path, ctx, options);
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
    emitError(fileLoc) << "unknown model format: expected a torch.export archive (.pt2), "
                          "an ExecuTorch program (.pte) or kiln IR (.mlir)";
    return nullptr;
  }
  return nullptr;
}

bool inspectModel(llvm::StringRef path, llvm::raw_ostream &os, llvm::raw_ostream &errs,
                  const ImportOptions &options) {
  // The format is picked as importModel picks it. The .pt2 reader also gets
  // every other file, and its error says what the file is not.
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  switch (buffer ? sniff(path, (*buffer)->getBuffer()) : Format::Unknown) {
  case Format::Pte:
    return inspectPte(path, options.dataPath, os, errs);
  case Format::Pt2:
  case Format::Mlir:
  case Format::Unknown:
    return inspectPt2(path, os, errs);
  }
  return false;
}

} // namespace kiln
