//===- Inspect.cpp - what kilnc inspect prints about a .pt2 ---------------===//
//
// The program's version, inputs, outputs, weights and symbols; then the
// format-neutral operator table (OperatorTable.h).
//
//===----------------------------------------------------------------------===//
#include "compiler/import/OperatorTable.h"
#include "compiler/import/pt2/Pt2Importer.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <vector>

namespace kiln {

static std::string shapeText(const TensorMeta &meta) {
  std::vector<std::string> dims;
  for (const SymIntValue &s : meta.sizes)
    dims.push_back(s.isSymbolic ? s.expr : std::to_string(s.value));
  return "[" + llvm::join(dims, ", ") + "]";
}

static std::string withCommas(uint64_t v) {
  std::string digits = std::to_string(v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return out;
}

void printInspection(const Pt2Archive &archive, llvm::raw_ostream &os) {
  const ExportedProgram &ep = archive.program();
  const Graph &g = ep.graph;
  os << archive.displayName() << ": " << archive.layoutName() << "\n";
  os << llvm::formatv("  torch {0}, schema {1}.{2}, IR {3}\n",
                      ep.torchVersion.empty() ? "unknown" : ep.torchVersion, ep.schemaMajor,
                      ep.schemaMinor,
                      ep.verifiers.empty() ? "unknown" : llvm::join(ep.verifiers, ","));

  auto describeValue = [&](llvm::StringRef name) {
    auto it = g.tensorValues.find(name);
    if (it == g.tensorValues.end())
      return llvm::formatv("  {0,-24} (no tensor metadata)\n", name).str();
    return llvm::formatv("  {0,-24} {1,-9} {2}\n", name, scalarTypeName(it->second.dtype),
                         shapeText(it->second))
        .str();
  };
  os << "inputs:\n";
  struct Totals {
    uint64_t tensors = 0, elements = 0, bytes = 0;
  } params, buffers, constants;
  for (size_t i = 0; i < ep.inputSpecs.size() && i < g.inputs.size(); ++i) {
    const InputSpec &spec = ep.inputSpecs[i];
    llvm::StringRef name = g.inputs[i].tensor;
    if (spec.kind == InputSpec::Kind::UserInput) {
      os << (g.inputs[i].kind == OpArgument::Kind::Tensor
                 ? describeValue(name)
                 : "  (non-tensor input: " + g.inputs[i].describe() + ")\n");
      continue;
    }
    Totals *totals = spec.kind == InputSpec::Kind::Parameter ? &params
                     : spec.kind == InputSpec::Kind::Buffer  ? &buffers
                                                             : &constants;
    auto it = g.tensorValues.find(name);
    if (it == g.tensorValues.end() || !it->second.hasStaticShape())
      continue;
    uint64_t n = 1;
    bool overflow = false;
    for (int64_t d : it->second.staticSizes())
      n = llvm::SaturatingMultiply(n, static_cast<uint64_t>(std::max<int64_t>(d, 0)), &overflow);
    totals->tensors += 1;
    totals->elements = llvm::SaturatingAdd(totals->elements, n);
    totals->bytes = llvm::SaturatingAdd(
        totals->bytes, llvm::SaturatingMultiply(n, uint64_t(scalarTypeSize(it->second.dtype))));
  }
  os << "outputs:\n";
  for (const OutputSpec &spec : ep.outputSpecs)
    if (spec.kind == OutputSpec::Kind::UserOutput)
      os << (spec.arg.kind == OpArgument::Kind::Tensor
                 ? describeValue(spec.arg.tensor)
                 : "  (non-tensor output: " + spec.arg.describe() + ")\n");
  auto totalLine = [&](llvm::StringRef what, const Totals &t) {
    os << llvm::formatv("{0,-11} {1} elements, {2} bytes, in {3} tensors\n", what + ":",
                        withCommas(t.elements), withCommas(t.bytes), t.tensors);
  };
  totalLine("parameters", params);
  totalLine("buffers", buffers);
  totalLine("constants", constants);
  for (const auto &[symbol, range] : ep.rangeConstraints)
    os << llvm::formatv("symbol {0}: [{1}, {2}]\n", symbol,
                        range.minVal ? std::to_string(*range.minVal) : "-inf",
                        range.maxVal ? std::to_string(*range.maxVal) : "inf");

  std::vector<InspectedCall> calls;
  for (const Node &node : g.nodes) {
    llvm::StringRef target = node.target;
    target.consume_front("torch.ops.");
    calls.push_back({target.str(), parseNodeTarget("torch.ops." + target.str())});
  }
  printOperatorTable(os, calls);
}

bool inspectPt2(llvm::StringRef path, llvm::raw_ostream &os, llvm::raw_ostream &errs) {
  auto archive = Pt2Archive::open(path);
  if (!archive) {
    errs << "error: " << llvm::toString(archive.takeError()) << "\n";
    return false;
  }
  printInspection(**archive, os);
  return true;
}

} // namespace kiln
