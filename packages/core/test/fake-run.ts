// A TrainingRun without a model or tensors, for testing callbacks on their own: it records what
// callbacks do to it (stops, best weights kept and dropped, snapshots taken).
import type { TrainingRun } from '../src/train/callback.js';
import type { StopReason, TrainingState } from '../src/train/types.js';

export interface FakeRun extends TrainingRun {
  epoch: number;
  position: number;
  step: number;
  gradientsPending: boolean;
  /** What happened, in order: "keepBest 1.5 @0", "dropBest", "stop time-budget". */
  readonly log: string[];
  /** Positions of the snapshots taken, as "epoch/position@step". */
  readonly snapshots: string[];
}

export function fakeRun(): FakeRun {
  let best: { loss: number; epoch: number } | undefined;
  let stopReason: StopReason | undefined;
  const run: FakeRun = {
    model: undefined as never,
    epochs: 10,
    batchCount: 5,
    epoch: 0,
    position: 0,
    step: 0,
    history: [],
    gradientsPending: false,
    badEpochs: 0,
    log: [],
    snapshots: [],
    get best() {
      return best;
    },
    get stopReason() {
      return stopReason;
    },
    keepBest(loss, epoch) {
      best = { loss, epoch };
      run.log.push(`keepBest ${loss} @${epoch}`);
    },
    dropBest() {
      best = undefined;
      run.log.push('dropBest');
    },
    stop(reason) {
      stopReason ??= reason;
      run.log.push(`stop ${reason}`);
    },
    snapshot() {
      run.snapshots.push(`${run.epoch}/${run.position}@${run.step}`);
      return { epoch: run.epoch, position: run.position, step: run.step } as TrainingState;
    },
  };
  return run;
}
