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
