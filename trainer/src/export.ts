// The TensorFlow.js model and ExportError moved into export/ (tfjs.ts, errors.ts), beside the other formats; this
// file keeps the old import path for the modules that still use it. Import from export/ in new code.
export { ExportError } from './export/errors.ts';
export { buildLayersModel, loadLayersModel, saveLayersModel } from './export/tfjs.ts';
