// RUN: kiln-opt %s -split-input-file -kiln-fuse-activations | FileCheck %s

// relu, relu6 (clamp 0..6), hardswish and sigmoid move into the producing
// conv2d or linear as its `activation`.
// CHECK-LABEL: func.func @fused
// CHECK: %[[C:.*]] = kiln.conv2d {{.*}}activation = "relu6"
// CHECK: %[[L:.*]] = kiln.linear {{.*}}{activation = "hardswish"}
// CHECK-NOT: kiln.clamp
// CHECK-NOT: kiln.hardswish
// CHECK: return %[[C]], %[[L]]
func.func @fused(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x1x1xf32>, %v: tensor<2x4xf32>, %lw: tensor<4x4xf32>) -> (tensor<1x1x3x3xf32>, tensor<2x4xf32>) {
  %c = kiln.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
  %r = kiln.clamp %c {min = 0.0 : f64, max = 6.0 : f64} : tensor<1x1x3x3xf32>
  %l = kiln.linear %v, %lw : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  %h = kiln.hardswish %l : tensor<2x4xf32>
  return %r, %h : tensor<1x1x3x3xf32>, tensor<2x4xf32>
}

// -----

// Left alone: a producer with another user (its un-activated value is
// needed), a clamp that is not relu6, and an activation of something else.
// CHECK-LABEL: func.func @not_fused
// CHECK: %[[L:.*]] = kiln.linear %arg0, %arg1 :
// CHECK: kiln.relu %[[L]]
// CHECK: kiln.clamp {{.*}}max = 1.0
// CHECK: kiln.sigmoid %arg0
func.func @not_fused(%v: tensor<2x4xf32>, %lw: tensor<4x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
  %l = kiln.linear %v, %lw : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  %r = kiln.relu %l : tensor<2x4xf32>
  %l2 = kiln.linear %v, %lw : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  %c = kiln.clamp %l2 {min = 0.0 : f64, max = 1.0 : f64} : tensor<2x4xf32>
  %s = kiln.sigmoid %v : tensor<2x4xf32>
  return %l, %r, %c, %s : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}
