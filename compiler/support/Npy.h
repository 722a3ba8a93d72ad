//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
//
// Reads and writes NumPy's .npy format (versions 1.0, 2.0, 3.0; little-endian,
// C order) for the element types that cross Kiln's ABI. Plain C++: host tools
// such as kiln-run use it without linking LLVM.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_SUPPORT_NPY_H
#define KILN_COMPILER_SUPPORT_NPY_H

#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

struct NpyArray {
  uint32_t dtype = 0; // KILN_DTYPE_*
  std::vector<int64_t> shape;
  std::vector<char> data; // C order, little-endian

  uint64_t numElements() const;
};

/// The .npy `descr` of a KILN_DTYPE_* ("<f4", "|b1", ...); "" if none.
std::string npyDescr(uint32_t dtype);
/// "float32[1, 3, 32, 32]".
std::string describeArray(uint32_t dtype, const std::vector<int64_t> &shape);

/// Parses .npy bytes. On failure returns false and sets `error`.
bool parseNpy(const std::string &bytes, NpyArray &out, std::string &error);
bool readNpyFile(const std::string &path, NpyArray &out, std::string &error);

/// Serializes to .npy version 1.0.
std::string serializeNpy(const NpyArray &array);
bool writeNpyFile(const std::string &path, const NpyArray &array, std::string &error);

} // namespace kiln

#endif // KILN_COMPILER_SUPPORT_NPY_H
