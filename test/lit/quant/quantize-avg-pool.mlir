// RUN: kiln-opt %s -split-input-file -kiln-quantize-avg-pool -kiln-dce | FileCheck %s

// dequantize -> avg_pool2d (2x2, stride 2, no padding) -> quantize becomes
// kiln.qavg_pool2d with both scales, both zero points and the divisor 4.
// CHECK-LABEL: func.func @pool
// CHECK: %[[Y:.*]] = kiln.qavg_pool2d %arg0 {divisor = 4 : i64, input_scale = 2.000000e-02 : f64, input_zero_point = -4 : i64, kernel = array<i64: 2, 2>, output_max = 127 : i64, output_min = -128 : i64, output_scale = 1.000000e-02 : f64, output_zero_point = 3 : i64, padding = array<i64: 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8>
// CHECK-NOT: kiln.dequantize
// CHECK-NOT: kiln.avg_pool2d
// CHECK-NOT: kiln.quantize
// CHECK: return %[[Y]]
func.func @pool(%x: tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8> {
  %s = arith.constant dense<0.02> : tensor<f64>
  %z = arith.constant dense<-4> : tensor<i64>
  %d = kiln.dequantize %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x2x4x4xi8>, tensor<f64>, tensor<i64>) -> tensor<1x2x4x4xf32>
  %p = kiln.avg_pool2d %d {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 0, 0>, ceil_mode = false, count_include_pad = true} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  %sy = arith.constant dense<0.01> : tensor<f64>
  %zy = arith.constant dense<3> : tensor<i64>
  %q = kiln.quantize %p, %sy, %zy {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x2x2x2xf32>, tensor<f64>, tensor<i64>) -> tensor<1x2x2x2xi8>
  return %q : tensor<1x2x2x2xi8>
}

// -----

// Padding counted in the divisor (count_include_pad) keeps one divisor (9).
// CHECK-LABEL: func.func @counted_padding
// CHECK: kiln.qavg_pool2d %arg0 {divisor = 9 : i64
// CHECK-SAME: padding = array<i64: 1, 1>
func.func @counted_padding(%x: tensor<1x1x4x4xi8>) -> tensor<1x1x4x4xi8> {
  %s = arith.constant dense<0.02> : tensor<f64>
  %z = arith.constant dense<0> : tensor<i64>
  %d = kiln.dequantize %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x1x4x4xi8>, tensor<f64>, tensor<i64>) -> tensor<1x1x4x4xf32>
  %p = kiln.avg_pool2d %d {kernel = array<i64: 3, 3>, stride = array<i64: 1, 1>, padding = array<i64: 1, 1>, ceil_mode = false, count_include_pad = true} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %q = kiln.quantize %p, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x1x4x4xf32>, tensor<f64>, tensor<i64>) -> tensor<1x1x4x4xi8>
  return %q : tensor<1x1x4x4xi8>
}

// -----

// Left alone: padding not counted (border windows divide by fewer), a
// ceil_mode window past the padded input, and a pool with another user.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: kiln.qavg_pool2d
// CHECK: kiln.avg_pool2d
// CHECK: kiln.avg_pool2d
// CHECK: kiln.avg_pool2d
// CHECK-NOT: kiln.qavg_pool2d
func.func @left_alone(%x: tensor<1x1x5x5xi8>) -> (tensor<1x1x5x5xi8>, tensor<1x1x3x3xi8>, tensor<1x1x2x2xi8>, tensor<1x1x2x2xf32>) {
  %s = arith.constant dense<0.02> : tensor<f64>
  %z = arith.constant dense<0> : tensor<i64>
  %d = kiln.dequantize %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x1x5x5xi8>, tensor<f64>, tensor<i64>) -> tensor<1x1x5x5xf32>
  %p1 = kiln.avg_pool2d %d {kernel = array<i64: 3, 3>, stride = array<i64: 1, 1>, padding = array<i64: 1, 1>, ceil_mode = false, count_include_pad = false} : (tensor<1x1x5x5xf32>) -> tensor<1x1x5x5xf32>
  %q1 = kiln.quantize %p1, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x1x5x5xf32>, tensor<f64>, tensor<i64>) -> tensor<1x1x5x5xi8>
  %p2 = kiln.avg_pool2d %d {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 0, 0>, ceil_mode = true, count_include_pad = true} : (tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32>
  %q2 = kiln.quantize %p2, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x1x3x3xf32>, tensor<f64>, tensor<i64>) -> tensor<1x1x3x3xi8>
  %p3 = kiln.avg_pool2d %d {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 0, 0>, ceil_mode = false, count_include_pad = true} : (tensor<1x1x5x5xf32>) -> tensor<1x1x2x2xf32>
  %q3 = kiln.quantize %p3, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x1x2x2xf32>, tensor<f64>, tensor<i64>) -> tensor<1x1x2x2xi8>
  return %q1, %q2, %q3, %p3 : tensor<1x1x5x5xi8>, tensor<1x1x3x3xi8>, tensor<1x1x2x2xi8>, tensor<1x1x2x2xf32>
}

// -----

// A mean over H and W (the global average pool) is one 1 x HW window over the
// int8 input viewed as [1, N*C, 1, H*W]; without keepdim the result is
// reshaped to the mean's shape.
// CHECK-LABEL: func.func @global_mean
// CHECK: %[[V:.*]] = kiln.reshape %arg0 : (tensor<2x3x4x5xi8>) -> tensor<1x6x1x20xi8>
// CHECK: %[[P:.*]] = kiln.qavg_pool2d %[[V]] {divisor = 20 : i64, input_scale = 2.000000e-02 : f64, input_zero_point = -4 : i64, kernel = array<i64: 1, 20>, output_max = 127 : i64, output_min = -128 : i64, output_scale = 1.000000e-02 : f64, output_zero_point = 3 : i64, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x6x1x20xi8>) -> tensor<1x6x1x1xi8>
// CHECK: %[[Y:.*]] = kiln.reshape %[[P]] : (tensor<1x6x1x1xi8>) -> tensor<2x3xi8>
// CHECK-NOT: kiln.mean
// CHECK: return %[[Y]]
func.func @global_mean(%x: tensor<2x3x4x5xi8>) -> tensor<2x3xi8> {
  %s = arith.constant dense<0.02> : tensor<f64>
  %z = arith.constant dense<-4> : tensor<i64>
  %d = kiln.dequantize %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x3x4x5xi8>, tensor<f64>, tensor<i64>) -> tensor<2x3x4x5xf32>
  %m = kiln.mean %d {dims = array<i64: 3, 2>, keepdim = false} : (tensor<2x3x4x5xf32>) -> tensor<2x3xf32>
  %sy = arith.constant dense<0.01> : tensor<f64>
  %zy = arith.constant dense<3> : tensor<i64>
  %q = kiln.quantize %m, %sy, %zy {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x3xf32>, tensor<f64>, tensor<i64>) -> tensor<2x3xi8>
  return %q : tensor<2x3xi8>
}

// -----

// A mean over the last dimension of [1, C, L] (kws_cnn) with keepdim: the
// input viewed as [1, C, 1, L]; the pooled [1, C, 1, 1] reshaped to [1, C, 1].
// CHECK-LABEL: func.func @mean_last
// CHECK: %[[V:.*]] = kiln.reshape %arg0 : (tensor<1x4x7xi8>) -> tensor<1x4x1x7xi8>
// CHECK: %[[P:.*]] = kiln.qavg_pool2d %[[V]] {divisor = 7 : i64
// CHECK-SAME: kernel = array<i64: 1, 7>
// CHECK: kiln.reshape %[[P]] : (tensor<1x4x1x1xi8>) -> tensor<1x4x1xi8>
func.func @mean_last(%x: tensor<1x4x7xi8>) -> tensor<1x4x1xi8> {
  %s = arith.constant dense<0.02> : tensor<f64>
  %z = arith.constant dense<0> : tensor<i64>
  %d = kiln.dequantize %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x4x7xi8>, tensor<f64>, tensor<i64>) -> tensor<1x4x7xf32>
  %m = kiln.mean %d {dims = array<i64: 2>, keepdim = true} : (tensor<1x4x7xf32>) -> tensor<1x4x1xf32>
  %q = kiln.quantize %m, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x4x1xf32>, tensor<f64>, tensor<i64>) -> tensor<1x4x1xi8>
  return %q : tensor<1x4x1xi8>
}

// -----

// Left alone: a mean over a dimension that is not among the last ones (the
// kept elements would not be rows), and a mean with another user.
// CHECK-LABEL: func.func @mean_left_alone
// CHECK-NOT: kiln.qavg_pool2d
// CHECK: kiln.mean
// CHECK: kiln.mean
// CHECK-NOT: kiln.qavg_pool2d
func.func @mean_left_alone(%x: tensor<1x4x7xi8>) -> (tensor<1x7xi8>, tensor<1x4xi8>, tensor<1x4xf32>) {
  %s = arith.constant dense<0.02> : tensor<f64>
  %z = arith.constant dense<0> : tensor<i64>
  %d = kiln.dequantize %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x4x7xi8>, tensor<f64>, tensor<i64>) -> tensor<1x4x7xf32>
  %m1 = kiln.mean %d {dims = array<i64: 1>, keepdim = false} : (tensor<1x4x7xf32>) -> tensor<1x7xf32>
  %q1 = kiln.quantize %m1, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x7xf32>, tensor<f64>, tensor<i64>) -> tensor<1x7xi8>
  %m2 = kiln.mean %d {dims = array<i64: 2>, keepdim = false} : (tensor<1x4x7xf32>) -> tensor<1x4xf32>
  %q2 = kiln.quantize %m2, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x4xf32>, tensor<f64>, tensor<i64>) -> tensor<1x4xi8>
  return %q1, %q2, %m2 : tensor<1x7xi8>, tensor<1x4xi8>, tensor<1x4xf32>
}
