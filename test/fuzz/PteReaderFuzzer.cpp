//===- PteReaderFuzzer.cpp - libFuzzer target: the .pte reader ------------===//
//
// Feeds arbitrary bytes to everything that reads a .pte file before MLIR is
// involved: the header and extended header, the flatbuffers verifier, the
// methods, every constant's and delegate's data through the segment and
// offset checks (PteFile), and XNNPACK delegate blobs (XnnpackBlob: their
// header, the XNNGraph verifier, every constant). Any crash, sanitizer report or leak is a bug;
// errors are expected.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/pte/PteFile.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  auto file =
      kiln::PteFile::open(llvm::MemoryBuffer::getMemBufferCopy(bytes, "fuzz.pte"), "fuzz.pte");
  if (!file) {
    llvm::consumeError(file.takeError());
    return 0;
  }
  for (const std::string &name : (*file)->methodNames()) {
    auto plan = (*file)->method(name);
    if (!plan) {
      llvm::consumeError(plan.takeError());
      continue;
    }
    if (const auto *values = (*plan)->values())
      for (const kiln::pte::EValue *value : *values) {
        const kiln::pte::Tensor *tensor = value ? value->val_as_Tensor() : nullptr;
        if (!tensor)
          continue;
        // The bytes the shape needs (4 per element), capped: the reader
        // checks them against the data it has.
        uint64_t bytes = 4;
        if (tensor->sizes())
          for (int32_t d : *tensor->sizes())
            bytes = d <= 0 ? 0 : std::min<uint64_t>(bytes * static_cast<uint64_t>(d), 1ull << 40);
        auto tensorData = (*file)->tensorData(*tensor, bytes);
        if (!tensorData)
          llvm::consumeError(tensorData.takeError());
      }
    if (const auto *delegates = (*plan)->delegates())
      for (const kiln::pte::BackendDelegate *delegate : *delegates) {
        auto blob = (*file)->delegateData(*delegate);
        if (!blob) {
          llvm::consumeError(blob.takeError());
          continue;
        }
        // An XNNPACK graph: its header, the verifier, every constant.
        auto graph = kiln::XnnpackBlob::parse(*blob, **file);
        if (!graph) {
          llvm::consumeError(graph.takeError());
          continue;
        }
        if (const auto *constants = graph->graph().constant_data())
          for (uint32_t k = 1; k < constants->size(); ++k) {
            auto data = graph->constant(k, 4);
            if (!data)
              llvm::consumeError(data.takeError());
          }
      }
  }
  return 0;
}
