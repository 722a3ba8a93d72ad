// The operator schema table and argument binding.
#include "compiler/import/NodeImport.h"
#include "compiler/import/OpSchema.h"

#include "TestUtil.h"

#include <catch2/catch.hpp>

#include <set>
#include <string>

using namespace kiln;

TEST_CASE("schemas: the compiled-in table parses and has the core opset", "[schema]") {
  const OpSchemaTable &table = OpSchemaTable::get();
  size_t core = 0;
  for (const OpSchema &s : table.all())
    core += s.core;
  // native_functions.yaml tags about 180-200 functions `core`.
  CHECK(core >= 180);
  const OpSchema *conv = table.lookup("aten", "convolution", "default");
  REQUIRE(conv);
  CHECK(conv->core);
  CHECK(conv->arguments.size() == 9);
  CHECK(conv->arguments[2].name == "bias");
  CHECK(conv->arguments[2].type.optional);
  CHECK(table.lookup("aten", "add", "Tensor"));
  CHECK(!table.lookup("aten", "add", "NoSuchOverload"));
  CHECK(!table.lookup("aten", "not_an_op", "default"));
}

TEST_CASE("schemas: every import rule names an operator of the table", "[schema]") {
  // The import rules and the schema table must not drift apart.
  for (const ImportRule &rule : allImportRules()) {
    llvm::StringRef qualified = rule.op;
    auto [ns, rest] = qualified.split("::");
    auto [name, overload] = rest.split('.');
    INFO("import rule " << rule.op.str());
    CHECK(OpSchemaTable::get().lookup(ns, name, overload));
  }
}

TEST_CASE("schemas: every operator has at most one import rule", "[schema]") {
  // The rules live in several files (one per operator family); a second
  // rule for an operator would silently shadow the first.
  std::set<std::string> seen;
  for (const ImportRule &rule : allImportRules()) {
    INFO("import rule " << rule.op.str());
    CHECK(seen.insert(rule.op.str()).second);
  }
  CHECK(findImportRule("aten::add.Tensor"));
  CHECK(findImportRule("aten::zeros_like"));
  CHECK(!findImportRule("aten::add"));
  CHECK(!findImportRule("aten::zzz"));
}

TEST_CASE("schemas: types, aliases and defaults are parsed", "[schema]") {
  auto s = parseOpSchema("aten::max_pool2d(Tensor self, int[2] kernel_size, int[2] stride=[], "
                         "int[2] padding=0, int[2] dilation=1, bool ceil_mode=False) -> Tensor");
  REQUIRE_EXPECTED(s);
  CHECK(s->name == "max_pool2d");
  CHECK(s->overload.empty());
  CHECK(s->arguments[1].type.isList);
  CHECK(s->arguments[1].type.listSize == 2);
  auto padding = parseDefaultValue(s->arguments[3].type, *s->arguments[3].defaultText);
  REQUIRE_EXPECTED(padding);
  CHECK(padding->ints == std::vector<int64_t>{0, 0});

  auto inplace = parseOpSchema(
      "aten::add_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)");
  REQUIRE_EXPECTED(inplace);
  CHECK(inplace->mutatedArgument() == 0);
  CHECK(inplace->arguments[2].kwargOnly);

  auto multi = parseOpSchema("aten::unbind.int(Tensor(a -> *) self, int dim=0) -> Tensor(a)[]");
  REQUIRE_EXPECTED(multi);
  CHECK(multi->arguments[0].type.base == SchemaType::Base::Tensor);
  CHECK(multi->returns[0].type.isList);

  CHECK(!parseOpSchema("aten::broken(Tensor self -> Tensor"));
}

TEST_CASE("schemas: binding fills defaults and checks types", "[schema]") {
  const OpSchema *conv2d = OpSchemaTable::get().lookup("aten", "conv2d", "default");
  REQUIRE(conv2d);
  // torch.export omits trailing arguments that have their default value.
  auto call = bindArguments(*conv2d, {{"input", OpArgument::ofTensor("x")},
                                      {"weight", OpArgument::ofTensor("w")}});
  REQUIRE_EXPECTED(call);
  CHECK(call->arg("bias").isNone());
  CHECK(call->arg("stride").ints == std::vector<int64_t>{1, 1});
  CHECK(call->arg("padding").ints == std::vector<int64_t>{0, 0});
  CHECK(call->arg("groups").i == 1);

  // Positional binding, and a single int for an int[2] list.
  auto positional = bindArguments(*conv2d, {{"", OpArgument::ofTensor("x")},
                                            {"", OpArgument::ofTensor("w")},
                                            {"", OpArgument::none()},
                                            {"", OpArgument::ofInt(2)}});
  REQUIRE_EXPECTED(positional);
  CHECK(positional->arg("stride").ints == std::vector<int64_t>{2, 2});

  auto missing = bindArguments(*conv2d, {{"input", OpArgument::ofTensor("x")}});
  REQUIRE(!missing);
  CHECK(llvm::toString(missing.takeError()).find("missing argument 'weight'") !=
        std::string::npos);

  OpArgument text;
  text.kind = OpArgument::Kind::String;
  text.s = "w";
  auto wrongType = bindArguments(*conv2d, {{"input", OpArgument::ofTensor("x")},
                                           {"weight", text}});
  REQUIRE(!wrongType);
  CHECK(llvm::toString(wrongType.takeError()).find("argument 'weight'") != std::string::npos);

  // A Python number for a Tensor argument is a wrapped scalar (add.Tensor(x, 1)).
  const OpSchema *add = OpSchemaTable::get().lookup("aten", "add", "Tensor");
  REQUIRE(add);
  auto wrapped = bindArguments(*add, {{"self", OpArgument::ofTensor("x")},
                                      {"other", OpArgument::ofInt(1)}});
  REQUIRE_EXPECTED(wrapped);
  CHECK(wrapped->arg("other").kind == OpArgument::Kind::Int);

  auto unknown = bindArguments(*conv2d, {{"input", OpArgument::ofTensor("x")},
                                         {"weight", OpArgument::ofTensor("w")},
                                         {"bogus", OpArgument::ofInt(1)}});
  REQUIRE(!unknown);
  CHECK(llvm::toString(unknown.takeError()).find("unknown argument 'bogus'") !=
        std::string::npos);
}
