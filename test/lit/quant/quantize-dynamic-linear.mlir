// RUN: kiln-opt %s -split-input-file -kiln-quantize-dynamic-linear -kiln-dce | FileCheck %s

// Dynamic quantization: the input's scale and zero point come from
// kiln.choose_qparams at run time; the weight is per output feature. The
// linear, its relu and both dequantizes become kiln.qlinear_dynamic, with the
// weight scales as a float32 constant.
// CHECK-LABEL: func.func @dynamic
// CHECK: %[[S:.*]], %[[Z:.*]] = kiln.choose_qparams %arg0
// CHECK: %[[SS:.*]] = kiln.reshape %[[S]]
// CHECK: %[[ZZ:.*]] = kiln.reshape %[[Z]]
// CHECK: %[[Q:.*]] = kiln.quantize %arg0, %[[SS]], %[[ZZ]]
// CHECK-DAG: %[[WS:.*]] = arith.constant dense<[5.000000e-02, 1.000000e-01, 2.000000e-01]> : tensor<3xf32>
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<3x4xi8>
// CHECK: %[[Y:.*]] = kiln.qlinear_dynamic %[[Q]], %[[SS]], %[[ZZ]], %[[W]], %[[WS]], %arg1 {activation = "relu"} : (tensor<2x4xi8>, tensor<f64>, tensor<i64>, tensor<3x4xi8>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NOT: kiln.dequantize
// CHECK-NOT: kiln.linear
// CHECK: return %[[Y]]
func.func @dynamic(%x: tensor<2x4xf32>, %bias: tensor<3xf32>) -> tensor<2x3xf32> {
  %s, %z = kiln.choose_qparams %x {eps = 2.44140625E-4 : f64, quant_max = 127 : i64, quant_min = -128 : i64} : (tensor<2x4xf32>) -> (tensor<1xf64>, tensor<1xi64>)
  %ss = kiln.reshape %s : (tensor<1xf64>) -> tensor<f64>
  %zz = kiln.reshape %z : (tensor<1xi64>) -> tensor<i64>
  %q = kiln.quantize %x, %ss, %zz {quant_max = 127 : i64, quant_min = -128 : i64} : (tensor<2x4xf32>, tensor<f64>, tensor<i64>) -> tensor<2x4xi8>
  %dq = kiln.dequantize %q, %ss, %zz {quant_max = 127 : i64, quant_min = -128 : i64} : (tensor<2x4xi8>, tensor<f64>, tensor<i64>) -> tensor<2x4xf32>
  %wq = arith.constant dense<[[1, -2, 3, 127], [-127, 0, 5, 6], [7, 8, -9, 10]]> : tensor<3x4xi8>
  %ws = arith.constant dense<[0.05, 0.1, 0.2]> : tensor<3xf32>
  %wz = arith.constant dense<0> : tensor<3xi64>
  %w = kiln.dequantize %wq, %ws, %wz {axis = 0 : i64, quant_max = 127 : i64, quant_min = -127 : i64} : (tensor<3x4xi8>, tensor<3xf32>, tensor<3xi64>) -> tensor<3x4xf32>
  %y = kiln.linear %dq, %w, %bias {activation = "relu"} : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// A per-tensor weight scale (constant input parameters too, no bias): the
// scale is repeated for each output feature.
// CHECK-LABEL: func.func @per_tensor_weight
// CHECK: %[[WS:.*]] = arith.constant dense<2.500000e-01> : tensor<2xf32>
// CHECK: kiln.qlinear_dynamic %arg0, %{{.*}}, %{{.*}}, %{{.*}}, %[[WS]] : (tensor<1x3xi8>, tensor<f64>, tensor<i64>, tensor<2x3xi8>, tensor<2xf32>) -> tensor<1x2xf32>
func.func @per_tensor_weight(%q: tensor<1x3xi8>) -> tensor<1x2xf32> {
  %s = arith.constant dense<0.02> : tensor<f64>
  %z = arith.constant dense<-3> : tensor<i64>
  %dq = kiln.dequantize %q, %s, %z {quant_max = 127 : i64, quant_min = -128 : i64} : (tensor<1x3xi8>, tensor<f64>, tensor<i64>) -> tensor<1x3xf32>
  %wq = arith.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8>
  %ws = arith.constant dense<0.25> : tensor<f64>
  %wz = arith.constant dense<0> : tensor<i64>
  %w = kiln.dequantize %wq, %ws, %wz {quant_max = 127 : i64, quant_min = -127 : i64} : (tensor<2x3xi8>, tensor<f64>, tensor<i64>) -> tensor<2x3xf32>
  %y = kiln.linear %dq, %w : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Left alone: a float weight, an asymmetric weight (zero point 1), and a
// float input.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: kiln.qlinear_dynamic
// CHECK: kiln.linear
// CHECK: kiln.linear
// CHECK: kiln.linear
// CHECK-NOT: kiln.qlinear_dynamic
func.func @left_alone(%q: tensor<1x3xi8>, %wf: tensor<2x3xf32>, %x: tensor<1x3xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) {
  %s = arith.constant dense<0.02> : tensor<f64>
  %z = arith.constant dense<-3> : tensor<i64>
  %dq = kiln.dequantize %q, %s, %z {quant_max = 127 : i64, quant_min = -128 : i64} : (tensor<1x3xi8>, tensor<f64>, tensor<i64>) -> tensor<1x3xf32>
  %y1 = kiln.linear %dq, %wf : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x2xf32>
  %wq = arith.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8>
  %ws = arith.constant dense<0.25> : tensor<f64>
  %wz = arith.constant dense<1> : tensor<i64>
  %w = kiln.dequantize %wq, %ws, %wz {quant_max = 127 : i64, quant_min = -127 : i64} : (tensor<2x3xi8>, tensor<f64>, tensor<i64>) -> tensor<2x3xf32>
  %y2 = kiln.linear %dq, %w : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x2xf32>
  %y3 = kiln.linear %x, %w : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x2xf32>
  return %y1, %y2, %y3 : tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>
}
