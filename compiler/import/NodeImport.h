//===- NodeImport.h - importing one operator call ---------------*- C++ -*-===//
//
// The interface between an importer's graph walk and the per-operator import
// rules. A rule sees one call with its arguments bound to the operator's
// schema (types checked, defaults filled, tensors resolved to SSA values) and
// the result types the file declares, and builds kiln IR for it. Rules are
// shared by every importer (.pt2 now, .pte later): they know operators, not
// file formats.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_IMPORT_NODEIMPORT_H
#define KILN_COMPILER_IMPORT_NODEIMPORT_H

#include "compiler/import/OpSchema.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

#include <optional>
#include <vector>

namespace kiln {

class NodeImport {
public:
  /// `tensorArgs[i]` is the value of schema argument i when it is a tensor,
  /// `tensorLists[i]` the elements when it is a Tensor[] (null for None).
  NodeImport(mlir::OpBuilder &builder, mlir::Location loc, const OpCall &call,
             std::vector<mlir::Value> tensorArgs,
             std::vector<std::vector<mlir::Value>> tensorLists,
             std::vector<mlir::RankedTensorType> resultTypes)
      : b(builder), loc(loc), call(call), tensorArgs(std::move(tensorArgs)),
        tensorLists(std::move(tensorLists)), resultTypes(std::move(resultTypes)) {}

  /// How PyTorch laid out a tensor argument in memory when the model was
  /// exported (the file's strides and storage offset). Kiln's values have no
  /// layout; only operators that address storage (as_strided) need this.
  struct Layout {
    std::vector<int64_t> strides;
    int64_t storageOffset = 0;
  };
  /// `layouts[i]` for schema argument i; an argument without one (a number,
  /// symbolic strides, a format that does not record layouts) is absent.
  void setLayouts(std::vector<std::optional<Layout>> layouts) { argLayouts = std::move(layouts); }
  const std::optional<Layout> &layout(llvm::StringRef name) const {
    static const std::optional<Layout> none;
    int i = call.indexOf(name);
    return i >= 0 && static_cast<size_t>(i) < argLayouts.size() ? argLayouts[i] : none;
  }

  mlir::OpBuilder &b;
  mlir::Location loc;
  const OpCall &call;

  const OpSchema &schema() const { return *call.schema; }
  const OpArgument &arg(llvm::StringRef name) const { return call.arg(name); }

  /// A tensor argument (null for None).
  mlir::Value tensor(llvm::StringRef name) const { return tensorArgs[call.indexOf(name)]; }
  /// Elements of a Tensor[] argument.
  const std::vector<mlir::Value> &tensorList(llvm::StringRef name) const {
    return tensorLists[call.indexOf(name)];
  }
  int64_t integer(llvm::StringRef name) const { return arg(name).i; }
  const std::vector<int64_t> &ints(llvm::StringRef name) const { return arg(name).ints; }
  bool boolean(llvm::StringRef name) const { return arg(name).b; }
  bool isNone(llvm::StringRef name) const { return arg(name).isNone(); }
  /// A float, int or bool argument as a double; std::nullopt for None.
  std::optional<double> number(llvm::StringRef name) const;

  /// The declared type of result `i`; null when the file declares none (an
  /// unused output).
  mlir::RankedTensorType resultType(unsigned i) const {
    return i < resultTypes.size() ? resultTypes[i] : mlir::RankedTensorType();
  }
  unsigned numResults() const { return resultTypes.size(); }

  mlir::InFlightDiagnostic emitError() const { return mlir::emitError(loc); }

  /// Builds the values of the node's outputs. An entry may stay null for an
  /// output the rule does not compute; using it later is an error.
  std::vector<mlir::Value> results;

private:
  std::vector<std::optional<Layout>> argLayouts;
  std::vector<mlir::Value> tensorArgs;
  std::vector<std::vector<mlir::Value>> tensorLists;
  std::vector<mlir::RankedTensorType> resultTypes;
};

/// An import rule: builds kiln IR for one call into `node.results`.
using ImportRuleFn = mlir::LogicalResult (*)(NodeImport &node);

/// The element types a rule handles; the importer refuses others by name
/// before calling it.
enum class RuleDtypes {
  /// Floating-point tensors only (the default).
  Float,
  /// Floats, signed integers and bool: the rule applies PyTorch's type
  /// promotion itself. uint8 is refused (Kiln's integers are signed).
  Numeric,
  /// Every dtype: data movement.
  Any,
};

struct ImportRule {
  /// "aten::conv2d", "aten::add.Tensor": the schema's qualified name.
  llvm::StringLiteral op;
  ImportRuleFn fn;
  RuleDtypes dtypes = RuleDtypes::Float;
};

/// The rule for an operator (by OpSchema::qualifiedName()), or nullptr. The
/// rules are defined by operator family in compiler/import/rules/ and
/// gathered in one table (rules/Registry.cpp).
const ImportRule *findImportRule(llvm::StringRef qualifiedName);
/// Every operator Kiln imports.
llvm::ArrayRef<ImportRule> allImportRules();

} // namespace kiln

#endif // KILN_COMPILER_IMPORT_NODEIMPORT_H
