//===- Compiler.h - the compile(options) library API ------------*- C++ -*-===//
//
// What `kilnc MODEL.pt2 ...` does, as a library call: import, run the stage
// pipelines for the target, translate to LLVM IR, add the C entry points and
// the descriptor, optimize, and write the requested outputs. Every option is
// a field of CompileOptions; there is no global state. The options given as
// text (kilnc's command line) are parsed and checked here, once, each check
// with its one message: kilnc reports them as usage errors.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_PIPELINE_COMPILER_H
#define KILN_COMPILER_PIPELINE_COMPILER_H

#include "compiler/import/Importer.h"
#include "compiler/pipeline/Pipeline.h"
#include "targets/Target.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace kiln {

enum class EmitKind { Object, Shared, MLIR, LLVM, Assembly };

llvm::StringRef emitKindName(EmitKind kind);

struct CompileOptions {
  /// The model: a .pt2 file or kiln IR (.mlir).
  std::string inputPath;
  /// Where to write; "-" is stdout (text outputs only). Empty: derived from
  /// the input's name for objects and shared libraries, stdout otherwise.
  std::string outputPath;
  /// The C identifier of the model's symbols; empty: from the output name.
  std::string name;
  /// A target's name or an LLVM triple of one (selectTarget in Target.h).
  std::string target = "x86_64";
  /// Overrides of the target's default CPU and features; "native": the CPU
  /// of the machine running the compiler (the only non-hermetic choice).
  std::string cpu;
  std::string features;
  /// Overrides the target's default optimization level.
  std::optional<OptLevel> optLevel;
  /// What to write; unset: an object, or MLIR with `stopAfter`.
  std::optional<EmitKind> emit;
  /// Stop after this stage and print MLIR (only with no `emit` or MLIR).
  std::optional<Stage> stopAfter;
  /// The stages' options the user chooses: arena alignment (unset: the
  /// target's), memory banks, inputs and outputs in the arena, fusion and
  /// in-place reuse. compile() sets the ones the target decides (index
  /// width, rounding, the micro-kernel tile).
  PipelineOptions pipeline;
  /// Write the compile report here (.json or .html); empty: none.
  std::string reportPath;
  /// Compute conv2d and linear with the target's micro-kernels (off: linalg
  /// loops, to measure what the kernels gain).
  bool microKernels = true;
  /// Write the C header beside an object or shared library.
  bool writeHeader = true;
  /// Print locations in MLIR output.
  bool printDebugInfo = false;
  /// The linker for --emit=shared.
  std::string linker;
  /// What the importer needs: input shapes for dynamic dimensions.
  ImportOptions import;
  /// Write a Make-style depfile here (`kilnc -MD -MF`): `depfileTarget`
  /// (default: the output path) depends on every file the compile read and
  /// on `depfileExtraInputs` (kilnc adds itself). Empty: none.
  std::string depfilePath;
  std::string depfileTarget;
  std::vector<std::string> depfileExtraInputs;
};

/// The outputs written by a successful compile.
struct CompileResult {
  std::string outputPath;
  std::string headerPath;
  std::string depfilePath;
  uint64_t arenaSize = 0;
  /// Every file the compile read, in the order read: the model (and, once
  /// importers read more than one file, each of them; they add it here).
  std::vector<std::string> filesRead;
  /// Wall seconds of each step, in order (`kilnc --timing` prints them):
  /// import, the pipeline's stages, LLVM translation, LLVM optimization,
  /// code generation, writing (and linking) the outputs.
  std::vector<std::pair<std::string, double>> stepSeconds;
};

/// The options given as text, parsed; each error is the one message for its
/// option (`unknown --emit='x' (expected obj, shared, mlir, llvm or asm)`).
llvm::Expected<EmitKind> parseEmitOption(llvm::StringRef text);
llvm::Expected<Stage> parseStopAfterOption(llvm::StringRef text);
llvm::Expected<std::vector<MemoryBank>> parseMemBankOptions(llvm::ArrayRef<std::string> specs);

/// The `-O` level: "0", "1", "2", "3" or "s".
llvm::Expected<OptLevel> parseOptLevelOption(llvm::StringRef text);

/// The target `options.target` selects (a name or a triple), or an error.
llvm::Expected<const TargetDesc *> selectedTarget(const CompileOptions &options);

/// A Make rule `target: prerequisites...`, escaped as clang's depfiles are
/// (space, '#' and '$'), one prerequisite per continued line.
std::string renderDepfile(llvm::StringRef target, llvm::ArrayRef<std::string> prerequisites);

/// The checks of `options` that need no model: the target exists, the arena
/// alignment is a power of two, --stop-after is not combined with an
/// --emit other than mlir. kilnc reports a failure as a usage error;
/// compile() runs them first too.
llvm::Error validateOptions(const CompileOptions &options);

/// What `compile` writes: `options.emit`, or its default.
EmitKind emitKind(const CompileOptions &options);

/// Registers the dialects and interfaces `compile` needs in `context`.
void prepareContext(mlir::MLIRContext &context);

/// Compiles one model. Errors are emitted as diagnostics on `context`; on
/// failure no output file is left behind. The weight blobs the compilation
/// adds to `context` are emptied as soon as nothing needs them (the names stay
/// registered); blobs the context held before are left alone.
mlir::FailureOr<CompileResult> compile(const CompileOptions &options, mlir::MLIRContext &context);

/// For `kilnc inspect`: when the model is quantized, prints its quantize and
/// dequantize ops and the float islands left after the graph stage (what
/// runs in float). Prints nothing for a float model; returns false when the
/// model does not import (inspect reports why itself).
bool inspectQuantization(llvm::StringRef path, llvm::raw_ostream &os);

/// The output path `compile` uses when none is given.
std::string defaultOutputPath(const CompileOptions &options);

} // namespace kiln

#endif // KILN_COMPILER_PIPELINE_COMPILER_H
