//===- MemoryPlanAttr.cpp - the memory plan recorded on a function --------===//
#include "passes/memory/MemoryPlanAttr.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

namespace kiln {

void writeMemoryPlan(func::FuncOp func, const MemoryPlan &plan) {
  Builder b(func.getContext());
  auto str = [&](llvm::StringRef s) { return b.getStringAttr(s); };
  auto i64 = [&](int64_t v) { return b.getI64IntegerAttr(v); };
  SmallVector<Attribute> banks, buffers, ops;
  for (const PlannedBank &k : plan.banks)
    banks.push_back(b.getDictionaryAttr({b.getNamedAttr("name", str(k.name)),
                                         b.getNamedAttr("size", i64(k.size)),
                                         b.getNamedAttr("capacity", i64(k.capacity.value_or(-1))),
                                         b.getNamedAttr("align", i64(k.align))}));
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
    for (auto k : banks.getAsRange<DictionaryAttr>()) {
      PlannedBank bank;
      bank.name = str(k, "name");
      bank.size = i64(k, "size");
      if (int64_t capacity = i64(k, "capacity"); capacity >= 0)
        bank.capacity = capacity;
      bank.align = i64(k, "align");
      plan.banks.push_back(bank);
    }
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

} // namespace kiln
