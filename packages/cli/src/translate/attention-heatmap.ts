// A text heatmap of a translation's attention: one row per output token, one column per source
// token, each cell shaded by its weight. Column headers are the source tokens written above their
// columns on staggered lines, each joined to its column by a "│", so long tokens stay whole and
// readable however narrow the columns are.
//
//              am
//              │ tired
//            i │ │ . <eos>
//   je       ██
//   suis       ▓▓░░
//   fatigue      ██
//   .              ▒▒▒▒
//   <eos>            ██

export interface AttentionMap {
  /** Column labels: the source as the encoder read it. */
  sourceTokens: readonly string[];
  /** Row labels: the output tokens (with "<eos>" when the translation ended with it). */
  outputTokens: readonly string[];
  /** weights[i][j]: the weight of source token j for output token i, in [0, 1]. */
  weights: readonly (readonly number[])[];
}

export interface HeatmapOptions {
  /** Characters per cell (default 2: about square in a terminal). */
  cellWidth?: number;
  /** Shades from no weight to all of it (default " ░▒▓█"); a weight takes the nearest one. */
  shades?: string;
  /** Row labels longer than this are cut with "…" (default 24). */
  maxLabelWidth?: number;
}

const defaultShades = ' ░▒▓█';

/** The shade of `weight` among `shades` (evenly spaced from 0 to 1, nearest wins). */
export function shadeOf(weight: number, shades: string = defaultShades): string {
  const levels = [...shades];
  const clamped = Math.min(1, Math.max(0, weight));
  return levels[Math.round(clamped * (levels.length - 1))] as string;
}

/** "Shades: ░ ≥ 0.13, ▒ ≥ 0.38 ..." : the weight each shade starts at. */
export function heatmapLegend(shades: string = defaultShades): string {
  const levels = [...shades];
  const steps = levels.length - 1;
  const parts = levels
    .slice(1)
    .map((shade, i) => `${shade} ≥ ${((i + 0.5) / steps).toFixed(3).replace(/0+$/, '')}`);
  return `weights: ${parts.join('  ')}`;
}

function cut(label: string, width: number): string {
  const chars = [...label];
  return chars.length <= width ? label : `${chars.slice(0, width - 1).join('')}…`;
}

/**
 * Header lines for columns starting at `starts` (character offsets): each label on the lowest
 * line where it overlaps neither another label nor the "│" of a label above it, placing labels
 * from the right so that the lines stagger up to the left. Lines are returned top first.
 */
function headerLines(labels: readonly string[], starts: readonly number[]): string[] {
  const level: number[] = [];
  for (let j = labels.length - 1; j >= 0; j--) {
    const end = (starts[j] as number) + [...(labels[j] as string)].length; // exclusive
    let line = 0;
    // Placed labels to the right that sit on this line or above it block it when they start
    // before this label's end plus one space.
    for (let k = j + 1; k < labels.length; k++) {
      if ((starts[k] as number) <= end) line = Math.max(line, (level[k] as number) + 1);
    }
    level[j] = line;
  }
  const height = labels.length === 0 ? 0 : Math.max(...level) + 1;
  const lines: string[][] = Array.from({ length: height }, () => []);
  const put = (line: string[], at: number, text: string) => {
    const chars = [...text];
    while (line.length < at + chars.length) line.push(' ');
    chars.forEach((c, i) => {
      line[at + i] = c;
    });
  };
  labels.forEach((label, j) => {
    const at = starts[j] as number;
    const top = height - 1 - (level[j] as number);
    put(lines[top] as string[], at, label);
    for (let below = top + 1; below < height; below++) put(lines[below] as string[], at, '│');
  });
  return lines.map((line) => line.join('').trimEnd());
}

/** The heatmap as lines (no trailing spaces); throws when the weights do not fit the tokens. */
export function attentionHeatmap(map: AttentionMap, options: HeatmapOptions = {}): string[] {
  const cellWidth = options.cellWidth ?? 2;
  const shades = options.shades ?? defaultShades;
  const maxLabelWidth = options.maxLabelWidth ?? 24;
  if (!Number.isInteger(cellWidth) || cellWidth < 1) {
    throw new RangeError(`cellWidth must be a positive integer, got ${cellWidth}`);
  }
  if ([...shades].length < 2) throw new RangeError('shades needs at least two characters');
  const { sourceTokens, outputTokens, weights } = map;
  if (weights.length !== outputTokens.length) {
    throw new RangeError(
      `attention has ${weights.length} rows for ${outputTokens.length} output tokens`,
    );
  }
  weights.forEach((row, i) => {
    if (row.length !== sourceTokens.length) {
      throw new RangeError(
        `attention row ${i} ("${outputTokens[i]}") has ${row.length} weights for ${sourceTokens.length} source tokens`,
      );
    }
    const bad = row.findIndex((w) => !Number.isFinite(w));
    if (bad >= 0) {
      throw new RangeError(
        `attention row ${i} ("${outputTokens[i]}") has weight ${row[bad]} for source token ${bad} ("${sourceTokens[bad]}")`,
      );
    }
  });
  const labels = outputTokens.map((t) => cut(t, maxLabelWidth));
  const labelWidth = Math.max(0, ...labels.map((l) => [...l].length));
  const left = labelWidth + 2;
  const starts = sourceTokens.map((_, j) => left + j * cellWidth);
  const header = headerLines(sourceTokens, starts);
  const rows = weights.map((row, i) => {
    const label = labels[i] as string;
    const cells = row.map((w) => shadeOf(w, shades).repeat(cellWidth)).join('');
    return `${label}${' '.repeat(left - [...label].length)}${cells}`.trimEnd();
  });
  return [...header, ...rows];
}
