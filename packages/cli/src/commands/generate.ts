// `recurrent generate <model-dir>`: text from a trained model of a task that generates text (its
// plug-in's `generator`), streamed to stdout as tokens are decided (greedy, sampling), or the
// n-best hypotheses with their scores (beam search), or one JSON object. The task resolves and
// checks the settings; this shell parses the flags and prints. Ctrl-C, or a reader that closes
// the pipe, ends the text where it is.
import {
  type GeneratedText,
  GenerationOptionError,
  type TextGenerationOptions,
} from '@recurrent/core';
import { loadTaskFolder } from '@recurrent/core/node';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type BackendOptions, backendOption, startBackend } from '../backend-option.js';
import { listenForInterruption } from '../interruption.js';
import { type CliIO, ExitCode } from '../io.js';
import { CommandError } from './spec-file.js';
import { folderPlugin } from './task-folder.js';

interface GenerateFlags extends BackendOptions {
  prompt: string;
  maxTokens?: number;
  strategy?: 'greedy' | 'sample' | 'beam';
  temperature?: number;
  topK?: number;
  topP?: number;
  repetitionPenalty?: number;
  beam?: number;
  nBest?: number;
  lengthPenalty?: number;
  stop?: string[];
  seed?: number;
  allowUnknown?: boolean;
  json?: boolean;
}

// Ranges are the task's to check (its messages name the flag); here only the number itself.
function number(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new InvalidArgumentError('expected a number');
  return n;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n)) {
    throw new InvalidArgumentError('expected a whole number');
  }
  return n;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The flag of each generation option, for the task's messages. */
const flagNames: Record<string, string> = {
  prompt: '--prompt',
  maxTokens: '--max-tokens',
  strategy: '--strategy',
  temperature: '--temperature',
  topK: '--top-k',
  topP: '--top-p',
  repetitionPenalty: '--repetition-penalty',
  beamWidth: '--beam',
  nBest: '--n-best',
  lengthPenalty: '--length-penalty',
  stop: '--stop',
  seed: '--seed',
  allowUnknown: '--allow-unknown',
};

const helpText = `
Prompt: the text to continue, read with the model's tokenizer. Without one (or with one of only
spaces, for a word model) the text starts at the start of a line: from a line break for a
character model, from <eos> for a word model. Characters (or words) the model's vocabulary lacks
are refused by name; --allow-unknown reads them as <unk>.

Output: stdout gets the continuation only (not the prompt), as tokens come for greedy decoding
and sampling; word models join words with spaces and print <eos> as a line break. Beam search
prints each of the --n-best hypotheses after a line with its score. A line on stderr gives the
tokens, tokens per second, why the text ended and the seed of a sampled text. --json prints one
object instead: { text, tokens, stoppedBy, hypotheses: [{ text, tokens, score, logProbability,
stoppedBy }], seconds, tokensPerSecond, seed?, backend }.

Settings override the model's decoding block (its spec). Without --strategy, a sampling flag
(--temperature, --top-k, --top-p, --seed) chooses sampling and a beam flag (--beam, --n-best,
--length-penalty) beam search; else the model's strategy runs (greedy without a decoding block).
A flag that does not apply to the strategy is refused. --max-tokens 0 prints nothing (stopped by
maxTokens).`;

/** The generation options of the flags (the task checks them against the model's spec). */
function generationOptions(flags: GenerateFlags): TextGenerationOptions {
  return {
    ...(flags.maxTokens !== undefined ? { maxTokens: flags.maxTokens } : {}),
    ...(flags.strategy !== undefined ? { strategy: flags.strategy } : {}),
    ...(flags.temperature !== undefined ? { temperature: flags.temperature } : {}),
    ...(flags.topK !== undefined ? { topK: flags.topK } : {}),
    ...(flags.topP !== undefined ? { topP: flags.topP } : {}),
    ...(flags.repetitionPenalty !== undefined
      ? { repetitionPenalty: flags.repetitionPenalty }
      : {}),
    ...(flags.beam !== undefined ? { beamWidth: flags.beam } : {}),
    ...(flags.nBest !== undefined ? { nBest: flags.nBest } : {}),
    ...(flags.lengthPenalty !== undefined ? { lengthPenalty: flags.lengthPenalty } : {}),
    ...(flags.stop !== undefined ? { stop: flags.stop } : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    ...(flags.allowUnknown ? { allowUnknown: true } : {}),
  };
}

export function registerGenerate(
  program: Command,
  io: CliIO,
  setExit: (code: number) => void,
): void {
  program
    .command('generate')
    .description('continue a prompt with a trained model (generation models)')
    .argument('<model-dir>', 'model folder written by recurrent train')
    .option('-p, --prompt <text>', 'text to continue (default: the start of a line)', '')
    .option(
      '-n, --max-tokens <n>',
      "new tokens at most (default: the model's decoding.maxLength, else 100)",
      wholeNumber,
    )
    .addOption(
      new Option(
        '--strategy <name>',
        "decoding strategy (default: the one the other flags choose, else the model's, else greedy)",
      ).choices(['greedy', 'sample', 'beam']),
    )
    .option('-t, --temperature <t>', 'sampling: divide the logits by t (> 0)', number)
    .option('--top-k <k>', 'sampling: among the k most probable tokens', wholeNumber)
    .option(
      '--top-p <p>',
      'sampling: among the most probable tokens reaching probability p, in (0, 1]',
      number,
    )
    .option(
      '--repetition-penalty <r>',
      'penalise tokens already in the prompt or the text (> 0, 1 = none)',
      number,
    )
    .option('--beam <width>', 'beam search with this many beams', wholeNumber)
    .option(
      '--n-best <n>',
      'beam search: print the n best hypotheses (at most the width)',
      wholeNumber,
    )
    .option(
      '--length-penalty <a>',
      'beam search: rank by log-probability / length^a (default 1)',
      number,
    )
    .option(
      '--stop <text>',
      'end the text where it ends with this text (repeatable; not printed)',
      collect,
    )
    .option(
      '--seed <n>',
      'sampling: the same seed gives the same text on every backend',
      wholeNumber,
    )
    .option('--allow-unknown', 'read prompt characters or words the vocabulary lacks as <unk>')
    .option(
      '--json',
      'print one JSON object (text, tokens, stoppedBy, hypotheses, tokensPerSecond)',
    )
    .addOption(backendOption())
    .addHelpText('after', helpText)
    .action(async (dir: string, flags: GenerateFlags) => {
      await generate(dir, flags, io);
      setExit(ExitCode.ok);
    });
}

async function generate(dir: string, flags: GenerateFlags, io: CliIO): Promise<void> {
  const options = generationOptions(flags);
  const plugin = await folderPlugin(dir);
  if (!plugin.generator) {
    throw new CommandError(
      `${dir} is a ${plugin.name} model: its task generates no text from a prompt`,
    );
  }
  const backend = await startBackend(flags.backend);
  const task = await loadTaskFolder(dir, { backend: backend.name });
  // Ctrl-C or a closed pipe ends the text at the next token (stoppedBy "aborted"; interruption.ts).
  const interruption = listenForInterruption(io);
  const out: CliIO = {
    stdout: (text) => {
      if (!interruption.closed) io.stdout(text);
    },
    stderr: io.stderr,
  };
  try {
    const generator = plugin.generator(task);
    const run = { ...options, signal: interruption.signal };
    const strategy = generator.strategyFor(run);
    const started = performance.now();
    let result: GeneratedText;
    let streamed = '';
    if (!flags.json && strategy !== 'beam') {
      const pieces = generator.stream(flags.prompt, run);
      for (;;) {
        const next = await pieces.next();
        if (next.done) {
          result = next.value;
          break;
        }
        out.stdout(next.value.text);
        streamed += next.value.text;
      }
    } else {
      result = await generator.generate(flags.prompt, run);
    }
    const seconds = (performance.now() - started) / 1000;
    report(result, { seconds, backend: backend.label, json: Boolean(flags.json), streamed }, out);
  } catch (error) {
    if (error instanceof GenerationOptionError) {
      throw new CommandError(`${dir}: ${error.describe((name) => flagNames[name] ?? name)}`);
    }
    throw error;
  } finally {
    interruption.dispose();
    task.dispose();
  }
}

function report(
  result: GeneratedText,
  how: { seconds: number; backend: string; json: boolean; streamed: string },
  io: CliIO,
): void {
  const tokens = result.tokens.length;
  const tokensPerSecond = how.seconds > 0 ? tokens / how.seconds : 0;
  if (how.json) {
    const summary = {
      text: result.text,
      tokens,
      stoppedBy: result.stoppedBy,
      strategy: result.strategy,
      hypotheses: result.hypotheses.map((h) => ({
        text: h.text,
        tokens: h.tokens.length,
        score: h.score,
        logProbability: h.logProbability,
        stoppedBy: h.stoppedBy,
      })),
      seconds: how.seconds,
      tokensPerSecond,
      ...(result.seed !== undefined ? { seed: result.seed } : {}),
      backend: how.backend,
    };
    io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  const endLine = (text: string) => (text === '' || text.endsWith('\n') ? '' : '\n');
  if (result.strategy === 'beam') {
    // The hypotheses, best first, each after a line with its score.
    const n = result.hypotheses.length;
    result.hypotheses.forEach((h, i) => {
      io.stdout(
        `[${i + 1}/${n}] score ${h.score.toFixed(4)}, log-probability ${h.logProbability.toFixed(4)}, ${h.tokens.length} tokens, stopped by ${h.stoppedBy}\n`,
      );
      io.stdout(`${h.text}${endLine(h.text)}`);
    });
  } else {
    io.stdout(endLine(how.streamed));
  }
  io.stderr(
    `${tokens} tokens in ${how.seconds.toFixed(2)} s (${tokensPerSecond.toFixed(1)} tokens/s) on ${how.backend}; stopped by ${result.stoppedBy}${result.seed !== undefined ? `; seed ${result.seed}` : ''}\n`,
  );
}
