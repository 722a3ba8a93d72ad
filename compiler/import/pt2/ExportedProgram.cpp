//===- ExportedProgram.cpp - torch.export's program, decoded --------------===//
#include "compiler/import/pt2/ExportedProgram.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <cmath>

namespace kiln {

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

//===----------------------------------------------------------------------===//
// Scalar types (dialects/kiln/ElementTypes.def)
//===----------------------------------------------------------------------===//

bool isKnownScalarType(int code) { return elementTypeOf(static_cast<ScalarType>(code)) != nullptr; }

std::string scalarTypeName(ScalarType type) {
  if (const ElementType *e = elementTypeOf(type))
    return e->name;
  return "unknown(" + std::to_string(static_cast<int>(type)) + ")";
}

unsigned scalarTypeSize(ScalarType type) {
  const ElementType *e = elementTypeOf(type);
  return e ? e->size : 0;
}

//===----------------------------------------------------------------------===//
// TensorMeta helpers
//===----------------------------------------------------------------------===//

bool TensorMeta::hasStaticShape() const {
  return llvm::none_of(sizes, [](const SymIntValue &s) { return s.isSymbolic; });
}

llvm::SmallVector<int64_t> TensorMeta::staticSizes() const {
  llvm::SmallVector<int64_t> out;
  for (const SymIntValue &s : sizes)
    out.push_back(s.value);
  return out;
}

std::vector<std::string> TensorMeta::symbols() const {
  std::vector<std::string> out;
  for (const SymIntValue &s : sizes)
    if (s.isSymbolic)
      out.push_back(s.expr);
  return out;
}

std::string Node::displayName() const {
  if (!name.empty())
    return name;
  for (const OpArgument &out : outputs) {
    if (out.kind == OpArgument::Kind::Tensor)
      return out.tensor;
    if (!out.names.empty())
      return out.names.front();
  }
  return "<unnamed>";
}

//===----------------------------------------------------------------------===//
// JSON reading with paths in every error
//===----------------------------------------------------------------------===//

namespace {

class Reader {
public:
  explicit Reader(llvm::StringRef file) : file(file.str()) {}
  /// The archive member being read, named in every error.
  std::string file;

  llvm::Error error(const std::string &path, const llvm::Twine &message) const {
    return llvm::createStringError((file + ": " + path + ": " + message).str());
  }

  llvm::Expected<const Object *> object(const Value &v, const std::string &path) const {
    if (const Object *o = v.getAsObject())
      return o;
    return error(path, "expected an object");
  }
  llvm::Expected<const Array *> array(const Value &v, const std::string &path) const {
    if (const Array *a = v.getAsArray())
      return a;
    return error(path, "expected an array");
  }
  llvm::Expected<std::string> string(const Value &v, const std::string &path) const {
    if (auto s = v.getAsString())
      return s->str();
    return error(path, "expected a string");
  }
  llvm::Expected<int64_t> integer(const Value &v, const std::string &path) const {
    if (auto i = v.getAsInteger())
      return *i;
    return error(path, "expected an integer");
  }
  llvm::Expected<bool> boolean(const Value &v, const std::string &path) const {
    if (auto b = v.getAsBoolean())
      return *b;
    return error(path, "expected a boolean");
  }
  /// A float, or one of the strings the serializer writes for non-finite values.
  llvm::Expected<double> number(const Value &v, const std::string &path) const {
    if (auto d = v.getAsNumber())
      return *d;
    if (auto s = v.getAsString()) {
      if (*s == "Infinity" || *s == "inf")
        return INFINITY;
      if (*s == "-Infinity" || *s == "-inf")
        return -INFINITY;
      if (*s == "NaN" || *s == "nan")
        return NAN;
    }
    return error(path, "expected a number");
  }

  /// A member that must be present and non-null.
  llvm::Expected<const Value *> field(const Object &o, llvm::StringRef key,
                                      const std::string &path) const {
    const Value *v = o.get(key);
    if (!v || v->kind() == Value::Null)
      return error(path, "missing field '" + key + "'");
    return v;
  }
  /// A member that may be absent or null.
  const Value *optionalField(const Object &o, llvm::StringRef key) const {
    const Value *v = o.get(key);
    return (!v || v->kind() == Value::Null) ? nullptr : v;
  }

  /// Every list of the program is read by this one function: an array whose
  /// elements `element(item, "<path>[i]")` reads, appended to `out`. A
  /// list and its elements (as_ints and as_int, ...) share the element's
  /// reader.
  template <typename T, typename ReadElement>
  llvm::Error list(const Value &v, const std::string &path, std::vector<T> &out,
                   ReadElement element) const {
    auto a = array(v, path);
    if (!a)
      return a.takeError();
    for (size_t i = 0; i < (*a)->size(); ++i) {
      auto e = element((**a)[i], llvm::formatv("{0}[{1}]", path, i).str());
      if (!e)
        return e.takeError();
      out.push_back(std::move(*e));
    }
    return llvm::Error::success();
  }
  /// One of the reader's own functions as an element reader.
  template <typename T>
  auto by(llvm::Expected<T> (Reader::*read)(const Value &, const std::string &) const) const {
    return [this, read](const Value &v, const std::string &path) { return (this->*read)(v, path); };
  }

  /// The one member of a union: the single key, or the single non-null key
  /// of the 2.1/2.2 style that wrote every member.
  llvm::Expected<std::pair<std::string, const Value *>> unionMember(const Value &v,
                                                                    const std::string &path) const {
    auto o = object(v, path);
    if (!o)
      return o.takeError();
    std::pair<std::string, const Value *> found{"", nullptr};
    for (const auto &kv : **o) {
      if (kv.second.kind() == Value::Null)
        continue;
      // In the all-members style an unused `as_none` may be false.
      if (kv.first == "as_none" && kv.second.getAsBoolean() == false && (*o)->size() > 1)
        continue;
      if (found.second)
        return error(path, "union has several members ('" + found.first + "' and '" +
                               kv.first.str() + "')");
      found = {kv.first.str(), &kv.second};
    }
    if (!found.second)
      return error(path, "union has no member");
    return found;
  }

  llvm::Expected<SymIntValue> symInt(const Value &v, const std::string &path) const {
    SymIntValue s;
    if (auto i = v.getAsInteger()) { // 2.1/2.2: a bare int
      s.value = *i;
      return s;
    }
    auto member = unionMember(v, path);
    if (!member)
      return member.takeError();
    auto &[key, value] = *member;
    if (key == "as_int") {
      auto i = integer(*value, path + ".as_int");
      if (!i)
        return i.takeError();
      s.value = *i;
      return s;
    }
    if (key == "as_expr") {
      auto e = object(*value, path + ".as_expr");
      if (!e)
        return e.takeError();
      s.isSymbolic = true;
      if (const Value *str = optionalField(**e, "expr_str"))
        s.expr = str->getAsString().value_or("?").str();
      if (const Value *hint = optionalField(**e, "hint")) {
        if (auto i = hint->getAsInteger())
          s.hint = *i;
        else if (const Object *h = hint->getAsObject())
          if (const Value *hi = h->get("as_int"))
            if (auto i = hi->getAsInteger())
              s.hint = *i;
      }
      return s;
    }
    return error(path, "unknown SymInt member '" + key + "'");
  }

  llvm::Expected<std::vector<SymIntValue>> symInts(const Value &v, const std::string &path) const {
    std::vector<SymIntValue> out;
    if (llvm::Error e = list(v, path, out, by(&Reader::symInt)))
      return std::move(e);
    return out;
  }

  llvm::Expected<TensorMeta> tensorMeta(const Value &v, const std::string &path) const {
    auto o = object(v, path);
    if (!o)
      return o.takeError();
    TensorMeta m;
    auto dtype = field(**o, "dtype", path);
    if (!dtype)
      return dtype.takeError();
    auto code = integer(**dtype, path + ".dtype");
    if (!code)
      return code.takeError();
    if (!isKnownScalarType(*code))
      return error(path + ".dtype", "unknown dtype code " + std::to_string(*code));
    m.dtype = static_cast<ScalarType>(*code);
    auto sizes = field(**o, "sizes", path);
    if (!sizes)
      return sizes.takeError();
    auto sizeList = symInts(**sizes, path + ".sizes");
    if (!sizeList)
      return sizeList.takeError();
    m.sizes = std::move(*sizeList);
    for (size_t i = 0; i < m.sizes.size(); ++i)
      if (!m.sizes[i].isSymbolic && m.sizes[i].value < 0)
        return error(llvm::formatv("{0}.sizes[{1}]", path, i).str(),
                     "negative size " + std::to_string(m.sizes[i].value));
    if (const Value *strides = optionalField(**o, "strides")) {
      auto strideList = symInts(*strides, path + ".strides");
      if (!strideList)
        return strideList.takeError();
      m.strides = std::move(*strideList);
    }
    if (const Value *offset = optionalField(**o, "storage_offset")) {
      auto s = symInt(*offset, path + ".storage_offset");
      if (!s)
        return s.takeError();
      m.storageOffset = *s;
    }
    if (const Value *rg = optionalField(**o, "requires_grad"))
      m.requiresGrad = rg->getAsBoolean().value_or(false);
    if (const Value *layout = optionalField(**o, "layout"))
      m.layout = static_cast<int>(layout->getAsInteger().value_or(7));
    if (const Value *device = optionalField(**o, "device"))
      if (const Object *d = device->getAsObject())
        if (const Value *type = d->get("type"))
          m.device = type->getAsString().value_or("cpu").str();
    return m;
  }

  /// A list element of as_bools: a boolean, or an integer 0/1.
  llvm::Expected<int64_t> boolOrInteger(const Value &v, const std::string &path) const {
    if (auto i = v.getAsInteger())
      return *i;
    if (auto b = v.getAsBoolean())
      return *b;
    return error(path, "expected an integer");
  }

  /// A list element of as_optional_tensors: {as_tensor: TensorArgument} or
  /// {as_none}; "" for None.
  llvm::Expected<std::string> optionalTensorName(const Value &v, const std::string &path) const {
    auto member = unionMember(v, path);
    if (!member)
      return member.takeError();
    if (member->first == "as_none")
      return std::string();
    if (member->first != "as_tensor")
      return error(path, "expected as_tensor or as_none");
    auto o = object(*member->second, path + ".as_tensor");
    if (!o)
      return o.takeError();
    auto n = field(**o, "name", path);
    if (!n)
      return n.takeError();
    return string(**n, path + ".name");
  }

  /// A SymIntArgument {as_int: N} | {as_name: "s0"}: the int, or the
  /// symbol's name. An error in the member's value names the member
  /// (as_sym_int) or only the element (as_sym_ints), as it always has.
  llvm::Expected<std::pair<std::optional<int64_t>, std::string>>
  symIntArgument(const Value &v, const std::string &path, bool memberInPath) const {
    auto m = unionMember(v, path);
    if (!m)
      return m.takeError();
    std::string valuePath = memberInPath ? path + "." + m->first : path;
    if (m->first == "as_int") {
      auto i = integer(*m->second, valuePath);
      if (!i)
        return i.takeError();
      return std::make_pair(std::optional<int64_t>(*i), std::string());
    }
    auto s = string(*m->second, valuePath);
    if (!s)
      return s.takeError();
    return std::make_pair(std::optional<int64_t>(), *s);
  }

  /// The Argument union. Members holding one value and those holding a
  /// list of them (as_int and as_ints, ...) are read by the same element
  /// reader, once or through `list`.
  llvm::Expected<OpArgument> argument(const Value &v, const std::string &path) const {
    auto member = unionMember(v, path);
    if (!member)
      return member.takeError();
    const std::string &key = member->first;
    const Value *value = member->second;
    std::string p = path + "." + key;
    using K = OpArgument::Kind;
    auto one = [&](K kind, auto field, auto read) -> llvm::Expected<OpArgument> {
      auto x = read(*value, p);
      if (!x)
        return x.takeError();
      OpArgument a;
      a.kind = kind;
      a.*field = std::move(*x);
      return a;
    };
    auto many = [&](K kind, auto field, auto read) -> llvm::Expected<OpArgument> {
      OpArgument a;
      a.kind = kind;
      if (llvm::Error e = list(*value, p, a.*field, read))
        return std::move(e);
      return a;
    };
    if (key == "as_none")
      return OpArgument();
    if (key == "as_tensor")
      return one(K::Tensor, &OpArgument::tensor, by(&Reader::tensorArgName));
    if (key == "as_tensors")
      return many(K::Tensors, &OpArgument::names, by(&Reader::tensorArgName));
    if (key == "as_optional_tensors")
      return many(K::OptionalTensors, &OpArgument::names, by(&Reader::optionalTensorName));
    if (key == "as_int")
      return one(K::Int, &OpArgument::i, by(&Reader::integer));
    if (key == "as_ints")
      return many(K::Ints, &OpArgument::ints, by(&Reader::integer));
    if (key == "as_float")
      return one(K::Float, &OpArgument::f, by(&Reader::number));
    if (key == "as_floats")
      return many(K::Floats, &OpArgument::floats, by(&Reader::number));
    if (key == "as_bool")
      return one(K::Bool, &OpArgument::b, by(&Reader::boolean));
    if (key == "as_bools")
      return many(K::Bools, &OpArgument::ints, by(&Reader::boolOrInteger));
    if (key == "as_string")
      return one(K::String, &OpArgument::s, by(&Reader::string));
    if (key == "as_strings")
      return many(K::Strings, &OpArgument::names, by(&Reader::string));
    if (key == "as_scalar_type")
      return one(K::ScalarType, &OpArgument::i, by(&Reader::integer));
    if (key == "as_memory_format")
      return one(K::MemoryFormat, &OpArgument::i, by(&Reader::integer));
    if (key == "as_layout")
      return one(K::Layout, &OpArgument::i, by(&Reader::integer));
    if (key == "as_optional_tensor") { // {as_tensor: {...}} | {as_none: ...}
      auto m = unionMember(*value, p);
      if (!m)
        return m.takeError();
      if (m->first == "as_none")
        return OpArgument();
      auto name = tensorArgName(*m->second, p);
      if (!name)
        return name.takeError();
      return OpArgument::ofTensor(*name);
    }
    if (key == "as_sym_int") {
      auto x = symIntArgument(*value, p, /*memberInPath=*/true);
      if (!x)
        return x.takeError();
      if (x->first)
        return OpArgument::ofInt(*x->first);
      OpArgument a;
      a.kind = K::SymInt;
      a.s = x->second;
      return a;
    }
    if (key == "as_sym_ints") {
      std::vector<std::pair<std::optional<int64_t>, std::string>> elements;
      if (llvm::Error e = list(*value, p, elements, [&](const Value &item, const std::string &ip) {
            return symIntArgument(item, ip, /*memberInPath=*/false);
          }))
        return std::move(e);
      // Ints when every element is concrete; `names` has "" for those.
      OpArgument a;
      a.kind = K::Ints;
      for (auto &[concrete, name] : elements) {
        if (!concrete)
          a.kind = K::SymInts;
        a.ints.push_back(concrete.value_or(0));
        a.names.push_back(name);
      }
      return a;
    }
    if (key == "as_device") {
      auto o = object(*value, p);
      if (!o)
        return o.takeError();
      auto t = field(**o, "type", p);
      if (!t)
        return t.takeError();
      auto s = string(**t, p + ".type");
      if (!s)
        return s.takeError();
      OpArgument a;
      a.kind = K::Device;
      a.s = *s;
      if (const Value *index = optionalField(**o, "index"))
        if (auto i = index->getAsInteger())
          a.s += ":" + std::to_string(*i);
      return a;
    }
    // as_sym_bool, as_graph, as_custom_obj, as_operator, as_complex, ...:
    // kept by name; an operator that needs them reports it.
    OpArgument a;
    a.kind = K::Other;
    a.s = key;
    return a;
  }

  llvm::Expected<std::string> tensorArgName(const Value &v, const std::string &path) const {
    // TensorArgument {name}
    auto o = object(v, path);
    if (!o)
      return o.takeError();
    auto n = field(**o, "name", path);
    if (!n)
      return n.takeError();
    return string(**n, path + ".name");
  }
};

} // namespace

//===----------------------------------------------------------------------===//
// The program
//===----------------------------------------------------------------------===//

static llvm::Expected<InputSpec> parseInputSpec(const Reader &r, const Value &v,
                                                const std::string &path) {
  auto member = r.unionMember(v, path);
  if (!member)
    return member.takeError();
  auto &[key, value] = *member;
  std::string p = path + "." + key;
  auto o = r.object(*value, p);
  if (!o)
    return o.takeError();
  InputSpec spec;
  auto readArg = [&](bool tensorArgument) -> llvm::Error {
    auto a = r.field(**o, "arg", p);
    if (!a)
      return a.takeError();
    if (tensorArgument) {
      auto name = r.tensorArgName(**a, p + ".arg");
      if (!name)
        return name.takeError();
      spec.arg = OpArgument::ofTensor(*name);
    } else {
      auto arg = r.argument(**a, p + ".arg");
      if (!arg)
        return arg.takeError();
      spec.arg = *arg;
    }
    return llvm::Error::success();
  };
  auto readTarget = [&](llvm::StringRef field) -> llvm::Error {
    auto t = r.field(**o, field, p);
    if (!t)
      return t.takeError();
    auto s = r.string(**t, p + "." + field.str());
    if (!s)
      return s.takeError();
    spec.target = *s;
    return llvm::Error::success();
  };
  if (key == "user_input") {
    spec.kind = InputSpec::Kind::UserInput;
    if (auto e = readArg(false))
      return std::move(e);
  } else if (key == "parameter") {
    spec.kind = InputSpec::Kind::Parameter;
    if (auto e = readArg(true))
      return std::move(e);
    if (auto e = readTarget("parameter_name"))
      return std::move(e);
  } else if (key == "buffer") {
    spec.kind = InputSpec::Kind::Buffer;
    if (auto e = readArg(true))
      return std::move(e);
    if (auto e = readTarget("buffer_name"))
      return std::move(e);
    if (const Value *persistent = r.optionalField(**o, "persistent"))
      spec.persistent = persistent->getAsBoolean().value_or(true);
  } else if (key == "tensor_constant") {
    spec.kind = InputSpec::Kind::TensorConstant;
    if (auto e = readArg(true))
      return std::move(e);
    if (auto e = readTarget("tensor_constant_name"))
      return std::move(e);
  } else if (key == "custom_obj") {
    spec.kind = InputSpec::Kind::CustomObj;
    if (auto e = readTarget("custom_obj_name"))
      return std::move(e);
  } else if (key == "token") {
    spec.kind = InputSpec::Kind::Token;
  } else if (key == "constant_input") {
    spec.kind = InputSpec::Kind::ConstantInput;
    if (auto e = readTarget("name"))
      return std::move(e);
    if (const Value *value = r.optionalField(**o, "value")) {
      // ConstantValue {as_none|as_int|as_float|as_string|as_bool}: Argument-shaped.
      auto arg = r.argument(*value, p + ".value");
      if (!arg)
        return arg.takeError();
      spec.arg = *arg;
    }
  } else {
    return r.error(path, "unknown input spec kind '" + key + "'");
  }
  return spec;
}

static llvm::Expected<OutputSpec> parseOutputSpec(const Reader &r, const Value &v,
                                                  const std::string &path) {
  auto member = r.unionMember(v, path);
  if (!member)
    return member.takeError();
  auto &[key, value] = *member;
  std::string p = path + "." + key;
  auto o = r.object(*value, p);
  if (!o)
    return o.takeError();
  static const std::pair<llvm::StringLiteral, std::pair<OutputSpec::Kind, llvm::StringLiteral>>
      kinds[] = {
          {"user_output", {OutputSpec::Kind::UserOutput, ""}},
          {"loss_output", {OutputSpec::Kind::LossOutput, ""}},
          {"buffer_mutation", {OutputSpec::Kind::BufferMutation, "buffer_name"}},
          {"gradient_to_parameter", {OutputSpec::Kind::GradientToParameter, "parameter_name"}},
          {"gradient_to_user_input", {OutputSpec::Kind::GradientToUserInput, "user_input_name"}},
          {"user_input_mutation", {OutputSpec::Kind::UserInputMutation, "user_input_name"}},
          {"token", {OutputSpec::Kind::Token, ""}},
          {"parameter_mutation", {OutputSpec::Kind::ParameterMutation, "parameter_name"}},
      };
  for (auto &[name, info] : kinds) {
    if (key != name)
      continue;
    OutputSpec spec;
    spec.kind = info.first;
    auto a = r.field(**o, "arg", p);
    if (!a)
      return a.takeError();
    if (spec.kind == OutputSpec::Kind::UserOutput) {
      auto arg = r.argument(**a, p + ".arg");
      if (!arg)
        return arg.takeError();
      spec.arg = *arg;
    } else {
      // TensorArgument (or TokenArgument) {name}
      auto name = r.tensorArgName(**a, p + ".arg");
      if (!name)
        return name.takeError();
      spec.arg = OpArgument::ofTensor(*name);
    }
    if (!info.second.empty()) {
      auto t = r.field(**o, info.second, p);
      if (!t)
        return t.takeError();
      auto s = r.string(**t, p + "." + info.second.str());
      if (!s)
        return s.takeError();
      spec.target = *s;
    }
    return spec;
  }
  return r.error(path, "unknown output spec kind '" + key + "'");
}

static llvm::Expected<Node> parseNode(const Reader &r, const Value &v, const std::string &path) {
  auto o = r.object(v, path);
  if (!o)
    return o.takeError();
  Node node;
  auto target = r.field(**o, "target", path);
  if (!target)
    return target.takeError();
  auto t = r.string(**target, path + ".target");
  if (!t)
    return t.takeError();
  node.target = *t;
  if (const Value *name = r.optionalField(**o, "name"))
    node.name = name->getAsString().value_or("").str();
  auto namedArgument = [&](const Value &item,
                           const std::string &ip) -> llvm::Expected<NamedArgument> {
    auto io = r.object(item, ip);
    if (!io)
      return io.takeError();
    NamedArgument na;
    auto n = r.field(**io, "name", ip);
    if (!n)
      return n.takeError();
    auto ns = r.string(**n, ip + ".name");
    if (!ns)
      return ns.takeError();
    na.name = *ns;
    auto a = r.field(**io, "arg", ip);
    if (!a)
      return a.takeError();
    auto arg = r.argument(**a, ip + ".arg");
    if (!arg)
      return arg.takeError();
    na.arg = std::move(*arg);
    if (const Value *kind = r.optionalField(**io, "kind"))
      na.kind = static_cast<int>(kind->getAsInteger().value_or(0));
    return na;
  };
  if (const Value *inputs = r.optionalField(**o, "inputs"))
    if (llvm::Error e = r.list(*inputs, path + ".inputs", node.inputs, namedArgument))
      return std::move(e);
  if (const Value *outputs = r.optionalField(**o, "outputs"))
    if (llvm::Error e = r.list(*outputs, path + ".outputs", node.outputs, r.by(&Reader::argument)))
      return std::move(e);
  if (const Value *metadata = r.optionalField(**o, "metadata"))
    if (const Object *m = metadata->getAsObject())
      for (const auto &kv : *m)
        if (auto s = kv.second.getAsString())
          node.metadata[kv.first.str()] = s->str();
  return node;
}

/// torch 2.1's GraphSignature {inputs_to_parameters, inputs_to_buffers,
/// user_inputs, user_outputs, buffers_to_mutate} as input and output specs.
static llvm::Error convertVersion1Signature(const Reader &r, const Object &sig,
                                            ExportedProgram &ep) {
  const std::string sp = "graph_module.signature";
  auto stringMap = [&](llvm::StringRef key,
                       std::map<std::string, std::string> &out) -> llvm::Error {
    const Value *v = r.optionalField(sig, key);
    if (!v)
      return llvm::Error::success();
    auto o = r.object(*v, sp + "." + key.str());
    if (!o)
      return o.takeError();
    for (const auto &kv : **o) {
      auto s = r.string(kv.second, sp + "." + key.str() + "." + kv.first.str());
      if (!s)
        return s.takeError();
      out[kv.first.str()] = *s;
    }
    return llvm::Error::success();
  };
  auto stringList = [&](llvm::StringRef key, std::vector<std::string> &out) -> llvm::Error {
    const Value *v = r.optionalField(sig, key);
    if (!v)
      return llvm::Error::success();
    return r.list(*v, sp + "." + key.str(), out, r.by(&Reader::string));
  };
  std::map<std::string, std::string> parameters, buffers, mutations;
  std::vector<std::string> userInputs, userOutputs;
  if (llvm::Error e = stringMap("inputs_to_parameters", parameters))
    return e;
  if (llvm::Error e = stringMap("inputs_to_buffers", buffers))
    return e;
  if (llvm::Error e = stringMap("buffers_to_mutate", mutations))
    return e;
  if (llvm::Error e = stringList("user_inputs", userInputs))
    return e;
  if (llvm::Error e = stringList("user_outputs", userOutputs))
    return e;
  for (const OpArgument &input : ep.graph.inputs) {
    InputSpec spec;
    spec.arg = input;
    const std::string &name = input.tensor;
    if (parameters.count(name)) {
      spec.kind = InputSpec::Kind::Parameter;
      spec.target = parameters[name];
    } else if (buffers.count(name)) {
      spec.kind = InputSpec::Kind::Buffer;
      spec.target = buffers[name];
    } else if (llvm::is_contained(userInputs, name)) {
      spec.kind = InputSpec::Kind::UserInput;
    } else {
      return r.error(sp, "graph input '" + name +
                             "' is neither a parameter, a buffer nor a "
                             "user input");
    }
    ep.inputSpecs.push_back(spec);
  }
  for (const OpArgument &output : ep.graph.outputs) {
    OutputSpec spec;
    spec.arg = output;
    const std::string &name = output.tensor;
    if (mutations.count(name)) {
      spec.kind = OutputSpec::Kind::BufferMutation;
      spec.target = mutations[name];
    } else if (llvm::is_contained(userOutputs, name)) {
      spec.kind = OutputSpec::Kind::UserOutput;
    } else {
      return r.error(sp, "graph output '" + name +
                             "' is neither a user output nor a buffer "
                             "mutation");
    }
    ep.outputSpecs.push_back(spec);
  }
  return llvm::Error::success();
}

llvm::Expected<TensorMeta> parseTensorMeta(const Value &value, llvm::StringRef file,
                                           llvm::StringRef path) {
  return Reader(file).tensorMeta(value, path.str());
}

llvm::Expected<ExportedProgram> parseExportedProgram(llvm::StringRef json, llvm::StringRef file) {
  Reader r(file);
  llvm::Expected<Value> root = llvm::json::parse(json);
  if (!root)
    return llvm::createStringError(file + ": not valid JSON: " + llvm::toString(root.takeError()));
  auto top = r.object(*root, "(root)");
  if (!top)
    return top.takeError();
  ExportedProgram ep;

  // Schema version: {major, minor} (2.3+) or a bare int (2.1/2.2).
  if (const Value *sv = r.optionalField(**top, "schema_version")) {
    if (auto i = sv->getAsInteger()) {
      ep.schemaMajor = static_cast<int>(*i);
    } else if (const Object *o = sv->getAsObject()) {
      ep.schemaMajor = static_cast<int>(o->getInteger("major").value_or(0));
      ep.schemaMinor = static_cast<int>(o->getInteger("minor").value_or(0));
    }
  }
  if (const Value *tv = r.optionalField(**top, "torch_version"))
    ep.torchVersion = tv->getAsString().value_or("").str();
  if (const Value *verifiers = r.optionalField(**top, "verifiers"))
    if (const Array *a = verifiers->getAsArray())
      for (const Value &v : *a)
        if (auto s = v.getAsString())
          ep.verifiers.push_back(s->str());
  if (const Value *dialect = r.optionalField(**top, "dialect")) // 2.1/2.2
    if (auto s = dialect->getAsString())
      ep.verifiers.push_back(s->str());
  if (const Value *opset = r.optionalField(**top, "opset_version"))
    if (const Object *o = opset->getAsObject())
      for (const auto &kv : *o)
        ep.opsetVersion[kv.first.str()] = kv.second.getAsInteger().value_or(0);
  if (const Value *ranges = r.optionalField(**top, "range_constraints")) {
    auto o = r.object(*ranges, "range_constraints");
    if (!o)
      return o.takeError();
    for (const auto &kv : **o) {
      RangeConstraint rc;
      if (const Object *c = kv.second.getAsObject()) {
        if (const Value *mn = r.optionalField(*c, "min_val"))
          rc.minVal = mn->getAsInteger();
        if (const Value *mx = r.optionalField(*c, "max_val"))
          rc.maxVal = mx->getAsInteger();
      }
      ep.rangeConstraints[kv.first.str()] = rc;
    }
  }

  auto gmValue = r.field(**top, "graph_module", "(root)");
  if (!gmValue)
    return gmValue.takeError();
  auto gm = r.object(**gmValue, "graph_module");
  if (!gm)
    return gm.takeError();
  auto graphValue = r.field(**gm, "graph", "graph_module");
  if (!graphValue)
    return graphValue.takeError();
  auto graph = r.object(**graphValue, "graph_module.graph");
  if (!graph)
    return graph.takeError();
  const std::string gp = "graph_module.graph";

  if (const Value *inputs = r.optionalField(**graph, "inputs"))
    if (llvm::Error e = r.list(*inputs, gp + ".inputs", ep.graph.inputs, r.by(&Reader::argument)))
      return std::move(e);
  if (const Value *outputs = r.optionalField(**graph, "outputs"))
    if (llvm::Error e =
            r.list(*outputs, gp + ".outputs", ep.graph.outputs, r.by(&Reader::argument)))
      return std::move(e);
  if (const Value *single = r.optionalField(**graph, "is_single_tensor_return"))
    ep.graph.isSingleTensorReturn = single->getAsBoolean().value_or(false);
  if (const Value *tv = r.optionalField(**graph, "tensor_values")) {
    auto o = r.object(*tv, gp + ".tensor_values");
    if (!o)
      return o.takeError();
    for (const auto &kv : **o) {
      // torch 2.1 wrapped each entry as TensorValue {meta: TensorMeta}.
      const Value *metaValue = &kv.second;
      if (const Object *entry = kv.second.getAsObject())
        if (const Value *inner = entry->get("meta"); inner && !entry->get("dtype"))
          metaValue = inner;
      auto meta = r.tensorMeta(*metaValue, gp + ".tensor_values." + kv.first.str());
      if (!meta)
        return meta.takeError();
      ep.graph.tensorValues[kv.first.str()] = std::move(*meta);
    }
  }
  if (const Value *sv = r.optionalField(**graph, "sym_int_values")) {
    auto o = r.object(*sv, gp + ".sym_int_values");
    if (!o)
      return o.takeError();
    for (const auto &kv : **o) {
      auto sym = r.symInt(kv.second, gp + ".sym_int_values." + kv.first.str());
      if (!sym)
        return sym.takeError();
      ep.graph.symIntValues[kv.first.str()] = *sym;
    }
  }
  // Each entry of a list of the program's objects, read by `parse`.
  auto with = [&](auto parse) {
    return [&r, parse](const Value &item, const std::string &p) { return parse(r, item, p); };
  };
  if (const Value *nodes = r.optionalField(**graph, "nodes"))
    if (llvm::Error e = r.list(*nodes, gp + ".nodes", ep.graph.nodes, with(parseNode)))
      return std::move(e);

  auto sigValue = r.field(**gm, "signature", "graph_module");
  if (!sigValue)
    return sigValue.takeError();
  auto sig = r.object(**sigValue, "graph_module.signature");
  if (!sig)
    return sig.takeError();
  const std::string sp = "graph_module.signature";
  if (const Value *specs = r.optionalField(**sig, "input_specs")) {
    if (llvm::Error e = r.list(*specs, sp + ".input_specs", ep.inputSpecs, with(parseInputSpec)))
      return std::move(e);
  } else if (r.optionalField(**sig, "user_inputs")) {
    // torch 2.1 (schema version 1): maps from placeholder names instead of specs.
    if (llvm::Error e = convertVersion1Signature(r, **sig, ep))
      return std::move(e);
    return ep;
  } else {
    return r.error(sp, "missing 'input_specs'");
  }
  if (const Value *specs = r.optionalField(**sig, "output_specs"))
    if (llvm::Error e = r.list(*specs, sp + ".output_specs", ep.outputSpecs, with(parseOutputSpec)))
      return std::move(e);
  return ep;
}

} // namespace kiln
