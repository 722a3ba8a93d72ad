// RUN: kiln-opt %s -split-input-file -allow-unregistered-dialect -kiln-plan-arena='alignment=64' -verify-diagnostics | FileCheck %s

// Buffers whose lifetimes do not intersect share memory: %a dies at the
// first use, %b starts after it. Deallocations disappear; the size and the
// plan are recorded.
// CHECK-LABEL: func.func @reuse
// CHECK-SAME: (%{{.*}}: memref<4xf32>, %[[ARENA:.*]]: memref<64xi8> {kiln.arena = 0 : i64})
// CHECK-SAME: kiln.arena_align = 64 : i64, kiln.arena_size = 64 : i64
// CHECK-SAME: kiln.memory_plan = {algorithm = "{{.*}}", banks = [{align = 64 : i64, capacity = -1 : i64, name = "arena", size = 64 : i64}]
// CHECK-SAME: buffers = [{bank = 0 : i64, first = 0 : i64, io = 0 : i64, io_index = -1 : i64, last = 0 : i64, name = "", offset = 0 : i64, size = 40 : i64}, {bank = 0 : i64, first = 1 : i64, io = 0 : i64, io_index = -1 : i64, last = 1 : i64, name = "", offset = 0 : i64, size = 24 : i64}]
// CHECK-SAME: lower_bound = 64 : i64, ops = {{\[}}["", "test.a"], ["", "test.b"]], total = 64 : i64, unaligned_lower_bound = 40 : i64}
// CHECK: memref.view %[[ARENA]][%{{.*}}][] : memref<64xi8> to memref<10xf32>
// CHECK: memref.view %[[ARENA]][%{{.*}}][] : memref<64xi8> to memref<6xf32>
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
func.func @reuse(%out: memref<4xf32>) {
  %a = memref.alloc() : memref<10xf32>
  "test.a"(%a) : (memref<10xf32>) -> ()
  memref.dealloc %a : memref<10xf32>
  %b = memref.alloc() : memref<6xf32>
  "test.b"(%b) : (memref<6xf32>) -> ()
  return
}

// -----

// Lifetimes that intersect get disjoint, aligned ranges. A view (here an
// expand_shape) is its buffer: using it keeps %a live until test.c.
// CHECK-LABEL: func.func @overlap
// CHECK-SAME: kiln.arena_size = 128 : i64
// CHECK-SAME: first = 0 : i64, io = 0 : i64, io_index = -1 : i64, last = 2 : i64
// CHECK: %[[C0:.*]] = arith.constant {{0|64}} : index
// CHECK: %[[C1:.*]] = arith.constant {{0|64}} : index
func.func @overlap() {
  %a = memref.alloc() : memref<8xf32>
  %b = memref.alloc() : memref<8xf32>
  "test.a"(%a) : (memref<8xf32>) -> ()
  %v = memref.expand_shape %a [[0, 1]] output_shape [2, 4] : memref<8xf32> into memref<2x4xf32>
  "test.b"(%b) : (memref<8xf32>) -> ()
  "test.c"(%v) : (memref<2x4xf32>) -> ()
  return
}

// -----

// In place: an elementwise generic whose input buffer dies there and whose
// output buffer starts there writes over the input (one offset, one range).
// CHECK-LABEL: func.func @in_place
// CHECK-SAME: kiln.arena_size = 64 : i64
// CHECK-SAME: lower_bound = 64 : i64
// CHECK: memref.view %{{.*}}[%c0][]
// CHECK: memref.view %{{.*}}[%c0_0][]
#id = affine_map<(d0) -> (d0)>
func.func @in_place(%out: memref<16xf32>) {
  %a = memref.alloc() : memref<16xf32>
  "test.fill"(%a) : (memref<16xf32>) -> ()
  %b = memref.alloc() : memref<16xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%a : memref<16xf32>) outs(%b : memref<16xf32>) {
  ^bb0(%x: f32, %y: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  }
  "test.use"(%b) : (memref<16xf32>) -> ()
  return
}

// -----

// Not in place when the input is read again later: two ranges.
// CHECK-LABEL: func.func @input_lives_on
// CHECK-SAME: kiln.arena_size = 128 : i64
#id = affine_map<(d0) -> (d0)>
func.func @input_lives_on(%out: memref<16xf32>) {
  %a = memref.alloc() : memref<16xf32>
  "test.fill"(%a) : (memref<16xf32>) -> ()
  %b = memref.alloc() : memref<16xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%a : memref<16xf32>) outs(%b : memref<16xf32>) {
  ^bb0(%x: f32, %y: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  }
  "test.use"(%a, %b) : (memref<16xf32>, memref<16xf32>) -> ()
  return
}

// -----

// Without allocations the arena is empty but still part of the signature.
// CHECK-LABEL: func.func @no_buffers
// CHECK-SAME: memref<0xi8> {kiln.arena = 0 : i64}
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
