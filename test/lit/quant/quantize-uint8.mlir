// RUN: kiln-opt %s -split-input-file -verify-diagnostics -kiln-quantize-uint8 | FileCheck %s

// A uint8 quantize and its dequantizes become int8 ones: zero points (a
// constant) and ranges less 128, scales unchanged.
// CHECK-LABEL: func.func @static_pair
// CHECK: %[[Z:.*]] = arith.constant dense<-118> : tensor<i64>
// CHECK: %[[Q:.*]] = kiln.quantize %arg0, %{{.*}}, %[[Z]] {quant_max = 127 : i64, quant_min = -128 : i64} : (tensor<2x3xf32>, tensor<f64>, tensor<i64>) -> tensor<2x3xi8>
// CHECK: kiln.dequantize %[[Q]], %{{.*}}, %{{.*}} {quant_max = 127 : i64, quant_min = -128 : i64} : (tensor<2x3xi8>, tensor<f64>, tensor<i64>) -> tensor<2x3xf32>
// CHECK-NOT: ui8
func.func @static_pair(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %s = arith.constant dense<0.05> : tensor<f64>
  %z = arith.constant dense<10> : tensor<i64>
  %q = kiln.quantize %x, %s, %z {quant_min = 0 : i64, quant_max = 255 : i64} : (tensor<2x3xf32>, tensor<f64>, tensor<i64>) -> tensor<2x3xui8>
  %d = kiln.dequantize %q, %s, %z {quant_min = 0 : i64, quant_max = 255 : i64} : (tensor<2x3xui8>, tensor<f64>, tensor<i64>) -> tensor<2x3xf32>
  return %d : tensor<2x3xf32>
}

// -----

// Dynamic quantization: the zero point is computed at run time, so it is
// shifted by a kiln.sub; a narrower range [0, 200] becomes [-128, 72].
// CHECK-LABEL: func.func @dynamic
// CHECK: %[[S:.*]], %[[Z:.*]] = kiln.choose_qparams
// CHECK: %[[ZZ:.*]] = kiln.reshape %[[Z]]
// CHECK: %[[C:.*]] = arith.constant dense<128> : tensor<i64>
// CHECK: %[[Z8:.*]] = kiln.sub %[[ZZ]], %[[C]]
// CHECK: %[[Q:.*]] = kiln.quantize %arg0, %{{.*}}, %[[Z8]] {quant_max = 72 : i64, quant_min = -128 : i64} : {{.*}} -> tensor<4xi8>
// CHECK: kiln.dequantize %[[Q]]
// CHECK-SAME: quant_max = 72 : i64, quant_min = -128 : i64
func.func @dynamic(%x: tensor<4xf32>) -> tensor<4xf32> {
  %s, %z = kiln.choose_qparams %x {eps = 2.44140625E-4 : f64, quant_max = 200 : i64, quant_min = 0 : i64} : (tensor<4xf32>) -> (tensor<1xf64>, tensor<1xi64>)
  %ss = kiln.reshape %s : (tensor<1xf64>) -> tensor<f64>
  %zz = kiln.reshape %z : (tensor<1xi64>) -> tensor<i64>
  %q = kiln.quantize %x, %ss, %zz {quant_min = 0 : i64, quant_max = 200 : i64} : (tensor<4xf32>, tensor<f64>, tensor<i64>) -> tensor<4xui8>
  %d = kiln.dequantize %q, %ss, %zz {quant_min = 0 : i64, quant_max = 200 : i64} : (tensor<4xui8>, tensor<f64>, tensor<i64>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// Left alone: int8 quantization.
// CHECK-LABEL: func.func @int8
// CHECK: %[[Q:.*]] = kiln.quantize %arg0, %{{.*}}, %{{.*}} {quant_max = 127 : i64, quant_min = -128 : i64} : (tensor<2xf32>, tensor<f64>, tensor<i64>) -> tensor<2xi8>
func.func @int8(%x: tensor<2xf32>) -> tensor<2xf32> {
  %s = arith.constant dense<0.05> : tensor<f64>
  %z = arith.constant dense<10> : tensor<i64>
  %q = kiln.quantize %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2xf32>, tensor<f64>, tensor<i64>) -> tensor<2xi8>
  %d = kiln.dequantize %q, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2xi8>, tensor<f64>, tensor<i64>) -> tensor<2xf32>
  return %d : tensor<2xf32>
}

// -----

// The uint8 values would be seen by an op other than a dequantize: refused.
func.func @other_user(%x: tensor<2xf32>) -> tensor<2xui8> {
  %s = arith.constant dense<0.05> : tensor<f64>
  %z = arith.constant dense<10> : tensor<i64>
  %q = kiln.quantize %x, %s, %z {quant_min = 0 : i64, quant_max = 255 : i64} : (tensor<2xf32>, tensor<f64>, tensor<i64>) -> tensor<2xui8>
  // expected-error @+1 {{a uint8 quantized tensor is used by func.return: Kiln computes uint8 quantization only between a quantize and its dequantizes}}
  return %q : tensor<2xui8>
}

// -----

// A dequantize of a uint8 graph input: refused.
func.func @uint8_input(%q: tensor<2xui8>) -> tensor<2xf32> {
  %s = arith.constant dense<0.05> : tensor<f64>
  %z = arith.constant dense<10> : tensor<i64>
  // expected-error @+1 {{dequantize of a uint8 tensor that no quantize produced}}
  %d = kiln.dequantize %q, %s, %z {quant_min = 0 : i64, quant_max = 255 : i64} : (tensor<2xui8>, tensor<f64>, tensor<i64>) -> tensor<2xf32>
  return %d : tensor<2xf32>
}
