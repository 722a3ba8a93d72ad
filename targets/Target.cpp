//===- Target.cpp - what Kiln knows about each target ---------------------===//
#include "targets/Target.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Analysis/TargetTransformInfo.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <mutex>

namespace kiln {

// One entry per section of targets/targets.ini (TargetTable.inc is generated
// from it by targets/CMakeLists.txt).
static const TargetDesc kTargets[] = {
#define KILN_TARGET(name, summary, triple, cpu, features, indexBits, pic, hardFloat, arenaAlign,   \
                    hosted, nativeRounding, kernelVariants, optLevel)                              \
  {name,                                                                                           \
   summary,                                                                                        \
   triple,                                                                                         \
   cpu,                                                                                            \
   features,                                                                                       \
   indexBits,                                                                                      \
   pic,                                                                                            \
   hardFloat,                                                                                      \
   arenaAlign,                                                                                     \
   hosted,                                                                                         \
   nativeRounding,                                                                                 \
   kernelVariants,                                                                                 \
   OptLevel::optLevel},
#include "TargetTable.inc"
#undef KILN_TARGET
};

llvm::ArrayRef<TargetDesc> allTargets() { return kTargets; }

namespace {
struct OptLevelName {
  OptLevel level;
  llvm::StringLiteral text; // what follows -O
};
constexpr OptLevelName kOptLevels[] = {
    {OptLevel::O0, "0"}, {OptLevel::O1, "1"}, {OptLevel::O2, "2"},
    {OptLevel::O3, "3"}, {OptLevel::Os, "s"},
};
} // namespace

std::optional<OptLevel> parseOptLevel(llvm::StringRef text) {
  for (const OptLevelName &entry : kOptLevels)
    if (entry.text == text)
      return entry.level;
  return std::nullopt;
}

llvm::StringRef optLevelName(OptLevel level) {
  static const std::string names[] = {"O0", "O1", "O2", "O3", "Os"};
  return names[static_cast<int>(level)];
}

bool isNativeCpu(llvm::StringRef cpu) { return cpu == "native" || cpu == "host"; }

const TargetDesc *selectTarget(llvm::StringRef nameOrTriple, llvm::StringRef cpu) {
  if (const TargetDesc *byName = findTarget(nameOrTriple))
    return byName;
  if (!nameOrTriple.contains('-'))
    return nullptr;
  llvm::Triple wanted(llvm::Triple::normalize(nameOrTriple));
  auto sameTriple = [&](const TargetDesc &t) {
    llvm::Triple triple(llvm::Triple::normalize(t.triple));
    return triple.getArch() == wanted.getArch() && triple.getSubArch() == wanted.getSubArch() &&
           triple.getOS() == wanted.getOS() && triple.getEnvironment() == wanted.getEnvironment();
  };
  const TargetDesc *first = nullptr;
  for (const TargetDesc &t : kTargets) {
    if (!sameTriple(t))
      continue;
    if (!cpu.empty() && t.cpu == cpu)
      return &t;
    if (!first)
      first = &t;
  }
  return first;
}

const TargetDesc *findTarget(llvm::StringRef name) {
  for (const TargetDesc &t : kTargets)
    if (t.name == name)
      return &t;
  return nullptr;
}

ResolvedTarget resolveTarget(const TargetDesc &desc, llvm::StringRef cpuOverride,
                             llvm::StringRef featuresOverride,
                             std::optional<OptLevel> optLevelOverride) {
  ResolvedTarget r;
  r.desc = &desc;
  r.optLevel = optLevelOverride.value_or(desc.optLevel);
  r.triple = llvm::Triple::normalize(desc.triple);
  r.cpu = (cpuOverride.empty() ? llvm::StringRef(desc.cpu) : cpuOverride).str();
  r.features = (featuresOverride.empty() ? llvm::StringRef(desc.features) : featuresOverride).str();
  if (isNativeCpu(r.cpu)) {
    r.cpu = llvm::sys::getHostCPUName().str();
    if (featuresOverride.empty()) {
      // The host's features, sorted so the string (and the object) is stable.
      llvm::SmallVector<std::string> features;
      for (auto &entry : llvm::sys::getHostCPUFeatures())
        features.push_back((entry.second ? "+" : "-") + entry.first().str());
      llvm::sort(features);
      r.features = llvm::join(features, ",");
    }
  }
  return r;
}

llvm::Error checkCpuAndFeatures(const TargetDesc &desc, llvm::StringRef cpu,
                                llvm::StringRef features) {
  if ((cpu.empty() || isNativeCpu(cpu)) && features.empty())
    return llvm::Error::success();
  initializeLLVMTargets();
  llvm::Triple triple(llvm::Triple::normalize(desc.triple));
  std::string error;
  const llvm::Target *llvmTarget = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return llvm::createStringError("no LLVM backend for " + triple.str() + ": " + error);
  std::unique_ptr<llvm::MCSubtargetInfo> info(llvmTarget->createMCSubtargetInfo(triple, "", ""));
  if (!info)
    return llvm::createStringError("no subtarget information for " + triple.str());
  auto names = [](auto table) {
    llvm::SmallVector<llvm::StringRef> list;
    for (const auto &entry : table)
      list.push_back(entry.Key);
    llvm::sort(list);
    return llvm::join(list, ", ");
  };
  if (!cpu.empty() && !isNativeCpu(cpu) && !info->isCPUStringValid(cpu))
    return llvm::createStringError("unknown --cpu='" + cpu.str() +
                                   "' for --target=" + desc.name.str() + " (valid: native, " +
                                   names(info->getAllProcessorDescriptions()) + ")");
  llvm::SmallVector<llvm::StringRef> list;
  features.split(list, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef feature : list) {
    feature = feature.trim();
    bool known = (feature.starts_with("+") || feature.starts_with("-")) &&
                 llvm::any_of(info->getAllProcessorFeatures(), [&](const auto &kv) {
                   return llvm::StringRef(kv.Key) == feature.drop_front();
                 });
    if (!known)
      return llvm::createStringError(
          "unknown --features entry '" + feature.str() + "' for --target=" + desc.name.str() +
          " (expected +NAME or -NAME with NAME one of: " + names(info->getAllProcessorFeatures()) +
          ")");
  }
  return llvm::Error::success();
}

void initializeLLVMTargets() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    // Inline assembly in the micro-kernels (the Cortex-M DSP k loop) is parsed
    // when the object is written.
    llvm::InitializeAllAsmParsers();
  });
}

std::optional<llvm::CodeModel::Model> codeModelFor(const ResolvedTarget &target,
                                                   uint64_t constantBytes) {
  if (llvm::Triple(target.triple).getArch() == llvm::Triple::x86_64 &&
      constantBytes > (uint64_t(1) << 30))
    return llvm::CodeModel::Medium;
  return std::nullopt;
}

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const ResolvedTarget &target, std::optional<llvm::CodeModel::Model> codeModel) {
  initializeLLVMTargets();
  llvm::Triple triple(target.triple);
  std::string error;
  const llvm::Target *llvmTarget = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return llvm::createStringError("no LLVM backend for " + target.triple + ": " + error);
  if (triple.getArch() == llvm::Triple::hexagon) {
    // Hexagon puts small constants (8-byte literal pools included) in GP-relative
    // small data, whose relocations ld.lld cannot resolve (R_HEX_GPREL16_3) and
    // which a freestanding program has no GP set up for. The backend only takes
    // this as a command-line option, so set it before the first compilation.
    auto &registered = llvm::cl::getRegisteredOptions();
    auto it = registered.find("hexagon-small-data-threshold");
    if (it != registered.end() && it->second->getNumOccurrences() == 0)
      it->second->addOccurrence(0, "hexagon-small-data-threshold", "0");
  }
  static const llvm::CodeGenOptLevel codegenLevels[] = {
      llvm::CodeGenOptLevel::None, llvm::CodeGenOptLevel::Less, llvm::CodeGenOptLevel::Default,
      llvm::CodeGenOptLevel::Aggressive, llvm::CodeGenOptLevel::Default};
  llvm::TargetOptions options;
  options.FloatABIType = target.desc->hardFloat ? llvm::FloatABI::Hard : llvm::FloatABI::Default;
  std::unique_ptr<llvm::TargetMachine> machine(
      llvmTarget->createTargetMachine(triple, target.cpu, target.features, options,
                                      target.desc->pic ? llvm::Reloc::PIC_ : llvm::Reloc::Static,
                                      codeModel, codegenLevels[static_cast<int>(target.optLevel)]));
  if (!machine)
    return llvm::createStringError("cannot create a target machine for " + target.triple +
                                   " (cpu '" + target.cpu + "')");
  return machine;
}

unsigned fixedVectorBits(const llvm::TargetMachine &machine) {
  // TargetTransformInfo answers for a function: an empty one with the machine's
  // CPU and features.
  llvm::LLVMContext context;
  llvm::Module module("kiln-probe", context);
  module.setTargetTriple(machine.getTargetTriple());
  module.setDataLayout(machine.createDataLayout());
  llvm::Function *probe =
      llvm::Function::Create(llvm::FunctionType::get(llvm::Type::getVoidTy(context), false),
                             llvm::GlobalValue::ExternalLinkage, "kiln_probe", module);
  probe->addFnAttr("target-cpu", machine.getTargetCPU());
  probe->addFnAttr("target-features", machine.getTargetFeatureString());
  llvm::TargetTransformInfo tti = machine.getTargetTransformInfo(*probe);
  return static_cast<unsigned>(
      tti.getRegisterBitWidth(llvm::TargetTransformInfo::RGK_FixedWidthVector).getFixedValue());
}

void optimizeModule(llvm::Module &module, llvm::TargetMachine &machine, OptLevel level) {
  module.setTargetTriple(machine.getTargetTriple());
  module.setDataLayout(machine.createDataLayout());
  // -Os: size first, except in the micro-kernels' inner loops (Target.h).
  if (level == OptLevel::Os)
    for (llvm::Function &f : module)
      if (!f.isDeclaration() && !f.getName().starts_with("kiln_uk_"))
        f.addFnAttr(llvm::Attribute::OptimizeForSize);
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  // As clang: the vectorizers run from -O2 on (at -Os they keep to code that
  // needs no runtime checks or remainder loops).
  bool vectorize = level != OptLevel::O0 && level != OptLevel::O1;
  tuning.LoopVectorization = vectorize;
  tuning.SLPVectorization = vectorize;
  llvm::PassBuilder builder(&machine, tuning);
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  static const llvm::OptimizationLevel levels[] = {
      llvm::OptimizationLevel::O0, llvm::OptimizationLevel::O1, llvm::OptimizationLevel::O2,
      llvm::OptimizationLevel::O3, llvm::OptimizationLevel::Os};
  llvm::OptimizationLevel llvmLevel = levels[static_cast<int>(level)];
  llvm::ModulePassManager mpm = level == OptLevel::O0
                                    ? builder.buildO0DefaultPipeline(llvmLevel)
                                    : builder.buildPerModuleDefaultPipeline(llvmLevel);
  mpm.run(module, mam);
}

llvm::Expected<ObjectSectionSizes> measureObjectSections(llvm::StringRef objectBytes) {
  auto object =
      llvm::object::ObjectFile::createObjectFile(llvm::MemoryBufferRef(objectBytes, "object"));
  if (!object)
    return object.takeError();
  auto *elf = llvm::dyn_cast<llvm::object::ELFObjectFileBase>(object->get());
  if (!elf)
    return llvm::createStringError("not an ELF object");
  ObjectSectionSizes sizes;
  for (llvm::object::ELFSectionRef section : elf->sections()) {
    uint64_t flags = section.getFlags();
    if (!(flags & llvm::ELF::SHF_ALLOC))
      continue;
    uint64_t size = section.getSize();
    if (flags & llvm::ELF::SHF_EXECINSTR)
      sizes.text += size;
    else if (section.getType() == llvm::ELF::SHT_NOBITS)
      sizes.bss += size;
    else if (flags & llvm::ELF::SHF_WRITE)
      sizes.data += size;
    else
      sizes.rodata += size;
  }
  return sizes;
}

llvm::Error emitCode(llvm::Module &module, llvm::TargetMachine &machine,
                     llvm::raw_pwrite_stream &os, CodeFileKind kind) {
  module.setTargetTriple(machine.getTargetTriple());
  module.setDataLayout(machine.createDataLayout());
  llvm::legacy::PassManager pm;
  auto type = kind == CodeFileKind::Object ? llvm::CodeGenFileType::ObjectFile
                                           : llvm::CodeGenFileType::AssemblyFile;
  if (machine.addPassesToEmitFile(pm, os, nullptr, type))
    return llvm::createStringError("the LLVM backend cannot emit this file type");
  pm.run(module);
  return llvm::Error::success();
}

} // namespace kiln
