// Generated from specs/model.schema.json by `pnpm codegen`. Do not edit.

/** The model-spec JSON Schema (2020-12), as in specs/model.schema.json. */
export const modelSchema: Record<string, unknown> = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://recurrent.dev/schema/model.schema.json",
  "title": "ModelSpec",
  "description": "A Recurrent model spec: what the model consumes, its layers, its task, how it trains and how it decodes.",
  "type": "object",
  "properties": {
    "$schema": {
      "type": "string",
      "description": "Path or URL of this schema, for editors."
    },
    "version": {
      "const": 1,
      "description": "Version of the spec format. This schema describes version 1."
    },
    "name": {
      "type": "string",
      "minLength": 1,
      "maxLength": 128,
      "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$",
      "description": "Model name: letters, digits, '.', '_' and '-', starting with a letter or digit."
    },
    "description": {
      "type": "string",
      "description": "Free text for people."
    },
    "task": {
      "$ref": "#/$defs/task"
    },
    "input": {
      "$ref": "#/$defs/input"
    },
    "target": {
      "$ref": "#/$defs/textInput",
      "description": "Translation only: how target-language text is tokenized."
    },
    "labels": {
      "type": "array",
      "items": {
        "type": "string",
        "minLength": 1
      },
      "minItems": 1,
      "uniqueItems": true,
      "description": "Classification and tagging: a fixed label set, in output order. When absent, labels are collected from the training data and sorted."
    },
    "layers": {
      "type": "array",
      "items": {
        "$ref": "#/$defs/layer"
      },
      "minItems": 1,
      "description": "The model body, applied in order. For every task but feature-extraction the last layer is the output head: a dense layer whose units may be \"auto\" (number of classes, vocabulary size, tags or horizon x targets)."
    },
    "encoder": {
      "$ref": "#/$defs/encoder"
    },
    "decoder": {
      "$ref": "#/$defs/decoder"
    },
    "forecasting": {
      "$ref": "#/$defs/forecasting"
    },
    "tagging": {
      "$ref": "#/$defs/tagging"
    },
    "training": {
      "$ref": "#/$defs/training"
    },
    "decoding": {
      "$ref": "#/$defs/decoding"
    }
  },
  "required": [
    "version",
    "name",
    "task",
    "training"
  ],
  "additionalProperties": false,
  "allOf": [
    {
      "if": {
        "properties": {
          "task": {
            "const": "translation"
          }
        },
        "required": [
          "task"
        ]
      },
      "then": {
        "required": [
          "input",
          "target",
          "encoder",
          "decoder"
        ],
        "properties": {
          "layers": false,
          "forecasting": false,
          "labels": false
        }
      }
    },
    {
      "if": {
        "properties": {
          "task": {
            "enum": [
              "classification",
              "generation",
              "tagging",
              "feature-extraction"
            ]
          }
        },
        "required": [
          "task"
        ]
      },
      "then": {
        "required": [
          "input",
          "layers"
        ],
        "properties": {
          "encoder": false,
          "decoder": false,
          "forecasting": false,
          "target": false
        }
      }
    },
    {
      "if": {
        "properties": {
          "task": {
            "const": "forecasting"
          }
        },
        "required": [
          "task"
        ]
      },
      "then": {
        "required": [
          "forecasting",
          "layers"
        ],
        "properties": {
          "encoder": false,
          "decoder": false,
          "input": false,
          "target": false,
          "labels": false
        }
      }
    },
    {
      "if": {
        "properties": {
          "task": {
            "not": {
              "const": "tagging"
            }
          }
        },
        "required": [
          "task"
        ]
      },
      "then": {
        "properties": {
          "tagging": false
        }
      }
    }
  ],
  "$defs": {
    "task": {
      "enum": [
        "classification",
        "generation",
        "translation",
        "forecasting",
        "tagging",
        "feature-extraction"
      ],
      "description": "What the model is for: classification (text -> label), generation (language model), translation (seq2seq), forecasting (time series), tagging (a label per token), feature-extraction (the layers' own output and final states, no head: features for other models, and PyTorch layer parity)."
    },
    "input": {
      "title": "InputSpec",
      "description": "What the model consumes: text through a tokenizer, or real-valued vectors of `features` numbers per time step.",
      "type": "object",
      "properties": {
        "tokenizer": {
          "$ref": "#/$defs/tokenizer"
        },
        "vocabulary": {
          "$ref": "#/$defs/vocabulary"
        },
        "maxLength": {
          "type": "integer",
          "minimum": 1,
          "description": "Longest sequence fed to the model, in tokens or steps; longer inputs are truncated."
        },
        "features": {
          "type": "integer",
          "minimum": 1,
          "description": "Numeric input: the number of real values per time step (no tokenizer)."
        }
      },
      "additionalProperties": false,
      "if": {
        "required": [
          "features"
        ]
      },
      "then": {
        "properties": {
          "tokenizer": false,
          "vocabulary": false
        }
      },
      "else": {
        "required": [
          "tokenizer"
        ]
      }
    },
    "textInput": {
      "title": "TextInputSpec",
      "type": "object",
      "properties": {
        "tokenizer": {
          "$ref": "#/$defs/tokenizer"
        },
        "vocabulary": {
          "$ref": "#/$defs/vocabulary"
        },
        "maxLength": {
          "type": "integer",
          "minimum": 1,
          "description": "Longest sequence in tokens."
        }
      },
      "required": [
        "tokenizer"
      ],
      "additionalProperties": false
    },
    "tokenizer": {
      "title": "TokenizerSpec",
      "type": "object",
      "properties": {
        "type": {
          "enum": [
            "char",
            "word"
          ],
          "description": "char: one token per Unicode code point; word: words split on whitespace (and punctuation if asked)."
        },
        "lowercase": {
          "type": "boolean",
          "default": false,
          "description": "Lowercase text before tokenizing."
        },
        "normalize": {
          "enum": [
            "none",
            "NFC",
            "NFKC",
            "ascii"
          ],
          "default": "NFC",
          "description": "Unicode normalization applied before tokenizing. ascii: NFD with combining marks removed and any other non-ASCII character replaced by a space (é -> e), as the PyTorch translation tutorial's unicodeToAscii does."
        },
        "splitPunctuation": {
          "type": "boolean",
          "default": true,
          "description": "Word tokenizer: make punctuation marks separate tokens."
        },
        "rules": {
          "enum": [
            "basic",
            "treebank"
          ],
          "default": "basic",
          "description": "Word tokenizer: basic (whitespace, then punctuation if splitPunctuation) or treebank (Penn Treebank conventions, as SST and the PTB are tokenized: don't -> do n't, it's -> it 's, hyphenated words and numbers whole, double quotes as `` and '')."
        },
        "lettersOnly": {
          "type": "boolean",
          "default": false,
          "description": "Replace every character that is not a letter or one of . ! ? with a space, after lowercasing and normalization (with normalize \"ascii\" this is the PyTorch translation tutorial's normalizeString: lower case, ASCII letters and .!? only)."
        }
      },
      "required": [
        "type"
      ],
      "additionalProperties": false
    },
    "vocabulary": {
      "title": "VocabularySpec",
      "description": "Limits on the vocabulary built from the training corpus. Special tokens have fixed ids: pad 0, unk 1, bos 2, eos 3.",
      "type": "object",
      "properties": {
        "maxSize": {
          "type": "integer",
          "minimum": 5,
          "description": "Largest vocabulary, special tokens included; the most frequent tokens are kept."
        },
        "minFrequency": {
          "type": "integer",
          "minimum": 1,
          "default": 1,
          "description": "Tokens seen fewer times than this map to unk."
        }
      },
      "additionalProperties": false
    },
    "layerName": {
      "type": "string",
      "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
      "description": "Name of the layer; its parameters are named '<name>.<param>' (e.g. 'lstm.weight_ih_l0'). Defaults to the layer type, numbered when repeated."
    },
    "layer": {
      "title": "LayerSpec",
      "type": "object",
      "required": [
        "type"
      ],
      "discriminator": {
        "propertyName": "type"
      },
      "oneOf": [
        {
          "$ref": "#/$defs/embeddingLayer"
        },
        {
          "$ref": "#/$defs/rnnLayer"
        },
        {
          "$ref": "#/$defs/lstmLayer"
        },
        {
          "$ref": "#/$defs/gruLayer"
        },
        {
          "$ref": "#/$defs/dropoutLayer"
        },
        {
          "$ref": "#/$defs/denseLayer"
        },
        {
          "$ref": "#/$defs/poolLayer"
        },
        {
          "$ref": "#/$defs/layerNormLayer"
        }
      ]
    },
    "initializer": {
      "enum": [
        "pytorch-default",
        "xavier-uniform",
        "xavier-normal",
        "kaiming-uniform",
        "kaiming-normal",
        "orthogonal",
        "normal",
        "zeros",
        "ones"
      ],
      "description": "pytorch-default: U(-1/sqrt(H), 1/sqrt(H)) for recurrent layers and PyTorch's nn.Linear / nn.Embedding defaults elsewhere; xavier-* (Glorot); kaiming-* (He, fan_in, ReLU gain); orthogonal (gain 1); normal: N(0, 1)."
    },
    "embeddingLayer": {
      "title": "EmbeddingLayerSpec",
      "type": "object",
      "description": "Token ids -> vectors. Must be the first layer, over text input.",
      "properties": {
        "type": {
          "const": "embedding"
        },
        "name": {
          "$ref": "#/$defs/layerName"
        },
        "embeddingDim": {
          "type": "integer",
          "minimum": 1,
          "description": "Size of each token vector."
        },
        "numEmbeddings": {
          "type": "integer",
          "minimum": 1,
          "description": "Rows of the table. Defaults to the vocabulary size; set it to import a PyTorch model with a fixed vocabulary."
        },
        "paddingIdx": {
          "type": [
            "integer",
            "null"
          ],
          "minimum": 0,
          "default": 0,
          "description": "Row that stays zero and gets no gradient, as PyTorch's padding_idx. Defaults to the pad token's id 0; null for none."
        },
        "unknownIdx": {
          "type": [
            "integer",
            "null"
          ],
          "minimum": 0,
          "default": 1,
          "description": "Row of the unknown token, which starts at zero (and trains when unk occurs in training). A vocabulary built from the training data holds every training token, so unk never trains: a random row would add noise wherever unseen words appear at prediction time. Defaults to the unk token's id 1; null initializes it like the other rows."
        },
        "wordDropout": {
          "type": "number",
          "minimum": 0,
          "exclusiveMaximum": 1,
          "default": 0,
          "description": "Training only: each token (padding aside) is replaced by the unknown token (unknownIdx) with this probability, so the model learns what to make of words it has not seen, as it will meet them in new text (word dropout, Iyyer et al. 2015)."
        },
        "characters": {
          "$ref": "#/$defs/characterEncoder"
        },
        "init": {
          "$ref": "#/$defs/initializer",
          "default": "pytorch-default"
        },
        "trainable": {
          "type": "boolean",
          "default": true,
          "description": "false freezes the table (e.g. pretrained vectors)."
        }
      },
      "required": [
        "type",
        "embeddingDim"
      ],
      "additionalProperties": false
    },
    "recurrentInit": {
      "title": "RecurrentInitSpec",
      "type": "object",
      "properties": {
        "weightIh": {
          "$ref": "#/$defs/initializer",
          "default": "pytorch-default"
        },
        "weightHh": {
          "$ref": "#/$defs/initializer",
          "default": "pytorch-default"
        },
        "bias": {
          "$ref": "#/$defs/initializer",
          "default": "pytorch-default"
        }
      },
      "additionalProperties": false
    },
    "lstmInit": {
      "title": "LstmInitSpec",
      "type": "object",
      "properties": {
        "weightIh": {
          "$ref": "#/$defs/initializer",
          "default": "pytorch-default"
        },
        "weightHh": {
          "$ref": "#/$defs/initializer",
          "default": "pytorch-default"
        },
        "bias": {
          "$ref": "#/$defs/initializer",
          "default": "pytorch-default"
        },
        "forgetGateBias": {
          "type": "number",
          "description": "If set, the forget-gate rows of bias_ih are set to this value and those of bias_hh to 0 (Keras unit_forget_bias is 1)."
        }
      },
      "additionalProperties": false
    },
    "hiddenSize": {
      "type": "integer",
      "minimum": 1,
      "description": "Features in the hidden state h."
    },
    "numLayers": {
      "type": "integer",
      "minimum": 1,
      "description": "Stacked recurrent layers; each takes the previous one's output sequence."
    },
    "bidirectional": {
      "type": "boolean",
      "description": "Run a second pass right to left and concatenate both directions' outputs (size 2 x hiddenSize)."
    },
    "recurrentDropout": {
      "type": "number",
      "minimum": 0,
      "exclusiveMaximum": 1,
      "description": "Dropout on the outputs of each stacked layer except the last, as PyTorch (needs numLayers >= 2)."
    },
    "bias": {
      "type": "boolean",
      "description": "Use bias_ih and bias_hh."
    },
    "returnSequences": {
      "type": "boolean",
      "description": "true: output every step [B, T, D x H]; false: output the final hidden state of the top layer (both directions concatenated) [B, D x H]."
    },
    "rnnLayer": {
      "title": "RnnLayerSpec",
      "type": "object",
      "description": "Elman RNN, as torch.nn.RNN: h' = act(W_ih x + b_ih + W_hh h + b_hh).",
      "properties": {
        "type": {
          "const": "rnn"
        },
        "name": {
          "$ref": "#/$defs/layerName"
        },
        "hiddenSize": {
          "$ref": "#/$defs/hiddenSize"
        },
        "nonlinearity": {
          "enum": [
            "tanh",
            "relu"
          ],
          "default": "tanh"
        },
        "numLayers": {
          "$ref": "#/$defs/numLayers",
          "default": 1
        },
        "bidirectional": {
          "$ref": "#/$defs/bidirectional",
          "default": false
        },
        "dropout": {
          "$ref": "#/$defs/recurrentDropout",
          "default": 0
        },
        "bias": {
          "$ref": "#/$defs/bias",
          "default": true
        },
        "returnSequences": {
          "$ref": "#/$defs/returnSequences",
          "default": true
        },
        "init": {
          "$ref": "#/$defs/recurrentInit"
        }
      },
      "required": [
        "type",
        "hiddenSize"
      ],
      "additionalProperties": false
    },
    "lstmLayer": {
      "title": "LstmLayerSpec",
      "type": "object",
      "description": "LSTM, as torch.nn.LSTM (gate rows i, f, g, o).",
      "properties": {
        "type": {
          "const": "lstm"
        },
        "name": {
          "$ref": "#/$defs/layerName"
        },
        "hiddenSize": {
          "$ref": "#/$defs/hiddenSize"
        },
        "numLayers": {
          "$ref": "#/$defs/numLayers",
          "default": 1
        },
        "bidirectional": {
          "$ref": "#/$defs/bidirectional",
          "default": false
        },
        "dropout": {
          "$ref": "#/$defs/recurrentDropout",
          "default": 0
        },
        "bias": {
          "$ref": "#/$defs/bias",
          "default": true
        },
        "returnSequences": {
          "$ref": "#/$defs/returnSequences",
          "default": true
        },
        "init": {
          "$ref": "#/$defs/lstmInit"
        }
      },
      "required": [
        "type",
        "hiddenSize"
      ],
      "additionalProperties": false
    },
    "gruLayer": {
      "title": "GruLayerSpec",
      "type": "object",
      "description": "GRU, as torch.nn.GRU (gate rows r, z, n; n = tanh(W_in x + b_in + r * (W_hn h + b_hn))).",
      "properties": {
        "type": {
          "const": "gru"
        },
        "name": {
          "$ref": "#/$defs/layerName"
        },
        "hiddenSize": {
          "$ref": "#/$defs/hiddenSize"
        },
        "numLayers": {
          "$ref": "#/$defs/numLayers",
          "default": 1
        },
        "bidirectional": {
          "$ref": "#/$defs/bidirectional",
          "default": false
        },
        "dropout": {
          "$ref": "#/$defs/recurrentDropout",
          "default": 0
        },
        "bias": {
          "$ref": "#/$defs/bias",
          "default": true
        },
        "returnSequences": {
          "$ref": "#/$defs/returnSequences",
          "default": true
        },
        "init": {
          "$ref": "#/$defs/recurrentInit"
        }
      },
      "required": [
        "type",
        "hiddenSize"
      ],
      "additionalProperties": false
    },
    "dropoutLayer": {
      "title": "DropoutLayerSpec",
      "type": "object",
      "description": "Zeroes each value with probability rate during training and scales the rest by 1/(1-rate).",
      "properties": {
        "type": {
          "const": "dropout"
        },
        "name": {
          "$ref": "#/$defs/layerName"
        },
        "rate": {
          "type": "number",
          "minimum": 0,
          "exclusiveMaximum": 1
        }
      },
      "required": [
        "type",
        "rate"
      ],
      "additionalProperties": false
    },
    "denseLayer": {
      "title": "DenseLayerSpec",
      "type": "object",
      "description": "Fully connected layer (torch.nn.Linear) applied to a vector or to every step of a sequence.",
      "properties": {
        "type": {
          "const": "dense"
        },
        "name": {
          "$ref": "#/$defs/layerName"
        },
        "units": {
          "anyOf": [
            {
              "type": "integer",
              "minimum": 1
            },
            {
              "const": "auto"
            }
          ],
          "description": "Output size, or \"auto\" on the output head: classes, vocabulary size, tags, or horizon x targets."
        },
        "activation": {
          "enum": [
            "linear",
            "relu",
            "tanh",
            "sigmoid",
            "gelu"
          ],
          "default": "linear",
          "description": "The output head stays linear: losses take logits."
        },
        "bias": {
          "type": "boolean",
          "default": true
        },
        "init": {
          "$ref": "#/$defs/initializer",
          "default": "pytorch-default"
        }
      },
      "required": [
        "type",
        "units"
      ],
      "additionalProperties": false
    },
    "poolLayer": {
      "title": "PoolLayerSpec",
      "type": "object",
      "description": "Sequence [B, T, F] -> vector [B, F], respecting each row's length.",
      "properties": {
        "type": {
          "const": "pool"
        },
        "name": {
          "$ref": "#/$defs/layerName"
        },
        "mode": {
          "enum": [
            "last",
            "mean",
            "max",
            "attention"
          ],
          "description": "last: the output at each row's last real step; mean / max over real steps; attention: a learned weighted sum."
        },
        "attentionSize": {
          "type": "integer",
          "minimum": 1,
          "description": "mode attention: size of the additive scoring layer (default: the input size)."
        }
      },
      "required": [
        "type",
        "mode"
      ],
      "additionalProperties": false
    },
    "layerNormLayer": {
      "title": "LayerNormLayerSpec",
      "type": "object",
      "description": "Layer normalization over the last axis, as torch.nn.LayerNorm.",
      "properties": {
        "type": {
          "const": "layer-norm"
        },
        "name": {
          "$ref": "#/$defs/layerName"
        },
        "eps": {
          "type": "number",
          "exclusiveMinimum": 0,
          "default": 0.00001
        }
      },
      "required": [
        "type"
      ],
      "additionalProperties": false
    },
    "encoder": {
      "title": "EncoderSpec",
      "description": "Translation: reads the source sentence. Its layers start with an embedding.",
      "type": "object",
      "properties": {
        "layers": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/layer"
          },
          "minItems": 1
        }
      },
      "required": [
        "layers"
      ],
      "additionalProperties": false
    },
    "decoder": {
      "title": "DecoderSpec",
      "description": "Translation: writes the target sentence one token at a time. Its layers start with an embedding; the output projection to the target vocabulary is added automatically.",
      "type": "object",
      "properties": {
        "layers": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/layer"
          },
          "minItems": 1
        },
        "attention": {
          "$ref": "#/$defs/attention"
        },
        "inputFeeding": {
          "type": "boolean",
          "default": false,
          "description": "Luong input feeding: concatenate the previous attentional vector to the next input (needs attention combine \"output\")."
        },
        "bridge": {
          "enum": [
            "copy",
            "dense",
            "zeros"
          ],
          "default": "copy",
          "description": "How the decoder's initial state comes from the encoder's final states. copy: the final state of the encoder's top layers, directions concatenated (a bidirectional encoder's 2 x hidden must equal the decoder's hidden; a GRU or RNN encoder gives an LSTM decoder zero cell states); dense: tanh(Linear(final state)) per decoder layer (any sizes); zeros: start from zeros."
        }
      },
      "required": [
        "layers"
      ],
      "additionalProperties": false
    },
    "attention": {
      "title": "AttentionSpec",
      "type": "object",
      "properties": {
        "type": {
          "enum": [
            "none",
            "bahdanau",
            "luong-dot",
            "luong-general",
            "luong-concat"
          ],
          "description": "bahdanau: additive, v^T tanh(W q + U k); luong-dot: q . k; luong-general: q^T W k; luong-concat: v^T tanh(W [q; k])."
        },
        "size": {
          "type": "integer",
          "minimum": 1,
          "description": "bahdanau and luong-concat: size of the scoring layer (default: the decoder's hidden size)."
        },
        "combine": {
          "enum": [
            "input",
            "output"
          ],
          "description": "Where the context enters the decoder. input (Bahdanau, the PyTorch tutorial): the previous hidden state queries the source and the context is concatenated to the step's input embedding; output (Luong): the step's new hidden state queries the source and tanh(W_c [context; hidden]) feeds the output projection. Default: input for bahdanau, output for the luong types."
        }
      },
      "required": [
        "type"
      ],
      "additionalProperties": false
    },
    "forecasting": {
      "title": "ForecastingSpec",
      "type": "object",
      "description": "Time-series forecasting: sliding windows over numeric columns.",
      "properties": {
        "window": {
          "type": "integer",
          "minimum": 1,
          "description": "Past steps the model sees."
        },
        "horizon": {
          "type": "integer",
          "minimum": 1,
          "default": 1,
          "description": "Future steps it predicts."
        },
        "features": {
          "type": "array",
          "items": {
            "type": "string",
            "minLength": 1
          },
          "minItems": 1,
          "uniqueItems": true,
          "description": "Input columns, by name, in the order the model reads them. Default: every value column of the training data (all but the date column), resolved at the first training and saved with the model."
        },
        "targets": {
          "type": "array",
          "items": {
            "type": "string",
            "minLength": 1
          },
          "minItems": 1,
          "uniqueItems": true,
          "description": "Columns to predict; each must be one of the features. Default: all features."
        },
        "scaling": {
          "enum": [
            "standard",
            "minmax",
            "none"
          ],
          "default": "standard",
          "description": "Per-column scaling, fitted on the training rows only (after differencing) and saved with the model: standard (mean 0, standard deviation 1), minmax (to [0, 1]) or none."
        },
        "differencing": {
          "enum": [
            "none",
            "first",
            "seasonal",
            "first-and-seasonal"
          ],
          "default": "none",
          "description": "Differencing of the target columns before scaling, undone on every forecast: first (y[t] - y[t-1]), seasonal (y[t] - y[t-season]), or first then seasonal. Other feature columns are read as given."
        },
        "season": {
          "type": "integer",
          "minimum": 2,
          "description": "The seasonal period in steps (12 for monthly data with a yearly cycle, 7 for a weekly cycle in daily data): used by seasonal differencing and by the seasonal-naive baseline of evaluation."
        },
        "strategy": {
          "enum": [
            "direct",
            "recursive"
          ],
          "default": "direct",
          "description": "Multi-step forecasts: direct (the head outputs all horizon steps at once: horizon x targets units) or recursive (the head outputs one step, fed back as the next input for each further step; every feature must then be a target)."
        }
      },
      "required": [
        "window"
      ],
      "additionalProperties": false
    },
    "tagging": {
      "title": "TaggingSpec",
      "type": "object",
      "description": "Tagging only: how the head's scores for each token become tags.",
      "properties": {
        "output": {
          "enum": [
            "softmax",
            "crf"
          ],
          "default": "softmax",
          "description": "softmax: each token's tag on its own (cross-entropy per token, padding masked out). crf: a linear-chain conditional random field over the head's scores (its emission scores) with learned transition, start and end scores (parameters crf.transitions, crf.start_transitions, crf.end_transitions, as pytorch-crf names them), trained on each sentence's negative log-likelihood (forward algorithm, per token) and decoded with Viterbi (Lample et al. 2016)."
        },
        "constraints": {
          "enum": [
            "none",
            "bio",
            "bioes"
          ],
          "default": "none",
          "description": "CRF only: transitions the tag scheme forbids are never scored or decoded. bio (IOB2): I-X only after B-X or I-X, never first. bioes: also E-X ends and S-X is a single-token span (B-X then I-X/E-X, I-X then I-X/E-X; after O, E-X or S-X only O, B-Y or S-Y). Every tag must then be O or a scheme prefix, '-' and a type; training data that breaks the scheme is refused with the sentence named."
        }
      },
      "additionalProperties": false
    },
    "training": {
      "title": "TrainingSpec",
      "type": "object",
      "properties": {
        "epochs": {
          "type": "integer",
          "minimum": 1,
          "default": 10
        },
        "batchSize": {
          "type": "integer",
          "minimum": 1,
          "default": 32
        },
        "optimizer": {
          "$ref": "#/$defs/optimizer"
        },
        "lrSchedule": {
          "$ref": "#/$defs/lrSchedule"
        },
        "loss": {
          "enum": [
            "cross-entropy",
            "nll",
            "bce-with-logits",
            "mse",
            "mae",
            "huber"
          ],
          "description": "Defaults by task: cross-entropy (bce-with-logits for a 1-unit classification head: one logit for the second of two sorted labels, as PyTorch's BCEWithLogitsLoss), mse for forecasting. nll is refused: output heads give logits, and cross-entropy is nll of their log-softmax."
        },
        "labelSmoothing": {
          "type": "number",
          "minimum": 0,
          "exclusiveMaximum": 1,
          "default": 0
        },
        "clipNorm": {
          "type": "number",
          "exclusiveMinimum": 0,
          "description": "Clip the global gradient norm to this value (torch.nn.utils.clip_grad_norm_)."
        },
        "clipValue": {
          "type": "number",
          "exclusiveMinimum": 0,
          "description": "Clip every gradient value to [-clipValue, clipValue]."
        },
        "gradientAccumulation": {
          "type": "integer",
          "minimum": 1,
          "default": 1,
          "description": "Batches whose gradients are summed before each optimizer step."
        },
        "truncatedBptt": {
          "type": "integer",
          "minimum": 1,
          "description": "Truncated BPTT inside each batch: chunks of this many steps, the state carried between them. No task trains this way today: generation trains on streams in chunks of input.maxLength tokens (its truncated-BPTT length), the state carried from batch to batch, and refuses this setting saying so."
        },
        "earlyStopping": {
          "$ref": "#/$defs/earlyStopping"
        },
        "seed": {
          "type": "integer",
          "minimum": 0,
          "maximum": 4294967295,
          "default": 0,
          "description": "Seeds initialization, shuffling and dropout: same seed and backend give the same weights."
        },
        "checkpoint": {
          "$ref": "#/$defs/checkpoint"
        },
        "teacherForcing": {
          "$ref": "#/$defs/teacherForcing"
        }
      },
      "required": [
        "optimizer"
      ],
      "additionalProperties": false
    },
    "learningRate": {
      "type": "number",
      "exclusiveMinimum": 0,
      "description": "Learning rate."
    },
    "weightDecay": {
      "type": "number",
      "minimum": 0
    },
    "optimizer": {
      "title": "OptimizerSpec",
      "type": "object",
      "required": [
        "type"
      ],
      "discriminator": {
        "propertyName": "type"
      },
      "oneOf": [
        {
          "$ref": "#/$defs/adamOptimizer"
        },
        {
          "$ref": "#/$defs/adamwOptimizer"
        },
        {
          "$ref": "#/$defs/sgdOptimizer"
        },
        {
          "$ref": "#/$defs/rmspropOptimizer"
        }
      ]
    },
    "betas": {
      "type": "array",
      "prefixItems": [
        {
          "type": "number",
          "minimum": 0,
          "exclusiveMaximum": 1
        },
        {
          "type": "number",
          "minimum": 0,
          "exclusiveMaximum": 1
        }
      ],
      "minItems": 2,
      "maxItems": 2,
      "description": "Decay rates of the first and second moment estimates."
    },
    "epsilon": {
      "type": "number",
      "exclusiveMinimum": 0
    },
    "adamOptimizer": {
      "title": "AdamOptimizerSpec",
      "type": "object",
      "description": "torch.optim.Adam (weight decay added to the gradient).",
      "properties": {
        "type": {
          "const": "adam"
        },
        "lr": {
          "$ref": "#/$defs/learningRate",
          "default": 0.001
        },
        "betas": {
          "$ref": "#/$defs/betas",
          "default": [
            0.9,
            0.999
          ]
        },
        "eps": {
          "$ref": "#/$defs/epsilon",
          "default": 1e-8
        },
        "weightDecay": {
          "$ref": "#/$defs/weightDecay",
          "default": 0
        },
        "amsgrad": {
          "type": "boolean",
          "default": false
        }
      },
      "required": [
        "type"
      ],
      "additionalProperties": false
    },
    "adamwOptimizer": {
      "title": "AdamwOptimizerSpec",
      "type": "object",
      "description": "torch.optim.AdamW (decoupled weight decay).",
      "properties": {
        "type": {
          "const": "adamw"
        },
        "lr": {
          "$ref": "#/$defs/learningRate",
          "default": 0.001
        },
        "betas": {
          "$ref": "#/$defs/betas",
          "default": [
            0.9,
            0.999
          ]
        },
        "eps": {
          "$ref": "#/$defs/epsilon",
          "default": 1e-8
        },
        "weightDecay": {
          "$ref": "#/$defs/weightDecay",
          "default": 0.01
        },
        "amsgrad": {
          "type": "boolean",
          "default": false
        }
      },
      "required": [
        "type"
      ],
      "additionalProperties": false
    },
    "sgdOptimizer": {
      "title": "SgdOptimizerSpec",
      "type": "object",
      "description": "torch.optim.SGD.",
      "properties": {
        "type": {
          "const": "sgd"
        },
        "lr": {
          "$ref": "#/$defs/learningRate"
        },
        "momentum": {
          "type": "number",
          "minimum": 0,
          "exclusiveMaximum": 1,
          "default": 0
        },
        "dampening": {
          "type": "number",
          "minimum": 0,
          "maximum": 1,
          "default": 0
        },
        "nesterov": {
          "type": "boolean",
          "default": false
        },
        "weightDecay": {
          "$ref": "#/$defs/weightDecay",
          "default": 0
        }
      },
      "required": [
        "type",
        "lr"
      ],
      "additionalProperties": false
    },
    "rmspropOptimizer": {
      "title": "RmspropOptimizerSpec",
      "type": "object",
      "description": "torch.optim.RMSprop.",
      "properties": {
        "type": {
          "const": "rmsprop"
        },
        "lr": {
          "$ref": "#/$defs/learningRate",
          "default": 0.01
        },
        "alpha": {
          "type": "number",
          "minimum": 0,
          "exclusiveMaximum": 1,
          "default": 0.99
        },
        "eps": {
          "$ref": "#/$defs/epsilon",
          "default": 1e-8
        },
        "momentum": {
          "type": "number",
          "minimum": 0,
          "exclusiveMaximum": 1,
          "default": 0
        },
        "centered": {
          "type": "boolean",
          "default": false
        },
        "weightDecay": {
          "$ref": "#/$defs/weightDecay",
          "default": 0
        }
      },
      "required": [
        "type"
      ],
      "additionalProperties": false
    },
    "lrSchedule": {
      "title": "LrScheduleSpec",
      "type": "object",
      "required": [
        "type"
      ],
      "discriminator": {
        "propertyName": "type"
      },
      "oneOf": [
        {
          "$ref": "#/$defs/constantLr"
        },
        {
          "$ref": "#/$defs/stepLr"
        },
        {
          "$ref": "#/$defs/exponentialLr"
        },
        {
          "$ref": "#/$defs/cosineLr"
        },
        {
          "$ref": "#/$defs/linearWarmupLr"
        },
        {
          "$ref": "#/$defs/reduceOnPlateauLr"
        }
      ]
    },
    "constantLr": {
      "title": "ConstantLrSpec",
      "type": "object",
      "properties": {
        "type": {
          "const": "constant"
        }
      },
      "required": [
        "type"
      ],
      "additionalProperties": false
    },
    "stepLr": {
      "title": "StepLrSpec",
      "type": "object",
      "description": "Multiply the rate by gamma every stepSize epochs (torch StepLR).",
      "properties": {
        "type": {
          "const": "step"
        },
        "stepSize": {
          "type": "integer",
          "minimum": 1
        },
        "gamma": {
          "type": "number",
          "exclusiveMinimum": 0,
          "maximum": 1,
          "default": 0.1
        }
      },
      "required": [
        "type",
        "stepSize"
      ],
      "additionalProperties": false
    },
    "exponentialLr": {
      "title": "ExponentialLrSpec",
      "type": "object",
      "description": "Multiply the rate by gamma every epoch (torch ExponentialLR).",
      "properties": {
        "type": {
          "const": "exponential"
        },
        "gamma": {
          "type": "number",
          "exclusiveMinimum": 0,
          "maximum": 1
        }
      },
      "required": [
        "type",
        "gamma"
      ],
      "additionalProperties": false
    },
    "cosineLr": {
      "title": "CosineLrSpec",
      "type": "object",
      "description": "Cosine decay from the base rate to minLr over the training steps, after an optional linear warmup.",
      "properties": {
        "type": {
          "const": "cosine"
        },
        "warmupSteps": {
          "type": "integer",
          "minimum": 0,
          "default": 0
        },
        "minLr": {
          "type": "number",
          "minimum": 0,
          "default": 0
        }
      },
      "required": [
        "type"
      ],
      "additionalProperties": false
    },
    "linearWarmupLr": {
      "title": "LinearWarmupLrSpec",
      "type": "object",
      "description": "Rise linearly from 0 to the base rate over warmupSteps, then stay.",
      "properties": {
        "type": {
          "const": "linear-warmup"
        },
        "warmupSteps": {
          "type": "integer",
          "minimum": 1
        }
      },
      "required": [
        "type",
        "warmupSteps"
      ],
      "additionalProperties": false
    },
    "reduceOnPlateauLr": {
      "title": "ReduceOnPlateauLrSpec",
      "type": "object",
      "description": "Multiply the rate by factor when the validation loss has not improved for patience epochs (torch ReduceLROnPlateau).",
      "properties": {
        "type": {
          "const": "reduce-on-plateau"
        },
        "factor": {
          "type": "number",
          "exclusiveMinimum": 0,
          "exclusiveMaximum": 1,
          "default": 0.1
        },
        "patience": {
          "type": "integer",
          "minimum": 0,
          "default": 10
        },
        "threshold": {
          "type": "number",
          "minimum": 0,
          "default": 0.0001
        },
        "minLr": {
          "type": "number",
          "minimum": 0,
          "default": 0
        }
      },
      "required": [
        "type"
      ],
      "additionalProperties": false
    },
    "earlyStopping": {
      "title": "EarlyStoppingSpec",
      "type": "object",
      "description": "Stop when the monitored validation metric has not improved for patience epochs.",
      "properties": {
        "patience": {
          "type": "integer",
          "minimum": 1
        },
        "monitor": {
          "enum": [
            "val_loss",
            "val_accuracy",
            "val_f1",
            "val_perplexity",
            "val_bleu",
            "val_mae",
            "val_rmse"
          ],
          "default": "val_loss"
        },
        "minDelta": {
          "type": "number",
          "minimum": 0,
          "default": 0
        },
        "restoreBestWeights": {
          "type": "boolean",
          "default": true
        }
      },
      "required": [
        "patience"
      ],
      "additionalProperties": false
    },
    "checkpoint": {
      "title": "CheckpointSpec",
      "type": "object",
      "description": "When to write a resumable checkpoint (weights, optimizer state, RNG state, data position).",
      "properties": {
        "everySteps": {
          "type": "integer",
          "minimum": 1,
          "description": "Also checkpoint every this many optimizer steps."
        },
        "atEpochEnd": {
          "type": "boolean",
          "default": true,
          "description": "Checkpoints are always written at epoch ends: false is refused."
        },
        "keep": {
          "type": "integer",
          "minimum": 1,
          "default": 1,
          "description": "How many checkpoints to keep: one (the last) is supported."
        }
      },
      "additionalProperties": false
    },
    "teacherForcing": {
      "title": "TeacherForcingSpec",
      "type": "object",
      "description": "Translation: probability of feeding the true previous token (rather than the model's own) to the decoder.",
      "properties": {
        "ratio": {
          "type": "number",
          "minimum": 0,
          "maximum": 1,
          "default": 1
        },
        "schedule": {
          "$ref": "#/$defs/teacherForcingSchedule"
        }
      },
      "additionalProperties": false
    },
    "teacherForcingSchedule": {
      "title": "TeacherForcingScheduleSpec",
      "type": "object",
      "description": "Scheduled sampling (Bengio et al. 2015): the ratio decays with the step (or epoch) i from `ratio`. linear: max(minRatio, ratio - decay * i); exponential: ratio * k^i; inverse-sigmoid: ratio * k / (k + exp(i / k)).",
      "properties": {
        "type": {
          "enum": [
            "constant",
            "linear",
            "exponential",
            "inverse-sigmoid"
          ]
        },
        "per": {
          "enum": [
            "step",
            "epoch"
          ],
          "default": "epoch"
        },
        "decay": {
          "type": "number",
          "exclusiveMinimum": 0,
          "description": "linear: amount removed per step or epoch."
        },
        "k": {
          "type": "number",
          "exclusiveMinimum": 0,
          "description": "exponential: factor in (0, 1); inverse-sigmoid: k >= 1 (larger decays later)."
        },
        "minRatio": {
          "type": "number",
          "minimum": 0,
          "maximum": 1,
          "default": 0
        }
      },
      "required": [
        "type"
      ],
      "additionalProperties": false,
      "allOf": [
        {
          "if": {
            "properties": {
              "type": {
                "const": "linear"
              }
            }
          },
          "then": {
            "required": [
              "decay"
            ]
          }
        },
        {
          "if": {
            "properties": {
              "type": {
                "const": "exponential"
              }
            }
          },
          "then": {
            "required": [
              "k"
            ],
            "properties": {
              "k": {
                "type": "number",
                "exclusiveMaximum": 1
              }
            }
          }
        },
        {
          "if": {
            "properties": {
              "type": {
                "const": "inverse-sigmoid"
              }
            }
          },
          "then": {
            "required": [
              "k"
            ],
            "properties": {
              "k": {
                "type": "number",
                "minimum": 1
              }
            }
          }
        }
      ]
    },
    "decoding": {
      "title": "DecodingSpec",
      "type": "object",
      "description": "Generation and translation: how tokens are chosen.",
      "required": [
        "strategy"
      ],
      "discriminator": {
        "propertyName": "strategy"
      },
      "oneOf": [
        {
          "$ref": "#/$defs/greedyDecoding"
        },
        {
          "$ref": "#/$defs/sampleDecoding"
        },
        {
          "$ref": "#/$defs/beamDecoding"
        }
      ]
    },
    "maxLength": {
      "type": "integer",
      "minimum": 1,
      "description": "Most new tokens generated; an end token or a stop sequence counts among them."
    },
    "repetitionPenalty": {
      "type": "number",
      "exclusiveMinimum": 0,
      "description": "Hugging Face's repetition penalty (1 or absent: none): the logit of every token already in the prompt or output is divided by it when positive, multiplied by it otherwise."
    },
    "stopStrings": {
      "type": "array",
      "items": {
        "type": "string",
        "minLength": 1
      },
      "description": "The output ends when it ends with one of these texts (left out of the output)."
    },
    "greedyDecoding": {
      "title": "GreedyDecodingSpec",
      "type": "object",
      "properties": {
        "strategy": {
          "const": "greedy"
        },
        "maxLength": {
          "$ref": "#/$defs/maxLength",
          "default": 100
        },
        "repetitionPenalty": {
          "$ref": "#/$defs/repetitionPenalty"
        },
        "stop": {
          "$ref": "#/$defs/stopStrings"
        }
      },
      "required": [
        "strategy"
      ],
      "additionalProperties": false
    },
    "sampleDecoding": {
      "title": "SampleDecodingSpec",
      "type": "object",
      "properties": {
        "strategy": {
          "const": "sample"
        },
        "maxLength": {
          "$ref": "#/$defs/maxLength",
          "default": 100
        },
        "temperature": {
          "type": "number",
          "exclusiveMinimum": 0,
          "default": 1,
          "description": "Divides the logits before the softmax: below 1 sharper, above 1 flatter."
        },
        "topK": {
          "type": "integer",
          "minimum": 1,
          "description": "Sample among the k most probable tokens."
        },
        "topP": {
          "type": "number",
          "exclusiveMinimum": 0,
          "maximum": 1,
          "description": "Nucleus sampling: among the smallest set of tokens whose probability reaches p, in (0, 1]."
        },
        "seed": {
          "type": "integer",
          "minimum": 0,
          "maximum": 4294967295,
          "description": "Makes sampling reproducible: the same seed gives the same tokens on every backend (absent: a fresh seed each time)."
        },
        "repetitionPenalty": {
          "$ref": "#/$defs/repetitionPenalty"
        },
        "stop": {
          "$ref": "#/$defs/stopStrings"
        }
      },
      "required": [
        "strategy"
      ],
      "additionalProperties": false
    },
    "beamDecoding": {
      "title": "BeamDecodingSpec",
      "type": "object",
      "properties": {
        "strategy": {
          "const": "beam"
        },
        "maxLength": {
          "$ref": "#/$defs/maxLength",
          "default": 100
        },
        "beamWidth": {
          "type": "integer",
          "minimum": 1,
          "default": 4,
          "description": "Hypotheses kept at each step; finished ones keep their place, so width 1 is greedy."
        },
        "lengthPenalty": {
          "type": "number",
          "minimum": 0,
          "default": 1,
          "description": "Scores are divided by length^lengthPenalty: 0 favours short outputs, larger values longer ones."
        },
        "nBest": {
          "type": "integer",
          "minimum": 1,
          "description": "Hypotheses returned, best first (absent: 1); at most beamWidth."
        },
        "repetitionPenalty": {
          "$ref": "#/$defs/repetitionPenalty"
        },
        "stop": {
          "$ref": "#/$defs/stopStrings"
        }
      },
      "required": [
        "strategy"
      ],
      "additionalProperties": false
    },
    "characterEncoder": {
      "title": "CharacterEncoderSpec",
      "type": "object",
      "description": "Tagging only: a character-level encoder of each word (Lample et al. 2016). The word's characters, as written in the data (before the tokenizer lowercases), are embedded and read by a recurrent layer; its final states (both directions) are concatenated to the word's vector, so an unknown word still gets a vector from its spelling. The embedding layer then outputs embeddingDim + directions x hiddenSize per token.",
      "properties": {
        "embeddingDim": {
          "type": "integer",
          "minimum": 1,
          "default": 25,
          "description": "Size of each character vector."
        },
        "hiddenSize": {
          "type": "integer",
          "minimum": 1,
          "default": 25,
          "description": "Hidden size of the character recurrent layer, per direction."
        },
        "cell": {
          "enum": [
            "lstm",
            "gru",
            "rnn"
          ],
          "default": "lstm",
          "description": "Recurrent cell over the characters (rnn: tanh)."
        },
        "bidirectional": {
          "type": "boolean",
          "default": true,
          "description": "Read each word both ways (the backward direction's final state sees the prefix last)."
        },
        "maxLength": {
          "type": "integer",
          "minimum": 2,
          "default": 20,
          "description": "Characters read per word: a longer word is read as its first ceil(maxLength/2) and last floor(maxLength/2) characters, where prefixes and suffixes carry what spelling says about a word."
        },
        "minFrequency": {
          "type": "integer",
          "minimum": 1,
          "default": 1,
          "description": "Characters seen fewer times in the training words read as the unknown character."
        }
      },
      "additionalProperties": false
    }
  }
};
