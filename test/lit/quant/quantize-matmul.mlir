// RUN: kiln-opt %s -split-input-file -kiln-quantize-matmul -kiln-dce | FileCheck %s

// A matmul of two int8 activations (batch dimension broadcast): s_a * s_b /
// s_y = 0.019999999552965164 * 0.10000000149011612 * 20 = 0.0399999997 =
// 0.6399999952 * 2^-4, so the Q31 multiplier is round(0.6399999952 * 2^31)
// = 1374389524 and the shift -4; a relu gives output_min = zp_y.
// CHECK-LABEL: func.func @attention
// CHECK: %[[Y:.*]] = kiln.qmatmul %arg0, %arg1 {lhs_zero_point = -4 : i64, multiplier = array<i32: 1374389524>, output_max = 127 : i64, output_min = 7 : i64, output_zero_point = 7 : i64, rhs_zero_point = 2 : i64, shift = array<i32: -4>} : (tensor<2x3x8xi8>, tensor<1x8x5xi8>) -> tensor<2x3x5xi8>
// CHECK-NOT: kiln.matmul
// CHECK-NOT: kiln.relu
// CHECK: return %[[Y]]
func.func @attention(%aq: tensor<2x3x8xi8>, %bq: tensor<1x8x5xi8>) -> tensor<2x3x5xi8> {
  %sa = arith.constant dense<0.02> : tensor<f64>
  %za = arith.constant dense<-4> : tensor<i64>
  %sb = arith.constant dense<0.1> : tensor<f64>
  %zb = arith.constant dense<2> : tensor<i64>
  %a = kiln.dequantize %aq, %sa, %za {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x3x8xi8>, tensor<f64>, tensor<i64>) -> tensor<2x3x8xf32>
  %b = kiln.dequantize %bq, %sb, %zb {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x8x5xi8>, tensor<f64>, tensor<i64>) -> tensor<1x8x5xf32>
  %p = kiln.matmul %a, %b : (tensor<2x3x8xf32>, tensor<1x8x5xf32>) -> tensor<2x3x5xf32>
  %r = kiln.relu %p : tensor<2x3x5xf32>
  %sy = arith.constant dense<0.05> : tensor<f64>
  %zy = arith.constant dense<7> : tensor<i64>
  %q = kiln.quantize %r, %sy, %zy {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x3x5xf32>, tensor<f64>, tensor<i64>) -> tensor<2x3x5xi8>
  return %q : tensor<2x3x5xi8>
}

// -----

// Left alone: a float32 weight (addmm's, which the quantizer leaves in
// float), a per-channel dequantize, and a matmul with another user.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: kiln.qmatmul
// CHECK: kiln.matmul
// CHECK: kiln.matmul
// CHECK: kiln.matmul
// CHECK-NOT: kiln.qmatmul
func.func @left_alone(%aq: tensor<2x2xi8>, %w: tensor<2x2xf32>) -> (tensor<2x2xi8>, tensor<2x2xi8>, tensor<2x2xi8>, tensor<2x2xf32>) {
  %s = arith.constant dense<0.05> : tensor<f64>
  %z = arith.constant dense<0> : tensor<i64>
  %sc = arith.constant dense<[0.05, 0.1]> : tensor<2xf32>
  %zc = arith.constant dense<0> : tensor<2xi64>
  %a = kiln.dequantize %aq, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x2xi8>, tensor<f64>, tensor<i64>) -> tensor<2x2xf32>
  %m1 = kiln.matmul %a, %w : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %q1 = kiln.quantize %m1, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x2xf32>, tensor<f64>, tensor<i64>) -> tensor<2x2xi8>
  %c = kiln.dequantize %aq, %sc, %zc {axis = 1 : i64, quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x2xi8>, tensor<2xf32>, tensor<2xi64>) -> tensor<2x2xf32>
  %m2 = kiln.matmul %a, %c : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %q2 = kiln.quantize %m2, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x2xf32>, tensor<f64>, tensor<i64>) -> tensor<2x2xi8>
  %m3 = kiln.matmul %a, %a : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %q3 = kiln.quantize %m3, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x2xf32>, tensor<f64>, tensor<i64>) -> tensor<2x2xi8>
  return %q1, %q2, %q3, %m3 : tensor<2x2xi8>, tensor<2x2xi8>, tensor<2x2xi8>, tensor<2x2xf32>
}
