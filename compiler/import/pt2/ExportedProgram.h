//===- ExportedProgram.h - torch.export's program, decoded ------*- C++ -*-===//
//
// The ExportedProgram JSON schema (FORMATS.md §1.4) as C++ structs, and its
// parser. The parser accepts both union styles (single key; all members with
// nulls, as 2.1/2.2 wrote), omitted and null optional fields, and floats
// written as "Infinity"/"-Infinity"/"NaN". Every error names the JSON path.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_IMPORT_PT2_EXPORTEDPROGRAM_H
#define KILN_COMPILER_IMPORT_PT2_EXPORTEDPROGRAM_H

#include "compiler/import/OpArgument.h"
#include "dialects/kiln/ElementTypes.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llvm::json {
class Value;
} // namespace llvm::json

namespace kiln {

/// "float32", "int64", ...; "unknown(<code>)" for codes the schema lacks.
std::string scalarTypeName(ScalarType type);
/// Bytes per element; 0 for an unknown code.
unsigned scalarTypeSize(ScalarType type);
bool isKnownScalarType(int code);

/// A SymInt: a concrete value or a symbolic expression.
struct SymIntValue {
  bool isSymbolic = false;
  int64_t value = 0;
  std::string expr; // the symbol or expression when symbolic
  std::optional<int64_t> hint;
};

struct TensorMeta {
  ScalarType dtype = ScalarType::Unknown;
  std::vector<SymIntValue> sizes;
  std::vector<SymIntValue> strides;
  SymIntValue storageOffset;
  bool requiresGrad = false;
  std::string device = "cpu";
  int layout = 7; // Strided

  bool hasStaticShape() const;
  /// The concrete sizes; only meaningful when hasStaticShape().
  llvm::SmallVector<int64_t> staticSizes() const;
  /// Symbols appearing in the sizes.
  std::vector<std::string> symbols() const;
};

struct NamedArgument {
  std::string name;
  OpArgument arg;
  int kind = 0; // ArgumentKind: 0 unknown, 1 positional, 2 keyword
};

struct Node {
  std::string name;   // may be empty in older files
  std::string target; // "torch.ops.aten.conv2d.default"
  std::vector<NamedArgument> inputs;
  std::vector<OpArgument> outputs;
  std::map<std::string, std::string> metadata;
  /// A readable identity for diagnostics: the name, else the first output.
  std::string displayName() const;
};

struct InputSpec {
  enum class Kind { UserInput, Parameter, Buffer, TensorConstant, CustomObj, Token, ConstantInput };
  Kind kind = Kind::UserInput;
  OpArgument arg;     // the placeholder (tensor name) or, for constant_input, its value
  std::string target; // FQN of the parameter/buffer/constant; name of a constant input
  bool persistent = true;
};

struct OutputSpec {
  enum class Kind {
    UserOutput,
    LossOutput,
    BufferMutation,
    GradientToParameter,
    GradientToUserInput,
    UserInputMutation,
    Token,
    ParameterMutation,
  };
  Kind kind = Kind::UserOutput;
  OpArgument arg;
  std::string target; // the mutated buffer/parameter/input, when there is one
};

struct RangeConstraint {
  std::optional<int64_t> minVal, maxVal;
};

struct Graph {
  std::vector<OpArgument> inputs;
  std::vector<OpArgument> outputs;
  std::vector<Node> nodes;
  llvm::StringMap<TensorMeta> tensorValues;
  /// Named symbolic ints (outputs of sym_size and of symbolic arithmetic).
  llvm::StringMap<SymIntValue> symIntValues;
  bool isSingleTensorReturn = false;
};

struct ExportedProgram {
  Graph graph;
  std::vector<InputSpec> inputSpecs;
  std::vector<OutputSpec> outputSpecs;
  std::map<std::string, RangeConstraint> rangeConstraints;
  std::map<std::string, int64_t> opsetVersion;
  int schemaMajor = 0, schemaMinor = 0;
  std::string torchVersion;
  std::vector<std::string> verifiers;
};

/// Parses the ExportedProgram JSON (`models/model.json`, or
/// `serialized_exported_program.json` of the legacy layout); `file` names the
/// archive member in errors.
llvm::Expected<ExportedProgram> parseExportedProgram(llvm::StringRef json,
                                                     llvm::StringRef file);

/// Parses a TensorMeta JSON object (also used by the weights config).
llvm::Expected<TensorMeta> parseTensorMeta(const llvm::json::Value &value,
                                           llvm::StringRef file, llvm::StringRef path);

} // namespace kiln

#endif // KILN_COMPILER_IMPORT_PT2_EXPORTEDPROGRAM_H
