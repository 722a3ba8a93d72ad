//===- OperatorTable.h - kilnc inspect's operators, any format --*- C++ -*-===//
//
// The format-neutral part of `kilnc inspect`: whether Kiln imports each
// operator a file calls (the same schema table and import rules the
// importers use), and the table of operators by count. A format's inspector
// prints what its file holds, then this table.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_IMPORT_OPERATORTABLE_H
#define KILN_COMPILER_IMPORT_OPERATORTABLE_H

#include "compiler/import/CallImport.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>

namespace kiln {

/// One call of a file, as `kilnc inspect` counts it.
struct InspectedCall {
  /// How the file names the operator ("aten.conv2d.default").
  std::string op;
  /// The operator, when the name is one Kiln can look up.
  std::optional<OpTarget> target;
};

/// "yes", "no", "no (unknown operator)" (no schema), or "no (not an ATen
/// operator)" (no target).
std::string operatorSupport(const std::optional<OpTarget> &target);

/// Writes the operators of `calls` by count, then name, with whether Kiln
/// imports each, and the number it does not.
void printOperatorTable(llvm::raw_ostream &os, llvm::ArrayRef<InspectedCall> calls);

} // namespace kiln

#endif // KILN_COMPILER_IMPORT_OPERATORTABLE_H
