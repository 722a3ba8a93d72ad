//===- Target.h - what Kiln knows about each target -------------*- C++ -*-===//
//
// One descriptor per `--target`: triple, default CPU and features, index
// width, relocation model, float ABI, arena alignment and the micro-kernel
// libraries. Code generation reads these and nothing else about the target.
// The descriptors are generated from targets/targets.ini, which documents
// each field.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TARGETS_TARGET_H
#define KILN_TARGETS_TARGET_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <optional>
#include <string>

namespace llvm {
class Module;
class raw_pwrite_stream;
} // namespace llvm

namespace kiln {

/// How hard LLVM optimizes: clang's -O0 ... -O3 and -Os (size first).
enum class OptLevel { O0, O1, O2, O3, Os };

/// "0", "1", "2", "3" or "s" (what follows -O), or std::nullopt.
std::optional<OptLevel> parseOptLevel(llvm::StringRef text);
/// "O0" ... "O3", "Os".
llvm::StringRef optLevelName(OptLevel level);

struct TargetDesc {
  /// The `--target` name.
  llvm::StringLiteral name;
  llvm::StringLiteral description;
  llvm::StringLiteral triple;
  /// Default CPU: a fixed one, so that the output never depends on the
  /// machine running kilnc (`--cpu=native` opts in to that machine's).
  llvm::StringLiteral cpu;
  /// Default LLVM target features ("+avx2,+fma"), or "" for the CPU's own.
  llvm::StringLiteral features;
  /// Width of `index` and pointers in bits.
  unsigned indexBitwidth;
  /// Position-independent code (hosted Linux targets link PIE).
  bool pic;
  /// Hard-float calling convention for floating-point arguments.
  bool hardFloat;
  /// Default alignment of the arena and of buffers in it, in bytes.
  unsigned arenaAlign;
  /// A Linux userland with a C library: `--emit=shared` is possible.
  bool hosted;
  /// floor/ceil/trunc are instructions for every CPU of the target; otherwise
  /// the compiler expands them (LLVM would call libm's floorf, ...).
  bool nativeRounding;
  /// Other micro-kernel libraries for CPUs of the target with more features:
  /// "NAME +f1,+f2|NAME +f3" ("x86_64-avx512 +avx512f"), most specific first,
  /// or "".
  llvm::StringLiteral kernelVariants;
  /// Default optimization level (-Os where flash is scarce).
  OptLevel optLevel;
};

/// Every target Kiln knows, in `--print-targets` order.
llvm::ArrayRef<TargetDesc> allTargets();

/// The descriptor named `name`, or nullptr.
const TargetDesc *findTarget(llvm::StringRef name);

/// What `--target` names: a target's name, or an LLVM triple of one
/// (compared by architecture, OS and environment; the vendor is ignored, so
/// x86_64-linux-gnu and x86_64-pc-linux-gnu both select x86_64). Where targets
/// share a triple (thumbv7em-none-eabihf: cortex-m4 and cortex-m7), the one
/// whose default CPU is `cpu` is chosen, else the first in the table (the
/// baseline). nullptr when nothing matches.
const TargetDesc *selectTarget(llvm::StringRef nameOrTriple, llvm::StringRef cpu);

/// "native" or "host": the CPU of the machine running kilnc.
bool isNativeCpu(llvm::StringRef cpu);

/// CPU, features and optimization level after applying the user's overrides
/// and resolving "native".
struct ResolvedTarget {
  const TargetDesc *desc = nullptr;
  std::string triple;
  std::string cpu;
  std::string features;
  OptLevel optLevel = OptLevel::O3;
};
ResolvedTarget resolveTarget(const TargetDesc &desc, llvm::StringRef cpuOverride,
                             llvm::StringRef featuresOverride,
                             std::optional<OptLevel> optLevelOverride = std::nullopt);

/// Checks a `--cpu` and a `--features` override against what LLVM's backend
/// for `desc` knows: an unknown CPU or feature name is an error naming the
/// valid ones (LLVM itself only warns and compiles for a generic CPU).
/// "native", "host" and empty overrides are always valid; features are "+name" or
/// "-name", comma-separated.
llvm::Error checkCpuAndFeatures(const TargetDesc &desc, llvm::StringRef cpu,
                                llvm::StringRef features);

/// Initializes LLVM's targets once; safe to call repeatedly.
void initializeLLVMTargets();

/// An LLVM TargetMachine for `target` at its optimization level, with LLVM's default
/// code model for the target unless `codeModel` is given.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const ResolvedTarget &target,
                    std::optional<llvm::CodeModel::Model> codeModel = std::nullopt);

/// The width in bits of the fixed-length vector registers LLVM vectorizes loops
/// with for `machine` (its TargetTransformInfo): 512 with AVX-512, 128 with NEON,
/// Helium or RVV, 0 (or a scalar width) on the scalar cores.
unsigned fixedVectorBits(const llvm::TargetMachine &machine);

/// The code model an object with `constantBytes` bytes of constants needs:
/// x86-64's small model addresses 2 GiB with 32-bit offsets, so beyond 1 GiB of
/// constants the medium model places the large ones in .lrodata with 64-bit
/// addresses. std::nullopt: the target's default.
std::optional<llvm::CodeModel::Model> codeModelFor(const ResolvedTarget &target,
                                                   uint64_t constantBytes);

/// Sets the module's triple and data layout and runs LLVM's pipeline for
/// `level`. For -Os every function is marked optsize first, as clang does,
/// except the micro-kernels (kiln_uk_*): on the KWS model for Cortex-M4 that
/// keeps 98% of -O3's speed at 49% of its code, where optsize on the kernels
/// too saves 1.1 KB more for 2.2x the instructions (docs/cli.md).
void optimizeModule(llvm::Module &module, llvm::TargetMachine &machine, OptLevel level);

enum class CodeFileKind { Object, Assembly };

/// Bytes of an object file's allocated sections by kind: code, read-only data
/// (weights, constants), initialized writable data, zero-initialized data.
struct ObjectSectionSizes {
  uint64_t text = 0;
  uint64_t rodata = 0;
  uint64_t data = 0;
  uint64_t bss = 0;
};

/// Sums the allocated sections of an ELF object by their flags: executable
/// (.text), writable without contents (.bss), writable (.data, .data.rel.ro),
/// the rest (.rodata).
llvm::Expected<ObjectSectionSizes> measureObjectSections(llvm::StringRef objectBytes);

/// Writes the module as an object file or assembly.
llvm::Error emitCode(llvm::Module &module, llvm::TargetMachine &machine,
                     llvm::raw_pwrite_stream &os, CodeFileKind kind);

} // namespace kiln

#endif // KILN_TARGETS_TARGET_H
