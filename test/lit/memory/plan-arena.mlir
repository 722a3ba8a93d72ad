// RUN: kiln-opt %s -split-input-file -allow-unregistered-dialect -kiln-plan-arena='alignment=64' -verify-diagnostics | FileCheck %s

// Every allocation becomes a view into a trailing arena argument at an
// aligned offset; deallocations disappear; the size is recorded.
// CHECK-LABEL: func.func @two_buffers
// CHECK-SAME: (%[[IN:.*]]: memref<4xf32>, %[[OUT:.*]]: memref<4xf32>, %[[ARENA:.*]]: memref<192xi8> {kiln.arena})
// CHECK-SAME: attributes {kiln.arena_align = 64 : i64, kiln.arena_size = 192 : i64}
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[A:.*]] = memref.view %[[ARENA]][%[[C0]]][] : memref<192xi8> to memref<10xf32>
// CHECK: %[[C64:.*]] = arith.constant 64 : index
// CHECK: %[[B:.*]] = memref.view %[[ARENA]][%[[C64]]][] : memref<192xi8> to memref<3x5xf64>
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
// CHECK: "test.use"(%[[A]], %[[B]])
func.func @two_buffers(%in: memref<4xf32>, %out: memref<4xf32>) {
  %a = memref.alloc() : memref<10xf32>
  %b = memref.alloc() : memref<3x5xf64>
  "test.use"(%a, %b) : (memref<10xf32>, memref<3x5xf64>) -> ()
  memref.dealloc %a : memref<10xf32>
  return
}

// -----

// Without allocations the arena is empty but still part of the signature.
// CHECK-LABEL: func.func @no_buffers
// CHECK-SAME: memref<0xi8> {kiln.arena}
// CHECK-SAME: kiln.arena_size = 0 : i64
func.func @no_buffers(%in: memref<4xf32>) {
  return
}

// -----

// Private functions are not entry points and keep their signature.
// CHECK-LABEL: func.func private @helper(%{{.*}}: memref<4xf32>)
// CHECK-NOT: kiln.arena
func.func private @helper(%in: memref<4xf32>) {
  return
}

// -----

func.func @dynamic(%n: index) {
  // expected-error @+1 {{generated code cannot allocate a buffer of dynamic size 'memref<?xf32>'}}
  %a = memref.alloc(%n) : memref<?xf32>
  "test.use"(%a) : (memref<?xf32>) -> ()
  return
}
