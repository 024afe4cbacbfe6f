// Generated from specs/model.schema.json by `pnpm codegen`. Do not edit.

// ModelSpec: a validated spec, every default filled in.

/**
 * What the model is for: classification (text -> label), generation (language model), translation (seq2seq), forecasting (time series), tagging (a label per token), feature-extraction (the layers' own output and final states, no head: features for other models, and PyTorch layer parity).
 */
export type Task =
  | 'classification'
  | 'generation'
  | 'translation'
  | 'forecasting'
  | 'tagging'
  | 'feature-extraction';
export type LayerSpec =
  | EmbeddingLayerSpec
  | RnnLayerSpec
  | LstmLayerSpec
  | GruLayerSpec
  | DropoutLayerSpec
  | DenseLayerSpec
  | PoolLayerSpec
  | LayerNormLayerSpec;
/**
 * Name of the layer; its parameters are named '<name>.<param>' (e.g. 'lstm.weight_ih_l0'). Defaults to the layer type, numbered when repeated.
 */
export type LayerName = string;
/**
 * pytorch-default: U(-1/sqrt(H), 1/sqrt(H)) for recurrent layers and PyTorch's nn.Linear / nn.Embedding defaults elsewhere; xavier-* (Glorot); kaiming-* (He, fan_in, ReLU gain); orthogonal (gain 1); normal: N(0, 1).
 */
export type Initializer =
  | 'pytorch-default'
  | 'xavier-uniform'
  | 'xavier-normal'
  | 'kaiming-uniform'
  | 'kaiming-normal'
  | 'orthogonal'
  | 'normal'
  | 'zeros'
  | 'ones';
/**
 * Features in the hidden state h.
 */
export type HiddenSize = number;
/**
 * Stacked recurrent layers; each takes the previous one's output sequence.
 */
export type NumLayers = number;
/**
 * Run a second pass right to left and concatenate both directions' outputs (size 2 x hiddenSize).
 */
export type Bidirectional = boolean;
/**
 * Dropout on the outputs of each stacked layer except the last, as PyTorch (needs numLayers >= 2).
 */
export type RecurrentDropout = number;
/**
 * Use bias_ih and bias_hh.
 */
export type Bias = boolean;
/**
 * true: output every step [B, T, D x H]; false: output the final hidden state of the top layer (both directions concatenated) [B, D x H].
 */
export type ReturnSequences = boolean;
/**
 * pytorch-default: U(-1/sqrt(H), 1/sqrt(H)) for recurrent layers and PyTorch's nn.Linear / nn.Embedding defaults elsewhere; xavier-* (Glorot); kaiming-* (He, fan_in, ReLU gain); orthogonal (gain 1); normal: N(0, 1).
 */
export type Initializer1 =
  | 'pytorch-default'
  | 'xavier-uniform'
  | 'xavier-normal'
  | 'kaiming-uniform'
  | 'kaiming-normal'
  | 'orthogonal'
  | 'normal'
  | 'zeros'
  | 'ones';
/**
 * pytorch-default: U(-1/sqrt(H), 1/sqrt(H)) for recurrent layers and PyTorch's nn.Linear / nn.Embedding defaults elsewhere; xavier-* (Glorot); kaiming-* (He, fan_in, ReLU gain); orthogonal (gain 1); normal: N(0, 1).
 */
export type Initializer2 =
  | 'pytorch-default'
  | 'xavier-uniform'
  | 'xavier-normal'
  | 'kaiming-uniform'
  | 'kaiming-normal'
  | 'orthogonal'
  | 'normal'
  | 'zeros'
  | 'ones';
/**
 * pytorch-default: U(-1/sqrt(H), 1/sqrt(H)) for recurrent layers and PyTorch's nn.Linear / nn.Embedding defaults elsewhere; xavier-* (Glorot); kaiming-* (He, fan_in, ReLU gain); orthogonal (gain 1); normal: N(0, 1).
 */
export type Initializer3 =
  | 'pytorch-default'
  | 'xavier-uniform'
  | 'xavier-normal'
  | 'kaiming-uniform'
  | 'kaiming-normal'
  | 'orthogonal'
  | 'normal'
  | 'zeros'
  | 'ones';
/**
 * Stacked recurrent layers; each takes the previous one's output sequence.
 */
export type NumLayers1 = number;
/**
 * Run a second pass right to left and concatenate both directions' outputs (size 2 x hiddenSize).
 */
export type Bidirectional1 = boolean;
/**
 * Dropout on the outputs of each stacked layer except the last, as PyTorch (needs numLayers >= 2).
 */
export type RecurrentDropout1 = number;
/**
 * Use bias_ih and bias_hh.
 */
export type Bias1 = boolean;
/**
 * true: output every step [B, T, D x H]; false: output the final hidden state of the top layer (both directions concatenated) [B, D x H].
 */
export type ReturnSequences1 = boolean;
/**
 * pytorch-default: U(-1/sqrt(H), 1/sqrt(H)) for recurrent layers and PyTorch's nn.Linear / nn.Embedding defaults elsewhere; xavier-* (Glorot); kaiming-* (He, fan_in, ReLU gain); orthogonal (gain 1); normal: N(0, 1).
 */
export type Initializer4 =
  | 'pytorch-default'
  | 'xavier-uniform'
  | 'xavier-normal'
  | 'kaiming-uniform'
  | 'kaiming-normal'
  | 'orthogonal'
  | 'normal'
  | 'zeros'
  | 'ones';
/**
 * pytorch-default: U(-1/sqrt(H), 1/sqrt(H)) for recurrent layers and PyTorch's nn.Linear / nn.Embedding defaults elsewhere; xavier-* (Glorot); kaiming-* (He, fan_in, ReLU gain); orthogonal (gain 1); normal: N(0, 1).
 */
export type Initializer5 =
  | 'pytorch-default'
  | 'xavier-uniform'
  | 'xavier-normal'
  | 'kaiming-uniform'
  | 'kaiming-normal'
  | 'orthogonal'
  | 'normal'
  | 'zeros'
  | 'ones';
/**
 * pytorch-default: U(-1/sqrt(H), 1/sqrt(H)) for recurrent layers and PyTorch's nn.Linear / nn.Embedding defaults elsewhere; xavier-* (Glorot); kaiming-* (He, fan_in, ReLU gain); orthogonal (gain 1); normal: N(0, 1).
 */
export type Initializer6 =
  | 'pytorch-default'
  | 'xavier-uniform'
  | 'xavier-normal'
  | 'kaiming-uniform'
  | 'kaiming-normal'
  | 'orthogonal'
  | 'normal'
  | 'zeros'
  | 'ones';
/**
 * Stacked recurrent layers; each takes the previous one's output sequence.
 */
export type NumLayers2 = number;
/**
 * Run a second pass right to left and concatenate both directions' outputs (size 2 x hiddenSize).
 */
export type Bidirectional2 = boolean;
/**
 * Dropout on the outputs of each stacked layer except the last, as PyTorch (needs numLayers >= 2).
 */
export type RecurrentDropout2 = number;
/**
 * Use bias_ih and bias_hh.
 */
export type Bias2 = boolean;
/**
 * true: output every step [B, T, D x H]; false: output the final hidden state of the top layer (both directions concatenated) [B, D x H].
 */
export type ReturnSequences2 = boolean;
/**
 * pytorch-default: U(-1/sqrt(H), 1/sqrt(H)) for recurrent layers and PyTorch's nn.Linear / nn.Embedding defaults elsewhere; xavier-* (Glorot); kaiming-* (He, fan_in, ReLU gain); orthogonal (gain 1); normal: N(0, 1).
 */
export type Initializer7 =
  | 'pytorch-default'
  | 'xavier-uniform'
  | 'xavier-normal'
  | 'kaiming-uniform'
  | 'kaiming-normal'
  | 'orthogonal'
  | 'normal'
  | 'zeros'
  | 'ones';
export type OptimizerSpec =
  AdamOptimizerSpec | AdamwOptimizerSpec | SgdOptimizerSpec | RmspropOptimizerSpec;
/**
 * Learning rate.
 */
export type LearningRate = number;
/**
 * Decay rates of the first and second moment estimates.
 *
 * @minItems 2
 * @maxItems 2
 */
export type Betas = [number, number];
export type Epsilon = number;
export type WeightDecay = number;
/**
 * Learning rate.
 */
export type LearningRate1 = number;
/**
 * Decay rates of the first and second moment estimates.
 *
 * @minItems 2
 * @maxItems 2
 */
export type Betas1 = [number, number];
export type Epsilon1 = number;
export type WeightDecay1 = number;
/**
 * Learning rate.
 */
export type LearningRate2 = number;
export type WeightDecay2 = number;
/**
 * Learning rate.
 */
export type LearningRate3 = number;
export type Epsilon2 = number;
export type WeightDecay3 = number;
export type LrScheduleSpec =
  | ConstantLrSpec
  | StepLrSpec
  | ExponentialLrSpec
  | CosineLrSpec
  | LinearWarmupLrSpec
  | ReduceOnPlateauLrSpec;
/**
 * Generation and translation: how tokens are chosen.
 */
export type DecodingSpec = GreedyDecodingSpec | SampleDecodingSpec | BeamDecodingSpec;
/**
 * Most new tokens generated; an end token or a stop sequence counts among them.
 */
export type MaxLength = number;
/**
 * Hugging Face's repetition penalty (1 or absent: none): the logit of every token already in the prompt or output is divided by it when positive, multiplied by it otherwise.
 */
export type RepetitionPenalty = number;
/**
 * The output ends when it ends with one of these texts (left out of the output).
 */
export type StopStrings = string[];
/**
 * Most new tokens generated; an end token or a stop sequence counts among them.
 */
export type MaxLength1 = number;
/**
 * Most new tokens generated; an end token or a stop sequence counts among them.
 */
export type MaxLength2 = number;

/**
 * A Recurrent model spec: what the model consumes, its layers, its task, how it trains and how it decodes.
 */
export interface ModelSpec {
  /**
   * Path or URL of this schema, for editors.
   */
  $schema?: string;
  /**
   * Version of the spec format. This schema describes version 1.
   */
  version: 1;
  /**
   * Model name: letters, digits, '.', '_' and '-', starting with a letter or digit.
   */
  name: string;
  /**
   * Free text for people.
   */
  description?: string;
  task: Task;
  input?: InputSpec;
  target?: TextInputSpec;
  /**
   * Classification and tagging: a fixed label set, in output order. When absent, labels are collected from the training data and sorted.
   *
   * @minItems 1
   */
  labels?: [string, ...string[]];
  /**
   * The model body, applied in order. For every task but feature-extraction the last layer is the output head: a dense layer whose units may be "auto" (number of classes, vocabulary size, tags or horizon x targets).
   *
   * @minItems 1
   */
  layers?: [LayerSpec, ...LayerSpec[]];
  encoder?: EncoderSpec;
  decoder?: DecoderSpec;
  forecasting?: ForecastingSpec;
  tagging?: TaggingSpec;
  training: TrainingSpec;
  decoding?: DecodingSpec;
}
/**
 * What the model consumes: text through a tokenizer, or real-valued vectors of `features` numbers per time step.
 */
export interface InputSpec {
  tokenizer?: TokenizerSpec;
  vocabulary?: VocabularySpec;
  /**
   * Longest sequence fed to the model, in tokens or steps; longer inputs are truncated.
   */
  maxLength?: number;
  /**
   * Numeric input: the number of real values per time step (no tokenizer).
   */
  features?: number;
}
export interface TokenizerSpec {
  /**
   * char: one token per Unicode code point; word: words split on whitespace (and punctuation if asked).
   */
  type: 'char' | 'word';
  /**
   * Lowercase text before tokenizing.
   */
  lowercase: boolean;
  /**
   * Unicode normalization applied before tokenizing. ascii: NFD with combining marks removed and any other non-ASCII character replaced by a space (é -> e), as the PyTorch translation tutorial's unicodeToAscii does.
   */
  normalize: 'none' | 'NFC' | 'NFKC' | 'ascii';
  /**
   * Word tokenizer: make punctuation marks separate tokens.
   */
  splitPunctuation: boolean;
  /**
   * Word tokenizer: basic (whitespace, then punctuation if splitPunctuation) or treebank (Penn Treebank conventions, as SST and the PTB are tokenized: don't -> do n't, it's -> it 's, hyphenated words and numbers whole, double quotes as `` and '').
   */
  rules: 'basic' | 'treebank';
  /**
   * Replace every character that is not a letter or one of . ! ? with a space, after lowercasing and normalization (with normalize "ascii" this is the PyTorch translation tutorial's normalizeString: lower case, ASCII letters and .!? only).
   */
  lettersOnly: boolean;
}
/**
 * Limits on the vocabulary built from the training corpus. Special tokens have fixed ids: pad 0, unk 1, bos 2, eos 3.
 */
export interface VocabularySpec {
  /**
   * Largest vocabulary, special tokens included; the most frequent tokens are kept.
   */
  maxSize?: number;
  /**
   * Tokens seen fewer times than this map to unk.
   */
  minFrequency: number;
}
/**
 * Translation only: how target-language text is tokenized.
 */
export interface TextInputSpec {
  tokenizer: TokenizerSpec;
  vocabulary?: VocabularySpec;
  /**
   * Longest sequence in tokens.
   */
  maxLength?: number;
}
/**
 * Token ids -> vectors. Must be the first layer, over text input.
 */
export interface EmbeddingLayerSpec {
  type: 'embedding';
  name?: LayerName;
  /**
   * Size of each token vector.
   */
  embeddingDim: number;
  /**
   * Rows of the table. Defaults to the vocabulary size; set it to import a PyTorch model with a fixed vocabulary.
   */
  numEmbeddings?: number;
  /**
   * Row that stays zero and gets no gradient, as PyTorch's padding_idx. Defaults to the pad token's id 0; null for none.
   */
  paddingIdx: number | null;
  /**
   * Row of the unknown token, which starts at zero (and trains when unk occurs in training). A vocabulary built from the training data holds every training token, so unk never trains: a random row would add noise wherever unseen words appear at prediction time. Defaults to the unk token's id 1; null initializes it like the other rows.
   */
  unknownIdx: number | null;
  /**
   * Training only: each token (padding aside) is replaced by the unknown token (unknownIdx) with this probability, so the model learns what to make of words it has not seen, as it will meet them in new text (word dropout, Iyyer et al. 2015).
   */
  wordDropout: number;
  characters?: CharacterEncoderSpec;
  init: Initializer;
  /**
   * false freezes the table (e.g. pretrained vectors).
   */
  trainable: boolean;
}
/**
 * Tagging only: a character-level encoder of each word (Lample et al. 2016). The word's characters, as written in the data (before the tokenizer lowercases), are embedded and read by a recurrent layer; its final states (both directions) are concatenated to the word's vector, so an unknown word still gets a vector from its spelling. The embedding layer then outputs embeddingDim + directions x hiddenSize per token.
 */
export interface CharacterEncoderSpec {
  /**
   * Size of each character vector.
   */
  embeddingDim: number;
  /**
   * Hidden size of the character recurrent layer, per direction.
   */
  hiddenSize: number;
  /**
   * Recurrent cell over the characters (rnn: tanh).
   */
  cell: 'lstm' | 'gru' | 'rnn';
  /**
   * Read each word both ways (the backward direction's final state sees the prefix last).
   */
  bidirectional: boolean;
  /**
   * Characters read per word: a longer word is read as its first ceil(maxLength/2) and last floor(maxLength/2) characters, where prefixes and suffixes carry what spelling says about a word.
   */
  maxLength: number;
  /**
   * Characters seen fewer times in the training words read as the unknown character.
   */
  minFrequency: number;
}
/**
 * Elman RNN, as torch.nn.RNN: h' = act(W_ih x + b_ih + W_hh h + b_hh).
 */
export interface RnnLayerSpec {
  type: 'rnn';
  name?: LayerName;
  hiddenSize: HiddenSize;
  nonlinearity: 'tanh' | 'relu';
  numLayers: NumLayers;
  bidirectional: Bidirectional;
  dropout: RecurrentDropout;
  bias: Bias;
  returnSequences: ReturnSequences;
  init?: RecurrentInitSpec;
}
export interface RecurrentInitSpec {
  weightIh: Initializer1;
  weightHh: Initializer2;
  bias: Initializer3;
}
/**
 * LSTM, as torch.nn.LSTM (gate rows i, f, g, o).
 */
export interface LstmLayerSpec {
  type: 'lstm';
  name?: LayerName;
  hiddenSize: HiddenSize;
  numLayers: NumLayers1;
  bidirectional: Bidirectional1;
  dropout: RecurrentDropout1;
  bias: Bias1;
  returnSequences: ReturnSequences1;
  init?: LstmInitSpec;
}
export interface LstmInitSpec {
  weightIh: Initializer4;
  weightHh: Initializer5;
  bias: Initializer6;
  /**
   * If set, the forget-gate rows of bias_ih are set to this value and those of bias_hh to 0 (Keras unit_forget_bias is 1).
   */
  forgetGateBias?: number;
}
/**
 * GRU, as torch.nn.GRU (gate rows r, z, n; n = tanh(W_in x + b_in + r * (W_hn h + b_hn))).
 */
export interface GruLayerSpec {
  type: 'gru';
  name?: LayerName;
  hiddenSize: HiddenSize;
  numLayers: NumLayers2;
  bidirectional: Bidirectional2;
  dropout: RecurrentDropout2;
  bias: Bias2;
  returnSequences: ReturnSequences2;
  init?: RecurrentInitSpec;
}
/**
 * Zeroes each value with probability rate during training and scales the rest by 1/(1-rate).
 */
export interface DropoutLayerSpec {
  type: 'dropout';
  name?: LayerName;
  rate: number;
}
/**
 * Fully connected layer (torch.nn.Linear) applied to a vector or to every step of a sequence.
 */
export interface DenseLayerSpec {
  type: 'dense';
  name?: LayerName;
  /**
   * Output size, or "auto" on the output head: classes, vocabulary size, tags, or horizon x targets.
   */
  units: number | 'auto';
  /**
   * The output head stays linear: losses take logits.
   */
  activation: 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'gelu';
  bias: boolean;
  init: Initializer7;
}
/**
 * Sequence [B, T, F] -> vector [B, F], respecting each row's length.
 */
export interface PoolLayerSpec {
  type: 'pool';
  name?: LayerName;
  /**
   * last: the output at each row's last real step; mean / max over real steps; attention: a learned weighted sum.
   */
  mode: 'last' | 'mean' | 'max' | 'attention';
  /**
   * mode attention: size of the additive scoring layer (default: the input size).
   */
  attentionSize?: number;
}
/**
 * Layer normalization over the last axis, as torch.nn.LayerNorm.
 */
export interface LayerNormLayerSpec {
  type: 'layer-norm';
  name?: LayerName;
  eps: number;
}
/**
 * Translation: reads the source sentence. Its layers start with an embedding.
 */
export interface EncoderSpec {
  /**
   * @minItems 1
   */
  layers: [LayerSpec, ...LayerSpec[]];
}
/**
 * Translation: writes the target sentence one token at a time. Its layers start with an embedding; the output projection to the target vocabulary is added automatically.
 */
export interface DecoderSpec {
  /**
   * @minItems 1
   */
  layers: [LayerSpec, ...LayerSpec[]];
  attention?: AttentionSpec;
  /**
   * Luong input feeding: concatenate the previous attentional vector to the next input (needs attention combine "output").
   */
  inputFeeding: boolean;
  /**
   * How the decoder's initial state comes from the encoder's final states. copy: the final state of the encoder's top layers, directions concatenated (a bidirectional encoder's 2 x hidden must equal the decoder's hidden; a GRU or RNN encoder gives an LSTM decoder zero cell states); dense: tanh(Linear(final state)) per decoder layer (any sizes); zeros: start from zeros.
   */
  bridge: 'copy' | 'dense' | 'zeros';
}
export interface AttentionSpec {
  /**
   * bahdanau: additive, v^T tanh(W q + U k); luong-dot: q . k; luong-general: q^T W k; luong-concat: v^T tanh(W [q; k]).
   */
  type: 'none' | 'bahdanau' | 'luong-dot' | 'luong-general' | 'luong-concat';
  /**
   * bahdanau and luong-concat: size of the scoring layer (default: the decoder's hidden size).
   */
  size?: number;
  /**
   * Where the context enters the decoder. input (Bahdanau, the PyTorch tutorial): the previous hidden state queries the source and the context is concatenated to the step's input embedding; output (Luong): the step's new hidden state queries the source and tanh(W_c [context; hidden]) feeds the output projection. Default: input for bahdanau, output for the luong types.
   */
  combine?: 'input' | 'output';
}
/**
 * Time-series forecasting: sliding windows over numeric columns.
 */
export interface ForecastingSpec {
  /**
   * Past steps the model sees.
   */
  window: number;
  /**
   * Future steps it predicts.
   */
  horizon: number;
  /**
   * Input columns, by name, in the order the model reads them. Default: every value column of the training data (all but the date column), resolved at the first training and saved with the model.
   *
   * @minItems 1
   */
  features?: [string, ...string[]];
  /**
   * Columns to predict; each must be one of the features. Default: all features.
   *
   * @minItems 1
   */
  targets?: [string, ...string[]];
  /**
   * Per-column scaling, fitted on the training rows only (after differencing) and saved with the model: standard (mean 0, standard deviation 1), minmax (to [0, 1]) or none.
   */
  scaling: 'standard' | 'minmax' | 'none';
  /**
   * Differencing of the target columns before scaling, undone on every forecast: first (y[t] - y[t-1]), seasonal (y[t] - y[t-season]), or first then seasonal. Other feature columns are read as given.
   */
  differencing: 'none' | 'first' | 'seasonal' | 'first-and-seasonal';
  /**
   * The seasonal period in steps (12 for monthly data with a yearly cycle, 7 for a weekly cycle in daily data): used by seasonal differencing and by the seasonal-naive baseline of evaluation.
   */
  season?: number;
  /**
   * Multi-step forecasts: direct (the head outputs all horizon steps at once: horizon x targets units) or recursive (the head outputs one step, fed back as the next input for each further step; every feature must then be a target).
   */
  strategy: 'direct' | 'recursive';
}
/**
 * Tagging only: how the head's scores for each token become tags.
 */
export interface TaggingSpec {
  /**
   * softmax: each token's tag on its own (cross-entropy per token, padding masked out). crf: a linear-chain conditional random field over the head's scores (its emission scores) with learned transition, start and end scores (parameters crf.transitions, crf.start_transitions, crf.end_transitions, as pytorch-crf names them), trained on each sentence's negative log-likelihood (forward algorithm, per token) and decoded with Viterbi (Lample et al. 2016).
   */
  output: 'softmax' | 'crf';
  /**
   * CRF only: transitions the tag scheme forbids are never scored or decoded. bio (IOB2): I-X only after B-X or I-X, never first. bioes: also E-X ends and S-X is a single-token span (B-X then I-X/E-X, I-X then I-X/E-X; after O, E-X or S-X only O, B-Y or S-Y). Every tag must then be O or a scheme prefix, '-' and a type; training data that breaks the scheme is refused with the sentence named.
   */
  constraints: 'none' | 'bio' | 'bioes';
}
export interface TrainingSpec {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerSpec;
  lrSchedule?: LrScheduleSpec;
  /**
   * Defaults by task: cross-entropy (bce-with-logits for a 1-unit classification head: one logit for the second of two sorted labels, as PyTorch's BCEWithLogitsLoss), mse for forecasting. nll is refused: output heads give logits, and cross-entropy is nll of their log-softmax.
   */
  loss?: 'cross-entropy' | 'nll' | 'bce-with-logits' | 'mse' | 'mae' | 'huber';
  labelSmoothing: number;
  /**
   * Clip the global gradient norm to this value (torch.nn.utils.clip_grad_norm_).
   */
  clipNorm?: number;
  /**
   * Clip every gradient value to [-clipValue, clipValue].
   */
  clipValue?: number;
  /**
   * Batches whose gradients are summed before each optimizer step.
   */
  gradientAccumulation: number;
  /**
   * Truncated BPTT inside each batch: chunks of this many steps, the state carried between them. No task trains this way today: generation trains on streams in chunks of input.maxLength tokens (its truncated-BPTT length), the state carried from batch to batch, and refuses this setting saying so.
   */
  truncatedBptt?: number;
  earlyStopping?: EarlyStoppingSpec;
  /**
   * Seeds initialization, shuffling and dropout: same seed and backend give the same weights.
   */
  seed: number;
  checkpoint?: CheckpointSpec;
  teacherForcing?: TeacherForcingSpec;
}
/**
 * torch.optim.Adam (weight decay added to the gradient).
 */
export interface AdamOptimizerSpec {
  type: 'adam';
  lr: LearningRate;
  betas: Betas;
  eps: Epsilon;
  weightDecay: WeightDecay;
  amsgrad: boolean;
}
/**
 * torch.optim.AdamW (decoupled weight decay).
 */
export interface AdamwOptimizerSpec {
  type: 'adamw';
  lr: LearningRate1;
  betas: Betas1;
  eps: Epsilon1;
  weightDecay: WeightDecay1;
  amsgrad: boolean;
}
/**
 * torch.optim.SGD.
 */
export interface SgdOptimizerSpec {
  type: 'sgd';
  lr: LearningRate2;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: WeightDecay2;
}
/**
 * torch.optim.RMSprop.
 */
export interface RmspropOptimizerSpec {
  type: 'rmsprop';
  lr: LearningRate3;
  alpha: number;
  eps: Epsilon2;
  momentum: number;
  centered: boolean;
  weightDecay: WeightDecay3;
}
export interface ConstantLrSpec {
  type: 'constant';
}
/**
 * Multiply the rate by gamma every stepSize epochs (torch StepLR).
 */
export interface StepLrSpec {
  type: 'step';
  stepSize: number;
  gamma: number;
}
/**
 * Multiply the rate by gamma every epoch (torch ExponentialLR).
 */
export interface ExponentialLrSpec {
  type: 'exponential';
  gamma: number;
}
/**
 * Cosine decay from the base rate to minLr over the training steps, after an optional linear warmup.
 */
export interface CosineLrSpec {
  type: 'cosine';
  warmupSteps: number;
  minLr: number;
}
/**
 * Rise linearly from 0 to the base rate over warmupSteps, then stay.
 */
export interface LinearWarmupLrSpec {
  type: 'linear-warmup';
  warmupSteps: number;
}
/**
 * Multiply the rate by factor when the validation loss has not improved for patience epochs (torch ReduceLROnPlateau).
 */
export interface ReduceOnPlateauLrSpec {
  type: 'reduce-on-plateau';
  factor: number;
  patience: number;
  threshold: number;
  minLr: number;
}
/**
 * Stop when the monitored validation metric has not improved for patience epochs.
 */
export interface EarlyStoppingSpec {
  patience: number;
  monitor:
    'val_loss' | 'val_accuracy' | 'val_f1' | 'val_perplexity' | 'val_bleu' | 'val_mae' | 'val_rmse';
  minDelta: number;
  restoreBestWeights: boolean;
}
/**
 * When to write a resumable checkpoint (weights, optimizer state, RNG state, data position).
 */
export interface CheckpointSpec {
  /**
   * Also checkpoint every this many optimizer steps.
   */
  everySteps?: number;
  /**
   * Checkpoints are always written at epoch ends: false is refused.
   */
  atEpochEnd: boolean;
  /**
   * How many checkpoints to keep: one (the last) is supported.
   */
  keep: number;
}
/**
 * Translation: probability of feeding the true previous token (rather than the model's own) to the decoder.
 */
export interface TeacherForcingSpec {
  ratio: number;
  schedule?: TeacherForcingScheduleSpec;
}
/**
 * Scheduled sampling (Bengio et al. 2015): the ratio decays with the step (or epoch) i from `ratio`. linear: max(minRatio, ratio - decay * i); exponential: ratio * k^i; inverse-sigmoid: ratio * k / (k + exp(i / k)).
 */
export interface TeacherForcingScheduleSpec {
  type: 'constant' | 'linear' | 'exponential' | 'inverse-sigmoid';
  per: 'step' | 'epoch';
  /**
   * linear: amount removed per step or epoch.
   */
  decay?: number;
  /**
   * exponential: factor in (0, 1); inverse-sigmoid: k >= 1 (larger decays later).
   */
  k?: number;
  minRatio: number;
}
export interface GreedyDecodingSpec {
  strategy: 'greedy';
  maxLength: MaxLength;
  repetitionPenalty?: RepetitionPenalty;
  stop?: StopStrings;
}
export interface SampleDecodingSpec {
  strategy: 'sample';
  maxLength: MaxLength1;
  /**
   * Divides the logits before the softmax: below 1 sharper, above 1 flatter.
   */
  temperature: number;
  /**
   * Sample among the k most probable tokens.
   */
  topK?: number;
  /**
   * Nucleus sampling: among the smallest set of tokens whose probability reaches p, in (0, 1].
   */
  topP?: number;
  /**
   * Makes sampling reproducible: the same seed gives the same tokens on every backend (absent: a fresh seed each time).
   */
  seed?: number;
  repetitionPenalty?: RepetitionPenalty;
  stop?: StopStrings;
}
export interface BeamDecodingSpec {
  strategy: 'beam';
  maxLength: MaxLength2;
  /**
   * Hypotheses kept at each step; finished ones keep their place, so width 1 is greedy.
   */
  beamWidth: number;
  /**
   * Scores are divided by length^lengthPenalty: 0 favours short outputs, larger values longer ones.
   */
  lengthPenalty: number;
  /**
   * Hypotheses returned, best first (absent: 1); at most beamWidth.
   */
  nBest?: number;
  repetitionPenalty?: RepetitionPenalty;
  stop?: StopStrings;
}

// ModelSpecInput: a spec as users write it (defaults optional).

/**
 * What the model is for: classification (text -> label), generation (language model), translation (seq2seq), forecasting (time series), tagging (a label per token), feature-extraction (the layers' own output and final states, no head: features for other models, and PyTorch layer parity).
 */
export type TaskInput =
  | 'classification'
  | 'generation'
  | 'translation'
  | 'forecasting'
  | 'tagging'
  | 'feature-extraction';
export type LayerSpecInput =
  | EmbeddingLayerSpecInput
  | RnnLayerSpecInput
  | LstmLayerSpecInput
  | GruLayerSpecInput
  | DropoutLayerSpecInput
  | DenseLayerSpecInput
  | PoolLayerSpecInput
  | LayerNormLayerSpecInput;
/**
 * Name of the layer; its parameters are named '<name>.<param>' (e.g. 'lstm.weight_ih_l0'). Defaults to the layer type, numbered when repeated.
 */
export type LayerNameInput = string;
/**
 * pytorch-default: U(-1/sqrt(H), 1/sqrt(H)) for recurrent layers and PyTorch's nn.Linear / nn.Embedding defaults elsewhere; xavier-* (Glorot); kaiming-* (He, fan_in, ReLU gain); orthogonal (gain 1); normal: N(0, 1).
 */
export type InitializerInput =
  | 'pytorch-default'
  | 'xavier-uniform'
  | 'xavier-normal'
  | 'kaiming-uniform'
  | 'kaiming-normal'
  | 'orthogonal'
  | 'normal'
  | 'zeros'
  | 'ones';
/**
 * Features in the hidden state h.
 */
export type HiddenSizeInput = number;
/**
 * Stacked recurrent layers; each takes the previous one's output sequence.
 */
export type NumLayersInput = number;
/**
 * Run a second pass right to left and concatenate both directions' outputs (size 2 x hiddenSize).
 */
export type BidirectionalInput = boolean;
/**
 * Dropout on the outputs of each stacked layer except the last, as PyTorch (needs numLayers >= 2).
 */
export type RecurrentDropoutInput = number;
/**
 * Use bias_ih and bias_hh.
 */
export type BiasInput = boolean;
/**
 * true: output every step [B, T, D x H]; false: output the final hidden state of the top layer (both directions concatenated) [B, D x H].
 */
export type ReturnSequencesInput = boolean;
/**
 * pytorch-default: U(-1/sqrt(H), 1/sqrt(H)) for recurrent layers and PyTorch's nn.Linear / nn.Embedding defaults elsewhere; xavier-* (Glorot); kaiming-* (He, fan_in, ReLU gain); orthogonal (gain 1); normal: N(0, 1).
 */
export type InitializerInput1 =
  | 'pytorch-default'
  | 'xavier-uniform'
  | 'xavier-normal'
  | 'kaiming-uniform'
  | 'kaiming-normal'
  | 'orthogonal'
  | 'normal'
  | 'zeros'
  | 'ones';
/**
 * pytorch-default: U(-1/sqrt(H), 1/sqrt(H)) for recurrent layers and PyTorch's nn.Linear / nn.Embedding defaults elsewhere; xavier-* (Glorot); kaiming-* (He, fan_in, ReLU gain); orthogonal (gain 1); normal: N(0, 1).
 */
export type InitializerInput2 =
  | 'pytorch-default'
  | 'xavier-uniform'
  | 'xavier-normal'
  | 'kaiming-uniform'
  | 'kaiming-normal'
  | 'orthogonal'
  | 'normal'
  | 'zeros'
  | 'ones';
/**
 * pytorch-default: U(-1/sqrt(H), 1/sqrt(H)) for recurrent layers and PyTorch's nn.Linear / nn.Embedding defaults elsewhere; xavier-* (Glorot); kaiming-* (He, fan_in, ReLU gain); orthogonal (gain 1); normal: N(0, 1).
 */
export type InitializerInput3 =
  | 'pytorch-default'
  | 'xavier-uniform'
  | 'xavier-normal'
  | 'kaiming-uniform'
  | 'kaiming-normal'
  | 'orthogonal'
  | 'normal'
  | 'zeros'
  | 'ones';
/**
 * Stacked recurrent layers; each takes the previous one's output sequence.
 */
export type NumLayersInput1 = number;
/**
 * Run a second pass right to left and concatenate both directions' outputs (size 2 x hiddenSize).
 */
export type BidirectionalInput1 = boolean;
/**
 * Dropout on the outputs of each stacked layer except the last, as PyTorch (needs numLayers >= 2).
 */
export type RecurrentDropoutInput1 = number;
/**
 * Use bias_ih and bias_hh.
 */
export type BiasInput1 = boolean;
/**
 * true: output every step [B, T, D x H]; false: output the final hidden state of the top layer (both directions concatenated) [B, D x H].
 */
export type ReturnSequencesInput1 = boolean;
/**
 * pytorch-default: U(-1/sqrt(H), 1/sqrt(H)) for recurrent layers and PyTorch's nn.Linear / nn.Embedding defaults elsewhere; xavier-* (Glorot); kaiming-* (He, fan_in, ReLU gain); orthogonal (gain 1); normal: N(0, 1).
 */
export type InitializerInput4 =
  | 'pytorch-default'
  | 'xavier-uniform'
  | 'xavier-normal'
  | 'kaiming-uniform'
  | 'kaiming-normal'
  | 'orthogonal'
  | 'normal'
  | 'zeros'
  | 'ones';
/**
 * pytorch-default: U(-1/sqrt(H), 1/sqrt(H)) for recurrent layers and PyTorch's nn.Linear / nn.Embedding defaults elsewhere; xavier-* (Glorot); kaiming-* (He, fan_in, ReLU gain); orthogonal (gain 1); normal: N(0, 1).
 */
export type InitializerInput5 =
  | 'pytorch-default'
  | 'xavier-uniform'
  | 'xavier-normal'
  | 'kaiming-uniform'
  | 'kaiming-normal'
  | 'orthogonal'
  | 'normal'
  | 'zeros'
  | 'ones';
/**
 * pytorch-default: U(-1/sqrt(H), 1/sqrt(H)) for recurrent layers and PyTorch's nn.Linear / nn.Embedding defaults elsewhere; xavier-* (Glorot); kaiming-* (He, fan_in, ReLU gain); orthogonal (gain 1); normal: N(0, 1).
 */
export type InitializerInput6 =
  | 'pytorch-default'
  | 'xavier-uniform'
  | 'xavier-normal'
  | 'kaiming-uniform'
  | 'kaiming-normal'
  | 'orthogonal'
  | 'normal'
  | 'zeros'
  | 'ones';
/**
 * Stacked recurrent layers; each takes the previous one's output sequence.
 */
export type NumLayersInput2 = number;
/**
 * Run a second pass right to left and concatenate both directions' outputs (size 2 x hiddenSize).
 */
export type BidirectionalInput2 = boolean;
/**
 * Dropout on the outputs of each stacked layer except the last, as PyTorch (needs numLayers >= 2).
 */
export type RecurrentDropoutInput2 = number;
/**
 * Use bias_ih and bias_hh.
 */
export type BiasInput2 = boolean;
/**
 * true: output every step [B, T, D x H]; false: output the final hidden state of the top layer (both directions concatenated) [B, D x H].
 */
export type ReturnSequencesInput2 = boolean;
/**
 * pytorch-default: U(-1/sqrt(H), 1/sqrt(H)) for recurrent layers and PyTorch's nn.Linear / nn.Embedding defaults elsewhere; xavier-* (Glorot); kaiming-* (He, fan_in, ReLU gain); orthogonal (gain 1); normal: N(0, 1).
 */
export type InitializerInput7 =
  | 'pytorch-default'
  | 'xavier-uniform'
  | 'xavier-normal'
  | 'kaiming-uniform'
  | 'kaiming-normal'
  | 'orthogonal'
  | 'normal'
  | 'zeros'
  | 'ones';
export type OptimizerSpecInput =
  | AdamOptimizerSpecInput
  | AdamwOptimizerSpecInput
  | SgdOptimizerSpecInput
  | RmspropOptimizerSpecInput;
/**
 * Learning rate.
 */
export type LearningRateInput = number;
/**
 * Decay rates of the first and second moment estimates.
 *
 * @minItems 2
 * @maxItems 2
 */
export type BetasInput = [number, number];
export type EpsilonInput = number;
export type WeightDecayInput = number;
/**
 * Learning rate.
 */
export type LearningRateInput1 = number;
/**
 * Decay rates of the first and second moment estimates.
 *
 * @minItems 2
 * @maxItems 2
 */
export type BetasInput1 = [number, number];
export type EpsilonInput1 = number;
export type WeightDecayInput1 = number;
/**
 * Learning rate.
 */
export type LearningRateInput2 = number;
export type WeightDecayInput2 = number;
/**
 * Learning rate.
 */
export type LearningRateInput3 = number;
export type EpsilonInput2 = number;
export type WeightDecayInput3 = number;
export type LrScheduleSpecInput =
  | ConstantLrSpecInput
  | StepLrSpecInput
  | ExponentialLrSpecInput
  | CosineLrSpecInput
  | LinearWarmupLrSpecInput
  | ReduceOnPlateauLrSpecInput;
/**
 * Generation and translation: how tokens are chosen.
 */
export type DecodingSpecInput =
  GreedyDecodingSpecInput | SampleDecodingSpecInput | BeamDecodingSpecInput;
/**
 * Most new tokens generated; an end token or a stop sequence counts among them.
 */
export type MaxLengthInput = number;
/**
 * Hugging Face's repetition penalty (1 or absent: none): the logit of every token already in the prompt or output is divided by it when positive, multiplied by it otherwise.
 */
export type RepetitionPenaltyInput = number;
/**
 * The output ends when it ends with one of these texts (left out of the output).
 */
export type StopStringsInput = string[];
/**
 * Most new tokens generated; an end token or a stop sequence counts among them.
 */
export type MaxLengthInput1 = number;
/**
 * Most new tokens generated; an end token or a stop sequence counts among them.
 */
export type MaxLengthInput2 = number;

/**
 * A Recurrent model spec: what the model consumes, its layers, its task, how it trains and how it decodes.
 */
export interface ModelSpecInput {
  /**
   * Path or URL of this schema, for editors.
   */
  $schema?: string;
  /**
   * Version of the spec format. This schema describes version 1.
   */
  version: 1;
  /**
   * Model name: letters, digits, '.', '_' and '-', starting with a letter or digit.
   */
  name: string;
  /**
   * Free text for people.
   */
  description?: string;
  task: TaskInput;
  input?: InputSpecInput;
  target?: TextInputSpecInput;
  /**
   * Classification and tagging: a fixed label set, in output order. When absent, labels are collected from the training data and sorted.
   *
   * @minItems 1
   */
  labels?: [string, ...string[]];
  /**
   * The model body, applied in order. For every task but feature-extraction the last layer is the output head: a dense layer whose units may be "auto" (number of classes, vocabulary size, tags or horizon x targets).
   *
   * @minItems 1
   */
  layers?: [LayerSpecInput, ...LayerSpecInput[]];
  encoder?: EncoderSpecInput;
  decoder?: DecoderSpecInput;
  forecasting?: ForecastingSpecInput;
  tagging?: TaggingSpecInput;
  training: TrainingSpecInput;
  decoding?: DecodingSpecInput;
}
/**
 * What the model consumes: text through a tokenizer, or real-valued vectors of `features` numbers per time step.
 */
export interface InputSpecInput {
  tokenizer?: TokenizerSpecInput;
  vocabulary?: VocabularySpecInput;
  /**
   * Longest sequence fed to the model, in tokens or steps; longer inputs are truncated.
   */
  maxLength?: number;
  /**
   * Numeric input: the number of real values per time step (no tokenizer).
   */
  features?: number;
}
export interface TokenizerSpecInput {
  /**
   * char: one token per Unicode code point; word: words split on whitespace (and punctuation if asked).
   */
  type: 'char' | 'word';
  /**
   * Lowercase text before tokenizing.
   */
  lowercase?: boolean;
  /**
   * Unicode normalization applied before tokenizing. ascii: NFD with combining marks removed and any other non-ASCII character replaced by a space (é -> e), as the PyTorch translation tutorial's unicodeToAscii does.
   */
  normalize?: 'none' | 'NFC' | 'NFKC' | 'ascii';
  /**
   * Word tokenizer: make punctuation marks separate tokens.
   */
  splitPunctuation?: boolean;
  /**
   * Word tokenizer: basic (whitespace, then punctuation if splitPunctuation) or treebank (Penn Treebank conventions, as SST and the PTB are tokenized: don't -> do n't, it's -> it 's, hyphenated words and numbers whole, double quotes as `` and '').
   */
  rules?: 'basic' | 'treebank';
  /**
   * Replace every character that is not a letter or one of . ! ? with a space, after lowercasing and normalization (with normalize "ascii" this is the PyTorch translation tutorial's normalizeString: lower case, ASCII letters and .!? only).
   */
  lettersOnly?: boolean;
}
/**
 * Limits on the vocabulary built from the training corpus. Special tokens have fixed ids: pad 0, unk 1, bos 2, eos 3.
 */
export interface VocabularySpecInput {
  /**
   * Largest vocabulary, special tokens included; the most frequent tokens are kept.
   */
  maxSize?: number;
  /**
   * Tokens seen fewer times than this map to unk.
   */
  minFrequency?: number;
}
/**
 * Translation only: how target-language text is tokenized.
 */
export interface TextInputSpecInput {
  tokenizer: TokenizerSpecInput;
  vocabulary?: VocabularySpecInput;
  /**
   * Longest sequence in tokens.
   */
  maxLength?: number;
}
/**
 * Token ids -> vectors. Must be the first layer, over text input.
 */
export interface EmbeddingLayerSpecInput {
  type: 'embedding';
  name?: LayerNameInput;
  /**
   * Size of each token vector.
   */
  embeddingDim: number;
  /**
   * Rows of the table. Defaults to the vocabulary size; set it to import a PyTorch model with a fixed vocabulary.
   */
  numEmbeddings?: number;
  /**
   * Row that stays zero and gets no gradient, as PyTorch's padding_idx. Defaults to the pad token's id 0; null for none.
   */
  paddingIdx?: number | null;
  /**
   * Row of the unknown token, which starts at zero (and trains when unk occurs in training). A vocabulary built from the training data holds every training token, so unk never trains: a random row would add noise wherever unseen words appear at prediction time. Defaults to the unk token's id 1; null initializes it like the other rows.
   */
  unknownIdx?: number | null;
  /**
   * Training only: each token (padding aside) is replaced by the unknown token (unknownIdx) with this probability, so the model learns what to make of words it has not seen, as it will meet them in new text (word dropout, Iyyer et al. 2015).
   */
  wordDropout?: number;
  characters?: CharacterEncoderSpecInput;
  init?: InitializerInput;
  /**
   * false freezes the table (e.g. pretrained vectors).
   */
  trainable?: boolean;
}
/**
 * Tagging only: a character-level encoder of each word (Lample et al. 2016). The word's characters, as written in the data (before the tokenizer lowercases), are embedded and read by a recurrent layer; its final states (both directions) are concatenated to the word's vector, so an unknown word still gets a vector from its spelling. The embedding layer then outputs embeddingDim + directions x hiddenSize per token.
 */
export interface CharacterEncoderSpecInput {
  /**
   * Size of each character vector.
   */
  embeddingDim?: number;
  /**
   * Hidden size of the character recurrent layer, per direction.
   */
  hiddenSize?: number;
  /**
   * Recurrent cell over the characters (rnn: tanh).
   */
  cell?: 'lstm' | 'gru' | 'rnn';
  /**
   * Read each word both ways (the backward direction's final state sees the prefix last).
   */
  bidirectional?: boolean;
  /**
   * Characters read per word: a longer word is read as its first ceil(maxLength/2) and last floor(maxLength/2) characters, where prefixes and suffixes carry what spelling says about a word.
   */
  maxLength?: number;
  /**
   * Characters seen fewer times in the training words read as the unknown character.
   */
  minFrequency?: number;
}
/**
 * Elman RNN, as torch.nn.RNN: h' = act(W_ih x + b_ih + W_hh h + b_hh).
 */
export interface RnnLayerSpecInput {
  type: 'rnn';
  name?: LayerNameInput;
  hiddenSize: HiddenSizeInput;
  nonlinearity?: 'tanh' | 'relu';
  numLayers?: NumLayersInput;
  bidirectional?: BidirectionalInput;
  dropout?: RecurrentDropoutInput;
  bias?: BiasInput;
  returnSequences?: ReturnSequencesInput;
  init?: RecurrentInitSpecInput;
}
export interface RecurrentInitSpecInput {
  weightIh?: InitializerInput1;
  weightHh?: InitializerInput2;
  bias?: InitializerInput3;
}
/**
 * LSTM, as torch.nn.LSTM (gate rows i, f, g, o).
 */
export interface LstmLayerSpecInput {
  type: 'lstm';
  name?: LayerNameInput;
  hiddenSize: HiddenSizeInput;
  numLayers?: NumLayersInput1;
  bidirectional?: BidirectionalInput1;
  dropout?: RecurrentDropoutInput1;
  bias?: BiasInput1;
  returnSequences?: ReturnSequencesInput1;
  init?: LstmInitSpecInput;
}
export interface LstmInitSpecInput {
  weightIh?: InitializerInput4;
  weightHh?: InitializerInput5;
  bias?: InitializerInput6;
  /**
   * If set, the forget-gate rows of bias_ih are set to this value and those of bias_hh to 0 (Keras unit_forget_bias is 1).
   */
  forgetGateBias?: number;
}
/**
 * GRU, as torch.nn.GRU (gate rows r, z, n; n = tanh(W_in x + b_in + r * (W_hn h + b_hn))).
 */
export interface GruLayerSpecInput {
  type: 'gru';
  name?: LayerNameInput;
  hiddenSize: HiddenSizeInput;
  numLayers?: NumLayersInput2;
  bidirectional?: BidirectionalInput2;
  dropout?: RecurrentDropoutInput2;
  bias?: BiasInput2;
  returnSequences?: ReturnSequencesInput2;
  init?: RecurrentInitSpecInput;
}
/**
 * Zeroes each value with probability rate during training and scales the rest by 1/(1-rate).
 */
export interface DropoutLayerSpecInput {
  type: 'dropout';
  name?: LayerNameInput;
  rate: number;
}
/**
 * Fully connected layer (torch.nn.Linear) applied to a vector or to every step of a sequence.
 */
export interface DenseLayerSpecInput {
  type: 'dense';
  name?: LayerNameInput;
  /**
   * Output size, or "auto" on the output head: classes, vocabulary size, tags, or horizon x targets.
   */
  units: number | 'auto';
  /**
   * The output head stays linear: losses take logits.
   */
  activation?: 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'gelu';
  bias?: boolean;
  init?: InitializerInput7;
}
/**
 * Sequence [B, T, F] -> vector [B, F], respecting each row's length.
 */
export interface PoolLayerSpecInput {
  type: 'pool';
  name?: LayerNameInput;
  /**
   * last: the output at each row's last real step; mean / max over real steps; attention: a learned weighted sum.
   */
  mode: 'last' | 'mean' | 'max' | 'attention';
  /**
   * mode attention: size of the additive scoring layer (default: the input size).
   */
  attentionSize?: number;
}
/**
 * Layer normalization over the last axis, as torch.nn.LayerNorm.
 */
export interface LayerNormLayerSpecInput {
  type: 'layer-norm';
  name?: LayerNameInput;
  eps?: number;
}
/**
 * Translation: reads the source sentence. Its layers start with an embedding.
 */
export interface EncoderSpecInput {
  /**
   * @minItems 1
   */
  layers: [LayerSpecInput, ...LayerSpecInput[]];
}
/**
 * Translation: writes the target sentence one token at a time. Its layers start with an embedding; the output projection to the target vocabulary is added automatically.
 */
export interface DecoderSpecInput {
  /**
   * @minItems 1
   */
  layers: [LayerSpecInput, ...LayerSpecInput[]];
  attention?: AttentionSpecInput;
  /**
   * Luong input feeding: concatenate the previous attentional vector to the next input (needs attention combine "output").
   */
  inputFeeding?: boolean;
  /**
   * How the decoder's initial state comes from the encoder's final states. copy: the final state of the encoder's top layers, directions concatenated (a bidirectional encoder's 2 x hidden must equal the decoder's hidden; a GRU or RNN encoder gives an LSTM decoder zero cell states); dense: tanh(Linear(final state)) per decoder layer (any sizes); zeros: start from zeros.
   */
  bridge?: 'copy' | 'dense' | 'zeros';
}
export interface AttentionSpecInput {
  /**
   * bahdanau: additive, v^T tanh(W q + U k); luong-dot: q . k; luong-general: q^T W k; luong-concat: v^T tanh(W [q; k]).
   */
  type: 'none' | 'bahdanau' | 'luong-dot' | 'luong-general' | 'luong-concat';
  /**
   * bahdanau and luong-concat: size of the scoring layer (default: the decoder's hidden size).
   */
  size?: number;
  /**
   * Where the context enters the decoder. input (Bahdanau, the PyTorch tutorial): the previous hidden state queries the source and the context is concatenated to the step's input embedding; output (Luong): the step's new hidden state queries the source and tanh(W_c [context; hidden]) feeds the output projection. Default: input for bahdanau, output for the luong types.
   */
  combine?: 'input' | 'output';
}
/**
 * Time-series forecasting: sliding windows over numeric columns.
 */
export interface ForecastingSpecInput {
  /**
   * Past steps the model sees.
   */
  window: number;
  /**
   * Future steps it predicts.
   */
  horizon?: number;
  /**
   * Input columns, by name, in the order the model reads them. Default: every value column of the training data (all but the date column), resolved at the first training and saved with the model.
   *
   * @minItems 1
   */
  features?: [string, ...string[]];
  /**
   * Columns to predict; each must be one of the features. Default: all features.
   *
   * @minItems 1
   */
  targets?: [string, ...string[]];
  /**
   * Per-column scaling, fitted on the training rows only (after differencing) and saved with the model: standard (mean 0, standard deviation 1), minmax (to [0, 1]) or none.
   */
  scaling?: 'standard' | 'minmax' | 'none';
  /**
   * Differencing of the target columns before scaling, undone on every forecast: first (y[t] - y[t-1]), seasonal (y[t] - y[t-season]), or first then seasonal. Other feature columns are read as given.
   */
  differencing?: 'none' | 'first' | 'seasonal' | 'first-and-seasonal';
  /**
   * The seasonal period in steps (12 for monthly data with a yearly cycle, 7 for a weekly cycle in daily data): used by seasonal differencing and by the seasonal-naive baseline of evaluation.
   */
  season?: number;
  /**
   * Multi-step forecasts: direct (the head outputs all horizon steps at once: horizon x targets units) or recursive (the head outputs one step, fed back as the next input for each further step; every feature must then be a target).
   */
  strategy?: 'direct' | 'recursive';
}
/**
 * Tagging only: how the head's scores for each token become tags.
 */
export interface TaggingSpecInput {
  /**
   * softmax: each token's tag on its own (cross-entropy per token, padding masked out). crf: a linear-chain conditional random field over the head's scores (its emission scores) with learned transition, start and end scores (parameters crf.transitions, crf.start_transitions, crf.end_transitions, as pytorch-crf names them), trained on each sentence's negative log-likelihood (forward algorithm, per token) and decoded with Viterbi (Lample et al. 2016).
   */
  output?: 'softmax' | 'crf';
  /**
   * CRF only: transitions the tag scheme forbids are never scored or decoded. bio (IOB2): I-X only after B-X or I-X, never first. bioes: also E-X ends and S-X is a single-token span (B-X then I-X/E-X, I-X then I-X/E-X; after O, E-X or S-X only O, B-Y or S-Y). Every tag must then be O or a scheme prefix, '-' and a type; training data that breaks the scheme is refused with the sentence named.
   */
  constraints?: 'none' | 'bio' | 'bioes';
}
export interface TrainingSpecInput {
  epochs?: number;
  batchSize?: number;
  optimizer: OptimizerSpecInput;
  lrSchedule?: LrScheduleSpecInput;
  /**
   * Defaults by task: cross-entropy (bce-with-logits for a 1-unit classification head: one logit for the second of two sorted labels, as PyTorch's BCEWithLogitsLoss), mse for forecasting. nll is refused: output heads give logits, and cross-entropy is nll of their log-softmax.
   */
  loss?: 'cross-entropy' | 'nll' | 'bce-with-logits' | 'mse' | 'mae' | 'huber';
  labelSmoothing?: number;
  /**
   * Clip the global gradient norm to this value (torch.nn.utils.clip_grad_norm_).
   */
  clipNorm?: number;
  /**
   * Clip every gradient value to [-clipValue, clipValue].
   */
  clipValue?: number;
  /**
   * Batches whose gradients are summed before each optimizer step.
   */
  gradientAccumulation?: number;
  /**
   * Truncated BPTT inside each batch: chunks of this many steps, the state carried between them. No task trains this way today: generation trains on streams in chunks of input.maxLength tokens (its truncated-BPTT length), the state carried from batch to batch, and refuses this setting saying so.
   */
  truncatedBptt?: number;
  earlyStopping?: EarlyStoppingSpecInput;
  /**
   * Seeds initialization, shuffling and dropout: same seed and backend give the same weights.
   */
  seed?: number;
  checkpoint?: CheckpointSpecInput;
  teacherForcing?: TeacherForcingSpecInput;
}
/**
 * torch.optim.Adam (weight decay added to the gradient).
 */
export interface AdamOptimizerSpecInput {
  type: 'adam';
  lr?: LearningRateInput;
  betas?: BetasInput;
  eps?: EpsilonInput;
  weightDecay?: WeightDecayInput;
  amsgrad?: boolean;
}
/**
 * torch.optim.AdamW (decoupled weight decay).
 */
export interface AdamwOptimizerSpecInput {
  type: 'adamw';
  lr?: LearningRateInput1;
  betas?: BetasInput1;
  eps?: EpsilonInput1;
  weightDecay?: WeightDecayInput1;
  amsgrad?: boolean;
}
/**
 * torch.optim.SGD.
 */
export interface SgdOptimizerSpecInput {
  type: 'sgd';
  lr: LearningRateInput2;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: WeightDecayInput2;
}
/**
 * torch.optim.RMSprop.
 */
export interface RmspropOptimizerSpecInput {
  type: 'rmsprop';
  lr?: LearningRateInput3;
  alpha?: number;
  eps?: EpsilonInput2;
  momentum?: number;
  centered?: boolean;
  weightDecay?: WeightDecayInput3;
}
export interface ConstantLrSpecInput {
  type: 'constant';
}
/**
 * Multiply the rate by gamma every stepSize epochs (torch StepLR).
 */
export interface StepLrSpecInput {
  type: 'step';
  stepSize: number;
  gamma?: number;
}
/**
 * Multiply the rate by gamma every epoch (torch ExponentialLR).
 */
export interface ExponentialLrSpecInput {
  type: 'exponential';
  gamma: number;
}
/**
 * Cosine decay from the base rate to minLr over the training steps, after an optional linear warmup.
 */
export interface CosineLrSpecInput {
  type: 'cosine';
  warmupSteps?: number;
  minLr?: number;
}
/**
 * Rise linearly from 0 to the base rate over warmupSteps, then stay.
 */
export interface LinearWarmupLrSpecInput {
  type: 'linear-warmup';
  warmupSteps: number;
}
/**
 * Multiply the rate by factor when the validation loss has not improved for patience epochs (torch ReduceLROnPlateau).
 */
export interface ReduceOnPlateauLrSpecInput {
  type: 'reduce-on-plateau';
  factor?: number;
  patience?: number;
  threshold?: number;
  minLr?: number;
}
/**
 * Stop when the monitored validation metric has not improved for patience epochs.
 */
export interface EarlyStoppingSpecInput {
  patience: number;
  monitor?:
    'val_loss' | 'val_accuracy' | 'val_f1' | 'val_perplexity' | 'val_bleu' | 'val_mae' | 'val_rmse';
  minDelta?: number;
  restoreBestWeights?: boolean;
}
/**
 * When to write a resumable checkpoint (weights, optimizer state, RNG state, data position).
 */
export interface CheckpointSpecInput {
  /**
   * Also checkpoint every this many optimizer steps.
   */
  everySteps?: number;
  /**
   * Checkpoints are always written at epoch ends: false is refused.
   */
  atEpochEnd?: boolean;
  /**
   * How many checkpoints to keep: one (the last) is supported.
   */
  keep?: number;
}
/**
 * Translation: probability of feeding the true previous token (rather than the model's own) to the decoder.
 */
export interface TeacherForcingSpecInput {
  ratio?: number;
  schedule?: TeacherForcingScheduleSpecInput;
}
/**
 * Scheduled sampling (Bengio et al. 2015): the ratio decays with the step (or epoch) i from `ratio`. linear: max(minRatio, ratio - decay * i); exponential: ratio * k^i; inverse-sigmoid: ratio * k / (k + exp(i / k)).
 */
export interface TeacherForcingScheduleSpecInput {
  type: 'constant' | 'linear' | 'exponential' | 'inverse-sigmoid';
  per?: 'step' | 'epoch';
  /**
   * linear: amount removed per step or epoch.
   */
  decay?: number;
  /**
   * exponential: factor in (0, 1); inverse-sigmoid: k >= 1 (larger decays later).
   */
  k?: number;
  minRatio?: number;
}
export interface GreedyDecodingSpecInput {
  strategy: 'greedy';
  maxLength?: MaxLengthInput;
  repetitionPenalty?: RepetitionPenaltyInput;
  stop?: StopStringsInput;
}
export interface SampleDecodingSpecInput {
  strategy: 'sample';
  maxLength?: MaxLengthInput1;
  /**
   * Divides the logits before the softmax: below 1 sharper, above 1 flatter.
   */
  temperature?: number;
  /**
   * Sample among the k most probable tokens.
   */
  topK?: number;
  /**
   * Nucleus sampling: among the smallest set of tokens whose probability reaches p, in (0, 1].
   */
  topP?: number;
  /**
   * Makes sampling reproducible: the same seed gives the same tokens on every backend (absent: a fresh seed each time).
   */
  seed?: number;
  repetitionPenalty?: RepetitionPenaltyInput;
  stop?: StopStringsInput;
}
export interface BeamDecodingSpecInput {
  strategy: 'beam';
  maxLength?: MaxLengthInput2;
  /**
   * Hypotheses kept at each step; finished ones keep their place, so width 1 is greedy.
   */
  beamWidth?: number;
  /**
   * Scores are divided by length^lengthPenalty: 0 favours short outputs, larger values longer ones.
   */
  lengthPenalty?: number;
  /**
   * Hypotheses returned, best first (absent: 1); at most beamWidth.
   */
  nBest?: number;
  repetitionPenalty?: RepetitionPenaltyInput;
  stop?: StopStringsInput;
}
