//===- Registration.cpp - everything a Kiln tool registers ----------------===//
#include "compiler/pipeline/Registration.h"
#include "compiler/pipeline/Pipeline.h"
#include "dialects/kiln/KilnBufferization.h"
#include "dialects/kiln/KilnDialect.h"
#include "passes/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

namespace kiln {

void registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<KilnDialect>();
  registerKilnBufferizationInterfaces(registry);
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
}

void registerAllPasses() {
  mlir::registerAllPasses();
  registerKilnPasses();
  registerKilnPipelines();
}

} // namespace kiln
