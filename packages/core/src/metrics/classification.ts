// Classification metrics from predicted and true class ids, as scikit-learn defines them
// (precision, recall or F1 of a class with no predicted or no true members is 0).

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  /** True members of the class. */
  support: number;
}

export interface ClassificationReport {
  accuracy: number;
  perClass: ClassScores[];
  macro: Omit<ClassScores, 'support'>;
  /** Over all decisions pooled: for single-label data precision = recall = F1 = accuracy. */
  micro: Omit<ClassScores, 'support'>;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
}

function check(predicted: ArrayLike<number>, actual: ArrayLike<number>, classes: number): void {
  if (predicted.length !== actual.length) {
    throw new Error(
      `metrics: ${predicted.length} predictions for ${actual.length} labels (they must pair up)`,
    );
  }
  for (const [name, ids] of [
    ['prediction', predicted],
    ['label', actual],
  ] as const) {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (!Number.isInteger(id) || id < 0 || id >= classes) {
        throw new Error(`metrics: ${name} ${i} is ${id}, not a class id in [0, ${classes - 1}]`);
      }
    }
  }
}

export function confusionMatrix(
  predicted: ArrayLike<number>,
  actual: ArrayLike<number>,
  classes: number,
): number[][] {
  check(predicted, actual, classes);
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < actual.length; i++) {
    const row = matrix[actual[i] as number] as number[];
    const p = predicted[i] as number;
    row[p] = (row[p] as number) + 1;
  }
  return matrix;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
const harmonic = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

export function classificationReport(
  predicted: ArrayLike<number>,
  actual: ArrayLike<number>,
  classes: number,
): ClassificationReport {
  const confusion = confusionMatrix(predicted, actual, classes);
  const perClass: ClassScores[] = [];
  let correct = 0;
  for (let c = 0; c < classes; c++) {
    const truePositives = confusion[c]?.[c] as number;
    const predictedAs = confusion.reduce((sum, row) => sum + (row[c] as number), 0);
    const support = (confusion[c] as number[]).reduce((a, b) => a + b, 0);
    const precision = ratio(truePositives, predictedAs);
    const recall = ratio(truePositives, support);
    perClass.push({ precision, recall, f1: harmonic(precision, recall), support });
    correct += truePositives;
  }
  const mean = (key: 'precision' | 'recall' | 'f1') =>
    perClass.reduce((sum, s) => sum + s[key], 0) / Math.max(1, classes);
  const accuracy = ratio(correct, actual.length);
  return {
    accuracy,
    perClass,
    macro: { precision: mean('precision'), recall: mean('recall'), f1: mean('f1') },
    micro: { precision: accuracy, recall: accuracy, f1: accuracy },
    confusion,
  };
}

/** Share of positions where prediction equals label, skipping positions whose label is `ignore`. */
export function tokenAccuracy(
  predicted: ArrayLike<number>,
  actual: ArrayLike<number>,
  ignore?: number,
): number {
  if (predicted.length !== actual.length) {
    throw new Error(`token accuracy: ${predicted.length} predictions for ${actual.length} labels`);
  }
  let counted = 0;
  let correct = 0;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] === ignore) continue;
    counted++;
    if (predicted[i] === actual[i]) correct++;
  }
  return ratio(correct, counted);
}
