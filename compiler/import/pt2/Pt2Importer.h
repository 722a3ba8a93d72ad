//===- Pt2Importer.h - torch.export programs to kiln IR ---------*- C++ -*-===//
#ifndef KILN_COMPILER_IMPORT_PT2_PT2IMPORTER_H
#define KILN_COMPILER_IMPORT_PT2_PT2IMPORTER_H

#include "compiler/import/CallImport.h"
#include "compiler/import/Importer.h"
#include "compiler/import/pt2/Pt2Archive.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>

namespace kiln {

/// A node target "torch.ops.<ns>.<name>.<overload>", split.
std::optional<OpTarget> parseNodeTarget(llvm::StringRef target);

/// Builds the kiln module of an archive; null after emitting diagnostics.
mlir::OwningOpRef<mlir::ModuleOp> importExportedProgram(const Pt2Archive &archive,
                                                        mlir::MLIRContext &ctx,
                                                        const ImportOptions &options);
/// Builds the kiln module of a .pt2 file's bytes; null after emitting
/// diagnostics located at `path`.
mlir::OwningOpRef<mlir::ModuleOp> importPt2(llvm::StringRef bytes, llvm::StringRef path,
                                            mlir::MLIRContext &ctx, const ImportOptions &options);

/// The `kilnc inspect` report of an archive.
void printInspection(const Pt2Archive &archive, llvm::raw_ostream &os);
/// Writes the `kilnc inspect` report of the .pt2 file at `path`; returns
/// false after writing an error to `errs` when it cannot be read.
bool inspectPt2(llvm::StringRef path, llvm::raw_ostream &os, llvm::raw_ostream &errs);

} // namespace kiln

#endif // KILN_COMPILER_IMPORT_PT2_PT2IMPORTER_H
