// RUN: kiln-opt %s -split-input-file -kiln-quantize-add -kiln-dce | FileCheck %s

// A residual add of two int8 tensors with different scales and a relu:
// s_a / s_y = 0.02 / 0.05 and s_b / s_y = 0.1 / 0.05, from the float32 values
// PyTorch multiplies with (0.019999999552965164 * 20 and 0.10000000149011612 *
// 20), over 2^shift with the larger in [2^30, 2^31): shift 29, so
// 2.0000000298 * 2^29 = 1073741840 and 0.39999999106 * 2^29 = 214748360;
// relu: output_min = zp_y.
// CHECK-LABEL: func.func @residual
// CHECK: %[[Y:.*]] = kiln.qadd %arg0, %arg1 {lhs_multiplier = 214748360 : i64, lhs_zero_point = -4 : i64, output_max = 127 : i64, output_min = 7 : i64, output_zero_point = 7 : i64, rhs_multiplier = 1073741840 : i64, rhs_zero_point = 2 : i64, shift = 29 : i64} : (tensor<1x4x3x3xi8>, tensor<1x4x3x3xi8>) -> tensor<1x4x3x3xi8>
// CHECK-NOT: kiln.add
// CHECK-NOT: kiln.relu
// CHECK: return %[[Y]]
func.func @residual(%aq: tensor<1x4x3x3xi8>, %bq: tensor<1x4x3x3xi8>) -> tensor<1x4x3x3xi8> {
  %sa = arith.constant dense<0.02> : tensor<f64>
  %za = arith.constant dense<-4> : tensor<i64>
  %sb = arith.constant dense<0.1> : tensor<f64>
  %zb = arith.constant dense<2> : tensor<i64>
  %a = kiln.dequantize %aq, %sa, %za {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x4x3x3xi8>, tensor<f64>, tensor<i64>) -> tensor<1x4x3x3xf32>
  %b = kiln.dequantize %bq, %sb, %zb {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x4x3x3xi8>, tensor<f64>, tensor<i64>) -> tensor<1x4x3x3xf32>
  %s = kiln.add %a, %b : (tensor<1x4x3x3xf32>, tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
  %r = kiln.relu %s : tensor<1x4x3x3xf32>
  %sy = arith.constant dense<0.05> : tensor<f64>
  %zy = arith.constant dense<7> : tensor<i64>
  %q = kiln.quantize %r, %sy, %zy {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x4x3x3xf32>, tensor<f64>, tensor<i64>) -> tensor<1x4x3x3xi8>
  return %q : tensor<1x4x3x3xi8>
}

// -----

// Left alone: an add with a second user, a per-channel input, an add of a
// float tensor.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: kiln.qadd
// CHECK-COUNT-3: kiln.quantize
func.func @left_alone(%aq: tensor<2x4xi8>, %f: tensor<2x4xf32>) -> (tensor<2x4xi8>, tensor<2x4xf32>, tensor<2x4xi8>, tensor<2x4xi8>) {
  %s = arith.constant dense<0.02> : tensor<f64>
  %z = arith.constant dense<0> : tensor<i64>
  %a = kiln.dequantize %aq, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x4xi8>, tensor<f64>, tensor<i64>) -> tensor<2x4xf32>
  %s0 = kiln.add %a, %a : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %q0 = kiln.quantize %s0, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x4xf32>, tensor<f64>, tensor<i64>) -> tensor<2x4xi8>
  %sc = arith.constant dense<[0.1, 0.2]> : tensor<2xf32>
  %zc = arith.constant dense<0> : tensor<2xi64>
  %c = kiln.dequantize %aq, %sc, %zc {axis = 0 : i64, quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x4xi8>, tensor<2xf32>, tensor<2xi64>) -> tensor<2x4xf32>
  %s1 = kiln.add %a, %c : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %q1 = kiln.quantize %s1, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x4xf32>, tensor<f64>, tensor<i64>) -> tensor<2x4xi8>
  %s2 = kiln.add %a, %f : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %q2 = kiln.quantize %s2, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x4xf32>, tensor<f64>, tensor<i64>) -> tensor<2x4xi8>
  return %q0, %s0, %q1, %q2 : tensor<2x4xi8>, tensor<2x4xf32>, tensor<2x4xi8>, tensor<2x4xi8>
}
