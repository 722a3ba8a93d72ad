//===- PteFile.h - an ExecuTorch .pte program -------------------*- C++ -*-===//
//
// Reads ExecuTorch's program format (FORMATS.md §3): the header ("ET12" at
// offset 4) and the optional extended header ("eh00" at offset 8), the
// flatbuffer, which the flatbuffers verifier checks before anything reads
// it, the segments after it, and the external tensor data of a .ptd file
// ("FT01", header "FH01"). Every index and offset the file gives is checked
// before it is followed: a value, operator or delegate index, a constant's
// offset and size against its segment, a segment against the file.
//
// No MLIR here (the fuzz target builds the readers alone): PteImporter.cpp
// turns a method into kiln IR.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_IMPORT_PTE_PTEFILE_H
#define KILN_COMPILER_IMPORT_PTE_PTEFILE_H

#include "program_generated.h"
#include "xnnpack_generated.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kiln {
namespace pte = executorch_flatbuffer;

/// Element i of a flatbuffer vector, copied out: the verifier checks a
/// vector's length word for 4-byte alignment only, so the 8-byte elements of
/// a hostile file ([uint64], [long], [double]) may be misaligned.
template <typename T> T vectorElement(const flatbuffers::Vector<T> &v, flatbuffers::uoffset_t i) {
  T value;
  std::memcpy(&value, v.Data() + static_cast<size_t>(i) * sizeof(T), sizeof(T));
  return value; // little-endian hosts only, as flatbuffers' own reads
}

/// A flatbuffer string as a StringRef ("" for an absent one).
inline llvm::StringRef ref(const flatbuffers::String *s) {
  return s ? llvm::StringRef(s->c_str(), s->size()) : llvm::StringRef();
}

class PteFile {
public:
  /// Reads and verifies a .pte file's bytes. External data: the .ptd at
  /// `dataPath`, or, when that is empty, a .ptd beside `displayName` with
  /// the same stem where one exists (read only when a tensor needs it).
  static llvm::Expected<std::unique_ptr<PteFile>> open(std::unique_ptr<llvm::MemoryBuffer> bytes,
                                                       llvm::StringRef displayName,
                                                       llvm::StringRef dataPath = "");
  /// Whether bytes start like a .pte file (its identifier at offset 4).
  static bool looksLikePte(llvm::StringRef bytes);
  /// The external data file of the program at `path`: `dataPath` if given,
  /// else the .ptd beside it with the same stem if there is one, else "".
  static std::string externalDataPath(llvm::StringRef path, llvm::StringRef dataPath);

  llvm::StringRef displayName() const { return name; }
  const pte::Program &program() const { return *root; }
  /// Whether the file has the extended header.
  bool hasExtendedHeader() const { return extended; }
  /// The .ptd file the program's external tensors are read from ("" if none).
  llvm::StringRef dataFile() const { return externalPath; }

  /// The names of the methods (execution plans), in file order.
  std::vector<std::string> methodNames() const;
  /// The method called `name`; an error listing the methods when none is.
  llvm::Expected<const pte::ExecutionPlan *> method(llvm::StringRef name) const;

  /// The bytes of a constant tensor (data_buffer_idx > 0, no allocation
  /// info), or of an external one (by its fully qualified name, from the
  /// program's named data or the .ptd), checked to hold `bytes` bytes.
  llvm::Expected<llvm::StringRef> tensorData(const pte::Tensor &tensor, uint64_t bytes) const;
  /// The bytes of a delegate's processed blob.
  llvm::Expected<llvm::StringRef> delegateData(const pte::BackendDelegate &delegate) const;
  /// The bytes of a named data entry of the program, else of the .ptd.
  llvm::Expected<llvm::StringRef> namedData(llvm::StringRef key) const;

  /// An error that starts with the file's name.
  llvm::Error error(const llvm::Twine &message) const;

private:
  PteFile() = default;
  llvm::Expected<llvm::StringRef> segment(uint64_t index) const;
  llvm::Error loadExternal() const;

  std::string name;
  std::unique_ptr<llvm::MemoryBuffer> buffer;
  const pte::Program *root = nullptr;
  bool extended = false;
  uint64_t segmentBase = 0; // bytes from the start of the file
  // The .ptd, read on first use.
  std::string externalPath;
  mutable bool externalLoaded = false;
  mutable std::unique_ptr<llvm::MemoryBuffer> externalBuffer;
  mutable llvm::StringMap<llvm::StringRef> externalData; // key -> bytes
};

/// An XNNPACK delegate's blob (FORMATS.md §3.1): ExecuTorch's XNNHeader
/// ("XH00" at offset 4: its length, the flatbuffer's offset and size, the
/// constant data's offset and size), the XNNGraph flatbuffer ("XN01",
/// verified), and the constant data after it; a blob without the header is
/// the bare flatbuffer. Constants are read from the constant data or, by
/// key, from the program's named data (`file`).
class XnnpackBlob {
public:
  static llvm::Expected<XnnpackBlob> parse(llvm::StringRef blob, const PteFile &file);
  const fb_xnnpack::XNNGraph &graph() const { return *root; }
  /// The bytes of constant `index` of the graph's constant_data, checked to
  /// hold `bytes` bytes.
  llvm::Expected<llvm::StringRef> constant(uint32_t index, uint64_t bytes) const;

private:
  const PteFile *file = nullptr;
  llvm::StringRef constants;
  const fb_xnnpack::XNNGraph *root = nullptr;
};

} // namespace kiln

#endif // KILN_COMPILER_IMPORT_PTE_PTEFILE_H
