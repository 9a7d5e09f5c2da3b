// tfjs-core keeps its gradient definitions in register_all_gradients.js, which is ESM-only and so
// cannot be required from the CommonJS bundle. The CommonJS build of tfjs-layers registers the same
// full set into tfjs-core's global registry, so importing it is what makes training possible.
import '@tensorflow/tfjs-layers';
