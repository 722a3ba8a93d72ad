// RUN: kiln-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(kiln-approximate-math))' \
// RUN:   | FileCheck %s --check-prefixes=CHECK,NATIVE
// RUN: kiln-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(kiln-approximate-math{expand-rounding=true}))' \
// RUN:   | FileCheck %s --check-prefixes=CHECK,EXPAND

// Transcendental functions become arithmetic; sqrt and absf are instructions
// everywhere and stay.
// CHECK-LABEL: func.func @transcendental
// CHECK-NOT: math.exp
// CHECK-NOT: math.tanh
// CHECK: math.sqrt
// CHECK-NOT: math.exp
// CHECK-NOT: math.tanh
// CHECK: return
func.func @transcendental(%x: f32) -> (f32, f32, f32) {
  %e = math.exp %x : f32
  %t = math.tanh %x : f32
  %s = math.sqrt %x : f32
  return %e, %t, %s : f32, f32, f32
}

// -----

// Rounding stays where the target has instructions for it; with
// expand-rounding it goes through i32, selected only for |x| < 2^23.
// CHECK-LABEL: func.func @rounding
// NATIVE: math.floor
// NATIVE: math.ceil
// NATIVE: math.trunc
// EXPAND-NOT: math.floor
// EXPAND-NOT: math.ceil
// EXPAND-NOT: math.trunc
// EXPAND-DAG: %[[LIMIT:.*]] = arith.constant 0x4B000000 : f32
// EXPAND-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// EXPAND: %[[ABS:.*]] = math.absf %[[X:.*]] : f32
// EXPAND: %[[SMALL:.*]] = arith.cmpf olt, %[[ABS]], %[[LIMIT]]
// EXPAND: %[[I:.*]] = arith.fptosi %[[X]] : f32 to i32
// EXPAND: %[[F:.*]] = arith.sitofp %[[I]] : i32 to f32
// EXPAND: %[[S:.*]] = math.copysign %[[F]], %[[X]]
// EXPAND: %[[T:.*]] = arith.select %[[SMALL]], %[[S]], %[[X]]
// EXPAND: %[[OVER:.*]] = arith.cmpf ogt, %[[T]], %[[X]]
// EXPAND: %[[DOWN:.*]] = arith.subf %[[T]], %[[ONE]]
// EXPAND: %[[FLOOR:.*]] = arith.select %[[OVER]], %[[DOWN]], %[[T]]
// EXPAND: arith.cmpf olt
// EXPAND: arith.addf
// EXPAND: return %[[FLOOR]]
func.func @rounding(%x: f32) -> (f32, f32, f32) {
  %a = math.floor %x : f32
  %b = math.ceil %x : f32
  %c = math.trunc %x : f32
  return %a, %b, %c : f32, f32, f32
}

// -----

// roundeven (quantize's rounding): with expand-rounding, no conversion at
// all: |x| + 2^23 rounds half to even in [2^23, 2^24), where floats are the
// integers; copysign keeps -0.0 and the sign. Without it, MLIR's expansion
// (through i64).
// CHECK-LABEL: func.func @round_even
// NATIVE: arith.fptosi %{{.*}} : f32 to i64
// EXPAND-NOT: math.roundeven
// EXPAND-NOT: arith.fptosi
// EXPAND: %[[LIMIT:.*]] = arith.constant 0x4B000000 : f32
// EXPAND: %[[ABS:.*]] = math.absf %[[X:.*]] : f32
// EXPAND: %[[SMALL:.*]] = arith.cmpf olt, %[[ABS]], %[[LIMIT]]
// EXPAND: %[[UP:.*]] = arith.addf %[[ABS]], %[[LIMIT]]
// EXPAND: %[[R:.*]] = arith.subf %[[UP]], %[[LIMIT]]
// EXPAND: %[[S:.*]] = math.copysign %[[R]], %[[X]]
// EXPAND: %[[T:.*]] = arith.select %[[SMALL]], %[[S]], %[[X]]
// EXPAND: return %[[T]]
func.func @round_even(%x: f32) -> f32 {
  %r = math.roundeven %x : f32
  return %r : f32
}

// -----

// f16 uses its own 2^10 limit; f64 is left alone (it would need 64-bit
// conversions, helpers on 32-bit targets).
// CHECK-LABEL: func.func @other_widths
// EXPAND: arith.constant 1.024000e+03 : f16
// EXPAND: arith.fptosi %{{.*}} : f16 to i32
// CHECK: math.floor %{{.*}} : f64
func.func @other_widths(%h: f16, %d: f64) -> (f16, f64) {
  %a = math.floor %h : f16
  %b = math.floor %d : f64
  return %a, %b : f16, f64
}

// -----

// A transcendental op without an approximation is an error, not a libm call.
func.func @no_approximation(%x: f64) -> f64 {
  // expected-error @+1 {{no polynomial approximation of 'math.cbrt': the object would need libm}}
  %e = math.cbrt %x : f64
  return %e : f64
}
