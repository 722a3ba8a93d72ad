//===- ZipArchive.h - read-only zip archives (libzip) -----------*- C++ -*-===//
//
// Stored and deflate entries, ZIP64, CRC checked on every read. The archive is
// read from memory so that hostile input and fuzzing take one code path.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_IMPORT_PT2_ZIPARCHIVE_H
#define KILN_COMPILER_IMPORT_PT2_ZIPARCHIVE_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct zip;

namespace kiln {

class ZipArchive {
public:
  struct Entry {
    std::string name;
    uint64_t size = 0; // uncompressed bytes
    uint64_t compressedSize = 0;
    uint16_t method = 0; // 0 stored, 8 deflate
    uint64_t index = 0;
  };

  /// Opens an archive held in `data`; the bytes are copied. `maxEntryBytes`
  /// caps what one entry may expand to.
  static llvm::Expected<std::unique_ptr<ZipArchive>>
  openFromMemory(llvm::StringRef data, uint64_t maxEntryBytes = kDefaultMaxEntryBytes);
  /// Opens the archive in `buffer` (a mapped file, say), which it keeps: no
  /// copy of a multi-gigabyte file.
  static llvm::Expected<std::unique_ptr<ZipArchive>>
  open(std::unique_ptr<llvm::MemoryBuffer> buffer, uint64_t maxEntryBytes = kDefaultMaxEntryBytes);

  ~ZipArchive();
  ZipArchive(const ZipArchive &) = delete;
  ZipArchive &operator=(const ZipArchive &) = delete;

  /// Entries in archive order.
  const std::vector<Entry> &entries() const { return entryList; }
  const Entry *find(llvm::StringRef name) const;

  /// The whole uncompressed content of an entry; the CRC is verified.
  llvm::Expected<std::string> read(const Entry &entry) const;
  llvm::Expected<std::string> read(llvm::StringRef name) const;

  static constexpr uint64_t kDefaultMaxEntryBytes = uint64_t(16) << 30; // 16 GiB

private:
  ZipArchive() = default;
  std::unique_ptr<llvm::MemoryBuffer> bytes; // keeps the buffer libzip reads alive
  zip *archive = nullptr;
  uint64_t maxEntryBytes = kDefaultMaxEntryBytes;
  std::vector<Entry> entryList;
  llvm::StringMap<size_t> byName;
};

} // namespace kiln

#endif // KILN_COMPILER_IMPORT_PT2_ZIPARCHIVE_H
