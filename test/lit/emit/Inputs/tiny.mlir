// y = relu(x * w + b) on 2x3 inputs; the second output is x + 1.
func.func @forward(%x: tensor<2x3xf32> {kiln.name = "x"})
    -> (tensor<2x3xf32> {kiln.name = "y"}, tensor<2x3xf32> {kiln.name = "x_plus_one"}) {
  %w = arith.constant dense<[2.0, -1.0, 0.5]> : tensor<3xf32>
  %b = arith.constant dense<1.0> : tensor<f32>
  %0 = kiln.mul %x, %w : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = kiln.add %0, %b : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %2 = kiln.relu %1 : tensor<2x3xf32>
  %3 = kiln.add %x, %b : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %2, %3 : tensor<2x3xf32>, tensor<2x3xf32>
}
