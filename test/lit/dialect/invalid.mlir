// RUN: kiln-opt %s -split-input-file -verify-diagnostics
// Each verifier refuses what PyTorch would refuse, naming the problem.

func.func @linear_feature_mismatch(%x: tensor<2x64xf32>, %w: tensor<10x32xf32>) -> tensor<2x10xf32> {
  // expected-error @+1 {{input features 64 do not match weight shape [10, 32]}}
  %0 = kiln.linear %x, %w : (tensor<2x64xf32>, tensor<10x32xf32>) -> tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

func.func @linear_bias_shape(%x: tensor<2x64xf32>, %w: tensor<10x64xf32>, %b: tensor<5xf32>) -> tensor<2x10xf32> {
  // expected-error @+1 {{expects a bias of shape [10], got [5]}}
  %0 = kiln.linear %x, %w, %b : (tensor<2x64xf32>, tensor<10x64xf32>, tensor<5xf32>) -> tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

func.func @linear_wrong_result(%x: tensor<2x64xf32>, %w: tensor<10x64xf32>) -> tensor<2x11xf32> {
  // expected-error @+1 {{result shape [2, 11] does not match the computed shape [2, 10]}}
  %0 = kiln.linear %x, %w : (tensor<2x64xf32>, tensor<10x64xf32>) -> tensor<2x11xf32>
  return %0 : tensor<2x11xf32>
}

// -----

func.func @matmul_contraction(%a: tensor<3x4xf32>, %b: tensor<5x6xf32>) -> tensor<3x6xf32> {
  // expected-error @+1 {{contraction dimensions differ}}
  %0 = kiln.matmul %a, %b : (tensor<3x4xf32>, tensor<5x6xf32>) -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}

// -----

func.func @conv2d_groups(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{groups 3 must divide input channels 4 and output channels 6}}
  %0 = kiln.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 3 : i64} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

func.func @conv2d_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<6x3x3x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{weight shape [6, 3, 3, 3] expects 3 input channels, input has 4}}
  %0 = kiln.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<6x3x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

func.func @conv2d_output_size(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{result shape [1, 4, 8, 8] does not match the computed shape [1, 4, 6, 6]}}
  %0 = kiln.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @conv2d_stride_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{expects every 'stride' element to be >= 1, got [0, 1]}}
  %0 = kiln.conv2d %x, %w {stride = array<i64: 0, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @batch_norm_channels(%x: tensor<1x3x4x4xf32>, %p: tensor<4xf32>) -> tensor<1x3x4x4xf32> {
  // expected-error @+1 {{expects per-channel parameters of shape [3], got [4]}}
  %0 = kiln.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-5 : f64} : (tensor<1x3x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// -----

func.func @add_no_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{operand shapes do not broadcast: [2, 3] and [4]}}
  %0 = kiln.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @mul_mixed_types(%a: tensor<2xf32>, %b: tensor<2xf16>) -> tensor<2xf32> {
  // expected-error @+1 {{mixes element types 'f32' and 'f16'}}
  %0 = kiln.mul %a, %b : (tensor<2xf32>, tensor<2xf16>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @relu_integer(%a: tensor<2xi32>) -> tensor<2xi32> {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of 16-bit float}}
  %0 = kiln.relu %a : tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @clamp_reversed(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{min 6.000000e+00 exceeds max 0.000000e+00}}
  %0 = kiln.clamp %a {min = 6.0 : f64, max = 0.0 : f64} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @reshape_count(%a: tensor<2x3xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{cannot reshape [2, 3] (6 elements) to [7] (7 elements)}}
  %0 = kiln.reshape %a : (tensor<2x3xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

func.func @permute_not_permutation(%a: tensor<2x3xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{dims [0, 0] are not a permutation of [0, 2)}}
  %0 = kiln.permute %a {dims = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @max_pool_padding(%x: tensor<1x1x8x8xf32>) -> tensor<1x1x5x5xf32> {
  // expected-error @+1 {{padding [2, 2] exceeds half of the kernel [2, 2]}}
  %0 = kiln.max_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 2, 2>, dilation = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x1x8x8xf32>) -> tensor<1x1x5x5xf32>
  return %0 : tensor<1x1x5x5xf32>
}

// -----

func.func @max_pool_ceil_shape(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x4x4xf32> {
  // PyTorch gives 3x3 here: the 4th window would start in the right padding.
  // expected-error @+1 {{result shape [1, 1, 4, 4] does not match the computed shape [1, 1, 3, 3]}}
  %0 = kiln.max_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 1, 1>, dilation = array<i64: 1, 1>, ceil_mode = true} : (tensor<1x1x5x5xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @avg_pool_divisor_zero(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{divisor_override must not be 0}}
  %0 = kiln.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, padding = array<i64: 0, 0>, ceil_mode = false, count_include_pad = true, divisor_override = 0 : i64} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @mean_repeated_dim(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{dims [1, 1] must be distinct dimensions of [2, 3]}}
  %0 = kiln.mean %x {dims = array<i64: 1, 1>, keepdim = false} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @add_bool(%a: tensor<4xi1>) -> tensor<4xi1> {
  // Booleans have no arithmetic: the importer maps bool + to bitwise_or.
  // expected-error @+1 {{operand #0 must be statically shaped tensor of}}
  %0 = kiln.add %a, %a : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @div_integers(%a: tensor<4xi64>) -> tensor<4xi64> {
  // True division is floating point; integers use div_trunc or div_floor.
  // expected-error @+1 {{operand #0 must be statically shaped tensor of}}
  %0 = kiln.div %a, %a : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

func.func @compare_predicate(%a: tensor<4xf32>) -> tensor<4xi1> {
  // expected-error @+1 {{unknown predicate 'neq'}}
  %0 = kiln.compare %a, %a {predicate = "neq"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @compare_mixed(%a: tensor<4xf32>, %b: tensor<4xi64>) -> tensor<4xi1> {
  // expected-error @+1 {{compares different element types 'f32' and 'i64'}}
  %0 = kiln.compare %a, %b {predicate = "eq"} : (tensor<4xf32>, tensor<4xi64>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @select_shapes(%c: tensor<3xi1>, %a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{operand shapes do not broadcast: [3], [4] and [4]}}
  %0 = kiln.select %c, %a, %a : (tensor<3xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @clamp_int_fraction(%a: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{bounds of an integer clamp must be integers}}
  %0 = kiln.clamp %a {min = 0.5 : f64} : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @reflect_too_wide(%a: tensor<1x3xf32>) -> tensor<1x9xf32> {
  // PyTorch: "Padding size should be less than the corresponding input dimension".
  // expected-error @+1 {{reflect padding of 3 and 3 must be smaller than dimension 1 of size 3}}
  %0 = kiln.pad %a {low = array<i64: 0, 3>, high = array<i64: 0, 3>, value = 0.0 : f64, mode = "reflect"} : (tensor<1x3xf32>) -> tensor<1x9xf32>
  return %0 : tensor<1x9xf32>
}

// -----

func.func @pad_mode(%a: tensor<3xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{unknown mode 'mirror'}}
  %0 = kiln.pad %a {low = array<i64: 1>, high = array<i64: 1>, value = 0.0 : f64, mode = "mirror"} : (tensor<3xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @flip_repeated(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{dims must be distinct dimensions in [0, 2)}}
  %0 = kiln.flip %a {dims = array<i64: 1, 1>} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gather_rank(%a: tensor<2x3xf32>, %i: tensor<4xi64>) -> tensor<4xf32> {
  // expected-error @+1 {{index rank 1 differs from input rank 2}}
  %0 = kiln.gather %a, %i {dim = 1 : i64} : (tensor<2x3xf32>, tensor<4xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @gather_wide(%a: tensor<2x3xf32>, %i: tensor<3x1xi64>) -> tensor<3x1xf32> {
  // expected-error @+1 {{index dimension 0 of size 3 exceeds the input's 2}}
  %0 = kiln.gather %a, %i {dim = 1 : i64} : (tensor<2x3xf32>, tensor<3x1xi64>) -> tensor<3x1xf32>
  return %0 : tensor<3x1xf32>
}

// -----

func.func @resize_channels(%a: tensor<1x3x4x4xf32>) -> tensor<1x2x8x8xf32> {
  // expected-error @+1 {{changes the batch or channel extent}}
  %0 = kiln.resize %a {mode = "nearest", align_corners = false, scale_h = 0.5 : f64, scale_w = 0.5 : f64} : (tensor<1x3x4x4xf32>) -> tensor<1x2x8x8xf32>
  return %0 : tensor<1x2x8x8xf32>
}

// -----

func.func @argmax_shape(%a: tensor<2x3xf32>) -> tensor<3xi64> {
  // expected-error @+1 {{result shape [3] does not match the computed shape [2]}}
  %0 = kiln.argmax %a {dim = 1 : i64, keepdim = false} : (tensor<2x3xf32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

func.func @micro_kernel_unknown(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{names no micro-kernel: 'gemm'}}
  %y = kiln.micro_kernel "gemm" [4] ins(%x : tensor<4xf32>) outs(%x : tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @micro_kernel_params(%x: tensor<1x4xf32>, %w: tensor<16xf32>, %b: tensor<4xf32>) -> tensor<1x4xf32> {
  %e = tensor.empty() : tensor<1x4xf32>
  // expected-error @+1 {{kernel 'linear' takes 4 params}}
  %y = kiln.micro_kernel "linear" [1, 4, 4] ins(%x, %w, %b : tensor<1x4xf32>, tensor<16xf32>, tensor<4xf32>) outs(%e : tensor<1x4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

func.func @micro_kernel_f16(%x: tensor<1x4xf16>, %w: tensor<16xf32>, %b: tensor<4xf32>) -> tensor<1x4xf32> {
  %e = tensor.empty() : tensor<1x4xf32>
  // expected-error @+1 {{operand #0 of kernel 'linear' must have element type f32}}
  %y = kiln.micro_kernel "linear" [1, 4, 4, 0] ins(%x, %w, %b : tensor<1x4xf16>, tensor<16xf32>, tensor<4xf32>) outs(%e : tensor<1x4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

func.func @micro_kernel_int8_bias(%x: tensor<1x4xi8>, %w: tensor<16xi8>, %b: tensor<4xi8>, %m: tensor<4xi32>) -> tensor<1x4xi8> {
  %e = tensor.empty() : tensor<1x4xi8>
  // expected-error @+1 {{operand #2 of kernel 'qlinear' must have element type i32}}
  %y = kiln.micro_kernel "qlinear" [1, 4, 4, 0, -128, 127] ins(%x, %w, %b, %m, %m, %m : tensor<1x4xi8>, tensor<16xi8>, tensor<4xi8>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>) outs(%e : tensor<1x4xi8>) -> tensor<1x4xi8>
  return %y : tensor<1x4xi8>
}

// -----

func.func @quantize_range_inverted(%x: tensor<4xf32>, %s: tensor<f64>, %z: tensor<i64>) -> tensor<4xi8> {
  // expected-error @+1 {{quant_min 5 exceeds quant_max -5}}
  %0 = kiln.quantize %x, %s, %z {quant_min = 5 : i64, quant_max = -5 : i64} : (tensor<4xf32>, tensor<f64>, tensor<i64>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @quantize_range_too_wide(%x: tensor<4xf32>, %s: tensor<f64>, %z: tensor<i64>) -> tensor<4xi8> {
  // expected-error @+1 {{quantization range [-128, 255] does not fit 'i8'}}
  %0 = kiln.quantize %x, %s, %z {quant_min = -128 : i64, quant_max = 255 : i64} : (tensor<4xf32>, tensor<f64>, tensor<i64>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @dequantize_channel_count(%q: tensor<2x4xi8>, %s: tensor<3xf32>, %z: tensor<3xi64>) -> tensor<2x4xf32> {
  // expected-error @+1 {{per-channel scale must have shape [4] (dimension 1), got [3]}}
  %0 = kiln.dequantize %q, %s, %z {axis = 1 : i64, quant_min = -127 : i64, quant_max = 127 : i64} : (tensor<2x4xi8>, tensor<3xf32>, tensor<3xi64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @dequantize_per_tensor_rank(%q: tensor<2x4xi8>, %s: tensor<4xf32>, %z: tensor<4xi64>) -> tensor<2x4xf32> {
  // expected-error @+1 {{a per-tensor scale must have rank 0 (or give an axis)}}
  %0 = kiln.dequantize %q, %s, %z {quant_min = -127 : i64, quant_max = 127 : i64} : (tensor<2x4xi8>, tensor<4xf32>, tensor<4xi64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @qmul_shift(%a: tensor<2x4xi8>, %b: tensor<2x4xi8>) -> tensor<2x4xi8> {
  // expected-error @+1 {{shift 63 is outside [1, 62]}}
  %0 = kiln.qmul %a, %b {lhs_zero_point = 0 : i64, multiplier = 1073741824 : i64, output_max = 127 : i64, output_min = -128 : i64, output_zero_point = 0 : i64, rhs_zero_point = 0 : i64, shift = 63 : i64} : (tensor<2x4xi8>, tensor<2x4xi8>) -> tensor<2x4xi8>
  return %0 : tensor<2x4xi8>
}

// -----

func.func @qmul_zero_point(%a: tensor<2x4xi8>, %b: tensor<2x4xi8>) -> tensor<2x4xi8> {
  // expected-error @+1 {{zero points and output bounds must be int8 values, got 200}}
  %0 = kiln.qmul %a, %b {lhs_zero_point = 200 : i64, multiplier = 1073741824 : i64, output_max = 127 : i64, output_min = -128 : i64, output_zero_point = 0 : i64, rhs_zero_point = 0 : i64, shift = 31 : i64} : (tensor<2x4xi8>, tensor<2x4xi8>) -> tensor<2x4xi8>
  return %0 : tensor<2x4xi8>
}

// -----

func.func @qmul_broadcast(%a: tensor<2x4xi8>, %b: tensor<3x4xi8>) -> tensor<2x4xi8> {
  // expected-error @+1 {{operand shapes do not broadcast: [2, 4] and [3, 4]}}
  %0 = kiln.qmul %a, %b {lhs_zero_point = 0 : i64, multiplier = 1073741824 : i64, output_max = 127 : i64, output_min = -128 : i64, output_zero_point = 0 : i64, rhs_zero_point = 0 : i64, shift = 31 : i64} : (tensor<2x4xi8>, tensor<3x4xi8>) -> tensor<2x4xi8>
  return %0 : tensor<2x4xi8>
}

// -----

func.func @qmatmul_contraction(%a: tensor<2x3xi8>, %b: tensor<4x5xi8>) -> tensor<2x5xi8> {
  // expected-error @+1 {{contraction dimensions differ: [2, 3] and [4, 5]}}
  %0 = kiln.qmatmul %a, %b {lhs_zero_point = 0 : i64, multiplier = array<i32: 1073741824>, output_max = 127 : i64, output_min = -128 : i64, output_zero_point = 0 : i64, rhs_zero_point = 0 : i64, shift = array<i32: 0>} : (tensor<2x3xi8>, tensor<4x5xi8>) -> tensor<2x5xi8>
  return %0 : tensor<2x5xi8>
}

// -----

func.func @qmatmul_multipliers(%a: tensor<2x3xi8>, %b: tensor<3x5xi8>) -> tensor<2x5xi8> {
  // expected-error @+1 {{expects 1 multipliers and shifts, got 2 and 1}}
  %0 = kiln.qmatmul %a, %b {lhs_zero_point = 0 : i64, multiplier = array<i32: 1073741824, 5>, output_max = 127 : i64, output_min = -128 : i64, output_zero_point = 0 : i64, rhs_zero_point = 0 : i64, shift = array<i32: 0>} : (tensor<2x3xi8>, tensor<3x5xi8>) -> tensor<2x5xi8>
  return %0 : tensor<2x5xi8>
}

// -----

func.func @qlinear_dynamic_weight_scale(%x: tensor<2x4xi8>, %s: tensor<f64>, %z: tensor<i64>, %w: tensor<3x4xi8>, %ws: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{expects a weight scale of shape [3], got [4]}}
  %y = kiln.qlinear_dynamic %x, %s, %z, %w, %ws : (tensor<2x4xi8>, tensor<f64>, tensor<i64>, tensor<3x4xi8>, tensor<4xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @qlinear_dynamic_scale_rank(%x: tensor<2x4xi8>, %s: tensor<1xf64>, %z: tensor<i64>, %w: tensor<3x4xi8>, %ws: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{expects a per-tensor (rank 0) input scale and zero point}}
  %y = kiln.qlinear_dynamic %x, %s, %z, %w, %ws : (tensor<2x4xi8>, tensor<1xf64>, tensor<i64>, tensor<3x4xi8>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
