//===- PteImporter.h - ExecuTorch programs to kiln IR -----------*- C++ -*-===//
//
// One method of a .pte program (ImportOptions::method, "forward" by
// default) becomes the module's @forward: its tensor inputs the arguments,
// its constants (constant segment, legacy constant buffer, named data, the
// .ptd beside it) resource-backed constants, and each kernel call, an
// out-variant (`aten::add.out`), is handed to the format-neutral importCall
// as the functional operator whose arguments it carries (`aten::add.Tensor`).
// Delegate calls, control flow (JumpFalseCall) and mutable state are
// refused, naming what they are.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_IMPORT_PTE_PTEIMPORTER_H
#define KILN_COMPILER_IMPORT_PTE_PTEIMPORTER_H

#include "compiler/import/Importer.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>

namespace kiln {

/// Builds the kiln module of a .pte file's bytes; null after emitting
/// diagnostics located at `path`.
mlir::OwningOpRef<mlir::ModuleOp> importPte(std::unique_ptr<llvm::MemoryBuffer> bytes,
                                            llvm::StringRef path, mlir::MLIRContext &ctx,
                                            const ImportOptions &options);

/// Writes the `kilnc inspect` report of the .pte file at `path`: methods,
/// inputs and outputs, operators and delegates and whether Kiln compiles
/// them, constants and segments. Returns false after writing an error to
/// `errs` when the file cannot be read.
bool inspectPte(llvm::StringRef path, llvm::StringRef dataPath, llvm::raw_ostream &os,
                llvm::raw_ostream &errs);

} // namespace kiln

#endif // KILN_COMPILER_IMPORT_PTE_PTEIMPORTER_H
