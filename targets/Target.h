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
#include <string>

namespace llvm {
class Module;
class raw_pwrite_stream;
} // namespace llvm

namespace kiln {

struct TargetDesc {
  /// The `--target` name.
  llvm::StringLiteral name;
  llvm::StringLiteral description;
  llvm::StringLiteral triple;
  /// Default CPU; "host" means the CPU of the machine running kilnc.
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
  /// A second micro-kernel library ("x86_64-avx512") for CPUs of the target
  /// with `kernelVariantFeature` ("+avx512f"), or "".
  llvm::StringLiteral kernelVariant;
  llvm::StringLiteral kernelVariantFeature;
};

/// Every target Kiln knows, in `--print-targets` order.
llvm::ArrayRef<TargetDesc> allTargets();

/// The descriptor named `name`, or nullptr.
const TargetDesc *findTarget(llvm::StringRef name);

/// CPU and features after applying the user's overrides and resolving "host".
struct ResolvedTarget {
  const TargetDesc *desc = nullptr;
  std::string triple;
  std::string cpu;
  std::string features;
};
ResolvedTarget resolveTarget(const TargetDesc &desc, llvm::StringRef cpuOverride,
                             llvm::StringRef featuresOverride);

/// Checks a `--cpu` and a `--features` override against what LLVM's backend
/// for `desc` knows: an unknown CPU or feature name is an error naming the
/// valid ones (LLVM itself only warns and compiles for a generic CPU).
/// "host" and empty overrides are always valid; features are "+name" or
/// "-name", comma-separated.
llvm::Error checkCpuAndFeatures(const TargetDesc &desc, llvm::StringRef cpu,
                                llvm::StringRef features);

/// Initializes LLVM's targets once; safe to call repeatedly.
void initializeLLVMTargets();

/// An LLVM TargetMachine for `target`, optimizing at -O3, with LLVM's default
/// code model for the target unless `codeModel` is given.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const ResolvedTarget &target,
                    std::optional<llvm::CodeModel::Model> codeModel = std::nullopt);

/// The code model an object with `constantBytes` bytes of constants needs:
/// x86-64's small model addresses 2 GiB with 32-bit offsets, so beyond 1 GiB of
/// constants the medium model places the large ones in .lrodata with 64-bit
/// addresses. std::nullopt: the target's default.
std::optional<llvm::CodeModel::Model> codeModelFor(const ResolvedTarget &target,
                                                   uint64_t constantBytes);

/// Sets the module's triple and data layout and runs LLVM's -O3 pipeline.
void optimizeModule(llvm::Module &module, llvm::TargetMachine &machine);

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
