//===- Pickle.h - the part of Python's pickle that torch.save uses -*- C++ -*-===//
//
// A pickle interpreter limited to what `torch.save` writes for a dict of
// tensors (FORMATS.md §2.2). It accepts a fixed list of opcodes and of
// GLOBALs (`torch._utils._rebuild_tensor_v2`, `_rebuild_parameter`, the
// `torch.<Dtype>Storage` classes, `collections.OrderedDict`) and refuses
// everything else: it never constructs an arbitrary object and never calls
// anything but the rebuild functions it models.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_IMPORT_PT2_PICKLE_H
#define KILN_COMPILER_IMPORT_PT2_PICKLE_H

#include "compiler/import/pt2/ExportedProgram.h"
#include "compiler/import/pt2/Pt2Archive.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <utility>
#include <vector>

namespace kiln {

/// A tensor as a pickle describes it: a view of a storage record.
struct PickledTensor {
  std::string storageKey;  // the record data/<key> of the torch.save archive
  ScalarType dtype = ScalarType::Unknown;
  uint64_t storageNumel = 0; // elements of the storage, from the persistent id
  TensorMeta meta;         // sizes, strides, storage offset (elements)
};

/// Interprets a torch.save pickle whose top-level object is a dict (or
/// OrderedDict) from names to tensors or parameters. Entries whose value is
/// not a tensor are skipped. Errors name the byte offset and what was wrong.
llvm::Expected<std::vector<std::pair<std::string, PickledTensor>>>
readTensorDictPickle(llvm::StringRef pickle);

/// Reads a whole torch.save zip container (`<root>/data.pkl`, `<root>/data/<key>`)
/// holding a dict of tensors and materializes every tensor contiguously.
llvm::Expected<std::vector<std::pair<std::string, TensorData>>>
readTorchSaveTensors(llvm::StringRef zipBytes);

} // namespace kiln

#endif // KILN_COMPILER_IMPORT_PT2_PICKLE_H
