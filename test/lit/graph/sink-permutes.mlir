// RUN: kiln-opt %s -split-input-file -kiln-sink-permutes | FileCheck %s

// An imported NHWC graph's int8 ops between the permutes back and forth: the
// lookup, the per-tensor dequantize and the add of two tensors permuted alike
// move past the permutes, which then cancel.
// CHECK-LABEL: func.func @nhwc_chain
// CHECK-NOT: kiln.permute
// CHECK: %[[L:.*]] = kiln.lookup %arg0, %arg2 : (tensor<1x2x3x4xi8>, tensor<256xi8>) -> tensor<1x2x3x4xi8>
// CHECK: %[[A:.*]] = kiln.add %arg1, %arg1 : (tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32>
// CHECK-NOT: kiln.permute
// CHECK: return %[[L]], %[[A]]
func.func @nhwc_chain(%x: tensor<1x2x3x4xi8>, %f: tensor<1x2x3x4xf32>, %t: tensor<256xi8>) -> (tensor<1x2x3x4xi8>, tensor<1x2x3x4xf32>) {
  %nhwc = kiln.permute %x {dims = array<i64: 0, 2, 3, 1>} : (tensor<1x2x3x4xi8>) -> tensor<1x3x4x2xi8>
  %l = kiln.lookup %nhwc, %t : (tensor<1x3x4x2xi8>, tensor<256xi8>) -> tensor<1x3x4x2xi8>
  %back = kiln.permute %l {dims = array<i64: 0, 3, 1, 2>} : (tensor<1x3x4x2xi8>) -> tensor<1x2x3x4xi8>
  %p1 = kiln.permute %f {dims = array<i64: 0, 2, 3, 1>} : (tensor<1x2x3x4xf32>) -> tensor<1x3x4x2xf32>
  %p2 = kiln.permute %f {dims = array<i64: 0, 2, 3, 1>} : (tensor<1x2x3x4xf32>) -> tensor<1x3x4x2xf32>
  %a = kiln.add %p1, %p2 : (tensor<1x3x4x2xf32>, tensor<1x3x4x2xf32>) -> tensor<1x3x4x2xf32>
  %b = kiln.permute %a {dims = array<i64: 0, 3, 1, 2>} : (tensor<1x3x4x2xf32>) -> tensor<1x2x3x4xf32>
  return %back, %b : tensor<1x2x3x4xi8>, tensor<1x2x3x4xf32>
}

// -----

// Left alone: a permute with another user, an add of tensors permuted
// differently, and an add of a permute and something else.
// CHECK-LABEL: func.func @left_alone
// CHECK: %[[P:.*]] = kiln.permute %arg0 {dims = array<i64: 1, 0>}
// CHECK: kiln.relu %[[P]]
// CHECK: kiln.permute %arg1 {dims = array<i64: 0, 2, 1>}
// CHECK: kiln.permute %arg1 {dims = array<i64: 2, 1, 0>}
// CHECK: kiln.add
// CHECK: kiln.add %[[P]], %arg2
func.func @left_alone(%x: tensor<2x3xf32>, %y: tensor<2x2x2xf32>, %z: tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>, tensor<2x2x2xf32>, tensor<3x2xf32>) {
  %p = kiln.permute %x {dims = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %r = kiln.relu %p : tensor<3x2xf32>
  %q1 = kiln.permute %y {dims = array<i64: 0, 2, 1>} : (tensor<2x2x2xf32>) -> tensor<2x2x2xf32>
  %q2 = kiln.permute %y {dims = array<i64: 2, 1, 0>} : (tensor<2x2x2xf32>) -> tensor<2x2x2xf32>
  %a = kiln.add %q1, %q2 : (tensor<2x2x2xf32>, tensor<2x2x2xf32>) -> tensor<2x2x2xf32>
  %b = kiln.add %p, %z : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  return %p, %r, %a, %b : tensor<3x2xf32>, tensor<3x2xf32>, tensor<2x2x2xf32>, tensor<3x2xf32>
}
