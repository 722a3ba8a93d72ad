// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg | FileCheck %s

// Per tensor: 1 / scale in f64, rounded to f32 (PyTorch divides a Python
// float); multiply, round half to even, add the zero point, clamp with
// maxnum/minnum, convert.
// CHECK-LABEL: func.func @quantize_per_tensor
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<f64>, tensor<i64>) outs(%{{.*}} : tensor<2x3xi8>)
// CHECK: ^bb0(%[[X:.*]]: f32, %[[S:.*]]: f64, %[[Z:.*]]: i64, %{{.*}}: i8):
// CHECK: %[[INV64:.*]] = arith.divf %{{.*}}, %[[S]] : f64
// CHECK: %[[INV:.*]] = arith.truncf %[[INV64]] : f64 to f32
// CHECK: %[[V:.*]] = arith.mulf %[[X]], %[[INV]] : f32
// CHECK: %[[R:.*]] = math.roundeven %[[V]] : f32
// CHECK: %[[ZF:.*]] = arith.sitofp %[[Z]] : i64 to f32
// CHECK: %[[A:.*]] = arith.addf %[[R]], %[[ZF]] : f32
// CHECK: %[[LO:.*]] = arith.maxnumf %[[A]], %{{.*}} : f32
// CHECK: %[[HI:.*]] = arith.minnumf %[[LO]], %{{.*}} : f32
// CHECK: arith.fptosi %[[HI]] : f32 to i8
func.func @quantize_per_tensor(%x: tensor<2x3xf32>) -> tensor<2x3xi8> {
  %s = arith.constant dense<0.05> : tensor<f64>
  %z = arith.constant dense<-3> : tensor<i64>
  %q = kiln.quantize %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x3xf32>, tensor<f64>, tensor<i64>) -> tensor<2x3xi8>
  return %q : tensor<2x3xi8>
}

// -----

// Per channel along axis 1: the scale and zero point are read at d1; the
// reciprocal is taken in the scale's type (f32 tensor arithmetic).
// CHECK-LABEL: func.func @quantize_per_channel
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[CH:.*]], #[[CH]], #{{.*}}]
// CHECK: ^bb0(%[[X:.*]]: f32, %[[S:.*]]: f32, %{{.*}}: i64, %{{.*}}: i8):
// CHECK: %[[INV:.*]] = arith.divf %{{.*}}, %[[S]] : f32
// CHECK-NOT: arith.truncf
// CHECK: arith.mulf %[[X]], %[[INV]] : f32
func.func @quantize_per_channel(%x: tensor<2x4x3xf32>, %s: tensor<4xf32>, %z: tensor<4xi64>) -> tensor<2x4x3xi8> {
  %q = kiln.quantize %x, %s, %z {axis = 1 : i64, quant_min = -127 : i64, quant_max = 127 : i64} : (tensor<2x4x3xf32>, tensor<4xf32>, tensor<4xi64>) -> tensor<2x4x3xi8>
  return %q : tensor<2x4x3xi8>
}

// -----

// Dequantize: (q - zp) to float, times the scale (a per-tensor f64 scale is
// rounded to f32 first, as PyTorch does with a Python float). q - zp is exact
// in i32 for an int8 q and a constant zero point that fits i32: no 64-bit
// conversion (a libcall on 32-bit Arm).
// CHECK-LABEL: func.func @dequantize_per_tensor
// CHECK: ^bb0(%[[Q:.*]]: i8, %[[S:.*]]: f64, %[[Z:.*]]: i64, %{{.*}}: f32):
// CHECK: %[[Q32:.*]] = arith.extsi %[[Q]] : i8 to i32
// CHECK: %[[Z32:.*]] = arith.trunci %[[Z]] : i64 to i32
// CHECK: %[[D:.*]] = arith.subi %[[Q32]], %[[Z32]] : i32
// CHECK: %[[DF:.*]] = arith.sitofp %[[D]] : i32 to f32
// CHECK: %[[SF:.*]] = arith.truncf %[[S]] : f64 to f32
// CHECK: arith.mulf %[[DF]], %[[SF]] : f32
func.func @dequantize_per_tensor(%q: tensor<2x3xi8>) -> tensor<2x3xf32> {
  %s = arith.constant dense<0.05> : tensor<f64>
  %z = arith.constant dense<-3> : tensor<i64>
  %x = kiln.dequantize %q, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x3xi8>, tensor<f64>, tensor<i64>) -> tensor<2x3xf32>
  return %x : tensor<2x3xf32>
}

// -----

// A zero point that is not a constant (nor choose_qparams') may not fit i32:
// the difference stays in i64.
// CHECK-LABEL: func.func @dequantize_unknown_zero_point
// CHECK: ^bb0(%[[Q:.*]]: i8, %[[S:.*]]: f64, %[[Z:.*]]: i64, %{{.*}}: f32):
// CHECK: %[[Q64:.*]] = arith.extsi %[[Q]] : i8 to i64
// CHECK: %[[D:.*]] = arith.subi %[[Q64]], %[[Z]] : i64
// CHECK: arith.sitofp %[[D]] : i64 to f32
func.func @dequantize_unknown_zero_point(%q: tensor<2x3xi8>, %z: tensor<i64>) -> tensor<2x3xf32> {
  %s = arith.constant dense<0.05> : tensor<f64>
  %x = kiln.dequantize %q, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x3xi8>, tensor<f64>, tensor<i64>) -> tensor<2x3xf32>
  return %x : tensor<2x3xf32>
}

// -----

// choose_qparams: the minimum and maximum (two reductions), then one element.
// CHECK-LABEL: func.func @choose_qparams
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "reduction"]
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "reduction"]
// CHECK: linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<1xf64>, tensor<1xi64>)
// CHECK: arith.minimumf
// CHECK: arith.maximumf
// CHECK: arith.divf
// CHECK: math.roundeven
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: arith.extf {{.*}} : f32 to f64
func.func @choose_qparams(%x: tensor<2x3xf32>) -> (tensor<1xf64>, tensor<1xi64>) {
  %s, %z = kiln.choose_qparams %x {quant_min = -128 : i64, quant_max = 127 : i64, eps = 1.1920928955078125e-07 : f64} : (tensor<2x3xf32>) -> (tensor<1xf64>, tensor<1xi64>)
  return %s, %z : tensor<1xf64>, tensor<1xi64>
}
