// Teacher forcing and scheduled sampling (Bengio et al. 2015): the ratio of true previous tokens fed
// to the decoder at a point of training, from the spec's `training.teacherForcing`, and the per-row,
// per-step mask (contract.ts: the model's `teacherForcing` input) drawn with that ratio. The mask's
// generator is seeded from (training.seed, epoch, batch index) alone, so a resumed run, or a batch
// asked for again, draws exactly the same choices whatever was drawn before.
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../init/random.js';
import type { TeacherForcingScheduleSpec, TeacherForcingSpec } from '../spec/types.generated.js';
import type { BatchPosition } from '../train/types.js';

/** A teacher-forcing setting that cannot be used; the message names the spec field. */
export class TeacherForcingError extends Error {
  override name = 'TeacherForcingError';
}

const where = 'training.teacherForcing';

function fail(field: string, message: string): never {
  throw new TeacherForcingError(`${where}.${field}: ${message}`);
}

function isProbability(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= 1;
}

function isPositive(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/** A schedule with its defaults applied (as the schema gives them) and checked. */
interface Checked {
  ratio: number;
  type: TeacherForcingScheduleSpec['type'];
  per: 'step' | 'epoch';
  decay: number;
  k: number;
  minRatio: number;
}

/**
 * Checks `spec` (a validated spec's `training.teacherForcing`, or one written by hand: absent
 * fields take the schema's defaults) and refuses settings the schema lets through but that make no
 * sense: a setting another schedule type uses (it would be ignored), a floor `minRatio` above the
 * starting `ratio`, a decaying schedule that cannot move (minRatio equal to ratio), a floor on a
 * constant schedule.
 */
export function checkTeacherForcing(spec: TeacherForcingSpec | undefined): void {
  checked(spec);
}

function checked(spec: TeacherForcingSpec | undefined): Checked {
  const ratio = spec?.ratio ?? 1;
  if (!isProbability(ratio)) fail('ratio', `must be a number from 0 to 1, got ${String(ratio)}`);
  const schedule = spec?.schedule;
  if (schedule === undefined) {
    return { ratio, type: 'constant', per: 'epoch', decay: 0, k: 0, minRatio: 0 };
  }
  const { type } = schedule;
  const per = schedule.per ?? 'epoch';
  const minRatio = schedule.minRatio ?? 0;
  if (!['constant', 'linear', 'exponential', 'inverse-sigmoid'].includes(type)) {
    fail(
      'schedule.type',
      `must be "constant", "linear", "exponential" or "inverse-sigmoid", got ${JSON.stringify(type)}`,
    );
  }
  if (per !== 'step' && per !== 'epoch') {
    fail('schedule.per', `must be "step" or "epoch", got ${JSON.stringify(per)}`);
  }
  if (!isProbability(minRatio)) {
    fail('schedule.minRatio', `must be a number from 0 to 1, got ${String(minRatio)}`);
  }
  if (type !== 'linear' && schedule.decay !== undefined) {
    fail('schedule.decay', `has no effect on a "${type}" schedule (linear only); remove it`);
  }
  if ((type === 'constant' || type === 'linear') && schedule.k !== undefined) {
    fail(
      'schedule.k',
      `has no effect on a "${type}" schedule (exponential and inverse-sigmoid only); remove it`,
    );
  }
  let decay = 0;
  let k = 0;
  if (type === 'linear') {
    if (!isPositive(schedule.decay)) {
      fail('schedule.decay', `a linear schedule needs decay > 0, got ${String(schedule.decay)}`);
    }
    decay = schedule.decay;
  }
  if (type === 'exponential') {
    if (!(isPositive(schedule.k) && schedule.k < 1)) {
      fail('schedule.k', `an exponential schedule needs k in (0, 1), got ${String(schedule.k)}`);
    }
    k = schedule.k;
  }
  if (type === 'inverse-sigmoid') {
    if (!(isPositive(schedule.k) && schedule.k >= 1)) {
      fail('schedule.k', `an inverse-sigmoid schedule needs k >= 1, got ${String(schedule.k)}`);
    }
    k = schedule.k;
  }
  if (type === 'constant') {
    if (minRatio !== 0) {
      fail(
        'schedule.minRatio',
        `has no effect on a "constant" schedule (the ratio, ${ratio}, never decays); remove it or set ${where}.ratio`,
      );
    }
  } else if (minRatio >= ratio) {
    fail(
      'schedule.minRatio',
      `(${minRatio}) must be below ${where}.ratio (${ratio}): the "${type}" schedule decays from ratio down to minRatio, so it would never change`,
    );
  }
  return { ratio, type, per, decay, k, minRatio };
}

/**
 * The probability of feeding the true previous token at `at` (the schema's formulas, with i the
 * 0-based epoch or the optimizer steps taken, per `schedule.per`): constant: ratio; linear:
 * ratio − decay·i; exponential: ratio·k^i; inverse-sigmoid: ratio·k / (k + exp(i / k)); every one
 * floored at `minRatio`. No spec: 1 (always teacher forcing).
 */
export function teacherForcingRatio(
  spec: TeacherForcingSpec | undefined,
  at: BatchPosition,
): number {
  const s = checked(spec);
  if (s.type === 'constant') return s.ratio;
  const i = s.per === 'step' ? at?.step : at?.epoch;
  if (!(typeof i === 'number' && Number.isInteger(i) && i >= 0)) {
    throw new TeacherForcingError(
      `teacherForcingRatio: the position's ${s.per} must be an integer >= 0, got ${String(i)}`,
    );
  }
  let value: number;
  if (s.type === 'linear') value = s.ratio - s.decay * i;
  else if (s.type === 'exponential') value = s.ratio * s.k ** i;
  else value = (s.ratio * s.k) / (s.k + Math.exp(i / s.k));
  return Math.max(s.minRatio, value);
}

/**
 * The model's `teacherForcing` input for a batch: float32 [rows, steps], 1 where a row reads the
 * true previous token at that step, 0 where it reads its own prediction. Column 0 is always 1 (the
 * start token); every other entry is its own Bernoulli(ratio) draw (per row and per step, as in
 * scheduled sampling), taken row by row from `random`: 1 when random.next() < ratio. Undefined when
 * ratio is 1: the model then teacher-forces every step without a mask (and `random` is not used).
 */
export function teacherForcingMask(
  ratio: number,
  rows: number,
  steps: number,
  random: Random,
): tf.Tensor2D | undefined {
  if (!isProbability(ratio)) {
    throw new TeacherForcingError(
      `teacherForcingMask: ratio must be a number from 0 to 1, got ${String(ratio)}`,
    );
  }
  for (const [name, value] of [
    ['rows', rows],
    ['steps', steps],
  ] as const) {
    if (!(Number.isInteger(value) && value >= 1)) {
      throw new TeacherForcingError(
        `teacherForcingMask: ${name} must be an integer >= 1, got ${String(value)}`,
      );
    }
  }
  if (ratio === 1) return undefined;
  const values = new Float32Array(rows * steps);
  for (let r = 0; r < rows; r++) {
    values[r * steps] = 1;
    for (let t = 1; t < steps; t++) values[r * steps + t] = random.next() < ratio ? 1 : 0;
  }
  return tf.tensor2d(values, [rows, steps], 'float32');
}

/**
 * The generator of batch `batchIndex`'s mask in `epoch`, from `training.seed` alone: the same three
 * numbers give the same stream (a resumed run redraws what the interrupted one drew), and
 * different batches or epochs independent ones. Salted so it does not repeat the streams fit seeds
 * from the same training.seed (shuffling, dropout).
 */
export function teacherForcingRandom(seed: number, epoch: number, batchIndex: number): Random {
  for (const [name, value] of [
    ['seed', seed],
    ['epoch', epoch],
    ['batchIndex', batchIndex],
  ] as const) {
    if (!(Number.isInteger(value) && value >= 0 && value <= 0xffffffff)) {
      throw new TeacherForcingError(
        `teacherForcingRandom: ${name} must be an integer from 0 to 4294967295, got ${String(value)}`,
      );
    }
  }
  let h = 0x7e4c4e12; // salt: "teacher forcing"
  h = mixIn(h, seed);
  h = mixIn(h, epoch);
  h = mixIn(h, batchIndex);
  return new Random(finalize(h));
}

// MurmurHash3's x86_32 block step and finalizer: every input bit affects every output bit.
function mixIn(h: number, value: number): number {
  let k = Math.imul(value >>> 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let x = (h ^ k) >>> 0;
  x = (x << 13) | (x >>> 19);
  return (Math.imul(x, 5) + 0xe6546b64) >>> 0;
}

function finalize(h: number): number {
  let x = h >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
