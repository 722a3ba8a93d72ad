//===- ModelInterface.h - a compiled model as its caller sees it -*- C++ -*-===//
//
// Names, dtypes and shapes of a model's inputs and outputs and its memory
// plan: everything the C header and the kiln_model_t descriptor say. Read
// from the entry function of a module (tensor-level signature, then the plan
// the memory planner records, passes/memory/MemoryPlan.h).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_EMIT_MODELINTERFACE_H
#define KILN_COMPILER_EMIT_MODELINTERFACE_H

#include "dialects/kiln/KilnDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "passes/memory/MemoryPlan.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiln {

/// The affine quantization of an int8 input or output (kilnc --io=int8):
/// real = (q - zeroPoint) * scale, q in [quantMin, quantMax].
struct TensorQuantization {
  double scale = 1.0;
  int64_t zeroPoint = 0, quantMin = 0, quantMax = 0;
};

struct TensorInterface {
  std::string name;
  uint32_t dtype = 0; // KILN_DTYPE_*
  std::vector<int64_t> shape;
  uint64_t sizeBytes = 0;
  std::optional<TensorQuantization> quantization;
};

struct ModelInterface {
  /// The C identifier prefix: `<name>_run`, `<name>_model`, `<NAME>_ARENA_SIZE`.
  std::string name;
  std::vector<TensorInterface> inputs;
  std::vector<TensorInterface> outputs;
  /// The memory plan: the banks, the arena's size and alignment, and where
  /// inputs and outputs live with --io-in-arena. Empty before the memory
  /// stage.
  MemoryPlan plan;
};

/// The KILN_DTYPE_* of an MLIR element type, or 0 if the ABI has none.
uint32_t dtypeOf(mlir::Type elementType);
/// "float32", "int64", ... for a KILN_DTYPE_*.
llvm::StringRef dtypeName(uint32_t dtype);

/// Reads inputs and outputs from the tensor signature of the module's entry
/// function. Emits an error on the function and fails if there is none or a
/// type crosses the ABI that it cannot describe.
mlir::FailureOr<ModelInterface> readModelInterface(mlir::ModuleOp module, llvm::StringRef name);

/// Reads the plan the memory planner recorded on the entry function into
/// `model.plan`; fails if there is none or it places an input or output the
/// interface does not have.
mlir::LogicalResult readArenaPlan(mlir::ModuleOp module, ModelInterface &model);

/// Whether `name` is a valid C identifier.
bool isCIdentifier(llvm::StringRef name);
/// A C identifier made from a file stem: other characters become '_'.
std::string toCIdentifier(llvm::StringRef stem);

} // namespace kiln

#endif // KILN_COMPILER_EMIT_MODELINTERFACE_H
