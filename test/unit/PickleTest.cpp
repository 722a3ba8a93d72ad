// The restricted torch.save pickle interpreter: what it accepts, and that it
// refuses everything else without crashing.
#include "compiler/import/pt2/Pickle.h"

#include "TestUtil.h"

#include <catch2/catch.hpp>

using namespace kiln;

namespace {

/// Bytes of a string literal, embedded NULs included.
template <size_t N> std::string B(const char (&literal)[N]) { return std::string(literal, N - 1); }

/// A pickle of {'w': Parameter(tensor of 2x3 floats in storage '0', strides
/// (1, 2), offset 1)} as torch.save protocol 2 writes it.
std::string weightPickle(const std::string &global = "collections\nOrderedDict\n") {
  std::string p = B("\x80\x02}q\x00(X\x01\x00\x00\x00w");                       // {  'w'
  p += "ctorch._utils\n_rebuild_parameter\n";                                 // param
  p += "ctorch._utils\n_rebuild_tensor_v2\n";                                 // tensor
  p += B("((X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x00") +
       B("0X\x03\x00\x00\x00" "cpuK\x08tQ");                                        // storage
  p += "K\x01K\x02K\x03\x86K\x01K\x02\x86\x89";                               // off, size, stride
  p += "c" + global + ")Rt";                                                  // hooks
  p += "R\x88" "c" + global + ")R\x87R";                                         // parameter
  p += "u.";                                                                  // SETITEMS STOP
  return p;
}

std::string errorOf(llvm::Expected<std::vector<std::pair<std::string, PickledTensor>>> r) {
  if (r)
    return "";
  return llvm::toString(r.takeError());
}

} // namespace

TEST_CASE("pickle: a torch.save state dict", "[pickle]") {
  auto r = readTensorDictPickle(weightPickle());
  REQUIRE_EXPECTED(r);
  REQUIRE(r->size() == 1);
  const PickledTensor &t = (*r)[0].second;
  CHECK((*r)[0].first == "w");
  CHECK(t.storageKey == "0");
  CHECK(t.dtype == ScalarType::Float);
  CHECK(t.storageNumel == 8);
  CHECK(t.meta.staticSizes() == llvm::SmallVector<int64_t>{2, 3});
  CHECK(t.meta.strides[1].value == 2);
  CHECK(t.meta.storageOffset.value == 1);
}

TEST_CASE("pickle: forbidden globals are refused by name", "[pickle]") {
  std::string message = errorOf(readTensorDictPickle(weightPickle("os\nsystem\n")));
  CHECK(message.find("forbidden GLOBAL 'os.system'") != std::string::npos);
  message = errorOf(readTensorDictPickle("\x80\x02" "cbuiltins\neval\n" "."));
  CHECK(message.find("forbidden GLOBAL 'builtins.eval'") != std::string::npos);
}

TEST_CASE("pickle: malformed pickles are errors, not crashes", "[pickle]") {
  std::string good = weightPickle();
  for (size_t cut = 0; cut < good.size(); ++cut)
    CHECK(!errorOf(readTensorDictPickle(good.substr(0, cut))).empty());
  CHECK(errorOf(readTensorDictPickle("\x80\x02\xff.")).find("unsupported pickle opcode 0xff") !=
        std::string::npos);
  CHECK(errorOf(readTensorDictPickle("\x80\x02h\x05.")).find("never stored") !=
        std::string::npos);
  CHECK(errorOf(readTensorDictPickle("\x80\x02K\x01.")).find("not a dict") !=
        std::string::npos);
  CHECK(errorOf(readTensorDictPickle("\x80\x02t.")).find("no MARK") != std::string::npos);
}

TEST_CASE("pickle: deep and cyclic structures do not exhaust the stack", "[pickle]") {
  // A million nested 1-tuples inside a dict entry.
  std::string deep = B("\x80\x02}X\x01\x00\x00\x00kN");
  deep += std::string(1000000, '\x85');
  deep += "s.";
  CHECK(errorOf(readTensorDictPickle(deep)).empty());
  // A list appended to itself.
  std::string cyclic = B("\x80\x02}X\x01\x00\x00\x00k]q\x00h\x00" "as.");
  CHECK(errorOf(readTensorDictPickle(cyclic)).empty());
}
