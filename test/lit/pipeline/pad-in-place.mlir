// RUN: kiln-opt %s -kiln-stage-lower -kiln-stage-bufferize | FileCheck %s

// A padded convolution whose input comes from another convolution: after
// bufferization the first convolution (bias, accumulation and activation)
// writes straight into the interior of the second one's padded buffer. Only
// one buffer exists for the intermediate tensor: the padded one.
// CHECK-LABEL: func.func @forward
// CHECK: %[[PADDED:.*]] = memref.alloc() {{.*}} : memref<1x4x10x10xf32>
// CHECK: linalg.fill {{.*}} outs(%[[PADDED]] : memref<1x4x10x10xf32>)
// CHECK: %[[INTERIOR:.*]] = memref.subview %[[PADDED]][0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1]
// CHECK: linalg.generic {{.*}} outs(%[[INTERIOR]]
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} outs(%[[INTERIOR]]
// CHECK: linalg.generic {{.*}} outs(%[[INTERIOR]]
// CHECK-NOT: memref.alloc() {{.*}} : memref<1x4x8x8xf32>
// CHECK-NOT: linalg.copy
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} ins(%[[PADDED]]
func.func @forward(%x: tensor<1x2x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w1 = arith.constant dense<0.5> : tensor<4x2x1x1xf32>
  %w2 = arith.constant dense<0.25> : tensor<4x4x3x3xf32>
  %b1 = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %b2 = arith.constant dense<[4.0, 3.0, 2.0, 1.0]> : tensor<4xf32>
  %0 = kiln.conv2d %x, %w1, %b1 {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64, activation = "relu"} : (tensor<1x2x8x8xf32>, tensor<4x2x1x1xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %1 = kiln.conv2d %0, %w2, %b2 {stride = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %1 : tensor<1x4x8x8xf32>
}
