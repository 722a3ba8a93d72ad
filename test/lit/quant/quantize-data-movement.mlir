// RUN: kiln-opt %s -split-input-file -kiln-quantize-data-movement | FileCheck %s

// A reshape and a permute of a dequantized tensor move the int8 data; the
// dequantize follows them; the quantize back with the same parameters goes.
// CHECK-LABEL: func.func @flatten_then_requantize
// CHECK: %[[P:.*]] = kiln.permute %arg0 {dims = array<i64: 0, 2, 3, 1>} : (tensor<1x2x3x4xi8>) -> tensor<1x3x4x2xi8>
// CHECK: %[[R:.*]] = kiln.reshape %[[P]] : (tensor<1x3x4x2xi8>) -> tensor<1x24xi8>
// CHECK-NOT: kiln.quantize
// CHECK: return %[[R]]
func.func @flatten_then_requantize(%xq: tensor<1x2x3x4xi8>) -> tensor<1x24xi8> {
  %s = arith.constant dense<0.1> : tensor<f64>
  %z = arith.constant dense<4> : tensor<i64>
  %x = kiln.dequantize %xq, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x2x3x4xi8>, tensor<f64>, tensor<i64>) -> tensor<1x2x3x4xf32>
  %p = kiln.permute %x {dims = array<i64: 0, 2, 3, 1>} : (tensor<1x2x3x4xf32>) -> tensor<1x3x4x2xf32>
  %r = kiln.reshape %p : (tensor<1x3x4x2xf32>) -> tensor<1x24xf32>
  %s2 = arith.constant dense<0.1> : tensor<f64>
  %z2 = arith.constant dense<4> : tensor<i64>
  %q = kiln.quantize %r, %s2, %z2 {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x24xf32>, tensor<f64>, tensor<i64>) -> tensor<1x24xi8>
  return %q : tensor<1x24xi8>
}

// -----

// Left alone: a per-channel dequantize (its axis would move), a quantize with
// other parameters, a quantize to a narrower range (it clamps).
// CHECK-LABEL: func.func @left_alone
// CHECK: %[[D:.*]] = kiln.dequantize %arg0, {{.*}}axis = 1
// CHECK: kiln.reshape %[[D]]
// CHECK: kiln.quantize
// CHECK: kiln.quantize
func.func @left_alone(%xq: tensor<1x2xi8>, %yq: tensor<1x2xi8>) -> (tensor<2xf32>, tensor<1x2xi8>, tensor<1x2xi8>) {
  %sc = arith.constant dense<[0.1, 0.2]> : tensor<2xf32>
  %zc = arith.constant dense<0> : tensor<2xi64>
  %x = kiln.dequantize %xq, %sc, %zc {axis = 1 : i64, quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x2xi8>, tensor<2xf32>, tensor<2xi64>) -> tensor<1x2xf32>
  %r = kiln.reshape %x : (tensor<1x2xf32>) -> tensor<2xf32>
  %s = arith.constant dense<0.1> : tensor<f64>
  %s2 = arith.constant dense<0.2> : tensor<f64>
  %z = arith.constant dense<0> : tensor<i64>
  %y = kiln.dequantize %yq, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x2xi8>, tensor<f64>, tensor<i64>) -> tensor<1x2xf32>
  %q1 = kiln.quantize %y, %s2, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x2xf32>, tensor<f64>, tensor<i64>) -> tensor<1x2xi8>
  %q2 = kiln.quantize %y, %s, %z {quant_min = -127 : i64, quant_max = 127 : i64} : (tensor<1x2xf32>, tensor<f64>, tensor<i64>) -> tensor<1x2xi8>
  return %r, %q1, %q2 : tensor<2xf32>, tensor<1x2xi8>, tensor<1x2xi8>
}

// -----

// Max pooling commutes with dequantization (it is increasing): the pool runs
// on int8, and the quantize back with the shared parameters goes.
// CHECK-LABEL: func.func @max_pool
// CHECK: %[[P:.*]] = kiln.max_pool2d %arg0 {{.*}} : (tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8>
// CHECK-NOT: kiln.quantize
// CHECK: return %[[P]]
func.func @max_pool(%xq: tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8> {
  %s = arith.constant dense<0.1> : tensor<f64>
  %z = arith.constant dense<-3> : tensor<i64>
  %x = kiln.dequantize %xq, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x2x4x4xi8>, tensor<f64>, tensor<i64>) -> tensor<1x2x4x4xf32>
  %p = kiln.max_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 0, 0>, dilation = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  %q = kiln.quantize %p, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x2x2x2xf32>, tensor<f64>, tensor<i64>) -> tensor<1x2x2x2xi8>
  return %q : tensor<1x2x2x2xi8>
}

// -----

// conv1d as the importer writes it (reshape, conv2d, reshape, relu, quantize):
// the per-channel weight dequantize moves below the reshape that keeps its
// axis 0, the quantize moves above the output reshape, and the relu below
// it, so that kiln-quantize-conv-linear sees dequantize -> conv2d -> relu ->
// quantize.
// CHECK-LABEL: func.func @conv1d
// CHECK-DAG: %[[W:.*]] = kiln.reshape %{{.*}} : (tensor<4x2x3xi8>) -> tensor<4x2x1x3xi8>
// CHECK-DAG: %[[WD:.*]] = kiln.dequantize %[[W]], {{.*}}axis = 0
// CHECK: %[[C:.*]] = kiln.conv2d %{{.*}}, %[[WD]]
// CHECK: %[[R:.*]] = kiln.relu %[[C]] : tensor<1x4x1x5xf32>
// CHECK: %[[Q:.*]] = kiln.quantize %[[R]], {{.*}} -> tensor<1x4x1x5xi8>
// CHECK: kiln.reshape %[[Q]] : (tensor<1x4x1x5xi8>) -> tensor<1x4x5xi8>
func.func @conv1d(%xq: tensor<1x2x5xi8>) -> tensor<1x4x5xi8> {
  %s = arith.constant dense<0.1> : tensor<f64>
  %z = arith.constant dense<0> : tensor<i64>
  %x = kiln.dequantize %xq, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x2x5xi8>, tensor<f64>, tensor<i64>) -> tensor<1x2x5xf32>
  %wq = arith.constant dense<1> : tensor<4x2x3xi8>
  %sw = arith.constant dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>
  %zw = arith.constant dense<0> : tensor<4xi64>
  %w = kiln.dequantize %wq, %sw, %zw {axis = 0 : i64, quant_min = -127 : i64, quant_max = 127 : i64} : (tensor<4x2x3xi8>, tensor<4xf32>, tensor<4xi64>) -> tensor<4x2x3xf32>
  %x4 = kiln.reshape %x : (tensor<1x2x5xf32>) -> tensor<1x2x1x5xf32>
  %w4 = kiln.reshape %w : (tensor<4x2x3xf32>) -> tensor<4x2x1x3xf32>
  %c = kiln.conv2d %x4, %w4 {stride = array<i64: 1, 1>, padding = array<i64: 0, 1, 0, 1>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x1x5xf32>, tensor<4x2x1x3xf32>) -> tensor<1x4x1x5xf32>
  %c3 = kiln.reshape %c : (tensor<1x4x1x5xf32>) -> tensor<1x4x5xf32>
  %r = kiln.relu %c3 : tensor<1x4x5xf32>
  %q = kiln.quantize %r, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x4x5xf32>, tensor<f64>, tensor<i64>) -> tensor<1x4x5xi8>
  return %q : tensor<1x4x5xi8>
}
