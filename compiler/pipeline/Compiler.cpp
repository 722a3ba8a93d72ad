//===- Compiler.cpp - the compile(options) library API --------------------===//
#include "compiler/pipeline/Compiler.h"
#include "compiler/emit/Emit.h"
#include "compiler/emit/Report.h"
#include "compiler/import/Importer.h"
#include "compiler/import/pt2/Pt2Archive.h"
#include "compiler/import/pte/PteFile.h"
#include "compiler/pipeline/Registration.h"
#include "compiler/pipeline/Resources.h"
#include "passes/memory/MemoryPlan.h"
#include "passes/quant/FloatIslands.h"
#include "targets/Kernels.h"
#include "targets/Target.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Transforms/Utils/Cloning.h"

#include <chrono>
#include <mutex>

#ifndef KILN_DEFAULT_LINKER
#define KILN_DEFAULT_LINKER "ld.lld"
#endif

using namespace mlir;

namespace kiln {

static constexpr std::pair<EmitKind, llvm::StringLiteral> kEmitKinds[] = {
    {EmitKind::Object, "obj"},
    {EmitKind::Shared, "shared"},
    {EmitKind::MLIR, "mlir"},
    {EmitKind::LLVM, "llvm"},
    {EmitKind::Assembly, "asm"}};

llvm::StringRef emitKindName(EmitKind kind) {
  for (auto &[k, n] : kEmitKinds)
    if (k == kind)
      return n;
  return "?";
}

static llvm::Error usageError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<EmitKind> parseEmitOption(llvm::StringRef text) {
  std::string expected;
  for (size_t i = 0; i < std::size(kEmitKinds); ++i) {
    if (kEmitKinds[i].second == text)
      return kEmitKinds[i].first;
    expected += (i == 0                           ? ""
                 : i + 1 == std::size(kEmitKinds) ? " or "
                                                  : ", ") +
                kEmitKinds[i].second.str();
  }
  return usageError("unknown --emit='" + text + "' (expected " + expected + ")");
}

llvm::Expected<Stage> parseStopAfterOption(llvm::StringRef text) {
  if (std::optional<Stage> stage = parseStage(text))
    return *stage;
  return usageError("unknown --stop-after='" + text + "' (expected " + stageNames() + ")");
}

llvm::Expected<std::vector<MemoryBank>> parseMemBankOptions(llvm::ArrayRef<std::string> specs) {
  auto banks = parseBankSpecs(specs);
  if (!banks)
    return usageError("--mem-bank: " + llvm::toString(banks.takeError()));
  return banks;
}

llvm::Expected<OptLevel> parseOptLevelOption(llvm::StringRef text) {
  if (std::optional<OptLevel> level = parseOptLevel(text))
    return *level;
  return usageError("unknown optimization level -O" + text +
                    " (expected -O0, -O1, -O2, -O3 or -Os)");
}

llvm::Expected<const TargetDesc *> selectedTarget(const CompileOptions &options) {
  if (const TargetDesc *target = selectTarget(options.target, options.cpu))
    return target;
  std::string names;
  for (const TargetDesc &t : allTargets())
    names += (names.empty() ? "" : ", ") + t.name.str();
  return usageError("unknown --target='" + options.target + "' (expected one of " + names +
                    ", or the LLVM triple of one; kilnc --print-targets lists them)");
}

std::string renderDepfile(llvm::StringRef target, llvm::ArrayRef<std::string> prerequisites) {
  auto escape = [](llvm::StringRef path) {
    std::string out;
    for (char c : path) {
      if (c == ' ' || c == '#')
        out += '\\';
      else if (c == '$')
        out += '$';
      out += c;
    }
    return out;
  };
  std::string text = escape(target) + ":";
  for (const std::string &p : prerequisites)
    text += " \\\n  " + escape(p);
  return text + "\n";
}

llvm::Error validateOptions(const CompileOptions &options) {
  if (options.stopAfter && options.emit && *options.emit != EmitKind::MLIR)
    return usageError("--stop-after prints MLIR; it cannot be combined with --emit=" +
                      emitKindName(*options.emit));
  auto target = selectedTarget(options);
  if (!target)
    return target.takeError();
  if (llvm::Error e = checkCpuAndFeatures(**target, options.cpu, options.features))
    return usageError(llvm::toString(std::move(e)));
  if (!options.depfilePath.empty() && emitKind(options) != EmitKind::Object &&
      emitKind(options) != EmitKind::Shared)
    return usageError("-MD writes a depfile for an object or shared library; it cannot be "
                      "combined with --emit=" +
                      emitKindName(emitKind(options)));
  if (std::optional<int64_t> align = options.pipeline.arenaAlign;
      align && (*align <= 0 || !llvm::isPowerOf2_64(*align)))
    return usageError("--arena-align must be a power of two");
  return llvm::Error::success();
}

EmitKind emitKind(const CompileOptions &options) {
  return options.stopAfter ? EmitKind::MLIR : options.emit.value_or(EmitKind::Object);
}

void prepareContext(MLIRContext &context) {
  static std::once_flag passesRegistered;
  std::call_once(passesRegistered, registerAllPasses);
  DialectRegistry registry;
  registerAllDialects(registry);
  context.appendDialectRegistry(registry);
  // Diagnostics name the file, node and operator; an IR dump helps no user.
  context.printOpOnDiagnostic(false);
}

bool inspectQuantization(llvm::StringRef path, llvm::raw_ostream &os) {
  // Only a program with quantization operators has islands: a .pt2 is
  // checked from its graph before anything is imported.
  if (auto archive = Pt2Archive::open(path)) {
    if (llvm::none_of((*archive)->program().graph.nodes, [](const Node &node) {
          return llvm::StringRef(node.target).contains("quantized_decomposed.");
        }))
      return true;
  } else {
    llvm::consumeError(archive.takeError());
  }
  MLIRContext context;
  prepareContext(context);
  // Import problems are inspect's own report (unsupported operators); here
  // they only mean there is nothing more to say.
  context.getDiagEngine().registerHandler([](Diagnostic &) { return success(); });
  OwningOpRef<ModuleOp> module = importModel(path, context, ImportOptions());
  if (!module)
    return false;
  PassManager pm(&context);
  if (failed(buildStagePipeline(pm, Stage::Graph, PipelineOptions())) || failed(pm.run(*module)))
    return false;
  QuantizationSummary q = findFloatIslands(*module);
  if (!q.quantized())
    return true;
  os << "quantization: " << q.quantizeOps << " quantize, " << q.dequantizeOps << " dequantize, "
     << q.chooseQParamsOps << " choose_qparams\n";
  os << "float islands (ops between a dequantize and a quantize that run in float): "
     << q.islands.size() << "\n";
  for (size_t i = 0; i < q.islands.size(); ++i) {
    os << "  island " << i << ":";
    for (const FloatIsland::Member &m : q.islands[i].members)
      os << " " << m.node << " (" << m.op << ")";
    os << "\n";
  }
  return true;
}

std::string defaultOutputPath(const CompileOptions &options) {
  EmitKind emit = emitKind(options);
  if (emit != EmitKind::Object && emit != EmitKind::Shared)
    return "-";
  llvm::SmallString<128> path(llvm::sys::path::filename(options.inputPath));
  llvm::sys::path::replace_extension(path, emit == EmitKind::Object ? "o" : "so");
  return path.str().str();
}

namespace {

/// Output files that appear only when everything succeeded.
class Outputs {
public:
  FailureOr<llvm::raw_fd_ostream *> open(Location loc, llvm::StringRef path, bool binary) {
    std::error_code ec;
    auto file = std::make_unique<llvm::ToolOutputFile>(
        path, ec, binary ? llvm::sys::fs::OF_None : llvm::sys::fs::OF_Text);
    if (ec)
      return emitError(loc) << "cannot write '" << path << "': " << ec.message();
    files.push_back(std::move(file));
    return &files.back()->os();
  }
  /// Keeps every file; before this, destruction removes them.
  LogicalResult commit(Location loc) {
    for (auto &file : files) {
      file->os().flush();
      if (file->os().has_error())
        return emitError(loc) << "cannot write '" << file->getFilename()
                              << "': " << file->os().error().message();
    }
    for (auto &file : files)
      file->keep();
    return success();
  }

private:
  std::vector<std::unique_ptr<llvm::ToolOutputFile>> files;
};

/// Wall time of consecutive steps, for `--timing`.
class StepClock {
public:
  explicit StepClock(CompileResult &result) : result(result), last(Clock::now()) {}
  /// Ends the current step, named `step`.
  void lap(llvm::StringRef step) {
    Clock::time_point now = Clock::now();
    result.stepSeconds.emplace_back(step.str(), std::chrono::duration<double>(now - last).count());
    last = now;
  }

private:
  using Clock = std::chrono::steady_clock;
  CompileResult &result;
  Clock::time_point last;
};

/// Runs the stages after `from` up to `to`, one pass manager each, timing each.
LogicalResult runStages(ModuleOp module, Stage from, Stage to, const PipelineOptions &options,
                        StepClock &clock, const llvm::StringSet<> &preserveBlobs) {
  for (int s = static_cast<int>(from) + 1; s <= static_cast<int>(to); ++s) {
    Stage stage = static_cast<Stage>(s);
    PassManager pm(module.getContext());
    if (failed(buildStagePipeline(pm, stage, options)))
      return module.emitError("cannot build the pass pipeline");
    if (failed(pm.run(module)))
      return failure();
    releaseUnreferencedBlobs(*module.getContext(), module, preserveBlobs);
    clock.lap(stageName(stage));
  }
  return success();
}

std::string headerPathFor(llvm::StringRef output) {
  llvm::SmallString<128> path(output);
  llvm::sys::path::replace_extension(path, "h");
  return path.str().str();
}

/// Links `object` into a shared library at `output` with lld.
LogicalResult linkShared(Location loc, llvm::StringRef linker, llvm::StringRef object,
                         llvm::StringRef output) {
  auto program = llvm::sys::findProgramByName(linker);
  if (!program)
    return emitError(loc) << "cannot find the linker '" << linker
                          << "' for --emit=shared (set --linker or KILN_LLD)";
  std::string message;
  llvm::SmallVector<llvm::StringRef> args = {
      *program, "-shared", "--build-id=none", "-z", "noexecstack", "-o", output, object};
  int rc = llvm::sys::ExecuteAndWait(*program, args, std::nullopt, {}, 0, 0, &message);
  if (rc != 0)
    return emitError(loc) << "linking the shared library failed (" << *program << " exited with "
                          << rc << (message.empty() ? "" : ": " + message) << ")";
  return success();
}

/// Bytes of the constants (weights) the module holds as memref.globals.
int64_t weightBytes(ModuleOp module) {
  int64_t total = 0;
  module.walk([&](memref::GlobalOp global) {
    MemRefType type = global.getType();
    if (!global.getConstant() || !type.hasStaticShape() || !type.getElementType().isIntOrFloat())
      return;
    total +=
        type.getNumElements() * llvm::divideCeil(type.getElementType().getIntOrFloatBitWidth(), 8);
  });
  return total;
}

} // namespace

FailureOr<CompileResult> compile(const CompileOptions &options, MLIRContext &context) {
  Location fileLoc = FileLineColLoc::get(&context, options.inputPath, 0, 0);
  if (llvm::Error e = validateOptions(options))
    return emitError(fileLoc) << llvm::toString(std::move(e));
  EmitKind emit = emitKind(options);
  Stage last = options.stopAfter.value_or(Stage::LLVM);
  CompileResult result;
  result.outputPath = options.outputPath.empty() ? defaultOutputPath(options) : options.outputPath;

  const TargetDesc *target = *selectedTarget(options); // validated above
  if (emit == EmitKind::Shared && !target->hosted)
    return emitError(fileLoc) << "--emit=shared needs a hosted target; '" << target->name
                              << "' is freestanding";
  std::string name = options.name;
  if (name.empty()) {
    llvm::StringRef stem =
        llvm::sys::path::stem(result.outputPath == "-" ? options.inputPath : result.outputPath);
    name = toCIdentifier(stem);
  }
  if (!isCIdentifier(name))
    return emitError(fileLoc) << "--name='" << name << "' is not a C identifier";

  // The user's choices, completed with the target's.
  PipelineOptions pipeline = options.pipeline;
  pipeline.indexBitwidth = target->indexBitwidth;
  pipeline.expandRounding = !target->nativeRounding;
  if (!pipeline.arenaAlign)
    pipeline.arenaAlign = target->arenaAlign;
  // The target machine: the CPU decides which micro-kernel library (and so
  // which packed weight layout) the model gets.
  ResolvedTarget resolved = resolveTarget(*target, options.cpu, options.features, options.optLevel);
  auto machine = createTargetMachine(resolved);
  if (!machine)
    return emitError(fileLoc) << llvm::toString(machine.takeError());
  std::string kernels = kernelLibrary(target->name, **machine);
  // Flat elementwise loops help where LLVM vectorizes them (at least 64-bit
  // vectors); on scalar cores they only change the loop nest (Cortex-M4: a few
  // thousand more instructions per KWS inference).
  pipeline.flattenElementwise = fixedVectorBits(**machine) >= 64;
  if (options.microKernels) {
    auto geometry = kernelGeometry(kernels);
    if (!geometry)
      return emitError(fileLoc) << llvm::toString(geometry.takeError());
    pipeline.microKernelMR = geometry->mr;
    pipeline.microKernelNR = geometry->nr;
    pipeline.microKernelKC = geometry->kc;
    pipeline.microKernelQMR = geometry->qmr;
    pipeline.microKernelQNR = geometry->qnr;
    pipeline.microKernelQOff = geometry->qoff;
    pipeline.microKernelQFours = geometry->qfours;
  }
  llvm::StringRef reportExtension = llvm::sys::path::extension(options.reportPath);
  if (!options.reportPath.empty() && reportExtension != ".json" && reportExtension != ".html")
    return emitError(fileLoc) << "--report='" << options.reportPath
                              << "': the file must end in .json or .html";
  if (!options.reportPath.empty() && last < Stage::Memory)
    return emitError(fileLoc) << "--report needs the memory plan: it cannot be combined with "
                                 "--stop-after="
                              << stageName(last);

  StepClock clock(result);
  // Weights this compilation makes are freed once nothing uses them; blobs the
  // context had before belong to its other users.
  const llvm::StringSet<> preexistingBlobs = blobNames(context);
  OwningOpRef<ModuleOp> module = importModel(options.inputPath, context, options.import);
  if (!module)
    return failure();
  result.filesRead.push_back(options.inputPath);
  if (llvm::StringRef(options.inputPath).ends_with(".pte")) {
    std::string data = PteFile::externalDataPath(options.inputPath, options.import.dataPath);
    if (!data.empty())
      result.filesRead.push_back(data);
  }
  clock.lap("import");
  auto interface = readModelInterface(*module, name);
  if (failed(interface))
    return failure();

  Outputs outputs;
  auto printModule = [&]() -> FailureOr<CompileResult> {
    auto os = outputs.open(fileLoc, result.outputPath, /*binary=*/false);
    if (failed(os))
      return failure();
    OpPrintingFlags flags;
    if (options.printDebugInfo)
      flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
    module->print(**os, flags);
    if (failed(outputs.commit(fileLoc)))
      return failure();
    clock.lap("write");
    return result;
  };

  // The graph stage first: what it left of a quantized program's
  // dequantize/quantize patterns is what the report lists as float islands.
  Stage memoryOrLast = std::min(last, Stage::Memory);
  Stage graphOrLast = std::min(last, Stage::Graph);
  if (failed(runStages(*module, Stage::Import, graphOrLast, pipeline, clock, preexistingBlobs)))
    return failure();
  // --io=int8 changed the entry function's inputs and outputs.
  if (pipeline.ioInt8 && graphOrLast >= Stage::Graph) {
    interface = readModelInterface(*module, name);
    if (failed(interface))
      return failure();
  }
  // Only the report reads it.
  QuantizationSummary quantization;
  if (!options.reportPath.empty())
    quantization = findFloatIslands(*module);
  if (failed(runStages(*module, graphOrLast, memoryOrLast, pipeline, clock, preexistingBlobs)))
    return failure();
  if (last >= Stage::Memory && failed(readArenaPlan(*module, *interface)))
    return failure();
  result.arenaSize = interface->plan.arenaSize();
  // The report is written once the object exists (it gives the object's
  // section sizes), or now when no object will be generated.
  std::optional<CompileReport> report;
  auto writeReport = [&]() -> LogicalResult {
    auto os = outputs.open(fileLoc, options.reportPath, /*binary=*/false);
    if (failed(os))
      return failure();
    **os << (reportExtension == ".json" ? renderReportJson(*report) : renderReportHtml(*report));
    return success();
  };
  if (!options.reportPath.empty()) {
    report.emplace();
    report->model = interface->name;
    report->target = target->name;
    report->plan = interface->plan;
    report->weightsBytes = weightBytes(*module);
    report->quantization = std::move(quantization);
  }
  if (failed(runStages(*module, memoryOrLast, last, pipeline, clock, preexistingBlobs)))
    return failure();
  if (emit == EmitKind::MLIR) {
    if (report && failed(writeReport()))
      return failure();
    return printModule();
  }

  // LLVM IR, entry points, optimization. Kiln's own attributes have done
  // their work; LLVM IR has no place for them.
  module->walk([](FunctionOpInterface func) {
    for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
      for (NamedAttribute attr : func.getArgAttrs(i))
        if (attr.getName().strref().starts_with("kiln."))
          func.removeArgAttr(i, attr.getName());
    for (unsigned i = 0, e = func.getNumResults(); i < e; ++i)
      for (NamedAttribute attr : func.getResultAttrs(i))
        if (attr.getName().strref().starts_with("kiln."))
          func.removeResultAttr(i, attr.getName());
  });
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule = translateModuleToLLVMIR(*module, llvmContext, name);
  if (!llvmModule)
    return emitError(fileLoc) << "translation to LLVM IR failed";
  // The LLVM module holds its own copy of every weight; the MLIR one is done.
  module = nullptr;
  releaseUnreferencedBlobs(context, nullptr, preexistingBlobs);
  llvmModule->setTargetTriple((*machine)->getTargetTriple());
  llvmModule->setDataLayout((*machine)->createDataLayout());
  llvmModule->setSourceFileName(llvm::sys::path::filename(options.inputPath));
  if (llvm::Error e = emitEntryPoints(*llvmModule, *interface, emit == EmitKind::Shared))
    return emitError(fileLoc) << llvm::toString(std::move(e));
  if (llvm::Error e = linkMicroKernels(*llvmModule, kernels))
    return emitError(fileLoc) << llvm::toString(std::move(e));
  // Weights beyond what the target's default code model addresses.
  uint64_t constantBytes = 0;
  for (const llvm::GlobalVariable &global : llvmModule->globals())
    if (global.isConstant() && global.hasInitializer())
      constantBytes += llvmModule->getDataLayout().getTypeAllocSize(global.getValueType());
  if (auto codeModel = codeModelFor(resolved, constantBytes)) {
    machine = createTargetMachine(resolved, codeModel);
    if (!machine)
      return emitError(fileLoc) << llvm::toString(machine.takeError());
    llvmModule->setCodeModel(*codeModel);
  }
  clock.lap("llvm-translate");
  optimizeModule(*llvmModule, **machine, resolved.optLevel);
  clock.lap("llvm-optimize");

  // The object, in memory: written as the output, linked into the shared
  // library, or only measured for the report.
  // (On the heap so that it can be freed before lld runs; a SmallVector keeps
  // its capacity when cleared.)
  auto objectBuffer = std::make_unique<llvm::SmallVector<char, 0>>();
  if (emit == EmitKind::Object || emit == EmitKind::Shared || report) {
    std::unique_ptr<llvm::Module> measured;
    if (emit != EmitKind::Object && emit != EmitKind::Shared)
      measured = llvm::CloneModule(*llvmModule); // keep the module for LLVM IR/assembly
    llvm::raw_svector_ostream os(*objectBuffer);
    if (llvm::Error e =
            emitCode(measured ? *measured : *llvmModule, **machine, os, CodeFileKind::Object))
      return emitError(fileLoc) << llvm::toString(std::move(e));
    if (!measured)
      llvmModule.reset(); // the object is all that is written from here on
  }
  clock.lap("codegen");
  if (report) {
    auto sizes = measureObjectSections(llvm::StringRef(objectBuffer->data(), objectBuffer->size()));
    if (!sizes)
      return emitError(fileLoc) << "cannot measure the object: "
                                << llvm::toString(sizes.takeError());
    report->hasSections = true;
    report->textBytes = static_cast<int64_t>(sizes->text);
    report->rodataBytes = static_cast<int64_t>(sizes->rodata);
    report->dataBytes = static_cast<int64_t>(sizes->data);
    report->bssBytes = static_cast<int64_t>(sizes->bss);
    if (failed(writeReport()))
      return failure();
  }

  if (emit == EmitKind::LLVM || emit == EmitKind::Assembly) {
    auto os = outputs.open(fileLoc, result.outputPath, /*binary=*/false);
    if (failed(os))
      return failure();
    if (emit == EmitKind::LLVM) {
      llvmModule->print(**os, nullptr);
    } else if (llvm::Error e = emitCode(*llvmModule, **machine, **os, CodeFileKind::Assembly)) {
      return emitError(fileLoc) << llvm::toString(std::move(e));
    }
    if (failed(outputs.commit(fileLoc)))
      return failure();
    clock.lap(emit == EmitKind::LLVM ? "write" : "codegen-asm+write");
    return result;
  }

  if (result.outputPath == "-")
    return emitError(fileLoc) << "an object or shared library cannot be written to stdout";
  if (options.writeHeader) {
    result.headerPath = headerPathFor(result.outputPath);
    auto header = outputs.open(fileLoc, result.headerPath, /*binary=*/false);
    if (failed(header))
      return failure();
    CodeTarget code;
    code.target = target->name.str();
    code.triple = resolved.triple;
    code.cpu = resolved.cpu;
    code.features = resolved.features;
    code.optLevel = optLevelName(resolved.optLevel).str();
    **header << emitHeader(*interface, llvm::sys::path::filename(options.inputPath), code);
  }
  if (!options.depfilePath.empty()) {
    result.depfilePath = options.depfilePath;
    auto depfile = outputs.open(fileLoc, result.depfilePath, /*binary=*/false);
    if (failed(depfile))
      return failure();
    std::vector<std::string> prerequisites = result.filesRead;
    llvm::append_range(prerequisites, options.depfileExtraInputs);
    **depfile << renderDepfile(
        options.depfileTarget.empty() ? result.outputPath : options.depfileTarget, prerequisites);
  }
  if (emit == EmitKind::Object) {
    auto os = outputs.open(fileLoc, result.outputPath, /*binary=*/true);
    if (failed(os))
      return failure();
    (*os)->write(objectBuffer->data(), objectBuffer->size());
    if (failed(outputs.commit(fileLoc)))
      return failure();
    clock.lap("write");
    return result;
  }

  // Shared library: the object goes to a temporary file, lld links it into a
  // temporary beside the output, and a rename publishes it.
  llvm::SmallString<128> objectPath, linkedPath;
  int fd;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile("kiln", "o", fd, objectPath))
    return emitError(fileLoc) << "cannot create a temporary file: " << ec.message();
  llvm::FileRemover removeObject(objectPath);
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os.write(objectBuffer->data(), objectBuffer->size());
    if (os.has_error())
      return emitError(fileLoc) << "cannot write '" << objectPath << "': " << os.error().message();
  }
  objectBuffer.reset(); // lld reads the file

  linkedPath = result.outputPath;
  linkedPath += ".kiln-tmp";
  llvm::FileRemover removeLinked(linkedPath);
  std::string linker = options.linker;
  if (linker.empty())
    linker = llvm::sys::Process::GetEnv("KILN_LLD").value_or(KILN_DEFAULT_LINKER);
  if (failed(linkShared(fileLoc, linker, objectPath, linkedPath)))
    return failure();
  if (failed(outputs.commit(fileLoc)))
    return failure();
  if (std::error_code ec = llvm::sys::fs::rename(linkedPath, result.outputPath)) {
    if (!result.headerPath.empty())
      llvm::sys::fs::remove(result.headerPath);
    return emitError(fileLoc) << "cannot write '" << result.outputPath << "': " << ec.message();
  }
  clock.lap("link+write");
  return result;
}

} // namespace kiln
