//===- Diagnostics.h - diagnostics as users read them -----------*- C++ -*-===//
//
// Prints MLIR diagnostics as one line each, located by file, node and
// operator: `model.pt2: node 'conv2d_3' (aten.convolution.default): error:
// ...`, followed by their notes.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_PIPELINE_DIAGNOSTICS_H
#define KILN_COMPILER_PIPELINE_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace kiln {

/// "<file>[:line:col][: <name>]" for the locations Kiln creates.
std::string describeLocation(mlir::Location loc);

/// While alive, prints every diagnostic of `context` to `os` and counts errors.
class DiagnosticPrinter {
public:
  DiagnosticPrinter(mlir::MLIRContext &context, llvm::raw_ostream &os);
  unsigned errorCount() const { return errors; }

private:
  mlir::ScopedDiagnosticHandler handler;
  unsigned errors = 0;
};

} // namespace kiln

#endif // KILN_COMPILER_PIPELINE_DIAGNOSTICS_H
