// Colours of the attention heatmap and of the tags. Pure functions, tested in Node.

type Rgb = readonly [number, number, number];

// Viridis at five stops: perceptually even, readable in greyscale, and colour-blind safe.
const viridis: readonly Rgb[] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** Where `value` sits in [min, max], clamped to [0, 1] (0 when the range is empty or NaN). */
export function normalise(value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || !(max > min)) return 0;
  return Math.min(1, Math.max(0, (value - min) / (max - min)));
}

/** The heatmap colour of an attention weight: dark purple for 0 → yellow for 1. */
export function heatColour(value: number, min = 0, max = 1): string {
  const [r, g, b] = heatRgb(normalise(value, min, max));
  return `rgb(${r}, ${g}, ${b})`;
}

export function heatRgb(t: number): Rgb {
  const scaled = Math.min(1, Math.max(0, t)) * (viridis.length - 1);
  const low = Math.min(Math.floor(scaled), viridis.length - 2);
  const f = scaled - low;
  const a = viridis[low] as Rgb;
  const b = viridis[low + 1] as Rgb;
  return [0, 1, 2].map((i) =>
    Math.round((a[i] as number) + f * ((b[i] as number) - (a[i] as number))),
  ) as unknown as Rgb;
}

/** Black or white, whichever reads better on the heatmap colour of `t` (WCAG relative luminance). */
export function textOnHeat(t: number): '#000' | '#fff' {
  const [r, g, b] = heatRgb(t).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast with black (L + 0.05) / 0.05 vs with white 1.05 / (L + 0.05): equal at L ≈ 0.179.
  return luminance > 0.179 ? '#000' : '#fff';
}

/**
 * The entity a tag names: "B-PER" and "I-PER" (and BIOES/BILOU prefixes) are both "PER", so a
 * span is one colour; plain tags (UPOS "NOUN") are themselves.
 */
export function tagEntity(tag: string): string {
  const match = /^([BIESLU])-(.+)$/.exec(tag);
  return match ? (match[2] as string) : tag;
}

/** Tags that mean "no tag" and stay uncoloured. */
export function isOutsideTag(tag: string): boolean {
  return tag === 'O' || tag === '_' || tag === '';
}

/**
 * A colour per entity, stable for a given set of tags (sorted, so the legend and the colours do
 * not change between sentences). Hues step by the golden angle, so any number of entities gets
 * distinct light backgrounds that dark text reads on.
 */
export function tagPalette(tags: Iterable<string>): Map<string, string> {
  const entities = [...new Set([...tags].filter((t) => !isOutsideTag(t)).map(tagEntity))].sort();
  const palette = new Map<string, string>();
  entities.forEach((entity, i) => {
    const hue = Math.round((i * 137.508) % 360);
    // Alternate the lightness a little so neighbouring hues after many steps still differ.
    const lightness = i % 2 === 0 ? 82 : 74;
    palette.set(entity, `hsl(${hue}, 70%, ${lightness}%)`);
  });
  return palette;
}

/** The background of a token with `tag`, or undefined for an outside tag. */
export function tagColour(palette: Map<string, string>, tag: string): string | undefined {
  return isOutsideTag(tag) ? undefined : palette.get(tagEntity(tag));
}
