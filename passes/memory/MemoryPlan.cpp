//===- MemoryPlan.cpp - a model's static memory plan ----------------------===//
#include "passes/memory/MemoryPlan.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>

namespace kiln {

int64_t MemoryPlan::bankOffset(size_t k) const {
  int64_t offset = 0;
  for (size_t i = 0; i < k && i < banks.size(); ++i)
    offset = llvm::alignTo(offset, banks[i].align) + banks[i].size;
  return k < banks.size() ? llvm::alignTo(offset, banks[k].align) : offset;
}

int64_t MemoryPlan::arenaSize() const {
  return banks.empty() ? 0 : bankOffset(banks.size() - 1) + banks.back().size;
}

int64_t MemoryPlan::arenaAlign() const {
  int64_t align = 1;
  for (const PlannedBank &bank : banks)
    align = std::max(align, bank.align);
  return align;
}

bool MemoryPlan::banked() const {
  return banks.size() > 1 || (banks.size() == 1 && banks.front().capacity.has_value());
}

bool MemoryPlan::ioInArena() const {
  return llvm::any_of(buffers,
                      [](const PlannedBuffer &b) { return b.io != PlannedBuffer::Temporary; });
}

const PlannedBuffer *MemoryPlan::ioBuffer(PlannedBuffer::Kind io, int64_t index) const {
  for (const PlannedBuffer &b : buffers)
    if (b.io == io && b.ioIndex == index)
      return &b;
  return nullptr;
}

std::string MemoryPlan::bankName(const PlannedBuffer &buffer) const {
  return buffer.bank >= 0 && buffer.bank < static_cast<int>(banks.size()) ? banks[buffer.bank].name
                                                                          : "";
}

/// "64K" -> 65536; std::nullopt for anything but a positive number with an
/// optional K/M/G suffix.
static std::optional<int64_t> parseBytes(llvm::StringRef text) {
  int64_t scale = 1;
  if (text.ends_with_insensitive("k"))
    scale = 1 << 10;
  else if (text.ends_with_insensitive("m"))
    scale = 1 << 20;
  else if (text.ends_with_insensitive("g"))
    scale = 1 << 30;
  if (scale != 1)
    text = text.drop_back();
  uint64_t value;
  if (text.empty() || text.getAsInteger(10, value) || value == 0 ||
      value > static_cast<uint64_t>(INT64_MAX / scale))
    return std::nullopt;
  return static_cast<int64_t>(value) * scale;
}

llvm::Expected<std::vector<MemoryBank>> parseBankSpecs(llvm::ArrayRef<std::string> specs) {
  std::vector<MemoryBank> banks;
  for (const std::string &spec : specs) {
    llvm::SmallVector<llvm::StringRef> parts;
    llvm::StringRef(spec).split(parts, ':');
    auto bad = [&](const llvm::Twine &why) {
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "memory bank '" + spec + "': " + why +
                                         " (expected NAME:SIZE[:ALIGN], e.g. dtcm:64K)");
    };
    if (parts.size() < 2 || parts.size() > 3)
      return bad("wrong number of fields");
    MemoryBank bank;
    bank.name = parts[0].str();
    if (bank.name.empty() || llvm::isDigit(bank.name[0]) ||
        !llvm::all_of(bank.name, [](char c) { return llvm::isAlnum(c) || c == '_'; }))
      return bad("the name must be a C identifier");
    for (const MemoryBank &other : banks)
      if (other.name == bank.name)
        return bad("the name is used twice");
    auto size = parseBytes(parts[1]);
    if (!size)
      return bad("the size must be a positive number of bytes (K, M, G suffixes allowed)");
    bank.capacity = *size;
    bank.align = 1;
    if (parts.size() == 3) {
      auto align = parseBytes(parts[2]);
      if (!align || !llvm::isPowerOf2_64(*align))
        return bad("the alignment must be a power of two");
      bank.align = *align;
    }
    banks.push_back(bank);
  }
  return banks;
}

} // namespace kiln
