// @recurrent/data: plain-TypeScript data tools (no tensors, no core, no node: imports; file
// reading is in "@recurrent/data/node").
export {
  bucketByLength,
  type PaddedBatch,
  padBatch,
  paddingShare,
  seededRandom,
  splitIndices,
} from './batching.js';
export {
  CharacterVocabulary,
  type CharacterVocabularyJson,
  characterIds,
  characterPadId,
  characterPadToken,
  characterUnkId,
  characterUnkToken,
  type PaddedCharacters,
  padCharacters,
} from './characters.js';
export { DataError } from './errors.js';
export {
  type LabelledFormat,
  type LabelledTextOptions,
  type LabelledTextsRead,
  labelledFormat,
  parseLabelledTexts,
} from './labelled-texts.js';
export { columnsWithTags, parseConllColumns } from './readers/conll-columns.js';
export {
  type ConlluSentence,
  type ConlluTagColumn,
  conlluWithTags,
  parseConllu,
  parseConlluTags,
} from './readers/conllu.js';
export {
  columnIndex,
  type DelimitedOptions,
  parseDelimited,
  type Row,
  type Table,
} from './readers/delimited.js';
export { parseJsonl } from './readers/jsonl.js';
export { streamLines } from './readers/stream.js';
export {
  detectTaggedFormat,
  parseTaggedText,
  parseTokenText,
  type TaggedCorpus,
  type TaggedFormat,
  type TaggedSentence,
  type TaggedTextOptions,
  type TokenCorpus,
} from './readers/tagged-corpus.js';
export { decodeUtf8 } from './readers/utf8.js';
export { parseSeriesCsv, type SeriesCsvOptions, type SeriesTable } from './series/csv.js';
export {
  type DateForm,
  type DateStep,
  dateStep,
  nextDates,
  parseSeriesDate,
  type SeriesDate,
} from './series/dates.js';
export { difference, undifference } from './series/differencing.js';
export { fitScaler, Scaler, type ScalerJson, type ScalerKind } from './series/scalers.js';
export {
  type ChronologicalSplit,
  type ChronologicalSplitOptions,
  chronologicalSplit,
  type IndexRange,
} from './series/split.js';
export { type WindowOptions, type Windows, windows } from './series/windows.js';
export {
  fragmentRows,
  type SplitMode,
  splitTexts,
  type TextSplit,
  type TextSplitOptions,
} from './split-texts.js';
export { createTokenizer, type Tokenizer, type TokenizerOptions } from './tokenizers.js';
export {
  bosId,
  eosId,
  padId,
  specialTokens,
  unkId,
  Vocabulary,
  type VocabularyJson,
  type VocabularyOptions,
} from './vocabulary.js';
