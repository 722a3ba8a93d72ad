//===- MemoryPlan.cpp - the memory plan recorded on a function ------------===//
#include "passes/memory/MemoryPlan.h"
#include "dialects/kiln/NodeLocation.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace kiln {

void writeMemoryPlan(func::FuncOp func, const MemoryPlan &plan) {
  Builder b(func.getContext());
  auto str = [&](llvm::StringRef s) { return b.getStringAttr(s); };
  auto i64 = [&](int64_t v) { return b.getI64IntegerAttr(v); };
  SmallVector<Attribute> banks, buffers, ops;
  for (const PlannedBank &k : plan.banks)
    banks.push_back(b.getDictionaryAttr(
        {b.getNamedAttr("name", str(k.name)), b.getNamedAttr("size", i64(k.size)),
         b.getNamedAttr("capacity", i64(k.capacity)), b.getNamedAttr("align", i64(k.align))}));
  for (const PlannedBuffer &p : plan.buffers)
    buffers.push_back(b.getDictionaryAttr(
        {b.getNamedAttr("name", str(p.name)), b.getNamedAttr("bank", i64(p.bank)),
         b.getNamedAttr("offset", i64(p.offset)), b.getNamedAttr("size", i64(p.size)),
         b.getNamedAttr("first", i64(p.first)), b.getNamedAttr("last", i64(p.last)),
         b.getNamedAttr("io", i64(p.io)), b.getNamedAttr("io_index", i64(p.ioIndex))}));
  for (const PlannedOp &o : plan.ops)
    ops.push_back(b.getArrayAttr({str(o.name), str(o.op)}));
  func->setAttr(
      kMemoryPlanAttr,
      b.getDictionaryAttr({b.getNamedAttr("lower_bound", i64(plan.lowerBound)),
                           b.getNamedAttr("unaligned_lower_bound", i64(plan.unalignedLowerBound)),
                           b.getNamedAttr("total", i64(plan.totalTemporaries)),
                           b.getNamedAttr("algorithm", str(plan.algorithm)),
                           b.getNamedAttr("banks", b.getArrayAttr(banks)),
                           b.getNamedAttr("buffers", b.getArrayAttr(buffers)),
                           b.getNamedAttr("ops", b.getArrayAttr(ops))}));
}

std::optional<MemoryPlan> readMemoryPlan(func::FuncOp func) {
  auto dict = func->getAttrOfType<DictionaryAttr>(kMemoryPlanAttr);
  if (!dict)
    return std::nullopt;
  auto i64 = [](DictionaryAttr d, llvm::StringRef key) -> int64_t {
    auto a = d.getAs<IntegerAttr>(key);
    return a ? a.getInt() : 0;
  };
  auto str = [](DictionaryAttr d, llvm::StringRef key) -> std::string {
    auto a = d.getAs<StringAttr>(key);
    return a ? a.str() : "";
  };
  MemoryPlan plan;
  plan.lowerBound = i64(dict, "lower_bound");
  plan.unalignedLowerBound = i64(dict, "unaligned_lower_bound");
  plan.totalTemporaries = i64(dict, "total");
  plan.algorithm = str(dict, "algorithm");
  if (auto banks = dict.getAs<ArrayAttr>("banks"))
    for (auto k : banks.getAsRange<DictionaryAttr>())
      plan.banks.push_back({str(k, "name"), i64(k, "size"), i64(k, "capacity"), i64(k, "align")});
  if (auto buffers = dict.getAs<ArrayAttr>("buffers"))
    for (auto p : buffers.getAsRange<DictionaryAttr>()) {
      PlannedBuffer pb;
      pb.name = str(p, "name");
      pb.bank = i64(p, "bank");
      pb.offset = i64(p, "offset");
      pb.size = i64(p, "size");
      pb.first = i64(p, "first");
      pb.last = i64(p, "last");
      pb.io = static_cast<PlannedBuffer::Kind>(i64(p, "io"));
      pb.ioIndex = i64(p, "io_index");
      plan.buffers.push_back(pb);
    }
  if (auto ops = dict.getAs<ArrayAttr>("ops"))
    for (auto o : ops.getAsRange<ArrayAttr>())
      if (o.size() == 2)
        plan.ops.push_back({cast<StringAttr>(o[0]).str(), cast<StringAttr>(o[1]).str()});
  return plan;
}

/// "64K" -> 65536; std::nullopt for anything but a positive number with an
/// optional K/M/G suffix.
static std::optional<int64_t> parseBytes(llvm::StringRef text) {
  int64_t scale = 1;
  if (text.ends_with_insensitive("k"))
    scale = 1 << 10;
  else if (text.ends_with_insensitive("m"))
    scale = 1 << 20;
  else if (text.ends_with_insensitive("g"))
    scale = 1 << 30;
  if (scale != 1)
    text = text.drop_back();
  uint64_t value;
  if (text.empty() || text.getAsInteger(10, value) || value == 0 ||
      value > static_cast<uint64_t>(INT64_MAX / scale))
    return std::nullopt;
  return static_cast<int64_t>(value) * scale;
}

llvm::Expected<std::vector<MemoryBank>> parseBankSpecs(llvm::ArrayRef<std::string> specs,
                                                       int64_t defaultAlign) {
  std::vector<MemoryBank> banks;
  if (specs.empty()) {
    MemoryBank arena;
    arena.name = "arena";
    arena.align = defaultAlign;
    banks.push_back(arena);
    return banks;
  }
  for (const std::string &spec : specs) {
    SmallVector<llvm::StringRef> parts;
    llvm::StringRef(spec).split(parts, ':');
    auto bad = [&](const llvm::Twine &why) {
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "memory bank '" + spec + "': " + why +
                                         " (expected NAME:SIZE[:ALIGN], e.g. dtcm:64K)");
    };
    if (parts.size() < 2 || parts.size() > 3)
      return bad("wrong number of fields");
    MemoryBank bank;
    bank.name = parts[0].str();
    if (bank.name.empty() || llvm::isDigit(bank.name[0]) ||
        !llvm::all_of(bank.name, [](char c) { return llvm::isAlnum(c) || c == '_'; }))
      return bad("the name must be a C identifier");
    for (const MemoryBank &other : banks)
      if (other.name == bank.name)
        return bad("the name is used twice");
    auto size = parseBytes(parts[1]);
    if (!size)
      return bad("the size must be a positive number of bytes (K, M, G suffixes allowed)");
    bank.capacity = *size;
    bank.align = defaultAlign;
    if (parts.size() == 3) {
      auto align = parseBytes(parts[2]);
      if (!align || !llvm::isPowerOf2_64(*align))
        return bad("the alignment must be a power of two");
      bank.align = std::max(*align, defaultAlign);
    }
    banks.push_back(bank);
  }
  return banks;
}

std::string nodeName(Location loc) {
  auto node = readNodeLocation(loc);
  return node ? node->name : "";
}

std::string nodeOperator(Operation *op) {
  auto node = readNodeLocation(op->getLoc());
  return node ? node->op : op->getName().getStringRef().str();
}

} // namespace kiln
