// RUN: kiln-opt %s -split-input-file -kiln-flatten-elementwise | FileCheck %s

// An elementwise generic over [1, 4, 3, 5] (identity maps, all parallel):
// its operands collapse to [60], the loop runs over 60 elements, the result
// expands back.
// CHECK-LABEL: func.func @flat
// CHECK-DAG: %[[A:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1, 2, 3]] : tensor<1x4x3x5xi8> into tensor<60xi8>
// CHECK-DAG: %[[B:.*]] = tensor.collapse_shape %arg1 {{\[\[}}0, 1, 2, 3]] : tensor<1x4x3x5xi8> into tensor<60xi8>
// CHECK: %[[G:.*]] = linalg.generic {{.*}}iterator_types = ["parallel"]{{.*}} ins(%[[A]], %[[B]] : tensor<60xi8>, tensor<60xi8>)
// CHECK: tensor.expand_shape %[[G]] {{\[\[}}0, 1, 2, 3]] output_shape [1, 4, 3, 5] : tensor<60xi8> into tensor<1x4x3x5xi8>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @flat(%a: tensor<1x4x3x5xi8>, %b: tensor<1x4x3x5xi8>) -> tensor<1x4x3x5xi8> {
  %e = tensor.empty() : tensor<1x4x3x5xi8>
  %y = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%a, %b : tensor<1x4x3x5xi8>, tensor<1x4x3x5xi8>) outs(%e : tensor<1x4x3x5xi8>) {
  ^bb0(%x: i8, %z: i8, %o: i8):
    %s = arith.addi %x, %z : i8
    linalg.yield %s : i8
  } -> tensor<1x4x3x5xi8>
  return %y : tensor<1x4x3x5xi8>
}

// -----

// Left alone: a broadcast operand (its map is not the identity), a
// reduction, a payload that reads its position, and a result that is padded
// (written in place into the padded tensor's interior).
// CHECK-LABEL: func.func @kept
// CHECK-NOT: tensor.collapse_shape
// CHECK-NOT: tensor.expand_shape
// CHECK: return
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
#red = affine_map<(d0, d1) -> (d0)>
func.func @kept(%a: tensor<4x8xf32>, %v: tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4xf32>, tensor<4x8xf32>, tensor<6x10xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %bc = linalg.generic {indexing_maps = [#id2, #row, #id2], iterator_types = ["parallel", "parallel"]} ins(%a, %v : tensor<4x8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %z = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e1 : tensor<4xf32>) -> tensor<4xf32>
  %sum = linalg.generic {indexing_maps = [#id2, #red], iterator_types = ["parallel", "reduction"]} ins(%a : tensor<4x8xf32>) outs(%f : tensor<4xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.addf %x, %o : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %idx = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %i = linalg.index 1 : index
    %ii = arith.index_cast %i : index to i32
    %fi = arith.sitofp %ii : i32 to f32
    %s = arith.addf %x, %fi : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.maximumf %x, %z : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %p = tensor.pad %r low[1, 1] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %z : f32
  } : tensor<4x8xf32> to tensor<6x10xf32>
  return %bc, %sum, %idx, %p : tensor<4x8xf32>, tensor<4xf32>, tensor<4x8xf32>, tensor<6x10xf32>
}
