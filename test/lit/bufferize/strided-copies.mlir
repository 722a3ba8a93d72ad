// RUN: kiln-opt %s -split-input-file -kiln-lower-strided-copies | FileCheck %s

// A copy into a strided subview would call MLIR's runtime library: it
// becomes linalg.copy.
// CHECK-LABEL: func.func @into_subview
// CHECK: linalg.copy ins(%{{.*}} : memref<2x3xf32>) outs(%{{.*}} : memref<2x3xf32, strided<[5, 1], offset: 6>>)
// CHECK-NOT: memref.copy
func.func @into_subview(%src: memref<2x3xf32>, %dst: memref<4x5xf32>) {
  %sub = memref.subview %dst[1, 1] [2, 3] [1, 1] : memref<4x5xf32> to memref<2x3xf32, strided<[5, 1], offset: 6>>
  memref.copy %src, %sub : memref<2x3xf32> to memref<2x3xf32, strided<[5, 1], offset: 6>>
  return
}

// -----

// Contiguous copies stay memref.copy: they lower to llvm.memcpy.
// CHECK-LABEL: func.func @contiguous
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<2x3xf32> to memref<2x3xf32>
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<2x3xf32, strided<[3, 1], offset: 6>> to memref<2x3xf32>
// CHECK-NOT: linalg.copy
func.func @contiguous(%src: memref<2x3xf32>, %dst: memref<2x3xf32>, %big: memref<4x3xf32>) {
  memref.copy %src, %dst : memref<2x3xf32> to memref<2x3xf32>
  %rows = memref.subview %big[2, 0] [2, 3] [1, 1] : memref<4x3xf32> to memref<2x3xf32, strided<[3, 1], offset: 6>>
  memref.copy %rows, %dst : memref<2x3xf32, strided<[3, 1], offset: 6>> to memref<2x3xf32>
  return
}
