//===- Registry.cpp - every import rule, in one table ---------------------===//
//
// One rule per operator overload, mapping PyTorch's semantics onto kiln ops.
// Both forms torch.export produces are covered: the training IR (`linear`,
// `conv2d`, `batch_norm`, in-place `relu_`, ...) and Core ATen (`addmm`,
// `convolution`, `_native_batch_norm_legit_no_training`, ...). The families
// (Rules.h) hold the rules; this table of all of them is the list of
// supported operators that the importers, `kilnc inspect` and
// docs/operators.md use.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/rules/Rules.h"

#include "llvm/ADT/STLExtras.h"

#include <vector>

namespace kiln {

/// Every family's rules in one table, sorted by operator name.
static const std::vector<ImportRule> &ruleTable() {
  static const std::vector<ImportRule> table = [] {
    std::vector<ImportRule> all;
    for (llvm::ArrayRef<ImportRule> family :
         {rules::linearRules(), rules::convRules(), rules::normalizationRules(),
          rules::poolingRules(), rules::reductionRules(), rules::activationRules(),
          rules::elementwiseRules(), rules::comparisonRules(), rules::dataMovementRules(),
          rules::indexingRules(), rules::creationRules(), rules::recurrentRules(),
          rules::quantizedRules()})
      all.insert(all.end(), family.begin(), family.end());
    llvm::sort(all, [](const ImportRule &a, const ImportRule &b) { return a.op < b.op; });
    return all;
  }();
  return table;
}

const ImportRule *findImportRule(llvm::StringRef qualifiedName) {
  const std::vector<ImportRule> &table = ruleTable();
  auto it =
      llvm::partition_point(table, [&](const ImportRule &rule) { return rule.op < qualifiedName; });
  return it != table.end() && it->op == qualifiedName ? &*it : nullptr;
}

llvm::ArrayRef<ImportRule> allImportRules() { return ruleTable(); }

} // namespace kiln
