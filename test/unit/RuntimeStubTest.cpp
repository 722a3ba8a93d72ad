//===- RuntimeStubTest.cpp - the runtime stub's helpers against the host --===//
//
// runtime_stub/kiln_runtime.c supplies, for targets without a C library, the
// helpers LLVM calls: 64-bit division (ARM, Hexagon), float <-> int64
// conversions (ARM), square root (Hexagon), float16 conversions (RISC-V,
// Hexagon). Built for the host under kiln_test_ names, each is compared here
// with the host's own instructions, exhaustively where the domain is small.
//
//===----------------------------------------------------------------------===//
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>

extern "C" {
void *kiln_test_memcpy(void *dst, const void *src, size_t n);
void *kiln_test_memset(void *dst, int value, size_t n);
float kiln_test___extendhfsf2(float half);
float kiln_test___truncsfhf2(float x);
uint64_t kiln_test___aeabi_f2ulz(float x);
int64_t kiln_test___aeabi_f2lz(float x);
float kiln_test___aeabi_ul2f(uint64_t n);
float kiln_test___aeabi_l2f(int64_t n);
uint64_t kiln_test___hexagon_udivdi3(uint64_t n, uint64_t d);
uint64_t kiln_test___hexagon_umoddi3(uint64_t n, uint64_t d);
int64_t kiln_test___hexagon_divdi3(int64_t n, int64_t d);
int64_t kiln_test___hexagon_moddi3(int64_t n, int64_t d);
uint32_t kiln_test___hexagon_udivsi3(uint32_t n, uint32_t d);
uint32_t kiln_test___hexagon_umodsi3(uint32_t n, uint32_t d);
int32_t kiln_test___hexagon_divsi3(int32_t n, int32_t d);
int32_t kiln_test___hexagon_modsi3(int32_t n, int32_t d);
float kiln_test___hexagon_sqrtf(float x);
}

namespace {

uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float floatOf(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// The same value, or both NaN.
bool sameFloat(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) || bitsOf(a) == bitsOf(b);
}

// float16 reference conversions by the host's _Float16 (F16C or libgcc, never the stub).
float halfToFloat(uint16_t h) {
  _Float16 v;
  std::memcpy(&v, &h, 2);
  return static_cast<float>(v);
}
uint16_t floatToHalf(float f) {
  _Float16 v = static_cast<_Float16>(f);
  uint16_t h;
  std::memcpy(&h, &v, 2);
  return h;
}

// Values that stress rounding and range edges, then random ones.
std::vector<uint32_t> floatPatterns(size_t randomCount) {
  std::vector<uint32_t> out = {0x00000000, 0x80000000, 0x00000001, 0x007fffff, 0x00800000,
                               0x3f800000, 0xbf800000, 0x7f7fffff, 0x7f800000, 0xff800000,
                               0x7fc00000, 0x33000000, 0x33000001, 0x38800000, 0x387fffff,
                               0x477fe000, 0x477fefff, 0x477ff000, 0x477ff001, 0x3f801000,
                               0x3f803000, 0x3f800fff, 0x5effffff, 0x5f000000, 0x4b7fffff};
  std::mt19937 rng(1234);
  for (size_t i = 0; i < randomCount; ++i)
    out.push_back(rng());
  return out;
}

} // namespace

TEST_CASE("stub float16 -> float32 is exact for every half", "[runtime-stub]") {
  size_t mismatches = 0;
  for (uint32_t h = 0; h < 65536; ++h) {
    float got = kiln_test___extendhfsf2(floatOf(h));
    if (!sameFloat(got, halfToFloat(static_cast<uint16_t>(h))))
      ++mismatches;
  }
  CHECK(mismatches == 0);
}

TEST_CASE("stub float32 -> float16 rounds to nearest even like the host", "[runtime-stub]") {
  size_t mismatches = 0;
  // Every half and the midpoints between neighbours (ties), then random floats.
  std::vector<uint32_t> patterns = floatPatterns(2000000);
  for (uint32_t h = 0; h < 0x7c00; ++h) {
    uint32_t f = bitsOf(halfToFloat(static_cast<uint16_t>(h)));
    uint32_t next = bitsOf(halfToFloat(static_cast<uint16_t>(h + 1)));
    patterns.push_back(f);
    patterns.push_back(bitsOf((floatOf(f) + floatOf(next)) * 0.5f));
    patterns.push_back(f | 0x80000000u);
  }
  for (uint32_t f : patterns) {
    uint32_t got = bitsOf(kiln_test___truncsfhf2(floatOf(f))) & 0xffff;
    uint16_t want = floatToHalf(floatOf(f));
    bool bothNaN = (got & 0x7fff) > 0x7c00 && (want & 0x7fff) > 0x7c00;
    if (got != want && !bothNaN) {
      if (mismatches < 5)
        WARN("float 0x" << std::hex << f << ": stub 0x" << got << ", host 0x" << want);
      ++mismatches;
    }
  }
  CHECK(mismatches == 0);
}

TEST_CASE("stub sqrtf is correctly rounded", "[runtime-stub]") {
  size_t mismatches = 0;
  std::vector<uint32_t> patterns = floatPatterns(4000000);
  // Every float in [1, 4): both exponent parities, all significands.
  for (uint32_t u = 0x3f800000; u < 0x40800000; u += 7)
    patterns.push_back(u);
  for (uint32_t u : patterns) {
    float x = floatOf(u);
    if (!sameFloat(kiln_test___hexagon_sqrtf(x), std::sqrt(x)))
      ++mismatches;
  }
  CHECK(mismatches == 0);
}

TEST_CASE("stub int64 <-> float conversions match the host", "[runtime-stub]") {
  std::mt19937_64 rng(99);
  size_t mismatches = 0;
  for (int i = 0; i < 2000000; ++i) {
    uint64_t u = rng() >> (rng() % 64);
    int64_t s = static_cast<int64_t>(rng()) >> (rng() % 64);
    if (!sameFloat(kiln_test___aeabi_ul2f(u), static_cast<float>(u)) ||
        !sameFloat(kiln_test___aeabi_l2f(s), static_cast<float>(s)))
      ++mismatches;
  }
  for (int64_t s : {int64_t(0), int64_t(1), int64_t(-1), INT64_MIN, INT64_MAX, int64_t(16777217),
                    int64_t(-16777219), int64_t(1) << 40})
    if (!sameFloat(kiln_test___aeabi_l2f(s), static_cast<float>(s)))
      ++mismatches;
  for (uint32_t u : floatPatterns(2000000)) {
    float x = floatOf(u);
    // Only where the conversion is defined: truncated value in range.
    if (std::isfinite(x) && std::fabs(x) < 9.2e18f &&
        kiln_test___aeabi_f2lz(x) != static_cast<int64_t>(x))
      ++mismatches;
    if (std::isfinite(x) && x > -1.0f && x < 1.8e19f &&
        kiln_test___aeabi_f2ulz(x) != static_cast<uint64_t>(x))
      ++mismatches;
  }
  CHECK(mismatches == 0);
}

TEST_CASE("stub 64- and 32-bit division matches the host", "[runtime-stub]") {
  std::mt19937_64 rng(7);
  size_t mismatches = 0;
  for (int i = 0; i < 300000; ++i) {
    uint64_t n = rng() >> (rng() % 64), d = rng() >> (rng() % 64);
    if (d == 0)
      d = 3;
    if (kiln_test___hexagon_udivdi3(n, d) != n / d || kiln_test___hexagon_umoddi3(n, d) != n % d)
      ++mismatches;
    int64_t sn = static_cast<int64_t>(n) * ((rng() & 1) ? -1 : 1);
    int64_t sd = static_cast<int64_t>(d) * ((rng() & 1) ? -1 : 1);
    if (sd == -1 && sn == INT64_MIN)
      continue;
    if (kiln_test___hexagon_divdi3(sn, sd) != sn / sd ||
        kiln_test___hexagon_moddi3(sn, sd) != sn % sd)
      ++mismatches;
    uint32_t n32 = static_cast<uint32_t>(n), d32 = static_cast<uint32_t>(d) | 1;
    int32_t s32 = static_cast<int32_t>(n32), t32 = static_cast<int32_t>(d32);
    if (kiln_test___hexagon_udivsi3(n32, d32) != n32 / d32 ||
        kiln_test___hexagon_umodsi3(n32, d32) != n32 % d32)
      ++mismatches;
    if (!(s32 == INT32_MIN && t32 == -1) && (kiln_test___hexagon_divsi3(s32, t32) != s32 / t32 ||
                                             kiln_test___hexagon_modsi3(s32, t32) != s32 % t32))
      ++mismatches;
  }
  CHECK(mismatches == 0);
}

TEST_CASE("stub memcpy and memset, aligned and not", "[runtime-stub]") {
  unsigned char src[64], dst[80], want[80];
  for (int i = 0; i < 64; ++i)
    src[i] = static_cast<unsigned char>(i * 7 + 1);
  for (size_t offset : {0, 1, 4}) {
    for (size_t n : {0, 1, 3, 4, 8, 13, 32, 64 - 4}) {
      std::memset(dst, 0xee, sizeof dst);
      std::memcpy(want, dst, sizeof dst);
      std::memcpy(want + offset, src + (offset & 1), n);
      REQUIRE(kiln_test_memcpy(dst + offset, src + (offset & 1), n) == dst + offset);
      CHECK(std::memcmp(dst, want, sizeof dst) == 0);
      std::memset(want + offset, 0x5a, n);
      REQUIRE(kiln_test_memset(dst + offset, 0x5a, n) == dst + offset);
      CHECK(std::memcmp(dst, want, sizeof dst) == 0);
    }
  }
}
