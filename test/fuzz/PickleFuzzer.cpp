//===- PickleFuzzer.cpp - libFuzzer target: the torch.save pickle reader --===//
//
// Arbitrary bytes as a torch.save pickle (and, when they look like a zip, as
// a whole torch.save container). The interpreter must refuse every opcode
// and GLOBAL outside its list, never read out of bounds, and never build
// anything but dicts, tuples and tensor descriptions.
//
//===----------------------------------------------------------------------===//
#include "compiler/import/pt2/Pickle.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  auto tensors = kiln::readTensorDictPickle(bytes);
  if (!tensors)
    llvm::consumeError(tensors.takeError());
  if (bytes.starts_with("PK")) {
    auto saved = kiln::readTorchSaveTensors(bytes);
    if (!saved)
      llvm::consumeError(saved.takeError());
  }
  return 0;
}
