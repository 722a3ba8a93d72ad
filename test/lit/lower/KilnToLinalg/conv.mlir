// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg | FileCheck %s

// groups = 1: zero padding (a zero-filled tensor with the input inserted, so
// that the input's producer can later write straight into it), bias broadcast
// into the accumulator, the named NCHW convolution with strides and dilations.
// CHECK-LABEL: func.func @conv_padded_strided
// CHECK: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x3x12x14xf32>)
// CHECK: %[[PAD:.*]] = tensor.insert_slice %{{.*}} into %[[ZERO]][0, 0, 1, 2] [1, 3, 8, 8] [1, 1, 1, 1]
// CHECK: %[[BIAS:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<8xf32>) outs(%{{.*}} : tensor<1x8x5x5xf32>)
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<[1, 2]> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[PAD]], %{{.*}} : tensor<1x3x12x14xf32>, tensor<8x3x3x3xf32>) outs(%[[BIAS]] : tensor<1x8x5x5xf32>)
func.func @conv_padded_strided(%x: tensor<1x3x8x8xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<8xf32>) -> tensor<1x8x5x5xf32> {
  %0 = kiln.conv2d %x, %w, %b {stride = array<i64: 2, 2>, padding = array<i64: 1, 2, 3, 4>, dilation = array<i64: 1, 2>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x5x5xf32>
  return %0 : tensor<1x8x5x5xf32>
}

// -----

// One input and one output channel per group: depthwise, weight [C, KH, KW].
// CHECK-LABEL: func.func @conv_depthwise
// CHECK-NOT: tensor.insert_slice
// CHECK: %[[K:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2], [3]] : tensor<4x1x3x3xf32> into tensor<4x3x3xf32>
// CHECK: linalg.depthwise_conv_2d_nchw_chw {{.*}} ins(%{{.*}}, %[[K]] : tensor<1x4x8x8xf32>, tensor<4x3x3xf32>)
func.func @conv_depthwise(%x: tensor<1x4x8x8xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %0 = kiln.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 4 : i64} : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// Other groupings split channels into [G, C/G]: NGCHW x GFCHW.
// CHECK-LABEL: func.func @conv_grouped
// CHECK: %[[IN:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2], [3], [4]] output_shape [1, 2, 2, 9, 9]
// CHECK: %[[W:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2], [3], [4]] output_shape [2, 3, 2, 3, 3]
// CHECK: %[[OUT:.*]] = linalg.conv_2d_ngchw_gfchw {{.*}} ins(%[[IN]], %[[W]] : tensor<1x2x2x9x9xf32>, tensor<2x3x2x3x3xf32>)
// CHECK: tensor.collapse_shape %[[OUT]] {{\[\[}}0], [1, 2], [3], [4]] : tensor<1x2x3x7x7xf32> into tensor<1x6x7x7xf32>
func.func @conv_grouped(%x: tensor<1x4x9x9xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x7x7xf32> {
  %0 = kiln.conv2d %x, %w, %b {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 2 : i64} : (tensor<1x4x9x9xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x7x7xf32>
  return %0 : tensor<1x6x7x7xf32>
}

// -----

// A fused activation runs in place on the convolution's result (its only
// operand is the init), so conv, bias and activation share one buffer.
// CHECK-LABEL: func.func @conv_relu
// CHECK: %[[CONV:.*]] = linalg.conv_2d_nchw_fchw
// CHECK: linalg.generic {indexing_maps = [#{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%[[CONV]] : tensor<1x2x4x4xf32>)
// CHECK: arith.maximumf
func.func @conv_relu(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %0 = kiln.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64, activation = "relu"} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}
