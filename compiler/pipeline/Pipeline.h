//===- Pipeline.h - Kiln's compilation stages -------------------*- C++ -*-===//
//
// The pass pipeline from kiln IR to the LLVM dialect, as named stages (the
// arrows of DESIGN.md §1). Each stage is built by one function from a
// PipelineOptions struct and registered as a pass pipeline (`kiln-stage-<x>`)
// so kiln-opt can run it alone; `kilnc --stop-after=<stage>` stops after it.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_PIPELINE_PIPELINE_H
#define KILN_COMPILER_PIPELINE_PIPELINE_H

#include "passes/memory/ArenaPlanner.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace kiln {

/// Stages in pipeline order.
enum class Stage { Import, Graph, Lower, Bufferize, Memory, LLVM };

llvm::StringRef stageName(Stage stage);
std::optional<Stage> parseStage(llvm::StringRef name);
/// "import|graph|lower|bufferize|memory|llvm", for help texts.
std::string stageNames();

/// What the stages need to know about the user's choices and the target.
struct PipelineOptions {
  // The user's choices (kilnc's flags).

  /// Alignment of the arena and of every buffer in it, in bytes (a power of
  /// two); unset: the target's (compile() sets it), or kiln-plan-arena's
  /// default.
  std::optional<int64_t> arenaAlign;
  /// Fuse activations into convolutions and linear layers, and chains of
  /// elementwise ops into one loop nest (fewer temporaries, less traffic).
  bool fuse = true;
  /// Let an op write its result over an operand that dies there (in
  /// bufferization and in the memory planner).
  bool inPlace = true;
  /// Memory banks, fastest first (parsed once, parseBankSpecs); empty: one
  /// unbounded arena.
  std::vector<MemoryBank> memoryBanks;
  /// Place inputs and outputs in the arena.
  bool ioInArena = false;
  /// A quantized program's inputs and outputs as the int8 tensors they are
  /// quantized to and dequantized from (kiln-int8-io; kilnc --io=int8).
  bool ioInt8 = false;

  // What the target decides.

  /// Bits of the `index` type: 64 on 64-bit targets, 32 on the others.
  unsigned indexBitwidth = 64;
  /// Expand floor/ceil/trunc into integer conversions (the target has no
  /// rounding instructions and generated code calls no libm).
  bool expandRounding = true;
  /// kiln-flatten-elementwise after fusion (targets whose loops LLVM vectorizes).
  bool flattenElementwise = true;
  /// The register tile of the target's micro-kernels (targets/Kernels.h);
  /// mr = 0: no micro-kernels, conv2d and linear become linalg loops.
  int64_t microKernelMR = 0;
  int64_t microKernelNR = 0;
  int64_t microKernelKC = 256;
  /// The int8 kernels' tile and activation offset (0 rows: no int8 kernels).
  int64_t microKernelQMR = 0;
  int64_t microKernelQNR = 0;
  int64_t microKernelQOff = 0;
  bool microKernelQFours = false;
};

/// Appends the passes of one stage (the one that produces `stage`'s output
/// from the previous stage's) to `pm`. Import has no passes.
mlir::LogicalResult buildStagePipeline(mlir::OpPassManager &pm, Stage stage,
                                       const PipelineOptions &options);

/// Appends every stage after `from` up to and including `to`.
mlir::LogicalResult buildPipeline(mlir::OpPassManager &pm, Stage from, Stage to,
                                  const PipelineOptions &options);

/// Registers `kiln-stage-graph`, ..., `kiln-stage-llvm` and `kiln-pipeline`
/// (all stages) as pass pipelines with the options of PipelineOptions.
void registerKilnPipelines();

} // namespace kiln

#endif // KILN_COMPILER_PIPELINE_PIPELINE_H
