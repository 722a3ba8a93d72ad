//===- Registration.h - everything a Kiln tool registers --------*- C++ -*-===//
//
// kilnc and kiln-opt register the same dialects, interfaces and passes through
// these functions, so a pipeline that runs in one runs in the other.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_PIPELINE_REGISTRATION_H
#define KILN_COMPILER_PIPELINE_REGISTRATION_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace kiln {

/// The kiln dialect, the upstream dialects of the pipeline, their external
/// interface models (bufferization, LLVM translation) and extensions.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Kiln's passes, its named stage pipelines and the upstream passes it uses.
void registerAllPasses();

} // namespace kiln

#endif // KILN_COMPILER_PIPELINE_REGISTRATION_H
