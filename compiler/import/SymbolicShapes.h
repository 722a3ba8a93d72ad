//===- SymbolicShapes.h - specializing symbolic dimensions ------*- C++ -*-===//
//
// torch.export writes dynamic dimensions as sympy expressions over symbols
// (`s0`, `2*s0 + 1`, `Max(1, s0)`), with a range per symbol. Kiln compiles
// static shapes: the user binds symbols by giving input shapes (`--shape
// x=1x3x224x224`), and every expression is evaluated with those bindings.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_IMPORT_SYMBOLICSHAPES_H
#define KILN_COMPILER_IMPORT_SYMBOLICSHAPES_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

/// Symbol values.
using SymbolBindings = llvm::StringMap<int64_t>;

/// Evaluates a sympy-printed integer expression: integers, symbols, `+ - *`,
/// `//` and `/` (floor division of integers), `%`, parentheses, unary minus,
/// and the functions Max, Min, FloorDiv, CeilDiv, Mod, floor, ceiling,
/// CeilToInt, FloorToInt, TruncToInt. An unbound symbol or a malformed
/// expression is an error naming it.
llvm::Expected<int64_t> evaluateSymExpr(llvm::StringRef expr, const SymbolBindings &bindings);

/// The symbols an expression mentions.
std::vector<std::string> symbolsOf(llvm::StringRef expr);

/// Parses `--shape NAME=D0xD1x...` (`NAME=` or `NAME=scalar` for rank 0).
llvm::Expected<std::pair<std::string, std::vector<int64_t>>> parseShapeOption(llvm::StringRef text);

} // namespace kiln

#endif // KILN_COMPILER_IMPORT_SYMBOLICSHAPES_H
