//===- kilnc.cpp - the Kiln compiler driver -------------------------------===//
//
//   kilnc MODEL.pt2 [-o OUT] [--name=ID] [--target=T] [--emit=KIND] ...
//   kilnc inspect MODEL.pt2
//
// Exit status: 0 on success, 1 when the model cannot be compiled (with a
// diagnostic naming the file, node and operator), 2 on a usage error.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/Importer.h"
#include "compiler/import/NodeImport.h"
#include "compiler/import/OpSchema.h"
#include "compiler/import/SymbolicShapes.h"
#include "compiler/pipeline/Compiler.h"
#include "compiler/pipeline/Diagnostics.h"
#include "targets/Target.h"

#include "KilnRevision.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#ifndef KILN_VERSION
#define KILN_VERSION "0.0.0"
#endif

namespace cl = llvm::cl;

namespace {
constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

std::string emitHelp() {
  return "What to write: obj (object file + C header, default), shared (host shared "
         "library + C header), mlir (MLIR after --stop-after, default the last stage), "
         "llvm (LLVM IR), asm (assembly)";
}
/// libLLVM registers codegen options of its own (`--stop-after`, ...) in the
/// same global registry; kilnc's interface takes precedence.
void unregisterConflictingOptions() {
  static const char *const names[] = {"o",          "name",
                                      "target",     "cpu",
                                      "features",   "emit",
                                      "stop-after", "arena-align",
                                      "no-header",  "print-locations",
                                      "linker",     "print-targets",
                                      "shape",      "list-operators",
                                      "method",     "data",
                                      "O",          "MD",
                                      "MF",         "MT"};
  auto &registered = cl::getRegisteredOptions();
  for (const char *n : names)
    if (cl::Option *option = registered.lookup(n))
      option->removeArgument();
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  unregisterConflictingOptions();

  cl::OptionCategory category("kilnc options");
  cl::SubCommand inspect("inspect", "Show a model's inputs, outputs, parameters and operators, and "
                                    "whether Kiln supports each operator");

  cl::opt<std::string> input(cl::Positional, cl::desc("<model.pt2 | model.pte | kiln.mlir>"),
                             cl::cat(category), cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<std::string> output("o",
                              cl::desc("Output file (default: <model>.o or <model>.so; "
                                       "stdout for text)"),
                              cl::value_desc("file"), cl::cat(category),
                              cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<std::string> name(
      "name",
      cl::desc("C identifier for the model's symbols: <name>_run, <name>_model, "
               "<NAME>_ARENA_SIZE (default: the output file's stem)"),
      cl::value_desc("id"), cl::cat(category), cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<std::string> target("target",
                              cl::desc("Target: a name --print-targets lists (default x86_64), "
                                       "or its LLVM triple, e.g. thumbv7em-none-eabihf"),
                              cl::value_desc("name|triple"), cl::init("x86_64"), cl::cat(category),
                              cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<std::string> cpu("cpu",
                           cl::desc("Target CPU (default: the target's fixed baseline, e.g. "
                                    "x86-64-v3 for x86_64; 'native': the CPU of the machine "
                                    "running kilnc, so the object may not run elsewhere)"),
                           cl::value_desc("name"), cl::cat(category),
                           cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<std::string> features("features", cl::desc("LLVM target features, e.g. +avx2,-avx512f"),
                                cl::value_desc("list"), cl::cat(category),
                                cl::sub(cl::SubCommand::getTopLevel()));
  // cl::desc keeps a StringRef: the texts must outlive the options.
  static const std::string emitDescription = emitHelp();
  static const std::string stopAfterDescription =
      "Stop after a stage and print MLIR: " + kiln::stageNames();
  cl::opt<std::string> emit("emit", cl::desc(emitDescription), cl::value_desc("kind"),
                            cl::cat(category), cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<std::string> stopAfter("stop-after", cl::desc(stopAfterDescription),
                                 cl::value_desc("stage"), cl::cat(category),
                                 cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<int64_t> arenaAlign("arena-align",
                              cl::desc("Alignment of the arena and its buffers in bytes "
                                       "(default: the target's)"),
                              cl::init(0), cl::value_desc("bytes"), cl::cat(category),
                              cl::sub(cl::SubCommand::getTopLevel()));
  cl::list<std::string> memBanks(
      "mem-bank",
      cl::desc("A memory bank NAME:SIZE[:ALIGN] (SIZE/ALIGN in bytes, K/M/G suffixes), "
               "repeat fastest first, e.g. --mem-bank=dtcm:64K --mem-bank=sram:512K; "
               "buffers go to the fastest bank they fit in and <name>_run_banked takes one "
               "pointer per bank; compilation fails, saying by how much, when they do not fit"),
      cl::value_desc("name:size[:align]"), cl::cat(category),
      cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<bool> ioInArena(
      "io-in-arena",
      cl::desc("Place inputs and outputs in the arena too (the header gives their offsets; "
               "<name>_run_in_arena(arena) needs no other buffer)"),
      cl::cat(category), cl::sub(cl::SubCommand::getTopLevel()));
  enum class IOKind { Float, Int8 };
  cl::opt<IOKind> io(
      "io", cl::desc("A quantized program's inputs and outputs"),
      cl::values(clEnumValN(IOKind::Float, "float",
                            "float32, quantized on entry and dequantized on exit, as exported "
                            "(default)"),
                 clEnumValN(IOKind::Int8, "int8",
                            "the int8 tensors themselves; the header gives each one's "
                            "<NAME>_INPUT_<i>_SCALE, _ZERO_POINT, _QUANT_MIN and _QUANT_MAX "
                            "(OUTPUT_<i> likewise), so integer-only firmware needs no float at "
                            "the boundary")),
      cl::init(IOKind::Float), cl::cat(category), cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<std::string> report(
      "report",
      cl::desc("Write the compile report: FILE.json (the memory plan: arena, lower bound, "
               "every buffer's offset, size and live ops; the object's section sizes) or "
               "FILE.html (the arena drawn, "
               "with the op table)"),
      cl::value_desc("file.json|file.html"), cl::cat(category),
      cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<bool> noFusion("no-fusion",
                         cl::desc("Do not fuse activations into conv/linear or elementwise "
                                  "chains into one loop (to measure what fusion saves)"),
                         cl::cat(category), cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<bool> noMicroKernels(
      "no-micro-kernels",
      cl::desc("Compute conv2d and linear layers with generic loops instead of the target's "
               "micro-kernels (to measure what the kernels gain)"),
      cl::cat(category), cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<bool> noInPlace("no-in-place",
                          cl::desc("Never write a result over an operand that dies there "
                                   "(to measure what in-place reuse saves)"),
                          cl::cat(category), cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<bool> timing("timing",
                       cl::desc("Print the wall time of each compilation step (import, each "
                                "pipeline stage, LLVM, code generation) to stderr"),
                       cl::cat(category), cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<bool> noHeader("no-header", cl::desc("Do not write the C header beside the object"),
                         cl::cat(category), cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<bool> debugInfo("print-locations",
                          cl::desc("Print source locations (file, node, operator) in MLIR "
                                   "output"),
                          cl::cat(category), cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<std::string> linker("linker",
                              cl::desc("Linker for --emit=shared (default: ld.lld of LLVM 22, "
                                       "or $KILN_LLD)"),
                              cl::value_desc("path"), cl::cat(category),
                              cl::sub(cl::SubCommand::getTopLevel()));
  cl::list<std::string> shapes(
      "shape",
      cl::desc("Static shape of an input with dynamic dimensions, e.g. x=1x3x224x224 "
               "(repeat per input; checked against the program's ranges)"),
      cl::value_desc("name=DxDx..."), cl::cat(category), cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<std::string> method(
      "method",
      cl::desc("The method of an ExecuTorch program (.pte) to compile (default: forward)"),
      cl::value_desc("name"), cl::init("forward"), cl::cat(category),
      cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<std::string> dataFile(
      "data",
      cl::desc("External tensor data of an ExecuTorch program (.ptd; default: the .ptd "
               "beside the .pte with the same stem, if there is one)"),
      cl::value_desc("file.ptd"), cl::cat(category), cl::sub(cl::SubCommand::getTopLevel()),
      cl::sub(inspect));
  cl::opt<std::string> optLevel(
      "O",
      cl::desc("Optimization level: -O0, -O1, -O2, -O3, or -Os for size (default: the "
               "target's: -Os on cortex-m4 and cortex-m7, -O3 elsewhere)"),
      cl::value_desc("level"), cl::Prefix, cl::cat(category),
      cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<bool> writeDepfile(
      "MD",
      cl::desc("Also write a Make-style depfile naming every file the compile read (the "
               "model and its data files) and kilnc itself, as clang -MD does"),
      cl::cat(category), cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<std::string> depfilePath(
      "MF", cl::desc("The depfile -MD writes (default: the output path with .d)"),
      cl::value_desc("file"), cl::Prefix, cl::cat(category),
      cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<std::string> depfileTarget(
      "MT", cl::desc("The target of the depfile's rule (default: the output path)"),
      cl::value_desc("target"), cl::Prefix, cl::cat(category),
      cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<bool> printTargets("print-targets", cl::desc("List the targets and exit"),
                             cl::cat(category), cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<bool> listOperators(
      "list-operators",
      cl::desc("Print every operator of the schema table as 'name<TAB>core|-<TAB>yes|no' "
               "(supported or not) and exit; docs/operators.md is generated from it"),
      cl::Hidden, cl::cat(category), cl::sub(cl::SubCommand::getTopLevel()));
  cl::opt<std::string> inspectInput(cl::Positional, cl::desc("<model.pt2 | model.pte>"),
                                    cl::Required, cl::cat(category), cl::sub(inspect));

  cl::HideUnrelatedOptions(category);
  cl::HideUnrelatedOptions(category, inspect);
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "kilnc " << KILN_VERSION << " (git " << KILN_GIT_REVISION << ")\n"
       << "LLVM and MLIR " << LLVM_VERSION_STRING << "\n";
  });
  std::string usageErrors;
  llvm::raw_string_ostream usageStream(usageErrors);
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "Kiln: compiles a PyTorch model (torch.export .pt2, or an ExecuTorch .pte program) "
          "ahead of time into an object file and a C header\n\n"
          "  kilnc model.pt2 -o net.o                  object + net.h for the host\n"
          "  kilnc model.pt2 --emit=shared -o net.so   shared library for kiln-run\n"
          "  kilnc inspect model.pt2                   what the model holds and needs\n",
          &usageStream)) {
    llvm::errs() << usageErrors << "kilnc: see kilnc --help\n";
    return kExitUsage;
  }

  if (inspect) {
    kiln::ImportOptions inspectOptions;
    inspectOptions.dataPath = dataFile;
    if (!kiln::inspectModel(inspectInput, llvm::outs(), llvm::errs(), inspectOptions))
      return kExitFailed;
    kiln::inspectQuantization(inspectInput, llvm::outs());
    return kExitOk;
  }
  if (listOperators) {
    for (const kiln::OpSchema &schema : kiln::OpSchemaTable::get().all())
      llvm::outs() << schema.qualifiedName() << "\t" << (schema.core ? "core" : "-") << "\t"
                   << (kiln::findImportRule(schema.qualifiedName()) ? "yes" : "no") << "\n";
    return kExitOk;
  }
  if (printTargets) {
    for (const kiln::TargetDesc &t : kiln::allTargets())
      llvm::outs() << llvm::formatv(
          "  {0,-12} {1,-30} cpu {2,-12} {3,-17} {4}-bit index  -{5}  {6}\n", t.name, t.triple,
          t.cpu, t.features.empty() ? llvm::StringRef("-") : llvm::StringRef(t.features),
          t.indexBitwidth, kiln::optLevelName(t.optLevel), t.description);
    return kExitOk;
  }
  if (input.empty()) {
    llvm::errs() << "kilnc: no input model (see kilnc --help)\n";
    return kExitUsage;
  }

  // The options as the compiler library takes them; it parses and checks
  // them, each with its one message, and kilnc reports those as usage errors.
  auto usageError = [](llvm::Error error) {
    llvm::errs() << "kilnc: " << llvm::toString(std::move(error)) << "\n";
    return kExitUsage;
  };
  kiln::CompileOptions options;
  options.inputPath = input;
  options.outputPath = output;
  options.name = name;
  options.target = target;
  options.cpu = cpu;
  options.features = features;
  if (arenaAlign != 0) // 0: the target's
    options.pipeline.arenaAlign = arenaAlign;
  options.pipeline.ioInArena = ioInArena;
  options.pipeline.ioInt8 = io == IOKind::Int8;
  options.pipeline.fuse = !noFusion;
  options.pipeline.inPlace = !noInPlace;
  options.reportPath = report;
  options.microKernels = !noMicroKernels;
  options.writeHeader = !noHeader;
  options.printDebugInfo = debugInfo;
  options.linker = linker;
  options.import.method = method;
  options.import.dataPath = dataFile;
  for (const std::string &text : shapes) {
    auto shape = kiln::parseShapeOption(text);
    if (!shape)
      return usageError(shape.takeError());
    options.import.inputShapes.push_back(*shape);
  }
  if (!emit.empty()) {
    auto kind = kiln::parseEmitOption(emit);
    if (!kind)
      return usageError(kind.takeError());
    options.emit = *kind;
  }
  if (!stopAfter.empty()) {
    auto stage = kiln::parseStopAfterOption(stopAfter);
    if (!stage)
      return usageError(stage.takeError());
    options.stopAfter = *stage;
  }
  if (!optLevel.empty()) {
    auto level = kiln::parseOptLevelOption(optLevel);
    if (!level)
      return usageError(level.takeError());
    options.optLevel = *level;
  }
  if ((!depfilePath.empty() || !depfileTarget.empty()) && !writeDepfile) {
    llvm::errs() << "kilnc: -MF and -MT need -MD\n";
    return kExitUsage;
  }
  if (writeDepfile) {
    std::string out = output.empty() ? kiln::defaultOutputPath(options) : std::string(output);
    if (depfilePath.empty()) {
      llvm::SmallString<128> path(out);
      llvm::sys::path::replace_extension(path, "d");
      options.depfilePath = path.str().str();
    } else {
      options.depfilePath = depfilePath;
    }
    options.depfileTarget = depfileTarget;
    // kilnc itself: a new compiler may compile the same model differently.
    std::string self =
        llvm::sys::fs::getMainExecutable(argv[0], (void *)&unregisterConflictingOptions);
    if (!self.empty())
      options.depfileExtraInputs.push_back(self);
  }
  if (llvm::Error error = kiln::validateOptions(options))
    return usageError(std::move(error));
  auto banks = kiln::parseMemBankOptions(memBanks);
  if (!banks)
    return usageError(banks.takeError());
  options.pipeline.memoryBanks = std::move(*banks);

  mlir::MLIRContext context;
  kiln::prepareContext(context);
  kiln::DiagnosticPrinter printer(context, llvm::errs());
  auto result = kiln::compile(options, context);
  if (mlir::succeeded(result) && timing) {
    double total = 0;
    for (const auto &step : result->stepSeconds)
      total += step.second;
    llvm::errs() << "kilnc: wall time per step\n";
    for (const auto &step : result->stepSeconds)
      llvm::errs() << llvm::formatv("  {0,-18} {1,8:f3} s  {2,5:f1}%\n", step.first, step.second,
                                    total > 0 ? 100 * step.second / total : 0.0);
    llvm::errs() << llvm::formatv("  {0,-18} {1,8:f3} s\n", "total", total);
  }
  return mlir::succeeded(result) ? kExitOk : kExitFailed;
}
