//===- PteWalker.h - the .pte importer's walker (private) -------*- C++ -*-===//
//
// Shared by the .pte importer's files: PteImporter.cpp (values, kernel calls,
// the method), XnnpackImport.cpp (XNNPACK delegate calls) and Inspect.cpp
// (`kilnc inspect`). Not part of the importer's interface (PteImporter.h).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_IMPORT_PTE_PTEWALKER_H
#define KILN_COMPILER_IMPORT_PTE_PTEWALKER_H

#include "compiler/import/CallImport.h"
#include "compiler/import/Constants.h"
#include "compiler/import/Importer.h"
#include "compiler/import/pte/PteFile.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace kiln {
namespace pte_import {

using namespace mlir;

/// The name of a value of the method's value table.
inline std::string valueName(int64_t index) { return "v" + std::to_string(index); }
/// The index a valueName names; -1 for another name.
int64_t indexOfName(llvm::StringRef name);
/// "an int", "a tensor", ...: a value's kind in messages.
const char *kindOf(pte::KernelTypes type);
/// The operator's name as a .pte spells it: "aten::add.out".
std::string operatorName(const pte::Operator *op);
/// Whether Kiln imports an XNNPACK node type (XnnpackImport.cpp).
bool xnnSupported(fb_xnnpack::XNodeUnion type);
/// Why Kiln does not import an XNNPACK value; null when it does.
const char *xnnUnsupportedValue(const fb_xnnpack::XValue *v);

/// A kernel call resolved against the schema table.
struct ResolvedCall {
  const OpSchema *schema = nullptr;         // the functional operator imported
  std::vector<const SchemaArg *> inputArgs; // the argument each input binds to
  std::vector<int32_t> inputs;              // EValue indices
  std::vector<int32_t> outs;                // the out tensors (one per return)
  std::vector<int32_t> returns;             // the returned values
};

class PteWalker : public ProgramValues {
public:
  PteWalker(const PteFile &file, const pte::ExecutionPlan &plan, MLIRContext &ctx)
      : file(file), plan(plan), ctx(ctx), b(&ctx), path(file.displayName().str()) {}

  OwningOpRef<ModuleOp> run();

  // ProgramValues.
  FailureOr<Value> lookup(llvm::StringRef name, Location loc) override;
  FailureOr<RankedTensorType> declaredType(llvm::StringRef name, Location loc) override;
  std::optional<NodeImport::Layout> layout(llvm::StringRef) override { return std::nullopt; }
  bool isLive(llvm::StringRef name) override { return live.count(indexOfName(name)); }
  LogicalResult resolveSymbolic(OpArgument &, Location) override { return success(); }
  void define(llvm::StringRef name, Value value) override { values[name] = value; }
  void leaveUndefined(llvm::StringRef name, std::string why) override {
    undefined[name] = std::move(why);
  }

  /// The value at an index of the method's value table.
  FailureOr<const pte::EValue *> evalue(int64_t index, Location loc);
  FailureOr<const pte::Tensor *> tensorValue(int64_t index, Location loc);
  FailureOr<RankedTensorType> tensorType(int64_t index, Location loc);
  /// The operator argument a value is, read as `type` wants it.
  FailureOr<OpArgument> argument(int64_t index, const SchemaType &type, Location loc);
  /// Whether a value can be an argument of `type`.
  bool fitsType(int64_t index, const SchemaType &type);
  FailureOr<ResolvedCall> resolveKernel(const pte::KernelCall &call, Location loc);
  Location instructionLoc(size_t index, llvm::StringRef op) {
    return nodeLocation(ctx, path, "instruction " + std::to_string(index), op);
  }
  Location fileLoc() { return FileLineColLoc::get(&ctx, path, 0, 0); }

  /// A reader error's message without the file name it starts with (the
  /// diagnostic's location names the file).
  std::string withoutFileName(llvm::Error e) {
    std::string message = llvm::toString(std::move(e));
    llvm::StringRef text = message;
    if (text.consume_front(path))
      text.consume_front(": ");
    return text.str();
  }
  /// An XNNPACK delegate call: its blob parsed, every node checked.
  FailureOr<XnnpackBlob> xnnpackBlob(const pte::BackendDelegate &delegate, Location loc);
  /// Imports an XNNPACK delegate call's graph (instruction `i`).
  LogicalResult importXnnpack(size_t i, const pte::DelegateCall &call, const XnnpackBlob &blob);

private:
  FailureOr<Value> materializeConstant(int64_t index, Location loc);
  /// One operator call through importCall, its outputs named `outputs`
  /// (whose types are in `types`).
  LogicalResult callOp(Location loc, const char *ns, const char *name, const char *overload,
                       std::vector<GivenArgument> args, std::vector<std::string> outputs);
  /// A fresh name of type `type`, for an intermediate of an XNNPACK node.
  std::string temporary(RankedTensorType type) {
    std::string name = "t" + std::to_string(types.size());
    types[name] = type;
    return name;
  }
  /// The name of XNNPACK value `id` of the graph of instruction `i`.
  std::string xnnName(size_t i, uint32_t id) {
    return "x" + std::to_string(i) + "_" + std::to_string(id);
  }
  FailureOr<RankedTensorType> xnnType(const fb_xnnpack::XNNGraph &graph, uint32_t id, Location loc);
  // Quantized XNNPACK values (importXnnpack): the real values a node reads.
  /// The name of the reals of value `id`: its dequantized view if it is
  /// quantized, else the value itself.
  std::string floatName(const fb_xnnpack::XNNGraph &graph, size_t i, uint32_t id);
  /// The type of those reals (float32, the value's shape).
  RankedTensorType floatType(const fb_xnnpack::XNNGraph &graph, size_t i, uint32_t id);
  /// Defines the reals of a quantized value just defined (a dequantize of an
  /// int8 value, the real values of an int32 bias); nothing for float values
  /// and per-channel int8 weights (weightView).
  LogicalResult defineFloatView(const fb_xnnpack::XNNGraph &graph, const XnnpackBlob &blob,
                                size_t i, uint32_t id, Location loc);
  /// The reals of a weight, permuted by `perm`: a per-channel int8 weight is
  /// permuted as int8 and then dequantized along its channel's new position.
  FailureOr<std::string> weightView(const fb_xnnpack::XNNGraph &graph, size_t i, uint32_t id,
                                    std::vector<int64_t> perm, Location loc);
  /// Quantizes reals `x` into the per-tensor int8 value `id`.
  LogicalResult quantizeInto(const fb_xnnpack::XNNGraph &graph, size_t i, const std::string &x,
                             uint32_t id, Location loc);
  /// A float32 or int64 constant of a host vector.
  std::string hostConstant(RankedTensorType type, llvm::StringRef bytes, const std::string &name);
  llvm::StringMap<RankedTensorType> types; // XNNPACK values and temporaries

  const PteFile &file;
  const pte::ExecutionPlan &plan;
  MLIRContext &ctx;
  OpBuilder b;
  std::string path;
  Block *entry = nullptr;
  ConstantBuilder constants;
  llvm::StringMap<Value> values;
  llvm::StringMap<std::string> undefined;
  std::set<int64_t> live;
};

} // namespace pte_import
} // namespace kiln

#endif // KILN_COMPILER_IMPORT_PTE_PTEWALKER_H
