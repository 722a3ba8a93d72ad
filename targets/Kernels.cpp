//===- Kernels.cpp - the micro-kernel library of each target --------------===//
#include "targets/Kernels.h"
#include "targets/Target.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Linker/Linker.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Target/TargetMachine.h"

// The bitcode files, one per target, embedded by the assembler. KernelBlobs.inc
// is written by targets/CMakeLists.txt: KILN_KERNEL_BLOB(identifier, "target",
// "path of the .bc file").
#define KILN_KERNEL_BLOB(id, target, path)                                                         \
  asm(".section .rodata.kiln_kernels,\"a\"\n"                                                      \
      ".balign 16\n"                                                                               \
      ".globl kiln_kernels_" #id "\n"                                                              \
      ".hidden kiln_kernels_" #id "\n"                                                             \
      "kiln_kernels_" #id ":\n"                                                                    \
      ".incbin \"" path "\"\n"                                                                     \
      ".globl kiln_kernels_" #id "_end\n"                                                          \
      ".hidden kiln_kernels_" #id "_end\n"                                                         \
      "kiln_kernels_" #id "_end:\n"                                                                \
      ".previous\n");                                                                              \
  extern "C" const char kiln_kernels_##id[], kiln_kernels_##id##_end[];
#include "KernelBlobs.inc"
#undef KILN_KERNEL_BLOB

namespace kiln {
namespace {

struct Library {
  llvm::StringLiteral target;
  const char *begin, *end;
};

const Library kLibraries[] = {
#define KILN_KERNEL_BLOB(id, target, path) {target, kiln_kernels_##id, kiln_kernels_##id##_end},
#include "KernelBlobs.inc"
#undef KILN_KERNEL_BLOB
};

llvm::Expected<std::unique_ptr<llvm::Module>> loadLibrary(llvm::StringRef target,
                                                          llvm::LLVMContext &context) {
  for (const Library &library : kLibraries) {
    if (library.target != target)
      continue;
    llvm::MemoryBufferRef buffer(llvm::StringRef(library.begin, library.end - library.begin),
                                 ("kiln_kernels-" + target + ".bc").str());
    return llvm::parseBitcodeFile(buffer, context);
  }
  return llvm::createStringError("no micro-kernel library for target '" + target + "'");
}

} // namespace

std::string kernelLibrary(llvm::StringRef target, const llvm::TargetMachine &machine) {
  const TargetDesc *desc = findTarget(target);
  if (!desc)
    return target.str();
  llvm::SmallVector<llvm::StringRef> variants;
  desc->kernelVariants.split(variants, '|', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef variant : variants) {
    auto [name, features] = variant.split(' ');
    if (machine.getMCSubtargetInfo()->checkFeatures(features))
      return name.str();
  }
  return target.str();
}

llvm::Expected<KernelGeometry> kernelGeometry(llvm::StringRef target) {
  llvm::LLVMContext context;
  auto library = loadLibrary(target, context);
  if (!library)
    return library.takeError();
  // {MR, NR, KC} and {QMR, QNR, QOFF, QFOURS}.
  auto read = [&](llvm::StringRef name, int64_t *out, unsigned count) -> llvm::Error {
    llvm::GlobalVariable *global = (*library)->getGlobalVariable(name);
    auto *values = global && global->hasInitializer()
                       ? llvm::dyn_cast<llvm::ConstantDataArray>(global->getInitializer())
                       : nullptr;
    if (!values || values->getNumElements() != count)
      return llvm::createStringError("the micro-kernel library of '" + target + "' has no " + name);
    for (unsigned i = 0; i < count; ++i)
      out[i] = static_cast<int64_t>(values->getElementAsInteger(i));
    return llvm::Error::success();
  };
  int64_t tile[3], int8Tile[4];
  if (llvm::Error error = read("kiln_uk_geometry", tile, 3))
    return std::move(error);
  if (llvm::Error error = read("kiln_uk_int8_geometry", int8Tile, 4))
    return std::move(error);
  KernelGeometry g;
  g.mr = tile[0];
  g.nr = tile[1];
  g.kc = tile[2];
  g.qmr = int8Tile[0];
  g.qnr = int8Tile[1];
  g.qoff = int8Tile[2];
  g.qfours = int8Tile[3] != 0;
  return g;
}

llvm::Error linkMicroKernels(llvm::Module &module, llvm::StringRef target) {
  auto isKernel = [](const llvm::Function &f) { return f.getName().starts_with("kiln_uk_"); };
  if (llvm::none_of(module, [&](const llvm::Function &f) { return isKernel(f); }))
    return llvm::Error::success();
  auto library = loadLibrary(target, module.getContext());
  if (!library)
    return library.takeError();
  llvm::Module &kernels = **library;
  // The calls follow kiln_kernels.h as the compiler reads it; the library is
  // that header as the C compiler read it. Both must agree.
  for (llvm::Function &f : module) {
    if (!isKernel(f))
      continue;
    llvm::Function *definition = kernels.getFunction(f.getName());
    if (definition && definition->getFunctionType() != f.getFunctionType()) {
      std::string called, defined;
      llvm::raw_string_ostream(called) << *f.getFunctionType();
      llvm::raw_string_ostream(defined) << *definition->getFunctionType();
      return llvm::createStringError("the model calls " + f.getName().str() + " as " + called +
                                     " but the micro-kernel library of '" + target +
                                     "' defines it as " + defined);
    }
  }
  kernels.setTargetTriple(module.getTargetTriple());
  kernels.setDataLayout(module.getDataLayout());
  // The library was compiled for the target's baseline; the model's CPU and
  // features (its target machine) apply to the kernels too.
  for (llvm::Function &f : kernels) {
    f.removeFnAttr("target-cpu");
    f.removeFnAttr("target-features");
    f.removeFnAttr("tune-cpu");
  }
  // Module flags (PIC level, wchar size, ...) are clang's, not the model's.
  if (llvm::NamedMDNode *flags = kernels.getModuleFlagsMetadata())
    kernels.eraseNamedMetadata(flags);
  if (llvm::NamedMDNode *ident = kernels.getNamedMetadata("llvm.ident"))
    kernels.eraseNamedMetadata(ident);
  if (llvm::Linker::linkModules(module, std::move(*library), llvm::Linker::LinkOnlyNeeded))
    return llvm::createStringError("cannot link the micro-kernels of '" + target + "'");
  for (llvm::Function &f : module)
    if (isKernel(f)) {
      if (f.isDeclaration())
        return llvm::createStringError("the micro-kernel library of '" + target + "' has no " +
                                       f.getName().str());
      f.setLinkage(llvm::GlobalValue::InternalLinkage);
    }
  return llvm::Error::success();
}

} // namespace kiln
