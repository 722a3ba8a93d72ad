//===- Pipeline.cpp - Kiln's compilation stages ---------------------------===//
#include "compiler/pipeline/Pipeline.h"
#include "passes/Passes.h"
#include "passes/memory/MemoryPlan.h"

#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace kiln {

static constexpr std::pair<Stage, llvm::StringLiteral> kStageNames[] = {
    {Stage::Import, "import"},       {Stage::Graph, "graph"},   {Stage::Lower, "lower"},
    {Stage::Bufferize, "bufferize"}, {Stage::Memory, "memory"}, {Stage::LLVM, "llvm"}};

llvm::StringRef stageName(Stage stage) {
  for (auto &[s, name] : kStageNames)
    if (s == stage)
      return name;
  return "?";
}

std::optional<Stage> parseStage(llvm::StringRef name) {
  for (auto &[s, n] : kStageNames)
    if (n == name)
      return s;
  return std::nullopt;
}

std::string stageNames() {
  std::string names;
  for (auto &[s, name] : kStageNames)
    names += (names.empty() ? "" : "|") + name.str();
  return names;
}

/// The textual pass list of each stage. Upstream passes are used through
/// their registered names: the names and options are the stable interface.
static std::string stagePassList(Stage stage, const PipelineOptions &o) {
  switch (stage) {
  case Stage::Import:
    return "";
  case Stage::Graph:
    return llvm::formatv("func.func(kiln-remove-noops, kiln-form-linear, kiln-fold-batch-norm, "
                         "kiln-fold-constants, {0}kiln-quantize-uint8, "
                         "kiln-quantize-data-movement, kiln-remove-noops, kiln-fold-constants, "
                         "kiln-quantize-conv-linear, kiln-quantize-add, kiln-quantize-mul, "
                         "kiln-quantize-matmul, kiln-quantize-dynamic-linear, "
                         "kiln-quantize-avg-pool, "
                         "kiln-quantize-concat-pad, kiln-quantize-elementwise, "
                         "kiln-sink-permutes, "
                         "canonicalize, cse, {1}"
                         "kiln-dce)",
                         o.fuse ? "kiln-fuse-activations, " : "", o.ioInt8 ? "kiln-int8-io, " : "")
        .str();
  case Stage::Lower:
    return llvm::formatv(
               "func.func(kiln-select-micro-kernels{{mr={1} nr={2} kc={3} qmr={4} "
               "qnr={5} qoff={6} qfours={7}}), "
               "convert-kiln-to-linalg, func.func(canonicalize, cse{0})",
               !o.fuse ? ""
               : o.flattenElementwise
                   ? ", kiln-fuse-elementwise, kiln-flatten-elementwise, canonicalize, cse"
                   : ", kiln-fuse-elementwise, canonicalize, cse",
               o.microKernelMR, o.microKernelNR, o.microKernelKC, o.microKernelQMR,
               o.microKernelQNR, o.microKernelQOff, o.microKernelQFours)
        .str();
  case Stage::Bufferize:
    return llvm::formatv(
               // kiln-distinct-results after eliminate-empty-tensors, which would
               // turn its copies into empty ones.
               "eliminate-empty-tensors, func.func(kiln-distinct-results), "
               "one-shot-bufferize{{bufferize-function-boundaries=1 "
               "function-boundary-type-conversion=identity-layout-map{0}}, "
               "buffer-results-to-out-params{{hoist-static-allocs=1 modify-public-functions=1}, "
               "func.func(cse, canonicalize, kiln-lower-strided-copies)",
               o.inPlace ? "" : " copy-before-write=1")
        .str();
  case Stage::Memory:
    return ""; // built from the options' structs: buildStagePipeline
  case Stage::LLVM:
    return llvm::formatv(
               "kiln-lower-micro-kernels{{index-bitwidth={0}}, kiln-flatten-constant-globals, "
               "func.func(convert-linalg-to-loops, kiln-approximate-math{{expand-rounding={1}}, "
               "canonicalize, "
               "arith-expand{{include-bf16=true}), "
               "expand-strided-metadata, "
               "lower-affine, convert-scf-to-cf, convert-math-to-llvm, "
               "finalize-memref-to-llvm{{index-bitwidth={0}}, "
               "convert-arith-to-llvm{{index-bitwidth={0}}, "
               "convert-func-to-llvm{{use-bare-ptr-memref-call-conv=1 index-bitwidth={0}}, "
               "convert-cf-to-llvm{{index-bitwidth={0}}, "
               "convert-index-to-llvm{{index-bitwidth={0}}, reconcile-unrealized-casts, "
               "canonicalize",
               o.indexBitwidth, o.expandRounding ? "true" : "false")
        .str();
  }
  return "";
}

LogicalResult buildStagePipeline(OpPassManager &pm, Stage stage, const PipelineOptions &options) {
  if (stage == Stage::Memory) {
    // The banks go to the planner as structs, not as text to parse again.
    PlanArenaPassOptions plan;
    if (options.arenaAlign)
      plan.alignment = *options.arenaAlign;
    plan.inPlace = options.inPlace;
    plan.ioInArena = options.ioInArena;
    pm.addPass(createPlanArenaPass(plan, options.memoryBanks));
    return success();
  }
  std::string passes = stagePassList(stage, options);
  if (passes.empty())
    return success();
  return parsePassPipeline(passes, pm, llvm::errs());
}

LogicalResult buildPipeline(OpPassManager &pm, Stage from, Stage to,
                            const PipelineOptions &options) {
  for (int s = static_cast<int>(from) + 1; s <= static_cast<int>(to); ++s)
    if (failed(buildStagePipeline(pm, static_cast<Stage>(s), options)))
      return failure();
  return success();
}

namespace {
/// The options of the `kiln-stage-*` pipelines (kiln-opt): PipelineOptions
/// as text, with PipelineOptions' defaults.
struct StageOptions : public PassPipelineOptions<StageOptions> {
  inline static const PipelineOptions defaults{};
  Option<unsigned> indexBitwidth{*this, "index-bitwidth", llvm::cl::desc("Bits of the index type"),
                                 llvm::cl::init(defaults.indexBitwidth)};
  Option<int64_t> arenaAlign{*this, "arena-align",
                             llvm::cl::desc("Arena and buffer alignment in bytes (0: the "
                                            "planner's default)"),
                             llvm::cl::init(0)};
  Option<bool> fuse{*this, "fuse", llvm::cl::desc("Fuse activations and elementwise chains"),
                    llvm::cl::init(defaults.fuse)};
  Option<bool> inPlace{*this, "in-place",
                       llvm::cl::desc("Write results over operands that die there"),
                       llvm::cl::init(defaults.inPlace)};
  ListOption<std::string> memoryBanks{*this, "mem-banks",
                                      llvm::cl::desc("Memory banks NAME:SIZE[:ALIGN]")};
  Option<bool> ioInArena{*this, "io-in-arena",
                         llvm::cl::desc("Place inputs and outputs in the arena"),
                         llvm::cl::init(defaults.ioInArena)};
  Option<bool> ioInt8{*this, "io-int8",
                      llvm::cl::desc("int8 inputs and outputs for a quantized program"),
                      llvm::cl::init(defaults.ioInt8)};
  Option<int64_t> microKernelMR{*this, "micro-kernel-mr",
                                llvm::cl::desc("Micro-kernel tile rows (0: no micro-kernels)"),
                                llvm::cl::init(defaults.microKernelMR)};
  Option<int64_t> microKernelNR{*this, "micro-kernel-nr",
                                llvm::cl::desc("Micro-kernel tile columns"),
                                llvm::cl::init(defaults.microKernelNR)};
  Option<int64_t> microKernelKC{*this, "micro-kernel-kc",
                                llvm::cl::desc("Micro-kernel K block depth"),
                                llvm::cl::init(defaults.microKernelKC)};
  Option<int64_t> microKernelQMR{*this, "micro-kernel-qmr",
                                 llvm::cl::desc("int8 micro-kernel tile rows (0: none)"),
                                 llvm::cl::init(defaults.microKernelQMR)};
  Option<int64_t> microKernelQNR{*this, "micro-kernel-qnr",
                                 llvm::cl::desc("int8 micro-kernel tile columns"),
                                 llvm::cl::init(defaults.microKernelQNR)};
  Option<int64_t> microKernelQOff{*this, "micro-kernel-qoff",
                                  llvm::cl::desc("int8 micro-kernels' activation offset"),
                                  llvm::cl::init(defaults.microKernelQOff)};
  Option<bool> microKernelQFours{*this, "micro-kernel-qfours",
                                 llvm::cl::desc("int8 conv weights in channel fours (C % 4 == 0)"),
                                 llvm::cl::init(defaults.microKernelQFours)};
  Option<bool> flattenElementwise{*this, "flatten-elementwise",
                                  llvm::cl::desc("Collapse elementwise loops to one dimension"),
                                  llvm::cl::init(defaults.flattenElementwise)};
  Option<bool> expandRounding{*this, "expand-rounding",
                              llvm::cl::desc("Expand floor/ceil/trunc into integer conversions"),
                              llvm::cl::init(defaults.expandRounding)};

  llvm::Expected<PipelineOptions> toOptions() const {
    PipelineOptions o;
    o.indexBitwidth = indexBitwidth;
    if (arenaAlign != 0)
      o.arenaAlign = arenaAlign;
    o.fuse = fuse;
    o.inPlace = inPlace;
    auto banks = parseBankSpecs(memoryBanks);
    if (!banks)
      return banks.takeError();
    o.memoryBanks = std::move(*banks);
    o.ioInArena = ioInArena;
    o.ioInt8 = ioInt8;
    o.expandRounding = expandRounding;
    o.flattenElementwise = flattenElementwise;
    o.microKernelMR = microKernelMR;
    o.microKernelNR = microKernelNR;
    o.microKernelKC = microKernelKC;
    o.microKernelQMR = microKernelQMR;
    o.microKernelQNR = microKernelQNR;
    o.microKernelQOff = microKernelQOff;
    o.microKernelQFours = microKernelQFours;
    return o;
  }
};

/// Registers `argument` as a pipeline of the stages after `from` up to `to`.
void registerStages(llvm::StringRef argument, llvm::StringRef description, Stage from, Stage to) {
  registerPassPipeline(
      argument, description,
      [from, to](OpPassManager &pm, llvm::StringRef text,
                 llvm::function_ref<LogicalResult(const llvm::Twine &)> errorHandler) {
        StageOptions stageOptions;
        if (failed(stageOptions.parseFromString(text)))
          return failure();
        llvm::Expected<PipelineOptions> options = stageOptions.toOptions();
        if (!options)
          return errorHandler("mem-banks: " + llvm::toString(options.takeError()));
        return buildPipeline(pm, from, to, *options);
      },
      [](llvm::function_ref<void(const detail::PassOptions &)> optionHandler) {
        optionHandler(StageOptions());
      });
}
} // namespace

void registerKilnPipelines() {
  for (auto &[stage, name] : kStageNames) {
    if (stage == Stage::Import)
      continue;
    registerStages(("kiln-stage-" + name).str(), ("Kiln's '" + name + "' stage").str(),
                   static_cast<Stage>(static_cast<int>(stage) - 1), stage);
  }
  registerStages("kiln-pipeline", "Every Kiln stage from kiln IR to the LLVM dialect",
                 Stage::Import, Stage::LLVM);
}

} // namespace kiln
