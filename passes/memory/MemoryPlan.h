//===- MemoryPlan.h - a model's static memory plan --------------*- C++ -*-===//
//
// The one model of a memory plan, free of MLIR. kiln-plan-arena makes it
// (passes/memory/PlanArena.cpp) from ArenaPlanner's placement and records it
// on the function it planned (MemoryPlanAttr.h); the C header and the entry
// points (compiler/emit/ModelInterface.h) and the compile report
// (compiler/emit/Report.h) read that same struct. Every figure they print
// (the arena's size and alignment, each bank's offset in the single-arena
// layout, where an input lives) is computed here from it.
//
// Also the `--mem-bank` syntax, parsed once into MemoryBank structs.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_PASSES_MEMORY_MEMORYPLAN_H
#define KILN_PASSES_MEMORY_MEMORYPLAN_H

#include "passes/memory/ArenaPlanner.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

/// A bank as planned: its specification and the bytes the plan uses in it.
struct PlannedBank : MemoryBank {
  int64_t size = 0;
};

/// A buffer as planned: where it is (its bank and offset), and what it is.
struct PlannedBuffer : Placement {
  enum Kind { Temporary, Input, Output };
  /// The exported graph's node that makes it (an input's or output's name).
  std::string name;
  int64_t size = 0;
  /// Live from ops[first] to ops[last] inclusive.
  int64_t first = 0, last = 0;
  /// Inputs and outputs are in the arena with --io-in-arena.
  Kind io = Temporary;
  /// The input's or output's index.
  int64_t ioIndex = -1;
};

/// A step of the schedule the live ranges count in.
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
  /// The sum of all temporaries' sizes (an arena without reuse).
  int64_t totalTemporaries = 0;
  /// The placement algorithm whose plan was kept.
  std::string algorithm;
  /// Fastest first; one unbounded bank named "arena" unless the user named
  /// banks.
  std::vector<PlannedBank> banks;
  std::vector<PlannedBuffer> buffers;
  std::vector<PlannedOp> ops;

  /// In the single-arena layout (`<name>_run`'s one buffer) the banks follow
  /// each other, each at an offset aligned to its alignment: bank `k`'s
  /// offset there, and the whole arena's size and alignment.
  int64_t bankOffset(size_t k) const;
  int64_t arenaSize() const;
  int64_t arenaAlign() const;
  /// The user named the banks (--mem-bank): `<name>_run_banked` exists.
  bool banked() const;
  /// Inputs and outputs live in the arena (--io-in-arena).
  bool ioInArena() const;
  /// The buffer of input or output `index` when it lives in the arena, or
  /// null.
  const PlannedBuffer *ioBuffer(PlannedBuffer::Kind io, int64_t index) const;
  /// The buffer's bank's name, or "" when it names no bank of the plan.
  std::string bankName(const PlannedBuffer &buffer) const;
};

/// Memory banks from `NAME:SIZE[:ALIGN]` specs (SIZE and ALIGN in bytes, with
/// an optional K, M or G suffix for KiB, MiB, GiB), fastest first. A bank
/// without ALIGN has alignment 1: the planner aligns every bank to at least
/// the arena alignment.
llvm::Expected<std::vector<MemoryBank>> parseBankSpecs(llvm::ArrayRef<std::string> specs);

} // namespace kiln

#endif // KILN_PASSES_MEMORY_MEMORYPLAN_H
