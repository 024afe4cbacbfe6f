// Learning-rate schedules from a spec's training.lrSchedule. Epoch schedules follow PyTorch's
// schedulers (StepLR, ExponentialLR, ReduceLROnPlateau in "min" mode with a relative threshold);
// step schedules (cosine, linear-warmup) give the rate of each optimizer step, counted from 0.
// Warmup reaches the base rate at step warmupSteps - 1 (step s runs at base * (s + 1) /
// warmupSteps), so no step is wasted at rate 0.
import type { LrScheduleSpec } from '../spec/types.generated.js';

export interface ScheduleState {
  /** Zero-based epoch being trained. */
  epoch: number;
  /** Zero-based optimizer step about to run. */
  step: number;
  /** Optimizer steps in the whole run (cosine decays over them). */
  totalSteps: number;
}

export class LrScheduler {
  readonly #spec: LrScheduleSpec;
  readonly #baseLr: number;
  // reduce-on-plateau state, as torch keeps it
  #plateauLr: number;
  #best = Number.POSITIVE_INFINITY;
  #badEpochs = 0;

  constructor(spec: LrScheduleSpec | undefined, baseLr: number) {
    this.#spec = spec ?? { type: 'constant' };
    this.#baseLr = baseLr;
    this.#plateauLr = baseLr;
  }

  /** The rate for the optimizer step described by `at`. */
  lr(at: ScheduleState): number {
    const spec = this.#spec;
    const base = this.#baseLr;
    switch (spec.type) {
      case 'constant':
        return base;
      case 'step':
        return base * spec.gamma ** Math.floor(at.epoch / spec.stepSize);
      case 'exponential':
        return base * spec.gamma ** at.epoch;
      case 'linear-warmup':
        return at.step < spec.warmupSteps ? (base * (at.step + 1)) / spec.warmupSteps : base;
      case 'cosine': {
        if (at.step < spec.warmupSteps) return (base * (at.step + 1)) / spec.warmupSteps;
        const span = Math.max(1, at.totalSteps - spec.warmupSteps);
        const progress = Math.min(1, (at.step - spec.warmupSteps) / span);
        return spec.minLr + (base - spec.minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
      }
      case 'reduce-on-plateau':
        return this.#plateauLr;
    }
  }

  /**
   * Reports an epoch's validation loss (reduce-on-plateau acts on it; other schedules ignore it).
   * As torch: an improvement is a loss below best * (1 - threshold); after more than `patience`
   * epochs without one the rate is multiplied by factor (not below minLr).
   */
  endEpoch(validationLoss: number | undefined): void {
    const spec = this.#spec;
    if (spec.type !== 'reduce-on-plateau' || validationLoss === undefined) return;
    if (validationLoss < this.#best * (1 - spec.threshold)) {
      this.#best = validationLoss;
      this.#badEpochs = 0;
    } else {
      this.#badEpochs += 1;
    }
    if (this.#badEpochs > spec.patience) {
      const reduced = Math.max(this.#plateauLr * spec.factor, spec.minLr);
      if (this.#plateauLr - reduced > 1e-8) this.#plateauLr = reduced;
      this.#badEpochs = 0;
    }
  }

  /** Everything needed to continue exactly after a restart (checkpoints). */
  state(): { plateauLr: number; best: number; badEpochs: number } {
    return { plateauLr: this.#plateauLr, best: this.#best, badEpochs: this.#badEpochs };
  }

  restore(state: { plateauLr: number; best: number; badEpochs: number }): void {
    this.#plateauLr = state.plateauLr;
    this.#best = state.best;
    this.#badEpochs = state.badEpochs;
  }
}
