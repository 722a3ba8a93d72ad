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

// -----

// Core ATen's hardswish, x * clamp(x + 3, 0, 6) / 6 with the clamp as two,
// becomes hardswish and fuses into the convolution; the decomposition is gone.
// CHECK-LABEL: func.func @core_hardswish
// CHECK: %[[Y:.*]] = kiln.conv2d {{.*}}activation = "hardswish"
// CHECK-NOT: kiln.clamp
// CHECK-NOT: kiln.div
// CHECK: return %[[Y]]
func.func @core_hardswish(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<0.5> : tensor<2x2x1x1xf32>
  %three = arith.constant dense<3.0> : tensor<f32>
  %six = arith.constant dense<6.0> : tensor<f32>
  %c = kiln.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %a = kiln.add %c, %three : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %lo = kiln.clamp %a {min = 0.0 : f64} : tensor<1x2x4x4xf32>
  %hi = kiln.clamp %lo {max = 6.0 : f64} : tensor<1x2x4x4xf32>
  %m = kiln.mul %c, %hi : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %d = kiln.div %m, %six : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  return %d : tensor<1x2x4x4xf32>
}

// -----

// Core ATen's hardsigmoid, clamp(x + 3, 0, 6) / 6, becomes hardsigmoid (not
// an epilogue: it stays an op).
// CHECK-LABEL: func.func @core_hardsigmoid
// CHECK: %[[S:.*]] = kiln.hardsigmoid %arg0
// CHECK-NOT: kiln.div
// CHECK: return %[[S]]
func.func @core_hardsigmoid(%x: tensor<4xf32>) -> tensor<4xf32> {
  %three = arith.constant dense<3.0> : tensor<f32>
  %six = arith.constant dense<6.0> : tensor<f32>
  %a = kiln.add %three, %x : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %r = kiln.clamp %a {min = 0.0 : f64, max = 6.0 : f64} : tensor<4xf32>
  %d = kiln.div %r, %six : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// Left alone: a different constant (x * clamp(x + 3, 0, 6) / 5), and a
// product with another tensor than the clamp's input.
// CHECK-LABEL: func.func @not_hardswish
// CHECK-NOT: kiln.hardswish
// CHECK-NOT: kiln.hardsigmoid
// CHECK: kiln.div
// CHECK: kiln.div
// CHECK: return
func.func @not_hardswish(%x: tensor<4xf32>, %y: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %three = arith.constant dense<3.0> : tensor<f32>
  %five = arith.constant dense<5.0> : tensor<f32>
  %six = arith.constant dense<6.0> : tensor<f32>
  %a = kiln.add %x, %three : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %r = kiln.clamp %a {min = 0.0 : f64, max = 6.0 : f64} : tensor<4xf32>
  %m = kiln.mul %x, %r : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %d = kiln.div %m, %five : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %m2 = kiln.mul %y, %r : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %d2 = kiln.div %m2, %six : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %d, %d2 : tensor<4xf32>, tensor<4xf32>
}

// -----

// clamp(min = 0) without a max (an XNNPACK node's output range [0, inf)) is
// relu; a clamp with another minimum stays.
// CHECK-LABEL: func.func @clamp_min
// CHECK: %[[C:.*]] = kiln.conv2d {{.*}}activation = "relu"
// CHECK: %[[D:.*]] = kiln.conv2d
// CHECK-NOT: activation
// CHECK: %[[K:.*]] = kiln.clamp %[[D]] {min = 5.000000e-01 : f64}
// CHECK: return %[[C]], %[[K]]
func.func @clamp_min(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x1x1xf32>) -> (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) {
  %c = kiln.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
  %r = kiln.clamp %c {min = 0.0 : f64} : tensor<1x1x3x3xf32>
  %d = kiln.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
  %k = kiln.clamp %d {min = 0.5 : f64} : tensor<1x1x3x3xf32>
  return %r, %k : tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>
}
