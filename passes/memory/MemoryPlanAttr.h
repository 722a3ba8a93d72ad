//===- MemoryPlanAttr.h - the memory plan recorded on a function -*- C++ -*-===//
//
// kiln-plan-arena records the plan it made (MemoryPlan.h) on the function it
// planned, as the `kiln.memory_plan` attribute; the header, the entry points
// and the compile report read it back from there.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_PASSES_MEMORY_MEMORYPLANATTR_H
#define KILN_PASSES_MEMORY_MEMORYPLANATTR_H

#include "passes/memory/MemoryPlan.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <optional>

namespace kiln {

constexpr llvm::StringLiteral kMemoryPlanAttr = "kiln.memory_plan";

void writeMemoryPlan(mlir::func::FuncOp func, const MemoryPlan &plan);
/// The plan recorded on `func`, or std::nullopt if there is none.
std::optional<MemoryPlan> readMemoryPlan(mlir::func::FuncOp func);

} // namespace kiln

#endif // KILN_PASSES_MEMORY_MEMORYPLANATTR_H
