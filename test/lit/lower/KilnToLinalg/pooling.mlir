// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg -cse | FileCheck %s

// Max pooling pads with -inf and starts from -inf.
// CHECK-LABEL: func.func @max_pool_padded
// CHECK-DAG: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[FILLED:.*]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<1x2x10x10xf32>)
// CHECK: %[[PAD:.*]] = tensor.insert_slice %{{.*}} into %[[FILLED]][0, 0, 1, 1] [1, 2, 8, 8] [1, 1, 1, 1]
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[NEGINF]] : f32)
// CHECK: linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[PAD]], %{{.*}} : tensor<1x2x10x10xf32>, tensor<3x3xf32>) outs(%[[INIT]]
func.func @max_pool_padded(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32> {
  %0 = kiln.max_pool2d %x {kernel = array<i64: 3, 3>, stride = array<i64: 2, 2>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// On int8 (a quantized tensor) the padding and the start are -128.
// CHECK-LABEL: func.func @max_pool_int8
// CHECK-DAG: %[[MIN:.*]] = arith.constant -128 : i8
// CHECK: %[[FILLED:.*]] = linalg.fill ins(%[[MIN]] : i8) outs(%{{.*}} : tensor<1x2x10x10xi8>)
// CHECK: linalg.pooling_nchw_max {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x2x10x10xi8>, tensor<3x3xi8>)
func.func @max_pool_int8(%x: tensor<1x2x8x8xi8>) -> tensor<1x2x4x4xi8> {
  %0 = kiln.max_pool2d %x {kernel = array<i64: 3, 3>, stride = array<i64: 2, 2>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x2x8x8xi8>) -> tensor<1x2x4x4xi8>
  return %0 : tensor<1x2x4x4xi8>
}

// -----

// Ceil mode reads one more row and column: extra padding after.
// CHECK-LABEL: func.func @max_pool_ceil
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 0, 0] [1, 1, 5, 5] [1, 1, 1, 1] : tensor<1x1x5x5xf32> into tensor<1x1x6x6xf32>
// CHECK: linalg.pooling_nchw_max {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x1x6x6xf32>, tensor<2x2xf32>)
func.func @max_pool_ceil(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32> {
  %0 = kiln.max_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 0, 0>, dilation = array<i64: 1, 1>, ceil_mode = true} : (tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// Average pooling sums, then divides by PyTorch's per-window divisor: with
// count_include_pad = false the clipped last windows count fewer elements.
// CHECK-LABEL: func.func @avg_pool_ceil_exclude_pad
// CHECK-DAG: %[[DIV:.*]] = arith.constant dense<{{\[\[}}4.000000e+00, 4.000000e+00, 2.000000e+00], [4.000000e+00, 4.000000e+00, 2.000000e+00], [2.000000e+00, 2.000000e+00, 1.000000e+00]]> : tensor<3x3xf32>
// CHECK-DAG: %[[SUM:.*]] = linalg.pooling_nchw_sum
// CHECK: linalg.generic {{.*}} ins(%[[SUM]], %[[DIV]] : tensor<1x1x3x3xf32>, tensor<3x3xf32>)
// CHECK: arith.divf
func.func @avg_pool_ceil_exclude_pad(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32> {
  %0 = kiln.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 0, 0>, ceil_mode = true, count_include_pad = false} : (tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// count_include_pad counts the zeros of the padding; divisor_override wins.
// CHECK-LABEL: func.func @avg_pool_include_pad
// CHECK: arith.constant dense<4.000000e+00> : tensor<5x5xf32>
func.func @avg_pool_include_pad(%x: tensor<1x1x8x8xf32>) -> tensor<1x1x5x5xf32> {
  %0 = kiln.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 1, 1>, ceil_mode = false, count_include_pad = true} : (tensor<1x1x8x8xf32>) -> tensor<1x1x5x5xf32>
  return %0 : tensor<1x1x5x5xf32>
}

// -----

// CHECK-LABEL: func.func @avg_pool_exclude_pad
// CHECK: arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 2.000000e+00, 2.000000e+00, 1.000000e+00], [2.000000e+00, 4.000000e+00
func.func @avg_pool_exclude_pad(%x: tensor<1x1x8x8xf32>) -> tensor<1x1x5x5xf32> {
  %0 = kiln.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 1, 1>, ceil_mode = false, count_include_pad = false} : (tensor<1x1x8x8xf32>) -> tensor<1x1x5x5xf32>
  return %0 : tensor<1x1x5x5xf32>
}

// -----

// CHECK-LABEL: func.func @avg_pool_divisor_override
// CHECK: arith.constant dense<3.000000e+00> : tensor<4x4xf32>
func.func @avg_pool_divisor_override(%x: tensor<1x1x8x8xf32>) -> tensor<1x1x4x4xf32> {
  %0 = kiln.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 0, 0>, ceil_mode = false, count_include_pad = true, divisor_override = 3 : i64} : (tensor<1x1x8x8xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}
