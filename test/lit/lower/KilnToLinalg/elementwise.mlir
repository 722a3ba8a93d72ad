// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg | FileCheck %s

// Broadcasting: a unit dimension reads index 0, a missing leading dimension
// is dropped from the operand's map.
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2) -> (d0, 0, d2)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK: arith.addf
func.func @add_broadcast(%a: tensor<2x1x4xf32>, %b: tensor<3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = kiln.add %a, %b : (tensor<2x1x4xf32>, tensor<3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func.func @sub_mul_div
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.divf
func.func @sub_mul_div(%a: tensor<4xf32>, %b: tensor<f32>) -> tensor<4xf32> {
  %0 = kiln.sub %a, %b : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = kiln.mul %0, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %2 = kiln.div %1, %b : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %2 : tensor<4xf32>
}

// -----

// relu and clamp use the NaN-propagating maximumf/minimumf, as PyTorch does.
// CHECK-LABEL: func.func @relu_clamp
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: arith.maximumf %{{.*}}, %[[ZERO]] : f32
// CHECK: %[[LO:.*]] = arith.constant -1.000000e+00 : f32
// CHECK: arith.maximumf %{{.*}}, %[[LO]] : f32
// CHECK: %[[HI:.*]] = arith.constant 6.000000e+00 : f32
// CHECK: arith.minimumf %{{.*}}, %[[HI]] : f32
func.func @relu_clamp(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.relu %a : tensor<4xf32>
  %1 = kiln.clamp %0 {min = -1.0 : f64, max = 6.0 : f64} : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// A clamp with only an upper bound has no lower one.
// CHECK-LABEL: func.func @clamp_max_only
// CHECK-NOT: arith.maximumf
// CHECK: arith.minimumf
func.func @clamp_max_only(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.clamp %a {max = 1.0 : f64} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Integer arithmetic uses the integer arith ops; division guards a zero (and
// -1) divisor instead of trapping: a zero divisor gives 0.
// CHECK-LABEL: func.func @integer_ops
// CHECK: arith.addi
// CHECK: arith.muli
// CHECK: arith.cmpi eq
// CHECK: arith.floordivsi
// CHECK: arith.select
// CHECK: arith.remsi
// CHECK: arith.maxsi
// CHECK-NOT: arith.addf
func.func @integer_ops(%a: tensor<4xi64>, %b: tensor<4xi64>) -> (tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>) {
  %0 = kiln.add %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %1 = kiln.mul %0, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %2 = kiln.div_floor %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %3 = kiln.remainder %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %4 = kiln.maximum %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %1, %2, %3, %4 : tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>
}

// -----

// Float comparisons: ordered predicates, except `ne`, which is true for NaN.
// Booleans compare unsigned (false < true). Select broadcasts three operands.
// CHECK-LABEL: func.func @compare_select
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf une
// CHECK: arith.cmpi ugt
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}, #{{.*}}]
// CHECK: arith.select
func.func @compare_select(%a: tensor<2x4xf32>, %b: tensor<4xf32>, %p: tensor<4xi1>) -> (tensor<2x4xi1>, tensor<2x4xf32>) {
  %0 = kiln.compare %a, %b {predicate = "lt"} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xi1>
  %1 = kiln.compare %a, %a {predicate = "ne"} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xi1>
  %2 = kiln.compare %p, %p {predicate = "gt"} : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %3 = kiln.bitwise_and %0, %1 : (tensor<2x4xi1>, tensor<2x4xi1>) -> tensor<2x4xi1>
  %4 = kiln.bitwise_or %3, %2 : (tensor<2x4xi1>, tensor<4xi1>) -> tensor<2x4xi1>
  %f = arith.constant dense<0.0> : tensor<f32>
  %5 = kiln.select %4, %a, %f : (tensor<2x4xi1>, tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
  return %4, %5 : tensor<2x4xi1>, tensor<2x4xf32>
}

// -----

// pow is exp(y ln|x|) with C's sign and special cases, not math.powf (whose
// expansion gives NaN for every negative base).
// CHECK-LABEL: func.func @pow
// CHECK: math.log
// CHECK: math.exp
// CHECK: math.floor
// CHECK-NOT: math.powf
func.func @pow(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.pow %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Conversions: float -> int truncates, int -> bool is != 0, f16 -> bf16 goes
// through f32.
// CHECK-LABEL: func.func @convert
// CHECK: arith.fptosi
// CHECK: arith.cmpi ne
// CHECK: arith.extf {{.*}} : f16 to f32
// CHECK: arith.truncf {{.*}} : f32 to bf16
func.func @convert(%a: tensor<4xf32>, %h: tensor<4xf16>) -> (tensor<4xi1>, tensor<4xbf16>) {
  %0 = kiln.convert %a : (tensor<4xf32>) -> tensor<4xi32>
  %1 = kiln.convert %0 : (tensor<4xi32>) -> tensor<4xi1>
  %2 = kiln.convert %h : (tensor<4xf16>) -> tensor<4xbf16>
  return %1, %2 : tensor<4xi1>, tensor<4xbf16>
}
