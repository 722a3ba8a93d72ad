// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg | FileCheck %s

// Per tensor: 1 / scale in f64, rounded to f32 (PyTorch divides a Python
// float); multiply. With constant zero points and bounds (here -3, [-128,
// 127]), clamp to [quant_min - zp, quant_max - zp] with maxnum/minnum (a NaN
// becomes quant_min), then round half to even by adding 1.5 * 2^23 and taking
// the sum's bits less the constant's (0x4B400000), add the zero point in i32.
// CHECK-LABEL: func.func @quantize_per_tensor
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<f64>, tensor<i64>) outs(%{{.*}} : tensor<2x3xi8>)
// CHECK: ^bb0(%[[X:.*]]: f32, %[[S:.*]]: f64, %[[Z:.*]]: i64, %{{.*}}: i8):
// CHECK: %[[INV64:.*]] = arith.divf %{{.*}}, %[[S]] : f64
// CHECK: %[[INV:.*]] = arith.truncf %[[INV64]] : f64 to f32
// CHECK: %[[V:.*]] = arith.mulf %[[X]], %[[INV]] : f32
// CHECK: %[[ZF:.*]] = arith.sitofp %[[Z]] : i64 to f32
// CHECK: %[[LOB:.*]] = arith.subf %{{.*}}, %[[ZF]] : f32
// CHECK: %[[HIB:.*]] = arith.subf %{{.*}}, %[[ZF]] : f32
// CHECK: %[[LO:.*]] = arith.maxnumf %[[V]], %[[LOB]] : f32
// CHECK: %[[HI:.*]] = arith.minnumf %[[LO]], %[[HIB]] : f32
// CHECK: %[[SUM:.*]] = arith.addf %[[HI]], %{{.*}} : f32
// CHECK: %[[BITS:.*]] = arith.bitcast %[[SUM]] : f32 to i32
// CHECK: %[[R:.*]] = arith.subi %[[BITS]], %{{.*}} : i32
// CHECK: %[[Z32:.*]] = arith.trunci %[[Z]] : i64 to i32
// CHECK: %[[Q:.*]] = arith.addi %[[R]], %[[Z32]] : i32
// CHECK: arith.trunci %[[Q]] : i32 to i8
// CHECK-NOT: math.roundeven
func.func @quantize_per_tensor(%x: tensor<2x3xf32>) -> tensor<2x3xi8> {
  %s = arith.constant dense<0.05> : tensor<f64>
  %z = arith.constant dense<-3> : tensor<i64>
  %q = kiln.quantize %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x3xf32>, tensor<f64>, tensor<i64>) -> tensor<2x3xi8>
  return %q : tensor<2x3xi8>
}

// -----

// A zero point only known at run time (here an argument): multiply, round
// half to even, add the zero point, clamp with maxnum/minnum, convert.
// CHECK-LABEL: func.func @quantize_runtime_zero_point
// CHECK: %[[V:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: %[[R:.*]] = math.roundeven %[[V]] : f32
// CHECK: %[[ZF:.*]] = arith.sitofp %{{.*}} : i64 to f32
// CHECK: %[[A:.*]] = arith.addf %[[R]], %[[ZF]] : f32
// CHECK: %[[LO:.*]] = arith.maxnumf %[[A]], %{{.*}} : f32
// CHECK: %[[HI:.*]] = arith.minnumf %[[LO]], %{{.*}} : f32
// CHECK: arith.fptosi %[[HI]] : f32 to i8
func.func @quantize_runtime_zero_point(%x: tensor<2x3xf32>, %z: tensor<i64>) -> tensor<2x3xi8> {
  %s = arith.constant dense<0.05> : tensor<f64>
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

// -----

// kiln.qavg_pool2d: the window sums of the dequantized input (x + 4, times
// 0.02 in f32) over reduction dimensions, no float input tensor; then / 4,
// times float32(1 / 0.01) and quantized with zero point 3.
// CHECK-LABEL: func.func @qavg_pool
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]{{.*}} ins(%arg0, %{{.*}} : tensor<1x2x4x4xi8>, tensor<2x2xf32>) outs(%{{.*}} : tensor<1x2x2x2xf32>)
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: arith.subi
// CHECK: arith.sitofp
// CHECK: arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: arith.addf
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<1x2x2x2xf32>) outs(%{{.*}} : tensor<1x2x2x2xi8>)
// CHECK: arith.divf
// CHECK: arith.mulf
// CHECK: arith.bitcast %{{.*}} : f32 to i32
// CHECK: arith.trunci %{{.*}} : i32 to i8
func.func @qavg_pool(%x: tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8> {
  %y = kiln.qavg_pool2d %x {divisor = 4 : i64, input_scale = 2.000000e-02 : f64, input_zero_point = -4 : i64, kernel = array<i64: 2, 2>, output_max = 127 : i64, output_min = -128 : i64, output_scale = 1.000000e-02 : f64, output_zero_point = 3 : i64, padding = array<i64: 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8>
  return %y : tensor<1x2x2x2xi8>
}

// -----

// kiln.qadd in 32-bit lanes: |x - z| is at most 131 and 130 (zero points -4
// and 2); the multipliers 214748360 and 1073741840 over 2^29 split t bits
// off, the least t with 2 * G + 1 < 2^31: t = 8, 838860 and 4194304 high,
// 200 and 16 low. G = da * 838860 + db * 4194304 + (da * 200 + db * 16) >> 8,
// then (2G + sticky) shifted by 29 - 8 + 1 = 22 rounding half to even,
// + zp_y, clamped.
// CHECK-LABEL: func.func @qadd_split
// CHECK: linalg.generic
// CHECK-NOT: i64
// CHECK-DAG: arith.constant 838860 : i32
// CHECK-DAG: arith.constant 4194304 : i32
// CHECK-DAG: arith.constant 200 : i32
// CHECK-DAG: arith.constant 16 : i32
// CHECK-DAG: arith.constant 255 : i32
// CHECK-DAG: arith.constant 22 : i32
// CHECK: arith.shrsi
// CHECK: arith.trunci {{.*}} : i32 to i8
func.func @qadd_split(%a: tensor<1x4xi8>, %b: tensor<1x4xi8>) -> tensor<1x4xi8> {
  %y = kiln.qadd %a, %b {lhs_multiplier = 214748360 : i64, lhs_zero_point = -4 : i64, output_max = 127 : i64, output_min = 7 : i64, output_zero_point = 7 : i64, rhs_multiplier = 1073741840 : i64, rhs_zero_point = 2 : i64, shift = 29 : i64} : (tensor<1x4xi8>, tensor<1x4xi8>) -> tensor<1x4xi8>
  return %y : tensor<1x4xi8>
}

// -----

// No split keeps 2G + 1 within int32 when the shift is small (the high
// parts stay large): the sum in 64 bits.
// CHECK-LABEL: func.func @qadd_wide
// CHECK: linalg.generic
// CHECK: arith.extsi {{.*}} : i8 to i64
// CHECK: arith.trunci {{.*}} : i64 to i8
func.func @qadd_wide(%a: tensor<1x4xi8>, %b: tensor<1x4xi8>) -> tensor<1x4xi8> {
  %y = kiln.qadd %a, %b {lhs_multiplier = 2147483647 : i64, lhs_zero_point = 0 : i64, output_max = 127 : i64, output_min = -128 : i64, output_zero_point = 0 : i64, rhs_multiplier = 2147483647 : i64, rhs_zero_point = 0 : i64, shift = 3 : i64} : (tensor<1x4xi8>, tensor<1x4xi8>) -> tensor<1x4xi8>
  return %y : tensor<1x4xi8>
}

// -----

// kiln.qmul in 32-bit lanes: the product of the differences is at most
// 132 * 126 = 16632 (zero points -4 and 2); the split of the multiplier
// 1374389524 over 2^35 is t = 15 (41943 high, 1300 low: 16632 * 41943 and
// 16632 * 32767 fit), the second input broadcast along the last dimension,
// then (2G + sticky) shifted by 35 - 15 + 1 = 21, + zp_y, clamped.
// CHECK-LABEL: func.func @qmul_split
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}]
// CHECK-NOT: i64
// CHECK-DAG: arith.constant 41943 : i32
// CHECK-DAG: arith.constant 1300 : i32
// CHECK-DAG: arith.constant 21 : i32
// CHECK: arith.trunci {{.*}} : i32 to i8
func.func @qmul_split(%a: tensor<2x4xi8>, %b: tensor<2x1xi8>) -> tensor<2x4xi8> {
  %y = kiln.qmul %a, %b {lhs_zero_point = -4 : i64, multiplier = 1374389524 : i64, output_max = 127 : i64, output_min = 7 : i64, output_zero_point = 7 : i64, rhs_zero_point = 2 : i64, shift = 35 : i64} : (tensor<2x4xi8>, tensor<2x1xi8>) -> tensor<2x4xi8>
  return %y : tensor<2x4xi8>
}

// -----

// With zero points 127 and -128 the product reaches 255 * 255 = 65025: a
// split with the high part within int32 leaves a low part that is not (t >=
// 17), so the product is taken in 64 bits, shifted once by 35.
// CHECK-LABEL: func.func @qmul_wide
// CHECK: arith.extsi {{.*}} : i8 to i64
// CHECK-DAG: arith.constant 1374389524 : i64
// CHECK-DAG: arith.constant 35 : i64
// CHECK: arith.trunci {{.*}} : i64 to i8
func.func @qmul_wide(%a: tensor<2x4xi8>, %b: tensor<2x4xi8>) -> tensor<2x4xi8> {
  %y = kiln.qmul %a, %b {lhs_zero_point = 127 : i64, multiplier = 1374389524 : i64, output_max = 127 : i64, output_min = -128 : i64, output_zero_point = 0 : i64, rhs_zero_point = -128 : i64, shift = 35 : i64} : (tensor<2x4xi8>, tensor<2x4xi8>) -> tensor<2x4xi8>
  return %y : tensor<2x4xi8>
}

// -----

// kiln.qmatmul: both operands less their zero points as int16, the products
// summed in int32 over k (the batch dimension of the rhs broadcast), then
// the one multiplier and shift repeated along the last dimension.
// CHECK-LABEL: func.func @qmatmul
// CHECK: arith.extsi {{.*}} : i8 to i16
// CHECK: arith.extsi {{.*}} : i8 to i16
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK: arith.extsi {{.*}} : i16 to i32
// CHECK: arith.muli {{.*}} : i32
// CHECK: arith.addi {{.*}} : i32
// CHECK: arith.constant dense<1374389524> : tensor<5xi32>
// CHECK: arith.constant dense<-4> : tensor<5xi32>
// CHECK: arith.trunci {{.*}} : i64 to i8
func.func @qmatmul(%a: tensor<2x3x8xi8>, %b: tensor<1x8x5xi8>) -> tensor<2x3x5xi8> {
  %y = kiln.qmatmul %a, %b {lhs_zero_point = -4 : i64, multiplier = array<i32: 1374389524>, output_max = 127 : i64, output_min = 7 : i64, output_zero_point = 7 : i64, rhs_zero_point = 2 : i64, shift = array<i32: -4>} : (tensor<2x3x8xi8>, tensor<1x8x5xi8>) -> tensor<2x3x5xi8>
  return %y : tensor<2x3x5xi8>
}

// -----

// kiln.qlinear_dynamic: the input less the run-time zero point (a rank-0
// tensor, read by an empty map) in int16, the int32 sum of products, then
// float32(acc) * (float32(s) * s_w[n]) + bias[n] and the relu.
// CHECK-LABEL: func.func @qlinear_dynamic
// CHECK: linalg.generic {indexing_maps = [#[[ID:.*]], #[[SCALAR:.*]], #[[ID]]]
// CHECK: arith.trunci {{.*}} : i64 to i16
// CHECK: arith.subi {{.*}} : i16
// CHECK: arith.muli {{.*}} : i32
// CHECK: linalg.generic
// CHECK: arith.truncf {{.*}} : f64 to f32
// CHECK: arith.sitofp {{.*}} : i32 to f32
// CHECK: arith.addf
// CHECK: arith.maximumf
func.func @qlinear_dynamic(%x: tensor<2x4xi8>, %s: tensor<f64>, %z: tensor<i64>, %w: tensor<3x4xi8>, %ws: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %y = kiln.qlinear_dynamic %x, %s, %z, %w, %ws, %b {activation = "relu"} : (tensor<2x4xi8>, tensor<f64>, tensor<i64>, tensor<3x4xi8>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
