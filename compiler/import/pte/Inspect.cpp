//===- Inspect.cpp - what kilnc inspect prints about a .pte ---------------===//
//
// The program's header, segments and data; per method its inputs, outputs,
// constants, instructions, delegates (an XNNPACK graph's nodes by type) and
// operators (the format-neutral operator table, OperatorTable.h), and
// whether it compiles (the importer run into a scratch context).
//
//===----------------------------------------------------------------------===//
#include "compiler/import/OperatorTable.h"
#include "compiler/import/pte/PteImporter.h"
#include "compiler/import/pte/PteWalker.h"
#include "dialects/kiln/ElementTypes.h"
#include "dialects/kiln/KilnDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/FormatVariadic.h"

#include <map>

using namespace mlir;

namespace kiln {

using namespace pte_import;
namespace xnn = fb_xnnpack;

namespace {
std::string typeText(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}
} // namespace

bool inspectPte(llvm::StringRef path, llvm::StringRef dataPath, llvm::raw_ostream &os,
                llvm::raw_ostream &errs) {
  auto bytes = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                           /*RequiresNullTerminator=*/false);
  if (!bytes) {
    errs << "error: " << path << ": cannot read the file: " << bytes.getError().message() << "\n";
    return false;
  }
  uint64_t size = (*bytes)->getBufferSize();
  auto opened = PteFile::open(std::move(*bytes), path, dataPath);
  if (!opened) {
    errs << "error: " << llvm::toString(opened.takeError()) << "\n";
    return false;
  }
  const PteFile &file = **opened;
  const pte::Program &program = file.program();
  os << path << ": ExecuTorch program (ET12), " << size << " bytes, schema version "
     << program.version() << ", "
     << (file.hasExtendedHeader() ? "extended header" : "no extended header") << "\n";
  uint64_t segmentBytes = 0;
  if (program.segments())
    for (const pte::DataSegment *s : *program.segments())
      segmentBytes += s->size();
  os << llvm::formatv("segments: {0} ({1} bytes); legacy constant buffers: {2}; named data: {3}\n",
                      program.segments() ? program.segments()->size() : 0, segmentBytes,
                      program.constant_buffer() ? program.constant_buffer()->size() : 0,
                      program.named_data() ? program.named_data()->size() : 0);
  if (!file.dataFile().empty())
    os << "external data: " << file.dataFile() << "\n";

  for (const std::string &name : file.methodNames()) {
    const pte::ExecutionPlan *plan = *file.method(name);
    MLIRContext ctx;
    ctx.loadDialect<KilnDialect, arith::ArithDialect, func::FuncDialect>();
    // Kiln's verdict on the method: its first error, if any.
    std::string firstError;
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
      if (d.getSeverity() == DiagnosticSeverity::Error && firstError.empty())
        firstError = d.str();
      return success();
    });
    PteWalker walker(file, *plan, ctx);
    os << "method '" << name << "':\n";
    os << "inputs:\n";
    if (plan->inputs())
      for (size_t k = 0; k < plan->inputs()->size(); ++k) {
        int32_t index = plan->inputs()->Get(k);
        auto type = walker.tensorType(index, walker.fileLoc());
        os << llvm::formatv("  input_{0,-18} value {1,-4} {2}\n", k, index,
                            succeeded(type) ? typeText(*type) : "(not a tensor Kiln reads)");
      }
    os << "outputs:\n";
    if (plan->outputs())
      for (size_t k = 0; k < plan->outputs()->size(); ++k) {
        int32_t index = plan->outputs()->Get(k);
        auto type = walker.tensorType(index, walker.fileLoc());
        os << llvm::formatv("  output_{0,-17} value {1,-4} {2}\n", k, index,
                            succeeded(type) ? typeText(*type) : "(not a tensor Kiln reads)");
      }
    unsigned constants = 0;
    uint64_t constantBytes = 0;
    if (plan->values())
      for (const pte::EValue *v : *plan->values()) {
        const pte::Tensor *t = v ? v->val_as_Tensor() : nullptr;
        bool external = t && t->extra_tensor_info() &&
                        t->extra_tensor_info()->location() == pte::TensorDataLocation::EXTERNAL;
        if (!t || (t->data_buffer_idx() == 0 && !external))
          continue;
        ++constants;
        const ElementType *e = elementTypeOfPteCode(static_cast<int>(t->scalar_type()));
        uint64_t n = e ? e->size : 0;
        if (t->sizes())
          for (int32_t d : *t->sizes())
            n *= d > 0 ? static_cast<uint64_t>(d) : 0;
        constantBytes += n;
      }
    os << llvm::formatv("values: {0}; constant tensors: {1} ({2} bytes)\n",
                        plan->values() ? plan->values()->size() : 0, constants, constantBytes);
    unsigned kernels = 0, delegateCalls = 0, moves = 0, frees = 0, jumps = 0;
    std::vector<InspectedCall> calls;
    const auto *chains = plan->chains();
    if (chains)
      for (const pte::Chain *chain : *chains)
        if (chain && chain->instructions())
          for (const pte::Instruction *instruction : *chain->instructions()) {
            switch (instruction->instr_args_type()) {
            case pte::InstructionArguments::KernelCall: {
              ++kernels;
              const pte::KernelCall *call = instruction->instr_args_as_KernelCall();
              const auto *ops = plan->operators();
              InspectedCall inspected;
              inspected.op = ops && call->op_index() >= 0 &&
                                     static_cast<uint64_t>(call->op_index()) < ops->size()
                                 ? operatorName(ops->Get(call->op_index()))
                                 : "(operator " + std::to_string(call->op_index()) + ")";
              auto r = walker.resolveKernel(*call, walker.fileLoc());
              if (succeeded(r)) {
                inspected.target =
                    OpTarget{r->schema->ns, r->schema->name,
                             r->schema->overload.empty() ? "default" : r->schema->overload};
                inspected.op += " (" + r->schema->qualifiedName() + ")";
              }
              calls.push_back(std::move(inspected));
              break;
            }
            case pte::InstructionArguments::DelegateCall:
              ++delegateCalls;
              break;
            case pte::InstructionArguments::MoveCall:
              ++moves;
              break;
            case pte::InstructionArguments::FreeCall:
              ++frees;
              break;
            case pte::InstructionArguments::JumpFalseCall:
              ++jumps;
              break;
            default:
              break;
            }
          }
    os << llvm::formatv("instructions: {0} kernel calls, {1} delegate calls, {2} moves, {3} "
                        "frees, {4} jumps\n",
                        kernels, delegateCalls, moves, frees, jumps);
    os << "delegates:" << (plan->delegates() && plan->delegates()->size() ? "\n" : " none\n");
    if (plan->delegates())
      for (const pte::BackendDelegate *delegate : *plan->delegates()) {
        std::string id = delegate->id() ? delegate->id()->str() : "(no id)";
        auto blob = file.delegateData(*delegate);
        std::string where = blob ? std::to_string(blob->size()) + " bytes"
                                 : "unreadable: " + llvm::toString(blob.takeError());
        llvm::StringRef kind = blob && blob->size() >= 8 ? blob->substr(4, 4) : "";
        std::string supported = "no";
        std::string graphText;
        if (id == "XnnpackBackend" && blob) {
          // The XNNPACK graph: its values and nodes by type.
          auto parsed = XnnpackBlob::parse(*blob, file);
          if (!parsed) {
            supported = "no: " + walker.withoutFileName(parsed.takeError());
          } else {
            const xnn::XNNGraph &graph = parsed->graph();
            std::map<std::string, unsigned> nodeTypes;
            bool all = true;
            if (graph.xnodes())
              for (const xnn::XNode *node : *graph.xnodes()) {
                ++nodeTypes[xnn::EnumNameXNodeUnion(node->xnode_union_type())];
                all &= xnnSupported(node->xnode_union_type());
              }
            bool valuesOk = true, quantized = false;
            if (graph.xvalues())
              for (const xnn::XValue *v : *graph.xvalues()) {
                valuesOk &= xnnUnsupportedValue(v) == nullptr;
                quantized |= v->xvalue_union_type() == xnn::XValueUnion::XNNQuantizedTensorValue;
              }
            supported = !all        ? "no (node types Kiln does not import)"
                        : !valuesOk ? "no (values of a datatype Kiln does not import)"
                        : quantized ? "yes (int8)"
                                    : "yes";
            graphText = llvm::formatv("    XNNGraph: {0} values, {1} nodes:",
                                      graph.xvalues() ? graph.xvalues()->size() : 0,
                                      graph.xnodes() ? graph.xnodes()->size() : 0)
                            .str();
            for (const auto &[type, count] : nodeTypes)
              graphText += " " + type + " " + std::to_string(count);
            graphText += "\n";
          }
        }
        os << llvm::formatv("  {0,-22} {1}{2}, {3} compile specs; supported: {4}\n", id, where,
                            kind.empty() ? "" : " ('" + kind.str() + "')",
                            delegate->compile_specs() ? delegate->compile_specs()->size() : 0,
                            supported)
           << graphText;
      }
    printOperatorTable(os, calls);
    firstError.clear();
    OwningOpRef<ModuleOp> module = walker.run();
    os << "compiles: "
       << (module ? std::string("yes")
                  : "no: " + (firstError.empty() ? "(no message)" : firstError))
       << "\n";
  }
  return true;
}

} // namespace kiln
