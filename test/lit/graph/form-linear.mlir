// RUN: kiln-opt %s -split-input-file -kiln-form-linear | FileCheck %s

// Core ATen's addmm(b, x, permute(W)) imports as add(matmul(x, permute(W)), b):
// it becomes linear(x, W, b) again.
// CHECK-LABEL: func.func @addmm_form
// CHECK-NEXT: %[[L:.*]] = kiln.linear %arg0, %arg1, %arg2 : (tensor<2x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: return %[[L]]
func.func @addmm_form(%x: tensor<2x8xf32>, %w: tensor<4x8xf32>, %b: tensor<4xf32>) -> tensor<2x4xf32> {
  %t = kiln.permute %w {dims = array<i64: 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>
  %m = kiln.matmul %x, %t : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  %y = kiln.add %m, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// A bias that is not per-feature stays an add; a matmul with an ordinary
// right-hand side stays a matmul.
// CHECK-LABEL: func.func @leaves_others
// CHECK: %[[L:.*]] = kiln.linear %arg0, %arg1 :
// CHECK: kiln.add %[[L]], %arg2
// CHECK: kiln.matmul %arg0, %arg3
func.func @leaves_others(%x: tensor<2x8xf32>, %w: tensor<4x8xf32>, %b: tensor<2x4xf32>, %r: tensor<8x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %t = kiln.permute %w {dims = array<i64: 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>
  %m = kiln.matmul %x, %t : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  %y = kiln.add %m, %b : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %z = kiln.matmul %x, %r : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  return %y, %z : tensor<2x4xf32>, tensor<2x4xf32>
}
