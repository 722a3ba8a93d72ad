// RUN: kiln-opt %s -split-input-file -kiln-remove-noops | FileCheck %s

// Dropout at inference, copies, same-shape reshapes and expands, identity
// permutations, whole-dimension slices, one-input concats and bound-less
// clamps all go.
// CHECK-LABEL: func.func @noops
// CHECK-NOT: kiln.
// CHECK: return %arg0
func.func @noops(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.dropout %x {p = 5.0e-01 : f64} : tensor<2x3xf32>
  %1 = kiln.copy %0 : tensor<2x3xf32>
  %2 = kiln.reshape %1 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = kiln.permute %2 {dims = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = kiln.expand %3 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %5 = kiln.slice %4 {dim = 1 : i64, start = 0 : i64, end = 3 : i64, step = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %6 = kiln.concat %5 {dim = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %7 = kiln.clamp %6 : tensor<2x3xf32>
  return %7 : tensor<2x3xf32>
}

// -----

// Ops that do something stay.
// CHECK-LABEL: func.func @not_noops
// CHECK: kiln.reshape
// CHECK: kiln.permute {{.*}}dims = array<i64: 1, 0>
// CHECK: kiln.slice {{.*}}end = 2
// CHECK: kiln.clamp {{.*}}min = 0.0
func.func @not_noops(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %0 = kiln.reshape %x : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %1 = kiln.permute %0 {dims = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  %2 = kiln.slice %1 {dim = 1 : i64, start = 0 : i64, end = 2 : i64, step = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x2xf32>
  %3 = kiln.clamp %2 {min = 0.0 : f64} : tensor<2x2xf32>
  return %3 : tensor<2x2xf32>
}

// -----

// Permutations of permutations compose: NCHW -> NHWC -> NCHW cancels (an
// imported XNNPACK graph's layout changes), and two that do not cancel
// become one. A permute whose input is not a permute stays.
// CHECK-LABEL: func.func @permutes
// CHECK-NEXT: %[[P:.*]] = kiln.permute %arg0 {dims = array<i64: 0, 2, 3, 1>}
// CHECK-NEXT: %[[Q:.*]] = kiln.permute %arg0 {dims = array<i64: 0, 3, 2, 1>} : (tensor<1x2x3x4xf32>) -> tensor<1x4x3x2xf32>
// CHECK-NEXT: return %arg0, %[[P]], %[[Q]]
func.func @permutes(%x: tensor<1x2x3x4xf32>) -> (tensor<1x2x3x4xf32>, tensor<1x3x4x2xf32>, tensor<1x4x3x2xf32>) {
  %nhwc = kiln.permute %x {dims = array<i64: 0, 2, 3, 1>} : (tensor<1x2x3x4xf32>) -> tensor<1x3x4x2xf32>
  %back = kiln.permute %nhwc {dims = array<i64: 0, 3, 1, 2>} : (tensor<1x3x4x2xf32>) -> tensor<1x2x3x4xf32>
  %other = kiln.permute %nhwc {dims = array<i64: 0, 2, 1, 3>} : (tensor<1x3x4x2xf32>) -> tensor<1x4x3x2xf32>
  return %back, %nhwc, %other : tensor<1x2x3x4xf32>, tensor<1x3x4x2xf32>, tensor<1x4x3x2xf32>
}
