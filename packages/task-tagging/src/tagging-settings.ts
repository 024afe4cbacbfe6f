// What a tagging spec asks of the task, checked once: the spec is a valid tagging spec, its
// tokenizer only normalizes each given token (tagging never splits or joins tokens: one tag per
// token), and the output (softmax or CRF) with its tag-scheme constraints.
import {
  type EmbeddingLayerSpec,
  type ModelSpec,
  SpecValidationError,
  TaskError,
  type TokenizerSpec,
  validateSpec,
} from '@recurrent/core';

/** A spec this task cannot honour, with the spec path of each problem. */
export class TaggingSpecError extends TaskError {
  override name = 'TaggingSpecError';
}

export interface TaggingSettings {
  spec: ModelSpec;
  output: 'softmax' | 'crf';
  constraints: 'none' | 'bio' | 'bioes';
  /** input.tokenizer: how each token is looked up in the word vocabulary (absent: as written). */
  tokenizer: TokenizerSpec | undefined;
  /** input.maxLength: training sentences longer than this are trained on in pieces. */
  maxLength: number | undefined;
  /** The first layer's character encoder, when it has one. */
  characters: NonNullable<EmbeddingLayerSpec['characters']> | undefined;
}

/** Tokenizer settings that would split a token or drop its characters, by spec path. */
function tokenizerProblems(tokenizer: TokenizerSpec): string[] {
  const problems: string[] = [];
  const at = '/input/tokenizer';
  if (tokenizer.type !== 'word') {
    problems.push(
      `${at}/type: tagging reads the given tokens, one tag each; a "${tokenizer.type}" tokenizer would split them (use "word")`,
    );
  }
  if (tokenizer.splitPunctuation) {
    problems.push(
      `${at}/splitPunctuation: tagging never splits the given tokens ("U.S." keeps one tag); set "splitPunctuation": false`,
    );
  }
  if (tokenizer.rules !== 'basic') {
    problems.push(
      `${at}/rules: "${tokenizer.rules}" would split the given tokens ("don't" → do n't); tagging needs "basic"`,
    );
  }
  if (tokenizer.lettersOnly) {
    problems.push(
      `${at}/lettersOnly: it would split tokens at the characters it drops and empty others ("3:30", ","); remove it`,
    );
  }
  return problems;
}

/** The settings of a tagging spec (any JSON; validated here), or an error naming every problem. */
export function taggingSettings(spec: unknown): TaggingSettings {
  const result = validateSpec(spec);
  if (!result.ok) throw new SpecValidationError(result.errors);
  const valid = result.spec;
  if (valid.task !== 'tagging') {
    throw new TaskError(`a tagging task needs task "tagging", the spec says "${valid.task}"`);
  }
  const input = valid.input;
  if (input?.features !== undefined) {
    throw new TaggingSpecError(
      '/input/features: tagging reads tokens (give input.tokenizer or nothing), not numeric features',
    );
  }
  const problems = input?.tokenizer ? tokenizerProblems(input.tokenizer) : [];
  const first = valid.layers?.[0];
  if (first?.type !== 'embedding') {
    problems.push('/layers/0: a tagger starts with an embedding layer over the words');
  }
  if (problems.length > 0) {
    throw new TaggingSpecError(`the spec cannot be tagged with:\n  ${problems.join('\n  ')}`);
  }
  const embedding = first as EmbeddingLayerSpec;
  return {
    spec: valid,
    output: valid.tagging?.output ?? 'softmax',
    constraints: valid.tagging?.constraints ?? 'none',
    tokenizer: input?.tokenizer,
    maxLength: input?.maxLength,
    characters: embedding.characters,
  };
}
