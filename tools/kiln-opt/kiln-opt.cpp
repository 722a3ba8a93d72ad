//===- kiln-opt.cpp - run Kiln's passes on MLIR files ---------------------===//
//
// mlir-opt with the kiln dialect, Kiln's passes and its stage pipelines; the
// lit tests drive every pass through it.
//
//===----------------------------------------------------------------------===//
#include "compiler/pipeline/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  kiln::registerAllDialects(registry);
  kiln::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Kiln optimizer driver\n", registry));
}
