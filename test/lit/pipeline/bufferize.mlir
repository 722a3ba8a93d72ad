// RUN: kiln-opt %s -kiln-stage-lower -kiln-stage-bufferize -kiln-stage-memory | FileCheck %s

// After bufferization the result is an out-parameter, temporaries are views
// of the arena, weights are read-only globals, and nothing is allocated.
// CHECK: memref.global "private" constant @{{.*}} : memref<4x8xf32> = dense_resource<w>
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:.*]]: memref<2x8xf32>, %[[Y:.*]]: memref<4x2xf32>, %[[ARENA:.*]]: memref<{{[0-9]+}}xi8> {kiln.arena = 0 : i64})
// CHECK-SAME: kiln.arena_size =
// CHECK: memref.get_global
// CHECK: memref.view %[[ARENA]]
// CHECK-NOT: memref.alloc
// CHECK: return
// CHECK-NOT: return %
func.func @forward(%x: tensor<2x8xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense_resource<w> : tensor<4x8xf32>
  %0 = kiln.linear %x, %w : (tensor<2x8xf32>, tensor<4x8xf32>) -> tensor<2x4xf32>
  %1 = kiln.relu %0 : tensor<2x4xf32>
  %2 = kiln.add %1, %0 : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %3 = kiln.permute %2 {dims = array<i64: 1, 0>} : (tensor<2x4xf32>) -> tensor<4x2xf32>
  return %3 : tensor<4x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x04000000000000000000803F0000004000004040000080400000A0400000C0400000E040000000410000104100002041000030410000404100005041000060410000704100008041000088410000904100009841000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    }
  }
#-}
