// RUN: kiln-opt %s -split-input-file -allow-unregistered-dialect -kiln-plan-arena='alignment=16 banks=fast:96:16,slow:1024:16' -verify-diagnostics | FileCheck %s
// RUN: kiln-opt %s -split-input-file -allow-unregistered-dialect -kiln-plan-arena='alignment=16 io-in-arena=true' | FileCheck %s --check-prefix=IO

// Banks, fastest first: what does not fit in `fast` (96 bytes) goes to
// `slow`. One argument per bank.
// CHECK-LABEL: func.func @spill
// CHECK-SAME: %[[FAST:[a-z0-9_]+]]: memref<{{[0-9]+}}xi8> {kiln.arena = 0 : i64}, %[[SLOW:[a-z0-9_]+]]: memref<{{[0-9]+}}xi8> {kiln.arena = 1 : i64}
// CHECK-SAME: banks = [{align = 16 : i64, capacity = 96 : i64, name = "fast", size = {{[0-9]+}} : i64}, {align = 16 : i64, capacity = 1024 : i64, name = "slow", size = {{[0-9]+}} : i64}]
// CHECK-DAG: memref.view %[[FAST]]
// CHECK-DAG: memref.view %[[SLOW]]
// With io-in-arena the input and the output are views of the arena too, and
// the arguments are no longer used.
// IO-LABEL: func.func @spill
// IO-SAME: {bank = 0 : i64, first = 0 : i64, io = 1 : i64, io_index = 0 : i64, last = 3 : i64, name = "arg0"
// IO-SAME: {bank = 0 : i64, first = 2 : i64, io = 2 : i64, io_index = 0 : i64, last = 3 : i64, name = "arg1"
// IO-NOT: %arg0
// IO-NOT: %arg1
// IO: "test.a"(%view{{.*}}, %view
// IO: "test.c"(%view{{.*}}, %view
func.func @spill(%in: memref<4xf32>, %out: memref<4xf32>) {
  %a = memref.alloc() : memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  "test.a"(%in, %a) : (memref<4xf32>, memref<16xf32>) -> ()
  "test.b"(%a, %b) : (memref<16xf32>, memref<16xf32>) -> ()
  "test.c"(%b, %out) : (memref<16xf32>, memref<4xf32>) -> ()
  linalg.copy ins(%in : memref<4xf32>) outs(%out : memref<4xf32>)
  return
}

// -----

// More than the banks hold: the error says by how much.
// expected-error @+1 {{the model does not fit in memory}}
func.func @too_big() {
  %a = memref.alloc() : memref<200xf32>
  %b = memref.alloc() : memref<200xf32>
  "test.a"(%a, %b) : (memref<200xf32>, memref<200xf32>) -> ()
  return
}
