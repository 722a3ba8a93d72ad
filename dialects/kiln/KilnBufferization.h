//===- KilnBufferization.h - bufferizing kiln ops ---------------*- C++ -*-===//
#ifndef KILN_DIALECTS_KILN_KILNBUFFERIZATION_H
#define KILN_DIALECTS_KILN_KILNBUFFERIZATION_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace kiln {

/// Attaches BufferizableOpInterface to the kiln ops that survive lowering
/// (kiln.micro_kernel), for one-shot bufferization.
void registerKilnBufferizationInterfaces(mlir::DialectRegistry &registry);

} // namespace kiln

#endif // KILN_DIALECTS_KILN_KILNBUFFERIZATION_H
