//===- Pickle.cpp - the part of Python's pickle that torch.save uses ------===//
#include "compiler/import/pt2/Pickle.h"

#include "compiler/import/pt2/ZipArchive.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"

#include <cstring>
#include <map>
#include <memory>

namespace kiln {

namespace {

struct Value;
/// Values live in the interpreter's arena and refer to each other by plain
/// pointers: destruction is flat however deep or cyclic a hostile pickle
/// makes them (a list appended to itself, a million nested tuples).
using ValuePtr = Value *;

/// The objects a torch.save pickle of a state dict builds.
struct Value {
  enum class Kind { None, Bool, Int, Float, String, Tuple, List, Dict, Global, Storage, Tensor };
  Kind kind = Kind::None;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;                                      // String; Global as "module.name"
  std::vector<ValuePtr> items;                        // Tuple, List
  std::vector<std::pair<ValuePtr, ValuePtr>> entries; // Dict, in insertion order
  PickledTensor tensor;                               // Storage (key, dtype, numel) and Tensor
};

const char *kindName(Value::Kind kind) {
  switch (kind) {
  case Value::Kind::None:
    return "None";
  case Value::Kind::Bool:
    return "bool";
  case Value::Kind::Int:
    return "int";
  case Value::Kind::Float:
    return "float";
  case Value::Kind::String:
    return "str";
  case Value::Kind::Tuple:
    return "tuple";
  case Value::Kind::List:
    return "list";
  case Value::Kind::Dict:
    return "dict";
  case Value::Kind::Global:
    return "global";
  case Value::Kind::Storage:
    return "storage";
  case Value::Kind::Tensor:
    return "tensor";
  }
  return "?";
}

/// `torch.<Dtype>Storage` classes and the dtype of their elements
/// (dialects/kiln/ElementTypes.def).
std::optional<ScalarType> storageClassType(llvm::StringRef global) {
  if (const ElementType *e = elementTypeOfStorageClass(std::string_view(global)))
    return e->scalarType;
  return std::nullopt;
}

bool isAllowedGlobal(llvm::StringRef global) {
  return global == "torch._utils._rebuild_tensor_v2" ||
         global == "torch._utils._rebuild_parameter" ||
         global == "torch._utils._rebuild_parameter_with_state" ||
         global == "collections.OrderedDict" || storageClassType(global).has_value();
}

class Interpreter {
public:
  explicit Interpreter(llvm::StringRef data) : data(data) {}

  llvm::Expected<ValuePtr> run();

private:
  ValuePtr make(Value::Kind kind) {
    arena.push_back(std::make_unique<Value>());
    arena.back()->kind = kind;
    return arena.back().get();
  }

  // Limits that keep a hostile pickle from exhausting memory.
  static constexpr size_t kMaxStack = 1 << 20;
  static constexpr size_t kMaxMemo = 1 << 20;
  static constexpr size_t kMaxRank = 64;

  llvm::Error error(const llvm::Twine &message) const {
    return llvm::createStringError(
        llvm::formatv("pickle offset {0}: {1}", opStart, message.str()).str());
  }

  bool have(size_t n) const { return pos <= data.size() && data.size() - pos >= n; }
  llvm::Error need(size_t n) const {
    if (!have(n))
      return error("truncated pickle");
    return llvm::Error::success();
  }
  uint64_t readLE(size_t n) {
    uint64_t v = 0;
    for (size_t k = 0; k < n; ++k)
      v |= static_cast<uint64_t>(static_cast<unsigned char>(data[pos + k])) << (8 * k);
    pos += n;
    return v;
  }
  llvm::Error push(ValuePtr v) {
    if (stack.size() >= kMaxStack)
      return error("pickle stack too deep");
    stack.push_back(v);
    return llvm::Error::success();
  }
  llvm::Expected<ValuePtr> pop() {
    if (stack.empty() || (!marks.empty() && stack.size() == marks.back()))
      return error("pickle stack underflow");
    ValuePtr v = stack.back();
    stack.pop_back();
    return v;
  }
  /// Everything above the topmost MARK, which is removed.
  llvm::Expected<std::vector<ValuePtr>> popMark() {
    if (marks.empty())
      return error("no MARK on the pickle stack");
    size_t at = marks.back();
    marks.pop_back();
    std::vector<ValuePtr> items(stack.begin() + at, stack.end());
    stack.resize(at);
    return items;
  }
  llvm::Error memoPut(uint64_t index) {
    if (stack.empty())
      return error("memoizing an empty stack");
    if (memo.size() >= kMaxMemo && !memo.count(index))
      return error("pickle memo too large");
    memo[index] = stack.back();
    return llvm::Error::success();
  }
  llvm::Error memoGet(uint64_t index) {
    auto it = memo.find(index);
    if (it == memo.end())
      return error("memo entry " + llvm::Twine(index) + " was never stored");
    return push(it->second);
  }
  llvm::Error pushString(size_t lengthBytes) {
    if (llvm::Error e = need(lengthBytes))
      return e;
    uint64_t n = readLE(lengthBytes);
    if (!have(n))
      return error("string of " + llvm::Twine(n) + " bytes runs past the end of the pickle");
    ValuePtr v = make(Value::Kind::String);
    v->s = data.substr(pos, n).str();
    pos += n;
    return push(v);
  }

  llvm::Expected<ValuePtr> reduce(const ValuePtr &callable, const ValuePtr &args);
  llvm::Expected<ValuePtr> persistentLoad(const ValuePtr &pid);
  llvm::Error intList(const ValuePtr &v, const char *what, std::vector<int64_t> &out);

  llvm::StringRef data;
  size_t pos = 0, opStart = 0;
  std::vector<std::unique_ptr<Value>> arena; // owns every value
  std::vector<ValuePtr> stack;
  std::vector<size_t> marks;
  std::map<uint64_t, ValuePtr> memo;
};

llvm::Error Interpreter::intList(const ValuePtr &v, const char *what, std::vector<int64_t> &out) {
  if (v->kind != Value::Kind::Tuple && v->kind != Value::Kind::List)
    return error(llvm::Twine(what) + " must be a tuple of ints, got " + kindName(v->kind));
  if (v->items.size() > kMaxRank)
    return error(llvm::Twine(what) + " has more than 64 dimensions");
  for (const ValuePtr &item : v->items) {
    if (item->kind != Value::Kind::Int)
      return error(llvm::Twine(what) + " must be a tuple of ints");
    out.push_back(item->i);
  }
  return llvm::Error::success();
}

llvm::Expected<ValuePtr> Interpreter::persistentLoad(const ValuePtr &pid) {
  // ('storage', <Dtype>Storage, key, location, numel)
  if (pid->kind != Value::Kind::Tuple || pid->items.size() != 5 ||
      pid->items[0]->kind != Value::Kind::String || pid->items[0]->s != "storage")
    return error("persistent id is not a ('storage', type, key, location, numel) tuple");
  const ValuePtr &type = pid->items[1], &key = pid->items[2], &numel = pid->items[4];
  if (type->kind != Value::Kind::Global)
    return error("persistent id names no storage class");
  std::optional<ScalarType> dtype = storageClassType(type->s);
  if (!dtype)
    return error("unsupported storage class '" + type->s + "'");
  if (key->kind != Value::Kind::String || numel->kind != Value::Kind::Int || numel->i < 0)
    return error("malformed persistent id");
  ValuePtr storage = make(Value::Kind::Storage);
  storage->tensor.storageKey = key->s;
  storage->tensor.dtype = *dtype;
  storage->tensor.storageNumel = static_cast<uint64_t>(numel->i);
  return storage;
}

llvm::Expected<ValuePtr> Interpreter::reduce(const ValuePtr &callable, const ValuePtr &args) {
  if (callable->kind != Value::Kind::Global)
    return error(llvm::Twine("REDUCE of a ") + kindName(callable->kind) + ", not a callable");
  if (args->kind != Value::Kind::Tuple)
    return error("REDUCE arguments are not a tuple");
  const std::vector<ValuePtr> &a = args->items;
  llvm::StringRef fn = callable->s;
  if (fn == "collections.OrderedDict") {
    if (!a.empty())
      return error("OrderedDict() with arguments");
    return make(Value::Kind::Dict);
  }
  if (fn == "torch._utils._rebuild_tensor_v2") {
    // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    if (a.size() < 6 || a.size() > 7)
      return error("_rebuild_tensor_v2 takes 6 or 7 arguments, got " + llvm::Twine(a.size()));
    if (a[0]->kind != Value::Kind::Storage)
      return error("_rebuild_tensor_v2: the first argument is not a storage");
    if (a[1]->kind != Value::Kind::Int || a[1]->i < 0)
      return error("_rebuild_tensor_v2: bad storage offset");
    ValuePtr t = make(Value::Kind::Tensor);
    t->tensor = a[0]->tensor;
    t->tensor.meta.dtype = a[0]->tensor.dtype;
    std::vector<int64_t> sizes, strides;
    if (llvm::Error e = intList(a[2], "size", sizes))
      return std::move(e);
    if (llvm::Error e = intList(a[3], "stride", strides))
      return std::move(e);
    if (sizes.size() != strides.size())
      return error("size and stride have different lengths");
    for (int64_t s : sizes)
      t->tensor.meta.sizes.push_back({false, s, "", std::nullopt});
    for (int64_t s : strides)
      t->tensor.meta.strides.push_back({false, s, "", std::nullopt});
    t->tensor.meta.storageOffset.value = a[1]->i;
    t->tensor.meta.requiresGrad = a[4]->kind == Value::Kind::Bool && a[4]->b;
    return t;
  }
  if (fn == "torch._utils._rebuild_parameter" ||
      fn == "torch._utils._rebuild_parameter_with_state") {
    if (a.empty() || a[0]->kind != Value::Kind::Tensor)
      return error(fn + ": the first argument is not a tensor");
    return a[0];
  }
  return error("calling '" + fn + "' is not allowed");
}

llvm::Expected<ValuePtr> Interpreter::run() {
  while (true) {
    opStart = pos;
    if (!have(1))
      return error("the pickle ends without STOP");
    unsigned char op = static_cast<unsigned char>(data[pos++]);
    switch (op) {
    case 0x80: // PROTO
      if (llvm::Error e = need(1))
        return std::move(e);
      if (static_cast<unsigned char>(data[pos++]) > 5)
        return error("unsupported pickle protocol");
      break;
    case 0x95: // FRAME
      if (llvm::Error e = need(8))
        return std::move(e);
      pos += 8;
      break;
    case '.': { // STOP
      if (stack.size() != 1 || !marks.empty())
        return error("STOP with " + llvm::Twine(stack.size()) + " values on the stack");
      return stack.back();
    }
    case '(': // MARK
      marks.push_back(stack.size());
      break;
    case '}': // EMPTY_DICT
      if (llvm::Error e = push(make(Value::Kind::Dict)))
        return std::move(e);
      break;
    case ']': // EMPTY_LIST
      if (llvm::Error e = push(make(Value::Kind::List)))
        return std::move(e);
      break;
    case ')': // EMPTY_TUPLE
      if (llvm::Error e = push(make(Value::Kind::Tuple)))
        return std::move(e);
      break;
    case 't': { // TUPLE
      auto items = popMark();
      if (!items)
        return items.takeError();
      ValuePtr t = make(Value::Kind::Tuple);
      t->items = std::move(*items);
      if (llvm::Error e = push(t))
        return std::move(e);
      break;
    }
    case 0x85:   // TUPLE1
    case 0x86:   // TUPLE2
    case 0x87: { // TUPLE3
      size_t n = op - 0x84;
      ValuePtr t = make(Value::Kind::Tuple);
      t->items.resize(n);
      for (size_t k = n; k-- > 0;) {
        auto v = pop();
        if (!v)
          return v.takeError();
        t->items[k] = *v;
      }
      if (llvm::Error e = push(t))
        return std::move(e);
      break;
    }
    case 'X': // BINUNICODE
    case 'T': // BINSTRING
    case 'B': // BINBYTES
      if (llvm::Error e = pushString(4))
        return std::move(e);
      break;
    case 0x8c: // SHORT_BINUNICODE
    case 'U':  // SHORT_BINSTRING
    case 'C':  // SHORT_BINBYTES
      if (llvm::Error e = pushString(1))
        return std::move(e);
      break;
    case 0x8d: // BINUNICODE8
      if (llvm::Error e = pushString(8))
        return std::move(e);
      break;
    case 'c': { // GLOBAL "module\nname\n"
      size_t end1 = data.find('\n', pos);
      size_t end2 = end1 == llvm::StringRef::npos ? end1 : data.find('\n', end1 + 1);
      if (end2 == llvm::StringRef::npos)
        return error("truncated GLOBAL");
      std::string global = (data.slice(pos, end1) + "." + data.slice(end1 + 1, end2)).str();
      pos = end2 + 1;
      if (!isAllowedGlobal(global))
        return error("forbidden GLOBAL '" + global +
                     "': a torch.save state dict needs only tensor-rebuilding globals");
      ValuePtr g = make(Value::Kind::Global);
      g->s = global;
      if (llvm::Error e = push(g))
        return std::move(e);
      break;
    }
    case 0x93: { // STACK_GLOBAL
      auto name = pop();
      if (!name)
        return name.takeError();
      auto module = pop();
      if (!module)
        return module.takeError();
      if ((*name)->kind != Value::Kind::String || (*module)->kind != Value::Kind::String)
        return error("STACK_GLOBAL of non-strings");
      std::string global = (*module)->s + "." + (*name)->s;
      if (!isAllowedGlobal(global))
        return error("forbidden GLOBAL '" + global +
                     "': a torch.save state dict needs only tensor-rebuilding globals");
      ValuePtr g = make(Value::Kind::Global);
      g->s = global;
      if (llvm::Error e = push(g))
        return std::move(e);
      break;
    }
    case 'q': // BINPUT
      if (llvm::Error e = need(1))
        return std::move(e);
      if (llvm::Error e = memoPut(readLE(1)))
        return std::move(e);
      break;
    case 'r': // LONG_BINPUT
      if (llvm::Error e = need(4))
        return std::move(e);
      if (llvm::Error e = memoPut(readLE(4)))
        return std::move(e);
      break;
    case 0x94: // MEMOIZE
      if (llvm::Error e = memoPut(memo.size()))
        return std::move(e);
      break;
    case 'h': // BINGET
      if (llvm::Error e = need(1))
        return std::move(e);
      if (llvm::Error e = memoGet(readLE(1)))
        return std::move(e);
      break;
    case 'j': // LONG_BINGET
      if (llvm::Error e = need(4))
        return std::move(e);
      if (llvm::Error e = memoGet(readLE(4)))
        return std::move(e);
      break;
    case 'J': { // BININT
      if (llvm::Error e = need(4))
        return std::move(e);
      ValuePtr v = make(Value::Kind::Int);
      v->i = static_cast<int32_t>(readLE(4));
      if (llvm::Error e = push(v))
        return std::move(e);
      break;
    }
    case 'K':   // BININT1
    case 'M': { // BININT2
      size_t n = op == 'K' ? 1 : 2;
      if (llvm::Error e = need(n))
        return std::move(e);
      ValuePtr v = make(Value::Kind::Int);
      v->i = static_cast<int64_t>(readLE(n));
      if (llvm::Error e = push(v))
        return std::move(e);
      break;
    }
    case 0x8a: { // LONG1
      if (llvm::Error e = need(1))
        return std::move(e);
      size_t n = readLE(1);
      if (n > 8)
        return error("integer of " + llvm::Twine(n) + " bytes does not fit in 64 bits");
      if (llvm::Error e = need(n))
        return std::move(e);
      uint64_t raw = readLE(n);
      if (n > 0 && n < 8 && (raw >> (8 * n - 1)) & 1)
        raw |= ~uint64_t(0) << (8 * n); // sign-extend
      ValuePtr v = make(Value::Kind::Int);
      v->i = static_cast<int64_t>(raw);
      if (llvm::Error e = push(v))
        return std::move(e);
      break;
    }
    case 'N': // NONE
      if (llvm::Error e = push(make(Value::Kind::None)))
        return std::move(e);
      break;
    case 0x88:   // NEWTRUE
    case 0x89: { // NEWFALSE
      ValuePtr v = make(Value::Kind::Bool);
      v->b = op == 0x88;
      if (llvm::Error e = push(v))
        return std::move(e);
      break;
    }
    case 'G': { // BINFLOAT, big-endian
      if (llvm::Error e = need(8))
        return std::move(e);
      uint64_t bits = 0;
      for (int k = 0; k < 8; ++k)
        bits = bits << 8 | static_cast<unsigned char>(data[pos + k]);
      pos += 8;
      ValuePtr v = make(Value::Kind::Float);
      std::memcpy(&v->f, &bits, 8);
      if (llvm::Error e = push(v))
        return std::move(e);
      break;
    }
    case 'Q': { // BINPERSID
      auto pid = pop();
      if (!pid)
        return pid.takeError();
      auto storage = persistentLoad(*pid);
      if (!storage)
        return storage.takeError();
      if (llvm::Error e = push(*storage))
        return std::move(e);
      break;
    }
    case 'R': { // REDUCE
      auto args = pop();
      if (!args)
        return args.takeError();
      auto callable = pop();
      if (!callable)
        return callable.takeError();
      auto result = reduce(*callable, *args);
      if (!result)
        return result.takeError();
      if (llvm::Error e = push(*result))
        return std::move(e);
      break;
    }
    case 's': { // SETITEM
      auto value = pop();
      if (!value)
        return value.takeError();
      auto key = pop();
      if (!key)
        return key.takeError();
      if (stack.empty() || stack.back()->kind != Value::Kind::Dict)
        return error("SETITEM on something that is not a dict");
      stack.back()->entries.push_back({*key, *value});
      break;
    }
    case 'u': { // SETITEMS
      auto items = popMark();
      if (!items)
        return items.takeError();
      if (items->size() % 2 || stack.empty() || stack.back()->kind != Value::Kind::Dict)
        return error("SETITEMS needs a dict and key/value pairs");
      for (size_t k = 0; k < items->size(); k += 2)
        stack.back()->entries.push_back({(*items)[k], (*items)[k + 1]});
      break;
    }
    case 'a': { // APPEND
      auto value = pop();
      if (!value)
        return value.takeError();
      if (stack.empty() || stack.back()->kind != Value::Kind::List)
        return error("APPEND to something that is not a list");
      stack.back()->items.push_back(*value);
      break;
    }
    case 'e': { // APPENDS
      auto items = popMark();
      if (!items)
        return items.takeError();
      if (stack.empty() || stack.back()->kind != Value::Kind::List)
        return error("APPENDS to something that is not a list");
      for (ValuePtr v : *items)
        stack.back()->items.push_back(v);
      break;
    }
    case 'b': { // BUILD: only the state of dicts (OrderedDict's __dict__), ignored
      auto state = pop();
      if (!state)
        return state.takeError();
      if (stack.empty() || stack.back()->kind != Value::Kind::Dict)
        return error("BUILD of something that is not a dict");
      break;
    }
    default:
      return error(
          llvm::formatv("unsupported pickle opcode {0:x2}", static_cast<unsigned>(op)).str());
    }
  }
}

} // namespace

llvm::Expected<std::vector<std::pair<std::string, PickledTensor>>>
readTensorDictPickle(llvm::StringRef pickle) {
  Interpreter interpreter(pickle);
  auto top = interpreter.run();
  if (!top)
    return top.takeError();
  if ((*top)->kind != Value::Kind::Dict)
    return llvm::createStringError(llvm::Twine("the pickle holds a ") + kindName((*top)->kind) +
                                   ", not a dict of tensors");
  std::vector<std::pair<std::string, PickledTensor>> tensors;
  for (auto &[key, value] : (*top)->entries) {
    if (key->kind != Value::Kind::String || value->kind != Value::Kind::Tensor)
      continue;
    tensors.push_back({key->s, value->tensor});
  }
  return tensors;
}

llvm::Expected<std::vector<std::pair<std::string, TensorData>>>
readTorchSaveTensors(llvm::StringRef zipBytes) {
  auto zip = ZipArchive::openFromMemory(zipBytes);
  if (!zip)
    return llvm::createStringError("torch.save archive: " + llvm::toString(zip.takeError()));
  // The pickle is <root>/data.pkl; storages are <root>/data/<key>.
  std::string root;
  bool found = false;
  for (const ZipArchive::Entry &e : (*zip)->entries()) {
    llvm::StringRef name = e.name;
    if (name == "data.pkl" || name.ends_with("/data.pkl")) {
      root = name.drop_back(llvm::StringRef("data.pkl").size()).str();
      found = true;
      break;
    }
  }
  if (!found)
    return llvm::createStringError("torch.save archive has no data.pkl");
  auto pickle = (*zip)->read(root + "data.pkl");
  if (!pickle)
    return pickle.takeError();
  auto entries = readTensorDictPickle(*pickle);
  if (!entries)
    return llvm::createStringError(root + "data.pkl: " + llvm::toString(entries.takeError()));

  llvm::StringMap<std::string> storages; // several tensors may share one
  std::vector<std::pair<std::string, TensorData>> tensors;
  for (auto &[name, pickled] : *entries) {
    auto it = storages.find(pickled.storageKey);
    if (it == storages.end()) {
      std::string member = root + "data/" + pickled.storageKey;
      auto bytes = (*zip)->read(member);
      if (!bytes)
        return llvm::createStringError("'" + name + "': " + llvm::toString(bytes.takeError()));
      uint64_t elementSize = scalarTypeSize(pickled.dtype);
      if (pickled.storageNumel > bytes->size() / elementSize ||
          bytes->size() != pickled.storageNumel * elementSize)
        return llvm::createStringError(llvm::formatv(
            "'{0}': {1} holds {2} bytes, its storage declares {3} elements of {4} bytes", name,
            member, bytes->size(), pickled.storageNumel, elementSize));
      it = storages.try_emplace(pickled.storageKey, std::move(*bytes)).first;
    }
    auto tensor = materializeStrided(it->second, pickled.meta);
    if (!tensor)
      return llvm::createStringError("'" + name + "': " + llvm::toString(tensor.takeError()));
    tensors.push_back({name, std::move(*tensor)});
  }
  return tensors;
}

} // namespace kiln
