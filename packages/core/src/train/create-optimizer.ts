// The optimizer a spec's training.optimizer names, with its settings.
import type { OptimizerSpec } from '../spec/types.generated.js';
import { Adam } from './optimizer.js';
import type { Optimizer } from './optimizer-types.js';
import { Rmsprop } from './rmsprop.js';
import { Sgd } from './sgd.js';

export function createOptimizer(spec: OptimizerSpec): Optimizer {
  switch (spec.type) {
    case 'adam':
    case 'adamw':
      return new Adam({
        lr: spec.lr,
        betas: spec.betas as [number, number],
        eps: spec.eps,
        weightDecay: spec.weightDecay,
        decoupledWeightDecay: spec.type === 'adamw',
        amsgrad: spec.amsgrad,
      });
    case 'sgd':
      return new Sgd(spec);
    case 'rmsprop':
      return new Rmsprop(spec);
  }
}
