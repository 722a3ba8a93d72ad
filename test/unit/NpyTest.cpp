// .npy reading and writing.
#include "compiler/support/Npy.h"
#include "kiln/runtime.h"

#include <catch2/catch.hpp>

#include <cstring>

using namespace kiln;

TEST_CASE("npy: round trip keeps dtype, shape and bytes", "[npy]") {
  NpyArray a;
  a.dtype = KILN_DTYPE_FLOAT32;
  a.shape = {2, 3};
  float values[6] = {1, -2, 3.5f, 0, 1e-8f, -7};
  a.data.assign(reinterpret_cast<char *>(values), reinterpret_cast<char *>(values) + 24);
  std::string bytes = serializeNpy(a);
  CHECK((bytes.size() - a.data.size()) % 64 == 0); // data 64-byte aligned
  NpyArray b;
  std::string error;
  REQUIRE(parseNpy(bytes, b, error));
  CHECK(b.dtype == a.dtype);
  CHECK(b.shape == a.shape);
  CHECK(b.data == a.data);
}

TEST_CASE("npy: one-element and zero-rank shapes", "[npy]") {
  for (std::vector<int64_t> shape : {std::vector<int64_t>{5}, std::vector<int64_t>{}}) {
    NpyArray a;
    a.dtype = KILN_DTYPE_INT64;
    a.shape = shape;
    a.data.assign(a.numElements() * 8, '\x01');
    NpyArray b;
    std::string error;
    REQUIRE(parseNpy(serializeNpy(a), b, error));
    CHECK(b.shape == shape);
  }
}

TEST_CASE("npy: NumPy's own header is understood", "[npy]") {
  // What numpy.save writes for np.zeros((2, 2), np.float32).
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(header.size()) +
                      '\0' + header + std::string(16, '\0');
  NpyArray a;
  std::string error;
  REQUIRE(parseNpy(bytes, a, error));
  CHECK(a.dtype == KILN_DTYPE_FLOAT32);
  CHECK(a.shape == std::vector<int64_t>{2, 2});
}

TEST_CASE("npy: malformed files are refused with a reason", "[npy]") {
  NpyArray a;
  std::string error;
  CHECK(!parseNpy("not numpy", a, error));
  CHECK(error.find("magic") != std::string::npos);

  NpyArray f;
  f.dtype = KILN_DTYPE_FLOAT32;
  f.shape = {4};
  f.data.assign(16, '\0');
  std::string bytes = serializeNpy(f);
  CHECK(!parseNpy(bytes.substr(0, bytes.size() - 4), a, error));
  CHECK(error.find("bytes") != std::string::npos);

  std::string big = bytes;
  big.replace(big.find("<f4"), 3, ">f4");
  CHECK(!parseNpy(big, a, error));
  CHECK(error.find("big-endian") != std::string::npos);
}
