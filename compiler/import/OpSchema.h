//===- OpSchema.h - the table of PyTorch operator schemas -------*- C++ -*-===//
//
// compiler/import/schemas/aten.schemas, compiled in: the one place Kiln learns
// an operator's argument names, types and defaults. Importers bind the
// arguments a file gives to a schema (OpCall), filling what the file omitted
// because it had its default value.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_IMPORT_OPSCHEMA_H
#define KILN_COMPILER_IMPORT_OPSCHEMA_H

#include "compiler/import/OpArgument.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace kiln {

/// A schema type such as `Tensor?`, `int[2]`, `SymInt[]`, `Scalar`, `Tensor(a!)`.
struct SchemaType {
  enum class Base {
    Tensor,
    Int,
    SymInt,
    Float,
    Bool,
    Str,
    Scalar,
    ScalarType,
    Layout,
    Device,
    MemoryFormat,
    Generator,
    Other,
  };
  Base base = Base::Other;
  std::string baseName;   // as written: "int", "SymInt", "Dimname", ...
  bool isList = false;
  int64_t listSize = 0;   // `int[2]` -> 2; 0 for any length
  bool optional = false;  // `Tensor?`, `int[]?`
  bool optionalElements = false; // `Tensor?[]`
  std::string alias;      // "a" in Tensor(a) / Tensor(a!)
  bool mutates = false;   // Tensor(a!)
  std::string text;       // the type as written
};

struct SchemaArg {
  std::string name;
  SchemaType type;
  std::optional<std::string> defaultText;
  bool kwargOnly = false;
};

struct OpSchema {
  std::string ns;       // "aten"
  std::string name;     // "conv2d"
  std::string overload; // "" for the default overload
  std::vector<SchemaArg> arguments;
  std::vector<SchemaArg> returns;
  bool core = false;
  std::string text; // the schema as written in the table

  /// "aten::conv2d" or "aten::add.Tensor".
  std::string qualifiedName() const;
  /// "aten.conv2d.default", as torch.ops spells it.
  std::string opOverloadName() const;
  /// Index of the argument with a `(a!)` annotation, or -1.
  int mutatedArgument() const;
};

/// Parses one schema (`ns::name.overload(args) -> returns`).
llvm::Expected<OpSchema> parseOpSchema(llvm::StringRef text);

/// Parses a default value written in a schema for an argument of `type`.
llvm::Expected<OpArgument> parseDefaultValue(const SchemaType &type, llvm::StringRef text);

class OpSchemaTable {
public:
  /// The table compiled from aten.schemas.
  static const OpSchemaTable &get();
  /// Parses a table in the aten.schemas format.
  static llvm::Expected<OpSchemaTable> parse(llvm::StringRef text);

  /// `overload` is "" or "default" for the default overload.
  const OpSchema *lookup(llvm::StringRef ns, llvm::StringRef name,
                         llvm::StringRef overload) const;
  llvm::ArrayRef<OpSchema> all() const { return schemas; }

private:
  std::vector<OpSchema> schemas;
  llvm::StringMap<size_t> index; // "ns::name.overload" -> position
};

/// The arguments of one call bound to the schema's arguments, in schema
/// order, with omitted ones filled from their defaults.
struct OpCall {
  const OpSchema *schema = nullptr;
  std::vector<OpArgument> args;

  /// Position of the argument named `name`; -1 if the schema has none.
  int indexOf(llvm::StringRef name) const;
  const OpArgument &arg(llvm::StringRef name) const;
};

/// A named argument as a file gives it.
struct GivenArgument {
  std::string name; // may be empty: then bound by position
  OpArgument value;
};

/// Binds `given` to `schema`: by name when named, else by position. Checks
/// every value against its schema type and fills omitted arguments from the
/// defaults. The error names the argument and what was wrong.
llvm::Expected<OpCall> bindArguments(const OpSchema &schema,
                                     llvm::ArrayRef<GivenArgument> given);

} // namespace kiln

#endif // KILN_COMPILER_IMPORT_OPSCHEMA_H
