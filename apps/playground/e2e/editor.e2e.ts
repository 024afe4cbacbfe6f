// The spec editor marks a JSON syntax error and a misspelled layer type at the right line, with
// core's message and suggestion: in the problem list, as a lint mark in the text at that line, and
// in the tooltip over it. The expected lines are found in the typed text, not taken from the page.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { byTestId } from './app.ts';
import { screenshot, useBrowser } from './browser.ts';

const session = useBrowser();

const validSpec = {
  version: 1,
  name: 'e2e-editor',
  task: 'classification',
  input: { tokenizer: { type: 'word', lowercase: true }, maxLength: 32 },
  layers: [
    { type: 'embedding', embeddingDim: 8 },
    { type: 'lstm', hiddenSize: 8 },
    { type: 'pool', mode: 'mean' },
    { type: 'dense', units: 'auto' },
  ],
  training: { epochs: 1, batchSize: 8, optimizer: { type: 'adam', lr: 0.01 } },
};
const validText = `${JSON.stringify(validSpec, null, 2)}\n`;

/** 1-based line of the first occurrence of `needle` in `text`. */
const lineOf = (text: string, needle: string) => {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`"${needle}" is not in the text`);
  return text.slice(0, at).split('\n').length;
};

/** Replaces the editor's text the way a user pastes it. */
async function typeSpec(page: Page, text: string) {
  await page.locator('[data-testid="spec-status"][data-valid]').waitFor();
  await page.locator(`${byTestId('spec-editor')} .cm-content`).click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(text);
  await page.keyboard.press('Escape'); // closes a completion popup, if one opened
}

interface Marked {
  problems: { line: number; kind: string; text: string }[];
  /** Editor lines (1-based) holding an error mark, and the marked text. */
  marks: { line: number; text: string }[];
}

async function marked(page: Page, problems: number): Promise<Marked> {
  await page.locator('[data-testid="spec-status"][data-valid="false"]').waitFor();
  await expect.poll(() => page.locator(`${byTestId('spec-problems')} li`).count()).toBe(problems);
  await page.locator('.cm-lintRange-error').first().waitFor();
  return page.evaluate(() => {
    const lines = [...document.querySelectorAll('.cm-content > .cm-line')];
    return {
      problems: [...document.querySelectorAll('[data-testid="spec-problems"] li')].map((li) => ({
        line: Number(li.getAttribute('data-line')),
        kind: li.getAttribute('data-kind') ?? '',
        text: li.textContent ?? '',
      })),
      marks: [...document.querySelectorAll('.cm-lintRange-error')].map((mark) => ({
        line: lines.indexOf(mark.closest('.cm-line') as Element) + 1,
        text: mark.textContent ?? '',
      })),
    };
  });
}

/** The lint tooltip's text when the mouse rests on the first error mark. */
async function tooltipOverMark(page: Page): Promise<string> {
  await page.locator('.cm-lintRange-error').first().hover();
  const tooltip = page.locator('.cm-tooltip-lint, .cm-tooltip .cm-diagnostic').first();
  await tooltip.waitFor({ timeout: 5_000 });
  return (await tooltip.textContent()) ?? '';
}

describe('the spec editor', () => {
  it('marks a JSON syntax error (a missing comma) at the line of the next property', async () => {
    const { page } = await session.open('/');
    await typeSpec(page, validText);
    await page.locator('[data-testid="spec-status"][data-valid="true"]').waitFor();
    // Drop the comma after "name": the parser stops at the next property, "task".
    const text = validText.replace('"name": "e2e-editor",', '"name": "e2e-editor"');
    const expectedLine = lineOf(text, '"task"');
    expect(expectedLine).toBe(4);
    await typeSpec(page, text);
    const { problems, marks } = await marked(page, 1);
    expect(problems[0]).toMatchObject({ line: expectedLine, kind: 'syntax' });
    expect(problems[0]?.text).toMatch(/expected ','/);
    expect(marks.map((m) => m.line)).toContain(expectedLine);
    expect(await tooltipOverMark(page)).toMatch(/expected ','/);
    await screenshot(page, 'editor-syntax-error', '.spec-editor');
  });

  it('marks a misspelled layer type ("lstn") at its line with the suggestion "lstm"', async () => {
    const { page } = await session.open('/');
    await typeSpec(page, validText);
    await page.locator('[data-testid="spec-status"][data-valid="true"]').waitFor();
    const text = validText.replace('"type": "lstm"', '"type": "lstn"');
    const expectedLine = lineOf(text, '"lstn"');
    await typeSpec(page, text);
    const { problems, marks } = await marked(page, 1);
    expect(problems[0]?.line).toBe(expectedLine);
    expect(problems[0]?.text).toContain('unknown layer type "lstn"');
    expect(problems[0]?.text).toContain('did you mean "lstm"?');
    expect(marks).toContainEqual({ line: expectedLine, text: expect.stringContaining('lstn') });
    expect(await tooltipOverMark(page)).toContain('did you mean "lstm"?');
    await screenshot(page, 'editor-layer-type', '.spec-editor');
  });
});
