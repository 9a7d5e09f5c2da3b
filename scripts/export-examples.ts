/**
 * The two example architectures the export is proven on (test/trainer/onnx.test.ts, scripts/check-pytorch.ts):
 * each trains in a few seconds on a slice of MNIST. `init normal` starts from small weights, so that after one
 * epoch the MLP has dropped inputs (the digits' empty borders) and neurons, and the convnet dropped channels.
 */
export const EXPORT_EXAMPLES = {
  mlp: `model mlp {
  data mnist limit=1500
  input 784
  dense fc1 32 relu
  dense out 10
}
regularize {
  l1 0.0003
  dropneuron 0.002
}
train {
  epochs 1
  batch 64
  seed 2
  init normal
}
`,
  convnet: `model convnet {
  data mnist limit=500
  input 28x28x1
  conv c1 8 3x3 relu
  maxpool p1 2x2
  conv c2 12 3x3 relu
  maxpool p2 2x2
  flatten
  dense out 10
}
regularize {
  l1 0.0003
  dropneuron 0.01
  threshold 0.02
}
train {
  epochs 1
  batch 64
  seed 2
  init normal
}
`,
};
