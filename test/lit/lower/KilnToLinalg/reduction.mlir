// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg | FileCheck %s

// Sum over the reduced dimensions, divide by their element count, then
// reshape for keepdim.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[KEPT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
// CHECK-LABEL: func.func @mean_keepdim
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[KEPT]]], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
// CHECK: %[[N:.*]] = arith.constant 2.000000e+01 : f32
// CHECK: arith.divf %{{.*}}, %[[N]] : f32
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] output_shape [2, 3, 1, 1]
func.func @mean_keepdim(%x: tensor<2x3x4x5xf32>) -> tensor<2x3x1x1xf32> {
  %0 = kiln.mean %x {dims = array<i64: 2, 3>, keepdim = true} : (tensor<2x3x4x5xf32>) -> tensor<2x3x1x1xf32>
  return %0 : tensor<2x3x1x1xf32>
}

// -----

// Without keepdim there is nothing to reshape.
// CHECK-LABEL: func.func @mean_first_dim
// CHECK: iterator_types = ["reduction", "parallel"]
// CHECK: arith.constant 4.000000e+00 : f32
// CHECK-NOT: tensor.expand_shape
func.func @mean_first_dim(%x: tensor<4x7xf32>) -> tensor<7xf32> {
  %0 = kiln.mean %x {dims = array<i64: 0>, keepdim = false} : (tensor<4x7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

// argmax carries (value, index) through one reduction; ties go to the
// smaller index and NaN wins, so the result does not depend on visiting order.
// CHECK-LABEL: func.func @argmax
// CHECK: linalg.fill ins(%{{.*}} : f32)
// CHECK: linalg.fill ins(%{{.*}} : i64)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.cmpi slt
// CHECK: arith.cmpf uno
// CHECK: arith.cmpf ogt
// CHECK: linalg.yield %{{.*}}, %{{.*}} : f32, i64
func.func @argmax(%a: tensor<2x5xf32>) -> tensor<2xi64> {
  %0 = kiln.argmax %a {dim = 1 : i64, keepdim = false} : (tensor<2x5xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// amax starts from -inf and propagates NaN (maximumf); prod from 1.
// CHECK-LABEL: func.func @amax_prod
// CHECK: arith.maximumf
// CHECK: arith.mulf
func.func @amax_prod(%a: tensor<2x5xf32>) -> (tensor<2x1xf32>, tensor<5xf32>) {
  %0 = kiln.amax %a {dims = array<i64: 1>, keepdim = true} : (tensor<2x5xf32>) -> tensor<2x1xf32>
  %1 = kiln.prod %a {dims = array<i64: 0>, keepdim = false} : (tensor<2x5xf32>) -> tensor<5xf32>
  return %0, %1 : tensor<2x1xf32>, tensor<5xf32>
}
