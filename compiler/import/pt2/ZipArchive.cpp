//===- ZipArchive.cpp - read-only zip archives (libzip) -------------------===//
#include "compiler/import/pt2/ZipArchive.h"

#include <zip.h>

namespace kiln {

static std::string zipErrorText(zip_error_t *error) {
  std::string text = zip_error_strerror(error);
  zip_error_fini(error);
  return text;
}

llvm::Expected<std::unique_ptr<ZipArchive>> ZipArchive::openFromMemory(llvm::StringRef data,
                                                                       uint64_t maxEntryBytes) {
  return open(llvm::MemoryBuffer::getMemBufferCopy(data), maxEntryBytes);
}

llvm::Expected<std::unique_ptr<ZipArchive>>
ZipArchive::open(std::unique_ptr<llvm::MemoryBuffer> buffer, uint64_t maxEntryBytes) {
  std::unique_ptr<ZipArchive> za(new ZipArchive());
  za->bytes = std::move(buffer);
  za->maxEntryBytes = maxEntryBytes;
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t *source = zip_source_buffer_create(za->bytes->getBufferStart(),
                                                  za->bytes->getBufferSize(), /*freep=*/0, &error);
  if (!source)
    return llvm::createStringError("not a zip archive: " + zipErrorText(&error));
  za->archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (!za->archive) {
    zip_source_free(source);
    return llvm::createStringError("not a valid zip archive: " + zipErrorText(&error));
  }
  zip_error_fini(&error);
  zip_int64_t count = zip_get_num_entries(za->archive, 0);
  if (count < 0)
    return llvm::createStringError("cannot list the zip archive");
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za->archive, i, ZIP_FL_ENC_RAW, &st) != 0 || !st.name)
      return llvm::createStringError("cannot read zip entry " + std::to_string(i) + ": " +
                                     zip_strerror(za->archive));
    Entry e;
    e.name = st.name;
    e.size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
    e.compressedSize = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
    e.method = (st.valid & ZIP_STAT_COMP_METHOD) ? st.comp_method : 0;
    e.index = static_cast<uint64_t>(i);
    if (!za->byName.try_emplace(e.name, za->entryList.size()).second)
      return llvm::createStringError("zip entry '" + e.name + "' appears twice");
    za->entryList.push_back(std::move(e));
  }
  return za;
}

ZipArchive::~ZipArchive() {
  if (archive)
    zip_discard(archive);
}

const ZipArchive::Entry *ZipArchive::find(llvm::StringRef name) const {
  auto it = byName.find(name);
  return it == byName.end() ? nullptr : &entryList[it->second];
}

llvm::Expected<std::string> ZipArchive::read(const Entry &entry) const {
  if (entry.method != ZIP_CM_STORE && entry.method != ZIP_CM_DEFLATE)
    return llvm::createStringError("zip entry '" + entry.name +
                                   "' uses unsupported compression method " +
                                   std::to_string(entry.method));
  if (entry.size > maxEntryBytes)
    return llvm::createStringError("zip entry '" + entry.name + "' claims " +
                                   std::to_string(entry.size) + " bytes, over the limit of " +
                                   std::to_string(maxEntryBytes));
  // A stored entry cannot be larger than the archive that holds it.
  if (entry.method == ZIP_CM_STORE && entry.size > bytes->getBufferSize())
    return llvm::createStringError("zip entry '" + entry.name + "' claims " +
                                   std::to_string(entry.size) +
                                   " bytes, more than the whole archive");
  zip_file_t *file = zip_fopen_index(archive, entry.index, 0);
  if (!file)
    return llvm::createStringError("cannot open zip entry '" + entry.name +
                                   "': " + zip_strerror(archive));
  std::string data;
  data.resize(entry.size);
  uint64_t done = 0;
  while (true) {
    // Read past the declared size by one byte to detect a lying header; libzip
    // verifies the CRC when the end of the entry is reached.
    char extra;
    void *dst = done < entry.size ? &data[done] : &extra;
    uint64_t want = done < entry.size ? entry.size - done : 1;
    zip_int64_t n = zip_fread(file, dst, want);
    if (n < 0) {
      std::string message = zip_file_strerror(file);
      zip_fclose(file);
      return llvm::createStringError("cannot read zip entry '" + entry.name + "': " + message);
    }
    if (n == 0)
      break;
    if (done >= entry.size) {
      zip_fclose(file);
      return llvm::createStringError("zip entry '" + entry.name +
                                     "' holds more data than its header says");
    }
    done += static_cast<uint64_t>(n);
  }
  zip_fclose(file);
  if (done != entry.size)
    return llvm::createStringError("zip entry '" + entry.name +
                                   "' is truncated: " + std::to_string(done) + " of " +
                                   std::to_string(entry.size) + " bytes");
  return data;
}

llvm::Expected<std::string> ZipArchive::read(llvm::StringRef name) const {
  const Entry *entry = find(name);
  if (!entry)
    return llvm::createStringError("the archive has no entry '" + name.str() + "'");
  return read(*entry);
}

} // namespace kiln
