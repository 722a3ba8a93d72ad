//===- FloatIslands.cpp - the float regions of a quantized program --------===//
#include "passes/quant/FloatIslands.h"
#include "dialects/kiln/KilnOps.h"
#include "dialects/kiln/NodeLocation.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;

namespace kiln {

static bool isQuantizationOp(Operation *op) {
  return isa<QuantizeOp, DequantizeOp, ChooseQParamsOp>(op);
}

QuantizationSummary findFloatIslands(ModuleOp module) {
  QuantizationSummary summary;
  module.walk([&](func::FuncOp func) {
    // The ops reached from dequantize results, and which of them touch.
    llvm::SetVector<Operation *> reached;
    llvm::EquivalenceClasses<Operation *> groups;
    SmallVector<Operation *> work;
    func.walk([&](Operation *op) {
      if (isa<QuantizeOp>(op))
        ++summary.quantizeOps;
      if (isa<ChooseQParamsOp>(op))
        ++summary.chooseQParamsOps;
      if (isa<DequantizeOp>(op)) {
        ++summary.dequantizeOps;
        work.push_back(op);
      }
    });
    while (!work.empty()) {
      Operation *op = work.pop_back_val();
      for (Value result : op->getResults())
        for (Operation *user : result.getUsers()) {
          if (isQuantizationOp(user) || user->hasTrait<OpTrait::IsTerminator>() ||
              matchPattern(user, m_Constant()))
            continue;
          groups.insert(user);
          if (!isQuantizationOp(op))
            groups.unionSets(op, user);
          if (reached.insert(user))
            work.push_back(user);
        }
    }
    // One island per group, its members in program order.
    llvm::DenseMap<Operation *, size_t> islandOf;
    func.walk([&](Operation *op) {
      if (!reached.contains(op))
        return;
      Operation *leader = groups.getLeaderValue(op);
      auto [it, fresh] = islandOf.try_emplace(leader, summary.islands.size());
      if (fresh)
        summary.islands.emplace_back();
      std::optional<NodeIdentity> node = readNodeLocation(op->getLoc());
      summary.islands[it->second].members.push_back(
          {node ? node->name : std::string("?"), op->getName().getStringRef().str()});
    });
  });
  return summary;
}

} // namespace kiln
