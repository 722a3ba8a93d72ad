//===- CallImport.h - one operator call, whatever the format ----*- C++ -*-===//
//
// The format-neutral half of every importer. A format's reader walks its
// file's graph and hands each operator call over as an `OperatorCall`,
// with a `ProgramValues` through which the call reaches the program's named
// values. `importCall` then does what does not depend on the format: finds
// the operator's schema and import rule, binds the arguments, wraps Python
// numbers given for tensor arguments as 0-d tensors, refuses the dtypes the
// rule does not handle, runs the rule, checks the types it built against the
// declared ones and rebinds the mutated name of an in-place operator.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_IMPORT_CALLIMPORT_H
#define KILN_COMPILER_IMPORT_CALLIMPORT_H

#include "compiler/import/NodeImport.h"
#include "compiler/import/OpSchema.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <optional>
#include <string>
#include <vector>

namespace kiln {

/// An operator as a file names it: `aten::add.Tensor` is {"aten", "add",
/// "Tensor"}; the default overload is "default".
struct OpTarget {
  std::string ns, name, overload;
};

/// The schema of an operator; null when the table has none.
const OpSchema *lookupSchema(const OpTarget &target);

/// What a format's graph walk knows about the program's named values.
class ProgramValues {
public:
  virtual ~ProgramValues();

  /// The value of a tensor name; emits an error at `loc` when there is none.
  virtual mlir::FailureOr<mlir::Value> lookup(llvm::StringRef name, mlir::Location loc) = 0;
  /// The type the file declares for a tensor name; emits an error at `loc`
  /// when it declares none Kiln can use.
  virtual mlir::FailureOr<mlir::RankedTensorType> declaredType(llvm::StringRef name,
                                                               mlir::Location loc) = 0;
  /// How the file lays out a tensor name in memory, where it says so with
  /// concrete numbers.
  virtual std::optional<NodeImport::Layout> layout(llvm::StringRef name) = 0;
  /// Whether the program's outputs depend on a name.
  virtual bool isLive(llvm::StringRef name) = 0;
  /// Replaces the symbolic values (sizes) in an argument by numbers; emits
  /// an error at `loc` when it cannot.
  virtual mlir::LogicalResult resolveSymbolic(OpArgument &arg, mlir::Location loc) = 0;
  /// Binds a name to a value: an output, or the new value of a name an
  /// in-place operator mutated.
  virtual void define(llvm::StringRef name, mlir::Value value) = 0;
  /// Records why a name has no value, for the error at its first use.
  virtual void leaveUndefined(llvm::StringRef name, std::string why) = 0;
};

/// One operator call as a file gives it.
struct OperatorCall {
  OpTarget target;
  /// The node's readable name, for messages.
  std::string node;
  /// The arguments by name (or position, when unnamed).
  std::vector<GivenArgument> arguments;
  /// The outputs: a Tensor, Tensors or None each.
  std::vector<OpArgument> outputs;
};

/// Imports one call: builds its kiln ops at `builder`'s insertion point,
/// located at `loc`, and defines its outputs in `values`. Fails after
/// emitting a diagnostic at `loc`.
mlir::LogicalResult importCall(mlir::OpBuilder &builder, mlir::Location loc,
                               const OperatorCall &call, ProgramValues &values);

} // namespace kiln

#endif // KILN_COMPILER_IMPORT_CALLIMPORT_H
