// RUN: kiln-opt %s -kiln-dce | FileCheck %s

// Unused results go, and so do the constants and ops only they used; what
// the return needs stays.
// CHECK-LABEL: func.func @dead_chain
// CHECK-NEXT: %[[R:.*]] = kiln.relu %arg0
// CHECK-NEXT: return %[[R]]
func.func @dead_chain(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = arith.constant dense<2.0> : tensor<4xf32>
  %a = kiln.mul %x, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %b = kiln.exp %a : tensor<4xf32>
  %r = kiln.relu %x : tensor<4xf32>
  return %r : tensor<4xf32>
}
