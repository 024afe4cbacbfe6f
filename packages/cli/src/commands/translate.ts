// `recurrent translate <model-dir> [text...]`: translations by a trained translation model, one
// per text argument, or one per stdin line, printed as each line arrives (a pipe stays live) and
// in input order. Beam search with n-best and a length penalty, a length limit, one JSON object
// per line, and a text heatmap of the attention. The task translates; this shell parses the
// flags, reads the lines and prints. Ctrl-C, or a reader that closes the pipe, stops at the next
// line.
import { loadTaskFolder } from '@recurrent/core/node';
import {
  type TranslateOptions,
  type Translation,
  type TranslationHypothesis,
  TranslationOptionError,
  type TranslationTaskApi,
} from '@recurrent/task-translation';
import { type Command, InvalidArgumentError } from 'commander';
import { type BackendOptions, backendOption, startBackend } from '../backend-option.js';
import { argumentsOrStdinLines, listenForInterruption } from '../interruption.js';
import { type CliIO, ExitCode } from '../io.js';
import { attentionHeatmap, heatmapLegend } from '../translate/attention-heatmap.js';
import { CommandError } from './spec-file.js';
import { requireFolderTask } from './task-folder.js';

interface TranslateFlags extends BackendOptions {
  beam?: number;
  nBest?: number;
  lengthPenalty?: number;
  maxLength?: number;
  json?: boolean;
  showAttention?: boolean;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a positive integer');
  }
  return n;
}

// The range is the task's to check; here only that it is a number.
function number(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new InvalidArgumentError('expected a number');
  }
  return n;
}

/** The flag of each translate option, for the task's messages. */
const flagNames: Record<string, string> = {
  beam: '--beam',
  nBest: '--n-best',
  lengthPenalty: '--length-penalty',
  maxLength: '--max-length',
};

const helpText = `
Input: each text argument is one sentence; without any, each line of stdin is one, translated as
it arrives (empty lines included), in order.

Output: one line per sentence, its translation. With --n-best N (beam search), N lines per
sentence, best first, as "rank<TAB>score<TAB>translation", then an empty line. --show-attention
adds the attention heatmap after each sentence: output tokens as rows, source tokens (ending in
<eos>) as columns, darker for more weight. --json prints one object per line instead:
{ source, translation, tokens, score, logProbability, stoppedBy, nBest: [{ translation, tokens,
score, logProbability, stoppedBy }], attention: { sourceTokens, outputTokens, weights } }.

Decoding: the model's decoding block (its spec), greedy when it has none; --beam chooses beam
search with that width (1 gives greedy's translation). --n-best and --length-penalty apply to
beam search and need --beam.`;

/** The task's options from the flags; a flag that needs another is refused by name. */
export function translateOptions(flags: TranslateFlags): TranslateOptions {
  for (const [given, name] of [
    [flags.nBest, '--n-best'],
    [flags.lengthPenalty, '--length-penalty'],
  ] as const) {
    if (given !== undefined && flags.beam === undefined) {
      throw new CommandError(`${name} applies to beam search: give --beam <width> with it`);
    }
  }
  if (flags.nBest !== undefined && flags.beam !== undefined && flags.nBest > flags.beam) {
    throw new CommandError(
      `--n-best ${flags.nBest} is more than --beam ${flags.beam}: beam search keeps ${flags.beam} hypotheses`,
    );
  }
  return {
    ...(flags.beam !== undefined ? { strategy: 'beam' as const, beam: flags.beam } : {}),
    ...(flags.nBest !== undefined ? { nBest: flags.nBest } : {}),
    ...(flags.lengthPenalty !== undefined ? { lengthPenalty: flags.lengthPenalty } : {}),
    ...(flags.maxLength !== undefined ? { maxLength: flags.maxLength } : {}),
  };
}

export function registerTranslate(
  program: Command,
  io: CliIO,
  setExit: (code: number) => void,
): void {
  program
    .command('translate')
    .description(
      'translate texts (arguments, or one per line on stdin) with a trained translation model',
    )
    .argument('<model-dir>', 'model folder written by recurrent train (a translation model)')
    .argument('[text...]', 'sentences to translate (default: read lines from stdin)')
    .option('--beam <width>', 'beam search with this many beams', positiveInteger)
    .option(
      '--n-best <n>',
      'beam search: print the n best translations (at most the width)',
      positiveInteger,
    )
    .option(
      '--length-penalty <a>',
      'beam search: rank by log-probability / length^a (default: the spec, else 1)',
      number,
    )
    .option(
      '--max-length <n>',
      "most target tokens per translation, the end token included (default: the model's decoding.maxLength)",
      positiveInteger,
    )
    .option('--json', 'one JSON object per sentence (translation, scores, n-best, attention)')
    .option('--show-attention', 'print a text heatmap of the attention after each translation')
    .addOption(backendOption())
    .addHelpText('after', helpText)
    .action(async (dir: string, texts: string[], flags: TranslateFlags) => {
      await translate(dir, texts, flags, io);
      setExit(ExitCode.ok);
    });
}

async function translate(
  dir: string,
  texts: string[],
  flags: TranslateFlags,
  io: CliIO,
): Promise<void> {
  const options = translateOptions(flags);
  await requireFolderTask(dir, 'translation', 'recurrent translate');
  const backend = await startBackend(flags.backend);
  const task = (await loadTaskFolder(dir, { backend: backend.name })) as TranslationTaskApi;
  // Ctrl-C or a closed pipe stops before the next sentence (interruption.ts).
  const interruption = listenForInterruption(io);
  const input = argumentsOrStdinLines(texts);
  try {
    let legend = !flags.json && flags.showAttention;
    for await (const source of input) {
      if (interruption.signal.aborted) break;
      const [translation] = await task.translate([source], {
        ...options,
        signal: interruption.signal,
      });
      if (translation === undefined) {
        throw new Error(`the translation task returned no translation for "${source}"`);
      }
      if (flags.json) {
        interruption.printLines([JSON.stringify(translationJson(translation))]);
        continue;
      }
      interruption.printLines(translationLines(translation, flags));
      if (legend) {
        // Once, after the first map: what the shades mean.
        interruption.printLines([heatmapLegend(), '']);
        legend = false;
      }
    }
  } catch (error) {
    // The task names its options as its API does; say them as flags.
    if (error instanceof TranslationOptionError && flagNames[error.option]) {
      throw new CommandError(
        `${dir}: ${error.message.replace(error.option, flagNames[error.option] as string)}`,
      );
    }
    throw error;
  } finally {
    interruption.dispose();
    task.dispose();
  }
}

/** The output tokens the attention rows stand for: the tokens, then "<eos>" when it ended there. */
export function attentionRows(translation: Translation): string[] {
  return translation.stoppedBy === 'end' ? [...translation.tokens, '<eos>'] : translation.tokens;
}

function hypothesisJson(h: TranslationHypothesis) {
  return {
    translation: h.text,
    tokens: h.tokens,
    score: h.score,
    logProbability: h.logProbability,
    stoppedBy: h.stoppedBy,
  };
}

/** What --json prints for one sentence. */
export function translationJson(translation: Translation) {
  return {
    source: translation.source,
    ...hypothesisJson(translation),
    nBest: (translation.hypotheses ?? [translation]).map(hypothesisJson),
    attention: {
      sourceTokens: translation.sourceTokens,
      outputTokens: attentionRows(translation),
      weights: translation.attention,
    },
  };
}

/** What the plain output prints for one sentence (see the help text). */
export function translationLines(translation: Translation, flags: TranslateFlags): string[] {
  const lines =
    flags.nBest !== undefined
      ? [
          ...(translation.hypotheses ?? [translation]).map(
            (h, i) => `${i + 1}\t${h.score.toFixed(4)}\t${h.text}`,
          ),
          '',
        ]
      : [translation.text];
  if (flags.showAttention) {
    lines.push(
      ...attentionHeatmap({
        sourceTokens: translation.sourceTokens,
        outputTokens: attentionRows(translation),
        weights: translation.attention,
      }),
      '',
    );
  }
  return lines;
}
