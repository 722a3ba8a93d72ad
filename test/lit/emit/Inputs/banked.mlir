// t = relu(x * w + b) is a temporary (two ops read it): s = sum(t, dim 1),
// y = t - s (broadcast over the rows), z = t + x.
func.func @forward(%x: tensor<2x3xf32> {kiln.name = "x"})
    -> (tensor<2x3xf32> {kiln.name = "y"}, tensor<2x3xf32> {kiln.name = "z"}) {
  %w = arith.constant dense<[2.0, -1.0, 0.5]> : tensor<3xf32>
  %b = arith.constant dense<1.0> : tensor<f32>
  %0 = kiln.mul %x, %w : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = kiln.add %0, %b : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %2 = kiln.relu %1 : tensor<2x3xf32>
  %3 = kiln.sum %2 {dims = array<i64: 1>, keepdim = true} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  %4 = kiln.sub %2, %3 : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  %5 = kiln.add %2, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %4, %5 : tensor<2x3xf32>, tensor<2x3xf32>
}
