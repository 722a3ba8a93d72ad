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
