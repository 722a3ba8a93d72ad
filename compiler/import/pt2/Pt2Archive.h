//===- Pt2Archive.h - a torch.export .pt2 file ------------------*- C++ -*-===//
//
// Finds which of torch.export's layouts a file uses (FORMATS.md §1-2), reads
// the ExportedProgram and materializes weights and constants as contiguous
// row-major bytes. All input is untrusted: sizes, offsets and strides are
// checked before any byte is touched.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_IMPORT_PT2_PT2ARCHIVE_H
#define KILN_COMPILER_IMPORT_PT2_PT2ARCHIVE_H

#include "compiler/import/pt2/ExportedProgram.h"
#include "compiler/import/pt2/ZipArchive.h"

#include "llvm/ADT/StringMap.h"

#include <memory>
#include <string>

namespace kiln {

/// A tensor's elements, contiguous and row-major.
struct TensorData {
  ScalarType dtype = ScalarType::Unknown;
  llvm::SmallVector<int64_t> shape;
  std::string bytes;
};

/// Where a weight lives, from the weights/constants configs.
struct PayloadMeta {
  std::string pathName; // archive member relative to data/weights or data/constants
  bool isParam = false;
  bool usePickle = false;
  std::optional<TensorMeta> tensorMeta;
  bool isConstant = false; // from the constants config
};

class Pt2Archive {
public:
  enum class Layout {
    Archive,        // torch >= 2.9: raw weight_N files + weights config
    ArchivePickled, // torch 2.8: one torch.save pickle of all weights
    Legacy,         // torch 2.1-2.7: flat zip, serialized_exported_program.json
  };

  /// Reads and checks the whole file; `displayName` prefixes every error.
  static llvm::Expected<std::unique_ptr<Pt2Archive>> open(llvm::StringRef path);
  static llvm::Expected<std::unique_ptr<Pt2Archive>> openFromMemory(llvm::StringRef data,
                                                                    llvm::StringRef displayName);

  Layout layout() const { return fileLayout; }
  llvm::StringRef layoutName() const;
  const ExportedProgram &program() const { return exported; }
  llvm::StringRef displayName() const { return name; }

  /// The value of a parameter, buffer or tensor constant by its FQN.
  llvm::Expected<TensorData> tensor(llvm::StringRef fqn) const;
  bool hasTensor(llvm::StringRef fqn) const { return payloads.count(fqn) || pickled.count(fqn); }

private:
  Pt2Archive() = default;
  static llvm::Expected<std::unique_ptr<Pt2Archive>>
  fromZip(llvm::Expected<std::unique_ptr<ZipArchive>> zip, llvm::StringRef displayName);
  llvm::Error load();
  llvm::Error loadPayloadConfig(llvm::StringRef member, bool constants);
  /// Reads a torch.save container member holding a dict of tensors, if present.
  llvm::Error loadPickledTensors(llvm::StringRef member);

  std::string name;
  std::unique_ptr<ZipArchive> zip;
  Layout fileLayout = Layout::Archive;
  std::string root; // "model/" (with the slash) or ""
  ExportedProgram exported;
  llvm::StringMap<PayloadMeta> payloads; // raw layout: where each tensor lives
  llvm::StringMap<TensorData> pickled;   // pickled layouts: read when opening
};

/// Rebuilds a tensor from the raw bytes of its storage, as
/// `torch.as_strided(storage, sizes, strides, storage_offset)` would, into a
/// contiguous copy. An empty storage stands for zeros (FakeTensor payloads).
llvm::Expected<TensorData> materializeStrided(llvm::StringRef storage, const TensorMeta &meta);

} // namespace kiln

#endif // KILN_COMPILER_IMPORT_PT2_PT2ARCHIVE_H
