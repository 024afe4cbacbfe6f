// What a generation spec must say beyond the schema, checked when the task is created so that a
// setting this task cannot honour is refused by its spec path before any data is read.
import {
  type ModelSpec,
  parseSpec,
  type SpecError,
  SpecValidationError,
  validateSpec,
} from '@recurrent/core';
import type { TokenizerOptions, VocabularyOptions } from '@recurrent/data';

/**
 * Tokens per training chunk when the spec gives no input.maxLength (char-rnn's seq_length: the
 * truncated-BPTT length, the state carried from chunk to chunk).
 */
export const defaultMaxLength = 64;

/**
 * A spec this task cannot run, with every reason by spec path. A SpecValidationError, so tools
 * that report spec errors (the CLI, editors) treat it as one; `errors` carries the pointers.
 */
export class GenerationSpecError extends SpecValidationError {
  override name = 'GenerationSpecError';
  constructor(
    readonly problems: readonly { pointer: string; message: string }[],
    what = 'invalid generation spec',
  ) {
    super(problems.map((p) => ({ ...p, kind: 'semantic' as const })));
    this.message = `${what}:\n${problems.map((p) => `  ${p.pointer}: ${p.message}`).join('\n')}`;
  }
}

/** The settings of a valid generation spec that shape its data. */
export interface GenerationSettings {
  spec: ModelSpec;
  tokenizer: TokenizerOptions;
  vocabulary: VocabularyOptions;
  /**
   * Tokens per training chunk of every stream (input.maxLength): how far back gradients flow
   * (truncated BPTT); the state itself is carried from chunk to chunk.
   */
  maxLength: number;
}

const describe = (e: SpecError) => ({
  pointer: e.pointer || '(root)',
  message: e.suggestion ? `${e.message} (${e.suggestion})` : e.message,
});

/** Validates `spec` (an object or JSON text) as a generation spec, or throws naming every problem. */
export function generationSettings(spec: unknown): GenerationSettings {
  const result = typeof spec === 'string' ? parseSpec(spec) : validateSpec(spec);
  if (!result.ok) throw new GenerationSpecError(result.errors.map(describe));
  const valid = result.spec;
  if (valid.task !== 'generation') {
    throw new GenerationSpecError(
      [
        {
          pointer: '/task',
          message: `a generation task needs task "generation", the spec says "${valid.task}"`,
        },
      ],
      'not a generation spec',
    );
  }
  const problems: { pointer: string; message: string }[] = [];
  if (valid.labels) {
    problems.push({
      pointer: '/labels',
      message: 'labels apply to classification and tagging; a language model predicts tokens',
    });
  }
  (valid.layers ?? []).forEach((layer, i) => {
    if ('bidirectional' in layer && layer.bidirectional) {
      problems.push({
        pointer: `/layers/${i}/bidirectional`,
        message:
          'a language model predicts each token from the ones before it; a bidirectional layer reads the tokens after it, so it would learn to copy the answer',
      });
    }
  });
  const maxLength = valid.input?.maxLength ?? defaultMaxLength;
  const chunk = valid.training.truncatedBptt;
  if (chunk !== undefined) {
    // One name for one setting: a second chunk length inside the first would only count the
    // same optimizer steps in other units.
    problems.push({
      pointer: '/training/truncatedBptt',
      message: `a language model trains on its text in chunks of input.maxLength tokens (${maxLength}${valid.input?.maxLength === undefined ? ', the default' : ''}), the state carried from chunk to chunk: input.maxLength is the truncated-BPTT length. Remove truncatedBptt${chunk !== maxLength ? ` (for chunks of ${chunk}, set input.maxLength to ${chunk})` : ''}`,
    });
  }
  if (problems.length > 0) throw new GenerationSpecError(problems);
  return {
    spec: valid,
    // The validator refuses generation without a tokenizer (numeric input), so there is one.
    tokenizer: valid.input?.tokenizer as TokenizerOptions,
    vocabulary: valid.input?.vocabulary ?? {},
    maxLength,
  };
}
