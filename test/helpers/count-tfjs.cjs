// Preloaded with `node --require` by the CLI tests: counts the TensorFlow.js modules a command loads and says
// so on stderr at exit, so that a test can hold `check` and `fmt` to loading none.
'use strict';
const Module = require('node:module');
const load = Module._load;
const loaded = new Set();
Module._load = function (request, ...rest) {
  if (request.startsWith('@tensorflow/')) loaded.add(request);
  return load.call(this, request, ...rest);
};
process.on('exit', () => process.stderr.write(`tensorflow modules loaded: ${loaded.size}\n`));
