//===- Kernels.h - the micro-kernel library of each target ------*- C++ -*-===//
//
// targets/kernels/kiln_kernels.c is compiled to LLVM bitcode for every target
// when kilnc is built and embedded in kilnc. The compiler reads each
// library's register-tile geometry (to pack weights for it) and links the
// kernels a model calls into the model's LLVM module.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TARGETS_KERNELS_H
#define KILN_TARGETS_KERNELS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace kiln {

/// The register tile of a target's kernels: MR rows by NR columns, and the
/// depth KC of a packed panel; for the int8 kernels, their tile (QMR x QNR)
/// and the offset QOFF their activations carry (128 where the dot product
/// multiplies unsigned by signed bytes, else 0), and QFOURS: whether conv
/// weights with C % 4 == 0 are packed in channel fours (kiln_kernels.h).
struct KernelGeometry {
  int64_t mr = 0, nr = 0, kc = 0;
  int64_t qmr = 0, qnr = 0, qoff = 0;
  bool qfours = false;
};

/// The kernel library for code from `machine` for the `--target` named
/// `target`: the target's own, or a variant for the CPU's features
/// ("x86_64-avx512" when the CPU has AVX-512).
std::string kernelLibrary(llvm::StringRef target, const llvm::TargetMachine &machine);

/// The geometry of a kernel library (kernelLibrary's result).
llvm::Expected<KernelGeometry> kernelGeometry(llvm::StringRef library);

/// Links the definitions of the `kiln_uk_*` functions `module` declares from
/// `library`, with internal linkage and without the library's CPU
/// attributes (the module's target machine decides). Nothing happens when
/// the module calls no kernel.
llvm::Error linkMicroKernels(llvm::Module &module, llvm::StringRef library);

} // namespace kiln

#endif // KILN_TARGETS_KERNELS_H
