// Bad-input table for the spec validator: each case is a broken spec and the exact pointer and
// message (and suggestion, where one is obvious) it must produce.
import { describe, expect, it } from 'vitest';
import { parseSpec, validateSpec } from './validate.js';

// biome-ignore lint/suspicious/noExplicitAny: the cases reach into nested spec fields to break them
type Json = Record<string, any>;

/** A small valid classification spec that each case breaks in one way. */
function base(): Json {
  return {
    version: 1,
    name: 'case',
    task: 'classification',
    input: { tokenizer: { type: 'word' } },
    layers: [
      { type: 'embedding', embeddingDim: 16 },
      { type: 'lstm', hiddenSize: 8 },
      { type: 'pool', mode: 'last' },
      { type: 'dense', units: 'auto' },
    ],
    training: { optimizer: { type: 'adam' } },
  };
}

function generation(): Json {
  return {
    version: 1,
    name: 'chars',
    task: 'generation',
    input: { tokenizer: { type: 'char' } },
    layers: [
      { type: 'embedding', embeddingDim: 8 },
      { type: 'lstm', hiddenSize: 8 },
      { type: 'dense', units: 'auto' },
    ],
    training: { optimizer: { type: 'adam' } },
  };
}

function translation(): Json {
  return {
    version: 1,
    name: 'mt',
    task: 'translation',
    input: { tokenizer: { type: 'word' } },
    target: { tokenizer: { type: 'word' } },
    encoder: {
      layers: [
        { type: 'embedding', embeddingDim: 8 },
        { type: 'gru', hiddenSize: 8 },
      ],
    },
    decoder: {
      layers: [
        { type: 'embedding', embeddingDim: 8 },
        { type: 'gru', hiddenSize: 8 },
      ],
      attention: { type: 'bahdanau' },
    },
    training: { optimizer: { type: 'adam' } },
  };
}

function edit(make: () => Json, change: (spec: Json) => void): Json {
  const spec = make();
  change(spec);
  return spec;
}

interface Case {
  name: string;
  spec?: Json | unknown;
  text?: string;
  pointer: string;
  message: string;
  suggestion?: string;
  line?: number;
  column?: number;
}

const cases: Case[] = [
  // --- wrong types
  {
    name: 'spec is an array',
    spec: [1, 2],
    pointer: '',
    message: 'must be an object (got an array [1,2])',
  },
  {
    name: 'spec is a string',
    spec: 'lstm',
    pointer: '',
    message: 'must be an object (got a string "lstm")',
  },
  { name: 'spec is null', spec: null, pointer: '', message: 'must be an object (got null null)' },
  {
    name: 'hiddenSize as a string',
    spec: edit(base, (s) => {
      s.layers[1].hiddenSize = '8';
    }),
    pointer: '/layers/1/hiddenSize',
    message: 'must be an integer (got a string "8")',
    suggestion: 'write 8 without quotes',
  },
  {
    name: 'hiddenSize fractional',
    spec: edit(base, (s) => {
      s.layers[1].hiddenSize = 8.5;
    }),
    pointer: '/layers/1/hiddenSize',
    message: 'must be an integer (got a number 8.5)',
  },
  {
    name: 'bidirectional as a string',
    spec: edit(base, (s) => {
      s.layers[1].bidirectional = 'yes';
    }),
    pointer: '/layers/1/bidirectional',
    message: 'must be a boolean (got a string "yes")',
  },
  {
    name: 'layers is an object',
    spec: edit(base, (s) => {
      s.layers = { type: 'lstm' };
    }),
    pointer: '/layers',
    message: 'must be an array (got a object {"type":"lstm"})',
  },
  {
    name: 'learning rate as a string',
    spec: edit(base, (s) => {
      s.training.optimizer.lr = '1e-3';
    }),
    pointer: '/training/optimizer/lr',
    message: 'must be a number (got a string "1e-3")',
    suggestion: 'write 1e-3 without quotes',
  },
  // --- unknown layer type, task, enum values
  {
    name: 'misspelled layer type',
    spec: edit(base, (s) => {
      s.layers[1].type = 'lstmm';
    }),
    pointer: '/layers/1/type',
    message:
      'unknown layer type "lstmm"; expected one of "embedding", "rnn", "lstm", "gru", "dropout", "dense", "pool", "layer-norm"',
    suggestion: 'did you mean "lstm"?',
  },
  {
    name: 'upper-case layer type',
    spec: edit(base, (s) => {
      s.layers[1].type = 'LSTM';
    }),
    pointer: '/layers/1/type',
    message:
      'unknown layer type "LSTM"; expected one of "embedding", "rnn", "lstm", "gru", "dropout", "dense", "pool", "layer-norm"',
    suggestion: 'did you mean "lstm"?',
  },
  {
    name: 'unrelated layer type gets no suggestion',
    spec: edit(base, (s) => {
      s.layers[1].type = 'transformer';
    }),
    pointer: '/layers/1/type',
    message:
      'unknown layer type "transformer"; expected one of "embedding", "rnn", "lstm", "gru", "dropout", "dense", "pool", "layer-norm"',
  },
  {
    name: 'layer without type',
    spec: edit(base, (s) => {
      delete s.layers[1].type;
    }),
    pointer: '/layers/1/type',
    message: 'missing required property "type"',
  },
  {
    name: 'unknown task',
    spec: edit(base, (s) => {
      s.task = 'clasification';
    }),
    pointer: '/task',
    message:
      'unknown task "clasification"; expected one of "classification", "generation", "translation", "forecasting", "tagging", "feature-extraction"',
    suggestion: 'did you mean "classification"?',
  },
  {
    name: 'unknown optimizer',
    spec: edit(base, (s) => {
      s.training.optimizer.type = 'adamm';
    }),
    pointer: '/training/optimizer/type',
    message: 'unknown optimizer "adamm"; expected one of "adam", "adamw", "sgd", "rmsprop"',
    suggestion: 'did you mean "adam"?',
  },
  {
    name: 'unknown pool mode',
    spec: edit(base, (s) => {
      s.layers[2].mode = 'avg';
    }),
    pointer: '/layers/2/mode',
    message: 'unsupported value "avg"; expected one of "last", "mean", "max", "attention"',
  },
  {
    name: 'unknown rnn nonlinearity',
    spec: edit(base, (s) => {
      s.layers[1] = { type: 'rnn', hiddenSize: 8, nonlinearity: 'reLU' };
    }),
    pointer: '/layers/1/nonlinearity',
    message: 'unsupported value "reLU"; expected one of "tanh", "relu"',
    suggestion: 'did you mean "relu"?',
  },
  {
    name: 'unknown decoding strategy',
    spec: edit(translation, (s) => {
      s.decoding = { strategy: 'beams' };
    }),
    pointer: '/decoding/strategy',
    message: 'unknown decoding strategy "beams"; expected one of "greedy", "sample", "beam"',
    suggestion: 'did you mean "beam"?',
  },
  {
    name: 'unknown attention',
    spec: edit(translation, (s) => {
      s.decoder.attention.type = 'luong';
    }),
    pointer: '/decoder/attention/type',
    message:
      'unsupported value "luong"; expected one of "none", "bahdanau", "luong-dot", "luong-general", "luong-concat"',
  },
  // --- misspelled keys
  {
    name: 'misspelled layer key',
    spec: edit(base, (s) => {
      s.layers[1].bidirectionl = true;
    }),
    pointer: '/layers/1/bidirectionl',
    message: 'unknown property "bidirectionl"',
    suggestion: 'did you mean "bidirectional"?',
  },
  {
    name: 'Keras name for hiddenSize',
    spec: edit(base, (s) => {
      s.layers[1].hiden_size = 8;
    }),
    pointer: '/layers/1/hiden_size',
    message: 'unknown property "hiden_size"',
    suggestion: 'did you mean "hiddenSize"?',
  },
  {
    name: 'misspelled top-level key',
    spec: edit(base, (s) => {
      s.trainng = s.training;
    }),
    pointer: '/trainng',
    message: 'unknown property "trainng"',
    suggestion: 'did you mean "training"?',
  },
  {
    name: 'setting at the wrong level',
    spec: edit(base, (s) => {
      s.epochs = 3;
    }),
    pointer: '/epochs',
    message: 'unknown property "epochs"',
    suggestion: 'it belongs in training.epochs',
  },
  {
    name: 'topK on greedy decoding',
    spec: edit(translation, (s) => {
      s.decoding = { strategy: 'greedy', topK: 5 };
    }),
    pointer: '/decoding/topK',
    message: 'unknown property "topK"',
    suggestion: 'it belongs in decoding (strategy "sample")',
  },
  // --- missing required fields
  {
    name: 'missing version',
    spec: edit(base, (s) => {
      delete s.version;
    }),
    pointer: '/version',
    message: 'missing required property "version"',
  },
  {
    name: 'missing task',
    spec: edit(base, (s) => {
      delete s.task;
    }),
    pointer: '/task',
    message: 'missing required property "task"',
  },
  {
    name: 'missing training',
    spec: edit(base, (s) => {
      delete s.training;
    }),
    pointer: '/training',
    message: 'missing required property "training"',
  },
  {
    name: 'missing hiddenSize',
    spec: edit(base, (s) => {
      delete s.layers[1].hiddenSize;
    }),
    pointer: '/layers/1/hiddenSize',
    message: 'missing required property "hiddenSize"',
  },
  {
    name: 'missing layers for classification',
    spec: edit(base, (s) => {
      delete s.layers;
    }),
    pointer: '/layers',
    message: 'missing required property "layers" for task "classification"',
  },
  {
    name: 'missing decoder for translation',
    spec: edit(translation, (s) => {
      delete s.decoder;
    }),
    pointer: '/decoder',
    message: 'missing required property "decoder" for task "translation"',
  },
  {
    name: 'missing tokenizer',
    spec: edit(base, (s) => {
      s.input = { maxLength: 10 };
    }),
    pointer: '/input/tokenizer',
    message:
      'missing "tokenizer": text input needs a tokenizer (or give "features" for numeric input)',
  },
  {
    name: 'word dropout without an unknown row',
    spec: edit(base, (s) => {
      s.layers[0] = { type: 'embedding', embeddingDim: 16, wordDropout: 0.1, unknownIdx: null };
    }),
    pointer: '/layers/0/wordDropout',
    message: 'wordDropout replaces tokens by the unknown token, but unknownIdx is null',
    suggestion: 'remove "unknownIdx": null (the unk token is id 1), or set wordDropout to 0',
  },
  {
    name: 'unknownIdx outside the table',
    spec: edit(base, (s) => {
      s.layers[0] = { type: 'embedding', embeddingDim: 16, numEmbeddings: 10, unknownIdx: 10 };
    }),
    pointer: '/layers/0/unknownIdx',
    message: 'unknownIdx 10 is outside the table of 10 rows',
  },
  {
    name: 'treebank rules without punctuation splitting',
    spec: edit(base, (s) => {
      s.input.tokenizer = { type: 'word', rules: 'treebank', splitPunctuation: false };
    }),
    pointer: '/input/tokenizer/splitPunctuation',
    message: 'rules "treebank" always splits punctuation; splitPunctuation: false contradicts it',
    suggestion: 'remove "splitPunctuation", or use rules "basic"',
  },
  {
    name: 'treebank rules on a char tokenizer',
    spec: edit(base, (s) => {
      s.input.tokenizer = { type: 'char', rules: 'treebank' };
    }),
    pointer: '/input/tokenizer/rules',
    message: 'rules "treebank" is for the word tokenizer, not type "char"',
  },
  {
    name: 'unknown tokenizer rules',
    spec: edit(base, (s) => {
      s.input.tokenizer = { type: 'word', rules: 'treebnk' };
    }),
    pointer: '/input/tokenizer/rules',
    message: 'unsupported value "treebnk"; expected one of "basic", "treebank"',
    suggestion: 'did you mean "treebank"?',
  },
  {
    name: 'sgd without lr',
    spec: edit(base, (s) => {
      s.training.optimizer = { type: 'sgd' };
    }),
    pointer: '/training/optimizer/lr',
    message: 'missing required property "lr"',
  },
  // --- negative or zero sizes, out-of-range values
  {
    name: 'zero hiddenSize',
    spec: edit(base, (s) => {
      s.layers[1].hiddenSize = 0;
    }),
    pointer: '/layers/1/hiddenSize',
    message: 'must be >= 1 (got 0)',
  },
  {
    name: 'negative embeddingDim',
    spec: edit(base, (s) => {
      s.layers[0].embeddingDim = -16;
    }),
    pointer: '/layers/0/embeddingDim',
    message: 'must be >= 1 (got -16)',
  },
  {
    name: 'zero numLayers',
    spec: edit(base, (s) => {
      s.layers[1].numLayers = 0;
    }),
    pointer: '/layers/1/numLayers',
    message: 'must be >= 1 (got 0)',
  },
  {
    name: 'zero batch size',
    spec: edit(base, (s) => {
      s.training.batchSize = 0;
    }),
    pointer: '/training/batchSize',
    message: 'must be >= 1 (got 0)',
  },
  {
    name: 'zero dense units',
    spec: edit(base, (s) => {
      s.layers[3].units = 0;
    }),
    pointer: '/layers/3/units',
    message: 'must be an integer >= 1 or "auto" (got 0)',
  },
  {
    name: 'negative learning rate',
    spec: edit(base, (s) => {
      s.training.optimizer.lr = -0.001;
    }),
    pointer: '/training/optimizer/lr',
    message: 'must be > 0 (got -0.001)',
  },
  {
    name: 'dropout layer rate 1',
    spec: edit(base, (s) => {
      s.layers.splice(1, 0, { type: 'dropout', rate: 1 });
    }),
    pointer: '/layers/1/rate',
    message: 'must be < 1 (got 1)',
  },
  {
    name: 'recurrent dropout negative',
    spec: edit(base, (s) => {
      Object.assign(s.layers[1], { numLayers: 2, dropout: -0.1 });
    }),
    pointer: '/layers/1/dropout',
    message: 'must be >= 0 (got -0.1)',
  },
  {
    name: 'recurrent dropout 1.5',
    spec: edit(base, (s) => {
      Object.assign(s.layers[1], { numLayers: 2, dropout: 1.5 });
    }),
    pointer: '/layers/1/dropout',
    message: 'must be < 1 (got 1.5)',
  },
  {
    name: 'topP above 1',
    spec: edit(translation, (s) => {
      s.decoding = { strategy: 'sample', topP: 1.5 };
    }),
    pointer: '/decoding/topP',
    message: 'must be <= 1 (got 1.5)',
  },
  {
    name: 'topP of 0',
    spec: edit(translation, (s) => {
      s.decoding = { strategy: 'sample', topP: 0 };
    }),
    pointer: '/decoding/topP',
    message: 'must be > 0 (got 0)',
  },
  {
    name: 'temperature of 0',
    spec: edit(translation, (s) => {
      s.decoding = { strategy: 'sample', temperature: 0 };
    }),
    pointer: '/decoding/temperature',
    message: 'must be > 0 (got 0)',
  },
  {
    name: 'adam beta of 1',
    spec: edit(base, (s) => {
      s.training.optimizer.betas = [0.9, 1];
    }),
    pointer: '/training/optimizer/betas/1',
    message: 'must be < 1 (got 1)',
  },
  {
    name: 'betas with three values',
    spec: edit(base, (s) => {
      s.training.optimizer.betas = [0.9, 0.99, 0.999];
    }),
    pointer: '/training/optimizer/betas',
    message: 'must have at most 2 items (got 3)',
  },
  {
    name: 'unsupported spec version',
    spec: edit(base, (s) => {
      s.version = 2;
    }),
    pointer: '/version',
    message: 'unsupported spec version 2; this version of Recurrent reads version 1',
    suggestion: 'upgrade @recurrent/core to read newer specs',
  },
  {
    name: 'name with a space',
    spec: edit(base, (s) => {
      s.name = 'my model';
    }),
    pointer: '/name',
    message: `"my model" is not allowed here — Model name: letters, digits, '.', '_' and '-', starting with a letter or digit.`,
  },
  // --- empty lists
  {
    name: 'empty layer list',
    spec: edit(base, (s) => {
      s.layers = [];
    }),
    pointer: '/layers',
    message: 'the layer list is empty: a model needs at least one layer',
  },
  {
    name: 'empty encoder layers',
    spec: edit(translation, (s) => {
      s.encoder.layers = [];
    }),
    pointer: '/encoder/layers',
    message: 'the layer list is empty: a model needs at least one layer',
  },
  // --- combinations that make no sense
  {
    name: 'attention without a decoder',
    spec: edit(base, (s) => {
      s.attention = { type: 'bahdanau' };
    }),
    pointer: '/attention',
    message: 'unknown property "attention"',
    suggestion:
      'it belongs in decoder.attention (attention needs a decoder: it is part of a translation spec)',
  },
  {
    name: 'decoder on a classification spec',
    spec: edit(base, (s) => {
      s.decoder = translation().decoder;
    }),
    pointer: '/decoder',
    message: '"decoder" is not used by task "classification"',
  },
  {
    name: 'layers on a translation spec',
    spec: edit(translation, (s) => {
      s.layers = base().layers;
    }),
    pointer: '/layers',
    message: '"layers" is not used by task "translation"',
    suggestion: 'a translation model has "encoder" and "decoder" instead',
  },
  {
    name: 'bidirectional decoder',
    spec: edit(translation, (s) => {
      s.decoder.layers[1].bidirectional = true;
    }),
    pointer: '/decoder/layers/1/bidirectional',
    message: 'a decoder cannot be bidirectional: it writes one token at a time, left to right',
  },
  {
    name: 'input feeding without attention',
    spec: edit(translation, (s) => {
      s.decoder.attention = { type: 'none' };
      s.decoder.inputFeeding = true;
    }),
    pointer: '/decoder/inputFeeding',
    message: 'input feeding feeds the previous attentional vector, so it needs attention',
  },
  {
    name: 'pool after a layer that returns a vector',
    spec: edit(base, (s) => {
      s.layers[1].returnSequences = false;
    }),
    pointer: '/layers/2/type',
    message: 'pool needs a sequence, but layer 1 (lstm) already returns one vector per row',
    suggestion: 'remove this pool, or set returnSequences true on the recurrent layer before it',
  },
  {
    name: 'pool after pool',
    spec: edit(base, (s) => {
      s.layers.splice(3, 0, { type: 'pool', mode: 'max' });
    }),
    pointer: '/layers/3/type',
    message: 'pool needs a sequence, but layer 2 (pool) already returns one vector per row',
    suggestion: 'remove this pool, or set returnSequences true on the recurrent layer before it',
  },
  {
    name: 'classification ending in a sequence',
    spec: edit(base, (s) => {
      s.layers.splice(2, 1);
    }),
    pointer: '/layers/2',
    message: 'this task predicts one output per sequence, but the layers end with a sequence',
    suggestion:
      'add {"type": "pool", "mode": "last"} before the head, or set returnSequences false on the last recurrent layer',
  },
  {
    name: 'tagging that pools',
    spec: edit(base, (s) => {
      s.task = 'tagging';
    }),
    pointer: '/layers/3',
    message:
      'this task predicts one output per token, but the layers reduce the sequence to one vector',
    suggestion: 'remove the pool layer and keep returnSequences true',
  },
  {
    name: 'no output head',
    spec: edit(base, (s) => {
      s.layers.pop();
    }),
    pointer: '/layers/2',
    message: 'the last layer is the output head and must be dense, not pool',
    suggestion: 'add {"type": "dense", "units": "auto"} at the end',
  },
  {
    name: 'embedding not first',
    spec: edit(base, (s) => {
      s.layers.splice(1, 0, { type: 'embedding', embeddingDim: 4 });
    }),
    pointer: '/layers/1/type',
    message: 'embedding needs token ids: an embedding can only be the first layer',
  },
  {
    name: 'text input without embedding',
    spec: edit(base, (s) => {
      s.layers.shift();
    }),
    pointer: '/layers/0/type',
    message: 'text input is token ids: the first layer must be an embedding, not lstm',
    suggestion: 'start the layers with {"type": "embedding", "embeddingDim": 64}',
  },
  {
    name: 'dropout on a single-layer lstm',
    spec: edit(base, (s) => {
      s.layers[1].dropout = 0.3;
    }),
    pointer: '/layers/1/dropout',
    message:
      'dropout applies between stacked layers only (as PyTorch), so with numLayers 1 it would do nothing',
    suggestion: 'set numLayers >= 2, or add a {"type": "dropout"} layer after this one',
  },
  {
    name: 'decoding on classification',
    spec: edit(base, (s) => {
      s.decoding = { strategy: 'greedy' };
    }),
    pointer: '/decoding',
    message: 'decoding applies to generation and translation, not task "classification"',
  },
  {
    name: 'truncatedBptt on classification',
    spec: edit(base, (s) => {
      s.training.truncatedBptt = 16;
    }),
    pointer: '/training/truncatedBptt',
    message:
      'task "classification" does not train in truncated-BPTT chunks (a generation spec\'s input.maxLength is its chunk length)',
  },
  {
    name: 'nesterov without momentum',
    spec: edit(base, (s) => {
      s.training.optimizer = { type: 'sgd', lr: 0.1, nesterov: true };
    }),
    pointer: '/training/optimizer/nesterov',
    message: 'Nesterov momentum needs momentum > 0 and dampening 0 (as PyTorch)',
  },
  {
    name: 'forecasting loss on classification',
    spec: edit(base, (s) => {
      s.training.loss = 'mse';
    }),
    pointer: '/training/loss',
    message:
      'loss "mse" does not fit task "classification"; use one of "cross-entropy", "bce-with-logits"',
  },
  ...(['classification', 'generation'] as const).map((task) => ({
    name: `nll on ${task} (heads give logits, not log-probabilities)`,
    spec: edit(task === 'classification' ? base : generation, (s) => {
      s.training.loss = 'nll';
    }),
    pointer: '/training/loss',
    message:
      'nll takes log-probabilities, but the output head gives logits (heads are linear): cross-entropy is nll of their log-softmax, as in PyTorch',
    suggestion: 'use "cross-entropy"',
  })),
  {
    name: 'nll on translation',
    spec: edit(translation, (s) => {
      s.training.loss = 'nll';
    }),
    pointer: '/training/loss',
    message:
      'nll takes log-probabilities, but the output head gives logits (heads are linear): cross-entropy is nll of their log-softmax, as in PyTorch',
    suggestion: 'use "cross-entropy"',
  },
  {
    name: 'bce-with-logits on a head of auto units with 3 labels',
    spec: edit(base, (s) => {
      s.training.loss = 'bce-with-logits';
      s.labels = ['a', 'b', 'c'];
    }),
    pointer: '/labels',
    message: 'bce-with-logits (one logit) classifies between 2 labels, not 3',
    suggestion: 'use cross-entropy and "auto" units',
  },
  {
    name: 'bce-with-logits on generation',
    spec: edit(generation, (s) => {
      s.training.loss = 'bce-with-logits';
    }),
    pointer: '/training/loss',
    message: 'loss "bce-with-logits" does not fit task "generation"; use one of "cross-entropy"',
  },
  {
    name: 'cross-entropy over a head of 1 unit',
    spec: edit(base, (s) => {
      s.training.loss = 'cross-entropy';
      s.layers[3].units = 1;
    }),
    pointer: '/layers/3/units',
    message: 'cross-entropy over a single logit is always 0: the model would learn nothing',
    suggestion:
      'use "auto" units (one per label), or drop training.loss: 1 unit trains with bce-with-logits',
  },
  {
    name: 'label smoothing on a head of 1 unit (bce-with-logits by default)',
    spec: edit(base, (s) => {
      s.training.labelSmoothing = 0.1;
      s.layers[3].units = 1;
    }),
    pointer: '/training/labelSmoothing',
    message:
      'label smoothing applies to cross-entropy only, not "bce-with-logits" (the loss of a head of 1 unit)',
  },
  {
    name: 'more than one checkpoint kept',
    spec: edit(base, (s) => {
      s.training.checkpoint = { keep: 3 };
    }),
    pointer: '/training/checkpoint/keep',
    message: 'a run keeps one checkpoint (the last); keeping 3 is not supported',
    suggestion: 'remove keep, or copy checkpoint.safetensors yourself',
  },
  {
    name: 'early stopping that keeps the last weights',
    spec: edit(base, (s) => {
      s.training.earlyStopping = { patience: 2, restoreBestWeights: false };
    }),
    pointer: '/training/earlyStopping/restoreBestWeights',
    message:
      'false is not supported: a run with early stopping ends on the weights of its best epoch (the checkpoint keeps the last ones)',
    suggestion: 'remove restoreBestWeights',
  },
  {
    name: 'no checkpoint at epoch ends',
    spec: edit(base, (s) => {
      s.training.checkpoint = { atEpochEnd: false };
    }),
    pointer: '/training/checkpoint/atEpochEnd',
    message:
      'checkpoints are always written at epoch ends (early stopping and resume rely on them); atEpochEnd false is not supported',
    suggestion: 'remove atEpochEnd',
  },
  {
    name: 'duplicate layer names',
    spec: edit(base, (s) => {
      s.layers[1].name = 'enc';
      s.layers[3].name = 'enc';
    }),
    pointer: '/layers/3/name',
    message: 'layer name "enc" is already used by layer 1',
  },
  {
    name: 'luong-dot with mismatched sizes',
    spec: edit(translation, (s) => {
      s.decoder.attention.type = 'luong-dot';
      s.encoder.layers[1].bidirectional = true;
    }),
    pointer: '/decoder/attention/type',
    message:
      'luong-dot compares decoder states (8) with encoder outputs (16) by dot product, so their sizes must match',
    suggestion: 'use "luong-general" or "bahdanau", which learn a projection',
  },
  {
    name: 'forecasting target not among features',
    spec: {
      version: 1,
      name: 'f',
      task: 'forecasting',
      forecasting: { window: 4, features: ['Passengers'], targets: ['passengers'] },
      layers: [
        { type: 'gru', hiddenSize: 4, returnSequences: false },
        { type: 'dense', units: 'auto' },
      ],
      training: { optimizer: { type: 'adam' } },
    },
    pointer: '/forecasting/targets/0',
    message: 'target "passengers" is not one of the features ("Passengers")',
  },
  {
    name: 'seasonal differencing without a season',
    spec: {
      version: 1,
      name: 'f',
      task: 'forecasting',
      forecasting: { window: 12, features: ['Passengers'], differencing: 'first-and-seasonal' },
      layers: [
        { type: 'lstm', hiddenSize: 4, returnSequences: false },
        { type: 'dense', units: 'auto' },
      ],
      training: { optimizer: { type: 'adam' } },
    },
    pointer: '/forecasting/differencing',
    message:
      'differencing "first-and-seasonal" subtracts the value one season earlier, but forecasting.season is not given',
    suggestion: 'add forecasting.season (12 for monthly data with a yearly cycle)',
  },
  {
    name: 'recursive strategy with a covariate',
    spec: {
      version: 1,
      name: 'f',
      task: 'forecasting',
      forecasting: {
        window: 30,
        horizon: 7,
        features: ['Close', 'Volume'],
        targets: ['Close'],
        strategy: 'recursive',
      },
      layers: [
        { type: 'lstm', hiddenSize: 4, returnSequences: false },
        { type: 'dense', units: 'auto' },
      ],
      training: { optimizer: { type: 'adam' } },
    },
    pointer: '/forecasting/strategy',
    message:
      'a recursive forecaster feeds each prediction back as the next input, so every feature must be a target; "Volume" is not (their future values are unknown)',
    suggestion: 'use strategy "direct", or make every feature a target',
  },
  {
    name: 'recursive head sized for the whole horizon',
    spec: {
      version: 1,
      name: 'f',
      task: 'forecasting',
      forecasting: { window: 12, horizon: 12, features: ['Passengers'], strategy: 'recursive' },
      layers: [
        { type: 'lstm', hiddenSize: 4, returnSequences: false },
        { type: 'dense', units: 12 },
      ],
      training: { optimizer: { type: 'adam' } },
    },
    pointer: '/layers/1/units',
    message: "a recursive forecaster's head outputs one step: one value per target (1), not 12",
    suggestion: 'use "auto"',
  },
  {
    name: 'numeric head without features',
    spec: {
      version: 1,
      name: 'f',
      task: 'forecasting',
      forecasting: { window: 12 },
      layers: [
        { type: 'lstm', hiddenSize: 4, returnSequences: false },
        { type: 'dense', units: 1 },
      ],
      training: { optimizer: { type: 'adam' } },
    },
    pointer: '/layers/1/units',
    message:
      "the head's size depends on the targets, which come from the data when forecasting.features is not given",
    suggestion: 'use "auto", or list forecasting.features',
  },
  {
    name: 'xavier initializer on a bias',
    spec: edit(base, (s) => {
      s.layers[1].init = { bias: 'xavier-uniform' };
    }),
    pointer: '/layers/1/init/bias',
    message: 'initializer "xavier-uniform" needs a matrix (fan in and fan out); a bias is a vector',
    suggestion: 'use "pytorch-default", "zeros", "ones" or "normal"',
  },
  {
    name: 'units auto in feature extraction',
    spec: edit(base, (s) => {
      s.task = 'feature-extraction';
    }),
    pointer: '/layers/3/units',
    message:
      'units "auto" sizes an output head from the data; feature extraction has no head, so give a number',
  },
  // --- JSON syntax errors, empty file, nonsense
  {
    name: 'empty file',
    text: '',
    pointer: '',
    message: 'invalid JSON: the file is empty: expected a JSON object',
    line: 1,
    column: 1,
  },
  {
    name: 'whitespace only',
    text: '  \n\n ',
    pointer: '',
    message: 'invalid JSON: the file is empty: expected a JSON object',
    line: 1,
    column: 1,
  },
  {
    name: 'trailing comma',
    text: '{\n  "version": 1,\n  "name": "x",\n}',
    pointer: '',
    message: 'invalid JSON: trailing commas are not allowed in JSON',
    line: 4,
    column: 1,
  },
  {
    name: 'missing colon',
    text: '{\n  "version" 1\n}',
    pointer: '',
    message: "invalid JSON: expected ':' after the property name",
    line: 2,
    column: 13,
  },
  {
    name: 'single-quoted key',
    text: "{\n  'version': 1\n}",
    pointer: '',
    message: 'invalid JSON: unexpected character',
    line: 2,
    column: 3,
  },
  {
    name: 'comment',
    text: '{\n  // my model\n  "version": 1\n}',
    pointer: '',
    message: 'invalid JSON: comments are not allowed in JSON',
    line: 2,
    column: 3,
  },
  {
    name: 'unclosed object',
    text: '{"version": 1',
    pointer: '',
    message: "invalid JSON: expected '}' to close the object",
    line: 1,
    column: 14,
  },
  {
    name: 'two documents',
    text: '{}\n{}',
    pointer: '',
    message: 'invalid JSON: unexpected content after the end of the JSON value',
    line: 2,
    column: 1,
  },
];

describe('validateSpec / parseSpec reject broken specs with a pointer, a message and a suggestion', () => {
  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('$name', (c) => {
    const result = c.text !== undefined ? parseSpec(c.text) : validateSpec(c.spec);
    expect(result.ok).toBe(false);
    const match = result.errors.find((e) => e.pointer === c.pointer && e.message === c.message);
    expect(match, `errors were:\n${JSON.stringify(result.errors, null, 2)}`).toBeDefined();
    expect(match?.suggestion).toBe(c.suggestion);
    if (c.line !== undefined)
      expect({ line: match?.line, column: match?.column }).toEqual({
        line: c.line,
        column: c.column,
      });
  });
});

describe('parseSpec positions', () => {
  it('points validation errors at the line and column of the bad value in the text', () => {
    const text = JSON.stringify(
      edit(base, (s) => {
        s.layers[1].type = 'lstmm';
      }),
      null,
      2,
    );
    const result = parseSpec(text);
    const error = result.errors.find((e) => e.pointer === '/layers/1/type');
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('"lstmm"')) + 1;
    expect(error?.line).toBe(line);
    expect(error?.column).toBe((lines[line - 1] as string).indexOf('"lstmm"') + 1);
  });

  it('points unknown properties at their key', () => {
    const text = JSON.stringify(
      edit(base, (s) => {
        s.layers[1].bidirectionl = true;
      }),
      null,
      2,
    );
    const error = parseSpec(text).errors.find((e) => e.pointer === '/layers/1/bidirectionl');
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('"bidirectionl"')) + 1;
    expect(error).toMatchObject({
      line,
      column: (lines[line - 1] as string).indexOf('"bidirectionl"') + 1,
    });
  });

  it('rejects 10 MB of nonsense with a syntax error at its first character', () => {
    let seed = 12345;
    const chars = 'abcdefghijklmnopqrstuvwxyz{}[]:,"0123456789 \n\t\\';
    // Built as bytes (all ASCII): ten million one-character strings would spend the time in GC.
    const bytes = new Uint8Array(10 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      bytes[i] = chars.charCodeAt(seed % chars.length);
    }
    const text = `x${new TextDecoder().decode(bytes)}`;
    const result = parseSpec(text);
    expect(result.errors).toEqual([
      {
        kind: 'syntax',
        pointer: '',
        message: 'invalid JSON: unexpected character',
        line: 1,
        column: 1,
      },
    ]);
  });

  it('accepts a UTF-8 byte order mark', () => {
    expect(parseSpec(`\uFEFF${JSON.stringify(base())}`).ok).toBe(true);
  });
});
