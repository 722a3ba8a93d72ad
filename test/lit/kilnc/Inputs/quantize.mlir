// PyTorch's quantize/dequantize per tensor and per channel, and dynamic
// choose_qparams, on one input (quantize-numerics.test checks them against
// torch bit for bit).
func.func @forward(%x: tensor<2x4x5x5xf32> {kiln.name = "x"})
    -> (tensor<2x4x5x5xi8> {kiln.name = "q_tensor"}, tensor<2x4x5x5xf32> {kiln.name = "dq_tensor"},
        tensor<2x4x5x5xi8> {kiln.name = "q_channel"}, tensor<2x4x5x5xf32> {kiln.name = "dq_channel"},
        tensor<1xf64> {kiln.name = "scale"}, tensor<1xi64> {kiln.name = "zero_point"},
        tensor<2x4x5x5xi8> {kiln.name = "q_dynamic"}) {
  %s = arith.constant dense<0.05> : tensor<f64>
  %z = arith.constant dense<-3> : tensor<i64>
  %q = kiln.quantize %x, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x4x5x5xf32>, tensor<f64>, tensor<i64>) -> tensor<2x4x5x5xi8>
  %dq = kiln.dequantize %q, %s, %z {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x4x5x5xi8>, tensor<f64>, tensor<i64>) -> tensor<2x4x5x5xf32>
  %cs = arith.constant dense<[0.5, 0.25, 0.1, 0.03]> : tensor<4xf32>
  %cz = arith.constant dense<[0, 1, -2, 5]> : tensor<4xi64>
  %qc = kiln.quantize %x, %cs, %cz {axis = 1 : i64, quant_min = -127 : i64, quant_max = 127 : i64} : (tensor<2x4x5x5xf32>, tensor<4xf32>, tensor<4xi64>) -> tensor<2x4x5x5xi8>
  %dqc = kiln.dequantize %qc, %cs, %cz {axis = 1 : i64, quant_min = -127 : i64, quant_max = 127 : i64} : (tensor<2x4x5x5xi8>, tensor<4xf32>, tensor<4xi64>) -> tensor<2x4x5x5xf32>
  %ds, %dz = kiln.choose_qparams %x {quant_min = -128 : i64, quant_max = 127 : i64, eps = 1.1920928955078125e-07 : f64} : (tensor<2x4x5x5xf32>) -> (tensor<1xf64>, tensor<1xi64>)
  %ds0 = kiln.reshape %ds : (tensor<1xf64>) -> tensor<f64>
  %dz0 = kiln.reshape %dz : (tensor<1xi64>) -> tensor<i64>
  %qd = kiln.quantize %x, %ds0, %dz0 {quant_min = -128 : i64, quant_max = 127 : i64} : (tensor<2x4x5x5xf32>, tensor<f64>, tensor<i64>) -> tensor<2x4x5x5xi8>
  return %q, %dq, %qc, %dqc, %ds, %dz, %qd : tensor<2x4x5x5xi8>, tensor<2x4x5x5xf32>, tensor<2x4x5x5xi8>, tensor<2x4x5x5xf32>, tensor<1xf64>, tensor<1xi64>, tensor<2x4x5x5xi8>
}
