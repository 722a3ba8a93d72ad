//===- Pt2Importer.h - torch.export programs to kiln IR ---------*- C++ -*-===//
#ifndef KILN_COMPILER_IMPORT_PT2_PT2IMPORTER_H
#define KILN_COMPILER_IMPORT_PT2_PT2IMPORTER_H

#include "compiler/import/Importer.h"
#include "compiler/import/pt2/Pt2Archive.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>

namespace kiln {

/// A node target "torch.ops.<ns>.<name>.<overload>", split.
struct OpTarget {
  std::string ns, name, overload;
};
std::optional<OpTarget> parseNodeTarget(llvm::StringRef target);

/// Builds the kiln module of an archive; null after emitting diagnostics.
mlir::OwningOpRef<mlir::ModuleOp> importExportedProgram(const Pt2Archive &archive,
                                                        mlir::MLIRContext &ctx,
                                                        const ImportOptions &options);

/// The `kilnc inspect` report of an archive.
void printInspection(const Pt2Archive &archive, llvm::raw_ostream &os);

} // namespace kiln

#endif // KILN_COMPILER_IMPORT_PT2_PT2IMPORTER_H
