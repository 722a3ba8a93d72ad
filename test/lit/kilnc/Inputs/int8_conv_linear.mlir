// int8 in, int8 out: a 3x3 convolution (groups = 1), a depthwise one and a linear
// layer, each with constant int8 weights: the three int8 micro-kernels.
func.func @forward(%x: tensor<1x8x6x6xi8> {kiln.name = "x"}) -> (tensor<1x4xi8> {kiln.name = "y"}) {
  %w = arith.constant dense<3> : tensor<8x8x3x3xi8>
  %b = arith.constant dense<-40> : tensor<8xi32>
  %c = kiln.qconv2d %x, %w, %b {stride = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, groups = 1 : i64, input_zero_point = 3 : i64, output_zero_point = -5 : i64, multiplier = array<i32: 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824>, shift = array<i32: -9, -9, -9, -9, -9, -9, -9, -9>, output_min = -5 : i64, output_max = 127 : i64} : (tensor<1x8x6x6xi8>, tensor<8x8x3x3xi8>, tensor<8xi32>) -> tensor<1x8x6x6xi8>
  %dw = arith.constant dense<-2> : tensor<8x1x3x3xi8>
  %d = kiln.qconv2d %c, %dw {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, groups = 8 : i64, input_zero_point = -5 : i64, output_zero_point = 0 : i64, multiplier = array<i32: 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824>, shift = array<i32: -6, -6, -6, -6, -6, -6, -6, -6>, output_min = -128 : i64, output_max = 127 : i64} : (tensor<1x8x6x6xi8>, tensor<8x1x3x3xi8>) -> tensor<1x8x3x3xi8>
  %f = kiln.reshape %d : (tensor<1x8x3x3xi8>) -> tensor<1x72xi8>
  %lw = arith.constant dense<1> : tensor<4x72xi8>
  %y = kiln.qlinear %f, %lw {input_zero_point = 0 : i64, output_zero_point = 1 : i64, multiplier = array<i32: 1073741824, 1073741824, 1073741824, 1073741824>, shift = array<i32: -4, -4, -4, -4>, output_min = -128 : i64, output_max = 127 : i64} : (tensor<1x72xi8>, tensor<4x72xi8>) -> tensor<1x4xi8>
  return %y : tensor<1x4xi8>
}
