// RUN: kiln-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(kiln-select-micro-kernels{qmr=2 qnr=4 qfours=1}))' \
// RUN:   | FileCheck %s --check-prefix=FOURS
// RUN: kiln-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(kiln-select-micro-kernels{qmr=2 qnr=4}))' \
// RUN:   | FileCheck %s --check-prefix=FLAT

// qfours (kiln_kernels.h): a conv with C % 4 == 0 has its k in channel
// fours, a word being channels 0..3 of one tap. Here C = 4, taps (0, 0) and
// (0, 1), w[0][c][0][t] = 2c + t + 1 and w[1] = -w[0]: word 0 is tap 0 of
// the four channels (1, 3, 5, 7), word 1 tap 1 (2, 4, 6, 8); filter 1's words
// follow filter 0's in each ([1][K4 = 2][qmr = 2] words). Without qfours, k =
// c * taps + t: (1, 2, 3, 4), (5, 6, 7, 8). The bias folds the same sums.
// FOURS-LABEL: func.func @fours
// FOURS: kiln.micro_kernel "qconv2d"
// FOURS: qweight_packed: "0x0800000001030507FFFDFBF902040608FEFCFAF8"
// FLAT-LABEL: func.func @fours
// FLAT: kiln.micro_kernel "qconv2d"
// FLAT: qweight_packed: "0x0800000001020304FFFEFDFC05060708FBFAF9F8"
func.func @fours(%x: tensor<1x4x2x3xi8>) -> tensor<1x2x2x2xi8> {
  %w = arith.constant dense<[[[[1, 2]], [[3, 4]], [[5, 6]], [[7, 8]]], [[[-1, -2]], [[-3, -4]], [[-5, -6]], [[-7, -8]]]]> : tensor<2x4x1x2xi8>
  %b = arith.constant dense<[10, 20]> : tensor<2xi32>
  %y = kiln.qconv2d %x, %w, %b {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64, input_zero_point = 0 : i64, output_zero_point = 0 : i64, multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: -4, -4>, output_min = -128 : i64, output_max = 127 : i64} : (tensor<1x4x2x3xi8>, tensor<2x4x1x2xi8>, tensor<2xi32>) -> tensor<1x2x2x2xi8>
  return %y : tensor<1x2x2x2xi8>
}

// -----

// C % 4 != 0 keeps k = c * taps + t under qfours too (two channels, one
// tap: the word (1, 2, 0, 0), and a zero word for the padding filter).
// FOURS-LABEL: func.func @not_fours
// FOURS: qweight_packed: "0x080000000102000000000000"
// FLAT-LABEL: func.func @not_fours
// FLAT: qweight_packed: "0x080000000102000000000000"
func.func @not_fours(%x: tensor<1x2x2x2xi8>) -> tensor<1x1x2x2xi8> {
  %w = arith.constant dense<[[[[1]], [[2]]]]> : tensor<1x2x1x1xi8>
  %b = arith.constant dense<[0]> : tensor<1xi32>
  %y = kiln.qconv2d %x, %w, %b {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64, input_zero_point = 0 : i64, output_zero_point = 0 : i64, multiplier = array<i32: 1073741824>, shift = array<i32: -4>, output_min = -128 : i64, output_max = 127 : i64} : (tensor<1x2x2x2xi8>, tensor<1x2x1x1xi8>, tensor<1xi32>) -> tensor<1x1x2x2xi8>
  return %y : tensor<1x1x2x2xi8>
}

// -----

// C = 3 under qfours: padded to four channels (3 * 4 <= 4 * 3) with a zero
// weight, one tap: the word (1, 2, 3, 0), K4 = 1, then the padding filter's
// zero word. Without qfours K = 3: the same word, as k = c.
// FOURS-LABEL: func.func @three
// FOURS: qweight_packed: "0x080000000102030000000000"
// FLAT-LABEL: func.func @three
// FLAT: qweight_packed: "0x080000000102030000000000"
func.func @three(%x: tensor<1x3x2x2xi8>) -> tensor<1x1x2x2xi8> {
  %w = arith.constant dense<[[[[1]], [[2]], [[3]]]]> : tensor<1x3x1x1xi8>
  %b = arith.constant dense<[10]> : tensor<1xi32>
  %y = kiln.qconv2d %x, %w, %b {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64, input_zero_point = 0 : i64, output_zero_point = 0 : i64, multiplier = array<i32: 1073741824>, shift = array<i32: -4>, output_min = -128 : i64, output_max = 127 : i64} : (tensor<1x3x2x2xi8>, tensor<1x3x1x1xi8>, tensor<1xi32>) -> tensor<1x1x2x2xi8>
  return %y : tensor<1x1x2x2xi8>
}

// -----

// C = 3 with two taps: fours gives (c0, c1, c2, 0) per tap, tap 0 (1, 3, 5,
// 0) then tap 1 (2, 4, 6, 0); flat gives k = c * 2 + t: (1, 2, 3, 4) and
// (5, 6, 0, 0). Each word is followed by the padding filter's zero word.
// FOURS-LABEL: func.func @three_taps
// FOURS: qweight_packed: "0x0800000001030500000000000204060000000000"
// FLAT-LABEL: func.func @three_taps
// FLAT: qweight_packed: "0x0800000001020304000000000506000000000000"
func.func @three_taps(%x: tensor<1x3x2x3xi8>) -> tensor<1x1x2x2xi8> {
  %w = arith.constant dense<[[[[1, 2]], [[3, 4]], [[5, 6]]]]> : tensor<1x3x1x2xi8>
  %b = arith.constant dense<[0]> : tensor<1xi32>
  %y = kiln.qconv2d %x, %w, %b {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64, input_zero_point = 0 : i64, output_zero_point = 0 : i64, multiplier = array<i32: 1073741824>, shift = array<i32: -4>, output_min = -128 : i64, output_max = 127 : i64} : (tensor<1x3x2x3xi8>, tensor<1x3x1x2xi8>, tensor<1xi32>) -> tensor<1x1x2x2xi8>
  return %y : tensor<1x1x2x2xi8>
}
