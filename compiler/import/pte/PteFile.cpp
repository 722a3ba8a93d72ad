//===- PteFile.cpp - an ExecuTorch .pte program ---------------------------===//
#include "compiler/import/pte/PteFile.h"

#include "flat_tensor_generated.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cstring>

namespace kiln {

namespace {
uint32_t readU32(llvm::StringRef bytes, size_t at) {
  uint32_t v;
  std::memcpy(&v, bytes.data() + at, 4);
  return v; // little-endian hosts only (Kiln's hosts: x86-64, AArch64)
}
uint64_t readU64(llvm::StringRef bytes, size_t at) {
  uint64_t v;
  std::memcpy(&v, bytes.data() + at, 8);
  return v;
}
/// begin + size <= limit, without overflow.
bool fits(uint64_t begin, uint64_t size, uint64_t limit) {
  return begin <= limit && size <= limit - begin;
}
} // namespace

llvm::Error PteFile::error(const llvm::Twine &message) const {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), name + ": " + message);
}

bool PteFile::looksLikePte(llvm::StringRef bytes) {
  return bytes.size() >= 8 && bytes.substr(4, 2) == "ET";
}

llvm::Expected<std::unique_ptr<PteFile>> PteFile::open(std::unique_ptr<llvm::MemoryBuffer> bytes,
                                                       llvm::StringRef displayName,
                                                       llvm::StringRef dataPath) {
  std::unique_ptr<PteFile> file(new PteFile());
  file->name = displayName.str();
  file->buffer = std::move(bytes);
  llvm::StringRef data = file->buffer->getBuffer();
  if (data.size() < 8)
    return file->error("not an ExecuTorch program: " + llvm::Twine(data.size()) +
                       " bytes, too short for its header");
  if (data.substr(4, 4) != "ET12") {
    if (data.substr(4, 2) == "ET")
      return file->error("ExecuTorch program schema '" + data.substr(4, 4) +
                         "'; Kiln reads 'ET12' (re-export it with a current ExecuTorch)");
    return file->error("not an ExecuTorch program: no 'ET12' identifier at offset 4");
  }
  uint64_t programSize = data.size();
  if (data.size() >= 16 && data.substr(8, 4) == "eh00") {
    uint32_t length = readU32(data, 12);
    if (length < 24 || !fits(8, length, data.size()))
      return file->error("the extended header is " + llvm::Twine(length) +
                         " bytes long; it needs 24 and must fit in the file");
    file->extended = true;
    programSize = readU64(data, 16);
    file->segmentBase = readU64(data, 24);
    if (programSize < 8 || programSize > data.size())
      return file->error("the extended header gives a program size of " + llvm::Twine(programSize) +
                         " bytes, but the file has " + llvm::Twine(data.size()));
    if (file->segmentBase > data.size())
      return file->error("the extended header puts the segments at byte " +
                         llvm::Twine(file->segmentBase) + ", past the end of the file (" +
                         llvm::Twine(data.size()) + " bytes)");
  }
  if (programSize >= (uint64_t(1) << 31))
    return file->error("the program's flatbuffer is larger than 2 GiB");
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t *>(data.data()),
                                 static_cast<size_t>(programSize));
  if (!pte::VerifyProgramBuffer(verifier))
    return file->error("the program's flatbuffer is malformed (offsets or sizes outside the "
                       "buffer, or nesting too deep): the flatbuffers verifier rejects it");
  file->root = pte::GetProgram(data.data());
  file->externalPath = externalDataPath(displayName, dataPath);
  return std::move(file);
}

std::string PteFile::externalDataPath(llvm::StringRef path, llvm::StringRef dataPath) {
  if (!dataPath.empty())
    return dataPath.str();
  llvm::SmallString<256> beside(path);
  llvm::sys::path::replace_extension(beside, "ptd");
  if (beside != path && llvm::sys::fs::is_regular_file(beside))
    return std::string(beside);
  return "";
}

std::vector<std::string> PteFile::methodNames() const {
  std::vector<std::string> names;
  if (root->execution_plan())
    for (const pte::ExecutionPlan *plan : *root->execution_plan())
      names.push_back(plan && plan->name() ? plan->name()->str() : "");
  return names;
}

llvm::Expected<const pte::ExecutionPlan *> PteFile::method(llvm::StringRef methodName) const {
  if (root->execution_plan())
    for (const pte::ExecutionPlan *plan : *root->execution_plan())
      if (plan && plan->name() && ref(plan->name()) == methodName)
        return plan;
  std::string names;
  for (const std::string &n : methodNames())
    names += (names.empty() ? "" : ", ") + n;
  return error("no method '" + methodName + "'; the program has " +
               (names.empty() ? std::string("none") : names) + " (pick one with --method=NAME)");
}

llvm::Expected<llvm::StringRef> PteFile::segment(uint64_t index) const {
  const auto *segments = root->segments();
  if (!segments || index >= segments->size())
    return error("segment " + llvm::Twine(index) + " does not exist (the program has " +
                 llvm::Twine(segments ? segments->size() : 0) + ")");
  const pte::DataSegment *s = segments->Get(static_cast<flatbuffers::uoffset_t>(index));
  llvm::StringRef data = buffer->getBuffer();
  uint64_t begin = segmentBase + s->offset();
  if (begin < segmentBase || !fits(begin, s->size(), data.size()))
    return error("segment " + llvm::Twine(index) + " (" + llvm::Twine(s->size()) +
                 " bytes at offset " + llvm::Twine(s->offset()) +
                 " after the segment base) lies outside the file");
  return data.substr(begin, s->size());
}

llvm::Expected<llvm::StringRef> PteFile::delegateData(const pte::BackendDelegate &delegate) const {
  const pte::BackendDelegateDataReference *ref = delegate.processed();
  if (!ref)
    return error("a delegate has no processed data");
  if (ref->location() == pte::DataLocation::SEGMENT)
    return segment(ref->index());
  const auto *inlined = root->backend_delegate_data();
  if (!inlined || ref->index() >= inlined->size() || !inlined->Get(ref->index())->data())
    return error("delegate data " + llvm::Twine(ref->index()) + " does not exist");
  const auto *bytes = inlined->Get(ref->index())->data();
  return llvm::StringRef(reinterpret_cast<const char *>(bytes->data()), bytes->size());
}

llvm::Error PteFile::loadExternal() const {
  if (externalLoaded)
    return llvm::Error::success();
  externalLoaded = true;
  if (externalPath.empty())
    return llvm::Error::success();
  auto fail = [&](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), externalPath + ": " + message);
  };
  auto bytes = llvm::MemoryBuffer::getFile(externalPath, /*IsText=*/false,
                                           /*RequiresNullTerminator=*/false);
  if (!bytes)
    return fail("cannot read the external data file: " + bytes.getError().message());
  externalBuffer = std::move(*bytes);
  llvm::StringRef data = externalBuffer->getBuffer();
  if (data.size() < 48 || data.substr(4, 4) != "FT01" || data.substr(8, 4) != "FH01")
    return fail("not ExecuTorch external tensor data: no 'FT01' identifier and 'FH01' header");
  uint32_t length = readU32(data, 12);
  uint64_t flatOffset = readU64(data, 16), flatSize = readU64(data, 24);
  uint64_t base = readU64(data, 32);
  if (length < 40 || !fits(flatOffset, flatSize, data.size()) || base > data.size() ||
      flatOffset + flatSize >= (uint64_t(1) << 31))
    return fail("the header's sizes and offsets lie outside the file");
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t *>(data.data()),
                                 static_cast<size_t>(flatOffset + flatSize));
  if (!flat_tensor_flatbuffer::VerifyFlatTensorBuffer(verifier))
    return fail("the flatbuffer is malformed: the flatbuffers verifier rejects it");
  const auto *flat = flat_tensor_flatbuffer::GetFlatTensor(data.data());
  if (!flat->named_data())
    return llvm::Error::success();
  for (const auto *entry : *flat->named_data()) {
    if (!entry->key())
      return fail("a named data entry has no key");
    const auto *segments = flat->segments();
    if (!segments || entry->segment_index() >= segments->size())
      return fail("'" + llvm::Twine(ref(entry->key())) + "' names segment " +
                  llvm::Twine(entry->segment_index()) + ", which does not exist");
    const auto *s = segments->Get(entry->segment_index());
    if (base + s->offset() < base || !fits(base + s->offset(), s->size(), data.size()))
      return fail("the segment of '" + llvm::Twine(ref(entry->key())) + "' lies outside the file");
    externalData[ref(entry->key())] = data.substr(base + s->offset(), s->size());
  }
  return llvm::Error::success();
}

llvm::Expected<llvm::StringRef> PteFile::namedData(llvm::StringRef key) const {
  if (const auto *named = root->named_data())
    for (const pte::NamedData *entry : *named)
      if (entry->key() && ref(entry->key()) == key)
        return segment(entry->segment_index());
  if (llvm::Error e = loadExternal())
    return std::move(e);
  auto it = externalData.find(key);
  if (it != externalData.end())
    return it->second;
  if (externalPath.empty())
    return error("no data named '" + key +
                 "' in the program, and no .ptd file beside it (give it with --data=FILE.ptd)");
  return error("no data named '" + key + "' in the program or in " + externalPath);
}

llvm::Expected<llvm::StringRef> PteFile::tensorData(const pte::Tensor &tensor,
                                                    uint64_t bytes) const {
  llvm::Expected<llvm::StringRef> data = llvm::StringRef();
  const pte::ExtraTensorInfo *extra = tensor.extra_tensor_info();
  if (extra && extra->location() == pte::TensorDataLocation::EXTERNAL) {
    if (!extra->fully_qualified_name() || extra->fully_qualified_name()->size() == 0)
      return error("an external tensor has no fully qualified name to find its data by");
    data = namedData(ref(extra->fully_qualified_name()));
  } else if (tensor.data_buffer_idx() == 0) {
    return error("the tensor has no data in the file (it is not a constant)");
  } else if (tensor.allocation_info()) {
    return error("the tensor is mutable state with an initial value (mutable data segment), "
                 "which Kiln does not support");
  } else {
    uint32_t index = tensor.data_buffer_idx();
    const pte::SubsegmentOffsets *constants = root->constant_segment();
    if (constants && constants->offsets() && constants->offsets()->size() > 1) {
      if (index >= constants->offsets()->size())
        return error("constant " + llvm::Twine(index) +
                     " does not exist (the constant segment has " +
                     llvm::Twine(constants->offsets()->size()) + " offsets)");
      auto seg = segment(constants->segment_index());
      if (!seg)
        return seg.takeError();
      uint64_t offset = vectorElement(*constants->offsets(), index);
      if (!fits(offset, bytes, seg->size()))
        return error("constant " + llvm::Twine(index) + " (" + llvm::Twine(bytes) +
                     " bytes at offset " + llvm::Twine(offset) + ") lies outside its segment of " +
                     llvm::Twine(seg->size()) + " bytes");
      return seg->substr(offset, bytes);
    }
    const auto *buffers = root->constant_buffer();
    if (!buffers || index >= buffers->size())
      return error("constant " + llvm::Twine(index) +
                   " does not exist (no constant segment and no such constant buffer)");
    const auto *storage = buffers->Get(index)->storage();
    data = storage
               ? llvm::StringRef(reinterpret_cast<const char *>(storage->data()), storage->size())
               : llvm::StringRef();
  }
  if (!data)
    return data.takeError();
  if (data->size() < bytes)
    return error("a constant has " + llvm::Twine(data->size()) +
                 " bytes of data; its shape needs " + llvm::Twine(bytes));
  return data->substr(0, bytes);
}

llvm::Expected<XnnpackBlob> XnnpackBlob::parse(llvm::StringRef blob, const PteFile &file) {
  auto fail = [&](const llvm::Twine &message) {
    return file.error("the XNNPACK delegate's blob " + message);
  };
  XnnpackBlob parsed;
  parsed.file = &file;
  llvm::StringRef flat = blob;
  if (blob.size() >= 8 && blob.substr(4, 4) == "XH00") {
    if (blob.size() < 30)
      return fail("is " + llvm::Twine(blob.size()) + " bytes, too short for its header");
    uint16_t length;
    std::memcpy(&length, blob.data() + 8, 2);
    uint32_t flatOffset = readU32(blob, 10), flatSize = readU32(blob, 14);
    uint32_t constantOffset = readU32(blob, 18);
    uint64_t constantSize = readU64(blob, 22);
    if (length < 30 || !fits(flatOffset, flatSize, blob.size()) ||
        !fits(constantOffset, constantSize, blob.size()))
      return fail("has a header whose offsets and sizes lie outside its " +
                  llvm::Twine(blob.size()) + " bytes (the blob is cut short or corrupt)");
    flat = blob.substr(flatOffset, flatSize);
    parsed.constants = blob.substr(constantOffset, constantSize);
  }
  if (flat.size() < 8 || flat.substr(4, 4) != "XN01")
    return fail("has no XNNGraph ('XN01' identifier); Kiln reads ExecuTorch's current XNNPACK "
                "serialization");
  if (reinterpret_cast<uintptr_t>(flat.data()) % 8 != 0)
    return fail("is not aligned for reading (at an offset that is not a multiple of 8)");
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t *>(flat.data()), flat.size());
  if (!fb_xnnpack::VerifyXNNGraphBuffer(verifier))
    return fail("has a malformed XNNGraph: the flatbuffers verifier rejects it");
  parsed.root = fb_xnnpack::GetXNNGraph(flat.data());
  return parsed;
}

llvm::Expected<llvm::StringRef> XnnpackBlob::constant(uint32_t index, uint64_t bytes) const {
  const auto *table = root->constant_data();
  if (!table || index == 0 || index >= table->size())
    return file->error("XNNPACK constant " + llvm::Twine(index) +
                       " does not exist (the graph has " + llvm::Twine(table ? table->size() : 0) +
                       " constant entries)");
  const fb_xnnpack::ConstantDataOffset *entry = table->Get(index);
  llvm::Expected<llvm::StringRef> data = llvm::StringRef();
  if (entry->named_key() && entry->named_key()->size()) {
    data = file->namedData(ref(entry->named_key()));
  } else {
    if (!fits(entry->offset(), entry->size(), constants.size()))
      return file->error("XNNPACK constant " + llvm::Twine(index) + " (" +
                         llvm::Twine(entry->size()) + " bytes at offset " +
                         llvm::Twine(entry->offset()) + ") lies outside the blob's " +
                         llvm::Twine(constants.size()) + " bytes of constant data");
    data = constants.substr(entry->offset(), entry->size());
  }
  if (!data)
    return data.takeError();
  if (data->size() < bytes)
    return file->error("XNNPACK constant " + llvm::Twine(index) + " has " +
                       llvm::Twine(data->size()) + " bytes; its shape needs " + llvm::Twine(bytes));
  return data->substr(0, bytes);
}

} // namespace kiln
