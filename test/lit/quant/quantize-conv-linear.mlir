// RUN: kiln-opt %s -split-input-file -kiln-quantize-conv-linear -kiln-dce | FileCheck %s

// dequantize -> conv2d{relu} -> quantize: an int8 convolution. The bias is
// quantized to int32 in the accumulator's scale, one multiplier and shift per
// output channel (per-channel weight scales), relu is the output's lower
// bound (the output zero point), the dequantize ops go.
// s_x = 0.02, s_w = [0.01, 0.005], s_y = 0.05: multipliers 0.004 and 0.002
// from the float32 scales PyTorch multiplies with (0.0039999998 = 0.512 * 2^-7
// -> round(0.51199998 * 2^31) = 1099511579); bias 0.1 / 0.0002 = 500,
// -0.1 / 0.0001 = -1000, from float32 values: 500.0000298 and -1000.0000596,
// whose fractions in the product's units are the remainders:
// 0.0000298 * 1099511579 = 32768 and -65536.
// CHECK-LABEL: func.func @conv_relu
// CHECK: %[[B:.*]] = arith.constant dense_resource<{{.*}}> : tensor<2xi32>
// CHECK: %[[Y:.*]] = kiln.qconv2d %arg0, %{{.*}}, %[[B]] {dilation = array<i64: 1, 1>, groups = 1 : i64, input_zero_point = -5 : i64, multiplier = array<i32: 1099511579, 1099511579>, output_max = 127 : i64, output_min = 3 : i64, output_zero_point = 3 : i64, padding = array<i64: 1, 1, 1, 1>, remainder = array<i32: 32768, -65536>, shift = array<i32: -7, -8>, stride = array<i64: 1, 1>} : (tensor<1x3x4x4xi8>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4xi8>
// CHECK-NOT: kiln.dequantize
// CHECK-NOT: kiln.quantize
// CHECK: return %[[Y]]
func.func @conv_relu(%xq: tensor<1x3x4x4xi8>) -> tensor<1x2x4x4xi8> {
  %sx = arith.constant dense<0.02> : tensor<f64>
  %zx = arith.constant dense<-5> : tensor<i64>
  %x = kiln.dequantize %xq, %sx, %zx {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x3x4x4xi8>, tensor<f64>, tensor<i64>) -> tensor<1x3x4x4xf32>
  %wq = arith.constant dense<3> : tensor<2x3x3x3xi8>
  %sw = arith.constant dense<[0.01, 0.005]> : tensor<2xf32>
  %zw = arith.constant dense<0> : tensor<2xi64>
  %w = kiln.dequantize %wq, %sw, %zw {axis = 0 : i64, quant_min = -127 : i64, quant_max = 127 : i64} : (tensor<2x3x3x3xi8>, tensor<2xf32>, tensor<2xi64>) -> tensor<2x3x3x3xf32>
  %b = arith.constant dense<[0.1, -0.1]> : tensor<2xf32>
  %y = kiln.conv2d %x, %w, %b {stride = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, groups = 1 : i64, activation = "relu"} : (tensor<1x3x4x4xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %sy = arith.constant dense<0.05> : tensor<f64>
  %zy = arith.constant dense<3> : tensor<i64>
  %yq = kiln.quantize %y, %sy, %zy {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x2x4x4xf32>, tensor<f64>, tensor<i64>) -> tensor<1x2x4x4xi8>
  return %yq : tensor<1x2x4x4xi8>
}

// -----

// linear with an unfused relu6 (a clamp) and a per-tensor weight scale: the
// clamp's bounds become the output range (quantize(0) = zp, quantize(6) =
// round(6 / 0.05) + zp = 123), no bias.
// CHECK-LABEL: func.func @linear_relu6
// CHECK: kiln.qlinear %arg0, %{{.*}} {input_zero_point = 0 : i64, multiplier = array<i32: {{[0-9]+}}, {{[0-9]+}}, {{[0-9]+}}, {{[0-9]+}}>, output_max = 123 : i64, output_min = 3 : i64, output_zero_point = 3 : i64, shift = array<i32: [[S:-?[0-9]+]], [[S]], [[S]], [[S]]>} : (tensor<2x8xi8>, tensor<4x8xi8>) -> tensor<2x4xi8>
// CHECK-NOT: kiln.clamp
func.func @linear_relu6(%xq: tensor<2x8xi8>) -> tensor<2x4xi8> {
  %sx = arith.constant dense<0.1> : tensor<f64>
  %zx = arith.constant dense<0> : tensor<i64>
  %x = kiln.dequantize %xq, %sx, %zx {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x8xi8>, tensor<f64>, tensor<i64>) -> tensor<2x8xf32>
  %wq = arith.constant dense<-7> : tensor<4x8xi8>
  %sw = arith.constant dense<0.02> : tensor<f64>
  %zw = arith.constant dense<0> : tensor<i64>
  %w = kiln.dequantize %wq, %sw, %zw {quant_min = -127 : i64, quant_max = 127 : i64} : (tensor<4x8xi8>, tensor<f64>, tensor<i64>) -> tensor<4x8xf32>
  %y = kiln.linear %x, %w : (tensor<2x8xf32>, tensor<4x8xf32>) -> tensor<2x4xf32>
  %r = kiln.clamp %y {min = 0.0 : f64, max = 6.0 : f64} : tensor<2x4xf32>
  %sy = arith.constant dense<0.05> : tensor<f64>
  %zy = arith.constant dense<3> : tensor<i64>
  %yq = kiln.quantize %r, %sy, %zy {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x4xf32>, tensor<f64>, tensor<i64>) -> tensor<2x4xi8>
  return %yq : tensor<2x4xi8>
}

// -----

// Left alone (each runs in float between its dequantize and quantize):
// a hardswish epilogue, a weight with a non-zero zero point, a conv whose
// result has another user, a per-channel output quantize.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: kiln.qconv2d
// CHECK-NOT: kiln.qlinear
// CHECK-COUNT-4: kiln.quantize
func.func @left_alone(%xq: tensor<1x2x4x4xi8>) -> (tensor<1x2x4x4xi8>, tensor<1x2x4x4xi8>, tensor<1x2x4x4xi8>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xi8>) {
  %sx = arith.constant dense<0.02> : tensor<f64>
  %z0 = arith.constant dense<0> : tensor<i64>
  %x = kiln.dequantize %xq, %sx, %z0 {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x2x4x4xi8>, tensor<f64>, tensor<i64>) -> tensor<1x2x4x4xf32>
  %wq = arith.constant dense<1> : tensor<2x2x1x1xi8>
  %sw = arith.constant dense<0.01> : tensor<f64>
  %w = kiln.dequantize %wq, %sw, %z0 {quant_min = -127 : i64, quant_max = 127 : i64} : (tensor<2x2x1x1xi8>, tensor<f64>, tensor<i64>) -> tensor<2x2x1x1xf32>
  %z1 = arith.constant dense<1> : tensor<i64>
  %wa = kiln.dequantize %wq, %sw, %z1 {quant_min = -127 : i64, quant_max = 127 : i64} : (tensor<2x2x1x1xi8>, tensor<f64>, tensor<i64>) -> tensor<2x2x1x1xf32>
  %sy = arith.constant dense<0.05> : tensor<f64>
  %c0 = kiln.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64, activation = "hardswish"} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %q0 = kiln.quantize %c0, %sy, %z0 {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x2x4x4xf32>, tensor<f64>, tensor<i64>) -> tensor<1x2x4x4xi8>
  %c1 = kiln.conv2d %x, %wa {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %q1 = kiln.quantize %c1, %sy, %z0 {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x2x4x4xf32>, tensor<f64>, tensor<i64>) -> tensor<1x2x4x4xi8>
  %c2 = kiln.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %q2 = kiln.quantize %c2, %sy, %z0 {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x2x4x4xf32>, tensor<f64>, tensor<i64>) -> tensor<1x2x4x4xi8>
  %c3 = kiln.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %sc = arith.constant dense<[0.05, 0.1]> : tensor<2xf32>
  %zc = arith.constant dense<0> : tensor<2xi64>
  %q3 = kiln.quantize %c3, %sc, %zc {axis = 1 : i64, quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xi64>) -> tensor<1x2x4x4xi8>
  return %q0, %q1, %q2, %c2, %q3 : tensor<1x2x4x4xi8>, tensor<1x2x4x4xi8>, tensor<1x2x4x4xi8>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xi8>
}
