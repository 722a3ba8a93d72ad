//===- Pt2ReaderFuzzer.cpp - libFuzzer target: the .pt2 readers -----------===//
//
// Feeds arbitrary bytes to everything that reads a .pt2 file before MLIR is
// involved: the zip reader, layout detection, the ExportedProgram JSON parser,
// the weights configs and pickles, as_strided materialization, argument
// binding against the schema table, and symbolic-size evaluation. Any crash,
// sanitizer report or leak is a bug; errors are expected.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/OpSchema.h"
#include "compiler/import/SymbolicShapes.h"
#include "compiler/import/pt2/Pt2Archive.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  auto archive = kiln::Pt2Archive::openFromMemory(bytes, "fuzz.pt2");
  if (!archive) {
    llvm::consumeError(archive.takeError());
    return 0;
  }
  const kiln::ExportedProgram &ep = (*archive)->program();
  for (const kiln::InputSpec &spec : ep.inputSpecs) {
    if (spec.target.empty())
      continue;
    auto tensor = (*archive)->tensor(spec.target);
    if (!tensor)
      llvm::consumeError(tensor.takeError());
  }
  kiln::SymbolBindings bindings;
  bindings["s0"] = 3;
  for (const auto &entry : ep.graph.tensorValues)
    for (const kiln::SymIntValue &size : entry.second.sizes)
      if (size.isSymbolic) {
        auto v = kiln::evaluateSymExpr(size.expr, bindings);
        if (!v)
          llvm::consumeError(v.takeError());
      }
  for (const kiln::Node &node : ep.graph.nodes) {
    llvm::SmallVector<llvm::StringRef> parts;
    llvm::StringRef(node.target).split(parts, '.');
    if (parts.size() != 5)
      continue;
    const kiln::OpSchema *schema = kiln::OpSchemaTable::get().lookup(parts[2], parts[3], parts[4]);
    if (!schema)
      continue;
    std::vector<kiln::GivenArgument> given;
    for (const kiln::NamedArgument &na : node.inputs)
      given.push_back({na.name, na.arg});
    auto call = kiln::bindArguments(*schema, given);
    if (!call)
      llvm::consumeError(call.takeError());
  }
  return 0;
}
