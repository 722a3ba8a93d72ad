// RUN: kiln-opt %s -split-input-file -kiln-fold-batch-norm | FileCheck %s

// W'[f] = W[f] * s[f], b'[f] = (b[f] - mean[f]) * s[f] + offset[f] with
// s = scale / sqrt(var + eps): here s = 2 / sqrt(3 + 1) = 1 for channel 0,
// s = 4 / sqrt(15 + 1) = 1 for channel 1, so W' = W, b' = b - mean + offset.
// CHECK-LABEL: func.func @conv_bn
// CHECK-DAG: %[[W:.*]] = arith.constant dense_resource<bn_folded_weight{{.*}}> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense_resource<bn_folded_bias{{.*}}> : tensor<2xf32>
// CHECK: %[[C:.*]] = kiln.conv2d %arg0, %[[W]], %[[B]]
// CHECK-NOT: kiln.batch_norm
// CHECK: return %[[C]]
// The blobs: W' = [1, 2]; b' = [(0.5 - 0.25) + 1, (-0.5 - 0.75) + 1] = [1.25, -0.25].
// CHECK: bn_folded_weight: "0x080000000000803F00000040"
// CHECK: bn_folded_bias: "0x080000000000A03F000080BE"
func.func @conv_bn(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %b = arith.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %scale = arith.constant dense<[2.0, 4.0]> : tensor<2xf32>
  %offset = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %mean = arith.constant dense<[0.25, 0.75]> : tensor<2xf32>
  %var = arith.constant dense<[3.0, 15.0]> : tensor<2xf32>
  %c = kiln.conv2d %x, %w, %b {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %y = kiln.batch_norm %c, %scale, %offset, %mean, %var {epsilon = 1.0 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A conv without bias gains one; a linear layer (BatchNorm1d) folds too.
// CHECK-LABEL: func.func @linear_bn_no_bias
// CHECK: kiln.linear %arg0, %{{.*}}, %{{.*}} : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>)
// CHECK-NOT: kiln.batch_norm
func.func @linear_bn_no_bias(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x2xf32>
  %p = arith.constant dense<1.0> : tensor<2xf32>
  %l = kiln.linear %x, %w : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %y = kiln.batch_norm %l, %p, %p, %p, %p {epsilon = 0.0 : f64} : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Not folded: statistics that are inputs, a conv with another user, and a
// batch norm whose input is not a conv or linear.
// CHECK-LABEL: func.func @not_foldable
// CHECK-COUNT-3: kiln.batch_norm
func.func @not_foldable(%x: tensor<1x2x2x2xf32>, %s: tensor<2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %w = arith.constant dense<1.0> : tensor<2x2x1x1xf32>
  %p = arith.constant dense<1.0> : tensor<2xf32>
  %c = kiln.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %a = kiln.batch_norm %c, %s, %p, %p, %p {epsilon = 0.0 : f64} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %c2 = kiln.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %b = kiln.batch_norm %c2, %p, %p, %p, %p {epsilon = 0.0 : f64} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %d = kiln.batch_norm %x, %p, %p, %p, %p {epsilon = 0.0 : f64} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %a, %b, %c2, %d : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}
