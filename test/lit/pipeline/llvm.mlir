// RUN: kiln-opt %s -kiln-pipeline | FileCheck %s
// RUN: kiln-opt %s -kiln-pipeline='index-bitwidth=32' | FileCheck %s --check-prefix=I32

// The whole pipeline ends in the LLVM dialect with bare pointers: one per
// input, one per output, one for the arena; no call to malloc or to MLIR's
// runtime library.
// CHECK-LABEL: llvm.func @forward(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr {kiln.arena = 0 : i64})
// CHECK-NOT: llvm.call @malloc
// CHECK-NOT: llvm.call @memrefCopy
// I32-LABEL: llvm.func @forward
// I32: llvm.getelementptr {{.*}} (!llvm.ptr, i32)
func.func @forward(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32> {
  %0 = kiln.max_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 0, 0>, dilation = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32>
  %1 = kiln.relu %0 : tensor<1x2x3x3xf32>
  return %1 : tensor<1x2x3x3xf32>
}
