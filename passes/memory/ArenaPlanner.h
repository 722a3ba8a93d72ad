//===- ArenaPlanner.h - static placement of buffers in memory banks -*- C++ -*-===//
//
// The algorithm behind kiln-plan-arena, free of MLIR so that it can be tested
// on its own (test/unit/ArenaPlannerTest.cpp) and reused by other front ends.
//
// Input: buffers, each with a size, an alignment and a live interval
// [first, last] of op indices (inclusive), and memory banks ordered fastest
// first, each with a capacity and an alignment. Output: for every buffer a
// bank and a byte offset such that two buffers whose intervals intersect never
// overlap in the same bank, every buffer lies inside its bank's capacity, and
// every offset is a multiple of max(buffer alignment, bank alignment).
//
// Several placement algorithms run; the plan with the smallest total is kept.
// The lower bound (the most bytes live at once over the schedule) is what no
// plan can beat.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_PASSES_MEMORY_ARENAPLANNER_H
#define KILN_PASSES_MEMORY_ARENAPLANNER_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiln {

struct BufferRequest {
  /// For reports and diagnostics only.
  std::string name;
  /// Bytes; > 0.
  int64_t size = 0;
  /// Required alignment of the offset (a power of two, >= 1).
  int64_t align = 1;
  /// Live from op `first` to op `last`, inclusive (first <= last).
  int64_t first = 0;
  int64_t last = 0;
};

struct MemoryBank {
  std::string name;
  /// Capacity in bytes; std::nullopt is unbounded (the default single arena).
  std::optional<int64_t> capacity;
  /// Alignment of the bank's base address and of every offset in it (a power
  /// of two, >= 1).
  int64_t align = 16;
};

struct Placement {
  /// Index into the banks.
  int bank = 0;
  int64_t offset = 0;
};

struct ArenaPlan {
  /// One per buffer, in request order.
  std::vector<Placement> placements;
  /// Bytes used in each bank: the end of the highest buffer, rounded up to
  /// the bank's alignment (0 for an unused bank).
  std::vector<int64_t> bankSizes;
  /// The algorithm whose plan this is ("greedy-by-size", ...).
  std::string algorithm;

  int64_t totalSize() const;
};

/// The most bytes live at once: max over op indices t of the sum of the
/// sizes of the buffers with first <= t <= last. No plan in one bank can be
/// smaller (alignment padding aside).
int64_t lowerBound(const std::vector<BufferRequest> &buffers);

/// The lower bound for plans whose offsets are all multiples of `align` and
/// whose bank sizes are rounded up to it: as lowerBound(), with each size
/// rounded up to `align`. (Below the top buffer at any op, every live buffer
/// reaches at least to the next multiple of `align`; the bank is then rounded
/// up.) With `align` the smallest alignment in use this is what no plan can
/// beat; it exceeds lowerBound() by at most align - 1 bytes per live buffer.
int64_t alignedLowerBound(const std::vector<BufferRequest> &buffers, int64_t align);

/// Sum of all buffer sizes: the arena without any reuse.
int64_t totalBytes(const std::vector<BufferRequest> &buffers);

/// The names of the placement algorithms `planArena` tries.
std::vector<std::string> placementAlgorithms();

/// Plans with one algorithm (a name from placementAlgorithms()) into a single
/// unbounded bank with alignment `align`.
ArenaPlan planWith(const std::string &algorithm, const std::vector<BufferRequest> &buffers,
                   int64_t align);

struct PlanResult {
  /// Set when every buffer found room.
  std::optional<ArenaPlan> plan;
  /// When the banks are too small: the bytes missing (the smallest shortfall
  /// over the algorithms tried), and a sentence saying where.
  int64_t shortfall = 0;
  std::string error;
};

/// Runs every algorithm over the banks and keeps the plan with the smallest
/// total size. With several banks, buffers go to the fastest bank they fit
/// in. Fails (with the shortfall) only when the banks cannot hold the model.
PlanResult planArena(const std::vector<BufferRequest> &buffers,
                     const std::vector<MemoryBank> &banks);

/// The independent checker: an empty string when `plan` is valid for
/// `buffers` and `banks` (every buffer placed, inside its bank's capacity,
/// aligned, and no two buffers with intersecting lifetimes overlapping in
/// the same bank), otherwise a description of the first violation.
std::string checkPlan(const std::vector<BufferRequest> &buffers,
                      const std::vector<MemoryBank> &banks, const ArenaPlan &plan);

} // namespace kiln

#endif // KILN_PASSES_MEMORY_ARENAPLANNER_H
