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

#include "passes/memory/MemoryPlan.h"
#include "passes/quant/FloatIslands.h"

#include <cstdint>
#include <string>

namespace kiln {

struct CompileReport {
  /// The model's C name and the target.
  std::string model;
  std::string target;
  /// The memory plan as kiln-plan-arena recorded it: the arena (the sum of
  /// the banks' sizes, MemoryPlan::arenaSize), the lower bounds, the banks,
  /// every buffer (inputs and outputs with --io-in-arena are named
  /// "<name> (input)" / "<name> (output)") and the op schedule.
  MemoryPlan plan;
  /// Bytes of weights (parameters, buffers, constants) in the object.
  int64_t weightsBytes = 0;
  /// The object's allocated bytes by section kind (.text, .rodata, .data,
  /// .bss), when an object was generated.
  bool hasSections = false;
  int64_t textBytes = 0;
  int64_t rodataBytes = 0;
  int64_t dataBytes = 0;
  int64_t bssBytes = 0;
  /// The quantization ops and float islands (passes/quant/FloatIslands.h),
  /// after the graph stage; reported when the program is quantized.
  QuantizationSummary quantization;
};

/// The report as JSON: {"arena_bytes", "lower_bound_bytes",
/// "unaligned_lower_bound_bytes", "weights_bytes",
/// "total_temporary_bytes", "algorithm", "model", "target", "banks": [...],
/// "sections": {"text", "rodata", "data", "bss"} (when an object was made),
/// "buffers": [{"name", "bank", "offset", "size", "first_op", "last_op"}],
/// "ops": [{"index", "name", "op"}]}, and for a quantized program
/// "quantization": {"quantize_ops", "dequantize_ops", "choose_qparams_ops",
/// "float_islands": [{"nodes": [...], "ops": [...]}]}.
std::string renderReportJson(const CompileReport &report);

/// The report as one self-contained HTML page.
std::string renderReportHtml(const CompileReport &report);

} // namespace kiln

#endif // KILN_COMPILER_EMIT_REPORT_H
