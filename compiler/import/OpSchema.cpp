//===- OpSchema.cpp - the table of PyTorch operator schemas ---------------===//
#include "compiler/import/OpSchema.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

namespace kiln {

//===----------------------------------------------------------------------===//
// OpArgument
//===----------------------------------------------------------------------===//

llvm::StringRef kindName(OpArgument::Kind kind) {
  using K = OpArgument::Kind;
  switch (kind) {
  case K::None:
    return "as_none";
  case K::Tensor:
    return "as_tensor";
  case K::Tensors:
    return "as_tensors";
  case K::OptionalTensors:
    return "as_optional_tensors";
  case K::Int:
    return "as_int";
  case K::Ints:
    return "as_ints";
  case K::Float:
    return "as_float";
  case K::Floats:
    return "as_floats";
  case K::Bool:
    return "as_bool";
  case K::Bools:
    return "as_bools";
  case K::String:
    return "as_string";
  case K::Strings:
    return "as_strings";
  case K::SymInt:
    return "as_sym_int";
  case K::SymInts:
    return "as_sym_ints";
  case K::ScalarType:
    return "as_scalar_type";
  case K::MemoryFormat:
    return "as_memory_format";
  case K::Layout:
    return "as_layout";
  case K::Device:
    return "as_device";
  case K::Other:
    return "other";
  }
  return "?";
}

std::string OpArgument::describe() const {
  using K = Kind;
  switch (kind) {
  case K::None:
    return "None";
  case K::Tensor:
    return "tensor '" + tensor + "'";
  case K::Int:
    return "int " + std::to_string(i);
  case K::Float:
    return llvm::formatv("float {0}", f).str();
  case K::Bool:
    return b ? "True" : "False";
  case K::String:
    return "string \"" + s + "\"";
  case K::Ints:
    return "ints [" + llvm::join(llvm::map_range(ints, [](int64_t v) { return std::to_string(v); }), ", ") + "]";
  case K::SymInt:
    return "symbolic int '" + s + "'";
  case K::Other:
    return "'" + s + "'";
  default:
    return kindName(kind).str();
  }
}

//===----------------------------------------------------------------------===//
// Schema parsing
//===----------------------------------------------------------------------===//

static llvm::Error schemaError(llvm::StringRef text, const llvm::Twine &message) {
  return llvm::createStringError(("bad operator schema '" + text + "': " + message).str());
}

/// Splits at commas outside (), [] and quotes.
static std::vector<llvm::StringRef> splitTopLevel(llvm::StringRef text) {
  std::vector<llvm::StringRef> parts;
  int depth = 0;
  char quote = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == quote)
        quote = 0;
      continue;
    }
    if (c == '"' || c == '\'')
      quote = c;
    else if (c == '(' || c == '[')
      ++depth;
    else if (c == ')' || c == ']')
      --depth;
    else if (c == ',' && depth == 0) {
      parts.push_back(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  llvm::StringRef last = text.substr(start).trim();
  if (!last.empty() || !parts.empty())
    parts.push_back(last);
  return parts;
}

static llvm::Expected<SchemaType> parseType(llvm::StringRef text) {
  SchemaType t;
  t.text = text.str();
  llvm::StringRef rest = text;
  size_t nameEnd = 0;
  while (nameEnd < rest.size() && (llvm::isAlnum(rest[nameEnd]) || rest[nameEnd] == '_'))
    ++nameEnd;
  if (nameEnd == 0)
    return llvm::createStringError("bad type '" + text.str() + "'");
  t.baseName = rest.take_front(nameEnd).str();
  rest = rest.drop_front(nameEnd);
  static const std::pair<llvm::StringLiteral, SchemaType::Base> bases[] = {
      {"Tensor", SchemaType::Base::Tensor},
      {"int", SchemaType::Base::Int},
      {"SymInt", SchemaType::Base::SymInt},
      {"float", SchemaType::Base::Float},
      {"bool", SchemaType::Base::Bool},
      {"str", SchemaType::Base::Str},
      {"Scalar", SchemaType::Base::Scalar},
      {"ScalarType", SchemaType::Base::ScalarType},
      {"Layout", SchemaType::Base::Layout},
      {"Device", SchemaType::Base::Device},
      {"MemoryFormat", SchemaType::Base::MemoryFormat},
      {"Generator", SchemaType::Base::Generator},
  };
  for (auto &[name, base] : bases)
    if (t.baseName == name)
      t.base = base;
  if (rest.consume_front("(")) {
    size_t close = rest.find(')');
    if (close == llvm::StringRef::npos)
      return llvm::createStringError("unclosed alias annotation in '" + text.str() + "'");
    llvm::StringRef annotation = rest.take_front(close).trim();
    rest = rest.drop_front(close + 1);
    t.mutates = annotation.contains('!');
    t.alias = annotation.take_while([](char c) { return llvm::isAlnum(c); }).str();
  }
  if (rest.starts_with("?[")) {
    t.optionalElements = true;
    rest = rest.drop_front(1);
  }
  if (rest.consume_front("[")) {
    size_t close = rest.find(']');
    if (close == llvm::StringRef::npos)
      return llvm::createStringError("unclosed list suffix in '" + text.str() + "'");
    t.isList = true;
    llvm::StringRef size = rest.take_front(close);
    if (!size.empty() && size.getAsInteger(10, t.listSize))
      return llvm::createStringError("bad list size in '" + text.str() + "'");
    rest = rest.drop_front(close + 1);
  }
  if (rest.consume_front("?"))
    t.optional = true;
  if (!rest.empty())
    return llvm::createStringError("unexpected '" + rest.str() + "' in type '" + text.str() +
                                   "'");
  return t;
}

/// `Type name[=default]`; the type may hold spaces inside parentheses.
static llvm::Expected<SchemaArg> parseArg(llvm::StringRef text, bool isReturn) {
  SchemaArg arg;
  int depth = 0;
  size_t typeEnd = text.size();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '(')
      ++depth;
    else if (text[i] == ')')
      --depth;
    else if (text[i] == ' ' && depth == 0) {
      typeEnd = i;
      break;
    }
  }
  auto type = parseType(text.take_front(typeEnd));
  if (!type)
    return type.takeError();
  arg.type = std::move(*type);
  llvm::StringRef rest = text.drop_front(typeEnd).trim();
  auto [name, def] = rest.split('=');
  arg.name = name.trim().str();
  if (rest.contains('='))
    arg.defaultText = def.trim().str();
  if (arg.name.empty() && !isReturn)
    return llvm::createStringError("argument '" + text.str() + "' has no name");
  return arg;
}

llvm::Expected<OpSchema> parseOpSchema(llvm::StringRef text) {
  OpSchema schema;
  schema.text = text.str();
  size_t open = text.find('(');
  size_t arrow = text.rfind(" -> ");
  if (open == llvm::StringRef::npos || arrow == llvm::StringRef::npos || arrow < open)
    return schemaError(text, "expected 'ns::name(args) -> returns'");
  llvm::StringRef qualified = text.take_front(open);
  auto [ns, nameAndOverload] = qualified.split("::");
  if (nameAndOverload.empty())
    return schemaError(text, "the name has no namespace");
  auto [name, overload] = nameAndOverload.split('.');
  schema.ns = ns.str();
  schema.name = name.str();
  schema.overload = overload.str();
  llvm::StringRef argsText = text.slice(open + 1, arrow).trim();
  if (!argsText.consume_back(")"))
    return schemaError(text, "the argument list is not closed");
  bool kwargOnly = false;
  for (llvm::StringRef part : splitTopLevel(argsText)) {
    if (part == "*") {
      kwargOnly = true;
      continue;
    }
    auto arg = parseArg(part, /*isReturn=*/false);
    if (!arg)
      return schemaError(text, llvm::toString(arg.takeError()));
    arg->kwargOnly = kwargOnly;
    if (arg->defaultText) {
      // Check the default parses now, so a bad table fails at start-up tests.
      auto value = parseDefaultValue(arg->type, *arg->defaultText);
      if (!value)
        return schemaError(text, llvm::toString(value.takeError()));
    }
    schema.arguments.push_back(std::move(*arg));
  }
  llvm::StringRef returnsText = text.drop_front(arrow + 4).trim();
  if (returnsText.starts_with("(") && returnsText.ends_with(")"))
    returnsText = returnsText.drop_front().drop_back();
  for (llvm::StringRef part : splitTopLevel(returnsText)) {
    auto ret = parseArg(part, /*isReturn=*/true);
    if (!ret)
      return schemaError(text, llvm::toString(ret.takeError()));
    schema.returns.push_back(std::move(*ret));
  }
  return schema;
}

static std::optional<int64_t> memoryFormatCode(llvm::StringRef name) {
  // The serializer's MemoryFormat enum.
  if (name == "contiguous_format")
    return 1;
  if (name == "channels_last")
    return 2;
  if (name == "channels_last_3d")
    return 3;
  if (name == "preserve_format")
    return 4;
  return std::nullopt;
}

static std::optional<double> parseFloatText(llvm::StringRef text) {
  if (text == "inf")
    return INFINITY;
  if (text == "-inf")
    return -INFINITY;
  double v;
  if (text.getAsDouble(v))
    return std::nullopt;
  return v;
}

llvm::Expected<OpArgument> parseDefaultValue(const SchemaType &type, llvm::StringRef text) {
  using B = SchemaType::Base;
  auto bad = [&]() {
    return llvm::createStringError("cannot read default '" + text.str() + "' as " + type.text);
  };
  if (text == "None")
    return OpArgument::none();
  if (type.isList) {
    std::vector<llvm::StringRef> items;
    if (text.starts_with("[") && text.ends_with("]"))
      items = splitTopLevel(text.drop_front().drop_back());
    else
      items.assign(std::max<int64_t>(type.listSize, 1), text); // `int[2] stride=1`
    if (type.base == B::Int || type.base == B::SymInt || type.base == B::Bool) {
      std::vector<int64_t> values;
      for (llvm::StringRef item : items) {
        int64_t v;
        if (item == "True" || item == "False")
          v = item == "True";
        else if (item.getAsInteger(10, v))
          return bad();
        values.push_back(v);
      }
      OpArgument a = OpArgument::ofInts(values);
      if (type.base == B::Bool)
        a.kind = OpArgument::Kind::Bools;
      return a;
    }
    if (type.base == B::Float) {
      OpArgument a;
      a.kind = OpArgument::Kind::Floats;
      for (llvm::StringRef item : items) {
        auto v = parseFloatText(item);
        if (!v)
          return bad();
        a.floats.push_back(*v);
      }
      return a;
    }
    if (items.empty()) {
      OpArgument a;
      a.kind = type.base == B::Tensor ? OpArgument::Kind::Tensors : OpArgument::Kind::Ints;
      return a;
    }
    return bad();
  }
  switch (type.base) {
  case B::Bool:
    if (text == "True" || text == "False")
      return OpArgument::ofBool(text == "True");
    return bad();
  case B::Int:
  case B::SymInt: {
    int64_t v;
    if (text.getAsInteger(10, v))
      return bad();
    return OpArgument::ofInt(v);
  }
  case B::Float: {
    auto v = parseFloatText(text);
    if (!v)
      return bad();
    return OpArgument::ofFloat(*v);
  }
  case B::Scalar: {
    int64_t i;
    if (!text.getAsInteger(10, i))
      return OpArgument::ofInt(i);
    if (text == "True" || text == "False")
      return OpArgument::ofBool(text == "True");
    auto v = parseFloatText(text);
    if (!v)
      return bad();
    return OpArgument::ofFloat(*v);
  }
  case B::Str: {
    if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
        text.back() == text.front()) {
      OpArgument a;
      a.kind = OpArgument::Kind::String;
      a.s = text.drop_front().drop_back().str();
      return a;
    }
    return bad();
  }
  case B::MemoryFormat: {
    auto code = memoryFormatCode(text);
    if (!code)
      return bad();
    OpArgument a;
    a.kind = OpArgument::Kind::MemoryFormat;
    a.i = *code;
    return a;
  }
  default: {
    // Defaults of other types (`Layout layout=strided`, ...) are kept as text.
    OpArgument a;
    a.kind = OpArgument::Kind::Other;
    a.s = text.str();
    return a;
  }
  }
}

std::string OpSchema::qualifiedName() const {
  return ns + "::" + name + (overload.empty() ? "" : "." + overload);
}

std::string OpSchema::opOverloadName() const {
  return ns + "." + name + "." + (overload.empty() ? "default" : overload);
}

int OpSchema::mutatedArgument() const {
  for (size_t i = 0; i < arguments.size(); ++i)
    if (arguments[i].type.mutates)
      return static_cast<int>(i);
  return -1;
}

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

static const char kSchemaTable[] =
#include "AtenSchemas.inc"
    ;

llvm::Expected<OpSchemaTable> OpSchemaTable::parse(llvm::StringRef text) {
  OpSchemaTable table;
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n');
  for (auto [number, raw] : llvm::enumerate(lines)) {
    llvm::StringRef line = raw.trim();
    if (line.empty() || line.starts_with("#"))
      continue;
    auto [tags, schemaText] = line.split(' ');
    auto schema = parseOpSchema(schemaText.trim());
    if (!schema)
      return llvm::createStringError(llvm::formatv("line {0}: {1}", number + 1,
                                                   llvm::toString(schema.takeError()))
                                         .str());
    llvm::SmallVector<llvm::StringRef> tagList;
    tags.split(tagList, ',');
    schema->core = llvm::is_contained(tagList, "core");
    std::string key = schema->qualifiedName();
    if (!table.index.try_emplace(key, table.schemas.size()).second)
      return llvm::createStringError(
          llvm::formatv("line {0}: duplicate schema {1}", number + 1, key).str());
    table.schemas.push_back(std::move(*schema));
  }
  return table;
}

const OpSchemaTable &OpSchemaTable::get() {
  static const OpSchemaTable table = [] {
    auto parsed = parse(kSchemaTable);
    if (!parsed)
      llvm::report_fatal_error(("aten.schemas is broken: " +
                                llvm::toString(parsed.takeError())).c_str());
    return std::move(*parsed);
  }();
  return table;
}

const OpSchema *OpSchemaTable::lookup(llvm::StringRef ns, llvm::StringRef name,
                                      llvm::StringRef overload) const {
  std::string key = (ns + "::" + name).str();
  if (!overload.empty() && overload != "default")
    key += "." + overload.str();
  auto it = index.find(key);
  return it == index.end() ? nullptr : &schemas[it->second];
}

//===----------------------------------------------------------------------===//
// Binding
//===----------------------------------------------------------------------===//

int OpCall::indexOf(llvm::StringRef name) const {
  for (size_t i = 0; i < schema->arguments.size(); ++i)
    if (schema->arguments[i].name == name)
      return static_cast<int>(i);
  return -1;
}

const OpArgument &OpCall::arg(llvm::StringRef name) const {
  int i = indexOf(name);
  if (i < 0)
    llvm::report_fatal_error(("import rule asks for argument '" + name +
                              "' that schema " + schema->qualifiedName() + " lacks")
                                 .str()
                                 .c_str());
  return args[i];
}

/// Checks `value` against `type`, converting where PyTorch would (an int for
/// a float, one int for an `int[N]` list). Returns an error message or "".
static std::string coerce(const SchemaType &type, OpArgument &value) {
  using B = SchemaType::Base;
  using K = OpArgument::Kind;
  if (value.kind == K::None)
    return type.optional ? "" : "None given for a non-optional " + type.text;
  auto mismatch = [&]() { return "expected " + type.text + ", got " + value.describe(); };
  if (type.isList) {
    switch (type.base) {
    case B::Tensor:
      if (value.kind == K::Tensors && type.optionalElements) {
        value.kind = K::OptionalTensors;
        return "";
      }
      return value.kind == (type.optionalElements ? K::OptionalTensors : K::Tensors)
                 ? ""
                 : mismatch();
    case B::Int:
    case B::SymInt:
      if (value.kind == K::Int) {
        value = OpArgument::ofInts(
            std::vector<int64_t>(std::max<int64_t>(type.listSize, 1), value.i));
        return "";
      }
      if (value.kind == K::Ints && type.listSize > 1 && value.ints.size() == 1)
        value.ints.assign(type.listSize, value.ints[0]);
      if (value.kind == K::Ints || (value.kind == K::SymInts && type.base == B::SymInt))
        return "";
      return mismatch();
    case B::Float:
      if (value.kind == K::Ints) {
        value.kind = K::Floats;
        value.floats.assign(value.ints.begin(), value.ints.end());
      }
      return value.kind == K::Floats ? "" : mismatch();
    case B::Bool:
      return value.kind == K::Bools ? "" : mismatch();
    case B::Str:
      return value.kind == K::Strings ? "" : mismatch();
    default:
      return "";
    }
  }
  switch (type.base) {
  case B::Tensor:
    // A Python number where a tensor is expected is a wrapped scalar, as
    // torch.export writes `add.Tensor(x, 1)`; the importer makes it a 0-d tensor.
    return value.kind == K::Tensor || value.kind == K::Int || value.kind == K::Float ||
                   value.kind == K::Bool
               ? ""
               : mismatch();
  case B::Int:
    return value.kind == K::Int ? "" : mismatch();
  case B::SymInt:
    return value.kind == K::Int || value.kind == K::SymInt ? "" : mismatch();
  case B::Float:
    if (value.kind == K::Int)
      value = OpArgument::ofFloat(static_cast<double>(value.i));
    return value.kind == K::Float ? "" : mismatch();
  case B::Bool:
    return value.kind == K::Bool ? "" : mismatch();
  case B::Scalar:
    return value.kind == K::Int || value.kind == K::Float || value.kind == K::Bool
               ? ""
               : mismatch();
  case B::Str:
    return value.kind == K::String ? "" : mismatch();
  case B::ScalarType:
    return value.kind == K::ScalarType || value.kind == K::Int ? "" : mismatch();
  case B::MemoryFormat:
    return value.kind == K::MemoryFormat || value.kind == K::Int ? "" : mismatch();
  case B::Layout:
    return value.kind == K::Layout || value.kind == K::Int ? "" : mismatch();
  case B::Device:
    return value.kind == K::Device ? "" : mismatch();
  default:
    return "";
  }
}

llvm::Expected<OpCall> bindArguments(const OpSchema &schema,
                                     llvm::ArrayRef<GivenArgument> given) {
  OpCall call;
  call.schema = &schema;
  size_t n = schema.arguments.size();
  call.args.resize(n);
  std::vector<bool> bound(n, false);
  size_t position = 0;
  for (const GivenArgument &g : given) {
    int index = -1;
    if (!g.name.empty()) {
      index = call.indexOf(g.name);
      if (index < 0)
        return llvm::createStringError("unknown argument '" + g.name + "' for " +
                                       schema.qualifiedName());
    } else {
      while (position < n && (bound[position] || schema.arguments[position].kwargOnly))
        ++position;
      if (position >= n)
        return llvm::createStringError("too many arguments for " + schema.qualifiedName());
      index = static_cast<int>(position);
    }
    if (bound[index])
      return llvm::createStringError("argument '" + schema.arguments[index].name +
                                     "' given twice");
    bound[index] = true;
    call.args[index] = g.value;
  }
  for (size_t i = 0; i < n; ++i) {
    const SchemaArg &arg = schema.arguments[i];
    if (!bound[i]) {
      if (!arg.defaultText)
        return llvm::createStringError("missing argument '" + arg.name + "' (" +
                                       arg.type.text + ") of " + schema.qualifiedName());
      auto value = parseDefaultValue(arg.type, *arg.defaultText);
      if (!value)
        return value.takeError();
      call.args[i] = std::move(*value);
      continue;
    }
    std::string problem = coerce(arg.type, call.args[i]);
    if (!problem.empty())
      return llvm::createStringError("argument '" + arg.name + "': " + problem);
  }
  return call;
}

} // namespace kiln
