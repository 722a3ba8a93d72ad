//===- Requantize.h - fixed-point requantization ----------------*- C++ -*-===//
//
// How an int32 accumulator in scale `s_acc` becomes an int8 value in scale
// `s_out`: multiply by m = s_acc / s_out, represented as TFLite does it, a
// Q31 multiplier and a power-of-two shift (m = multiplier * 2^(shift - 31)).
// Plain C++ (no MLIR): the quantization passes compute the parameters with
// it, the unit tests check the arithmetic the lowering emits against
// `requantize` here, and docs/quantization.md describes both.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_PASSES_QUANT_REQUANTIZE_H
#define KILN_PASSES_QUANT_REQUANTIZE_H

#include <cstdint>

namespace kiln {

struct FixedPointMultiplier {
  int32_t multiplier = 0; // Q31, in [2^30, 2^31) unless m is 0
  int32_t shift = 0;      // m = multiplier * 2^(shift - 31)
};

/// TFLite's QuantizeMultiplier: frexp(m) = q * 2^shift with q in [0.5, 1),
/// multiplier = round(q * 2^31) (half away from zero; a result of 2^31 is
/// halved and the shift increased). m <= 0, or m below 2^-31 (shift < -31),
/// gives {0, 0}; a shift above 30 is clamped to 30 (m is then too large for
/// int8 requantization to mean anything).
FixedPointMultiplier quantizeMultiplier(double m);

/// TFLite's SaturatingRoundingDoublingHighMul: the high 32 bits of 2 * a * b,
/// rounded with a nudge of +-2^30 and a truncating division (a tie rounds
/// up: 1.5 -> 2, -1.5 -> -1); INT32_MIN * INT32_MIN saturates.
int32_t roundingDoublingHighMul(int32_t a, int32_t b);

/// TFLite's RoundingDivideByPOT: x / 2^exponent rounded half away from zero.
int32_t roundingDivideByPowerOfTwo(int32_t x, int exponent);

/// TFLite's MultiplyByQuantizedMultiplier (its default, double rounding):
/// the rounding doubling high multiply, then a rounding right shift by
/// -shift (a left shift first when shift is positive). Kept as the reference
/// for CMSIS-NN-style kernels; Kiln's generated code uses `requantize`.
int64_t requantizeDoubleRounding(int64_t x, FixedPointMultiplier m);

/// What kiln.qmatmul computes (no bias): x * multiplier / 2^(31 - shift)
/// exactly in 64 bits (|x| < 2^31), rounded once, half to even, as PyTorch
/// rounds `y * (1 / scale)`. One rounding instead of TFLite's two removes the
/// off-by-one results within 2^-(right+1) of a tie (docs/quantization.md).
/// The convolutions and linear layers add their bias's remainder first
/// (requantizeWithRemainder).
int64_t requantize(int64_t x, FixedPointMultiplier m);

/// The fraction of a convolution's or linear layer's bias that its int32
/// bias round_half_even(b) leaves out, in the requantization's product
/// units: round((b - round_half_even(b)) * multiplier), |result| <= 2^30
/// (b is the bias in the accumulator's scale, b_float / (s_x * s_w)).
int32_t biasRemainder(double b, FixedPointMultiplier m);

/// What kiln.qconv2d and kiln.qlinear compute (their kernels and loops):
/// (x * multiplier + remainder) / 2^(31 - shift) rounded half up, exactly in
/// 64 bits. With x the accumulator and its int32 bias, and the remainder of
/// biasRemainder, this is (acc + b) * m with the real-valued bias, rounded
/// once: the int32 bias alone would be up to half an accumulator unit off,
/// which moves ~0.05% of a convolution's outputs by a step.
int64_t requantizeWithRemainder(int64_t x, FixedPointMultiplier m, int32_t remainder);

/// PyTorch's per-tensor quantization of one float32 value:
/// clamp(round_half_even(v * float32(1 / scale)) + zero_point, qmin, qmax),
/// in float32 (quantized_decomposed.quantize_per_tensor).
int64_t quantizeFloat(float v, double scale, int64_t zeroPoint, int64_t qmin, int64_t qmax);

/// PyTorch's per-tensor dequantization of one value:
/// (float32(q) - float32(zero_point)) * float32(scale).
float dequantizeInt(int64_t q, double scale, int64_t zeroPoint);

} // namespace kiln

#endif // KILN_PASSES_QUANT_REQUANTIZE_H
