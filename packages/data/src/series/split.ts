// Chronological train/validation/test ranges: the parts follow each other in time, never shuffled,
// so that nothing the model is scored on lies before what it was trained on.

export interface ChronologicalSplitOptions {
  /** Points at the end held out for testing: a count (integer >= 0) or a fraction in (0, 1). */
  testSize: number;
  /** Points just before the test part held out for validation (default 0). */
  validationSize?: number;
  /** The fewest points the training part may have (default 1), e.g. window + horizon. */
  minimumTrainLength?: number;
}

/** A half-open index range [start, end). */
export interface IndexRange {
  start: number;
  end: number;
}

export interface ChronologicalSplit {
  train: IndexRange;
  validation: IndexRange;
  test: IndexRange;
}

function partLength(size: number, length: number, name: string): number {
  if (Number.isInteger(size) && size >= 0) return size;
  if (size > 0 && size < 1) {
    const count = Math.round(size * length);
    if (count === 0)
      throw new RangeError(`${name} ${size} of ${length} points rounds to 0 points; give a count`);
    return count;
  }
  throw new RangeError(
    `${name} must be a count (integer >= 0) or a fraction in (0, 1), got ${size}`,
  );
}

export function chronologicalSplit(
  length: number,
  options: ChronologicalSplitOptions,
): ChronologicalSplit {
  if (!Number.isInteger(length) || length < 0)
    throw new RangeError(`series length must be an integer >= 0, got ${length}`);
  const test = partLength(options.testSize, length, 'testSize');
  const validation = partLength(options.validationSize ?? 0, length, 'validationSize');
  const minimum = options.minimumTrainLength ?? 1;
  const train = length - test - validation;
  if (train < minimum)
    throw new RangeError(
      `a series of ${length} points leaves ${train} for training after ${test} test and ${validation} validation points; training needs at least ${minimum}`,
    );
  return {
    train: { start: 0, end: train },
    validation: { start: train, end: train + validation },
    test: { start: train + validation, end: length },
  };
}
