//===- Report.h - the compile report (JSON and HTML) ------------*- C++ -*-===//
//
// What `kilnc --report=FILE.json|FILE.html` writes: the memory plan (every
// temporary buffer with its bank, offset, size and live range over the op
// schedule), the lower bound the plan is measured against, and the weights.
// The JSON is for tools; the HTML draws the arena (x: op index, y: offset,
// one rectangle per buffer, hovering shows its name and size) and lists the
// ops, in one self-contained file that needs no network.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_EMIT_REPORT_H
#define KILN_COMPILER_EMIT_REPORT_H

#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

struct ReportBuffer {
  std::string name;
  /// The memory bank's name ("arena" for the default single bank).
  std::string bank;
  int64_t offset = 0;
  int64_t size = 0;
  /// Live from ops[firstOp] to ops[lastOp], inclusive.
  int64_t firstOp = 0;
  int64_t lastOp = 0;
};

struct ReportOp {
  int64_t index = 0;
  /// The node of the exported graph the op computes ("conv2d_3"), or "" for
  /// ops the compiler added.
  std::string name;
  /// The operator ("aten.convolution.default", or the MLIR op's name).
  std::string op;
};

struct ReportBank {
  std::string name;
  /// Bytes the plan uses in the bank, and its capacity (-1: unbounded).
  int64_t size = 0;
  int64_t capacity = -1;
  int64_t align = 16;
};

struct CompileReport {
  /// The model's C name and the target.
  std::string model;
  std::string target;
  /// The arena: the sum of the banks' sizes.
  int64_t arenaBytes = 0;
  /// The most bytes live at once over the schedule, each buffer counted at
  /// its footprint (its size rounded up to the alignment every offset has):
  /// what no plan can beat. And the same with raw sizes.
  int64_t lowerBoundBytes = 0;
  int64_t unalignedLowerBoundBytes = 0;
  /// The sum of all temporaries' sizes (an arena without reuse).
  int64_t totalTemporaryBytes = 0;
  /// Bytes of weights (parameters, buffers, constants) in the object.
  int64_t weightsBytes = 0;
  /// The placement algorithm whose plan was kept.
  std::string algorithm;
  std::vector<ReportBank> banks;
  std::vector<ReportBuffer> buffers;
  std::vector<ReportOp> ops;
  /// The object's allocated bytes by section kind (.text, .rodata, .data,
  /// .bss), when an object was generated.
  bool hasSections = false;
  int64_t textBytes = 0;
  int64_t rodataBytes = 0;
  int64_t dataBytes = 0;
  int64_t bssBytes = 0;
};

/// The report as JSON: {"arena_bytes", "lower_bound_bytes",
/// "unaligned_lower_bound_bytes", "weights_bytes",
/// "total_temporary_bytes", "algorithm", "model", "target", "banks": [...],
/// "sections": {"text", "rodata", "data", "bss"} (when an object was made),
/// "buffers": [{"name", "bank", "offset", "size", "first_op", "last_op"}],
/// "ops": [{"index", "name", "op"}]}.
std::string renderReportJson(const CompileReport &report);

/// The report as one self-contained HTML page.
std::string renderReportHtml(const CompileReport &report);

} // namespace kiln

#endif // KILN_COMPILER_EMIT_REPORT_H
