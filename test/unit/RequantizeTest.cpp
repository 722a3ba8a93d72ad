//===- RequantizeTest.cpp - fixed-point requantization --------------------===//
#include "passes/quant/Requantize.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <random>

using namespace kiln;

TEST_CASE("multipliers are Q31 mantissas with a power-of-two shift", "[quant]") {
  CHECK(quantizeMultiplier(0.5).multiplier == (1 << 30));
  CHECK(quantizeMultiplier(0.5).shift == 0);
  CHECK(quantizeMultiplier(0.25).multiplier == (1 << 30));
  CHECK(quantizeMultiplier(0.25).shift == -1);
  CHECK(quantizeMultiplier(1.0).shift == 1);
  // 0.75 * 2^31 exactly; a mantissa that rounds up to 2^31 moves to the next
  // power of two.
  CHECK(quantizeMultiplier(0.75).multiplier == 1610612736);
  FixedPointMultiplier almostOne = quantizeMultiplier(1.0 - 1e-12);
  CHECK(almostOne.multiplier == (1 << 30));
  CHECK(almostOne.shift == 1);
  CHECK(quantizeMultiplier(0.0).multiplier == 0);
  CHECK(quantizeMultiplier(-1.0).multiplier == 0);
  CHECK(quantizeMultiplier(1e-12).multiplier == 0); // below 2^-31
}

TEST_CASE("TFLite's rounding primitives round half away from zero", "[quant]") {
  CHECK(roundingDivideByPowerOfTwo(5, 1) == 3);
  CHECK(roundingDivideByPowerOfTwo(-5, 1) == -3);
  CHECK(roundingDivideByPowerOfTwo(4, 1) == 2);
  CHECK(roundingDivideByPowerOfTwo(-6, 2) == -2); // -1.5 -> -2
  CHECK(roundingDivideByPowerOfTwo(7, 0) == 7);
  CHECK(roundingDoublingHighMul(INT32_MIN, INT32_MIN) == INT32_MAX);
  CHECK(roundingDoublingHighMul(1 << 30, 1 << 30) == (1 << 29));
  // 3 * 0.5 = 1.5 -> 2 and -3 * 0.5 -> -2.
  CHECK(requantize(3, quantizeMultiplier(0.5)) == 2);
  CHECK(requantize(-3, quantizeMultiplier(0.5)) == -2);
}

TEST_CASE("requantize is x * m rounded to nearest", "[quant]") {
  std::mt19937 gen(12345);
  std::uniform_int_distribution<int32_t> acc(-(1 << 22), 1 << 22);
  std::uniform_real_distribution<double> logm(std::log(1e-6), std::log(0.99));
  int checked = 0;
  for (int i = 0; i < 20000; ++i) {
    double m = std::exp(logm(gen));
    int32_t x = acc(gen);
    FixedPointMultiplier f = quantizeMultiplier(m);
    // The Q31 multiplier itself: within 2^-31 relative of m.
    double represented = std::ldexp(double(f.multiplier), f.shift - 31);
    REQUIRE(std::fabs(represented - m) <= m * std::ldexp(1.0, -30));
    double exact = double(x) * represented;
    // Two roundings: the high multiply's (half a unit of 2^-right in the
    // result) and the shift's. So the result is within 1/2 + 2^-(right+1) of
    // x * m, and the nearest integer wherever x * m is farther than that from
    // a tie.
    int right = f.shift > 0 ? 0 : -f.shift;
    double slack = std::ldexp(0.5, -right) + 1e-9;
    int64_t got = requantize(x, f);
    REQUIRE(std::fabs(double(got) - exact) <= 0.5 + slack);
    if (std::fabs(std::fabs(exact - std::trunc(exact)) - 0.5) <= slack)
      continue;
    ++checked;
    REQUIRE(got == static_cast<int64_t>(std::llround(exact)));
  }
  CHECK(checked > 15000);
}
