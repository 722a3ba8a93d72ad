//===- Importer.h - model files in, kiln IR out -----------------*- C++ -*-===//
//
// The one entry point for every model format. `importModel` picks the reader
// by the file's content (a zip: torch.export .pt2; "ET12" at offset 4: an
// ExecuTorch .pte program) or extension (.mlir: kiln IR as text) and returns a module with one public function `@forward` whose
// arguments and results carry their names (`kiln.name`). Errors are emitted
// as MLIR diagnostics whose locations name the file, node and operator.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_IMPORT_IMPORTER_H
#define KILN_COMPILER_IMPORT_IMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <utility>
#include <vector>

namespace kiln {

struct ImportOptions {
  /// `--shape NAME=D0xD1x...`: the shape of a user input; binds the symbols of
  /// its dynamic dimensions (checked against the program's ranges).
  std::vector<std::pair<std::string, std::vector<int64_t>>> inputShapes;
  /// `--method=NAME`: the method of a .pte program to compile.
  std::string method = "forward";
  /// `--data=FILE.ptd`: a .pte program's external tensor data ("": the .ptd
  /// beside it with the same stem, if there is one).
  std::string dataPath;
};

/// Imports a model file. Returns null after emitting diagnostics on failure.
mlir::OwningOpRef<mlir::ModuleOp> importModel(llvm::StringRef path, mlir::MLIRContext &context,
                                              const ImportOptions &options);

/// Writes what `kilnc inspect` prints about a model file. Returns false after
/// printing an error to `errs` when the file cannot be read.
bool inspectModel(llvm::StringRef path, llvm::raw_ostream &os, llvm::raw_ostream &errs,
                  const ImportOptions &options = {});

/// The location of a node in a model file:
///   `<file>: node '<name>' (<operator>)`.
mlir::Location nodeLocation(mlir::MLIRContext &context, llvm::StringRef file,
                            llvm::StringRef node, llvm::StringRef op);

} // namespace kiln

#endif // KILN_COMPILER_IMPORT_IMPORTER_H
