//===- PteImporter.cpp - ExecuTorch programs to kiln IR -------------------===//
//
// Values are named by their index in the method's value table ("v12"); the
// function's arguments and results are named input_K and output_K (a .pte
// file names neither). A kernel call's arguments are EValue indices in its
// out-variant schema's order: the inputs, the out tensors, then the values
// it returns (the out tensors again). resolveKernel finds the functional
// schema whose arguments those inputs are (aten::add.out with a Tensor
// `other`: aten::add.Tensor; with a number: aten::add.Scalar).
//
//===----------------------------------------------------------------------===//
#include "compiler/import/pte/PteImporter.h"
#include "compiler/import/CallImport.h"
#include "compiler/import/Constants.h"
#include "compiler/import/OperatorTable.h"
#include "compiler/import/pte/PteFile.h"
#include "dialects/kiln/ElementTypes.h"
#include "dialects/kiln/KilnDialect.h"
#include "dialects/kiln/MlirElementTypes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>

using namespace mlir;

namespace kiln {

namespace {

/// The name of a value of the method's value table.
std::string valueName(int64_t index) { return "v" + std::to_string(index); }

/// The index a valueName names; -1 for another name.
int64_t indexOfName(llvm::StringRef name) {
  int64_t index;
  if (!name.consume_front("v") || name.getAsInteger(10, index) || index < 0)
    return -1;
  return index;
}

const char *kindOf(pte::KernelTypes type) {
  switch (type) {
  case pte::KernelTypes::NONE:
    return "nothing";
  case pte::KernelTypes::Null:
    return "None";
  case pte::KernelTypes::Int:
    return "an int";
  case pte::KernelTypes::Bool:
    return "a bool";
  case pte::KernelTypes::Double:
    return "a float";
  case pte::KernelTypes::Tensor:
    return "a tensor";
  case pte::KernelTypes::String:
    return "a string";
  case pte::KernelTypes::IntList:
    return "an int list";
  case pte::KernelTypes::DoubleList:
    return "a float list";
  case pte::KernelTypes::BoolList:
    return "a bool list";
  case pte::KernelTypes::TensorList:
    return "a tensor list";
  case pte::KernelTypes::OptionalTensorList:
    return "an optional tensor list";
  }
  return "an unknown value";
}

/// A kernel call resolved against the schema table.
struct ResolvedCall {
  const OpSchema *schema = nullptr;         // the functional operator imported
  std::vector<const SchemaArg *> inputArgs; // the argument each input binds to
  std::vector<int32_t> inputs;              // EValue indices
  std::vector<int32_t> outs;                // the out tensors (one per return)
  std::vector<int32_t> returns;             // the returned values
};

/// Out variants whose arguments are not their functional operator's plus
/// the out tensors: they drop the TensorOptions (dtype, layout, device,
/// pin_memory), which the out tensor carries (PyTorch's native_functions.yaml
/// and ExecuTorch's dim_order_ops_registry.py).
const std::vector<OpSchema> &outVariantSchemas() {
  static const std::vector<OpSchema> schemas = [] {
    std::vector<OpSchema> parsed;
    for (const char *text :
         {"aten::_to_copy.out(Tensor self, *, bool non_blocking=False, MemoryFormat? "
          "memory_format=None, Tensor(a!) out) -> Tensor(a!)",
          "dim_order_ops::_to_dim_order_copy.out(Tensor self, *, bool non_blocking=False, "
          "int[]? dim_order=None, Tensor(a!) out) -> Tensor(a!)"}) {
      auto schema = parseOpSchema(text);
      if (!schema)
        llvm::report_fatal_error(llvm::toString(schema.takeError()).c_str());
      parsed.push_back(std::move(*schema));
    }
    return parsed;
  }();
  return schemas;
}

/// The operator's name as a .pte spells it: "aten::add.out".
std::string operatorName(const pte::Operator *op) {
  std::string name = op && op->name() ? op->name()->str() : "";
  if (op && op->overload() && op->overload()->size())
    name += "." + op->overload()->str();
  return name;
}

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

FailureOr<const pte::EValue *> PteWalker::evalue(int64_t index, Location loc) {
  const auto *table = plan.values();
  if (!table || index < 0 || static_cast<uint64_t>(index) >= table->size() ||
      !table->Get(static_cast<flatbuffers::uoffset_t>(index)))
    return emitError(loc) << "refers to value " << index << ", outside the method's "
                          << (table ? table->size() : 0) << " values";
  return table->Get(static_cast<flatbuffers::uoffset_t>(index));
}

FailureOr<const pte::Tensor *> PteWalker::tensorValue(int64_t index, Location loc) {
  auto v = evalue(index, loc);
  if (failed(v))
    return failure();
  const pte::Tensor *t = (*v)->val_as_Tensor();
  if (!t)
    return emitError(loc) << "value " << index << " is " << kindOf((*v)->val_type())
                          << ", where a tensor is needed";
  return t;
}

FailureOr<RankedTensorType> PteWalker::tensorType(int64_t index, Location loc) {
  auto t = tensorValue(index, loc);
  if (failed(t))
    return failure();
  const pte::Tensor &tensor = **t;
  const ElementType *e = elementTypeOfPteCode(static_cast<int>(tensor.scalar_type()));
  Type et = e ? mlirElementType(*e, &ctx) : Type();
  if (!et)
    return emitError(loc) << "value " << index << " has ExecuTorch dtype code "
                          << static_cast<int>(tensor.scalar_type()) << " ("
                          << (e ? e->name : "unknown") << "), which Kiln does not support";
  if (tensor.shape_dynamism() != pte::TensorShapeDynamism::STATIC)
    return emitError(loc) << "value " << index << " has a dynamic shape ("
                          << (tensor.shape_dynamism() == pte::TensorShapeDynamism::DYNAMIC_BOUND
                                  ? "bounded"
                                  : "unbounded")
                          << "); Kiln compiles static shapes: export with static shapes";
  SmallVector<int64_t> shape;
  uint64_t elements = 1;
  if (tensor.sizes())
    for (int32_t d : *tensor.sizes()) {
      if (d < 0)
        return emitError(loc) << "value " << index << " has a negative size " << d;
      elements *= static_cast<uint64_t>(d);
      if (elements > (uint64_t(1) << 40))
        return emitError(loc) << "value " << index << " has more than 2^40 elements";
      shape.push_back(d);
    }
  if (tensor.dim_order())
    for (size_t i = 0; i < tensor.dim_order()->size(); ++i)
      if (tensor.dim_order()->Get(i) != i)
        return emitError(loc) << "value " << index << " has a dim order other than the "
                              << "contiguous one (channels last), which Kiln does not read yet";
  if (tensor.storage_offset() != 0)
    return emitError(loc) << "value " << index << " has a storage offset of "
                          << tensor.storage_offset() << "; ExecuTorch and Kiln take only 0";
  return RankedTensorType::get(shape, et);
}

FailureOr<RankedTensorType> PteWalker::declaredType(llvm::StringRef name, Location loc) {
  auto it = types.find(name);
  if (it != types.end())
    return it->second;
  int64_t index = indexOfName(name);
  if (index < 0)
    return emitError(loc) << "value '" << name << "' is not in the method's value table";
  return tensorType(index, loc);
}

FailureOr<Value> PteWalker::materializeConstant(int64_t index, Location loc) {
  auto type = tensorType(index, loc);
  if (failed(type))
    return failure();
  const pte::Tensor *tensor = *tensorValue(index, loc);
  const ElementType *e = elementTypeOfPteCode(static_cast<int>(tensor->scalar_type()));
  uint64_t bytes = static_cast<uint64_t>(type->getNumElements()) * e->size;
  auto data = file.tensorData(*tensor, bytes);
  if (!data)
    return emitError(loc) << "value " << index << ": " << withoutFileName(data.takeError());
  std::string resource = "pte_constant_" + std::to_string(index);
  if (tensor->extra_tensor_info() && tensor->extra_tensor_info()->fully_qualified_name() &&
      tensor->extra_tensor_info()->fully_qualified_name()->size())
    resource = tensor->extra_tensor_info()->fully_qualified_name()->str();
  Value constant = constants.create(b, fileLoc(), *type, *data, resource);
  values[valueName(index)] = constant;
  return Value(constant);
}

FailureOr<Value> PteWalker::lookup(llvm::StringRef name, Location loc) {
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  auto why = undefined.find(name);
  if (why != undefined.end())
    return emitError(loc) << "uses '" << name << "', " << why->second;
  int64_t index = indexOfName(name);
  auto t = tensorValue(index, loc);
  if (failed(t))
    return failure();
  const pte::ExtraTensorInfo *extra = (*t)->extra_tensor_info();
  bool external = extra && extra->location() == pte::TensorDataLocation::EXTERNAL;
  if ((*t)->data_buffer_idx() > 0 || external)
    return materializeConstant(index, loc);
  return emitError(loc) << "uses value " << index
                        << ", which no earlier instruction or input defines";
}

bool PteWalker::fitsType(int64_t index, const SchemaType &type) {
  const auto *table = plan.values();
  if (!table || index < 0 || static_cast<uint64_t>(index) >= table->size())
    return false;
  pte::KernelTypes kind = table->Get(static_cast<flatbuffers::uoffset_t>(index))->val_type();
  if (kind == pte::KernelTypes::Null)
    return type.optional;
  using Base = SchemaType::Base;
  if (type.isList) {
    if (type.base == Base::Tensor)
      return kind == pte::KernelTypes::TensorList || kind == pte::KernelTypes::OptionalTensorList;
    return kind == pte::KernelTypes::IntList || kind == pte::KernelTypes::DoubleList ||
           kind == pte::KernelTypes::BoolList;
  }
  switch (type.base) {
  case Base::Tensor:
    return kind == pte::KernelTypes::Tensor;
  case Base::Int:
  case Base::SymInt:
  case Base::ScalarType:
  case Base::Layout:
  case Base::MemoryFormat:
    return kind == pte::KernelTypes::Int;
  case Base::Float:
    return kind == pte::KernelTypes::Double || kind == pte::KernelTypes::Int;
  case Base::Bool:
    return kind == pte::KernelTypes::Bool;
  case Base::Scalar:
    return kind == pte::KernelTypes::Int || kind == pte::KernelTypes::Double ||
           kind == pte::KernelTypes::Bool;
  case Base::Str:
    return kind == pte::KernelTypes::String;
  default:
    return false;
  }
}

FailureOr<OpArgument> PteWalker::argument(int64_t index, const SchemaType &type, Location loc) {
  auto v = evalue(index, loc);
  if (failed(v))
    return failure();
  const pte::EValue &value = **v;
  OpArgument a;
  switch (value.val_type()) {
  case pte::KernelTypes::NONE:
  case pte::KernelTypes::Null:
    return a;
  case pte::KernelTypes::Int: {
    int64_t i = value.val_as_Int()->int_val();
    a = OpArgument::ofInt(i);
    if (type.base == SchemaType::Base::ScalarType && !type.isList) {
      // c10's code (the .pte numbering) to torch.export's (the rules').
      const ElementType *e = elementTypeOfPteCode(static_cast<int>(i));
      if (!e)
        return emitError(loc) << "value " << index << " is dtype code " << i
                              << ", which Kiln does not know";
      a.kind = OpArgument::Kind::ScalarType;
      a.i = static_cast<int64_t>(e->scalarType);
    } else if (type.base == SchemaType::Base::MemoryFormat && !type.isList) {
      // c10: contiguous 0, preserve 1, channels last 2, channels last 3d 3;
      // torch.export: 1, 4, 2, 3.
      static const int64_t exportCode[] = {1, 4, 2, 3};
      if (i < 0 || i > 3)
        return emitError(loc) << "value " << index << " is memory format " << i
                              << ", which Kiln does not know";
      a.kind = OpArgument::Kind::MemoryFormat;
      a.i = exportCode[i];
    } else if (type.base == SchemaType::Base::Float && !type.isList) {
      a = OpArgument::ofFloat(static_cast<double>(i));
    }
    return a;
  }
  case pte::KernelTypes::Bool:
    return OpArgument::ofBool(value.val_as_Bool()->bool_val());
  case pte::KernelTypes::Double:
    return OpArgument::ofFloat(value.val_as_Double()->double_val());
  case pte::KernelTypes::String:
    a.kind = OpArgument::Kind::String;
    a.s = value.val_as_String()->string_val() ? value.val_as_String()->string_val()->str() : "";
    return a;
  case pte::KernelTypes::Tensor:
    return OpArgument::ofTensor(valueName(index));
  case pte::KernelTypes::IntList: {
    // Items are indices of Int values (FORMATS.md §3.3).
    a.kind = OpArgument::Kind::Ints;
    if (const auto *items = value.val_as_IntList()->items())
      for (flatbuffers::uoffset_t k = 0; k < items->size(); ++k) {
        int64_t item = vectorElement(*items, k);
        auto element = evalue(item, loc);
        if (failed(element))
          return failure();
        if (!(*element)->val_as_Int())
          return emitError(loc) << "int list " << index << " has item " << item << ", which is "
                                << kindOf((*element)->val_type()) << ", not an int";
        a.ints.push_back((*element)->val_as_Int()->int_val());
      }
    return a;
  }
  case pte::KernelTypes::DoubleList:
    a.kind = OpArgument::Kind::Floats;
    if (const auto *items = value.val_as_DoubleList()->items())
      for (flatbuffers::uoffset_t k = 0; k < items->size(); ++k)
        a.floats.push_back(vectorElement(*items, k));
    return a;
  case pte::KernelTypes::BoolList:
    a.kind = OpArgument::Kind::Bools;
    if (const auto *items = value.val_as_BoolList()->items())
      for (uint8_t item : *items)
        a.ints.push_back(item != 0);
    return a;
  case pte::KernelTypes::TensorList:
  case pte::KernelTypes::OptionalTensorList: {
    bool optional = value.val_type() == pte::KernelTypes::OptionalTensorList;
    a.kind = optional ? OpArgument::Kind::OptionalTensors : OpArgument::Kind::Tensors;
    const flatbuffers::Vector<int32_t> *items =
        optional ? value.val_as_OptionalTensorList()->items() : value.val_as_TensorList()->items();
    if (items)
      for (int32_t item : *items) {
        if (optional && item == -1) {
          a.names.push_back("");
          continue;
        }
        auto t = tensorValue(item, loc);
        if (failed(t))
          return failure();
        a.names.push_back(valueName(item));
      }
    return a;
  }
  }
  return emitError(loc) << "value " << index << " has an unknown kind";
}

FailureOr<ResolvedCall> PteWalker::resolveKernel(const pte::KernelCall &call, Location loc) {
  const auto *ops = plan.operators();
  if (!ops || call.op_index() < 0 || static_cast<uint64_t>(call.op_index()) >= ops->size())
    return emitError(loc) << "calls operator " << call.op_index() << ", outside the method's "
                          << (ops ? ops->size() : 0) << " operators";
  const pte::Operator *op = ops->Get(call.op_index());
  llvm::StringRef qualified = op && op->name() ? ref(op->name()) : "";
  llvm::StringRef overload = op && op->overload() ? ref(op->overload()) : "";
  auto [ns, name] = qualified.split("::");
  if (name.empty())
    return emitError(loc) << "operator '" << qualified << "' has no namespace";
  std::vector<int32_t> args;
  if (call.args())
    args.assign(call.args()->begin(), call.args()->end());
  for (int32_t index : args)
    if (failed(evalue(index, loc)))
      return failure();

  // An out variant that drops arguments: bound by its own schema, imported
  // as its functional operator (the dropped arguments take their defaults).
  for (const OpSchema &out : outVariantSchemas()) {
    if (out.ns != ns || out.name != name || out.overload != overload)
      continue;
    const OpSchema *functional = OpSchemaTable::get().lookup(ns, name, "");
    if (!functional)
      break;
    ResolvedCall resolved;
    resolved.schema = functional;
    for (const SchemaArg &a : out.arguments)
      if (!a.type.mutates)
        for (const SchemaArg &f : functional->arguments)
          if (f.name == a.name)
            resolved.inputArgs.push_back(&f);
    size_t n = resolved.inputArgs.size(), r = out.arguments.size() - n;
    if (args.size() != n + 2 * r)
      return emitError(loc) << operatorName(op) << " has " << args.size()
                            << " arguments; its schema " << out.text << " takes " << n + 2 * r;
    resolved.inputs.assign(args.begin(), args.begin() + n);
    resolved.outs.assign(args.begin() + n, args.begin() + n + r);
    resolved.returns.assign(args.end() - r, args.end());
    return resolved;
  }
  // An out variant ("out", "Scalar_out", ...) carries a functional
  // operator's arguments, one out tensor per return, then the returns.
  bool outVariant = overload == "out" || overload.ends_with("_out");
  llvm::StringRef base = outVariant ? overload.drop_back(overload == "out" ? 3 : 4) : overload;
  std::vector<const OpSchema *> candidates;
  for (const OpSchema &schema : OpSchemaTable::get().all()) {
    if (schema.ns != ns || schema.name != name || schema.mutatedArgument() >= 0)
      continue;
    if (!outVariant) {
      if (schema.overload == overload || (overload.empty() && schema.overload == "default") ||
          (overload == "default" && schema.overload.empty()))
        candidates.push_back(&schema);
      continue;
    }
    // "Scalar_out" is the out variant of "Scalar"; "out" of any overload.
    if (base.empty() || schema.overload == base)
      candidates.push_back(&schema);
  }
  std::string spelled = operatorName(op);
  if (candidates.empty())
    return emitError(loc) << "operator " << spelled
                          << " has no definition Kiln knows (a custom operator, or one Kiln does "
                             "not support): export without it, or use operators from the Core "
                             "ATen opset";
  for (const OpSchema *schema : candidates) {
    size_t n = schema->arguments.size(), r = schema->returns.size();
    if (args.size() != n + (outVariant ? 2 : 1) * r)
      continue;
    bool fits = true;
    for (size_t i = 0; i < n && fits; ++i)
      fits = fitsType(args[i], schema->arguments[i].type);
    if (!fits)
      continue;
    ResolvedCall resolved;
    resolved.schema = schema;
    for (const SchemaArg &a : schema->arguments)
      resolved.inputArgs.push_back(&a);
    resolved.inputs.assign(args.begin(), args.begin() + n);
    if (outVariant)
      resolved.outs.assign(args.begin() + n, args.begin() + n + r);
    resolved.returns.assign(args.end() - r, args.end());
    return resolved;
  }
  InFlightDiagnostic diag = emitError(loc);
  diag << "the " << args.size() << " arguments of " << spelled << " fit no schema Kiln has for it:";
  for (const OpSchema *schema : candidates)
    diag << " " << schema->text << ";";
  return diag;
}

//===----------------------------------------------------------------------===//
// XNNPACK delegate calls
//===----------------------------------------------------------------------===//

namespace xnn = fb_xnnpack;

/// XNN_INVALID_VALUE_ID: no value (a convolution's or linear layer's absent
/// bias).
constexpr uint32_t kXnnNoValue = 0xffffffffu;
/// XNN_FLAG_TRANSPOSE_WEIGHTS on a fully connected node: the filter is [K, N].
constexpr uint32_t kXnnTransposeWeights = 1;

/// The tensor of an XNNPACK value, quantized or not.
const xnn::XNNTensorValue *xnnTensor(const xnn::XValue *v) {
  if (const auto *t = v->xvalue_union_as_XNNTensorValue())
    return t;
  if (const auto *q = v->xvalue_union_as_XNNQuantizedTensorValue())
    return q->tensor_value();
  return nullptr;
}

/// Whether Kiln imports an XNNPACK value: float32, or int8 / int32 quantized
/// per tensor or per channel (what ExecuTorch's partitioner writes for PT2E
/// programs); null, or why not.
const char *xnnUnsupportedValue(const xnn::XValue *v) {
  const xnn::XNNTensorValue *t = xnnTensor(v);
  if (!t)
    return "has no tensor";
  using D = xnn::XNNDatatype;
  if (v->xvalue_union_type() == xnn::XValueUnion::XNNTensorValue)
    return t->datatype() == D::xnn_datatype_fp32 ? nullptr : "is not float32 and not quantized";
  const auto *q = v->xvalue_union_as_XNNQuantizedTensorValue();
  bool perTensor = q->quant_params_type() == xnn::XNNQuantParams::PerTensorQuant;
  bool perChannel = q->quant_params_type() == xnn::XNNQuantParams::PerChannelQuant;
  switch (t->datatype()) {
  case D::xnn_datatype_qint8:
  case D::xnn_datatype_qint32:
    return perTensor ? nullptr : "is per-tensor int8/int32 with other quantization parameters";
  case D::xnn_datatype_qcint8:
  case D::xnn_datatype_qcint32:
    return perChannel && q->quant_params_as_PerChannelQuant()->scale()
               ? nullptr
               : "is per-channel int8/int32 without per-channel scales";
  default:
    return "has a quantized datatype Kiln does not import (4-bit, dynamic or blockwise "
           "quantization)";
  }
}

/// Whether Kiln imports an XNNPACK node type (importXnnpack).
bool xnnSupported(xnn::XNodeUnion type) {
  using U = xnn::XNodeUnion;
  switch (type) {
  case U::XNNAdd:
  case U::XNNSubtract:
  case U::XNNMultiply:
  case U::XNNDiv:
  case U::XNNMinimum:
  case U::XNNMaximum:
  case U::XNNFullyConnected:
  case U::XNNSoftmax:
  case U::XNNSigmoid:
  case U::XNNHardswish:
  case U::XNNClamp:
  case U::XNNStaticTranspose:
  case U::XNNStaticReshape:
  case U::XNNConv2d:
  case U::XNNDepthwiseConv2d:
  case U::XNNMaxPooling2d:
  case U::XNNAvgPooling2d:
  case U::XNNGlobalAvgPooling2d:
  case U::XNNConcatenate2:
  case U::XNNConcatenate3:
  case U::XNNConcatenate4:
  case U::XNNConcatenate5:
  case U::XNNStaticConstantPad:
  case U::XNNAbs:
  case U::XNNNegate:
  case U::XNNSquareRoot:
  case U::XNNFloor:
  case U::XNNCeiling:
  case U::XNNLeakyReLU:
  case U::XNNELU:
  case U::XNNGelu:
  case U::XNNConvert:
    return true;
  default:
    return false;
  }
}

FailureOr<XnnpackBlob> PteWalker::xnnpackBlob(const pte::BackendDelegate &delegate, Location loc) {
  auto bytes = file.delegateData(delegate);
  if (!bytes)
    return emitError(loc) << withoutFileName(bytes.takeError());
  auto blob = XnnpackBlob::parse(*bytes, file);
  if (!blob)
    return emitError(loc) << withoutFileName(blob.takeError());
  const xnn::XNNGraph &graph = blob->graph();
  uint32_t values = graph.xvalues() ? graph.xvalues()->size() : 0;
  if (graph.xnodes())
    for (size_t k = 0; k < graph.xnodes()->size(); ++k) {
      const xnn::XNode *node = graph.xnodes()->Get(k);
      if (!xnnSupported(node->xnode_union_type()))
        return emitError(loc) << "XNNPACK node " << k << " is "
                              << xnn::EnumNameXNodeUnion(node->xnode_union_type())
                              << ", which Kiln does not import yet";
    }
  if (graph.xvalues())
    for (uint32_t id = 0; id < values; ++id) {
      const xnn::XValue *v = graph.xvalues()->Get(id);
      if (const char *why = xnnUnsupportedValue(v))
        return emitError(loc) << "XNNPACK value " << id << " " << why;
    }
  return std::move(*blob);
}

FailureOr<RankedTensorType> PteWalker::xnnType(const xnn::XNNGraph &graph, uint32_t id,
                                               Location loc) {
  if (!graph.xvalues() || id >= graph.xvalues()->size())
    return emitError(loc) << "refers to XNNPACK value " << id << ", outside the graph's "
                          << (graph.xvalues() ? graph.xvalues()->size() : 0) << " values";
  const xnn::XNNTensorValue *t = xnnTensor(graph.xvalues()->Get(id));
  SmallVector<int64_t> shape;
  uint64_t elements = 1;
  if (t->dims())
    for (uint32_t d : *t->dims()) {
      elements *= d;
      if (elements > (uint64_t(1) << 40))
        return emitError(loc) << "XNNPACK value " << id << " has more than 2^40 elements";
      shape.push_back(d);
    }
  if (t->num_dims() != shape.size())
    return emitError(loc) << "XNNPACK value " << id << " says " << t->num_dims()
                          << " dimensions but lists " << shape.size();
  using D = xnn::XNNDatatype;
  Type element =
      t->datatype() == D::xnn_datatype_qint8 || t->datatype() == D::xnn_datatype_qcint8
          ? b.getIntegerType(8)
      : t->datatype() == D::xnn_datatype_qint32 || t->datatype() == D::xnn_datatype_qcint32
          ? b.getIntegerType(32)
          : Type(b.getF32Type());
  return RankedTensorType::get(shape, element);
}

LogicalResult PteWalker::callOp(Location loc, const char *ns, const char *name,
                                const char *overload, std::vector<GivenArgument> args,
                                std::vector<std::string> outputs) {
  OperatorCall call;
  call.target = {ns, name, overload};
  call.node = "xnnpack";
  call.arguments = std::move(args);
  for (std::string &out : outputs)
    call.outputs.push_back(OpArgument::ofTensor(std::move(out)));
  return importCall(b, loc, call, *this);
}

/// The quantized tensor of value `id`; null for a float one.
const xnn::XNNQuantizedTensorValue *xnnQuant(const xnn::XNNGraph &graph, uint32_t id) {
  return graph.xvalues()->Get(id)->xvalue_union_as_XNNQuantizedTensorValue();
}

/// int8 as torch.export's ScalarType code (the rules' numbering).
OpArgument int8Dtype() {
  OpArgument a;
  a.kind = OpArgument::Kind::ScalarType;
  a.i = static_cast<int64_t>(ScalarType::Char);
  return a;
}

std::string PteWalker::floatName(const xnn::XNNGraph &graph, size_t i, uint32_t id) {
  return xnnQuant(graph, id) ? xnnName(i, id) + "f" : xnnName(i, id);
}

RankedTensorType PteWalker::floatType(const xnn::XNNGraph &graph, size_t i, uint32_t id) {
  return RankedTensorType::get(types[xnnName(i, id)].getShape(), b.getF32Type());
}

std::string PteWalker::hostConstant(RankedTensorType type, llvm::StringRef bytes,
                                    const std::string &name) {
  types[name] = type;
  values[name] = constants.create(b, fileLoc(), type, bytes, name);
  return name;
}

LogicalResult PteWalker::defineFloatView(const xnn::XNNGraph &graph, const XnnpackBlob &blob,
                                         size_t i, uint32_t id, Location loc) {
  const xnn::XNNQuantizedTensorValue *q = xnnQuant(graph, id);
  if (!q)
    return success();
  using D = xnn::XNNDatatype;
  D datatype = q->tensor_value()->datatype();
  std::string view = floatName(graph, i, id);
  RankedTensorType type = floatType(graph, i, id);
  types[view] = type;
  if (datatype == D::xnn_datatype_qint8) {
    const xnn::PerTensorQuant *p = q->quant_params_as_PerTensorQuant();
    return callOp(loc, "quantized_decomposed", "dequantize_per_tensor", "default",
                  {{"input", OpArgument::ofTensor(xnnName(i, id))},
                   {"scale", OpArgument::ofFloat(p->scale())},
                   {"zero_point", OpArgument::ofInt(p->zero_point())},
                   {"quant_min", OpArgument::ofInt(-128)},
                   {"quant_max", OpArgument::ofInt(127)},
                   {"dtype", int8Dtype()}},
                  {view});
  }
  if (datatype == D::xnn_datatype_qint32 || datatype == D::xnn_datatype_qcint32) {
    // A bias: its real values, computed here (the quantization passes
    // requantize a float32 bias with the product of the scales).
    const xnn::XNNTensorValue *t = q->tensor_value();
    if (t->constant_buffer_idx() == 0)
      return emitError(loc) << "XNNPACK value " << id
                            << " is an int32 tensor that is not a "
                               "constant (a bias)";
    int64_t n = type.getNumElements();
    auto data = blob.constant(t->constant_buffer_idx(), static_cast<uint64_t>(n) * 4);
    if (!data)
      return emitError(loc) << withoutFileName(data.takeError());
    std::vector<float> reals(n);
    for (int64_t k = 0; k < n; ++k) {
      int32_t v;
      std::memcpy(&v, data->data() + 4 * k, 4);
      double scale = 0;
      if (const xnn::PerTensorQuant *tensor = q->quant_params_as_PerTensorQuant()) {
        scale = tensor->scale();
      } else {
        const xnn::PerChannelQuant *channel = q->quant_params_as_PerChannelQuant();
        if (type.getRank() != 1 || channel->scale()->size() != static_cast<uint32_t>(n))
          return emitError(loc) << "XNNPACK value " << id << " is an int32 bias of " << type
                                << " with " << channel->scale()->size() << " scales";
        scale = channel->scale()->Get(k);
      }
      reals[k] = static_cast<float>(v * scale);
    }
    values.erase(view);
    hostConstant(type, llvm::StringRef(reinterpret_cast<const char *>(reals.data()), 4 * n), view);
    return success();
  }
  return success(); // qcint8 weights: weightView
}

FailureOr<std::string> PteWalker::weightView(const xnn::XNNGraph &graph, size_t i, uint32_t id,
                                             std::vector<int64_t> perm, Location loc) {
  // permute(x, perm) into a fresh temporary.
  auto permuteTo = [&](const std::string &x, RankedTensorType type) -> FailureOr<std::string> {
    bool identity = true;
    for (size_t k = 0; k < perm.size(); ++k)
      identity &= perm[k] == static_cast<int64_t>(k);
    if (identity)
      return x;
    SmallVector<int64_t> shape;
    for (int64_t p : perm)
      shape.push_back(type.getShape()[p]);
    std::string out = temporary(RankedTensorType::get(shape, type.getElementType()));
    if (failed(callOp(loc, "aten", "permute", "default",
                      {{"self", OpArgument::ofTensor(x)}, {"dims", OpArgument::ofInts(perm)}},
                      {out})))
      return failure();
    return out;
  };
  const xnn::XNNQuantizedTensorValue *q = xnnQuant(graph, id);
  if (!q)
    return permuteTo(xnnName(i, id), types[xnnName(i, id)]);
  if (q->tensor_value()->datatype() != xnn::XNNDatatype::xnn_datatype_qcint8)
    return permuteTo(floatName(graph, i, id), floatType(graph, i, id));
  const xnn::PerChannelQuant *p = q->quant_params_as_PerChannelQuant();
  RankedTensorType type = types[xnnName(i, id)];
  int64_t dim = p->channel_dim();
  if (dim < 0 || dim >= type.getRank() || p->scale()->size() != type.getDimSize(dim))
    return emitError(loc) << "XNNPACK value " << id << " has " << p->scale()->size()
                          << " scales for channel dimension " << dim << " of " << type;
  auto permuted = permuteTo(xnnName(i, id), type);
  if (failed(permuted))
    return failure();
  int64_t axis = 0;
  for (size_t k = 0; k < perm.size(); ++k)
    if (perm[k] == dim)
      axis = static_cast<int64_t>(k);
  std::vector<float> scales(p->scale()->begin(), p->scale()->end());
  std::vector<int64_t> zeros(scales.size(), 0);
  int64_t c = static_cast<int64_t>(scales.size());
  std::string base = xnnName(i, id);
  std::string scaleName = hostConstant(
      RankedTensorType::get({c}, b.getF32Type()),
      llvm::StringRef(reinterpret_cast<const char *>(scales.data()), 4 * scales.size()),
      base + "_scales");
  std::string zeroName =
      hostConstant(RankedTensorType::get({c}, b.getIntegerType(64)),
                   llvm::StringRef(reinterpret_cast<const char *>(zeros.data()), 8 * zeros.size()),
                   base + "_zero_points");
  RankedTensorType permutedType = types[*permuted];
  std::string out = temporary(RankedTensorType::get(permutedType.getShape(), b.getF32Type()));
  if (failed(callOp(loc, "quantized_decomposed", "dequantize_per_channel", "default",
                    {{"input", OpArgument::ofTensor(*permuted)},
                     {"scales", OpArgument::ofTensor(scaleName)},
                     {"zero_points", OpArgument::ofTensor(zeroName)},
                     {"axis", OpArgument::ofInt(axis)},
                     {"quant_min", OpArgument::ofInt(-127)},
                     {"quant_max", OpArgument::ofInt(127)},
                     {"dtype", int8Dtype()}},
                    {out})))
    return failure();
  return out;
}

LogicalResult PteWalker::quantizeInto(const xnn::XNNGraph &graph, size_t i, const std::string &x,
                                      uint32_t id, Location loc) {
  const xnn::XNNQuantizedTensorValue *q = xnnQuant(graph, id);
  if (q->tensor_value()->datatype() != xnn::XNNDatatype::xnn_datatype_qint8)
    return emitError(loc) << "computes XNNPACK value " << id
                          << ", which is not a per-tensor int8 value";
  const xnn::PerTensorQuant *p = q->quant_params_as_PerTensorQuant();
  return callOp(loc, "quantized_decomposed", "quantize_per_tensor", "default",
                {{"input", OpArgument::ofTensor(x)},
                 {"scale", OpArgument::ofFloat(p->scale())},
                 {"zero_point", OpArgument::ofInt(p->zero_point())},
                 {"quant_min", OpArgument::ofInt(-128)},
                 {"quant_max", OpArgument::ofInt(127)},
                 {"dtype", int8Dtype()}},
                {xnnName(i, id)});
}

LogicalResult PteWalker::importXnnpack(size_t i, const pte::DelegateCall &call,
                                       const XnnpackBlob &blob) {
  const xnn::XNNGraph &graph = blob.graph();
  Location delegateLoc = instructionLoc(i, "delegate XnnpackBackend");
  uint32_t count = graph.xvalues() ? graph.xvalues()->size() : 0;
  // Every value's type; constants materialized now (weights are small next
  // to the graph, and each is used).
  for (uint32_t id = 0; id < count; ++id) {
    auto type = xnnType(graph, id, delegateLoc);
    if (failed(type))
      return failure();
    types[xnnName(i, id)] = *type;
    const xnn::XNNTensorValue *t = xnnTensor(graph.xvalues()->Get(id));
    if (t->constant_buffer_idx() == 0)
      continue;
    uint64_t bytes = static_cast<uint64_t>(type->getNumElements()) *
                     (type->getElementType().getIntOrFloatBitWidth() / 8);
    auto data = blob.constant(t->constant_buffer_idx(), bytes);
    if (!data)
      return emitError(delegateLoc)
             << "XNNPACK value " << id << ": " << withoutFileName(data.takeError());
    std::string key = "xnnpack_" + std::to_string(i) + "_" + std::to_string(id);
    Value constant = constants.create(b, fileLoc(), *type, *data, key);
    values[xnnName(i, id)] = constant;
  }
  // The call's arguments: the graph's inputs, then its outputs.
  std::vector<int32_t> args;
  if (call.args())
    args.assign(call.args()->begin(), call.args()->end());
  size_t inputs = graph.input_ids() ? graph.input_ids()->size() : 0;
  size_t outputs = graph.output_ids() ? graph.output_ids()->size() : 0;
  if (args.size() != inputs + outputs)
    return emitError(delegateLoc) << "passes " << args.size() << " values to an XNNPACK graph of "
                                  << inputs << " inputs and " << outputs << " outputs";
  for (size_t k = 0; k < inputs; ++k) {
    uint32_t id = graph.input_ids()->Get(k);
    if (id >= count)
      return emitError(delegateLoc) << "XNNPACK input " << k << " is value " << id
                                    << ", outside the graph's " << count << " values";
    auto v = lookup(valueName(args[k]), delegateLoc);
    auto declared = tensorType(args[k], delegateLoc);
    if (failed(v) || failed(declared))
      return failure();
    if (*declared != types[xnnName(i, id)])
      return emitError(delegateLoc) << "XNNPACK input " << k << " is " << types[xnnName(i, id)]
                                    << " but the program passes " << *declared;
    values[xnnName(i, id)] = *v;
  }

  auto named = [&](const char *name, OpArgument value) { return GivenArgument{name, value}; };
  auto ints = [&](std::vector<int64_t> v) { return OpArgument::ofInts(std::move(v)); };
  auto tensorArg = [&](const char *name, uint32_t id) {
    return GivenArgument{name, OpArgument::ofTensor(floatName(graph, i, id))};
  };
  auto typeOfName = [&](const std::string &name) { return types[name]; };
  auto permuted = [&](RankedTensorType type, ArrayRef<int64_t> perm) {
    SmallVector<int64_t> shape;
    for (int64_t p : perm)
      shape.push_back(type.getShape()[p]);
    return RankedTensorType::get(shape, type.getElementType());
  };
  // permute(x, perm) into a new temporary; its name.
  auto permute = [&](Location loc, const std::string &x,
                     std::vector<int64_t> perm) -> FailureOr<std::string> {
    std::string out = temporary(permuted(typeOfName(x), perm));
    if (failed(callOp(loc, "aten", "permute", "default",
                      {{"self", OpArgument::ofTensor(x)}, named("dims", ints(perm))}, {out})))
      return failure();
    return out;
  };

  // Quantized values are used as reals: the dequantized view of every
  // per-tensor int8 value (graph inputs and constants here, node outputs as
  // they are made) and the real values of int32 biases; per-channel weights
  // are dequantized where a node reads them (after any permute, so that the
  // quantization passes see a dequantize of an int8 constant).
  for (uint32_t id = 0; id < count; ++id)
    if (values.count(xnnName(i, id)) && failed(defineFloatView(graph, blob, i, id, delegateLoc)))
      return failure();

  if (graph.xnodes())
    for (size_t k = 0; k < graph.xnodes()->size(); ++k) {
      const xnn::XNode *node = graph.xnodes()->Get(k);
      const char *kind = xnn::EnumNameXNodeUnion(node->xnode_union_type());
      Location loc =
          nodeLocation(ctx, path, "instruction " + std::to_string(i) + " node " + std::to_string(k),
                       std::string("xnnpack ") + kind);
      auto checkId = [&](uint32_t id) -> LogicalResult {
        if (id >= count)
          return emitError(loc) << "refers to XNNPACK value " << id << ", outside the graph's "
                                << count << " values";
        return success();
      };
      // The node's output before its clamp, and where the clamp writes.
      uint32_t outId = 0;
      std::string result;
      // The fused output range (a clamp node's bounds): a clamp after the
      // node, or, for the NCHW operators, before the permute back to NHWC (so
      // that the graph passes fuse it into the convolution).
      const xnn::OutputMinMax *range = node->output_min_max();
      double lo = range ? range->output_min() : -std::numeric_limits<double>::infinity();
      double hi = range ? range->output_max() : std::numeric_limits<double>::infinity();
      bool clamped = std::isinf(lo) && std::isinf(hi);
      auto clamp = [&](const std::string &x, const std::string &out) {
        return callOp(loc, "aten", "clamp", "default",
                      {named("self", OpArgument::ofTensor(x)),
                       named("min", std::isinf(lo) ? OpArgument::none() : OpArgument::ofFloat(lo)),
                       named("max", std::isinf(hi) ? OpArgument::none() : OpArgument::ofFloat(hi))},
                      {out});
      };
      // The NCHW result of a convolution or pooling back in NHWC as the node's
      // output: a quantized output is quantized first (in NCHW, next to the
      // operator, for the quantization passes) and its int8 permuted.
      bool defined = false;
      auto backToNhwc = [&](const std::string &nchw) -> LogicalResult {
        if (!xnnQuant(graph, outId)) {
          auto back = permute(loc, nchw, {0, 2, 3, 1});
          if (failed(back))
            return failure();
          result = *back;
          return success();
        }
        RankedTensorType t = types[nchw];
        std::string q = temporary(RankedTensorType::get(t.getShape(), b.getIntegerType(8)));
        const xnn::PerTensorQuant *p = xnnQuant(graph, outId)->quant_params_as_PerTensorQuant();
        if (!p)
          return emitError(loc) << "computes XNNPACK value " << outId
                                << ", which is not a per-tensor int8 value";
        if (failed(callOp(loc, "quantized_decomposed", "quantize_per_tensor", "default",
                          {named("input", OpArgument::ofTensor(nchw)),
                           named("scale", OpArgument::ofFloat(p->scale())),
                           named("zero_point", OpArgument::ofInt(p->zero_point())),
                           named("quant_min", OpArgument::ofInt(-128)),
                           named("quant_max", OpArgument::ofInt(127)), named("dtype", int8Dtype())},
                          {q})) ||
            failed(
                callOp(loc, "aten", "permute", "default",
                       {named("self", OpArgument::ofTensor(q)), named("dims", ints({0, 2, 3, 1}))},
                       {xnnName(i, outId)})) ||
            failed(defineFloatView(graph, blob, i, outId, loc)))
          return failure();
        defined = true;
        return success();
      };
      auto clampFirst = [&](std::string &x) -> LogicalResult {
        if (clamped)
          return success();
        std::string out = temporary(types[x]);
        if (failed(clamp(x, out)))
          return failure();
        x = out;
        clamped = true;
        return success();
      };
      using U = xnn::XNodeUnion;
      U type = node->xnode_union_type();
      auto binary = [&](const char *name, const char *overload) -> LogicalResult {
        const xnn::_XNNNode2x1 *n = static_cast<const xnn::_XNNNode2x1 *>(node->xnode_union());
        if (failed(checkId(n->input1_id())) || failed(checkId(n->input2_id())) ||
            failed(checkId(n->output_id())))
          return failure();
        outId = n->output_id();
        result = temporary(floatType(graph, i, outId));
        return callOp(loc, "aten", name, overload,
                      {tensorArg("self", n->input1_id()), tensorArg("other", n->input2_id())},
                      {result});
      };
      // A node of one input (any node table with input_id and output_id) as
      // the aten operator `name` of `self` and `extra`, made by `extra` from
      // the node once its values are checked.
      auto oneInput = [&](const auto *n, const char *name, const char *overload,
                          auto extra) -> LogicalResult {
        if (failed(checkId(n->input_id())) || failed(checkId(n->output_id())))
          return failure();
        outId = n->output_id();
        result = temporary(floatType(graph, i, outId));
        FailureOr<std::vector<GivenArgument>> more = extra(n);
        if (failed(more))
          return failure();
        std::vector<GivenArgument> args = {tensorArg("self", n->input_id())};
        args.insert(args.end(), more->begin(), more->end());
        return callOp(loc, "aten", name, overload, std::move(args), {result});
      };
      auto unary = [&](const char *name, const char *overload,
                       std::vector<GivenArgument> extra = {}) -> LogicalResult {
        return oneInput(
            static_cast<const xnn::_XNNNode1x1 *>(node->xnode_union()), name, overload,
            [&](const auto *) -> FailureOr<std::vector<GivenArgument>> { return extra; });
      };
      LogicalResult status = success();
      switch (type) {
      case U::XNNAdd:
        status = binary("add", "Tensor");
        break;
      case U::XNNSubtract:
        status = binary("sub", "Tensor");
        break;
      case U::XNNMultiply:
        status = binary("mul", "Tensor");
        break;
      case U::XNNDiv:
        status = binary("div", "Tensor");
        break;
      case U::XNNMinimum:
        status = binary("minimum", "default");
        break;
      case U::XNNMaximum:
        status = binary("maximum", "default");
        break;
      case U::XNNSigmoid:
        status = unary("sigmoid", "default");
        break;
      case U::XNNHardswish:
        status = unary("hardswish", "default");
        break;
      case U::XNNAbs:
        status = unary("abs", "default");
        break;
      case U::XNNNegate:
        status = unary("neg", "default");
        break;
      case U::XNNSquareRoot:
        status = unary("sqrt", "default");
        break;
      case U::XNNFloor:
        status = unary("floor", "default");
        break;
      case U::XNNCeiling:
        status = unary("ceil", "default");
        break;
      case U::XNNGelu:
        status = unary("gelu", "default");
        break;
      case U::XNNClamp: {
        // The bounds are the node's output_min_max, applied below.
        const auto *n = node->xnode_union_as_XNNClamp();
        if (failed(checkId(n->input_id())) || failed(checkId(n->output_id())))
          return failure();
        outId = n->output_id();
        result = floatName(graph, i, n->input_id());
        break;
      }
      case U::XNNConvert: {
        // To or from int8: the quantize below, or the dequantized view.
        const auto *n = node->xnode_union_as_XNNConvert();
        if (failed(checkId(n->input_id())) || failed(checkId(n->output_id())))
          return failure();
        outId = n->output_id();
        result = floatName(graph, i, n->input_id());
        break;
      }
      case U::XNNSoftmax: {
        int64_t rank = types[xnnName(i, node->xnode_union_as_XNNSoftmax()->input_id())].getRank();
        status = unary("_softmax", "default",
                       {named("dim", OpArgument::ofInt(rank - 1)),
                        named("half_to_float", OpArgument::ofBool(false))});
        break;
      }
      case U::XNNGlobalAvgPooling2d: {
        // NHWC's mean over H and W, as NCHW's over the trailing dimensions
        // (the pooling the quantization passes fold) between permutes.
        const auto *n = node->xnode_union_as_XNNGlobalAvgPooling2d();
        if (failed(checkId(n->input_id())) || failed(checkId(n->output_id())))
          return failure();
        if (types[xnnName(i, n->input_id())].getRank() != 4)
          return emitError(loc) << "pools a " << types[xnnName(i, n->input_id())].getRank()
                                << "-d value; Kiln reads 4-d (NHWC) ones";
        outId = n->output_id();
        auto input = permute(loc, floatName(graph, i, n->input_id()), {0, 3, 1, 2});
        if (failed(input))
          return failure();
        std::string nchw = temporary(permuted(floatType(graph, i, outId), {0, 3, 1, 2}));
        if (failed(callOp(loc, "aten", "mean", "dim",
                          {named("self", OpArgument::ofTensor(*input)), named("dim", ints({2, 3})),
                           named("keepdim", OpArgument::ofBool(true))},
                          {nchw})) ||
            failed(clampFirst(nchw)) || failed(backToNhwc(nchw)))
          return failure();
        break;
      }
      case U::XNNLeakyReLU:
        status = oneInput(node->xnode_union_as_XNNLeakyReLU(), "leaky_relu", "default",
                          [&](const auto *n) -> FailureOr<std::vector<GivenArgument>> {
                            return std::vector<GivenArgument>{
                                named("negative_slope", OpArgument::ofFloat(n->negative_slope()))};
                          });
        break;
      case U::XNNELU:
        status = oneInput(node->xnode_union_as_XNNELU(), "elu", "default",
                          [&](const auto *n) -> FailureOr<std::vector<GivenArgument>> {
                            return std::vector<GivenArgument>{
                                named("alpha", OpArgument::ofFloat(n->alpha()))};
                          });
        break;
      case U::XNNStaticTranspose:
        status = oneInput(node->xnode_union_as_XNNStaticTranspose(), "permute", "default",
                          [&](const auto *n) -> FailureOr<std::vector<GivenArgument>> {
                            std::vector<int64_t> perm;
                            if (n->perm())
                              perm.assign(n->perm()->begin(), n->perm()->end());
                            return std::vector<GivenArgument>{named("dims", ints(perm))};
                          });
        break;
      case U::XNNStaticReshape:
        status = oneInput(node->xnode_union_as_XNNStaticReshape(), "view", "default",
                          [&](const auto *n) -> FailureOr<std::vector<GivenArgument>> {
                            ArrayRef<int64_t> shape = types[xnnName(i, n->output_id())].getShape();
                            return std::vector<GivenArgument>{named(
                                "size", ints(std::vector<int64_t>(shape.begin(), shape.end())))};
                          });
        break;
      case U::XNNStaticConstantPad:
        status = oneInput(
            node->xnode_union_as_XNNStaticConstantPad(), "constant_pad_nd", "default",
            [&](const auto *n) -> FailureOr<std::vector<GivenArgument>> {
              int64_t rank = types[xnnName(i, n->input_id())].getRank();
              if (!n->pre_paddings() || !n->post_paddings() || n->pre_paddings()->size() != rank ||
                  n->post_paddings()->size() != rank)
                return emitError(loc)
                       << "has paddings for other than its input's " << rank << " dimensions";
              // aten's pad lists (before, after) pairs from the last dimension.
              std::vector<int64_t> pad;
              for (int64_t d = rank - 1; d >= 0; --d) {
                pad.push_back(n->pre_paddings()->Get(d));
                pad.push_back(n->post_paddings()->Get(d));
              }
              return std::vector<GivenArgument>{
                  named("pad", ints(pad)), named("value", OpArgument::ofFloat(n->padding_value()))};
            });
        break;
      case U::XNNConcatenate2:
      case U::XNNConcatenate3:
      case U::XNNConcatenate4:
      case U::XNNConcatenate5: {
        const auto *n = static_cast<const xnn::_XNNCat *>(node->xnode_union());
        int parts = type == U::XNNConcatenate2   ? 2
                    : type == U::XNNConcatenate3 ? 3
                    : type == U::XNNConcatenate4 ? 4
                                                 : 5;
        uint32_t ids[5] = {n->input1_id(), n->input2_id(), n->input3_id(), n->input4_id(),
                           n->input5_id()};
        OpArgument list;
        list.kind = OpArgument::Kind::Tensors;
        for (int p = 0; p < parts; ++p) {
          if (failed(checkId(ids[p])))
            return failure();
          list.names.push_back(floatName(graph, i, ids[p]));
        }
        if (failed(checkId(n->output_id())))
          return failure();
        outId = n->output_id();
        result = temporary(floatType(graph, i, outId));
        status =
            callOp(loc, "aten", "cat", "default",
                   {named("tensors", list), named("dim", OpArgument::ofInt(n->axis()))}, {result});
        break;
      }
      case U::XNNFullyConnected: {
        const auto *n = node->xnode_union_as_XNNFullyConnected();
        if (failed(checkId(n->input1_id())) || failed(checkId(n->filter_id())) ||
            failed(checkId(n->output_id())) ||
            (n->bias_id() != kXnnNoValue && failed(checkId(n->bias_id()))))
          return failure();
        auto filter = weightView(graph, i, n->filter_id(),
                                 n->flags() & kXnnTransposeWeights ? std::vector<int64_t>{1, 0}
                                                                   : std::vector<int64_t>{0, 1},
                                 loc);
        if (failed(filter))
          return failure();
        std::string weight = *filter;
        outId = n->output_id();
        result = temporary(floatType(graph, i, outId));
        status = callOp(
            loc, "aten", "linear", "default",
            {tensorArg("input", n->input1_id()), named("weight", OpArgument::ofTensor(weight)),
             named("bias", n->bias_id() == kXnnNoValue
                               ? OpArgument::none()
                               : OpArgument::ofTensor(floatName(graph, i, n->bias_id())))},
            {result});
        break;
      }
      case U::XNNConv2d:
      case U::XNNDepthwiseConv2d: {
        // NHWC with an OHWI filter (depthwise: 1HWO) as aten's NCHW
        // convolution with an OIHW filter, between permutes (the graph
        // passes cancel them against the program's own).
        const auto *n = static_cast<const xnn::_XNNNodeConv *>(node->xnode_union());
        if (failed(checkId(n->input1_id())) || failed(checkId(n->filter_id())) ||
            failed(checkId(n->output_id())) ||
            (n->bias_id() != kXnnNoValue && failed(checkId(n->bias_id()))))
          return failure();
        if (types[xnnName(i, n->input1_id())].getRank() != 4)
          return emitError(loc) << "has a " << types[xnnName(i, n->input1_id())].getRank()
                                << "-d input; Kiln reads 2-d (NHWC) convolutions";
        auto input = permute(loc, floatName(graph, i, n->input1_id()), {0, 3, 1, 2});
        auto weight = weightView(graph, i, n->filter_id(),
                                 type == U::XNNDepthwiseConv2d ? std::vector<int64_t>{3, 0, 1, 2}
                                                               : std::vector<int64_t>{0, 3, 1, 2},
                                 loc);
        if (failed(input) || failed(weight))
          return failure();
        std::string x = *input;
        if (n->padding_top() != n->padding_bottom() || n->padding_left() != n->padding_right()) {
          RankedTensorType t = types[x];
          SmallVector<int64_t> shape(t.getShape());
          shape[2] += n->padding_top() + n->padding_bottom();
          shape[3] += n->padding_left() + n->padding_right();
          std::string padded = temporary(RankedTensorType::get(shape, t.getElementType()));
          if (failed(callOp(loc, "aten", "constant_pad_nd", "default",
                            {named("self", OpArgument::ofTensor(x)),
                             named("pad", ints({n->padding_left(), n->padding_right(),
                                                n->padding_top(), n->padding_bottom()})),
                             named("value", OpArgument::ofFloat(0))},
                            {padded})))
            return failure();
          x = padded;
        }
        bool symmetric =
            n->padding_top() == n->padding_bottom() && n->padding_left() == n->padding_right();
        outId = n->output_id();
        RankedTensorType out = floatType(graph, i, outId);
        std::string nchw = temporary(permuted(out, {0, 3, 1, 2}));
        if (failed(callOp(
                loc, "aten", "convolution", "default",
                {named("input", OpArgument::ofTensor(x)),
                 named("weight", OpArgument::ofTensor(*weight)),
                 named("bias", n->bias_id() == kXnnNoValue
                                   ? OpArgument::none()
                                   : OpArgument::ofTensor(floatName(graph, i, n->bias_id()))),
                 named("stride", ints({n->subsampling_height(), n->subsampling_width()})),
                 named("padding",
                       symmetric ? ints({n->padding_top(), n->padding_left()}) : ints({0, 0})),
                 named("dilation", ints({n->dilation_height(), n->dilation_width()})),
                 named("transposed", OpArgument::ofBool(false)),
                 named("output_padding", ints({0, 0})),
                 named("groups", OpArgument::ofInt(n->groups()))},
                {nchw})) ||
            failed(clampFirst(nchw)) || failed(backToNhwc(nchw)))
          return failure();
        break;
      }
      case U::XNNMaxPooling2d:
      case U::XNNAvgPooling2d: {
        const auto *n = static_cast<const xnn::_XNNPooling2D *>(node->xnode_union());
        if (failed(checkId(n->input_id())) || failed(checkId(n->output_id())))
          return failure();
        if (n->padding_top() != n->padding_bottom() || n->padding_left() != n->padding_right())
          return emitError(loc) << "has asymmetric padding, which Kiln does not import yet";
        bool average = type == U::XNNAvgPooling2d;
        if (average && (n->padding_top() || n->padding_left()))
          return emitError(loc) << "is an average pooling with padding, which Kiln does not "
                                   "import yet";
        auto input = permute(loc, floatName(graph, i, n->input_id()), {0, 3, 1, 2});
        if (failed(input))
          return failure();
        outId = n->output_id();
        std::string nchw = temporary(permuted(floatType(graph, i, outId), {0, 3, 1, 2}));
        std::vector<GivenArgument> args = {
            named("self", OpArgument::ofTensor(*input)),
            named("kernel_size", ints({n->pooling_height(), n->pooling_width()})),
            named("stride", ints({n->stride_height(), n->stride_width()})),
            named("padding", ints({n->padding_top(), n->padding_left()}))};
        if (!average)
          args.push_back(named("dilation", ints({n->dilation_height(), n->dilation_width()})));
        if (failed(callOp(loc, "aten", average ? "avg_pool2d" : "max_pool2d", "default",
                          std::move(args), {nchw})) ||
            failed(clampFirst(nchw)) || failed(backToNhwc(nchw)))
          return failure();
        break;
      }
      default:
        return emitError(loc) << "is an XNNPACK node Kiln does not import yet";
      }
      if (failed(status))
        return failure();
      if (defined)
        continue;
      std::string out = xnnName(i, outId);
      if (xnnQuant(graph, outId)) {
        // A quantized result: clamped in reals, quantized into its value.
        if (failed(clampFirst(result)) || failed(quantizeInto(graph, i, result, outId, loc)) ||
            failed(defineFloatView(graph, blob, i, outId, loc)))
          return failure();
        continue;
      }
      if (clamped) {
        values[out] = values[result];
        continue;
      }
      if (failed(clamp(result, out)))
        return failure();
    }
  for (size_t k = 0; k < outputs; ++k) {
    uint32_t id = graph.output_ids()->Get(k);
    auto v = lookup(xnnName(i, id), delegateLoc);
    if (failed(v))
      return failure();
    values[valueName(args[inputs + k])] = *v;
  }
  return success();
}

OwningOpRef<ModuleOp> PteWalker::run() {
  ctx.loadDialect<KilnDialect, arith::ArithDialect, func::FuncDialect>();
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc());
  llvm::StringRef method = plan.name() ? ref(plan.name()) : "";

  // The instructions, in order (one chain: ExecuTorch writes one).
  const auto *chains = plan.chains();
  if (!chains || chains->size() == 0) {
    emitError(fileLoc()) << "method '" << method << "' has no instructions";
    return nullptr;
  }
  if (chains->size() > 1) {
    emitError(fileLoc()) << "method '" << method << "' has " << chains->size()
                         << " chains; Kiln compiles programs of one chain (what ExecuTorch "
                            "writes)";
    return nullptr;
  }
  const pte::Chain *chain = chains->Get(0);
  std::vector<const pte::Instruction *> instructions;
  if (chain && chain->instructions())
    for (const pte::Instruction *instruction : *chain->instructions())
      instructions.push_back(instruction);

  // Resolve every instruction first, refusing what Kiln cannot compile.
  std::vector<std::optional<ResolvedCall>> resolved(instructions.size());
  std::map<size_t, XnnpackBlob> blobs;
  for (size_t i = 0; i < instructions.size(); ++i) {
    const pte::Instruction *instruction = instructions[i];
    switch (instruction ? instruction->instr_args_type() : pte::InstructionArguments::NONE) {
    case pte::InstructionArguments::KernelCall: {
      const pte::KernelCall *call = instruction->instr_args_as_KernelCall();
      const auto *ops = plan.operators();
      std::string op =
          ops && call->op_index() >= 0 && static_cast<uint64_t>(call->op_index()) < ops->size()
              ? operatorName(ops->Get(call->op_index()))
              : "kernel call";
      auto r = resolveKernel(*call, instructionLoc(i, op));
      if (failed(r))
        return nullptr;
      resolved[i] = std::move(*r);
      break;
    }
    case pte::InstructionArguments::DelegateCall: {
      const pte::DelegateCall *call = instruction->instr_args_as_DelegateCall();
      const auto *delegates = plan.delegates();
      if (!delegates || call->delegate_index() < 0 ||
          static_cast<uint64_t>(call->delegate_index()) >= delegates->size()) {
        emitError(instructionLoc(i, "delegate call"))
            << "calls delegate " << call->delegate_index() << ", outside the method's "
            << (delegates ? delegates->size() : 0) << " delegates";
        return nullptr;
      }
      const pte::BackendDelegate *delegate = delegates->Get(call->delegate_index());
      std::string id = delegate->id() ? delegate->id()->str() : "";
      if (id == "XnnpackBackend") {
        auto blob = xnnpackBlob(*delegate, instructionLoc(i, "delegate " + id));
        if (failed(blob))
          return nullptr;
        blobs.emplace(i, std::move(*blob));
        break;
      }
      emitError(instructionLoc(i, "delegate " + id))
          << "the program delegates to '" << id
          << "', whose blob is compiled for that backend's own runtime and hardware: Kiln "
             "cannot compile it; export without that partitioner, or give Kiln the .pt2";
      return nullptr;
    }
    case pte::InstructionArguments::JumpFalseCall:
      emitError(instructionLoc(i, "jump"))
          << "the method has control flow (a conditional jump), which Kiln does not compile; "
             "export the model without data-dependent control flow";
      return nullptr;
    case pte::InstructionArguments::MoveCall:
    case pte::InstructionArguments::FreeCall:
      break;
    default:
      emitError(instructionLoc(i, "instruction")) << "is an instruction of an unknown kind";
      return nullptr;
    }
  }

  // Inputs and outputs: tensors.
  SmallVector<Type> argTypes, resultTypes;
  std::vector<int32_t> inputs, outputs;
  if (plan.inputs())
    inputs.assign(plan.inputs()->begin(), plan.inputs()->end());
  if (plan.outputs())
    outputs.assign(plan.outputs()->begin(), plan.outputs()->end());
  for (size_t k = 0; k < inputs.size(); ++k) {
    Location loc = nodeLocation(ctx, path, "input_" + std::to_string(k), "input");
    auto v = evalue(inputs[k], loc);
    if (failed(v))
      return nullptr;
    if (!(*v)->val_as_Tensor()) {
      emitError(loc) << "input " << k << " is " << kindOf((*v)->val_type())
                     << "; Kiln compiles models whose inputs are tensors";
      return nullptr;
    }
    auto type = tensorType(inputs[k], loc);
    if (failed(type))
      return nullptr;
    argTypes.push_back(*type);
  }
  for (size_t k = 0; k < outputs.size(); ++k) {
    Location loc = nodeLocation(ctx, path, "output_" + std::to_string(k), "output");
    auto type = tensorType(outputs[k], loc);
    if (failed(type))
      return nullptr;
    resultTypes.push_back(*type);
  }
  if (outputs.empty()) {
    emitError(fileLoc()) << "method '" << method << "' has no outputs";
    return nullptr;
  }

  // What the outputs depend on, backwards.
  live.clear();
  live.insert(outputs.begin(), outputs.end());
  std::vector<bool> needed(instructions.size(), false);
  auto markArgument = [&](int32_t index) {
    live.insert(index);
    const auto *table = plan.values();
    if (!table || index < 0 || static_cast<uint64_t>(index) >= table->size())
      return;
    const pte::EValue *v = table->Get(index);
    const flatbuffers::Vector<int32_t> *items =
        v->val_as_TensorList()           ? v->val_as_TensorList()->items()
        : v->val_as_OptionalTensorList() ? v->val_as_OptionalTensorList()->items()
                                         : nullptr;
    if (items)
      for (int32_t item : *items)
        live.insert(item);
  };
  for (size_t i = instructions.size(); i-- > 0;) {
    const pte::Instruction *instruction = instructions[i];
    if (const pte::MoveCall *move = instruction->instr_args_as_MoveCall()) {
      if (live.count(move->move_to())) {
        needed[i] = true;
        live.insert(move->move_from());
      }
      continue;
    }
    if (const pte::DelegateCall *call = instruction->instr_args_as_DelegateCall()) {
      // An XNNPACK call: its inputs, then its outputs.
      const fb_xnnpack::XNNGraph &graph = blobs.at(i).graph();
      size_t inputs = graph.input_ids() ? graph.input_ids()->size() : 0;
      std::vector<int32_t> args;
      if (call->args())
        args.assign(call->args()->begin(), call->args()->end());
      bool isNeeded = false;
      for (size_t k = inputs; k < args.size(); ++k)
        isNeeded |= live.count(args[k]) > 0;
      if (!isNeeded)
        continue;
      needed[i] = true;
      for (size_t k = 0; k < inputs && k < args.size(); ++k)
        markArgument(args[k]);
      continue;
    }
    if (!resolved[i])
      continue;
    bool isNeeded = false;
    for (int32_t index : resolved[i]->outs)
      isNeeded |= live.count(index) > 0;
    for (int32_t index : resolved[i]->returns)
      isNeeded |= live.count(index) > 0;
    if (!isNeeded)
      continue;
    needed[i] = true;
    for (int32_t index : resolved[i]->inputs)
      markArgument(index);
  }

  b.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(b, fileLoc(), kEntryFunctionName,
                                   b.getFunctionType(argTypes, resultTypes));
  entry = func.addEntryBlock();
  constants.setBlock(entry);
  for (size_t k = 0; k < inputs.size(); ++k) {
    func.setArgAttr(k, kNameAttr, b.getStringAttr("input_" + std::to_string(k)));
    values[valueName(inputs[k])] = func.getArgument(k);
  }
  for (size_t k = 0; k < outputs.size(); ++k)
    func.setResultAttr(k, kNameAttr, b.getStringAttr("output_" + std::to_string(k)));
  b.setInsertionPointToEnd(entry);

  for (size_t i = 0; i < instructions.size(); ++i) {
    if (!needed[i])
      continue;
    const pte::Instruction *instruction = instructions[i];
    if (const pte::MoveCall *move = instruction->instr_args_as_MoveCall()) {
      auto v = lookup(valueName(move->move_from()), instructionLoc(i, "move"));
      if (failed(v))
        return nullptr;
      values[valueName(move->move_to())] = *v;
      continue;
    }
    if (const pte::DelegateCall *call = instruction->instr_args_as_DelegateCall()) {
      if (failed(importXnnpack(i, *call, blobs.at(i))))
        return nullptr;
      continue;
    }
    const ResolvedCall &r = *resolved[i];
    std::string spelled =
        operatorName(plan.operators()->Get(instruction->instr_args_as_KernelCall()->op_index()));
    Location loc = instructionLoc(i, spelled);
    OperatorCall call;
    call.target = {r.schema->ns, r.schema->name,
                   r.schema->overload.empty() ? "default" : r.schema->overload};
    call.node = "instruction " + std::to_string(i);
    for (size_t k = 0; k < r.inputs.size(); ++k) {
      auto a = argument(r.inputs[k], r.inputArgs[k]->type, loc);
      if (failed(a))
        return nullptr;
      call.arguments.push_back({r.inputArgs[k]->name, std::move(*a)});
    }
    const std::vector<int32_t> &defined = r.outs.empty() ? r.returns : r.outs;
    for (int32_t index : defined) {
      auto v = evalue(index, loc);
      if (failed(v))
        return nullptr;
      call.outputs.push_back((*v)->val_as_Tensor() ? OpArgument::ofTensor(valueName(index))
                                                   : OpArgument::none());
    }
    if (failed(importCall(b, loc, call, *this)))
      return nullptr;
    // The returned values are the out tensors.
    for (size_t k = 0; k < r.returns.size() && k < defined.size(); ++k)
      if (r.returns[k] != defined[k]) {
        auto it = values.find(valueName(defined[k]));
        if (it != values.end())
          values[valueName(r.returns[k])] = it->second;
      }
  }

  SmallVector<Value> results;
  for (size_t k = 0; k < outputs.size(); ++k) {
    auto v = lookup(valueName(outputs[k]),
                    nodeLocation(ctx, path, "output_" + std::to_string(k), "output"));
    if (failed(v))
      return nullptr;
    results.push_back(*v);
  }
  func::ReturnOp::create(b, fileLoc(), results);
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

} // namespace

OwningOpRef<ModuleOp> importPte(std::unique_ptr<llvm::MemoryBuffer> bytes, llvm::StringRef path,
                                MLIRContext &ctx, const ImportOptions &options) {
  Location fileLoc = FileLineColLoc::get(&ctx, path, 0, 0);
  auto report = [&](llvm::Error e) {
    std::string message = llvm::toString(std::move(e));
    llvm::StringRef text = message;
    text.consume_front(path);
    text.consume_front(": ");
    emitError(fileLoc) << text;
  };
  auto file = PteFile::open(std::move(bytes), path, options.dataPath);
  if (!file) {
    report(file.takeError());
    return nullptr;
  }
  auto plan = (*file)->method(options.method);
  if (!plan) {
    report(plan.takeError());
    return nullptr;
  }
  return PteWalker(**file, **plan, ctx).run();
}

} // namespace kiln

namespace kiln {

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
