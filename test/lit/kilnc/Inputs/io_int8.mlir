// int8_conv_linear.mlir between a quantize on entry and a dequantize on exit
// (io-int8.test).
func.func @forward(%xf: tensor<1x8x6x6xf32> {kiln.name = "x"}) -> (tensor<1x4xf32> {kiln.name = "y"}) {
  %sx = arith.constant dense<0.25> : tensor<f64>
  %zx = arith.constant dense<3> : tensor<i64>
  %x = kiln.quantize %xf, %sx, %zx {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x8x6x6xf32>, tensor<f64>, tensor<i64>) -> tensor<1x8x6x6xi8>
  %w = arith.constant dense<3> : tensor<8x8x3x3xi8>
  %b = arith.constant dense<-40> : tensor<8xi32>
  %c = kiln.qconv2d %x, %w, %b {stride = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, groups = 1 : i64, input_zero_point = 3 : i64, output_zero_point = -5 : i64, multiplier = array<i32: 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824>, shift = array<i32: -9, -9, -9, -9, -9, -9, -9, -9>, output_min = -5 : i64, output_max = 127 : i64} : (tensor<1x8x6x6xi8>, tensor<8x8x3x3xi8>, tensor<8xi32>) -> tensor<1x8x6x6xi8>
  %t = arith.constant dense<[-128, -91, -54, -17, 20, 57, 94, -125, -88, -51, -14, 23, 60, 97, -122, -85, -48, -11, 26, 63, 100, -119, -82, -45, -8, 29, 66, 103, -116, -79, -42, -5, 32, 69, 106, -113, -76, -39, -2, 35, 72, 109, -110, -73, -36, 1, 38, 75, 112, -107, -70, -33, 4, 41, 78, 115, -104, -67, -30, 7, 44, 81, 118, -101, -64, -27, 10, 47, 84, 121, -98, -61, -24, 13, 50, 87, 124, -95, -58, -21, 16, 53, 90, 127, -92, -55, -18, 19, 56, 93, -126, -89, -52, -15, 22, 59, 96, -123, -86, -49, -12, 25, 62, 99, -120, -83, -46, -9, 28, 65, 102, -117, -80, -43, -6, 31, 68, 105, -114, -77, -40, -3, 34, 71, 108, -111, -74, -37, 0, 37, 74, 111, -108, -71, -34, 3, 40, 77, 114, -105, -68, -31, 6, 43, 80, 117, -102, -65, -28, 9, 46, 83, 120, -99, -62, -25, 12, 49, 86, 123, -96, -59, -22, 15, 52, 89, 126, -93, -56, -19, 18, 55, 92, -127, -90, -53, -16, 21, 58, 95, -124, -87, -50, -13, 24, 61, 98, -121, -84, -47, -10, 27, 64, 101, -118, -81, -44, -7, 30, 67, 104, -115, -78, -41, -4, 33, 70, 107, -112, -75, -38, -1, 36, 73, 110, -109, -72, -35, 2, 39, 76, 113, -106, -69, -32, 5, 42, 79, 116, -103, -66, -29, 8, 45, 82, 119, -100, -63, -26, 11, 48, 85, 122, -97, -60, -23, 14, 51, 88, 125, -94, -57, -20, 17, 54, 91]> : tensor<256xi8>
  %l = kiln.lookup %c, %t : (tensor<1x8x6x6xi8>, tensor<256xi8>) -> tensor<1x8x6x6xi8>
  %dw = arith.constant dense<-2> : tensor<8x1x3x3xi8>
  %d = kiln.qconv2d %l, %dw {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, groups = 8 : i64, input_zero_point = -5 : i64, output_zero_point = 0 : i64, multiplier = array<i32: 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824>, shift = array<i32: -6, -6, -6, -6, -6, -6, -6, -6>, output_min = -128 : i64, output_max = 127 : i64} : (tensor<1x8x6x6xi8>, tensor<8x1x3x3xi8>) -> tensor<1x8x3x3xi8>
  %f = kiln.reshape %d : (tensor<1x8x3x3xi8>) -> tensor<1x72xi8>
  %lw = arith.constant dense<1> : tensor<4x72xi8>
  %y = kiln.qlinear %f, %lw {input_zero_point = 0 : i64, output_zero_point = 1 : i64, multiplier = array<i32: 1073741824, 1073741824, 1073741824, 1073741824>, shift = array<i32: -4, -4, -4, -4>, output_min = -128 : i64, output_max = 127 : i64} : (tensor<1x72xi8>, tensor<4x72xi8>) -> tensor<1x4xi8>
  %sy = arith.constant dense<0.125> : tensor<f64>
  %zy = arith.constant dense<1> : tensor<i64>
  %yf = kiln.dequantize %y, %sy, %zy {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x4xi8>, tensor<f64>, tensor<i64>) -> tensor<1x4xf32>
  return %yf : tensor<1x4xf32>
}
