// RUN: kiln-opt %s -split-input-file -verify-diagnostics -pass-pipeline='builtin.module(func.func(kiln-int8-io))' | FileCheck %s

// The input is quantized on entry (twice, with the same parameters) and the
// output dequantized on exit: both become int8 with their parameters as
// attributes, the quantizes and the dequantize go, the int8 ops between stay.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:.*]]: tensor<1x4xi8> {kiln.name = "x", kiln.quant_max = 127 : i64, kiln.quant_min = -128 : i64, kiln.scale = 2.500000e-01 : f64, kiln.zero_point = -3 : i64})
// CHECK-SAME: -> (tensor<1x4xi8> {kiln.name = "y", kiln.quant_max = 127 : i64, kiln.quant_min = -128 : i64, kiln.scale = 5.000000e-01 : f64, kiln.zero_point = 2 : i64})
// CHECK-NOT: kiln.quantize
// CHECK: %[[T:.*]] = arith.constant dense<1> : tensor<256xi8>
// CHECK: %[[A:.*]] = kiln.lookup %[[X]], %[[T]]
// CHECK: %[[B:.*]] = kiln.qadd %[[A]], %[[X]]
// CHECK-NOT: kiln.dequantize
// CHECK: return %[[B]] : tensor<1x4xi8>
func.func @forward(%x: tensor<1x4xf32> {kiln.name = "x"}) -> (tensor<1x4xf32> {kiln.name = "y"}) {
  %s = arith.constant dense<0.25> : tensor<f64>
  %z = arith.constant dense<-3> : tensor<i64>
  %q = kiln.quantize %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x4xf32>, tensor<f64>, tensor<i64>) -> tensor<1x4xi8>
  %q2 = kiln.quantize %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x4xf32>, tensor<f64>, tensor<i64>) -> tensor<1x4xi8>
  %t = arith.constant dense<1> : tensor<256xi8>
  %a = kiln.lookup %q, %t : (tensor<1x4xi8>, tensor<256xi8>) -> tensor<1x4xi8>
  %b = kiln.qadd %a, %q2 {lhs_multiplier = 1073741824 : i64, lhs_zero_point = 0 : i64, output_max = 127 : i64, output_min = -128 : i64, output_zero_point = 2 : i64, rhs_multiplier = 1073741824 : i64, rhs_zero_point = -3 : i64, shift = 31 : i64} : (tensor<1x4xi8>, tensor<1x4xi8>) -> tensor<1x4xi8>
  %sy = arith.constant dense<0.5> : tensor<f64>
  %zy = arith.constant dense<2> : tensor<i64>
  %y = kiln.dequantize %b, %sy, %zy {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x4xi8>, tensor<f64>, tensor<i64>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

// Only the entry function (@forward) is changed.
// CHECK-LABEL: func.func @helper
// CHECK-SAME: tensor<1x4xf32>
// CHECK: kiln.quantize
func.func @helper(%x: tensor<1x4xf32>) -> tensor<1x4xi8> {
  %s = arith.constant dense<0.25> : tensor<f64>
  %z = arith.constant dense<-3> : tensor<i64>
  %q = kiln.quantize %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x4xf32>, tensor<f64>, tensor<i64>) -> tensor<1x4xi8>
  return %q : tensor<1x4xi8>
}

// -----

// An input a float op reads, and a float output: errors naming each.
// expected-error @+1 {{--io=int8: input 'x' is used by kiln.relu, not by a per-tensor quantize to int8}}
func.func @forward(%x: tensor<1x4xf32> {kiln.name = "x"}) -> (tensor<1x4xf32> {kiln.name = "y"}) {
  // expected-error @+1 {{--io=int8: output 'y' is computed by kiln.relu, not by a per-tensor dequantize of int8}}
  %r = kiln.relu %x : tensor<1x4xf32>
  return %r : tensor<1x4xf32>
}

// -----

// Quantized per channel on entry: not an int8 input with one scale (and the
// output is no dequantize).
// expected-error @+1 {{--io=int8: input 'x' is used by kiln.quantize, not by a per-tensor quantize to int8}}
func.func @forward(%x: tensor<1x2xf32> {kiln.name = "x"}) -> (tensor<1x2xi8> {kiln.name = "y"}) {
  %s = arith.constant dense<[0.25, 0.5]> : tensor<2xf64>
  %z = arith.constant dense<[0, 1]> : tensor<2xi64>
  // expected-error @+1 {{--io=int8: output 'y' is computed by kiln.quantize, not by a per-tensor dequantize of int8}}
  %q = kiln.quantize %x, %s, %z {axis = 1 : i64, quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<1x2xf32>, tensor<2xf64>, tensor<2xi64>) -> tensor<1x2xi8>
  return %q : tensor<1x2xi8>
}
