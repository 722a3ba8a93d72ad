//===- Emit.h - what kilnc writes besides the code --------------*- C++ -*-===//
#ifndef KILN_COMPILER_EMIT_EMIT_H
#define KILN_COMPILER_EMIT_EMIT_H

#include "compiler/emit/ModelInterface.h"
#include "llvm/Support/Error.h"

#include <string>

namespace llvm {
class LLVMContext;
class Module;
class StructType;
} // namespace llvm

namespace kiln {

/// Adds the C interface of DESIGN.md §3 to the translated module:
///   - renames the entry function `forward` to `<name>_forward`, internal;
///   - defines `kiln_status_t <name>_run(const void *const *inputs,
///     void *const *outputs, void *arena)`, which checks its arguments and
///     calls it;
///   - defines the descriptor `const kiln_model_t <name>_model`;
///   - with `exportSharedSymbol`, defines `kiln_shared_model` pointing at it.
/// The struct layouts are those of runtime_stub/include/kiln/runtime.h under
/// the module's data layout (set it first).
llvm::Error emitEntryPoints(llvm::Module &module, const ModelInterface &model,
                            bool exportSharedSymbol);

/// The LLVM types of the ABI structs of kiln/runtime.h: under a target's
/// data layout they must lay out exactly as a C compiler lays out the C
/// structs (a unit test checks this for the host).
struct AbiStructTypes {
  llvm::StructType *tensorDesc; // kiln_tensor_desc_t
  llvm::StructType *model;      // kiln_model_t
};
AbiStructTypes getAbiStructTypes(llvm::LLVMContext &context);

/// What the object was compiled for, as the header records it: the Kiln
/// target, LLVM triple, CPU, features ("" for the CPU's own) and -O level.
struct CodeTarget {
  std::string target, triple, cpu, features, optLevel;
};

/// The C header declaring the model's symbols and its arena size, and
/// recording what the object was compiled for.
std::string emitHeader(const ModelInterface &model, llvm::StringRef sourceName,
                       const CodeTarget &code);

} // namespace kiln

#endif // KILN_COMPILER_EMIT_EMIT_H
