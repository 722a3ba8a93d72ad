//===- OperatorTable.cpp - kilnc inspect's operators, any format ----------===//
#include "compiler/import/OperatorTable.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <map>
#include <utility>
#include <vector>

namespace kiln {

std::string operatorSupport(const std::optional<OpTarget> &target) {
  if (!target)
    return "no (not an ATen operator)";
  const OpSchema *schema = lookupSchema(*target);
  if (!schema)
    return "no (unknown operator)";
  return findImportRule(schema->qualifiedName()) ? "yes" : "no";
}

void printOperatorTable(llvm::raw_ostream &os, llvm::ArrayRef<InspectedCall> calls) {
  // Operators by count, then name.
  std::map<std::string, std::pair<unsigned, const InspectedCall *>> counts;
  for (const InspectedCall &call : calls) {
    auto &entry = counts[call.op];
    if (!entry.second)
      entry.second = &call;
    entry.first += 1;
  }
  std::vector<std::pair<std::string, std::pair<unsigned, const InspectedCall *>>> ops(
      counts.begin(), counts.end());
  llvm::stable_sort(ops, [](auto &a, auto &b) { return a.second.first > b.second.first; });
  unsigned unsupported = 0;
  os << llvm::formatv("operators: {0} nodes, {1} distinct\n", calls.size(), ops.size());
  os << llvm::formatv("  {0,5}  {1,-48} {2}\n", "count", "operator", "supported");
  for (const auto &[op, entry] : ops) {
    std::string status = operatorSupport(entry.second->target);
    if (status != "yes")
      ++unsupported;
    os << llvm::formatv("  {0,5}  {1,-48} {2}\n", entry.first, op, status);
  }
  os << "unsupported operators: " << unsupported << "\n";
}

} // namespace kiln
