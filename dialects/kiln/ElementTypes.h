//===- ElementTypes.h - the element type table, in plain C++ ----*- C++ -*-===//
//
// ElementTypes.def as constant data and lookups by each numbering. Plain
// C++17 with no LLVM or MLIR, header only: the readers (built again with
// sanitizers by the fuzz targets) and kiln-run's .npy code (which links no
// LLVM) use it as well as the compiler. The MLIR side of the table is in
// MlirElementTypes.h.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_DIALECTS_KILN_ELEMENTTYPES_H
#define KILN_DIALECTS_KILN_ELEMENTTYPES_H

#include "kiln/runtime.h"

#include <cstdint>
#include <string_view>

namespace kiln {

/// torch.export's serializer numbering (schema.py), not c10's.
enum class ScalarType : int {
  Unknown = 0,
#define KILN_ELEMENT_TYPE(NAME, EXPORT, ...) NAME = EXPORT,
#include "dialects/kiln/ElementTypes.def"
};

/// One row of ElementTypes.def (see there for what each field means).
struct ElementType {
  /// The MLIR element type Kiln computes in.
  enum class Kind : uint8_t { None, Float, BFloat, Int, UInt, Bool };

  ScalarType scalarType; // .pt2
  int pteCode;           // .pte; -1 for none
  const char *name;      // torch's: "float32"
  const char *storageClass;
  uint32_t abiDtype; // KILN_DTYPE_*; 0 for none
  const char *npyCode;
  unsigned size;
  Kind kind;
  unsigned bits;
};

inline constexpr ElementType kElementTypes[] = {
#define KILN_ELEMENT_TYPE(NAME, EXPORT, PTE, TORCH, STORAGE, ABI, NPY, SIZE, KIND, BITS)           \
  {ScalarType::NAME, PTE, TORCH, STORAGE, ABI, NPY, SIZE, ElementType::Kind::KIND, BITS},
#include "dialects/kiln/ElementTypes.def"
};

namespace detail {
template <typename Pred> const ElementType *findElementType(Pred pred) {
  for (const ElementType &e : kElementTypes)
    if (pred(e))
      return &e;
  return nullptr;
}
} // namespace detail

/// The row of a .pt2 dtype; null for Unknown and codes the table lacks.
inline const ElementType *elementTypeOf(ScalarType type) {
  return detail::findElementType([&](const ElementType &e) { return e.scalarType == type; });
}
/// The row of a .pte (ExecuTorch) dtype code.
inline const ElementType *elementTypeOfPteCode(int code) {
  if (code < 0)
    return nullptr;
  return detail::findElementType([&](const ElementType &e) { return e.pteCode == code; });
}
/// The row of a KILN_DTYPE_*.
inline const ElementType *elementTypeOfAbiDtype(uint32_t dtype) {
  if (dtype == 0)
    return nullptr;
  return detail::findElementType([&](const ElementType &e) { return e.abiDtype == dtype; });
}
/// The row of a torch.save storage class ("torch.FloatStorage").
inline const ElementType *elementTypeOfStorageClass(std::string_view storageClass) {
  if (storageClass.empty())
    return nullptr;
  return detail::findElementType(
      [&](const ElementType &e) { return storageClass == e.storageClass; });
}
/// The row of a NumPy type code without the byte order ("f4").
inline const ElementType *elementTypeOfNpyCode(std::string_view code) {
  if (code.empty())
    return nullptr;
  return detail::findElementType([&](const ElementType &e) { return code == e.npyCode; });
}
/// The row of an MLIR element type described by its kind and width.
inline const ElementType *elementTypeOfKind(ElementType::Kind kind, unsigned bits) {
  if (kind == ElementType::Kind::None)
    return nullptr;
  return detail::findElementType(
      [&](const ElementType &e) { return e.kind == kind && e.bits == bits; });
}

} // namespace kiln

#endif // KILN_DIALECTS_KILN_ELEMENTTYPES_H
