//===- Quantized.cpp - import rules: quantized operators ------------------===//
//
// The home of the rules for quantized operators: `quantized_decomposed::`
// quantize_per_tensor / dequantize_per_tensor / ..._per_channel /
// choose_qparams (their schemas are in schemas/aten.schemas) and the int8
// kernels they fold into. There are none yet: the table is empty, and
// `kilnc inspect` reports these operators as unsupported.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/rules/Rules.h"

namespace kiln {

llvm::ArrayRef<ImportRule> rules::quantizedRules() { return {}; }

} // namespace kiln
