// Whether a checkpoint's weights are this model's, before a run resumes from them: the tasks add
// their own checks (carried states, vocabularies) and refuse the resume naming every problem.
import type * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../model/model.js';

/** What keeps `weights` from being `model`'s parameters: missing, misshapen and extra names. */
export function checkpointWeightProblems(
  model: Model,
  weights: ReadonlyMap<string, tf.Tensor>,
): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const p of model.parameters()) {
    names.add(p.name);
    const saved = weights.get(p.name);
    if (!saved) problems.push(`no weights for "${p.name}"`);
    else if (saved.shape.join() !== p.variable.shape.join()) {
      problems.push(
        `"${p.name}" is [${saved.shape.join(', ')}], the model's is [${p.variable.shape.join(', ')}]`,
      );
    }
  }
  for (const name of weights.keys()) {
    if (!names.has(name)) problems.push(`"${name}" is not a parameter of the model`);
  }
  return problems;
}
