// JSON Lines: one JSON object per non-empty line.
import { DataError } from '../errors.js';

export function parseJsonl(
  text: string,
  source: string,
  options: { skipBadRows?: boolean } = {},
): {
  rows: Array<{ line: number; value: Record<string, unknown> }>;
  skipped: Array<{ line: number; problem: string }>;
} {
  const rows: Array<{ line: number; value: Record<string, unknown> }> = [];
  const skipped: Array<{ line: number; problem: string }> = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = index + 1;
    if (raw.trim() === '') continue;
    let problem: string | undefined;
    try {
      const value = JSON.parse(raw) as unknown;
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        problem = 'not a JSON object';
      else rows.push({ line, value: value as Record<string, unknown> });
    } catch (error) {
      problem = `not valid JSON (${(error as Error).message})`;
    }
    if (problem) {
      if (!options.skipBadRows) throw new DataError(source, line, problem);
      skipped.push({ line, problem });
    }
  }
  return { rows, skipped };
}
