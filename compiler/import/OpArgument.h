//===- OpArgument.h - a value passed to a PyTorch operator ------*- C++ -*-===//
//
// The format-independent value of one operator argument: what the .pt2 JSON
// `Argument` union and (later) an ExecuTorch EValue both decode into, and
// what schema defaults parse into.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_IMPORT_OPARGUMENT_H
#define KILN_COMPILER_IMPORT_OPARGUMENT_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

struct OpArgument {
  enum class Kind {
    None,
    Tensor,          // `tensor` names the value
    Tensors,         // `names`
    OptionalTensors, // `names`, "" for None
    Int,             // `i`
    Ints,            // `ints`
    Float,           // `f`
    Floats,          // `floats`
    Bool,            // `b`
    Bools,           // `ints` (0/1)
    String,          // `s`
    Strings,         // `names`
    SymInt,          // a symbolic int: `s` is its name or expression
    SymInts,         // a list with symbolic elements: `names` ("" where concrete), `ints`
    ScalarType,      // `i`: the serializer's ScalarType code
    MemoryFormat,    // `i`
    Layout,          // `i`
    Device,          // `s`: "cpu", "cuda:0", ...
    Other,           // anything else; `s` names the union member
  };
  Kind kind = Kind::None;
  std::string tensor;
  std::vector<std::string> names;
  int64_t i = 0;
  std::vector<int64_t> ints;
  double f = 0;
  std::vector<double> floats;
  bool b = false;
  std::string s;

  static OpArgument none() { return {}; }
  static OpArgument ofInt(int64_t v) {
    OpArgument a;
    a.kind = Kind::Int;
    a.i = v;
    return a;
  }
  static OpArgument ofFloat(double v) {
    OpArgument a;
    a.kind = Kind::Float;
    a.f = v;
    return a;
  }
  static OpArgument ofBool(bool v) {
    OpArgument a;
    a.kind = Kind::Bool;
    a.b = v;
    return a;
  }
  static OpArgument ofInts(std::vector<int64_t> v) {
    OpArgument a;
    a.kind = Kind::Ints;
    a.ints = std::move(v);
    return a;
  }
  static OpArgument ofTensor(std::string name) {
    OpArgument a;
    a.kind = Kind::Tensor;
    a.tensor = std::move(name);
    return a;
  }

  bool isNone() const { return kind == Kind::None; }
  /// A short description for diagnostics: "int 3", "tensor 'x'", "None", ...
  std::string describe() const;
};

/// The name of an OpArgument kind as the .pt2 JSON spells it ("as_int", ...).
llvm::StringRef kindName(OpArgument::Kind kind);

} // namespace kiln

#endif // KILN_COMPILER_IMPORT_OPARGUMENT_H
