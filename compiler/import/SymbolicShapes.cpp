//===- SymbolicShapes.cpp - specializing symbolic dimensions --------------===//
#include "compiler/import/SymbolicShapes.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>

namespace kiln {

namespace {

int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0)))
    --q;
  return q;
}

/// Recursive descent over: expr := term (('+'|'-') term)*;
/// term := unary (('*'|'//'|'/'|'%') unary)*; unary := '-' unary | primary;
/// primary := int | name | name '(' expr (',' expr)* ')' | '(' expr ')'.
class Parser {
public:
  Parser(llvm::StringRef text, const SymbolBindings &bindings)
      : text(text), bindings(bindings) {}

  llvm::Expected<int64_t> parse() {
    auto v = expr();
    if (!v)
      return v.takeError();
    skip();
    if (pos != text.size())
      return fail("unexpected '" + text.substr(pos).str() + "'");
    return *v;
  }

private:
  llvm::Error fail(const std::string &why) const {
    return llvm::createStringError("cannot evaluate the symbolic size '" + text.str() +
                                   "': " + why);
  }
  void skip() {
    while (pos < text.size() && text[pos] == ' ')
      ++pos;
  }
  bool eat(llvm::StringRef token) {
    skip();
    if (text.substr(pos).starts_with(token)) {
      pos += token.size();
      return true;
    }
    return false;
  }
  llvm::Expected<int64_t> expr() {
    auto v = term();
    if (!v)
      return v.takeError();
    int64_t acc = *v;
    while (true) {
      if (eat("+")) {
        auto r = term();
        if (!r)
          return r.takeError();
        acc += *r;
      } else if (eat("-")) {
        auto r = term();
        if (!r)
          return r.takeError();
        acc -= *r;
      } else {
        return acc;
      }
    }
  }
  llvm::Expected<int64_t> term() {
    auto v = unary();
    if (!v)
      return v.takeError();
    int64_t acc = *v;
    while (true) {
      enum { Mul, Div, Mod, None } op = None;
      if (eat("*"))
        op = Mul;
      else if (eat("//") || eat("/"))
        op = Div;
      else if (eat("%"))
        op = Mod;
      if (op == None)
        return acc;
      auto r = unary();
      if (!r)
        return r.takeError();
      if (op == Mul) {
        acc *= *r;
      } else {
        if (*r == 0)
          return fail("division by zero");
        acc = op == Div ? floorDiv(acc, *r) : acc - floorDiv(acc, *r) * *r;
      }
    }
  }
  llvm::Expected<int64_t> unary() {
    if (eat("-")) {
      auto v = unary();
      if (!v)
        return v.takeError();
      return -*v;
    }
    return primary();
  }
  llvm::Expected<int64_t> primary() {
    skip();
    if (eat("(")) {
      auto v = expr();
      if (!v)
        return v.takeError();
      if (!eat(")"))
        return fail("missing ')'");
      return v;
    }
    size_t start = pos;
    if (pos < text.size() && llvm::isDigit(text[pos])) {
      while (pos < text.size() && llvm::isDigit(text[pos]))
        ++pos;
      int64_t v;
      if (text.slice(start, pos).getAsInteger(10, v))
        return fail("bad integer");
      return v;
    }
    while (pos < text.size() && (llvm::isAlnum(text[pos]) || text[pos] == '_'))
      ++pos;
    llvm::StringRef name = text.slice(start, pos);
    if (name.empty())
      return fail("expected a number, a symbol or '('");
    if (!eat("(")) {
      auto it = bindings.find(name);
      if (it == bindings.end())
        return llvm::createStringError("unbound symbol '" + name.str() + "'");
      return it->second;
    }
    std::vector<int64_t> args;
    do {
      auto v = expr();
      if (!v)
        return v.takeError();
      args.push_back(*v);
    } while (eat(","));
    if (!eat(")"))
      return fail("missing ')'");
    auto arity = [&](size_t n) -> llvm::Error {
      if (args.size() != n)
        return fail(name.str() + " takes " + std::to_string(n) + " arguments");
      return llvm::Error::success();
    };
    if (name == "Max" || name == "Min") {
      if (args.empty())
        return fail(name.str() + " of nothing");
      return name == "Max" ? *std::max_element(args.begin(), args.end())
                           : *std::min_element(args.begin(), args.end());
    }
    if (name == "FloorDiv" || name == "CeilDiv" || name == "Mod") {
      if (llvm::Error e = arity(2))
        return std::move(e);
      if (args[1] == 0)
        return fail("division by zero");
      if (name == "FloorDiv")
        return floorDiv(args[0], args[1]);
      if (name == "CeilDiv")
        return -floorDiv(-args[0], args[1]);
      return args[0] - floorDiv(args[0], args[1]) * args[1];
    }
    if (name == "floor" || name == "ceiling" || name == "CeilToInt" || name == "FloorToInt" ||
        name == "TruncToInt" || name == "Integer") {
      if (llvm::Error e = arity(1))
        return std::move(e);
      return args[0]; // integer arguments: already whole
    }
    return fail("unknown function '" + name.str() + "'");
  }

  llvm::StringRef text;
  const SymbolBindings &bindings;
  size_t pos = 0;
};

} // namespace

llvm::Expected<int64_t> evaluateSymExpr(llvm::StringRef expr, const SymbolBindings &bindings) {
  return Parser(expr, bindings).parse();
}

std::vector<std::string> symbolsOf(llvm::StringRef expr) {
  static const llvm::StringRef functions[] = {"Max",     "Min",        "FloorDiv",
                                              "CeilDiv", "Mod",        "floor",
                                              "ceiling", "CeilToInt",  "FloorToInt",
                                              "TruncToInt", "Integer"};
  std::vector<std::string> out;
  for (size_t i = 0; i < expr.size();) {
    if (llvm::isAlpha(expr[i]) || expr[i] == '_') {
      size_t start = i;
      while (i < expr.size() && (llvm::isAlnum(expr[i]) || expr[i] == '_'))
        ++i;
      llvm::StringRef name = expr.slice(start, i);
      if (!llvm::is_contained(functions, name) && !llvm::is_contained(out, name.str()))
        out.push_back(name.str());
    } else {
      ++i;
    }
  }
  return out;
}

llvm::Expected<std::pair<std::string, std::vector<int64_t>>> parseShapeOption(llvm::StringRef text) {
  auto [name, dims] = text.split('=');
  if (!text.contains('=') || name.empty())
    return llvm::createStringError("--shape expects NAME=D0xD1x..., got '" + text.str() + "'");
  std::vector<int64_t> shape;
  if (!dims.empty() && dims != "scalar") {
    llvm::SmallVector<llvm::StringRef> parts;
    dims.split(parts, 'x');
    for (llvm::StringRef p : parts) {
      int64_t d;
      if (p.getAsInteger(10, d) || d < 0)
        return llvm::createStringError("--shape " + text.str() + ": '" + p.str() +
                                       "' is not a dimension");
      shape.push_back(d);
    }
  }
  return std::make_pair(name.str(), shape);
}

} // namespace kiln
