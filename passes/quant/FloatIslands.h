//===- FloatIslands.h - the float regions of a quantized program -*- C++ -*-===//
//
// A quantized program computes in integers where the quantization passes
// folded its dequantize -> op -> quantize patterns into integer ops; every op
// left between a dequantize and a quantize (or an output) computes in float:
// a float island. It is correct (PyTorch's own Q/DQ graph computes exactly
// that), only slower and larger than an integer kernel. `kilnc --report` and
// `kilnc inspect` list the islands so that a user sees what did not fold.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_PASSES_QUANT_FLOATISLANDS_H
#define KILN_PASSES_QUANT_FLOATISLANDS_H

#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace kiln {

/// One island: its ops in program order, each with the graph node it comes
/// from (NodeLocation) and its kiln op name ("kiln.conv2d").
struct FloatIsland {
  struct Member {
    std::string node;
    std::string op;
  };
  std::vector<Member> members;
};

/// The quantization ops of a program and the float islands among them.
struct QuantizationSummary {
  int64_t quantizeOps = 0;
  int64_t dequantizeOps = 0;
  int64_t chooseQParamsOps = 0;
  std::vector<FloatIsland> islands;
  bool quantized() const { return quantizeOps + dequantizeOps > 0; }
};

/// The float islands of the kiln-dialect functions in `module`: the
/// connected groups of ops reached from a kiln.dequantize result without
/// passing a kiln.quantize (constants and the quantization ops themselves
/// excluded), in program order.
QuantizationSummary findFloatIslands(mlir::ModuleOp module);

} // namespace kiln

#endif // KILN_PASSES_QUANT_FLOATISLANDS_H
