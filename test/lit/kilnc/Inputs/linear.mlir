// y = relu(x · Wᵀ + b): a linear layer with constant weights, x [2, 8], 3 outputs.
func.func @forward(%x: tensor<2x8xf32> {kiln.name = "x"}) -> (tensor<2x3xf32> {kiln.name = "y"}) {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
                             [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
                             [-1.0, 0.0, 1.0, 0.0, -1.0, 0.0, 1.0, 0.0]]> : tensor<3x8xf32>
  %b = arith.constant dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
  %y = kiln.linear %x, %w, %b {activation = "relu"} : (tensor<2x8xf32>, tensor<3x8xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
