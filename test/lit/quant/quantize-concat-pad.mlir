// RUN: kiln-opt %s -split-input-file -kiln-quantize-concat-pad -kiln-dce | FileCheck %s

// One scale for every input and the output (XNNPACK's shared observer): the
// int8 inputs are concatenated as they are.
// CHECK-LABEL: func.func @shared
// CHECK-NOT: kiln.lookup
// CHECK: %[[C:.*]] = kiln.concat %arg0, %arg1 {dim = 1 : i64} : (tensor<1x2x3xi8>, tensor<1x4x3xi8>) -> tensor<1x6x3xi8>
// CHECK-NOT: kiln.quantize
// CHECK: return %[[C]]
func.func @shared(%a: tensor<1x2x3xi8>, %b: tensor<1x4x3xi8>) -> tensor<1x6x3xi8> {
  %s = arith.constant dense<0.05> : tensor<f64>
  %z = arith.constant dense<3> : tensor<i64>
  %da = kiln.dequantize %a, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x2x3xi8>, tensor<f64>, tensor<i64>) -> tensor<1x2x3xf32>
  %db = kiln.dequantize %b, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x4x3xi8>, tensor<f64>, tensor<i64>) -> tensor<1x4x3xf32>
  %c = kiln.concat %da, %db {dim = 1 : i64} : (tensor<1x2x3xf32>, tensor<1x4x3xf32>) -> tensor<1x6x3xf32>
  %q = kiln.quantize %c, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x6x3xf32>, tensor<f64>, tensor<i64>) -> tensor<1x6x3xi8>
  return %q : tensor<1x6x3xi8>
}

// -----

// Differing scales: the input whose parameters are the output's is used as
// it is, the other is requantized by a table (0.1 -> 0.05: an int8 q
// becomes 2q + 3, clamped, so the table holds -128 from q = -128 through
// -66 and 127 from q = 62 on).
// CHECK-LABEL: func.func @differing
// CHECK: %[[T:.*]] = arith.constant {{.*}} : tensor<256xi8>
// CHECK: %[[R:.*]] = kiln.lookup %arg1, %[[T]] : (tensor<1x4x3xi8>, tensor<256xi8>) -> tensor<1x4x3xi8>
// CHECK: %[[C:.*]] = kiln.concat %arg0, %[[R]] {dim = 1 : i64}
// CHECK: return %[[C]]
// The table (after a 4-byte alignment header): q = -128 ... -66 -> -128
// (0x80), -65 -> -127, -64 -> -125, ..., 61 -> 125, 62 ... 127 -> 127 (0x7F).
// CHECK: lookup: "0x080000008080808080808080808080808080808080808080808080808080808080808080808080808080808080808080808080808080808080808080808080808080808183{{.*}}7B7D7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F7F"
func.func @differing(%a: tensor<1x2x3xi8>, %b: tensor<1x4x3xi8>) -> tensor<1x6x3xi8> {
  %s = arith.constant dense<0.05> : tensor<f64>
  %z = arith.constant dense<3> : tensor<i64>
  %sb = arith.constant dense<0.1> : tensor<f64>
  %zb = arith.constant dense<0> : tensor<i64>
  %da = kiln.dequantize %a, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x2x3xi8>, tensor<f64>, tensor<i64>) -> tensor<1x2x3xf32>
  %db = kiln.dequantize %b, %sb, %zb {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x4x3xi8>, tensor<f64>, tensor<i64>) -> tensor<1x4x3xf32>
  %c = kiln.concat %da, %db {dim = 1 : i64} : (tensor<1x2x3xf32>, tensor<1x4x3xf32>) -> tensor<1x6x3xf32>
  %q = kiln.quantize %c, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x6x3xf32>, tensor<f64>, tensor<i64>) -> tensor<1x6x3xi8>
  return %q : tensor<1x6x3xi8>
}

// -----

// A constant pad: the input requantized (0.1 -> 0.05), the value 0.5
// quantized with the output's parameters (0.5 / 0.05 + 3 = 13).
// CHECK-LABEL: func.func @pad
// CHECK: %[[R:.*]] = kiln.lookup %arg0
// CHECK: %[[P:.*]] = kiln.pad %[[R]] {high = array<i64: 0, 1>, low = array<i64: 0, 1>, value = 1.300000e+01 : f64} : (tensor<2x3xi8>) -> tensor<2x5xi8>
// CHECK: return %[[P]]
func.func @pad(%x: tensor<2x3xi8>) -> tensor<2x5xi8> {
  %s = arith.constant dense<0.1> : tensor<f64>
  %z = arith.constant dense<0> : tensor<i64>
  %sy = arith.constant dense<0.05> : tensor<f64>
  %zy = arith.constant dense<3> : tensor<i64>
  %d = kiln.dequantize %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x3xi8>, tensor<f64>, tensor<i64>) -> tensor<2x3xf32>
  %p = kiln.pad %d {low = array<i64: 0, 1>, high = array<i64: 0, 1>, value = 0.5 : f64} : (tensor<2x3xf32>) -> tensor<2x5xf32>
  %q = kiln.quantize %p, %sy, %zy {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x5xf32>, tensor<f64>, tensor<i64>) -> tensor<2x5xi8>
  return %q : tensor<2x5xi8>
}

// -----

// A quantize range narrower than int8 clamps: even with the same scale and
// zero point the input goes through a table.
// CHECK-LABEL: func.func @narrow_range
// CHECK: kiln.lookup %arg0
// CHECK: kiln.pad {{.*}} mode = "reflect"
func.func @narrow_range(%x: tensor<2x3xi8>) -> tensor<2x5xi8> {
  %s = arith.constant dense<0.1> : tensor<f64>
  %z = arith.constant dense<0> : tensor<i64>
  %d = kiln.dequantize %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x3xi8>, tensor<f64>, tensor<i64>) -> tensor<2x3xf32>
  %p = kiln.pad %d {low = array<i64: 0, 1>, high = array<i64: 0, 1>, value = 0.0 : f64, mode = "reflect"} : (tensor<2x3xf32>) -> tensor<2x5xf32>
  %q = kiln.quantize %p, %s, %z {quant_min = -127 : i64, quant_max = 127 : i64} : (tensor<2x5xf32>, tensor<f64>, tensor<i64>) -> tensor<2x5xi8>
  return %q : tensor<2x5xi8>
}

// -----

// Left alone: an operand that is not a dequantize (a float graph input), a
// per-channel dequantize, and a concat with another user.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: kiln.lookup
// CHECK: kiln.concat {{.*}} -> tensor<4x3xf32>
// CHECK: kiln.concat {{.*}} -> tensor<4x3xf32>
// CHECK: kiln.concat {{.*}} -> tensor<4x3xf32>
// CHECK-NOT: kiln.lookup
func.func @left_alone(%a: tensor<2x3xi8>, %f: tensor<2x3xf32>) -> (tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xf32>) {
  %s = arith.constant dense<0.05> : tensor<f64>
  %z = arith.constant dense<0> : tensor<i64>
  %sc = arith.constant dense<[0.05, 0.1]> : tensor<2xf32>
  %zc = arith.constant dense<0> : tensor<2xi64>
  %da = kiln.dequantize %a, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x3xi8>, tensor<f64>, tensor<i64>) -> tensor<2x3xf32>
  %c1 = kiln.concat %da, %f {dim = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  %q1 = kiln.quantize %c1, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<4x3xf32>, tensor<f64>, tensor<i64>) -> tensor<4x3xi8>
  %dc = kiln.dequantize %a, %sc, %zc {axis = 0 : i64, quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x3xi8>, tensor<2xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %c2 = kiln.concat %da, %dc {dim = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  %q2 = kiln.quantize %c2, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<4x3xf32>, tensor<f64>, tensor<i64>) -> tensor<4x3xi8>
  %c3 = kiln.concat %da, %da {dim = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  %q3 = kiln.quantize %c3, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<4x3xf32>, tensor<f64>, tensor<i64>) -> tensor<4x3xi8>
  return %q1, %q2, %q3, %c3 : tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xf32>
}
