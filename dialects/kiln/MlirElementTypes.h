//===- MlirElementTypes.h - the element type table and MLIR -----*- C++ -*-===//
//
// The MLIR side of ElementTypes.def: the element type of a row, and the row
// of an element type. Importers map a file's dtype code to its row and the
// row to an MLIR type; the header emitter maps an MLIR type to its row's
// KILN_DTYPE_*.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_DIALECTS_KILN_MLIRELEMENTTYPES_H
#define KILN_DIALECTS_KILN_MLIRELEMENTTYPES_H

#include "dialects/kiln/ElementTypes.h"

#include "mlir/IR/Types.h"

#include <string>

namespace kiln {

/// The MLIR element type of a row; null when Kiln has none (Kind::None).
mlir::Type mlirElementType(const ElementType &type, mlir::MLIRContext *context);

/// The row of an MLIR element type: f16, bf16, f32, f64; integers by width,
/// unsigned ones as UInt, i1 as Bool. Null for types the table lacks.
const ElementType *elementTypeOf(mlir::Type type);

/// PyTorch's name of an element type ("float32", "uint16", ...), for
/// diagnostics; types outside the table are printed as MLIR spells them.
std::string torchDtypeName(mlir::Type type);

} // namespace kiln

#endif // KILN_DIALECTS_KILN_MLIRELEMENTTYPES_H
