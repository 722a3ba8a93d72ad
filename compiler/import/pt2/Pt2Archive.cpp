//===- Pt2Archive.cpp - a torch.export .pt2 file --------------------------===//
#include "compiler/import/pt2/Pt2Archive.h"
#include "compiler/import/pt2/Pickle.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstring>

namespace kiln {

llvm::StringRef Pt2Archive::layoutName() const {
  switch (fileLayout) {
  case Layout::Archive:
    return "PT2 archive, raw weights (torch >= 2.9)";
  case Layout::ArchivePickled:
    return "PT2 archive, pickled weights (torch 2.8)";
  case Layout::Legacy:
    return "legacy zip (torch 2.1-2.7)";
  }
  return "?";
}

llvm::Expected<std::unique_ptr<Pt2Archive>> Pt2Archive::open(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return llvm::createStringError(path + ": cannot read: " + buffer.getError().message());
  // The mapped file itself, not a copy: weights are read from it once, into
  // their blobs.
  return fromZip(ZipArchive::open(std::move(*buffer)), path);
}

llvm::Expected<std::unique_ptr<Pt2Archive>>
Pt2Archive::openFromMemory(llvm::StringRef data, llvm::StringRef displayName) {
  return fromZip(ZipArchive::openFromMemory(data), displayName);
}

llvm::Expected<std::unique_ptr<Pt2Archive>>
Pt2Archive::fromZip(llvm::Expected<std::unique_ptr<ZipArchive>> zip, llvm::StringRef displayName) {
  std::unique_ptr<Pt2Archive> archive(new Pt2Archive());
  archive->name = displayName.str();
  if (!zip)
    return llvm::createStringError(displayName + ": " + llvm::toString(zip.takeError()));
  archive->zip = std::move(*zip);
  if (llvm::Error e = archive->load())
    return llvm::createStringError(displayName + ": " + llvm::toString(std::move(e)));
  return archive;
}

llvm::Error Pt2Archive::load() {
  const auto &entries = zip->entries();
  if (entries.empty())
    return llvm::createStringError("the zip archive is empty");
  // The legacy layout is a flat zip (a root folder is tolerated); the PT2
  // archive puts every record under one root folder named after the file,
  // which the first entry tells (PyTorchStreamReader does the same).
  std::string jsonMember;
  for (const ZipArchive::Entry &e : entries) {
    llvm::StringRef name = e.name;
    if (name == "serialized_exported_program.json" ||
        (name.ends_with("/serialized_exported_program.json") && name.count('/') == 1)) {
      fileLayout = Layout::Legacy;
      root = name.drop_back(llvm::StringRef("serialized_exported_program.json").size()).str();
      jsonMember = name.str();
      break;
    }
  }
  if (jsonMember.empty()) {
    llvm::StringRef first = entries.front().name;
    size_t slash = first.find('/');
    if (slash == llvm::StringRef::npos)
      return llvm::createStringError("not a torch.export archive: no root folder and no "
                                     "serialized_exported_program.json");
    root = first.take_front(slash + 1).str();
    jsonMember = root + "models/model.json";
    if (!zip->find(jsonMember))
      return llvm::createStringError(
          "not a torch.export archive: no " + jsonMember +
          (zip->find(root + "archive_format") ? "" : " and no archive_format record"));
    fileLayout = zip->find(root + "data/weights/model_weights_config.json") ||
                         !zip->find(root + "data/weights/model.pt")
                     ? Layout::Archive
                     : Layout::ArchivePickled;
  }

  llvm::StringRef jsonName = llvm::StringRef(jsonMember).drop_front(root.size());
  auto json = zip->read(jsonMember);
  if (!json)
    return json.takeError();
  auto program = parseExportedProgram(*json, jsonName);
  if (!program)
    return program.takeError();
  exported = std::move(*program);
  if (exported.schemaMajor > 9)
    return llvm::createStringError(
        llvm::formatv("{0}: schema version {1}.{2} is newer than Kiln reads (up to 9.x)", jsonName,
                      exported.schemaMajor, exported.schemaMinor));

  switch (fileLayout) {
  case Layout::Archive:
    if (llvm::Error e = loadPayloadConfig("data/weights/model_weights_config.json", false))
      return e;
    return loadPayloadConfig("data/constants/model_constants_config.json", true);
  case Layout::ArchivePickled:
    if (llvm::Error e = loadPickledTensors("data/weights/model.pt"))
      return e;
    return loadPickledTensors("data/constants/model.pt");
  case Layout::Legacy:
    // torch 2.1/2.2 named the torch.save archives .json; 2.3-2.7 .pt.
    for (llvm::StringRef member : {"serialized_state_dict.pt", "serialized_state_dict.json",
                                   "serialized_constants.pt", "serialized_constants.json"})
      if (llvm::Error e = loadPickledTensors(member))
        return e;
    return llvm::Error::success();
  }
  return llvm::Error::success();
}

llvm::Error Pt2Archive::loadPickledTensors(llvm::StringRef member) {
  const ZipArchive::Entry *entry = zip->find(root + member.str());
  if (!entry || entry->size == 0)
    return llvm::Error::success();
  auto bytes = zip->read(*entry);
  if (!bytes)
    return bytes.takeError();
  auto tensors = readTorchSaveTensors(*bytes);
  if (!tensors)
    return llvm::createStringError(member + ": " + llvm::toString(tensors.takeError()));
  for (auto &[name, tensor] : *tensors)
    pickled[name] = std::move(tensor);
  return llvm::Error::success();
}

llvm::Error Pt2Archive::loadPayloadConfig(llvm::StringRef member, bool constants) {
  const ZipArchive::Entry *entry = zip->find(root + member.str());
  if (!entry)
    return llvm::Error::success(); // a program without weights has no config
  auto text = zip->read(*entry);
  if (!text)
    return text.takeError();
  auto parsed = llvm::json::parse(*text);
  if (!parsed)
    return llvm::createStringError(member +
                                   ": not valid JSON: " + llvm::toString(parsed.takeError()));
  const llvm::json::Object *top = parsed->getAsObject();
  const llvm::json::Object *config = top ? top->getObject("config") : nullptr;
  if (!config)
    return llvm::createStringError(member + ": expected {\"config\": {...}}");
  for (const auto &kv : *config) {
    std::string path = "config." + kv.first.str();
    const llvm::json::Object *o = kv.second.getAsObject();
    if (!o)
      return llvm::createStringError(member + ": " + path + ": expected an object");
    PayloadMeta meta;
    meta.isConstant = constants;
    auto pathName = o->getString("path_name");
    if (!pathName)
      return llvm::createStringError(member + ": " + path + ": missing 'path_name'");
    meta.pathName = pathName->str();
    meta.isParam = o->getBoolean("is_param").value_or(false);
    meta.usePickle = o->getBoolean("use_pickle").value_or(false);
    if (const llvm::json::Value *tm = o->get("tensor_meta");
        tm && tm->kind() != llvm::json::Value::Null) {
      auto tensorMeta = parseTensorMeta(*tm, member, path + ".tensor_meta");
      if (!tensorMeta)
        return tensorMeta.takeError();
      meta.tensorMeta = std::move(*tensorMeta);
    }
    payloads[kv.first.str()] = std::move(meta);
  }
  return llvm::Error::success();
}

llvm::Expected<TensorData> materializeStrided(llvm::StringRef storage, const TensorMeta &meta) {
  TensorData t;
  t.dtype = meta.dtype;
  unsigned elementSize = scalarTypeSize(meta.dtype);
  if (elementSize == 0)
    return llvm::createStringError("unknown dtype " + scalarTypeName(meta.dtype));
  if (!meta.hasStaticShape())
    return llvm::createStringError("a stored tensor has a symbolic shape");
  size_t rank = meta.sizes.size();
  // Element count, refusing anything whose bytes would overflow 64 bits.
  uint64_t numel = 1;
  for (const SymIntValue &s : meta.sizes) {
    if (s.value < 0)
      return llvm::createStringError("negative size");
    t.shape.push_back(s.value);
    bool overflow = false;
    numel = llvm::SaturatingMultiply(numel, static_cast<uint64_t>(s.value), &overflow);
    if (overflow || numel > (uint64_t(1) << 62) / elementSize)
      return llvm::createStringError("tensor sizes overflow: the element count does not fit "
                                     "in 64 bits");
  }
  if (numel == 0)
    return t;
  if (storage.empty()) { // FakeTensor or data-less payload: zeros
    t.bytes.assign(numel * elementSize, '\0');
    return t;
  }
  if (storage.size() % elementSize != 0)
    return llvm::createStringError(
        llvm::formatv("storage of {0} bytes is not a whole number of {1}-byte elements",
                      storage.size(), elementSize));
  uint64_t storageElements = storage.size() / elementSize;

  llvm::SmallVector<int64_t> strides;
  if (meta.strides.empty()) { // contiguous
    strides.assign(rank, 1);
    for (size_t i = rank; i-- > 1;)
      strides[i - 1] = strides[i] * t.shape[i];
  } else {
    if (meta.strides.size() != rank)
      return llvm::createStringError(
          llvm::formatv("{0} strides for a rank-{1} tensor", meta.strides.size(), rank));
    for (const SymIntValue &s : meta.strides) {
      if (s.isSymbolic || s.value < 0)
        return llvm::createStringError("strides must be concrete and non-negative");
      strides.push_back(s.value);
    }
  }
  if (meta.storageOffset.isSymbolic || meta.storageOffset.value < 0)
    return llvm::createStringError("storage offset must be concrete and non-negative");
  // The last element read, with overflow checks: offset + sum((size-1)*stride).
  uint64_t last = static_cast<uint64_t>(meta.storageOffset.value);
  for (size_t i = 0; i < rank; ++i) {
    bool overflow = false;
    uint64_t span = llvm::SaturatingMultiply(static_cast<uint64_t>(t.shape[i] - 1),
                                             static_cast<uint64_t>(strides[i]), &overflow);
    last = llvm::SaturatingAdd(last, span, &overflow);
    if (overflow)
      return llvm::createStringError("strides overflow");
  }
  if (last >= storageElements)
    return llvm::createStringError(
        llvm::formatv("the tensor reads element {0} but its storage holds {1} elements ({2} bytes)",
                      last, storageElements, storage.size()));

  t.bytes.resize(numel * elementSize);
  bool contiguous = true;
  for (int64_t i = rank - 1, expected = 1; i >= 0; --i) {
    if (t.shape[i] != 1 && strides[i] != expected)
      contiguous = false;
    expected *= t.shape[i];
  }
  if (contiguous) {
    std::memcpy(t.bytes.data(), storage.data() + meta.storageOffset.value * elementSize,
                t.bytes.size());
    return t;
  }
  llvm::SmallVector<int64_t> index(rank, 0);
  for (uint64_t n = 0; n < numel; ++n) {
    uint64_t src = meta.storageOffset.value;
    for (size_t i = 0; i < rank; ++i)
      src += index[i] * strides[i];
    std::memcpy(&t.bytes[n * elementSize], storage.data() + src * elementSize, elementSize);
    for (size_t i = rank; i-- > 0;) {
      if (++index[i] < t.shape[i])
        break;
      index[i] = 0;
    }
  }
  return t;
}

llvm::Expected<TensorData> Pt2Archive::tensor(llvm::StringRef fqn) const {
  auto pickledIt = pickled.find(fqn);
  if (pickledIt != pickled.end())
    return pickledIt->second;
  auto it = payloads.find(fqn);
  if (it == payloads.end())
    return llvm::createStringError("no stored data for '" + fqn.str() + "'");
  const PayloadMeta &meta = it->second;
  llvm::StringRef dir = meta.isConstant ? "data/constants/" : "data/weights/";
  if (meta.usePickle)
    return llvm::createStringError("'" + fqn.str() +
                                   "' is a pickled tensor subclass, which Kiln does not read");
  if (!meta.tensorMeta)
    return llvm::createStringError("'" + fqn.str() + "' has no tensor_meta");
  auto bytes = zip->read(root + dir.str() + meta.pathName);
  if (!bytes)
    return llvm::createStringError("'" + fqn.str() + "': " + llvm::toString(bytes.takeError()));
  auto tensor = materializeStrided(*bytes, *meta.tensorMeta);
  if (!tensor)
    return llvm::createStringError(dir + meta.pathName + " ('" + fqn.str() +
                                   "'): " + llvm::toString(tensor.takeError()));
  return tensor;
}

} // namespace kiln
