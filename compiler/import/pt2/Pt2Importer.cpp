//===- Pt2Importer.cpp - torch.export programs to kiln IR -----------------===//
//
// Walks the ExportedProgram graph in order: placeholders become function
// arguments (user inputs) or constants backed by MLIR resources (parameters,
// buffers, tensor constants); each node is handed to the format-neutral
// `importCall` (CallImport.h) with the graph's values, metadata and symbols
// behind a `ProgramValues`; the user outputs are returned.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/pt2/Pt2Importer.h"
#include "compiler/import/CallImport.h"
#include "compiler/import/Constants.h"
#include "compiler/import/Importer.h"
#include "compiler/import/SymbolicShapes.h"
#include "dialects/kiln/KilnDialect.h"
#include "dialects/kiln/MlirElementTypes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace kiln {

std::optional<OpTarget> parseNodeTarget(llvm::StringRef target) {
  llvm::SmallVector<llvm::StringRef> parts;
  target.split(parts, '.');
  if (parts.size() != 5 || parts[0] != "torch" || parts[1] != "ops" || parts[2].empty() ||
      parts[3].empty() || parts[4].empty())
    return std::nullopt;
  return OpTarget{parts[2].str(), parts[3].str(), parts[4].str()};
}

/// The MLIR element type of a serializer dtype; null if Kiln has none.
static Type elementTypeFor(ScalarType type, MLIRContext &ctx) {
  const ElementType *e = elementTypeOf(type);
  return e ? mlirElementType(*e, &ctx) : Type();
}

namespace {

class GraphWalker : public ProgramValues {
public:
  GraphWalker(const Pt2Archive &archive, MLIRContext &ctx, const ImportOptions &options)
      : archive(archive), ep(archive.program()), ctx(ctx), b(&ctx),
        file(archive.displayName().str()), options(options) {}

  OwningOpRef<ModuleOp> run();

private:
  Location fileLoc() { return FileLineColLoc::get(&ctx, file, 0, 0); }
  InFlightDiagnostic fileError() { return emitError(fileLoc()); }

  /// The static tensor type of a named value, from the graph's metadata.
  FailureOr<RankedTensorType> typeOfValue(llvm::StringRef name, Location loc);
  /// The SSA value of a name; lifted parameters become constants on first use.
  FailureOr<Value> lookup(llvm::StringRef name, Location loc) override;

  // The rest of ProgramValues, for importCall.
  FailureOr<RankedTensorType> declaredType(llvm::StringRef name, Location loc) override {
    return typeOfValue(name, loc);
  }
  std::optional<NodeImport::Layout> layout(llvm::StringRef name) override;
  bool isLive(llvm::StringRef name) override { return live.count(name); }
  LogicalResult resolveSymbolic(OpArgument &arg, Location loc) override {
    return resolveSymInts(arg, loc);
  }
  void define(llvm::StringRef name, Value value) override { values[name] = value; }
  void leaveUndefined(llvm::StringRef name, std::string why) override {
    unsupportedValues[name] = std::move(why);
  }
  FailureOr<Value> materializeLifted(llvm::StringRef name, llvm::StringRef fqn, Location loc);
  LogicalResult importNode(const Node &node);
  LogicalResult bindInputShapes();
  std::string rangeText(llvm::StringRef symbol) const;
  FailureOr<int64_t> evaluate(const SymIntValue &size, llvm::StringRef value, Location loc);
  LogicalResult resolveSymInts(OpArgument &arg, Location loc);
  std::vector<bool> neededNodes(const std::vector<std::string> &outputs);

  const Pt2Archive &archive;
  const ExportedProgram &ep;
  MLIRContext &ctx;
  OpBuilder b;
  std::string file;
  const ImportOptions &options;
  SymbolBindings symbols; // from --shape
  std::vector<std::string> userInputNames;
  func::FuncOp func;
  Block *constantsBlock = nullptr;
  ConstantBuilder constants;
  llvm::StringMap<Value> values;
  llvm::StringMap<std::string> lifted;            // placeholder -> FQN
  llvm::StringMap<std::string> unsupportedValues; // name -> why it cannot be used
  llvm::StringSet<> live;                         // names the user outputs depend on
};

std::string GraphWalker::rangeText(llvm::StringRef symbol) const {
  auto range = ep.rangeConstraints.find(symbol.str());
  if (range == ep.rangeConstraints.end())
    return "";
  return " (range [" + (range->second.minVal ? std::to_string(*range->second.minVal) : "-inf") +
         ", " + (range->second.maxVal ? std::to_string(*range->second.maxVal) : "inf") + "])";
}

FailureOr<int64_t> GraphWalker::evaluate(const SymIntValue &size, llvm::StringRef value,
                                         Location loc) {
  if (!size.isSymbolic)
    return size.value;
  auto v = evaluateSymExpr(size.expr, symbols);
  if (v)
    return *v;
  llvm::consumeError(v.takeError());
  InFlightDiagnostic diag = emitError(loc);
  diag << "'" << value << "' has a dynamic size '" << size.expr << "' over";
  for (const std::string &symbol : symbolsOf(size.expr))
    diag << " " << symbol << rangeText(symbol);
  diag << "; Kiln compiles static shapes: give each input's shape with --shape";
  for (const std::string &input : userInputNames)
    diag << " " << input << "=...";
  return failure();
}

FailureOr<RankedTensorType> GraphWalker::typeOfValue(llvm::StringRef name, Location loc) {
  auto it = ep.graph.tensorValues.find(name);
  if (it == ep.graph.tensorValues.end())
    return emitError(loc) << "value '" << name << "' has no tensor metadata in the file";
  const TensorMeta &meta = it->second;
  SmallVector<int64_t> shape;
  uint64_t elements = 1;
  for (const SymIntValue &size : meta.sizes) {
    auto d = evaluate(size, name, loc);
    if (failed(d))
      return failure();
    if (*d < 0)
      return emitError(loc) << "value '" << name << "' has a negative size " << *d;
    bool overflow = false;
    elements = llvm::SaturatingMultiply(elements, static_cast<uint64_t>(*d), &overflow);
    if (overflow || elements > (uint64_t(1) << 48))
      return emitError(loc) << "value '" << name
                            << "' has sizes whose product overflows (more than 2^48 elements)";
    shape.push_back(*d);
  }
  Type et = elementTypeFor(meta.dtype, ctx);
  if (!et)
    return emitError(loc) << "value '" << name << "' has dtype " << scalarTypeName(meta.dtype)
                          << ", which Kiln does not support";
  return RankedTensorType::get(shape, et);
}

/// Binds the symbols of the user inputs' dynamic dimensions from --shape,
/// checking each against the static dimensions and the symbols' ranges.
LogicalResult GraphWalker::bindInputShapes() {
  for (const auto &[name, shape] : options.inputShapes) {
    Location loc = nodeLocation(ctx, file, name, "input");
    if (!llvm::is_contained(userInputNames, name)) {
      InFlightDiagnostic diag = fileError();
      diag << "--shape names '" << name << "', which is not an input; the inputs are";
      for (const std::string &input : userInputNames)
        diag << " " << input;
      return failure();
    }
    const TensorMeta &meta = ep.graph.tensorValues.lookup(name);
    if (meta.sizes.size() != shape.size())
      return emitError(loc) << "--shape gives " << shape.size() << " dimensions, the input has "
                            << meta.sizes.size();
    for (size_t i = 0; i < shape.size(); ++i) {
      const SymIntValue &size = meta.sizes[i];
      if (!size.isSymbolic) {
        if (size.value != shape[i])
          return emitError(loc) << "--shape gives dimension " << i << " = " << shape[i]
                                << " but the program fixes it to " << size.value;
        continue;
      }
      std::vector<std::string> syms = symbolsOf(size.expr);
      if (syms.size() != 1 || syms[0] != size.expr)
        continue; // an expression: checked below once every symbol is bound
      auto range = ep.rangeConstraints.find(size.expr);
      if (range != ep.rangeConstraints.end() &&
          ((range->second.minVal && shape[i] < *range->second.minVal) ||
           (range->second.maxVal && shape[i] > *range->second.maxVal)))
        return emitError(loc) << "--shape gives dimension " << i << " = " << shape[i]
                              << ", outside the range of " << size.expr << rangeText(size.expr);
      auto [it, inserted] = symbols.try_emplace(size.expr, shape[i]);
      if (!inserted && it->second != shape[i])
        return emitError(loc) << "--shape binds " << size.expr << " to " << shape[i]
                              << " but another input binds it to " << it->second;
    }
  }
  // Dimensions that are expressions must agree with what the user gave.
  for (const auto &[name, shape] : options.inputShapes) {
    const TensorMeta &meta = ep.graph.tensorValues.lookup(name);
    for (size_t i = 0; i < shape.size(); ++i) {
      auto d = evaluate(meta.sizes[i], name, nodeLocation(ctx, file, name, "input"));
      if (failed(d))
        return failure();
      if (*d != shape[i])
        return emitError(nodeLocation(ctx, file, name, "input"))
               << "--shape gives dimension " << i << " = " << shape[i] << " but '"
               << meta.sizes[i].expr << "' is " << *d << " with the other shapes given";
    }
  }
  return success();
}

/// Symbolic int arguments name a value of sym_int_values (or a symbol).
LogicalResult GraphWalker::resolveSymInts(OpArgument &arg, Location loc) {
  auto valueOf = [&](const std::string &name) -> FailureOr<int64_t> {
    auto it = ep.graph.symIntValues.find(name);
    SymIntValue size;
    size.isSymbolic = true;
    size.expr = it != ep.graph.symIntValues.end() && it->second.isSymbolic ? it->second.expr : name;
    if (it != ep.graph.symIntValues.end() && !it->second.isSymbolic)
      return it->second.value;
    return evaluate(size, name, loc);
  };
  if (arg.kind == OpArgument::Kind::SymInt) {
    auto v = valueOf(arg.s);
    if (failed(v))
      return failure();
    arg = OpArgument::ofInt(*v);
  } else if (arg.kind == OpArgument::Kind::SymInts) {
    for (size_t i = 0; i < arg.names.size(); ++i) {
      if (arg.names[i].empty())
        continue;
      auto v = valueOf(arg.names[i]);
      if (failed(v))
        return failure();
      arg.ints[i] = *v;
    }
    arg.kind = OpArgument::Kind::Ints;
    arg.names.clear();
  }
  return success();
}

FailureOr<Value> GraphWalker::materializeLifted(llvm::StringRef name, llvm::StringRef fqn,
                                                Location loc) {
  auto type = typeOfValue(name, loc);
  if (failed(type))
    return failure();
  auto data = archive.tensor(fqn);
  if (!data)
    return emitError(loc) << llvm::toString(data.takeError());
  if (data->dtype != ep.graph.tensorValues.lookup(name).dtype ||
      llvm::ArrayRef<int64_t>(data->shape) != type->getShape()) {
    std::string shape =
        llvm::join(llvm::map_range(data->shape, [](int64_t d) { return std::to_string(d); }), ", ");
    return emitError(loc) << "'" << fqn << "' is stored as " << scalarTypeName(data->dtype) << "["
                          << shape << "] but the graph uses " << *type;
  }
  Value constant = constants.create(b, fileLoc(), *type,
                                    llvm::StringRef(data->bytes.data(), data->bytes.size()), fqn);
  values[name] = constant;
  return Value(constant);
}

FailureOr<Value> GraphWalker::lookup(llvm::StringRef name, Location loc) {
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  auto liftedIt = lifted.find(name);
  if (liftedIt != lifted.end())
    return materializeLifted(name, liftedIt->second, loc);
  auto why = unsupportedValues.find(name);
  if (why != unsupportedValues.end())
    return emitError(loc) << "uses '" << name << "', " << why->second;
  return emitError(loc) << "uses value '" << name << "', which no earlier node or input defines";
}

/// Walks the graph backwards from the outputs. A node is needed when a needed
/// name is one of its outputs, or one it mutates in place.
std::vector<bool> GraphWalker::neededNodes(const std::vector<std::string> &outputs) {
  live.clear();
  for (const std::string &name : outputs)
    live.insert(name);
  std::vector<bool> needed(ep.graph.nodes.size(), false);
  for (size_t i = ep.graph.nodes.size(); i-- > 0;) {
    const Node &node = ep.graph.nodes[i];
    bool isNeeded = false;
    for (const OpArgument &out : node.outputs) {
      if (out.kind == OpArgument::Kind::Tensor && live.count(out.tensor))
        isNeeded = true;
      for (const std::string &name : out.names)
        if (live.count(name))
          isNeeded = true;
    }
    // An in-place operator defines the new value of its mutated argument.
    auto target = parseNodeTarget(node.target);
    const OpSchema *schema = target ? lookupSchema(*target) : nullptr;
    if (schema)
      for (const NamedArgument &na : node.inputs) {
        int index = -1;
        for (size_t k = 0; k < schema->arguments.size(); ++k)
          if (schema->arguments[k].name == na.name)
            index = static_cast<int>(k);
        if (index >= 0 && schema->arguments[index].type.mutates &&
            na.arg.kind == OpArgument::Kind::Tensor && live.count(na.arg.tensor))
          isNeeded = true;
      }
    // Unknown targets are kept: importing them reports what they are.
    if (!schema && !node.outputs.empty())
      for (const OpArgument &out : node.outputs)
        if (out.kind == OpArgument::Kind::Tensor && live.count(out.tensor))
          isNeeded = true;
    if (!isNeeded)
      continue;
    needed[i] = true;
    for (const NamedArgument &na : node.inputs) {
      if (na.arg.kind == OpArgument::Kind::Tensor)
        live.insert(na.arg.tensor);
      for (const std::string &name : na.arg.names)
        if (!name.empty())
          live.insert(name);
    }
  }
  return needed;
}

/// The memory layout of a tensor, where the file states it with concrete
/// numbers.
std::optional<NodeImport::Layout> GraphWalker::layout(llvm::StringRef name) {
  auto it = ep.graph.tensorValues.find(name);
  if (it == ep.graph.tensorValues.end())
    return std::nullopt;
  const TensorMeta &meta = it->second;
  NodeImport::Layout layout;
  bool concrete = !meta.storageOffset.isSymbolic;
  for (const SymIntValue &stride : meta.strides) {
    concrete &= !stride.isSymbolic;
    layout.strides.push_back(stride.value);
  }
  layout.storageOffset = meta.storageOffset.value;
  if (concrete && layout.strides.size() == meta.sizes.size())
    return layout;
  return std::nullopt;
}

LogicalResult GraphWalker::importNode(const Node &node) {
  Location loc = nodeLocation(ctx, file, node.displayName(),
                              llvm::StringRef(node.target).starts_with("torch.ops.")
                                  ? llvm::StringRef(node.target).drop_front(10)
                                  : llvm::StringRef(node.target));
  // Nodes computing symbolic ints (sym_size, _operator.mul, ...) have no
  // tensor result: their values are expressions in sym_int_values.
  if (!node.outputs.empty() && llvm::all_of(node.outputs, [](const OpArgument &out) {
        return out.kind == OpArgument::Kind::SymInt || out.kind == OpArgument::Kind::SymInts ||
               (out.kind == OpArgument::Kind::Other && out.s == "as_sym_bool");
      }))
    return success();
  auto target = parseNodeTarget(node.target);
  if (!target)
    return emitError(loc) << "unsupported operator '" << node.target << "'";
  OperatorCall call;
  call.target = std::move(*target);
  call.node = node.displayName();
  for (const NamedArgument &na : node.inputs)
    call.arguments.push_back({na.name, na.arg});
  call.outputs = node.outputs;
  return importCall(b, loc, call, *this);
}

OwningOpRef<ModuleOp> GraphWalker::run() {
  ctx.loadDialect<KilnDialect, arith::ArithDialect, func::FuncDialect>();
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc());

  if (ep.graph.inputs.size() != ep.inputSpecs.size()) {
    fileError() << "the graph has " << ep.graph.inputs.size() << " inputs but the signature "
                << "describes " << ep.inputSpecs.size();
    return nullptr;
  }
  // Placeholders, in graph order.
  std::vector<std::string> userInputs;
  SmallVector<Type> argTypes;
  for (size_t i = 0; i < ep.inputSpecs.size(); ++i) {
    const InputSpec &spec = ep.inputSpecs[i];
    const OpArgument &placeholder = ep.graph.inputs[i];
    std::string name = placeholder.kind == OpArgument::Kind::Tensor ? placeholder.tensor : "";
    switch (spec.kind) {
    case InputSpec::Kind::UserInput: {
      if (placeholder.kind != OpArgument::Kind::Tensor) {
        fileError() << "input " << i << " is a " << kindName(placeholder.kind)
                    << "; Kiln compiles models whose inputs are tensors";
        return nullptr;
      }
      if (!ep.graph.tensorValues.count(name)) {
        fileError() << "input '" << name << "' has no tensor metadata";
        return nullptr;
      }
      userInputs.push_back(name);
      userInputNames.push_back(name);
      break;
    }
    case InputSpec::Kind::Parameter:
    case InputSpec::Kind::Buffer:
    case InputSpec::Kind::TensorConstant:
      if (name.empty()) {
        fileError() << "input " << i << " ('" << spec.target << "') is not a tensor";
        return nullptr;
      }
      lifted[name] = spec.target;
      break;
    case InputSpec::Kind::CustomObj:
      unsupportedValues[name] = "a custom (TorchBind) object, which Kiln does not support";
      break;
    case InputSpec::Kind::Token:
      unsupportedValues[name] = "an effect token, which Kiln does not support";
      break;
    case InputSpec::Kind::ConstantInput:
      unsupportedValues[name] = "a constant non-tensor input, which Kiln does not support";
      break;
    }
  }
  // User outputs.
  if (failed(bindInputShapes()))
    return nullptr;
  for (size_t i = 0; i < userInputs.size(); ++i) {
    auto type = typeOfValue(userInputs[i], nodeLocation(ctx, file, userInputs[i], "input"));
    if (failed(type))
      return nullptr;
    argTypes.push_back(*type);
  }
  std::vector<std::string> userOutputs;
  SmallVector<Type> resultTypes;
  for (const OutputSpec &spec : ep.outputSpecs) {
    if (spec.kind != OutputSpec::Kind::UserOutput)
      continue; // buffer mutations and the like are state updates, not results
    if (spec.arg.kind != OpArgument::Kind::Tensor) {
      fileError() << "a user output is a " << kindName(spec.arg.kind)
                  << "; Kiln compiles models whose outputs are tensors";
      return nullptr;
    }
    auto type = typeOfValue(spec.arg.tensor, nodeLocation(ctx, file, spec.arg.tensor, "output"));
    if (failed(type))
      return nullptr;
    userOutputs.push_back(spec.arg.tensor);
    resultTypes.push_back(*type);
  }
  if (userOutputs.empty()) {
    fileError() << "the program has no tensor outputs";
    return nullptr;
  }

  b.setInsertionPointToEnd(module->getBody());
  func = func::FuncOp::create(b, fileLoc(), kEntryFunctionName,
                              b.getFunctionType(argTypes, resultTypes));
  constantsBlock = func.addEntryBlock();
  constants.setBlock(constantsBlock);
  for (size_t i = 0; i < userInputs.size(); ++i) {
    func.setArgAttr(i, kNameAttr, b.getStringAttr(userInputs[i]));
    values[userInputs[i]] = func.getArgument(i);
  }
  for (size_t i = 0; i < userOutputs.size(); ++i)
    func.setResultAttr(i, kNameAttr, b.getStringAttr(userOutputs[i]));
  b.setInsertionPointToEnd(constantsBlock);

  // Only what the user outputs depend on is computed: state updates such as
  // running statistics and num_batches_tracked are not results.
  std::vector<bool> needed = neededNodes(userOutputs);
  for (size_t i = 0; i < ep.graph.nodes.size(); ++i)
    if (needed[i] && failed(importNode(ep.graph.nodes[i])))
      return nullptr;

  SmallVector<Value> results;
  for (const std::string &name : userOutputs) {
    auto v = lookup(name, nodeLocation(ctx, file, name, "output"));
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

OwningOpRef<ModuleOp> importExportedProgram(const Pt2Archive &archive, MLIRContext &ctx,
                                            const ImportOptions &options) {
  return GraphWalker(archive, ctx, options).run();
}

OwningOpRef<ModuleOp> importPt2(llvm::StringRef bytes, llvm::StringRef path, MLIRContext &ctx,
                                const ImportOptions &options) {
  auto archive = Pt2Archive::openFromMemory(bytes, path);
  if (!archive) {
    // The message already starts with the file name.
    std::string message = llvm::toString(archive.takeError());
    llvm::StringRef text = message;
    text.consume_front(path);
    text.consume_front(": ");
    emitError(FileLineColLoc::get(&ctx, path, 0, 0)) << text;
    return nullptr;
  }
  return importExportedProgram(**archive, ctx, options);
}

} // namespace kiln
