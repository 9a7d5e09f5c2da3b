import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../trainer/src/backend.ts';
function time(name: string, f: () => void, k = 30) {
  for (let i = 0; i < 3; i++) f();
  const ts: number[] = [];
  for (let i = 0; i < k; i++) { const t0 = performance.now(); f(); ts.push(performance.now() - t0); }
  ts.sort((a, b) => a - b); console.log(name.padEnd(40), 'median', ts[k >> 1]!.toFixed(3), 'min', ts[0]!.toFixed(3));
}
async function main() {
  await selectBackend('wasm');
  let s = 1;
  time('randomUniform 256x400', () => tf.tidy(() => { tf.randomUniform([256, 400], 0, 1, 'float32', s++).dataSync(); }));
  const w = tf.randomNormal([784, 300]); const x = tf.randomNormal([256, 784]); const dy = tf.randomNormal([256, 300]);
  time('transpose 784x300', () => tf.tidy(() => { tf.transpose(w).dataSync(); }));
  time('matmul 256x784x300', () => tf.tidy(() => { tf.matMul(x, w).dataSync(); }));
  time('matmul dW x^T dy (explicit T)', () => tf.tidy(() => { tf.matMul(tf.transpose(x), dy).dataSync(); }));
  const vars = [[784, 300], [300], [300, 100], [100], [100, 10], [10]].map((sh) => tf.variable(tf.randomNormal(sh)));
  const adam = tf.train.adam(0.001);
  time('adam apply 266k params', () => tf.tidy(() => { adam.applyGradients(vars.map((v) => ({ name: v.name, tensor: tf.onesLike(v) }))); vars[0]!.dataSync(); }));
  time('onesLike x6 (baseline)', () => tf.tidy(() => { vars.map((v) => tf.onesLike(v)); vars[0]!.dataSync(); }));
  time('mul 784x300', () => tf.tidy(() => { tf.mul(w, w).dataSync(); }));
  const buf = new Float32Array(256 * 784);
  time('tensor upload 256x784', () => tf.tidy(() => { tf.tensor(buf, [256, 784]).dataSync(); }));
}
void main();
