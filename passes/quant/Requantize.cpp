//===- Requantize.cpp - fixed-point requantization ------------------------===//
#include "passes/quant/Requantize.h"

#include <cmath>
#include <limits>

namespace kiln {

FixedPointMultiplier quantizeMultiplier(double m) {
  if (!(m > 0) || !std::isfinite(m))
    return {};
  int exponent = 0;
  double q = std::frexp(m, &exponent);
  auto fixed = static_cast<int64_t>(std::round(q * double(int64_t(1) << 31)));
  if (fixed == (int64_t(1) << 31)) {
    fixed /= 2;
    ++exponent;
  }
  if (exponent < -31)
    return {};
  if (exponent > 30) {
    exponent = 30;
    fixed = (int64_t(1) << 31) - 1;
  }
  return {static_cast<int32_t>(fixed), exponent};
}

int32_t roundingDoublingHighMul(int32_t a, int32_t b) {
  if (a == b && a == std::numeric_limits<int32_t>::min())
    return std::numeric_limits<int32_t>::max();
  int64_t ab = int64_t(a) * int64_t(b);
  int64_t nudge = ab >= 0 ? (int64_t(1) << 30) : (1 - (int64_t(1) << 30));
  return static_cast<int32_t>((ab + nudge) / (int64_t(1) << 31));
}

int32_t roundingDivideByPowerOfTwo(int32_t x, int exponent) {
  int32_t mask = static_cast<int32_t>((int64_t(1) << exponent) - 1);
  int32_t remainder = x & mask;
  int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

int64_t requantizeDoubleRounding(int64_t x, FixedPointMultiplier m) {
  int left = m.shift > 0 ? m.shift : 0, right = m.shift > 0 ? 0 : -m.shift;
  int64_t ab = (x * (int64_t(1) << left)) * int64_t(m.multiplier);
  int64_t nudge = ab >= 0 ? (int64_t(1) << 30) : (1 - (int64_t(1) << 30));
  int64_t high = (ab + nudge) / (int64_t(1) << 31);
  int64_t mask = (int64_t(1) << right) - 1;
  int64_t remainder = high & mask;
  int64_t threshold = (mask >> 1) + (high < 0 ? 1 : 0);
  return (high >> right) + (remainder > threshold ? 1 : 0);
}

int64_t requantize(int64_t x, FixedPointMultiplier m) {
  int total = 31 - m.shift;
  int64_t prod = x * int64_t(m.multiplier);
  int64_t floor = prod >> total; // arithmetic: rounds toward minus infinity
  int64_t remainder = prod - floor * (int64_t(1) << total);
  int64_t half = int64_t(1) << (total - 1);
  bool up = remainder > half || (remainder == half && (floor & 1));
  return floor + (up ? 1 : 0);
}

int32_t biasRemainder(double b, FixedPointMultiplier m) {
  double fraction = b - std::nearbyint(b);
  return static_cast<int32_t>(std::nearbyint(fraction * m.multiplier));
}

int64_t requantizeWithRemainder(int64_t x, FixedPointMultiplier m, int32_t remainder) {
  int total = 31 - m.shift;
  int64_t sum = x * int64_t(m.multiplier) + remainder + (int64_t(1) << (total - 1));
  return sum >> total; // arithmetic: the floor
}

int64_t quantizeFloat(float v, double scale, int64_t zeroPoint, int64_t qmin, int64_t qmax) {
  float inv = static_cast<float>(1.0 / scale);
  float r = std::nearbyint(v * inv) + static_cast<float>(zeroPoint);
  r = std::fmax(r, static_cast<float>(qmin)); // fmax/fmin: NaN gives the bound
  r = std::fmin(r, static_cast<float>(qmax));
  return static_cast<int64_t>(r);
}

float dequantizeInt(int64_t q, double scale, int64_t zeroPoint) {
  return (static_cast<float>(q) - static_cast<float>(zeroPoint)) * static_cast<float>(scale);
}

} // namespace kiln
