//===- Passes.h - Kiln's transformation passes ------------------*- C++ -*-===//
#ifndef KILN_PASSES_PASSES_H
#define KILN_PASSES_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "passes/memory/ArenaPlanner.h"

namespace mlir {
class RewritePatternSet;
class TypeConverter;
} // namespace mlir

namespace kiln {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

/// kiln-plan-arena over memory banks given as structs (the compiler's
/// --mem-bank, parsed once) instead of its `banks` text option. Each bank is
/// aligned to at least `options.alignment`; no banks: one unbounded arena.
std::unique_ptr<mlir::Pass> createPlanArenaPass(const PlanArenaPassOptions &options,
                                                std::vector<MemoryBank> banks);

/// Graph rewrites, one function per pass; each pass is a thin shell over it.
void populateRemoveNoOpsPatterns(mlir::RewritePatternSet &patterns);
void populateFormLinearPatterns(mlir::RewritePatternSet &patterns);
void populateFoldBatchNormPatterns(mlir::RewritePatternSet &patterns);
void populateFoldConstantsPatterns(mlir::RewritePatternSet &patterns, int64_t maxGrowthBytes);
void populateFuseActivationsPatterns(mlir::RewritePatternSet &patterns);

/// Patterns lowering kiln ops to linalg on tensors, one function per op family.
void populateKilnLinearToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateKilnConvToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateKilnNormalizationToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateKilnPoolingToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateKilnReductionToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateKilnElementwiseToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateKilnDataMovementToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateKilnQuantizeToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// All of the above.
void populateKilnToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Rewrites memref.copy ops with a non-contiguous side into linalg.copy.
void populateLowerStridedCopiesPatterns(mlir::RewritePatternSet &patterns);

} // namespace kiln

#endif // KILN_PASSES_PASSES_H
