// Rebuilding tensors from their storage as torch.as_strided does.
#include "compiler/import/pt2/Pt2Archive.h"

#include "TestUtil.h"

#include <catch2/catch.hpp>

#include <cstring>

using namespace kiln;

namespace {

TensorMeta meta(std::vector<int64_t> sizes, std::vector<int64_t> strides, int64_t offset,
                ScalarType dtype = ScalarType::Float) {
  TensorMeta m;
  m.dtype = dtype;
  for (int64_t s : sizes)
    m.sizes.push_back({false, s, "", std::nullopt});
  for (int64_t s : strides)
    m.strides.push_back({false, s, "", std::nullopt});
  m.storageOffset.value = offset;
  return m;
}

std::string floats(std::vector<float> values) {
  std::string s(values.size() * 4, '\0');
  std::memcpy(s.data(), values.data(), s.size());
  return s;
}

std::vector<float> asFloats(const std::string &bytes) {
  std::vector<float> v(bytes.size() / 4);
  std::memcpy(v.data(), bytes.data(), bytes.size());
  return v;
}

} // namespace

TEST_CASE("strided: a contiguous tensor is the storage", "[weights]") {
  auto t = materializeStrided(floats({1, 2, 3, 4, 5, 6}), meta({2, 3}, {3, 1}, 0));
  REQUIRE_EXPECTED(t);
  CHECK(asFloats(t->bytes) == std::vector<float>{1, 2, 3, 4, 5, 6});
  CHECK(t->shape == llvm::SmallVector<int64_t>{2, 3});
}

TEST_CASE("strided: storage offset and shared storage", "[weights]") {
  // Two tensors over one storage, as a state dict with tied views writes them.
  std::string storage = floats({0, 1, 2, 3, 4, 5, 6, 7});
  auto head = materializeStrided(storage, meta({3}, {1}, 0));
  auto tail = materializeStrided(storage, meta({2, 2}, {2, 1}, 4));
  REQUIRE_EXPECTED(head);
  REQUIRE_EXPECTED(tail);
  CHECK(asFloats(head->bytes) == std::vector<float>{0, 1, 2});
  CHECK(asFloats(tail->bytes) == std::vector<float>{4, 5, 6, 7});
}

TEST_CASE("strided: a transposed view is made contiguous", "[weights]") {
  // storage is a 2x3 matrix; the tensor is its transpose, 3x2 with strides (1, 3).
  auto t = materializeStrided(floats({1, 2, 3, 4, 5, 6}), meta({3, 2}, {1, 3}, 0));
  REQUIRE_EXPECTED(t);
  CHECK(asFloats(t->bytes) == std::vector<float>{1, 4, 2, 5, 3, 6});
}

TEST_CASE("strided: an empty storage means zeros (FakeTensor payload)", "[weights]") {
  auto t = materializeStrided("", meta({2, 2}, {2, 1}, 0));
  REQUIRE_EXPECTED(t);
  CHECK(asFloats(t->bytes) == std::vector<float>{0, 0, 0, 0});
}

TEST_CASE("strided: reading past the storage is an error", "[weights]") {
  auto t = materializeStrided(floats({1, 2, 3}), meta({2, 2}, {2, 1}, 0));
  REQUIRE(!t);
  CHECK(llvm::toString(t.takeError()).find("storage holds 3 elements") != std::string::npos);
}

TEST_CASE("strided: sizes whose product overflows are refused", "[weights]") {
  auto t = materializeStrided(floats({1}), meta({int64_t(1) << 40, int64_t(1) << 40}, {}, 0));
  REQUIRE(!t);
  CHECK(llvm::toString(t.takeError()).find("overflow") != std::string::npos);
}

TEST_CASE("strided: a storage that is not whole elements is refused", "[weights]") {
  auto t = materializeStrided(std::string(7, '\0'), meta({1}, {1}, 0));
  REQUIRE(!t);
  CHECK(llvm::toString(t.takeError()).find("whole number") != std::string::npos);
}
