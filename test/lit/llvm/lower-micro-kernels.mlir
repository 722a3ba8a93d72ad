// RUN: kiln-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(kiln-lower-micro-kernels)' | FileCheck %s
// RUN: kiln-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(kiln-lower-micro-kernels{index-bitwidth=32})' \
// RUN:   | FileCheck %s --check-prefix=I32

// Each operand becomes a pointer to its first element (aligned base + offset
// * 4 bytes), each param an i32; the kernel is declared once, privately.
// CHECK: func.func private @kiln_uk_linear(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, i32, i32, i32, i32)
// CHECK-LABEL: func.func @linear
// CHECK: %[[BASE:.*]], %[[OFF:.*]], %{{.*}}:2, %{{.*}}:2 = memref.extract_strided_metadata %arg0
// CHECK: %[[P:.*]] = memref.extract_aligned_pointer_as_index %arg0
// CHECK: %[[BYTES:.*]] = arith.muli %[[OFF]], %{{.*}} : index
// CHECK: %[[ADDR:.*]] = arith.addi %[[P]], %[[BYTES]]
// CHECK: %[[I:.*]] = arith.index_cast %[[ADDR]] : index to i64
// CHECK: %[[X:.*]] = llvm.inttoptr %[[I]] : i64 to !llvm.ptr
// CHECK-COUNT-3: llvm.inttoptr
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : i32
// CHECK-DAG: %[[C8:.*]] = arith.constant 8 : i32
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : i32
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : i32
// CHECK: call @kiln_uk_linear(%[[X]], %{{.*}}, %{{.*}}, %{{.*}}, %[[C2]], %[[C8]], %[[C3]], %[[C1]])
// CHECK-NOT: kiln.micro_kernel
// CHECK: call @kiln_uk_linear(
// I32: arith.index_cast %{{.*}} : index to i32
// I32: llvm.inttoptr %{{.*}} : i32 to !llvm.ptr
func.func @linear(%x: memref<2x8xf32>, %w: memref<32xf32>, %b: memref<4xf32>,
                  %y: memref<2x3xf32>, %z: memref<2x3xf32, strided<[3, 1], offset: 6>>) {
  kiln.micro_kernel "linear" [2, 8, 3, 1] ins(%x, %w, %b : memref<2x8xf32>, memref<32xf32>, memref<4xf32>) outs(%y : memref<2x3xf32>)
  kiln.micro_kernel "linear" [2, 8, 3, 1] ins(%x, %w, %b : memref<2x8xf32>, memref<32xf32>, memref<4xf32>) outs(%z : memref<2x3xf32, strided<[3, 1], offset: 6>>)
  return
}

// -----

func.func @not_bufferized(%x: tensor<2x8xf32>, %w: tensor<32xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  %e = tensor.empty() : tensor<2x3xf32>
  // expected-error @+1 {{must be bufferized before kiln-lower-micro-kernels}}
  %y = kiln.micro_kernel "linear" [2, 8, 3, 0] ins(%x, %w, %b : tensor<2x8xf32>, tensor<32xf32>, tensor<4xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
