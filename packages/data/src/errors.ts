// Data problems name where they are: the file (or source) and, for rows, the line.
export class DataError extends Error {
  override name = 'DataError';
  constructor(
    readonly source: string,
    readonly line: number | undefined,
    readonly problem: string,
  ) {
    super(line === undefined ? `${source}: ${problem}` : `${source}:${line}: ${problem}`);
  }
}
