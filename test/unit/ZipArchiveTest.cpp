// The zip layer: stored and deflate entries, CRC checks, truncation, limits.
#include "compiler/import/pt2/ZipArchive.h"

#include "TestUtil.h"

#include <catch2/catch.hpp>
#include <zip.h>

#include <string>
#include <vector>

using kiln::ZipArchive;

namespace {

struct Member {
  std::string name;
  std::string data;
  bool deflate = false;
};

/// Writes a zip archive in memory with libzip itself.
std::string makeZip(const std::vector<Member> &members) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t *out = zip_source_buffer_create(nullptr, 0, 0, &error);
  REQUIRE(out);
  zip_source_keep(out);
  zip_t *za = zip_open_from_source(out, ZIP_TRUNCATE, &error);
  REQUIRE(za);
  for (const Member &m : members) {
    zip_source_t *src = zip_source_buffer(za, m.data.data(), m.data.size(), 0);
    REQUIRE(src);
    zip_int64_t index = zip_file_add(za, m.name.c_str(), src, ZIP_FL_ENC_UTF_8);
    REQUIRE(index >= 0);
    REQUIRE(zip_set_file_compression(za, index, m.deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0) ==
            0);
  }
  REQUIRE(zip_close(za) == 0);
  REQUIRE(zip_source_open(out) == 0);
  REQUIRE(zip_source_seek(out, 0, SEEK_END) == 0);
  zip_int64_t size = zip_source_tell(out);
  REQUIRE(zip_source_seek(out, 0, SEEK_SET) == 0);
  std::string bytes(static_cast<size_t>(size), '\0');
  REQUIRE(zip_source_read(out, bytes.data(), bytes.size()) == size);
  zip_source_close(out);
  zip_source_free(out);
  return bytes;
}

std::string errorText(llvm::Error e) { return llvm::toString(std::move(e)); }

} // namespace

TEST_CASE("zip: stored and deflate entries read back byte for byte", "[zip]") {
  std::string big(100000, 'k');
  for (size_t i = 0; i < big.size(); i += 7)
    big[i] = static_cast<char>(i);
  std::string bytes = makeZip({{"model/a.json", "{\"x\": 1}", false},
                               {"model/data/weights/weight_0", big, true}});
  auto za = ZipArchive::openFromMemory(bytes);
  REQUIRE_EXPECTED(za);
  REQUIRE((*za)->entries().size() == 2);
  CHECK((*za)->entries()[0].name == "model/a.json");
  CHECK((*za)->entries()[1].method == ZIP_CM_DEFLATE);
  auto a = (*za)->read("model/a.json");
  REQUIRE_EXPECTED(a);
  CHECK(*a == "{\"x\": 1}");
  auto w = (*za)->read("model/data/weights/weight_0");
  REQUIRE_EXPECTED(w);
  CHECK(*w == big);
}

TEST_CASE("zip: a missing entry is an error naming it", "[zip]") {
  auto za = ZipArchive::openFromMemory(makeZip({{"a", "1"}}));
  REQUIRE_EXPECTED(za);
  auto r = (*za)->read("b");
  REQUIRE(!r);
  CHECK(errorText(r.takeError()).find("'b'") != std::string::npos);
}

TEST_CASE("zip: bytes that are not a zip are refused", "[zip]") {
  auto za = ZipArchive::openFromMemory("this is not a zip archive at all");
  REQUIRE(!za);
  CHECK(errorText(za.takeError()).find("zip") != std::string::npos);
}

TEST_CASE("zip: a corrupted stored entry fails its CRC check", "[zip]") {
  std::string payload = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string bytes = makeZip({{"m/x", payload}});
  size_t at = bytes.find(payload);
  REQUIRE(at != std::string::npos);
  bytes[at + 3] ^= 0x55;
  auto za = ZipArchive::openFromMemory(bytes);
  REQUIRE_EXPECTED(za);
  auto r = (*za)->read("m/x");
  REQUIRE(!r);
  CHECK(errorText(r.takeError()).find("CRC") != std::string::npos);
}

TEST_CASE("zip: a truncated archive is refused", "[zip]") {
  std::string bytes = makeZip({{"m/x", std::string(1000, 'x')}});
  auto za = ZipArchive::openFromMemory(bytes.substr(0, bytes.size() / 2));
  CHECK(!za);
  if (!za)
    llvm::consumeError(za.takeError());
}

TEST_CASE("zip: entries over the size limit are refused before reading", "[zip]") {
  auto za = ZipArchive::openFromMemory(makeZip({{"m/x", std::string(4096, 'x'), true}}),
                                       /*maxEntryBytes=*/1024);
  REQUIRE_EXPECTED(za);
  auto r = (*za)->read("m/x");
  REQUIRE(!r);
  CHECK(errorText(r.takeError()).find("limit") != std::string::npos);
}
