// RUN: kiln-opt %s -split-input-file | kiln-opt -split-input-file | FileCheck %s
// Every kiln op prints and parses back.

// CHECK-LABEL: func.func @linear_with_bias
// CHECK: kiln.linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<2x10xf32>
func.func @linear_with_bias(%x: tensor<2x64xf32>, %w: tensor<10x64xf32>, %b: tensor<10xf32>) -> tensor<2x10xf32> {
  %0 = kiln.linear %x, %w, %b : (tensor<2x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

// CHECK-LABEL: func.func @linear_without_bias
// CHECK: kiln.linear %{{.*}}, %{{.*}} : (tensor<3x2x8xf32>, tensor<4x8xf32>) -> tensor<3x2x4xf32>
func.func @linear_without_bias(%x: tensor<3x2x8xf32>, %w: tensor<4x8xf32>) -> tensor<3x2x4xf32> {
  %0 = kiln.linear %x, %w : (tensor<3x2x8xf32>, tensor<4x8xf32>) -> tensor<3x2x4xf32>
  return %0 : tensor<3x2x4xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_broadcast_batch
// CHECK: kiln.matmul
func.func @matmul_broadcast_batch(%a: tensor<2x1x3x4xf32>, %b: tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32> {
  %0 = kiln.matmul %a, %b : (tensor<2x1x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32>
  return %0 : tensor<2x5x3x6xf32>
}

// -----

// CHECK-LABEL: func.func @conv2d_grouped_strided
// CHECK: kiln.conv2d %{{.*}}, %{{.*}} {dilation = array<i64: 2, 2>, groups = 2 : i64, padding = array<i64: 1, 1, 2, 2>, stride = array<i64: 2, 2>}
func.func @conv2d_grouped_strided(%x: tensor<1x4x9x9xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<1x6x4x4xf32> {
  %0 = kiln.conv2d %x, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 2, 2>, dilation = array<i64: 2, 2>, groups = 2 : i64} : (tensor<1x4x9x9xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x4x4xf32>
  return %0 : tensor<1x6x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @batch_norm
// CHECK: kiln.batch_norm {{.*}} {epsilon = 1.000000e-05 : f64}
func.func @batch_norm(%x: tensor<1x3x4x4xf32>, %s: tensor<3xf32>, %o: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<1x3x4x4xf32> {
  %0 = kiln.batch_norm %x, %s, %o, %m, %v {epsilon = 1.0e-5 : f64} : (tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @elementwise
// CHECK: kiln.add
// CHECK: kiln.sub
// CHECK: kiln.mul
// CHECK: kiln.div
// CHECK: kiln.relu
// CHECK: kiln.clamp %{{.*}} {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64}
// CHECK: kiln.clamp %{{.*}} {min = -1.000000e+00 : f64}
func.func @elementwise(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = kiln.sub %0, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %2 = kiln.mul %1, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = kiln.div %2, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = kiln.relu %3 : tensor<2x3xf32>
  %5 = kiln.clamp %4 {min = 0.0 : f64, max = 6.0 : f64} : tensor<2x3xf32>
  %6 = kiln.clamp %5 {min = -1.0 : f64} : tensor<2x3xf32>
  return %6 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @shapes
// CHECK: kiln.reshape
// CHECK: kiln.permute %{{.*}} {dims = array<i64: 1, 0>}
func.func @shapes(%x: tensor<2x3x4xf32>) -> tensor<12x2xf32> {
  %0 = kiln.reshape %x : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  %1 = kiln.permute %0 {dims = array<i64: 1, 0>} : (tensor<2x12xf32>) -> tensor<12x2xf32>
  return %1 : tensor<12x2xf32>
}

// -----

// CHECK-LABEL: func.func @pooling_and_mean
// CHECK: kiln.max_pool2d
// CHECK: kiln.avg_pool2d {{.*}}divisor_override = 3 : i64
// CHECK: kiln.mean
func.func @pooling_and_mean(%x: tensor<1x2x8x8xf32>) -> tensor<1x2xf32> {
  %0 = kiln.max_pool2d %x {kernel = array<i64: 3, 3>, stride = array<i64: 2, 2>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>, ceil_mode = true} : (tensor<1x2x8x8xf32>) -> tensor<1x2x5x5xf32>
  %1 = kiln.avg_pool2d %0 {kernel = array<i64: 2, 2>, stride = array<i64: 1, 1>, padding = array<i64: 0, 0>, ceil_mode = false, count_include_pad = true, divisor_override = 3 : i64} : (tensor<1x2x5x5xf32>) -> tensor<1x2x4x4xf32>
  %2 = kiln.mean %1 {dims = array<i64: 2, 3>, keepdim = false} : (tensor<1x2x4x4xf32>) -> tensor<1x2xf32>
  return %2 : tensor<1x2xf32>
}

// -----

// CHECK-LABEL: func.func @integer_and_boolean
// CHECK: kiln.div_floor %{{.*}}, %{{.*}} : (tensor<4xi64>, tensor<i64>) -> tensor<4xi64>
// CHECK: kiln.compare %{{.*}}, %{{.*}} {predicate = "ge"} : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
// CHECK: kiln.bitwise_not %{{.*}} : tensor<4xi1>
// CHECK: kiln.select %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4xi1>, tensor<4xi64>, tensor<i64>) -> tensor<4xi64>
// CHECK: kiln.convert %{{.*}} : (tensor<4xi64>) -> tensor<4xf16>
// CHECK: kiln.argmin %{{.*}} {dim = 0 : i64, keepdim = true} : (tensor<4xf16>) -> tensor<1xi64>
func.func @integer_and_boolean(%a: tensor<4xi64>, %b: tensor<i64>) -> tensor<1xi64> {
  %0 = kiln.div_floor %a, %b : (tensor<4xi64>, tensor<i64>) -> tensor<4xi64>
  %1 = kiln.compare %0, %a {predicate = "ge"} : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %2 = kiln.bitwise_not %1 : tensor<4xi1>
  %3 = kiln.select %2, %a, %b : (tensor<4xi1>, tensor<4xi64>, tensor<i64>) -> tensor<4xi64>
  %4 = kiln.convert %3 : (tensor<4xi64>) -> tensor<4xf16>
  %5 = kiln.argmin %4 {dim = 0 : i64, keepdim = true} : (tensor<4xf16>) -> tensor<1xi64>
  return %5 : tensor<1xi64>
}

// -----

// CHECK-LABEL: func.func @rearrangement
// CHECK: kiln.pad %{{.*}} {high = array<i64: 0, 0, 1, 1>, low = array<i64: 0, 0, 1, 1>, mode = "replicate", value = 0.000000e+00 : f64}
// CHECK: kiln.flip %{{.*}} {dims = array<i64: 2>} : tensor<1x2x5x5xf32>
// CHECK: kiln.resize %{{.*}} {align_corners = true, mode = "bilinear", scale_h = 4.000000e-01 : f64, scale_w = 4.000000e-01 : f64}
// CHECK: kiln.gather %{{.*}}, %{{.*}} {dim = 3 : i64} : (tensor<1x2x11x11xf32>, tensor<1x2x11x1xi32>) -> tensor<1x2x11x1xf32>
func.func @rearrangement(%x: tensor<1x2x3x3xf32>, %i: tensor<1x2x11x1xi32>) -> tensor<1x2x11x1xf32> {
  %0 = kiln.pad %x {low = array<i64: 0, 0, 1, 1>, high = array<i64: 0, 0, 1, 1>, value = 0.0 : f64, mode = "replicate"} : (tensor<1x2x3x3xf32>) -> tensor<1x2x5x5xf32>
  %1 = kiln.flip %0 {dims = array<i64: 2>} : tensor<1x2x5x5xf32>
  %2 = kiln.resize %1 {mode = "bilinear", align_corners = true, scale_h = 0.4 : f64, scale_w = 0.4 : f64} : (tensor<1x2x5x5xf32>) -> tensor<1x2x11x11xf32>
  %3 = kiln.gather %2, %i {dim = 3 : i64} : (tensor<1x2x11x11xf32>, tensor<1x2x11x1xi32>) -> tensor<1x2x11x1xf32>
  return %3 : tensor<1x2x11x1xf32>
}
