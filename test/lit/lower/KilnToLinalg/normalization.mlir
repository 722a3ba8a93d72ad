// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg | FileCheck %s

// Per-channel alpha = scale / sqrt(var + eps) and beta = offset - mean *
// alpha, computed once per channel, then x * alpha + beta over the tensor.
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @batch_norm
// CHECK: %[[COEF:.*]]:2 = linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>)
// CHECK: %[[EPS:.*]] = arith.constant 1.000000e-03 : f32
// CHECK: %[[VAR:.*]] = arith.addf %{{.*}}, %[[EPS]]
// CHECK: math.sqrt %[[VAR]]
// CHECK: linalg.generic {indexing_maps = [{{.*}}, #[[CH]], #[[CH]], {{.*}}]{{.*}} ins(%{{.*}}, %[[COEF]]#0, %[[COEF]]#1 :
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @batch_norm(%x: tensor<1x3x4x4xf32>, %s: tensor<3xf32>, %o: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<1x3x4x4xf32> {
  %0 = kiln.batch_norm %x, %s, %o, %m, %v {epsilon = 1.0e-3 : f64} : (tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}
