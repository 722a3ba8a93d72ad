// RUN: kiln-opt %s -split-input-file -kiln-quantize-elementwise -kiln-dce | FileCheck %s

// dequantize -> hardswish -> quantize, and dequantize -> relu -> clamp ->
// quantize: one 256-entry int8 table each; the float ops go.
// CHECK-LABEL: func.func @tables
// CHECK: %[[T0:.*]] = arith.constant dense_resource<lookup{{.*}}> : tensor<256xi8>
// CHECK: %[[A:.*]] = kiln.lookup %arg0, %[[T0]] : (tensor<2x8xi8>, tensor<256xi8>) -> tensor<2x8xi8>
// CHECK: %[[T1:.*]] = arith.constant dense_resource<lookup{{.*}}> : tensor<256xi8>
// CHECK: %[[B:.*]] = kiln.lookup %arg0, %[[T1]]
// CHECK-NOT: kiln.hardswish
// CHECK-NOT: kiln.relu
// CHECK-NOT: kiln.clamp
// CHECK-NOT: kiln.quantize
// CHECK: return %[[A]], %[[B]]
func.func @tables(%xq: tensor<2x8xi8>) -> (tensor<2x8xi8>, tensor<2x8xi8>) {
  %s = arith.constant dense<0.05> : tensor<f64>
  %z = arith.constant dense<-10> : tensor<i64>
  %x = kiln.dequantize %xq, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x8xi8>, tensor<f64>, tensor<i64>) -> tensor<2x8xf32>
  %h = kiln.hardswish %x : tensor<2x8xf32>
  %s2 = arith.constant dense<0.03> : tensor<f64>
  %z2 = arith.constant dense<-100> : tensor<i64>
  %q = kiln.quantize %h, %s2, %z2 {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x8xf32>, tensor<f64>, tensor<i64>) -> tensor<2x8xi8>
  %r = kiln.relu %x : tensor<2x8xf32>
  %c = kiln.clamp %r {max = 6.0 : f64} : tensor<2x8xf32>
  %q2 = kiln.quantize %c, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x8xf32>, tensor<f64>, tensor<i64>) -> tensor<2x8xi8>
  return %q, %q2 : tensor<2x8xi8>, tensor<2x8xi8>
}

// -----

// Left alone: an op with a second user, an op the pass has no formula for
// (exp), a per-channel dequantize, no elementwise op at all.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: kiln.lookup
// CHECK-COUNT-4: kiln.quantize
func.func @left_alone(%xq: tensor<2x8xi8>) -> (tensor<2x8xi8>, tensor<2x8xf32>, tensor<2x8xi8>, tensor<2x8xi8>, tensor<2x8xi8>) {
  %s = arith.constant dense<0.05> : tensor<f64>
  %z = arith.constant dense<0> : tensor<i64>
  %x = kiln.dequantize %xq, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x8xi8>, tensor<f64>, tensor<i64>) -> tensor<2x8xf32>
  %r = kiln.relu %x : tensor<2x8xf32>
  %q0 = kiln.quantize %r, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x8xf32>, tensor<f64>, tensor<i64>) -> tensor<2x8xi8>
  %e = kiln.exp %x : tensor<2x8xf32>
  %q1 = kiln.quantize %e, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x8xf32>, tensor<f64>, tensor<i64>) -> tensor<2x8xi8>
  %sc = arith.constant dense<[0.1, 0.2]> : tensor<2xf32>
  %zc = arith.constant dense<0> : tensor<2xi64>
  %xc = kiln.dequantize %xq, %sc, %zc {axis = 0 : i64, quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x8xi8>, tensor<2xf32>, tensor<2xi64>) -> tensor<2x8xf32>
  %rc = kiln.relu %xc : tensor<2x8xf32>
  %q2 = kiln.quantize %rc, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x8xf32>, tensor<f64>, tensor<i64>) -> tensor<2x8xi8>
  %q3 = kiln.quantize %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x8xf32>, tensor<f64>, tensor<i64>) -> tensor<2x8xi8>
  return %q0, %r, %q1, %q2, %q3 : tensor<2x8xi8>, tensor<2x8xf32>, tensor<2x8xi8>, tensor<2x8xi8>, tensor<2x8xi8>
}
