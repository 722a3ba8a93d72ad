//===- PteImporter.cpp - ExecuTorch programs to kiln IR -------------------===//
//
// Values are named by their index in the method's value table ("v12"); the
// function's arguments and results are named input_K and output_K (a .pte
// file names neither). A kernel call's arguments are EValue indices in its
// out-variant schema's order: the inputs, the out tensors, then the values
// it returns (the out tensors again). resolveKernel finds the functional
// schema whose arguments those inputs are (aten::add.out with a Tensor
// `other`: aten::add.Tensor; with a number: aten::add.Scalar). XNNPACK
// delegate calls are imported by XnnpackImport.cpp, `kilnc inspect` is
// Inspect.cpp.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/pte/PteImporter.h"
#include "compiler/import/pte/PteWalker.h"
#include "dialects/kiln/ElementTypes.h"
#include "dialects/kiln/KilnDialect.h"
#include "dialects/kiln/MlirElementTypes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ErrorHandling.h"

#include <map>

using namespace mlir;

namespace kiln {
namespace pte_import {

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

namespace {
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
} // namespace

/// The operator's name as a .pte spells it: "aten::add.out".
std::string operatorName(const pte::Operator *op) {
  std::string name = op && op->name() ? op->name()->str() : "";
  if (op && op->overload() && op->overload()->size())
    name += "." + op->overload()->str();
  return name;
}

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

} // namespace pte_import

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
  return pte_import::PteWalker(**file, **plan, ctx).run();
}

} // namespace kiln
