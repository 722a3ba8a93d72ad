//===- KilnBase.td - the kiln dialect ------------------------*- tablegen -*-===//
//
// The kiln dialect: PyTorch's operators at the level a model author thinks of
// them (conv2d, linear, batch_norm, ...), on ranked tensors with static shapes.
// The importers build it; graph passes rewrite it; passes/lower turns it into
// linalg/tensor/arith/math.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_BASE_TD
#define KILN_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/OpBase.td"

def Kiln_Dialect : Dialect {
  let name = "kiln";
  let cppNamespace = "::kiln";
  let summary = "PyTorch-level tensor operators for ahead-of-time compilation";
  let description = [{
    Ops mirror PyTorch operators with PyTorch's semantics (broadcasting, NCHW
    layouts, pooling output-size rules). Every tensor has a static shape: the
    importer specializes symbolic dimensions before building kiln IR. Each op's
    verifier recomputes the result shape from its operands and attributes, so a
    malformed model is caught at the op that is wrong.

    Element types: compute ops take floating-point tensors; quantized element
    types (`!quant.uniform`) will be admitted per op as integer kernels land.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

class Kiln_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kiln_Dialect, mnemonic, traits>;

// Element types the compute ops accept today.
def Kiln_FloatElement : AnyTypeOf<[F16, BF16, F32, F64]>;
def Kiln_FloatTensor : StaticShapeTensorOf<[F16, BF16, F32, F64]>;
// Data-movement ops accept any element type.
def Kiln_AnyTensor : StaticShapeTensorOf<[AnyType]>;

#endif // KILN_BASE_TD
