// What a translation spec must say beyond the schema: each problem refused by its spec path.
import { describe, expect, it } from 'vitest';
import { translationSpec } from '../test/tatoeba.js';
import { TranslationSpecError, translationSettings } from './translation-spec.js';

describe('translationSettings', () => {
  it("reads each side's tokenizer, vocabulary limits and maxLength", () => {
    const settings = translationSettings(
      translationSpec({
        input: { vocabulary: { minFrequency: 2 } },
        target: { maxLength: undefined },
      }),
    );
    expect(settings.source).toEqual({
      tokenizer: {
        type: 'word',
        lowercase: true,
        normalize: 'ascii',
        lettersOnly: true,
        splitPunctuation: true,
        rules: 'basic',
      },
      vocabulary: { minFrequency: 2 },
      maxLength: 10,
    });
    expect(settings.target.maxLength).toBeUndefined();
    expect(settings.target.vocabulary).toEqual({});
  });

  const problems: [string, ReturnType<typeof translationSpec> | Record<string, unknown>, string][] =
    [
      [
        'a spec of another task',
        {
          ...translationSpec(),
          task: 'generation',
          encoder: undefined,
          decoder: undefined,
          target: undefined,
          layers: [
            { type: 'embedding', embeddingDim: 4 },
            { type: 'gru', hiddenSize: 4 },
            { type: 'dense', units: 'auto' },
          ],
        },
        '/task: a translation task needs task "translation", the spec says "generation"',
      ],
      [
        'no target block',
        { ...translationSpec(), target: undefined },
        '/target: missing required property "target" for task "translation"',
      ],
      [
        'sampling',
        translationSpec({ decoding: { strategy: 'sample', temperature: 0.7 } }),
        '/decoding/strategy: translation decodes with "greedy" or "beam" search',
      ],
      [
        'stop texts',
        translationSpec({ decoding: { strategy: 'greedy', stop: ['.'] } }),
        '/decoding/stop: a translation ends with the end token (<eos>); stop texts are not supported',
      ],
      [
        'a repetition penalty',
        translationSpec({ decoding: { strategy: 'beam', repetitionPenalty: 1.2 } }),
        '/decoding/repetitionPenalty: translation does not penalise repetitions',
      ],
      [
        'a teacher-forcing floor above its ratio',
        translationSpec({
          training: {
            teacherForcing: {
              ratio: 0.5,
              schedule: { type: 'linear', decay: 0.1, minRatio: 0.6 },
            },
          },
        }),
        '/training/teacherForcing/schedule/minRatio: (0.6) must be below training.teacherForcing.ratio (0.5)',
      ],
      [
        'lettersOnly with treebank rules',
        translationSpec({
          target: { tokenizer: { type: 'word', lettersOnly: true, rules: 'treebank' } },
        }),
        '/target/tokenizer: lettersOnly leaves only letters and . ! ?',
      ],
      [
        'lettersOnly with splitPunctuation false',
        translationSpec({
          input: { tokenizer: { type: 'word', lettersOnly: true, splitPunctuation: false } },
        }),
        '/input/tokenizer: lettersOnly makes each . ! ? a token; splitPunctuation: false contradicts it',
      ],
    ];
  it.each(problems)('refuses %s', (_, spec, message) => {
    expect(() => translationSettings(spec)).toThrow(TranslationSpecError);
    expect(() => translationSettings(spec)).toThrow(message);
  });
});
