// RUN: kiln-opt %s --kiln-distinct-results | FileCheck %s
// RUN: kiln-opt %s --kiln-distinct-results --one-shot-bufferize="bufferize-function-boundaries=1 function-boundary-type-conversion=identity-layout-map" --buffer-results-to-out-params="hoist-static-allocs=1 modify-public-functions=1" | FileCheck %s --check-prefix=OUT

// A value returned twice: the repeat becomes a copy into a fresh tensor, so
// buffer-results-to-out-params gives each output its own out parameter
// (without the pass, that upstream pass crashes on the repeated allocation).
// CHECK-LABEL: func.func @repeated
// CHECK: %[[R:.*]] = linalg.generic
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4xf32>
// CHECK: %[[C:.*]] = linalg.copy ins(%[[R]] : tensor<4xf32>) outs(%[[E]] : tensor<4xf32>)
// CHECK: %[[E2:.*]] = tensor.empty() : tensor<4xf32>
// CHECK: %[[C2:.*]] = linalg.copy ins(%[[R]] : tensor<4xf32>) outs(%[[E2]] : tensor<4xf32>)
// CHECK: return %[[R]], %[[C]], %[[C2]]
// OUT: func.func @repeated(%{{.*}}: memref<4xf32>, %[[O1:.*]]: memref<4xf32>, %[[O2:.*]]: memref<4xf32>, %[[O3:.*]]: memref<4xf32>)
// OUT: linalg.generic {{.*}} outs(%[[O1]] : memref<4xf32>)
// OUT: linalg.copy ins(%[[O1]] : memref<4xf32>) outs(%[[O2]] : memref<4xf32>)
// OUT: linalg.copy ins(%[[O1]] : memref<4xf32>) outs(%[[O3]] : memref<4xf32>)
func.func @repeated(%a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%a : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.addf %x, %x : f32
    linalg.yield %y : f32
  } -> tensor<4xf32>
  return %r, %r, %r : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// Distinct results are left alone: a computed value, an argument, a constant.
// CHECK-LABEL: func.func @distinct
// CHECK-NOT: linalg.copy
// CHECK: return %{{.*}}, %arg0, %cst
func.func @distinct(%a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%a : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.negf %x : f32
    linalg.yield %y : f32
  } -> tensor<4xf32>
  %c = arith.constant dense<1.0> : tensor<4xf32>
  return %r, %a, %c : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
