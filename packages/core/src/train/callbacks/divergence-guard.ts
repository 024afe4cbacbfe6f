// The divergence guard: a loss or gradient norm that is not finite (NaN, Infinity) ends the run
// before the optimizer touches the weights, so the last checkpoint stays the state to go back to.
import type { Callback, TrainingRun } from '../callback.js';

export class DivergenceError extends Error {
  override name = 'DivergenceError';
  constructor(
    readonly step: number,
    readonly epoch: number,
    what: string,
  ) {
    super(
      `training diverged at step ${step} (epoch ${epoch + 1}): ${what} is not finite; the weights were not updated and the last checkpoint is intact`,
    );
  }
}

export class DivergenceGuard implements Callback {
  onLoss(loss: number, run: TrainingRun): void {
    if (!Number.isFinite(loss))
      throw new DivergenceError(run.step + 1, run.epoch, `the loss (${loss})`);
  }

  onGradientNorm(norm: number, run: TrainingRun): void {
    if (!Number.isFinite(norm)) {
      throw new DivergenceError(run.step + 1, run.epoch, `the gradient norm (${norm})`);
    }
  }
}
