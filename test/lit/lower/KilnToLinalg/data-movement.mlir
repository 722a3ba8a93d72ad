// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg | FileCheck %s

// Reshapes are views: one collapse or expand when the shapes allow it.
// CHECK-LABEL: func.func @flatten
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<2x3x4x5xf32> into tensor<2x60xf32>
// CHECK-NOT: linalg
func.func @flatten(%x: tensor<2x3x4x5xf32>) -> tensor<2x60xf32> {
  %0 = kiln.reshape %x : (tensor<2x3x4x5xf32>) -> tensor<2x60xf32>
  return %0 : tensor<2x60xf32>
}

// -----

// Other reshapes go through one dimension, still without a copy.
// CHECK-LABEL: func.func @regroup
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<6x4xf32> into tensor<24xf32>
// CHECK: tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [4, 6]
func.func @regroup(%x: tensor<6x4xf32>) -> tensor<4x6xf32> {
  %0 = kiln.reshape %x : (tensor<6x4xf32>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

// Permutations become linalg.transpose.
// CHECK-LABEL: func.func @permute
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<4x2x3xf32>) permutation = [2, 0, 1]
func.func @permute(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = kiln.permute %x {dims = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// -----

// Reflect padding reads the input mirrored: -i before the start, 2(n-1) - i
// past the end; constant padding stays tensor.pad.
// CHECK-LABEL: func.func @pads
// CHECK: linalg.generic
// CHECK: linalg.index
// CHECK: arith.select
// CHECK: tensor.extract
// CHECK: tensor.pad
func.func @pads(%a: tensor<1x4xf32>) -> (tensor<1x7xf32>, tensor<1x6xf32>) {
  %0 = kiln.pad %a {low = array<i64: 0, 2>, high = array<i64: 0, 1>, value = 0.0 : f64, mode = "reflect"} : (tensor<1x4xf32>) -> tensor<1x7xf32>
  %1 = kiln.pad %a {low = array<i64: 0, 1>, high = array<i64: 0, 1>, value = 2.0 : f64} : (tensor<1x4xf32>) -> tensor<1x6xf32>
  return %0, %1 : tensor<1x7xf32>, tensor<1x6xf32>
}

// -----

// flip is an affine read `size - 1 - i` in the flipped dimension only.
// CHECK: #[[FLIP:.*]] = affine_map<(d0, d1) -> (d0, -d1 + 3)>
// CHECK-LABEL: func.func @flip
// CHECK: linalg.generic {indexing_maps = [#[[FLIP]], #{{.*}}]
func.func @flip(%a: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = kiln.flip %a {dims = array<i64: 1>} : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// gather: negative indices wrap, then clamp into range before the read.
// CHECK-LABEL: func.func @gather
// CHECK: arith.index_cast
// CHECK: arith.cmpi slt
// CHECK: arith.minsi
// CHECK: arith.maxsi
// CHECK: tensor.extract
func.func @gather(%a: tensor<2x5xf32>, %i: tensor<2x3xi64>) -> tensor<2x3xf32> {
  %0 = kiln.gather %a, %i {dim = 1 : i64} : (tensor<2x5xf32>, tensor<2x3xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Bilinear resize reads four neighbours and blends them; nearest reads one.
// CHECK-LABEL: func.func @resize
// CHECK: math.floor
// CHECK-COUNT-4: tensor.extract
// CHECK: linalg.generic
// CHECK-COUNT-1: tensor.extract
func.func @resize(%a: tensor<1x1x3x3xf32>) -> (tensor<1x1x6x6xf32>, tensor<1x1x6x6xf32>) {
  %0 = kiln.resize %a {mode = "bilinear", align_corners = false, scale_h = 0.5 : f64, scale_w = 0.5 : f64} : (tensor<1x1x3x3xf32>) -> tensor<1x1x6x6xf32>
  %1 = kiln.resize %a {mode = "nearest", align_corners = false, scale_h = 0.5 : f64, scale_w = 0.5 : f64} : (tensor<1x1x3x3xf32>) -> tensor<1x1x6x6xf32>
  return %0, %1 : tensor<1x1x6x6xf32>, tensor<1x1x6x6xf32>
}
