//===- ModelInterface.h - a compiled model as its caller sees it -*- C++ -*-===//
//
// Names, dtypes and shapes of a model's inputs and outputs and the size of its
// arena: everything the C header and the kiln_model_t descriptor say. Read
// from the entry function of a module (tensor-level signature, then the
// arena attributes the memory planner sets).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_EMIT_MODELINTERFACE_H
#define KILN_COMPILER_EMIT_MODELINTERFACE_H

#include "dialects/kiln/KilnDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

struct TensorInterface {
  std::string name;
  uint32_t dtype = 0; // KILN_DTYPE_*
  std::vector<int64_t> shape;
  uint64_t sizeBytes = 0;
  /// With --io-in-arena: where the tensor lives in the arena (its bank, the
  /// offset in that bank, and the offset in the single-arena layout).
  bool inArena = false;
  int bank = 0;
  uint64_t bankOffset = 0;
  uint64_t arenaOffset = 0;
};

/// A memory bank of the plan. In the single-arena layout (`<name>_run`'s
/// one buffer) the banks follow each other, each at an offset aligned to its
/// alignment.
struct BankInterface {
  std::string name;
  uint64_t size = 0;
  uint64_t align = 16;
  uint64_t arenaOffset = 0;
};

struct ModelInterface {
  /// The C identifier prefix: `<name>_run`, `<name>_model`, `<NAME>_ARENA_SIZE`.
  std::string name;
  std::vector<TensorInterface> inputs;
  std::vector<TensorInterface> outputs;
  uint64_t arenaSize = 0;
  uint64_t arenaAlign = 16;
  /// The memory banks, fastest first; one (the arena) by default.
  std::vector<BankInterface> banks;
  /// The user named the banks (--mem-bank): `<name>_run_banked` exists.
  bool banked = false;
  /// Inputs and outputs live in the arena (--io-in-arena).
  bool ioInArena = false;
};

/// The KILN_DTYPE_* of an MLIR element type, or 0 if the ABI has none.
uint32_t dtypeOf(mlir::Type elementType);
/// "float32", "int64", ... for a KILN_DTYPE_*.
llvm::StringRef dtypeName(uint32_t dtype);

/// Reads inputs and outputs from the tensor signature of the module's entry
/// function. Emits an error on the function and fails if there is none or a
/// type crosses the ABI that it cannot describe.
mlir::FailureOr<ModelInterface> readModelInterface(mlir::ModuleOp module, llvm::StringRef name);

/// Reads `kiln.arena_size` / `kiln.arena_align` and the banks and arena
/// placement of inputs and outputs from the plan the memory planner recorded.
mlir::LogicalResult readArenaPlan(mlir::ModuleOp module, ModelInterface &model);

/// Whether `name` is a valid C identifier.
bool isCIdentifier(llvm::StringRef name);
/// A C identifier made from a file stem: other characters become '_'.
std::string toCIdentifier(llvm::StringRef stem);

} // namespace kiln

#endif // KILN_COMPILER_EMIT_MODELINTERFACE_H
