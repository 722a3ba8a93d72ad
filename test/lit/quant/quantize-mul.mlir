// RUN: kiln-opt %s -split-input-file -kiln-quantize-mul -kiln-dce | FileCheck %s

// The product of two int8 tensors with different scales, the second
// broadcast (squeeze-and-excitation): s_a * s_b / s_y from the float32
// values PyTorch multiplies with, 0.019999999552965164 * 0.10000000149011612
// * 20 = 0.0399999997, over 2^shift in [2^30, 2^31): shift 35,
// multiplier round(0.0399999997 * 2^35) = 1374389524; a relu6 gives the
// output range [zp_y, quantize(6)] = [7, 127].
// CHECK-LABEL: func.func @scale
// CHECK: %[[Y:.*]] = kiln.qmul %arg0, %arg1 {lhs_zero_point = -4 : i64, multiplier = 1374389524 : i64, output_max = 127 : i64, output_min = 7 : i64, output_zero_point = 7 : i64, rhs_zero_point = 2 : i64, shift = 35 : i64} : (tensor<1x4x3x3xi8>, tensor<1x4x1x1xi8>) -> tensor<1x4x3x3xi8>
// CHECK-NOT: kiln.mul
// CHECK-NOT: kiln.clamp
// CHECK: return %[[Y]]
func.func @scale(%aq: tensor<1x4x3x3xi8>, %bq: tensor<1x4x1x1xi8>) -> tensor<1x4x3x3xi8> {
  %sa = arith.constant dense<0.02> : tensor<f64>
  %za = arith.constant dense<-4> : tensor<i64>
  %sb = arith.constant dense<0.1> : tensor<f64>
  %zb = arith.constant dense<2> : tensor<i64>
  %a = kiln.dequantize %aq, %sa, %za {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x4x3x3xi8>, tensor<f64>, tensor<i64>) -> tensor<1x4x3x3xf32>
  %b = kiln.dequantize %bq, %sb, %zb {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x4x1x1xi8>, tensor<f64>, tensor<i64>) -> tensor<1x4x1x1xf32>
  %p = kiln.mul %a, %b : (tensor<1x4x3x3xf32>, tensor<1x4x1x1xf32>) -> tensor<1x4x3x3xf32>
  %r = kiln.clamp %p {min = 0.0 : f64, max = 6.0 : f64} : tensor<1x4x3x3xf32>
  %sy = arith.constant dense<0.05> : tensor<f64>
  %zy = arith.constant dense<7> : tensor<i64>
  %q = kiln.quantize %r, %sy, %zy {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x4x3x3xf32>, tensor<f64>, tensor<i64>) -> tensor<1x4x3x3xi8>
  return %q : tensor<1x4x3x3xi8>
}

// -----

// Left alone: a float operand (a graph input, not dequantized), a
// per-channel dequantize, a mul with another user, and an add (the job of
// kiln-quantize-add).
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: kiln.qmul
// CHECK: kiln.mul
// CHECK: kiln.mul
// CHECK: kiln.mul
// CHECK: kiln.add
// CHECK-NOT: kiln.qmul
func.func @left_alone(%aq: tensor<2x3xi8>, %f: tensor<2x3xf32>) -> (tensor<2x3xi8>, tensor<2x3xi8>, tensor<2x3xi8>, tensor<2x3xf32>, tensor<2x3xi8>) {
  %s = arith.constant dense<0.05> : tensor<f64>
  %z = arith.constant dense<0> : tensor<i64>
  %sc = arith.constant dense<[0.05, 0.1]> : tensor<2xf32>
  %zc = arith.constant dense<0> : tensor<2xi64>
  %a = kiln.dequantize %aq, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x3xi8>, tensor<f64>, tensor<i64>) -> tensor<2x3xf32>
  %m1 = kiln.mul %a, %f : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %q1 = kiln.quantize %m1, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x3xf32>, tensor<f64>, tensor<i64>) -> tensor<2x3xi8>
  %c = kiln.dequantize %aq, %sc, %zc {axis = 0 : i64, quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x3xi8>, tensor<2xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %m2 = kiln.mul %a, %c : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %q2 = kiln.quantize %m2, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x3xf32>, tensor<f64>, tensor<i64>) -> tensor<2x3xi8>
  %m3 = kiln.mul %a, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %q3 = kiln.quantize %m3, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x3xf32>, tensor<f64>, tensor<i64>) -> tensor<2x3xi8>
  %s4 = kiln.add %a, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %q4 = kiln.quantize %s4, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x3xf32>, tensor<f64>, tensor<i64>) -> tensor<2x3xi8>
  return %q1, %q2, %q3, %m3, %q4 : tensor<2x3xi8>, tensor<2x3xi8>, tensor<2x3xi8>, tensor<2x3xf32>, tensor<2x3xi8>
}
