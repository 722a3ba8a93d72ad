//===- KilnDialect.h - the kiln dialect -------------------------*- C++ -*-===//
#ifndef KILN_DIALECTS_KILN_KILNDIALECT_H
#define KILN_DIALECTS_KILN_KILNDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Dialect.h"

#include "dialects/kiln/KilnOpsDialect.h.inc"

namespace kiln {

// Attribute and symbol names the stages agree on.

/// The public function an importer creates for the model.
constexpr llvm::StringLiteral kEntryFunctionName = "forward";
/// Names a model input (argument attribute) or output (result attribute).
constexpr llvm::StringLiteral kNameAttr = "kiln.name";
/// The scale, zero point and range of an int8 input or output (kilnc
/// --io=int8: kiln-int8-io sets them, the C header states them).
constexpr llvm::StringLiteral kScaleAttr = "kiln.scale";
constexpr llvm::StringLiteral kZeroPointAttr = "kiln.zero_point";
constexpr llvm::StringLiteral kQuantMinAttr = "kiln.quant_min";
constexpr llvm::StringLiteral kQuantMaxAttr = "kiln.quant_max";
/// Marks the arena argument the memory planner adds.
constexpr llvm::StringLiteral kArenaAttr = "kiln.arena";
/// Bytes of arena the entry function needs, and their alignment, for readers
/// of the IR (the compiler reads the plan itself: passes/memory/MemoryPlan.h).
constexpr llvm::StringLiteral kArenaSizeAttr = "kiln.arena_size";
constexpr llvm::StringLiteral kArenaAlignAttr = "kiln.arena_align";

/// Activations conv2d and linear can apply to their result (`activation`).
inline bool isFusableActivation(llvm::StringRef name) {
  return name == "relu" || name == "relu6" || name == "hardswish" || name == "sigmoid";
}

} // namespace kiln

#endif // KILN_DIALECTS_KILN_KILNDIALECT_H
