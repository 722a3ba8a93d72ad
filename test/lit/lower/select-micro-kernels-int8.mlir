// RUN: kiln-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(kiln-select-micro-kernels{qmr=2 qnr=4}))' \
// RUN:   | FileCheck %s
// RUN: kiln-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(kiln-select-micro-kernels{qmr=2 qnr=4 qoff=128}))' \
// RUN:   | FileCheck %s --check-prefix=OFF128
// RUN: kiln-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(kiln-select-micro-kernels{mr=2 nr=4}))' \
// RUN:   | FileCheck %s --check-prefix=NOQ

// The int8 kernels (targets/kernels/kiln_kernels.h). qconv2d, groups = 1:
// weights in words of four k (here K = 2: k 0 and 1, then two zero bytes),
// [ceil(F/qmr)][ceil(K/4)][qmr] words: filters 0 and 1, then filter 2 and a
// zero filter. The bias is folded with the input's zero point:
// bias - (zx + qoff) * sum_k w = 10 - 5*3, 20 - 5*7, 30 - 5*(-1) = -5, -15, 35
// (qoff = 128: -389, -911, 163), and padded to qmr with the multipliers,
// shifts and remainders. The params are conv2d's, then zx, zy, output_min,
// output_max.
// CHECK-LABEL: func.func @qconv
// CHECK: %[[W:.*]] = arith.constant dense_resource<qweight_packed> : tensor<16xi8>
// CHECK: %[[B:.*]] = arith.constant dense_resource<qbias> : tensor<4xi32>
// CHECK: %[[M:.*]] = arith.constant dense_resource<qmultiplier> : tensor<4xi32>
// CHECK: %[[S:.*]] = arith.constant dense_resource<qshift> : tensor<4xi32>
// CHECK: %[[R:.*]] = arith.constant dense_resource<qremainder> : tensor<4xi32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x3x3x3xi8>
// CHECK: %[[Y:.*]] = kiln.micro_kernel "qconv2d" [1, 2, 3, 3, 3, 1, 1, 1, 1, 0, 0, 1, 1, 3, 3, 5, -3, 0, 127]
// CHECK-SAME: ins(%arg0, %[[W]], %[[B]], %[[M]], %[[S]], %[[R]] : tensor<1x2x3x3xi8>, tensor<16xi8>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>)
// CHECK-SAME: outs(%[[E]] : tensor<1x3x3x3xi8>)
// CHECK-NOT: kiln.qconv2d
// CHECK: return %[[Y]]
// NOQ-LABEL: func.func @qconv
// NOQ-NOT: kiln.micro_kernel
// NOQ: kiln.qconv2d
func.func @qconv(%x: tensor<1x2x3x3xi8>) -> tensor<1x3x3x3xi8> {
  %w = arith.constant dense<[[[[1]], [[2]]], [[[3]], [[4]]], [[[5]], [[-6]]]]> : tensor<3x2x1x1xi8>
  %b = arith.constant dense<[10, 20, 30]> : tensor<3xi32>
  %y = kiln.qconv2d %x, %w, %b {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64, input_zero_point = 5 : i64, output_zero_point = -3 : i64, multiplier = array<i32: 1073741824, 1207959552, 1342177280>, shift = array<i32: -4, -5, -6>, output_min = 0 : i64, output_max = 127 : i64, remainder = array<i32: 7, -8, 9>} : (tensor<1x2x3x3xi8>, tensor<3x2x1x1xi8>, tensor<3xi32>) -> tensor<1x3x3x3xi8>
  return %y : tensor<1x3x3x3xi8>
}
// CHECK: qweight_packed: "0x08000000010200000304000005FA000000000000"
// CHECK: qbias: "0x08000000FBFFFFFFF1FFFFFF2300000000000000"
// CHECK: qmultiplier: "0x0800000000000040000000480000005000000000"
// CHECK: qshift: "0x08000000FCFFFFFFFBFFFFFFFAFFFFFF00000000"
// CHECK: qremainder: "0x0800000007000000F8FFFFFF0900000000000000"
// OFF128: qweight_packed: "0x08000000010200000304000005FA000000000000"
// OFF128: qbias: "0x080000007BFEFFFF71FCFFFFA300000000000000"

// -----

// Depthwise: PyTorch's weight layout, the bias not folded (the kernel
// subtracts zx, so the padding adds nothing), no padding to qmr.
// CHECK-LABEL: func.func @qdepthwise
// CHECK: kiln.micro_kernel "qdwconv2d" [1, 2, 5, 5, 3, 3, 2, 2, 1, 1, 1, 1, 3, 3, 7, 0, -128, 127]
// CHECK-SAME: tensor<1x2x5x5xi8>, tensor<18xi8>, tensor<2xi32>, tensor<2xi32>, tensor<2xi32>, tensor<2xi32>
func.func @qdepthwise(%x: tensor<1x2x5x5xi8>) -> tensor<1x2x3x3xi8> {
  %w = arith.constant dense<3> : tensor<2x1x3x3xi8>
  %b = arith.constant dense<[100, -100]> : tensor<2xi32>
  %y = kiln.qconv2d %x, %w, %b {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, groups = 2 : i64, input_zero_point = 7 : i64, output_zero_point = 0 : i64, multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: -8, -8>, output_min = -128 : i64, output_max = 127 : i64} : (tensor<1x2x5x5xi8>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<1x2x3x3xi8>
  return %y : tensor<1x2x3x3xi8>
}
// CHECK: qdwconv_weight: "0x08000000030303030303030303030303030303030303"
// CHECK: qbias: "0x0800000064000000{{9C|9c}}FFFFFF"

// -----

// qlinear: [ceil(N/qnr)][ceil(K/4)][qnr] words (N = 3, K = 5: two words per
// output, outputs padded to 4); the leading dimensions are the rows m; the
// params are m, k, n, zy, output_min, output_max (zx is in the bias:
// 1 - (-2) * 5, 2 - (-2) * (-5), 3 - (-2) * 1 = 11, -8, 5).
// CHECK-LABEL: func.func @qlinear
// CHECK: kiln.micro_kernel "qlinear" [6, 5, 3, 4, -128, 127]
// CHECK-SAME: tensor<2x3x5xi8>, tensor<32xi8>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>
func.func @qlinear(%x: tensor<2x3x5xi8>) -> tensor<2x3x3xi8> {
  %w = arith.constant dense<[[1, 1, 1, 1, 1], [-1, -1, -1, -1, -1], [1, 0, 0, 0, 0]]> : tensor<3x5xi8>
  %b = arith.constant dense<[1, 2, 3]> : tensor<3xi32>
  %y = kiln.qlinear %x, %w, %b {input_zero_point = -2 : i64, output_zero_point = 4 : i64, multiplier = array<i32: 1073741824, 1073741824, 1073741824>, shift = array<i32: -3, -3, -3>, output_min = -128 : i64, output_max = 127 : i64} : (tensor<2x3x5xi8>, tensor<3x5xi8>, tensor<3xi32>) -> tensor<2x3x3xi8>
  return %y : tensor<2x3x3xi8>
}
// Panel 0: word 0 of outputs 0..3 (k 0..3), then word 1 (k 4 and zeros).
// CHECK: qweight_packed: "0x0800000001010101FFFFFFFF010000000000000001000000FF0000000000000000000000"
// CHECK: qbias: "0x080000000B000000F8FFFFFF0500000000000000"

// -----

// A 1x1 convolution of a 1x1 image (squeeze-and-excitation) is qlinear over
// [N, C].
// CHECK-LABEL: func.func @qpointwise
// CHECK: kiln.micro_kernel "qlinear" [1, 2, 2, 0, -128, 127]
func.func @qpointwise(%x: tensor<1x2x1x1xi8>) -> tensor<1x2x1x1xi8> {
  %w = arith.constant dense<1> : tensor<2x2x1x1xi8>
  %y = kiln.qconv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64, input_zero_point = 0 : i64, output_zero_point = 0 : i64, multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 0, 0>, output_min = -128 : i64, output_max = 127 : i64} : (tensor<1x2x1x1xi8>, tensor<2x2x1x1xi8>) -> tensor<1x2x1x1xi8>
  return %y : tensor<1x2x1x1xi8>
}

// -----

// Every int8 table lookup is the lookup kernel over all its elements, the
// table passed as it is; with only the float kernels (NOQ) it is left alone.
// CHECK-LABEL: func.func @lookup
// CHECK: %[[T:.*]] = arith.constant dense<7> : tensor<256xi8>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3x5xi8>
// CHECK: %[[Y:.*]] = kiln.micro_kernel "lookup" [30]
// CHECK-SAME: ins(%arg0, %[[T]] : tensor<2x3x5xi8>, tensor<256xi8>)
// CHECK-SAME: outs(%[[E]] : tensor<2x3x5xi8>)
// CHECK-NOT: kiln.lookup
// CHECK: return %[[Y]]
// NOQ-LABEL: func.func @lookup
// NOQ: kiln.lookup
// NOQ-NOT: kiln.micro_kernel
func.func @lookup(%x: tensor<2x3x5xi8>) -> tensor<2x3x5xi8> {
  %t = arith.constant dense<7> : tensor<256xi8>
  %y = kiln.lookup %x, %t : (tensor<2x3x5xi8>, tensor<256xi8>) -> tensor<2x3x5xi8>
  return %y : tensor<2x3x5xi8>
}

// -----

// An undilated int8 max pool is the qmaxpool2d kernel, its parameters
// (planes, h, w, kh, kw, sh, sw, pt, pl, oh, ow) from the op (ceil mode's
// extra output column: ow = 4). Left alone: a dilated one, a float32 one,
// and with only the float kernels (NOQ) every one.
// CHECK-LABEL: func.func @max_pool
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3x4x4xi8>
// CHECK: %[[Y:.*]] = kiln.micro_kernel "qmaxpool2d" [6, 7, 7, 3, 2, 2, 2, 1, 0, 4, 4]
// CHECK-SAME: ins(%arg0 : tensor<2x3x7x7xi8>)
// CHECK-SAME: outs(%[[E]] : tensor<2x3x4x4xi8>)
// CHECK: kiln.max_pool2d %arg0 {{.*}}dilation = array<i64: 2, 2>
// CHECK: kiln.max_pool2d %arg1
// CHECK: return %[[Y]]
// NOQ-LABEL: func.func @max_pool
// NOQ-NOT: kiln.micro_kernel
func.func @max_pool(%x: tensor<2x3x7x7xi8>, %f: tensor<1x2x8x8xf32>) -> (tensor<2x3x4x4xi8>, tensor<2x3x3x3xi8>, tensor<1x2x4x4xf32>) {
  %0 = kiln.max_pool2d %x {kernel = array<i64: 3, 2>, stride = array<i64: 2, 2>, padding = array<i64: 1, 0>, dilation = array<i64: 1, 1>, ceil_mode = true} : (tensor<2x3x7x7xi8>) -> tensor<2x3x4x4xi8>
  %1 = kiln.max_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 0, 0>, dilation = array<i64: 2, 2>, ceil_mode = false} : (tensor<2x3x7x7xi8>) -> tensor<2x3x3x3xi8>
  %2 = kiln.max_pool2d %f {kernel = array<i64: 3, 3>, stride = array<i64: 2, 2>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  return %0, %1, %2 : tensor<2x3x4x4xi8>, tensor<2x3x3x3xi8>, tensor<1x2x4x4xf32>
}

// -----

// Left to the linalg lowering: grouped convolutions, weights that are not
// constants, and shifts the kernels do not take (31).
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: kiln.micro_kernel
// CHECK: kiln.qconv2d
// CHECK: kiln.qlinear
// CHECK: kiln.qlinear
// CHECK-NOT: kiln.micro_kernel
func.func @left_alone(%x: tensor<1x4x3x3xi8>, %v: tensor<1x4xi8>, %wv: tensor<2x4xi8>) -> (tensor<1x4x3x3xi8>, tensor<1x2xi8>, tensor<1x2xi8>) {
  %w = arith.constant dense<1> : tensor<4x2x1x1xi8>
  %g = kiln.qconv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 2 : i64, input_zero_point = 0 : i64, output_zero_point = 0 : i64, multiplier = array<i32: 1073741824, 1073741824, 1073741824, 1073741824>, shift = array<i32: 0, 0, 0, 0>, output_min = -128 : i64, output_max = 127 : i64} : (tensor<1x4x3x3xi8>, tensor<4x2x1x1xi8>) -> tensor<1x4x3x3xi8>
  %l = kiln.qlinear %v, %wv {input_zero_point = 0 : i64, output_zero_point = 0 : i64, multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 0, 0>, output_min = -128 : i64, output_max = 127 : i64} : (tensor<1x4xi8>, tensor<2x4xi8>) -> tensor<1x2xi8>
  %c = arith.constant dense<1> : tensor<2x4xi8>
  %s = kiln.qlinear %v, %c {input_zero_point = 0 : i64, output_zero_point = 0 : i64, multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 31, 0>, output_min = -128 : i64, output_max = 127 : i64} : (tensor<1x4xi8>, tensor<2x4xi8>) -> tensor<1x2xi8>
  return %g, %l, %s : tensor<1x4x3x3xi8>, tensor<1x2xi8>, tensor<1x2xi8>
}
