// RUN: kiln-opt %s -kiln-flatten-constant-globals | FileCheck %s
// RUN: kiln-opt %s -kiln-flatten-constant-globals -expand-strided-metadata -finalize-memref-to-llvm -reconcile-unrealized-casts | FileCheck %s --check-prefix=LLVM

// A constant weight of rank 4 (a grouped 3x3 convolution): one dimension, the
// same blob, read back through expand_shape at its original shape.
// CHECK-DAG: memref.global "private" constant @w4 : memref<24xf32> = dense_resource<w4_blob> {alignment = 64 : i64}
// A dense constant of rank 2 is reshaped too.
// CHECK-DAG: memref.global "private" constant @d2 : memref<6xi32> = dense<[1, 2, 3, 4, 5, 6]>
// Left alone: a mutable global, rank 1, rank 0, one without a value, a strided type.
// CHECK-DAG: memref.global "private" @state : memref<2x2xf32> = dense<0.000000e+00>
// CHECK-DAG: memref.global "private" constant @bias : memref<4xf32> = dense<1.000000e+00>
// CHECK-DAG: memref.global "private" constant @scalar : memref<f32> = dense<2.000000e+00>
// CHECK-DAG: memref.global "private" @uninit : memref<2x3xf32> = uninitialized
// CHECK-DAG: memref.global "private" constant @strided : memref<2x2xf32, strided<[4, 1]>> = dense<3.000000e+00>

// CHECK-LABEL: func.func @use
// CHECK: %[[W:.*]] = memref.get_global @w4 : memref<24xf32>
// CHECK: %[[W4:.*]] = memref.expand_shape %[[W]] {{\[\[}}0, 1, 2, 3]] output_shape [2, 1, 3, 4] : memref<24xf32> into memref<2x1x3x4xf32>
// CHECK: %[[D:.*]] = memref.get_global @d2 : memref<6xi32>
// CHECK: %[[D2:.*]] = memref.expand_shape %[[D]] {{\[\[}}0, 1]] output_shape [2, 3] : memref<6xi32> into memref<2x3xi32>
// CHECK: memref.get_global @state : memref<2x2xf32>
// CHECK: memref.get_global @bias : memref<4xf32>
// CHECK: memref.get_global @scalar : memref<f32>
// CHECK: memref.get_global @uninit : memref<2x3xf32>
// CHECK: memref.get_global @strided : memref<2x2xf32, strided<[4, 1]>>
// CHECK: memref.load %[[W4]]
// CHECK: memref.load %[[D2]]
// Every reader of a flattened global is rewritten, not only the first.
// CHECK: %[[W2:.*]] = memref.get_global @w4 : memref<24xf32>
// CHECK: memref.expand_shape %[[W2]]
// CHECK-NOT: memref.get_global @w4 : memref<2x1x3x4xf32>
// The data is the blob it was, under the same name.
// CHECK: w4_blob: "0x04000000000000000000803F000000400000404000008040

// The LLVM globals of the flattened constants are flat arrays; the mutable
// one keeps its nested type.
// LLVM-DAG: llvm.mlir.global private constant @w4(dense_resource<w4_blob> : tensor<24xf32>) {addr_space = 0 : i32, alignment = 64 : i64} : !llvm.array<24 x f32>
// LLVM-DAG: llvm.mlir.global private constant @d2(dense<[1, 2, 3, 4, 5, 6]> : tensor<6xi32>) {addr_space = 0 : i32} : !llvm.array<6 x i32>
// LLVM-DAG: llvm.mlir.global private @state(dense<0.000000e+00> : tensor<2x2xf32>) {addr_space = 0 : i32} : !llvm.array<2 x array<2 x f32>>

module {
  memref.global "private" constant @w4 : memref<2x1x3x4xf32> = dense_resource<w4_blob> {alignment = 64 : i64}
  memref.global "private" constant @d2 : memref<2x3xi32> = dense<[[1, 2, 3], [4, 5, 6]]>
  memref.global "private" @state : memref<2x2xf32> = dense<0.0>
  memref.global "private" constant @bias : memref<4xf32> = dense<1.0>
  memref.global "private" constant @scalar : memref<f32> = dense<2.0>
  memref.global "private" @uninit : memref<2x3xf32> = uninitialized
  memref.global "private" constant @strided : memref<2x2xf32, strided<[4, 1]>> = dense<3.0>

  func.func @use(%i: index) -> (f32, i32) {
    %w = memref.get_global @w4 : memref<2x1x3x4xf32>
    %d = memref.get_global @d2 : memref<2x3xi32>
    %s = memref.get_global @state : memref<2x2xf32>
    %b = memref.get_global @bias : memref<4xf32>
    %c = memref.get_global @scalar : memref<f32>
    %u = memref.get_global @uninit : memref<2x3xf32>
    %t = memref.get_global @strided : memref<2x2xf32, strided<[4, 1]>>
    %x = memref.load %w[%i, %i, %i, %i] : memref<2x1x3x4xf32>
    %y = memref.load %d[%i, %i] : memref<2x3xi32>
    return %x, %y : f32, i32
  }

  func.func @again() -> memref<2x1x3x4xf32> {
    %w = memref.get_global @w4 : memref<2x1x3x4xf32>
    return %w : memref<2x1x3x4xf32>
  }
}

{-#
  dialect_resources: {
    builtin: {
      w4_blob: "0x04000000000000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041000020410000304100004041000050410000604100007041000080410000884100009041000098410000A0410000A8410000B0410000B841"
    }
  }
#-}
