// RUN: kiln-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(kiln-select-micro-kernels{mr=2 nr=4}))' \
// RUN:   | FileCheck %s
// RUN: kiln-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(kiln-select-micro-kernels))' \
// RUN:   | FileCheck %s --check-prefix=OFF
// RUN: kiln-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(kiln-select-micro-kernels{mr=2 nr=4 kc=1}))' \
// RUN:   | FileCheck %s --check-prefix=KC1

// groups = 1: the weight is packed [ceil(K/kc)][ceil(F/mr)][kc][mr] with
// K = C*KH*KW (one K block here: filters 0 and 1 interleaved per k, then
// filter 2 and a zero filter) and the bias padded to
// a multiple of mr; relu6 runs in the epilogue (act = 2).
// CHECK-LABEL: func.func @conv
// CHECK: %[[W:.*]] = arith.constant dense_resource<conv_weight_packed> : tensor<8xf32>
// CHECK: %[[B:.*]] = arith.constant dense_resource<conv_bias> : tensor<4xf32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x3x4x4xf32>
// CHECK: %[[Y:.*]] = kiln.micro_kernel "conv2d" [1, 2, 4, 4, 3, 1, 1, 1, 1, 0, 0, 1, 1, 4, 4, 2]
// CHECK-SAME: ins(%arg0, %[[W]], %[[B]] : tensor<1x2x4x4xf32>, tensor<8xf32>, tensor<4xf32>)
// CHECK-SAME: outs(%[[E]] : tensor<1x3x4x4xf32>)
// CHECK-NOT: kiln.conv2d
// CHECK: return %[[Y]]
// OFF-LABEL: func.func @conv
// OFF-NOT: kiln.micro_kernel
// OFF: kiln.conv2d
func.func @conv(%x: tensor<1x2x4x4xf32>) -> tensor<1x3x4x4xf32> {
  %w = arith.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]], [[[5.0]], [[6.0]]]]> : tensor<3x2x1x1xf32>
  %b = arith.constant dense<[0.5, 0.25, 0.125]> : tensor<3xf32>
  %y = kiln.conv2d %x, %w, %b {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64, activation = "relu6"} : (tensor<1x2x4x4xf32>, tensor<3x2x1x1xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  return %y : tensor<1x3x4x4xf32>
}
// CHECK: conv_weight_packed: "0x080000000000803F0000404000000040000080400000A040000000000000C04000000000"
// With K blocks of 1, block k holds column k of every filter (padded to mr):
// [1 3 | 5 0] then [2 4 | 6 0].
// KC1: conv_weight_packed: "0x080000000000803F000040400000A0400000000000000040000080400000C04000000000"
// CHECK: conv_bias: "0x080000000000003F0000803E0000003E00000000"

// -----

// Depthwise (groups = C = F, one channel per group): PyTorch's weight layout
// is the kernel's; a missing bias becomes zeros. Stride, padding and the
// output size are params.
// CHECK-LABEL: func.func @depthwise
// CHECK: %[[W:.*]] = arith.constant dense_resource<dwconv_weight> : tensor<18xf32>
// CHECK: %[[B:.*]] = arith.constant dense_resource<conv_bias> : tensor<2xf32>
// CHECK: kiln.micro_kernel "dwconv2d" [1, 2, 5, 5, 3, 3, 2, 2, 1, 1, 1, 1, 3, 3, 1]
// CHECK-SAME: ins(%arg0, %[[W]], %[[B]] :
func.func @depthwise(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %w = arith.constant dense<1.0> : tensor<2x1x3x3xf32>
  %y = kiln.conv2d %x, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, groups = 2 : i64, activation = "relu"} : (tensor<1x2x5x5xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}
// CHECK: conv_bias: "0x080000000000000000000000"

// -----

// linear: weightᵀ packed in panels of nr outputs ([ceil(N/nr)][K][nr]); the
// leading dimensions are the rows m. Sigmoid is not an epilogue: it follows
// the kernel as a kiln op.
// CHECK-LABEL: func.func @linear
// CHECK: %[[W:.*]] = arith.constant dense_resource<linear_weight_packed> : tensor<8xf32>
// CHECK: %[[B:.*]] = arith.constant dense_resource<linear_bias> : tensor<4xf32>
// CHECK: %[[Y:.*]] = kiln.micro_kernel "linear" [6, 2, 3, 0]
// CHECK-SAME: ins(%arg0, %[[W]], %[[B]] : tensor<2x3x2xf32>, tensor<8xf32>, tensor<4xf32>)
// CHECK: %[[S:.*]] = kiln.sigmoid %[[Y]]
// CHECK: return %[[S]]
func.func @linear(%x: tensor<2x3x2xf32>) -> tensor<2x3x3xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %b = arith.constant dense<[7.0, 8.0, 9.0]> : tensor<3xf32>
  %y = kiln.linear %x, %w, %b {activation = "sigmoid"} : (tensor<2x3x2xf32>, tensor<3x2xf32>, tensor<3xf32>) -> tensor<2x3x3xf32>
  return %y : tensor<2x3x3xf32>
}
// Rows k of Wᵀ: [1 3 5 0] [2 4 6 0].
// CHECK: linear_weight_packed: "0x080000000000803F000040400000A0400000000000000040000080400000C04000000000"

// -----

// The end of a residual block, relu(conv(x) + r), is one kernel: the residual
// is a fourth input, relu its epilogue (act = 1). Without a relu act is 0; the
// residual may be either operand of the add. A conv whose result has another
// user keeps its add.
// CHECK-LABEL: func.func @residual
// CHECK: %[[A:.*]] = kiln.micro_kernel "conv2d_residual" [1, 2, 4, 4, 2, 1, 1, 1, 1, 0, 0, 1, 1, 4, 4, 1]
// CHECK-SAME: ins(%arg0, %{{.*}}, %{{.*}}, %arg1 :
// CHECK: %[[B:.*]] = kiln.micro_kernel "conv2d_residual" [1, 2, 4, 4, 2, 1, 1, 1, 1, 0, 0, 1, 1, 4, 4, 0]
// CHECK-SAME: ins(%[[A]], %{{.*}}, %{{.*}}, %arg1 :
// CHECK: %[[C:.*]] = kiln.micro_kernel "conv2d" {{.*}} ins(%[[B]],
// CHECK: %[[S:.*]] = kiln.add %[[C]], %arg1
// CHECK-NOT: kiln.relu
// CHECK: return %[[S]], %[[C]]
func.func @residual(%x: tensor<1x2x4x4xf32>, %r: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = arith.constant dense<0.5> : tensor<2x2x1x1xf32>
  %c = kiln.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %a = kiln.add %c, %r : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %y = kiln.relu %a : tensor<1x2x4x4xf32>
  %c2 = kiln.conv2d %y, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %z = kiln.add %r, %c2 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %c3 = kiln.conv2d %z, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %s = kiln.add %c3, %r : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %s, %c3 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// Left to the linalg lowering: weights computed at run time, float16, and
// grouped convolutions that are not depthwise.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: kiln.micro_kernel
// CHECK: kiln.linear
// CHECK: kiln.conv2d
// CHECK: kiln.conv2d
// CHECK: return
func.func @left_alone(%x: tensor<1x4xf32>, %w: tensor<2x4xf32>, %h: tensor<1x2x4x4xf16>,
                      %g: tensor<1x4x4x4xf32>) -> (tensor<1x2xf32>, tensor<1x2x4x4xf16>, tensor<1x2x4x4xf32>) {
  %y = kiln.linear %x, %w : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
  %wh = arith.constant dense<1.0> : tensor<2x2x1x1xf16>
  %z = kiln.conv2d %h, %wh {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf16>, tensor<2x2x1x1xf16>) -> tensor<1x2x4x4xf16>
  %wg = arith.constant dense<1.0> : tensor<2x2x1x1xf32>
  %v = kiln.conv2d %g, %wg {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 2 : i64} : (tensor<1x4x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %y, %z, %v : tensor<1x2xf32>, tensor<1x2x4x4xf16>, tensor<1x2x4x4xf32>
}
