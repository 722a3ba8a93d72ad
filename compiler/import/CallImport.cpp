//===- CallImport.cpp - one operator call, whatever the format ------------===//
#include "compiler/import/CallImport.h"
#include "dialects/kiln/MlirElementTypes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace kiln {

ProgramValues::~ProgramValues() = default;

const OpSchema *lookupSchema(const OpTarget &target) {
  return OpSchemaTable::get().lookup(target.ns, target.name, target.overload);
}

std::optional<double> NodeImport::number(llvm::StringRef name) const {
  const OpArgument &a = arg(name);
  switch (a.kind) {
  case OpArgument::Kind::Int:
    return static_cast<double>(a.i);
  case OpArgument::Kind::Float:
    return a.f;
  case OpArgument::Kind::Bool:
    return a.b ? 1.0 : 0.0;
  default:
    return std::nullopt;
  }
}

namespace {

/// A Python number given for a Tensor argument, as a 0-d tensor. With a
/// floating-point result it has the result's type (what PyTorch's promotion
/// computes in); otherwise its own (float32, int64, bool), and the rule
/// promotes.
Value wrapNumber(OpBuilder &b, Location loc, const OpArgument &a,
                 llvm::ArrayRef<RankedTensorType> resultTypes) {
  Type natural = a.kind == OpArgument::Kind::Float  ? Type(b.getF32Type())
                 : a.kind == OpArgument::Kind::Bool ? Type(b.getI1Type())
                                                    : Type(b.getI64Type());
  Type et =
      !resultTypes.empty() && resultTypes[0] && isa<FloatType>(resultTypes[0].getElementType())
          ? resultTypes[0].getElementType()
          : natural;
  double v = a.kind == OpArgument::Kind::Float  ? a.f
             : a.kind == OpArgument::Kind::Bool ? (a.b ? 1.0 : 0.0)
                                                : static_cast<double>(a.i);
  auto type = RankedTensorType::get({}, et);
  Attribute attr =
      isa<FloatType>(et)
          ? DenseElementsAttr::get(type, b.getFloatAttr(et, v).getValue())
          : DenseElementsAttr::get(type, APInt(et.getIntOrFloatBitWidth(), static_cast<int64_t>(v),
                                               /*isSigned=*/true));
  return arith::ConstantOp::create(b, loc, cast<TypedAttr>(attr));
}

/// Refuses, by name, the dtypes of the operands and of the used results that
/// the rule does not handle.
LogicalResult checkDtypes(Location loc, const ImportRule &rule, const OpSchema &schema,
                          llvm::ArrayRef<Value> tensorArgs,
                          llvm::ArrayRef<RankedTensorType> resultTypes,
                          llvm::ArrayRef<std::string> outputNames, ProgramValues &values) {
  if (rule.dtypes == RuleDtypes::Any)
    return success();
  bool numeric = rule.dtypes == RuleDtypes::Numeric;
  auto accepted = [&](Type et) {
    if (isa<FloatType>(et))
      return true;
    auto it = dyn_cast<IntegerType>(et);
    return numeric && it && !it.isUnsigned();
  };
  const char *what = numeric ? "(Kiln computes in floating point and signed integers only)"
                             : "(Kiln computes it in floating point only)";
  for (Value v : tensorArgs) {
    if (!v)
      continue;
    Type et = cast<ShapedType>(v.getType()).getElementType();
    if (!accepted(et))
      return emitError(loc) << "operator " << schema.qualifiedName() << " on " << torchDtypeName(et)
                            << " tensors is not supported yet " << what;
  }
  for (size_t i = 0; i < resultTypes.size(); ++i) {
    RankedTensorType t = resultTypes[i];
    // Outputs nothing uses (the indices of max_pool2d_with_indices) are not
    // computed, whatever their dtype.
    if (!t || !values.isLive(outputNames[i]))
      continue;
    if (!accepted(t.getElementType()))
      return emitError(loc) << "operator " << schema.qualifiedName() << " producing "
                            << torchDtypeName(t.getElementType())
                            << " tensors is not supported yet " << what;
  }
  return success();
}

} // namespace

LogicalResult importCall(OpBuilder &b, Location loc, const OperatorCall &node,
                         ProgramValues &values) {
  const OpTarget &target = node.target;
  const OpSchema *schema = lookupSchema(target);
  if (!schema)
    return emitError(loc) << "unknown operator: Kiln has no schema for " << target.ns
                          << "::" << target.name
                          << (target.overload == "default" ? "" : "." + target.overload);
  const ImportRule *rule = findImportRule(schema->qualifiedName());
  if (!rule)
    return emitError(loc) << "operator " << schema->qualifiedName()
                          << " is not supported by Kiln yet";

  std::vector<GivenArgument> given;
  for (const GivenArgument &argument : node.arguments) {
    given.push_back(argument);
    if (failed(values.resolveSymbolic(given.back().value, loc)))
      return failure();
  }
  auto call = bindArguments(*schema, given);
  if (!call)
    return emitError(loc) << llvm::toString(call.takeError());

  // Declared result types, one per output value (lists flattened).
  std::vector<std::string> outputNames;
  std::vector<RankedTensorType> resultTypes;
  for (const OpArgument &out : node.outputs) {
    std::vector<std::string> names;
    if (out.kind == OpArgument::Kind::Tensor)
      names = {out.tensor};
    else if (out.kind == OpArgument::Kind::Tensors)
      names = out.names;
    else if (out.kind == OpArgument::Kind::None)
      names = {""};
    else
      return emitError(loc) << "has a " << kindName(out.kind)
                            << " output, which Kiln does not support";
    for (const std::string &name : names) {
      outputNames.push_back(name);
      if (name.empty()) {
        resultTypes.push_back(RankedTensorType());
        continue;
      }
      auto type = values.declaredType(name, loc);
      if (failed(type))
        return failure();
      resultTypes.push_back(*type);
    }
  }

  std::vector<Value> tensorArgs(schema->arguments.size());
  std::vector<std::vector<Value>> tensorLists(schema->arguments.size());
  for (size_t i = 0; i < schema->arguments.size(); ++i) {
    const OpArgument &a = call->args[i];
    bool isTensorArg = schema->arguments[i].type.base == SchemaType::Base::Tensor &&
                       !schema->arguments[i].type.isList;
    if (isTensorArg && (a.kind == OpArgument::Kind::Int || a.kind == OpArgument::Kind::Float ||
                        a.kind == OpArgument::Kind::Bool)) {
      tensorArgs[i] = wrapNumber(b, loc, a, resultTypes);
      continue;
    }
    if (a.kind == OpArgument::Kind::Tensor) {
      auto v = values.lookup(a.tensor, loc);
      if (failed(v))
        return failure();
      tensorArgs[i] = *v;
    } else if (a.kind == OpArgument::Kind::Tensors || a.kind == OpArgument::Kind::OptionalTensors) {
      for (const std::string &name : a.names) {
        if (name.empty()) {
          tensorLists[i].push_back(Value());
          continue;
        }
        auto v = values.lookup(name, loc);
        if (failed(v))
          return failure();
        tensorLists[i].push_back(*v);
      }
    }
  }

  if (failed(checkDtypes(loc, *rule, *schema, tensorArgs, resultTypes, outputNames, values)))
    return failure();

  std::vector<std::optional<NodeImport::Layout>> layouts(schema->arguments.size());
  for (size_t i = 0; i < schema->arguments.size(); ++i)
    if (call->args[i].kind == OpArgument::Kind::Tensor)
      layouts[i] = values.layout(call->args[i].tensor);

  NodeImport n(b, loc, *call, std::move(tensorArgs), std::move(tensorLists), resultTypes);
  n.setLayouts(std::move(layouts));
  if (failed(rule->fn(n)))
    return failure();
  if (n.results.size() > outputNames.size())
    return emitError(loc) << "import rule produced " << n.results.size() << " results for "
                          << outputNames.size() << " outputs";
  for (size_t i = 0; i < outputNames.size(); ++i) {
    const std::string &name = outputNames[i];
    if (name.empty())
      continue;
    Value v = i < n.results.size() ? n.results[i] : Value();
    if (!v) {
      values.leaveUndefined(name, llvm::formatv("output {0} of node '{1}' ({2}), which Kiln "
                                                "does not compute",
                                                i, node.node, schema->opOverloadName())
                                      .str());
      continue;
    }
    if (v.getType() != resultTypes[i])
      return emitError(loc) << "Kiln computes " << v.getType() << " for output '" << name
                            << "' but the file declares " << resultTypes[i];
    values.define(name, v);
  }
  // In-place operators: later uses of the mutated name see the new value.
  int mutated = schema->mutatedArgument();
  if (mutated >= 0 && call->args[mutated].kind == OpArgument::Kind::Tensor && !n.results.empty() &&
      n.results[0])
    values.define(call->args[mutated].tensor, n.results[0]);
  return success();
}

} // namespace kiln
