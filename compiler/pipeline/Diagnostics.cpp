//===- Diagnostics.cpp - diagnostics as users read them -------------------===//
#include "compiler/pipeline/Diagnostics.h"
#include "dialects/kiln/NodeLocation.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"

using namespace mlir;

namespace kiln {

std::string describeLocation(Location loc) {
  if (auto node = asNodeLocation(loc)) {
    std::string file = describeLocation(node->second);
    std::string label = describeNode(node->first);
    return file.empty() ? label : file + ": " + label;
  }
  if (auto name = dyn_cast<NameLoc>(loc)) {
    std::string child = describeLocation(name.getChildLoc());
    return child.empty() ? name.getName().str() : child + ": " + name.getName().str();
  }
  if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    std::string text = file.getFilename().str();
    if (file.getLine() > 0)
      text += ":" + std::to_string(file.getLine()) + ":" + std::to_string(file.getColumn());
    return text;
  }
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations()) {
      std::string text = describeLocation(inner);
      if (!text.empty())
        return text;
    }
    return "";
  }
  if (auto call = dyn_cast<CallSiteLoc>(loc))
    return describeLocation(call.getCallee());
  return "";
}

static llvm::StringRef severityName(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error:
    return "error";
  case DiagnosticSeverity::Warning:
    return "warning";
  case DiagnosticSeverity::Note:
    return "note";
  case DiagnosticSeverity::Remark:
    return "remark";
  }
  return "error";
}

DiagnosticPrinter::DiagnosticPrinter(MLIRContext &context, llvm::raw_ostream &os)
    : handler(&context, [this, &os](Diagnostic &diag) {
        if (diag.getSeverity() == DiagnosticSeverity::Error)
          ++errors;
        auto print = [&os](Diagnostic &d) {
          std::string where = describeLocation(d.getLocation());
          os << (where.empty() ? "kilnc" : where) << ": " << severityName(d.getSeverity()) << ": "
             << d.str() << "\n";
        };
        print(diag);
        for (Diagnostic &note : diag.getNotes())
          print(note);
        os.flush();
        return success();
      }) {}

} // namespace kiln
