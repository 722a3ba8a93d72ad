// RUN: kiln-opt %s --pass-pipeline='builtin.module(eliminate-empty-tensors, one-shot-bufferize{bufferize-function-boundaries=1 function-boundary-type-conversion=identity-layout-map})' \
// RUN:   | FileCheck %s

// kiln.micro_kernel bufferizes in destination style. The kernels address
// plain row-major memory: a result placed in a strided slice is computed into
// a contiguous buffer and copied there; a strided operand is copied into a
// contiguous buffer first. Contiguous operands are passed as they are.
// CHECK-LABEL: func.func @into_slice
// CHECK-SAME: (%[[X:.*]]: memref<2x8xf32>, %[[W:.*]]: memref<32xf32>, %[[B:.*]]: memref<4xf32>)
// CHECK: %[[D:.*]] = memref.alloc() {{.*}} : memref<2x6xf32>
// CHECK: %[[SLICE:.*]] = memref.subview %[[D]][0, 3] [2, 3] [1, 1]
// CHECK: %[[T:.*]] = memref.alloc() : memref<2x3xf32>
// CHECK: kiln.micro_kernel "linear" [2, 8, 3, 0] ins(%[[X]], %[[W]], %[[B]] : memref<2x8xf32>, memref<32xf32>, memref<4xf32>) outs(%[[T]] : memref<2x3xf32>)
// CHECK: memref.copy %[[T]], %[[SLICE]]
// CHECK: %[[STRIDED:.*]] = memref.subview %[[X]][0, 0] [2, 4] [1, 2]
// CHECK: %[[IN:.*]] = memref.alloc() : memref<2x4xf32>
// CHECK: memref.copy %[[STRIDED]], %[[IN]]
// CHECK: kiln.micro_kernel "linear" [2, 4, 3, 0] ins(%[[IN]], %[[W]], %[[B]] :
// CHECK: return %[[D]]
func.func @into_slice(%x: tensor<2x8xf32>, %w: tensor<32xf32>, %b: tensor<4xf32>) -> tensor<2x6xf32> {
  %e = tensor.empty() : tensor<2x3xf32>
  %y = kiln.micro_kernel "linear" [2, 8, 3, 0] ins(%x, %w, %b : tensor<2x8xf32>, tensor<32xf32>, tensor<4xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %d = tensor.empty() : tensor<2x6xf32>
  %z = tensor.insert_slice %y into %d[0, 3] [2, 3] [1, 1] : tensor<2x3xf32> into tensor<2x6xf32>
  %s = tensor.extract_slice %x[0, 0] [2, 4] [1, 2] : tensor<2x8xf32> to tensor<2x4xf32>
  %e2 = tensor.empty() : tensor<2x3xf32>
  %y2 = kiln.micro_kernel "linear" [2, 4, 3, 0] ins(%s, %w, %b : tensor<2x4xf32>, tensor<32xf32>, tensor<4xf32>) outs(%e2 : tensor<2x3xf32>) -> tensor<2x3xf32>
  %z2 = tensor.insert_slice %y2 into %z[0, 0] [2, 3] [1, 1] : tensor<2x3xf32> into tensor<2x6xf32>
  return %z2 : tensor<2x6xf32>
}
