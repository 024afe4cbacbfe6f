// Rules the JSON Schema cannot express: how layers connect, which settings fit which task, and
// combinations PyTorch itself rejects. Runs on a schema-valid spec with defaults applied.
import { bridgeProblem, type RecurrentShape } from '../seq2seq/bridge-rules.js';
import { characterProblems } from './character-checks.js';
import type { SpecError } from './spec-error.js';
import type { DenseLayerSpec, LayerSpec, ModelSpec, TokenizerSpec } from './types.generated.js';

type Problem = Omit<SpecError, 'kind'>;
/** What flows between layers: token ids, a sequence of vectors [B,T,F], or one vector per row [B,F]. */
type Flow = 'tokens' | 'sequence' | 'vector';
/** What a layer list must produce: a head over a vector or a sequence, raw features, or a seq2seq side. */
type LayerListRole = 'vector-head' | 'sequence-head' | 'features' | 'encoder' | 'decoder';

const recurrentTypes = new Set(['rnn', 'lstm', 'gru']);
type RecurrentLayer = Extract<LayerSpec, { type: 'rnn' | 'lstm' | 'gru' }>;

function isRecurrent(layer: LayerSpec): layer is RecurrentLayer {
  return recurrentTypes.has(layer.type);
}

function describeLayer(layer: LayerSpec, index: number): string {
  return `layer ${index} (${layer.name ? `"${layer.name}", ` : ''}${layer.type})`;
}

const headHint = '{"type": "dense", "units": "auto"}';
/** Initializers that need a matrix's fan in / fan out (PyTorch raises for 1-D tensors). */
const vectorInitializers = new Set(['pytorch-default', 'zeros', 'ones', 'normal']);

/** Why `units: "auto"` cannot be used here, if it cannot. */
function autoUnitsProblem(role: LayerListRole, isLast: boolean): string | undefined {
  if (role === 'encoder' || role === 'decoder') {
    return `units "auto" is for the output head; the ${role}'s output projection is added automatically`;
  }
  if (role === 'features') {
    return 'units "auto" sizes an output head from the data; feature extraction has no head, so give a number';
  }
  return isLast ? undefined : 'units "auto" is only for the output head, the last layer';
}

/** Checks one layer list; `role` says what the list must produce. */
function checkLayerList(
  layers: readonly LayerSpec[],
  at: string,
  start: Flow,
  role: LayerListRole,
  problems: Problem[],
): void {
  let flow: Flow = start;
  const names = new Map<string, number>();
  layers.forEach((layer, i) => {
    const here = `${at}/${i}`;
    if (layer.name !== undefined) {
      const first = names.get(layer.name);
      if (first !== undefined) {
        problems.push({
          pointer: `${here}/name`,
          message: `layer name ${JSON.stringify(layer.name)} is already used by layer ${first}`,
        });
      } else names.set(layer.name, i);
    }
    if (flow === 'tokens' && layer.type !== 'embedding') {
      problems.push({
        pointer: `${here}/type`,
        message: `text input is token ids: the first layer must be an embedding, not ${layer.type}`,
        suggestion: 'start the layers with {"type": "embedding", "embeddingDim": 64}',
      });
      flow = 'sequence';
    }
    switch (layer.type) {
      case 'embedding':
        if (flow !== 'tokens') {
          const why =
            i === 0
              ? 'this model has numeric input (features), not text'
              : 'an embedding can only be the first layer';
          problems.push({ pointer: `${here}/type`, message: `embedding needs token ids: ${why}` });
        }
        if (layer.wordDropout > 0 && layer.unknownIdx === null) {
          problems.push({
            pointer: `${here}/wordDropout`,
            message: 'wordDropout replaces tokens by the unknown token, but unknownIdx is null',
            suggestion:
              'remove "unknownIdx": null (the unk token is id 1), or set wordDropout to 0',
          });
        }
        for (const key of ['paddingIdx', 'unknownIdx'] as const) {
          const row = layer[key];
          if (row !== null && layer.numEmbeddings !== undefined && row >= layer.numEmbeddings) {
            problems.push({
              pointer: `${here}/${key}`,
              message: `${key} ${row} is outside the table of ${layer.numEmbeddings} rows`,
            });
          }
        }
        flow = 'sequence';
        break;
      case 'rnn':
      case 'lstm':
      case 'gru':
        if (flow === 'vector') {
          problems.push({
            pointer: `${here}/type`,
            message: `${layer.type} needs a sequence, but the layer before it already returns one vector per row`,
          });
        }
        if (layer.dropout > 0 && layer.numLayers === 1) {
          problems.push({
            pointer: `${here}/dropout`,
            message:
              'dropout applies between stacked layers only (as PyTorch), so with numLayers 1 it would do nothing',
            suggestion: 'set numLayers >= 2, or add a {"type": "dropout"} layer after this one',
          });
        }
        if (role === 'decoder' && layer.bidirectional) {
          problems.push({
            pointer: `${here}/bidirectional`,
            message:
              'a decoder cannot be bidirectional: it writes one token at a time, left to right',
          });
        }
        if (layer.init?.bias !== undefined && !vectorInitializers.has(layer.init.bias)) {
          problems.push({
            pointer: `${here}/init/bias`,
            message: `initializer "${layer.init.bias}" needs a matrix (fan in and fan out); a bias is a vector`,
            suggestion: 'use "pytorch-default", "zeros", "ones" or "normal"',
          });
        }
        if ((role === 'decoder' || role === 'encoder') && !layer.returnSequences) {
          problems.push({
            pointer: `${here}/returnSequences`,
            message: `the ${role}'s recurrent layers must return sequences (the ${role === 'encoder' ? 'decoder attends to every source step' : 'decoder emits a token per step'})`,
          });
        }
        flow = layer.returnSequences ? 'sequence' : 'vector';
        break;
      case 'pool':
        if (flow === 'vector') {
          problems.push({
            pointer: `${here}/type`,
            message: `pool needs a sequence, but ${i > 0 ? describeLayer(layers[i - 1] as LayerSpec, i - 1) : 'the input'} already returns one vector per row`,
            suggestion:
              'remove this pool, or set returnSequences true on the recurrent layer before it',
          });
        }
        if (role === 'encoder' || role === 'decoder') {
          problems.push({
            pointer: `${here}/type`,
            message: `a ${role} cannot pool: it works on every step of the sequence`,
          });
        }
        if (layer.mode !== 'attention' && layer.attentionSize !== undefined) {
          problems.push({
            pointer: `${here}/attentionSize`,
            message: `attentionSize applies to mode "attention" only, not "${layer.mode}"`,
          });
        }
        flow = 'vector';
        break;
      case 'dense':
        if (layer.units === 'auto') {
          const problem = autoUnitsProblem(role, i === layers.length - 1);
          if (problem) problems.push({ pointer: `${here}/units`, message: problem });
        }
        break;
      default:
        break;
    }
  });

  if (role === 'features') return;
  if (role === 'encoder' || role === 'decoder') {
    if (!layers.some(isRecurrent)) {
      problems.push({
        pointer: at,
        message: `the ${role} needs at least one recurrent layer (rnn, lstm or gru)`,
      });
    }
    return;
  }
  const last = layers[layers.length - 1];
  const lastAt = `${at}/${layers.length - 1}`;
  if (last === undefined) return;
  if (last.type !== 'dense') {
    problems.push({
      pointer: lastAt,
      message: `the last layer is the output head and must be dense, not ${last.type}`,
      suggestion: `add ${headHint} at the end`,
    });
  }
  if (role === 'vector-head' && flow === 'sequence') {
    problems.push({
      pointer: lastAt,
      message: 'this task predicts one output per sequence, but the layers end with a sequence',
      suggestion:
        'add {"type": "pool", "mode": "last"} before the head, or set returnSequences false on the last recurrent layer',
    });
  }
  if (role === 'sequence-head' && flow === 'vector') {
    problems.push({
      pointer: lastAt,
      message:
        'this task predicts one output per token, but the layers reduce the sequence to one vector',
      suggestion: 'remove the pool layer and keep returnSequences true',
    });
  }
}

function headOf(spec: ModelSpec): { layer: DenseLayerSpec; at: string } | undefined {
  const layers = spec.layers ?? [];
  const last = layers[layers.length - 1];
  return last?.type === 'dense' ? { layer: last, at: `/layers/${layers.length - 1}` } : undefined;
}

function checkHead(spec: ModelSpec, problems: Problem[]): void {
  const head = headOf(spec);
  if (!head) return;
  const { layer, at } = head;
  if (spec.task !== 'forecasting' && layer.activation !== 'linear') {
    problems.push({
      pointer: `${at}/activation`,
      message: `the output head must be linear: the ${spec.task} loss takes logits (got activation "${layer.activation}")`,
    });
  }
  if (typeof layer.units !== 'number') return;
  if (spec.task === 'classification' && spec.labels) {
    const n = spec.labels.length;
    const fits = layer.units === n || (n === 2 && layer.units === 1);
    if (!fits) {
      problems.push({
        pointer: `${at}/units`,
        message: `the head has ${layer.units} units but there are ${n} labels`,
        suggestion:
          n === 2
            ? 'use 2 units (cross-entropy) or 1 unit (bce-with-logits), or "auto"'
            : `use ${n} or "auto"`,
      });
    }
  }
  if (spec.task === 'tagging' && spec.labels && layer.units !== spec.labels.length) {
    problems.push({
      pointer: `${at}/units`,
      message: `the head has ${layer.units} units but there are ${spec.labels.length} tags`,
      suggestion: 'use "auto"',
    });
  }
  const forecasting = spec.task === 'forecasting' ? spec.forecasting : undefined;
  if (forecasting) {
    // Without features (resolved from the data) the number of targets is not known yet.
    const targets = (forecasting.targets ?? forecasting.features)?.length;
    const recursive = forecasting.strategy === 'recursive';
    const steps = recursive ? 1 : forecasting.horizon;
    if (targets === undefined) {
      problems.push({
        pointer: `${at}/units`,
        message: `the head's size depends on the targets, which come from the data when forecasting.features is not given`,
        suggestion: 'use "auto", or list forecasting.features',
      });
    } else if (layer.units !== steps * targets) {
      problems.push({
        pointer: `${at}/units`,
        message: recursive
          ? `a recursive forecaster's head outputs one step: one value per target (${targets}), not ${layer.units}`
          : `the head must output horizon x targets = ${steps} x ${targets} = ${steps * targets} values, not ${layer.units}`,
        suggestion: 'use "auto"',
      });
    }
  }
  if (spec.training.loss === 'bce-with-logits' && layer.units !== 1) {
    problems.push({
      pointer: '/training/loss',
      message: `bce-with-logits needs a head of 1 unit (this one has ${layer.units})`,
    });
  }
  if (
    spec.task === 'classification' &&
    layer.units === 1 &&
    spec.training.loss === 'cross-entropy'
  ) {
    problems.push({
      pointer: `${at}/units`,
      message: 'cross-entropy over a single logit is always 0: the model would learn nothing',
      suggestion:
        'use "auto" units (one per label), or drop training.loss: 1 unit trains with bce-with-logits',
    });
  }
}

/** The loss a spec trains with: training.loss, else its task's default. */
function effectiveLoss(spec: ModelSpec): string | undefined {
  if (spec.training.loss !== undefined) return spec.training.loss;
  if (spec.task === 'classification') {
    return headOf(spec)?.layer.units === 1 ? 'bce-with-logits' : 'cross-entropy';
  }
  return undefined;
}

// nll is in the schema (PyTorch users write it) but no head here outputs log-probabilities.
const lossesByTask: Record<ModelSpec['task'], readonly string[]> = {
  classification: ['cross-entropy', 'bce-with-logits'],
  generation: ['cross-entropy'],
  translation: ['cross-entropy'],
  tagging: ['cross-entropy'],
  forecasting: ['mse', 'mae', 'huber'],
  'feature-extraction': [],
};

const monitorsByTask: Record<ModelSpec['task'], readonly string[]> = {
  classification: ['val_loss', 'val_accuracy', 'val_f1'],
  generation: ['val_loss', 'val_perplexity'],
  translation: ['val_loss', 'val_perplexity', 'val_bleu'],
  tagging: ['val_loss', 'val_accuracy', 'val_f1'],
  forecasting: ['val_loss', 'val_mae', 'val_rmse'],
  'feature-extraction': ['val_loss'],
};

function checkTraining(spec: ModelSpec, problems: Problem[]): void {
  const { training, task } = spec;
  if (training.loss !== undefined && task === 'feature-extraction') {
    problems.push({
      pointer: '/training/loss',
      message:
        'feature extraction has no loss of its own: the code that uses the features defines it',
    });
  } else if (training.loss === 'nll' && task !== 'forecasting') {
    problems.push({
      pointer: '/training/loss',
      message:
        'nll takes log-probabilities, but the output head gives logits (heads are linear): cross-entropy is nll of their log-softmax, as in PyTorch',
      suggestion: 'use "cross-entropy"',
    });
  } else if (training.loss !== undefined && !lossesByTask[task].includes(training.loss)) {
    problems.push({
      pointer: '/training/loss',
      message: `loss "${training.loss}" does not fit task "${task}"; use one of ${lossesByTask[task].map((l) => `"${l}"`).join(', ')}`,
    });
  }
  const loss = effectiveLoss(spec);
  if (training.labelSmoothing > 0 && loss !== undefined && loss !== 'cross-entropy') {
    problems.push({
      pointer: '/training/labelSmoothing',
      message: `label smoothing applies to cross-entropy only, not "${loss}"${training.loss === undefined ? ' (the loss of a head of 1 unit)' : ''}`,
    });
  }
  if (loss === 'bce-with-logits' && spec.labels && spec.labels.length !== 2) {
    problems.push({
      pointer: '/labels',
      message: `bce-with-logits (one logit) classifies between 2 labels, not ${spec.labels.length}`,
      suggestion: 'use cross-entropy and "auto" units',
    });
  }
  if (training.checkpoint?.keep !== undefined && training.checkpoint.keep > 1) {
    problems.push({
      pointer: '/training/checkpoint/keep',
      message: `a run keeps one checkpoint (the last); keeping ${training.checkpoint.keep} is not supported`,
      suggestion: 'remove keep, or copy checkpoint.safetensors yourself',
    });
  }
  if (training.earlyStopping?.restoreBestWeights === false) {
    problems.push({
      pointer: '/training/earlyStopping/restoreBestWeights',
      message:
        'false is not supported: a run with early stopping ends on the weights of its best epoch (the checkpoint keeps the last ones)',
      suggestion: 'remove restoreBestWeights',
    });
  }
  if (training.checkpoint?.atEpochEnd === false) {
    problems.push({
      pointer: '/training/checkpoint/atEpochEnd',
      message:
        'checkpoints are always written at epoch ends (early stopping and resume rely on them); atEpochEnd false is not supported',
      suggestion: 'remove atEpochEnd',
    });
  }
  if (task === 'forecasting' && training.labelSmoothing > 0) {
    problems.push({
      pointer: '/training/labelSmoothing',
      message: 'label smoothing applies to classification losses, not forecasting',
    });
  }
  const optimizer = training.optimizer;
  if (
    optimizer.type === 'sgd' &&
    optimizer.nesterov &&
    (optimizer.momentum === 0 || optimizer.dampening !== 0)
  ) {
    problems.push({
      pointer: '/training/optimizer/nesterov',
      message: 'Nesterov momentum needs momentum > 0 and dampening 0 (as PyTorch)',
    });
  }
  if (training.earlyStopping && !monitorsByTask[task].includes(training.earlyStopping.monitor)) {
    problems.push({
      pointer: '/training/earlyStopping/monitor',
      message: `"${training.earlyStopping.monitor}" is not measured for task "${task}"; use one of ${monitorsByTask[task].map((m) => `"${m}"`).join(', ')}`,
    });
  }
  if (training.teacherForcing && task !== 'translation') {
    problems.push({
      pointer: '/training/teacherForcing',
      message: `teacher forcing applies to translation (a decoder), not task "${task}"`,
    });
  }
  const schedule = training.teacherForcing?.schedule;
  if (schedule) {
    const unused: string[] = [];
    if (schedule.type !== 'linear' && schedule.decay !== undefined) unused.push('decay');
    if ((schedule.type === 'constant' || schedule.type === 'linear') && schedule.k !== undefined)
      unused.push('k');
    for (const key of unused) {
      problems.push({
        pointer: `/training/teacherForcing/schedule/${key}`,
        message: `${key} has no effect on a "${schedule.type}" schedule`,
      });
    }
  }
  if (training.truncatedBptt !== undefined && task !== 'generation') {
    problems.push({
      pointer: '/training/truncatedBptt',
      message: `task "${task}" does not train in truncated-BPTT chunks (a generation spec's input.maxLength is its chunk length)`,
    });
  }
}

/** What a seq2seq side may hold besides its first layer (an embedding; checkLayerList checks it). */
const sideHint = {
  encoder: 'an encoder is an embedding, then recurrent (rnn, lstm, gru) and dropout layers',
  decoder:
    'a decoder is an embedding, an optional dropout, one recurrent layer (stacked with numLayers) and an optional dropout; the output projection to the target vocabulary is added automatically',
};

/** Layers a seq2seq side cannot hold (pool and misplaced embeddings are reported by checkLayerList). */
function checkSideLayers(
  layers: readonly LayerSpec[],
  side: 'encoder' | 'decoder',
  problems: Problem[],
): void {
  let recurrent: number | undefined;
  let dropoutsBefore = 0;
  let dropoutsAfter = 0;
  layers.forEach((layer, i) => {
    if (i === 0 || layer.type === 'embedding' || layer.type === 'pool') return;
    const at = `/${side}/layers/${i}`;
    if (layer.type === 'dense' || layer.type === 'layer-norm') {
      problems.push({
        pointer: `${at}/type`,
        message: `a ${layer.type} layer cannot be part of the ${side}: ${sideHint[side]}`,
      });
      return;
    }
    if (side === 'encoder') return;
    if (isRecurrent(layer)) {
      if (recurrent === undefined) recurrent = i;
      else {
        problems.push({
          pointer: at,
          message: `the decoder has one recurrent layer (decoder.layers[${recurrent}]); stack layers with its numLayers`,
          suggestion: `remove this layer and set "numLayers": 2 on decoder.layers[${recurrent}]`,
        });
      }
    } else if (layer.type === 'dropout') {
      const count = recurrent === undefined ? ++dropoutsBefore : ++dropoutsAfter;
      if (count > 1) {
        problems.push({
          pointer: at,
          message: `a second dropout ${recurrent === undefined ? 'before' : 'after'} the decoder's recurrent layer: ${sideHint.decoder}`,
        });
      }
    }
  });
}

/** A recurrent layer's spec as the bridge sees it. */
function recurrentShape(layer: RecurrentLayer): RecurrentShape {
  return {
    cell: layer.type,
    numLayers: layer.numLayers,
    directions: layer.bidirectional ? 2 : 1,
    hiddenSize: layer.hiddenSize,
  };
}

function checkTranslation(spec: ModelSpec, problems: Problem[]): void {
  const { encoder, decoder } = spec;
  if (!encoder || !decoder) return;
  checkLayerList(encoder.layers, '/encoder/layers', 'tokens', 'encoder', problems);
  checkLayerList(decoder.layers, '/decoder/layers', 'tokens', 'decoder', problems);
  checkSideLayers(encoder.layers, 'encoder', problems);
  checkSideLayers(decoder.layers, 'decoder', problems);
  const attention = decoder.attention?.type ?? 'none';
  if (decoder.inputFeeding && attention === 'none') {
    problems.push({
      pointer: '/decoder/inputFeeding',
      message: 'input feeding feeds the previous attentional vector, so it needs attention',
    });
  }
  const combine = decoder.attention?.combine;
  if (attention === 'none' && combine !== undefined) {
    problems.push({
      pointer: '/decoder/attention/combine',
      message:
        'combine says where the attention context enters the decoder; without attention there is none',
      suggestion: 'remove "combine", or choose an attention type',
    });
  }
  const effectiveCombine = combine ?? (attention === 'bahdanau' ? 'input' : 'output');
  if (decoder.inputFeeding && attention !== 'none' && effectiveCombine === 'input') {
    problems.push({
      pointer: '/decoder/inputFeeding',
      message: `input feeding feeds the previous attentional vector (Luong), which only combine "output" computes; this ${attention} attention combines at the input${combine === undefined ? ' (its default)' : ''}`,
      suggestion: 'set decoder.attention.combine to "output", or remove inputFeeding',
    });
  }
  const lastEncoderRecurrent = [...encoder.layers].reverse().find(isRecurrent);
  const decoderRecurrent = decoder.layers.find(isRecurrent);
  if (lastEncoderRecurrent && decoderRecurrent) {
    const encoderShape = recurrentShape(lastEncoderRecurrent);
    const decoderShape = recurrentShape(decoderRecurrent);
    const problem = bridgeProblem(decoder.bridge, encoderShape, decoderShape);
    if (problem) {
      const layersShort = decoderShape.numLayers > encoderShape.numLayers;
      problems.push({
        pointer: '/decoder/bridge',
        message: problem,
        suggestion: layersShort
          ? 'use "zeros", or give the encoder\'s last recurrent layer as many layers as the decoder'
          : 'use "dense" (a learned projection between the sizes) or "zeros"',
      });
    }
  }
  if (
    decoder.attention?.size !== undefined &&
    attention !== 'bahdanau' &&
    attention !== 'luong-concat'
  ) {
    problems.push({
      pointer: '/decoder/attention/size',
      message: `size applies to bahdanau and luong-concat attention only, not "${attention}"`,
    });
  }
  if (attention === 'luong-dot') {
    const lastEncoder = [...encoder.layers].reverse().find(isRecurrent);
    const lastDecoder = [...decoder.layers].reverse().find(isRecurrent);
    if (lastEncoder && lastDecoder) {
      const keys = lastEncoder.hiddenSize * (lastEncoder.bidirectional ? 2 : 1);
      if (keys !== lastDecoder.hiddenSize) {
        problems.push({
          pointer: '/decoder/attention/type',
          message: `luong-dot compares decoder states (${lastDecoder.hiddenSize}) with encoder outputs (${keys}) by dot product, so their sizes must match`,
          suggestion: 'use "luong-general" or "bahdanau", which learn a projection',
        });
      }
    }
  }
}

function checkTokenizer(tokenizer: TokenizerSpec | undefined, at: string, problems: Problem[]) {
  if (tokenizer?.rules === 'treebank' && tokenizer.splitPunctuation === false) {
    problems.push({
      pointer: `${at}/splitPunctuation`,
      message: 'rules "treebank" always splits punctuation; splitPunctuation: false contradicts it',
      suggestion: 'remove "splitPunctuation", or use rules "basic"',
    });
  }
  if (tokenizer?.type === 'char' && tokenizer.rules === 'treebank') {
    problems.push({
      pointer: `${at}/rules`,
      message: 'rules "treebank" is for the word tokenizer, not type "char"',
    });
  }
}

/** The tagging block: constraints only with the CRF, and the settings a CRF replaces. */
function checkTagging(spec: ModelSpec, problems: Problem[]): void {
  const tagging = spec.tagging;
  // On another task the schema already refuses the block ("tagging" is not used by task ...).
  if (!tagging || spec.task !== 'tagging') return;
  if (tagging.output !== 'crf') {
    if (tagging.constraints !== 'none') {
      problems.push({
        pointer: '/tagging/constraints',
        message: `constraints apply to the CRF output: a softmax head picks each token's tag on its own, so "${tagging.constraints}" would never be enforced`,
        suggestion: 'set "output": "crf", or remove "constraints"',
      });
    }
    return;
  }
  // The CRF trains on each sentence's negative log-likelihood, not on per-token cross-entropy.
  if (spec.training.loss !== undefined) {
    problems.push({
      pointer: '/training/loss',
      message: `the CRF output trains on each sentence's negative log-likelihood (forward algorithm), not "${spec.training.loss}"`,
      suggestion: 'remove "loss"',
    });
  }
  if (spec.training.labelSmoothing > 0) {
    problems.push({
      pointer: '/training/labelSmoothing',
      message:
        "label smoothing applies to the softmax output's cross-entropy; the CRF output trains on each sentence's negative log-likelihood",
      suggestion: 'remove "labelSmoothing", or use "output": "softmax"',
    });
  }
  spec.layers?.forEach((layer, i) => {
    if (layer.name === 'crf') {
      problems.push({
        pointer: `/layers/${i}/name`,
        message:
          'the name "crf" is taken by the CRF layer that "output": "crf" adds after the head (its parameters are crf.transitions, ...)',
        suggestion: 'choose another name',
      });
    }
  });
}

/** Every semantic problem of a schema-valid spec. */
export function semanticProblems(spec: ModelSpec): SpecError[] {
  const problems: Problem[] = [];
  if (spec.task === 'translation') checkTranslation(spec, problems);
  else if (spec.layers) {
    const start: Flow = spec.input?.tokenizer ? 'tokens' : 'sequence';
    const role =
      spec.task === 'feature-extraction'
        ? 'features'
        : spec.task === 'classification' || spec.task === 'forecasting'
          ? 'vector-head'
          : 'sequence-head';
    checkLayerList(spec.layers, '/layers', start, role, problems);
    checkHead(spec, problems);
  }
  checkTraining(spec, problems);
  checkTagging(spec, problems);
  problems.push(...characterProblems(spec));
  checkTokenizer(spec.input?.tokenizer, '/input/tokenizer', problems);
  checkTokenizer(spec.target?.tokenizer, '/target/tokenizer', problems);
  if (spec.task === 'generation' && spec.input && !spec.input.tokenizer) {
    problems.push({
      pointer: '/input/features',
      message: 'generation models text: the input needs a tokenizer, not features',
    });
  }
  if (spec.decoding && spec.task !== 'generation' && spec.task !== 'translation') {
    problems.push({
      pointer: '/decoding',
      message: `decoding applies to generation and translation, not task "${spec.task}"`,
    });
  }
  const decoding = spec.decoding;
  if (
    decoding?.strategy === 'beam' &&
    decoding.nBest !== undefined &&
    decoding.nBest > decoding.beamWidth
  ) {
    problems.push({
      pointer: '/decoding/nBest',
      message: `nBest ${decoding.nBest} is more than beamWidth ${decoding.beamWidth}: beam search keeps at most beamWidth hypotheses`,
    });
  }
  checkForecasting(spec, problems);
  const maxVocab = spec.input?.vocabulary?.maxSize;
  const embedding = spec.layers?.[0];
  if (
    maxVocab !== undefined &&
    embedding?.type === 'embedding' &&
    embedding.numEmbeddings !== undefined &&
    maxVocab > embedding.numEmbeddings
  ) {
    problems.push({
      pointer: '/layers/0/numEmbeddings',
      message: `the vocabulary may reach ${maxVocab} tokens (input.vocabulary.maxSize) but the embedding has ${embedding.numEmbeddings} rows`,
    });
  }
  return problems.map((p) => ({ kind: 'semantic', ...p }));
}

/** The forecasting block's fields that depend on each other. */
function checkForecasting(spec: ModelSpec, problems: Problem[]): void {
  const forecasting = spec.forecasting;
  if (!forecasting) return;
  const { features, targets } = forecasting;
  if (features) {
    targets?.forEach((target, i) => {
      if (!features.includes(target)) {
        problems.push({
          pointer: `/forecasting/targets/${i}`,
          message: `target ${JSON.stringify(target)} is not one of the features (${features.map((f) => JSON.stringify(f)).join(', ')})`,
        });
      }
    });
  }
  const differencing = forecasting.differencing ?? 'none';
  if (differencing.includes('seasonal') && forecasting.season === undefined) {
    problems.push({
      pointer: '/forecasting/differencing',
      message: `differencing "${differencing}" subtracts the value one season earlier, but forecasting.season is not given`,
      suggestion: 'add forecasting.season (12 for monthly data with a yearly cycle)',
    });
  }
  if (forecasting.strategy === 'recursive' && features && targets) {
    const covariates = features.filter((f) => !targets.includes(f));
    if (covariates.length > 0) {
      problems.push({
        pointer: '/forecasting/strategy',
        message: `a recursive forecaster feeds each prediction back as the next input, so every feature must be a target; ${covariates.map((c) => JSON.stringify(c)).join(', ')} ${covariates.length === 1 ? 'is' : 'are'} not (their future values are unknown)`,
        suggestion: 'use strategy "direct", or make every feature a target',
      });
    }
  }
}
