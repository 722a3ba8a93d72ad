// RUN: kiln-opt %s -split-input-file -kiln-fold-constants | FileCheck %s

// A transposed weight becomes a transposed constant: [[1, 2, 3], [4, 5, 6]]^T.
// CHECK-LABEL: func.func @permute
// CHECK: %[[T:.*]] = arith.constant dense_resource<w.permute> : tensor<3x2xf32>
// CHECK-NOT: kiln.permute
// CHECK: kiln.matmul %arg0, %[[T]]
// CHECK: w.permute: "0x080000000000803F00008040000000400000A040000040400000C040"
func.func @permute(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense_resource<w> : tensor<2x3xf32>
  %t = kiln.permute %w {dims = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %y = kiln.matmul %x, %t : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F0000004000004040000080400000A0400000C040"
    }
  }
#-}

// -----

// Arithmetic with broadcasting, in double precision, rounded once:
// [1, 2] * 3 - [0.5] = [2.5, 5.5]; data movement on integers.
// CHECK-LABEL: func.func @arithmetic
// CHECK-DAG: arith.constant dense_resource<folded{{.*}}> : tensor<2xf32>
// CHECK-DAG: arith.constant dense_resource<folded{{.*}}> : tensor<2x2xi64>
// CHECK-NOT: kiln.
func.func @arithmetic() -> (tensor<2xf32>, tensor<2x2xi64>) {
  %a = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b = arith.constant dense<3.0> : tensor<f32>
  %c = arith.constant dense<[0.5]> : tensor<1xf32>
  %m = kiln.mul %a, %b : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
  %s = kiln.sub %m, %c : (tensor<2xf32>, tensor<1xf32>) -> tensor<2xf32>
  %i = arith.constant dense<[1, 2, 3, 4]> : tensor<4xi64>
  %r = kiln.reshape %i : (tensor<4xi64>) -> tensor<2x2xi64>
  return %s, %r : tensor<2xf32>, tensor<2x2xi64>
}

// -----

// Not folded: an operand that is an input, and a broadcast that would make
// a small constant big.
// CHECK-LABEL: func.func @not_foldable
// CHECK: kiln.add %arg0
// CHECK: kiln.expand
func.func @not_foldable(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<256x256xf32>) {
  %a = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %y = kiln.add %x, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %s = arith.constant dense<1.0> : tensor<1xf32>
  %e = kiln.expand %s : (tensor<1xf32>) -> tensor<256x256xf32>
  return %y, %e : tensor<2xf32>, tensor<256x256xf32>
}
