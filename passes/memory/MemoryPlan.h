//===- MemoryPlan.h - the memory plan recorded on a function ----*- C++ -*-===//
//
// kiln-plan-arena records the plan it made on the function it planned (the
// `kiln.memory_plan` attribute); the header and entry points (banks, inputs
// and outputs in the arena) and the compile report read it back. Also: the
// `--mem-bank` syntax, and the node names the importer puts in locations.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_PASSES_MEMORY_MEMORYPLAN_H
#define KILN_PASSES_MEMORY_MEMORYPLAN_H

#include "passes/memory/ArenaPlanner.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace kiln {

constexpr llvm::StringLiteral kMemoryPlanAttr = "kiln.memory_plan";

struct PlannedBank {
  std::string name;
  int64_t size = 0;
  /// -1: unbounded.
  int64_t capacity = -1;
  int64_t align = 16;
};

struct PlannedBuffer {
  enum Kind { Temporary, Input, Output };
  std::string name;
  int bank = 0;
  int64_t offset = 0;
  int64_t size = 0;
  /// Live from ops[first] to ops[last] inclusive.
  int64_t first = 0, last = 0;
  /// Inputs and outputs are in the arena with --io-in-arena.
  Kind io = Temporary;
  /// The input's or output's index.
  int64_t ioIndex = -1;
};

struct PlannedOp {
  /// The exported graph's node, "" when the compiler made the op.
  std::string name;
  /// The operator of that node, or the MLIR op's name.
  std::string op;
};

struct MemoryPlan {
  /// The lower bound with every buffer counted at its aligned footprint
  /// (alignedLowerBound), and the plain most-bytes-live-at-once.
  int64_t lowerBound = 0;
  int64_t unalignedLowerBound = 0;
  int64_t totalTemporaries = 0;
  std::string algorithm;
  std::vector<PlannedBank> banks;
  std::vector<PlannedBuffer> buffers;
  std::vector<PlannedOp> ops;
};

void writeMemoryPlan(mlir::func::FuncOp func, const MemoryPlan &plan);
/// The plan recorded on `func`, or std::nullopt if there is none.
std::optional<MemoryPlan> readMemoryPlan(mlir::func::FuncOp func);

/// Memory banks from `NAME:SIZE[:ALIGN]` specs (SIZE and ALIGN in bytes, with
/// an optional K, M or G suffix for KiB, MiB, GiB), fastest first. No specs
/// give the default: one unbounded bank named "arena" aligned to
/// `defaultAlign`. A bank's alignment is at least `defaultAlign`.
llvm::Expected<std::vector<MemoryBank>> parseBankSpecs(llvm::ArrayRef<std::string> specs,
                                                       int64_t defaultAlign);

/// The exported graph's node an op was imported from (the importer's node
/// locations, dialects/kiln/NodeLocation.h), or "".
std::string nodeName(mlir::Location loc);
/// That node's operator, or the op's MLIR name when it has none.
std::string nodeOperator(mlir::Operation *op);

} // namespace kiln

#endif // KILN_PASSES_MEMORY_MEMORYPLAN_H
