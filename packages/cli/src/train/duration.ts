// "--max-time 30m": durations as a number with a unit (s, m, h), combined like "1h30m".

const units: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a duration like "90s", "30m", "1h30m" or "2h"; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)([smh])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce(
    (sum, [, value, unit]) => sum + Number(value) * (units[unit as string] as number),
    0,
  );
}
