// Commands find the task from the spec or the model folder (core's registry, no task name in the
// CLI) and refuse by name what that task does not use or offer: classification's options on a
// generation model, `predict` for a task without it, a model folder of a task this CLI does not know.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTask, saveTask } from '@recurrent/core/node';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'routing-'));
const text = join(root, 'text.txt');
writeFileSync(text, 'to be or not to be, that is the question. '.repeat(40));

describe('task routing', () => {
  const model = join(root, 'generation');

  it('makes a generation model folder (through the registry)', async () => {
    const spec = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../test/fixtures/tiny-char.json'), 'utf8'),
    );
    const task = await createTask(
      { ...spec, training: { ...spec.training, epochs: 1 } },
      { task: 'generation', backend: 'cpu' },
    );
    await task.train(readFileSync(text, 'utf8'));
    await saveTask(task, model);
    task.dispose();
  }, 60_000);

  it.each([
    ['--format', ['--format', 'tsv']],
    ['--text-column', ['--text-column', 'text']],
    ['--label-column', ['--label-column', 'label']],
  ])('eval refuses %s for a generation model, by name', async (flag, extra) => {
    const result = await runCli('eval', model, '--data', text, '--backend', 'cpu', ...extra);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `recurrent: ${flag} is not used by the generation task (${model}); it reads a UTF-8 text file, read as one stream of tokens (the last tenth is held out for validation)\n`,
    );
  });

  it('eval reads the generation model and its data through the task', async () => {
    const result = await runCli('eval', model, '--data', text, '--backend', 'cpu');
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`${text}: generation model evaluated on cpu\n`);
    expect(result.stdout).toMatch(/perplexity \d+\.\d{3}/);
  });

  it('predict says a generation model offers no predict', async () => {
    const result = await runCli('predict', model, 'to be', '--backend', 'cpu');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `recurrent: ${model} is a generation model: its task offers no predict command\n`,
    );
  });

  it('eval names the tasks it knows for a model folder of a task it does not', async () => {
    // Every task package ships with the CLI now; a folder from a newer version may name another.
    const other = join(root, 'newer');
    cpSync(model, other, { recursive: true });
    const json = JSON.parse(readFileSync(join(other, 'model.json'), 'utf8'));
    writeFileSync(
      join(other, 'model.json'),
      JSON.stringify({ ...json, spec: { ...json.spec, task: 'anomaly-detection' } }),
    );
    const result = await runCli('eval', other, '--data', text);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^recurrent: unknown task "anomaly-detection": the tasks are classification, generation, translation, forecasting, tagging \(aliases: /,
    );
  });

  it('lists each task option in the help with the tasks that use it', async () => {
    const result = await runCli('train', '--help');
    expect(result.stdout).toMatch(/--val <file>\s+classification: validation data/);
    expect(result.stdout).toMatch(
      /--label-column <name\|index>\s+classification: the label column/,
    );
    // Forecasting names a column with --target, translation a file: the flag says both.
    expect(result.stdout).toMatch(/--target <name\|file>\s+forecasting: train: the column/);
    expect(result.stdout).toMatch(/translation: target-language sentences/);
  });
});
