// What a translation spec must say beyond the schema, checked when the task is created so that a
// setting this task cannot honour is refused by its spec path before any data is read: both
// sides' tokenizers (and that they can be built), and a decoding block this task can run.
import {
  checkTeacherForcing,
  type ModelSpec,
  parseSpec,
  type SpecError,
  SpecValidationError,
  validateSpec,
} from '@recurrent/core';
import { createTokenizer, type TokenizerOptions, type VocabularyOptions } from '@recurrent/data';

/**
 * A spec this task cannot run, with every reason by spec path. A SpecValidationError, so tools
 * that report spec errors (the CLI, editors) treat it as one.
 */
export class TranslationSpecError extends SpecValidationError {
  override name = 'TranslationSpecError';
  constructor(
    readonly problems: readonly { pointer: string; message: string }[],
    what = 'invalid translation spec',
  ) {
    super(problems.map((p) => ({ ...p, kind: 'semantic' as const })));
    this.message = `${what}:\n${problems.map((p) => `  ${p.pointer}: ${p.message}`).join('\n')}`;
  }
}

/** How one language is read: its tokenizer, vocabulary limits and longest training sentence. */
export interface SideSettings {
  tokenizer: TokenizerOptions;
  vocabulary: VocabularyOptions;
  /**
   * Longest training sentence in tokens, its end token (source: <eos>; target: the <eos> label)
   * included, as the tutorial's MAX_LENGTH counts; undefined: no limit. Longer pairs are skipped
   * in training; translation reads a source of any length.
   */
  maxLength: number | undefined;
}

export interface TranslationSettings {
  spec: ModelSpec;
  source: SideSettings;
  target: SideSettings;
}

const describe = (e: SpecError) => ({
  pointer: e.pointer || '(root)',
  message: e.suggestion ? `${e.message} (${e.suggestion})` : e.message,
});

/** Validates `spec` (an object or JSON text) as a translation spec, or throws naming every problem. */
export function translationSettings(spec: unknown): TranslationSettings {
  const result = typeof spec === 'string' ? parseSpec(spec) : validateSpec(spec);
  if (!result.ok) throw new TranslationSpecError(result.errors.map(describe));
  const valid = result.spec;
  if (valid.task !== 'translation') {
    throw new TranslationSpecError(
      [
        {
          pointer: '/task',
          message: `a translation task needs task "translation", the spec says "${valid.task}"`,
        },
      ],
      'not a translation spec',
    );
  }
  const problems: { pointer: string; message: string }[] = [];
  const side = (
    tokenizer: TokenizerOptions | undefined,
    at: '/input' | '/target',
    language: string,
  ): TokenizerOptions | undefined => {
    if (!tokenizer) {
      problems.push({
        pointer: `${at}${at === '/input' ? '/tokenizer' : ''}`,
        message: `translation reads ${language} text: ${at.slice(1)}${at === '/input' ? '.tokenizer' : ' (with its tokenizer)'} is needed`,
      });
      return undefined;
    }
    try {
      createTokenizer(tokenizer);
    } catch (error) {
      problems.push({
        pointer: `${at}/tokenizer`,
        message: (error as Error).message.replace(/^tokenizer: /, ''),
      });
    }
    return tokenizer;
  };
  const sourceTokenizer = side(valid.input?.tokenizer, '/input', 'source-language');
  const targetTokenizer = side(valid.target?.tokenizer, '/target', 'target-language');
  const decoding = valid.decoding;
  if (decoding?.strategy === 'sample') {
    problems.push({
      pointer: '/decoding/strategy',
      message:
        'translation decodes with "greedy" or "beam" search (the most probable translation); sampling is not offered',
    });
  }
  if (decoding?.stop !== undefined) {
    problems.push({
      pointer: '/decoding/stop',
      message: 'a translation ends with the end token (<eos>); stop texts are not supported',
    });
  }
  if (decoding?.repetitionPenalty !== undefined) {
    problems.push({
      pointer: '/decoding/repetitionPenalty',
      message:
        "translation does not penalise repetitions (the batched greedy decoder that evaluates BLEU has no such setting, and a translation's score must not depend on how it was decoded)",
    });
  }
  try {
    // Settings the schema lets through but no schedule can use: refused now, not at the first batch.
    checkTeacherForcing(valid.training.teacherForcing);
  } catch (error) {
    const [field, ...rest] = (error as Error).message.split(': ');
    problems.push({
      pointer: `/${(field as string).replaceAll('.', '/')}`,
      message: rest.join(': '),
    });
  }
  if (problems.length > 0 || !sourceTokenizer || !targetTokenizer) {
    throw new TranslationSpecError(problems);
  }
  return {
    spec: valid,
    source: {
      tokenizer: sourceTokenizer,
      vocabulary: valid.input?.vocabulary ?? {},
      maxLength: valid.input?.maxLength,
    },
    target: {
      tokenizer: targetTokenizer,
      vocabulary: valid.target?.vocabulary ?? {},
      maxLength: valid.target?.maxLength,
    },
  };
}
